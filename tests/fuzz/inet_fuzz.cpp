// Ethernet frames into the frame parsers (lib/net) and the IPv4 endpoint's stack
// (services/inet): parsed views lie inside the frame, and whatever the stack sends back
// is a well-formed frame from its own MAC that the parsers accept.
#include "fuzz_util.hpp"

#include <inet/stack.hpp>
#include <isok/net/arp.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/net/icmp.hpp>
#include <isok/net/ipv4.hpp>
#include <isok/net/udp.hpp>

#include <memory>

using fuzz::check;
using fuzz::inside;
using isok::Bytes;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::usize;
using namespace isok::net;

namespace {

const MacAddr self_mac{{0x02, 0, 0, 0, 0, 0x03}};

// Every parser that applies, on one frame; returns whether it is a valid IPv4 packet.
bool parse_all(Bytes frame) {
    auto e = parse_ethernet(frame);
    if (!e) return false;
    check(inside(e->payload, frame));
    (void)parse_arp(e->payload);
    auto ip = parse_ipv4(e->payload);
    if (!ip) return false;
    check(inside(ip->payload, e->payload));
    if (auto i = parse_icmp_echo(ip->payload); i) check(inside(i->payload, ip->payload));
    if (auto u = parse_udp(*ip); u) check(inside(u->payload, ip->payload));
    return true;
}

struct CheckingLink final : isok::inet::FrameSink {
    bool transmit(const u8* frame, usize length) override {
        check(length >= ethernet_min_frame && length <= ethernet_max_frame);
        std::vector<u8> copy(frame, frame + length);
        Bytes sent(copy.data(), copy.size());
        auto e = parse_ethernet(sent);
        check(e.ok() && e->addresses.source == self_mac);
        if (e->type == ether_type::arp) {
            check(parse_arp(e->payload).ok());
        } else {
            check(e->type == ether_type::ipv4 && parse_all(sent));
            auto ip = parse_ipv4(e->payload);
            check(ip->header.protocol == ip_protocol::udp ? parse_udp(*ip).ok()
                                                          : parse_icmp_echo(ip->payload).ok());
        }
        return true;
    }
};

struct QuietEvents final : isok::inet::Events {
    void ping_answered(Ipv4Addr, u16) override {}
    void ping_failed(Ipv4Addr) override {}
    void barrier_done() override {}
    void barrier_failed(usize, u32) override {}
    void sink_started() override {}
    void sink_progress(u64, u64) override {}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char args[] = "ip=10.0.0.3/24 ping=10.0.0.1,10.0.0.2 sink=9000 barrier=3";
    static auto config = isok::inet::parse_args(args, sizeof args - 1);
    check(config.ok());
    CheckingLink link;
    QuietEvents events;
    auto stack = std::make_unique<isok::inet::Stack>(*config, self_mac, 1000, link, events);

    // Frames, each a 16-bit length and that many bytes; time passes between them.
    fuzz::Reader in(data, size);
    u64 now = 0, frames = 0;
    while (!in.empty()) {
        std::vector<u8> frame = in.bytes(in.take<u16>() % (ethernet_max_frame + 64));
        Bytes bytes(frame.data(), frame.size());
        (void)parse_all(bytes);
        stack->receive(bytes);
        ++frames;
        stack->tick(now += in.take<u8>());
    }
    const isok::inet::StackStats& s = stack->stats();
    check(s.received == frames && s.malformed + s.ignored <= frames);
    return 0;
}
