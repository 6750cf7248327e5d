// What sits behind a VM's virtio-block device: one partition of a virtual disk. main.cpp
// gives it a block-service client (BlockClient), unit tests an in-memory fake. Data moves
// through the backend's buffer, so the device copies guest memory straight into the
// buffer a block service shares with the VMM.
#pragma once
#include <isok/block.hpp>
#include <isok/types.hpp>

namespace isok::vmm {

class BlockBackend {
public:
    // The partition's size in block::sector_bytes sectors.
    virtual u64 sectors() const = 0;
    // The partition's name (NUL-terminated), which the guest reads as the device's ID.
    virtual const char* name() const = 0;
    // Where a request's data passes: the device fills it before write and empties it
    // after read. A whole number of sectors, at least one.
    virtual u8* buffer() = 0;
    virtual u64 buffer_bytes() const = 0;
    // Sectors [sector, sector + count) to buffer()[0, count * sector_bytes), and back.
    virtual block::Status read(u64 sector, u64 count) = 0;
    virtual block::Status write(u64 sector, u64 count) = 0;
    // Returns when everything written before is on stable storage.
    virtual block::Status flush() = 0;

protected:
    ~BlockBackend() = default;
};

} // namespace isok::vmm
