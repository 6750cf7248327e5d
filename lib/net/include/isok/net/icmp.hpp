// ICMP echo request and reply (RFC 792), the messages ping uses. Other ICMP types are
// reported as unsupported: a host that only answers pings may ignore them.
#pragma once
#include <isok/bytes.hpp>
#include <isok/net/ipv4.hpp>
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>

namespace isok::net {

inline constexpr usize icmp_echo_header_bytes = 8;

enum class IcmpType : u8 { echo_reply = 0, echo_request = 8 };

struct IcmpEcho {
    IcmpType type = IcmpType::echo_request;
    u16 id = 0;
    u16 sequence = 0;
    Bytes payload;
};

// An IPv4 packet's payload; the checksum covers the whole message.
Result<IcmpEcho, NetError> parse_icmp_echo(Bytes message);

// A whole frame; header.protocol is set to ICMP. echo.payload must not overlap out.
Result<usize, NetError> build_icmp_echo_frame(u8* out, usize capacity, const EthernetAddresses& link,
                                              Ipv4Header header, const IcmpEcho& echo);

} // namespace isok::net
