// System manifest, networks, disks and process arguments: every error their checks report,
// word for word and on its line; what ports and partitions add to budgets; a manifest with
// networks and disks compiled into a plan and read back with the root's own reader.
#include "manifest_fixture.hpp"
#include <disk_layout.hpp>
#include <manifest_check.hpp>
#include <plan_compile.hpp>
#include <isok/plan.hpp>
#include <cstring>

namespace {

using namespace manifest_fixture;
namespace plan = isok::plan;
using isok::KiB;
using isok::MiB;

std::string process(const std::string& name, const std::string& extra = "") {
    return "[[process]]\nname = \"" + name + "\"\nimage = \"ping.elf\"\n" + extra;
}
std::string port(const std::string& domain, const std::string& mac) {
    return "{ domain = \"" + domain + "\", mac = \"" + mac + "\" }";
}
std::string network(const std::string& name, const std::string& sw, const std::string& ports) {
    return "[[network]]\nname = \"" + name + "\"\nswitch = \"" + sw + "\"\nports = [" + ports + "]\n";
}
std::string part(const std::string& name, const std::string& domain, const std::string& size) {
    return "{ name = \"" + name + "\", domain = \"" + domain + "\", size = \"" + size + "\" }";
}
std::string disk(const std::string& name, const std::string& service, const std::string& partitions) {
    return "[[disk]]\nname = \"" + name + "\"\nservice = \"" + service + "\"\npartitions = [" + partitions + "]\n";
}
std::string vm(const std::string& name, const std::string& devices) {
    return "[[vm]]\nname = \"" + name + "\"\nkernel = \"Image\"\nmemory = \"4M\"\ndevices = [" + devices + "]\n";
}

const std::string mac1 = "02:00:00:00:00:01", mac2 = "02:00:00:00:00:02", mac3 = "02:00:00:00:00:03";
// A switch, two members and a block service.
const std::string base = head + process("sw") + process("a") + process("b") + process("svc");
// The same with room in a's budget for two ports or partitions.
const std::string roomy = head + process("sw") + process("a", "budget = \"1M\"\n") + process("b") + process("svc");
const std::string lan = network("lan", "sw", port("a", mac1) + ", " + port("b", mac2));

std::vector<Case> cases() {
    // Generated systems: a switch with 33 ports; a member on 33 networks; 17 partitions.
    std::string wide_switch = head + process("sw", "caps = 128\n"), wide_ports;
    for (int i = 0; i < 33; ++i) {
        wide_switch += process("m" + std::to_string(i));
        wide_ports += (i ? ", " : "") + port("m" + std::to_string(i), "02:00:00:00:01:" + std::to_string(10 + i));
    }
    wide_switch += network("lan", "sw", wide_ports);
    std::string wide_member = head + process("a", "caps = 128\nbudget = \"8M\"\n");
    for (int i = 0; i < 33; ++i) {
        const std::string n = std::to_string(i);
        wide_member += process("s" + n) + network("n" + n, "s" + n, port("a", "02:00:00:00:02:" + std::to_string(10 + i)));
    }
    std::string wide_disk = head + process("svc", "caps = 128\n"), wide_partitions;
    for (int i = 0; i < 17; ++i) {
        wide_disk += process("c" + std::to_string(i));
        wide_partitions += (i ? ", " : "") + part("p" + std::to_string(i), "c" + std::to_string(i), "4K");
    }
    wide_disk += disk("disk0", "svc", wide_partitions);
    std::string wide_client = head + process("a", "caps = 128\nbudget = \"8M\"\n");
    for (int i = 0; i < 17; ++i) {
        const std::string n = std::to_string(i);
        wide_client += process("s" + n) + disk("d" + n, "s" + n, part("p" + n, "a", "4K"));
    }
    std::string narrow = base + disk("disk0", "svc", "");
    std::string many_partitions;
    for (int i = 0; i < 7; ++i) many_partitions += (i ? ", " : "") + part("p" + std::to_string(i), "a", "4K");
    const std::string cramped = head + process("sw") + process("a", "caps = 16\nbudget = \"4M\"\n") + process("svc") +
                                network("lan", "sw", port("a", mac1)) + disk("disk0", "svc", many_partitions);
    return {
        // Keys and types.
        {"unknown_in_network", base + lan + "colour = 1\n", "colour",
         "network 'lan': unknown key 'colour' (known keys: name, switch, ports)"},
        {"unknown_in_port", base + network("lan", "sw", "{ domain = \"a\", mac = \"" + mac1 + "\", vlan = 2 }"),
         "vlan", "network 'lan': port 'a': unknown key 'vlan' (known keys: domain, mac)"},
        {"missing_switch", base + "[[network]]\nname = \"lan\"\nports = [" + port("a", mac1) + "]\n", "[[network]]",
         "network 'lan': missing required key 'switch'"},
        {"missing_ports", base + "[[network]]\nname = \"lan\"\nswitch = \"sw\"\n", "[[network]]",
         "network 'lan': missing required key 'ports'"},
        {"missing_mac", base + network("lan", "sw", "{ domain = \"a\" }"), "domain = \"a\"",
         "network 'lan': port 'a': missing required key 'mac'"},
        {"missing_domain", base + network("lan", "sw", "{ mac = \"" + mac1 + "\" }"), "{ mac",
         "network 'lan': port #1: missing required key 'domain'"},
        {"ports_not_tables", base + network("lan", "sw", "\"a\""), "ports",
         "network 'lan': 'ports' must be an array of tables; element 1 is a string"},
        {"ports_not_array", base + "[[network]]\nname = \"lan\"\nswitch = \"sw\"\nports = 1\n", "ports = 1",
         "network 'lan': 'ports' must be an array of tables, not an integer"},
        {"network_not_array", base + "[network]\nname = \"lan\"\n", "[network]",
         "'network' must be an array of tables ([[network]]), not a table"},
        {"unknown_in_disk", base + disk("disk0", "svc", part("p", "a", "1M")) + "colour = 1\n", "colour",
         "disk 'disk0': unknown key 'colour' (known keys: name, service, partitions)"},
        {"unknown_in_partition", base + disk("disk0", "svc", "{ name = \"p\", domain = \"a\", size = \"1M\", at = 1 }"),
         "at = 1", "disk 'disk0': partition 'p': unknown key 'at' (known keys: name, domain, size)"},
        {"missing_size", base + disk("disk0", "svc", "{ name = \"p\", domain = \"a\" }"), "name = \"p\"",
         "disk 'disk0': partition 'p': missing required key 'size'"},
        {"size_not_page", base + disk("disk0", "svc", part("p", "a", "5000")), "5000",
         "disk 'disk0': partition 'p': size \"5000\" is not a multiple of 4K"},
        {"args_type", head + process("a", "args = 1\n"), "args = 1",
         "process 'a': 'args' must be a string, not an integer"},
        // Values.
        {"args_long", head + process("a", "args = \"" + std::string(256, 'x') + "\"\n"), "args",
         "process 'a': args are 256 characters long, more than 255"},
        {"args_control", head + process("a", "args = \"ip=1\\t2\"\n"), "args",
         "process 'a': args must be printable ASCII; character 5 is not"},
        {"bad_network_name", base + network("LAN", "sw", port("a", mac1)), "LAN",
         "network 'LAN': name must be 1..24 characters from a-z 0-9 _ -"},
        {"long_network_name", base + network(std::string(25, 'n'), "sw", port("a", mac1)), "nnnn",
         "network '" + std::string(25, 'n') + "': name must be 1..24 characters from a-z 0-9 _ -"},
        {"duplicate_network", base + lan + "[[network]]\nname = 'lan'\nswitch = \"sw\"\nports = [" + port("svc", mac3) + "]\n",
         "'lan'", "network 'lan': name already used by the network on line 16"},
        {"switch_not_process", base + network("lan", "hub", port("a", mac1)), "hub",
         "network 'lan': switch 'hub' is not a process"},
        {"switch_is_vm", base + vm("v", "") + network("lan", "v", port("a", mac1)), "switch = \"v\"",
         "network 'lan': switch 'v' is a VM, not a process"},
        {"no_ports", base + network("lan", "sw", ""), "ports",
         "network 'lan': 'ports' must name at least one port"},
        {"member_unknown", base + network("lan", "sw", port("x", mac1)), "domain = \"x\"",
         "network 'lan': port 'x': 'x' is not a process or VM"},
        {"member_is_switch", base + network("lan", "sw", port("sw", mac1)), "domain = \"sw\"",
         "network 'lan': port 'sw': the switch cannot be a member of its own network"},
        {"member_runs_a_switch", base + network("lan", "sw", port("a", mac1)) + network("dmz", "a", port("b", mac2)),
         "domain = \"a\"", "network 'lan': port 'a': 'a' runs the switch of network 'dmz' and cannot be a member of a network"},
        {"member_twice", roomy + network("lan", "sw", port("a", mac1) + ",\n" + port("a", mac2)), "mac = \"" + mac2,
         "network 'lan': port 'a': 'a' is listed twice"},
        {"mac_malformed", base + network("lan", "sw", port("a", "02:00:00:00:00")), "domain",
         "network 'lan': port 'a': mac '02:00:00:00:00' is not a MAC address like \"02:00:00:00:00:01\""},
        {"mac_not_hex", base + network("lan", "sw", port("a", "02:00:00:00:00:0g")), "domain",
         "network 'lan': port 'a': mac '02:00:00:00:00:0g' is not a MAC address like \"02:00:00:00:00:01\""},
        {"mac_multicast", base + network("lan", "sw", port("a", "01:00:5e:00:00:01")), "domain",
         "network 'lan': port 'a': mac '01:00:5e:00:00:01' is a group address (bit 0 of its first byte is set); a "
         "port needs a unicast address"},
        {"mac_broadcast", base + network("lan", "sw", port("a", "ff:ff:ff:ff:ff:ff")), "domain",
         "network 'lan': port 'a': mac 'ff:ff:ff:ff:ff:ff' is a group address (bit 0 of its first byte is set); a "
         "port needs a unicast address"},
        {"mac_zero", base + network("lan", "sw", port("a", "00:00:00:00:00:00")), "domain",
         "network 'lan': port 'a': mac '00:00:00:00:00:00' is all zero"},
        {"mac_twice", base + lan + network("dmz", "sw", port("svc", mac1)), "domain = \"svc\"",
         "network 'dmz': port 'svc': mac '02:00:00:00:00:01' is already the address of port 'a' on network 'lan' "
         "(line 18)"},
        {"vm_port_without_virtio_net", base + vm("v", "\"uart\"") + network("lan", "sw", port("v", mac1)), "domain",
         "network 'lan': port 'v': vm 'v' has no 'virtio-net' in its devices"},
        {"vm_virtio_net_on_no_network", base + vm("v", "\"virtio-net\""), "devices",
         "vm 'v': device 'virtio-net' needs exactly one port on a network; it has none"},
        {"vm_virtio_net_on_two_networks",
         base + vm("v", "\"virtio-net\"") + network("lan", "sw", port("v", mac1)) + network("dmz", "sw", port("v", mac2)),
         "devices", "vm 'v': device 'virtio-net' needs exactly one port on a network; it has 2 ('lan', 'dmz')"},
        {"switch_with_33_ports", wide_switch, "ports = [",
         "network 'lan': switch 'sw' would serve 33 ports, more than 32"},
        {"member_with_33_ports", wide_member, "02:00:00:00:02:42",
         "network 'n32': port 'a': 'a' would hold more than 32 ports"},
        {"bad_disk_name", base + disk("Disk", "svc", part("p", "a", "1M")), "Disk",
         "disk 'Disk': name must be 1..24 characters from a-z 0-9 _ -"},
        {"duplicate_disk",
         base + disk("disk0", "svc", part("p", "a", "1M")) + "[[disk]]\nname = 'disk0'\nservice = \"sw\"\n" +
             "partitions = [" + part("q", "b", "1M") + "]\n",
         "'disk0'", "disk 'disk0': name already used by the disk on line 16"},
        {"bad_partition_name", base + disk("disk0", "svc", part("p.1", "a", "1M")), "p.1",
         "disk 'disk0': partition 'p.1': name must be 1..24 characters from a-z 0-9 _ -"},
        {"duplicate_partition",
         base + disk("disk0", "svc", part("p", "a", "1M")) + disk("disk1", "sw", part("p", "b", "1M")),
         "domain = \"b\"", "disk 'disk1': partition 'p': name already used by the partition on line 18"},
        {"service_not_process", base + disk("disk0", "blockd", part("p", "a", "1M")), "blockd",
         "disk 'disk0': service 'blockd' is not a process"},
        {"service_is_vm", base + vm("v", "") + disk("disk0", "v", part("p", "a", "1M")), "service = \"v\"",
         "disk 'disk0': service 'v' is a VM, not a process"},
        {"service_of_two_disks",
         base + disk("disk0", "svc", part("p", "a", "1M")) + disk("disk1", "svc", part("q", "b", "1M")),
         "service = \"svc\"\npartitions = [{ name = \"q\"",
         "disk 'disk1': service 'svc' already serves disk 'disk0' (line 16); a service serves one disk"},
        {"no_partitions", narrow, "partitions", "disk 'disk0': 'partitions' must name at least one partition"},
        {"partition_size_zero", base + disk("disk0", "svc", part("p", "a", "0")), "domain",
         "disk 'disk0': partition 'p': size must be at least 4K"},
        {"partition_domain_unknown", base + disk("disk0", "svc", part("p", "x", "1M")), "domain",
         "disk 'disk0': partition 'p': 'x' is not a process or VM"},
        {"partition_of_the_service", base + disk("disk0", "svc", part("p", "svc", "1M")), "domain",
         "disk 'disk0': partition 'p': the service cannot hold a partition of its own disk"},
        {"partition_of_another_service",
         base + disk("disk0", "svc", part("p", "b", "1M")) + disk("disk1", "b", part("q", "a", "1M")),
         "name = \"p\"", "disk 'disk0': partition 'p': 'b' runs the block service of disk 'disk1' and cannot hold a partition"},
        {"vm_partition_without_virtio_block", base + vm("v", "\"uart\"") + disk("disk0", "svc", part("p", "v", "1M")),
         "name = \"p\"", "disk 'disk0': partition 'p': vm 'v' has no 'virtio-block' in its devices"},
        {"vm_virtio_block_without_partition", base + vm("v", "\"virtio-block\""), "devices",
         "vm 'v': device 'virtio-block' needs exactly one partition of a disk; it has none"},
        {"vm_virtio_block_with_two_partitions",
         base + vm("v", "\"virtio-block\"") + disk("disk0", "svc", part("p", "v", "1M") + ", " + part("q", "v", "1M")),
         "devices", "vm 'v': device 'virtio-block' needs exactly one partition of a disk; it has 2 ('p', 'q')"},
        {"seventeen_partitions", wide_disk, "partitions = [",
         "disk 'disk0': 17 partitions, more than a block service serves (16)"},
        {"client_with_17_partitions", wide_client, "name = \"p16\"",
         "disk 'd16': partition 'p16': 'a' would hold more than 16 partitions"},
        {"disk_too_large", base + disk("disk0", "svc", part("p", "a", "1000000G")), "partitions",
         "disk 'disk0': its partitions end past sector 2^40 (512T), the most a disk holds"},
        // What links add to a process: names, slots, budget.
        {"cap_name_clash",
         base + lan + "[[channel]]\nname = \"lan.ring\"\nserver = \"svc\"\nclients = [\"a\"]\n", "name = \"a\"",
         "process 'a': two of its capabilities would be named 'lan.ring' (channel 'lan.ring' and network 'lan')"},
        {"vmm_cap_name_clash", base + vm("v", "\"virtio-block\"") + disk("disk0", "svc", part("vm", "v", "1M")),
         "name = \"v\"", "vm 'v': two capabilities of its VMM would be named 'vm' (the VM and partition 'vm')"},
        {"caps_too_few", cramped, "caps = 16",
         "process 'a': 17 capabilities granted (17 for its networks and disks) but caps = 16 holds only 14 (slots 0 "
         "and 1 hold its domain and thread)"},
    };
}

class ManifestLinksError : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestLinksError, IsReportedOnItsLine) {
    Folder folder;
    EXPECT_EQ(folder.errors(GetParam().toml), expected_errors(folder, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(ManifestLinks, ManifestLinksError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

// A member pays for the rings of each port, the Links page, the kernel objects and the page
// tables that reach them: two ports do not fit the default 256K.
TEST(ManifestLinks, BudgetCountsRingsAndTheLinksPage) {
    Folder folder;
    const std::string toml = head + process("sw") + process("a") + network("lan", "sw", port("a", mac1)) +
                             network("dmz", "sw", port("a", mac2));
    // Page tables: the 6 of a small process, one for the Links page, a middle and a last-level
    // table for both rings (1 MiB apart); objects: 8K of its own and 8 link objects in a page.
    const std::vector<std::string> want{
        folder.manifest() + ":6: process 'a': budget 256K is too small: it needs 344K (image 4K + stack 16K + IPC "
                            "buffer 4K + startup page 4K + page tables 36K + kernel objects 12K + port rings 264K + "
                            "Links page 4K)"};
    EXPECT_EQ(folder.errors(toml), want);
}

// The sample system: a switch joining process a and VM v; a block service giving v 16M and
// a 1M; a passes arguments, and its budget covers a ring and a buffer (the default does not).
const std::string sample = head + process("sw") + process("a", "args = \"ip=10.0.0.3/24 ping=10.0.0.1\"\nbudget = \"512K\"\n") +
                           process("svc") + vm("v", "\"uart\", \"virtio-net\", \"virtio-block\"") +
                           network("lan", "sw", port("v", mac1) + ", " + port("a", "02:AB:cd:00:00:03")) +
                           disk("disk0", "svc", part("vm-data", "v", "16M") + ", " + part("store", "a", "1M"));

TEST(ManifestLinks, FootprintsCountWhatEachSideHolds) {
    Folder folder;
    ASSERT_EQ(folder.errors(sample), std::vector<std::string>{});
    const auto& m = folder.model();
    const isotool::Footprint& sw = m.processes[0].need;
    EXPECT_EQ(sw.rings, 0u); // the members pay for the rings
    EXPECT_EQ(sw.buffers, 0u);
    EXPECT_EQ(sw.links_page, 4 * KiB);
    EXPECT_EQ(sw.page_tables, 9 * 4 * KiB); // 6, the Links page's, the ring window's middle and last level
    const isotool::Footprint& a = m.processes[1].need;
    EXPECT_EQ(a.rings, 132 * KiB);
    EXPECT_EQ(a.buffers, 128 * KiB);
    EXPECT_EQ(a.links_page, 4 * KiB);
    // 6, the Links page's, and a middle and a last-level table each for the ring and the buffer window.
    EXPECT_EQ(a.page_tables, 11 * 4 * KiB);
    EXPECT_EQ(a.objects, 12 * KiB); // domain and thread, 64 slots, 7 link objects
    const isotool::Footprint& svc = m.processes[2].need;
    EXPECT_EQ(svc.buffers, 0u); // the clients pay for the buffers
    // 6, the Links page's, the buffer window's middle table and, 16 MiB apart, a last-level
    // table per partition.
    EXPECT_EQ(svc.page_tables, 10 * 4 * KiB);
    const isotool::Footprint& vmm = m.vms[0].vmm_need;
    EXPECT_EQ(vmm.rings, 132 * KiB);
    EXPECT_EQ(vmm.buffers, 128 * KiB);
    EXPECT_EQ(vmm.links_page, 4 * KiB);
    EXPECT_EQ(m.vms[0].vmm_budget_bytes(), vmm.total() + 128 * KiB);
    auto roles = isotool::link_roles(m, "v");
    EXPECT_EQ(roles.member_ports, 1u);
    EXPECT_EQ(roles.client_partitions, 1u);
}

TEST(ManifestLinks, NetworksAndDisksCompileIntoThePlan) {
    Folder folder;
    ASSERT_EQ(folder.errors(sample), std::vector<std::string>{});
    auto bytes = isotool::compile_plan(folder.model());
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    auto p = plan::Plan::open({bytes->data(), bytes->size()});
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->process_count(), 4u); // sw, a, svc, v.vmm
    EXPECT_STREQ(p->process(1)->args, "ip=10.0.0.3/24 ping=10.0.0.1");
    EXPECT_STREQ(p->process(0)->args, "");
    ASSERT_EQ(p->port_count(), 2u);
    auto v = *p->port(0), a = *p->port(1);
    EXPECT_STREQ(v.network, "lan");
    EXPECT_EQ(v.network_index, 0u);
    EXPECT_EQ(v.switch_process, 0u);
    EXPECT_EQ(v.member, 3u); // the VM's VMM
    EXPECT_EQ(a.member, 1u);
    const isok::u8 want[6] = {0x02, 0xab, 0xcd, 0, 0, 3};
    EXPECT_EQ(std::memcmp(a.mac, want, 6), 0);
    ASSERT_EQ(p->disk_count(), 1u);
    EXPECT_STREQ(p->disk(0)->name, "disk0");
    EXPECT_EQ(p->disk(0)->service, 2u);
    ASSERT_EQ(p->partition_count(), 2u);
    auto data = *p->partition(0), store = *p->partition(1);
    EXPECT_STREQ(data.name, "vm-data");
    EXPECT_EQ(data.member, 3u);
    EXPECT_EQ(data.first_sector, 2048u);
    EXPECT_EQ(data.sectors, 32768u);
    EXPECT_STREQ(store.name, "store");
    EXPECT_EQ(store.member, 1u);
    EXPECT_EQ(store.service, 2u);
    EXPECT_EQ(store.first_sector, 34816u);
    EXPECT_EQ(store.sectors, 2048u);
    // 1 MiB, then 16M and 1M: an 18 MiB image, the same from the manifest and the plan.
    EXPECT_EQ(isotool::disk_image_bytes(folder.model().disks[0]), 18 * MiB);
    EXPECT_EQ(isotool::disk_image_bytes(*p, 0), 18 * MiB);
}

TEST(ManifestLinks, TheDiskLayoutNeedsNoImages) {
    Folder folder;
    std::ofstream(folder.manifest()) << head + "[[process]]\nname = \"svc\"\nimage = \"absent.elf\"\n" +
                                            disk("disk0", "svc", part("p", "x", "12K") + ", " + part("q", "y", "3M"));
    std::vector<std::string> errors;
    const isotool::Manifest m = isotool::read_manifest(folder.manifest(), errors);
    ASSERT_EQ(errors, std::vector<std::string>{});
    const auto places = isotool::partition_layout(m.disks.at(0));
    ASSERT_EQ(places.size(), 2u);
    EXPECT_EQ(places[0].name, "p");
    EXPECT_EQ(places[0].first_sector, 2048u);
    EXPECT_EQ(places[0].sectors, 24u);
    EXPECT_EQ(places[1].first_sector, 2072u);
    EXPECT_EQ(places[1].sectors, 6144u);
    EXPECT_EQ(isotool::disk_image_bytes(m.disks[0]), 5 * MiB); // 1M + 12K + 3M, rounded up
}

} // namespace
