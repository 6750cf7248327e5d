// What the benchmark programs share: measuring a loop in instructions and printing
// BENCH lines (see main.cpp).
#pragma once
#include <isok/format.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/syscall.hpp>

namespace bench {

using namespace isok;

constexpr u64 iterations = 10000;
constexpr u64 warmup = 1000;
constexpr u64 runs = 3;
constexpr u64 long_words = 32; // 256 bytes: 4 in registers, 28 through the IPC buffers

// Instructions for `iterations` calls of f (after a warm-up), the least of `runs` tries.
template <class F> inline u64 measure(F f) {
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
inline void bench_line(const char* name, const char* value, const char* unit) {
    char line[128];
    usize n = format_to(line, sizeof line, "BENCH %s %s %s\n", name, value, unit);
    (void)rt::sys::debug_write(line, n < sizeof line ? n : sizeof line - 1);
}

// hundredths as "units.hh"
inline void bench_fixed(const char* name, u64 hundredths, const char* unit) {
    char value[32];
    format_to(value, sizeof value, "%lu.%02lu", hundredths / 100, hundredths % 100);
    bench_line(name, value, unit);
}

inline void bench_count(const char* name, u64 total, const char* unit) {
    char value[32];
    format_to(value, sizeof value, "%lu", (total + iterations / 2) / iterations);
    bench_line(name, value, unit);
}

inline constexpr u64 hart_label = 3; // a call that asks the server which hart it runs on

// The word of args that starts with `word`: what follows `word` in it; nullptr if none.
const char* find_arg(const char* args, const char* word);
int serve(u64 endpoint);
int smp_client(u64 local, u64 remote);
int speedup();

} // namespace bench
