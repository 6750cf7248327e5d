// The virtual switch (services/switch) and the consumer side of its frame rings
// (isok/frame_ring.hpp) against hostile members that write any slot length, any frame and
// any ring index: the switch delivers only whole Ethernet frames, each from a port of the
// receiver's network carrying that port's own source MAC, and never reads or writes past
// a ring.
#include "fuzz_util.hpp"

#include <isok/frame_ring.hpp>
#include <vswitch/switch.hpp>

#include <memory>

using fuzz::check;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
namespace fr = isok::frame_ring;
namespace net = isok::net;

namespace {

constexpr isok::usize ports = 4; // ports 0, 1, 2 on network 0; port 3 alone on network 1
constexpr u16 network_of[ports] = {0, 0, 0, 1};

struct alignas(4096) Region {
    u8 bytes[fr::region_bytes];
};

net::MacAddr mac(isok::usize port) { return net::MacAddr{{0x02, 0, 0, 0, 0, u8(port + 1)}}; }

fr::Header& header(Region& r) { return *reinterpret_cast<fr::Header*>(r.bytes); }
fr::Slot* slots(Region& r, fr::Direction d) {
    return reinterpret_cast<fr::Slot*>(r.bytes + fr::header_bytes + (d == fr::Direction::to_switch ? 0 : fr::ring_bytes));
}

// What a member finds in its receive ring: whole frames from its network's other ports.
// A member that moved its own tail reads slots the switch never filled: only its problem.
void drain(Region& region, isok::usize port, bool own_tail_moved) {
    fr::Ring receive(&region, fr::Direction::from_switch);
    u8 frame[fr::max_frame];
    for (;;) {
        fr::Ring::Popped got = receive.pop(frame);
        if (own_tail_moved) {
            if (!got.bad && got.length == 0) return;
            continue;
        }
        check(!got.bad); // the switch writes only valid lengths
        if (got.length == 0) return;
        check(got.length >= fr::min_frame && got.length <= fr::max_frame);
        net::MacAddr source = net::MacAddr::load(frame + 6), destination = net::MacAddr::load(frame);
        bool from_peer = false;
        for (isok::usize p = 0; p < ports; ++p)
            from_peer |= p != port && network_of[p] == network_of[port] && source == mac(p);
        check(from_peer && (destination.is_group() || destination == mac(port)));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader in(data, size);
    static Region regions[ports]; // zeroed for every input: no state carries over
    std::memset(regions, 0, sizeof regions);
    auto sw = std::make_unique<isok::vswitch::Switch>();
    for (isok::usize p = 0; p < ports; ++p) check(sw->add_port(mac(p), network_of[p], &regions[p]).ok());

    bool tail_moved[ports] = {};
    for (int op = 0; op < 256 && !in.empty(); ++op) {
        u8 code = in.take<u8>();
        Region& r = regions[code % ports];
        switch (code >> 2 & 7) {
        case 0: case 1: case 2: { // transmit any length word; bit 6: with the port's own source MAC
            fr::Header& h = header(r);
            u32 length = (code & 0x80) ? in.take<u32>() : in.take<u16>() % (fr::max_frame + 1);
            fr::Slot& s = slots(r, fr::Direction::to_switch)[h.to_switch.head % fr::slots];
            if (in.copy(s.data, std::min<u32>(length, fr::max_frame)) >= 12 && (code & 0x40))
                mac(code % ports).store(s.data + 6);
            s.length = length;
            ++h.to_switch.head;
            break;
        }
        case 3: header(r).to_switch.head = in.take<u32>(); break;    // a hostile producer index
        case 4: // a hostile consumer index
            header(r).from_switch.tail = in.take<u32>();
            tail_moved[code % ports] = true;
            break;
        case 5: drain(r, code % ports, tail_moved[code % ports]); break;
        default: sw->round(in.take<u8>()); break;
        }
    }
    while (sw->pending()) sw->round(0);
    isok::vswitch::DropReport report;
    while (sw->next_report(report)) check(report.port < ports && report.count > 0);
    return 0;
}
