// The block protocol between a block service and its clients (VMMs and processes): an
// IPC call on the service's endpoint, badged per partition, with the data in the buffer
// the root shares between the two (isok/links.hpp). Sectors are 512 bytes and count from
// the start of the caller's partition.
#pragma once
#include <isok/types.hpp>

namespace isok::block {

inline constexpr u64 sector_bytes = 512;

// The call's label.
enum class Op : u64 {
    read = 1,  // (w0 first sector, w1 sectors, w2 buffer offset): disk -> buffer
    write = 2, // (w0 first sector, w1 sectors, w2 buffer offset): buffer -> disk
    flush = 3, // (): returns when everything written before is on stable storage
    info = 4,  // () -> w1 sectors of the partition, w2 buffer bytes
};

// Word 0 of the reply.
enum class Status : u64 {
    ok = 0,
    out_of_range = 1, // sectors past the end of the partition (or the count is 0 or overflows)
    bad_buffer = 2,   // offset and length do not fit in the shared buffer, or are not sector-aligned
    io_error = 3,     // the device failed the request
    unsupported = 4,  // unknown operation
    no_partition = 5, // the badge names no partition
};

// A status as the lines of services and clients name it.
constexpr const char* status_name(Status s) {
    switch (s) {
    case Status::ok: return "ok";
    case Status::out_of_range: return "out_of_range";
    case Status::bad_buffer: return "bad_buffer";
    case Status::io_error: return "io_error";
    case Status::unsupported: return "unsupported";
    case Status::no_partition: return "no_partition";
    }
    return "unknown status";
}

} // namespace isok::block
