#!/usr/bin/env bash
# Fetches the Linux test artifacts into testdata/cache/ (git-ignored; nothing fetched is committed):
#   - the current Debian bookworm arm64 kernels behind the metapackages `linux-image-arm64` and
#     `linux-image-cloud-arm64`, as their `-unsigned` packages (the EFI-stub Images are identical
#     to the signed ones minus the signature);
#   - `busybox-static` for arm64;
# and builds, with make-initramfs.sh, testdata/cache/initramfs.cpio.gz, a gzip'd newc cpio whose
# /init (a busybox script) mounts /proc, prints `BOOTEMU-CMDLINE: <contents of /proc/cmdline>` and
# the marker line `BOOTEMU-MARKER: userspace reached`, then runs `poweroff -f` (PSCI SYSTEM_OFF);
# and, with make-initramfs-disk.sh, testdata/cache/initramfs-disk.cpio.gz: the same busybox plus
# the generic kernel's virtio_mmio/virtio_pci/virtio_blk modules (from the same package), whose
# /init also prints `BOOTEMU-DISK-SHA256: <sha256 of /dev/vda>` and, with `bootemu.write=1` on the
# command line, writes 1 MiB of 0x5a at offset 1 MiB of the disk (see make-initramfs-disk.sh).
#
# Results (paths printed at the end, also in testdata/cache/linux.env as shell assignments):
#   testdata/cache/vmlinuz-<abi>-arm64, testdata/cache/vmlinuz-<abi>-cloud-arm64,
#   testdata/cache/initramfs.cpio.gz, testdata/cache/initramfs-disk.cpio.gz,
#   testdata/cache/versions.txt
#
# apt runs in an isolated configuration (own source list, package lists, archive cache and an
# empty dpkg status, APT::Architecture=arm64): the machine's dpkg architecture and its apt state
# are left untouched. Runs as root or not (downloading needs no privileges); installing the host's
# `cpio` tool when it is missing needs root.
#
# Idempotent: when everything is in the cache it only prints the versions (a second or so).
# `--refresh` looks for newer packages first. Exit status 0 on success, 1 on failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$here/cache
debs=$cache/debs
out_env=$cache/linux.env
refresh=0
[ "${1:-}" = "--refresh" ] && refresh=1

log=$cache/fetch-linux.log
mkdir -p "$cache"
: > "$log"
die() { echo "fetch-linux.sh: $*" >&2; [ -s "$log" ] && tail -n 20 "$log" >&2; exit 1; }
run() { "$@" >>"$log" 2>&1 || die "failed: $*"; }

print_result() {
    cat "$cache/versions.txt"
    cat "$out_env"
}

if [ $refresh = 0 ] && [ -s "$out_env" ]; then
    # shellcheck disable=SC1090
    . "$out_env"
    if [ -s "${BOOTEMU_LINUX_GENERIC:-}" ] && [ -s "${BOOTEMU_LINUX_CLOUD:-}" ] &&
        [ -s "${BOOTEMU_INITRAMFS:-}" ] && [ -s "${BOOTEMU_INITRAMFS_DISK:-}" ]; then
        print_result
        exit 0
    fi
fi

# --- Debian packages (testdata/debian-apt.sh) -------------------------------------------------------
me=fetch-linux.sh
# shellcheck source=testdata/debian-apt.sh
. "$here/debian-apt.sh"
host_tools cpio:cpio
for t in cpio gzip dpkg-deb apt-get tar; do
    command -v "$t" >/dev/null || die "$t not found"
done
apt_isolated arm64
gen=$(resolve linux-image-arm64)
cloud=$(resolve linux-image-cloud-arm64)
[ -n "$gen" ] || die "cannot resolve linux-image-arm64"
[ -n "$cloud" ] || die "cannot resolve linux-image-cloud-arm64"
gen=${gen%-unsigned}-unsigned
cloud=${cloud%-unsigned}-unsigned
fetch_debs "$gen" "$cloud" busybox-static

# --- extract -----------------------------------------------------------------------------------------
# The kernel packages are large (modules); only boot/vmlinuz-* is taken from them.
kernel_from() { # package → path of its vmlinuz, copied to $cache/
    local p=$1 x=$cache/extract/$1
    local abi=${p#linux-image-}
    abi=${abi%-unsigned}
    local dst=$cache/vmlinuz-$abi
    # Same ABI name, new upload (e.g. -2 to -3): the stamp tells them apart.
    if [ ! -s "$dst" ] || [ "$(cat "$dst.version" 2>/dev/null)" != "${ver[$p]}" ]; then
        rm -rf "$x" && mkdir -p "$x"
        dpkg-deb --fsys-tarfile "$(deb_of "$p")" | tar -x -C "$x" --wildcards './boot/vmlinuz-*' \
            2>>"$log" || die "extracting the kernel of $p"
        local k
        k=$(ls "$x"/boot/vmlinuz-* | head -n 1)
        [ -s "$k" ] || die "no boot/vmlinuz-* in $p"
        cp "$k" "$dst.tmp" && mv "$dst.tmp" "$dst"
        echo "${ver[$p]}" > "$dst.version"
        rm -rf "$x"
    fi
    echo "$dst"
}
kgen=$(kernel_from "$gen")
kcloud=$(kernel_from "$cloud")

bb=$cache/extract/busybox-static
rm -rf "$bb" && mkdir -p "$bb"
run dpkg-deb -x "$(deb_of busybox-static)" "$bb"
[ -x "$bb/bin/busybox" ] || die "no bin/busybox in busybox-static"

# --- initramfs ---------------------------------------------------------------------------------------
run bash "$here/make-initramfs.sh" "$bb/bin/busybox" "$cache/initramfs.cpio.gz"

# The disk test initramfs: the generic kernel's virtio modules from its own package.
run bash "$here/make-initramfs-disk.sh" "$(deb_of "$gen")" "$bb/bin/busybox" \
    "$cache/initramfs-disk.cpio.gz"
rm -rf "$bb"

{
    echo "# packages used by testdata/fetch-linux.sh (Debian bookworm, arm64)"
    echo "linux-image-arm64 -> $gen ${ver[$gen]}"
    echo "linux-image-cloud-arm64 -> $cloud ${ver[$cloud]}"
    echo "busybox-static ${ver[busybox-static]}"
} > "$cache/versions.txt"
{
    echo "BOOTEMU_LINUX_GENERIC=$kgen"
    echo "BOOTEMU_LINUX_CLOUD=$kcloud"
    echo "BOOTEMU_INITRAMFS=$cache/initramfs.cpio.gz"
    echo "BOOTEMU_INITRAMFS_DISK=$cache/initramfs-disk.cpio.gz"
} > "$out_env"
print_result
