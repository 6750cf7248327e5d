// ARP packet layout (RFC 826, IPv4 over Ethernet), all big-endian:
//   htype u16 = 1, ptype u16 = 0x0800, hlen u8 = 6, plen u8 = 4, op u16,
//   sender MAC, sender IPv4, target MAC, target IPv4
#include <isok/net/arp.hpp>
#include <isok/net/byte_order.hpp>
#include <isok/net/ethernet.hpp>

namespace isok::net {
namespace {

constexpr u16 hardware_ethernet = 1;

} // namespace

Result<ArpPacket, NetError> parse_arp(Bytes payload) {
    if (payload.size() < arp_bytes) return fail(NetError::truncated);
    const u8* p = payload.data();
    if (load_be16(p) != hardware_ethernet || load_be16(p + 2) != ether_type::ipv4 || p[4] != 6 || p[5] != 4)
        return fail(NetError::unsupported);
    u16 op = load_be16(p + 6);
    if (op != u16(ArpOp::request) && op != u16(ArpOp::reply)) return fail(NetError::unsupported);
    ArpPacket a;
    a.op = ArpOp(op);
    a.sender_mac = MacAddr::load(p + 8);
    a.sender_ip = Ipv4Addr::load(p + 14);
    a.target_mac = MacAddr::load(p + 18);
    a.target_ip = Ipv4Addr::load(p + 24);
    return a;
}

Result<usize, NetError> build_arp_frame(u8* out, usize capacity, const MacAddr& destination, const ArpPacket& packet) {
    usize length = ethernet_header_bytes + arp_bytes;
    if (capacity < length) return fail(NetError::no_room);
    write_ethernet_header(out, {destination, packet.sender_mac}, ether_type::arp);
    u8* p = out + ethernet_header_bytes;
    store_be16(p, hardware_ethernet);
    store_be16(p + 2, ether_type::ipv4);
    p[4] = 6;
    p[5] = 4;
    store_be16(p + 6, u16(packet.op));
    packet.sender_mac.store(p + 8);
    packet.sender_ip.store(p + 14);
    packet.target_mac.store(p + 18);
    packet.target_ip.store(p + 24);
    return pad_frame(out, length, capacity);
}

} // namespace isok::net
