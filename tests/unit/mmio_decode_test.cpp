// MMIO decoding of guest loads and stores: width, direction, sign, register and
// instruction length, for standard, compressed and transformed (htinst) encodings.
#include <arch/mmio_decode.hpp>
#include <gtest/gtest.h>
#include <isok/abi.hpp>

namespace message = isok::abi::exception_message;
using arch::decode_access;

namespace {
struct Expect {
    isok::u64 width;
    bool store;
    bool is_signed;
    isok::u64 reg;
    isok::u64 length;
};
void check(isok::u64 access, Expect e) {
    ASSERT_NE(access, 0u);
    EXPECT_EQ(message::access_width(access), e.width);
    EXPECT_EQ(message::access_is_store(access), e.store);
    EXPECT_EQ(message::access_is_signed(access), e.is_signed);
    EXPECT_EQ(message::access_register(access), e.reg);
    EXPECT_EQ(message::access_length(access), e.length);
}
} // namespace

TEST(MmioDecode, StandardLoads) {
    check(decode_access(0x0002a303, false), {4, false, true, 6, 4});  // lw t1, 0(t0)
    check(decode_access(0x0002b383, false), {8, false, false, 7, 4}); // ld t2, 0(t0)
    check(decode_access(0x00028503, false), {1, false, true, 10, 4}); // lb a0, 0(t0)
    check(decode_access(0x0002c503, false), {1, false, false, 10, 4}); // lbu a0, 0(t0)
    check(decode_access(0x0002d503, false), {2, false, false, 10, 4}); // lhu a0, 0(t0)
    check(decode_access(0x0002e503, false), {4, false, false, 10, 4}); // lwu a0, 0(t0)
}

TEST(MmioDecode, StandardStores) {
    check(decode_access(0x0062a223, false), {4, true, false, 6, 4});  // sw t1, 4(t0)
    check(decode_access(0x00a2b023, false), {8, true, false, 10, 4}); // sd a0, 0(t0)
    check(decode_access(0x00a28023, false), {1, true, false, 10, 4}); // sb a0, 0(t0)
}

TEST(MmioDecode, CompressedForms) {
    check(decode_access(0x4410, false), {4, false, true, 12, 2}); // c.lw a2, 8(s0)
    check(decode_access(0x6410, false), {8, false, false, 12, 2}); // c.ld a2, 8(s0)
    check(decode_access(0xc410, false), {4, true, false, 12, 2}); // c.sw a2, 8(s0)
    check(decode_access(0x4502, false), {4, false, true, 10, 2}); // c.lwsp a0, 0(sp)
    check(decode_access(0xe02a, false), {8, true, false, 10, 2}); // c.sdsp a0, 0(sp)
}

TEST(MmioDecode, TransformedInstructionsFromHtinst) {
    // htinst: the uncompressed form with the address offset cleared; bit 1 clear
    // when the original instruction was compressed.
    check(decode_access(0x00002303, true), {4, false, true, 6, 4});
    check(decode_access(0x00002301, true), {4, false, true, 6, 2});
}

TEST(MmioDecode, NeitherLoadNorStoreDecodesToZero) {
    EXPECT_EQ(decode_access(0x00000013, false), 0u); // nop
    EXPECT_EQ(decode_access(0x10500073, false), 0u); // wfi
    EXPECT_EQ(decode_access(0x0002f503, false), 0u); // funct3 7: no such load
    EXPECT_EQ(decode_access(0x00a2c023, false), 0u); // funct3 4: no such store
    EXPECT_EQ(decode_access(0x0001, false), 0u);     // c.nop
    EXPECT_EQ(decode_access(0x4002, false), 0u);     // c.lwsp with rd = 0 is reserved
}
