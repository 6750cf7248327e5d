// MAC address text: parsing is strict because it comes from manifests and arguments.
#include <isok/net/mac_addr.hpp>

namespace isok::net {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

Result<MacAddr, NetError> parse_mac(const char* text, usize length) {
    if (length != mac_text_bytes - 1) return fail(NetError::bad_syntax);
    MacAddr mac;
    for (usize i = 0; i < 6; ++i) {
        const char* p = text + 3 * i;
        int high = hex_digit(p[0]), low = hex_digit(p[1]);
        if (high < 0 || low < 0) return fail(NetError::bad_syntax);
        if (i < 5 && p[2] != ':') return fail(NetError::bad_syntax);
        mac.octets[i] = u8(high << 4 | low);
    }
    return mac;
}

void format_mac(const MacAddr& mac, char (&out)[mac_text_bytes]) {
    const char* digits = "0123456789abcdef";
    for (usize i = 0; i < 6; ++i) {
        out[3 * i] = digits[mac.octets[i] >> 4];
        out[3 * i + 1] = digits[mac.octets[i] & 15];
        out[3 * i + 2] = i < 5 ? ':' : 0;
    }
}

} // namespace isok::net
