// The equivalence workload: the same integer computation run in a guest and in a
// native process must give the same checksum (and, compiled alike, the same count
// of retired instructions).
#pragma once
#include <isok/types.hpp>

namespace isok::workload {

// Rounds of the standard run.
inline constexpr u32 default_rounds = 2'000'000;
// Its checksum: what every correct machine computes for run(default_rounds).
inline constexpr u64 default_checksum = 0xb62eb0df8feb3216;

// Mixes a 256-entry table with a xorshift64 stream for the given number of rounds
// and folds it into one checksum. Integer only; uses 2 KiB of stack.
u64 run(u32 rounds);

// run() where it is measured, between two reads of a counter: its input comes out of,
// and its result goes into, volatile asm, which stays in order with the reads, so the
// optimiser (with link-time optimisation, it sees run() whole) can neither drop nor
// move the work.
inline u64 run_measured(u32 rounds) {
    asm volatile("" : "+r"(rounds));
    u64 result = run(rounds);
    asm volatile("" : : "r"(result));
    return result;
}

} // namespace isok::workload
