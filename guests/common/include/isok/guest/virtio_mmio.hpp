// A guest driver's side of the virtio-mmio transport, version 2 (virtio 1.1, 4.2.3): the
// status handshake, feature negotiation and setting up a split virtqueue. Shared by the
// test guests' drivers; each keeps its own queues and what it does with them.
#pragma once
#include <isok/types.hpp>

namespace isok::guest {

class VirtioMmio {
public:
    explicit VirtioMmio(u64 base) : base_(base) {}

    u32 read(u64 offset) const { return *reinterpret_cast<volatile u32*>(base_ + offset); }
    void write(u64 offset, u32 value) const { *reinterpret_cast<volatile u32*>(base_ + offset) = value; }
    u8 read_config8(u64 offset) const;

    // A modern (version 2) device of this id sits here.
    bool is(u32 device_id) const;
    // Reset, ACKNOWLEDGE, DRIVER, then VIRTIO_F_VERSION_1 and those of `wanted` the device
    // offers, then FEATURES_OK; `got` is what was agreed. nullptr, or why it failed.
    const char* negotiate(u64 wanted, u64& got) const;
    // Queue `index` of `size` entries at the three parts given (already laid out and
    // aligned by the caller); nullptr, or why the device will not take it.
    const char* add_queue(u32 index, u32 size, const volatile void* descriptors, const volatile void* available,
                          const volatile void* used) const;
    void driver_ok() const;
    // Gives up: FAILED, so the device stops using what it was given.
    void fail() const;

private:
    void write_address(u64 offset, const volatile void* p) const;
    u64 base_;
};

// Orders the driver's writes to the rings against its reads of them and its register
// accesses: the device is another hart (a VMM) for all the guest knows.
inline void virtio_fence() { asm volatile("fence iorw, iorw" ::: "memory"); }

} // namespace isok::guest
