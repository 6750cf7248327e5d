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

// No capabilities, and no words beyond the registers (length and caps are adjacent).
bool in_registers(u64 info) { return ((info >> 16) & 0xfff) <= abi::register_words; }

// The words of a longer message, buffer to buffer (count 0: none).
struct Words {
    const u64* from;
    u64* to;
    u64 count;
};

// Whether a longer message without capabilities can go from one thread to the other
// here: both buffers must be there, or the ordinary path says what happens
// (bad_address for the sender, a shortened message for the receiver).
bool plan_words(Thread& from, Thread& to, u64 info, Words& w) {
    const u64 length = abi::info_length(info);
    if (abi::info_caps(info) != 0 || length > abi::max_message_words) return false;
    const abi::IpcBuffer* src = ipc_buffer(from, false);
    abi::IpcBuffer* dst = ipc_buffer(to, true);
    if (!src || !dst) return false;
    w = {&src->words[abi::register_words], &dst->words[abi::register_words], length - abi::register_words};
    return true;
}

void copy_words(const Words& w) {
    if (w.count) [[unlikely]]
        __builtin_memcpy(w.to, w.from, w.count * sizeof(u64));
}

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

[[noreturn]] void call(Thread& t, arch::TrapFrame& f, Endpoint& ep, Thread& receiver, u64 badge, const Words& w) {
    ep.receivers.remove(receiver);
    receiver.endpoint = nullptr;
    copy_registers(f, receiver.frame(), f.a(R::info), badge);
    copy_words(w);
    f.sepc += 4;
    // The round trip's two messages, counted now (counters.hpp): the reply adds nothing.
    ++t.counters.round_trips;
    ++receiver.counters.round_trips;
    t.callee = &receiver;
    receiver.caller = &t;
    scheduler::switch_now(t, ThreadState::blocked_reply, receiver);
}

// The caller gets the reply as a message, or, when it waits in an exception (a vCPU's
// VM exit), goes on as the handler's answer says: resumed or stepped past the
// emulated instruction (a kill never comes here).
[[noreturn]] void reply_receive(Thread& t, arch::TrapFrame& f, Endpoint& ep, bool grant, Thread& caller,
                                const Words& w) {
    if (caller.in_exception) {
        (void)answer_exception(caller, f);
    } else {
        copy_registers(f, caller.frame(), f.a(R::info), 0);
        copy_words(w);
    }
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
    const u64 number = f.a(7), info = f.a(R::info);
    const bool short_message = in_registers(info);
    Words words{nullptr, nullptr, 0};
    if (number == u64(abi::Syscall::call)) {
        const Capability* cap = endpoint(t, f.a(0), abi::rights::write);
        if (!cap || object_of(*cap).receivers.empty()) return;
        Thread& receiver = *object_of(*cap).receivers.front();
        if (receiver.vcpu || !scheduler::may_run_next(receiver)) return;
        if (!short_message && !plan_words(t, receiver, info, words)) return;
        call(t, f, object_of(*cap), receiver, cap->badge, words);
    }
    if (number == u64(abi::Syscall::reply_receive)) {
        Thread* caller = t.caller;
        if (!caller) return;
        // An exception's answer is four words in registers; a kill takes the ordinary path.
        if (caller->in_exception ? !answer_resumes(f) : !short_message && !plan_words(t, *caller, info, words))
            return;
        if (bound_bits_pending(t)) return;
        const Capability* cap = endpoint(t, f.a(0), abi::rights::read);
        if (!cap || !object_of(*cap).senders.empty() || !scheduler::may_run_next(*caller)) return;
        reply_receive(t, f, object_of(*cap), cap->has(abi::rights::grant), *caller, words);
    }
}

} // namespace kernel::fastpath
