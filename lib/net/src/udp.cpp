// UDP layout (RFC 768): source port u16, destination port u16, length u16 (header and
// data), checksum u16 over the pseudo-header (source, destination, zero, protocol, UDP
// length), the header and the data.
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>
#include <isok/net/udp.hpp>

namespace isok::net {
namespace {

u16 udp_checksum(const Ipv4Header& header, Bytes datagram) {
    Checksum c;
    c.add32(header.source.value);
    c.add32(header.destination.value);
    c.add16(ip_protocol::udp);
    c.add16(u16(datagram.size()));
    c.add(datagram);
    return c.result();
}

} // namespace

Result<UdpDatagram, NetError> parse_udp(const Ipv4Packet& packet) {
    Bytes bytes = packet.payload;
    if (bytes.size() < udp_header_bytes) return fail(NetError::truncated);
    const u8* p = bytes.data();
    usize length = load_be16(p + 4);
    if (length < udp_header_bytes) return fail(NetError::bad_length);
    if (length > bytes.size()) return fail(NetError::truncated);
    Bytes datagram = bytes.slice(0, length);
    if (load_be16(p + 6) != 0 && udp_checksum(packet.header, datagram) != 0) return fail(NetError::bad_checksum);
    UdpDatagram d;
    d.source_port = load_be16(p);
    d.destination_port = load_be16(p + 2);
    d.payload = datagram.slice(udp_header_bytes, length - udp_header_bytes);
    return d;
}

Result<usize, NetError> build_udp_frame(u8* out, usize capacity, const EthernetAddresses& link, Ipv4Header header,
                                        const UdpDatagram& datagram) {
    usize length = udp_header_bytes + datagram.payload.size();
    if (length > ipv4_max_payload || capacity < ipv4_frame_payload_offset + length) return fail(NetError::no_room);
    header.protocol = ip_protocol::udp;
    u8* p = out + ipv4_frame_payload_offset;
    store_be16(p, datagram.source_port);
    store_be16(p + 2, datagram.destination_port);
    store_be16(p + 4, u16(length));
    store_be16(p + 6, 0);
    if (datagram.payload.size())
        __builtin_memcpy(p + udp_header_bytes, datagram.payload.data(), datagram.payload.size());
    u16 sum = udp_checksum(header, Bytes(p, length));
    store_be16(p + 6, sum == 0 ? 0xffff : sum); // 0 would mean "no checksum"
    return finish_ipv4_frame(out, capacity, link, header, length);
}

} // namespace isok::net
