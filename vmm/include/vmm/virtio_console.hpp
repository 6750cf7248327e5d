// virtio console (virtio 1.1, section 5.3), single port, no features: queue 0 carries
// input to the guest (receiveq), queue 1 its output (transmitq), which goes to the VM's
// console. Linux names it hvc0. Typed input goes from the VM's ConsoleInput into receive
// buffers as the guest posts them (unless an interrupt-driven UART claims the input).
#pragma once
#include <isok/types.hpp>
#include <vmm/console.hpp>
#include <vmm/console_input.hpp>
#include <vmm/virtio_mmio.hpp>

namespace isok::vmm {

class VirtioConsole final : public VirtioDevice {
public:
    static constexpr u32 receiveq = 0, transmitq = 1;

    VirtioConsole(GuestConsole& console, ConsoleInput& input) : console_(console), input_(input) {}

    u32 device_id() const override { return virtio::device_console; }
    u64 features() const override { return 0; }
    u32 queue_count() const override { return 2; }
    bool config_read(u64 offset, u32 width, u64& value) override;
    Status<QueueError> notify(VirtioMmio& transport, u32 q) override;
    void reset() override {} // typed input waits in ConsoleInput, for whichever console reads

    // The input changed: fills what receive buffers the guest posted. A broken ring puts
    // the device in DEVICE_NEEDS_RESET (taken from the transport like any queue error).
    void input_arrived(VirtioMmio& transport);

private:
    Status<QueueError> transmit(VirtioMmio& transport);
    Status<QueueError> deliver(VirtioMmio& transport);
    u64 fill(const GuestMemory& ram, const Chain& chain);

    GuestConsole& console_;
    ConsoleInput& input_;
};

} // namespace isok::vmm
