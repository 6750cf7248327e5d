// A disk as the block service uses it: 512-byte sectors moved between the disk and one
// transfer buffer the service copies clients' data through. The virtio-blk driver is
// one; unit tests use a fake that records which sectors were touched.
#pragma once
#include <isok/block.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::blockd {

enum class DiskError : u8 {
    io = 1,      // the device failed the request
    unsupported, // the device does not do this request
    read_only,   // a write to a read-only device
    broken,      // the device broke the protocol or failed; no more requests reach it
    bad_request, // sectors outside the disk or the buffer (a caller's bug; nothing done)
};

const char* describe(DiskError e);

class Disk {
public:
    virtual u64 sectors() const = 0;
    // The transfer buffer: whole sectors, at least one.
    virtual u8* buffer() = 0;
    virtual u64 buffer_bytes() const = 0;
    // Sectors [sector, sector + count) to or from the start of the buffer; the caller
    // keeps them on the disk and count * 512 within the buffer.
    virtual Status<DiskError> read(u64 sector, u64 count) = 0;
    virtual Status<DiskError> write(u64 sector, u64 count) = 0;
    // Everything written before is on stable storage.
    virtual Status<DiskError> flush() = 0;

protected:
    ~Disk() = default;
};

} // namespace isok::blockd
