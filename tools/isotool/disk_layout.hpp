// Where the partitions of a disk lie: back to back from sector 2048 (1 MiB), in the order
// the manifest lists them; and how large a disk image must be to hold them all.
#pragma once
#include "manifest.hpp"
#include <isok/plan.hpp>
#include <string>
#include <vector>

namespace isotool {

struct PartitionPlace {
    std::string name;
    isok::u64 first_sector = 0;
    isok::u64 sectors = 0; // 512-byte sectors
};

// Only for a disk whose sizes were read (sizes are page multiples, so sectors are whole).
std::vector<PartitionPlace> partition_layout(const Disk& disk);

// 1 MiB plus its partitions, rounded up to 1 MiB: what `isotool run` creates.
isok::u64 disk_image_bytes(const Disk& disk);
// The same for disk index `disk` of a plan: where its last partition ends, rounded up to 1 MiB.
isok::u64 disk_image_bytes(const isok::plan::Plan& plan, isok::u32 disk);

} // namespace isotool
