// One process in the shape of isok/startup.hpp: its domain and thread (slots 0 and 1 of
// its own space), stack below stack_top, IPC buffer, startup page and program.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
namespace rights = isok::abi::rights;
namespace su = isok::startup;
using isok::abi::ObjectType;

// Room left below the stack for the program; a bigger stack is a plan error.
constexpr u64 max_stack = su::stack_top / 2;

bool create(Child& child, ObjectType type, u64& slot, u64 payer, u64 arg0, u64 arg1, const char* what) {
    return check(child, slots::create(type, slot, payer, arg0, arg1), what);
}

// A fresh page-multiple region of memory mapped into the child; the root keeps no cap.
bool make_region(Child& child, u64 address, u64 pages, u64 access, const char* what) {
    u64 memory = make_memory(child, pages, what);
    if (memory == no_slot) return false;
    bool ok = map_into(child, memory, address, pages, access, what);
    keep_region(child, memory, pages, Region::no_segment);
    return ok;
}

bool make_startup_page(Child& child, u32 index) {
    child.startup = make_memory(child, 1, "startup page");
    if (child.startup == no_slot) return false;
    u64 at = startup_window + u64(index) * page;
    Error e = sys::map(self_domain, child.startup, 0, at, 1, rights::read | rights::write);
    if (!check(child, e, "mapping the startup page into the root")) return false;
    child.info = reinterpret_cast<su::Info*>(at);
    child.info->magic = su::magic;
    isok::str_copy(child.info->process, child.plan.name, su::name_bytes);
    // The host's ISA and timebase, as the kernel told the root.
    const su::Info& own = isok::rt::startup_info();
    isok::str_copy(child.info->isa, own.isa, sizeof child.info->isa);
    child.info->timebase_hz = own.timebase_hz;
    child.info->cap_slots = child.plan.cap_slots;
    child.info->cap_count = 0;
    isok::str_copy(child.info->args, child.plan.args, su::args_bytes);
    return list_cap(child, "domain", su::self_domain_slot, su::CapKind::domain, rights::all, 0) &&
           list_cap(child, "thread", su::self_thread_slot, su::CapKind::thread, rights::all, 0);
}

} // namespace

bool setup_thread(Child& child) {
    return check(child, sys::set_ipc_buffer(child.thread, su::ipc_buffer_address), "setting the IPC buffer") &&
           check(child, sys::set_time_slice(child.thread, child.plan.time_slice), "setting the time slice") &&
           check(child, sys::set_registers(child.thread, child.entry, su::stack_top, su::startup_address),
                 "setting the registers");
}

bool make_thread(Child& child) {
    return create(child, ObjectType::thread, child.thread, child.domain, child.plan.priority, 0, "creating its thread") &&
           check(child, sys::cap_copy(child.thread, child.domain, su::self_thread_slot, rights::all),
                 "granting its thread");
}

bool check(Child& child, Error e, const char* what) {
    if (e == Error::ok) return true;
    isok::rt::print("process '%s': %s: %s\n", child.plan.name, what, isok::rt::error_name(e));
    return child.ok = false;
}

bool list_cap(Child& child, const char* name, u64 slot, su::CapKind kind, u64 rights_held, u64 badge) {
    su::Info& info = *child.info;
    if (info.cap_count >= su::max_caps) {
        isok::rt::print("process '%s': capability '%s' in slot %lu is not listed: the startup page holds %lu\n",
                        child.plan.name, name, slot, su::max_caps);
        return false;
    }
    su::Cap& cap = info.caps[info.cap_count++];
    isok::str_copy(cap.name, name, su::name_bytes);
    cap.slot = slot;
    cap.kind = kind;
    cap.rights = u32(rights_held);
    cap.badge = badge;
    return true;
}

bool build_process(Child& child, u32 index, const isok::bootimage::Image& image) {
    const isok::plan::Process& p = child.plan;
    child.ok = true;
    child.next_slot = su::first_grant_slot + p.grant_count;
    if (p.stack > max_stack) {
        isok::rt::print("process '%s': stack of %lu bytes is larger than %lu\n", p.name, p.stack, max_stack);
        return child.ok = false;
    }
    // One unmapped guard page below the stack; the program must end beneath it.
    isok::elf::Image elf;
    if (!open_program(child, image, su::stack_top - p.stack - page, elf)) return false;
    if (!check(child, slots::create(ObjectType::domain, child.domain, self_domain, p.budget, p.cap_slots, p.max_priority),
               "creating its domain") ||
        !check(child, sys::cap_copy(child.domain, child.domain, su::self_domain_slot, rights::all), "granting its domain") ||
        !make_thread(child))
        return false;
    u64 stack_pages = p.stack / page;
    if (!make_region(child, su::stack_top - p.stack, stack_pages, rights::read | rights::write, "stack") ||
        !make_region(child, su::ipc_buffer_address, 1, rights::read | rights::write, "IPC buffer") ||
        !make_startup_page(child, index))
        return false;
    if (!load_program(child, elf)) return false;
    return setup_thread(child);
}

bool seal_startup_page(Child& child, u32 index) {
    u64 at = startup_window + u64(index) * page;
    if (!check(child, sys::unmap(self_domain, at, 1), "unmapping the startup page from the root")) return false;
    child.info = nullptr;
    if (!map_into(child, child.startup, su::startup_address, 1, rights::read, "startup page")) return false;
    if (sys::cap_delete(child.startup) == Error::ok) slots::give(child.startup);
    child.startup = no_slot;
    return true;
}

bool start_process(Child& child) { return check(child, sys::start(child.thread), "starting its thread"); }

void discard_process(Child& child) {
    child.ok = false;
    child.info = nullptr;
    // Destroying the domain destroys everything charged to it (thread, memory, mappings,
    // the root's view of its startup page) and returns its budget; the root's
    // capabilities to those objects are stale now and only need their slots back.
    if (child.domain != no_slot) (void)sys::destroy(child.domain);
    child.links = nullptr;
    u64* held[] = {&child.domain, &child.thread, &child.startup, &child.links_memory, &child.exits};
    for (u64* slot : held) {
        if (*slot == no_slot) continue;
        if (sys::cap_delete(*slot) == Error::ok) slots::give(*slot);
        *slot = no_slot;
    }
    for (u32 i = 0; i < child.region_count; ++i) slots::release(child.regions[i].memory);
    child.region_count = 0;
}

} // namespace root
