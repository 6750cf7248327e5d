// System manifest, the restart policy of processes and VMs (`restart`, `restart_limit`):
// every error it reports, word for word and on its line, and policies compiled into a plan
// and read back (a VM's goes to its VMM's record).
#include "manifest_fixture.hpp"
#include <plan_compile.hpp>
#include <isok/plan.hpp>

namespace {

using namespace manifest_fixture;
namespace plan = isok::plan;

const std::string vm = "[[vm]]\nname = \"linux\"\nkernel = \"Image\"\n";
const std::string handled = head + pong + ping + "fault_handler = \"pong\"\n";

std::vector<Case> cases() {
    return {
        {"unknown_policy", head + ping + "restart = \"sometimes\"\n", "restart",
         "process 'ping': restart must be \"never\", \"on-failure\" or \"always\", not \"sometimes\""},
        {"underscore", head + ping + vm + "restart = \"on_failure\"\n", "restart",
         "vm 'linux': restart must be \"never\", \"on-failure\" or \"always\", not \"on_failure\""},
        {"empty_policy", head + ping + "restart = \"\"\n", "restart",
         "process 'ping': restart must be \"never\", \"on-failure\" or \"always\", not \"\""},
        {"boolean", head + ping + "restart = true\n", "restart",
         "process 'ping': 'restart' must be a string, not a boolean"},
        {"limit_zero", head + ping + "restart = \"always\"\nrestart_limit = 0\n", "restart_limit",
         "process 'ping': restart_limit 0 is out of range 1..1000"},
        {"limit_negative", head + ping + vm + "restart = \"on-failure\"\nrestart_limit = -3\n", "restart_limit",
         "vm 'linux': restart_limit -3 is out of range 1..1000"},
        {"limit_huge", head + ping + "restart = \"always\"\nrestart_limit = 4294967297\n", "restart_limit",
         "process 'ping': restart_limit 4294967297 is out of range 1..1000"},
        {"limit_a_string", head + ping + "restart = \"always\"\nrestart_limit = \"3\"\n", "restart_limit",
         "process 'ping': 'restart_limit' must be an integer, not a string"},
        {"limit_without_policy", head + ping + "restart_limit = 3\n", "restart_limit",
         "process 'ping': restart_limit needs restart = \"on-failure\" or \"always\""},
        {"limit_with_never", head + ping + vm + "restart = \"never\"\nrestart_limit = 3\n", "restart_limit",
         "vm 'linux': restart_limit needs restart = \"on-failure\" or \"always\""},
        {"another_handler", handled + "restart = \"on-failure\"\n", "restart",
         "process 'ping': restart needs the root as the fault handler, not 'pong'"},
    };
}

class ManifestRestartError : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestRestartError, IsReportedOnItsLine) {
    Folder folder;
    EXPECT_EQ(folder.errors(GetParam().toml), expected_errors(folder, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(ManifestRestart, ManifestRestartError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(ManifestRestart, PoliciesCompileIntoThePlanAndTheVmmCarriesItsVms) {
    Folder folder;
    const std::string toml = head + ping + "restart = \"always\"\n" + pong + "restart = \"never\"\n" + vm +
                             "restart = \"on-failure\"\nrestart_limit = 7\n" +
                             "[[vm]]\nname = \"tiny\"\nkernel = \"Image\"\nmemory = \"4M\"\n";
    ASSERT_EQ(folder.errors(toml), std::vector<std::string>{});
    auto bytes = isotool::compile_plan(folder.model());
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    auto p = plan::Plan::open({bytes->data(), bytes->size()});
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->process_count(), 4u); // ping, pong, linux.vmm, tiny.vmm
    EXPECT_EQ(p->process(0)->restart, plan::Restart::always);
    EXPECT_EQ(p->process(0)->restart_limit, 3u) << "the default limit";
    EXPECT_EQ(p->process(1)->restart, plan::Restart::never);
    EXPECT_EQ(p->process(1)->restart_limit, 0u) << "never carries no limit";
    EXPECT_STREQ(p->process(2)->name, "linux.vmm");
    EXPECT_EQ(p->process(2)->restart, plan::Restart::on_failure);
    EXPECT_EQ(p->process(2)->restart_limit, 7u);
    EXPECT_EQ(p->process(3)->restart, plan::Restart::never) << "absent: never, as before";
}

TEST(ManifestRestart, TheWholeRangeOfLimitsIsAllowed) {
    Folder folder;
    ASSERT_EQ(folder.errors(head + ping + "restart = \"always\"\nrestart_limit = 1\n" + vm +
                            "restart = \"on-failure\"\nrestart_limit = 1000\n"),
              std::vector<std::string>{});
    EXPECT_EQ(folder.model().processes[0].restart.limit, 1u);
    EXPECT_EQ(folder.model().vms[0].restart.limit, 1000u);
}

} // namespace
