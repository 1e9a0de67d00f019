#!/usr/bin/env bash
# Assembles every x86 test guest testdata/x86/<name>.S into testdata/build/x86/<name>.{elf,bin}:
#   x86_64-linux-gnu-as (with common.inc on the include path) -> ld -T testdata/x86/<name>.ld ->
#   objcopy -O binary (the image from its first loaded byte; boot64's is linked at 1 MiB, entered
#   through its PVH note).
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
for n in "${names[@]}"; do
    src=$here/$n.S
    [ -f "$src" ] || { echo "build.sh: no such guest: $src" >&2; exit 1; }
    # Build into temporaries and rename, so that concurrent builds never see half-written files.
    tmp=$(mktemp -d "$out/.tmp.XXXXXX")
    "${cross}as" -I "$here" -o "$tmp/$n.o" "$src"
    "${cross}ld" -nostdlib --no-warn-rwx-segments -T "$here/$n.ld" -o "$tmp/$n.elf" "$tmp/$n.o"
    "${cross}objcopy" -O binary "$tmp/$n.elf" "$tmp/$n.bin"
    mv -f "$tmp/$n.elf" "$out/$n.elf"
    mv -f "$tmp/$n.bin" "$out/$n.bin"
    rm -rf "$tmp"
done
