// Unit tests of the physical frame allocator against fake RAM, with hostile layouts and a
// random alloc/free run checked against an independent model.
#include <kernel/frame_allocator.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using isok::PhysAddr;
using isok::PhysRange;
using isok::u64;
using isok::u8;
using isok::usize;
using kernel::FrameAllocator;
using kernel::FrameError;
using kernel::frame_size;

// A failed kernel invariant becomes a C++ exception, which GoogleTest reports as a failure.
extern "C" [[noreturn]] void kernel_assert_failed(const char* expr, const char* file, int line) {
    throw std::logic_error(std::string("KERNEL_ASSERT(") + expr + ") at " + file + ":" + std::to_string(line));
}

namespace {

constexpr u64 ram_base = 0x8000'0000;
constexpr u8 poison = 0xa5;

// Windows of host memory standing in for physical RAM. Global because PhysToPtr is a plain
// function pointer; every test starts by clearing it.
struct Window {
    u64 base;
    std::vector<u64> bytes; // u64 elements: the allocator needs its bitmap 8-byte aligned
};
std::vector<Window> windows;

void* fake_to_ptr(PhysAddr p) {
    for (Window& w : windows)
        if (p.raw() >= w.base && p.raw() - w.base < w.bytes.size() * 8)
            return reinterpret_cast<u8*>(w.bytes.data()) + (p.raw() - w.base);
    ADD_FAILURE() << "allocator touched unmapped physical address " << std::hex << p.raw();
    return nullptr;
}

PhysRange range(u64 base, u64 size) { return PhysRange{PhysAddr(base), size}; }

// Maps the first 16 MiB of each range at most: the allocator only writes its bitmap, which
// lands at the start of the lowest region big enough in every test here.
void map_ram(const std::vector<PhysRange>& ram) {
    windows.clear();
    for (const PhysRange& r : ram) {
        windows.push_back({r.base.raw(), std::vector<u64>((std::min(r.size, 16 * isok::MiB) + 7) / 8)});
        std::fill(windows.back().bytes.begin(), windows.back().bytes.end(), u64{0x0101'0101'0101'0101} * poison);
    }
}

// Maps the RAM, then initialises; the test decides what the result must be.
isok::Status<FrameError> init(FrameAllocator& a, const std::vector<PhysRange>& ram,
                              const std::vector<PhysRange>& reserved = {}) {
    map_ram(ram);
    return a.init(ram.data(), ram.size(), reserved.data(), reserved.size(), fake_to_ptr);
}

// The usable frame addresses worked out independently, one frame at a time: whole frames in
// RAM that no reserved byte touches and that are not the allocator's bookkeeping.
std::set<u64> usable_frames(const std::vector<PhysRange>& ram, const std::vector<PhysRange>& reserved,
                            PhysRange bookkeeping) {
    std::set<u64> usable;
    for (const PhysRange& r : ram) {
        for (u64 f = (r.base.raw() + frame_size - 1) / frame_size * frame_size;
             f + frame_size <= r.base.raw() + r.size; f += frame_size) {
            PhysRange frame = range(f, frame_size);
            bool hit = frame.overlaps(bookkeeping);
            for (const PhysRange& x : reserved) hit = hit || frame.overlaps(x);
            if (!hit) usable.insert(f);
        }
    }
    return usable;
}

// Allocates single frames until the allocator says NoMemory (or hands out absurdly many).
std::vector<u64> drain(FrameAllocator& a) {
    std::vector<u64> got;
    while (got.size() <= a.total_frames()) {
        auto r = a.allocate();
        if (!r) {
            EXPECT_EQ(r.error(), FrameError::NoMemory);
            return got;
        }
        got.push_back(r->raw());
    }
    ADD_FAILURE() << "more frames handed out than the allocator manages";
    return got;
}

bool overlaps_any(PhysRange r, const std::vector<PhysRange>& set) {
    for (const PhysRange& x : set)
        if (r.overlaps(x)) return true;
    return false;
}

TEST(FrameAllocator, DescribesEveryError) {
    for (FrameError e : {FrameError::NoMemory, FrameError::BadRange, FrameError::TooManyRegions,
                         FrameError::NotAllocated, FrameError::Misaligned, FrameError::BadAlignment,
                         FrameError::ZeroCount})
        EXPECT_GT(std::strlen(kernel::describe(e)), 5u);
    EXPECT_STRNE(kernel::describe(FrameError::NoMemory), kernel::describe(FrameError::BadRange));
}

TEST(FrameAllocator, EveryFrameAllocatableExactlyOnceThenNoMemory) {
    FrameAllocator a;
    std::vector<PhysRange> ram = {range(ram_base, 1 * isok::MiB)};
    ASSERT_TRUE(init(a, ram));
    EXPECT_EQ(a.bookkeeping_bytes(), frame_size); // 256 bits fit one frame
    EXPECT_EQ(a.total_frames(), 255u);
    EXPECT_EQ(a.free_frames(), 255u);

    std::vector<u64> got = drain(a);
    std::set<u64> expected = usable_frames(ram, {}, a.bookkeeping());
    EXPECT_EQ(std::set<u64>(got.begin(), got.end()), expected);
    EXPECT_EQ(got.size(), expected.size()); // no frame twice
    EXPECT_EQ(a.free_frames(), 0u);
    EXPECT_EQ(a.allocate(1).error(), FrameError::NoMemory);
    EXPECT_EQ(a.allocate(2, 16 * isok::KiB).error(), FrameError::NoMemory);
    for (u64 f : got) EXPECT_TRUE(a.is_allocated(PhysAddr(f)));
    EXPECT_TRUE(a.consistent());
}

TEST(FrameAllocator, WritesOnlyItsBookkeepingAndNeverZeroesFrames) {
    FrameAllocator a;
    std::vector<PhysRange> ram = {range(ram_base, 2 * isok::MiB)};
    ASSERT_TRUE(init(a, ram));
    std::vector<u64> got = drain(a);
    for (u64 f : got) ASSERT_TRUE(a.free(PhysAddr(f)));
    (void)a.allocate(8, 64 * isok::KiB);

    const u8* bytes = reinterpret_cast<const u8*>(windows[0].bytes.data());
    for (u64 off = 0; off < ram[0].size; ++off) {
        if (a.bookkeeping().contains(PhysAddr(ram_base + off))) continue;
        ASSERT_EQ(bytes[off], poison) << off;
    }
}

TEST(FrameAllocator, ReservedRangesAreNeverHandedOut) {
    FrameAllocator a;
    const u64 end = ram_base + 4 * isok::MiB;
    std::vector<PhysRange> ram = {range(ram_base, 4 * isok::MiB)};
    std::vector<PhysRange> reserved = {
        range(ram_base, 512 * isok::KiB),                      // firmware at the start of RAM
        range(ram_base + 0x20'0000, 300 * isok::KiB + 123),     // kernel image, odd size
        range(end - 8 * isok::KiB + 100, 64 * isok::KiB),       // device tree straddling the end
        range(0x1000'0000, isok::MiB),                          // entirely outside RAM
        range(ram_base + 0x30'0000, 64 * isok::KiB),            // two overlapping ranges
        range(ram_base + 0x30'8000, 64 * isok::KiB),
        range(ram_base + 0x35'0123, 10),                        // a few bytes inside one frame
        range(ram_base + 0x36'0000, 0),                         // empty: reserves nothing
        range(ram_base - 4 * isok::KiB, 8 * isok::KiB),         // straddling the start
    };
    ASSERT_TRUE(init(a, ram, reserved));
    EXPECT_TRUE(a.bookkeeping().base.raw() >= ram_base + 512 * isok::KiB);
    EXPECT_FALSE(overlaps_any(a.bookkeeping(), reserved));

    std::set<u64> expected = usable_frames(ram, reserved, a.bookkeeping());
    EXPECT_EQ(a.total_frames(), expected.size());
    std::vector<u64> got = drain(a);
    EXPECT_EQ(std::set<u64>(got.begin(), got.end()), expected);
    for (u64 f : got) EXPECT_FALSE(overlaps_any(range(f, frame_size), reserved)) << std::hex << f;
    EXPECT_FALSE(a.is_allocated(PhysAddr(ram_base + 0x35'0000)));
    EXPECT_TRUE(a.is_allocated(PhysAddr(ram_base + 0x36'0000)));
}

TEST(FrameAllocator, BookkeepingSitsInFreeRamAndIsExcluded) {
    FrameAllocator a;
    // 64 MiB = 16384 frames = 2 KiB of bitmap: one frame, placed after the firmware.
    std::vector<PhysRange> ram = {range(ram_base, 64 * isok::MiB)};
    std::vector<PhysRange> reserved = {range(ram_base, 2 * isok::MiB)};
    ASSERT_TRUE(init(a, ram, reserved));
    PhysRange bk = a.bookkeeping();
    EXPECT_EQ(bk.base.raw(), ram_base + 2 * isok::MiB);
    EXPECT_EQ(bk.size, frame_size);
    EXPECT_EQ(a.total_frames(), 16384u - 512 - 1);
    EXPECT_FALSE(a.is_allocated(bk.base));
    EXPECT_EQ(a.free(bk.base).error(), FrameError::NotAllocated);
    for (u64 f : drain(a)) ASSERT_FALSE(bk.contains(PhysAddr(f)));

    // 1 GiB needs 32 KiB of bitmap: eight frames.
    ASSERT_TRUE(init(a, {range(ram_base, isok::GiB)}));
    EXPECT_EQ(a.bookkeeping_bytes(), 8 * frame_size);
    EXPECT_EQ(a.total_frames(), isok::GiB / frame_size - 8);

    // A lowest region exactly the bitmap's size is used up and disappears.
    ASSERT_TRUE(init(a, {range(0xc000'0000, 64 * isok::KiB), range(ram_base, frame_size)}));
    EXPECT_EQ(a.bookkeeping().base.raw(), ram_base);
    EXPECT_EQ(a.region_count(), 1u);
    EXPECT_EQ(a.total_frames(), 16u);
    EXPECT_TRUE(a.consistent());
}

TEST(FrameAllocator, FreedFramesAreReallocated) {
    FrameAllocator a;
    ASSERT_TRUE(init(a, {range(ram_base, isok::MiB)}));
    std::vector<u64> got = drain(a);
    std::set<u64> returned = {got[0], got[1], got[70], got[200], got.back()};
    for (u64 f : returned) ASSERT_TRUE(a.free(PhysAddr(f)));
    EXPECT_EQ(a.free_frames(), returned.size());
    for (u64 f : returned) EXPECT_FALSE(a.is_allocated(PhysAddr(f)));

    std::vector<u64> again = drain(a); // next fit must wrap around to the low frames
    EXPECT_EQ(std::set<u64>(again.begin(), again.end()), returned);
    EXPECT_TRUE(a.consistent());
}

TEST(FrameAllocator, DoubleFreeIsRejectedAndChangesNothing) {
    FrameAllocator a;
    ASSERT_TRUE(init(a, {range(ram_base, isok::MiB)}));
    auto run = a.allocate(4);
    ASSERT_TRUE(run);
    PhysAddr base = *run;
    ASSERT_TRUE(a.free(base + frame_size)); // hole in the middle of the run
    usize before = a.free_frames();

    EXPECT_EQ(a.free(base + frame_size).error(), FrameError::NotAllocated);
    EXPECT_EQ(a.free(base, 4).error(), FrameError::NotAllocated); // partly free: all or nothing
    EXPECT_EQ(a.free_frames(), before);
    EXPECT_TRUE(a.is_allocated(base));
    EXPECT_TRUE(a.is_allocated(base + 2 * frame_size));
    EXPECT_TRUE(a.is_allocated(base + 3 * frame_size));
    EXPECT_TRUE(a.consistent());

    EXPECT_TRUE(a.free(base + 2 * frame_size, 2)); // the rest, in a different grouping
    EXPECT_TRUE(a.free(base));
    EXPECT_EQ(a.free_frames(), a.total_frames());
}

TEST(FrameAllocator, FreeingWhatWasNeverHandedOutIsRejected) {
    FrameAllocator a;
    std::vector<PhysRange> ram = {range(ram_base, isok::MiB)};
    std::vector<PhysRange> reserved = {range(ram_base + 0x8'0000, 0x1'0000)};
    ASSERT_TRUE(init(a, ram, reserved));
    std::vector<u64> got = drain(a);
    const usize none_free = a.free_frames();

    EXPECT_EQ(a.free(PhysAddr(ram_base + 0x8'0000)).error(), FrameError::NotAllocated); // reserved
    EXPECT_EQ(a.free(PhysAddr(ram_base + 0x7'f000), 2).error(), FrameError::NotAllocated); // into reserved
    EXPECT_EQ(a.free(a.bookkeeping().base).error(), FrameError::NotAllocated);
    EXPECT_EQ(a.free(PhysAddr(ram_base - frame_size)).error(), FrameError::NotAllocated); // below RAM
    EXPECT_EQ(a.free(PhysAddr(ram_base + isok::MiB)).error(), FrameError::NotAllocated); // past RAM
    EXPECT_EQ(a.free(PhysAddr(ram_base + isok::MiB - frame_size), 2).error(), FrameError::NotAllocated);
    EXPECT_EQ(a.free(PhysAddr(got[3]), ~usize{0}).error(), FrameError::NotAllocated);
    EXPECT_EQ(a.free(PhysAddr(~u64{0} - frame_size + 1), 2).error(), FrameError::NotAllocated);
    EXPECT_EQ(a.free(PhysAddr(0)).error(), FrameError::NotAllocated);
    EXPECT_EQ(a.free(PhysAddr(got[3] + 8)).error(), FrameError::Misaligned);
    EXPECT_EQ(a.free(PhysAddr(got[3]), 0).error(), FrameError::ZeroCount);
    EXPECT_EQ(a.free_frames(), none_free);
    EXPECT_TRUE(a.is_allocated(PhysAddr(got[3])));
    EXPECT_FALSE(a.is_allocated(PhysAddr(ram_base - frame_size)));
    EXPECT_TRUE(a.consistent());
}

TEST(FrameAllocator, RejectsBadAllocationArguments) {
    FrameAllocator a;
    ASSERT_TRUE(init(a, {range(ram_base, isok::MiB)}));
    EXPECT_EQ(a.allocate(0).error(), FrameError::ZeroCount);
    for (u64 align : {u64{0}, u64{3}, u64{2048}, frame_size + 1, 3 * frame_size, ~u64{0}})
        EXPECT_EQ(a.allocate(1, align).error(), FrameError::BadAlignment) << align;
    EXPECT_EQ(a.allocate(a.total_frames() + 1).error(), FrameError::NoMemory);
    EXPECT_EQ(a.allocate(~usize{0}).error(), FrameError::NoMemory);
    EXPECT_EQ(a.allocate(1, u64{1} << 63).error(), FrameError::NoMemory);
    EXPECT_EQ(a.free_frames(), a.total_frames());
}

TEST(FrameAllocator, ContiguousRunsAreAlignedAndDisjoint) {
    FrameAllocator a;
    // The firmware and bitmap leave RAM misaligned for both 16 KiB and 2 MiB.
    std::vector<PhysRange> ram = {range(ram_base, 16 * isok::MiB)};
    std::vector<PhysRange> reserved = {range(ram_base, 20 * isok::KiB)};
    ASSERT_TRUE(init(a, ram, reserved));
    std::vector<PhysRange> runs;
    auto take = [&](usize count, u64 align) {
        auto r = a.allocate(count, align);
        if (!r) return false;
        PhysRange run = range(r->raw(), count * frame_size);
        EXPECT_TRUE(r->is_aligned(align)) << std::hex << r->raw();
        EXPECT_FALSE(overlaps_any(run, runs));
        EXPECT_FALSE(overlaps_any(run, reserved));
        EXPECT_FALSE(run.overlaps(a.bookkeeping()));
        EXPECT_TRUE(run.base.raw() >= ram_base && run.end().raw() <= ram_base + 16 * isok::MiB);
        for (u64 f = 0; f < count; ++f) EXPECT_TRUE(a.is_allocated(run.base + f * frame_size));
        runs.push_back(run);
        return true;
    };
    ASSERT_TRUE(take(4, 16 * isok::KiB)); // a G-stage root table
    EXPECT_EQ(runs[0].base.raw(), ram_base + 32 * isok::KiB);
    ASSERT_TRUE(take(512, 2 * isok::MiB));
    EXPECT_EQ(runs[1].base.raw(), ram_base + 2 * isok::MiB); // the first 2 MiB block is broken
    int big = 1;
    while (take(512, 2 * isok::MiB)) ++big;
    EXPECT_EQ(big, 7); // blocks 1..7 of the 8
    int small = 0;
    while (take(4, 16 * isok::KiB)) ++small;
    EXPECT_EQ(small, (512 - 12) / 4); // the rest of the first block
    EXPECT_EQ(a.free_frames(), 2u);   // frames 6 and 7: a 16 KiB block minus the bitmap frame
    EXPECT_TRUE(a.consistent());

    for (const PhysRange& run : runs) ASSERT_TRUE(a.free(run.base, run.size / frame_size));
    EXPECT_EQ(a.free_frames(), a.total_frames());
}

TEST(FrameAllocator, FragmentationDefeatsRunsButNotSingles) {
    FrameAllocator a;
    ASSERT_TRUE(init(a, {range(ram_base, isok::MiB)}));
    std::vector<u64> got = drain(a);
    std::set<u64> holes;
    for (u64 f : got)
        if ((f / frame_size) % 2 == 1) holes.insert(f); // odd frames: none is 16 KiB aligned
    for (u64 f : holes) ASSERT_TRUE(a.free(PhysAddr(f)));
    EXPECT_EQ(a.free_frames(), 128u);
    EXPECT_EQ(a.allocate(2).error(), FrameError::NoMemory);
    EXPECT_EQ(a.allocate(1, 16 * isok::KiB).error(), FrameError::NoMemory);
    EXPECT_EQ(a.free_frames(), 128u);
    auto one = a.allocate();
    ASSERT_TRUE(one);
    EXPECT_EQ(holes.count(one->raw()), 1u);
}

TEST(FrameAllocator, ManagesSeveralRamRegionsGivenInAnyOrder) {
    FrameAllocator a;
    std::vector<PhysRange> ram = {
        range(0xc000'0000, 64 * isok::KiB),
        range(ram_base, 64 * isok::KiB),
        range(0x1'0000'0000 + 0x800, 32 * isok::KiB), // unaligned: only whole frames count
        range(0xa000'0000, 4 * isok::KiB - 1),         // smaller than a frame: contributes nothing
    };
    ASSERT_TRUE(init(a, ram));
    EXPECT_EQ(a.region_count(), 3u);
    EXPECT_EQ(a.bookkeeping().base.raw(), ram_base); // the lowest region that fits
    std::set<u64> expected = usable_frames(ram, {}, a.bookkeeping());
    EXPECT_EQ(expected.size(), 15u + 16 + 7);
    EXPECT_EQ(a.total_frames(), expected.size());

    EXPECT_EQ(a.allocate(17).error(), FrameError::NoMemory); // 38 free, but no region has 17
    auto run = a.allocate(16);
    ASSERT_TRUE(run);
    EXPECT_EQ(run->raw(), 0xc000'0000u); // only the 64 KiB region can hold it
    std::vector<u64> got = drain(a);
    got.push_back(run->raw());
    for (usize i = 1; i < 16; ++i) got.push_back(run->raw() + i * frame_size);
    EXPECT_EQ(std::set<u64>(got.begin(), got.end()), expected);
    EXPECT_TRUE(a.consistent());
}

TEST(FrameAllocator, RejectsOverlappingRam) {
    FrameAllocator a;
    ASSERT_TRUE(init(a, {range(ram_base, isok::MiB)}));
    EXPECT_EQ(init(a, {range(ram_base, isok::MiB), range(ram_base + isok::MiB - 1, isok::MiB)}).error(),
              FrameError::BadRange);
    EXPECT_EQ(a.total_frames(), 0u); // a failed init leaves nothing to hand out
    EXPECT_EQ(a.allocate().error(), FrameError::NoMemory);
    EXPECT_EQ(init(a, {range(ram_base, isok::MiB), range(ram_base, isok::MiB)}).error(), FrameError::BadRange);
    EXPECT_EQ(init(a, {range(ram_base, 4 * isok::MiB), range(ram_base + isok::MiB, 4096)}).error(),
              FrameError::BadRange);
    EXPECT_TRUE(init(a, {range(ram_base, isok::MiB), range(ram_base + isok::MiB, isok::MiB)})); // touching
}

TEST(FrameAllocator, RejectsRangesThatOverflow) {
    FrameAllocator a;
    const u64 top = ~u64{0};
    EXPECT_EQ(init(a, {range(top - frame_size + 1, frame_size)}).error(), FrameError::BadRange); // ends at 2^64
    EXPECT_EQ(init(a, {range(top - 99, 1000)}).error(), FrameError::BadRange);
    EXPECT_EQ(init(a, {range(ram_base, isok::MiB), range(ram_base, ~u64{0})}).error(), FrameError::BadRange);
    EXPECT_EQ(init(a, {range(ram_base, isok::MiB)}, {range(top - 10, 20)}).error(), FrameError::BadRange);
    EXPECT_EQ(a.allocate().error(), FrameError::NoMemory);

    // Just below the top is fine: the partial last frame is dropped.
    ASSERT_TRUE(init(a, {range(top - 3 * frame_size + 1, 3 * frame_size - 1)}));
    EXPECT_EQ(a.total_frames(), 1u);
    auto f = a.allocate();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->raw(), top - frame_size + 1 - frame_size);
    EXPECT_EQ(a.allocate().error(), FrameError::NoMemory); // the bitmap's padding bits stay taken
    EXPECT_TRUE(a.consistent());
    EXPECT_TRUE(a.free(*f));
}

TEST(FrameAllocator, RefusesWhenNothingIsUsable) {
    FrameAllocator a;
    std::vector<PhysRange> ram = {range(ram_base, isok::MiB)};
    EXPECT_EQ(a.init(ram.data(), 0, nullptr, 0, fake_to_ptr).error(), FrameError::NoMemory);
    EXPECT_EQ(init(a, ram, {range(ram_base - 1, isok::MiB + 2)}).error(), FrameError::NoMemory);
    EXPECT_EQ(init(a, {range(ram_base + 1, frame_size)}).error(), FrameError::NoMemory); // no whole frame
    EXPECT_EQ(init(a, {range(ram_base, 0)}).error(), FrameError::NoMemory);
    EXPECT_EQ(init(a, {range(ram_base, frame_size)}).error(), FrameError::NoMemory); // the bitmap eats it
    EXPECT_EQ(a.allocate().error(), FrameError::NoMemory);
    EXPECT_EQ(a.total_frames(), 0u);

    EXPECT_EQ(a.init(nullptr, 1, nullptr, 0, fake_to_ptr).error(), FrameError::BadRange);
    EXPECT_EQ(a.init(ram.data(), 1, nullptr, 3, fake_to_ptr).error(), FrameError::BadRange);
    EXPECT_EQ(a.init(ram.data(), 1, nullptr, 0, nullptr).error(), FrameError::BadRange);
    auto unmapped = [](PhysAddr) -> void* { return nullptr; };
    EXPECT_EQ(a.init(ram.data(), 1, nullptr, 0, unmapped).error(), FrameError::BadRange);
    EXPECT_EQ(a.bookkeeping_bytes(), 0u);
    EXPECT_EQ(a.region_count(), 0u);
    ASSERT_TRUE(init(a, {range(ram_base, 2 * frame_size)}));
    EXPECT_EQ(a.total_frames(), 1u);
}

TEST(FrameAllocator, LimitsTheNumberOfRegions) {
    FrameAllocator a;
    std::vector<PhysRange> ram;
    for (u64 i = 0; i <= FrameAllocator::max_regions; ++i) ram.push_back(range(ram_base + i * isok::MiB, 64 * 1024));
    EXPECT_EQ(init(a, ram).error(), FrameError::TooManyRegions);
    EXPECT_EQ(a.region_count(), 0u); // the 16 pieces carved before the failure are dropped
    ram.pop_back();
    EXPECT_TRUE(init(a, ram));
    EXPECT_EQ(a.region_count(), FrameAllocator::max_regions);

    // One range cut by reserved holes into 17 pieces, then 16.
    std::vector<PhysRange> holes;
    for (u64 i = 0; i < FrameAllocator::max_regions; ++i) holes.push_back(range(ram_base + i * 0x1'0000 + 0x8000, 1));
    EXPECT_EQ(init(a, {range(ram_base, isok::MiB)}, holes).error(), FrameError::TooManyRegions);
    holes.pop_back();
    EXPECT_TRUE(init(a, {range(ram_base, isok::MiB)}, holes));
    EXPECT_EQ(a.total_frames(), 256u - 15 - 1);
}

// Random single and run allocations and frees, valid and not, checked against a std::set model:
// every answer the allocator gives must be the one the model predicts.
TEST(FrameAllocator, RandomAllocFreeAgreesWithModel) {
    FrameAllocator a;
    std::vector<PhysRange> ram = {range(ram_base, 3 * isok::MiB), range(0x9000'0000, 512 * isok::KiB)};
    std::vector<PhysRange> reserved = {range(ram_base + 0x10'0000, 0x2'3000), range(0x9000'4000, 0x1000)};
    ASSERT_TRUE(init(a, ram, reserved));
    const std::set<u64> usable = usable_frames(ram, reserved, a.bookkeeping());
    ASSERT_EQ(a.total_frames(), usable.size());
    const std::vector<u64> frames(usable.begin(), usable.end());

    std::set<u64> taken;
    auto run_is_free = [&](u64 base, usize count) {
        for (usize i = 0; i < count; ++i)
            if (!usable.count(base + i * frame_size) || taken.count(base + i * frame_size)) return false;
        return true;
    };
    auto try_allocate = [&](usize count, u64 align) {
        auto r = a.allocate(count, align);
        if (r) {
            ASSERT_TRUE(r->is_aligned(align));
            ASSERT_TRUE(run_is_free(r->raw(), count));
            for (usize i = 0; i < count; ++i) taken.insert(r->raw() + i * frame_size);
            return;
        }
        ASSERT_EQ(r.error(), FrameError::NoMemory);
        for (u64 f : frames) // the model agrees that no suitable run exists
            ASSERT_FALSE(f % align == 0 && run_is_free(f, count)) << std::hex << f;
    };
    // Valid only if every frame of the span is taken; otherwise nothing may change.
    auto try_free = [&](u64 base, usize count) {
        bool valid = true;
        for (usize i = 0; i < count; ++i) valid = valid && taken.count(base + i * frame_size);
        auto s = a.free(PhysAddr(base), count);
        ASSERT_EQ(bool(s), valid);
        if (!valid) {
            ASSERT_EQ(s.error(), FrameError::NotAllocated);
            return;
        }
        for (usize i = 0; i < count; ++i) taken.erase(base + i * frame_size);
    };

    std::mt19937_64 rng(20261125);
    for (int step = 0; step < 6000; ++step) {
        SCOPED_TRACE(step);
        bool filling = (step / 750) % 2 == 0; // alternate phases reach both "full" and "empty"
        if (rng() % 10 < (filling ? 8u : 2u)) {
            u64 kind = rng() % 4;
            usize count = kind < 2 ? 1 : 1 + rng() % 8;
            u64 align = frame_size << (kind < 3 ? 0 : rng() % 5);
            try_allocate(count, align);
        } else if (rng() % 4 == 0) { // anywhere in the first RAM range and past it
            try_free(ram_base + rng() % 1024 * frame_size, 1 + rng() % 3);
        } else {
            try_free(frames[rng() % frames.size()], 1 + rng() % 3);
        }
        if (HasFatalFailure()) return;
        ASSERT_EQ(a.free_frames(), usable.size() - taken.size());
        if (step % 100 == 0) {
            ASSERT_TRUE(a.consistent());
            for (u64 f : frames) ASSERT_EQ(a.is_allocated(PhysAddr(f)), taken.count(f) == 1);
        }
    }
    EXPECT_TRUE(a.consistent());
}

} // namespace
