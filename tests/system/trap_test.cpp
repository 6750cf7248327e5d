// Traps: timer interrupts arrive at the programmed rate, and a kernel fault ends in
// the panic report and a failing QEMU exit status.
#include "system_test.hpp"

#include <cmath>

using namespace isok::test;

namespace {

QemuConfig selftest(const std::string& name) {
    QemuConfig c;
    c.kernel = test_kernel_path;
    c.bootargs = "selftest=" + name;
    c.timeout = std::chrono::seconds(120);
    return c;
}

class TrapTest : public SystemTest {
protected:
    // Under -icount shift=0 one instruction advances virtual time by one nanosecond,
    // so the ticks expected over a span follow from its instruction count alone.
    void expect_tick_rate(const QemuRun& run) {
        auto m = run.match(R"(selftest timer: ticks=(\d+) instructions=(\d+) hz=(\d+))");
        ASSERT_EQ(m.size(), 4u);
        double ticks = std::stod(m[1]), instructions = std::stod(m[2]), hz = std::stod(m[3]);
        double expected = instructions * 1e-9 * hz;
        EXPECT_GE(expected, 40.0) << "the span is too short to measure a rate";
        EXPECT_LE(std::fabs(ticks - expected), 1.0) << "ticks " << ticks << ", expected " << expected;
        ASSERT_TRUE(run.exit.has_value());
        EXPECT_EQ(*run.exit, 0);
    }
};

} // namespace

TEST_F(TrapTest, TimerTicksAtTheProgrammedRateWithSstc) {
    QemuRun run = boot(selftest("timer"));
    EXPECT_TRUE(run.contains("sstc=1"));
    expect_tick_rate(run);
}

TEST_F(TrapTest, TimerTicksAtTheProgrammedRateThroughSbi) {
    QemuConfig c = selftest("timer");
    c.extra = {"-cpu", "rv64,sstc=false"};
    QemuRun run = boot(c);
    EXPECT_TRUE(run.contains("sstc=0"));
    expect_tick_rate(run);
}

TEST_F(TrapTest, IllegalKernelAccessPanicsAndFailsTheRun) {
    QemuRun run = boot(selftest("panic"));
    EXPECT_TRUE(run.contains("KERNEL TRAP: store/AMO page fault"));
    EXPECT_TRUE(run.contains("stval 0000000000000010"));
    EXPECT_TRUE(run.match(R"(sepc ffffffff8[0-9a-f]{7})").size() == 1) << "sepc should be in kernel text";
    EXPECT_TRUE(run.contains(" ra ") || run.contains("ra   ")) << "register dump missing";
    EXPECT_TRUE(run.contains("KERNEL PANIC:"));
    EXPECT_FALSE(run.contains("the store did not fault"));
    ASSERT_TRUE(run.exit.has_value()) << "QEMU did not exit by itself";
    EXPECT_NE(*run.exit, 0);
}

TEST_F(TrapTest, KernelTextIsNotWritable) {
    QemuRun run = boot(selftest("wx"));
    EXPECT_TRUE(run.contains("KERNEL TRAP: store/AMO page fault"));
    EXPECT_FALSE(run.contains("kernel text is writable"));
    auto stval = run.match(R"(stval (ffffffff8[0-9a-f]{7}))");
    EXPECT_EQ(stval.size(), 2u) << "the faulting address should be in kernel text";
    ASSERT_TRUE(run.exit.has_value());
    EXPECT_NE(*run.exit, 0);
}
