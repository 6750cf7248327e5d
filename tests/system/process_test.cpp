// Processes: they talk (a ping-pong pair both count 1000 messages; a server tells two
// clients apart by badge), they are independent (a spinner at the same priority does
// not stop a worker; processes that write to unmapped or kernel addresses are reported
// to their fault handler and killed while the others finish), and the default system
// (`make run`) shows both. Each system is a boot image built from tests/system/systems
// (or systems/default) by isotool build.
#include "system_test.hpp"

using namespace isok::test;

namespace {

// Boots the system until `until` appears: a whole line (the console ends lines with
// "\r\n"), printed by the process that finishes last; the others end long before it.
QemuConfig system_until(const std::string& image, const std::string& until) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = image;
    c.until = until;
    c.timeout = std::chrono::seconds(60);
    return c;
}

const std::string ping_done = "[ping] sent 1000 balls, 1000 answers right, pong counted 1000\r\n";
const std::string worker_done = " instructions\r\n"; // the end of the worker's only line

class ProcessTest : public SystemTest {
protected:
    QemuRun boot_system(const std::string& image, const std::string& until) {
        QemuRun run = boot(system_until(image, until));
        // Lines end in "\n" here: the console's "\r" is dropped.
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until) << "never saw '" << until << "'";
        EXPECT_FALSE(run.contains("KERNEL PANIC")) << "the kernel went down";
        EXPECT_TRUE(run.contains("[root] started")) << "the root did not start the system";
        EXPECT_FALSE(run.contains("failed")) << "a process failed";
        return run;
    }
};

} // namespace

TEST_F(ProcessTest, PingPongTradeAThousandMessagesAndBothCountThem) {
    QemuRun run = boot_system(test_image("ipc"), ping_done);
    EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
    EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
}

TEST_F(ProcessTest, BadgedServerTellsItsTwoClientsApart) {
    QemuRun run = boot_system(test_image("ipc"), ping_done);
    // alpha is badged 1 and makes 100 requests, beta badged 2 and makes 200: the server's
    // count per badge matches each client's, and each answer carried the caller's badge.
    EXPECT_TRUE(run.contains("[server] client 'alpha' (badge 1) made 100 requests\n"));
    EXPECT_TRUE(run.contains("[server] client 'beta' (badge 2) made 200 requests\n"));
    EXPECT_TRUE(run.contains("[alpha] 100 requests, 100 answers named my badge 1, server counted 100\n"));
    EXPECT_TRUE(run.contains("[beta] 200 requests, 200 answers named my badge 2, server counted 200\n"));
}

TEST_F(ProcessTest, SpinnerAtTheSamePriorityDoesNotStopAWorker) {
    QemuRun run = boot_system(test_image("isolation"), worker_done);
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("[spinner] spinning forever\n"));
    auto m = run.match(R"(\[worker\] finished 5000000 rounds \(hash ([0-9a-f]+)\); the processor was taken from me (\d+) times, for (\d+) instructions)");
    ASSERT_EQ(m.size(), 4u) << "the worker did not finish";
    // With one-tick slices (10 ms: 10,000,000 instructions under -icount) the spinner ran
    // between the worker's slices, several times, each time for a whole slice.
    EXPECT_GE(std::stoul(m[2]), 2u);
    EXPECT_GE(std::stoull(m[3]), 2 * 9'000'000ull);
}

TEST_F(ProcessTest, FaultingProcessesAreReportedToTheirHandlerAndKilled) {
    QemuRun run = boot_system(test_image("isolation"), worker_done);
    // Handled by "handler": badge 1 is fault-unmapped, badge 2 fault-kernel (manifest order).
    EXPECT_TRUE(run.contains("[fault-unmapped] writing to 0x0000000050000000\n"));
    EXPECT_TRUE(run.contains("[fault-kernel] writing to 0xffffffc000000000\n"));
    auto unmapped = run.match(R"(\[handler\] fault \d from badge 1: store page fault \(cause 15\) at pc 0x([0-9a-f]{16}), address 0x0000000050000000; killing it)");
    auto kernel = run.match(R"(\[handler\] fault \d from badge 2: store page fault \(cause 15\) at pc 0x([0-9a-f]{16}), address 0xffffffc000000000; killing it)");
    ASSERT_EQ(unmapped.size(), 2u) << "the handler was not told of fault-unmapped's store";
    ASSERT_EQ(kernel.size(), 2u) << "the handler was not told of fault-kernel's store";
    // Both faulted in the program's text (linked at 0x10000).
    EXPECT_EQ(unmapped[1].substr(0, 11), "00000000000");
    // Without a handler of its own, fault-orphan is reported and killed by the root.
    EXPECT_TRUE(run.match(R"(\[root\] process 'fault-orphan' faulted: store page fault \(cause 15\) at pc 0x[0-9a-f]{16}, address 0x0000000050000000; killed)")
                    .size() == 1);
    // None went on past the store, and the worker beside them finished untouched.
    EXPECT_FALSE(run.contains("went through"));
    EXPECT_TRUE(run.contains("[worker] finished 5000000 rounds"));
}

TEST_F(ProcessTest, DefaultSystemShowsProcessesWorkingTogether) {
    QemuRun run = boot_system(ISOK_DEFAULT_IMAGE_PATH, ping_done);
    EXPECT_TRUE(run.contains("[hello] hello from hello"));
    EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
    EXPECT_TRUE(run.contains("[server] client 'alpha' (badge 1) made 100 requests\n"));
    EXPECT_TRUE(run.contains("[server] client 'beta' (badge 2) made 200 requests\n"));
    EXPECT_TRUE(run.match(R"(\[handler\] fault 1 from badge 1: store page fault \(cause 15\) at pc 0x[0-9a-f]{16}, address 0x0000000050000000; killing it)")
                    .size() == 1);
}

// The server's work for a client is the client's time (fair_share.toml): beside a client
// whose server of higher priority does most of each round trip, a worker of the client's
// priority gives way for about one one-tick slice (10,000,000 instructions) at a time.
// If only the client's own instructions used up its slice, the worker would wait
// several ticks each time.
TEST_F(ProcessTest, AServersWorkForAClientCountsAgainstTheClientsSlice) {
    QemuRun run = boot_system(test_image("fair_share"), worker_done);
    auto m = run.match(R"(\[worker\] finished 5000000 rounds \(hash d06d546b967d77e5\); the processor was taken from me (\d+) times, for (\d+) instructions)");
    ASSERT_EQ(m.size(), 3u) << "the worker did not finish";
    const unsigned long long taken = std::stoull(m[1]), away = std::stoull(m[2]);
    ASSERT_GE(taken, 3u) << "the client and the worker did not take turns";
    std::cout << "worker gave way " << taken << " times, " << away / taken << " instructions each\n";
    EXPECT_LE(away / taken, 13'000'000ull) << "the client kept the hart for more than its slice each time";
    EXPECT_TRUE(run.contains("[client] client on hart 0\n"));
}

// The same system on 1, 2, 4 and 8 harts: every hart comes up, and the root spreads the
// five processes over them (pong, ping, server, alpha and beta on harts 0, 1, 2, 3, 4
// modulo the harts running), so their calls cross harts on every machine but the first.
TEST_F(ProcessTest, TheIpcSystemRunsOnOneTwoFourAndEightHarts) {
    for (int harts : {1, 2, 4, 8}) {
        SCOPED_TRACE(std::to_string(harts) + " harts");
        QemuConfig c = system_until(test_image("ipc"), "");
        c.harts = harts;
        c.until.clear();
        c.until_all = {"[ping] sent 1000 balls", "[beta] 200 requests"};
        c.whole_lines = true;
        QemuRun run = boot(c);
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until);
        EXPECT_FALSE(run.contains("KERNEL"));
        EXPECT_TRUE(run.contains("  harts running: " + std::to_string(harts) + " of " + std::to_string(harts) + "\n"));
        EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
        EXPECT_TRUE(run.contains("[alpha] 100 requests, 100 answers named my badge 1, server counted 100\n"));
        EXPECT_TRUE(run.contains("[beta] 200 requests, 200 answers named my badge 2, server counted 200\n"));
    }
}
