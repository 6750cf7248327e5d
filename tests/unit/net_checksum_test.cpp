// The Internet checksum against values worked out by hand from RFC 1071's definition.
#include <gtest/gtest.h>
#include <isok/net/checksum.hpp>

#include <vector>

using isok::Bytes;
using isok::u16;
using isok::u8;
using isok::net::Checksum;
using isok::net::internet_checksum;

namespace {

u16 sum_of(const std::vector<u8>& v) { return internet_checksum(Bytes(v.data(), v.size())); }

} // namespace

// RFC 1071 section 3: 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2, complemented 220d.
TEST(NetChecksum, Rfc1071Example) { EXPECT_EQ(sum_of({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}), 0x220d); }

TEST(NetChecksum, EmptyAndZeroDataGiveAllOnes) {
    EXPECT_EQ(sum_of({}), 0xffff);
    EXPECT_EQ(sum_of({0, 0, 0, 0}), 0xffff);
}

// An odd last byte is the high half of a word padded with zero: 0x0100 -> feff.
TEST(NetChecksum, OddLengthPadsWithZero) {
    EXPECT_EQ(sum_of({0x01}), 0xfeff);
    EXPECT_EQ(sum_of({0x00, 0x01, 0xf2}), u16(~u16(0x0001 + 0xf200)));
}

// ffff + ffff = 1fffe, folded ffff: the end-around carry; its complement is 0.
TEST(NetChecksum, CarriesFoldBackIn) { EXPECT_EQ(sum_of({0xff, 0xff, 0xff, 0xff}), 0x0000); }

// The IPv4 header of Wikipedia's worked example: checksum b861.
TEST(NetChecksum, Ipv4HeaderExample) {
    std::vector<u8> h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                         0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(sum_of(h), 0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    EXPECT_EQ(sum_of(h), 0) << "data with its checksum in place sums to zero";
}

TEST(NetChecksum, PiecesOfAnyLengthEqualTheWhole) {
    std::vector<u8> data;
    for (int i = 0; i < 301; ++i) data.push_back(u8(i * 37 + 11));
    u16 whole = sum_of(data);
    for (size_t cut1 = 0; cut1 <= data.size(); cut1 += 7) {
        for (size_t cut2 = cut1; cut2 <= data.size(); cut2 += 13) {
            Checksum c;
            c.add(Bytes(data.data(), cut1));
            c.add(Bytes(data.data() + cut1, cut2 - cut1));
            c.add(Bytes(data.data() + cut2, data.size() - cut2));
            ASSERT_EQ(c.result(), whole) << cut1 << " " << cut2;
        }
    }
}

TEST(NetChecksum, WordsAfterAnOddPieceKeepTheirPlace) {
    // 01 | 02 03 04 as bytes equals 0102 + 0304.
    Checksum c;
    c.add(Bytes(std::vector<u8>{0x01}.data(), 1));
    c.add16(0x0203);
    c.add(Bytes(std::vector<u8>{0x04}.data(), 1));
    EXPECT_EQ(c.result(), u16(~u16(0x0102 + 0x0304)));
    Checksum d;
    d.add32(0x01020304);
    EXPECT_EQ(d.result(), c.result());
}
