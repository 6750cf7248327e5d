// Thread life cycle: creation in a domain, killing, destruction.
#include <kernel/console.hpp>
#include <kernel/domain.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/hart.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/thread.hpp>
#include <kernel/vcpu.hpp>

namespace kernel {
namespace {
u32 next_thread_id = 1;

constexpr const char* abandoned = "its exception handler did not reply";

// Out of every queue and every IPC relationship; the thread keeps its registers.
// Returns a thread left waiting on t for an exception reply, which must die too.
[[nodiscard]] Thread* detach(Thread& t, ThreadState new_state) {
    t.guest.waiting = false;
    t.exiting = false;
    Thread* orphan = ipc_cancel(t);
    notification_cancel(t);
    scheduler::remove(t, new_state);
    return orphan;
}

void report(const Thread& t, const char* why) {
    if (why)
        console::print("kernel: %s %u of domain %u %s (pc %lx)\n", t.vcpu ? "vCPU" : "thread", t.id, t.domain->id, why,
                       t.context.frame.sepc);
}
} // namespace

isok::Result<Thread*, Error> create_thread(Domain& domain, u64 priority) {
    if (priority > isok::abi::max_priority) return isok::fail(Error::bad_argument);
    auto t = create_object<Thread>(domain);
    if (!t) return isok::fail(t.error());
    Thread& thread = **t;
    thread.domain = &domain;
    thread.priority = isok::u8(priority);
    thread.id = next_thread_id++;
    thread.vcpu = domain.is_guest();
    if (thread.vcpu) {
        arch::init_guest_context(thread.context, 0, 0, 0);
        vcpu::add(thread);
    } else {
        thread.context.init(0, 0, 0);
    }
    return &thread;
}

// A thread that handles another's exceptions and dies leaves that one without a reply,
// and it may handle a third one's: the chain dies in a loop, one thread at a time, so
// the kernel stack stays the same however long a user makes it.
void kill_thread(Thread& first, const char* why) {
    for (Thread* t = &first; t && t->state != ThreadState::dead; why = abandoned) {
        report(*t, why);
        t = detach(*t, ThreadState::dead);
    }
}

void kill_abandoned(Thread* orphan) {
    if (orphan) kill_thread(*orphan, abandoned);
}

void stop_thread(Thread& t) {
    if (t.state == ThreadState::dead) return;
    kill_abandoned(detach(t, ThreadState::inactive));
}

void destroy_thread(Thread& t) {
    if (this_hart().in_syscall == &t) this_hart().in_syscall = nullptr;
    kill_abandoned(detach(t, ThreadState::dead));
    (void)notification_bind(t, nullptr);
    cap_delete(t.exception_handler);
    if (t.vcpu) {
        harts::unload_vcpu(t.guest);
        for (const arch::VcpuState*& last : t.domain->guest_tags.last_vcpu)
            if (last == &t.guest) last = nullptr;
        vcpu::remove(t);
    }
    t.domain->counters.add(t.counters); // what it counted outlives it, in its domain
    release_object(t, sizeof(Thread));
}

} // namespace kernel
