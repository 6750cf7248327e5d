// Which of a hart's ready queues hold threads, and the highest of them in constant time
// without a count-leading-zeros instruction (RV64GC has none; Zbb is not assumed).
// One bit per priority, stored highest first (bit 0 of word 0 is the top priority), so
// the highest non-empty level is the lowest set bit: isolated by x & -x and numbered by
// a de Bruijn multiply and a 64-entry table. A summary bit per word says which word to
// look in.
#pragma once
#include <isok/types.hpp>

namespace kernel {

namespace priority_bitmap {
inline constexpr isok::u64 de_bruijn = 0x03f79d71b4cb0a89;
// index[(de_bruijn << i) >> 58] == i: the top six bits of the shifted sequence are distinct.
struct Table {
    isok::u8 index[64] = {};
    constexpr Table() {
        for (isok::u32 i = 0; i < 64; ++i) index[(de_bruijn << i) >> 58] = isok::u8(i);
    }
};
inline constexpr Table table{};
} // namespace priority_bitmap

class PriorityBitmap {
public:
    static constexpr isok::u32 levels = 256;

    void set(isok::u32 priority) {
        const isok::u32 i = levels - 1 - priority;
        words_[i / 64] |= isok::u64{1} << (i % 64);
        summary_ |= isok::u64{1} << (i / 64);
    }
    void clear(isok::u32 priority) {
        const isok::u32 i = levels - 1 - priority;
        words_[i / 64] &= ~(isok::u64{1} << (i % 64));
        if (words_[i / 64] == 0) summary_ &= ~(isok::u64{1} << (i / 64));
    }
    // The highest priority whose bit is set, or -1 when none is.
    int highest() const {
        if (summary_ == 0) return -1;
        const isok::u32 word = lowest_bit(summary_);
        return int(levels - 1 - (word * 64 + lowest_bit(words_[word])));
    }

private:
    // x != 0
    static isok::u32 lowest_bit(isok::u64 x) {
        using namespace priority_bitmap;
        return table.index[((x & (~x + 1)) * de_bruijn) >> 58];
    }

    isok::u64 summary_ = 0;
    isok::u64 words_[levels / 64] = {};
};

} // namespace kernel
