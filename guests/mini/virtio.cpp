// Virtio-MMIO version 2: register layout, device status handshake, and a split
// virtqueue with one device-readable descriptor (virtio 1.1, sections 2.6, 3.1, 4.2).
#include "virtio.hpp"

#include "console.hpp"
#include "csr.hpp"

namespace mini::virtio {
namespace {

using isok::u16;
using isok::u8;

namespace reg {
constexpr u64 magic = 0x000, version = 0x004, device_id = 0x008, vendor_id = 0x00c;
constexpr u64 device_features = 0x010, device_features_sel = 0x014;
constexpr u64 driver_features = 0x020, driver_features_sel = 0x024;
constexpr u64 queue_sel = 0x030, queue_num_max = 0x034, queue_num = 0x038, queue_ready = 0x044;
constexpr u64 queue_notify = 0x050, interrupt_status = 0x060, interrupt_ack = 0x064, status = 0x070;
constexpr u64 queue_desc = 0x080, queue_driver = 0x090, queue_device = 0x0a0; // low word; high at +4
} // namespace reg

namespace status {
constexpr u32 acknowledge = 1, driver = 2, driver_ok = 4, features_ok = 8, failed = 128;
} // namespace status

constexpr u32 magic_value = 0x74726976; // "virt"
constexpr u32 console_id = 3;
constexpr u32 transmit_queue = 1; // port 0: receiveq 0, transmitq 1
constexpr u32 queue_size = 8;
constexpr u32 feature_version_1 = 1; // bit 32: bit 0 of the upper feature word
constexpr u16 avail_no_interrupt = 1;

struct Descriptor {
    u64 address;
    u32 length;
    u16 flags;
    u16 next;
};
struct Available {
    u16 flags;
    u16 index;
    u16 ring[queue_size];
    u16 used_event;
};
struct UsedElement {
    u32 id;
    u32 length;
};
struct Used {
    u16 flags;
    u16 index;
    UsedElement ring[queue_size];
    u16 avail_event;
};

alignas(16) volatile Descriptor descriptors[queue_size];
alignas(4) volatile Available available;
alignas(4) volatile Used used;
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
    d.write(reg::status, 0);
    for (u32 i = 0; d.read(reg::status) != 0; ++i)
        if (i == 1000) return "the device does not reset";
    d.write(reg::status, status::acknowledge);
    d.write(reg::status, status::acknowledge | status::driver);
    d.write(reg::device_features_sel, 1);
    if (!(d.read(reg::device_features) & feature_version_1)) return "the device does not offer VIRTIO_F_VERSION_1";
    d.write(reg::driver_features_sel, 0);
    d.write(reg::driver_features, 0);
    d.write(reg::driver_features_sel, 1);
    d.write(reg::driver_features, feature_version_1);
    d.write(reg::status, status::acknowledge | status::driver | status::features_ok);
    if (!(d.read(reg::status) & status::features_ok)) return "the device refuses our features";

    d.write(reg::queue_sel, transmit_queue);
    queue_max = d.read(reg::queue_num_max);
    if (d.read(reg::queue_ready) != 0) return "the transmit queue is already live";
    if (queue_max < queue_size) return "the transmit queue is too small";
    available.flags = avail_no_interrupt;
    d.write(reg::queue_num, queue_size);
    d.write_address(reg::queue_desc, descriptors);
    d.write_address(reg::queue_driver, &available);
    d.write_address(reg::queue_device, &used);
    d.write(reg::queue_ready, 1);
    d.write(reg::status, status::acknowledge | status::driver | status::features_ok | status::driver_ok);
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
    d.write(reg::queue_notify, transmit_queue);
    for (u64 start = csr::read_time(); used.index != available.index;)
        if (csr::read_time() - start > timeout) return "the device did not use the buffer";
    fence();
    used_length = used.ring[0].length;
    d.write(reg::interrupt_ack, d.read(reg::interrupt_status));
    if (used.ring[0].id != 0) return "the device used a descriptor we never gave";
    return nullptr;
}

} // namespace

void check(const Machine& m) {
    const Region* slot = nullptr;
    u32 devices = 0;
    for (u32 i = 0; i < m.virtio_count; ++i) {
        Device d{m.virtio[i].base};
        if (d.read(reg::magic) != magic_value || d.read(reg::device_id) == 0) continue;
        ++devices;
        if (!slot && d.read(reg::device_id) == console_id) slot = &m.virtio[i];
    }
    console::line("virtio: %u slot(s), %u device(s)", m.virtio_count, devices);
    if (!slot) return console::line("virtio console absent");

    Device d{slot->base};
    u32 version = d.read(reg::version), queue_max = 0, used_length = 0;
    console::line("virtio: console at 0x%lx, version %u, vendor 0x%x", slot->base, version, d.read(reg::vendor_id));
    if (version != 2) {
        console::fail("virtio console", "version %u is legacy; only virtio 1.x (version 2) is driven", version);
        return;
    }
    const char* error = bring_up(d, queue_max);
    if (!error) error = transmit(d, m.timebase_hz / 10, used_length);
    if (error) {
        d.write(reg::status, d.read(reg::status) | status::failed);
        console::fail("virtio console", "%s (status 0x%x)", error, d.read(reg::status));
        return;
    }
    console::line("virtio: queue %u size %u of %u; wrote %zu bytes, device used length %u", transmit_queue,
                  queue_size, queue_max, sizeof greeting - 1, used_length);
    console::pass("virtio console");
}

} // namespace mini::virtio
