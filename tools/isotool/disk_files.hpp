// The disk image files `isotool run` gives QEMU: one per [[disk]] of the system, in order,
// created sparse when missing and large enough for the disk's partitions.
#pragma once
#include <isok/result.hpp>
#include <isok/types.hpp>
#include <optional>
#include <string>
#include <vector>

namespace isotool {

struct DiskRequest {
    std::string boot_image;          // whose plan says how many disks and how large
    std::vector<std::string> files;  // --disk, for disks 0, 1, ...
    std::string prefix;              // --disk-prefix: PREFIX-<disk>.img for disks without a file
    std::optional<isok::u64> size;   // --disk-size: the size of files created, instead of the plan's
};

// The files, one per disk in order, each existing (created when missing) and large enough;
// notes for the user (a disk of the plan without a file) go to stderr.
isok::Result<std::vector<std::string>, std::string> prepare_disks(const DiskRequest& request);

// QEMU's arguments for them: a raw drive and a modern (virtio 1.x) virtio-blk device each.
std::vector<std::string> disk_arguments(const std::vector<std::string>& files);

} // namespace isotool
