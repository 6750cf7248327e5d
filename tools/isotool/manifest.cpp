// The system manifest: TOML parsed into the model, key by key, with file:line errors; the
// checks that relate keys and files to each other follow in manifest_check.cpp.
#include "manifest.hpp"
#include "diagnostics.hpp"
#include "file_io.hpp"
#include "manifest_check.hpp"
#include "toml_table.hpp"

namespace isotool {
namespace {

using namespace manifest_rules;

int line_of(const toml::node& node) { return int(node.source().begin.line); }

void read_system(const toml::table& root, Manifest& m, Diagnostics& d) {
    const toml::node* node = root.get("system");
    if (!node) return d.error(0, "missing required table [system]");
    const toml::table* table = node->as_table();
    if (!table) return d.error(line_of(*node), "'system' must be a table ([system]), not " + type_name(*node));
    TableReader t(*table, "[system]", d, m.lines);
    t.allow({"name", "memory"});
    t.string("name", m.name, true);
    if (table->contains("memory")) {
        isok::u64 memory = 0;
        t.size("memory", memory);
        m.memory = memory;
    }
}

// At most one [console]: TOML itself refuses a table defined twice.
void read_console(const toml::table& root, Manifest& m, Diagnostics& d) {
    const toml::node* node = root.get("console");
    if (!node) return;
    const toml::table* table = node->as_table();
    if (!table) return d.error(line_of(*node), "'console' must be a table ([console]), not " + type_name(*node));
    Console c;
    TableReader t(*table, "[console]", d, c.lines);
    t.allow({"service", "inputs"});
    t.string("service", c.service, true);
    t.strings("inputs", c.inputs, false);
    m.console = std::move(c);
}

// The [[process]], [[channel]], [[vm]], [[network]] or [[disk]] tables, in the order they were written.
std::vector<const toml::table*> table_array(const toml::table& root, std::string_view key, Diagnostics& d) {
    const toml::node* node = root.get(key);
    if (!node) return {};
    const toml::array* array = node->as_array();
    std::vector<const toml::table*> tables;
    for (std::size_t i = 0; array && i < array->size(); ++i)
        if (const toml::table* t = (*array)[i].as_table()) tables.push_back(t);
    if (!array || tables.size() != array->size()) {
        const std::string k(key);
        d.error(line_of(*node), "'" + k + "' must be an array of tables ([[" + k + "]]), not " + type_name(*node));
        return {};
    }
    return tables;
}

// 1 to max_harts hart indices, each once.
void read_harts(TableReader& t, std::vector<isok::u8>& out) {
    std::vector<isok::u64> harts;
    if (!t.integers("harts", harts, 0, max_hart)) return;
    if (harts.empty() || harts.size() > max_harts)
        return t.error("harts", "harts must list 1 to " + std::to_string(max_harts) + " harts, not " +
                                    std::to_string(harts.size()));
    for (std::size_t i = 0; i < harts.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (harts[i] == harts[j]) return t.error("harts", "hart " + std::to_string(harts[i]) + " is listed twice");
    out.assign(harts.begin(), harts.end());
}

Process read_process(const toml::table& table, std::size_t index, Diagnostics& d) {
    Process p;
    TableReader t(table, "process #" + std::to_string(index + 1), d, p.lines);
    t.string("name", p.name, true);
    if (!p.name.empty()) t.rename("process '" + p.name + "'");
    t.allow({"name", "image", "priority", "max_priority", "budget", "stack", "time_slice", "fault_handler", "caps",
             "args", "harts", "restart", "restart_limit"});
    t.string("image", p.image, true);
    t.integer("priority", p.priority, min_priority, max_priority);
    // The most its threads may give any thread: never below its own priority.
    t.integer("max_priority", p.max_priority, p.priority, max_priority);
    t.size("budget", p.budget);
    t.size("stack", p.stack);
    t.integer("time_slice", p.time_slice, 1, max_time_slice);
    t.integer("caps", p.caps, min_caps, max_caps);
    if (table.contains("fault_handler")) {
        std::string handler;
        t.string("fault_handler", handler, false);
        p.fault_handler = handler;
    }
    t.string("args", p.args, false);
    read_harts(t, p.harts);
    t.restart(p.restart);
    // The root restarts what it sees end: the faults of a process with a handler of its
    // own go to that handler.
    if (p.fault_handler && p.restart.when != RestartPolicy::When::never)
        t.error("restart", "restart needs the root as the fault handler, not '" + *p.fault_handler + "'");
    return p;
}

Channel read_channel(const toml::table& table, std::size_t index, Diagnostics& d) {
    Channel c;
    TableReader t(table, "channel #" + std::to_string(index + 1), d, c.lines);
    t.string("name", c.name, true);
    if (!c.name.empty()) t.rename("channel '" + c.name + "'");
    t.allow({"name", "server", "clients", "grant"});
    t.string("server", c.server, true);
    t.strings("clients", c.clients, true);
    t.boolean("grant", c.grant);
    return c;
}

Vm read_vm(const toml::table& table, std::size_t index, Diagnostics& d) {
    Vm v;
    TableReader t(table, "vm #" + std::to_string(index + 1), d, v.lines);
    t.string("name", v.name, true);
    if (!v.name.empty()) t.rename("vm '" + v.name + "'");
    t.allow({"name", "kernel", "initrd", "memory", "vcpus", "priority", "time_slice", "bootargs", "devices", "vmm",
             "vmm_budget", "harts", "restart", "restart_limit"});
    t.string("kernel", v.kernel.name, true);
    if (table.contains("initrd")) {
        v.initrd.emplace();
        t.string("initrd", v.initrd->name, false);
    }
    t.size("memory", v.memory);
    t.integer("vcpus", v.vcpus, 1, max_vcpus);
    t.integer("priority", v.priority, min_priority, max_priority);
    t.integer("time_slice", v.time_slice, 1, max_time_slice);
    t.string("bootargs", v.bootargs, false);
    t.strings("devices", v.devices, false);
    t.string("vmm", v.vmm.name, false);
    if (table.contains("vmm_budget")) {
        isok::u64 budget = 0;
        t.size("vmm_budget", budget);
        v.vmm_budget = budget;
    }
    read_harts(t, v.harts);
    t.restart(v.restart);
    return v;
}

// The inline tables of an array key, each read by `read` with its 0-based index.
template <class Read> void each_table(TableReader& t, std::string_view key, Read read) {
    std::vector<const toml::table*> tables;
    t.tables(key, tables, true);
    for (std::size_t i = 0; i < tables.size(); ++i) read(*tables[i], i);
}

Network read_network(const toml::table& table, std::size_t index, Diagnostics& d) {
    Network n;
    TableReader t(table, "network #" + std::to_string(index + 1), d, n.lines);
    t.string("name", n.name, true);
    if (!n.name.empty()) t.rename("network '" + n.name + "'");
    t.allow({"name", "switch", "ports"});
    t.string("switch", n.switch_process, true);
    each_table(t, "ports", [&](const toml::table& element, std::size_t i) {
        Port port;
        TableReader e(element, t.context() + ": port #" + std::to_string(i + 1), d, port.lines);
        e.string("domain", port.domain, true);
        if (!port.domain.empty()) e.rename(t.context() + ": port '" + port.domain + "'");
        e.allow({"domain", "mac"});
        e.string("mac", port.mac, true);
        n.ports.push_back(std::move(port));
    });
    return n;
}

Disk read_disk(const toml::table& table, std::size_t index, Diagnostics& d) {
    Disk k;
    TableReader t(table, "disk #" + std::to_string(index + 1), d, k.lines);
    t.string("name", k.name, true);
    if (!k.name.empty()) t.rename("disk '" + k.name + "'");
    t.allow({"name", "service", "partitions"});
    t.string("service", k.service, true);
    each_table(t, "partitions", [&](const toml::table& element, std::size_t i) {
        Partition part;
        TableReader e(element, t.context() + ": partition #" + std::to_string(i + 1), d, part.lines);
        e.string("name", part.name, true);
        if (!part.name.empty()) e.rename(t.context() + ": partition '" + part.name + "'");
        e.allow({"name", "domain", "size"});
        e.string("domain", part.domain, true);
        e.size("size", part.size, true);
        k.partitions.push_back(std::move(part));
    });
    return k;
}

void read_document(const toml::table& root, Manifest& m, Diagnostics& d) {
    Lines top;
    TableReader t(root, "top level", d, top);
    t.allow({"system", "process", "channel", "vm", "network", "disk", "console"});
    read_system(root, m, d);
    const auto processes = table_array(root, "process", d);
    for (std::size_t i = 0; i < processes.size(); ++i) m.processes.push_back(read_process(*processes[i], i, d));
    const auto channels = table_array(root, "channel", d);
    for (std::size_t i = 0; i < channels.size(); ++i) m.channels.push_back(read_channel(*channels[i], i, d));
    const auto vms = table_array(root, "vm", d);
    for (std::size_t i = 0; i < vms.size(); ++i) m.vms.push_back(read_vm(*vms[i], i, d));
    const auto networks = table_array(root, "network", d);
    for (std::size_t i = 0; i < networks.size(); ++i) m.networks.push_back(read_network(*networks[i], i, d));
    const auto disks = table_array(root, "disk", d);
    for (std::size_t i = 0; i < disks.size(); ++i) m.disks.push_back(read_disk(*disks[i], i, d));
    read_console(root, m, d);
}

// toml++ reports where the syntax broke; its own words follow the position.
bool parse(const std::string& path, toml::table& root, std::vector<std::string>& errors) {
    std::vector<isok::u8> bytes;
    if (auto s = read_file(path, bytes); !s) {
        errors.push_back(s.error());
        return false;
    }
    try {
        root = toml::parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                           std::string_view(path));
    } catch (const toml::parse_error& e) {
        errors.push_back(path + ":" + std::to_string(e.source().begin.line) + ":" +
                         std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
        return false;
    }
    return true;
}

} // namespace

int Lines::of(const std::string& key) const {
    const auto it = keys.find(key);
    return it == keys.end() ? table : it->second;
}

Manifest load_manifest(const std::string& path, const std::vector<std::string>& search,
                       std::vector<std::string>& errors) {
    Manifest m;
    m.path = path;
    toml::table root;
    if (!parse(path, root, errors)) return m;
    Diagnostics d(path);
    read_document(root, m, d);
    // The checks relate values to each other: they need every value of the right type.
    if (d.any()) {
        d.flush(errors);
        return m;
    }
    check_manifest(m, search, d);
    d.flush(errors);
    return m;
}

Manifest read_manifest(const std::string& path, std::vector<std::string>& errors) {
    Manifest m;
    m.path = path;
    toml::table root;
    if (!parse(path, root, errors)) return m;
    Diagnostics d(path);
    read_document(root, m, d);
    d.flush(errors);
    return m;
}

std::string format_size(isok::u64 bytes) {
    const char* units[] = {"G", "M", "K"};
    for (int i = 0; i < 3; ++i) {
        const isok::u64 scale = isok::u64{1} << (10 * (3 - i));
        if (bytes && bytes % scale == 0) return std::to_string(bytes / scale) + units[i];
    }
    return std::to_string(bytes);
}

} // namespace isotool
