// CRC-32 (IEEE 802.3), one table lookup per byte; the table is built by the compiler.
#include <isok/crc32.hpp>

namespace isok {
namespace {

constexpr u32 polynomial = 0xEDB88320; // 0x04C11DB7 with its bits reversed: the CRC is computed LSB first

struct Table {
    u32 entry[256];
};

// The remainder of each possible byte, so that the loop below handles 8 bits per step.
constexpr Table make_table() {
    Table t{};
    for (u32 byte = 0; byte < 256; ++byte) {
        u32 r = byte;
        for (int bit = 0; bit < 8; ++bit) r = (r & 1) ? (r >> 1) ^ polynomial : r >> 1;
        t.entry[byte] = r;
    }
    return t;
}

constexpr Table table = make_table();

} // namespace

Crc32& Crc32::update(Bytes data) {
    u32 s = state_;
    for (usize i = 0; i < data.size(); ++i) s = table.entry[(s ^ data.data()[i]) & 0xFF] ^ (s >> 8);
    state_ = s;
    return *this;
}

u32 crc32(Bytes data) { return Crc32().update(data).value(); }

} // namespace isok
