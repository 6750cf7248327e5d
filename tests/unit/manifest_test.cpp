// System manifest: every error the checks report, word for word and on its line, and a valid
// manifest compiled into a plan and read back with the root's own reader.
#include "manifest_fixture.hpp"
#include <plan_compile.hpp>
#include <isok/plan.hpp>

namespace {

using namespace manifest_fixture;
namespace plan = isok::plan;

const std::string process_keys = "name, image, priority, max_priority, budget, stack, time_slice, fault_handler, caps, args, harts, restart, restart_limit";

std::vector<Case> cases() {
    std::string hub = "[[process]]\nname = \"hub\"\nimage = \"ping.elf\"\ncaps = 16\n" + ping, wide;
    for (int i = 0; i < 15; ++i)
        hub += "[[channel]]\nname = \"c" + std::to_string(i) + "\"\nserver = \"hub\"\nclients = [\"ping\"]\n";
    // Clients alternate, so that only the hub holds more than a startup page lists.
    wide = "[[process]]\nname = \"hub\"\nimage = \"ping.elf\"\ncaps = 128\n" + ping + pong;
    for (int i = 0; i < 65; ++i)
        wide += "[[channel]]\nname = \"c" + std::to_string(i) + "\"\nserver = \"hub\"\nclients = [\"" +
                (i % 2 ? "pong" : "ping") + "\"]\n";
    // 257 channels spread over five servers and five clients: only the plan's limit is hit.
    std::string many;
    for (int i = 0; i < 5; ++i)
        many += "[[process]]\nname = \"s" + std::to_string(i) + "\"\nimage = \"ping.elf\"\n[[process]]\nname = \"c" +
                std::to_string(i) + "\"\nimage = \"ping.elf\"\n";
    for (int i = 0; i < 257; ++i)
        many += "[[channel]]\nname = \"x" + std::to_string(i) + "\"\nserver = \"s" + std::to_string(i % 5) +
                "\"\nclients = [\"c" + std::to_string(i % 5) + "\"]\n";
    return {
        {"syntax", head + "memory = \n", "memory",
         "3:10: Error while parsing key-value pair: expected value, saw '\\n'"},
        {"unknown_top_level", "colour = 1\n" + head + ping, "colour",
         "top level: unknown key 'colour' (known keys: system, process, channel, vm, network, disk, console)"},
        {"unknown_in_system", "[system]\nname = \"demo\"\nnmae = 1\n" + ping, "nmae",
         "[system]: unknown key 'nmae' (known keys: name, memory)"},
        {"unknown_in_process", head + ping + "prio = 1\n", "prio",
         "process 'ping': unknown key 'prio' (known keys: " + process_keys + ")"},
        {"unknown_in_channel", head + ping + pong + channel + "clients = [\"ping\"]\ncolor = 1\n", "color",
         "channel 'pp': unknown key 'color' (known keys: name, server, clients, grant)"},
        {"wrong_type", head + ping + "priority = \"high\"\n", "priority",
         "process 'ping': 'priority' must be an integer, not a string"},
        {"wrong_type_in_array", head + ping + pong + channel + "clients = [\"ping\", 2]\n", "clients",
         "channel 'pp': 'clients' must be an array of strings; element 2 is an integer"},
        {"wrong_type_grant", head + ping + pong + channel + "clients = [\"ping\"]\ngrant = 1\n", "grant = 1",
         "channel 'pp': 'grant' must be a boolean, not an integer"},
        {"process_not_array", head + "[process]\nname = \"ping\"\n", "[process]",
         "'process' must be an array of tables ([[process]]), not a table"},
        {"missing_system", ping, "", "missing required table [system]"},
        {"missing_name", head + "[[process]]\nimage = \"ping.elf\"\n", "[[process]]",
         "process #1: missing required key 'name'"},
        {"missing_image", head + "[[process]]\nname = \"ping\"\n", "[[process]]",
         "process 'ping': missing required key 'image'"},
        {"missing_server", head + ping + "[[channel]]\nname = \"pp\"\nclients = [\"ping\"]\n", "[[channel]]",
         "channel 'pp': missing required key 'server'"},
        {"no_process", head, "", "no [[process]]: a system needs at least one process"},
        {"bad_system_name", "[system]\nname = \"Demo\"\n" + ping, "Demo",
         "[system]: name must be 1..31 characters from a-z 0-9 _ -"},
        {"bad_process_name", head + "[[process]]\nname = \"p.ng\"\nimage = \"ping.elf\"\n", "p.ng",
         "process 'p.ng': name must be 1..31 characters from a-z 0-9 _ -"},
        {"reserved_process_name", head + "[[process]]\nname = \"root\"\nimage = \"ping.elf\"\n", "\"root\"",
         "process 'root': the name 'root' is reserved for the boot image's own entries"},
        {"duplicate_process", head + ping + "[[process]]\nname = 'ping'\nimage = \"pong.elf\"\n", "'ping'",
         "process 'ping': name already used by the process on line 4"},
        {"duplicate_channel",
         head + ping + pong + channel +
             "clients = [\"ping\"]\n[[channel]]\nname = 'pp'\nserver = \"pong\"\nclients = [\"ping\"]\n",
         "'pp'", "channel 'pp': name already used by the channel on line 10"},
        {"reserved_channel_name",
         head + ping + pong + "[[channel]]\nname = \"faults\"\nserver = \"pong\"\nclients = [\"ping\"]\n", "\"faults\"",
         "channel 'faults': names 'faults' and 'faults.*' are reserved for fault handlers"},
        {"server_not_process", head + ping + "[[channel]]\nname = \"pp\"\nserver = \"pang\"\nclients = [\"ping\"]\n",
         "pang", "channel 'pp': server 'pang' is not a process"},
        {"client_not_process", head + ping + pong + channel + "clients = [\"pung\"]\n", "pung",
         "channel 'pp': client 'pung' is not a process"},
        {"client_twice", head + ping + pong + channel + "clients = [\"ping\", \"ping\"]\n", "clients",
         "channel 'pp': client 'ping' is listed twice"},
        {"server_is_client", head + ping + pong + channel + "clients = [\"pong\"]\n", "clients",
         "channel 'pp': server 'pong' cannot be its own client"},
        {"no_clients", head + ping + pong + channel + "clients = []\n", "clients",
         "channel 'pp': 'clients' must name at least one process"},
        {"fault_handler_not_process", head + ping + "fault_handler = \"pager\"\n", "pager",
         "process 'ping': fault_handler 'pager' is not a process"},
        {"fault_handler_itself", head + ping + "fault_handler = \"ping\"\n", "fault_handler",
         "process 'ping': fault_handler cannot be the process itself"},
        {"priority_high", head + ping + "priority = 255\n", "priority",
         "process 'ping': priority 255 is out of range 1..254"},
        {"priority_low", head + ping + "priority = 0\n", "priority",
         "process 'ping': priority 0 is out of range 1..254"},
        {"max_priority_below", head + ping + "priority = 50\nmax_priority = 49\n", "max_priority",
         "process 'ping': max_priority 49 is out of range 50..254"},
        {"max_priority_root", head + ping + "max_priority = 255\n", "max_priority",
         "process 'ping': max_priority 255 is out of range 100..254"},
        {"time_slice", head + ping + "time_slice = 1001\n", "time_slice",
         "process 'ping': time_slice 1001 is out of range 1..1000"},
        {"caps_low", head + ping + "caps = 15\n", "caps", "process 'ping': caps 15 is out of range 16..4096"},
        {"caps_high", head + ping + "caps = 4097\n", "caps", "process 'ping': caps 4097 is out of range 16..4096"},
        {"size_unparsable", head + ping + "stack = \"16Q\"\n", "stack",
         "process 'ping': stack \"16Q\" is not a size (bytes, or a whole number with K, M or G, like \"64K\")"},
        {"size_negative", head + ping + "budget = -4096\n", "budget",
         "process 'ping': budget -4096 is not a size (bytes, or a whole number with K, M or G, like \"64K\")"},
        {"size_not_page", head + ping + "stack = \"6K\"\n", "stack",
         "process 'ping': stack \"6K\" is not a multiple of 4K"},
        {"size_wrong_type", head + ping + "budget = 1.5\n", "budget",
         "process 'ping': 'budget' must be a size (an integer, or a string like \"64K\"), not a float"},
        {"stack_zero", head + ping + "stack = 0\n", "stack", "process 'ping': stack must be at least 4K"},
        {"memory_not_page", "[system]\nname = \"demo\"\nmemory = 5000\n" + ping, "memory",
         "[system]: memory 5000 is not a multiple of 4K"},
        {"image_missing", head + "[[process]]\nname = \"ping\"\nimage = \"absent.elf\"\n", "absent",
         "process 'ping': image 'absent.elf' not found (looked in {dir})"},
        {"image_unreadable", head + "[[process]]\nname = \"ping\"\nimage = \"dir.elf\"\n", "dir.elf",
         "process 'ping': '{dir}/dir.elf' is a directory"},
        {"image_not_elf", head + "[[process]]\nname = \"ping\"\nimage = \"text.elf\"\n", "text.elf",
         "process 'ping': image '{dir}/text.elf' is not an ELF file"},
        {"image_not_loadable", head + "[[process]]\nname = \"ping\"\nimage = \"arm.elf\"\n", "arm.elf",
         "process 'ping': image '{dir}/arm.elf' cannot be loaded: not a RISC-V file (e_machine is not EM_RISCV)"},
        {"image_overlaps_stack", head + "[[process]]\nname = \"ping\"\nimage = \"low.elf\"\n", "low.elf",
         "process 'ping': image 'low.elf' overlaps its stack"},
        {"budget_too_small", head + ping + "budget = \"32K\"\n", "budget",
         "process 'ping': budget 32K is too small: it needs 60K (image 4K + stack 16K + IPC buffer 4K + startup page "
         "4K + page tables 24K + kernel objects 8K)"},
        {"budget_too_small_big_image", head + "[[process]]\nname = \"ping\"\nimage = \"big.elf\"\nbudget = \"1M\"\n",
         "budget",
         "process 'ping': budget 1M is too small: it needs 1092K (image 1032K + stack 16K + IPC buffer 4K + startup "
         "page 4K + page tables 28K + kernel objects 8K)"},
        {"memory_exceeded", "[system]\nname = \"demo\"\nmemory = \"384K\"\n" + ping + pong, "memory",
         "[system]: the budgets add up to 512K, more than memory = 384K"},
        {"grants_exceed_caps", head + hub, "caps = 16",
         "process 'hub': 15 capabilities granted but caps = 16 holds only 14 (slots 0 and 1 hold its domain and "
         "thread)"},
        {"grants_exceed_startup_page", head + wide, "[[process]]",
         "process 'hub': 65 capabilities granted, more than its startup page lists (64)"},
        {"too_many_endpoints", head + many, "",
         "257 channels and 0 fault handlers need more endpoints than a plan holds (256)"},
    };
}

class ManifestError : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestError, IsReportedOnItsLine) {
    Folder folder;
    EXPECT_EQ(folder.errors(GetParam().toml), expected_errors(folder, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Manifest, ManifestError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(Manifest, CannotReadTheManifestItself) {
    std::vector<std::string> errors;
    isotool::load_manifest("/nonexistent/system.toml", {}, errors);
    EXPECT_EQ(errors, std::vector<std::string>{"cannot read '/nonexistent/system.toml': No such file or directory"});
}

TEST(Manifest, EveryErrorIsReportedInLineOrder) {
    Folder folder;
    const std::string toml = head + ping + "priority = 0\ncolour = 2\n" + pong + "caps = 1\n";
    const auto errors = folder.errors(toml);
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_NE(errors[0].find(":6: process 'ping': priority 0"), std::string::npos) << errors[0];
    EXPECT_NE(errors[1].find(":7: process 'ping': unknown key 'colour'"), std::string::npos) << errors[1];
    EXPECT_NE(errors[2].find(":11: process 'pong': caps 1"), std::string::npos) << errors[2];
}

TEST(Manifest, ImagesAreFoundInSearchFoldersAndByAbsolutePath) {
    Folder folder;
    const std::string toml = head + "[[process]]\nname = \"pager\"\nimage = \"pager.elf\"\n" +
                             "[[process]]\nname = \"ping\"\nimage = \"" + folder.dir() + "/ping.elf\"\n";
    EXPECT_EQ(folder.errors(toml, {folder.dir() + "/lib"}), std::vector<std::string>{});
    EXPECT_EQ(folder.model().processes[0].image_path, folder.dir() + "/lib/pager.elf");
    EXPECT_EQ(folder.model().processes[1].image_path, folder.dir() + "/ping.elf");
    EXPECT_EQ(folder.errors(toml).size(), 1u); // without the search folder, pager.elf is nowhere
}

TEST(Manifest, SizesAndDefaults) {
    Folder folder;
    const std::string toml =
        "[system]\nname = \"demo\"\nmemory = \"1G\"\n" + ping + "budget = \"1m\"\nstack = 8192\n" + pong;
    ASSERT_EQ(folder.errors(toml), std::vector<std::string>{});
    const auto& p = folder.model().processes;
    EXPECT_EQ(*folder.model().memory, isok::GiB);
    EXPECT_EQ(p[0].budget, isok::MiB);
    EXPECT_EQ(p[0].stack, 8192u);
    EXPECT_EQ(p[1].budget, 256 * isok::KiB);
    EXPECT_EQ(p[1].stack, 16 * isok::KiB);
    EXPECT_EQ(p[1].priority, 100u);
    EXPECT_EQ(p[1].time_slice, 10u);
    EXPECT_EQ(p[1].caps, 64u);
    EXPECT_EQ(p[1].need.total(), 60 * isok::KiB);
    EXPECT_EQ(isotool::format_size(3 * isok::MiB), "3M");
    EXPECT_EQ(isotool::format_size(4097), "4097");
}

// A pager handling ping's and pong's faults; pong serves "pp" to ping and the pager.
TEST(Manifest, ValidManifestCompilesAndReadsBack) {
    Folder folder;
    const std::string toml = std::string("[system]\nname = \"pingpong\"\nmemory = \"2M\"\n") +
                             "[[process]]\nname = \"pager\"\nimage = \"lib/pager.elf\"\npriority = 200\ncaps = 32\n" +
                             ping + "fault_handler = \"pager\"\nstack = \"8K\"\ntime_slice = 5\n" + pong +
                             "fault_handler = \"pager\"\nbudget = \"512K\"\n" + channel +
                             "clients = [\"ping\", \"pager\"]\ngrant = true\n";
    ASSERT_EQ(folder.errors(toml), std::vector<std::string>{});
    auto bytes = isotool::compile_plan(folder.model());
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    auto p = plan::Plan::open({bytes->data(), bytes->size()});
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    EXPECT_STREQ(p->system(), "pingpong");
    ASSERT_EQ(p->process_count(), 3u);
    ASSERT_EQ(p->endpoint_count(), 2u);
    auto pager = *p->process(0), pi = *p->process(1), po = *p->process(2);
    EXPECT_STREQ(pager.image, "pager");
    EXPECT_EQ(pager.priority, 200u);
    EXPECT_EQ(pager.cap_slots, 32u);
    EXPECT_EQ(pager.fault_handler, plan::none);
    EXPECT_STREQ(pi.name, "ping");
    EXPECT_EQ(pi.stack, 8192u);
    EXPECT_EQ(pi.time_slice, 5u);
    EXPECT_EQ(pi.budget, 256 * isok::KiB);
    EXPECT_EQ(pi.fault_handler, 0u);
    EXPECT_EQ(pi.fault_endpoint, 1u);
    EXPECT_EQ(pi.fault_badge, 1u);
    EXPECT_EQ(po.budget, 512 * isok::KiB);
    EXPECT_EQ(po.fault_badge, 2u);
    auto pp = *p->endpoint(0), faults = *p->endpoint(1);
    EXPECT_STREQ(pp.name, "pp");
    EXPECT_EQ(pp.server, 2u);
    EXPECT_TRUE(pp.grant);
    EXPECT_EQ(faults.kind, plan::EndpointKind::faults);
    EXPECT_EQ(faults.server, 0u);
    // pager: client of pp (badge 2), then its faults endpoint; ping: client (badge 1); pong: server.
    ASSERT_EQ(pager.grant_count, 2u);
    auto g = *p->grant(0, 0);
    EXPECT_STREQ(g.name, "pp");
    EXPECT_EQ(g.slot, 2u);
    EXPECT_EQ(g.role, plan::Role::client);
    EXPECT_EQ(g.rights, 2u | 8u);
    EXPECT_EQ(g.badge, 2u);
    g = *p->grant(0, 1);
    EXPECT_STREQ(g.name, "faults");
    EXPECT_EQ(g.slot, 3u);
    EXPECT_EQ(g.endpoint, 1u);
    EXPECT_EQ(g.role, plan::Role::faults);
    EXPECT_EQ(g.rights, 1u);
    ASSERT_EQ(pi.grant_count, 1u);
    EXPECT_EQ(p->grant(1, 0)->badge, 1u);
    ASSERT_EQ(po.grant_count, 1u);
    g = *p->grant(2, 0);
    EXPECT_EQ(g.role, plan::Role::server);
    EXPECT_EQ(g.rights, 1u);
    EXPECT_EQ(g.badge, 0u);
}

} // namespace
