// The manifest's checks across keys and files: each names the process or channel and points
// at the line of the key it is about. Rules: docs/manifest.md. The checks of VMs are in
// manifest_vm.cpp, those of networks and disks in manifest_links.cpp, those of the console
// in manifest_console.cpp.
#include "manifest_check.hpp"
#include "file_io.hpp"
#include "plan_compile.hpp"
#include <filesystem>
#include <isok/plan.hpp>
#include <isok/startup.hpp>
#include <set>

namespace isotool {
namespace {

using isok::u64;
namespace fs = std::filesystem;

// The boot image's 64 entries hold the plan, the root and one image per process.
constexpr std::size_t max_processes = 62;

std::string about(const Process& p) { return "process " + in_quotes(p.name) + ": "; }
std::string about(const Channel& c) { return "channel " + in_quotes(c.name) + ": "; }

bool is_process(const Manifest& m, const std::string& name) {
    for (const Process& p : m.processes)
        if (p.name == name) return true;
    return false;
}

// Names a process by reference: "'x' is not a process", or a VM, which cannot be named there.
std::string not_a_process(const Manifest& m, const std::string& name) {
    for (const Vm& v : m.vms)
        if (v.name == name) return in_quotes(name) + " is a VM, not a process";
    return in_quotes(name) + " is not a process";
}

// A process or VM: what names its table in messages, the name and its line.
struct Named {
    const char* kind;
    const std::string* name;
    int line;
    std::size_t max_length;
};

// Processes and VMs share one namespace; a name is reported where it is used again.
void check_subsystem_names(const Manifest& m, Diagnostics& d) {
    if (m.processes.empty()) d.error(0, "no [[process]]: a system needs at least one process");
    if (m.processes.size() > max_processes)
        d.error(m.processes[max_processes].lines.table,
                "more than " + std::to_string(max_processes) +
                    " processes: the boot image holds 64 entries, two of them the plan and the root");
    std::vector<Named> all;
    for (const Process& p : m.processes)
        all.push_back({"process", &p.name, p.lines.of("name"), manifest_rules::max_name_length});
    for (const Vm& v : m.vms) all.push_back({"vm", &v.name, v.lines.of("name"), manifest_rules::max_vm_name_length});
    std::stable_sort(all.begin(), all.end(), [](const Named& a, const Named& b) { return a.line < b.line; });
    std::map<std::string, const Named*> seen;
    for (const Named& n : all) {
        const std::string& name = *n.name;
        const std::string about = std::string(n.kind) + " " + in_quotes(name) + ": ";
        if (!valid_name(name, false, n.max_length)) {
            d.error(n.line, about + "name " + name_rule(false, n.max_length) +
                                (n.max_length < manifest_rules::max_name_length ? " (its VMM is '<name>.vmm')" : ""));
        } else if (name == "root" || name == "plan") {
            d.error(n.line, about + "the name " + in_quotes(name) + " is reserved for the boot image's own entries");
        } else if (auto [it, fresh] = seen.emplace(name, &n); !fresh) {
            d.error(n.line, about + "name already used by the " + it->second->kind + " on line " +
                                std::to_string(it->second->line));
        }
    }
}

void check_channel_names(const Manifest& m, Diagnostics& d) {
    std::map<std::string, int> seen;
    for (const Channel& c : m.channels) {
        const int line = c.lines.of("name");
        if (!valid_name(c.name, true)) d.error(line, about(c) + "name " + name_rule(true));
        else if (c.name == "faults" || c.name.starts_with("faults."))
            d.error(line, about(c) + "names 'faults' and 'faults.*' are reserved for fault handlers");
        else if (auto [it, fresh] = seen.emplace(c.name, line); !fresh)
            d.error(line, about(c) + "name already used by the channel on line " + std::to_string(it->second));
    }
}

// Each channel is an endpoint of the plan, and so is each fault handler's "faults".
void check_endpoint_count(const Manifest& m, Diagnostics& d) {
    std::set<std::string> handlers;
    for (const Process& p : m.processes)
        if (p.fault_handler) handlers.insert(*p.fault_handler);
    if (m.channels.size() + handlers.size() > isok::plan::layout::max_endpoints)
        d.error(0, std::to_string(m.channels.size()) + " channels and " + std::to_string(handlers.size()) +
                       " fault handlers need more endpoints than a plan holds (" +
                       std::to_string(isok::plan::layout::max_endpoints) + ")");
}

void check_names(const Manifest& m, Diagnostics& d) {
    if (!valid_name(m.name, false)) d.error(m.lines.of("name"), "[system]: name " + name_rule(false));
    check_subsystem_names(m, d);
    check_channel_names(m, d);
}

void check_channel(const Manifest& m, const Channel& c, Diagnostics& d) {
    if (!is_process(m, c.server)) d.error(c.lines.of("server"), about(c) + "server " + not_a_process(m, c.server));
    const int line = c.lines.of("clients");
    if (c.clients.empty()) d.error(line, about(c) + "'clients' must name at least one process");
    std::set<std::string> seen;
    for (const std::string& client : c.clients) {
        if (!is_process(m, client)) d.error(line, about(c) + "client " + not_a_process(m, client));
        else if (client == c.server)
            d.error(line, about(c) + "server " + in_quotes(client) + " cannot be its own client");
        else if (!seen.insert(client).second)
            d.error(line, about(c) + "client " + in_quotes(client) + " is listed twice");
    }
}

// Below the stack top, above page 0 (never mapped, so that a null pointer faults).
bool stack_fits(const Process& p) { return p.stack <= isok::startup::stack_top - 4 * isok::KiB; }

// They reach the program as a C string on its startup page.
void check_args(const Process& p, Diagnostics& d) {
    const int line = p.lines.of("args");
    if (p.args.size() > manifest_rules::max_args)
        return d.error(line, about(p) + "args are " + std::to_string(p.args.size()) + " characters long, more than " +
                                 std::to_string(manifest_rules::max_args));
    for (std::size_t i = 0; i < p.args.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(p.args[i]);
        if (c < 0x20 || c > 0x7e)
            return d.error(line, about(p) + "args must be printable ASCII; character " + std::to_string(i + 1) +
                                     " is not");
    }
}

void check_process(const Manifest& m, const Process& p, Diagnostics& d) {
    check_args(p, d);
    if (p.stack < 4 * isok::KiB) d.error(p.lines.of("stack"), about(p) + "stack must be at least 4K");
    if (!stack_fits(p))
        d.error(p.lines.of("stack"), about(p) + "stack " + format_size(p.stack) + " does not fit below its top");
    if (!p.fault_handler) return;
    const int line = p.lines.of("fault_handler");
    if (*p.fault_handler == p.name) d.error(line, about(p) + "fault_handler cannot be the process itself");
    else if (!is_process(m, *p.fault_handler))
        d.error(line, about(p) + "fault_handler " + not_a_process(m, *p.fault_handler));
}

} // namespace

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

bool valid_name(const std::string& name, bool dots, std::size_t max_length) {
    if (name.empty() || name.size() > max_length) return false;
    for (char ch : name)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || (dots && ch == '.')))
            return false;
    return true;
}

std::string name_rule(bool dots, std::size_t max_length) {
    return "must be 1.." + std::to_string(max_length) + " characters from a-z 0-9 _ -" + (dots ? " ." : "");
}

// Beside the manifest first, then in each search folder; an absolute path is used as it is.
std::string resolve(const Manifest& m, const std::string& image, const std::vector<std::string>& search) {
    if (fs::path(image).is_absolute()) return image;
    std::vector<fs::path> folders{fs::path(m.path).parent_path()};
    for (const std::string& s : search) folders.emplace_back(s);
    std::error_code ec;
    for (const fs::path& folder : folders)
        if (fs::exists(folder / image, ec)) return (folder / image).string();
    return {};
}

std::string searched(const Manifest& m, const std::vector<std::string>& search) {
    std::string folder = fs::path(m.path).parent_path().string();
    std::string list = folder.empty() ? "." : folder;
    for (const std::string& s : search) list += ", " + s;
    return list;
}

const char* overlap(const std::vector<Span>& image, const std::vector<NamedSpan>& fixed) {
    for (const NamedSpan& f : fixed)
        for (const Span& s : image)
            if (s.begin < f.span.end && f.span.begin < s.end) return f.name;
    return nullptr;
}

std::string breakdown(const Footprint& f) {
    return "image " + format_size(f.image) + " + stack " + format_size(f.stack) + " + IPC buffer " +
           format_size(f.ipc_buffer) + " + startup page " + format_size(f.startup) + " + page tables " +
           format_size(f.page_tables) + " + kernel objects " + format_size(f.objects) +
           (f.vm ? " + VM configuration and exits " + format_size(f.vm) : "") +
           (f.rings ? " + port rings " + format_size(f.rings) : "") +
           (f.buffers ? " + partition buffers " + format_size(f.buffers) : "") +
           (f.links_page ? " + Links page " + format_size(f.links_page) : "");
}

namespace {

// The image's segments must stay clear of the pages the root maps at fixed places.
void check_layout(const Process& p, const std::vector<Span>& spans, const isok::plan::LinkRoles& links,
                  Diagnostics& d) {
    auto fixed = fixed_spans(p.stack);
    const auto windows = link_spans(links);
    fixed.insert(fixed.end(), windows.begin(), windows.end());
    if (const char* what = overlap(spans, fixed))
        d.error(p.lines.of("image"), about(p) + "image " + in_quotes(p.image) + " overlaps its " + what);
}

void check_image(const Manifest& m, Process& p, const std::vector<std::string>& search, Diagnostics& d) {
    const int line = p.lines.of("image");
    p.image_path = resolve(m, p.image, search);
    if (p.image_path.empty())
        return d.error(line,
                       about(p) + "image " + in_quotes(p.image) + " not found (looked in " + searched(m, search) + ")");
    if (auto s = read_file(p.image_path, p.elf); !s) return d.error(line, about(p) + s.error());
    if (!is_elf(p.elf)) return d.error(line, about(p) + "image " + in_quotes(p.image_path) + " is not an ELF file");
    auto spans = loadable_spans(p.elf);
    if (!spans)
        return d.error(line, about(p) + "image " + in_quotes(p.image_path) + " cannot be loaded: " + spans.error());
    if (!stack_fits(p)) return;
    const auto links = link_roles(m, p.name);
    check_layout(p, *spans, links, d);
    p.need = footprint(*spans, p.stack, p.caps, {}, links, console_objects(m, p.name));
    if (p.budget < p.need.total())
        d.error(p.lines.of("budget"), about(p) + "budget " + format_size(p.budget) + " is too small: it needs " +
                                          format_size(p.need.total()) + " (" + breakdown(p.need) + ")");
}

// "17 capabilities granted (12 for its networks and disks, 5 for the console)".
std::string granted_words(u64 channels, u64 links, u64 console) {
    std::string parts;
    if (links) parts = std::to_string(links) + " for its networks and disks";
    if (console) parts += (parts.empty() ? "" : ", ") + std::to_string(console) + " for the console";
    return std::to_string(channels + links + console) + " capabilities granted" +
           (parts.empty() ? "" : " (" + parts + ")");
}

// Its channel grants, console and link capabilities must fit the capability space. Its
// startup page lists the grants, then the console ones (found by name only, so they must
// all be listed, after its domain and thread), then the link ones it has room for.
void check_grants(const Manifest& m, std::size_t index, Diagnostics& d) {
    using isok::startup::first_grant_slot, isok::startup::max_caps;
    const Process& p = m.processes[index];
    const u64 channels = granted_caps(m, index).size(), links = link_roles(m, p.name).caps();
    const u64 console = console_caps(m, p.name);
    const u64 granted = channels + links + console, room = p.caps - first_grant_slot;
    if (granted > room)
        d.error(p.lines.of("caps"), about(p) + granted_words(channels, links, console) + " but caps = " +
                                        std::to_string(p.caps) + " holds only " + std::to_string(room) +
                                        " (slots 0 and 1 hold its domain and thread)");
    else if (channels > max_caps)
        d.error(p.lines.table, about(p) + std::to_string(channels) + " capabilities granted, more than its startup "
                                          "page lists (" + std::to_string(max_caps) + ")");
    else if (console && first_grant_slot + channels + console > max_caps)
        d.error(p.lines.table, about(p) + std::to_string(channels) + " channel grants and " + std::to_string(console) +
                                   " console capabilities, with its domain and thread, are more than its startup "
                                   "page lists (" + std::to_string(max_caps) + ")");
}

// Processes' budgets, and for each VM its domain's budget and its VMM's.
void check_memory(const Manifest& m, Diagnostics& d) {
    u64 total = 0;
    auto add = [&total](u64 bytes) { total = total > ~u64{0} - bytes ? ~u64{0} : total + bytes; };
    for (const Process& p : m.processes) add(p.budget);
    for (const Vm& v : m.vms) add(v.total());
    if (m.memory && total > *m.memory)
        d.error(m.lines.of("memory"), "[system]: the budgets add up to " + format_size(total) +
                                          ", more than memory = " + format_size(*m.memory));
}

} // namespace

void check_manifest(Manifest& m, const std::vector<std::string>& search, Diagnostics& d) {
    check_names(m, d);
    check_endpoint_count(m, d);
    for (const Channel& c : m.channels) check_channel(m, c, d);
    for (const Process& p : m.processes) check_process(m, p, d);
    for (Process& p : m.processes) check_image(m, p, search, d);
    for (std::size_t i = 0; i < m.processes.size(); ++i) check_grants(m, i, d);
    check_vms(m, search, d);
    check_links(m, d); // after check_vms: it reads the VMs' device bits
    check_console(m, d);
    check_memory(m, d);
}

} // namespace isotool
