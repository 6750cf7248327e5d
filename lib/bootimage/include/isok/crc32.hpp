// CRC-32 of IEEE 802.3 (the one zlib, gzip and PNG use), for host tools and the target alike.
#pragma once
#include <isok/bytes.hpp>
#include <isok/types.hpp>

namespace isok {

// Incremental form, for data that arrives in pieces: feeding the pieces in order
// gives the same value as one call to crc32() over their concatenation.
class Crc32 {
public:
    Crc32& update(Bytes data);
    u32 value() const { return ~state_; }

private:
    u32 state_ = ~u32{0};
};

// Reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF;
// crc32("123456789") == 0xCBF43926.
u32 crc32(Bytes data);

} // namespace isok
