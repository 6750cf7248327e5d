// IPC: send, receive, call and reply over endpoints. Every path ends in deliver(),
// the one place where a message crosses from one thread to another.
#include <kernel/assert.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/exception.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/user_memory.hpp>

namespace kernel {

using isok::abi::IpcBuffer;
namespace abi = isok::abi;
using R = MessageRegisters;

// The page walk is done once per buffer and kept until the domain unmaps anything (a
// frame is freed only after its unmap, so a kept page is never one that was freed).
IpcBuffer* ipc_buffer(Thread& t, bool write) {
    if (!t.ipc_buffer) return nullptr;
    Thread::BufferPage& kept = t.buffer_page;
    const Domain& d = *t.domain;
    if (kept.page && kept.address == t.ipc_buffer && kept.unmaps == d.unmaps && (kept.writable || !write))
        return reinterpret_cast<IpcBuffer*>(kept.page);
    isok::u8* page = user_page(*t.domain, t.ipc_buffer, write);
    if (page) kept = {t.ipc_buffer, page, d.unmaps, write};
    return reinterpret_cast<IpcBuffer*>(page);
}

namespace {

// A message is checked before it leaves its sender, so a bad one never blocks anyone.
Error check_message(Thread& sender, u64 info) {
    if (abi::info_length(info) > abi::max_message_words || abi::info_caps(info) > abi::max_message_caps)
        return Error::bad_argument;
    bool needs_buffer = abi::info_length(info) > abi::register_words || abi::info_caps(info) > 0;
    if (needs_buffer && !ipc_buffer(sender, false)) return Error::bad_address;
    return Error::ok;
}

// Copies up to `count` capabilities named in the sender's buffer into the empty slots
// the receiver offered; stops at the first that cannot go. Returns how many went.
u64 transfer_caps(Thread& from, Thread& to, u64 count) {
    if (count == 0) return 0;
    IpcBuffer* out = ipc_buffer(from, false);
    IpcBuffer* in = ipc_buffer(to, true);
    if (!out || !in) return 0;
    u64 moved = 0;
    for (; moved < count; ++moved) {
        auto src = from.domain->caps.live(out->send_caps[moved]);
        if (!src) break;
        auto dst = to.domain->caps.free_slot(in->receive_slots[moved]);
        if (!dst) break;
        // The receiver's capability derives from the sender's: revoking that takes it.
        cap_derive(**dst, **src, (*src)->rights, (*src)->badge);
        in->received_badges[moved] = (*src)->badge;
    }
    return moved;
}

// How a message counts where it crosses (counters.hpp): a call counts its whole round
// trip, once on each side, as the fast path does, so its reply counts nothing; an
// exception message counts as a fault of the faulter where it was raised, not as IPC.
enum class Counted : isok::u8 { not_here, message, round_trip };

struct Message {
    u64 info;
    const u64* words; // words 0..3; all of them when the kernel wrote the message
    u64 badge;
    bool grant;
    Counted counted;
    bool from_kernel = false;
};

void count(Thread& from, Thread& to, bool round_trip) {
    if (round_trip) {
        ++from.counters.round_trips;
        ++to.counters.round_trips;
        return;
    }
    ++from.counters.ipc_sent;
    ++to.counters.ipc_received;
}

// The message lands in the receiver's registers and IPC buffer; the receiver's
// system call returns ok with the delivered info (length and caps as they arrived).
void deliver(Thread& from, Thread& to, const Message& m) {
    arch::TrapFrame& dst = to.frame();
    u64 length = abi::info_length(m.info);
    for (u64 i = 0; i < abi::register_words; ++i) dst.x[10 + R::word0 + i] = m.words[i];
    if (length > abi::register_words) {
        const u64* src = nullptr;
        if (m.from_kernel) {
            src = m.words;
        } else if (IpcBuffer* src_buf = ipc_buffer(from, false)) {
            src = src_buf->words;
        }
        IpcBuffer* dst_buf = ipc_buffer(to, true);
        if (src && dst_buf)
            __builtin_memcpy(&dst_buf->words[abi::register_words], &src[abi::register_words],
                             (length - abi::register_words) * sizeof(u64));
        else
            length = abi::register_words; // the receiver offered no buffer: it gets what fits
    }
    u64 caps = m.grant ? transfer_caps(from, to, abi::info_caps(m.info)) : 0;
    dst.a(0) = u64(Error::ok);
    dst.a(R::info) = abi::message_info(abi::info_label(m.info), length, caps);
    dst.a(R::badge) = m.badge;
    if (m.counted != Counted::not_here) count(from, to, m.counted == Counted::round_trip);
}

Message message_in_registers(Thread& t, u64 badge, bool grant, Counted counted) {
    return {t.frame().a(R::info), &t.frame().x[10 + R::word0], badge, grant, counted};
}

Message exception_message(Thread& t, u64 badge) {
    return {abi::message_info(abi::exception_label, abi::exception_message::length), t.exception_words, badge, false,
            Counted::not_here, true};
}

Message pending_message(Thread& sender) {
    if (sender.in_exception) return exception_message(sender, sender.send_badge);
    return message_in_registers(sender, sender.send_badge, sender.send_grant,
                                sender.send_is_call ? Counted::round_trip : Counted::message);
}

// A call that ends without its reply was one message, from the caller to the callee.
void count_unanswered(Thread& caller, Thread& callee) {
    if (caller.in_exception) return;
    Counters& from = caller.counters;
    Counters& to = callee.counters;
    --from.round_trips;
    ++from.ipc_sent;
    --to.round_trips;
    ++to.ipc_received;
}

void link_call(Thread& caller, Thread& callee) {
    caller.callee = &callee;
    callee.caller = &caller;
}

// A callee that receives again (or dies) without replying abandons its caller. A caller
// waiting on an exception cannot go on: it is returned for the caller of this to kill
// (never killed from here: killing it may abandon its own caller, and so on, and that
// chain is as long as a user cares to build; kill_thread walks it in a loop).
[[nodiscard]] Thread* drop_caller(Thread& callee) {
    Thread* c = callee.caller;
    if (!c) return nullptr;
    count_unanswered(*c, callee);
    callee.caller = nullptr;
    c->callee = nullptr;
    if (c->in_exception) return c;
    c->frame().a(0) = u64(Error::reply_dropped);
    scheduler::make_ready(*c);
    return nullptr;
}

Error send_or_queue(Thread& sender, Endpoint& ep, const Message& m, bool call) {
    Thread* r = ep.receivers.pop_front();
    if (!r) {
        sender.endpoint = &ep;
        sender.send_badge = m.badge;
        sender.send_grant = m.grant;
        sender.send_is_call = call;
        scheduler::remove(sender, ThreadState::blocked_send);
        ep.senders.push_back(sender);
        return blocked;
    }
    r->endpoint = nullptr;
    deliver(sender, *r, m);
    if (!call) {
        scheduler::make_ready(*r);
        return Error::ok;
    }
    link_call(sender, *r);
    scheduler::hand_over(sender, ThreadState::blocked_reply, *r);
    return blocked;
}

} // namespace

Error ipc_send(Thread& sender, const Capability& cap, bool call) {
    u64 info = sender.frame().a(R::info);
    if (Error e = check_message(sender, info); e != Error::ok) return e;
    auto& ep = static_cast<Endpoint&>(*cap.object);
    return send_or_queue(sender, ep,
                         message_in_registers(sender, cap.badge, cap.has(abi::rights::grant),
                                              call ? Counted::round_trip : Counted::message),
                         call);
}

Error ipc_send_exception(Thread& faulter, const Capability& handler) {
    faulter.in_exception = true;
    return send_or_queue(faulter, static_cast<Endpoint&>(*handler.object), exception_message(faulter, handler.badge),
                         true);
}

Error ipc_receive(Thread& receiver, Endpoint& ep, bool grant) {
    receiver.receive_grant = grant;
    kill_abandoned(drop_caller(receiver));
    // Signals first: a stream of calls must not starve them.
    if (notification_take_bound(receiver)) return Error::ok;
    Thread* s = ep.senders.pop_front();
    if (!s) {
        receiver.endpoint = &ep;
        scheduler::remove(receiver, ThreadState::blocked_receive);
        ep.receivers.push_back(receiver);
        return blocked;
    }
    s->endpoint = nullptr;
    deliver(*s, receiver, pending_message(*s));
    if (s->send_is_call || s->in_exception) {
        link_call(*s, receiver);
        s->state = ThreadState::blocked_reply;
    } else if (s->exiting) {
        kill_thread(*s, nullptr); // its exit notice is taken: it ends now
    } else {
        s->frame().a(0) = u64(Error::ok);
        scheduler::make_ready(*s);
    }
    return Error::ok;
}

namespace {

// The reply half of reply and reply_receive: the caller gets the message, or, when it
// made an exception call, is resumed, emulated past or killed as the handler says.
// `resumed` is the caller when it may run again.
Error answer_caller(Thread& replier, Thread*& resumed) {
    resumed = nullptr;
    Thread* c = replier.caller;
    if (!c) return Error::no_reply;
    arch::TrapFrame& f = replier.frame();
    if (Error e = c->in_exception ? check_answer(*c, f) : check_message(replier, f.a(R::info)); e != Error::ok)
        return e;
    replier.caller = nullptr;
    c->callee = nullptr;
    if (!c->in_exception) {
        deliver(replier, *c, message_in_registers(replier, 0, replier.receive_grant, Counted::not_here));
        resumed = c;
        return Error::ok;
    }
    if (answer_exception(*c, f)) resumed = c;
    return Error::ok;
}

} // namespace

Error ipc_reply_receive(Thread& server, Endpoint& ep, bool grant) {
    // The common server loop (a VMM's too): answer the caller and wait for the next
    // one, who is not there yet. The caller runs next directly, ahead of its peers, as
    // if the call had not left it.
    if (server.caller && ep.senders.empty() && !bound_bits_pending(server)) {
        Thread* resumed;
        if (Error e = answer_caller(server, resumed); e != Error::ok) return e;
        server.receive_grant = grant;
        server.endpoint = &ep;
        if (resumed)
            scheduler::hand_over(server, ThreadState::blocked_receive, *resumed);
        else
            scheduler::remove(server, ThreadState::blocked_receive);
        ep.receivers.push_back(server);
        return blocked;
    }
    if (Error e = ipc_reply(server); e != Error::ok && e != Error::no_reply) return e;
    return ipc_receive(server, ep, grant);
}

Error ipc_reply(Thread& replier) {
    Thread* resumed;
    Error e = answer_caller(replier, resumed);
    if (resumed) scheduler::make_ready(*resumed);
    return e;
}

Thread* ipc_cancel(Thread& t) {
    if (t.endpoint) {
        if (t.state == ThreadState::blocked_send) t.endpoint->senders.remove(t);
        if (t.state == ThreadState::blocked_receive) t.endpoint->receivers.remove(t);
        t.endpoint = nullptr;
    }
    Thread* orphan = drop_caller(t);
    if (t.callee) {
        count_unanswered(t, *t.callee);
        t.callee->caller = nullptr;
        t.callee = nullptr;
    }
    t.in_exception = false;
    return orphan;
}

void destroy_endpoint(Endpoint& ep) {
    // Whoever waits on a destroyed endpoint is told so and runs again.
    ThreadQueue* queues[] = {&ep.senders, &ep.receivers};
    for (ThreadQueue* q : queues) {
        while (Thread* t = q->pop_front()) {
            t->endpoint = nullptr;
            if (t->in_exception) {
                kill_thread(*t, "its exception handler endpoint was destroyed");
                continue;
            }
            if (t->exiting) {
                kill_thread(*t, nullptr); // an exit notice nobody will take
                continue;
            }
            t->frame().a(0) = u64(Error::stale);
            scheduler::make_ready(*t);
        }
    }
    release_object(ep, sizeof(Endpoint));
}

} // namespace kernel
