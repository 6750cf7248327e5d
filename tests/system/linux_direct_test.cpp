// The Linux guest (guests/linux) booted directly on QEMU, without Isokernel: the
// baseline for Linux in a VM. The unmodified kernel reaches its init on the serial
// console and on the SBI console (hvc0), init reports what it sees, and the machine
// powers off through SBI SRST so that QEMU exits by itself.
//
// Each test prints the guest's figures. A second "-icount shift=0,sleep=off" makes
// QEMU skip idle time instead of letting real time pass, so that the count from
// reset (rdinstret at init, firmware included) does not depend on how fast QEMU
// starts. The figures then repeat exactly from run to run, though one run in
// many was seen a couple of thousand instructions off, so no test insists on them.
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

QemuConfig direct(const std::string& bootargs) {
    QemuConfig c;
    c.kernel = linux_image;
    c.bootargs = bootargs;
    c.memory = "256M";
    c.harts = 1;
    c.extra = {"-icount", "shift=0,sleep=off"};
    c.timeout = std::chrono::seconds(60);
    return c;
}

class LinuxDirectTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }

    // The checks every direct boot must pass, whichever console it uses.
    void expect_init_ran_and_powered_off(const QemuRun& run) {
        EXPECT_FALSE(run.timed_out);
        EXPECT_TRUE(run.contains("Run /init as init process"));
        EXPECT_EQ(run.match(R"(init: hello from Linux 6\.1\.\d+ on 1 cpus)").size(), 1u);
        auto isa = run.match(R"(init: isa (rv64\S+))");
        ASSERT_EQ(isa.size(), 2u);
        EXPECT_NE(isa[1].find("rv64imafdc"), std::string::npos) << isa[1];
        auto memory = run.match(R"(init: memory total (\d+) KiB)");
        ASSERT_EQ(memory.size(), 2u);
        EXPECT_GT(std::stol(memory[1]), 200 * 1024); // of the 256 MiB QEMU was given
        EXPECT_LE(std::stol(memory[1]), 256 * 1024);
        EXPECT_TRUE(run.contains("init: workload: 82025 primes below 1048576"));
        EXPECT_TRUE(run.contains("init: powering off"));
        EXPECT_TRUE(run.contains("reboot: Power down"));
        EXPECT_FALSE(run.contains("power-off failed"));
        EXPECT_FALSE(run.contains("Kernel panic"));
        ASSERT_TRUE(run.exit.has_value());
        EXPECT_EQ(*run.exit, 0);
    }

    static std::string first(const QemuRun& run, const std::string& regex) {
        auto m = run.match(regex);
        return m.size() >= 2 ? m[1] : "?";
    }

    static void print_figures(const std::string& console, const QemuRun& run) {
        std::cout << "linux-direct (" << console << "): boot-to-init "
                  << first(run, R"(init: boot-to-init (\d+) instructions)")
                  << " instructions from reset (firmware included); kernel clock at init "
                  << first(run, R"(init: kernel monotonic clock at init (\d+) ns)")
                  << " ns (= instructions); printk at /init "
                  << first(run, R"(\[\s*(\d+\.\d+)\] Run /init as init process)") << " s\n"
                  << "linux-direct (" << console << "): sieve "
                  << first(run, R"(init: workload: \d+ primes below \d+ in (\d+) instructions)")
                  << " instructions, getppid " << first(run, R"(init: syscall: getppid (\d+) instructions)")
                  << " instructions per call\n";
    }
};

} // namespace

TEST_F(LinuxDirectTest, BootsToInitOnTheSerialConsoleAndPowersOff) {
    QemuRun run = boot(direct("console=ttyS0 earlycon=sbi"));
    expect_init_ran_and_powered_off(run);
    EXPECT_TRUE(run.contains("earlycon: sbi0"));
    EXPECT_TRUE(run.contains("ttyS0 at MMIO 0x10000000"));
    EXPECT_TRUE(run.contains("SBI SRST extension detected"));
    print_figures("ttyS0", run);
}

TEST_F(LinuxDirectTest, BootsToInitOnTheSbiConsole) {
    QemuRun run = boot(direct("console=hvc0"));
    expect_init_ran_and_powered_off(run);
    EXPECT_TRUE(run.contains("printk: console [hvc0] enabled"));
    print_figures("hvc0", run);
}
