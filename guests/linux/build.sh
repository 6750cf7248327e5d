#!/usr/bin/env bash
# Builds the unmodified Linux guest from Debian's linux-source-6.1: tinyconfig plus
# isokernel.config, with init/*.c (one static riscv64 program) built in as the initramfs.
#
#   guests/linux/build.sh [OUTPUT]
#
# The result is cached outside the repository in
#   ${ISOK_CACHE:-$HOME/.cache/isokernel}/linux-<hash>/   (Image, vmlinux, System.map, config, init)
# where <hash> covers this script, isokernel.config, every file of init/, the source package's
# version and the compiler's, so a second run is instant. The last line printed on
# standard output is the Image's path; with OUTPUT the Image is also copied there.
# Progress goes to standard error; a failing build prints the end of its log.
#
# Installs what is missing first (scripts/setup-linux.sh, about 150 MB from Debian).
# ISOK_LINUX_JOBS sets make's -j (default 2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
output=${1:-}
jobs=${ISOK_LINUX_JOBS:-2}
cache=${ISOK_CACHE:-$HOME/.cache/isokernel}
cross=riscv64-linux-gnu-
tarball=/usr/src/linux-source-6.1.tar.xz

say() { echo "linux-guest: $*" >&2; }

"$repo/scripts/setup-linux.sh"

source_version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
compiler_version=$(${cross}gcc -dumpfullversion)
hash=$( { cat "$here/build.sh" "$here/isokernel.config"
          find "$here/init" -maxdepth 1 -type f -print0 | LC_ALL=C sort -z |
              while IFS= read -r -d '' f; do echo "${f#"$here/"}"; cat "$f"; done
          echo "linux-source-6.1 $source_version"; echo "${cross}gcc $compiler_version"; } |
        sha256sum | cut -c1-16)
dir=$cache/linux-$hash

deliver() {
    if [ -n "$output" ]; then
        mkdir -p "$(dirname "$output")"
        cp "$dir/Image" "$output.tmp.$$" && mv -f "$output.tmp.$$" "$output"
    fi
    echo "$dir/Image"
}

if [ -f "$dir/Image" ]; then
    deliver
    exit 0
fi

mkdir -p "$cache"
# One builder per configuration; a second caller waits and then finds the result.
exec 9>"$dir.lock"
flock 9
if [ -f "$dir/Image" ]; then
    deliver
    exit 0
fi

start=$(date +%s)

# The source tree, unpacked once per package version and shared by all configurations
# (the kernel is built out of tree, so the source stays pristine).
src=$cache/linux-source-6.1_$source_version
if [ ! -f "$src/.unpacked" ]; then
    (
        flock 8
        if [ ! -f "$src/.unpacked" ]; then
            say "unpacking $tarball"
            rm -rf "$src" "$src.tmp"
            mkdir -p "$src.tmp"
            tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
            touch "$src.tmp/.unpacked"
            mv "$src.tmp" "$src"
        fi
    ) 8>"$src.lock"
fi

work=$dir.build
rm -rf "$work"
mkdir -p "$work/obj"
log=$work/build.log
kmake() { make -C "$src" O="$work/obj" ARCH=riscv CROSS_COMPILE=$cross -j"$jobs" "$@"; }
fail() {
    say "$1; the end of $log:"
    tail -n 40 "$log" >&2
    exit 1
}

say "building init"
${cross}gcc -static -Os -Wall -Wextra -Werror -s -o "$work/init" "$here"/init/*.c >>"$log" 2>&1 ||
    fail "init/*.c does not build"

cat >"$work/initramfs.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0555 0 0
dir /sys 0555 0 0
file /init $work/init 0755 0 0
EOF

say "configuring (tinyconfig + isokernel.config) in $work/obj"
{ cat "$here/isokernel.config"; echo "CONFIG_INITRAMFS_SOURCE=\"$work/initramfs.list\""; } >"$work/fragment.config"
kmake tinyconfig >>"$log" 2>&1 || fail "make tinyconfig failed"
(cd "$work/obj" && ARCH=riscv CROSS_COMPILE=$cross "$src/scripts/kconfig/merge_config.sh" -m .config \
    "$work/fragment.config") >>"$log" 2>&1 || fail "merging isokernel.config failed"
kmake olddefconfig >>"$log" 2>&1 || fail "make olddefconfig failed"

# Kconfig silently drops what it cannot satisfy: insist on every line of the fragment.
missing=0
while IFS= read -r line; do
    case "$line" in
    CONFIG_*=*)
        grep -qxF -- "$line" "$work/obj/.config" || { say "not in the final .config: $line"; missing=1; } ;;
    "# CONFIG_"*" is not set")
        symbol=${line#\# }
        symbol=${symbol%% *}
        ! grep -q "^$symbol=" "$work/obj/.config" || { say "still set in the final .config: $symbol"; missing=1; } ;;
    esac
done <"$work/fragment.config"
[ $missing -eq 0 ] || { say "isokernel.config does not hold (see above)"; exit 1; }

say "building the kernel with -j$jobs (log: $log)"
kmake Image >>"$log" 2>&1 || fail "the kernel does not build"

rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
cp "$work/obj/arch/riscv/boot/Image" "$work/obj/vmlinux" "$work/obj/System.map" "$work/init" "$log" "$dir.tmp/"
cp "$work/obj/.config" "$dir.tmp/config"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
rm -rf "$work"
say "built $(stat -c %s "$dir/Image") byte Image in $(($(date +%s) - start)) s"
deliver
