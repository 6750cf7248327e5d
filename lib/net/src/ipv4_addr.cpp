// IPv4 address text, both ways.
#include <isok/net/ipv4_addr.hpp>

namespace isok::net {
namespace {

// A decimal number of 1..max_digits digits without a leading zero, at most `limit`;
// `used` is how many characters it took. -1 when there is none.
i64 parse_decimal(const char* text, usize length, usize max_digits, u32 limit, usize& used) {
    used = 0;
    u32 value = 0;
    while (used < length && used < max_digits && text[used] >= '0' && text[used] <= '9')
        value = value * 10 + u32(text[used++] - '0');
    if (used == 0 || (used > 1 && text[0] == '0') || value > limit) return -1;
    if (used < length && text[used] >= '0' && text[used] <= '9') return -1; // too many digits
    return value;
}

} // namespace

Result<Ipv4Addr, NetError> parse_ipv4_addr(const char* text, usize length) {
    u32 value = 0;
    usize at = 0;
    for (usize i = 0; i < 4; ++i) {
        if (i > 0) {
            if (at >= length || text[at] != '.') return fail(NetError::bad_syntax);
            ++at;
        }
        usize used;
        i64 octet = parse_decimal(text + at, length - at, 3, 255, used);
        if (octet < 0) return fail(NetError::bad_syntax);
        value = value << 8 | u32(octet);
        at += used;
    }
    if (at != length) return fail(NetError::bad_syntax);
    return Ipv4Addr{value};
}

Result<Ipv4Interface, NetError> parse_ipv4_interface(const char* text, usize length) {
    usize slash = 0;
    while (slash < length && text[slash] != '/') ++slash;
    if (slash == length) return fail(NetError::bad_syntax);
    Result<Ipv4Addr, NetError> address = parse_ipv4_addr(text, slash);
    if (!address) return fail(address.error());
    usize used;
    i64 prefix = parse_decimal(text + slash + 1, length - slash - 1, 2, 32, used);
    if (prefix < 0 || slash + 1 + used != length) return fail(NetError::bad_syntax);
    return Ipv4Interface{*address, u8(prefix)};
}

void format_ipv4(Ipv4Addr address, char (&out)[ipv4_text_bytes]) {
    usize at = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        u32 octet = (address.value >> shift) & 0xff;
        if (octet >= 100) out[at++] = char('0' + octet / 100);
        if (octet >= 10) out[at++] = char('0' + octet / 10 % 10);
        out[at++] = char('0' + octet % 10);
        if (shift) out[at++] = '.';
    }
    out[at] = 0;
}

} // namespace isok::net
