// Ethernet, ARP, IPv4, ICMP echo and UDP: built frames match frames worked out
// independently, parse back to what was built, and every truncated or malformed
// variant is refused with the right reason.
#include <gtest/gtest.h>
#include <isok/net/arp.hpp>
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/net/icmp.hpp>
#include <isok/net/ipv4.hpp>
#include <isok/net/udp.hpp>

#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u8;
using isok::usize;
using namespace isok::net;

namespace {

const MacAddr mac1{{0x02, 0, 0, 0, 0, 0x01}};
const MacAddr mac3{{0x02, 0, 0, 0, 0, 0x03}};
const Ipv4Addr ip1{0x0a000001};
const Ipv4Addr ip3{0x0a000003};

Bytes view(const std::vector<u8>& v) { return Bytes(v.data(), v.size()); }
Bytes text(const char* s) { return Bytes(reinterpret_cast<const u8*>(s), strlen(s)); }

Ipv4Header header(u16 id) {
    Ipv4Header h;
    h.source = ip3;
    h.destination = ip1;
    h.id = id;
    return h;
}

std::vector<u8> udp_frame(const char* payload, u16 id = 0x1234) {
    std::vector<u8> f(ethernet_max_frame);
    auto n = build_udp_frame(f.data(), f.size(), {mac1, mac3}, header(id), {7, 40000, text(payload)});
    EXPECT_TRUE(n.ok());
    f.resize(n.ok() ? *n : 0);
    return f;
}

// The IPv4 packet inside an Ethernet frame, as its own exactly sized buffer.
std::vector<u8> ip_part(const std::vector<u8>& frame, usize length) {
    return std::vector<u8>(frame.begin() + ethernet_header_bytes, frame.begin() + ethernet_header_bytes + length);
}

void fix_ip_checksum(std::vector<u8>& ip) {
    usize header_bytes = usize(ip[0] & 15) * 4;
    store_be16(&ip[10], 0);
    store_be16(&ip[10], internet_checksum(Bytes(ip.data(), std::min(header_bytes, ip.size()))));
}

} // namespace

// Reference bytes computed separately from RFC 768/791 (a 5-byte "hello" from 10.0.0.3:7
// to 10.0.0.1:40000, id 0x1234, DF), padded to 60 bytes.
TEST(NetFrames, UdpFrameMatchesReference) {
    const std::vector<u8> expected = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x45, 0x00, 0x00, 0x21,
        0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x95, 0x0a, 0x00, 0x00, 0x03, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x07,
        0x9c, 0x40, 0x00, 0x0d, 0x0b, 0xb7, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    EXPECT_EQ(udp_frame("hello"), expected);
}

TEST(NetFrames, IcmpEchoFrameMatchesReference) {
    const std::vector<u8> expected = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x45, 0x00, 0x00, 0x1f,
        0x12, 0x35, 0x40, 0x00, 0x40, 0x01, 0x14, 0xa6, 0x0a, 0x00, 0x00, 0x03, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x3a, 0x94, 0x01, 0x02, 0x00, 0x07, 0x61, 0x62, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    std::vector<u8> f(ethernet_max_frame);
    auto n = build_icmp_echo_frame(f.data(), f.size(), {mac1, mac3}, header(0x1235),
                                   {IcmpType::echo_reply, 0x0102, 7, text("abc")});
    ASSERT_TRUE(n.ok());
    f.resize(*n);
    EXPECT_EQ(f, expected);
}

TEST(NetFrames, EthernetParse) {
    std::vector<u8> f = udp_frame("x");
    auto e = parse_ethernet(view(f));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->addresses.destination, mac1);
    EXPECT_EQ(e->addresses.source, mac3);
    EXPECT_EQ(e->type, ether_type::ipv4);
    EXPECT_EQ(e->payload.size(), f.size() - ethernet_header_bytes);
    for (usize n = 0; n < ethernet_header_bytes; ++n) {
        std::vector<u8> cut(f.begin(), f.begin() + n);
        EXPECT_EQ(parse_ethernet(view(cut)).error(), NetError::truncated) << n;
    }
    std::vector<u8> bare(f.begin(), f.begin() + ethernet_header_bytes);
    ASSERT_TRUE(parse_ethernet(view(bare)).ok());
    EXPECT_EQ(parse_ethernet(view(bare))->payload.size(), 0u);
}

TEST(NetFrames, ArpRoundTrip) {
    ArpPacket a{ArpOp::request, mac3, ip3, MacAddr{}, ip1};
    std::vector<u8> f(64);
    auto n = build_arp_frame(f.data(), f.size(), MacAddr::broadcast(), a);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, ethernet_min_frame);
    f.resize(*n);
    auto e = parse_ethernet(view(f));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->type, ether_type::arp);
    EXPECT_TRUE(e->addresses.destination.is_broadcast());
    EXPECT_EQ(e->addresses.source, mac3);
    auto back = parse_arp(e->payload);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->op, ArpOp::request);
    EXPECT_EQ(back->sender_mac, mac3);
    EXPECT_EQ(back->sender_ip, ip3);
    EXPECT_EQ(back->target_ip, ip1);
    EXPECT_TRUE(back->target_mac.is_zero());
    EXPECT_EQ(build_arp_frame(f.data(), ethernet_header_bytes + arp_bytes - 1, mac1, a).error(), NetError::no_room);
    // Without room for padding the frame stays at its natural length.
    EXPECT_EQ(*build_arp_frame(f.data(), ethernet_header_bytes + arp_bytes, mac1, a),
              ethernet_header_bytes + arp_bytes);
}

TEST(NetFrames, ArpMalformed) {
    std::vector<u8> f(64);
    auto n = build_arp_frame(f.data(), f.size(), mac1, {ArpOp::reply, mac3, ip3, mac1, ip1});
    ASSERT_TRUE(n.ok());
    std::vector<u8> arp(f.begin() + ethernet_header_bytes, f.begin() + ethernet_header_bytes + arp_bytes);
    ASSERT_TRUE(parse_arp(view(arp)).ok());
    for (usize len = 0; len < arp_bytes; ++len) {
        std::vector<u8> cut(arp.begin(), arp.begin() + len);
        EXPECT_EQ(parse_arp(view(cut)).error(), NetError::truncated) << len;
    }
    struct Patch {
        usize at;
        u8 value;
    };
    for (Patch p : {Patch{1, 6}, Patch{2, 0x86}, Patch{4, 8}, Patch{5, 16}, Patch{7, 3}, Patch{7, 0}, Patch{6, 1}}) {
        std::vector<u8> bad = arp;
        bad[p.at] = p.value;
        EXPECT_EQ(parse_arp(view(bad)).error(), NetError::unsupported) << p.at;
    }
}

TEST(NetFrames, Ipv4AndUdpRoundTrip) {
    std::vector<u8> f = udp_frame("hello, world");
    auto e = parse_ethernet(view(f));
    ASSERT_TRUE(e.ok());
    auto ip = parse_ipv4(e->payload);
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(ip->header.source, ip3);
    EXPECT_EQ(ip->header.destination, ip1);
    EXPECT_EQ(ip->header.protocol, ip_protocol::udp);
    EXPECT_EQ(ip->header.ttl, 64);
    EXPECT_EQ(ip->header.id, 0x1234);
    EXPECT_EQ(ip->payload.size(), udp_header_bytes + 12);
    auto u = parse_udp(*ip);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->source_port, 7);
    EXPECT_EQ(u->destination_port, 40000);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(u->payload.data()), u->payload.size()), "hello, world");
}

TEST(NetFrames, Ipv4CutsLinkPaddingOff) {
    std::vector<u8> f = udp_frame("a"); // 43 bytes of packet data, padded to 60
    ASSERT_EQ(f.size(), ethernet_min_frame);
    auto ip = parse_ipv4(parse_ethernet(view(f))->payload);
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(ip->payload.size(), udp_header_bytes + 1);
}

TEST(NetFrames, Ipv4TruncatedAtEveryLength) {
    std::vector<u8> f = udp_frame("payload");
    usize total = load_be16(&f[ethernet_header_bytes + 2]);
    for (usize len = 0; len < total; ++len) {
        std::vector<u8> ip = ip_part(f, len);
        auto p = parse_ipv4(view(ip));
        EXPECT_FALSE(p.ok()) << len;
        EXPECT_EQ(p.error(), NetError::truncated) << len;
    }
    EXPECT_TRUE(parse_ipv4(view(ip_part(f, total))).ok());
}

TEST(NetFrames, Ipv4MalformedHeaders) {
    std::vector<u8> f = udp_frame("payload");
    const usize total = load_be16(&f[ethernet_header_bytes + 2]);
    const std::vector<u8> good = ip_part(f, total);
    auto with = [&](auto change) {
        std::vector<u8> ip = good;
        change(ip);
        return parse_ipv4(view(ip));
    };
    EXPECT_EQ(with([](auto& ip) { ip[0] = 0x65, fix_ip_checksum(ip); }).error(), NetError::bad_version);
    EXPECT_EQ(with([](auto& ip) { ip[0] = 0x44, fix_ip_checksum(ip); }).error(), NetError::bad_header_length);
    EXPECT_EQ(with([](auto& ip) { ip[0] = 0x40; }).error(), NetError::bad_header_length);
    // A header that claims more than the total length (15 words = 60 bytes > 35).
    EXPECT_EQ(with([](auto& ip) { ip[0] = 0x4f; }).error(), NetError::bad_header_length);
    EXPECT_EQ(with([](auto& ip) { store_be16(&ip[2], 19), fix_ip_checksum(ip); }).error(), NetError::bad_header_length);
    EXPECT_EQ(with([&](auto& ip) { store_be16(&ip[2], u16(total + 1)), fix_ip_checksum(ip); }).error(),
              NetError::truncated);
    EXPECT_EQ(with([](auto& ip) { ip[12] ^= 1; }).error(), NetError::bad_checksum);
    EXPECT_EQ(with([](auto& ip) { ip[10] ^= 0x80; }).error(), NetError::bad_checksum);
    EXPECT_EQ(with([](auto& ip) { store_be16(&ip[6], 0x2000), fix_ip_checksum(ip); }).error(), NetError::fragmented);
    EXPECT_EQ(with([](auto& ip) { store_be16(&ip[6], 0x0001), fix_ip_checksum(ip); }).error(), NetError::fragmented);
    EXPECT_EQ(with([](auto& ip) { store_be16(&ip[6], 0x5fff), fix_ip_checksum(ip); }).error(), NetError::fragmented);
    EXPECT_TRUE(with([](auto& ip) { store_be16(&ip[6], 0), fix_ip_checksum(ip); }).ok()) << "DF is not required";
}

TEST(NetFrames, Ipv4OptionsAreSkipped) {
    std::vector<u8> f = udp_frame("opt");
    usize total = load_be16(&f[ethernet_header_bytes + 2]);
    std::vector<u8> ip = ip_part(f, total);
    // Insert one word of options (four NOPs) after the 20-byte header.
    ip.insert(ip.begin() + ipv4_header_bytes, {1, 1, 1, 1});
    ip[0] = 0x46;
    store_be16(&ip[2], u16(total + 4));
    fix_ip_checksum(ip);
    auto p = parse_ipv4(view(ip));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->payload.data(), ip.data() + 24);
    auto u = parse_udp(*p);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->payload.size(), 3u);
}

TEST(NetFrames, UdpMalformed) {
    std::vector<u8> f = udp_frame("datagram!"); // 9 bytes: an odd length for the checksum
    usize total = load_be16(&f[ethernet_header_bytes + 2]);
    const std::vector<u8> good = ip_part(f, total);
    auto with = [&](auto change) {
        std::vector<u8> ip = good;
        change(ip);
        auto p = parse_ipv4(view(ip));
        EXPECT_TRUE(p.ok());
        return parse_udp(*p);
    };
    EXPECT_TRUE(with([](auto&) {}).ok());
    EXPECT_TRUE(with([](auto& ip) { store_be16(&ip[26], 0); }).ok()) << "checksum 0: none sent";
    EXPECT_EQ(with([](auto& ip) { ip[28] ^= 0x10; }).error(), NetError::bad_checksum);
    EXPECT_EQ(with([](auto& ip) { store_be16(&ip[24], 7); }).error(), NetError::bad_length);
    EXPECT_EQ(with([](auto& ip) { store_be16(&ip[24], 18); }).error(), NetError::truncated);
    // A shorter UDP length than the packet: the rest is not payload (and the checksum
    // covers only what the length says, so turn it off).
    auto short_one = with([](auto& ip) { store_be16(&ip[24], 10), store_be16(&ip[26], 0); });
    ASSERT_TRUE(short_one.ok());
    EXPECT_EQ(short_one->payload.size(), 2u);
    // Truncated at every length below the header, by shrinking the IPv4 total length.
    for (u16 len = 0; len < udp_header_bytes; ++len) {
        std::vector<u8> ip(good.begin(), good.begin() + ipv4_header_bytes + len);
        store_be16(&ip[2], u16(ip.size()));
        fix_ip_checksum(ip);
        auto p = parse_ipv4(view(ip));
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(parse_udp(*p).error(), NetError::truncated) << len;
    }
}

TEST(NetFrames, UdpChecksumNeverSentAsZero) {
    // Every payload of two bytes: at least one would make the computed sum 0, which must
    // go out as ffff and still verify.
    std::vector<u8> f(ethernet_max_frame);
    int all_ones = 0;
    for (u16 v = 0; v < 0xffff; ++v) {
        u8 payload[2] = {u8(v >> 8), u8(v)};
        auto n = build_udp_frame(f.data(), f.size(), {mac1, mac3}, header(1), {1, 2, Bytes(payload, 2)});
        ASSERT_TRUE(n.ok());
        u16 sum = load_be16(&f[ipv4_frame_payload_offset + 6]);
        ASSERT_NE(sum, 0);
        all_ones += sum == 0xffff;
        auto p = parse_ipv4(Bytes(f.data() + ethernet_header_bytes, *n - ethernet_header_bytes));
        ASSERT_TRUE(p.ok());
        ASSERT_TRUE(parse_udp(*p).ok()) << v;
    }
    EXPECT_GE(all_ones, 1);
}

TEST(NetFrames, IcmpEchoRoundTripAndMalformed) {
    std::vector<u8> f(ethernet_max_frame);
    auto n = build_icmp_echo_frame(f.data(), f.size(), {mac1, mac3}, header(9),
                                   {IcmpType::echo_request, 0xbeef, 42, text("ping payload")});
    ASSERT_TRUE(n.ok());
    f.resize(*n);
    auto ip = parse_ipv4(parse_ethernet(view(f))->payload);
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(ip->header.protocol, ip_protocol::icmp);
    std::vector<u8> icmp(ip->payload.data(), ip->payload.data() + ip->payload.size());
    auto e = parse_icmp_echo(view(icmp));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->type, IcmpType::echo_request);
    EXPECT_EQ(e->id, 0xbeef);
    EXPECT_EQ(e->sequence, 42);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(e->payload.data()), e->payload.size()), "ping payload");
    for (usize len = 0; len < icmp_echo_header_bytes; ++len) {
        std::vector<u8> cut(icmp.begin(), icmp.begin() + len);
        EXPECT_EQ(parse_icmp_echo(view(cut)).error(), NetError::truncated) << len;
    }
    std::vector<u8> bad = icmp;
    bad[10] ^= 1;
    EXPECT_EQ(parse_icmp_echo(view(bad)).error(), NetError::bad_checksum);
    // Destination unreachable (type 3) with a correct checksum: not an echo.
    std::vector<u8> other = icmp;
    other[0] = 3;
    store_be16(&other[2], 0);
    store_be16(&other[2], internet_checksum(view(other)));
    EXPECT_EQ(parse_icmp_echo(view(other)).error(), NetError::unsupported);
    other = icmp;
    other[1] = 1; // echo with a non-zero code
    store_be16(&other[2], 0);
    store_be16(&other[2], internet_checksum(view(other)));
    EXPECT_EQ(parse_icmp_echo(view(other)).error(), NetError::unsupported);
}

TEST(NetFrames, BuildersRefuseWhatDoesNotFit) {
    std::vector<u8> f(ethernet_max_frame);
    std::vector<u8> big(udp_max_payload + 1, 0x55);
    EXPECT_EQ(build_udp_frame(f.data(), f.size(), {mac1, mac3}, header(1), {1, 2, view(big)}).error(),
              NetError::no_room);
    big.pop_back();
    auto n = build_udp_frame(f.data(), f.size(), {mac1, mac3}, header(1), {1, 2, view(big)});
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, ethernet_max_frame);
    EXPECT_EQ(build_udp_frame(f.data(), 50, {mac1, mac3}, header(1), {1, 2, view(big)}).error(), NetError::no_room);
    EXPECT_EQ(build_icmp_echo_frame(f.data(), 41, {mac1, mac3}, header(1), {IcmpType::echo_request, 1, 1, {}}).error(),
              NetError::no_room);
    EXPECT_EQ(finish_ipv4_frame(f.data(), f.size(), {mac1, mac3}, header(1), ipv4_max_payload + 1).error(),
              NetError::no_room);
}
