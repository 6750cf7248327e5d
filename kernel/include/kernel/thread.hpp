// Threads: execution contexts in a domain. A vCPU will be one more kind of the same
// thing: scheduled by the same scheduler, faulting through the same exception path.
#pragma once
#include <arch/context.hpp>
#include <arch/vcpu.hpp>
#include <kernel/capability.hpp>
#include <kernel/counters.hpp>

namespace kernel {

class Endpoint;
class Notification;

enum class ThreadState : isok::u8 {
    inactive,        // created, not started (or stopped)
    ready,           // in a ready queue
    running,         // the current thread
    blocked_send,    // queued on an endpoint with a message
    blocked_receive, // queued on an endpoint for a message
    blocked_reply,   // waiting for the reply to a call (or to an exception)
    blocked_wait,    // waiting on a notification
    dead,            // exited or killed
};

class Thread;
struct VcpuSet; // the list of every vCPU (see vcpu.cpp)

// An intrusive FIFO of threads; a thread is in at most one queue at a time.
class ThreadQueue {
public:
    bool empty() const { return head_ == nullptr; }
    Thread* front() const { return head_; }
    void push_back(Thread& t);
    Thread* pop_front();
    void remove(Thread& t);

private:
    Thread* head_ = nullptr;
    Thread* tail_ = nullptr;
};

class Thread : public KernelObject, public ListLink<Thread, VcpuSet> {
public:
    static constexpr ObjectType object_type = ObjectType::thread;
    static constexpr u32 default_time_slice = 10; // ticks

    arch::UserContext context;
    Domain* domain = nullptr;
    u32 id = 0;
    ThreadState state = ThreadState::inactive;
    isok::u8 priority = 0;
    bool fpu_used = false;
    u32 hart = 0; // the hart (kernel::Hart::index) it runs on, and nowhere else
    u32 time_slice = default_time_slice;
    u32 slice_left = default_time_slice;

    u64 ipc_buffer = 0;          // user address of the IPC buffer page, 0 for none
    // Where the kernel last found that page (endpoint.cpp, ipc_buffer): for ipc_buffer
    // as it was then, while the domain's unmaps count stays where it was.
    struct BufferPage {
        u64 address = 0;
        isok::u8* page = nullptr;
        u64 unmaps = 0;
        bool writable = false;
    } buffer_page;
    Capability exception_handler; // an endpoint, or empty: faults kill the thread

    // IPC state: what a blocked thread is waiting for.
    ThreadQueue* queue = nullptr; // the queue it is in (ready, endpoint or notification)
    Thread* queue_prev = nullptr;
    Thread* queue_next = nullptr;
    Endpoint* endpoint = nullptr; // blocked_send / blocked_receive
    u64 send_badge = 0;           // badge of the capability a queued message was sent with
    bool send_grant = false;      // that capability may transfer capabilities
    bool send_is_call = false;
    bool receive_grant = false;   // its last receive was through a capability with grant: its replies may carry capabilities
    Thread* caller = nullptr;     // the thread waiting for this one's reply
    Thread* callee = nullptr;     // the thread this one waits on for a reply
    bool in_exception = false;    // the pending call is an exception message
    u64 exception_words[isok::abi::exception_message::length] = {}; // its message, while in_exception
    bool exiting = false;         // its pending send is its exit notice: it dies once that is taken

    Notification* bound_notification = nullptr; // received along with endpoint messages

    Counters counters;            // its events, for domain_stats; its domain's once it is destroyed
    bool vcpu = false;            // runs in a VM's domain, in VS/VU-mode
    arch::VcpuState guest;        // the virtual hart's own state (vCPUs only)

    arch::TrapFrame& frame() { return context.frame; }
};

isok::Result<Thread*, Error> create_thread(Domain& domain, u64 priority);
void destroy_thread(Thread& thread);
// Ends a thread now: out of every queue, any caller waiting on it told reply_dropped.
void kill_thread(Thread& thread, const char* why);
// Kills a thread left waiting for an exception reply that will never come (null: none).
void kill_abandoned(Thread* orphan);
// Takes a thread off the CPU and out of any IPC; it can be configured and started again.
void stop_thread(Thread& thread);

} // namespace kernel
