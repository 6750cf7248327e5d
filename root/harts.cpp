// Where the plan's threads run (docs/manifest.md, "Harts"): the harts a process or VM asks
// for, mapped onto the harts this machine runs; those that ask for none spread over them.
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/syscall.hpp>

namespace root::harts {
namespace {

namespace sys = isok::rt::sys;
using isok::plan::Plan;

u32 running = 1; // the boot hart, at least

// Spreading counts the processes that are not VMMs, then the VMs, in plan order: the
// place of each in that list, modulo the running harts, is its hart (a VM's vCPU 0's).
u32 spread_place_of_process(const Plan& plan, u32 process) {
    u32 place = 0;
    for (u32 i = 0; i < process; ++i)
        if (!plan.vm_of(i)) ++place;
    return place;
}

u32 spread_place_of_vm(const Plan& plan, u32 vm) { return spread_place_of_process(plan, plan.process_count()) + vm; }

} // namespace

void init() {
    sys::HartInfo info = sys::hart_info();
    running = info.error == Error::ok && info.harts ? u32(info.harts) : 1;
}

u32 of_vcpu(const Plan& plan, u32 vm, u32 vcpu) {
    auto v = plan.vm(vm);
    if (!v) return 0;
    if (v->harts.count) return v->harts.index[vcpu % v->harts.count];
    return (spread_place_of_vm(plan, vm) + vcpu) % running;
}

u32 of_process(const Plan& plan, u32 process) {
    auto p = plan.process(process);
    if (!p) return 0;
    if (p->harts.count) return p->harts.index[0];
    // A VMM answers its vCPUs' exits: beside vCPU 0, which it starts.
    if (auto vm = plan.vm_of(process)) return of_vcpu(plan, *vm, 0);
    return spread_place_of_process(plan, process) % running;
}

void place(u64 thread, u32 wanted, const Owner& owner, bool& said) {
    // A hart the machine lacks is not worth failing the system over: the index wraps around.
    const u32 hart = wanted % running;
    if (hart != wanted && !said) {
        said = true;
        if (owner.vcpu == isok::plan::none)
            isok::rt::print("%s '%s': hart %u is not running; its thread runs on hart %u\n", owner.kind, owner.name,
                            wanted, hart);
        else
            isok::rt::print("%s '%s': hart %u is not running; vCPU %u runs on hart %u\n", owner.kind, owner.name, wanted,
                            owner.vcpu, hart);
    }
    // Running harts need not be numbered without gaps (one may not have come up): then the
    // thread stays on the boot hart.
    if (Error e = sys::set_hart(thread, hart); e != Error::ok)
        isok::rt::print("%s '%s': moving a thread to hart %u: %s; it runs on hart 0\n", owner.kind, owner.name, hart,
                        isok::rt::error_name(e));
}

} // namespace root::harts
