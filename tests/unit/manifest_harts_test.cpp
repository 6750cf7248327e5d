// System manifest, the `harts` key of processes and VMs: every error it reports, word for
// word and on its line, and hart lists compiled into a plan and read back.
#include "manifest_fixture.hpp"
#include <plan_compile.hpp>
#include <isok/plan.hpp>

namespace {

using namespace manifest_fixture;
namespace plan = isok::plan;

const std::string vm = "[[vm]]\nname = \"linux\"\nkernel = \"Image\"\n";

std::vector<Case> cases() {
    return {
        {"not_an_array", head + ping + "harts = 1\n", "harts",
         "process 'ping': 'harts' must be an array of integers, not an integer"},
        {"a_string", head + ping + "harts = [0, \"1\"]\n", "harts",
         "process 'ping': 'harts' must be an array of integers; element 2 is a string"},
        {"a_float", head + ping + vm + "harts = [1.0]\n", "harts",
         "vm 'linux': 'harts' must be an array of integers; element 1 is a float"},
        {"a_table", head + ping + "harts = [{ hart = 0 }]\n", "harts",
         "process 'ping': 'harts' must be an array of integers; element 1 is a table"},
        {"hart_8", head + ping + "harts = [0, 8]\n", "harts",
         "process 'ping': harts element 2, 8, is out of range 0..7"},
        {"hart_negative", head + ping + vm + "harts = [-1]\n", "harts",
         "vm 'linux': harts element 1, -1, is out of range 0..7"},
        {"hart_huge", head + ping + "harts = [4294967296]\n", "harts",
         "process 'ping': harts element 1, 4294967296, is out of range 0..7"},
        {"empty", head + ping + "harts = []\n", "harts", "process 'ping': harts must list 1 to 8 harts, not 0"},
        {"nine", head + ping + vm + "harts = [0, 1, 2, 3, 4, 5, 6, 7, 0]\n", "harts",
         "vm 'linux': harts must list 1 to 8 harts, not 9"},
        {"twice", head + ping + "harts = [1, 2, 1]\n", "harts", "process 'ping': hart 1 is listed twice"},
        {"twice_in_vm", head + ping + vm + "vcpus = 4\nharts = [3, 3]\n", "harts",
         "vm 'linux': hart 3 is listed twice"},
    };
}

class ManifestHartsError : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestHartsError, IsReportedOnItsLine) {
    Folder folder;
    EXPECT_EQ(folder.errors(GetParam().toml), expected_errors(folder, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(ManifestHarts, ManifestHartsError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

std::vector<isok::u8> list_of(const plan::Harts& h) { return std::vector<isok::u8>(h.index, h.index + h.count); }

TEST(ManifestHarts, ListsCompileIntoThePlanAndTheVmmTakesItsVmsFirstHart) {
    Folder folder;
    const std::string toml = head + ping + "harts = [3, 0]\n" + pong + vm + "vcpus = 3\nharts = [1, 2]\n" +
                             "[[vm]]\nname = \"tiny\"\nkernel = \"Image\"\nmemory = \"4M\"\n";
    ASSERT_EQ(folder.errors(toml), std::vector<std::string>{});
    EXPECT_EQ(folder.model().processes[0].harts, (std::vector<isok::u8>{3, 0}));
    EXPECT_TRUE(folder.model().processes[1].harts.empty());
    EXPECT_EQ(folder.model().vms[0].harts, (std::vector<isok::u8>{1, 2}));
    auto bytes = isotool::compile_plan(folder.model());
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    auto p = plan::Plan::open({bytes->data(), bytes->size()});
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->process_count(), 4u); // ping, pong, linux.vmm, tiny.vmm
    EXPECT_EQ(list_of(p->process(0)->harts), (std::vector<isok::u8>{3, 0}));
    EXPECT_EQ(p->process(1)->harts.count, 0u) << "absent: the root places it";
    EXPECT_EQ(list_of(p->vm(0)->harts), (std::vector<isok::u8>{1, 2}));
    EXPECT_STREQ(p->process(2)->name, "linux.vmm");
    EXPECT_EQ(list_of(p->process(2)->harts), (std::vector<isok::u8>{1}));
    EXPECT_EQ(p->vm(1)->harts.count, 0u);
    EXPECT_EQ(p->process(3)->harts.count, 0u) << "a VM without harts: its VMM goes beside vCPU 0";
}

TEST(ManifestHarts, EveryHartOnceIsAllowed) {
    Folder folder;
    ASSERT_EQ(folder.errors(head + ping + "harts = [7, 6, 5, 4, 3, 2, 1, 0]\n" + vm + "harts = [7]\n"),
              std::vector<std::string>{});
    EXPECT_EQ(folder.model().processes[0].harts.size(), 8u);
    EXPECT_EQ(folder.model().vms[0].harts, (std::vector<isok::u8>{7}));
}

} // namespace
