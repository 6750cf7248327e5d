// The console service's routing and control shell: typed bytes reach the domain in focus
// and no other, the escape moves focus and never reaches a domain, a domain that never
// reads loses only its own input, and the shell's commands answer.
#include <consoled/console.hpp>
#include <consoled/inspector.hpp>
#include <consoled/shell.hpp>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using consoled::Console;
using consoled::Shell;
using isok::u64;
using isok::u8;
using isok::usize;

class StringScreen final : public consoled::Screen {
public:
    void write(const char* text, usize length) override { out.append(text, length); }
    std::string out;
};

constexpr char esc = isok::console::escape;

class ConsoledTest : public ::testing::Test {
protected:
    void SetUp() override {
        console.attach_shell(shell);
        ASSERT_TRUE(console.add("linux", 1, 10));
        ASSERT_TRUE(console.add("mini", 2, 11));
        ASSERT_TRUE(console.add("echo", 3, 12));
    }
    void type(const std::string& s) {
        for (char c : s) console.typed(u8(c));
    }
    std::string read_all(u64 badge) {
        std::string got;
        u8 bytes[isok::console::max_read];
        for (bool more = true; more;) {
            usize n = console.read(badge, bytes, sizeof bytes, more);
            got.append(reinterpret_cast<char*>(bytes), n);
            if (n == 0) break;
        }
        return got;
    }
    std::vector<std::string> told() {
        std::vector<std::string> names;
        console.tell_waiting([&](consoled::Input& in) { names.push_back(in.name); });
        return names;
    }

    StringScreen screen;
    Console console{screen};
    Shell shell{console};
};

TEST_F(ConsoledTest, EachDomainReceivesExactlyWhatWasTypedWhileItHadFocus) {
    ASSERT_TRUE(console.set_focus(1));
    type("alpha\r");
    type(std::string{esc, '2'});
    type("bravo\r");
    type(std::string{esc, '3'});
    type("charlie\r");
    EXPECT_EQ(read_all(1), "alpha\r");
    EXPECT_EQ(read_all(2), "bravo\r");
    EXPECT_EQ(read_all(3), "charlie\r");
    EXPECT_EQ(read_all(4), "") << "a badge of no input gets nothing";
    EXPECT_EQ(screen.out.find("alpha"), std::string::npos) << "input to a domain is not echoed by the service";
    EXPECT_NE(screen.out.find("focus: mini"), std::string::npos);
}

TEST_F(ConsoledTest, OnlyDomainsWithNewInputAreToldAndOnlyOnce) {
    ASSERT_TRUE(console.set_focus(2));
    type("x");
    EXPECT_EQ(told(), std::vector<std::string>{"mini"});
    EXPECT_TRUE(told().empty());
    type("y");
    EXPECT_EQ(told(), std::vector<std::string>{"mini"});
}

TEST_F(ConsoledTest, EscapeKeysNeverReachADomainAndDoubleEscapeSendsOne) {
    ASSERT_TRUE(console.set_focus(1));
    type(std::string{esc, 'z'}); // not a focus key: dropped
    type(std::string{esc, esc});
    type(std::string{esc, '9'}); // no input 9: focus stays
    EXPECT_EQ(console.focus(), 1u);
    EXPECT_EQ(read_all(1), std::string(1, esc));
    EXPECT_NE(screen.out.find("no input 9"), std::string::npos);
    type(std::string{esc, 'n'});
    EXPECT_EQ(console.focus(), 2u);
    type(std::string{esc, 'n', esc, 'n'});
    EXPECT_EQ(console.focus(), 0u) << "next wraps through the control shell";
}

TEST_F(ConsoledTest, ADomainThatNeverReadsLosesOnlyItsOwnInputAndItIsCounted) {
    ASSERT_TRUE(console.set_focus(1));
    const usize capacity = consoled::InputQueue::capacity;
    std::string flood;
    for (int line = 0; flood.size() < capacity + 1000; ++line) flood += "line " + std::to_string(line) + "\r";
    type(flood);
    type(std::string{esc, '2'});
    type("still here\r");
    EXPECT_EQ(read_all(2), "still here\r");
    std::string got = read_all(1);
    EXPECT_EQ(got, flood.substr(0, capacity)) << "the first bytes are kept, in order";
    EXPECT_EQ(console.input(1).queue.dropped(), flood.size() - capacity);
    EXPECT_EQ(console.input(1).queue.delivered(), capacity);
}

TEST_F(ConsoledTest, ReadsComeInPiecesAndSayWhetherMoreWaits) {
    ASSERT_TRUE(console.set_focus(3));
    type(std::string(300, 'q'));
    u8 bytes[isok::console::max_read];
    bool more = false;
    EXPECT_EQ(console.read(3, bytes, sizeof bytes, more), isok::console::max_read);
    EXPECT_TRUE(more);
    EXPECT_EQ(console.read(3, bytes, sizeof bytes, more), 300 - isok::console::max_read);
    EXPECT_FALSE(more);
}

TEST_F(ConsoledTest, ShellListsTheInputsAndMovesFocusByName) {
    ASSERT_TRUE(console.set_focus(0));
    type("list\r");
    EXPECT_NE(screen.out.find("(control shell)"), std::string::npos);
    EXPECT_NE(screen.out.find(" 2  mini"), std::string::npos);
    type("focus echo\r");
    EXPECT_EQ(console.focus(), 3u);
    type("typed to echo\r");
    EXPECT_EQ(read_all(3), "typed to echo\r");
}

TEST_F(ConsoledTest, ShellStatsCountWhatADomainWasTypedAndDropped) {
    ASSERT_TRUE(console.set_focus(2));
    type("abc");
    (void)read_all(2);
    type("de");
    type(std::string{esc, '0'});
    screen.out.clear();
    type("stats mini\r");
    EXPECT_NE(screen.out.find("mini: typed bytes taken 3, waiting 2, dropped 0"), std::string::npos) << screen.out;
}

TEST_F(ConsoledTest, ShellRefusesWhatItDoesNotKnowAndEchoesWhatIsTyped) {
    ASSERT_TRUE(console.set_focus(0));
    screen.out.clear();
    type("frobnicate\r");
    EXPECT_NE(screen.out.find("frobnicate"), std::string::npos) << "echoed";
    EXPECT_NE(screen.out.find("unknown command 'frobnicate'"), std::string::npos);
    type("focus nosuch\r");
    EXPECT_NE(screen.out.find("no input 'nosuch'"), std::string::npos);
    type("focus 7\r");
    EXPECT_EQ(console.focus(), 0u);
    type(std::string(500, 'a') + "\r"); // longer than a shell line: cut, no overflow
    EXPECT_NE(screen.out.find("unknown command"), std::string::npos);
    EXPECT_EQ(read_all(1) + read_all(2) + read_all(3), "") << "nothing typed to the shell reaches a domain";
}

TEST_F(ConsoledTest, AddingRefusesDuplicateBadgesAndTooManyInputs) {
    EXPECT_FALSE(console.add("again", 1, 20));
    EXPECT_FALSE(console.add("zero", 0, 20));
    for (u64 b = 4; b <= Console::max_inputs; ++b) EXPECT_TRUE(console.add("more", b, 20));
    EXPECT_FALSE(console.add("one-too-many", 99, 20));
}

// The kernel's figures of each domain, as the control shell shows them.
class FakeInspector final : public consoled::Inspector {
public:
    struct Domain {
        std::string name;
        isok::abi::DomainStats stats{};
        bool gone = false;
    };
    std::vector<Domain> domains;
    isok::u32 count() const override { return isok::u32(domains.size()); }
    const char* name(isok::u32 i) const override { return domains[i].name.c_str(); }
    bool stats(isok::u32 i, isok::abi::DomainStats& out) override {
        if (domains[i].gone) return false;
        out = domains[i].stats;
        return true;
    }
};

class InspectingShell : public ::testing::Test {
protected:
    void SetUp() override {
        console.attach_shell(shell);
        ASSERT_TRUE(console.add("linux", 1, 10));
        isok::abi::DomainStats vm{};
        vm.kind = 1;
        vm.threads = 2;
        vm.ready = 1;
        vm.blocked = 1;
        vm.priority = 100;
        vm.budget_total = 140 * 1024 * 1024;
        vm.budget_used = 136 * 1024 * 1024;
        vm.cpu_ticks = 250;
        vm.exits[0] = 10;
        vm.exits[1] = 20;
        vm.exits[2] = 30;
        vm.kernel_exits = 1000;
        vm.injected = 7;
        isok::abi::DomainStats process{};
        process.threads = 1;
        process.stopped = 1;
        process.priority = 120;
        process.faults = 3;
        process.ipc_sent = 7;
        inspector.domains = {{"linux", vm}, {"linux.vmm", {}}, {"worker", process}, {"ghost", {}, true}};
        inspector.domains[1].stats.threads = 1;
        inspector.domains[1].stats.blocked = 1;
        ASSERT_TRUE(console.set_focus(0));
        screen.out.clear();
    }
    void type(const std::string& s) {
        for (char c : s) console.typed(isok::u8(c));
    }
    bool has(const std::string& text) const { return screen.out.find(text) != std::string::npos; }

    StringScreen screen;
    Console console{screen};
    FakeInspector inspector;
    Shell shell{console, &inspector};
};

TEST_F(InspectingShell, ListShowsEveryDomainWithItsFigures) {
    type("list\r");
    EXPECT_TRUE(has("linux            1     vm  running   ")) << screen.out;
    EXPECT_TRUE(has("139264/143360")) << "memory in KiB, used of budget";
    EXPECT_TRUE(has("exits 1060")) << "exits to the VMM and in the kernel";
    EXPECT_TRUE(has("linux.vmm        -         waiting"));
    EXPECT_TRUE(has("worker           -         stopped")) << screen.out;
    EXPECT_TRUE(has("faults 3"));
    EXPECT_TRUE(has("ghost            -     (the kernel gives no figures")) << screen.out;
}

TEST_F(InspectingShell, StatsShowsAVmsExitsByReasonAndWhatItWasTyped) {
    type("stats linux\r");
    EXPECT_TRUE(has("linux: a VM, 2 vCPUs (1 running, 1 waiting, 0 stopped)")) << screen.out;
    EXPECT_TRUE(has("exits to its VMM 60 (sbi 10, mmio load 20, mmio store 30, wfi 0, virtual instruction 0, other 0), "
                    "answered in the kernel 1000, exceptions handed to the guest 7"));
    EXPECT_TRUE(has("linux: typed bytes taken 0, waiting 0, dropped 0"));
    screen.out.clear();
    type("stats worker\r");
    EXPECT_TRUE(has("worker: a process, 1 threads"));
    EXPECT_TRUE(has("ipc sent 7"));
    EXPECT_FALSE(has("typed bytes")) << "worker takes no input";
    type("stats nobody\r");
    EXPECT_TRUE(has("no domain 'nobody'"));
}

} // namespace
