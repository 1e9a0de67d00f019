#!/usr/bin/env bash
# Builds the marker test initramfs (called by fetch-linux.sh and fetch-linux-amd64.sh; also usable
# alone):
#   make-initramfs.sh BUSYBOX OUT
# BUSYBOX is a static busybox binary (any architecture), OUT the gzip'd newc cpio to write. Its
# /init (a busybox script) mounts /proc, prints `BOOTEMU-CMDLINE: <contents of /proc/cmdline>`
# and the marker line `BOOTEMU-MARKER: userspace reached`, then runs `poweroff -f`.
#
# Reproducible: fixed mtimes, sorted names, owner 0:0, no gzip timestamp (same inputs, same
# bytes). /dev/console is only created when run as root (mknod).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 BUSYBOX OUT" >&2; exit 2; }
busybox=$1 out=$2
die() { echo "make-initramfs.sh: $*" >&2; exit 1; }
[ -x "$busybox" ] || die "no busybox binary $busybox"
for t in cpio gzip find touch; do command -v "$t" >/dev/null || die "$t not found"; done

root=$(mktemp -d "${TMPDIR:-/tmp}/bootemu-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root"/{bin,dev,proc,sys,root}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
# bootemu's test initramfs: prove userspace runs, show the command line, power off.
/bin/busybox mount -t proc proc /proc
echo "BOOTEMU-CMDLINE: $(/bin/busybox cat /proc/cmdline)"
echo "BOOTEMU-MARKER: userspace reached"
/bin/busybox poweroff -f
INIT
chmod 755 "$root/init" "$root/bin/busybox"
# /dev/console for init's stdio (the kernel's built-in initramfs has one too; harmless twice).
if [ "$(id -u)" -eq 0 ]; then
    mknod -m 600 "$root/dev/console" c 5 1
fi
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc --reproducible -R 0:0) | gzip -9 -n > "$out.tmp"
mv "$out.tmp" "$out"
