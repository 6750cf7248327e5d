// VMIDs (and ASIDs) by generation: whatever the tag width a hart has, two address
// spaces never use the same tag without a flush in between, and a wide tag field
// lets every space keep its tag without flushing.
#include <kernel/tag_allocator.hpp>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace {

using kernel::TagAllocator;
using kernel::TagLease;
using isok::u64;

// A model of the TLB: which address space filled entries under each tag since the last
// flush. Running space s under tag t when another space filled t is the aliasing the
// allocator exists to prevent.
struct Tlb {
    std::map<u64, int> owner;
    u64 flushes = 0;
    void flush() {
        owner.clear();
        ++flushes;
    }
};

u64 run(TagAllocator& tags, std::vector<TagLease>& leases, Tlb& tlb, int space) {
    u64 tag = tags.tag_for(leases[space], [&] { tlb.flush(); });
    auto [it, fresh] = tlb.owner.emplace(tag, space);
    EXPECT_EQ(it->second, space) << "space " << space << " reuses tag " << tag << " of space " << it->second
                                 << " with no flush between";
    return tag;
}

class TagWidth : public ::testing::TestWithParam<unsigned> {};

TEST_P(TagWidth, NoTwoSpacesShareATagWithoutAFlush) {
    TagAllocator tags;
    tags.init(GetParam());
    std::vector<TagLease> leases(300);
    Tlb tlb;
    std::mt19937 random(GetParam());
    for (int i = 0; i < 100000; ++i) {
        int space = int(random() % leases.size());
        if (random() % 50 == 0) leases[space] = TagLease{}; // a space destroyed, a new one in its place
        run(tags, leases, tlb, space);
        if (HasFailure()) return;
    }
}

INSTANTIATE_TEST_SUITE_P(Widths, TagWidth, ::testing::Values(0u, 1u, 2u, 4u, 8u, 14u, 16u));

TEST(TagAllocator, ZeroBitsFlushOnEverySwitchToAnotherSpace) {
    TagAllocator tags;
    tags.init(0);
    std::vector<TagLease> leases(2);
    Tlb tlb;
    run(tags, leases, tlb, 0);
    u64 first = tlb.flushes;
    run(tags, leases, tlb, 0); // the same space again: no flush
    EXPECT_EQ(tlb.flushes, first);
    for (int i = 0; i < 10; ++i) run(tags, leases, tlb, i % 2 ? 0 : 1);
    EXPECT_EQ(tlb.flushes, first + 10);
}

TEST(TagAllocator, FourteenBitsGiveEachOfManySpacesItsOwnTagWithoutFlushing) {
    TagAllocator tags;
    tags.init(14);
    EXPECT_EQ(tags.tags(), 16383u);
    std::vector<TagLease> leases(1000);
    Tlb tlb;
    for (int round = 0; round < 5; ++round)
        for (int s = 0; s < 1000; ++s) run(tags, leases, tlb, s);
    EXPECT_EQ(tlb.flushes, 0u);
    EXPECT_EQ(tags.generation(), 1u);
}

TEST(TagAllocator, TagsStartOverWithAFlushWhenTheyRunOut) {
    TagAllocator tags;
    tags.init(2); // tags 1..3
    std::vector<TagLease> leases(4);
    Tlb tlb;
    EXPECT_EQ(run(tags, leases, tlb, 0), 1u);
    EXPECT_EQ(run(tags, leases, tlb, 1), 2u);
    EXPECT_EQ(run(tags, leases, tlb, 2), 3u);
    EXPECT_EQ(tlb.flushes, 0u);
    EXPECT_EQ(run(tags, leases, tlb, 3), 1u); // a new generation
    EXPECT_EQ(tlb.flushes, 1u);
    EXPECT_EQ(run(tags, leases, tlb, 0), 2u) << "an old lease is renewed, not trusted";
}

} // namespace
