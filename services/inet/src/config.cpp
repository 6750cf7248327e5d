// Reading the args string: each word is key=value; a bad word is reported by position
// so that the message can quote it.
#include <inet/config.hpp>

namespace isok::inet {
namespace {

struct Span {
    const char* text;
    usize length;
    bool equals(const char* s) const {
        usize i = 0;
        for (; i < length && s[i]; ++i)
            if (text[i] != s[i]) return false;
        return i == length && !s[i];
    }
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

// A decimal number 0..limit; false on anything else.
bool parse_number(Span s, u32 limit, u32& out) {
    if (s.length == 0 || s.length > 10) return false;
    u64 v = 0;
    for (usize i = 0; i < s.length; ++i) {
        if (s.text[i] < '0' || s.text[i] > '9') return false;
        v = v * 10 + u64(s.text[i] - '0');
    }
    if (v > limit) return false;
    out = u32(v);
    return true;
}

Status<ArgsProblem> parse_peers(Span value, Config& c) {
    usize at = 0;
    while (at <= value.length) {
        usize end = at;
        while (end < value.length && value.text[end] != ',') ++end;
        if (c.peer_count == Config::max_peers) return fail(ArgsProblem::too_many_peers);
        Result<net::Ipv4Addr, net::NetError> a = net::parse_ipv4_addr(value.text + at, end - at);
        if (!a) return fail(ArgsProblem::bad_value);
        c.peers[c.peer_count++] = *a;
        at = end + 1;
    }
    return {};
}

Status<ArgsProblem> parse_word(Span key, Span value, Config& c, bool& has_ip) {
    u32 n = 0;
    if (key.equals("ip")) {
        Result<net::Ipv4Interface, net::NetError> i = net::parse_ipv4_interface(value.text, value.length);
        if (!i || i->address.is_unspecified() || i->address.is_broadcast()) return fail(ArgsProblem::bad_value);
        c.interface = *i;
        has_ip = true;
    } else if (key.equals("ping")) {
        return parse_peers(value, c);
    } else if (key.equals("echo")) {
        if (!parse_number(value, 65535, n)) return fail(ArgsProblem::bad_value);
        c.echo_port = u16(n);
    } else if (key.equals("sink")) {
        if (!parse_number(value, 65535, n)) return fail(ArgsProblem::bad_value);
        c.sink_port = u16(n);
    } else if (key.equals("barrier")) {
        if (!parse_number(value, Config::max_barrier, n)) return fail(ArgsProblem::bad_value);
        c.barrier = n;
    } else {
        return fail(ArgsProblem::unknown_key);
    }
    return {};
}

} // namespace

const char* describe(ArgsProblem p) {
    switch (p) {
    case ArgsProblem::no_ip: return "ip= is required";
    case ArgsProblem::not_key_value: return "not key=value";
    case ArgsProblem::unknown_key: return "unknown key (known: ip, ping, echo, sink, barrier)";
    case ArgsProblem::bad_value: return "bad value";
    case ArgsProblem::too_many_peers: return "too many peers to ping";
    }
    return "?";
}

Result<Config, ArgsError> parse_args(const char* text, usize length) {
    Config c;
    bool has_ip = false;
    usize at = 0;
    for (;;) {
        while (at < length && is_space(text[at])) ++at;
        if (at == length) break;
        usize end = at, equals = length;
        for (; end < length && !is_space(text[end]); ++end)
            if (text[end] == '=' && equals == length) equals = end;
        ArgsError word{ArgsProblem::not_key_value, at, end - at};
        if (equals >= end) return fail(word);
        Status<ArgsProblem> s = parse_word({text + at, equals - at}, {text + equals + 1, end - equals - 1}, c, has_ip);
        if (!s) return fail(ArgsError{s.error(), word.offset, word.length});
        at = end;
    }
    if (!has_ip) return fail(ArgsError{ArgsProblem::no_ip});
    return c;
}

} // namespace isok::inet
