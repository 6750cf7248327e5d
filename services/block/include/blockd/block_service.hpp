// The block protocol (isok/block.hpp) served on one disk. Each request is checked in
// this order, and the first rule it breaks is its answer:
//   the badge names a served partition            else no_partition
//   the label is a known Op                       else unsupported
//   read/write: count >= 1, first + count within the partition, no overflow
//                                                 else out_of_range
//   read/write: offset a multiple of 512, offset + count * 512 within the shared buffer
//                                                 else bad_buffer
// Only then is the disk touched, at partition.first_sector + first, with the data going
// through the disk's transfer buffer in pieces that fit it. The client's shared buffer
// is read once per byte (copied into the transfer buffer before the write), so a client
// changing it meanwhile only changes its own data. A refusal or an I/O error is
// reported once per partition and reason: clients may flood the service with bad requests.
#pragma once
#include <blockd/disk.hpp>
#include <blockd/log.hpp>
#include <blockd/partition_table.hpp>
#include <isok/block.hpp>

namespace isok::blockd {

// A call as it arrived: the sender's badge, the label and words 0..2.
struct Request {
    u64 badge;
    u64 label;
    u64 first;  // w0: first sector in the partition
    u64 count;  // w1: sectors
    u64 offset; // w2: byte offset into the shared buffer
};

// Words 0..2 of the answer.
struct Reply {
    block::Status status;
    u64 word1 = 0;
    u64 word2 = 0;
};

class BlockService {
public:
    BlockService(Disk& disk, PartitionTable& partitions, Log& log) : disk_(disk), partitions_(partitions), log_(log) {}

    Reply handle(const Request& r);

private:
    block::Status check(const Partition& p, const Request& r) const;
    block::Status transfer(Partition& p, block::Op op, const Request& r);
    block::Status flush(Partition& p);
    block::Status disk_failed(Partition& p, DiskError e);
    void report_refusal(Partition& p, block::Status s, const Request& r);

    Disk& disk_;
    PartitionTable& partitions_;
    Log& log_;
    bool reported_no_partition_ = false;
};

} // namespace isok::blockd
