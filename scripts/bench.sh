#!/bin/sh
# Boots the benchmark system (tests/system/systems/bench.toml) under -icount shift=0, so
# that rdinstret counts instructions exactly, and prints its BENCH lines:
#   BENCH <name> <value> <unit>
# Usage: scripts/bench.sh [BUILD_DIR]   (default: build; `make bench` builds it first)
# KERNEL, IMAGE and BENCH_TIMEOUT (seconds, default 120) override the defaults.
set -eu
build=${1:-build}
kernel=${KERNEL:-$build/target/kernel/isokernel.elf}
image=${IMAGE:-$build/bench.img}
limit=${BENCH_TIMEOUT:-120}
for f in "$kernel" "$image"; do
    [ -f "$f" ] || { echo "bench: $f is missing (build first: make build)" >&2; exit 1; }
done

log=$(mktemp)
qemu-system-riscv64 -M virt -bios default -m 256M -smp 1 -icount shift=0 -display none \
    -serial "file:$log" -monitor none -no-reboot -kernel "$kernel" -initrd "$image" </dev/null >/dev/null 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null || true; rm -f "$log"' EXIT INT TERM

# The system never ends by itself (its server waits for calls forever): stop QEMU once
# the client says it is done (after its last BENCH line), or when QEMU dies or runs out
# of time.
waited=0
while ! grep -q '^\[bench\] done' "$log"; do
    if ! kill -0 $qemu 2>/dev/null; then
        echo "bench: QEMU ended before the benchmark did; its console:" >&2
        cat "$log" >&2
        exit 1
    fi
    if [ $waited -ge $((limit * 10)) ]; then
        echo "bench: no result after ${limit}s; the console so far:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
done
grep '^BENCH ' "$log" | tr -d '\r'
