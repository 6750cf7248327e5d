// Thread life cycle: creation in a domain, killing, destruction.
#include <kernel/console.hpp>
#include <kernel/domain.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/notification.hpp>
#include <kernel/scheduler.hpp>
#include <kernel/thread.hpp>
#include <kernel/vcpu.hpp>

namespace kernel {
namespace {
u32 next_thread_id = 1;

// Out of every queue and every IPC relationship; the thread keeps its registers.
void detach(Thread& t, ThreadState new_state) {
    t.guest.waiting = false;
    ipc_cancel(t);
    notification_cancel(t);
    scheduler::remove(t, new_state);
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

void kill_thread(Thread& t, const char* why) {
    if (t.state == ThreadState::dead) return;
    if (why)
        console::print("kernel: %s %u of domain %u %s (pc %lx)\n", t.vcpu ? "vCPU" : "thread", t.id, t.domain->id, why,
                       t.frame().sepc);
    detach(t, ThreadState::dead);
}

void stop_thread(Thread& t) {
    if (t.state == ThreadState::dead) return;
    detach(t, ThreadState::inactive);
}

void destroy_thread(Thread& t) {
    detach(t, ThreadState::dead);
    (void)notification_bind(t, nullptr);
    if (t.vcpu) {
        arch::forget_vcpu(t.guest);
        vcpu::remove(t);
    }
    release_object(t, sizeof(Thread));
}

} // namespace kernel
