// Resource limits: a process that creates objects until its budget is spent gets
// no_budget, and nobody else does: a witness beside it still creates objects and a
// ping-pong pair completes. tests/system/systems/budget.toml.
#include "system_test.hpp"

using namespace isok::test;

namespace {
class BudgetTest : public SystemTest {};
} // namespace

TEST_F(BudgetTest, ASpentBudgetStopsOnlyItsOwnDomain) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("budget");
    // The hog needs ~100 calls and one round trip, ping 1000 round trips: ping ends last.
    c.until = "[ping] sent 1000 balls, 1000 answers right, pong counted 1000\r\n";
    c.timeout = std::chrono::seconds(60);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until);
    EXPECT_FALSE(run.contains("KERNEL PANIC"));

    auto before = run.match(R"(\[hog\] before: budget (\d+) of 262144 bytes left)");
    auto after = run.match(R"(\[hog\] after: budget (\d+) of 262144 bytes left)");
    auto released = run.match(R"(\[hog\] released: budget (\d+) of 262144 bytes left)");
    ASSERT_EQ(before.size(), 2u);
    ASSERT_EQ(after.size(), 2u);
    ASSERT_EQ(released.size(), 2u);
    // A domain too poor for its own page table is refused, and the attempt costs nothing.
    EXPECT_TRUE(run.contains("[hog] creating a domain with 4096 bytes, too few for its own page table: no_budget; "
                             "budget left " + before[1] + "\n"));
    auto memories = run.match(R"(\[hog\] created (\d+) one-page memory objects, then: (\w+))");
    auto endpoints = run.match(R"(\[hog\] created (\d+) endpoints, then: (\w+))");
    ASSERT_EQ(memories.size(), 3u);
    ASSERT_EQ(endpoints.size(), 3u);
    EXPECT_GE(std::stoul(memories[1]), 10u);
    EXPECT_EQ(memories[2], "no_budget");
    EXPECT_GE(std::stoul(endpoints[1]), 1u);
    EXPECT_EQ(endpoints[2], "no_budget");
    EXPECT_TRUE(run.contains("[hog] creating a domain with a 4096-byte budget: no_budget\n"));
    // Spent: less left than one more endpoint costs (one 64-byte slab slot at least).
    EXPECT_LT(std::stoul(after[1]), 4096u);
    // The witness's budget is its own: it can still create while the hog cannot.
    EXPECT_TRUE(run.contains("[witness] asked by badge 1: creating an endpoint: ok, a memory page: ok\n"));
    EXPECT_TRUE(run.contains("[hog] the witness, asked now: ok (endpoint ok, memory ok)\n"));
    // Destroying refunds every byte.
    EXPECT_EQ(released[1], before[1]);
    EXPECT_TRUE(run.contains("[hog] destroyed " +
                             std::to_string(std::stoul(memories[1]) + std::stoul(endpoints[1])) +
                             " objects; refunded to the byte: yes\n"));
    // And the pair beside them completed.
    EXPECT_TRUE(run.contains("[pong] answered 1000 balls\n"));
    EXPECT_TRUE(run.contains("[ping] sent 1000 balls, 1000 answers right, pong counted 1000\n"));
}
