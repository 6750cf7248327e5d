// System plan, the restart policy of a process record: the byte layout of
// docs/plan-format.md, a round trip, and hostile fields the reader must refuse before the
// root acts on them.
#include "plan_test_util.hpp"

#include <gtest/gtest.h>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <string>
#include <vector>

namespace {

using namespace plan_test;
using plan::Error;
using plan::Restart;

// The sample: processes "keeper" (on-failure, 3), "plain" (never) and "handled" (never,
// its faults handled by "keeper"). Literal offsets of docs/plan-format.md.
constexpr size_t process_at(size_t i) { return 88 + 416 * i; }
constexpr size_t restart = 408, restart_limit = 412;

plan::ProcessSpec process(std::string name) {
    return {.name = name, .image = name, .budget = 512 * 1024, .stack = 65536, .priority = 100, .time_slice = 10,
            .cap_slots = 64};
}

std::vector<u8> sample() {
    plan::Writer w("restarts");
    plan::ProcessSpec keeper = process("keeper");
    keeper.restart = Restart::on_failure;
    keeper.restart_limit = 3;
    w.add(keeper), w.add(process("plain"));
    plan::ProcessSpec handled = process("handled");
    handled.fault_handler = 0;
    handled.fault_endpoint = w.add(plan::EndpointSpec{.name = "faults", .kind = plan::EndpointKind::faults, .server = 0});
    handled.fault_badge = 1;
    w.add(handled);
    w.add(plan::GrantSpec{.process = 0, .name = "faults", .endpoint = 0, .rights = 1, .role = plan::Role::faults});
    return bytes_of(w);
}

TEST(PlanRestart, LayoutAndRoundTrip) {
    const auto v = sample();
    EXPECT_EQ(get32(v, process_at(0) + restart), 1u);
    EXPECT_EQ(get32(v, process_at(0) + restart_limit), 3u);
    EXPECT_EQ(get32(v, process_at(1) + restart), 0u);
    EXPECT_EQ(get32(v, process_at(1) + restart_limit), 0u);
    auto p = open(v);
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    EXPECT_EQ(p->process(0)->restart, Restart::on_failure);
    EXPECT_EQ(p->process(0)->restart_limit, 3u);
    EXPECT_EQ(p->process(1)->restart, Restart::never);
}

TEST(PlanRestart, HostileFieldsAreRefused) {
    struct Poke {
        const char* what;
        size_t process;
        u32 policy;
        u32 limit;
    };
    const Poke refused[] = {
        {"an unknown policy", 0, 3, 3},
        {"a policy of all ones", 0, ~0u, 3},
        {"a restart without a limit", 0, 2, 0},
        {"a limit past the largest", 0, 1, 1001},
        {"a limit of all ones", 0, 2, ~0u},
        {"a limit with never", 1, 0, 1},
        {"a restart of a process another handles", 2, 1, 1},
    };
    for (const Poke& k : refused) {
        auto v = sample();
        put32(v, process_at(k.process) + restart, k.policy);
        put32(v, process_at(k.process) + restart_limit, k.limit);
        auto p = open(v);
        ASSERT_FALSE(p.ok()) << k.what;
        EXPECT_EQ(p.error(), Error::bad_restart) << k.what;
    }
    auto v = sample();
    put32(v, process_at(1) + restart, 2), put32(v, process_at(1) + restart_limit, 1000);
    EXPECT_TRUE(open(v).ok()) << "always, 1000 times: the most there is";
    EXPECT_STREQ(plan::describe(Error::bad_restart),
                 "a process's restart policy is unknown, its limit out of range, or another process handles its faults");
}

} // namespace
