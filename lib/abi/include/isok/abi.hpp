// The system-call interface between the kernel and user space: numbers, error codes,
// rights, object types and the message layout. docs/abi.md describes the same
// interface for readers; the two are kept in step.
#pragma once
#include <isok/types.hpp>

namespace isok::abi {

// System call numbers, passed in a7. Arguments in a0..a5; results in a0 (an Error)
// and a1..a6.
enum class Syscall : u64 {
    debug_write = 0,   // (pointer, length)
    yield = 1,         // ()
    exit = 2,          // (code): ends the calling thread
    send = 3,          // (endpoint, info, w0..w3)
    receive = 4,       // (endpoint) -> info, w0..w3, badge
    call = 5,          // (endpoint, info, w0..w3) -> info, w0..w3
    reply = 6,         // (info, w0..w3)
    reply_receive = 7, // (endpoint, info, w0..w3) -> info, w0..w3, badge
    signal = 8,        // (notification)
    wait = 9,          // (notification) -> bits
    create = 10,       // (type, slot, domain, arg0, arg1): charged to the domain's budget
    destroy = 11,      // (slot)
    cap_copy = 12,     // (slot, domain, dest slot, rights mask, badge)
    cap_delete = 13,   // (slot)
    map = 14,          // (domain, memory, first page, address, pages, rights)
    unmap = 15,        // (domain, address, pages)
    thread_control = 16, // (thread, operation, arg0, arg1, arg2)
    domain_info = 17,  // (domain) -> budget left, budget total, free cap slots
    poll = 18,         // (notification) -> bits without blocking
    null = 19,         // (): enters and leaves the kernel; the baseline of every benchmark
    count
};

// Error codes returned in a0. Zero is success.
enum class Error : i64 {
    ok = 0,
    bad_syscall = 1,     // no such system call
    bad_slot = 2,        // slot number outside the capability space
    empty_slot = 3,      // no capability in the slot
    wrong_type = 4,      // the capability names another kind of object
    no_rights = 5,       // the capability lacks a right the operation needs
    stale = 6,           // the object was destroyed
    bad_argument = 7,    // an argument is out of range or malformed
    bad_address = 8,     // user memory not mapped, not user-accessible, or too long
    slot_in_use = 9,     // destination slot is occupied
    no_budget = 10,      // the domain's kernel-memory budget is exhausted
    no_memory = 11,      // the machine is out of frames
    busy = 12,           // object in use (e.g. memory still mapped)
    already_mapped = 13, // destination range overlaps an existing mapping
    not_mapped = 14,     // nothing to unmap there
    no_reply = 15,       // reply without a caller waiting
    reply_dropped = 16,  // the callee received again without replying, or died
    would_block = 17,    // (poll) nothing pending
    dead = 18,           // the thread is not running (exited or killed)
    bad_state = 19,      // operation not valid in the thread's state
};

// Rights carried by a capability. Meaning per object type:
//   endpoint:     write = send, read = receive, grant = send capabilities along
//   notification: write = signal, read = wait
//   memory:       read/write/execute = the most a mapping may allow
//   domain:       control = create threads in it, map into it, copy capabilities into it
//   thread:       control = configure, start, stop
namespace rights {
inline constexpr u64 read = 1 << 0;
inline constexpr u64 write = 1 << 1;
inline constexpr u64 execute = 1 << 2;
inline constexpr u64 grant = 1 << 3;
inline constexpr u64 control = 1 << 4;
inline constexpr u64 all = read | write | execute | grant | control;
} // namespace rights

enum class ObjectType : u64 {
    none = 0,
    domain = 1,       // create args: (budget bytes moved to it, cap slots)
    thread = 2,       // create args: (priority); runs in the charged domain
    endpoint = 3,     // no args
    notification = 4, // no args
    memory = 5,       // create args: (pages)
};

// Message info word (a1 on send/call/reply; returned in a1 on receive):
//   bits  0..15  label      chosen by the sender (the kernel sets it for exceptions)
//   bits 16..24  length     message words, 0..max_message_words
//   bits 25..27  caps       capabilities transferred, 0..max_message_caps
inline constexpr u64 max_message_words = 256;
inline constexpr u64 register_words = 4; // words 0..3 travel in a2..a5
inline constexpr u64 max_message_caps = 4;

constexpr u64 message_info(u64 label, u64 length, u64 caps = 0) {
    return (label & 0xffff) | (length & 0x1ff) << 16 | (caps & 0x7) << 25;
}
constexpr u64 info_label(u64 info) { return info & 0xffff; }
constexpr u64 info_length(u64 info) { return (info >> 16) & 0x1ff; }
constexpr u64 info_caps(u64 info) { return (info >> 25) & 0x7; }

// The per-thread IPC buffer (one page): message words beyond the registers, and the
// capability slots to send from and receive into.
struct IpcBuffer {
    u64 words[max_message_words];    // words[0..3] are unused: they travel in registers
    u64 send_caps[max_message_caps]; // sender: slots whose capabilities go with the message
    u64 receive_slots[max_message_caps]; // receiver: empty slots to put them in
    u64 received_badges[max_message_caps]; // receiver: the badges of the transferred capabilities
};
static_assert(sizeof(IpcBuffer) <= 4096);

// thread_control operations.
enum class ThreadOp : u64 {
    set_registers = 0,     // (pc, sp, a0)
    set_priority = 1,      // (priority)
    set_ipc_buffer = 2,    // (user address of a writable page)
    set_exception_handler = 3, // (endpoint slot; the handler receives this thread's exceptions)
    start = 4,             // ()
    stop = 5,              // ()
    set_time_slice = 6,    // (ticks)
};

inline constexpr u64 max_priority = 255;

// Exceptions arrive at the handler as a call with label exception_label and words:
//   0 cause (scause), 1 pc (sepc), 2 address (stval), 3 instruction bits (0 if unknown)
// The handler replies with word 0 = an ExceptionReply and, for resume, word 1 = new pc.
inline constexpr u64 exception_label = 0xffff;
enum class ExceptionReply : u64 { resume = 0, kill = 1 };

// Capability slots the kernel fills for the root process.
namespace root_slots {
inline constexpr u64 domain = 0;       // the root domain itself (control)
inline constexpr u64 thread = 1;       // the root thread (control)
inline constexpr u64 boot_image = 2;   // memory: the boot image, read-only
inline constexpr u64 first_free = 3;
} // namespace root_slots

// Where the kernel maps the boot image into the root process. The root is built like
// any other process otherwise: stack, IPC buffer and startup page as in isok/startup.hpp.
inline constexpr u64 root_boot_image_address = 0x40000000;
inline constexpr u64 user_space_end = 1ull << 38; // Sv39 lower half

} // namespace isok::abi
