#!/bin/sh
# Boots the benchmark systems under -icount shift=0, so that rdinstret counts
# instructions exactly, and prints their BENCH lines:
#   BENCH <name> <value> <unit>
# 1. bench.img (tests/system/systems/bench.toml): system calls and IPC between processes;
# 2. bench_vm.img (tests/system/systems/bench_vm.toml): the shared workload as a process,
#    the benchmark guest (guests/vmbench) in a VM, then Linux in a VM, one after another;
# 3. the same Linux Image directly on QEMU (the baseline of Linux in a VM), and a probe
#    that reads rdinstret at the first instruction OpenSBI hands over, so that the
#    firmware's instructions can be taken out of the direct boot's count.
# 4. UDP through the virtual switch (tests/system/systems/net_bench_*.toml): a Linux VM
#    sends datagrams as fast as it can to another Linux VM, and to the native process inet;
# 5. Linux writing and reading its raw virtio-blk disk in a VM (disk_bench.toml, a
#    partition served by blockd) and directly on QEMU, with a disk of the same size.
# 6. Two harts: the IPC round trip on one hart and across harts (bench_smp.toml, -smp 2
#    under -icount), and CPU-bound work on one hart against two, in processes
#    (bench_speedup.toml) and in a Linux VM with two vCPUs (bench_speedup_vm.toml), -smp 2
#    with parallel harts and no -icount: ratios of wall-clock times.
# Then the ratios: VM exits against a system call and an IPC round trip, the workload in
# a VM against the same as a process, Linux's boot to init and its disk in a VM against
# directly.
# Usage: scripts/bench.sh [BUILD_DIR]   (default: build; `make bench` builds it first)
# KERNEL, IMAGE, VM_IMAGE, LINUX_IMAGE, IMAGES (the test systems' folder) and
# BENCH_TIMEOUT (seconds per boot, default 120) override the defaults.
set -eu
build=${1:-build}
kernel=${KERNEL:-$build/target/kernel/isokernel.elf}
image=${IMAGE:-$build/bench.img}
vm_image=${VM_IMAGE:-$build/bench_vm.img}
linux=${LINUX_IMAGE:-$build/guests/linux/Image}
images=${IMAGES:-$build/tests/system/images}
limit=${BENCH_TIMEOUT:-120}
for f in "$kernel" "$image" "$vm_image" "$linux" "$images/net_bench_vms.img" "$images/net_bench_inet.img" \
    "$images/disk_bench.img" "$images/bench_smp.img" "$images/bench_speedup.img" "$images/bench_speedup_vm.img"; do
    [ -f "$f" ] || { echo "bench: $f is missing (build first: make build)" >&2; exit 1; }
done

dir=$(mktemp -d)
qemu=
trap 'if [ -n "$qemu" ]; then kill $qemu 2>/dev/null || true; fi; rm -rf "$dir"' EXIT INT TERM

# boot LOG PATTERN MEMORY QEMU-ARGS...: boots QEMU with its serial console in LOG and
# stops it once a line matches PATTERN (grep), or fails when QEMU ends or runs out of
# time first. The systems never end by themselves (their servers wait forever). The
# machine has $harts harts (1 unless set) timed by $clock (-icount shift=0 unless set).
harts=1
clock="-icount shift=0"
boot() {
    log=$1 pattern=$2 memory=$3
    shift 3
    : >"$log"
    # shellcheck disable=SC2086 # $clock is several arguments
    qemu-system-riscv64 -M virt -bios default -m "$memory" -smp "$harts" $clock -display none \
        -serial "file:$log" -monitor none -no-reboot "$@" </dev/null >/dev/null 2>&1 &
    qemu=$!
    waited=0
    while ! grep -q "$pattern" "$log"; do
        if ! kill -0 $qemu 2>/dev/null; then
            grep -q "$pattern" "$log" && break # it printed the line and exited
            echo "bench: QEMU ended before '$pattern'; its console:" >&2
            cat "$log" >&2
            exit 1
        fi
        if [ $waited -ge $((limit * 10)) ]; then
            echo "bench: no '$pattern' after ${limit}s; the console so far:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    kill $qemu 2>/dev/null || true
    wait $qemu 2>/dev/null || true
    qemu=
    tr -d '\r' <"$log" >"$log.txt"
}

# value NAME FILE: the value of "BENCH NAME <value> <unit>" in FILE (the VMM's
# "[<vm>] " prefix allowed), or fail.
value() {
    v=$(sed -n "s/^\(\[[a-z0-9_.-]*\] \)\{0,1\}BENCH $1 \([0-9][0-9.]*\) [a-z]*$/\2/p" "$2" | head -n 1)
    [ -n "$v" ] || { echo "bench: no BENCH $1 line; the console:" >&2; cat "$2" >&2; exit 1; }
    echo "$v"
}

# first REGEX FILE: the first capture (\1, sed) of the first line matching REGEX, or fail.
first() {
    v=$(sed -n "s/$1/\1/p" "$2" | head -n 1)
    [ -n "$v" ] || { echo "bench: nothing matches '$1'; the console:" >&2; cat "$2" >&2; exit 1; }
    echo "$v"
}

line() { printf 'BENCH %s %s %s\n' "$1" "$2" "$3"; }
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { printf "%.*f", d, a / b }'; }
per_million() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a * 1000000 / b }'; }

# 1. Processes: their BENCH lines as they are.
boot "$dir/bench" '^\[bench\] done' 256M -kernel "$kernel" -initrd "$image"
grep '^BENCH ' "$dir/bench.txt"
null=$(value null_syscall "$dir/bench.txt")
ipc=$(value ipc_call_reply "$dir/bench.txt")
# One way of the round trip (a call, or a reply_receive) against the null call: how much
# an IPC costs beyond entering and leaving the kernel.
line ipc_one_way_null_ratio "$(ratio "$ipc" $((2 * null)))" x

# 2. VMs: the system ends with the second Linux powering off (two Linux VMs of 128M each
# need more than 256M of QEMU's memory).
boot "$dir/vm" '^\[linux-quiet\] powered off' 768M -kernel "$kernel" -initrd "$vm_image"
sbi=$(value vm_exit_sbi_time "$dir/vm.txt")
mmio=$(value vm_exit_mmio "$dir/vm.txt")
uart_status=$(value vm_mmio_uart_status "$dir/vm.txt")
vm_loop=$(value vm_cpu_loop "$dir/vm.txt")
native_loop=$(value native_cpu_loop "$dir/vm.txt")
# Linux from its first instruction to init: rdinstret at init minus rdinstret when its
# VMM started the vCPU (nothing else runs meanwhile).
vm_boot() {
    init=$(first "^\\[$1\\] init: boot-to-init \\([0-9]*\\) instructions.*" "$dir/vm.txt")
    start=$(first "^\\[$1\\.vmm\\] vmm: vcpu0 starts at pc [0-9a-f]*, instruction \\([0-9]*\\)\$" "$dir/vm.txt")
    echo $((init - start))
}
linux_vm=$(vm_boot linux)
quiet_vm=$(vm_boot linux-quiet)

# 3. The same Image directly on QEMU, with the same command line and memory as in the VM
# (Linux's boot work grows with its RAM) and, as linux_direct_test, sleep=off so that idle
# time does not depend on the host; and the firmware's part: the probe's first
# instruction reads rdinstret, prints it in hex and powers off.
direct_boot() {
    boot "$dir/$1" '^init: powering off' 128M -icount shift=0,sleep=off -kernel "$linux" -append "$2"
}
direct_boot direct "console=ttyS0 earlycon=sbi"
direct_boot quiet "console=ttyS0 earlycon=sbi quiet"
direct_init=$(first '^init: boot-to-init \([0-9]*\) instructions.*' "$dir/direct.txt")
quiet_init=$(first '^init: boot-to-init \([0-9]*\) instructions.*' "$dir/quiet.txt")
# rdinstret s0; print s0 as 16 hex digits through the legacy SBI putchar; SRST shutdown.
printf '\163\044\040\300\223\004\300\003\263\122\224\000\223\362\362\000\051\103\143\304\142\000\223\202\162\002\023\205\002\003\205\110\163\000\000\000\361\024\343\321\004\376\051\105\205\110\163\000\000\000\267\130\122\123\233\210\110\065\001\110\001\105\201\105\163\000\000\000\001\240' >"$dir/probe.bin"
boot "$dir/probe" '^[0-9a-f]\{16\}' 128M -icount shift=0,sleep=off -kernel "$dir/probe.bin"
firmware=$(printf '%d' "0x$(first '^\([0-9a-f]\{16\}\)$' "$dir/probe.txt")")

# 4. UDP: each sink counts the instructions of the whole machine (the sender, its VMM, the
# switch and the receiver) between its first datagram and its 4096th; the sender sends a
# few more, so that a datagram lost on the way does not leave the sink short.
boot "$dir/vms" '^\[sink\] init: udpsink ' 512M -kernel "$kernel" -initrd "$images/net_bench_vms.img"
# shellcheck disable=SC2046 # the words of "<n> datagrams <bytes> bytes in <instructions>"
set -- $(first '^\[sink\] init: udpsink \([0-9]* datagrams [0-9]* bytes in [0-9]*\) instructions$' "$dir/vms.txt")
vm_datagrams=$1 vm_bytes=$3 vm_instructions=$6
boot "$dir/inet" 'sink 4096 datagrams' 512M -kernel "$kernel" -initrd "$images/net_bench_inet.img"
# shellcheck disable=SC2046
set -- $(first '^\[inet\] .*sink \(4096 datagrams [0-9]* bytes in [0-9]*\) instructions$' "$dir/inet.txt")
inet_datagrams=$1 inet_bytes=$3 inet_instructions=$6

# 5. The disk: 8 MiB written (with the final flush) and read in 64 KiB O_DIRECT requests.
# QEMU's clock runs in real time while the guest waits for the host's I/O (sleep=on: with
# sleep=off it would jump to the next timer instead), so these are the only figures that
# vary from run to run; each is the least of three boots. cache=unsafe keeps the host's
# flushes out of them.
drive() { echo "file=$1,if=none,format=raw,cache=unsafe,id=disk0"; }
least() { sort -n | head -n 1; }
truncate -s 17M "$dir/disk0.img" # 1 MiB before the partition, and its 16 MiB
truncate -s 16M "$dir/direct-disk.img"
for run in 1 2 3; do
    boot "$dir/disk$run" '^\[linux\] init: diskbench read ' 512M -kernel "$kernel" -initrd "$images/disk_bench.img" \
        -drive "$(drive "$dir/disk0.img")" -device virtio-blk-device,drive=disk0 -global virtio-mmio.force-legacy=false
    boot "$dir/direct-disk$run" '^init: diskbench read ' 128M -kernel "$linux" \
        -append "console=ttyS0 quiet isok.diskbench=8" -drive "$(drive "$dir/direct-disk.img")" \
        -device virtio-blk-device,drive=disk0
done
# diskbench PREFIX write|read NAME: the least count of the three boots' logs NAME<run>.txt.
diskbench() {
    counts=
    for run in 1 2 3; do
        counts="$counts $(first "^$1init: diskbench $2 8388608 bytes \\([0-9]*\\) instructions\$" "$dir/$3$run.txt")"
    done
    # shellcheck disable=SC2086 # one count a word
    printf '%s\n' $counts | least
}
disk_vm_write=$(diskbench '\[linux\] ' write disk)
disk_vm_read=$(diskbench '\[linux\] ' read disk)
disk_direct_write=$(diskbench '' write direct-disk)
disk_direct_read=$(diskbench '' read direct-disk)

# 6. Two harts: the round trips under -icount, then the speedup with parallel harts.
harts=2
boot "$dir/smp" '^\[bench\] done' 256M -kernel "$kernel" -initrd "$images/bench_smp.img"
grep '^BENCH ' "$dir/smp.txt"
clock="-accel tcg,thread=multi"
boot "$dir/speedup" '^\[speedup\] done' 256M -kernel "$kernel" -initrd "$images/bench_speedup.img"
grep '^BENCH ' "$dir/speedup.txt"
boot "$dir/speedup_vm" '^\[linux\] init: speedup: ' 512M -kernel "$kernel" -initrd "$images/bench_speedup_vm.img"
speedup_one=$(first '^\[linux\] init: speedup: .* on 1 cpu in \([0-9]*\) us,.*' "$dir/speedup_vm.txt")
speedup_two=$(first '^\[linux\] init: speedup: .* on 2 cpus in \([0-9]*\) us$' "$dir/speedup_vm.txt")
line smp_speedup_linux_vm "$(ratio "$speedup_one" "$speedup_two")" x
harts=1
clock="-icount shift=0"

line vm_exit_sbi_time "$sbi" instructions
line vm_exit_mmio "$mmio" instructions
line vm_mmio_uart_status "$uart_status" instructions
line vm_exit_sbi_time_null_ratio "$(ratio "$sbi" "$null")" x
line vm_exit_sbi_time_ipc_ratio "$(ratio "$sbi" "$ipc")" x
line vm_exit_mmio_null_ratio "$(ratio "$mmio" "$null")" x
line vm_exit_mmio_ipc_ratio "$(ratio "$mmio" "$ipc")" x
line native_cpu_loop "$native_loop" instructions
line vm_cpu_loop "$vm_loop" instructions
line vm_cpu_loop_ratio "$(ratio "$vm_loop" "$native_loop" 4)" x
line linux_boot_vm "$linux_vm" instructions
line linux_boot_direct $((direct_init - firmware)) instructions
line linux_boot_vm_ratio "$(ratio "$linux_vm" $((direct_init - firmware)))" x
line linux_boot_quiet_vm "$quiet_vm" instructions
line linux_boot_quiet_direct $((quiet_init - firmware)) instructions
line linux_boot_quiet_vm_ratio "$(ratio "$quiet_vm" $((quiet_init - firmware)))" x
line vm_to_vm_udp_per_packet $((vm_instructions / vm_datagrams)) instructions
line vm_to_vm_udp_bytes_per_minstr "$(per_million "$vm_bytes" "$vm_instructions")" bytes
line vm_to_process_udp_per_packet $((inet_instructions / inet_datagrams)) instructions
line vm_to_process_udp_bytes_per_minstr "$(per_million "$inet_bytes" "$inet_instructions")" bytes
line disk_vm_write "$disk_vm_write" instructions
line disk_direct_write "$disk_direct_write" instructions
line disk_vm_write_ratio "$(ratio "$disk_vm_write" "$disk_direct_write")" x
line disk_vm_read "$disk_vm_read" instructions
line disk_direct_read "$disk_direct_read" instructions
line disk_vm_read_ratio "$(ratio "$disk_vm_read" "$disk_direct_read")" x
