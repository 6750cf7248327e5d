// domain_stats: what the kernel knows of a domain, for a console or a monitor. Its
// threads count their events as they happen (counters.hpp); the sums, the threads'
// states, priority, hart and budget are made here, when asked.
#include <kernel/domain.hpp>
#include <kernel/syscall.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {
namespace {

namespace abi = isok::abi;

// Walks what d paid for: its threads are there (create_thread charges a thread to its
// own domain), the live ones and those dead but not yet destroyed, whose counters are not
// yet in d's. The walk is as long as d's budget allows objects.
abi::DomainStats stats_of(Domain& d) {
    abi::DomainStats s{};
    Counters c = d.counters;
    const Thread* oldest = nullptr;
    for (KernelObject* o = d.paid.front(); o; o = PaidList::next(*o)) {
        if (o->type != ObjectType::thread) continue;
        const auto& t = *static_cast<const Thread*>(o);
        c.add(t.counters);
        switch (t.state) {
        case ThreadState::dead: continue;
        case ThreadState::inactive: ++s.stopped; break;
        case ThreadState::ready:
        case ThreadState::running: ++s.ready; break;
        default: ++s.blocked; break; // IPC, a notification, a vCPU in WFI
        }
        ++s.threads;
        if (t.priority > s.priority) s.priority = t.priority;
        if (!oldest || t.id < oldest->id) oldest = &t;
    }
    s.kind = d.is_guest() ? 1 : 0;
    if (oldest) s.hart = oldest->hart;
    s.budget_total = d.budget();
    s.budget_used = d.budget() - d.budget_left();
    s.cpu_ticks = c.cpu_ticks;
    s.ipc_sent = c.ipc_sent + c.round_trips;
    s.ipc_received = c.ipc_received + c.round_trips;
    s.faults = c.faults;
    for (u64 i = 0; i < u64(abi::DomainExit::count); ++i) {
        s.exits[i] = c.exits[i];
        s.faults += c.exits[i]; // a VM's exceptions are its exits to the VMM
    }
    s.kernel_exits = c.kernel_exits;
    s.interrupts = c.interrupts;
    s.injected = c.injected;
    s.restarts = c.restarts;
    return s;
}

} // namespace

// (domain with read, user address, length) -> a1: sizeof(DomainStats). The first
// `length` bytes of the struct at most, so that older callers keep working as it grows.
Error sys_domain_stats(Thread& t, arch::TrapFrame& f) {
    auto d = t.domain->caps.find<Domain>(f.a(0), abi::rights::read);
    if (!d) return d.error();
    const abi::DomainStats s = stats_of(**d);
    usize length = f.a(2) < sizeof s ? usize(f.a(2)) : sizeof s;
    if (length)
        if (Error e = copy_to_user(*t.domain, f.a(1), &s, length); e != Error::ok) return e;
    f.a(1) = sizeof s;
    return Error::ok;
}

} // namespace kernel
