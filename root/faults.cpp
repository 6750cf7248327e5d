// Exception handlers. A process whose plan names a fault handler sends its exceptions to
// that handler's faults endpoint, badged with the plan's fault badge; every other process
// sends them to the root, badged with its index + 1, and the root reports and kills it.
// The kernel's notice that such a process exited arrives there too. A VMM's VM goes with
// it either way: nothing would answer its exits, and its memory returns. Then the
// process's restart policy has its say (restart.cpp).
#include "root.hpp"
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/syscall.hpp>

namespace root {
namespace {

namespace sys = isok::rt::sys;
u64 root_faults = no_slot;

const char* cause_name(u64 cause) {
    switch (cause) {
    case 0: return "misaligned instruction";
    case 1: return "instruction access fault";
    case 2: return "illegal instruction";
    case 3: return "breakpoint";
    case 4: return "misaligned load";
    case 5: return "load access fault";
    case 6: return "misaligned store";
    case 7: return "store access fault";
    case 8: return "environment call";
    case 12: return "instruction page fault";
    case 13: return "load page fault";
    case 15: return "store page fault";
    default: return "exception";
    }
}

bool attach(Child& child, u64 endpoint, u64 badge, const char* whose) {
    Error e = set_badged_handler(child.thread, endpoint, badge);
    if (e == Error::ok) return true;
    isok::rt::print("process '%s': setting %s as its fault handler: %s\n", child.plan.name, whose,
                    isok::rt::error_name(e));
    return false;
}

} // namespace

// The kernel copies the capability into the thread, so the root's badged copy only lives
// for the call.
Error set_badged_handler(u64 thread, u64 endpoint, u64 badge) {
    u64 slot = slots::take();
    if (slot == no_slot) return Error::bad_slot;
    Error e = sys::cap_copy(endpoint, self_domain, slot, isok::abi::rights::write, badge);
    if (e == Error::ok) e = sys::set_exception_handler(thread, slot);
    (void)sys::cap_delete(slot); // empty when the copy failed; free either way
    slots::give(slot);
    return e;
}

bool make_fault_endpoint() {
    root_faults = slots::take();
    Error e = root_faults == no_slot ? Error::bad_slot
                                     : sys::create(isok::abi::ObjectType::endpoint, root_faults, self_domain);
    if (e == Error::ok) return true;
    isok::rt::print("cannot make the root's fault endpoint: %s\n", isok::rt::error_name(e));
    root_faults = no_slot;
    return false;
}

u64 root_fault_endpoint() { return root_faults; }

void attach_fault_handlers(const isok::plan::Plan& plan, Child* children, u32 count) {
    for (u32 i = 0; i < count; ++i) {
        Child& child = children[i];
        if (!child.ok) continue;
        const isok::plan::Process& p = child.plan;
        if (p.fault_handler != isok::plan::none) {
            u64 endpoint = endpoint_slot(p.fault_endpoint);
            if (endpoint != no_slot && attach(child, endpoint, p.fault_badge, children[p.fault_handler].plan.name))
                continue;
            isok::rt::print("process '%s': its fault handler '%s' is unavailable; the root handles its faults\n",
                            p.name, children[p.fault_handler].plan.name);
        }
        if (root_faults != no_slot) (void)attach(child, root_faults, u64(i) + 1, "the root");
    }
}

// The VM of a VMM that died: its domain is destroyed with everything in it (vCPUs, guest
// RAM, which the dead VMM still maps), and what it was charged returns to the root.
void stop_vm_of(Child& vmm) {
    if (vmm.guest == no_slot) return;
    u64 before = sys::domain_info(self_domain).budget_left;
    Error e = sys::destroy(vmm.guest);
    slots::release(vmm.guest);
    if (e != Error::ok) {
        isok::rt::print("the VM of '%s' could not be destroyed: %s\n", vmm.plan.name, isok::rt::error_name(e));
        return;
    }
    u64 returned = sys::domain_info(self_domain).budget_left - before;
    isok::rt::print("the VM of '%s' is stopped and destroyed: %lu KiB returned\n", vmm.plan.name, returned / 1024);
}

void serve_faults(Child* children, u32 count) {
    if (root_faults == no_slot) {
        // Nothing will ever arrive: wait on a notification nobody can signal.
        u64 slot = slots::take();
        if (slot != no_slot && sys::create(isok::abi::ObjectType::notification, slot, self_domain) == Error::ok)
            for (;;) (void)sys::wait(slot);
        sys::exit(0);
    }
    isok::rt::Message m;
    Error e = isok::rt::receive(root_faults, m);
    for (;;) {
        if (e != Error::ok) {
            e = isok::rt::receive(root_faults, m);
            continue;
        }
        u64 index = m.badge() - 1;
        const char* name = index < count ? children[index].plan.name : "?";
        if (m.label() == isok::abi::exception_label) {
            u64 cause = m.word(0);
            isok::rt::print("process '%s' faulted: %s (cause %lu) at pc %p, address %p; killed\n", name,
                            cause_name(cause), cause, reinterpret_cast<void*>(m.word(1)),
                            reinterpret_cast<void*>(m.word(2)));
            // Killed first: a restart builds on a thread that has stopped for good.
            isok::rt::Message reply(0, 1);
            reply.set_word(0, u64(isok::abi::ExceptionReply::kill));
            (void)isok::rt::reply(reply);
            if (index < count) child_ended(children[index], u32(index), {true, 0});
        } else if (m.label() == isok::abi::exit_label) {
            // The thread is dead already; nobody waits for an answer.
            if (index < count) child_ended(children[index], u32(index), {false, m.word(0)});
        } else {
            isok::rt::print("process '%s': unexpected message with label %lu on the fault endpoint\n", name,
                            m.label());
        }
        e = isok::rt::receive(root_faults, m);
    }
}

} // namespace root
