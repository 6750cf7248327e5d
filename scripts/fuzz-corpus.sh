#!/usr/bin/env bash
# Rewrites the fuzz targets' seed corpus, tests/fuzz/corpus/<target>/, from a built tree:
# plans of real systems, real riscv64 executables, QEMU's own device trees, and the inputs
# tests/fuzz/seeds.cpp makes. Needs the ordinary build (`make build`) first.
#   scripts/fuzz-corpus.sh [build-dir] [fuzz-build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fuzz_build=${2:-build-fuzz}

[ -f "$fuzz_build/build.ninja" ] || cmake -S . -B "$fuzz_build" -G Ninja -DISOK_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$fuzz_build" --target fuzz_seeds >/dev/null

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# QEMU's virt machine as the kernel meets it: one and four harts, with and without a disk.
qemu-system-riscv64 -machine virt,dumpdtb="$scratch/qemu_virt.dtb" -smp 1 -m 256M -nographic >/dev/null 2>&1
qemu-system-riscv64 -machine virt,dumpdtb="$scratch/qemu_virt_smp4_disk.dtb" -smp 4 -m 512M -nographic \
    -drive if=none,id=d0,file=/dev/null,format=raw -device virtio-blk-device,drive=d0 >/dev/null 2>&1
# A small real program; its debug sections only make the seed large.
llvm-objcopy --strip-all "$build/target/user/hello/hello.elf" "$scratch/hello.elf"

rm -rf tests/fuzz/corpus
"$fuzz_build/tests/fuzz/fuzz_seeds" tests/fuzz/corpus \
    plan:"$build/default.img" plan:"$build/tests/system/images/vm_mini.img" \
    plan:"$build/tests/system/images/disk_write.img" plan:"$build/tests/system/images/net_flood.img" \
    elf:"$build/tests/unit/elf_sample.elf" elf:"$scratch/hello.elf" \
    dtb:"$scratch/qemu_virt.dtb" dtb:"$scratch/qemu_virt_smp4_disk.dtb"
du -sh tests/fuzz/corpus
