// Linux with four vCPUs on a four-hart machine, one vCPU per hart (vm_linux_smp): it
// boots with four processors, runs a workload split over four processes pinned one per
// CPU, and threads on every CPU that map, touch and unmap memory the others read, so that
// a stale translation on any vCPU's hart would show as a wrong byte. The harts run in
// parallel (multi-threaded TCG): the guest's CPUs really run at once.
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

// System `name` on `harts` harts running in parallel, until each of `done` has appeared.
QemuConfig parallel_linux(const std::string& name, int harts, std::vector<std::string> done) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image(name);
    c.harts = harts;
    c.parallel = true;
    c.memory = "512M";
    c.until_all = std::move(done);
    c.whole_lines = true;
    c.timeout = std::chrono::seconds(600);
    return c;
}

} // namespace

TEST_F(SystemTest, LinuxRunsOnFourVcpusOnFourHarts) {
    ASSERT_TRUE(std::filesystem::exists(linux_image)) << "no Linux guest Image at " << linux_image;
    QemuRun run = boot(parallel_linux("vm_linux_smp", 4, {"[linux] powered off\r\n", "[worker] finished"}));
    std::erase(run.console, '\r');
    EXPECT_TRUE(run.reached_until) << "the guest or the worker did not finish";
    EXPECT_FALSE(run.contains("KERNEL")) << "the kernel went down";
    EXPECT_TRUE(run.contains("  harts running: 4 of 4\n"));
    EXPECT_TRUE(run.contains("[linux] [    0.") && run.contains("smp: Brought up 1 node, 4 CPUs\n"));
    EXPECT_TRUE(run.contains("[linux] init: smp: /proc/cpuinfo lists 4 processors\n"));
    // The number of primes below 400000, whichever CPUs counted which slice.
    EXPECT_TRUE(run.contains("[linux] init: smp: 4 processes counted 33860 primes below 400000\n"));
    EXPECT_TRUE(run.contains("[linux] init: smp: 4 threads, 200 rounds of map, touch, unmap: 0 stale reads\n"));
    EXPECT_EQ(run.match(R"(\[worker\] finished 5000000 rounds \(hash d06d546b967d77e5\))").size(), 1u)
        << "the process on the fourth hart did not compute its result";
    EXPECT_FALSE(run.contains("Kernel panic"));
    EXPECT_FALSE(run.contains("Oops"));
}

// Two vCPUs and two native processes on two harts, placed by the root's default spread
// (vm_linux_smp2): each hart runs a vCPU and a worker of the same priority in turn, and
// the guest's parallel workload, its TLB churn and both workers all finish correctly.
TEST_F(SystemTest, LinuxWithTwoVcpusAndTwoProcessesShareTwoHarts) {
    ASSERT_TRUE(std::filesystem::exists(linux_image)) << "no Linux guest Image at " << linux_image;
    QemuRun run =
        boot(parallel_linux("vm_linux_smp2", 2, {"[linux] powered off\r\n", "[worker-a] finished", "[worker-b] finished"}));
    std::erase(run.console, '\r');
    EXPECT_TRUE(run.reached_until) << "the guest or a worker did not finish";
    EXPECT_FALSE(run.contains("KERNEL")) << "the kernel went down";
    EXPECT_TRUE(run.contains("  harts running: 2 of 2\n"));
    EXPECT_FALSE(run.contains("is not running"));
    EXPECT_TRUE(run.contains("smp: Brought up 1 node, 2 CPUs\n"));
    EXPECT_TRUE(run.contains("[linux] init: smp: /proc/cpuinfo lists 2 processors\n"));
    EXPECT_TRUE(run.contains("[linux] init: smp: 2 processes counted 33860 primes below 400000\n"));
    EXPECT_TRUE(run.contains("[linux] init: smp: 2 threads, 200 rounds of map, touch, unmap: 0 stale reads\n"));
    for (const char* worker : {"worker-a", "worker-b"})
        EXPECT_EQ(run.match(std::string(R"(\[)") + worker + R"(\] finished 5000000 rounds \(hash d06d546b967d77e5\))")
                      .size(),
                  1u)
            << worker << " did not compute its result";
    EXPECT_FALSE(run.contains("Kernel panic"));
    EXPECT_FALSE(run.contains("Oops"));
}
