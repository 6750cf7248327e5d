// UDP datagrams (RFC 768) over IPv4. A received checksum of 0 means the sender did not
// compute one; sent datagrams always carry one.
#pragma once
#include <isok/bytes.hpp>
#include <isok/net/ipv4.hpp>
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>

namespace isok::net {

inline constexpr usize udp_header_bytes = 8;
inline constexpr usize udp_max_payload = ipv4_max_payload - udp_header_bytes;

struct UdpDatagram {
    u16 source_port = 0;
    u16 destination_port = 0;
    Bytes payload;
};

// The payload of `packet`, whose addresses enter the checksum (the pseudo-header).
Result<UdpDatagram, NetError> parse_udp(const Ipv4Packet& packet);

// A whole frame; header.protocol is set to UDP. datagram.payload must not overlap out.
Result<usize, NetError> build_udp_frame(u8* out, usize capacity, const EthernetAddresses& link, Ipv4Header header,
                                        const UdpDatagram& datagram);

} // namespace isok::net
