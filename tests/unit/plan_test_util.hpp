// Shared pieces of the system-plan tests: raw fields at literal offsets, opening bytes as
// a plan, and random byte flips over a plan that the reader must survive.
#pragma once
#include <gtest/gtest.h>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <isok/string.hpp>

#include <random>
#include <vector>

namespace plan_test {

namespace plan = isok::plan;
using isok::u32;
using isok::u64;
using isok::u8;

// Raw fields at the literal offsets of docs/plan-format.md, not the library's constants,
// so that a slip in either the document or the code shows up here.
inline void put32(std::vector<u8>& v, size_t o, u32 x) {
    for (size_t i = 0; i < 4; ++i) v[o + i] = u8(x >> (8 * i));
}
inline void put64(std::vector<u8>& v, size_t o, u64 x) { put32(v, o, u32(x)), put32(v, o + 4, u32(x >> 32)); }
inline u32 get32(const std::vector<u8>& v, size_t o) {
    return u32(v[o]) | u32(v[o + 1]) << 8 | u32(v[o + 2]) << 16 | u32(v[o + 3]) << 24;
}
inline u64 get64(const std::vector<u8>& v, size_t o) { return get32(v, o) | u64(get32(v, o + 4)) << 32; }
inline const char* str(const std::vector<u8>& v, size_t o) { return reinterpret_cast<const char*>(&v[o]); }

inline std::vector<u8> bytes_of(const plan::Writer& w) {
    auto bytes = w.build();
    EXPECT_TRUE(bytes.ok()) << plan::describe(bytes.error());
    return *bytes;
}

inline isok::Result<plan::Plan, plan::Error> open(const std::vector<u8>& v) {
    return plan::Plan::open({v.data(), v.size()});
}

// A name the plan hands out lies inside the plan's bytes and ends there.
inline void expect_inside(const char* s, const u8* begin, const u8* end) {
    auto* at = reinterpret_cast<const u8*>(s);
    ASSERT_TRUE(at >= begin && at < end);
    ASSERT_LT(isok::str_length_bounded(s, size_t(end - at)), size_t(end - at));
}

// 20000 rounds of 1 to 4 flipped bytes in `original`; of `aim` flips, aim - 1 land in
// [from, to), the others anywhere. Every plan that still opens goes to `walk`; returns
// how many did.
template <class Walk>
int flip_rounds(const std::vector<u8>& original, u32 seed, u32 aim, size_t from, size_t to, Walk walk) {
    std::mt19937 random(seed);
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        auto v = original;
        const int flips = 1 + int(random() % 4);
        for (int f = 0; f < flips; ++f) {
            size_t at = random() % aim ? from + random() % (to - from) : random() % v.size();
            v[at] ^= u8(1 + random() % 255);
        }
        auto p = open(v);
        if (!p.ok()) continue;
        ++accepted;
        walk(*p, v.data(), v.data() + v.size());
    }
    return accepted;
}

} // namespace plan_test
