# Sourced by the fetch scripts (not run): Debian packages through an isolated apt configuration.
#
# The caller defines `die MSG`, `run CMD...` (logs to "$log", dies on failure), `$cache`, `$debs`,
# `$log`, `$refresh` (1: update the package lists) and `$me` (its name, for messages).
#
# - `host_tools CMD:PKG...`: install the host packages whose commands are missing (as root),
#   through an isolated amd64-or-native configuration that leaves the machine's apt state alone.
# - `apt_isolated ARCH`: the isolated configuration for ARCH in "$cache/apt-ARCH" (own source
#   list, package lists, archive cache and an empty dpkg status); sets the `ao` options array.
# - `resolve META`: the linux-image-* package a metapackage depends on.
# - `fetch_debs PKG...`: each package's version into the associative array `ver`, and its .deb
#   into "$debs" (downloaded when missing); `deb_of PKG` is its path.
#
# Nothing here installs into the machine's dpkg database except `host_tools`.

debian_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

host_tools() {
    local missing=() t
    for t in "$@"; do
        command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing host tools; install Debian's ${missing[*]} (as root)"
    local h=${TMPDIR:-/tmp}/bootemu-apt
    mkdir -p "$h/lists/partial"
    cat > "$h/sources.list" <<SRC
deb [signed-by=$debian_keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$debian_keyring] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$debian_keyring] http://deb.debian.org/debian-security bookworm-security main
SRC
    local ho=(-q -y -oDir::Etc::SourceList="$h/sources.list" -oDir::Etc::SourceParts=/nonexistent
        -oDir::State::Lists="$h/lists" -oDPkg::Lock::Timeout=600)
    DEBIAN_FRONTEND=noninteractive run apt-get "${ho[@]}" update
    DEBIAN_FRONTEND=noninteractive run apt-get "${ho[@]}" install --no-install-recommends \
        "${missing[@]}"
}

apt_isolated() {
    deb_arch=$1
    local dir=$cache/apt-$deb_arch
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$debs"
    : > "$dir/status"
    cat > "$dir/sources.list" <<SRC
deb [arch=$deb_arch signed-by=$debian_keyring] http://deb.debian.org/debian bookworm main
deb [arch=$deb_arch signed-by=$debian_keyring] http://deb.debian.org/debian bookworm-updates main
deb [arch=$deb_arch signed-by=$debian_keyring] http://deb.debian.org/debian-security bookworm-security main
SRC
    ao=(-q
        -oAPT::Architecture="$deb_arch" -oAPT::Architectures="$deb_arch"
        -oDir::Etc::SourceList="$dir/sources.list" -oDir::Etc::SourceParts=/nonexistent
        -oDir::Etc::Preferences=/nonexistent -oDir::Etc::PreferencesParts=/nonexistent
        -oDir::State::Lists="$dir/lists" -oDir::State::status="$dir/status"
        -oDir::Cache="$dir/cache" -oDir::Cache::archives="$dir/cache/archives"
        -oDir::Cache::pkgcache="" -oDir::Cache::srcpkgcache=""
        -oAPT::Sandbox::User=root)
    if [ "$refresh" = 1 ] || [ -z "$(ls "$dir/lists" 2>/dev/null | grep -v partial || true)" ]; then
        echo "$me: updating the $deb_arch package lists (isolated apt configuration)" >&2
        run apt-get "${ao[@]}" update
    fi
}

resolve() {
    apt-cache "${ao[@]}" depends "$1" 2>>"$log" |
        sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -n 1
}

deb_of() { echo "$debs/${1}_${ver[$1]//:/%3a}_$deb_arch.deb"; }

fetch_debs() {
    declare -gA ver
    local p v need=()
    for p in "$@"; do
        v=$(apt-cache "${ao[@]}" show --no-all-versions "$p" 2>>"$log" |
            sed -n 's/^Version: //p' | head -n 1)
        [ -n "$v" ] || die "package $p not found in bookworm $deb_arch"
        ver[$p]=$v
        [ -s "$(deb_of "$p")" ] || need+=("$p=$v")
    done
    if [ ${#need[@]} -gt 0 ]; then
        echo "$me: downloading ${need[*]}" >&2
        # apt-get download writes to the current directory.
        (cd "$debs" && run apt-get "${ao[@]}" download "${need[@]}")
    fi
    for p in "$@"; do
        [ -s "$(deb_of "$p")" ] || die "$(deb_of "$p") missing after download"
    done
}
