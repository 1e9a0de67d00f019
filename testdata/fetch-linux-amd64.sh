#!/usr/bin/env bash
# Fetches the x86_64 Linux test artifacts into testdata/cache/ (git-ignored; nothing fetched is
# committed), as fetch-linux.sh does for arm64:
#   - the current Debian bookworm amd64 kernel behind the metapackage `linux-image-amd64`, as its
#     `-unsigned` package (the bzImage is identical to the signed one minus the signature);
#   - `busybox-static` for amd64;
# and makes from them
#   - testdata/cache/vmlinuz-<abi> (e.g. vmlinuz-6.1.0-57-amd64): the package's bzImage;
#   - testdata/cache/vmlinux-<abi>: the uncompressed ELF kernel inside that bzImage (the payload
#     found after the XZ magic FD 37 7A 58 5A 00 and decompressed with `xz -dc`, as Linux's
#     scripts/extract-vmlinux does);
#   - testdata/cache/initramfs-amd64.cpio.gz: the marker initramfs of make-initramfs.sh with the
#     amd64 busybox (/init prints `BOOTEMU-CMDLINE: ...` and `BOOTEMU-MARKER: userspace reached`,
#     then `poweroff -f`).
#
# Results (paths printed at the end, also in testdata/cache/linux-amd64.env as shell assignments:
# BOOTEMU_LINUX_AMD64, BOOTEMU_VMLINUX_AMD64, BOOTEMU_INITRAMFS_AMD64), versions in
# testdata/cache/versions-amd64.txt.
#
# apt runs in an isolated configuration (own source list, package lists, archive cache and an
# empty dpkg status, APT::Architecture=amd64), exactly as fetch-linux.sh does for arm64: the
# machine's apt state is left untouched. Installing the host's `cpio` or `xz` when missing needs
# root; downloading does not.
#
# Idempotent: when everything is in the cache it only prints the versions (a second or so).
# `--refresh` looks for newer packages first. Exit status 0 on success, 1 on failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$here/cache
debs=$cache/debs
out_env=$cache/linux-amd64.env
versions=$cache/versions-amd64.txt
refresh=0
[ "${1:-}" = "--refresh" ] && refresh=1

log=$cache/fetch-linux-amd64.log
mkdir -p "$cache"
: > "$log"
die() { echo "fetch-linux-amd64.sh: $*" >&2; [ -s "$log" ] && tail -n 20 "$log" >&2; exit 1; }
run() { "$@" >>"$log" 2>&1 || die "failed: $*"; }

print_result() {
    cat "$versions"
    cat "$out_env"
}

if [ $refresh = 0 ] && [ -s "$out_env" ]; then
    # shellcheck disable=SC1090
    . "$out_env"
    if [ -s "${BOOTEMU_LINUX_AMD64:-}" ] && [ -s "${BOOTEMU_VMLINUX_AMD64:-}" ] &&
        [ -s "${BOOTEMU_INITRAMFS_AMD64:-}" ]; then
        print_result
        exit 0
    fi
fi

# --- Debian packages (testdata/debian-apt.sh) -------------------------------------------------------
me=fetch-linux-amd64.sh
# shellcheck source=testdata/debian-apt.sh
. "$here/debian-apt.sh"
host_tools cpio:cpio xz:xz-utils
for t in cpio gzip xz dpkg-deb apt-get tar grep; do
    command -v "$t" >/dev/null || die "$t not found"
done
apt_isolated amd64
kpkg=$(resolve linux-image-amd64)
[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64"
kpkg=${kpkg%-unsigned}-unsigned
fetch_debs "$kpkg" busybox-static

# --- the bzImage -------------------------------------------------------------------------------------
abi=${kpkg#linux-image-}
abi=${abi%-unsigned}
bz=$cache/vmlinuz-$abi
elf=$cache/vmlinux-$abi
# Same ABI name, new upload: the stamp tells them apart.
if [ ! -s "$bz" ] || [ "$(cat "$bz.version" 2>/dev/null)" != "${ver[$kpkg]}" ]; then
    x=$cache/extract/$kpkg
    rm -rf "$x" && mkdir -p "$x"
    dpkg-deb --fsys-tarfile "$(deb_of "$kpkg")" | tar -x -C "$x" --wildcards './boot/vmlinuz-*' \
        2>>"$log" || die "extracting the kernel of $kpkg"
    kf=$(ls "$x"/boot/vmlinuz-* | head -n 1)
    [ -s "$kf" ] || die "no boot/vmlinuz-* in $kpkg"
    cp "$kf" "$bz.tmp" && mv "$bz.tmp" "$bz"
    echo "${ver[$kpkg]}" > "$bz.version"
    rm -rf "$x" "$elf"
fi

# --- the ELF vmlinux inside it -----------------------------------------------------------------------
# The first XZ stream (magic FD 37 7A 58 5A 00) in the bzImage that decompresses to an ELF file.
if [ ! -s "$elf" ] || [ "$(cat "$elf.version" 2>/dev/null)" != "${ver[$kpkg]}" ]; then
    found=
    for off in $(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$bz" | cut -d: -f1); do
        # xz stops reading at the end of the stream: from a file, not a pipe (SIGPIPE, pipefail).
        tail -c "+$((off + 1))" "$bz" > "$elf.xz.tmp"
        if xz -dc --single-stream < "$elf.xz.tmp" > "$elf.tmp" 2>>"$log" &&
            [ "$(head -c 4 "$elf.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
            found=$off
            break
        fi
    done
    rm -f "$elf.xz.tmp"
    [ -n "$found" ] || { rm -f "$elf.tmp"; die "no XZ stream holding an ELF file in $bz"; }
    mv "$elf.tmp" "$elf"
    echo "${ver[$kpkg]}" > "$elf.version"
    echo "fetch-linux-amd64.sh: vmlinux from the XZ stream at byte $found of $bz" >&2
fi

# --- initramfs ---------------------------------------------------------------------------------------
bb=$cache/extract/busybox-static-amd64
rm -rf "$bb" && mkdir -p "$bb"
run dpkg-deb -x "$(deb_of busybox-static)" "$bb"
[ -x "$bb/bin/busybox" ] || die "no bin/busybox in busybox-static (amd64)"
run bash "$here/make-initramfs.sh" "$bb/bin/busybox" "$cache/initramfs-amd64.cpio.gz"
rm -rf "$bb"

{
    echo "# packages used by testdata/fetch-linux-amd64.sh (Debian bookworm, amd64)"
    echo "linux-image-amd64 -> $kpkg ${ver[$kpkg]}"
    echo "busybox-static ${ver[busybox-static]}"
} > "$versions"
# Paths through the cache's real directory (testdata/cache may be a link shared by worktrees).
real=$(cd "$cache" && pwd -P)
{
    echo "BOOTEMU_LINUX_AMD64=$real/${bz##*/}"
    echo "BOOTEMU_VMLINUX_AMD64=$real/${elf##*/}"
    echo "BOOTEMU_INITRAMFS_AMD64=$real/initramfs-amd64.cpio.gz"
} > "$out_env"
print_result
