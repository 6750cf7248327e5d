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

namespace hostile {
namespace {

using isok::u16;
using isok::u32;
using isok::u8;

// Registers of virtio-mmio version 2 (virtio 1.x, section 4.2.2).
namespace reg {
constexpr u64 magic = 0x000, version = 0x004, device_id = 0x008,
              driver_features = 0x020, driver_features_sel = 0x024, queue_sel = 0x030, queue_num_max = 0x034,
              queue_num = 0x038, queue_ready = 0x044, queue_notify = 0x050, interrupt_status = 0x060,
              interrupt_ack = 0x064, status = 0x070, queue_desc = 0x080, queue_driver = 0x090, queue_device = 0x0a0;
}
constexpr u32 acknowledge = 1, driver = 2, driver_ok = 4, features_ok = 8, needs_reset = 64;
constexpr u16 desc_next = 1, desc_write = 2;
constexpr u32 queue_size = 8;
constexpr u32 net_id = 1, block_id = 2;

struct Desc {
    u64 addr;
    u32 len;
    u16 flags;
    u16 next;
};
struct Avail {
    u16 flags;
    u16 idx;
    u16 ring[queue_size];
};
struct UsedElem {
    u32 id;
    u32 len;
};
struct Used {
    u16 flags;
    u16 idx;
    UsedElem ring[queue_size];
};

// One queue's rings and a data page, per queue index: the guest runs with paging off,
// so these addresses are guest-physical.
struct alignas(4096) QueueMemory {
    Desc desc[queue_size];
    Avail avail;
    alignas(4) Used used;
    alignas(16) u8 data[2048];
};
QueueMemory queues[2];

volatile u32& at(u64 base, u64 offset) { return *reinterpret_cast<volatile u32*>(base + offset); }
void write64(u64 base, u64 offset, u64 value) {
    at(base, offset) = u32(value);
    at(base, offset + 4) = u32(value >> 32);
}

bool set_up(u64 base, u32 queues_wanted) {
    at(base, reg::status) = 0;
    at(base, reg::status) = acknowledge | driver;
    at(base, reg::driver_features_sel) = 1;
    at(base, reg::driver_features) = 1; // VIRTIO_F_VERSION_1 only
    at(base, reg::driver_features_sel) = 0;
    at(base, reg::driver_features) = 0;
    at(base, reg::status) = acknowledge | driver | features_ok;
    if (!(at(base, reg::status) & features_ok)) return false;
    for (u32 q = 0; q < queues_wanted; ++q) {
        QueueMemory& m = queues[q];
        __builtin_memset(&m, 0, sizeof m - sizeof m.data);
        at(base, reg::queue_sel) = q;
        if (at(base, reg::queue_num_max) < queue_size) return false;
        at(base, reg::queue_num) = queue_size;
        write64(base, reg::queue_desc, u64(&m.desc));
        write64(base, reg::queue_driver, u64(&m.avail));
        write64(base, reg::queue_device, u64(&m.used));
        at(base, reg::queue_ready) = 1;
    }
    at(base, reg::status) = acknowledge | driver | features_ok | driver_ok;
    return true;
}

// Makes head available on queue q and tells the device.
void post(u64 base, u32 q, u16 head, u16 idx_step = 1) {
    Avail& a = queues[q].avail;
    a.ring[a.idx % queue_size] = head;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    a.idx = u16(a.idx + idx_step);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    at(base, reg::queue_notify) = q;
    at(base, reg::interrupt_ack) = at(base, reg::interrupt_status);
}

struct Junk {
    const char* what;
    void (*fill)(QueueMemory& m, u64 ram_end, u16& head, u16& idx_step);
};

const Junk junk[] = {
    {"a descriptor that links to itself",
     [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {u64(m.data), 64, desc_next, 0}; head = 0; }},
    {"two descriptors that link to each other",
     [](QueueMemory& m, u64, u16& head, u16&) {
         m.desc[0] = {u64(m.data), 64, desc_next, 1};
         m.desc[1] = {u64(m.data), 64, desc_next, 0};
         head = 0;
     }},
    {"an address below RAM", [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {0x1000, 512, 0, 0}; head = 0; }},
    {"an address that wraps around",
     [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {~u64{0} - 255, 512, 0, 0}; head = 0; }},
    {"a buffer running past the end of RAM",
     [](QueueMemory& m, u64 end, u16& head, u16&) { m.desc[0] = {end - 16, 4096, 0, 0}; head = 0; }},
    {"a length of 4 GiB", [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {u64(m.data), ~u32{0}, 0, 0}; head = 0; }},
    {"a link past the table",
     [](QueueMemory& m, u64, u16& head, u16&) { m.desc[0] = {u64(m.data), 64, desc_next, 200}; head = 0; }},
    {"a ring entry past the table", [](QueueMemory&, u64, u16& head, u16&) { head = 0xffff; }},
    {"an available index 1000 ahead",
     [](QueueMemory& m, u64, u16& head, u16& step) { m.desc[0] = {u64(m.data), 64, 0, 0}; head = 0; step = 1000; }},
    {"a block header of 4 bytes and a read-only status",
     [](QueueMemory& m, u64, u16& head, u16&) {
         m.desc[0] = {u64(m.data), 4, desc_next, 1};
         m.desc[1] = {u64(m.data) + 64, 1, 0, 0};
         head = 0;
     }},
};

// The good request after the junk: a block read of sector 0, or a broadcast frame.
bool good_request(u64 base, u32 id) {
    QueueMemory& m = id == block_id ? queues[0] : queues[1];
    u32 q = id == block_id ? 0 : 1;
    u16 before = m.used.idx;
    if (id == block_id) {
        struct Header {
            u32 type;
            u32 reserved;
            u64 sector;
        }* h = reinterpret_cast<Header*>(m.data);
        *h = {0, 0, 0}; // VIRTIO_BLK_T_IN, sector 0
        m.data[1024] = 0xff;
        m.desc[0] = {u64(m.data), 16, desc_next, 1};
        m.desc[1] = {u64(m.data) + 512, 512, u16(desc_next | desc_write), 2};
        m.desc[2] = {u64(m.data) + 1024, 1, desc_write, 0};
    } else {
        __builtin_memset(m.data, 0, 12);          // virtio_net_hdr
        __builtin_memset(m.data + 12, 0xff, 6);   // broadcast destination
        __builtin_memset(m.data + 18, 0x02, 6);   // some source
        m.data[24] = 0x88, m.data[25] = 0xb5;     // a local experimental EtherType
        m.desc[0] = {u64(m.data), 12 + 60, 0, 0};
    }
    post(base, q, 0);
    for (int spin = 0; spin < 1000 && m.used.idx == before; ++spin) __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (m.used.idx == before) return false;
    return id == block_id ? m.data[1024] == 0 : true;
}

void torment(const Machine& machine, u64 base, u32 id) {
    u32 queue_count = id == net_id ? 2 : 1;
    u32 q = id == net_id ? 1 : 0; // net: the transmit queue reads what the guest wrote
    const char* name = id == net_id ? "net" : "block";
    u32 resets = 0;
    for (const Junk& j : junk) {
        if (!set_up(base, queue_count)) {
            say("%s: the device refused a proper set-up", name);
            continue;
        }
        u16 head = 0, step = 1;
        j.fill(queues[q], machine.ram.end(), head, step);
        post(base, q, head, step);
        bool reset = at(base, reg::status) & needs_reset;
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
        if (at(base, reg::magic) != 0x74726976 || at(base, reg::version) != 2) continue;
        u32 id = at(base, reg::device_id);
        if (id != net_id && id != block_id) continue;
        ++devices;
        torment(m, base, id);
    }
    say("virtio-junk done on %u device(s)", devices);
    isok::guest::sbi::shutdown(false);
    for (;;) {}
}

} // namespace hostile
