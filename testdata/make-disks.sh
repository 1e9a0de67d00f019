#!/usr/bin/env bash
# Makes the disk images of the disk tests in testdata/cache/ (git-ignored; nothing is committed),
# as an ordinary user: no root, no loop devices, no mounts. Partition tables are written with
# sfdisk, FAT with mkfs.vfat + mtools (`-i IMG@@OFFSET`), ext4 with `mkfs.ext4 -d DIR`.
#
#   data.img        8 MiB raw, deterministic: every 512-byte sector starts with the text
#                   `bootemu data.img sector NNNNNNNN\n` followed by xorshift64 bytes seeded by the
#                   sector number (sha256 9ac82a19f573057a22648b62fd605eabb3d4521a1a3aa35af49bd2c00733c7fc).
#                   For the read/write tests with initramfs-disk.cpio.gz; copy it before writing.
#   esp-grub.img    GPT, one 64 MiB EFI System Partition (FAT32) with Debian's monolithic GRUB
#                   (grub-efi-arm64-bin's grubaa64.efi) as EFI/BOOT/BOOTAA64.EFI, its config at
#                   EFI/debian/grub.cfg (the image's built-in prefix is /EFI/debian), /vmlinuz and
#                   /initrd.img. GRUB boots them with `console=ttyAMA0 panic=-1 bootemu.disk=grub`
#                   (GRUB puts `BOOT_IMAGE=/vmlinuz ` in front of it).
#   esp-sdboot.img  the same layout with systemd-boot (systemd-boot-efi's systemd-bootaa64.efi) as
#                   EFI/BOOT/BOOTAA64.EFI, loader/loader.conf, loader/entries/bootemu.conf:
#                   `console=ttyAMA0 panic=-1 bootemu.disk=sdboot`.
#   extlinux.img    MBR, one bootable 64 MiB ext4 partition (type 83) with extlinux/extlinux.conf
#                   for U-Boot's distro boot (`label bootemu`, `kernel /vmlinuz`, `initrd
#                   /initrd.img`, `append console=ttyAMA0 panic=-1 bootemu.disk=extlinux`),
#                   /vmlinuz and /initrd.img.
# /vmlinuz and /initrd.img are fetch-linux.sh's Debian generic kernel and its plain test initramfs
# (whose /init prints `BOOTEMU-CMDLINE: <its /proc/cmdline>` and `BOOTEMU-MARKER: userspace
# reached`). The boot images are reproducible: fixed GUIDs, volume ids, UUIDs and timestamps
# (SOURCE_DATE_EPOCH=1700000000), so the same inputs give the same bytes.
#
# Runs fetch-linux.sh first (kernel, initramfs, the isolated arm64 apt configuration), then fetches
# the arm64 packages grub-efi-arm64-bin and systemd-boot-efi with that same isolated apt into
# testdata/cache/debs/ and takes the EFI binaries out with dpkg-deb (arm64 packages: not installed).
# Host tools: sfdisk (fdisk), mkfs.vfat (dosfstools), mmd/mcopy (mtools), mkfs.ext4 and debugfs
# (e2fsprogs), perl; testdata/setup.sh installs them.
#
# Idempotent: when the inputs (this script, kernel, initramfs, the two packages) are unchanged and
# every image still has the bytes it was made with, it only prints the result (about a second: it
# hashes the inputs and the images). `--force` rebuilds; `--refresh` looks for newer packages first
# (and passes --refresh to fetch-linux.sh). Prints `BOOTEMU_DISK_*=path` lines (also written to testdata/cache/disks.env):
#   BOOTEMU_DISK_DATA, BOOTEMU_DISK_ESP_GRUB, BOOTEMU_DISK_ESP_SDBOOT, BOOTEMU_DISK_EXTLINUX
# Exit status 0 on success, 1 on failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$here/cache
apt_dir=$cache/apt-arm64
debs=$cache/debs
out_env=$cache/disks.env
stamp=$cache/disks.stamp
force=0 refresh=0
for a in "$@"; do
    case $a in
    --force) force=1 ;;
    --refresh) refresh=1 ;;
    *) echo "usage: $0 [--force] [--refresh]" >&2; exit 2 ;;
    esac
done
export PATH=$PATH:/usr/sbin:/sbin
export SOURCE_DATE_EPOCH=1700000000 E2FSPROGS_FAKE_TIME=1700000000 TZ=UTC

mkdir -p "$cache"
log=$cache/make-disks.log
: > "$log"
die() { echo "make-disks.sh: $*" >&2; [ -s "$log" ] && tail -n 20 "$log" >&2; exit 1; }
run() { "$@" >>"$log" 2>&1 || die "failed: $*"; }

for t in sfdisk mkfs.vfat mmd mcopy mkfs.ext4 debugfs perl dpkg-deb apt-get apt-cache sha256sum truncate; do
    command -v "$t" >/dev/null || die "$t not found (testdata/setup.sh installs it, as root)"
done

# --- kernel and initramfs ------------------------------------------------------------------------
fl_args=()
[ $refresh = 1 ] && fl_args=(--refresh)
fl=$(bash "$here/fetch-linux.sh" "${fl_args[@]+"${fl_args[@]}"}" 2>>"$log") ||
    die "fetch-linux.sh failed"
kernel=$(sed -n 's/^BOOTEMU_LINUX_GENERIC=//p' <<<"$fl")
initrd=$(sed -n 's/^BOOTEMU_INITRAMFS=//p' <<<"$fl")
if [ ! -s "$kernel" ] || [ ! -s "$initrd" ]; then die "fetch-linux.sh printed no kernel/initramfs"; fi

# --- the EFI binaries: arm64 packages through fetch-linux.sh's isolated apt configuration ----------
ao=(-q
    -oAPT::Architecture=arm64 -oAPT::Architectures=arm64
    -oDir::Etc::SourceList="$apt_dir/sources.list" -oDir::Etc::SourceParts=/nonexistent
    -oDir::Etc::Preferences=/nonexistent -oDir::Etc::PreferencesParts=/nonexistent
    -oDir::State::Lists="$apt_dir/lists" -oDir::State::status="$apt_dir/status"
    -oDir::Cache="$apt_dir/cache" -oDir::Cache::archives="$apt_dir/cache/archives"
    -oDir::Cache::pkgcache="" -oDir::Cache::srcpkgcache=""
    -oAPT::Sandbox::User=root)
[ -s "$apt_dir/sources.list" ] || die "no isolated apt configuration in $apt_dir"
ensure_lists() {
    if ! compgen -G "$apt_dir/lists/*Packages*" >/dev/null; then
        echo "make-disks.sh: updating the arm64 package lists (isolated apt configuration)" >&2
        run apt-get "${ao[@]}" update
    fi
}
version_of() {
    apt-cache "${ao[@]}" show --no-all-versions "$1" 2>>"$log" | sed -n 's/^Version: //p' | head -n 1
}
pkgs=(grub-efi-arm64-bin systemd-boot-efi)
deb_of() { echo "$debs/${1}_${ver[$1]//:/%3a}_arm64.deb"; }
# The versions used last time, while their packages are in the cache (apt-cache takes seconds);
# else (or with --refresh, after fetch-linux.sh updated the lists) the ones the lists name now.
versions=$cache/disks-versions.txt
declare -A ver
if [ $refresh = 0 ] && [ -s "$versions" ]; then
    while read -r p v; do ver[$p]=$v; done < "$versions"
fi
for p in "${pkgs[@]}"; do
    if [ -z "${ver[$p]:-}" ] || [ ! -s "$(deb_of "$p")" ]; then
        ver=()
        ensure_lists
        for q in "${pkgs[@]}"; do
            ver[$q]=$(version_of "$q")
            [ -n "${ver[$q]}" ] || die "package $q not found in bookworm arm64"
        done
        break
    fi
done
need=()
for p in "${pkgs[@]}"; do [ -s "$(deb_of "$p")" ] || need+=("$p=${ver[$p]}"); done
if [ ${#need[@]} -gt 0 ]; then
    echo "make-disks.sh: downloading ${need[*]}" >&2
    mkdir -p "$debs"
    if ! (cd "$debs" && apt-get "${ao[@]}" download "${need[@]}" >>"$log" 2>&1); then
        # The lists may name a version the archive no longer has: update them once and retry.
        run apt-get "${ao[@]}" update
        need=()
        for p in "${pkgs[@]}"; do
            ver[$p]=$(version_of "$p")
            [ -s "$(deb_of "$p")" ] || need+=("$p=${ver[$p]}")
        done
        (cd "$debs" && run apt-get "${ao[@]}" download "${need[@]}")
    fi
fi
for p in "${pkgs[@]}"; do [ -s "$(deb_of "$p")" ] || die "$(deb_of "$p") missing after download"; done
for p in "${pkgs[@]}"; do echo "$p ${ver[$p]}"; done > "$versions"

# --- up to date? ---------------------------------------------------------------------------------
images=(data.img esp-grub.img esp-sdboot.img extlinux.img)
key=$(cat "${BASH_SOURCE[0]}" "$kernel" "$initrd" "$(deb_of grub-efi-arm64-bin)" \
    "$(deb_of systemd-boot-efi)" | sha256sum | cut -d' ' -f1)

print_result() {
    echo "# disk images made by testdata/make-disks.sh (Debian bookworm arm64 packages)"
    echo "# grub-efi-arm64-bin ${ver[grub-efi-arm64-bin]}, systemd-boot-efi ${ver[systemd-boot-efi]}"
    echo "# kernel $(basename "$kernel") $(cat "$kernel.version" 2>/dev/null || true)"
    cat "$out_env"
}
if [ $force = 0 ] && [ -s "$stamp" ] && [ -s "$out_env" ] &&
    [ "$(head -n 1 "$stamp")" = "$key" ] &&
    (cd "$cache" && tail -n +2 "$stamp" | sha256sum --quiet -c - >/dev/null 2>&1); then
    print_result
    exit 0
fi
rm -f "$stamp"

work=$(mktemp -d "${TMPDIR:-/tmp}/bootemu-disks.XXXXXX")
trap 'rm -rf "$work"' EXIT
x=$work/extract
for p in "${pkgs[@]}"; do run dpkg-deb -x "$(deb_of "$p")" "$x"; done
grub_efi=$x/usr/lib/grub/arm64-efi/monolithic/grubaa64.efi
sdboot_efi=$x/usr/lib/systemd/boot/efi/systemd-bootaa64.efi
[ -s "$grub_efi" ] || die "no monolithic/grubaa64.efi in grub-efi-arm64-bin"
[ -s "$sdboot_efi" ] || die "no systemd-bootaa64.efi in systemd-boot-efi"

# Files are staged in a directory with fixed timestamps, then copied into the file systems.
stage() { # dir: tree of one file system (mode 644/755, mtime SOURCE_DATE_EPOCH)
    chmod -R u=rwX,go=rX "$1"
    find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}
part_start=2048            # sectors: partitions start at 1 MiB
part_sectors=$((64 * 2048)) # 64 MiB

# --- data.img ------------------------------------------------------------------------------------
perl -e '
    use strict; use warnings; no warnings "portable";
    binmode STDOUT;
    for my $s (0 .. 16383) {
        my $hdr = sprintf("bootemu data.img sector %08d\n", $s);
        my $x = 0x9E3779B97F4A7C15 ^ $s;
        my $buf = "";
        while (length($buf) < 512 - length($hdr)) {
            $x ^= ($x << 13) & 0xFFFFFFFFFFFFFFFF; $x ^= $x >> 7; $x ^= ($x << 17) & 0xFFFFFFFFFFFFFFFF;
            $buf .= pack("Q<", $x);
        }
        print $hdr, substr($buf, 0, 512 - length($hdr));
    }' > "$work/data.img" || die "generating data.img"

# --- the ESPs (GPT + FAT32) ----------------------------------------------------------------------
# esp IMAGE DIR VOLID: a GPT disk whose one partition is an ESP holding DIR's tree.
esp() {
    local img=$1 dir=$2 volid=$3
    truncate -s $(((part_start + part_sectors + 2048) * 512)) "$img"
    run sfdisk --no-reread --no-tell-kernel "$img" <<SFDISK
label: gpt
label-id: 0B007E00-0000-4000-8000-0000000000${volid: -2}
unit: sectors
first-lba: 2048
start=$part_start, size=$part_sectors, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=0B007E00-0001-4000-8000-0000000000${volid: -2}, name="EFI System Partition"
SFDISK
    run mkfs.vfat --invariant -F 32 -n BOOTEMU-ESP -i "$volid" --offset=$part_start "$img" \
        $((part_sectors / 2))
    stage "$dir"
    local m=("$img@@$((part_start * 512))") d f
    while read -r d; do
        run mmd -i "${m[0]}" "::/${d#./}"
    done < <(cd "$dir" && find . -mindepth 1 -type d | LC_ALL=C sort)
    while read -r f; do
        run mcopy -m -i "${m[0]}" "$dir/${f#./}" "::/${f#./}"
    done < <(cd "$dir" && find . -type f | LC_ALL=C sort)
}

g=$work/esp-grub
mkdir -p "$g/EFI/BOOT" "$g/EFI/debian"
cp "$grub_efi" "$g/EFI/BOOT/BOOTAA64.EFI"
cat > "$g/EFI/debian/grub.cfg" <<'CFG'
# bootemu: Debian's monolithic grubaa64.efi has the built-in prefix /EFI/debian (on the device it
# was loaded from) and its built-in config sources $prefix/grub.cfg, i.e. this file.
set timeout=0
set default=0
menuentry "bootemu" {
    linux /vmlinuz console=ttyAMA0 panic=-1 bootemu.disk=grub
    initrd /initrd.img
}
CFG
cp "$kernel" "$g/vmlinuz"
cp "$initrd" "$g/initrd.img"
esp "$work/esp-grub.img" "$g" B007E301

s=$work/esp-sdboot
mkdir -p "$s/EFI/BOOT" "$s/loader/entries"
cp "$sdboot_efi" "$s/EFI/BOOT/BOOTAA64.EFI"
cat > "$s/loader/loader.conf" <<'CFG'
timeout 0
default bootemu.conf
editor no
random-seed-mode off
CFG
cat > "$s/loader/entries/bootemu.conf" <<'CFG'
title bootemu
linux /vmlinuz
initrd /initrd.img
options console=ttyAMA0 panic=-1 bootemu.disk=sdboot
CFG
cp "$kernel" "$s/vmlinuz"
cp "$initrd" "$s/initrd.img"
esp "$work/esp-sdboot.img" "$s" B007E302

# --- extlinux.img (MBR + ext4) -------------------------------------------------------------------
e=$work/extlinux
mkdir -p "$e/extlinux"
cat > "$e/extlinux/extlinux.conf" <<'CFG'
default bootemu
timeout 0
label bootemu
    kernel /vmlinuz
    initrd /initrd.img
    append console=ttyAMA0 panic=-1 bootemu.disk=extlinux
CFG
cp "$kernel" "$e/vmlinuz"
cp "$initrd" "$e/initrd.img"
stage "$e"
img=$work/extlinux.img
truncate -s $(((part_start + part_sectors) * 512)) "$img"
run sfdisk --no-reread --no-tell-kernel "$img" <<SFDISK
label: dos
label-id: 0xb007e303
unit: sectors
start=$part_start, size=$part_sectors, type=83, bootable
SFDISK
part=$work/extlinux.ext4
run mkfs.ext4 -q -F -b 4096 -L bootemu -U 0b007e00-0002-4000-8000-000000000003 \
    -E hash_seed=0b007e00-0003-4000-8000-000000000003,root_owner=0:0 \
    -d "$e" "$part" $((part_sectors / 2))k
# mke2fs -d gives the inodes it copies the current time as ctime (E2FSPROGS_FAKE_TIME covers the
# rest) and the owner of the staged files: set them to SOURCE_DATE_EPOCH and root, for the same
# bytes whoever runs this.
while read -r f; do
    for field in "ctime @$SOURCE_DATE_EPOCH" "uid 0" "gid 0"; do echo "sif $f $field"; done
done < <(echo /; echo /lost+found; cd "$e" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\.||') \
    > "$work/debugfs.cmd"
run debugfs -w -f "$work/debugfs.cmd" "$part"
run dd if="$part" of="$img" bs=1M seek=$((part_start / 2048)) conv=notrunc,sparse

# --- results ---------------------------------------------------------------------------------------
for i in "${images[@]}"; do mv "$work/$i" "$cache/$i"; done
{
    echo "BOOTEMU_DISK_DATA=$cache/data.img"
    echo "BOOTEMU_DISK_ESP_GRUB=$cache/esp-grub.img"
    echo "BOOTEMU_DISK_ESP_SDBOOT=$cache/esp-sdboot.img"
    echo "BOOTEMU_DISK_EXTLINUX=$cache/extlinux.img"
} > "$out_env"
{
    echo "$key"
    (cd "$cache" && sha256sum "${images[@]}")
} > "$stamp"
print_result
