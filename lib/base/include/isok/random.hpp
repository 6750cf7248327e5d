// A small seeded pseudo-random stream (Marsaglia's xorshift64, shifts 13, 7, 17) for
// tests, fuzzers and workloads that must repeat exactly from their seed. Not for secrets.
#pragma once
#include <isok/types.hpp>

namespace isok {

// One step of the stream. Zero maps to zero, so a state must never be zero.
constexpr u64 xorshift64(u64 x) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

struct Xorshift {
    u64 state; // never 0

    u64 next() { return state = xorshift64(state); }
    u64 below(u64 n) { return next() % n; } // n > 0; slightly biased, which tests do not mind
    bool one_in(u64 n) { return below(n) == 0; }
};

} // namespace isok
