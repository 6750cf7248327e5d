// Boot: the banner reports the machine QEMU was given, the kernel refuses a hart
// without the H extension, and a boot image is read and listed exactly.
#include "boot_image_util.hpp"

using namespace isok::test;

namespace {

QemuConfig production(const std::string& memory, int harts) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.memory = memory;
    c.harts = harts;
    c.until = "idle:";
    return c;
}

class BootTest : public SystemTest {};

} // namespace

TEST_F(BootTest, BannerReportsMemoryAndHartsQemuWasGiven) {
    struct Case {
        std::string memory;
        int mib;
        int harts;
    };
    for (const Case& c : {Case{"256M", 256, 2}, Case{"1G", 1024, 4}}) {
        QemuRun run = boot(production(c.memory, c.harts));
        ASSERT_TRUE(run.reached_until) << "no idle line for -m " << c.memory;
        auto memory = run.match(R"(memory: (\d+) MiB)");
        auto harts = run.match(R"(harts: (\d+))");
        ASSERT_EQ(memory.size(), 2u);
        ASSERT_EQ(harts.size(), 2u);
        EXPECT_EQ(std::stoi(memory[1]), c.mib);
        EXPECT_EQ(std::stoi(harts[1]), c.harts);
    }
}

TEST_F(BootTest, BannerNamesWhatTheKernelReliesOn) {
    QemuRun run = boot(production("256M", 1));
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("relying on: H (hypervisor), Sstc (stimecmp), Sv39"));
    EXPECT_TRUE(run.contains("uart: ns16550a at 10000000 irq 10"));
    EXPECT_TRUE(run.contains("virtio-mmio: 8 slots"));
}

TEST_F(BootTest, FallsBackToSbiTimerWithoutSstc) {
    QemuConfig c = production("256M", 1);
    c.extra = {"-cpu", "rv64,sstc=false"};
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("relying on: H (hypervisor), SBI TIME, Sv39"));
}

TEST_F(BootTest, RefusesAHartWithoutTheHypervisorExtension) {
    QemuConfig c = production("256M", 1);
    c.extra = {"-cpu", "rv64,h=false"};
    c.until.clear();
    c.timeout = std::chrono::seconds(30);
    QemuRun run = boot(c);
    EXPECT_FALSE(run.timed_out);
    EXPECT_TRUE(run.contains("boot refused: this hart lacks the RISC-V H (hypervisor) extension"));
    ASSERT_TRUE(run.exit.has_value());
    EXPECT_NE(*run.exit, 0);
}

TEST_F(BootTest, ConsoleInputArrivesByExternalInterrupt) {
    QemuConfig c = production("256M", 1);
    c.input_after = "idle:";
    c.input = "hello isokernel\r";
    c.until = "' by interrupt";
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("console: received 'hello isokernel' by interrupt"));
}
