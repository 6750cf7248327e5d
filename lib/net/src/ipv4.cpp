// IPv4 header layout (RFC 791), big-endian:
//   0 version:4 ihl:4   1 tos   2 total length u16   4 id u16   6 flags:3 offset:13
//   8 ttl   9 protocol   10 header checksum u16   12 source   16 destination   20 options
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>
#include <isok/net/ipv4.hpp>

namespace isok::net {
namespace {

constexpr u16 flag_dont_fragment = 0x4000;
constexpr u16 flag_more_fragments = 0x2000;
constexpr u16 offset_mask = 0x1fff;

} // namespace

Result<Ipv4Packet, NetError> parse_ipv4(Bytes packet) {
    if (packet.size() < ipv4_header_bytes) return fail(NetError::truncated);
    const u8* p = packet.data();
    if (p[0] >> 4 != 4) return fail(NetError::bad_version);
    usize header_bytes = usize(p[0] & 15) * 4;
    if (header_bytes < ipv4_header_bytes) return fail(NetError::bad_header_length);
    usize total = load_be16(p + 2);
    if (total > packet.size()) return fail(NetError::truncated);
    if (header_bytes > total) return fail(NetError::bad_header_length);
    if (internet_checksum(Bytes(p, header_bytes)) != 0) return fail(NetError::bad_checksum);
    u16 fragment = load_be16(p + 6);
    if (fragment & (flag_more_fragments | offset_mask)) return fail(NetError::fragmented);
    Ipv4Packet ip;
    ip.header.id = load_be16(p + 4);
    ip.header.ttl = p[8];
    ip.header.protocol = p[9];
    ip.header.source = Ipv4Addr::load(p + 12);
    ip.header.destination = Ipv4Addr::load(p + 16);
    ip.payload = packet.slice(header_bytes, total - header_bytes);
    return ip;
}

Result<usize, NetError> finish_ipv4_frame(u8* out, usize capacity, const EthernetAddresses& link,
                                          const Ipv4Header& header, usize payload_bytes) {
    if (payload_bytes > ipv4_max_payload || capacity < ipv4_frame_payload_offset + payload_bytes)
        return fail(NetError::no_room);
    write_ethernet_header(out, link, ether_type::ipv4);
    u8* p = out + ethernet_header_bytes;
    p[0] = 0x45; // version 4, five words of header
    p[1] = 0;
    store_be16(p + 2, u16(ipv4_header_bytes + payload_bytes));
    store_be16(p + 4, header.id);
    store_be16(p + 6, flag_dont_fragment);
    p[8] = header.ttl;
    p[9] = header.protocol;
    store_be16(p + 10, 0);
    header.source.store(p + 12);
    header.destination.store(p + 16);
    store_be16(p + 10, internet_checksum(Bytes(p, ipv4_header_bytes)));
    return pad_frame(out, ipv4_frame_payload_offset + payload_bytes, capacity);
}

} // namespace isok::net
