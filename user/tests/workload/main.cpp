// workload: runs the equivalence workload (guests/workload) once and prints its result
// and cost as the mini guest does, "workload result 0x<16 hex digits> in <n> instructions",
// so that a test can hold the two faces side by side. Under QEMU -icount the count is
// every instruction the hart retired meanwhile (the kernel's timer ticks included).
// Then, for the benchmark (vm_cpu_loop_ratio), it measures as the benchmark guest
// (guests/vmbench) does: the least of `runs` more runs, minus an empty measurement,
// printed as "BENCH native_cpu_loop <n> instructions" in one write, unprefixed.
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/startup.hpp>
#include <isok/workload.hpp>

using namespace isok;

namespace {

constexpr u64 runs = 3;

template <class F> u64 least_of_runs(F f) {
    u64 best = ~u64{0};
    for (u64 r = 0; r < runs; ++r) {
        u64 start = rt::instret();
        f();
        u64 spent = rt::instret() - start;
        if (spent < best) best = spent;
    }
    return best;
}

} // namespace

int main(const startup::Info&) {
    u64 start = rt::instret();
    u64 result = workload::run_measured(workload::default_rounds);
    u64 spent = rt::instret() - start;
    rt::print("workload result 0x%016lx in %lu instructions\n", result, spent);
    if (result != workload::default_checksum) {
        rt::print("workload FAILED: expected 0x%016lx\n", workload::default_checksum);
        return 1;
    }

    u64 empty = least_of_runs([] { asm volatile("" ::: "memory"); });
    u64 best = least_of_runs([] { (void)workload::run_measured(workload::default_rounds); });
    char line[96];
    usize n = format_to(line, sizeof line, "BENCH native_cpu_loop %lu instructions\n", best > empty ? best - empty : 0);
    (void)rt::sys::debug_write(line, n < sizeof line ? n : sizeof line - 1);
    return 0;
}
