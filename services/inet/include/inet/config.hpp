// What an IPv4 endpoint is told in its manifest `args`: space-separated key=value words,
//   ip=10.0.0.3/24 (required)   ping=10.0.0.1,10.0.0.2   echo=7   sink=9000   barrier=N
// Port 0 turns the echo server or the sink off.
#pragma once
#include <isok/net/ipv4_addr.hpp>
#include <isok/result.hpp>

namespace isok::inet {

struct Config {
    static constexpr usize max_peers = 8;
    static constexpr u32 max_barrier = 64;

    net::Ipv4Interface interface;
    net::Ipv4Addr peers[max_peers]; // to ping until they answer
    usize peer_count = 0;
    u16 echo_port = 7;              // UDP echo server
    u16 sink_port = 0;              // UDP sink: counts what arrives
    u32 barrier = 0;                // other hosts to hear "done" from; 0: no barrier
};

enum class ArgsProblem : u8 {
    no_ip = 1,      // ip= is missing
    not_key_value,  // a word without '='
    unknown_key,
    bad_value,      // not an address, port or count, or out of range
    too_many_peers, // more than Config::max_peers
};

const char* describe(ArgsProblem p);

struct ArgsError {
    ArgsProblem problem;
    usize offset = 0; // the offending word in the text
    usize length = 0;
};

Result<Config, ArgsError> parse_args(const char* text, usize length);

} // namespace isok::inet
