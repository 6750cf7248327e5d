// The freestanding string helpers every part shares: decimal parsing refuses everything
// that is not a whole number within bounds.
#include <gtest/gtest.h>
#include <isok/string.hpp>

namespace {

using isok::u64;

TEST(StringTest, DecimalTakesWholeNumbersUpToTheBound) {
    u64 v = 99;
    EXPECT_TRUE(isok::str_to_decimal("0", 10, v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(isok::str_to_decimal("1000", 1000, v));
    EXPECT_EQ(v, 1000u);
    EXPECT_TRUE(isok::str_to_decimal("18446744073709551615", ~u64{0}, v));
    EXPECT_EQ(v, ~u64{0});
}

TEST(StringTest, DecimalRefusesEverythingElseAndLeavesTheResultAlone) {
    u64 v = 7;
    for (const char* bad : {"", "1001", "-1", "+1", " 1", "1 ", "12a", "0x10", "18446744073709551616"})
        EXPECT_FALSE(isok::str_to_decimal(bad, bad[0] == '1' && bad[1] == '8' ? ~u64{0} : 1000, v)) << bad;
    EXPECT_EQ(v, 7u);
}

} // namespace
