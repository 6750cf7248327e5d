// Endpoints: synchronous rendezvous between a sender and a receiver. The kernel copies
// the message from one thread to the other, so neither can touch the other's copy.
#pragma once
#include <kernel/thread.hpp>

namespace kernel {

class Endpoint : public KernelObject {
public:
    static constexpr ObjectType object_type = ObjectType::endpoint;
    ThreadQueue senders;
    ThreadQueue receivers;
};

// The message registers of a thread's frame, as the ABI lays them out.
struct MessageRegisters {
    static constexpr int info = 1;  // a1
    static constexpr int word0 = 2; // a2..a5
    static constexpr int badge = 6; // a6 on receive
};

// The kernel's view of t's IPC buffer page (writable, when write), or null when it has
// none mapped so; found once and kept until its domain next unmaps anything.
isok::abi::IpcBuffer* ipc_buffer(Thread& t, bool write);

// IPC operations on behalf of a thread that trapped with the operation's registers.
// Each returns the error for the caller's a0, or blocked when the thread now waits.
Error ipc_send(Thread& sender, const Capability& cap, bool call);
// grant: the receive capability has the grant right, so the reply to a call received
// now may transfer capabilities.
Error ipc_receive(Thread& receiver, Endpoint& endpoint, bool grant);
Error ipc_reply(Thread& replier);
// Reply to the caller (if any) and receive the next message, as one operation.
Error ipc_reply_receive(Thread& server, Endpoint& endpoint, bool grant);

// Exceptions use the same rendezvous: the faulting thread calls its handler with a
// message the kernel wrote (see exception.cpp).
Error ipc_send_exception(Thread& faulter, const Capability& handler);

void destroy_endpoint(Endpoint& endpoint);
// Undoes whatever IPC a thread is part of (it is dying or being stopped). Returns the
// thread that waited on t to answer its exception, which cannot go on without the
// answer: the caller kills it (see kill_thread), or null.
[[nodiscard]] Thread* ipc_cancel(Thread& t);

// Returned instead of an error when the calling thread blocked; a0 is set on wake-up.
inline constexpr Error blocked = Error(-1);

} // namespace kernel
