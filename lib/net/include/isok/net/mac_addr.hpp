// An Ethernet (MAC-48) address, as written on the wire and as text ("02:00:00:00:00:01").
#pragma once
#include <isok/net/net_error.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::net {

struct MacAddr {
    u8 octets[6] = {};

    static constexpr MacAddr broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    static MacAddr load(const u8* p) { return {{p[0], p[1], p[2], p[3], p[4], p[5]}}; }
    void store(u8* p) const {
        for (usize i = 0; i < 6; ++i) p[i] = octets[i];
    }

    // Multicast or broadcast: the I/G bit, bit 0 of the first octet.
    constexpr bool is_group() const { return octets[0] & 1; }
    constexpr bool is_broadcast() const { return *this == broadcast(); }
    constexpr bool is_zero() const { return *this == MacAddr{}; }
    constexpr bool operator==(const MacAddr&) const = default;
};

// Six two-digit hexadecimal octets separated by ':' (either case), nothing else.
Result<MacAddr, NetError> parse_mac(const char* text, usize length);

inline constexpr usize mac_text_bytes = 18; // "xx:xx:xx:xx:xx:xx" and the NUL
void format_mac(const MacAddr& mac, char (&out)[mac_text_bytes]);

} // namespace isok::net
