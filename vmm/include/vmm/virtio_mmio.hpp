// The virtio-mmio transport (virtio 1.1, section 4.2; version 2 "modern" layout only):
// the register file through which a driver discovers a device, negotiates features and
// sets up its queues. The device behind it implements VirtioDevice.
#pragma once
#include <isok/types.hpp>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>
#include <vmm/bus.hpp>
#include <vmm/virtqueue.hpp>
#include <vmm/vplic.hpp>

namespace isok::vmm {

class VirtioMmio;

// A device type (console, net, block) behind the transport.
class VirtioDevice {
public:
    virtual u32 device_id() const = 0;
    virtual u64 features() const = 0; // device-type bits; the transport adds VERSION_1
    virtual u32 queue_count() const = 0;
    // Device configuration space, at offset 0x100 of the transport.
    virtual bool config_read(u64 offset, u32 width, u64& value) = 0;
    // The driver notified queue q: process it through the transport.
    virtual Status<QueueError> notify(VirtioMmio& transport, u32 q) = 0;
    virtual void reset() = 0;

protected:
    ~VirtioDevice() = default;
};

class VirtioMmio final : public MmioDevice {
public:
    static constexpr u32 max_queues = 2;
    static constexpr u32 queue_size_max = 64;
    static constexpr u32 vendor_id = 0x4b4f5349; // "ISOK"

    VirtioMmio(VirtioDevice& device, const GuestMemory& ram, IrqLine irq) : device_(device), ram_(ram), irq_(irq) {}

    bool read(u64 offset, u32 width, u64& value) override;
    bool write(u64 offset, u32 width, u64 value) override;

    // For devices: their queues, guest RAM, and the used-buffer notification.
    Virtqueue* queue(u32 q) { return q < device_.queue_count() && q < max_queues ? &queues_[q] : nullptr; }
    const GuestMemory& ram() const { return ram_; }
    void used_buffers(u32 q);
    // For devices that answer chain by chain: takes what the driver made available on
    // queue q, at most one queue's worth (so a guest adding buffers from other harts cannot
    // keep one exit going; the rest waits for the next notification), hands each chain to
    // answer(chain, broken) -> bytes written, gives it back, and interrupts the driver
    // once. A broken chain (Virtqueue::take) comes with only chain.head valid. Only an
    // error of the ring itself fails.
    template <class Answer> Status<QueueError> answer_chains(u32 q, Answer answer);
    // The device can go on (DRIVER_OK and no error since the last reset).
    bool live() const { return (status_ & virtio::status_driver_ok) && !(status_ & virtio::status_needs_reset); }

    // The device hit a driver error: DEVICE_NEEDS_RESET plus a configuration-change
    // interrupt (spec 2.1.2); the queues stay idle until the driver resets the device.
    void needs_reset(QueueError e);
    // The last error, once (the VMM reports it on the VM's console).
    bool take_error(QueueError& e);

private:
    u64 offered() const { return device_.features() | virtio::f_version_1; }
    u32 read_register(u64 offset);
    void write_register(u64 offset, u32 value);
    void write_queue_register(u64 offset, u32 value);
    void write_status(u32 value);
    void notify(u32 q);
    void reset();
    void update_irq() { irq_.set(interrupt_status_ != 0); }

    VirtioDevice& device_;
    const GuestMemory& ram_;
    IrqLine irq_;
    Virtqueue queues_[max_queues];
    u32 status_ = 0;
    u32 device_features_sel_ = 0;
    u32 driver_features_sel_ = 0;
    u64 driver_features_ = 0;
    u32 queue_sel_ = 0;
    u32 interrupt_status_ = 0;
    QueueError error_{};
    bool error_unreported_ = false;
};

template <class Answer> Status<QueueError> VirtioMmio::answer_chains(u32 q, Answer answer) {
    Virtqueue& queue = *this->queue(q);
    bool used = false;
    Chain chain;
    for (u32 n = 0; n < queue.size; ++n) {
        auto taken = queue.take(ram_, chain);
        if (!taken) return fail(taken.error());
        if (!taken->got) break;
        u32 written = answer(static_cast<const Chain&>(chain), taken->broken);
        if (auto s = queue.push(ram_, chain.head, written); !s) return s;
        used = true;
    }
    if (used) used_buffers(q);
    return {};
}

} // namespace isok::vmm
