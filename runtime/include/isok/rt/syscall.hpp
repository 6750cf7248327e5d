// System-call stubs: one inline function per call of isok/abi.hpp. Number in a7,
// arguments in a0..a5, error in a0 and results in a1..a6; the kernel preserves every
// other register.
#pragma once
#include <isok/abi.hpp>

namespace isok::rt {

using abi::Error;

// Every register a system call reads or writes.
struct Registers {
    u64 a[7]; // a0 = Error on return, a1..a6 results
};

inline Registers raw_syscall(abi::Syscall number, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0, u64 a4 = 0,
                             u64 a5 = 0) {
    register u64 r0 asm("a0") = a0;
    register u64 r1 asm("a1") = a1;
    register u64 r2 asm("a2") = a2;
    register u64 r3 asm("a3") = a3;
    register u64 r4 asm("a4") = a4;
    register u64 r5 asm("a5") = a5;
    register u64 r6 asm("a6") = 0;
    register u64 r7 asm("a7") = u64(number);
    asm volatile("ecall" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6) : "r"(r7) : "memory");
    return {{r0, r1, r2, r3, r4, r5, r6}};
}

inline Error syscall_error(const Registers& r) { return Error(r.a[0]); }

// The result of a call that receives a message: info, words 0..3 (the rest are in the
// IPC buffer), and the sender's badge (receive and reply_receive only).
struct Received {
    Error error;
    u64 info;
    u64 words[abi::register_words];
    u64 badge;
};

struct Bits {
    Error error;
    u64 bits;
};

struct MemoryInfo {
    Error error;
    u64 physical; // where the memory starts in physical memory (what a device's DMA sees)
    u64 pages;
};

struct DomainInfo {
    Error error;
    u64 budget_left;
    u64 budget_total;
    u64 free_slots;
    u64 table_bytes; // of the budget used, what its page tables take
    u64 free_frames; // the machine's, from the test kernel only (0 otherwise)
};

namespace sys {
using abi::Syscall;

inline Received to_received(const Registers& r) {
    return {Error(r.a[0]), r.a[1], {r.a[2], r.a[3], r.a[4], r.a[5]}, r.a[6]};
}

inline Error debug_write(const char* text, usize length) {
    return syscall_error(raw_syscall(Syscall::debug_write, u64(uptr(text)), length));
}
inline void yield() { (void)raw_syscall(Syscall::yield); }
// Enters and leaves the kernel: the baseline of every benchmark.
inline Error null() { return syscall_error(raw_syscall(Syscall::null)); }
[[noreturn]] inline void exit(u64 code) {
    (void)raw_syscall(Syscall::exit, code);
    for (;;) (void)raw_syscall(Syscall::yield); // exit does not return; never fall through
}

inline Error send(u64 endpoint, u64 info, u64 w0 = 0, u64 w1 = 0, u64 w2 = 0, u64 w3 = 0) {
    return syscall_error(raw_syscall(Syscall::send, endpoint, info, w0, w1, w2, w3));
}
inline Received receive(u64 endpoint) { return to_received(raw_syscall(Syscall::receive, endpoint)); }
inline Received call(u64 endpoint, u64 info, u64 w0 = 0, u64 w1 = 0, u64 w2 = 0, u64 w3 = 0) {
    return to_received(raw_syscall(Syscall::call, endpoint, info, w0, w1, w2, w3));
}
// a0 is unused by reply (it answers the caller the thread last received from).
inline Error reply(u64 info, u64 w0 = 0, u64 w1 = 0, u64 w2 = 0, u64 w3 = 0) {
    return syscall_error(raw_syscall(Syscall::reply, 0, info, w0, w1, w2, w3));
}
inline Received reply_receive(u64 endpoint, u64 info, u64 w0 = 0, u64 w1 = 0, u64 w2 = 0, u64 w3 = 0) {
    return to_received(raw_syscall(Syscall::reply_receive, endpoint, info, w0, w1, w2, w3));
}

inline Error signal(u64 notification) { return syscall_error(raw_syscall(Syscall::signal, notification)); }
inline Bits wait(u64 notification) {
    Registers r = raw_syscall(Syscall::wait, notification);
    return {Error(r.a[0]), r.a[1]};
}
inline Bits poll(u64 notification) {
    Registers r = raw_syscall(Syscall::poll, notification);
    return {Error(r.a[0]), r.a[1]};
}

// Makes an object of `type` whose capability lands in `slot`, charged to the domain in
// `domain`. Arguments per type: see abi::ObjectType.
inline Error create(abi::ObjectType type, u64 slot, u64 domain, u64 arg0 = 0, u64 arg1 = 0, u64 arg2 = 0) {
    return syscall_error(raw_syscall(Syscall::create, u64(type), slot, domain, arg0, arg1, arg2));
}
inline Error destroy(u64 slot) { return syscall_error(raw_syscall(Syscall::destroy, slot)); }
// Copies the capability in `slot` into `dest_slot` of the domain in `domain`, keeping only
// the rights in `rights_mask`; `badge` badges an unbadged endpoint capability (0 keeps).
inline Error cap_copy(u64 slot, u64 domain, u64 dest_slot, u64 rights_mask, u64 badge = 0) {
    return syscall_error(raw_syscall(Syscall::cap_copy, slot, domain, dest_slot, rights_mask, badge));
}
inline Error cap_delete(u64 slot) { return syscall_error(raw_syscall(Syscall::cap_delete, slot)); }
// Every capability derived from the one in slot (copies, granted ones, in any domain)
// goes stale; the one in slot stays.
inline Error revoke(u64 slot) { return syscall_error(raw_syscall(Syscall::revoke, slot)); }

inline Error map(u64 domain, u64 memory, u64 first_page, u64 address, u64 pages, u64 rights) {
    return syscall_error(raw_syscall(Syscall::map, domain, memory, first_page, address, pages, rights));
}
inline Error unmap(u64 domain, u64 address, u64 pages) {
    return syscall_error(raw_syscall(Syscall::unmap, domain, address, pages));
}

inline Error thread_control(u64 thread, abi::ThreadOp op, u64 a = 0, u64 b = 0, u64 c = 0) {
    return syscall_error(raw_syscall(Syscall::thread_control, thread, u64(op), a, b, c));
}
inline Error set_registers(u64 thread, u64 pc, u64 sp, u64 a0) {
    return thread_control(thread, abi::ThreadOp::set_registers, pc, sp, a0);
}
inline Error set_priority(u64 thread, u64 priority) {
    return thread_control(thread, abi::ThreadOp::set_priority, priority);
}
inline Error set_ipc_buffer(u64 thread, u64 address) {
    return thread_control(thread, abi::ThreadOp::set_ipc_buffer, address);
}
inline Error set_exception_handler(u64 thread, u64 endpoint) {
    return thread_control(thread, abi::ThreadOp::set_exception_handler, endpoint);
}
inline Error set_time_slice(u64 thread, u64 ticks) {
    return thread_control(thread, abi::ThreadOp::set_time_slice, ticks);
}
inline Error start(u64 thread) { return thread_control(thread, abi::ThreadOp::start); }
inline Error stop(u64 thread) { return thread_control(thread, abi::ThreadOp::stop); }

// Receives on the endpoint and, through it, the thread's bound notification
// (abi::notification_label messages).
inline Error bind_notification(u64 thread, u64 notification) {
    return thread_control(thread, abi::ThreadOp::bind_notification, notification);
}

inline Error interrupt_bind(u64 interrupt, u64 notification) {
    return syscall_error(raw_syscall(Syscall::interrupt_control, interrupt, u64(abi::InterruptOp::bind), notification));
}
inline Error interrupt_ack(u64 interrupt) {
    return syscall_error(raw_syscall(Syscall::interrupt_control, interrupt, u64(abi::InterruptOp::ack)));
}

inline MemoryInfo memory_info(u64 memory) {
    Registers r = raw_syscall(Syscall::memory_info, memory);
    return {Error(r.a[0]), r.a[1], r.a[2]};
}

struct HartInfo {
    Error error;
    u64 hart;  // the hart the caller runs on, 0 for the boot hart
    u64 harts; // how many run
    u64 device_interrupts; // the PLIC lines the caller's hart has taken since boot
};
inline HartInfo hart_info() {
    Registers r = raw_syscall(Syscall::hart_info);
    return {Error(r.a[0]), r.a[1], r.a[2], r.a[3]};
}
// From now on the thread runs on that hart only.
inline Error set_hart(u64 thread, u64 hart) { return thread_control(thread, abi::ThreadOp::set_hart, hart); }

// The VM's console output kept by the kernel (abi::GuestConsoleOp).
inline Error guest_console_place(u64 vm, u64 guest_address) {
    return syscall_error(raw_syscall(Syscall::guest_console, vm, u64(abi::GuestConsoleOp::place), guest_address));
}
inline Error guest_console_allow(u64 vm, u64 bits, u64 lsr) {
    return syscall_error(raw_syscall(Syscall::guest_console, vm, u64(abi::GuestConsoleOp::allow), bits, lsr));
}
struct Taken {
    Error error;
    u64 bytes;
};
inline Taken guest_console_take(u64 vm, void* buffer, u64 length) {
    Registers r = raw_syscall(Syscall::guest_console, vm, u64(abi::GuestConsoleOp::take),
                              reinterpret_cast<u64>(buffer), length);
    return {Error(r.a[0]), r.a[1]};
}

// The kernel's output, for the console service (abi::ConsoleLogOp).
inline Error console_log_claim(u64 uart, u64 notification, u64 badge) {
    return syscall_error(raw_syscall(Syscall::console_log, uart, u64(abi::ConsoleLogOp::claim), notification, badge));
}
struct LogRead {
    Error error;
    u64 bytes;
    u64 dropped; // bytes the log had no room for since the last read
};
inline LogRead console_log_read(u64 uart, void* buffer, u64 length) {
    Registers r = raw_syscall(Syscall::console_log, uart, u64(abi::ConsoleLogOp::read), reinterpret_cast<u64>(buffer), length);
    return {Error(r.a[0]), r.a[1], r.a[2]};
}
inline Error console_log_release(u64 uart) {
    return syscall_error(raw_syscall(Syscall::console_log, uart, u64(abi::ConsoleLogOp::release)));
}

inline DomainInfo domain_info(u64 domain) {
    Registers r = raw_syscall(Syscall::domain_info, domain);
    return {Error(r.a[0]), r.a[1], r.a[2], r.a[3], r.a[4], r.a[5]};
}
// The domain's statistics (read on the domain capability); fields this kernel does not
// know stay as they were.
inline Error domain_stats(u64 domain, abi::DomainStats& out) {
    return syscall_error(raw_syscall(Syscall::domain_stats, domain, reinterpret_cast<u64>(&out), sizeof out));
}

} // namespace sys

// A short name for an error code ("ok", "no_budget", ...), for messages.
const char* error_name(Error e);

} // namespace isok::rt
