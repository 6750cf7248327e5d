// The equivalence workload: xorshift64 stream, a table updated at data-dependent
// indices (loads, stores, multiplies, shifts, a data-dependent branch), then a fold.
#include <isok/workload.hpp>

#include <isok/random.hpp>

namespace isok::workload {
namespace {

constexpr u32 table_size = 256;

constexpr u64 rotate_left(u64 v, u32 s) { return v << (s & 63) | v >> ((64 - s) & 63); }

} // namespace

u64 run(u32 rounds) {
    u64 table[table_size];
    u64 x = 0x9e3779b97f4a7c15;
    for (u32 i = 0; i < table_size; ++i) table[i] = x = xorshift64(x);

    u64 acc = 0;
    for (u32 r = 0; r < rounds; ++r) {
        x = xorshift64(x);
        u32 k = u32(x >> 56);
        u64 t = rotate_left(table[k] ^ x, r) * 0xff51afd7ed558ccd + r;
        table[k] = t;
        if (t & 1) acc ^= x;
        else acc += t >> 3;
    }
    for (u32 i = 0; i < table_size; ++i) acc = rotate_left(acc, 5) ^ table[i];
    return acc;
}

} // namespace isok::workload
