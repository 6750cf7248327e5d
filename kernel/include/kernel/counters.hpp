// What the kernel counts of a thread's events, for domain_stats. Each thread counts its
// own, where the event happens and the thread is at hand (the IPC fast path and the VM
// exits have it in a register: one add, no domain to load); its domain keeps the sum of
// its destroyed threads, and domain_stats adds the live ones (syscall_stats.cpp). The
// kernel lock is held at every event: no atomics.
#pragma once
#include <isok/abi.hpp>

namespace kernel {

struct Counters {
    isok::u64 cpu_ticks = 0;    // ticks that found the thread running (scheduler::tick)
    isok::u64 ipc_sent = 0;     // messages sent outside a call's round trip: send, a dropped call
    isok::u64 ipc_received = 0; // messages received outside a call's round trip
    // Calls made or served, each counted on both sides when the call is delivered: a
    // round trip is one message each way, so the fast path counts it with one add per
    // side and none at the reply. A call dropped unanswered becomes a message sent by the
    // caller and received by the callee (endpoint.cpp, count_unanswered).
    isok::u64 round_trips = 0;
    isok::u64 faults = 0;       // a thread's exceptions delivered to a handler
    isok::u64 exits[isok::u64(isok::abi::DomainExit::count)] = {}; // a vCPU's exits towards its VMM
    isok::u64 kernel_exits = 0; // a vCPU's exits the kernel answered itself
    isok::u64 interrupts = 0;   // notification bits it took; virtual interrupts raised into it
    isok::u64 injected = 0;     // a vCPU's exceptions its handler handed to the guest
    isok::u64 restarts = 0;     // long system calls stopped for an interrupt, to go on later

    void add(const Counters& o) {
        cpu_ticks += o.cpu_ticks;
        ipc_sent += o.ipc_sent;
        ipc_received += o.ipc_received;
        round_trips += o.round_trips;
        faults += o.faults;
        for (isok::u64 i = 0; i < isok::u64(isok::abi::DomainExit::count); ++i) exits[i] += o.exits[i];
        kernel_exits += o.kernel_exits;
        interrupts += o.interrupts;
        injected += o.injected;
        restarts += o.restarts;
    }
};

} // namespace kernel
