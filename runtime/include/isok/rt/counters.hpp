// Hardware counters for benchmarks. Under QEMU with -icount shift=0 cycle and instret
// both count retired instructions exactly. The kernel must enable them for U-mode
// (scounteren CY, TM, IR).
#pragma once
#include <isok/types.hpp>

namespace isok::rt {

inline u64 instret() {
    u64 v;
    asm volatile("rdinstret %0" : "=r"(v));
    return v;
}
inline u64 cycle() {
    u64 v;
    asm volatile("rdcycle %0" : "=r"(v));
    return v;
}
inline u64 time() {
    u64 v;
    asm volatile("rdtime %0" : "=r"(v));
    return v;
}

// A pair of readings: take one before and one after, subtract.
struct Counters {
    u64 instret;
    u64 cycle;
};
inline Counters read_counters() {
    Counters c;
    c.instret = instret();
    c.cycle = cycle();
    return c;
}
inline Counters operator-(const Counters& end, const Counters& start) {
    return {end.instret - start.instret, end.cycle - start.cycle};
}

} // namespace isok::rt
