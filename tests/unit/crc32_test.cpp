// CRC-32 (IEEE 802.3): published check values, incremental use, and a bit-at-a-time reference.
#include <gtest/gtest.h>
#include <isok/crc32.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using isok::u32;
using isok::u8;

isok::Bytes view(const std::string& s) { return {reinterpret_cast<const u8*>(s.data()), s.size()}; }
isok::Bytes view(const std::vector<u8>& v) { return {v.data(), v.size()}; }

// The textbook definition, one bit per step, written independently of the table in the library.
u32 reference_crc32(const std::vector<u8>& data) {
    u32 crc = 0xFFFFFFFF;
    for (u8 byte : data) {
        crc ^= byte;
        for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
    }
    return ~crc;
}

TEST(Crc32, CheckValue) { EXPECT_EQ(isok::crc32(view("123456789")), 0xCBF43926u); }

TEST(Crc32, EmptyInputIsZero) { EXPECT_EQ(isok::crc32(isok::Bytes()), 0u); }

TEST(Crc32, KnownVectors) {
    EXPECT_EQ(isok::crc32(view("a")), 0xE8B7BE43u);
    EXPECT_EQ(isok::crc32(view("abc")), 0x352441C2u);
    EXPECT_EQ(isok::crc32(view("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
    EXPECT_EQ(isok::crc32(view(std::vector<u8>(32, 0x00))), 0x190A55ADu);
    EXPECT_EQ(isok::crc32(view(std::vector<u8>(32, 0xFF))), 0xFF6CAB0Bu);
}

TEST(Crc32, IncrementalEqualsOneShotAtEverySplit) {
    const std::string text = "The quick brown fox jumps over the lazy dog";
    for (size_t split = 0; split <= text.size(); ++split) {
        isok::Crc32 crc;
        crc.update(view(text.substr(0, split))).update(view(text.substr(split)));
        EXPECT_EQ(crc.value(), 0x414FA339u) << "split at " << split;
    }
}

TEST(Crc32, MatchesBitwiseReferenceOnRandomData) {
    std::mt19937 rng(20240601);
    for (size_t length : {1u, 2u, 7u, 64u, 255u, 4096u, 10007u}) {
        std::vector<u8> data(length);
        for (u8& b : data) b = u8(rng());
        EXPECT_EQ(isok::crc32(view(data)), reference_crc32(data)) << "length " << length;
    }
}

TEST(Crc32, DetectsEverySingleBitFlip) {
    std::vector<u8> data(64, 0x5A);
    const u32 good = isok::crc32(view(data));
    for (size_t bit = 0; bit < data.size() * 8; ++bit) {
        data[bit / 8] ^= u8(1u << (bit % 8));
        EXPECT_NE(isok::crc32(view(data)), good) << "bit " << bit;
        data[bit / 8] ^= u8(1u << (bit % 8));
    }
}

} // namespace
