#!/usr/bin/env bash
# Installs what building the Linux guest (guests/linux/build.sh) needs on Debian 12,
# and nothing when it is all there already. Every package comes from Debian; the
# download is about 150 MB (most of it the kernel source tarball).
#   linux-source-6.1                    /usr/src/linux-source-6.1.tar.xz, the guest kernel
#   gcc-riscv64-linux-gnu               cross compiler for the kernel and the static init
#   libc6-dev-riscv64-cross             riscv64 C library, linked statically into init
#   make gcc libc6-dev                  host side of Kbuild (fixdep, kconfig, ...)
#   bc flex bison libssl-dev libelf-dev  what Kbuild's host tools need
#   cpio xz-utils                       the initramfs list and unpacking the source
set -euo pipefail

packages=(linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross make gcc libc6-dev
          bc flex bison libssl-dev libelf-dev cpio xz-utils)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup-linux: installing ${missing[*]} (about 150 MB)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
