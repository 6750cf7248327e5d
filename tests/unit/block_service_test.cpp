// The block service on a fake disk that records every sector it touches: each refusal
// of the protocol (and that a refused request touches nothing), data going both ways
// through the shared buffers in pieces, I/O errors, reporting each kind of refusal once,
// the partition table's checks of the Links page, and random requests against an
// independent model of the rules, where no request may touch a sector outside its
// partition.
#include <blockd/block_service.hpp>
#include <blockd/partition_table.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

using isok::u64;
using isok::u8;
using isok::usize;
using isok::block::Op;
using isok::block::Status;
using namespace isok::blockd;
namespace links = isok::links;

namespace {

constexpr u64 sector = 512;

class FakeDisk final : public Disk {
public:
    std::vector<u8> data;
    std::vector<u8> transfer;
    std::set<u64> touched;
    u64 reads = 0, writes = 0, flushes = 0;
    bool fail = false;

    FakeDisk(u64 sectors, u64 buffer_sectors) : data(sectors * sector), transfer(buffer_sectors * sector) {}

    u64 sectors() const override { return data.size() / sector; }
    u8* buffer() override { return transfer.data(); }
    u64 buffer_bytes() const override { return transfer.size(); }
    isok::Status<DiskError> read(u64 first, u64 count) override {
        ++reads;
        if (auto s = touch(first, count); !s) return s;
        std::memcpy(transfer.data(), data.data() + first * sector, count * sector);
        return {};
    }
    isok::Status<DiskError> write(u64 first, u64 count) override {
        ++writes;
        if (auto s = touch(first, count); !s) return s;
        std::memcpy(data.data() + first * sector, transfer.data(), count * sector);
        return {};
    }
    isok::Status<DiskError> flush() override {
        ++flushes;
        if (fail) return isok::fail(DiskError::io);
        return {};
    }

private:
    isok::Status<DiskError> touch(u64 first, u64 count) {
        EXPECT_GE(count, 1u);
        EXPECT_LE(count * sector, transfer.size());
        EXPECT_LE(first + count, sectors());
        if (fail) return isok::fail(DiskError::io);
        for (u64 s = first; s < first + count; ++s) touched.insert(s);
        return {};
    }
};

struct Lines {
    std::vector<std::string> lines;
    static void output(void* self, const char* line) { static_cast<Lines*>(self)->lines.emplace_back(line); }
    usize containing(const std::string& text) const {
        usize n = 0;
        for (const auto& l : lines) n += l.find(text) != std::string::npos;
        return n;
    }
};

links::Partition partition(const char* name, u64 first, u64 sectors, u8* buffer, u64 badge, u64 endpoint = 7) {
    links::Partition p{};
    std::strncpy(p.name, name, sizeof p.name - 1);
    p.sectors = sectors;
    p.first_sector = first;
    p.buffer = u64(reinterpret_cast<isok::uptr>(buffer));
    p.buffer_bytes = links::buffer_bytes;
    p.endpoint = endpoint;
    p.badge = badge;
    return p;
}

struct BlockServiceTest : ::testing::Test {
    FakeDisk disk{8192, 8}; // a 4 KiB transfer buffer: requests go in pieces
    std::vector<u8> buffer_a = std::vector<u8>(links::buffer_bytes), buffer_b = std::vector<u8>(links::buffer_bytes);
    links::Links page{};
    Lines lines;
    Log log{Lines::output, &lines};
    PartitionTable table;
    BlockService service{disk, table, log};

    static constexpr u64 a_first = 2048, a_sectors = 1000, b_first = 3048, b_sectors = 300;

    void SetUp() override {
        page.magic = links::magic;
        page.partition_count = 2;
        page.partitions[0] = partition("vm1-data", a_first, a_sectors, buffer_a.data(), 11);
        page.partitions[1] = partition("store", b_first, b_sectors, buffer_b.data(), 22);
        table.load(page, disk.sectors(), log);
        ASSERT_EQ(table.count(), 2u);
    }

    Reply call(u64 badge, Op op, u64 first = 0, u64 count = 0, u64 offset = 0) {
        return service.handle({badge, u64(op), first, count, offset});
    }
    Status refused(u64 badge, u64 label, u64 first, u64 count, u64 offset) {
        auto before = disk.touched.size();
        auto reads = disk.reads, writes = disk.writes, flushes = disk.flushes;
        Reply r = service.handle({badge, label, first, count, offset});
        EXPECT_EQ(disk.touched.size(), before);
        EXPECT_EQ(disk.reads + disk.writes + disk.flushes, reads + writes + flushes) << "a refused request reached the disk";
        return r.status;
    }
};

} // namespace

TEST_F(BlockServiceTest, InfoTellsThePartitionAndBufferSize) {
    Reply r = call(11, Op::info);
    EXPECT_EQ(r.status, Status::ok);
    EXPECT_EQ(r.word1, a_sectors);
    EXPECT_EQ(r.word2, links::buffer_bytes);
    r = call(22, Op::info);
    EXPECT_EQ(r.word1, b_sectors);
}

TEST_F(BlockServiceTest, EveryRefusal) {
    const u64 all = ~u64{0};
    const u64 read = u64(Op::read), write = u64(Op::write);
    EXPECT_EQ(refused(33, read, 0, 1, 0), Status::no_partition);
    EXPECT_EQ(refused(0, u64(Op::info), 0, 0, 0), Status::no_partition);
    for (u64 label : {u64(0), u64(5), u64(99), u64(0xfffe), u64(0xffff)})
        EXPECT_EQ(refused(11, label, 0, 1, 0), Status::unsupported) << label;
    for (u64 label : {read, write}) {
        EXPECT_EQ(refused(11, label, 0, 0, 0), Status::out_of_range);                 // no sectors
        EXPECT_EQ(refused(11, label, a_sectors, 1, 0), Status::out_of_range);         // just past the end
        EXPECT_EQ(refused(11, label, a_sectors - 1, 2, 0), Status::out_of_range);     // across the end
        EXPECT_EQ(refused(11, label, all, 2, 0), Status::out_of_range);               // first + count wraps
        EXPECT_EQ(refused(11, label, 1, all, 0), Status::out_of_range);               // count wraps
        EXPECT_EQ(refused(22, label, b_sectors, 1, 0), Status::out_of_range);         // the other partition's end
        EXPECT_EQ(refused(11, label, 0, 1, 1), Status::bad_buffer);                   // misaligned
        EXPECT_EQ(refused(11, label, 0, 1, 256), Status::bad_buffer);                 // misaligned
        EXPECT_EQ(refused(11, label, 0, 1, links::buffer_bytes), Status::bad_buffer); // past the buffer
        EXPECT_EQ(refused(11, label, 0, 257, 0), Status::bad_buffer);                 // longer than the buffer
        EXPECT_EQ(refused(11, label, 0, 2, links::buffer_bytes - sector), Status::bad_buffer);
        EXPECT_EQ(refused(11, label, 0, 1, isok::align_down(all, sector)), Status::bad_buffer); // offset + length wraps
    }
    EXPECT_TRUE(disk.touched.empty());
}

TEST_F(BlockServiceTest, TheFirstBrokenRuleAnswers) {
    // Unknown badge before the op, the op before the range, the range before the buffer.
    EXPECT_EQ(refused(33, 99, 0, 0, 1), Status::no_partition);
    EXPECT_EQ(refused(11, 99, 0, 0, 1), Status::unsupported);
    EXPECT_EQ(refused(11, u64(Op::read), 0, 0, 1), Status::out_of_range);
    // Flush and info take no words: garbage in them is no reason to refuse.
    EXPECT_EQ(call(11, Op::flush, ~u64{0}, 0, 1).status, Status::ok);
    EXPECT_EQ(call(11, Op::info, ~u64{0}, 0, 1).status, Status::ok);
}

TEST_F(BlockServiceTest, DataGoesBothWaysWithinThePartition) {
    for (usize i = 0; i < 64 * sector; ++i) buffer_a[sector + i] = u8(i * 13 + 1);
    ASSERT_EQ(call(11, Op::write, 100, 64, sector).status, Status::ok);
    std::set<u64> expected;
    for (u64 s = a_first + 100; s < a_first + 164; ++s) expected.insert(s);
    EXPECT_EQ(disk.touched, expected);
    EXPECT_EQ(disk.writes, 8u); // 64 sectors through an 8-sector transfer buffer
    EXPECT_EQ(0, std::memcmp(disk.data.data() + (a_first + 100) * sector, buffer_a.data() + sector, 64 * sector));

    ASSERT_EQ(call(11, Op::read, 100, 64, 8 * sector).status, Status::ok);
    EXPECT_EQ(0, std::memcmp(buffer_a.data() + 8 * sector, buffer_a.data() + sector, 64 * sector));
    // The other client's partition and buffer stay untouched.
    ASSERT_EQ(call(22, Op::read, 0, 64, 0).status, Status::ok);
    for (usize i = 0; i < 64 * sector; ++i) ASSERT_EQ(buffer_b[i], 0) << i;
}

TEST_F(BlockServiceTest, WholePartitionAndWholeBufferAtTheEdges) {
    EXPECT_EQ(call(22, Op::write, 0, 256, 0).status, Status::ok); // the whole 128 KiB buffer
    EXPECT_EQ(call(22, Op::read, b_sectors - 1, 1, links::buffer_bytes - sector).status, Status::ok);
    EXPECT_EQ(*disk.touched.begin(), b_first);
    EXPECT_EQ(*disk.touched.rbegin(), b_first + b_sectors - 1);
}

TEST_F(BlockServiceTest, FlushReachesTheDisk) {
    EXPECT_EQ(call(11, Op::flush).status, Status::ok);
    EXPECT_EQ(disk.flushes, 1u);
}

TEST_F(BlockServiceTest, DiskErrorsBecomeIoErrorsReportedOnce) {
    disk.fail = true;
    EXPECT_EQ(call(11, Op::read, 0, 1).status, Status::io_error);
    EXPECT_EQ(call(11, Op::write, 0, 1).status, Status::io_error);
    EXPECT_EQ(call(11, Op::flush).status, Status::io_error);
    EXPECT_EQ(lines.containing("io_error for partition vm1-data"), 1u);
    EXPECT_EQ(call(22, Op::flush).status, Status::io_error);
    EXPECT_EQ(lines.containing("io_error for partition store"), 1u);
    disk.fail = false;
    EXPECT_EQ(call(11, Op::read, 0, 1).status, Status::ok);
}

TEST_F(BlockServiceTest, AFloodOfRefusalsIsReportedOncePerPartitionAndReason) {
    usize before = lines.lines.size();
    for (int i = 0; i < 1000; ++i) {
        (void)call(11, Op::read, a_sectors, 1);
        (void)call(11, Op::read, 0, 1, 3);
        (void)service.handle({11, 77, 0, 0, 0});
        (void)call(22, Op::read, b_sectors, 1);
        (void)call(u64(i) + 1000, Op::read, 0, 1);
    }
    EXPECT_EQ(lines.lines.size() - before, 5u);
    EXPECT_EQ(lines.containing("refused out_of_range for partition vm1-data"), 1u);
    EXPECT_EQ(lines.containing("refused bad_buffer for partition vm1-data"), 1u);
    EXPECT_EQ(lines.containing("refused unsupported for partition vm1-data"), 1u);
    EXPECT_EQ(lines.containing("refused out_of_range for partition store"), 1u);
    EXPECT_EQ(lines.containing("refused no_partition for badge 1000"), 1u);
}

TEST_F(BlockServiceTest, PartitionsAreReported) {
    lines.lines.clear();
    table.report(log);
    ASSERT_EQ(lines.lines.size(), 2u);
    EXPECT_EQ(lines.lines[0], "blockd: partition vm1-data sectors 2048+1000 for badge 11");
    EXPECT_EQ(lines.lines[1], "blockd: partition store sectors 3048+300 for badge 22");
    EXPECT_EQ(table.endpoint(), 7u);
}

TEST(BlockPartitionTable, LeavesOutWhatCannotBeServedSafely) {
    static u8 buffer[links::buffer_bytes];
    links::Links page{};
    page.magic = links::magic;
    auto& p = page.partitions;
    p[0] = partition("good", 2048, 100, buffer, 1);
    p[1] = partition("empty", 4000, 0, buffer, 2);
    p[2] = partition("too-big", 4000, 1000, buffer, 3);       // past a 4096-sector disk
    p[3] = partition("wraps", ~u64{0} - 10, 20, buffer, 4);   // first + sectors wraps
    p[4] = partition("overlap", 2100, 10, buffer, 5);         // inside "good"
    p[5] = partition("same-badge", 3000, 10, buffer, 1);      // badge of "good"
    p[6] = partition("other-endpoint", 3100, 10, buffer, 7, 8);
    p[7] = partition("no-buffer", 3200, 10, nullptr, 8);
    p[8] = partition("ok-too", 2148, 10, buffer, 9);          // right after "good"
    p[8].name[0] = '\n';                                       // printed as '?'
    page.partition_count = 9;
    Lines lines;
    Log log{Lines::output, &lines};
    PartitionTable table;
    table.load(page, 4096, log);
    ASSERT_EQ(table.count(), 2u);
    EXPECT_STREQ(table[0].name, "good");
    EXPECT_STREQ(table[1].name, "?k-too");
    EXPECT_EQ(lines.lines.size(), 7u);
    for (const char* why : {"no sectors", "outside the disk", "overlaps another partition", "badge already taken",
                            "served on another endpoint", "no shared buffer"})
        EXPECT_GE(lines.containing(why), 1u) << why;
    EXPECT_NE(table.find(1), nullptr);
    EXPECT_EQ(table.find(2), nullptr);
    EXPECT_NE(table.find(9), nullptr);
}

TEST(BlockPartitionTable, CountsBeyondTheArrayAreCut) {
    static u8 buffer[links::buffer_bytes];
    links::Links page{};
    page.magic = links::magic;
    for (usize i = 0; i < links::max_partitions; ++i) page.partitions[i] = partition("p", 100 * i, 100, buffer, i + 1);
    page.partition_count = 1000;
    Lines lines;
    Log log{Lines::output, &lines};
    PartitionTable table;
    table.load(page, 1u << 20, log);
    EXPECT_EQ(table.count(), links::max_partitions);
    EXPECT_EQ(lines.containing("only the first 16"), 1u);

    page.partition_count = 0;
    table.load(page, 1u << 20, log);
    EXPECT_EQ(table.count(), 0u);
    EXPECT_EQ(table.endpoint(), isok::abi::no_slot);
}

// Random requests, many hostile, against a model of the rules written with 128-bit
// arithmetic: the status must match and the disk must only ever see sectors inside the
// partition the badge names.
TEST_F(BlockServiceTest, RandomRequestsMatchTheModelAndStayInside) {
    std::mt19937_64 random(0xb10c);
    auto pick = [&](u64 limit) {
        switch (random() % 6) {
        case 0: return u64(0);
        case 1: return limit;
        case 2: return limit - 1;
        case 3: return ~u64{0} - random() % 4;
        default: return random() % (limit + 2);
        }
    };
    for (int i = 0; i < 20000; ++i) {
        u64 badge = std::vector<u64>{11, 22, 33}[random() % 3];
        u64 label = random() % 6;
        u64 sectors = badge == 11 ? a_sectors : b_sectors;
        u64 first = pick(sectors), count = pick(300), offset = random() % 4 ? pick(256) * sector : pick(1 << 17);
        Status expected = Status::ok;
        if (badge == 33) expected = Status::no_partition;
        else if (label < 1 || label > 4) expected = Status::unsupported;
        else if (label <= 2) {
            unsigned __int128 end = (unsigned __int128)first + count;
            unsigned __int128 buffer_end = (unsigned __int128)offset + (unsigned __int128)count * sector;
            if (count == 0 || end > sectors) expected = Status::out_of_range;
            else if (offset % sector || buffer_end > links::buffer_bytes) expected = Status::bad_buffer;
        }
        disk.touched.clear();
        Reply r = service.handle({badge, label, first, count, offset});
        ASSERT_EQ(r.status, expected) << "badge " << badge << " label " << label << " " << first << "+" << count
                                      << " offset " << offset;
        u64 base = badge == 11 ? a_first : b_first;
        for (u64 s : disk.touched) {
            ASSERT_GE(s, base + first);
            ASSERT_LT(s, base + first + count);
        }
        if (expected == Status::ok && label <= 2) {
            ASSERT_EQ(disk.touched.size(), count);
        }
    }
}
