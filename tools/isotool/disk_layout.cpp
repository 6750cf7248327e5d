// The partition layout of docs/manifest.md ("Disks") in code, from a manifest or a plan.
#include "disk_layout.hpp"

namespace isotool {
namespace {

using isok::u64;
namespace layout = isok::plan::layout;

u64 image_bytes(u64 end_sector) { return isok::align_up(end_sector * layout::sector_bytes, isok::MiB); }

} // namespace

std::vector<PartitionPlace> partition_layout(const Disk& disk) {
    std::vector<PartitionPlace> places;
    u64 next = layout::first_partition_sector;
    for (const Partition& p : disk.partitions) {
        const u64 sectors = p.size / layout::sector_bytes;
        places.push_back({p.name, next, sectors});
        next += sectors;
    }
    return places;
}

u64 disk_image_bytes(const Disk& disk) {
    const auto places = partition_layout(disk);
    return image_bytes(places.empty() ? layout::first_partition_sector
                                      : places.back().first_sector + places.back().sectors);
}

u64 disk_image_bytes(const isok::plan::Plan& plan, isok::u32 disk) {
    u64 end = layout::first_partition_sector;
    for (isok::u32 i = 0; i < plan.partition_count(); ++i) {
        const isok::plan::Partition p = *plan.partition(i);
        if (p.disk == disk) end = p.first_sector + p.sectors; // in order: the last one ends the disk
    }
    return image_bytes(end);
}

} // namespace isotool
