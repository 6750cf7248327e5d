// Virtio-MMIO version 2: the device status handshake and a split virtqueue with one
// device-readable descriptor (virtio 1.1, sections 2.6, 3.1, 4.2).
#include "virtio.hpp"

#include "console.hpp"
#include "csr.hpp"

#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>
#include <isok/virtio/ring.hpp>

namespace mini::virtio {
namespace {

using isok::u16;
using isok::u8;
using namespace isok::virtio;

constexpr u32 transmit_queue = 1; // port 0: receiveq 0, transmitq 1
constexpr u32 queue_size = 8;
constexpr u32 feature_version_1 = u32(f_version_1 >> 32); // in the upper feature word

alignas(desc_align) volatile Descriptor descriptors[queue_size];
alignas(4) volatile AvailableRing<queue_size> available;
alignas(used_align) volatile UsedRing<queue_size> used;
char message[sizeof greeting];

struct Device {
    u64 base;
    u32 read(u64 offset) const { return *reinterpret_cast<volatile u32*>(base + offset); }
    void write(u64 offset, u32 value) const { *reinterpret_cast<volatile u32*>(base + offset) = value; }
    void write_address(u64 offset, const volatile void* p) const {
        write(offset, u32(reinterpret_cast<isok::uptr>(p)));
        write(offset + 4, u32(reinterpret_cast<isok::uptr>(p) >> 32));
    }
};

void fence() { asm volatile("fence iorw, iorw" ::: "memory"); }

// Feature negotiation and the transmit queue; the failure text, or nullptr.
const char* bring_up(const Device& d, u32& queue_max) {
    d.write(reg_status, 0);
    for (u32 i = 0; d.read(reg_status) != 0; ++i)
        if (i == 1000) return "the device does not reset";
    d.write(reg_status, status_acknowledge);
    d.write(reg_status, status_acknowledge | status_driver);
    d.write(reg_device_features_sel, 1);
    if (!(d.read(reg_device_features) & feature_version_1)) return "the device does not offer VIRTIO_F_VERSION_1";
    d.write(reg_driver_features_sel, 0);
    d.write(reg_driver_features, 0);
    d.write(reg_driver_features_sel, 1);
    d.write(reg_driver_features, feature_version_1);
    d.write(reg_status, status_acknowledge | status_driver | status_features_ok);
    if (!(d.read(reg_status) & status_features_ok)) return "the device refuses our features";

    d.write(reg_queue_sel, transmit_queue);
    queue_max = d.read(reg_queue_num_max);
    if (d.read(reg_queue_ready) != 0) return "the transmit queue is already live";
    if (queue_max < queue_size) return "the transmit queue is too small";
    available.flags = avail_f_no_interrupt;
    d.write(reg_queue_num, queue_size);
    d.write_address(reg_queue_desc_low, descriptors);
    d.write_address(reg_queue_driver_low, &available);
    d.write_address(reg_queue_device_low, &used);
    d.write(reg_queue_ready, 1);
    d.write(reg_status, status_acknowledge | status_driver | status_features_ok | status_driver_ok);
    return nullptr;
}

// Hands the greeting to the device and waits (up to timeout timebase ticks) until it is used.
const char* transmit(const Device& d, u64 timeout, u32& used_length) {
    for (u32 i = 0; i < sizeof greeting - 1; ++i) message[i] = greeting[i];
    descriptors[0].address = reinterpret_cast<isok::uptr>(message);
    descriptors[0].length = sizeof greeting - 1;
    descriptors[0].flags = 0; // device-readable, no chain
    available.ring[available.index % queue_size] = 0;
    fence();
    available.index = u16(available.index + 1);
    fence();
    d.write(reg_queue_notify, transmit_queue);
    for (u64 start = csr::read_time(); used.index != available.index;)
        if (csr::read_time() - start > timeout) return "the device did not use the buffer";
    fence();
    used_length = used.ring[0].length;
    d.write(reg_interrupt_ack, d.read(reg_interrupt_status));
    if (used.ring[0].id != 0) return "the device used a descriptor we never gave";
    return nullptr;
}

} // namespace

void check(const Machine& m) {
    const Region* slot = nullptr;
    u32 devices = 0;
    for (u32 i = 0; i < m.virtio_count; ++i) {
        Device d{m.virtio[i].base};
        if (d.read(reg_magic) != magic || d.read(reg_device_id) == 0) continue;
        ++devices;
        if (!slot && d.read(reg_device_id) == device_console) slot = &m.virtio[i];
    }
    console::line("virtio: %u slot(s), %u device(s)", m.virtio_count, devices);
    if (!slot) return console::line("virtio console absent");

    Device d{slot->base};
    u32 version = d.read(reg_version), queue_max = 0, used_length = 0;
    console::line("virtio: console at 0x%lx, version %u, vendor 0x%x", slot->base, version, d.read(reg_vendor_id));
    if (version != version_modern) {
        console::fail("virtio console", "version %u is legacy; only virtio 1.x (version 2) is driven", version);
        return;
    }
    const char* error = bring_up(d, queue_max);
    if (!error) error = transmit(d, m.timebase_hz / 10, used_length);
    if (error) {
        d.write(reg_status, d.read(reg_status) | status_failed);
        console::fail("virtio console", "%s (status 0x%x)", error, d.read(reg_status));
        return;
    }
    console::line("virtio: queue %u size %u of %u; wrote %zu bytes, device used length %u", transmit_queue,
                  queue_size, queue_max, sizeof greeting - 1, used_length);
    console::pass("virtio console");
}

} // namespace mini::virtio
