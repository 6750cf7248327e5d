// The same CPU-bound work on one hart and split over two (bench_speedup.toml, -smp 2,
// parallel harts, no -icount): the leader (hart 0) does it all, then half while the
// helper (hart 1, another process) does the other half. Wall-clock time from the time
// CSR; the figure is the ratio, so the time base cancels out.
#include "bench.hpp"

#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>

namespace bench {
namespace {

constexpr u64 half = 400'000'000; // rounds; about a second for both halves on one hart

u64 work(u64 rounds, u64 seed) {
    u64 hash = 0xcbf29ce484222325 ^ seed;
    for (u64 i = 0; i < rounds; ++i) {
        hash = (hash ^ i) * 0x100000001b3;
        asm volatile("" : "+r"(hash));
    }
    return hash;
}

} // namespace

// The leader holds "speedup.done" to receive on and "speedup.go" to send on; the helper
// the other way round. The helper's half is the second (seed 1), so both ways compute
// the same two hashes.
int speedup() {
    u64 go = rt::cap_slot("speedup.go"), done = rt::cap_slot("speedup.done");
    const startup::Cap* mine = rt::find_cap("speedup.go");
    if (!mine || go == ~u64{0} || done == ~u64{0}) rt::fatal("speedup: channels missing\n");
    if (mine->rights & abi::rights::read) { // the helper
        rt::Received r = rt::sys::receive(go);
        u64 hash = work(half, 1);
        if (rt::Error e = rt::sys::send(done, abi::message_info(1, 1), hash); e != rt::Error::ok || r.error != rt::Error::ok)
            rt::fatal("helper: %s\n", rt::error_name(e));
        return 0;
    }
    (void)work(half / 10, 0); // warm-up: the translation cache, the caches
    u64 t0 = rt::time();
    u64 one_a = work(half, 0), one_b = work(half, 1);
    u64 t1 = rt::time();
    if (rt::Error e = rt::sys::send(go, abi::message_info(1, 0)); e != rt::Error::ok)
        rt::fatal("leader: %s\n", rt::error_name(e));
    u64 two_a = work(half, 0);
    rt::Received r = rt::sys::receive(done);
    u64 t2 = rt::time();
    if (r.error != rt::Error::ok || two_a != one_a || r.words[0] != one_b) rt::fatal("speedup: the halves differ\n");
    u64 one = t1 - t0, two = t2 - t1;
    bench_fixed("smp_speedup_processes", (one * 100 + two / 2) / two, "x");
    rt::print("done: %lu rounds on hart %lu in %lu ticks, split over 2 harts in %lu ticks\n", 2 * half,
              rt::sys::hart_info().hart, one, two);
    return 0;
}

} // namespace bench
