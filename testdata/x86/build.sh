#!/usr/bin/env bash
# Assembles every x86 test guest testdata/x86/<name>.S into testdata/build/x86/<name>.{elf,bin}:
#   x86_64-linux-gnu-as (with common.inc on the include path) -> ld -T testdata/x86/<name>.ld ->
#   objcopy -O binary (the image from its first loaded byte; boot64's is linked at 1 MiB, entered
#   through its PVH note). Guests with variants (loader.S) give <name>-<variant>.{elf,bin}.
# Needs binutils-x86-64-linux-gnu (see testdata/setup.sh). Exits 1 with a message when the tools
# are missing.
# Usage: testdata/x86/build.sh [name...]   (default: all x86 guests)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/../build/x86
cross=${X86_CROSS_PREFIX:-x86_64-linux-gnu-}
for t in as ld objcopy; do
    command -v "${cross}$t" >/dev/null || { echo "build.sh: ${cross}$t not found (run testdata/setup.sh)" >&2; exit 1; }
done
mkdir -p "$out"
if [ $# -gt 0 ]; then names=("$@"); else
    names=(); for s in "$here"/*.S; do names+=("$(basename "$s" .S)"); done
fi
# Guests built in variants (the assembler symbol VARIANT = the variant's index), each as
# <name>-<variant>.{elf,bin}: loader.S's (see its header).
declare -A variants=([loader]="good no-initrd-e820 cmdline-past-size pvh-bad-magic entry32 pvh-good initrd-off-by-page")
# build_one SRC_NAME OUT_NAME [as flags...]
build_one() {
    local n=$1 o=$2; shift 2
    # Build into temporaries and rename, so that concurrent builds never see half-written files.
    local tmp; tmp=$(mktemp -d "$out/.tmp.XXXXXX")
    "${cross}as" -I "$here" "$@" -o "$tmp/$o.o" "$here/$n.S"
    "${cross}ld" -nostdlib --no-warn-rwx-segments -T "$here/$n.ld" -o "$tmp/$o.elf" "$tmp/$o.o"
    "${cross}objcopy" -O binary "$tmp/$o.elf" "$tmp/$o.bin"
    mv -f "$tmp/$o.elf" "$out/$o.elf"
    mv -f "$tmp/$o.bin" "$out/$o.bin"
    rm -rf "$tmp"
}
for n in "${names[@]}"; do
    src=$here/$n.S
    [ -f "$src" ] || { echo "build.sh: no such guest: $src" >&2; exit 1; }
    if [ -n "${variants[$n]:-}" ]; then
        i=0
        for v in ${variants[$n]}; do
            build_one "$n" "$n-$v" --defsym VARIANT=$i
            i=$((i + 1))
        done
    else
        build_one "$n" "$n"
    fi
done
