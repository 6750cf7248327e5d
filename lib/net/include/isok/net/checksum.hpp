// The Internet checksum (RFC 1071): the one's complement of the one's complement sum of
// the data as big-endian 16-bit words, an odd last byte padded with zero. IPv4, ICMP and
// UDP (with its pseudo-header) all use it.
#pragma once
#include <isok/bytes.hpp>
#include <isok/types.hpp>

namespace isok::net {

class Checksum {
public:
    // Pieces may have any length: a piece that ends on an odd byte leaves the next
    // piece's first byte as the low half of that word, as if the data were contiguous.
    void add(Bytes data);
    void add16(u16 value);
    void add32(u32 value);

    // What goes into a header's checksum field. Over data that includes a correct
    // checksum field the result is 0: that is how a receiver verifies.
    u16 result() const;

private:
    u64 sum_ = 0; // folded only at the end: 2^48 words before it could overflow
    bool odd_ = false;
};

u16 internet_checksum(Bytes data);

} // namespace isok::net
