// The block service (services/block): partitions taken from an arbitrary Links page, then
// arbitrary requests. No disk access leaves the disk or the partition of the request's
// badge, and no copy leaves the client's shared buffer (each an allocation of exactly its
// size, so AddressSanitizer sees one byte too far).
#include "fuzz_util.hpp"

#include <blockd/block_service.hpp>
#include <blockd/partition_table.hpp>

#include <memory>

using fuzz::check;
using isok::u32;
using isok::u64;
using isok::u8;
using namespace isok::blockd;
namespace links = isok::links;
namespace block = isok::block;

namespace {

constexpr u64 disk_sectors = 4096;

// A disk that only checks where it is asked to go: the request being served sets the
// sectors it may touch.
class CheckingDisk final : public Disk {
public:
    u64 allowed_first = 0, allowed_end = 0;
    std::vector<u8> transfer = std::vector<u8>(8 * block::sector_bytes);
    bool fail = false;

    u64 sectors() const override { return disk_sectors; }
    u8* buffer() override { return transfer.data(); }
    u64 buffer_bytes() const override { return transfer.size(); }
    isok::Status<DiskError> read(u64 first, u64 count) override { return touch(first, count); }
    isok::Status<DiskError> write(u64 first, u64 count) override { return touch(first, count); }
    isok::Status<DiskError> flush() override { return fail ? isok::fail(DiskError::io) : isok::Status<DiskError>{}; }

private:
    isok::Status<DiskError> touch(u64 first, u64 count) {
        check(count >= 1 && count * block::sector_bytes <= transfer.size());
        check(first >= allowed_first && first < allowed_end && count <= allowed_end - first);
        if (fail) return isok::fail(DiskError::io);
        return {};
    }
};

void quiet(void*, const char*) {}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader in(data, size);
    auto page = std::make_unique<links::Links>();
    page->magic = links::magic;
    page->partition_count = in.take<u32>() % (links::max_partitions + 4);
    // Each partition's shared buffer, exactly as large as its Links entry says (at most 16 sectors).
    std::vector<std::unique_ptr<u8[]>> buffers;
    for (u32 i = 0; i < links::max_partitions; ++i) {
        links::Partition& p = page->partitions[i];
        in.copy(p.name, 4);
        p.first_sector = in.take<isok::u16>();
        p.sectors = in.flag() ? in.take<u64>() : in.take<isok::u16>();
        p.buffer_bytes = in.take<u8>() % 17 * block::sector_bytes + in.take<u8>() % 2;
        buffers.emplace_back(new u8[p.buffer_bytes ? p.buffer_bytes : 1]);
        p.buffer = u64(reinterpret_cast<isok::uptr>(buffers.back().get()));
        p.endpoint = in.take<u8>() % 2;
        p.badge = in.take<u8>() % 20;
    }
    CheckingDisk disk;
    disk.fail = in.flag();
    Log log(quiet, nullptr);
    auto table = std::make_unique<PartitionTable>();
    table->load(*page, disk.sectors(), log);
    check(table->count() <= links::max_partitions);
    for (isok::usize i = 0; i < table->count(); ++i) {
        const Partition& p = (*table)[i];
        check(p.sectors >= 1 && p.first_sector + p.sectors <= disk_sectors && p.first_sector + p.sectors > p.first_sector);
        for (isok::usize j = 0; j < i; ++j)
            check((*table)[j].badge != p.badge && ((*table)[j].first_sector + (*table)[j].sectors <= p.first_sector ||
                                                   p.first_sector + p.sectors <= (*table)[j].first_sector));
    }

    BlockService service(disk, *table, log);
    while (!in.empty()) {
        Request r{};
        r.badge = in.take<u8>() % 20;
        r.label = in.take<u8>() % 6;
        r.first = in.flag() ? in.take<u64>() : in.take<isok::u16>();
        r.count = in.flag() ? in.take<u64>() : in.take<u8>();
        r.offset = in.flag() ? in.take<u64>() : in.take<isok::u16>();
        const Partition* p = table->find(r.badge);
        disk.allowed_first = p ? p->first_sector : 0;
        disk.allowed_end = p ? p->first_sector + p->sectors : 0;
        Reply reply = service.handle(r);
        check(u64(reply.status) <= u64(block::Status::no_partition));
        if (!p) check(reply.status == block::Status::no_partition);
        if (reply.status == block::Status::ok && (r.label == u64(block::Op::read) || r.label == u64(block::Op::write)))
            check(r.first + r.count <= p->sectors && r.offset + r.count * block::sector_bytes <= p->buffer_bytes);
    }
    return 0;
}
