// IPC fast path (see fastpath.hpp). Each check below is one reason to take the slow
// path; once all pass, nothing can fail and the switch is committed.
#include <kernel/domain.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/exception.hpp>
#include <kernel/fastpath.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>

namespace kernel::fastpath {
namespace {

namespace abi = isok::abi;
using R = MessageRegisters;

bool short_message(u64 info) { return abi::info_length(info) <= abi::register_words && abi::info_caps(info) == 0; }

// The endpoint capability in slot, if it is live and has the right.
const Capability* endpoint(Thread& t, u64 slot, u64 right) {
    auto cap = t.domain->caps.lookup(slot, ObjectType::endpoint, right);
    return cap ? *cap : nullptr;
}

Endpoint& object_of(const Capability& cap) { return *static_cast<Endpoint*>(cap.object); }

void copy_registers(arch::TrapFrame& from, arch::TrapFrame& to, u64 info, u64 badge) {
    to.a(0) = u64(Error::ok);
    to.a(R::info) = abi::message_info(abi::info_label(info), abi::info_length(info), 0);
    for (int i = 0; i < int(abi::register_words); ++i) to.a(R::word0 + i) = from.a(R::word0 + i);
    to.a(R::badge) = badge;
}

[[noreturn]] void call(Thread& t, arch::TrapFrame& f, Endpoint& ep, Thread& receiver, u64 badge) {
    ep.receivers.remove(receiver);
    receiver.endpoint = nullptr;
    copy_registers(f, receiver.frame(), f.a(R::info), badge);
    f.sepc += 4;
    t.callee = &receiver;
    receiver.caller = &t;
    scheduler::switch_now(t, ThreadState::blocked_reply, receiver);
}

// The caller gets the reply as a message, or, when it waits in an exception (a vCPU's
// VM exit), goes on as the handler's answer says: resumed or stepped past the
// emulated instruction (a kill never comes here).
[[noreturn]] void reply_receive(Thread& t, arch::TrapFrame& f, Endpoint& ep, bool grant, Thread& caller) {
    if (caller.in_exception)
        (void)answer_exception(caller, f);
    else
        copy_registers(f, caller.frame(), f.a(R::info), 0);
    f.sepc += 4;
    t.caller = nullptr;
    caller.callee = nullptr;
    t.receive_grant = grant;
    t.endpoint = &ep;
    ep.receivers.push_back(t);
    scheduler::switch_now(t, ThreadState::blocked_receive, caller);
}

} // namespace

void try_ipc(Thread& t) {
    arch::TrapFrame& f = t.frame();
    u64 number = f.a(7);
    if (!short_message(f.a(R::info))) return;
    if (number == u64(abi::Syscall::call)) {
        const Capability* cap = endpoint(t, f.a(0), abi::rights::write);
        if (!cap || object_of(*cap).receivers.empty()) return;
        Thread& receiver = *object_of(*cap).receivers.front();
        if (receiver.vcpu || !scheduler::may_run_next(receiver)) return;
        call(t, f, object_of(*cap), receiver, cap->badge);
    }
    if (number == u64(abi::Syscall::reply_receive)) {
        Thread* caller = t.caller;
        if (!caller || (caller->in_exception && !answer_resumes(f))) return;
        if (bound_bits_pending(t)) return;
        const Capability* cap = endpoint(t, f.a(0), abi::rights::read);
        if (!cap || !object_of(*cap).senders.empty() || !scheduler::may_run_next(*caller)) return;
        reply_receive(t, f, object_of(*cap), cap->has(abi::rights::grant), *caller);
    }
}

} // namespace kernel::fastpath
