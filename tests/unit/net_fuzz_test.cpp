// Seeded random and mutated frames through every parser, built with AddressSanitizer:
// no crash, no read outside the frame (each frame sits in a buffer of exactly its size),
// and every view a parser returns lies inside what it was given.
#include <gtest/gtest.h>
#include <isok/net/arp.hpp>
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/net/icmp.hpp>
#include <isok/net/ipv4.hpp>
#include <isok/net/udp.hpp>

#include <memory>
#include <random>
#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u8;
using isok::usize;
using namespace isok::net;

namespace {

bool inside(Bytes inner, Bytes outer) {
    return inner.size() == 0 ||
           (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

struct Outcome {
    int ethernet = 0, arp = 0, ipv4 = 0, icmp = 0, udp = 0;
};

// Runs every parser that applies; a frame is copied into a heap block of exactly its size
// so that a read one byte past it is caught.
void parse_all(const std::vector<u8>& bytes, Outcome& seen) {
    std::unique_ptr<u8[]> exact(new u8[bytes.size() ? bytes.size() : 1]);
    std::copy(bytes.begin(), bytes.end(), exact.get());
    Bytes frame(exact.get(), bytes.size());
    auto e = parse_ethernet(frame);
    if (!e) return;
    ++seen.ethernet;
    ASSERT_TRUE(inside(e->payload, frame));
    if (auto a = parse_arp(e->payload); a) ++seen.arp;
    auto ip = parse_ipv4(e->payload);
    if (!ip) return;
    ++seen.ipv4;
    ASSERT_TRUE(inside(ip->payload, e->payload));
    if (auto i = parse_icmp_echo(ip->payload); i) {
        ++seen.icmp;
        ASSERT_TRUE(inside(i->payload, ip->payload));
    }
    if (auto u = parse_udp(*ip); u) {
        ++seen.udp;
        ASSERT_TRUE(inside(u->payload, ip->payload));
    }
}

std::vector<u8> valid_frame(std::mt19937_64& rng) {
    std::vector<u8> f(ethernet_max_frame);
    std::vector<u8> payload(rng() % 200);
    for (u8& b : payload) b = u8(rng());
    Ipv4Header h;
    h.source = Ipv4Addr{isok::u32(rng())};
    h.destination = Ipv4Addr{isok::u32(rng())};
    MacAddr a{{2, 0, 0, 0, 0, 1}}, b{{2, 0, 0, 0, 0, 2}};
    isok::Result<usize, NetError> n = usize(0);
    switch (rng() % 3) {
    case 0:
        n = build_udp_frame(f.data(), f.size(), {a, b}, h,
                            {u16(rng()), u16(rng()), Bytes(payload.data(), payload.size())});
        break;
    case 1:
        n = build_icmp_echo_frame(f.data(), f.size(), {a, b}, h,
                                  {IcmpType::echo_request, 1, 2, Bytes(payload.data(), payload.size())});
        break;
    default: n = build_arp_frame(f.data(), f.size(), a, {ArpOp::request, b, h.source, MacAddr{}, h.destination}); break;
    }
    f.resize(n.ok() ? *n : 0);
    return f;
}

// Damage that keeps frames deep enough to reach the inner parsers: change bytes, cut
// or extend, and sometimes repair the IPv4 header checksum afterwards.
void mutate(std::vector<u8>& f, std::mt19937_64& rng) {
    int changes = 1 + int(rng() % 4);
    for (int i = 0; i < changes && !f.empty(); ++i) f[rng() % f.size()] = u8(rng());
    if (rng() % 3 == 0) f.resize(rng() % (f.size() + 1));
    if (rng() % 5 == 0) f.resize(f.size() + rng() % 40, u8(rng()));
    if (rng() % 2 == 0 && f.size() >= ethernet_header_bytes + ipv4_header_bytes) {
        u8* ip = f.data() + ethernet_header_bytes;
        usize header_bytes = std::min(usize(ip[0] & 15) * 4, f.size() - ethernet_header_bytes);
        store_be16(ip + 10, 0);
        store_be16(ip + 10, internet_checksum(Bytes(ip, header_bytes)));
    }
}

} // namespace

TEST(NetFuzz, RandomBytes) {
    std::mt19937_64 rng(0x15014);
    Outcome seen;
    for (int i = 0; i < 20000; ++i) {
        std::vector<u8> f(rng() % 1600);
        for (u8& b : f) b = u8(rng());
        // Often make it look like IPv4 so that the IPv4 checks are reached.
        if (f.size() > 14 && rng() % 2) f[12] = 0x08, f[13] = 0x00, f[14] = u8(0x40 | (rng() % 16));
        parse_all(f, seen);
    }
    EXPECT_GT(seen.ethernet, 0);
}

TEST(NetFuzz, MutatedValidFrames) {
    std::mt19937_64 rng(0xf1005);
    Outcome seen;
    for (int i = 0; i < 50000; ++i) {
        std::vector<u8> f = valid_frame(rng);
        mutate(f, rng);
        parse_all(f, seen);
    }
    // The mutations leave enough frames whole for every parser to be exercised on both
    // accepted and refused input.
    EXPECT_GT(seen.arp, 100);
    EXPECT_GT(seen.ipv4, 1000);
    EXPECT_GT(seen.udp, 100);
    EXPECT_GT(seen.icmp, 100);
}

TEST(NetFuzz, AddressText) {
    std::mt19937_64 rng(0xadd7);
    const char alphabet[] = "0123456789abcdefABCDEF:./ -x";
    for (int i = 0; i < 100000; ++i) {
        usize length = rng() % 24;
        std::unique_ptr<char[]> text(new char[length ? length : 1]);
        for (usize k = 0; k < length; ++k) text[k] = alphabet[rng() % (sizeof alphabet - 1)];
        auto m = parse_mac(text.get(), length);
        auto a = parse_ipv4_addr(text.get(), length);
        auto n = parse_ipv4_interface(text.get(), length);
        if (m) {
            char out[mac_text_bytes];
            format_mac(*m, out);
            ASSERT_TRUE(parse_mac(out, mac_text_bytes - 1).ok());
        }
        if (a) {
            char out[ipv4_text_bytes];
            format_ipv4(*a, out);
            ASSERT_EQ(std::string(out), std::string(text.get(), length));
        }
        if (n) {
            ASSERT_LE(n->prefix_length, 32);
        }
    }
}
