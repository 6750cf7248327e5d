// The console (docs/manifest.md, "Console"): the service that owns the UART and the
// domains that take typed input from it. The kernel gave the root the UART's window and
// interrupt line ("uart", "uart.irq"); the service gets both, and claims the kernel's
// output itself (abi::ConsoleLogOp).
#include "root.hpp"
#include <isok/console.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace su = isok::startup;
namespace rights = isok::abi::rights;
using isok::abi::ObjectType;

bool say(const char* who, Error e, const char* what) {
    if (e != Error::ok) isok::rt::print("console: input '%s': %s: %s\n", who, what, isok::rt::error_name(e));
    return e == Error::ok;
}

// The service's half: its endpoint, the UART, and nothing else yet.
bool give_service(Child& service, u64 endpoint) {
    u64 uart = isok::rt::cap_slot("uart", no_slot), irq = isok::rt::cap_slot("uart.irq", no_slot);
    if (uart == no_slot || irq == no_slot) {
        isok::rt::print("console: the machine has no UART with an interrupt line; '%s' gets none\n", service.plan.name);
        return false;
    }
    return give_cap(service, endpoint, rights::read, 0, "console", su::CapKind::endpoint) != no_slot &&
           give_cap(service, uart, rights::read | rights::write, 0, "uart", su::CapKind::memory) != no_slot &&
           give_cap(service, irq, rights::control, 0, "uart.irq", su::CapKind::interrupt) != no_slot;
}

// Input `index` (badge index + 1): the client calls the service's endpoint with that badge
// and waits on its wake-up notification, which the service may only signal, with the
// input bit. The service's listing says the badge the client's calls carry.
void give_input(const isok::plan::ConsoleInput& input, u32 index, Child& service, Child& client, u64 endpoint) {
    if (!client.ok) {
        isok::rt::print("console: input '%s' was not built\n", input.name);
        return;
    }
    u64 badge = u64(index) + 1;
    u64 wake = client.wake;
    if (wake == no_slot && !say(input.name, slots::create(ObjectType::notification, wake, client.domain), "its notification"))
        return;
    if (give_cap(client, endpoint, rights::write, badge, "console", su::CapKind::endpoint) != no_slot &&
        give_cap(client, wake, rights::read, 0, "console.wait", su::CapKind::notification) != no_slot) {
        Error e = sys::cap_copy(wake, service.domain, service.next_slot, rights::write, isok::console::input_signal);
        if (say(input.name, e, "the service's signal")) {
            list_cap(service, input.name, service.next_slot, su::CapKind::notification, rights::write, badge);
            ++service.next_slot;
        }
    }
    if (client.wake == no_slot) client.wake = wake; // released with the others
}

// The service may read what the kernel counts of every process and VM (domain_stats),
// and nothing more: a capability to each domain with the read right only, named like it.
// A VM's comes with its VMM, which follows it in the listing.
void give_inspection(const isok::plan::Plan& plan, Child& service, Child* children) {
    for (u32 p = 0; p < plan.process_count(); ++p) {
        Child& c = children[p];
        if (!c.ok || &c == &service) continue;
        if (c.guest != no_slot) {
            const char* name = c.plan.name;
            if (auto v = plan.vm_of(p))
                if (auto vm = plan.vm(*v)) name = vm->name;
            (void)give_cap(service, c.guest, rights::read, 0, name, su::CapKind::domain);
        }
        (void)give_cap(service, c.domain, rights::read, 0, c.plan.name, su::CapKind::domain);
    }
}

} // namespace

void build_console(const isok::plan::Plan& plan, Child* children) {
    if (!plan.has_console()) return;
    Child& service = children[plan.console_service()];
    if (!service.ok) {
        isok::rt::print("console: service '%s' was not built; the kernel keeps the UART\n", service.plan.name);
        return;
    }
    u64 endpoint = no_slot;
    if (Error e = slots::create(ObjectType::endpoint, endpoint, service.domain); e != Error::ok) {
        isok::rt::print("console: its endpoint: %s\n", isok::rt::error_name(e));
        return;
    }
    if (give_service(service, endpoint)) {
        for (u32 i = 0; i < plan.console_input_count(); ++i)
            if (auto input = plan.console_input(i)) give_input(*input, i, service, children[input->process], endpoint);
        give_inspection(plan, service, children);
    }
    slots::release(endpoint);
}

void release_kept(Child* children, u32 count) {
    for (u32 i = 0; i < count; ++i) {
        slots::release(children[i].wake);
    }
}

} // namespace root
