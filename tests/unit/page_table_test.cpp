// Sv39 page-table construction on fake physical memory: mappings translate, page
// sizes follow alignment, and W^X, overlap and range violations are refused.
#include <arch/page_table.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

using arch::MapError;
using arch::PageTable;
using isok::PhysAddr;
using isok::VirtAddr;
namespace pte = arch::pte;

namespace {

constexpr isok::u64 ram_base = 0x80000000;
constexpr isok::u64 ram_size = 4 * isok::MiB;
std::vector<unsigned char> ram(ram_size + 4096);
unsigned char* ram_start() { return ram.data() + (4096 - reinterpret_cast<std::uintptr_t>(ram.data()) % 4096); }

void* to_ptr(PhysAddr pa) { return ram_start() + (pa.raw() - ram_base); }

class PageTableTest : public ::testing::Test {
protected:
    void SetUp() override {
        isok::PhysRange r{PhysAddr(ram_base), ram_size};
        ASSERT_TRUE(frames.init(&r, 1, nullptr, 0, to_ptr).ok());
        ASSERT_TRUE(table.init(table_frames, to_ptr).ok());
    }
    kernel::FrameAllocator frames;
    arch::AllocatorTableFrames table_frames{frames};
    PageTable table;
};

} // namespace

extern "C" [[noreturn]] void kernel_assert_failed(const char* expr, const char* file, int line) {
    ADD_FAILURE() << "assertion " << expr << " at " << file << ":" << line;
    std::abort();
}

TEST_F(PageTableTest, FourKilobytePagesTranslate) {
    ASSERT_TRUE(table.map(VirtAddr(0x10000), PhysAddr(0x90000000), 0x3000, pte::read | pte::user).ok());
    EXPECT_EQ(table.translate(VirtAddr(0x10000))->raw(), 0x90000000u);
    EXPECT_EQ(table.translate(VirtAddr(0x12abc))->raw(), 0x90002abcu);
    EXPECT_FALSE(table.translate(VirtAddr(0x13000)).ok());
    EXPECT_EQ(table.permissions(VirtAddr(0x11000)), pte::read | pte::user);
}

TEST_F(PageTableTest, UsesTheLargestPageAlignmentAllows) {
    isok::usize before = frames.free_frames();
    // 1 GiB aligned on both sides: a single leaf in the root, no table frames needed.
    ASSERT_TRUE(table.map(VirtAddr(0xFFFFFFC000000000), PhysAddr(0), isok::GiB, pte::read | pte::write).ok());
    EXPECT_EQ(frames.free_frames(), before);
    // 2 MiB aligned: one level-1 table, then a leaf.
    ASSERT_TRUE(table.map(VirtAddr(0x40000000), PhysAddr(0x80200000), 2 * isok::MiB, pte::read).ok());
    EXPECT_EQ(frames.free_frames(), before - 1);
    EXPECT_EQ(table.translate(VirtAddr(0xFFFFFFC012345678))->raw(), 0x12345678u);
    EXPECT_EQ(table.translate(VirtAddr(0x401FFFFF))->raw(), 0x803FFFFFu);
}

TEST_F(PageTableTest, RefusesWritableAndExecutable) {
    auto s = table.map(VirtAddr(0x10000), PhysAddr(0x90000000), 0x1000, pte::read | pte::write | pte::exec);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error(), MapError::WriteAndExecute);
    EXPECT_FALSE(table.translate(VirtAddr(0x10000)).ok());
}

TEST_F(PageTableTest, RefusesOverlapAndMisalignment) {
    ASSERT_TRUE(table.map(VirtAddr(0x200000), PhysAddr(0x90000000), 0x200000, pte::read).ok());
    EXPECT_EQ(table.map(VirtAddr(0x201000), PhysAddr(0x91000000), 0x1000, pte::read).error(), MapError::AlreadyMapped);
    EXPECT_EQ(table.map(VirtAddr(0x1234), PhysAddr(0x90000000), 0x1000, pte::read).error(), MapError::Misaligned);
    EXPECT_EQ(table.map(VirtAddr(0x1000), PhysAddr(0x90000000), 0x10, pte::read).error(), MapError::Misaligned);
}

TEST_F(PageTableTest, RefusesNonCanonicalAndWrappingRanges) {
    EXPECT_EQ(table.map(VirtAddr(0x0000004000000000), PhysAddr(0), 0x1000, pte::read).error(), MapError::OutOfRange);
    // Crosses from the lower into the upper half through the hole.
    EXPECT_EQ(table.map(VirtAddr(0x0000003FFFFFF000), PhysAddr(0), 0x2000, pte::read).error(), MapError::OutOfRange);
    EXPECT_EQ(table.map(VirtAddr(0xFFFFFFFFFFFFF000), PhysAddr(0), 0x2000, pte::read).error(), MapError::OutOfRange);
    EXPECT_EQ(table.map(VirtAddr(0x1000), PhysAddr(0), 0, pte::read).error(), MapError::OutOfRange);
}

TEST_F(PageTableTest, RunsOutOfTableFramesCleanly) {
    // Each 4 KiB page in its own 2 MiB slot needs a fresh table; the fake RAM runs out.
    MapError last = MapError::OutOfRange;
    int mapped = 0;
    for (isok::u64 i = 0; i < 4096; ++i) {
        auto s = table.map(VirtAddr(i * 2 * isok::MiB), PhysAddr(0x90000000), 0x1000, pte::read);
        if (!s.ok()) {
            last = s.error();
            break;
        }
        ++mapped;
    }
    EXPECT_EQ(last, MapError::NoMemory);
    EXPECT_GT(mapped, 100);
    EXPECT_EQ(frames.free_frames(), 0u);
}

TEST_F(PageTableTest, SatpNamesSv39AndTheRoot) {
    isok::u64 satp = table.satp(5);
    EXPECT_EQ(satp >> 60, 8u);
    EXPECT_EQ((satp >> 44) & 0xffff, 5u);
    EXPECT_EQ((satp & ((1ull << 44) - 1)) << 12, table.root().raw());
}

TEST_F(PageTableTest, UnmapRemovesPagesAndRefusesHoles) {
    ASSERT_TRUE(table.map(VirtAddr(0x10000), PhysAddr(0x90000000), 0x3000, pte::read | pte::user).ok());
    // 0x13000 is not mapped: the whole request is refused and nothing changes.
    EXPECT_EQ(table.unmap(VirtAddr(0x11000), 0x3000).error(), MapError::NotMapped);
    EXPECT_TRUE(table.translate(VirtAddr(0x11000)).ok());
    ASSERT_TRUE(table.unmap(VirtAddr(0x11000), 0x2000).ok());
    EXPECT_FALSE(table.translate(VirtAddr(0x11000)).ok());
    EXPECT_FALSE(table.translate(VirtAddr(0x12000)).ok());
    EXPECT_TRUE(table.translate(VirtAddr(0x10000)).ok());
    // The range can be mapped again.
    EXPECT_TRUE(table.map(VirtAddr(0x11000), PhysAddr(0x90005000), 0x1000, pte::read).ok());
}

TEST_F(PageTableTest, UnmapTakesLargePagesWholeAndNeverSplitsThem) {
    // Both sides 2 MiB aligned: one 2 MiB leaf; the same for a 1 GiB leaf.
    ASSERT_TRUE(table.map(VirtAddr(0x40000000), PhysAddr(0x80200000), 2 * isok::MiB, pte::read | pte::write).ok());
    ASSERT_TRUE(table.map(VirtAddr(0x80000000), PhysAddr(0xC0000000), isok::GiB, pte::read).ok());
    // Part of a large page cannot go alone: refused, and the page stays whole.
    EXPECT_EQ(table.unmap(VirtAddr(0x40000000), 0x1000).error(), MapError::NotMapped);
    EXPECT_EQ(table.unmap(VirtAddr(0x40001000), 2 * isok::MiB - 0x1000).error(), MapError::NotMapped);
    EXPECT_EQ(table.unmap(VirtAddr(0x80000000), isok::GiB / 2).error(), MapError::NotMapped);
    EXPECT_EQ(table.translate(VirtAddr(0x401FF000))->raw(), 0x803FF000u);
    // The range it was mapped with goes, every byte of it.
    ASSERT_TRUE(table.unmap(VirtAddr(0x40000000), 2 * isok::MiB).ok());
    ASSERT_TRUE(table.unmap(VirtAddr(0x80000000), isok::GiB).ok());
    for (isok::u64 va : {0x40000000ull, 0x401FF000ull, 0x80000000ull, 0xBFFFF000ull})
        EXPECT_FALSE(table.translate(VirtAddr(va)).ok()) << std::hex << va;
}

TEST_F(PageTableTest, UnmapOfAMixedRangeTakesEveryLeafSize) {
    // 4 KiB pages up to a 2 MiB boundary, a 2 MiB page, 4 KiB pages after it.
    isok::u64 va = 0x401FE000, pa = 0x803FE000, size = 2 * isok::MiB + 0x4000;
    ASSERT_TRUE(table.map(VirtAddr(va), PhysAddr(pa), size, pte::read).ok());
    ASSERT_TRUE(table.unmap(VirtAddr(va), size).ok());
    for (isok::u64 off = 0; off < size; off += 0x1000)
        ASSERT_FALSE(table.translate(VirtAddr(va + off)).ok()) << std::hex << va + off;
}

TEST_F(PageTableTest, AMapThatFailsHalfWayLeavesNothingMapped) {
    ASSERT_TRUE(table.map(VirtAddr(0x12000), PhysAddr(0x90002000), 0x1000, pte::read).ok());
    // Pages 0x10000 and 0x11000 would be mapped before 0x12000 is found taken.
    EXPECT_EQ(table.map(VirtAddr(0x10000), PhysAddr(0x90000000), 0x4000, pte::read | pte::write).error(),
              MapError::AlreadyMapped);
    EXPECT_FALSE(table.translate(VirtAddr(0x10000)).ok());
    EXPECT_FALSE(table.translate(VirtAddr(0x11000)).ok());
    EXPECT_EQ(table.translate(VirtAddr(0x12000))->raw(), 0x90002000u) << "what was there before stays";
    EXPECT_FALSE(table.translate(VirtAddr(0x13000)).ok());
}

TEST_F(PageTableTest, ReleaseReturnsEveryTableFrame) {
    isok::usize before = frames.free_frames();
    PageTable user;
    ASSERT_TRUE(user.init(table_frames, to_ptr).ok());
    ASSERT_TRUE(user.map(VirtAddr(0x10000), PhysAddr(0x90000000), 0x1000, pte::read).ok());
    ASSERT_TRUE(user.map(VirtAddr(0x7f000000), PhysAddr(0x90001000), 0x1000, pte::read).ok());
    ASSERT_TRUE(user.map(VirtAddr(0x2000000000), PhysAddr(0x90002000), 0x1000, pte::read).ok());
    EXPECT_LT(frames.free_frames(), before);
    user.share_kernel_half(table);
    user.release();
    EXPECT_EQ(frames.free_frames(), before);
}

TEST_F(PageTableTest, GuestPhysicalSpaceIsSv39x4) {
    isok::usize before = frames.free_frames();
    PageTable guest;
    ASSERT_TRUE(guest.init(table_frames, to_ptr, PageTable::Kind::guest).ok());
    // The Sv39x4 root is four frames, aligned to 16 KiB.
    EXPECT_EQ(before - frames.free_frames(), 4u);
    EXPECT_TRUE(guest.root().is_aligned(16 * isok::KiB));
    // Guest RAM is RAM: the guest's own tables decide W^X, so RWX is allowed here.
    ASSERT_TRUE(guest.map(VirtAddr(0x80000000), PhysAddr(0x80200000), 0x200000,
                          pte::read | pte::write | pte::exec | pte::user).ok());
    EXPECT_EQ(guest.translate(VirtAddr(0x80001234))->raw(), 0x80201234u);
    // Guest-physical addresses reach 2^41, beyond Sv39's 2^38, and no further.
    EXPECT_TRUE(guest.map(VirtAddr(0x1ff'ffff'f000), PhysAddr(0x90000000), 0x1000, pte::read | pte::user).ok());
    EXPECT_EQ(guest.map(VirtAddr(0x200'0000'0000), PhysAddr(0x90000000), 0x1000, pte::read | pte::user).error(),
              MapError::OutOfRange);
    // What the guest was not given does not translate.
    EXPECT_FALSE(guest.translate(VirtAddr(0x10000000)).ok());
    EXPECT_EQ(guest.satp(3) >> 60, 8u);
    guest.release();
    EXPECT_EQ(frames.free_frames(), before);
}
