// The virtio-net driver (virtio 1.1, 5.1) and the stack above it. Polled: the guest runs
// with interrupts off and looks at the used rings on each pass of its main loop, and
// asks the device for no interrupts at all. Every receive buffer is one descriptor big
// enough for the header and the largest frame, so no chain is ever needed.
#include "net.hpp"

#include "console.hpp"
#include "notice.hpp"

#include <inet/stack.hpp>
#include <isok/guest/virtio_mmio.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/string.hpp>
#include <isok/virtio/device.hpp>
#include <isok/virtio/mmio.hpp>
#include <isok/virtio/net.hpp>
#include <isok/virtio/ring.hpp>

namespace echo::net {
namespace {

using namespace isok;
using namespace isok::virtio;
using guest::virtio_fence;
using guest::VirtioMmio;

constexpr u32 receiveq = 0, transmitq = 1;
constexpr u32 queue_size = 16;
constexpr u32 buffer_bytes = net_header_bytes + isok::net::ethernet_max_frame;
// The words of the command line that configure the stack (inet's own).
constexpr const char* stack_keys[] = {"ip", "ping", "echo", "sink", "barrier"};

// One split virtqueue laid out as objects, and a buffer per descriptor.
struct Queue {
    alignas(desc_align) volatile Descriptor descriptors[queue_size];
    alignas(4) volatile AvailableRing<queue_size> available;
    alignas(used_align) volatile UsedRing<queue_size> used;
    u16 last_used = 0; // the used entries up to here are taken
    alignas(8) u8 buffers[queue_size][buffer_bytes];
};

Queue rx, tx;
u32 tx_in_flight = 0; // descriptors the device holds; tx hands them out in ring order
VirtioMmio device{0};

// Offers descriptor `id` of the queue to the device (the caller rings the doorbell).
void offer(Queue& q, u16 id) {
    q.available.ring[q.available.index % queue_size] = id;
    virtio_fence();
    q.available.index = u16(q.available.index + 1);
}

class VirtioLink final : public inet::FrameSink {
public:
    bool transmit(const u8* frame, usize length) override {
        reclaim();
        if (tx_in_flight == queue_size || length > isok::net::ethernet_max_frame) return false; // the stack counts it
        u16 id = u16(tx.available.index % queue_size); // in ring order: the oldest is used first
        u8* buffer = tx.buffers[id];
        for (u32 i = 0; i < net_header_bytes; ++i) buffer[i] = 0; // no offloads
        for (usize i = 0; i < length; ++i) buffer[net_header_bytes + i] = frame[i];
        tx.descriptors[id].address = reinterpret_cast<uptr>(buffer);
        tx.descriptors[id].length = u32(net_header_bytes + length);
        tx.descriptors[id].flags = 0; // device-readable
        offer(tx, id);
        ++tx_in_flight;
        virtio_fence();
        device.write(reg_queue_notify, transmitq);
        return true;
    }

    // The device reads transmit buffers in order (it answers each chain as it takes it).
    void reclaim() {
        virtio_fence();
        while (tx.last_used != tx.used.index) {
            tx.last_used = u16(tx.last_used + 1);
            if (tx_in_flight) --tx_in_flight;
        }
    }
};

// An address as text, for one line.
struct Ipv4Text {
    char text[isok::net::ipv4_text_bytes];
    explicit Ipv4Text(isok::net::Ipv4Addr a) { isok::net::format_ipv4(a, text); }
};

class NoticeEvents final : public inet::Events {
public:
    void ping_answered(isok::net::Ipv4Addr peer, u16 sequence) override {
        notice("echo: ping %s ok seq %u", Ipv4Text(peer).text, unsigned(sequence));
    }
    void ping_failed(isok::net::Ipv4Addr peer) override { notice("echo: ping %s failed", Ipv4Text(peer).text); }
    void barrier_done() override { notice("echo: barrier done"); }
    void barrier_failed(usize heard, u32 needed) override {
        notice("echo: barrier failed: heard %zu of %u", heard, unsigned(needed));
    }
    void sink_started() override {}
    void sink_progress(u64 datagrams, u64 bytes) override { notice("echo: sink %lu datagrams %lu bytes", datagrams, bytes); }
};

VirtioLink link;
NoticeEvents events;
inet::Stack* stack = nullptr; // once the device is up: the network runs

// inet's words from the command line, each "key=value ", into out (the guest's own
// words, such as deaf=1, left out); false when there is no ip=.
bool stack_words(const char* bootargs, char* out, usize size, usize& length) {
    length = 0;
    bool has_ip = false;
    for (const char* key : stack_keys) {
        char value[128];
        if (!guest::arg(bootargs, key, value, sizeof value)) continue;
        has_ip |= str_equal(key, "ip");
        usize k = str_length(key), v = str_length(value);
        if (length + k + v + 2 >= size) break; // bootargs holds 256 bytes: cannot happen
        for (usize i = 0; i < k; ++i) out[length++] = key[i];
        out[length++] = '=';
        for (usize i = 0; i < v; ++i) out[length++] = value[i];
        out[length++] = ' ';
    }
    out[length] = 0;
    return has_ip;
}

u32 pings_answered() {
    u32 n = 0;
    for (usize i = 0; i < stack->pinger().count(); ++i)
        n += stack->pinger().peer(i).state == inet::Pinger::State::answered;
    return n;
}

// The base of the first virtio-mmio slot with a network device behind it, or 0.
u64 find_device(const guest::Machine& m) {
    for (u32 i = 0; i < m.device_count; ++i)
        if (str_equal(m.devices[i].compatible, "virtio,mmio") && VirtioMmio(m.devices[i].reg.base).is(device_net))
            return m.devices[i].reg.base;
    return 0;
}

const char* bring_up(const VirtioMmio& d, isok::net::MacAddr& mac) {
    u64 features = 0;
    if (const char* error = d.negotiate(net_f_mac, features)) return error;
    if (!(features & net_f_mac)) return "the device has no MAC address (VIRTIO_NET_F_MAC)";
    for (u32 i = 0; i < 6; ++i) mac.octets[i] = d.read_config8(i);
    rx.available.flags = avail_f_no_interrupt;
    tx.available.flags = avail_f_no_interrupt;
    for (u16 id = 0; id < queue_size; ++id) {
        rx.descriptors[id].address = reinterpret_cast<uptr>(rx.buffers[id]);
        rx.descriptors[id].length = buffer_bytes;
        rx.descriptors[id].flags = desc_f_write;
        offer(rx, id);
    }
    if (const char* error = d.add_queue(receiveq, queue_size, rx.descriptors, &rx.available, &rx.used)) return error;
    if (const char* error = d.add_queue(transmitq, queue_size, tx.descriptors, &tx.available, &tx.used)) return error;
    d.driver_ok();
    virtio_fence();
    d.write(reg_queue_notify, receiveq);
    return nullptr;
}

// The frames the device wrote, handed to the stack and their buffers offered again.
void receive() {
    virtio_fence();
    bool offered = false;
    while (rx.last_used != rx.used.index) {
        UsedElement e{rx.used.ring[rx.last_used % queue_size].id, rx.used.ring[rx.last_used % queue_size].length};
        rx.last_used = u16(rx.last_used + 1);
        if (e.id >= queue_size) continue; // a device bug: nothing of ours to offer again
        // The device says how much it wrote; the buffer bounds what is believed.
        if (e.length > net_header_bytes && e.length <= buffer_bytes)
            stack->receive(Bytes(rx.buffers[e.id] + net_header_bytes, e.length - net_header_bytes));
        offer(rx, u16(e.id));
        offered = true;
    }
    if (offered) {
        virtio_fence();
        device.write(reg_queue_notify, receiveq); // more may be waiting in the switch port
    }
}

} // namespace

void init(const guest::Machine& machine, u64 ticks_per_second) {
    char words[256];
    usize length = 0;
    if (!stack_words(machine.bootargs, words, sizeof words, length)) return; // no ip=: no network
    auto config = inet::parse_args(words, length);
    if (!config) {
        console::print("echo: network: %s\n", inet::describe(config.error().problem));
        return;
    }
    u64 base = find_device(machine);
    if (!base) {
        console::print("echo: network: no virtio network device\n");
        return;
    }
    device = VirtioMmio(base);
    isok::net::MacAddr mac{};
    if (const char* error = bring_up(device, mac)) {
        device.fail();
        console::print("echo: network: %s\n", error);
        return;
    }
    static inet::Stack the_stack(*config, mac, ticks_per_second, link, events); // built once, here
    stack = &the_stack;
    char m[isok::net::mac_text_bytes];
    isok::net::format_mac(mac, m);
    console::print("echo: network up %s/%u mac %s\n", Ipv4Text(config->interface.address).text,
                   unsigned(config->interface.prefix_length), m);
}

bool busy() { return stack && stack->timers_running(); }

void poll(u64 now) {
    if (!stack) return;
    receive();
    link.reclaim();
    stack->tick(now);
}

void report() {
    if (!stack) return console::print("no network\n");
    const inet::StackStats& s = stack->stats();
    console::print("frames received %lu (malformed %lu, not for us %lu), sent %lu (dropped %lu)\n", s.received,
                   s.malformed, s.ignored, s.sent, s.send_failed);
    console::print("arp cache: %zu entries; pings answered %u of %zu\n", stack->arp_cache().size(), pings_answered(),
                   stack->pinger().count());
}

} // namespace echo::net
