// ARP (RFC 826) for IPv4 over Ethernet: the only kind a virtual Ethernet needs; other
// hardware or protocol types are reported as unsupported.
#pragma once
#include <isok/bytes.hpp>
#include <isok/net/ipv4_addr.hpp>
#include <isok/net/mac_addr.hpp>
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>

namespace isok::net {

inline constexpr usize arp_bytes = 28;

enum class ArpOp : u16 { request = 1, reply = 2 };

struct ArpPacket {
    ArpOp op = ArpOp::request;
    MacAddr sender_mac;
    Ipv4Addr sender_ip;
    MacAddr target_mac; // zero in a request
    Ipv4Addr target_ip;
};

// An Ethernet frame's payload (trailing padding is ignored).
Result<ArpPacket, NetError> parse_arp(Bytes payload);

// A whole frame from packet.sender_mac to `destination` (broadcast for a request),
// padded to the Ethernet minimum; returns its length.
Result<usize, NetError> build_arp_frame(u8* out, usize capacity, const MacAddr& destination, const ArpPacket& packet);

} // namespace isok::net
