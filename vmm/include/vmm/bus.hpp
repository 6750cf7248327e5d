// MMIO dispatch: a guest load or store that faulted outside guest RAM goes to the device
// whose guest-physical range holds it. Devices see offsets into their own range.
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

// An emulated device's register file. A device returns false for an access it does not
// support (width, alignment); the VMM then reads zero and ignores the write, as many
// buses do for a register that does not answer.
class MmioDevice {
public:
    virtual bool read(u64 offset, u32 width, u64& value) = 0;
    virtual bool write(u64 offset, u32 width, u64 value) = 0;

protected:
    ~MmioDevice() = default;
};

enum class BusResult : u8 {
    ok,
    unmapped,   // no device at that address (or the access runs past its end)
    bad_access, // the device refused the width or alignment
};

class Bus {
public:
    static constexpr usize capacity = 8;

    // False when the table is full, the range is empty or wraps, or it overlaps another.
    bool add(u64 base, u64 size, MmioDevice& device);

    // width is 1, 2, 4 or 8. A read that is not ok leaves value 0.
    BusResult read(u64 address, u32 width, u64& value);
    BusResult write(u64 address, u32 width, u64 value);

private:
    struct Entry {
        u64 base;
        u64 size;
        MmioDevice* device;
    };
    Entry* find(u64 address, u32 width, u64& offset);
    static bool holds(const Entry& e, u64 address, u32 width, u64& offset);

    Entry entries_[capacity] = {};
    usize count_ = 0;
    usize last_ = 0; // the entry of the last access found
};

} // namespace isok::vmm
