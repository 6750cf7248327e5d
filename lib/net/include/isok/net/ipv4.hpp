// IPv4 packets (RFC 791). Received packets are checked (version, header length, total
// length, header checksum) and fragments are refused: nothing here reassembles, and
// the switch's MTU is the IPv4 endpoints' MTU. Options are skipped; none are sent.
#pragma once
#include <isok/bytes.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/net/ipv4_addr.hpp>
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>

namespace isok::net {

inline constexpr usize ipv4_header_bytes = 20; // without options
inline constexpr usize ipv4_max_payload = ethernet_max_frame - ethernet_header_bytes - ipv4_header_bytes;
// Where a payload goes in a frame that finish_ipv4_frame completes.
inline constexpr usize ipv4_frame_payload_offset = ethernet_header_bytes + ipv4_header_bytes;

namespace ip_protocol {
inline constexpr u8 icmp = 1;
inline constexpr u8 udp = 17;
} // namespace ip_protocol

struct Ipv4Header {
    Ipv4Addr source;
    Ipv4Addr destination;
    u8 protocol = 0;
    u8 ttl = 64;
    u16 id = 0;
};

struct Ipv4Packet {
    Ipv4Header header;
    Bytes payload; // exactly what the total length covers: link padding is cut off
};

// An Ethernet frame's payload.
Result<Ipv4Packet, NetError> parse_ipv4(Bytes packet);

// Writes the Ethernet and IPv4 headers in front of `payload_bytes` that the caller has
// already put at out + ipv4_frame_payload_offset, pads, and returns the frame length.
Result<usize, NetError> finish_ipv4_frame(u8* out, usize capacity, const EthernetAddresses& link,
                                          const Ipv4Header& header, usize payload_bytes);

} // namespace isok::net
