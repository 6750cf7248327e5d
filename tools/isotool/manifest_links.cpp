// The checks of the [[network]] and [[disk]] tables: names, the switch and service processes,
// the members and their addresses, partition sizes, what one Links page holds, the devices
// of VMs, and the names each process finds its capabilities by (its console's included).
// Each error names the network, port, disk or partition and points at its line. Rules:
// docs/manifest.md.
#include "manifest_check.hpp"
#include "plan_compile.hpp"
#include <isok/links.hpp>
#include <isok/plan.hpp>
#include <isok/vm_config.hpp>
#include <algorithm>
#include <set>

namespace isotool {
namespace {

using isok::u64;
using isok::u8;
using namespace manifest_rules;

std::string about(const Network& n) { return "network " + in_quotes(n.name) + ": "; }
std::string about(const Network& n, const Port& p) { return about(n) + "port " + in_quotes(p.domain) + ": "; }
std::string about(const Disk& k) { return "disk " + in_quotes(k.name) + ": "; }
std::string about(const Disk& k, const Partition& p) { return about(k) + "partition " + in_quotes(p.name) + ": "; }

const Process* find_process(const Manifest& m, const std::string& name) {
    for (const Process& p : m.processes)
        if (p.name == name) return &p;
    return nullptr;
}

const Vm* find_vm(const Manifest& m, const std::string& name) {
    for (const Vm& v : m.vms)
        if (v.name == name) return &v;
    return nullptr;
}

// "'x' is not a process", or "'x' is a VM, not a process".
std::string not_a_process(const Manifest& m, const std::string& name) {
    return in_quotes(name) + (find_vm(m, name) ? " is a VM, not a process" : " is not a process");
}

const Network* switched_by(const Manifest& m, const std::string& process) {
    for (const Network& n : m.networks)
        if (n.switch_process == process) return &n;
    return nullptr;
}

const Disk* served_by(const Manifest& m, const std::string& process) {
    for (const Disk& k : m.disks)
        if (k.service == process) return &k;
    return nullptr;
}

std::string line_words(int line) { return " (line " + std::to_string(line) + ")"; }

// Names of networks, disks and partitions: the plain alphabet, unique in their kind
// (partitions across all disks: a process may hold partitions of several).
template <class Item> void check_unique_names(const std::vector<const Item*>& items, const char* kind,
                                              std::string (*about_item)(const Item&), Diagnostics& d) {
    std::map<std::string, int> seen;
    for (const Item* item : items) {
        const int line = item->lines.of("name");
        if (!valid_name(item->name, false, max_link_name_length))
            d.error(line, about_item(*item) + "name " + name_rule(false, max_link_name_length));
        else if (auto [it, fresh] = seen.emplace(item->name, line); !fresh)
            d.error(line, about_item(*item) + "name already used by the " + kind + " on line " +
                              std::to_string(it->second));
    }
}

void check_names(const Manifest& m, Diagnostics& d) {
    std::vector<const Network*> networks;
    for (const Network& n : m.networks) networks.push_back(&n);
    check_unique_names<Network>(networks, "network", [](const Network& n) { return about(n); }, d);
    std::vector<const Disk*> disks;
    for (const Disk& k : m.disks) disks.push_back(&k);
    check_unique_names<Disk>(disks, "disk", [](const Disk& k) { return about(k); }, d);
    // A partition's messages name its disk: keep the pair together.
    std::map<std::string, int> seen;
    for (const Disk& k : m.disks) {
        for (const Partition& p : k.partitions) {
            const int line = p.lines.of("name");
            if (!valid_name(p.name, false, max_link_name_length))
                d.error(line, about(k, p) + "name " + name_rule(false, max_link_name_length));
            else if (auto [it, fresh] = seen.emplace(p.name, line); !fresh)
                d.error(line, about(k, p) + "name already used by the partition on line " + std::to_string(it->second));
        }
    }
}

// "02:00:00:00:00:01": six pairs of hex digits, either case, separated by colons.
bool parse_mac(const std::string& text, std::array<u8, 6>& out) {
    if (text.size() != 17) return false;
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < 6; ++i) {
        const int hi = digit(text[3 * i]), lo = digit(text[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':')) return false;
        out[i] = u8(hi << 4 | lo);
    }
    return true;
}

// A member: a process or VM that is neither a switch nor the network's switch itself.
void check_member(const Manifest& m, const Network& n, const Port& p, Diagnostics& d) {
    const int line = p.lines.of("domain");
    const Vm* vm = find_vm(m, p.domain);
    if (!find_process(m, p.domain) && !vm)
        return d.error(line, about(n, p) + in_quotes(p.domain) + " is not a process or VM");
    if (p.domain == n.switch_process)
        return d.error(line, about(n, p) + "the switch cannot be a member of its own network");
    if (const Network* other = switched_by(m, p.domain))
        return d.error(line, about(n, p) + in_quotes(p.domain) + " runs the switch of network " +
                                 in_quotes(other->name) + " and cannot be a member of a network");
    if (vm && !(vm->device_bits & isok::vm::device::virtio_net))
        d.error(line, about(n, p) + "vm " + in_quotes(vm->name) + " has no 'virtio-net' in its devices");
}

// Where each address was first given: "port 'a' on network 'lan' (line 12)".
using Addresses = std::map<std::array<u8, 6>, std::string>;

void check_mac(const Network& n, Port& p, Addresses& seen, Diagnostics& d) {
    const int line = p.lines.of("mac");
    const std::string mac = "mac " + in_quotes(p.mac);
    if (!parse_mac(p.mac, p.address))
        return d.error(line, about(n, p) + mac + " is not a MAC address like \"02:00:00:00:00:01\"");
    if (p.address[0] & 1)
        return d.error(line, about(n, p) + mac + " is a group address (bit 0 of its first byte is set); a port "
                                                 "needs a unicast address");
    if (p.address == std::array<u8, 6>{}) return d.error(line, about(n, p) + mac + " is all zero");
    const auto [it, fresh] = seen.emplace(p.address, "port " + in_quotes(p.domain) + " on network " +
                                                         in_quotes(n.name) + line_words(line));
    if (!fresh) d.error(line, about(n, p) + mac + " is already the address of " + it->second);
}

void check_network(const Manifest& m, Network& n, Addresses& addresses, Diagnostics& d) {
    if (!find_process(m, n.switch_process))
        d.error(n.lines.of("switch"), about(n) + "switch " + not_a_process(m, n.switch_process));
    if (n.ports.empty()) d.error(n.lines.of("ports"), about(n) + "'ports' must name at least one port");
    std::set<std::string> members;
    for (Port& p : n.ports) {
        if (!members.insert(p.domain).second)
            d.error(p.lines.of("domain"), about(n, p) + in_quotes(p.domain) + " is listed twice");
        else check_member(m, n, p, d);
        check_mac(n, p, addresses, d);
    }
}

// A client: a process or VM that runs no block service.
void check_partition(const Manifest& m, const Disk& k, const Partition& p, Diagnostics& d) {
    if (p.size == 0) d.error(p.lines.of("size"), about(k, p) + "size must be at least 4K");
    const int line = p.lines.of("domain");
    const Vm* vm = find_vm(m, p.domain);
    if (!find_process(m, p.domain) && !vm)
        return d.error(line, about(k, p) + in_quotes(p.domain) + " is not a process or VM");
    if (p.domain == k.service)
        return d.error(line, about(k, p) + "the service cannot hold a partition of its own disk");
    if (const Disk* other = served_by(m, p.domain))
        return d.error(line, about(k, p) + in_quotes(p.domain) + " runs the block service of disk " +
                                 in_quotes(other->name) + " and cannot hold a partition");
    if (vm && !(vm->device_bits & isok::vm::device::virtio_block))
        d.error(line, about(k, p) + "vm " + in_quotes(vm->name) + " has no 'virtio-block' in its devices");
}

void check_disk(const Manifest& m, const Disk& k, Diagnostics& d) {
    const int line = k.lines.of("service");
    if (!find_process(m, k.service)) d.error(line, about(k) + "service " + not_a_process(m, k.service));
    else if (const Disk* first = served_by(m, k.service); first != &k)
        d.error(line, about(k) + "service " + in_quotes(k.service) + " already serves disk " +
                          in_quotes(first->name) + line_words(first->lines.of("name")) + "; a service serves one disk");
    if (k.partitions.empty()) d.error(k.lines.of("partitions"), about(k) + "'partitions' must name at least one partition");
    namespace layout = isok::plan::layout;
    u64 sectors = layout::first_partition_sector;
    for (const Partition& p : k.partitions) {
        check_partition(m, k, p, d);
        sectors = std::min(sectors + p.size / layout::sector_bytes, layout::max_disk_sectors + 1); // no wrap: each < 2^55
    }
    if (sectors > layout::max_disk_sectors)
        d.error(k.lines.of("partitions"), about(k) + "its partitions end past sector 2^40 (512T), the most a disk holds");
}

// A Links page lists links::max_ports ports and links::max_partitions partitions: each
// switch, member, service and client stays within them. Reported where the limit is passed.
void check_limits(const Manifest& m, Diagnostics& d) {
    std::map<std::string, u64> served, held, clients;
    for (const Network& n : m.networks) {
        u64& count = served[n.switch_process];
        count += n.ports.size();
        if (count > isok::links::max_ports && count - n.ports.size() <= isok::links::max_ports)
            d.error(n.lines.of("ports"), about(n) + "switch " + in_quotes(n.switch_process) + " would serve " +
                                             std::to_string(count) + " ports, more than " +
                                             std::to_string(isok::links::max_ports));
        for (const Port& p : n.ports)
            if (++held[p.domain] == isok::links::max_ports + 1)
                d.error(p.lines.of("domain"), about(n, p) + in_quotes(p.domain) + " would hold more than " +
                                                  std::to_string(isok::links::max_ports) + " ports");
    }
    for (const Disk& k : m.disks) {
        if (k.partitions.size() > isok::links::max_partitions)
            d.error(k.lines.of("partitions"), about(k) + std::to_string(k.partitions.size()) +
                                                  " partitions, more than a block service serves (" +
                                                  std::to_string(isok::links::max_partitions) + ")");
        for (const Partition& p : k.partitions)
            if (++clients[p.domain] == isok::links::max_partitions + 1)
                d.error(p.lines.of("domain"), about(k, p) + in_quotes(p.domain) + " would hold more than " +
                                                  std::to_string(isok::links::max_partitions) + " partitions");
    }
}

// A VM's virtio-net is one port and its virtio-block one partition: each needs exactly one.
void check_vm_devices(const Manifest& m, const Vm& v, Diagnostics& d) {
    auto need = [&](u64 bit, const char* device, const char* what, const std::vector<std::string>& where) {
        if (!(v.device_bits & bit) || where.size() == 1) return;
        std::string list;
        for (const std::string& w : where) list += (list.empty() ? "" : ", ") + in_quotes(w);
        d.error(v.lines.of("devices"), "vm " + in_quotes(v.name) + ": device '" + device + "' needs exactly one " +
                                           what + "; it has " +
                                           (where.empty() ? "none" : std::to_string(where.size()) + " (" + list + ")"));
    };
    std::vector<std::string> networks, partitions;
    for (const Network& n : m.networks)
        for (const Port& p : n.ports)
            if (p.domain == v.name) networks.push_back(n.name);
    for (const Disk& k : m.disks)
        for (const Partition& p : k.partitions)
            if (p.domain == v.name) partitions.push_back(p.name);
    need(isok::vm::device::virtio_net, "virtio-net", "port on a network", networks);
    need(isok::vm::device::virtio_block, "virtio-block", "partition of a disk", partitions);
}

// A name and what gave the capability, for messages.
struct CapName {
    std::string name;
    std::string origin;
};

// The names the root gives the link capabilities of a process or VM (docs/manifest.md).
std::vector<CapName> link_cap_names(const Manifest& m, const std::string& domain) {
    std::vector<CapName> names;
    u64 port = 0;
    for (const Network& n : m.networks) {
        if (n.switch_process != domain) continue;
        if (names.empty()) names.push_back({"doorbell", "network " + in_quotes(n.name)});
        for (std::size_t i = 0; i < n.ports.size(); ++i, ++port) {
            names.push_back({"port" + std::to_string(port) + ".ring", "network " + in_quotes(n.name)});
            names.push_back({"port" + std::to_string(port) + ".signal", "network " + in_quotes(n.name)});
        }
    }
    for (const Network& n : m.networks)
        for (const Port& p : n.ports)
            if (p.domain == domain)
                for (const char* suffix : {".ring", ".signal", ".wait"})
                    names.push_back({n.name + suffix, "network " + in_quotes(n.name)});
    for (const Disk& k : m.disks) {
        if (k.service != domain) continue;
        for (const char* suffix : {"", ".device", ".irq"}) names.push_back({k.name + suffix, "disk " + in_quotes(k.name)});
        for (const Partition& p : k.partitions) names.push_back({p.name + ".buffer", "partition " + in_quotes(p.name)});
    }
    for (const Disk& k : m.disks)
        for (const Partition& p : k.partitions)
            if (p.domain == domain)
                for (const char* suffix : {"", ".buffer"}) names.push_back({p.name + suffix, "partition " + in_quotes(p.name)});
    return names;
}

// The names the root gives the console capabilities of a process or VM (docs/manifest.md):
// the service's own and one per input, named like the input; an input's two.
std::vector<CapName> console_cap_names(const Manifest& m, const std::string& domain) {
    if (!m.console) return {};
    const Console& c = *m.console;
    if (domain == c.service) {
        std::vector<CapName> names{{"console", "the console"}, {"uart", "the console"}, {"uart.irq", "the console"}};
        for (const std::string& input : c.inputs) names.push_back({input, "console input " + in_quotes(input)});
        return names;
    }
    if (std::find(c.inputs.begin(), c.inputs.end(), domain) == c.inputs.end()) return {};
    return {{"console", "the console"}, {"console.wait", "the console"}};
}

// A program finds its capabilities by name: no two of one process may share one.
// whose: "process 'a': two of its capabilities". A clash within one origin (a member listed
// twice on a network) is reported where that origin is checked.
void check_cap_names(const std::string& whose, int line, const std::vector<CapName>& names, Diagnostics& d) {
    std::map<std::string, std::string> seen;
    for (const CapName& c : names)
        if (auto [it, fresh] = seen.emplace(c.name, c.origin); !fresh && it->second != c.origin)
            d.error(line, whose + " would be named " + in_quotes(c.name) + " (" + it->second + " and " + c.origin + ")");
}

void check_all_cap_names(const Manifest& m, Diagnostics& d) {
    for (std::size_t i = 0; i < m.processes.size(); ++i) {
        const Process& p = m.processes[i];
        std::vector<CapName> names;
        for (const GrantedCap& g : granted_caps(m, i))
            names.push_back({g.name, g.channel == no_channel ? "its fault endpoint" : "channel " + in_quotes(g.name)});
        for (const auto& more : {link_cap_names(m, p.name), console_cap_names(m, p.name)})
            names.insert(names.end(), more.begin(), more.end());
        check_cap_names("process " + in_quotes(p.name) + ": two of its capabilities", p.lines.of("name"), names, d);
    }
    for (const Vm& v : m.vms) {
        std::vector<CapName> names{{"vm", "the VM"}, {"memory", "the VM"}, {"exits", "the VM"}};
        for (u64 i = 0; i < v.vcpus; ++i) names.push_back({"vcpu" + std::to_string(i), "the VM"});
        for (const auto& more : {link_cap_names(m, v.name), console_cap_names(m, v.name)})
            names.insert(names.end(), more.begin(), more.end());
        check_cap_names("vm " + in_quotes(v.name) + ": two capabilities of its VMM", v.lines.of("name"), names, d);
    }
}

} // namespace

isok::plan::LinkRoles link_roles(const Manifest& m, const std::string& domain) {
    isok::plan::LinkRoles roles;
    for (const Network& n : m.networks) {
        if (n.switch_process == domain) roles.switch_ports += isok::u32(n.ports.size());
        for (const Port& p : n.ports) roles.member_ports += p.domain == domain;
    }
    for (const Disk& k : m.disks) {
        if (k.service == domain) {
            roles.service = true;
            roles.service_partitions += isok::u32(k.partitions.size());
        }
        for (const Partition& p : k.partitions) roles.client_partitions += p.domain == domain;
    }
    return roles;
}

void check_links(Manifest& m, Diagnostics& d) {
    check_names(m, d);
    Addresses addresses;
    for (Network& n : m.networks) check_network(m, n, addresses, d);
    for (const Disk& k : m.disks) check_disk(m, k, d);
    check_limits(m, d);
    for (const Vm& v : m.vms) check_vm_devices(m, v, d);
    check_all_cap_names(m, d);
}

} // namespace isotool
