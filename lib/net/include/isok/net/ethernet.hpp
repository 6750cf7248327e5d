// Ethernet II frames without the FCS, as virtual links carry them: destination,
// source, EtherType, payload.
#pragma once
#include <isok/bytes.hpp>
#include <isok/net/mac_addr.hpp>
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>

namespace isok::net {

inline constexpr usize ethernet_header_bytes = 14;
inline constexpr usize ethernet_min_frame = 60;   // shorter frames are padded with zeros
inline constexpr usize ethernet_max_frame = 1514; // header and a 1500-byte payload

namespace ether_type {
inline constexpr u16 ipv4 = 0x0800;
inline constexpr u16 arp = 0x0806;
} // namespace ether_type

// Who a frame goes to and comes from.
struct EthernetAddresses {
    MacAddr destination;
    MacAddr source;
};

struct EthernetFrame {
    EthernetAddresses addresses;
    u16 type;
    Bytes payload; // everything after the header, padding included
};

Result<EthernetFrame, NetError> parse_ethernet(Bytes frame);

// Writes the 14-byte header at out (the caller has checked the room).
void write_ethernet_header(u8* out, const EthernetAddresses& addresses, u16 type);

// Zeros a frame of `length` bytes up to ethernet_min_frame, as far as `capacity`
// allows, and returns its new length.
usize pad_frame(u8* frame, usize length, usize capacity);

} // namespace isok::net
