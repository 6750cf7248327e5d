// Short descriptions of NetError, for messages.
#include <isok/net/net_error.hpp>

namespace isok::net {

const char* describe(NetError e) {
    switch (e) {
    case NetError::truncated: return "truncated";
    case NetError::bad_version: return "not IPv4";
    case NetError::bad_header_length: return "bad header length";
    case NetError::bad_length: return "bad length field";
    case NetError::bad_checksum: return "bad checksum";
    case NetError::fragmented: return "fragment";
    case NetError::unsupported: return "unsupported";
    case NetError::no_room: return "no room in the buffer";
    case NetError::bad_syntax: return "bad syntax";
    }
    return "network error";
}

} // namespace isok::net
