// System plan reader, the console: a service process (no VMM) that owns the UART, and the
// processes and VMs that may take typed input from it, each once, none the service, each
// named as in the manifest (a VM by its own name, its input taken by its VMM).
#include <isok/plan.hpp>
#include <isok/string.hpp>
#include "plan_internal.hpp"

namespace isok::plan {
namespace detail {
namespace {

using namespace layout;

u32 console_service_of(Bytes plan) { return load32(plan, header_field::console_service); }

// The VM whose VMM the process is, or none.
u32 vm_served_by(Bytes plan, const Counts& c, u32 process) {
    for (u32 i = 0; i < c.vms; ++i)
        if (load32(vm_record(plan, c, i), vm_field::vmm) == process) return i;
    return none;
}

// The name the manifest gives the input's domain: a VMM's input is named after its VM.
bool named_like_its_domain(Bytes plan, const Counts& c, Bytes input, u32 process) {
    const char* name = text(input, console_input_field::name);
    u32 vm = vm_served_by(plan, c, process);
    if (vm != none) return str_equal(name, text(vm_record(plan, c, vm), vm_field::name));
    return str_equal(name, text(process_record(plan, process), process_field::name));
}

Status<Error> check_input(Bytes plan, const Counts& c, u32 index, u32 service) {
    Bytes r = console_input_record(plan, c, index);
    if (auto s = check_name(r, console_input_field::name, Alphabet::plain); !s) return s;
    if (load32(r, console_input_field::reserved)) return fail(Error::reserved_not_zero);
    u32 process = load32(r, console_input_field::process);
    if (process >= c.processes || process == service || !named_like_its_domain(plan, c, r, process))
        return fail(Error::bad_console_input);
    for (u32 j = 0; j < index; ++j)
        if (load32(console_input_record(plan, c, j), console_input_field::process) == process)
            return fail(Error::bad_console_input);
    return {};
}

} // namespace

Status<Error> check_console(Bytes plan, const Counts& c) {
    u32 service = console_service_of(plan);
    if (service == none) return c.console_inputs ? fail(Error::bad_console) : Status<Error>{};
    // The service drives the machine's UART itself: a VMM has its guest's to emulate.
    if (service >= c.processes || vm_served_by(plan, c, service) != none) return fail(Error::bad_console);
    for (u32 i = 0; i < c.console_inputs; ++i)
        if (auto s = check_input(plan, c, i, service); !s) return s;
    return {};
}

u32 console_caps(Bytes plan, const Counts& c, u32 process) {
    u32 service = console_service_of(plan);
    if (service == none) return 0;
    if (process == service)
        return console_build::service_caps + c.console_inputs * console_build::service_caps_per_input;
    for (u32 i = 0; i < c.console_inputs; ++i)
        if (load32(console_input_record(plan, c, i), console_input_field::process) == process)
            return console_build::input_caps;
    return 0;
}

} // namespace detail

using namespace detail;

Bytes Plan::console_input_record(u32 index) const {
    return detail::console_input_record(
        plan_, Counts{processes_, endpoints_, grants_, vms_, ports_, partitions_, disks_, console_inputs_}, index);
}

Result<ConsoleInput, Error> Plan::console_input(u32 index) const {
    if (index >= console_inputs_) return fail(Error::not_found);
    Bytes r = console_input_record(index);
    return ConsoleInput{.name = text(r, layout::console_input_field::name),
                        .process = load32(r, layout::console_input_field::process)};
}

Result<u32, Error> Plan::console_input_of(u32 process) const {
    for (u32 i = 0; i < console_inputs_; ++i)
        if (load32(console_input_record(i), layout::console_input_field::process) == process) return i;
    return fail(Error::not_found);
}

} // namespace isok::plan
