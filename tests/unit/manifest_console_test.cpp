// System manifest, the [console] table: every error its checks report, word for word and on
// its line; what the console adds to budgets; a console compiled into a plan and read back
// with the root's own reader.
#include "manifest_fixture.hpp"
#include <manifest_check.hpp>
#include <plan_compile.hpp>
#include <isok/plan.hpp>

namespace {

using namespace manifest_fixture;
namespace plan = isok::plan;
using isok::KiB;

std::string process(const std::string& name, const std::string& extra = "") {
    return "[[process]]\nname = \"" + name + "\"\nimage = \"ping.elf\"\n" + extra;
}
const std::string linux_vm = "[[vm]]\nname = \"linux\"\nkernel = \"Image\"\nmemory = \"4M\"\n";
std::string console(const std::string& body) { return "[console]\n" + body; }

// The service, a shell, a process that takes no input and a VM.
const std::string base = head + process("con") + process("shell") + process("other") + linux_vm;

std::string quoted_list(const std::vector<std::string>& names) {
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "\"" : ", \"") + n + "\"";
    return "[" + list + "]";
}

std::vector<Case> cases() {
    // 33 inputs: one more than a plan holds.
    std::string wide = head + process("con");
    std::vector<std::string> many;
    for (int i = 0; i < 33; ++i) {
        many.push_back("p" + std::to_string(i));
        wide += process(many.back());
    }
    wide += console("service = \"con\"\ninputs = " + quoted_list(many) + "\n");
    // 12 inputs fill a 16-slot service's space past its 14 free slots.
    std::string cramped = head + process("con", "caps = 16\n");
    many.resize(12);
    for (const std::string& p : many) cramped += process(p);
    cramped += console("service = \"con\"\ninputs = " + quoted_list(many) + "\n");
    // 60 channel grants and 4 console capabilities: the space holds them, the startup page not.
    std::string listed = head + process("con", "caps = 128\n") + process("shell") + process("srv");
    for (int i = 0; i < 60; ++i)
        listed += "[[channel]]\nname = \"c" + std::to_string(i) + "\"\nserver = \"srv\"\nclients = [\"con\"]\n";
    listed += console("service = \"con\"\ninputs = [\"shell\"]\n");
    return {
        // Keys and types.
        {"unknown_key", base + console("service = \"con\"\ncolour = 1\n"), "colour",
         "[console]: unknown key 'colour' (known keys: service, inputs)"},
        {"missing_service", base + console("inputs = [\"shell\"]\n"), "[console]",
         "[console]: missing required key 'service'"},
        {"service_not_string", base + console("service = 1\n"), "service",
         "[console]: 'service' must be a string, not an integer"},
        {"inputs_not_array", base + console("service = \"con\"\ninputs = \"shell\"\n"), "inputs",
         "[console]: 'inputs' must be an array of strings, not a string"},
        {"console_array", base + "[[console]]\nservice = \"con\"\n", "[[console]]",
         "'console' must be a table ([console]), not an array"},
        // Values.
        {"service_unknown", base + console("service = \"nobody\"\n"), "service",
         "[console]: service 'nobody' is not a process"},
        {"service_is_vm", base + console("service = \"linux\"\n"), "service",
         "[console]: service 'linux' is a VM, not a process"},
        {"service_is_vmm", base + console("service = \"linux.vmm\"\n"), "service",
         "[console]: service 'linux.vmm' is the VMM of vm 'linux', not a process"},
        {"input_unknown", base + console("service = \"con\"\ninputs = [\"shell\", \"nobody\"]\n"), "inputs",
         "[console]: input 'nobody' is not a process or VM"},
        {"input_is_vmm", base + console("service = \"con\"\ninputs = [\"linux.vmm\"]\n"), "inputs",
         "[console]: input 'linux.vmm' is not a process or VM"},
        {"input_twice", base + console("service = \"con\"\ninputs = [\"shell\", \"linux\", \"shell\"]\n"), "inputs",
         "[console]: input 'shell' is listed twice"},
        {"input_is_service", base + console("service = \"con\"\ninputs = [\"shell\", \"con\"]\n"), "inputs",
         "[console]: input 'con' is the service itself (its own shell is focus 0)"},
        {"too_many_inputs", wide, "inputs", "[console]: 33 inputs, more than 32"},
        // What the console adds to a process: names, slots.
        {"cap_name_clash", base + process("uart") + console("service = \"con\"\ninputs = [\"uart\"]\n"),
         "name = \"con\"",
         "process 'con': two of its capabilities would be named 'uart' (the console and console input 'uart')"},
        {"input_cap_name_clash",
         base + "[[channel]]\nname = \"console\"\nserver = \"other\"\nclients = [\"shell\"]\n" +
             console("service = \"con\"\ninputs = [\"shell\"]\n"),
         "name = \"shell\"",
         "process 'shell': two of its capabilities would be named 'console' (channel 'console' and the console)"},
        {"caps_too_few", cramped, "caps = 16",
         "process 'con': 15 capabilities granted (15 for the console) but caps = 16 holds only 14 (slots 0 and 1 "
         "hold its domain and thread)"},
        {"startup_page_full", listed, "[[process]]\nname = \"con\"",
         "process 'con': 60 channel grants and 4 console capabilities, with its domain and thread, are more than its "
         "startup page lists (64)"},
    };
}

class ManifestConsoleError : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestConsoleError, IsReportedOnItsLine) {
    Folder folder;
    EXPECT_EQ(folder.errors(GetParam().toml), expected_errors(folder, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(ManifestConsole, ManifestConsoleError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

// TOML itself allows one [console]: a second is a syntax error.
TEST(ManifestConsole, ASecondConsoleTableIsRefused) {
    Folder folder;
    const auto errors = folder.errors(base + console("service = \"con\"\n") + console("service = \"shell\"\n"));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find(folder.manifest() + ":"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("console"), std::string::npos) << errors[0];
}

const std::string sample = base + console("service = \"con\"\ninputs = [\"shell\", \"linux\"]\n");

// The service's endpoint and each input's notification: one 128-byte object each, a page
// more of kernel objects for a process that had none from links.
TEST(ManifestConsole, FootprintsCountTheConsoleObjects) {
    Folder folder;
    ASSERT_EQ(folder.errors(sample), std::vector<std::string>{});
    const auto& m = folder.model();
    EXPECT_EQ(m.processes[0].need.objects, 12 * KiB); // domain and thread, 64 slots, the endpoint
    EXPECT_EQ(m.processes[1].need.objects, 12 * KiB); // ... its notification
    EXPECT_EQ(m.processes[2].need.objects, 8 * KiB);  // no console: no more
    EXPECT_EQ(isotool::console_caps(m, "con"), 3u + 2);
    EXPECT_EQ(isotool::console_caps(m, "shell"), 2u);
    EXPECT_EQ(isotool::console_caps(m, "linux"), 2u);
    EXPECT_EQ(isotool::console_caps(m, "other"), 0u);

    Folder plain;
    ASSERT_EQ(plain.errors(base), std::vector<std::string>{});
    EXPECT_EQ(m.vms[0].vmm_need.objects, plain.model().vms[0].vmm_need.objects + 4 * KiB);
}

TEST(ManifestConsole, TheConsoleCompilesIntoThePlan) {
    Folder folder;
    ASSERT_EQ(folder.errors(sample), std::vector<std::string>{});
    auto bytes = isotool::compile_plan(folder.model());
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    auto p = plan::Plan::open({bytes->data(), bytes->size()});
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->process_count(), 4u); // con, shell, other, linux.vmm
    ASSERT_TRUE(p->has_console());
    EXPECT_EQ(p->console_service(), 0u);
    ASSERT_EQ(p->console_input_count(), 2u);
    EXPECT_STREQ(p->console_input(0)->name, "shell");
    EXPECT_EQ(p->console_input(0)->process, 1u);
    EXPECT_STREQ(p->console_input(1)->name, "linux");
    EXPECT_EQ(p->console_input(1)->process, 3u); // the VM's VMM
    EXPECT_STREQ(p->process(3)->name, "linux.vmm");
    EXPECT_EQ(*p->console_input_of(3), 1u);
    EXPECT_EQ(p->console_input_of(2).error(), plan::Error::not_found);
}

TEST(ManifestConsole, AServiceAloneIsAConsoleAndNoTableIsNone) {
    Folder folder;
    ASSERT_EQ(folder.errors(base + console("service = \"con\"\n")), std::vector<std::string>{});
    auto alone = isotool::compile_plan(folder.model());
    ASSERT_TRUE(alone.ok()) << alone.error();
    auto p = plan::Plan::open({alone->data(), alone->size()});
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->has_console());
    EXPECT_EQ(p->console_input_count(), 0u);

    ASSERT_EQ(folder.errors(base), std::vector<std::string>{});
    auto none = isotool::compile_plan(folder.model());
    ASSERT_TRUE(none.ok()) << none.error();
    auto q = plan::Plan::open({none->data(), none->size()});
    ASSERT_TRUE(q.ok());
    EXPECT_FALSE(q->has_console());
}

} // namespace
