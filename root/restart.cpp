// Restarts (docs/manifest.md, "Restarts"): when a child ends, its plan's policy says whether
// the root builds it again, at most restart_limit times. A restart keeps the child's domain,
// and with it everything others share with it (channel grants, switch-port rings, disk
// buffers, its Links and startup pages): the dead thread gives way to a new one, the memory
// the program may write is filled afresh from its ELF (stack and IPC buffer zeroed), and a
// VMM gets a new VM where its first one was. It starts at its entry point as at first.
#include "root.hpp"
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
using isok::plan::Restart;

const isok::plan::Plan* system_plan = nullptr;
const isok::bootimage::Image* boot_image = nullptr;

bool wanted(const Child& child, const Ending& how) {
    switch (child.plan.restart) {
    case Restart::always: return true;
    case Restart::on_failure: return how.fault || how.code != 0;
    case Restart::never: return false;
    }
    return false;
}

// The writable memory as the program first had it: zero, then its segment's file bytes.
bool refill(Child& child) {
    isok::elf::Image elf;
    if (!open_program(child, *boot_image, isok::startup::stack_top - child.plan.stack - page, elf)) return false;
    for (u32 i = 0; i < child.region_count; ++i) {
        const Region& r = child.regions[i];
        if (!clear_memory(child, r.memory, r.pages)) return false;
        if (r.segment == Region::no_segment) continue;
        if (r.segment >= elf.segment_count()) return child.ok = false;
        const isok::elf::Segment& s = elf.segment(r.segment);
        if (!fill_memory(child, r.memory, s.vaddr % page, s.data.data(), s.data.size())) return false;
    }
    return true;
}

// The dead thread is destroyed (its budget returns, its notification is free to bind again)
// and a new one takes its slots and its place as the root's to hear from.
bool renew_thread(Child& child, u32 index) {
    (void)sys::destroy(child.thread);
    slots::release(child.thread);
    if (!make_thread(child) || !setup_thread(child)) return false;
    Error e = set_badged_handler(child.thread, root_fault_endpoint(), u64(index) + 1);
    if (!check(child, e, "making the root its fault handler")) return false;
    bool said = false;
    harts::place(child.thread, harts::of_process(*system_plan, index), {"process", child.plan.name}, said);
    return true;
}

bool restart(Child& child, u32 index) {
    child.ok = true;
    if (!refill(child) || (child.vm != isok::plan::none && !rebuild_vm(*system_plan, child))) return false;
    return renew_thread(child, index) && start_process(child);
}

// How the root names what restarts: a VMM by its VM.
void describe(const Child& child, char (&out)[80]) {
    if (child.vm != isok::plan::none && system_plan->vm(child.vm))
        isok::format_to(out, sizeof out, "vm '%s'", system_plan->vm(child.vm)->name);
    else isok::format_to(out, sizeof out, "process '%s'", child.plan.name);
}

} // namespace

bool restartable(const Child& child) { return child.plan.restart != Restart::never; }

void keep_region(Child& child, u64& memory, u64 pages, u32 segment) {
    if (restartable(child) && child.region_count == max_regions) {
        // A region the root cannot fill afresh would carry the last run's data into the next.
        isok::rt::print("process '%s': more than %u writable regions; it will not be restarted\n", child.plan.name,
                        max_regions);
        child.plan.restart = Restart::never;
    }
    if (!restartable(child)) return slots::release(memory);
    child.regions[child.region_count++] = {memory, pages, segment};
    memory = no_slot;
}

void init_restarts(const isok::plan::Plan& plan, const isok::bootimage::Image& image) {
    system_plan = &plan;
    boot_image = &image;
}

void child_ended(Child& child, u32 index, const Ending& how) {
    char name[80];
    describe(child, name);
    if (!how.fault && (restartable(child) || child.guest != no_slot))
        isok::rt::print("process '%s' exited with code %lu\n", child.plan.name, how.code);
    stop_vm_of(child);
    if (!system_plan || !wanted(child, how)) return;
    if (child.restarts >= child.plan.restart_limit) {
        isok::rt::print("%s is not restarted: its limit of %u restarts is reached; the root gives up on it\n", name,
                        child.plan.restart_limit);
        return;
    }
    ++child.restarts;
    isok::rt::print("restarting %s (%u of %u)\n", name, child.restarts, child.plan.restart_limit);
    if (restart(child, index)) return;
    isok::rt::print("restarting %s failed; it stays stopped\n", name);
    stop_vm_of(child);
}

} // namespace root
