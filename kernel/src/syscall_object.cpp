// Object system calls: create and destroy objects; copy, delete and revoke capabilities;
// domain queries.
#include <arch/cpu.hpp>
#include <kernel/destroy.hpp>
#include <kernel/kernel_lock.hpp>
#include <kernel/selftest.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/notification.hpp>
#include <kernel/syscall.hpp>

namespace kernel {
namespace {

namespace rights = isok::abi::rights;

isok::Result<KernelObject*, Error> make(ObjectType type, Domain& authority, Domain& payer, u64 arg0, u64 arg1,
                                       u64 arg2) {
    switch (type) {
    case ObjectType::endpoint: {
        auto e = create_object<Endpoint>(payer);
        if (!e) return isok::fail(e.error());
        return static_cast<KernelObject*>(*e);
    }
    case ObjectType::notification: {
        auto n = create_object<Notification>(payer);
        if (!n) return isok::fail(n.error());
        return static_cast<KernelObject*>(*n);
    }
    case ObjectType::memory: {
        auto m = create_memory(payer, arg0);
        if (!m) return isok::fail(m.error());
        return static_cast<KernelObject*>(*m);
    }
    case ObjectType::thread: {
        if (Error e = check_priority(authority, payer, arg0); e != Error::ok) return isok::fail(e);
        auto t = create_thread(payer, arg0);
        if (!t) return isok::fail(t.error());
        return static_cast<KernelObject*>(*t);
    }
    case ObjectType::domain: return create_domain(authority, payer, arg0, arg1, false, arg2);
    case ObjectType::vm: return create_domain(authority, payer, arg0, arg1, true, arg2);
    default: return isok::fail(Error::bad_argument);
    }
}

} // namespace

// The new domain's budget comes out of the payer's: budgets only ever subdivide.
isok::Result<KernelObject*, Error> create_domain(Domain& authority, Domain& payer, u64 budget, u64 cap_slots,
                                                 bool guest, u64 max_priority) {
    if (cap_slots == 0 || cap_slots > Domain::max_cap_slots || max_priority > isok::abi::max_priority)
        return isok::fail(Error::bad_argument);
    if (max_priority > authority.max_priority) return isok::fail(Error::no_rights);
    if (!payer.charge(budget)) return isok::fail(Error::no_budget);
    auto d = create_object<Domain>(payer);
    if (!d) {
        payer.refund(budget);
        return isok::fail(d.error());
    }
    (*d)->charged += budget;
    if (auto s = (*d)->init(budget, cap_slots, guest, max_priority); !s) {
        destroy(**d);
        return isok::fail(s.error());
    }
    return static_cast<KernelObject*>(*d);
}

Error sys_create(Thread& t, arch::TrapFrame& f) {
    auto slot = t.domain->caps.free_slot(f.a(1));
    if (!slot) return slot.error();
    auto payer = t.domain->caps.find<Domain>(f.a(2), rights::control);
    if (!payer) return payer.error();
    auto object = make(ObjectType(f.a(0)), *t.domain, **payer, f.a(3), f.a(4), f.a(5));
    if (!object) return object.error();
    cap_mint(**slot, **object, rights::all);
    return Error::ok;
}

Error sys_destroy(Thread& t, arch::TrapFrame& f) {
    auto cap = t.domain->caps.live(f.a(0));
    if (!cap) return cap.error();
    if (!(*cap)->has(rights::control)) return Error::no_rights;
    KernelObject& object = *(*cap)->object;
    // A domain cannot destroy itself, nor a domain that pays for it (its own would go
    // too), out from under the thread asking.
    for (Domain* d = t.domain; d; d = d->payer)
        if (&object == d) return Error::busy;
    cap_delete(**cap);
    destroy(object); // every other capability to it goes stale
    // A thread that destroyed itself has no registers left to return into.
    return &object == &t ? blocked : Error::ok;
}

Error sys_cap_copy(Thread& t, arch::TrapFrame& f) {
    auto from = t.domain->caps.live(f.a(0));
    if (!from) return from.error();
    auto target = t.domain->caps.find<Domain>(f.a(1), rights::control);
    if (!target) return target.error();
    auto dst = (*target)->caps.free_slot(f.a(2));
    if (!dst) return dst.error();
    u64 badge = (*from)->badge;
    if (u64 b = f.a(4)) {
        // Only an unbadged endpoint or notification can be given a badge, once.
        ObjectType type = (*from)->object->type;
        bool badgeable = type == ObjectType::endpoint || type == ObjectType::notification;
        if (!badgeable || badge != 0) return Error::bad_argument;
        badge = b;
    }
    cap_derive(**dst, **from, f.a(3), badge);
    return Error::ok;
}

Error sys_cap_delete(Thread& t, arch::TrapFrame& f) {
    auto slot = t.domain->caps.slot(f.a(0));
    if (!slot) return slot.error();
    cap_delete(**slot);
    return Error::ok;
}

// A revoke of a large tree is done in batches. When an interrupt waits after one, or
// another hart waits for the kernel, the call goes back to its ecall, untouched but for
// what it revoked: the interrupt is taken on the way out, a higher-priority thread it
// wakes runs first, the other hart gets the kernel, and the revoke goes on where it
// stopped when this thread runs again.
Error sys_revoke(Thread& t, arch::TrapFrame& f) {
    constexpr usize batch = 64;
    auto cap = t.domain->caps.live(f.a(0));
    if (!cap) return cap.error();
    while (!cap_revoke(**cap, batch)) {
        if (arch::interrupt_pending() || kernel_lock::contended()) {
            f.sepc -= 4;
            ++t.counters.restarts;
            return blocked; // a0 still names the slot
        }
    }
    return Error::ok;
}

Error sys_domain_info(Thread& t, arch::TrapFrame& f) {
    auto d = t.domain->caps.find<Domain>(f.a(0), rights::read);
    if (!d) return d.error();
    f.a(1) = (*d)->budget_left();
    f.a(2) = (*d)->budget();
    f.a(3) = (*d)->caps.free_slots();
    f.a(4) = (*d)->table_bytes();
    // The machine's free frames would let any domain watch the others allocate: only
    // the test kernel tells, for the tests that show nothing leaks.
    f.a(5) = selftest::reveals_free_frames() ? kmem::frames().free_frames() : 0;
    return Error::ok;
}

} // namespace kernel
