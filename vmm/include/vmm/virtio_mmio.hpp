// The virtio-mmio transport (virtio 1.1, section 4.2; version 2 "modern" layout only):
// the register file through which a driver discovers a device, negotiates features and
// sets up its queues. The device behind it implements VirtioDevice.
#pragma once
#include <isok/types.hpp>
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

namespace virtio {
inline constexpr u32 magic = 0x74726976; // "virt"
inline constexpr u32 version = 2;
inline constexpr u32 vendor = 0x4b4f5349; // "ISOK"
inline constexpr u64 f_version_1 = u64(1) << 32;

// Device status bits (2.1).
inline constexpr u32 status_acknowledge = 1, status_driver = 2, status_driver_ok = 4, status_features_ok = 8,
                     status_needs_reset = 64, status_failed = 128;
// InterruptStatus bits (4.2.2).
inline constexpr u32 interrupt_used = 1, interrupt_config = 2;

// Register offsets (4.2.2, table "MMIO Device Register Layout").
enum Reg : u64 {
    reg_magic = 0x000,
    reg_version = 0x004,
    reg_device_id = 0x008,
    reg_vendor_id = 0x00c,
    reg_device_features = 0x010,
    reg_device_features_sel = 0x014,
    reg_driver_features = 0x020,
    reg_driver_features_sel = 0x024,
    reg_queue_sel = 0x030,
    reg_queue_num_max = 0x034,
    reg_queue_num = 0x038,
    reg_queue_ready = 0x044,
    reg_queue_notify = 0x050,
    reg_interrupt_status = 0x060,
    reg_interrupt_ack = 0x064,
    reg_status = 0x070,
    reg_queue_desc_low = 0x080,
    reg_queue_desc_high = 0x084,
    reg_queue_driver_low = 0x090,
    reg_queue_driver_high = 0x094,
    reg_queue_device_low = 0x0a0,
    reg_queue_device_high = 0x0a4,
    reg_config_generation = 0x0fc,
    reg_config = 0x100,
};
} // namespace virtio

class VirtioMmio final : public MmioDevice {
public:
    static constexpr u32 max_queues = 2;
    static constexpr u32 queue_size_max = 64;

    VirtioMmio(VirtioDevice& device, const GuestMemory& ram, IrqLine irq) : device_(device), ram_(ram), irq_(irq) {}

    bool read(u64 offset, u32 width, u64& value) override;
    bool write(u64 offset, u32 width, u64 value) override;

    // For devices: their queues, guest RAM, and the used-buffer notification.
    Virtqueue* queue(u32 q) { return q < device_.queue_count() && q < max_queues ? &queues_[q] : nullptr; }
    const GuestMemory& ram() const { return ram_; }
    void used_buffers(u32 q);
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

} // namespace isok::vmm
