// Why a frame, a packet or an address text was refused, or a frame could not be built.
#pragma once
#include <isok/types.hpp>

namespace isok::net {

enum class NetError : u8 {
    truncated = 1,     // shorter than its header or than its own length field says
    bad_version,       // an IPv4 header whose version is not 4
    bad_header_length, // an IPv4 header length below 20 bytes or past the packet
    bad_length,        // a length field that contradicts itself (UDP length below 8, ...)
    bad_checksum,      // the Internet checksum does not verify
    fragmented,        // an IPv4 fragment: nothing here reassembles
    unsupported,       // well formed, but of a kind this library does not handle
    no_room,           // the output buffer is too small for the frame
    bad_syntax,        // text that is not an address
};

const char* describe(NetError e);

} // namespace isok::net
