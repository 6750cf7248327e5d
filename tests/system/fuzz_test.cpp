// Robustness: a process makes ten million system calls with random numbers and arguments
// (user/tests/fuzzer), revoke, destruction while blocked and chains of copies among them;
// the kernel stays up, answers each with a defined error code, leaks nothing (the
// fuzzer's budget and the machine's free frames, which the test kernel tells, are the
// same after every clean-up), and the processes beside the fuzzer finish their work.
// tests/system/systems/fuzz.toml.
#include "system_test.hpp"

#include <regex>

using namespace isok::test;

namespace {
class FuzzTest : public SystemTest {};
} // namespace

constexpr unsigned long long fuzz_calls = 10'000'000; // fuzz.toml's "calls="

TEST_F(FuzzTest, KernelSurvivesTenMillionRandomSystemCallsAndLeaksNothing) {
    QemuConfig c;
    c.kernel = test_kernel_path; // it tells domain_info the machine's free frames
    c.boot_image = test_image("fuzz");
    c.until = "[fuzzer] after fuzzing, a call to the partner: ok, answer 1\r\n";
    c.timeout = std::chrono::seconds(2400);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until) << "the fuzzer did not finish";
    EXPECT_FALSE(run.contains("KERNEL PANIC"));

    auto totals = run.match(R"(\[fuzzer\] (\d+) calls, (\d+) rejected, (\d+) succeeded, (\d+) with an undefined error code)");
    ASSERT_EQ(totals.size(), 5u);
    unsigned long long calls = std::stoull(totals[1]), rejected = std::stoull(totals[2]), succeeded = std::stoull(totals[3]);
    EXPECT_GE(calls, fuzz_calls);
    EXPECT_GT(rejected, 0u);
    EXPECT_GT(succeeded, 0u);
    EXPECT_EQ(rejected + succeeded, calls);
    EXPECT_EQ(totals[4], "0") << "the kernel returned an error code the ABI does not define";

    // Deep, not only rejected at the door: calls that change the kernel's state succeeded.
    auto per_call = run.match(R"(succeeded of made, per call number:(.*))");
    ASSERT_EQ(per_call.size(), 2u);
    const std::string line = per_call[1] + " ";
    auto made = [&](int number, unsigned long long& ok, unsigned long long& tries) {
        std::smatch m;
        if (!std::regex_search(line, m, std::regex(" " + std::to_string(number) + R"(:(\d+)/(\d+) )"))) return false;
        ok = std::stoull(m[1]), tries = std::stoull(m[2]);
        return true;
    };
    // send, call, signal, wait, create, destroy, cap_copy, cap_delete, map, unmap,
    // thread_control, domain_info, poll, domain_stats, revoke
    for (int number : {3, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 25, 26}) {
        unsigned long long ok = 0, tries = 0;
        ASSERT_TRUE(made(number, ok, tries)) << "call " << number;
        EXPECT_GT(ok, 0u) << "call " << number << " never succeeded";
        EXPECT_GT(tries, 10'000u) << "call " << number << " was hardly made";
    }
    unsigned long long exits = 1, exit_tries = 1;
    EXPECT_TRUE(made(2, exits, exit_tries) && exit_tries == 0) << "the fuzzer must never call exit";

    // Messages with capabilities reached the partner (transfer was exercised too).
    auto partner = run.match(R"(\[fuzzer\] the partner received (\d+) messages and (\d+) capabilities)");
    ASSERT_EQ(partner.size(), 3u);
    EXPECT_GT(std::stoull(partner[1]), 1000u);
    EXPECT_GT(std::stoull(partner[2]), 0u);

    // Its blocker lost what it waited on (or its very thread) to random calls, again and again.
    auto blocker = run.match(R"(\[fuzzer\] blocker: (\d+) made, (\d+) taken away while it waited)");
    ASSERT_EQ(blocker.size(), 3u);
    EXPECT_GT(std::stoull(blocker[1]), 1000u);
    EXPECT_GT(std::stoull(blocker[2]), 100u);

    // Nothing leaked: its budget, and the machine's free frames, its page tables aside,
    // were after every clean-up what they were after the first.
    auto budget = run.match(R"(\[fuzzer\] after (\d+) clean-ups: budget (\d+) bytes left besides page tables each time, (\d+) times otherwise)");
    ASSERT_EQ(budget.size(), 4u);
    EXPECT_GT(std::stoull(budget[1]), fuzz_calls / 1024);
    EXPECT_EQ(budget[3], "0");
    auto frames = run.match(R"(\[fuzzer\] after (\d+) clean-ups: (\d+) free frames besides its page tables each time, (\d+) times otherwise)");
    ASSERT_EQ(frames.size(), 4u) << "the test kernel did not tell the free frames";
    EXPECT_GT(std::stoull(frames[2]), 0u);
    EXPECT_EQ(frames[3], "0") << "kernel memory leaked across clean-ups";

    // The fuzzer still talks, and its neighbours finished.
    EXPECT_TRUE(run.contains("[fuzzer] after fuzzing, a call to the partner: ok, answer 1\n"));
    EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
    EXPECT_TRUE(run.contains("[alpha] 100 requests, 100 answers named my badge 1, server counted 100\n"));
}
