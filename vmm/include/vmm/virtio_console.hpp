// virtio console (virtio 1.1, section 5.3), single port, no features: queue 0 carries
// input to the guest (receiveq), queue 1 its output (transmitq), which goes to the VM's
// console. Linux names it hvc0.
#pragma once
#include <isok/types.hpp>
#include <vmm/console.hpp>
#include <vmm/virtio_mmio.hpp>

namespace isok::vmm {

class VirtioConsole final : public VirtioDevice {
public:
    static constexpr u32 receiveq = 0, transmitq = 1;
    static constexpr usize input_bytes = 256;

    explicit VirtioConsole(GuestConsole& console) : console_(console) {}

    u32 device_id() const override { return virtio::device_console; }
    u64 features() const override { return 0; }
    u32 queue_count() const override { return 2; }
    bool config_read(u64 offset, u32 width, u64& value) override;
    Status<QueueError> notify(VirtioMmio& transport, u32 q) override;
    void reset() override { input_count_ = 0; }

    // Bytes for the guest: kept (up to input_bytes) until it posts receive buffers.
    // Returns how many were taken.
    usize input(VirtioMmio& transport, const u8* data, usize length);

private:
    Status<QueueError> transmit(VirtioMmio& transport);
    Status<QueueError> deliver(VirtioMmio& transport);

    GuestConsole& console_;
    u8 input_[input_bytes] = {};
    usize input_count_ = 0;
};

} // namespace isok::vmm
