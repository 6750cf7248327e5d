// The checks of the [console] table: its service is a process of the manifest (not a VM,
// not a VMM), its inputs 0 to 32 processes and VMs, each once, not the service. Each error
// points at the line of its key. Rules: docs/manifest.md ("Console").
#include "manifest_check.hpp"
#include "plan_compile.hpp"
#include <isok/plan.hpp>
#include <algorithm>
#include <set>

namespace isotool {
namespace {

using manifest_rules::max_console_inputs;
namespace build = isok::plan::console_build;

static_assert(max_console_inputs == isok::plan::layout::max_console_inputs);

bool is_process(const Manifest& m, const std::string& name) {
    return std::any_of(m.processes.begin(), m.processes.end(), [&](const Process& p) { return p.name == name; });
}

bool is_vm(const Manifest& m, const std::string& name) {
    return std::any_of(m.vms.begin(), m.vms.end(), [&](const Vm& v) { return v.name == name; });
}

// Why a name is no process: a VM, a VM's VMM (which the manifest does not declare), or nothing.
std::string not_a_process(const Manifest& m, const std::string& name) {
    if (is_vm(m, name)) return in_quotes(name) + " is a VM, not a process";
    for (const Vm& v : m.vms)
        if (vmm_process(v) == name) return in_quotes(name) + " is the VMM of vm " + in_quotes(v.name) + ", not a process";
    return in_quotes(name) + " is not a process";
}

void check_inputs(const Manifest& m, const Console& c, Diagnostics& d) {
    const int line = c.lines.of("inputs");
    if (c.inputs.size() > max_console_inputs)
        d.error(line, "[console]: " + std::to_string(c.inputs.size()) + " inputs, more than " +
                          std::to_string(max_console_inputs));
    std::set<std::string> seen;
    for (const std::string& input : c.inputs) {
        if (!seen.insert(input).second) d.error(line, "[console]: input " + in_quotes(input) + " is listed twice");
        else if (input == c.service)
            d.error(line, "[console]: input " + in_quotes(input) + " is the service itself (its own shell is focus 0)");
        else if (!is_process(m, input) && !is_vm(m, input))
            d.error(line, "[console]: input " + in_quotes(input) + " is not a process or VM");
    }
}

bool is_input(const Console& c, const std::string& domain) {
    return std::find(c.inputs.begin(), c.inputs.end(), domain) != c.inputs.end();
}

} // namespace

void check_console(const Manifest& m, Diagnostics& d) {
    if (!m.console) return;
    const Console& c = *m.console;
    if (!is_process(m, c.service)) d.error(c.lines.of("service"), "[console]: service " + not_a_process(m, c.service));
    check_inputs(m, c, d);
}

isok::u32 console_caps(const Manifest& m, const std::string& domain) {
    if (!m.console) return 0;
    if (domain == m.console->service)
        return build::service_caps + isok::u32(m.console->inputs.size()) * build::service_caps_per_input;
    return is_input(*m.console, domain) ? build::input_caps : 0;
}

isok::u32 console_objects(const Manifest& m, const std::string& domain) {
    if (!m.console) return 0;
    return domain == m.console->service || is_input(*m.console, domain) ? 1 : 0;
}

} // namespace isotool
