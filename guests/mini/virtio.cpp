// Virtio-MMIO version 2: the device status handshake and a split virtqueue with one
// device-readable descriptor (virtio 1.1, sections 2.6, 3.1, 4.2).
#include "virtio.hpp"

#include "console.hpp"
#include "csr.hpp"

#include <isok/guest/virtio_mmio.hpp>
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

alignas(desc_align) volatile Descriptor descriptors[queue_size];
alignas(4) volatile AvailableRing<queue_size> available;
alignas(used_align) volatile UsedRing<queue_size> used;
char message[sizeof greeting];

using Device = isok::guest::VirtioMmio;
using isok::guest::virtio_fence;

// Feature negotiation and the transmit queue; the failure text, or nullptr.
const char* bring_up(const Device& d, u32& queue_max) {
    u64 features = 0;
    if (const char* error = d.negotiate(0, features)) return error;
    d.write(reg_queue_sel, transmit_queue);
    queue_max = d.read(reg_queue_num_max);
    available.flags = avail_f_no_interrupt;
    if (const char* error = d.add_queue(transmit_queue, queue_size, descriptors, &available, &used)) return error;
    d.driver_ok();
    return nullptr;
}

// Hands the greeting to the device and waits (up to timeout timebase ticks) until it is used.
const char* transmit(const Device& d, u64 timeout, u32& used_length) {
    for (u32 i = 0; i < sizeof greeting - 1; ++i) message[i] = greeting[i];
    descriptors[0].address = reinterpret_cast<isok::uptr>(message);
    descriptors[0].length = sizeof greeting - 1;
    descriptors[0].flags = 0; // device-readable, no chain
    available.ring[available.index % queue_size] = 0;
    virtio_fence();
    available.index = u16(available.index + 1);
    virtio_fence();
    d.write(reg_queue_notify, transmit_queue);
    for (u64 start = csr::read_time(); used.index != available.index;)
        if (csr::read_time() - start > timeout) return "the device did not use the buffer";
    virtio_fence();
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
        d.fail();
        console::fail("virtio console", "%s (status 0x%x)", error, d.read(reg_status));
        return;
    }
    console::line("virtio: queue %u size %u of %u; wrote %zu bytes, device used length %u", transmit_queue,
                  queue_size, queue_max, sizeof greeting - 1, used_length);
    console::pass("virtio console");
}

} // namespace mini::virtio
