// The mini guest on bare QEMU (OpenSBI, no hypervisor): the reference run that the
// same guest under Isokernel must match. Every check passes, the timer ticks as the
// instruction count predicts, the virtio console carries its line, and the guest
// powers itself off; without Sstc or a console it says so instead of failing.
#include "boot_image_util.hpp"

#include <cmath>
#include <regex>
#include <sstream>

using namespace isok::test;

namespace {

const std::string mini_guest_path = ISOK_MINI_GUEST_PATH;
const std::string greeting = "mini: hello through the virtio console\n";
const std::vector<std::string> all_checks = {"device tree", "sbi base",     "sbi time",       "paging",
                                             "page alias",  "page fault",   "user syscall",   "user fault",
                                             "virtio console", "timer sbi", "timer sstc",     "workload"};

// A virtio console (virtio-mmio version 2) whose output goes to a file.
std::vector<std::string> virtio_console(const std::filesystem::path& file, bool modern = true) {
    std::vector<std::string> args = {"-device", "virtio-serial-device", "-chardev",
                                     "file,id=vcon,path=" + file.string(), "-device", "virtconsole,chardev=vcon"};
    if (modern) args.insert(args.begin(), {"-global", "virtio-mmio.force-legacy=false"});
    return args;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class MiniGuestTest : public SystemTest {
protected:
    QemuConfig mini(std::vector<std::string> extra) {
        QemuConfig c;
        c.kernel = mini_guest_path;
        c.memory = "128M";
        c.harts = 2;
        c.extra = std::move(extra);
        c.timeout = std::chrono::seconds(120);
        c.skip_idle = true; // its timer checks, whatever the host's load
        return c;
    }

    // The checks the guest reported as passed; every other check line must be absent.
    static std::vector<std::string> passed(const QemuRun& run) {
        std::vector<std::string> names;
        std::regex ok(R"(^mini: (.+) ok\r?$)");
        std::istringstream lines(run.console);
        for (std::string line; std::getline(lines, line);) {
            std::smatch m;
            if (std::regex_match(line, m, ok)) names.push_back(m[1]);
        }
        return names;
    }

    // Under -icount shift=0 one instruction is one nanosecond: the ticks seen while
    // busy follow from the instructions spent, and the WFI rate is the one asked for.
    static void expect_tick_rate(const QemuRun& run, const std::string& path) {
        auto wanted = run.match("timer " + path + R"(: wanted (\d+) Hz .*measured (\d+)\.(\d+) Hz)");
        auto busy = run.match("timer " + path + R"(: busy for \d+ timebase ticks \((\d+) instructions\): (\d+) ticks)");
        ASSERT_EQ(wanted.size(), 4u) << "no rate line for timer " << path;
        ASSERT_EQ(busy.size(), 3u) << "no busy line for timer " << path;
        double hz = std::stod(wanted[1]), measured = std::stod(wanted[2] + "." + wanted[3]);
        EXPECT_LE(std::fabs(measured - hz), hz / 100) << "timer " << path << " measured " << measured << " Hz";
        double instructions = std::stod(busy[1]), ticks = std::stod(busy[2]);
        double expected = instructions * 1e-9 * hz;
        EXPECT_GE(expected, 10.0) << "the busy span is too short to measure a rate";
        EXPECT_LE(std::fabs(ticks - expected), 1.0) << "timer " << path << ": " << ticks << " ticks, expected "
                                                    << expected;
    }
};

} // namespace

TEST_F(MiniGuestTest, EveryCheckPassesWithAVirtioConsole) {
    auto file = work_dir("mini_guest") / "virtio-console.txt";
    std::filesystem::remove(file);
    QemuRun run = boot(mini(virtio_console(file)));

    EXPECT_FALSE(run.contains("FAILED"));
    EXPECT_EQ(passed(run), all_checks);
    EXPECT_TRUE(run.contains("mini: all 12 checks passed\n") || run.contains("mini: all 12 checks passed\r\n"));
    EXPECT_TRUE(run.contains("2 cpu(s)")) << "the device tree should show the harts QEMU was given";
    EXPECT_TRUE(run.contains("memory 128 MiB"));
    expect_tick_rate(run, "sbi");
    expect_tick_rate(run, "sstc");
    auto workload = run.match(R"(mini: workload result 0x([0-9a-f]{16}) in (\d+) instructions)");
    ASSERT_EQ(workload.size(), 3u);
    RecordProperty("workload_result", "0x" + workload[1]);
    RecordProperty("workload_instructions", workload[2]);
    EXPECT_EQ(read_file(file), greeting);
    ASSERT_TRUE(run.exit.has_value()) << "the guest did not power QEMU off";
    EXPECT_EQ(*run.exit, 0);
}

TEST_F(MiniGuestTest, WithoutSstcOrVirtioConsoleTheGuestSaysSo) {
    QemuRun run = boot(mini({"-cpu", "rv64,sstc=false"}));

    EXPECT_FALSE(run.contains("FAILED"));
    EXPECT_TRUE(run.contains("mini: timer sstc skipped"));
    EXPECT_TRUE(run.contains("mini: virtio console absent"));
    EXPECT_TRUE(run.contains("mini: all 10 checks passed"));
    expect_tick_rate(run, "sbi");
    ASSERT_TRUE(run.exit.has_value());
    EXPECT_EQ(*run.exit, 0);
}

// QEMU's virtio-mmio is legacy (version 1) unless told otherwise; the guest drives
// only version 2 and must count that as a failure, not pass silently. (OpenSBI 1.1
// ignores the SRST reason, so QEMU's exit status cannot show it: the summary does.)
TEST_F(MiniGuestTest, ALegacyVirtioConsoleIsReportedAsAFailure) {
    auto file = work_dir("mini_guest") / "legacy-console.txt";
    QemuRun run = boot(mini(virtio_console(file, false)));

    EXPECT_TRUE(run.contains("mini: virtio console FAILED version 1 is legacy"));
    EXPECT_TRUE(run.contains("mini: 1 of 12 checks failed"));
    EXPECT_FALSE(run.contains("checks passed"));
    ASSERT_TRUE(run.exit.has_value()) << "the guest should still power off";
}
