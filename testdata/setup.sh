#!/usr/bin/env bash
# Installs the external tools bootemu's tests use, on a Debian bookworm machine, as root:
#   - binutils-aarch64-linux-gnu  (aarch64-linux-gnu-as / -ld / -objcopy), from bookworm
#   - binutils-x86-64-linux-gnu   (x86_64-linux-gnu-as / -ld / -objcopy: the x86 test guests of
#                                 testdata/x86/), from bookworm
#   - qemu-user                   (qemu-aarch64 and qemu-x86_64, user mode: the CPU oracles), from
#                                 bookworm-backports
#   - qemu-system-arm             (qemu-system-aarch64), from bookworm-backports
#   - qemu-system-x86             (qemu-system-x86_64: the oracle of the x86 bare-metal guest), from
#                                 bookworm-backports
#   - qemu-efi-aarch64, u-boot-qemu (Debian's EDK2 QEMU_EFI.fd/AAVMF and U-Boot qemu_arm64: the
#     real firmware the firmware tests boot), u-boot-tools (mkenvimage), from bookworm
#   - fdisk (sfdisk), dosfstools (mkfs.vfat), mtools (mformat/mcopy/mmd), e2fsprogs (mkfs.ext4, debugfs),
#     xz-utils (xz): make-disks.sh and fetch-linux.sh build disk images and the disk initramfs
#     with them, without root or loop mounts, from bookworm
#   - acpica-tools                (iasl: the ACPI tests disassemble the generated tables), from bookworm
#   - binutils, file              (readelf and file(1): the x86 tests compare the amd64 vmlinux and
#     bzImage with them), from bookworm
# Idempotent and quiet: when everything is already installed it only prints the tool versions.
#
# Why backports: some machine images carry qemu-utils from bookworm-backports, which conflicts with
# bookworm's own qemu-system-common, so a plain `apt-get install qemu-system-arm` fails there. QEMU is
# therefore installed from bookworm-backports (same series as that qemu-utils). All apt work goes
# through a private source list and private package lists under ${TMPDIR:-/tmp}/bootemu-apt, so the
# system's apt configuration is left untouched and unreachable third-party repositories configured on
# the machine cannot make `apt-get update` fail.
set -euo pipefail

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }

base_pkgs=(binutils-aarch64-linux-gnu binutils-x86-64-linux-gnu gdb-multiarch qemu-efi-aarch64 u-boot-qemu u-boot-tools
           fdisk dosfstools mtools e2fsprogs xz-utils acpica-tools binutils file)
qemu_pkgs=(qemu-system-arm qemu-system-x86 qemu-user)
tools=(aarch64-linux-gnu-as aarch64-linux-gnu-ld aarch64-linux-gnu-objcopy
       x86_64-linux-gnu-as x86_64-linux-gnu-ld x86_64-linux-gnu-objcopy
       qemu-aarch64 qemu-x86_64 qemu-system-aarch64 qemu-system-x86_64 mkenvimage
       sfdisk mkfs.vfat mformat mcopy mmd mkfs.ext4 debugfs xz iasl readelf file)

missing_base=(); for p in "${base_pkgs[@]}"; do installed "$p" || missing_base+=("$p"); done
missing_qemu=(); for p in "${qemu_pkgs[@]}"; do installed "$p" || missing_qemu+=("$p"); done

if [ ${#missing_base[@]} -gt 0 ] || [ ${#missing_qemu[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup.sh: missing packages: ${missing_base[*]} ${missing_qemu[*]}; run this script as root" >&2
        exit 1
    fi
    d=${TMPDIR:-/tmp}/bootemu-apt
    mkdir -p "$d/lists/partial"
    log=$d/apt.log; : > "$log"
    k=/usr/share/keyrings/debian-archive-keyring.gpg
    cat > "$d/sources.list" <<SRC
deb [signed-by=$k] http://deb.debian.org/debian bookworm main
deb [signed-by=$k] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$k] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=$k] http://deb.debian.org/debian bookworm-backports main
SRC
    o=(-q -y
       -oDir::Etc::SourceList="$d/sources.list" -oDir::Etc::SourceParts=/nonexistent
       -oDir::State::Lists="$d/lists" -oDPkg::Lock::Timeout=600)
    run() { DEBIAN_FRONTEND=noninteractive "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "setup.sh: failed: $*" >&2; exit 1; }; }
    run apt-get "${o[@]}" update
    if [ ${#missing_base[@]} -gt 0 ]; then
        run apt-get "${o[@]}" install --no-install-recommends "${missing_base[@]}"
    fi
    if [ ${#missing_qemu[@]} -gt 0 ]; then
        run apt-get "${o[@]}" install --no-install-recommends -t bookworm-backports "${missing_qemu[@]}"
    fi
fi

for t in "${tools[@]}"; do
    command -v "$t" >/dev/null || { echo "setup.sh: $t not found after installation" >&2; exit 1; }
done
aarch64-linux-gnu-as --version | head -1
qemu-aarch64 --version | head -1
qemu-x86_64 --version | head -1
qemu-system-aarch64 --version | head -1
qemu-system-x86_64 --version | head -1
dpkg-query -W -f='${Package} ${Version}\n' qemu-efi-aarch64 u-boot-qemu
