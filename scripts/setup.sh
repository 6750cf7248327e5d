#!/usr/bin/env bash
# Installs what building, running and testing Isokernel needs on Debian 12, and
# nothing when it is all there already. Every package comes from Debian.
#   cmake ninja-build pkg-config  build system
#   clang lld llvm                cross compiler, linker and objcopy for riscv64
#   g++ libgtest-dev              host compiler and GoogleTest for the tests
#   libcli11-dev                  command-line parsing for isotool
#   libtomlplusplus-dev           TOML parsing for system manifests
#   qemu-system-misc              qemu-system-riscv64 with OpenSBI (the reference machine)
#   e2fsprogs                     mke2fs, debugfs, e2fsck: the disk tests' file systems
#   libclang-rt-14-dev            libFuzzer and the sanitizer runtimes for clang 14 (make fuzz)
set -euo pipefail

packages=(cmake ninja-build pkg-config clang lld llvm g++ libgtest-dev libcli11-dev libtomlplusplus-dev
          qemu-system-misc e2fsprogs libclang-rt-14-dev)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
