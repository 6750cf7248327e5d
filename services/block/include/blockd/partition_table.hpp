// The partitions a block service serves: copied once from its Links page and checked
// against the disk, so that no later request can reach outside the sectors the root
// gave a partition. A partition that does not fit the disk, overlaps one already taken,
// repeats a badge or is served on another endpoint is left out (its clients then get
// no_partition), with a line saying why.
#pragma once
#include <blockd/log.hpp>
#include <isok/abi.hpp>
#include <isok/links.hpp>

namespace isok::blockd {

struct Partition {
    char name[links::name_bytes] = {}; // NUL-terminated, printable
    u64 first_sector = 0;              // on the disk
    u64 sectors = 0;
    u8* buffer = nullptr; // shared with the client: it may change under the service at any time
    u64 buffer_bytes = 0;
    u64 badge = 0;
    u32 reported = 0; // bit s: a refusal with block::Status s has been reported
};

class PartitionTable {
public:
    // Replaces the table with the usable partitions of `links` on a disk of
    // `disk_sectors` sectors; prints a line for each one left out.
    void load(const links::Links& links, u64 disk_sectors, Log& log);
    // One line per partition served: name, sectors on the disk, badge.
    void report(Log& log) const;

    Partition* find(u64 badge);
    usize count() const { return count_; }
    const Partition& operator[](usize i) const { return partitions_[i]; }
    // The endpoint slot every partition is served on; abi::no_slot when there is none.
    u64 endpoint() const { return endpoint_; }

private:
    const char* unusable(const links::Partition& p, u64 disk_sectors) const;

    Partition partitions_[links::max_partitions];
    usize count_ = 0;
    u64 endpoint_ = abi::no_slot;
};

} // namespace isok::blockd
