// VM lifecycle: Linux reboots. Its shell is typed `reboot` five times; each time Linux
// makes an SBI SRST warm reboot and the VMM starts the VM again from a fresh load (RAM
// cleared, kernel loaded again, every device as at reset, the same switch port and disk
// partition). Every boot prints the same init lines, pings the native inet through the
// switch and writes and reads 1 MiB of its partition; the processes beside it run on.
#include "disk_image.hpp"
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;
const std::string prompt = "isok$ ";
constexpr int reboots = 5;

class LinuxRebootTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }
};

} // namespace

TEST_F(LinuxRebootTest, LinuxRebootsFiveTimesAndEveryBootIsTheSame) {
    std::string dir = disk::work_folder("linux_reboot");
    std::string image = dir + "/disk0.img";
    ASSERT_TRUE(disk::create_zeroed(image, 16 * disk::mib));

    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("vm_linux_reboot");
    c.harts = 1;
    c.memory = "512M";
    c.extra = disk::qemu_drive(image, "disk0", true);
    for (int i = 0; i < reboots; ++i) c.typing.push_back({prompt, "reboot\r"});
    c.typing.push_back({prompt, "poweroff\r"});
    c.until = "[linux] powered off\r\n";
    c.timeout = std::chrono::seconds(300);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until) << "Linux did not come back from its reboots and power off";
    EXPECT_FALSE(run.contains("KERNEL PANIC"));
    EXPECT_FALSE(run.contains("Kernel panic"));
    EXPECT_FALSE(run.contains("Oops"));

    // Five reboots, each a warm SRST reboot the VMM carried out; six boots in all.
    EXPECT_EQ(run.count("[linux] init: rebooting\n"), size_t(reboots));
    EXPECT_EQ(run.count("[linux] vmm: warm reboot\n"), size_t(reboots));
    EXPECT_EQ(run.count("vmm: vcpu0 starts at pc 80200000"), size_t(reboots + 1));
    EXPECT_EQ(run.count("[linux] [    0.000000] Linux version 6.1."), size_t(reboots + 1));
    // The same init lines on every boot: the network (the same switch port) and the disk
    // (the same partition) work each time.
    EXPECT_EQ(run.count("[linux] init: hello from Linux 6.1."), size_t(reboots + 1));
    EXPECT_EQ(run.count("[linux] init: workload: 82025 primes below 1048576"), size_t(reboots + 1));
    EXPECT_EQ(run.count("[linux] init: ping 10.0.0.2 ok seq "), size_t(reboots + 1));
    EXPECT_EQ(run.count("[linux] init: diskbench read 1048576 bytes "), size_t(reboots + 1));
    EXPECT_FALSE(run.contains("failed"));
    EXPECT_FALSE(run.contains("VM stopped"));
    // Nothing of a boot outlives it: a fresh RAM, the devices as at reset.
    EXPECT_FALSE(run.contains("virtio-net: ")) << "the device saw a broken queue";
    EXPECT_TRUE(run.contains("[linux] init: powering off\n"));

    // The processes on the same network and disk ran on.
    EXPECT_TRUE(run.contains("[inet] inet: up 10.0.0.2/24"));
    EXPECT_TRUE(run.contains("read back ok"));
}
