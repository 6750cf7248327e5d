// A chain of exception handlers: thread i handles thread i-1's fault, then faults
// itself; the last one's handler endpoint is destroyed. Every thread of the chain must
// die, and the kernel must walk the chain without a kernel stack as deep as the chain.
#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "kill-chain";
constexpr u64 link_stack_bytes = 256;

// A link receives its predecessor's exception, then faults: its stack is never used
// after the receive, so links may share pages.
[[noreturn]] void link(u64 predecessor_handler) {
    (void)sys::receive(predecessor_handler);
    *reinterpret_cast<volatile u64*>(8) = 0;
    sys::exit(1);
}

[[noreturn]] void first_link(u64) {
    *reinterpret_cast<volatile u64*>(8) = 0;
    sys::exit(1);
}

} // namespace

void kill_chain(u64 length) {
    u64 stack = stacks(length, link_stack_bytes);
    // Two slots a link (its thread, its handler): the manifest gives 4096.
    u64 handler = make(ObjectType::endpoint);
    u64 first = make_thread(first_link, 0, stack, handler);
    for (u64 i = 1; i < length; ++i) {
        u64 next_handler = make(ObjectType::endpoint);
        u64 t = make_thread(link, handler, stack + i * link_stack_bytes, next_handler);
        if (Error e = sys::start(t); e != Error::ok) isok::rt::fatal("attacker: start: %s\n", isok::rt::error_name(e));
        sys::yield(); // the link runs and waits in receive on `handler`
        handler = next_handler;
    }
    isok::rt::print("attack %s: %lu threads, each handling the fault of the one before\n", name, length);
    (void)sys::start(first);
    sys::yield(); // the faults run down the chain; the last link waits on `handler`
    isok::rt::DomainInfo before = sys::domain_info(self);
    Error e = sys::destroy(handler);
    isok::rt::print("attack %s: destroy the last handler endpoint: %s\n", name, isok::rt::error_name(e));
    isok::rt::DomainInfo after = sys::domain_info(self);
    // The kernel is still here to answer, and the chain is gone (its threads dead).
    if (e == Error::ok && after.error == Error::ok && before.error == Error::ok)
        refused(name, "the whole chain died and the kernel went on");
    else
        breach(name, "the chain did not die cleanly");
}

} // namespace attack
