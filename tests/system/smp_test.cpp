// Processes on several harts (user/tests/smp, tests/system/systems/smp_*.toml): they run
// at once, priorities hold per hart, IPC and notifications cross harts exactly, and a
// thread stopped or a page unmapped on another hart is gone from it when the call returns.
// Under -icount QEMU runs the harts in turn on one host thread and keeps a busy hart
// until it halts or does I/O, so whatever needs real concurrency boots with parallel harts.
#include "system_test.hpp"

#include <regex>

using namespace isok::test;

namespace {

class SmpTest : public SystemTest {
protected:
    // Boots system `name` on `harts` harts until a line starting with each of `done` has
    // appeared (a newline at the end of one is dropped: the console ends lines with "\r\n").
    QemuRun run(const std::string& name, int harts, bool parallel, std::vector<std::string> done, int seconds = 90) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image(name);
        c.harts = harts;
        c.parallel = parallel;
        for (auto& text : done)
            if (!text.empty() && text.back() == '\n') text.pop_back();
        c.until_all = std::move(done);
        c.whole_lines = true;
        c.timeout = std::chrono::seconds(seconds);
        QemuRun r = boot(c);
        std::erase(r.console, '\r');
        EXPECT_TRUE(r.reached_until) << "not every process finished";
        EXPECT_FALSE(r.contains("KERNEL")) << "the kernel went down";
        EXPECT_FALSE(r.contains("exited with code")) << "a thread failed";
        return r;
    }

    // N processes cpu0..cpuN-1, one per hart: each runs where it asked, all compute the
    // same, and none finished before every other had made its first step.
    void cpu_bound_on_every_hart(int harts) {
        std::vector<std::string> done;
        for (int i = 0; i < harts; ++i) done.push_back("[cpu" + std::to_string(i) + "] done on hart ");
        QemuRun r = run("smp_cpu" + std::to_string(harts), harts, true, done);
        std::string hash;
        for (int i = 0; i < harts; ++i) {
            std::string me = "[cpu" + std::to_string(i) + "] ";
            EXPECT_TRUE(r.contains(me + "on hart " + std::to_string(i) + " of " + std::to_string(harts) + "\n")) << me;
            auto finish = r.match(std::regex_replace(me, std::regex(R"([\[\]])"), R"(\$&)") + "done on hart " +
                                  std::to_string(i) + R"(: 20 chunks, hash ([0-9a-f]+)\n)");
            ASSERT_EQ(finish.size(), 2u) << me;
            if (hash.empty()) hash = finish[1];
            EXPECT_EQ(finish[1], hash) << me << "computed something else";
        }
        for (int a = 0; a < harts; ++a)
            for (int b = 0; b < harts; ++b) {
                if (a == b) continue;
                auto first = r.console.find("[cpu" + std::to_string(a) + "] mark 1\n");
                auto last = r.console.find("[cpu" + std::to_string(b) + "] mark 20\n");
                ASSERT_NE(first, std::string::npos);
                ASSERT_NE(last, std::string::npos);
                EXPECT_LT(first, last) << "cpu" << b << " finished before cpu" << a << " made its first step";
            }
    }
};

const std::string starve_apart =
    "[starve] worker on hart 0 finished 40000000 rounds (hash b5f2a39319783525); the spinner on hart 1 spun ";

} // namespace

TEST_F(SmpTest, TwoCpuBoundProcessesOnTwoHartsRunAtOnce) { cpu_bound_on_every_hart(2); }

TEST_F(SmpTest, FourCpuBoundProcessesOnFourHartsRunAtOnce) { cpu_bound_on_every_hart(4); }

// Exact: a thread of priority 200 spinning forever on hart 1 leaves the worker of
// priority 100 on hart 0 alone.
TEST_F(SmpTest, SpinnerOnAnotherHartDoesNotStopALowerPriorityWorker) {
    QemuRun r = run("smp_starve_apart", 2, false, {starve_apart});
    EXPECT_TRUE(r.contains(starve_apart));
}

// The same with harts in parallel, where the spinner is seen to spin while the worker works.
TEST_F(SmpTest, SpinnerOnAnotherHartSpinsWhileTheWorkerWorks) {
    QemuRun r = run("smp_starve_apart", 2, true, {starve_apart});
    auto spun = r.match(R"(the spinner on hart 1 spun (\d+) rounds meanwhile\n)");
    ASSERT_EQ(spun.size(), 2u);
    EXPECT_GT(std::stoull(spun[1]), 0u);
}

// The contrast, exact: on the worker's own hart the spinner takes it all until it exits
// (30 million rounds, many time slices), and the worker does not move meanwhile.
TEST_F(SmpTest, SpinnerOnTheWorkersHartStarvesItUntilItExits) {
    const std::string line = "[starve] worker on hart 0 finished 40000000 rounds (hash b5f2a39319783525); the spinner "
                             "on hart 0 spun 30000000 rounds while the worker stood at 20000000..20000000\n";
    QemuRun r = run("smp_starve_together", 2, false, {line});
    EXPECT_TRUE(r.contains(line));
}

namespace {

const std::string pingpong_done = "[client] client on hart 0: 100000 round trips, 100000 answers exact; the server on "
                                  "hart 1 counted 100000 exact\n";
const std::string signals_done = "[signals] waiter on hart 1: 100000 bits arrived, 0 twice in a round, 0 never "
                                 "signalled, in ";

void expect_cross_hart_traffic_exact(const QemuRun& r) {
    EXPECT_TRUE(r.contains("[client] client on hart 0\n"));
    EXPECT_TRUE(r.contains("[server] server on hart 1\n"));
    EXPECT_TRUE(r.contains(pingpong_done));
    EXPECT_TRUE(r.contains("[signals] signaller on hart 0: 100000 signals of 50 distinct bits, 2000 acknowledgements "
                           "(0 odd)\n"));
    EXPECT_TRUE(r.contains(signals_done));
}

} // namespace

// 100,000 calls from hart 0 to hart 1 with every word checked both ways, and 100,000
// notification bits from hart 0 to hart 1, each accounted for; exact under -icount...
TEST_F(SmpTest, IpcAndNotificationsCrossHartsExactly) {
    expect_cross_hart_traffic_exact(run("smp_pingpong", 2, false, {pingpong_done, signals_done}));
}

// ... and with both harts in the kernel at once.
TEST_F(SmpTest, IpcAndNotificationsCrossParallelHartsExactly) {
    expect_cross_hart_traffic_exact(run("smp_pingpong", 2, true, {pingpong_done, signals_done}));
}

// A thousand times: a thread counting on hart 1, stopped from hart 0, counts no more once
// stop returns; then it and its memory are destroyed.
TEST_F(SmpTest, ThreadStoppedFromAnotherHartStopsThere) {
    const std::string line = "[stop] from hart 0: 1000 threads on hart 1 stopped and destroyed with their memory; 0 "
                             "counted on after the stop, 0 ran elsewhere; ";
    QemuRun r = run("smp_stop", 2, true, {line});
    EXPECT_TRUE(r.contains(line));
}

// A page unmapped under a writer on the other hart: the writer faults at it, and the
// frame, at once another memory object's, is never written.
TEST_F(SmpTest, PageUnmappedUnderAWriterOnAnotherHartFaultsThere) {
    const std::string line = "[unmap] from hart 0, 200 pages unmapped under a writer on hart 1: 200 store faults at the "
                             "page, its frame reused at once ";
    QemuRun r = run("smp_unmap", 2, true, {line});
    auto m = r.match(R"(its frame reused at once (\d+) times, the witness written (\d+) times\n)");
    ASSERT_EQ(m.size(), 3u);
    EXPECT_GT(std::stoull(m[1]), 100u) << "the freed frame was seldom reused: the witness proves little";
    EXPECT_EQ(m[2], "0");
}

// Four harts at once: on harts 0-2 cross-hart IPC, notifications, threads stopped and
// destroyed on another hart and pages unmapped under a writer on another hart; on hart 3
// the fuzzer's million random system calls (smp_stress.toml). Nothing deadlocks (each
// finishes), the kernel stays up, and every check of every worker holds.
TEST_F(SmpTest, FourHartsUnderStressBesideTheFuzzer) {
    const std::string fuzzer = "[fuzzer] after fuzzing, a call to the partner: ok, answer 1";
    const std::string client = "[client] client on hart 0: 20000 round trips, 20000 answers exact; the server on hart 1 "
                               "counted 20000 exact";
    const std::string signals = "[signals] waiter on hart 2: 20000 bits arrived, 0 twice in a round, 0 never "
                                "signalled, in ";
    const std::string stop = "[stop] from hart 2: 200 threads on hart 0 stopped and destroyed with their memory; 0 "
                             "counted on after the stop, 0 ran elsewhere; ";
    const std::string unmap = "[unmap] from hart 2, 100 pages unmapped under a writer on hart 1: 100 store faults at "
                              "the page, its frame reused at once ";
    const std::string witness = "[worker] finished 5000000 rounds (hash d06d546b967d77e5)";
    QemuRun r = run("smp_stress", 4, true, {fuzzer, client, signals, stop, unmap, witness}, 170);
    for (const auto& line : {fuzzer, client, signals, stop, unmap, witness}) EXPECT_TRUE(r.contains(line)) << line;
    EXPECT_TRUE(r.contains("[fuzzer] moved to hart 3: ok, running on hart 3\n"));
    EXPECT_TRUE(r.contains("[partner] moved to hart 3: ok, running on hart 3\n"));
    EXPECT_TRUE(r.contains("[fuzzer] 1000000 calls, "));
    EXPECT_TRUE(r.contains(", 0 with an undefined error code\n"));
    EXPECT_TRUE(r.contains("[signals] signaller on hart 1: 20000 signals of 50 distinct bits, 400 acknowledgements "
                           "(0 odd)\n"));
    auto reuse = r.match(R"(\[unmap\] .*its frame reused at once (\d+) times, the witness written (\d+) times\n)");
    ASSERT_EQ(reuse.size(), 3u);
    EXPECT_GT(std::stoull(reuse[1]), 50u);
    EXPECT_EQ(reuse[2], "0");
}
