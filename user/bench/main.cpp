// bench: with the send end of channel "bench" it measures, with the receive end it is
// the server it measures against (another process, so every round trip crosses address
// spaces). With "bench.local" and "bench.remote" it measures the same round trip on a
// two-hart machine (smp.cpp); with the argument "speedup", CPU-bound work on one hart
// against two (speedup.cpp). Under QEMU with -icount shift=0, rdinstret counts every retired instruction,
// the kernel's included. Each figure is the best of a few runs of `iterations` calls
// after a warm-up, minus the same loop with an empty body, divided by `iterations`.
// Results go to the console as lines of exactly "BENCH <name> <value> <unit>".
#include "bench.hpp"

#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;
namespace sys = rt::sys;
using namespace bench;

namespace {

int client(u64 server) {
    auto fail = [](const char* what, Error e) {
        rt::fatal("%s: %s\n", what, rt::error_name(e));
    };
    // The checks stay out of the measured loops; one call of each kind is checked first.
    if (Error e = sys::null(); e != Error::ok) fail("null", e);
    const u64 short_info = abi::message_info(1, abi::register_words);
    const u64 long_info = abi::message_info(2, long_words);
    for (u64 w = abi::register_words; w < long_words; ++w) rt::ipc_buffer().words[w] = w * 0x0101010101010101;
    rt::Received r = sys::call(server, short_info, 1, 2, 3, 4);
    if (r.error != Error::ok || r.words[3] != 4) fail("call with 4 words", r.error);
    r = sys::call(server, long_info, 1, 2, 3, 4);
    if (r.error != Error::ok || abi::info_length(r.info) != long_words || rt::ipc_buffer().words[31] != 31 * 0x0101010101010101)
        fail("call with 32 words", r.error);

    u64 empty = measure([] { asm volatile("" ::: "memory"); });
    u64 null = measure([] { (void)sys::null(); }) - empty;
    u64 ipc = measure([&] { (void)sys::call(server, short_info, 1, 2, 3, 4); }) - empty;
    u64 ipc_long = measure([&] { (void)sys::call(server, long_info, 1, 2, 3, 4); }) - empty;

    bench_count("null_syscall", null, "instructions");
    bench_count("ipc_call_reply", ipc, "instructions");
    bench_count("ipc_call_reply_256b", ipc_long, "instructions");
    bench_fixed("ipc_null_ratio", (ipc * 100 + null / 2) / null, "x");
    rt::print("done: %lu iterations per figure, best of %lu runs, empty loop %lu instructions\n", iterations, runs,
              empty);
    return 0;
}

} // namespace

namespace bench {

// Answers every call with the message it brought (the words past 3 are still in this
// thread's IPC buffer, where the kernel put them); a call with label `hart_label` is
// answered with the hart the server runs on in word 0.
int serve(u64 endpoint) {
    rt::Received r = sys::receive(endpoint);
    for (;;) {
        if (r.error != Error::ok) {
            r = sys::receive(endpoint);
            continue;
        }
        if (abi::info_label(r.info) == hart_label) r.words[0] = sys::hart_info().hart;
        r = sys::reply_receive(endpoint, r.info, r.words[0], r.words[1], r.words[2], r.words[3]);
    }
}

const char* find_arg(const char* args, const char* word) {
    for (const char* a = args; *a;) {
        const char* w = word;
        const char* p = a;
        while (*w && *p == *w) ++p, ++w;
        if (*w == 0) return p;
        while (*a && *a != ' ') ++a;
        while (*a == ' ') ++a;
    }
    return nullptr;
}

} // namespace bench

int main(const startup::Info& info) {
    // "hart=N": move there first (the multi-hart benchmarks, bench_smp.toml).
    if (const char* h = find_arg(info.args, "hart=")) {
        u64 hart = u64(*h - '0');
        if (Error e = sys::set_hart(startup::self_thread_slot, hart); e != Error::ok || sys::hart_info().hart != hart)
            rt::fatal("cannot run on hart %lu: %s\n", hart, rt::error_name(e));
    }
    if (find_arg(info.args, "speedup")) return speedup();
    for (u64 i = 0; i < info.cap_count; ++i)
        if (info.caps[i].kind == startup::CapKind::endpoint && (info.caps[i].rights & abi::rights::read))
            return serve(info.caps[i].slot);
    if (rt::find_cap("bench.remote")) return smp_client(rt::cap_slot("bench.local"), rt::cap_slot("bench.remote"));
    const startup::Cap* channel = rt::find_cap("bench");
    if (!channel) rt::fatal("no channel 'bench'\n");
    return client(channel->slot);
}
