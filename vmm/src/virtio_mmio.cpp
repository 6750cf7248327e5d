// virtio-mmio transport, version 2. Registers are 32-bit and must be accessed so
// (4.2.2.2); the device configuration space at 0x100 takes narrower accesses too.
#include <vmm/virtio_mmio.hpp>

namespace isok::vmm {

using namespace virtio;

void VirtioMmio::reset() {
    device_.reset();
    for (Virtqueue& q : queues_) q.reset();
    status_ = 0;
    device_features_sel_ = driver_features_sel_ = 0;
    driver_features_ = 0;
    queue_sel_ = 0;
    interrupt_status_ = 0;
    update_irq();
}

void VirtioMmio::needs_reset(QueueError e) {
    error_ = e;
    error_unreported_ = true;
    bool was_live = status_ & status_driver_ok;
    status_ |= status_needs_reset; // live() is false from now on: no queue is touched
    if (was_live) {
        interrupt_status_ |= interrupt_config;
        update_irq();
    }
}

bool VirtioMmio::take_error(QueueError& e) {
    if (!error_unreported_) return false;
    error_unreported_ = false;
    e = error_;
    return true;
}

void VirtioMmio::used_buffers(u32 q) {
    Virtqueue* queue = this->queue(q);
    if (!queue || !queue->wants_interrupt(ram_)) return;
    interrupt_status_ |= interrupt_used;
    update_irq();
}

void VirtioMmio::notify(u32 q) {
    Virtqueue* queue = this->queue(q);
    if (!queue || !queue->ready || !live()) return;
    if (auto s = device_.notify(*this, q); !s) needs_reset(s.error());
}

u32 VirtioMmio::read_register(u64 offset) {
    Virtqueue* q = queue(queue_sel_);
    switch (offset) {
    case reg_magic: return magic;
    case reg_version: return version_modern;
    case reg_device_id: return device_.device_id();
    case reg_vendor_id: return vendor_id;
    case reg_device_features: return device_features_sel_ < 2 ? u32(offered() >> (32 * device_features_sel_)) : 0;
    case reg_queue_num_max: return q ? queue_size_max : 0; // 0: no such queue
    case reg_queue_ready: return q && q->ready;
    case reg_interrupt_status: return interrupt_status_;
    case reg_status: return status_;
    case reg_config_generation: return 0; // the configuration space never changes
    default: return 0;
    }
}

void VirtioMmio::write_status(u32 value) {
    if (value == 0) { // writing 0 resets the device (4.2.2.1)
        reset();
        return;
    }
    bool features_ok_now = (value & status_features_ok) && !(status_ & status_features_ok);
    // A device error stays visible until the reset the driver must do.
    status_ = value | (status_ & status_needs_reset);
    if (features_ok_now) {
        // Accepted only if the driver took nothing we did not offer and took VERSION_1
        // (legacy drivers are not served); otherwise FEATURES_OK does not stick (3.1.1).
        bool subset = (driver_features_ & ~offered()) == 0;
        if (!subset || !(driver_features_ & f_version_1)) status_ &= ~status_features_ok;
    }
}

void VirtioMmio::write_queue_register(u64 offset, u32 value) {
    Virtqueue* q = queue(queue_sel_);
    if (!q) return;
    if (offset == reg_queue_ready) {
        if (!(value & 1)) {
            q->ready = false;
            return;
        }
        q->ready = true;
        if (q->size > queue_size_max)
            needs_reset(QueueError::bad_layout); // more than QueueNumMax said
        else if (auto s = q->check_layout(ram_); !s)
            needs_reset(s.error());
        return;
    }
    if (q->ready) return; // the driver must not change a live queue's layout
    auto set_low = [](u64& field, u32 v) { field = (field & ~u64(0xffffffff)) | v; };
    auto set_high = [](u64& field, u32 v) { field = (field & 0xffffffff) | u64(v) << 32; };
    switch (offset) {
    case reg_queue_num: q->size = value; break;
    case reg_queue_desc_low: set_low(q->desc, value); break;
    case reg_queue_desc_high: set_high(q->desc, value); break;
    case reg_queue_driver_low: set_low(q->driver, value); break;
    case reg_queue_driver_high: set_high(q->driver, value); break;
    case reg_queue_device_low: set_low(q->device, value); break;
    case reg_queue_device_high: set_high(q->device, value); break;
    default: break;
    }
}

void VirtioMmio::write_register(u64 offset, u32 value) {
    switch (offset) {
    case reg_device_features_sel: device_features_sel_ = value; break;
    case reg_driver_features_sel: driver_features_sel_ = value; break;
    case reg_driver_features:
        // Features are fixed once FEATURES_OK is set (3.1.1).
        if (driver_features_sel_ < 2 && !(status_ & status_features_ok)) {
            u32 shift = 32 * driver_features_sel_;
            driver_features_ = (driver_features_ & ~(u64(0xffffffff) << shift)) | u64(value) << shift;
        }
        break;
    case reg_queue_sel: queue_sel_ = value; break;
    case reg_queue_notify: notify(value); break;
    case reg_interrupt_ack:
        interrupt_status_ &= ~value;
        update_irq();
        break;
    case reg_status: write_status(value); break;
    default: write_queue_register(offset, value); break;
    }
}

bool VirtioMmio::read(u64 offset, u32 width, u64& value) {
    if (offset >= reg_config) return device_.config_read(offset - reg_config, width, value);
    if (width != 4 || offset % 4) return false;
    value = read_register(offset);
    return true;
}

bool VirtioMmio::write(u64 offset, u32 width, u64 value) {
    if (offset >= reg_config) return true; // the configuration space offered is read-only
    if (width != 4 || offset % 4) return false;
    write_register(offset, u32(value));
    return true;
}

} // namespace isok::vmm
