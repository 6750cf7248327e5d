// IPv4 addresses and an interface's address with its prefix ("10.0.0.3/24").
#pragma once
#include <isok/net/byte_order.hpp>
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::net {

struct Ipv4Addr {
    u32 value = 0; // host order: 10.0.0.1 is 0x0a000001

    static constexpr Ipv4Addr broadcast() { return {0xffffffff}; } // limited broadcast
    static Ipv4Addr load(const u8* p) { return {load_be32(p)}; }
    void store(u8* p) const { store_be32(p, value); }

    constexpr bool is_broadcast() const { return value == 0xffffffff; }
    constexpr bool is_unspecified() const { return value == 0; }
    constexpr bool is_multicast() const { return (value >> 28) == 0xe; } // 224.0.0.0/4
    constexpr bool operator==(const Ipv4Addr&) const = default;
};

// An address on a subnet: what a host is configured with.
struct Ipv4Interface {
    Ipv4Addr address;
    u8 prefix_length = 32; // 0..32

    constexpr u32 mask() const { return prefix_length == 0 ? 0 : ~u32(0) << (32 - prefix_length); }
    constexpr bool on_link(Ipv4Addr a) const { return (a.value & mask()) == (address.value & mask()); }
    // The subnet's directed broadcast address (itself for /31 and /32, which have none).
    constexpr Ipv4Addr subnet_broadcast() const {
        return prefix_length >= 31 ? address : Ipv4Addr{address.value | ~mask()};
    }
};

// Dotted decimal, four octets 0..255 without leading zeros ("010" is refused: some
// readers take it as octal).
Result<Ipv4Addr, NetError> parse_ipv4_addr(const char* text, usize length);
// An address, '/', a prefix length 0..32: "10.0.0.3/24".
Result<Ipv4Interface, NetError> parse_ipv4_interface(const char* text, usize length);

inline constexpr usize ipv4_text_bytes = 16; // "255.255.255.255" and the NUL
void format_ipv4(Ipv4Addr address, char (&out)[ipv4_text_bytes]);

} // namespace isok::net
