// ICMP echo layout (RFC 792): type u8, code u8 = 0, checksum u16, id u16, sequence u16,
// data; the checksum covers the whole ICMP message.
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>
#include <isok/net/icmp.hpp>

namespace isok::net {

Result<IcmpEcho, NetError> parse_icmp_echo(Bytes message) {
    if (message.size() < icmp_echo_header_bytes) return fail(NetError::truncated);
    const u8* p = message.data();
    if (internet_checksum(message) != 0) return fail(NetError::bad_checksum);
    if ((p[0] != u8(IcmpType::echo_reply) && p[0] != u8(IcmpType::echo_request)) || p[1] != 0)
        return fail(NetError::unsupported);
    IcmpEcho e;
    e.type = IcmpType(p[0]);
    e.id = load_be16(p + 4);
    e.sequence = load_be16(p + 6);
    e.payload = message.slice(icmp_echo_header_bytes, message.size() - icmp_echo_header_bytes);
    return e;
}

Result<usize, NetError> build_icmp_echo_frame(u8* out, usize capacity, const EthernetAddresses& link,
                                              Ipv4Header header, const IcmpEcho& echo) {
    usize message_bytes = icmp_echo_header_bytes + echo.payload.size();
    if (message_bytes > ipv4_max_payload || capacity < ipv4_frame_payload_offset + message_bytes)
        return fail(NetError::no_room);
    u8* p = out + ipv4_frame_payload_offset;
    p[0] = u8(echo.type);
    p[1] = 0;
    store_be16(p + 2, 0);
    store_be16(p + 4, echo.id);
    store_be16(p + 6, echo.sequence);
    if (echo.payload.size()) __builtin_memcpy(p + icmp_echo_header_bytes, echo.payload.data(), echo.payload.size());
    store_be16(p + 2, internet_checksum(Bytes(p, message_bytes)));
    header.protocol = ip_protocol::icmp;
    return finish_ipv4_frame(out, capacity, link, header, message_bytes);
}

} // namespace isok::net
