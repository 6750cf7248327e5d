// The VM's console as the screen shows it: whole prefixed lines, and, for a VM that
// takes typed input, an unfinished line (a prompt, an echo) shown when the exit that
// wrote it is answered and continued without a second prefix.
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <vmm/console.hpp>

using isok::vmm::GuestConsole;
using vmm_test::Lines;

namespace {

struct Console : ::testing::Test {
    Lines lines;
    GuestConsole console{"vm1", 32, Lines::output, &lines};
    void type(const std::string& s) { console.write(s.data(), s.size()); }
};

TEST_F(Console, APlainVmShowsOnlyWholeLines) {
    type("echo> ");
    console.settle();
    EXPECT_TRUE(lines.lines.empty()) << "a VM nobody types to keeps its lines whole";
    type("done\n");
    EXPECT_EQ(lines.all(), "[vm1] echo> done\n");
}

TEST_F(Console, AnInteractiveVmShowsItsPromptAtOnceAndContinuesTheLine) {
    console.set_interactive(true);
    type("echo> ");
    console.settle();
    EXPECT_EQ(lines.all(), "[vm1] echo> ");
    type("a");
    console.settle();
    type("b\r\n");
    console.settle();
    type("heard 'ab'\n");
    EXPECT_EQ(lines.all(), "[vm1] echo> ab\n[vm1] heard 'ab'\n");
    console.settle();
    EXPECT_EQ(lines.lines.size(), 4u) << "nothing more to show: settle sends nothing";
}

TEST_F(Console, TheVmmsOwnMessageEndsABegunLineFirst) {
    console.set_interactive(true);
    type("echo> ");
    console.settle();
    console.message("vmm: powered off");
    EXPECT_EQ(lines.all(), "[vm1] echo> \n[vm1] vmm: powered off\n");
}

TEST_F(Console, ALongUnfinishedLineIsCutAndContinuedWithAPrefix) {
    console.set_interactive(true);
    type(std::string(GuestConsole::line_bytes + 5, 'x'));
    console.settle();
    std::string all = lines.all();
    EXPECT_EQ(all, "[vm1] " + std::string(GuestConsole::line_bytes, 'x') + "\n[vm1] xxxxx");
}

} // namespace
