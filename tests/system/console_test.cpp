// The console service, typed at as a person would through QEMU's serial port: each
// domain receives exactly what was typed while it had focus, and no other domain sees
// any of it; the control shell answers; a domain that never reads loses only its own
// input, and the others keep working.
#include "system_test.hpp"

#include <regex>
#include <sstream>

using namespace isok::test;

namespace {

const std::string esc = "\x1d"; // Ctrl-]

class ConsoleTest : public SystemTest {
protected:
    QemuConfig typed(const std::string& system, std::vector<QemuConfig::Typing> typing, const std::string& until) {
        return typed_image(test_image(system), std::move(typing), until);
    }
    QemuConfig typed_image(const std::string& image, std::vector<QemuConfig::Typing> typing, const std::string& until) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = image;
        c.typing = std::move(typing);
        c.until = until;
        c.whole_lines = true;
        c.timeout = std::chrono::seconds(180);
        return c;
    }

    static bool any_line_of_has(const QemuRun& run, const std::string& name, const std::string& text) {
        for (const auto& line : run.lines_of(name))
            if (line.find(text) != std::string::npos) return true;
        return false;
    }
};

TEST_F(ConsoleTest, EachDomainReceivesExactlyItsOwnWordAndNoOtherDomainAnyOfIt) {
    QemuConfig c = typed("console_focus",
                         {
                             {"[console] focus: vm1", "alpha\r"},
                             {"heard 'alpha'", esc + "2" + "bravo\r"},
                             {"heard 'bravo'", esc + "3" + "charlie\r"},
                             {"heard 'charlie'", esc + "0" + "list\r"},
                             {"input 0 is this shell", "stats vm1\r"},
                             {"answered in the kernel", esc + "1" + "delta\r"},
                             {"heard 'delta'", esc + "0" + "stats vm1\r"},
                         },
                         "[console] vm1: typed bytes taken 12");
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until);
    EXPECT_FALSE(run.contains("KERNEL"));
    EXPECT_TRUE(run.contains("[vm1] echo: ready, reading the uart"));
    EXPECT_TRUE(run.contains("[vm2] echo: ready, reading sbi dbcn"));
    EXPECT_TRUE(run.contains("[echo] echo: ready, reading the console"));
    EXPECT_TRUE(any_line_of_has(run, "vm1", "heard 'alpha'"));
    EXPECT_TRUE(any_line_of_has(run, "vm2", "heard 'bravo'"));
    EXPECT_TRUE(any_line_of_has(run, "echo", "heard 'charlie'"));
    // Each word once, from its own domain: nobody else heard (or echoed) it.
    for (const std::string word : {"alpha", "bravo", "charlie"}) EXPECT_EQ(run.count("heard '" + word + "'"), 1u) << word;
    for (const std::string name : {"vm1", "vm2", "echo"}) {
        int words = 0;
        for (const std::string word : {"alpha", "bravo", "charlie"}) words += any_line_of_has(run, name, word);
        EXPECT_EQ(words, 1) << name << " saw another domain's word";
    }
    // The control shell lists every domain with the kernel's figures, and a VM's exits grow.
    EXPECT_EQ(run.match(R"(\[console\] vm1 +1 +vm +\w+ +\d+ +100 +\d+/\d+ +\d+ exits \d+)").size(), 1u);
    EXPECT_EQ(run.match(R"(\[console\] vm2 +2 +vm )").size(), 1u);
    EXPECT_EQ(run.match(R"(\[console\] echo +3 +\w+ +\d+ +100 )").size(), 1u);
    EXPECT_EQ(run.match(R"(\[console\] vm1.vmm +- )").size(), 1u);
    std::vector<unsigned long long> exits;
    std::istringstream in(run.console);
    std::regex stats(R"(\[console\] vm1: exits to its VMM (\d+) .*answered in the kernel (\d+))");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, stats)) exits.push_back(std::stoull(m[1]) + std::stoull(m[2]));
    }
    ASSERT_EQ(exits.size(), 2u);
    EXPECT_GT(exits[1], exits[0]) << "vm1 ran and exited between the two stats";
}

// `make run`'s system shows a VM beside native processes: the VM "guest" (the echo guest
// with a virtio-net device) and the native inet1 ping each other through the one virtual
// switch, and the VM, in focus at start, answers what is typed to it, its network
// counters among it.
TEST_F(ConsoleTest, TheDefaultSystemRunsAVmBesideProcessesOnTheSameNetwork) {
    QemuConfig c = typed_image(ISOK_DEFAULT_IMAGE_PATH,
                               {
                                   {"[guest] echo: ping 10.0.0.1 ok", "hello\r"},
                                   {"heard 'hello'", "net\r"},
                               },
                               "");
    c.until_all = {"[guest] arp cache: ", "[inet1] inet: ping 10.0.0.3 ok", "[inet2] inet: ping 10.0.0.1 ok"};
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until) << "the VM and the processes did not ping each other";
    EXPECT_FALSE(run.contains("KERNEL"));
    EXPECT_TRUE(run.contains("[guest] echo: network up 10.0.0.3/24 mac 02:00:00:00:00:03\n"));
    EXPECT_TRUE(any_line_of_has(run, "guest", "heard 'hello'"));
    EXPECT_FALSE(run.contains("ping 10.0.0.3 failed"));
    // The guest's counters: it received and sent frames (ARP and ICMP both ways), none
    // malformed, and its one ping was answered.
    auto m = run.match(R"(\[guest\] frames received (\d+) \(malformed (\d+), not for us \d+\), sent (\d+) \(dropped (\d+)\))");
    ASSERT_EQ(m.size(), 5u);
    EXPECT_GE(std::stoull(m[1]), 2u);
    EXPECT_EQ(m[2], "0");
    EXPECT_GE(std::stoull(m[3]), 2u);
    EXPECT_EQ(m[4], "0");
    EXPECT_TRUE(run.contains("pings answered 1 of 1\n"));
}

// 4,000 lines (70 KiB, seventeen times what a domain may have waiting) pasted to a VM
// that never reads: the VM and the service keep what their bounded queues hold and count
// the rest; another VM and a process are typed to
// afterwards and answer, and the control shell shows the drops.
TEST_F(ConsoleTest, APasteIntoAVmThatNeverReadsCostsOnlyThatVmItsInput) {
    std::string paste;
    for (int i = 0; i < 4000; ++i) paste += "pasted line " + std::to_string(i) + "\r";
    QemuConfig c = typed("console_flood",
                         {
                             {"[deaf] echo: deaf, reading nothing", paste},
                             {"[vm2] echo> ", esc + "3" + "after-the-flood\r"},
                             {"heard 'after-the-flood'", esc + "2" + "vm2-word\r"},
                             {"heard 'vm2-word'", esc + "0" + "stats deaf\r"},
                         },
                         "[console] deaf: typed bytes taken");
    c.timeout = std::chrono::seconds(280); // typing is slow on a busy host; ctest allows 300
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until);
    EXPECT_FALSE(run.contains("KERNEL"));
    EXPECT_TRUE(any_line_of_has(run, "echo", "heard 'after-the-flood'"));
    EXPECT_TRUE(any_line_of_has(run, "vm2", "heard 'vm2-word'"));
    EXPECT_FALSE(run.contains("pasted line")) << "no other domain received (and echoed) the paste";
    auto m = run.match(R"(\[console\] deaf: typed bytes taken (\d+), waiting (\d+), dropped (\d+))");
    ASSERT_EQ(m.size(), 4u);
    const unsigned long long taken = std::stoull(m[1]), waiting = std::stoull(m[2]), dropped = std::stoull(m[3]);
    std::cout << "paste of " << paste.size() << " bytes: taken " << taken << ", waiting " << waiting << ", dropped "
              << dropped << "\n";
    EXPECT_EQ(taken + waiting + dropped, paste.size()) << "every byte is accounted for";
    EXPECT_GT(dropped, 0u);
    EXPECT_LE(taken, 4096u) << "the VMM took no more than its queue holds";
    EXPECT_EQ(waiting, 4096u) << "the service keeps a full queue for the VM";
}

} // namespace
