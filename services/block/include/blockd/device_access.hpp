// What the virtio-blk driver needs from its platform: the device's register window, its
// interrupt line and memory the device can reach by DMA. blockd's main.cpp implements
// them with system calls; unit tests with a fake device.
#pragma once
#include <isok/types.hpp>

namespace isok::blockd {

// The 32-bit registers of a virtio-mmio window, at byte offsets into it.
class MmioRegisters {
public:
    virtual u32 read(u64 offset) = 0;
    virtual void write(u64 offset, u32 value) = 0;

protected:
    ~MmioRegisters() = default;
};

// The device's interrupt line. The kernel masks it each time it fires until acknowledged.
class InterruptLine {
public:
    // Blocks until the line has fired since the last wait; false when waiting failed.
    virtual bool wait() = 0;
    // The device has been served (its InterruptStatus acknowledged): unmask the line.
    virtual void acknowledge() = 0;

protected:
    ~InterruptLine() = default;
};

// Physically contiguous memory mapped at `virt` in this process, at `physical` for the device.
struct DmaArea {
    u8* virt = nullptr;
    u64 physical = 0;
    u64 bytes = 0;

    u64 physical_of(const void* p) const { return physical + u64(static_cast<const u8*>(p) - virt); }
};

} // namespace isok::blockd
