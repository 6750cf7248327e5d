// Typing into Linux in a VM: the console service owns the UART, the Linux guest's init
// offers its shell (isok.shell=1) and the native echo process is the second input. What is
// typed while Linux has focus reaches Linux's shell, through the emulated UART's receive
// interrupt (console_linux, ttyS0), SBI's legacy getchar (console_linux_hvc, hvc0) or the
// virtio console's receive queue (console_linux_virtio, hvc1); what is typed after
// Ctrl-] 2 reaches the echo process and never Linux; back on Linux, `poweroff` powers
// the VM off.
#include "system_test.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;
const std::string esc = "\x1d"; // Ctrl-]
const std::string prompt = "isok$ ";

class ConsoleLinuxTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }

    // Boots the system on one hart (as linux_vm_test does), types the session and waits
    // for the VM to power off. Focus starts on input 1, Linux.
    // `first`, when given, is typed before the session's own commands.
    QemuRun type_session(const std::string& system, const std::string& first = "") {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image(system);
        c.harts = 1;
        c.memory = "512M"; // 128M of guest RAM in one piece: see vm_linux.toml
        if (!first.empty()) c.typing.push_back({prompt, first + "\r"});
        c.typing.insert(c.typing.end(), {
            {prompt, "echo typed-into-linux\r"},
            {prompt, "uname\r"},
            {prompt, esc + "2" + "word-for-echo\r"},
            {"heard 'word-for-echo'", esc + "1" + "poweroff\r"},
        });
        c.until = "[linux] powered off\r\n";
        c.timeout = std::chrono::seconds(180);
        QemuRun run = boot(c);
        // Lines end in "\n" here: the console's "\r" is dropped.
        std::erase(run.console, '\r');
        return run;
    }

    // Whether Linux's tty echoed `typed` on a line of its own: after the prompt, or alone
    // when the prompt's line was ended meanwhile (another domain's line came between).
    static bool echoed(const std::vector<std::string>& lines, const std::string& typed) {
        return std::count(lines.begin(), lines.end(), "[linux] " + prompt + typed) +
                   std::count(lines.begin(), lines.end(), "[linux] " + typed) ==
               1;
    }

    static void expect_session(const QemuRun& run) {
        ASSERT_TRUE(run.reached_until) << "the guest never powered off";
        EXPECT_FALSE(run.contains("KERNEL PANIC")) << "the kernel went down";
        EXPECT_FALSE(run.contains("Kernel panic"));
        EXPECT_FALSE(run.contains("Oops"));
        EXPECT_TRUE(run.contains("[linux] " + prompt));
        EXPECT_TRUE(run.contains("[echo] echo: ready, reading the console"));

        // The shell's answer to `echo` is a line of its own; the tty's echo of what was
        // typed follows the prompt ("[linux] isok$ echo typed-into-linux").
        auto linux_lines = run.lines_of("linux");
        EXPECT_EQ(std::count(linux_lines.begin(), linux_lines.end(), "[linux] typed-into-linux"), 1);
        EXPECT_TRUE(echoed(linux_lines, "echo typed-into-linux"));
        // `uname`: only its answer starts a line with "Linux".
        EXPECT_EQ(run.match(R"(\n\[linux\] Linux 6\.1\.\d+ .*riscv64\n)").size(), 1u);

        // Typed after Ctrl-] 2: the echo process echoed it as it was typed and heard it
        // once; no other domain (Linux least of all) saw it.
        EXPECT_EQ(run.count("[echo] heard 'word-for-echo'"), 1u);
        std::istringstream in(run.console);
        for (std::string line; std::getline(in, line);)
            EXPECT_TRUE(line.find("word-for-echo") == std::string::npos || line.rfind("[echo] ", 0) == 0) << line;

        // Back on Linux (Ctrl-] 1): `poweroff` powers the VM off cleanly.
        EXPECT_TRUE(echoed(linux_lines, "poweroff"));
        EXPECT_TRUE(run.contains("[linux] init: powering off\n"));
        EXPECT_TRUE(run.contains("[linux] powered off\n"));
        EXPECT_FALSE(run.contains("power-off failed"));
        EXPECT_FALSE(run.contains("powered off (")) << "the guest did not power off cleanly";
        EXPECT_FALSE(run.contains("unknown command"));
    }
};

} // namespace

TEST_F(ConsoleLinuxTest, TypedLinesReachTheLinuxShellOnTheUartAndTheEchoProcessNotLinux) {
    QemuRun run = type_session("console_linux");
    EXPECT_TRUE(run.contains("printk: console [ttyS0] enabled"));
    expect_session(run);
}

TEST_F(ConsoleLinuxTest, TypedLinesReachTheLinuxShellOnTheSbiConsoleAndTheEchoProcessNotLinux) {
    QemuRun run = type_session("console_linux_hvc");
    EXPECT_TRUE(run.contains("printk: console [hvc0] enabled"));
    EXPECT_FALSE(run.contains("ttyS0"));
    expect_session(run);
}

// SBI's console is hvc0 (registered first), so the virtio console's port is hvc1, and
// /proc/consoles shows it is Linux's console.
TEST_F(ConsoleLinuxTest, TypedLinesReachTheLinuxShellOnTheVirtioConsoleAndTheEchoProcessNotLinux) {
    QemuRun run = type_session("console_linux_virtio", "cat /proc/consoles");
    EXPECT_EQ(run.match(R"(\n\[linux\] hvc1 +-W- )").size(), 1u) << "hvc1 is not the console";
    EXPECT_FALSE(run.contains("[linux] hvc0 "));
    EXPECT_FALSE(run.contains("ttyS0"));
    expect_session(run);
}
