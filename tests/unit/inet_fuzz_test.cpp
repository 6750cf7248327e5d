// The IPv4 endpoint's stack under AddressSanitizer, fed seeded random and mutated
// frames: it never crashes or reads outside a frame, and whatever it sends in answer is
// a well-formed frame from its own MAC.
#include <gtest/gtest.h>
#include <inet/stack.hpp>
#include <isok/net/arp.hpp>
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>
#include <isok/net/icmp.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::usize;
using namespace isok::net;
using namespace isok::inet;

namespace {

const MacAddr self_mac{{0x02, 0, 0, 0, 0, 0x03}};
const MacAddr peer_mac{{0x02, 0, 0, 0, 0, 0x01}};
const Ipv4Addr self_ip{0x0a000003};
const Ipv4Addr peer_ip{0x0a000001};

struct CheckingLink final : FrameSink {
    usize sent = 0;
    bool transmit(const u8* frame, usize length) override {
        ++sent;
        EXPECT_GE(length, ethernet_min_frame);
        EXPECT_LE(length, ethernet_max_frame);
        auto e = parse_ethernet(Bytes(frame, length));
        EXPECT_TRUE(e.ok());
        if (!e) return true;
        EXPECT_EQ(e->addresses.source, self_mac);
        if (e->type == ether_type::ipv4) {
            auto ip = parse_ipv4(e->payload);
            EXPECT_TRUE(ip.ok());
            if (!ip) return true;
            if (ip->header.protocol == ip_protocol::udp) {
                EXPECT_TRUE(parse_udp(*ip).ok());
            } else {
                EXPECT_EQ(ip->header.protocol, ip_protocol::icmp);
                EXPECT_TRUE(parse_icmp_echo(ip->payload).ok());
            }
        } else {
            EXPECT_EQ(e->type, ether_type::arp);
            EXPECT_TRUE(parse_arp(e->payload).ok());
        }
        return true;
    }
};

struct QuietEvents final : Events {
    void ping_answered(Ipv4Addr, u16) override {}
    void ping_failed(Ipv4Addr) override {}
    void barrier_done() override {}
    void barrier_failed(usize, u32) override {}
    void sink_started() override {}
    void sink_progress(u64, u64) override {}
};

std::vector<u8> seed_frame(std::mt19937_64& rng) {
    std::vector<u8> f(ethernet_max_frame);
    std::vector<u8> payload(rng() % 300);
    for (u8& b : payload) b = u8(rng());
    Ipv4Header h;
    h.source = peer_ip;
    h.destination = rng() % 4 ? self_ip : Ipv4Addr::broadcast();
    const u16 ports[] = {7, 9000, 9999, u16(rng())};
    isok::Result<usize, NetError> n = usize(0);
    switch (rng() % 4) {
    case 0:
        n = build_udp_frame(f.data(), f.size(), {self_mac, peer_mac}, h,
                            {u16(rng()), ports[rng() % 4], Bytes(payload.data(), payload.size())});
        break;
    case 1:
        n = build_icmp_echo_frame(f.data(), f.size(), {self_mac, peer_mac}, h,
                                  {rng() % 2 ? IcmpType::echo_request : IcmpType::echo_reply, u16(rng()),
                                   u16(rng()), Bytes(payload.data(), payload.size())});
        break;
    default:
        n = build_arp_frame(f.data(), f.size(), rng() % 2 ? self_mac : MacAddr::broadcast(),
                            {rng() % 2 ? ArpOp::request : ArpOp::reply, peer_mac, peer_ip, MacAddr{}, self_ip});
        break;
    }
    f.resize(n.ok() ? *n : 0);
    return f;
}

void mutate(std::vector<u8>& f, std::mt19937_64& rng) {
    int changes = int(rng() % 4);
    for (int i = 0; i < changes && !f.empty(); ++i) f[rng() % f.size()] = u8(rng());
    if (rng() % 4 == 0) f.resize(rng() % (f.size() + 1));
    if (rng() % 2 == 0 && f.size() >= ethernet_header_bytes + ipv4_header_bytes) {
        u8* ip = f.data() + ethernet_header_bytes;
        usize header_bytes = std::min(usize(ip[0] & 15) * 4, f.size() - ethernet_header_bytes);
        store_be16(ip + 10, 0);
        store_be16(ip + 10, internet_checksum(Bytes(ip, header_bytes)));
    }
}

} // namespace

TEST(InetFuzz, RandomAndMutatedFrames) {
    std::mt19937_64 rng(0x1e7f022);
    CheckingLink link;
    QuietEvents events;
    std::string args = "ip=10.0.0.3/24 ping=10.0.0.1,10.0.0.2 sink=9000 barrier=3";
    auto config = parse_args(args.data(), args.size());
    ASSERT_TRUE(config.ok());
    auto stack = std::make_unique<Stack>(*config, self_mac, 1000, link, events);
    u64 now = 0;
    for (int i = 0; i < 60000; ++i) {
        std::vector<u8> f;
        if (i % 3 == 0) {
            f.resize(rng() % 1600);
            for (u8& b : f) b = u8(rng());
        } else {
            f = seed_frame(rng);
            mutate(f, rng);
        }
        std::unique_ptr<u8[]> exact(new u8[f.size() ? f.size() : 1]);
        std::copy(f.begin(), f.end(), exact.get());
        stack->receive(Bytes(exact.get(), f.size()));
        if (i % 10 == 0) stack->tick(now += 7);
    }
    const StackStats& s = stack->stats();
    EXPECT_EQ(s.received, 60000u);
    EXPECT_GT(s.malformed, 1000u);
    EXPECT_GT(link.sent, 1000u) << "enough frames survive to be answered";
    EXPECT_EQ(s.sent, link.sent);
}
