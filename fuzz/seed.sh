#!/usr/bin/env bash
# Seeds the cargo-fuzz corpora (fuzz/corpus/<target>/, git-ignored) from real files: the device
# trees bootemu and QEMU's virt build, the head (PE/Image headers) of the Debian kernels fetched
# by testdata/fetch-linux.sh (and of the amd64 bzImage of fetch-linux-amd64.sh), and the firmware
# images. Nothing it writes is committed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$here/..
c=$here/corpus
mkdir -p "$c/dtb" "$c/image" "$c/uefi_mmap" "$c/x86"
bash "$root/testdata/fetch-linux.sh" >/dev/null
# shellcheck disable=SC1091
. "$root/testdata/cache/linux.env"
bootemu=$root/target/release/bootemu
[ -x "$bootemu" ] || (cd "$root" && cargo build --release -q)
"$bootemu" run --kernel "$BOOTEMU_LINUX_GENERIC" --dump-dtb "$c/dtb/bootemu-v2.dtb" --max-insns 1 --serial none >/dev/null 2>&1 || true
"$bootemu" run --kernel "$BOOTEMU_LINUX_GENERIC" --gic v3 --smp 4 --append x --dump-dtb "$c/dtb/bootemu-v3.dtb" --max-insns 1 --serial none >/dev/null 2>&1 || true
if command -v qemu-system-aarch64 >/dev/null; then
    qemu-system-aarch64 -M virt,dumpdtb="$c/dtb/qemu-virt.dtb" -cpu cortex-a57 -m 512M -nographic >/dev/null 2>&1 || true
fi
head -c 65536 "$BOOTEMU_LINUX_GENERIC" > "$c/image/debian-generic-head"
head -c 65536 "$BOOTEMU_LINUX_CLOUD" > "$c/image/debian-cloud-head"
[ -f /usr/lib/u-boot/qemu_arm64/u-boot.bin ] && head -c 65536 /usr/lib/u-boot/qemu_arm64/u-boot.bin > "$c/image/u-boot-head"
# The x86 target: the head of Debian's amd64 bzImage (setup header, setup code, payload start).
if bash "$root/testdata/fetch-linux-amd64.sh" >/dev/null; then
    # shellcheck disable=SC1091
    . "$root/testdata/cache/linux-amd64.env"
    head -c 65536 "$BOOTEMU_LINUX_AMD64" > "$c/x86/debian-amd64-head"
fi
ls -l "$c"/*
