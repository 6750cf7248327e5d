// bench: with the send end of channel "bench" it measures, with the receive end it is
// the server it measures against (another process, so every round trip crosses address
// spaces). Under QEMU with -icount shift=0, rdinstret counts every retired instruction,
// the kernel's included. Each figure is the best of a few runs of `iterations` calls
// after a warm-up, minus the same loop with an empty body, divided by `iterations`.
// Results go to the console as lines of exactly "BENCH <name> <value> <unit>".
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;
namespace sys = rt::sys;

namespace {

constexpr u64 iterations = 10000;
constexpr u64 warmup = 1000;
constexpr u64 runs = 3;
constexpr u64 long_words = 32; // 256 bytes: 4 in registers, 28 through the IPC buffers

// Instructions for `iterations` calls of f (after a warm-up), the least of `runs` tries.
template <class F> u64 measure(F f) {
#pragma clang loop unroll(disable)
    for (u64 i = 0; i < warmup; ++i) f();
    u64 best = ~u64{0};
    for (u64 r = 0; r < runs; ++r) {
        u64 start = rt::instret();
#pragma clang loop unroll(disable)
        for (u64 i = 0; i < iterations; ++i) f();
        u64 spent = rt::instret() - start;
        if (spent < best) best = spent;
    }
    return best;
}

// One BENCH line in a single debug_write, so no other output can split it and no
// process-name prefix precedes it.
void bench_line(const char* name, const char* value, const char* unit) {
    char line[128];
    usize n = format_to(line, sizeof line, "BENCH %s %s %s\n", name, value, unit);
    (void)sys::debug_write(line, n < sizeof line ? n : sizeof line - 1);
}

// hundredths as "units.hh"
void bench_fixed(const char* name, u64 hundredths, const char* unit) {
    char value[32];
    format_to(value, sizeof value, "%lu.%02lu", hundredths / 100, hundredths % 100);
    bench_line(name, value, unit);
}

void bench_count(const char* name, u64 total, const char* unit) {
    char value[32];
    format_to(value, sizeof value, "%lu", (total + iterations / 2) / iterations);
    bench_line(name, value, unit);
}

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

// Answers every call with the message it brought (the words past 3 are still in this
// thread's IPC buffer, where the kernel put them).
int serve(u64 endpoint) {
    rt::Received r = sys::receive(endpoint);
    for (;;) {
        if (r.error != Error::ok) {
            r = sys::receive(endpoint);
            continue;
        }
        r = sys::reply_receive(endpoint, r.info, r.words[0], r.words[1], r.words[2], r.words[3]);
    }
}

} // namespace

int main(const startup::Info&) {
    const startup::Cap* channel = rt::find_cap("bench");
    if (!channel) rt::fatal("no channel 'bench'\n");
    return channel->rights & abi::rights::read ? serve(channel->slot) : client(channel->slot);
}
