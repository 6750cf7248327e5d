// A VM whose four vCPUs storm each other with SBI IPIs, remote fences, malformed calls and
// hart_stop/hart_start races (guests/hostile, ipi-storm) on a 4-hart machine, beside a
// worker and a ping-pong pair of the VM's priority, which must still finish their work:
// first all on one hart under -icount (exact), then spread over the harts running at once.
#include "system_test.hpp"

#include <regex>

using namespace isok::test;

namespace {

constexpr unsigned long rounds = 5000; // hostile.count in systems/vm_hostile_ipi_storm.toml

// One boot serves every check below: it takes the longest of the hostile systems.
class VmHostileSmpTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image("vm_hostile_ipi_storm");
        c.harts = 4;
        c.until_all = {"[hostile] powered off", " instructions\r\n", "[ping] sent ", "[pong] answered "};
        c.timeout = std::chrono::seconds(120);
        auto start = std::chrono::steady_clock::now();
        run_ = new QemuRun(run_qemu(c));
        seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::erase(run_->console, '\r');
    }
    static void TearDownTestSuite() {
        delete run_;
        run_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cout << run_->report();
    }
    static const QemuRun& run() { return *run_; }

    static QemuRun* run_;
    static double seconds_;
};

QemuRun* VmHostileSmpTest::run_ = nullptr;
double VmHostileSmpTest::seconds_ = 0;

} // namespace

TEST_F(VmHostileSmpTest, AnIpiAndFenceStormDoesNotStopProcessesOnItsHart) {
    const QemuRun& r = run();
    ASSERT_TRUE(r.reached_until) << "the guest, the worker or the ping-pong pair did not finish";
    EXPECT_FALSE(r.contains("KERNEL")) << "the kernel went down";
    EXPECT_FALSE(r.contains("VM stopped")) << "the VMM stopped the VM instead of answering its calls";
    EXPECT_TRUE(r.contains("[root] started 4 processes\n"));
    size_t storm = r.console.find("[hostile] hostile: ipi-storm: 4 harts, 5000 rounds each; hart 3 stops itself every 1250 rounds\n");
    ASSERT_NE(storm, std::string::npos);

    // Every vCPU did all its rounds, every well-formed call succeeded, every vCPU took IPIs.
    std::regex hart_line(R"(\[hostile\] hostile: ipi-storm: hart (\d+): (\d+) rounds, (\d+) IPIs sent, (\d+) received, )"
                         R"((\d+) fences, (\d+) failed calls, (\d+) start\(s\), (\d+) stop\(s\)\n)");
    unsigned harts = 0;
    for (std::sregex_iterator m(r.console.begin(), r.console.end(), hart_line), end; m != end; ++m, ++harts) {
        SCOPED_TRACE("hart " + (*m)[1].str());
        EXPECT_EQ(std::stoul((*m)[2]), rounds);
        // To the three others, but not to the one stopping (out of the mask while it stops).
        EXPECT_LE(std::stoul((*m)[3]), 3 * rounds);
        EXPECT_GE(std::stoul((*m)[3]), 2 * rounds);
        EXPECT_GT(std::stoul((*m)[4]), 0u) << "no IPI arrived";
        EXPECT_EQ(std::stoul((*m)[5]), rounds);
        EXPECT_EQ(std::stoul((*m)[6]), 0u) << "a well-formed call failed";
    }
    EXPECT_EQ(harts, 4u);
    EXPECT_FALSE(r.contains("first failed call"));
    // The last vCPU stopped itself at rounds 1250, 2500 and 3750; each time one of the racing
    // hart_starts brought it back.
    EXPECT_TRUE(r.contains(" 4 start(s), 3 stop(s)\n"));
    EXPECT_NE(r.match(R"(hostile: ipi-storm: hart 3 stopped itself 3 time\(s\): 3 hart_start\(s\) brought it back, \d+ were refused, 0 start\(s\) of a running hart\n)")
                  .size(),
              0u);

    // What the VMM answers each malformed call (2000 of each: 4 vCPUs, every tenth round).
    for (const char* line : {"send_ipi with mask bits for harts that do not exist: 2000 SBI_ERR_INVALID_PARAM",
                             "send_ipi with hart_mask_base 2^63: 2000 SBI_ERR_INVALID_PARAM",
                             "send_ipi with hart_mask_base 2^64-2 and a full mask (base + bit wraps): 2000 SBI_ERR_INVALID_PARAM",
                             "remote_sfence_vma of 8 KiB from 0xfffffffffffff000 (wraps around): 2000 accepted",
                             "remote_sfence_vma of 2^63 bytes from 0: 2000 accepted",
                             "remote_sfence_vma_asid of everything, asid 0xffffffffffffffff: 2000 accepted",
                             "send_ipi to every hart (hart_mask_base -1): 2000 accepted",
                             "hart_start of a running hart (me): 2000 SBI_ERR_ALREADY_AVAILABLE",
                             "hart_get_status of hart 0xffffffff: 2000 SBI_ERR_INVALID_PARAM",
                             "hart_start of a hart that does not exist: 2000 SBI_ERR_INVALID_PARAM"})
        EXPECT_TRUE(r.contains(std::string("[hostile] hostile: ipi-storm: ") + line + "\n")) << line;
    auto totals = r.match(R"(\[hostile\] hostile: ipi-storm: 4 hart\(s\), 5000 rounds each: (\d+) IPIs sent, (\d+) received, )"
                          R"((\d+) fences, (\d+) failed calls; survived)");
    ASSERT_EQ(totals.size(), 5u) << "no totals";
    EXPECT_EQ(totals[3], "20000");

    // The witnesses beside it finished their work, the last of them during the
    // storm (under -icount the order is the same on every run of the same build).
    auto worker = r.match(R"(\[worker\] finished 5000000 rounds \(hash ([0-9a-f]+)\))");
    ASSERT_EQ(worker.size(), 2u) << "the worker did not finish";
    EXPECT_EQ(worker[1], "d06d546b967d77e5") << "the worker computed something else";
    EXPECT_TRUE(r.contains("[pong] answered 1000 balls\n"));
    EXPECT_TRUE(r.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
    size_t last = std::max({r.console.find("[worker] finished"), r.console.find("[ping] sent"),
                            r.console.find("[pong] answered")});
    EXPECT_GT(last, storm) << "the witnesses were done before the storm began: this run shows nothing";
    EXPECT_LT(last, r.console.find("hostile: ipi-storm: hart 0: ")) << "the last witness finished after the storm";
    std::cout << "ipi-storm in a VM: " << totals[2] << " IPIs received, " << seconds_ << " s wall\n";
}

// SBI HSM: a hart starts with sstatus.SIE = 0 (SBI 2.0, hart_start). The guest leaves SIE
// set when it stops a vCPU and reports a restart that finds it still set.
TEST_F(VmHostileSmpTest, AStoppedVcpuStartsAgainWithInterruptsDisabled) {
    ASSERT_TRUE(run().reached_until);
    EXPECT_FALSE(run().contains("with sstatus.SIE set (hart_start must clear it)"))
        << "hart_start resumed the vCPU with the supervisor state it stopped with";
}

// The same storm with the harts running at once (vm_hostile_ipi_storm_spread.toml): the
// vCPUs on harts 2 and 3, the witnesses spread by the root over harts 0, 1 and 2. Only
// what does not depend on timing is checked: everyone finishes, everything adds up.
TEST(VmHostileSmpSpreadTest, AStormOnTwoHartsDoesNotStopProcessesOnTheOthers) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("vm_hostile_ipi_storm_spread");
    c.harts = 4;
    c.parallel = true;
    c.whole_lines = true;
    c.until_all = {"[hostile] powered off", "[worker] finished", "[ping] sent ", "[pong] answered "};
    c.timeout = std::chrono::seconds(240);
    QemuRun r = run_qemu(c);
    std::erase(r.console, '\r');
    ASSERT_TRUE(r.reached_until) << "the guest, the worker or the ping-pong pair did not finish\n" << r.report();
    EXPECT_FALSE(r.contains("KERNEL")) << "the kernel went down";
    EXPECT_FALSE(r.contains("VM stopped"));
    EXPECT_FALSE(r.contains("is not running")) << "every hart the manifest names runs";
    auto totals = r.match(R"(\[hostile\] hostile: ipi-storm: 4 hart\(s\), 1000 rounds each: (\d+) IPIs sent, (\d+) received, )"
                          R"((\d+) fences, (\d+) failed calls; survived\n)");
    ASSERT_EQ(totals.size(), 5u) << r.report();
    EXPECT_EQ(totals[3], "4000");
    EXPECT_EQ(totals[4], "0") << "a well-formed call failed";
    EXPECT_TRUE(r.contains(" 4 start(s), 3 stop(s)\n"));
    EXPECT_EQ(r.match(R"(\[worker\] finished 5000000 rounds \(hash d06d546b967d77e5\))").size(), 1u);
    EXPECT_TRUE(r.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
}
