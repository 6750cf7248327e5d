// The virtio-junk scenario: a driver that lies to its devices. For every virtio-mmio
// device in its device tree it sets the device up properly, then posts broken requests
// (descriptor loops, addresses outside RAM or wrapping, lengths of 4 GiB, chain links
// past the table, ring entries past it, an available index far ahead, block requests
// with a short header or a read-only status byte), resetting the device whenever it
// says it needs it. Last it posts one good request and says whether it was served: a
// device model must refuse the junk and keep working.
#include "hostile.hpp"

#include <isok/guest/sbi.hpp>
#include <isok/string.hpp>
#include <isok/virtio/block.hpp>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>
#include <isok/virtio/net.hpp>
#include <isok/virtio/ring.hpp>

namespace hostile {
namespace {

using isok::u16;
using isok::u32;
using isok::u8;
using namespace isok::virtio;

constexpr u32 queue_size = 8;
using Avail = AvailableRing<queue_size>;
using Used = UsedRing<queue_size>;

// One queue's rings and a data page, per queue index: the guest runs with paging off,
// so these addresses are guest-physical.
struct alignas(4096) QueueMemory {
    Descriptor desc[queue_size];
    Avail avail;
    alignas(used_align) Used used;
    alignas(16) u8 data[2048];
};
QueueMemory queues[2];

volatile u32& at(u64 base, u64 offset) { return *reinterpret_cast<volatile u32*>(base + offset); }
void write64(u64 base, u64 offset, u64 value) {
    at(base, offset) = u32(value);
    at(base, offset + 4) = u32(value >> 32);
}

bool set_up(u64 base, u32 queues_wanted) {
    at(base, reg_status) = 0;
    at(base, reg_status) = status_acknowledge | status_driver;
    at(base, reg_driver_features_sel) = 1;
    at(base, reg_driver_features) = u32(f_version_1 >> 32); // VIRTIO_F_VERSION_1 only
    at(base, reg_driver_features_sel) = 0;
    at(base, reg_driver_features) = 0;
    at(base, reg_status) = status_acknowledge | status_driver | status_features_ok;
    if (!(at(base, reg_status) & status_features_ok)) return false;
    for (u32 q = 0; q < queues_wanted; ++q) {
        QueueMemory& m = queues[q];
        __builtin_memset(&m, 0, sizeof m - sizeof m.data);
        at(base, reg_queue_sel) = q;
        if (at(base, reg_queue_num_max) < queue_size) return false;
        at(base, reg_queue_num) = queue_size;
        write64(base, reg_queue_desc_low, u64(&m.desc));
        write64(base, reg_queue_driver_low, u64(&m.avail));
        write64(base, reg_queue_device_low, u64(&m.used));
        at(base, reg_queue_ready) = 1;
    }
    at(base, reg_status) = status_acknowledge | status_driver | status_features_ok | status_driver_ok;
    return true;
}

// Makes head available on queue q and tells the device.
void post(u64 base, u32 q, u16 head, u16 idx_step = 1) {
    Avail& a = queues[q].avail;
    a.ring[a.index % queue_size] = head;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    a.index = u16(a.index + idx_step);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    at(base, reg_queue_notify) = q;
    at(base, reg_interrupt_ack) = at(base, reg_interrupt_status);
}

struct Junk {
    const char* what;
    void (*fill)(QueueMemory& m, u64 ram_end, u16& head, u16& idx_step);
};

const Junk junk[] = {
    {"a descriptor that links to itself",
     [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {u64(m.data), 64, desc_f_next, 0}; head = 0; }},
    {"two descriptors that link to each other",
     [](QueueMemory& m, u64, u16& head, u16&) {
         m.desc[0] = {u64(m.data), 64, desc_f_next, 1};
         m.desc[1] = {u64(m.data), 64, desc_f_next, 0};
         head = 0;
     }},
    {"an address below RAM", [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {0x1000, 512, 0, 0}; head = 0; }},
    {"an address that wraps around",
     [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {~u64{0} - 255, 512, 0, 0}; head = 0; }},
    {"a buffer running past the end of RAM",
     [](QueueMemory& m, u64 end, u16& head, u16&) { m.desc[0] = {end - 16, 4096, 0, 0}; head = 0; }},
    {"a length of 4 GiB", [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {u64(m.data), ~u32{0}, 0, 0}; head = 0; }},
    {"a link past the table",
     [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {u64(m.data), 64, desc_f_next, 200}; head = 0; }},
    {"a ring entry past the table", [](QueueMemory&, u64, u16& head, u16&) { head = 0xffff; }},
    {"an available index 1000 ahead",
     [](QueueMemory& m, u64, u16& head, u16& step) { m.desc[0] = {u64(m.data), 64, 0, 0}; head = 0; step = 1000; }},
    {"a block header of 4 bytes and a read-only status",
     [](QueueMemory& m, u64, u16& head, u16&) {
         m.desc[0] = {u64(m.data), 4, desc_f_next, 1};
         m.desc[1] = {u64(m.data) + 64, 1, 0, 0};
         head = 0;
     }},
};

// The good request after the junk: a block read of sector 0, or a broadcast frame.
bool good_request(u64 base, u32 id) {
    QueueMemory& m = id == device_block ? queues[0] : queues[1];
    u32 q = id == device_block ? 0 : 1;
    u16 before = m.used.index;
    if (id == device_block) {
        *reinterpret_cast<BlkHeader*>(m.data) = {blk_t_in, 0, 0}; // sector 0
        m.data[1024] = 0xff;
        m.desc[0] = {u64(m.data), sizeof(BlkHeader), desc_f_next, 1};
        m.desc[1] = {u64(m.data) + 512, 512, u16(desc_f_next | desc_f_write), 2};
        m.desc[2] = {u64(m.data) + 1024, 1, desc_f_write, 0};
    } else {
        constexpr u32 h = net_header_bytes;
        __builtin_memset(m.data, 0, h);             // virtio_net_hdr
        __builtin_memset(m.data + h, 0xff, 6);      // broadcast destination
        __builtin_memset(m.data + h + 6, 0x02, 6);  // some source
        m.data[h + 12] = 0x88, m.data[h + 13] = 0xb5; // a local experimental EtherType
        m.desc[0] = {u64(m.data), h + 60, 0, 0};
    }
    post(base, q, 0);
    for (int spin = 0; spin < 1000 && m.used.index == before; ++spin) __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (m.used.index == before) return false;
    return id == device_block ? m.data[1024] == blk_s_ok : true;
}

void torment(const Machine& machine, u64 base, u32 id) {
    u32 queue_count = id == device_net ? 2 : 1;
    u32 q = id == device_net ? 1 : 0; // net: the transmit queue reads what the guest wrote
    const char* name = id == device_net ? "net" : "block";
    u32 resets = 0;
    for (const Junk& j : junk) {
        if (!set_up(base, queue_count)) {
            say("%s: the device refused a proper set-up", name);
            continue;
        }
        u16 head = 0, step = 1;
        j.fill(queues[q], machine.ram.end(), head, step);
        post(base, q, head, step);
        bool reset = at(base, reg_status) & status_needs_reset;
        resets += reset;
        say("%s: posted %s: %s", name, j.what, reset ? "device needs a reset" : "refused, device live");
    }
    bool served = set_up(base, queue_count) && good_request(base, id);
    say("%s: %u junk requests, %u resets, then a good request was %s", name, u32(sizeof junk / sizeof junk[0]),
        resets, served ? "served" : "NOT served");
}

} // namespace

void virtio_junk(const Machine& m) {
    u32 devices = 0;
    for (u32 i = 0; i < m.device_count; ++i) {
        const isok::guest::Device& d = m.devices[i];
        if (!isok::str_equal(d.compatible, "virtio,mmio")) continue;
        u64 base = d.reg.base;
        if (at(base, reg_magic) != magic || at(base, reg_version) != version_modern) continue;
        u32 id = at(base, reg_device_id);
        if (id != device_net && id != device_block) continue;
        ++devices;
        torment(m, base, id);
    }
    say("virtio-junk done on %u device(s)", devices);
    isok::guest::sbi::shutdown(false);
    for (;;) {}
}

} // namespace hostile
