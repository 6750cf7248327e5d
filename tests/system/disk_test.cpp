// One block service serving a VM and a process through the same protocol
// (tests/system/systems/disk_write.toml, disk_verify.toml): blockd drives QEMU's
// virtio-blk disk and serves two partitions of it, the first to a Linux VM (its
// virtio-blk /dev/vda, an ext2 file system made here on the host), the second to the
// process disk_client. The first boot writes (the VM a seeded 1 MiB file and its CRC,
// the client a seeded pattern in its first 64 sectors); the second boot, on the same
// disk image, finds both intact. Then the host reads the image: the VM's file is in the
// VM's partition, the client's pattern in the client's, and nothing was written outside
// the partitions or past what the client wrote.
#include "disk_image.hpp"
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

// The layout of disk0 in both manifests: partitions from sector 2048, back to back.
constexpr unsigned long long vm_first = disk::first_partition_sector * disk::sector_bytes; // 1 MiB
constexpr unsigned long long vm_bytes = 16 * disk::mib;
constexpr unsigned long long client_first = vm_first + vm_bytes;
constexpr unsigned long long client_bytes = disk::mib;
constexpr unsigned long long disk_bytes = client_first + client_bytes;
constexpr unsigned long long pattern_bytes = 64 * disk::sector_bytes; // what disk_client writes

// A line of a native process: "[process] " then, whatever its style, perhaps its
// program's "name: ".
std::string service_line(const std::string& process, const std::string& rest, const std::string& program = "") {
    return "\\[" + process + "\\] (?:" + (program.empty() ? process : program) + ": )?" + rest;
}

std::string client_line(const std::string& rest) { return service_line("client", rest, "disk_client"); }

// System `system` with the disk image `image` as QEMU's first virtio-blk disk (modern),
// until `until` (blockd runs forever, so some line must end the run).
QemuConfig with_disk(const std::string& system, const std::string& image, int harts, const std::string& until) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image(system);
    c.harts = harts;
    c.memory = "512M";
    c.extra = disk::qemu_drive(image, "disk0", true);
    c.until = until;
    c.timeout = std::chrono::seconds(180);
    return c;
}

class DiskTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }

    QemuRun boot_with_disk(const std::string& system, const std::string& image) {
        QemuRun run = boot(with_disk(system, image, 1, "[vm] powered off\r\n"));
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << system << ": the VM never powered off";
        EXPECT_FALSE(run.contains("KERNEL PANIC"));
        EXPECT_TRUE(run.contains("[root] started 3 processes\n")) << "blockd, the client and the VMM";
        EXPECT_FALSE(run.contains("faulted"));
        EXPECT_EQ(run.match(service_line("blockd", R"(disk (\d+) sectors, 2 partitions)")).size(), 2u);
        EXPECT_EQ(run.match(service_line("blockd", R"(partition vm-data sectors 2048\+32768 for badge \d+)")).size(),
                  1u);
        EXPECT_EQ(run.match(service_line("blockd", R"(partition store sectors 34816\+2048 for badge \d+)")).size(), 1u);
        EXPECT_EQ(run.match(client_line("done\n")).size(), 1u) << "the client did not finish first";
        EXPECT_EQ(run.match(client_line("read back ok\n")).size(), 1u);
        EXPECT_EQ(run.match(client_line("data intact after refusals\n")).size(), 1u);
        EXPECT_TRUE(run.contains("[vm] init: powering off\n"));
        EXPECT_FALSE(run.contains("Kernel panic"));
        EXPECT_FALSE(run.contains("VM stopped"));
        EXPECT_FALSE(run.contains("I/O error")) << "the guest's block layer saw an error";
        return run;
    }
};

} // namespace

TEST_F(DiskTest, AVmAndAProcessKeepTheirDataInTheirOwnPartitionsAcrossAReboot) {
    std::string dir = disk::work_folder("disk_test");
    std::string image = dir + "/disk0.img", fs = dir + "/vm-data.img";
    disk::Output made = disk::make_ext2(fs, vm_bytes);
    ASSERT_EQ(made.status, 0) << made.text;
    ASSERT_TRUE(disk::create_zeroed(image, disk_bytes));
    ASSERT_TRUE(disk::write_range(image, vm_first, disk::read_file(fs)));

    QemuRun write = boot_with_disk("disk_write", image);
    auto wrote = write.match(R"(\[vm\] init: disk wrote 1048576 bytes crc ([0-9a-f]{8})\n)");
    ASSERT_EQ(wrote.size(), 2u) << "the VM did not write its file";
    auto pattern = write.match(client_line(R"(wrote 64 sectors crc ([0-9a-f]{8})\n)"));
    ASSERT_EQ(pattern.size(), 2u) << "the client did not write its pattern";
    std::string pattern_crc = pattern[1];

    QemuRun verify = boot_with_disk("disk_verify", image);
    EXPECT_TRUE(verify.contains("[vm] init: disk verified 1048576 bytes crc " + wrote[1] + "\n"))
        << "the VM's file did not survive the reboot";
    EXPECT_FALSE(verify.contains("[vm] init: disk corrupt"));
    EXPECT_EQ(verify.match(client_line("found crc " + pattern_crc + "\n")).size(), 1u)
        << "the client's pattern did not survive the reboot";

    // On the host: the VM's partition is a clean file system holding the VM's file ...
    std::string partition = dir + "/vm-data.out";
    std::filesystem::remove(partition);
    ASSERT_TRUE(disk::create_zeroed(partition, 0));
    ASSERT_TRUE(disk::write_range(partition, 0, disk::read_range(image, vm_first, vm_bytes)));
    disk::Output fsck = disk::check_ext2(partition);
    EXPECT_EQ(fsck.status, 0) << fsck.text;
    std::string data = disk::ext2_file(partition, "/data", dir + "/data");
    EXPECT_EQ(data.size(), 1048576u);
    EXPECT_EQ(disk::crc_text(data), wrote[1]);
    EXPECT_EQ(disk::ext2_file(partition, "/data.crc", dir + "/data.crc"), wrote[1] + "\n");
    // ... the client's pattern is at the start of its own partition, the rest of which is
    // as it was (zero), and so is everything outside the partitions.
    EXPECT_EQ(disk::crc_text(disk::read_range(image, client_first, pattern_bytes)), pattern_crc);
    EXPECT_TRUE(disk::all_zero(disk::read_range(image, client_first + pattern_bytes, client_bytes - pattern_bytes)))
        << "something wrote into the client's partition past its pattern";
    EXPECT_TRUE(disk::all_zero(disk::read_range(image, 0, vm_first))) << "something wrote before the first partition";
    EXPECT_EQ(std::filesystem::file_size(image), disk_bytes);
}

// Where blockd's disk interrupt is taken (disk_irq_here.toml, disk_irq_there.toml): on
// the PLIC context of the hart blockd runs on, so with blockd beside the client on hart
// 1 that hart takes the disk's interrupts, and with blockd on hart 0 it takes none.
namespace {

class DiskInterruptTest : public SystemTest {
protected:
    // The device interrupts the client's hart took while the client did its I/O.
    long interrupts_on_hart1(const std::string& system) {
        std::string dir = disk::work_folder(system);
        std::string image = dir + "/disk0.img";
        EXPECT_TRUE(disk::create_zeroed(image, vm_first + client_bytes));
        QemuRun run = boot(with_disk(system, image, 2, "disk_client: done\r\n"));
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << system << ": the client did not finish";
        EXPECT_FALSE(run.contains("KERNEL PANIC"));
        EXPECT_EQ(run.match(client_line("read back ok\n")).size(), 1u);
        auto took = run.match(client_line(R"(hart (\d+) took (\d+) device interrupts\n)"));
        if (took.size() != 3u) {
            ADD_FAILURE() << system << ": no interrupt count from the client";
            return -1;
        }
        EXPECT_EQ(took[1], "1") << "the client runs on hart 1";
        return std::stol(took[2]);
    }
};

} // namespace

TEST_F(DiskInterruptTest, ADiskInterruptIsTakenOnTheHartItsDriverRunsOn) {
    // blockd waits for an interrupt only when the disk has not finished by the time it
    // looks (QEMU often completes a request during the notify), so a run takes few;
    // where they are taken is what counts.
    EXPECT_GE(interrupts_on_hart1("disk_irq_here"), 1);
    EXPECT_EQ(interrupts_on_hart1("disk_irq_there"), 0);
}
