// The target's memcpy (lib/base/src/copy_words.hpp): every pair of source and
// destination alignments and every length up to a few words past a cache line must copy
// exactly the bytes asked for and touch nothing around them.
#include "../../lib/base/src/copy_words.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace {

TEST(CopyWords, EveryAlignmentAndLengthCopiesExactlyTheRange) {
    for (unsigned src_offset = 0; src_offset < 8; ++src_offset) {
        for (unsigned dst_offset = 0; dst_offset < 8; ++dst_offset) {
            for (unsigned n = 0; n < 200; ++n) {
                alignas(8) unsigned char src[256 + 16];
                alignas(8) unsigned char dst[256 + 16];
                for (unsigned i = 0; i < sizeof src; ++i) src[i] = static_cast<unsigned char>(i * 7 + 3);
                for (unsigned i = 0; i < sizeof dst; ++i) dst[i] = 0xee;
                void* r = isok::copy_words(dst + 8 + dst_offset, src + 8 + src_offset, n);
                ASSERT_EQ(r, dst + 8 + dst_offset);
                for (unsigned i = 0; i < sizeof dst; ++i) {
                    bool inside = i >= 8 + dst_offset && i < 8 + dst_offset + n;
                    unsigned char want = inside ? src[i - dst_offset + src_offset] : 0xee;
                    ASSERT_EQ(dst[i], want) << "src+" << src_offset << " dst+" << dst_offset << " n " << n << " at " << i;
                }
            }
        }
    }
}

TEST(CopyWords, AFrameAfterAVirtioNetHeaderIsCopiedWhole) {
    std::vector<unsigned char> guest(2048), ring(2048, 0);
    for (size_t i = 0; i < guest.size(); ++i) guest[i] = static_cast<unsigned char>(i ^ (i >> 8));
    isok::copy_words(ring.data() + 8, guest.data() + 12, 1514);
    EXPECT_TRUE(std::equal(guest.begin() + 12, guest.begin() + 12 + 1514, ring.begin() + 8));
    EXPECT_EQ(ring[7], 0);
    EXPECT_EQ(ring[8 + 1514], 0);
}

} // namespace
