// The hostile guest (and the benchmark guest) on bare QEMU, with OpenSBI and no
// hypervisor: what each scenario announces, that the faults it provokes on itself come
// back to it, that sbi-junk's malformed calls are all refused. Here the guest survives
// what a hypervisor must stop it for; tests under Isokernel expect the opposite
// (guests/hostile/README.md says what).
#include "system_test.hpp"

#include <filesystem>
#include <regex>
#include <sstream>

using namespace isok::test;

namespace {

// The guests sit beside the mini guest in the target build: guests/<name>/<name>.elf.
std::string guest_path(const std::string& name) {
    std::filesystem::path mini = ISOK_MINI_GUEST_PATH;
    return (mini.parent_path().parent_path() / name / (name + ".elf")).string();
}

// The console's lines (OpenSBI's putchar turns '\n' into "\r\n").
std::vector<std::string> lines(const QemuRun& run) {
    std::vector<std::string> out;
    std::istringstream in(run.console);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
    }
    return out;
}

// Index of the first line equal to text at or after from; -1 when none.
long find_line(const std::vector<std::string>& all, const std::string& text, long from = 0) {
    for (long i = from; i < long(all.size()); ++i)
        if (all[size_t(i)] == text) return i;
    return -1;
}

long count_matching(const std::vector<std::string>& all, const std::regex& form) {
    long n = 0;
    for (const auto& line : all) n += std::regex_match(line, form);
    return n;
}

QemuConfig guest(const std::string& name, const std::string& bootargs, std::vector<std::string> extra = {}) {
    QemuConfig c;
    c.kernel = guest_path(name);
    c.bootargs = bootargs;
    c.memory = "128M";
    c.harts = 1;
    c.extra = std::move(extra);
    c.timeout = std::chrono::seconds(30);
    return c;
}

class HostileGuestTest : public SystemTest {};

} // namespace

TEST_F(HostileGuestTest, SbiJunkIsRefusedCallByCallAndTheGuestPowersOff) {
    QemuRun run = boot(guest("hostile", "hostile=sbi-junk"));
    auto all = lines(run);

    // Every call answered with an error code on its own line; none of them succeeded.
    EXPECT_EQ(count_matching(all, std::regex(R"(hostile: sbi .+ -> error -[0-9]+ SBI_ERR_[A-Z_]+)")), 28);
    EXPECT_FALSE(run.contains("SBI_SUCCESS"));
    for (const char* line : {"unknown extension 0x44da0128 -> error -2 SBI_ERR_NOT_SUPPORTED",
                             "unknown extension 0xffffffff -> error -2 SBI_ERR_NOT_SUPPORTED",
                             "hsm unknown function 8 -> error -2 SBI_ERR_NOT_SUPPORTED",
                             "hsm hart_start of hart 1 (one past the last) -> error -3 SBI_ERR_INVALID_PARAM",
                             "hsm hart_start of hart 0 (me, running) -> error -6 SBI_ERR_ALREADY_AVAILABLE",
                             "srst system_reset type 3 (reserved) -> error -3 SBI_ERR_INVALID_PARAM"})
        EXPECT_NE(find_line(all, std::string("hostile: sbi ") + line), -1) << line;
    EXPECT_EQ(all.empty() ? "" : all.back(), "hostile: sbi-junk done");
    ASSERT_TRUE(run.exit.has_value()) << "the guest did not power QEMU off";
}

TEST_F(HostileGuestTest, CsrJunkGetsItsMModeTrapsBackAndOnlyABareHartSurvivesHypervisorCsrs) {
    const std::string mmode = "hostile: M-mode CSRs: 4 of 4 accesses trapped as illegal instructions and were skipped";
    QemuRun with_h = boot(guest("hostile", "hostile=csr-junk"));
    auto h = lines(with_h);
    long announced = find_line(h, "hostile: reading hstatus (CSR 0x600): csrr a0, hstatus, instruction 0x60002573");
    EXPECT_NE(find_line(h, mmode), -1);
    EXPECT_NE(announced, -1);
    EXPECT_NE(find_line(h, "hostile: the hstatus read went through: this is HS-mode, not a guest", announced), -1);
    EXPECT_NE(find_line(h, "hostile: the hgatp write went through: this is HS-mode, not a guest", announced), -1);
    EXPECT_EQ(h.empty() ? "" : h.back(), "hostile: survived");

    QemuRun without_h = boot(guest("hostile", "hostile=csr-junk", {"-cpu", "rv64,h=false"}));
    auto n = lines(without_h);
    EXPECT_NE(find_line(n, mmode), -1);
    EXPECT_NE(find_line(n, "hostile: the hstatus read raised an illegal instruction (this hart has no H extension); "
                           "going on"),
              -1);
    EXPECT_EQ(n.empty() ? "" : n.back(), "hostile: survived");
}

// Each store is announced before it is made; where QEMU has nothing, OpenSBI hands the
// access fault back to the guest, which goes on (a hypervisor stops it at the first).
TEST_F(HostileGuestTest, OutsideAnnouncesEveryStoreBeforeMakingIt) {
    QemuRun run = boot(guest("hostile", "hostile=outside"));
    auto all = lines(run);
    long at = 0;
    for (const char* address :
         {"0x200000000", "0x7fff0000", "0x7ffff000", "0x88000000", "0xc8000000", "0x1000000000"}) {
        std::regex announce("hostile: storing 0x21656c6974736f68 to " + std::string(address) + " \\(.+\\)");
        while (at < long(all.size()) && !std::regex_match(all[size_t(at)], announce)) ++at;
        ASSERT_LT(at, long(all.size())) << "no announcement of the store to " << address;
        ASSERT_LT(at + 1, long(all.size()));
        EXPECT_NE(all[size_t(at + 1)].find(address), std::string::npos) << all[size_t(at + 1)];
    }
    EXPECT_NE(
        find_line(all, "hostile: the store at 0x88000000 raised a store access fault (stval 0x88000000); going on"),
        -1);
    EXPECT_EQ(all.empty() ? "" : all.back(), "hostile: survived");
}

TEST_F(HostileGuestTest, DeviceReadsOnlyWhatItsDeviceTreeLeavesOutOrTheAddressItIsGiven) {
    QemuRun listed = boot(guest("hostile", "hostile=device"));
    EXPECT_TRUE(listed.contains("hostile: my device tree lists the UART and every virtio-mmio slot: nothing to read"));
    QemuRun given = boot(guest("hostile", "hostile=device hostile.addr=0x10001000"));
    EXPECT_TRUE(
        given.contains("hostile: reading 4 byte(s) at 0x10001000 (given by hostile.addr, listed in my device tree)"));
    EXPECT_TRUE(given.contains("hostile: the load from 0x10001000 read 0x74726976")); // "virt"
}

TEST_F(HostileGuestTest, MmioStormSaysItIsDoneAndStormsOn) {
    QemuConfig c = guest("hostile", "hostile=mmio-storm hostile.count=5000");
    c.until = "hostile: storming on forever";
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("hostile: storm: 5000 reads of 0x10000007 (the ns16550a scratch register)"));
    EXPECT_EQ(run.match(R"(hostile: storm done: 5000 reads in (\d+) instructions)").size(), 2u);
}

TEST_F(HostileGuestTest, SpinMaskedNeverEnds) {
    QemuConfig c = guest("hostile", "hostile=spin-masked");
    c.timeout = std::chrono::seconds(3);
    QemuRun run = boot(c);
    EXPECT_TRUE(run.contains("hostile: masking interrupts (sstatus.SIE = 0, sie = 0) and spinning forever"));
    EXPECT_TRUE(run.timed_out);
    EXPECT_FALSE(run.exit.has_value());
}

TEST_F(HostileGuestTest, WithoutAScenarioItNamesThoseItKnowsAndPowersOff) {
    QemuRun run = boot(guest("hostile", "quiet"));
    EXPECT_TRUE(run.contains("hostile: no scenario in bootargs \"quiet\": want "
                             "hostile=<outside|mmio-storm|spin-masked|csr-junk|sbi-junk|device|virtio-junk|ipi-storm>"));
    EXPECT_TRUE(run.exit.has_value());
}

// ipi-storm on four harts of bare QEMU: OpenSBI answers the storm, the malformed calls
// and the stop/start race, so the scenario itself is sound. OpenSBI's remote fences wait
// for every hart: under -icount (one hart at a time) a round takes seconds, hence parallel
// harts and 200 rounds (the stopping hart stops at rounds 50, 100 and 150).
TEST_F(HostileGuestTest, IpiStormOnFourHartsEndsWithEveryHartsRoundsDone) {
    QemuConfig c = guest("hostile", "hostile=ipi-storm hostile.count=200");
    c.harts = 4;
    c.parallel = true;
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    auto all = lines(run);
    ASSERT_TRUE(run.exit.has_value()) << "the guest did not power QEMU off";
    std::regex hart(R"(hostile: ipi-storm: hart \d+: 200 rounds, \d+ IPIs sent, [1-9]\d* received, 200 fences, 0 failed calls, \d+ start\(s\), \d+ stop\(s\))");
    EXPECT_EQ(count_matching(all, hart), 4);
    for (const char* line : {"send_ipi with hart_mask_base 2^63: 80 SBI_ERR_INVALID_PARAM",
                             "hart_start of a running hart (me): 80 SBI_ERR_ALREADY_AVAILABLE",
                             "hart_start of a hart that does not exist: 80 SBI_ERR_INVALID_PARAM"})
        EXPECT_NE(find_line(all, std::string("hostile: ipi-storm: ") + line), -1) << line;
    EXPECT_EQ(count_matching(all, std::regex(R"(hostile: ipi-storm: hart \d stopped itself 3 time\(s\): 3 hart_start\(s\) brought it back, \d+ were refused, 0 start\(s\) of a running hart)")),
              1);
    EXPECT_FALSE(run.contains("sstatus.SIE set"));
    EXPECT_EQ(count_matching(all, std::regex(R"(hostile: ipi-storm: 4 hart\(s\), 200 rounds each: \d+ IPIs sent, \d+ received, 800 fences, 0 failed calls; survived)")),
              1);
    EXPECT_EQ(*run.exit, 0) << "the guest found its counts wrong (it powers off with reason system failure)";
}

// On bare QEMU the exit figures are the firmware's, not a hypervisor's; what matters
// here is that the benchmark guest runs to its end and prints well-formed lines.
TEST_F(HostileGuestTest, VmbenchPrintsItsFiguresAndPowersOff) {
    QemuRun run = boot(guest("vmbench", ""));
    auto all = lines(run);
    for (const char* name : {"vm_exit_sbi_time", "vm_exit_mmio", "vm_mmio_uart_status", "vm_cpu_loop"})
        EXPECT_EQ(count_matching(all, std::regex(std::string("BENCH ") + name + " [0-9]+ instructions")), 1) << name;
    EXPECT_TRUE(run.contains("vmbench: done: "));
    ASSERT_TRUE(run.exit.has_value());
}
