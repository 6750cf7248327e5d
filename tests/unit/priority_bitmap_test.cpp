// The ready-queue bitmap's answer, the highest priority with a bit set, against a plain
// set of priorities: every level alone, every pair, and random sets and clears.
#include <kernel/priority_bitmap.hpp>

#include <gtest/gtest.h>

#include <random>
#include <set>

using kernel::PriorityBitmap;

namespace {

int reference_highest(const std::set<unsigned>& s) { return s.empty() ? -1 : int(*s.rbegin()); }

} // namespace

TEST(PriorityBitmap, EmptyHasNoHighest) { EXPECT_EQ(PriorityBitmap{}.highest(), -1); }

TEST(PriorityBitmap, EveryLevelAloneIsTheHighest) {
    for (unsigned p = 0; p < PriorityBitmap::levels; ++p) {
        PriorityBitmap b;
        b.set(p);
        EXPECT_EQ(b.highest(), int(p));
        b.clear(p);
        EXPECT_EQ(b.highest(), -1) << p;
    }
}

TEST(PriorityBitmap, OfEveryPairTheHigherWinsAndTheLowerRemains) {
    for (unsigned a = 0; a < PriorityBitmap::levels; ++a)
        for (unsigned b = a + 1; b < PriorityBitmap::levels; ++b) {
            PriorityBitmap m;
            m.set(a);
            m.set(b);
            ASSERT_EQ(m.highest(), int(b)) << a << " " << b;
            m.clear(b);
            ASSERT_EQ(m.highest(), int(a)) << a << " " << b;
        }
}

TEST(PriorityBitmap, RandomSetsAndClearsMatchAPlainSet) {
    std::mt19937 random(7);
    PriorityBitmap m;
    std::set<unsigned> reference;
    for (int step = 0; step < 200000; ++step) {
        unsigned p = random() % PriorityBitmap::levels;
        if (random() % 2) {
            m.set(p);
            reference.insert(p);
        } else {
            m.clear(p);
            reference.erase(p);
        }
        ASSERT_EQ(m.highest(), reference_highest(reference)) << "step " << step;
    }
}
