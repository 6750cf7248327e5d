// The benchmark systems (`make bench`): they print their figures as lines of exactly
// "BENCH <name> <value> <unit>" (a VM's with the VMM's "[<vm>] " before them), and
// scripts/bench.sh prints those and the figures it derives, and nothing else. Only
// presence and form are checked here, not values.
#include "system_test.hpp"

#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

using namespace isok::test;

namespace {
class BenchTest : public SystemTest {};
} // namespace

namespace {

using Figures = std::map<std::string, std::pair<std::string, std::string>>;

// name -> (value, unit) for every BENCH line, in order; a malformed BENCH line fails.
// A line of VM `vm` starts with "[vm] ", which is dropped.
Figures bench_lines(const std::string& text, const std::string& vm = "") {
    Figures lines;
    std::istringstream in(text);
    std::string line;
    const std::regex form(R"(BENCH ([a-z0-9_]+) ([0-9]+(\.[0-9]+)?) ([a-z]+))");
    const std::string prefix = "[" + vm + "] ";
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!vm.empty() && line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
        if (line.rfind("BENCH", 0) != 0) continue;
        std::smatch m;
        EXPECT_TRUE(std::regex_match(line, m, form)) << "malformed: '" << line << "'";
        if (!m.empty()) lines[m[1]] = {m[2], m[4]};
    }
    return lines;
}

// Counts: whole numbers of instructions.
void expect_counts(const Figures& lines, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        auto it = lines.find(name);
        ASSERT_NE(it, lines.end()) << name;
        EXPECT_TRUE(std::regex_match(it->second.first, std::regex("[1-9][0-9]*"))) << name << " " << it->second.first;
        EXPECT_EQ(it->second.second, "instructions") << name;
    }
}

// Ratios: "x" with a fixed number of decimals.
void expect_ratios(const Figures& lines, std::initializer_list<const char*> names, int decimals = 2) {
    for (const char* name : names) {
        auto it = lines.find(name);
        ASSERT_NE(it, lines.end()) << name;
        EXPECT_TRUE(std::regex_match(it->second.first, std::regex("[0-9]+\\.[0-9]{" + std::to_string(decimals) + "}")))
            << name << " " << it->second.first;
        EXPECT_EQ(it->second.second, "x") << name;
    }
}

// What the process benchmark (bench.img) prints.
void expect_process_figures(const Figures& lines) {
    expect_counts(lines, {"null_syscall", "ipc_call_reply", "ipc_call_reply_256b"});
    expect_ratios(lines, {"ipc_null_ratio"});
}

void expect_all_figures(const Figures& lines) {
    EXPECT_EQ(lines.size(), 4u);
    expect_process_figures(lines);
}

// What scripts/bench.sh adds from the VM benchmark (bench_vm.img) and Linux's direct boot.
void expect_vm_figures(const Figures& lines) {
    expect_counts(lines, {"vm_exit_sbi_time", "vm_exit_mmio", "vm_mmio_uart_status", "native_cpu_loop", "vm_cpu_loop",
                          "linux_boot_vm",
                          "linux_boot_direct", "linux_boot_quiet_vm", "linux_boot_quiet_direct"});
    expect_ratios(lines, {"vm_exit_sbi_time_null_ratio", "vm_exit_sbi_time_ipc_ratio", "vm_exit_mmio_null_ratio",
                          "vm_exit_mmio_ipc_ratio", "linux_boot_vm_ratio", "linux_boot_quiet_vm_ratio"});
    expect_ratios(lines, {"vm_cpu_loop_ratio"}, 4);
}

// What it adds from the network and disk benchmarks (net_bench_*.toml, disk_bench.toml).
void expect_channel_figures(const Figures& lines) {
    expect_counts(lines, {"vm_to_vm_udp_per_packet", "vm_to_process_udp_per_packet", "disk_vm_write",
                          "disk_direct_write", "disk_vm_read", "disk_direct_read"});
    for (const char* name : {"vm_to_vm_udp_bytes_per_minstr", "vm_to_process_udp_bytes_per_minstr"}) {
        auto it = lines.find(name);
        ASSERT_NE(it, lines.end()) << name;
        EXPECT_TRUE(std::regex_match(it->second.first, std::regex("[1-9][0-9]*"))) << name;
        EXPECT_EQ(it->second.second, "bytes") << name;
    }
    expect_ratios(lines, {"disk_vm_write_ratio", "disk_vm_read_ratio"});
}

// What it adds from the two-hart benchmarks (bench_smp.toml, bench_speedup.toml).
void expect_smp_figures(const Figures& lines) {
    expect_counts(lines, {"ipc_call_reply_smp2", "ipc_call_reply_cross_hart"});
    expect_ratios(lines, {"smp_speedup_processes"});
}

} // namespace

TEST_F(BenchTest, BenchSystemPrintsEveryFigureWellFormed) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = ISOK_BENCH_IMAGE_PATH;
    c.harts = 1;
    c.until = "[bench] done";
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    expect_all_figures(bench_lines(run.console));
}

// The two-hart benchmark systems: the round trips under -icount, the speedup with
// parallel harts (a ratio of wall-clock times, so only its form is checked).
TEST_F(BenchTest, BenchSmpSystemsPrintEveryFigureWellFormed) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("bench_smp");
    c.harts = 2;
    c.until = "[bench] done";
    c.whole_lines = true;
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("[bench] done: client on hart 0, servers on harts 0 and 1"));
    c.boot_image = test_image("bench_speedup");
    c.parallel = true;
    c.until = "[speedup] done";
    QemuRun speedup = boot(c);
    ASSERT_TRUE(speedup.reached_until);
    Figures lines = bench_lines(run.console);
    for (const auto& [name, figure] : bench_lines(speedup.console)) lines[name] = figure;
    EXPECT_EQ(lines.size(), 3u);
    expect_smp_figures(lines);
}

// The VM benchmark system: the workload as a process, then the benchmark guest and two
// Linux VMs, one after another (see bench_vm.toml); it ends when the second Linux is off.
TEST_F(BenchTest, BenchVmSystemPrintsEveryFigureWellFormed) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = ISOK_BENCH_VM_IMAGE_PATH;
    c.harts = 1;
    c.memory = "768M";
    c.until = "[linux-quiet] powered off\r\n";
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    ASSERT_TRUE(run.reached_until);
    // The native process writes its line itself, without a prefix.
    Figures native = bench_lines(run.console);
    EXPECT_EQ(native.size(), 1u);
    expect_counts(native, {"native_cpu_loop"});
    Figures guest = bench_lines(run.console, "vmbench");
    EXPECT_EQ(guest.size(), 5u); // native_cpu_loop and the guest's four
    expect_counts(guest, {"vm_exit_sbi_time", "vm_exit_mmio", "vm_mmio_uart_status", "vm_cpu_loop"});
    EXPECT_TRUE(run.contains("[workload] workload result 0xb62eb0df8feb3216 in "));
    // What the script takes Linux's boot figures from, for each Linux VM.
    for (const char* vm : {"linux", "linux-quiet"}) {
        EXPECT_EQ(
            run.match("\\[" + std::string(vm) + "\\.vmm\\] vmm: vcpu0 starts at pc 80200000, instruction \\d+\r\n")
                .size(),
            1u)
            << vm;
        EXPECT_EQ(run.match("\\[" + std::string(vm) + "\\] init: boot-to-init \\d+ instructions").size(), 1u) << vm;
    }
}

TEST_F(BenchTest, MakeBenchScriptPrintsOnlyTheBenchLines) {
    std::string command =
        "LINUX_IMAGE=" + std::string(ISOK_LINUX_IMAGE) + " " + ISOK_BENCH_SCRIPT + " " + ISOK_BUILD_DIR + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    int status = pclose(pipe);
    SCOPED_TRACE(out);
    EXPECT_EQ(status, 0);
    std::istringstream in(out);
    int lines = 0;
    for (std::string line; std::getline(in, line); ++lines) EXPECT_EQ(line.rfind("BENCH ", 0), 0u) << line;
    EXPECT_EQ(lines, 35);
    Figures figures = bench_lines(out);
    EXPECT_EQ(figures.size(), 35u);
    expect_process_figures(figures);
    expect_ratios(figures, {"ipc_one_way_null_ratio"});
    expect_vm_figures(figures);
    expect_channel_figures(figures);
    expect_smp_figures(figures);
    expect_ratios(figures, {"smp_speedup_linux_vm"});
}
