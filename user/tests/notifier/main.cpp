// notifier: the kernel's bound notifications and driver calls, seen from a process.
// A notification bound to the thread arrives through its endpoint receive, both when
// it was pending and when it is signalled while the thread waits (by a second thread of
// this process); binding is exclusive; memory_info and interrupt_control check their
// capabilities. Prints "notifier: N checks, F failed" last.
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>

using namespace isok;
using rt::Error;
namespace sys = rt::sys;
using abi::ObjectType;

namespace {

constexpr u64 self = startup::self_domain_slot;
constexpr u64 self_thread = startup::self_thread_slot;
constexpr u64 helper_stack_top = 0x20000000;
constexpr u64 helper_stack_pages = 4;
constexpr u64 helper_ipc_buffer = 0x20100000;

u64 checks = 0, failures = 0;

void check(bool ok, const char* what) {
    ++checks;
    if (!ok) ++failures;
    rt::print("%s: %s\n", ok ? "ok" : "FAILED", what);
}

void check_error(Error got, Error want, const char* what) {
    ++checks;
    if (got != want) ++failures;
    if (got == want) rt::print("ok: %s (%s)\n", what, rt::error_name(got));
    else rt::print("FAILED: %s: %s, expected %s\n", what, rt::error_name(got), rt::error_name(want));
}

// Slots past the grants, handed out from the top of the capability space down.
u64 next_free = 0;
u64 take_slot() { return next_free--; }

u64 make(ObjectType type, u64 arg = 0) {
    u64 slot = take_slot();
    Error e = sys::create(type, slot, self, arg);
    if (e != Error::ok) rt::fatal("notifier: create: %s\n", rt::error_name(e));
    return slot;
}

// The second thread: signals the notification the first one waits on through its
// endpoint, then ends. Only system calls: it shares nothing else with the first.
u64 helper_notification = 0;
[[noreturn]] void helper_main() {
    (void)sys::signal(helper_notification);
    sys::exit(0);
}

void pending_bits_arrive_by_receive(u64 notification, u64 endpoint) {
    check_error(sys::bind_notification(self_thread, notification), Error::ok, "bind a notification to this thread");
    check_error(sys::signal(notification), Error::ok, "signal it");
    rt::Received r = sys::receive(endpoint);
    check(r.error == Error::ok && abi::info_label(r.info) == abi::notification_label && r.words[0] == 1 &&
              r.badge == 0,
          "receive on an endpoint returns the pending bits as a notification message");
    check_error(sys::poll(notification).error, Error::would_block, "the bits were taken");
}

void a_signal_wakes_a_waiting_receiver(u64 notification, u64 endpoint) {
    u64 stack = make(ObjectType::memory, helper_stack_pages);
    u64 buffer = make(ObjectType::memory, 1);
    u64 rw = abi::rights::read | abi::rights::write;
    u64 thread = take_slot();
    Error e = sys::map(self, stack, 0, helper_stack_top - helper_stack_pages * 4096, helper_stack_pages, rw);
    if (e == Error::ok) e = sys::map(self, buffer, 0, helper_ipc_buffer, 1, rw);
    if (e == Error::ok) e = sys::create(ObjectType::thread, thread, self, 100);
    if (e == Error::ok) e = sys::set_registers(thread, u64(uptr(&helper_main)), helper_stack_top, 0);
    if (e == Error::ok) e = sys::set_ipc_buffer(thread, helper_ipc_buffer);
    // Binding is exclusive: the notification is this thread's.
    if (e == Error::ok) check_error(sys::bind_notification(thread, notification), Error::busy, "bind it to a second thread");
    helper_notification = notification;
    if (e == Error::ok) e = sys::start(thread);
    if (e != Error::ok) rt::fatal("notifier: second thread: %s\n", rt::error_name(e));
    // Nobody sends on the endpoint: only the second thread's signal can end this wait.
    rt::Received r = sys::receive(endpoint);
    check(r.error == Error::ok && abi::info_label(r.info) == abi::notification_label && r.words[0] == 1,
          "a signal wakes the thread blocked in receive");
}

void binding_rules(u64 notification, u64 endpoint) {
    check_error(sys::bind_notification(self_thread, endpoint), Error::wrong_type, "bind an endpoint");
    u64 signal_only = take_slot();
    (void)sys::cap_copy(notification, self, signal_only, abi::rights::write);
    check_error(sys::bind_notification(self_thread, signal_only), Error::no_rights, "bind without the read right");
    check_error(sys::bind_notification(self_thread, abi::no_slot), Error::ok, "unbind");
    (void)sys::signal(notification);
    check_error(sys::poll(notification).error, Error::ok, "unbound, the bits wait for wait/poll again");
}

void driver_calls(u64 notification, u64 endpoint) {
    u64 memory = make(ObjectType::memory, 3);
    rt::MemoryInfo m = sys::memory_info(memory);
    check(m.error == Error::ok && m.pages == 3 && m.physical != 0 && m.physical % 4096 == 0,
          "memory_info gives a page-aligned physical address and the size");
    u64 no_control = take_slot();
    (void)sys::cap_copy(memory, self, no_control, abi::rights::read | abi::rights::write);
    check_error(sys::memory_info(no_control).error, Error::no_rights, "memory_info without control");
    check_error(sys::memory_info(endpoint).error, Error::wrong_type, "memory_info on an endpoint");
    check_error(sys::interrupt_bind(endpoint, notification), Error::wrong_type, "interrupt_control on an endpoint");
    check_error(sys::interrupt_ack(take_slot()), Error::empty_slot, "interrupt_control on an empty slot");
    check_error(sys::interrupt_ack(1u << 30), Error::bad_slot, "interrupt_control past the capability space");
}

} // namespace

int main(const startup::Info& info) {
    next_free = info.cap_slots - 1;
    u64 notification = make(ObjectType::notification);
    u64 endpoint = make(ObjectType::endpoint);
    pending_bits_arrive_by_receive(notification, endpoint);
    a_signal_wakes_a_waiting_receiver(notification, endpoint);
    binding_rules(notification, endpoint);
    driver_calls(notification, endpoint);
    rt::print("notifier: %lu checks, %lu failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
