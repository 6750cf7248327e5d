// Virtual machines beside processes: the mini guest (guests/mini) in a VM passes every
// check it passes on bare QEMU while a ping-pong pair and a worker of the same priority
// run beside it (vm_mini), and the shared workload (guests/workload) computes the same
// result as a native process and inside the guest (vm_equivalence). Each system is a
// boot image built from tests/system/systems by isotool build.
#include "system_test.hpp"

#include <isok/workload.hpp>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <regex>
#include <sstream>

using namespace isok::test;

namespace {

// What the mini guest checks, in its order (as in mini_guest_test.cpp).
const std::vector<std::string> all_checks = {"device tree",    "sbi base",   "sbi time",     "paging",
                                             "page alias",     "page fault", "user syscall", "user fault",
                                             "virtio console", "timer sbi",  "timer sstc",   "workload"};

const std::string powered_off = "[mini] powered off\n";

// Hex digits as a number (the workload's result does not fit std::stol).
isok::u64 hex(const std::string& digits) { return std::stoull(digits, nullptr, 16); }

std::string hex(isok::u64 value) {
    char s[19];
    std::snprintf(s, sizeof s, "0x%016llx", static_cast<unsigned long long>(value));
    return s;
}

class VmTest : public SystemTest {
protected:
    // Boots the system on one hart (what the kernel uses) until the guest has powered off:
    // it has the most to do, so the processes beside it have finished by then (the worker
    // needs about 50M instructions of its own; the guest about 90M, and 40 ms of waiting
    // for its timer, which leave the processor to the others).
    QemuRun boot_until_powered_off(const std::string& image) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = image;
        c.harts = 1;
        c.until = "[mini] powered off\r\n"; // the whole line
        c.timeout = std::chrono::seconds(60);
        c.skip_idle = true; // the guest's timer checks, whatever the host's load
        QemuRun run = boot(c);
        // Lines end in "\n" here: the console's "\r" is dropped.
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << "the guest never powered off";
        EXPECT_FALSE(run.contains("KERNEL PANIC")) << "the kernel went down";
        EXPECT_FALSE(run.contains("FAILED")) << "a guest check failed";
        EXPECT_FALSE(run.contains("failed")) << "a process or VM failed";
        return run;
    }

    // The checks the guest reported as passed, in order; the VMM puts "[mini] " first.
    static std::vector<std::string> passed(const QemuRun& run) {
        std::vector<std::string> names;
        std::regex ok(R"(^\[mini\] mini: (.+) ok$)");
        std::istringstream lines(run.console);
        for (std::string line; std::getline(lines, line);) {
            std::smatch m;
            if (std::regex_match(line, m, ok)) names.push_back(m[1]);
        }
        return names;
    }
};

} // namespace

TEST_F(VmTest, MiniGuestPassesEveryCheckBesideNativeProcesses) {
    QemuRun run = boot_until_powered_off(test_image("vm_mini"));

    // The root built the VM as the manifest says, and the VMM booted it.
    EXPECT_TRUE(run.contains("[root] vm 'mini': 32 MiB of guest RAM, 1 vCPU; 'mini.vmm' starts it\n"));
    EXPECT_TRUE(run.contains("[root] started 4 processes\n")); // pong, ping, worker and mini.vmm
    EXPECT_TRUE(
        run.match(R"(\[mini\] vmm: 32 MiB, 1 vCPU\(s\); kernel at 80200000, device tree at [0-9a-f]+)").size() == 1);

    // The guest sees the machine its manifest describes, and every check passes.
    EXPECT_EQ(passed(run), all_checks);
    EXPECT_TRUE(run.contains("[mini] mini: all 12 checks passed\n"));
    EXPECT_TRUE(
        run.match(
               R"(\[mini\] mini: device tree: \d+ bytes at 0x[0-9a-f]+; memory 32 MiB in 1 region\(s\) from 0x80000000; 1 cpu\(s\); timebase 10000000 Hz; 1 virtio-mmio slot\(s\))")
            .size() == 1);
    EXPECT_TRUE(run.contains("[mini] mini: hello through the virtio console\n"));
    EXPECT_TRUE(run.contains("[mini] mini: sbi: spec 1.0, implementation 1230196555 (unknown) version 0x1; TIME yes, "
                             "SRST yes, HSM yes, DBCN yes\n"));
    auto workload = run.match(R"(\[mini\] mini: workload result 0x([0-9a-f]{16}) in (\d+) instructions)");
    ASSERT_EQ(workload.size(), 3u);
    EXPECT_EQ(hex(workload[1]), isok::workload::default_checksum);
    EXPECT_TRUE(run.contains(powered_off));

    // The processes beside it did their work and said so.
    EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
    EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
    auto worker = run.match(
        R"(\[worker\] finished 5000000 rounds \(hash ([0-9a-f]+)\); the processor was taken from me (\d+) times, for (\d+) instructions\n)");
    ASSERT_EQ(worker.size(), 4u) << "the worker did not finish";
    EXPECT_EQ(worker[1], "d06d546b967d77e5"); // what it computes alone (process_test's isolation system)
    std::cout << "vm_mini: worker taken from it " << worker[2] << " times, for " << worker[3]
              << " instructions; guest workload " << workload[2] << " instructions\n";
}

TEST_F(VmTest, WorkloadGivesTheSameResultAsAProcessAndInAGuest) {
    QemuRun run = boot_until_powered_off(test_image("vm_equivalence"));

    auto native = run.match(R"(\[workload\] workload result 0x([0-9a-f]{16}) in (\d+) instructions\n)");
    auto guest = run.match(R"(\[mini\] mini: workload result 0x([0-9a-f]{16}) in (\d+) instructions\n)");
    ASSERT_EQ(native.size(), 3u) << "the native process printed no result";
    ASSERT_EQ(guest.size(), 3u) << "the guest printed no result";
    EXPECT_EQ(native[1], guest[1]) << "the two faces computed different results";
    EXPECT_EQ(hex(native[1]), isok::workload::default_checksum)
        << "native result " << native[1] << ", expected " << hex(isok::workload::default_checksum);
    EXPECT_EQ(hex(guest[1]), isok::workload::default_checksum)
        << "guest result " << guest[1] << ", expected " << hex(isok::workload::default_checksum);
    EXPECT_TRUE(run.contains("[mini] mini: workload ok\n"));

    // Compiled alike (the kernel and user flavours differ only in the FPU), the two runs
    // retire nearly the same instructions: the process ran alone (it has the higher
    // priority), and the guest's count includes what the host's ticks cost it.
    double n = std::stod(native[2]), g = std::stod(guest[2]);
    EXPECT_LT(std::abs(g - n) / n, 0.01) << "native " << native[2] << " instructions, guest " << guest[2];
    std::cout << "vm_equivalence: result 0x" << native[1] << "; native " << native[2] << " instructions, guest "
              << guest[2] << " (" << std::fixed << std::setprecision(6) << g / n << " x)\n";

    // This VM has no UART; the guest needs none: its console is SBI's and the virtio
    // console, the one device its device tree lists, and every check passes.
    EXPECT_TRUE(run.contains("[mini] mini: all 12 checks passed\n"));
    EXPECT_TRUE(run.contains("[mini] mini: hello through the virtio console\n"));
    EXPECT_TRUE(run.contains(powered_off));
}
