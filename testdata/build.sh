#!/usr/bin/env bash
# Assembles every test guest testdata/<name>.S into testdata/build/<name>.{elf,bin}.
#   as (with common.inc on the include path) -> ld -T guest.ld (image at 0x4008_0000) -> objcopy -O binary
# Needs binutils-aarch64-linux-gnu (see setup.sh). Exits 1 with a message when the tools are missing.
# Also builds the test firmwares of testdata/fw/fw.S (see its header) into testdata/build/fw/:
#   fw-<machine>[-<break>].bin, machine virt or ch (cloud-hypervisor: with an Image header),
#   break one of the BREAKS below (none: the good firmware); linked at 0, position independent;
#   dead-branch.bin / dead-mem.bin from testdata/fw/dead.S (a firmware that dies quietly);
#   and ch-acpi-pci.bin from testdata/fw/acpi_pci.S (cloud-hypervisor: ACPI tables, PCI, a disk
#   read), which uses common.inc and virtio.inc and is linked with fw/fw.ld (at 0, with an Image
#   header, position independent).
# Usage: testdata/build.sh [name...]   (default: all guests and the firmwares)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/build
cross=${CROSS_PREFIX:-aarch64-linux-gnu-}
for t in as ld objcopy; do
    command -v "${cross}$t" >/dev/null || { echo "build.sh: ${cross}$t not found (run testdata/setup.sh)" >&2; exit 1; }
done
mkdir -p "$out"
build_firmwares() {
    local src=$here/fw/fw.S fwout=$out/fw machine ch i tmp name
    local breaks=(good base-aligned x0 x1 daif dcache bootargs)
    mkdir -p "$fwout"
    tmp=$(mktemp -d "$fwout/.tmp.XXXXXX")
    for machine in virt ch; do
        ch=0; [ "$machine" = ch ] && ch=1
        for i in "${!breaks[@]}"; do
            name=fw-$machine; [ "$i" -gt 0 ] && name=$name-${breaks[$i]}
            "${cross}as" --defsym CH=$ch --defsym BREAK=$i -o "$tmp/$name.o" "$src"
            "${cross}ld" -nostdlib --no-warn-rwx-segments -Ttext=0 -e _start -o "$tmp/$name.elf" "$tmp/$name.o"
            "${cross}objcopy" -O binary -j .text "$tmp/$name.elf" "$tmp/$name.bin"
            mv -f "$tmp/$name.bin" "$fwout/$name.bin"
        done
    done
    for i in 0 1; do
        name=dead-$([ "$i" = 1 ] && echo mem || echo branch)
        "${cross}as" --defsym MEM=$i -o "$tmp/$name.o" "$here/fw/dead.S"
        "${cross}ld" -nostdlib --no-warn-rwx-segments -Ttext=0 -e _start -o "$tmp/$name.elf" "$tmp/$name.o"
        "${cross}objcopy" -O binary -j .text "$tmp/$name.elf" "$tmp/$name.bin"
        mv -f "$tmp/$name.bin" "$fwout/$name.bin"
    done
    name=ch-acpi-pci
    "${cross}as" -I "$here" -o "$tmp/$name.o" "$here/fw/acpi_pci.S"
    "${cross}ld" -nostdlib --no-warn-rwx-segments -T "$here/fw/fw.ld" -o "$tmp/$name.elf" "$tmp/$name.o"
    "${cross}objcopy" -O binary "$tmp/$name.elf" "$tmp/$name.bin"
    mv -f "$tmp/$name.bin" "$fwout/$name.bin"
    rm -rf "$tmp"
}
if [ $# -eq 0 ]; then build_firmwares; fi
if [ $# -gt 0 ]; then names=("$@"); else
    names=(); for s in "$here"/*.S; do names+=("$(basename "$s" .S)"); done
fi
for n in "${names[@]}"; do
    src=$here/$n.S
    [ -f "$src" ] || { echo "build.sh: no such guest: $src" >&2; exit 1; }
    # Build into temporaries and rename, so that concurrent builds never see half-written files.
    tmp=$(mktemp -d "$out/.tmp.XXXXXX")
    "${cross}as" -I "$here" -o "$tmp/$n.o" "$src"
    "${cross}ld" -nostdlib --no-warn-rwx-segments -T "$here/guest.ld" -o "$tmp/$n.elf" "$tmp/$n.o"
    "${cross}objcopy" -O binary "$tmp/$n.elf" "$tmp/$n.bin"
    mv -f "$tmp/$n.elf" "$out/$n.elf"
    mv -f "$tmp/$n.bin" "$out/$n.bin"
    rm -rf "$tmp"
done
