// Taking partitions from the Links page. The page is the root's, but a wrong manifest
// or a root bug must cost at most the partitions concerned, never another's sectors.
#include <blockd/partition_table.hpp>
#include <isok/block.hpp>

namespace isok::blockd {
namespace {

void copy_name(char (&to)[links::name_bytes], const char (&from)[links::name_bytes]) {
    usize i = 0;
    for (; i + 1 < links::name_bytes && from[i]; ++i) to[i] = from[i] >= ' ' && from[i] <= '~' ? from[i] : '?';
    to[i] = 0;
}

bool overlaps(const Partition& a, u64 first, u64 sectors) {
    return first < a.first_sector + a.sectors && a.first_sector < first + sectors;
}

} // namespace

// Why a partition cannot be served, or nullptr. Taken partitions are already in the table.
const char* PartitionTable::unusable(const links::Partition& p, u64 disk_sectors) const {
    u64 end;
    if (p.sectors == 0) return "no sectors";
    if (add_overflows(p.first_sector, p.sectors, end) || end > disk_sectors) return "outside the disk";
    if (p.buffer == 0 || p.buffer_bytes < block::sector_bytes) return "no shared buffer";
    if (endpoint_ != abi::no_slot && p.endpoint != endpoint_) return "served on another endpoint";
    for (usize i = 0; i < count_; ++i) {
        if (partitions_[i].badge == p.badge) return "badge already taken";
        if (overlaps(partitions_[i], p.first_sector, p.sectors)) return "overlaps another partition";
    }
    return nullptr;
}

void PartitionTable::load(const links::Links& links, u64 disk_sectors, Log& log) {
    count_ = 0;
    endpoint_ = abi::no_slot;
    usize listed = links.partition_count;
    if (listed > links::max_partitions) {
        log.line("blockd: Links lists %zu partitions; only the first %zu are served", listed, links::max_partitions);
        listed = links::max_partitions;
    }
    for (usize i = 0; i < listed; ++i) {
        const links::Partition& p = links.partitions[i];
        Partition& taken = partitions_[count_];
        taken = Partition();
        copy_name(taken.name, p.name);
        if (const char* why = unusable(p, disk_sectors)) {
            log.line("blockd: partition %s (sectors %lu+%lu, badge %lu) left out: %s", taken.name, p.first_sector,
                     p.sectors, p.badge, why);
            continue;
        }
        taken.first_sector = p.first_sector;
        taken.sectors = p.sectors;
        taken.buffer = reinterpret_cast<u8*>(uptr(p.buffer));
        taken.buffer_bytes = p.buffer_bytes;
        taken.badge = p.badge;
        endpoint_ = p.endpoint;
        ++count_;
    }
}

void PartitionTable::report(Log& log) const {
    for (usize i = 0; i < count_; ++i) {
        const Partition& p = partitions_[i];
        log.line("blockd: partition %s sectors %lu+%lu for badge %lu", p.name, p.first_sector, p.sectors, p.badge);
    }
}

Partition* PartitionTable::find(u64 badge) {
    for (usize i = 0; i < count_; ++i)
        if (partitions_[i].badge == badge) return &partitions_[i];
    return nullptr;
}

} // namespace isok::blockd
