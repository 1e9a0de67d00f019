#!/usr/bin/env bash
# Builds the disk test initramfs (called by fetch-linux.sh; also usable alone):
#   make-initramfs-disk.sh KERNEL_DEB BUSYBOX OUT
# KERNEL_DEB is a Debian `linux-image-<abi>-unsigned` arm64 package, BUSYBOX the static arm64
# busybox binary, OUT the gzip'd newc cpio to write (e.g. testdata/cache/initramfs-disk.cpio.gz).
#
# The archive holds busybox, the kernel modules virtio_mmio, virtio_pci and virtio_blk taken from
# KERNEL_DEB together with everything they depend on, and an /init that
#   - mounts /proc, /sys and devtmpfs on /dev, insmods the modules (dependencies first);
#   - waits up to 5 s for /dev/vda, then prints
#       BOOTEMU-DISK-DEVICE: <sysfs path of vda, which names the transport: virtio_mmio or pci>
#       BOOTEMU-DISK-SECTORS: <size of vda in 512-byte sectors>
#       BOOTEMU-DISK-SHA256: <sha256 of all of /dev/vda>
#     (or `BOOTEMU-DISK-ERROR: ...` when a module does not load or no vda appears);
#   - when the command line has `bootemu.write=1`: writes 1 MiB of the byte 0x5a ('Z') to the
#     disk's second MiB (bytes 1048576..2097151), syncs, prints `BOOTEMU-DISK-WRITTEN`;
#   - prints `BOOTEMU-CMDLINE: <contents of /proc/cmdline>` and `BOOTEMU-MARKER: userspace reached`
#     as the plain test initramfs does, then `poweroff -f`.
#
# The package ships no modules.dep (depmod writes it when the package is installed), so one is made
# here for the modules needed, from each module's own `depends=` (.modinfo, written by modpost at
# build time), and the insert order (dependencies first) is resolved from it. Built-in drivers
# (listed in the package's modules.builtin, i.e. `=y` in /boot/config-<abi>: virtio core,
# virtio_ring, PCI host generic) are not modules and are skipped. Compressed modules (.ko.xz) are
# decompressed with the host's xz, since busybox insmod may not read them.
#
# Reproducible: same inputs, same bytes. Prints the module insert order on stderr.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 KERNEL_DEB BUSYBOX OUT" >&2; exit 2; }
deb=$1 busybox=$2 out=$3
die() { echo "make-initramfs-disk.sh: $*" >&2; exit 1; }
[ -s "$deb" ] || die "no kernel package $deb"
[ -x "$busybox" ] || die "no busybox binary $busybox"
for t in dpkg-deb tar cpio gzip xz; do command -v "$t" >/dev/null || die "$t not found"; done

# The drivers the disk tests need; their dependencies are added below.
wanted=(virtio_mmio virtio_pci virtio_blk)

work=$(mktemp -d "${TMPDIR:-/tmp}/bootemu-initramfs-disk.XXXXXX")
trap 'rm -rf "$work"' EXIT
x=$work/deb
mkdir -p "$x"

# Pass 1: the module lists and the kernel config.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" --wildcards \
    './boot/config-*' './lib/modules/*/modules.order' './lib/modules/*/modules.builtin' ||
    die "extracting the module lists of $deb"
mods=
for d in "$x"/lib/modules/*/; do mods=${d%/}; break; done
[ -d "$mods" ] || die "no lib/modules/<abi> in $deb"
abi=${mods##*/}
[ -s "$mods/modules.order" ] || die "no modules.order in $deb"

# Module names use '_' where file names may use '-'.
norm() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
declare -A path_of builtin
while read -r p; do path_of[$(norm "$p")]=$p; done < "$mods/modules.order"
while read -r p; do builtin[$(norm "$p")]=1; done < "$mods/modules.builtin"

declare -A deps_of # name -> space-separated dependency names; set once extracted
pending=("${wanted[@]}")
while [ ${#pending[@]} -gt 0 ]; do
    pats=()
    for n in "${pending[@]}"; do
        [ -n "${path_of[$n]:-}" ] || die "module $n is neither built in nor a module of $abi"
        pats+=("./lib/modules/$abi/${path_of[$n]}*")
    done
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" --wildcards "${pats[@]}" ||
        die "extracting ${pending[*]} from $deb"
    next=()
    for n in "${pending[@]}"; do
        f=$mods/${path_of[$n]}
        if [ ! -e "$f" ] && [ -e "$f.xz" ]; then
            xz -d "$f.xz" || die "decompressing $f.xz"
        fi
        [ -s "$f" ] || die "module $n (${path_of[$n]}) not found in $deb"
        info=$(tr '\0' '\n' < "$f")
        vm=$(sed -n 's/^vermagic=\([^ ]*\).*/\1/p' <<<"$info" | head -n 1)
        [ "$vm" = "$abi" ] || die "$n: vermagic $vm is not $abi"
        d=$(sed -n 's/^depends=//p' <<<"$info" | head -n 1 | tr ',' ' ')
        deps_of[$n]=$d
        for m in $d; do
            m=$(norm "$m")
            [ -n "${builtin[$m]:-}" ] && continue
            [ -n "${deps_of[$m]+set}" ] && continue
            case " ${next[*]:-} ${pending[*]} " in *" $m "*) continue ;; esac
            next+=("$m")
        done
    done
    pending=("${next[@]+"${next[@]}"}")
done

# modules.dep for the modules taken, in depmod's format (path: direct dependencies' paths).
dep_file=$work/modules.dep
for n in $(printf '%s\n' "${!deps_of[@]}" | LC_ALL=C sort); do
    line="${path_of[$n]}:"
    for m in ${deps_of[$n]}; do
        m=$(norm "$m")
        [ -n "${builtin[$m]:-}" ] || line+=" ${path_of[$m]}"
    done
    echo "$line"
done > "$dep_file"

# The resolver: depth-first over modules.dep, a module after everything it depends on.
declare -A dep_line done_ order_seen
while IFS= read -r l; do dep_line[${l%%:*}]=${l#*:}; done < "$dep_file"
order=()
visit() {
    local p=$1 d
    [ -n "${done_[$p]:-}" ] && return
    [ -z "${order_seen[$p]:-}" ] || die "dependency cycle at $p"
    order_seen[$p]=1
    for d in ${dep_line[$p]}; do visit "$d"; done
    done_[$p]=1
    order+=("$p")
}
for n in "${wanted[@]}"; do visit "${path_of[$n]}"; done
echo "make-initramfs-disk.sh: $abi: insmod order: ${order[*]}" >&2

# --- the archive -----------------------------------------------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,root,lib/modules/"$abi"}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
for p in "${order[@]}"; do
    mkdir -p "$root/lib/modules/$abi/${p%/*}"
    cp "$mods/$p" "$root/lib/modules/$abi/$p"
done
cp "$dep_file" "$root/lib/modules/$abi/modules.dep"
cp "$mods/modules.builtin" "$root/lib/modules/$abi/modules.builtin"

{
    cat <<'INIT'
#!/bin/busybox sh
# bootemu's disk test initramfs: load the virtio modules, hash /dev/vda, optionally write to it,
# show the command line, power off.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
INIT
    echo "modules=\"${order[*]}\""
    echo "moddir=/lib/modules/$abi"
    cat <<'INIT'
for m in $modules; do
    $bb insmod "$moddir/$m" || echo "BOOTEMU-DISK-ERROR: insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
    $bb sleep 0.1
    i=$((i + 1))
done
cmdline=$($bb cat /proc/cmdline)
if [ -b /dev/vda ]; then
    echo "BOOTEMU-DISK-DEVICE: $($bb readlink -f /sys/block/vda)"
    echo "BOOTEMU-DISK-SECTORS: $($bb cat /sys/block/vda/size)"
    if sum=$($bb sha256sum /dev/vda); then
        echo "BOOTEMU-DISK-SHA256: ${sum%% *}"
    else
        echo "BOOTEMU-DISK-ERROR: reading /dev/vda failed"
    fi
    case " $cmdline " in
    *" bootemu.write=1 "*)
        # 1 MiB of 0x5a into the second MiB; from a file, so that dd gets whole blocks.
        $bb tr '\000' 'Z' < /dev/zero | $bb head -c 1048576 > /pattern
        if $bb dd if=/pattern of=/dev/vda bs=1048576 seek=1 count=1 conv=notrunc 2>/dev/null &&
            $bb sync; then
            echo "BOOTEMU-DISK-WRITTEN"
        else
            echo "BOOTEMU-DISK-ERROR: writing /dev/vda failed"
        fi
        ;;
    esac
else
    echo "BOOTEMU-DISK-ERROR: no /dev/vda after 5 s"
fi
echo "BOOTEMU-CMDLINE: $cmdline"
echo "BOOTEMU-MARKER: userspace reached"
$bb poweroff -f
INIT
} > "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
if [ "$(id -u)" -eq 0 ]; then
    mknod -m 600 "$root/dev/console" c 5 1
fi
find "$root" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc --reproducible -R 0:0) | gzip -9 -n > "$out.tmp"
mv "$out.tmp" "$out"
