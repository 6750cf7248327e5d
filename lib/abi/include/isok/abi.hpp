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
    create = 10,       // (type, slot, domain, arg0, arg1, arg2): charged to the domain's budget
    destroy = 11,      // (slot)
    cap_copy = 12,     // (slot, domain, dest slot, rights mask, badge)
    cap_delete = 13,   // (slot)
    map = 14,          // (domain, memory, first page, address, pages, rights)
    unmap = 15,        // (domain, address, pages)
    thread_control = 16, // (thread, operation, arg0, arg1, arg2)
    domain_info = 17,  // (domain) -> budget left, budget total, free cap slots
    poll = 18,         // (notification) -> bits without blocking
    null = 19,         // (): enters and leaves the kernel; the baseline of every benchmark
    interrupt_control = 20, // (interrupt, InterruptOp, arg)
    memory_info = 21,  // (memory) -> physical address, pages: for drivers that program DMA
    hart_info = 22,    // () -> the hart the caller runs on (0 = the boot hart), how many harts run,
                       //    the device interrupts that hart has taken
    guest_console = 23, // (vm, GuestConsoleOp, arg0, arg1): the VM's console output, kept by the kernel
    console_log = 24,  // (uart memory, ConsoleLogOp, arg0, arg1): the kernel's output, for the console service
    domain_stats = 25, // (domain with read, user address, length) -> a1: sizeof(DomainStats); a DomainStats there
    revoke = 26,       // (slot): every capability derived from it goes stale; it stays
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
//   domain:       control = create threads in it, map into it, copy capabilities into it;
//                 read = its statistics (domain_stats)
//   thread:       control = configure, start, stop
//   interrupt:    control = bind and acknowledge
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
    domain = 1,       // create args: (budget bytes moved to it, cap slots, max priority <= the creator's)
    thread = 2,       // create args: (priority <= both domains' max priority); runs in the charged domain
    endpoint = 3,     // no args
    notification = 4, // no args
    memory = 5,       // create args: (pages)
    vm = 6,           // create args: (budget bytes, cap slots, max priority): a domain whose threads are vCPUs
    interrupt = 7,    // not created: the kernel gives the root one per device interrupt line
};

// interrupt_control operations. An interrupt line is masked from the moment it fires
// until its holder acknowledges it, so a level-triggered device cannot storm the kernel.
enum class InterruptOp : u64 {
    bind = 0, // (notification slot, write right): each firing signals it with that capability's badge
    ack = 1,  // (): the device has been served; unmask the line
};

// guest_console operations, for a VMM (control on its VM's domain). KVM's coalesced
// MMIO, for the console: while the VMM allows it, the kernel keeps what a guest writes to
// its ns16550's THR and through the legacy SBI putchar, and answers its reads of the
// UART's LSR, without a VM exit. A byte '\n', or one more than the kernel keeps, exits
// as before; so does a vCPU's WFI while bytes are kept. The VMM takes the kept bytes
// before it writes anything of its own to the VM's console, so the console shows the
// guest's bytes in their order.
enum class GuestConsoleOp : u64 {
    place = 0, // (guest-physical address of the ns16550, or 0: none): drops kept bytes, allows nothing
    allow = 1, // (guest_console:: bits, the LSR value to answer with)
    take = 2,  // (user address, length) -> a1: bytes moved there from the kernel, oldest first
};
// The console service takes the UART from the kernel: from its claim on, the kernel writes
// what it and debug_write would have printed into its log and signals the service, which
// drains the log onto the UART. Only the holder of the UART's device memory (with write)
// may claim or read. Should the service's notification go, or the kernel panic, the kernel
// writes the UART again, starting with what is left in the log.
enum class ConsoleLogOp : u64 {
    claim = 0,   // (notification slot, badge): signalled whenever the log has new bytes
    read = 1,    // (user address, length) -> a1: bytes moved there, oldest first; a2: bytes the log had no room for since the last read
    release = 2, // (): the kernel writes the UART again
};
inline constexpr u64 console_log_bytes = 16384; // the log's size
// The log says whose bytes follow whenever the writer changes: this byte, then the
// writer's domain id (u32, little-endian; 0 is the kernel). debug_write turns the byte
// into '?' in what it is given, so that no domain can speak as another.
inline constexpr u8 console_log_writer = 0x1e;
inline constexpr u64 console_log_marker_bytes = 5;

// What domain_stats reports of a domain (a process or a VM): its threads' states, counted
// when asked, and counters the kernel keeps from the domain's creation on. A caller gives
// a length and receives that much of the struct at most, so that the struct may grow.
enum class DomainExit : u64 { sbi = 0, mmio_load = 1, mmio_store = 2, wfi = 3, virtual_instruction = 4, other = 5, count };
struct DomainStats {
    u64 kind;         // 0 a process, 1 a VM
    u64 threads;      // live threads (a VM's: its vCPUs)
    u64 ready;        // of them ready or running
    u64 blocked;      // of them waiting (IPC, a notification, a vCPU in WFI)
    u64 stopped;      // of them stopped or never started
    u64 priority;     // the highest priority among its threads
    u64 hart;         // the hart its oldest live thread runs on
    u64 budget_total; // bytes
    u64 budget_used;  // bytes
    u64 cpu_ticks;    // timer ticks at which one of its threads was running (on any hart)
    u64 ipc_sent;     // messages its threads sent (send, call, reply, reply_receive's reply)
    u64 ipc_received; // messages its threads received (exception messages count as faults)
    u64 faults;       // exceptions of its threads delivered to a handler (a VM: its exits to the VMM)
    u64 kernel_exits; // a VM's exits the kernel answered itself (SBI TIME, a kept console byte, ...)
    u64 exits[u64(DomainExit::count)]; // a VM's exits to its VMM by reason (DomainExit)
    u64 interrupts;   // notification bits its threads took (wait, poll, receive), and virtual
                      // interrupts raised into its vCPUs
    u64 injected;     // a VM's: exceptions its VMM handed to the guest (ExceptionReply::inject)
    u64 restarts;     // long system calls (revoke) its threads made that stopped for an interrupt and went on
};

namespace guest_console {
inline constexpr u64 keep_uart_writes = 1 << 0;   // THR writes (DLAB clear, no THR-empty interrupt, no loopback)
inline constexpr u64 answer_uart_status = 1 << 1; // LSR reads (no bit of LSR clears on a read now)
inline constexpr u64 keep_sbi_putchar = 1 << 2;   // legacy SBI console_putchar (extension 0x01)
inline constexpr u64 uart_bits = keep_uart_writes | answer_uart_status;
inline constexpr u64 capacity = 128;              // bytes kept at most
} // namespace guest_console

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
    raise_interrupts = 7,  // vCPU only: (bits of hvip to set: 1<<2 VSSIP, 1<<6 VSTIP, 1<<10 VSEIP)
    lower_interrupts = 8,  // vCPU only: (bits of hvip to clear)
    bind_notification = 9, // (notification slot with read right, or no_slot to unbind)
    set_hart = 10,         // (hart: 0 .. hart_info's count - 1): where the thread runs from now on
    fence_guest = 11,      // vCPU only: (): no hart keeps the guest's VS-stage translations or
                           // stale instructions for it once this returns (SBI RFENCE)
};

// A thread with a bound notification that receives on an endpoint also receives the
// notification: when bits are pending, receive returns a message with this label, length
// 0, the bits in word 0 and badge 0. A server thus waits for calls and signals at once.
inline constexpr u64 notification_label = 0xfffe;
inline constexpr u64 no_slot = ~u64{0};

inline constexpr u64 max_priority = 255;

// Exceptions of threads and vCPUs (VM exits) arrive at the handler as a call with label
// exception_label and one layout of words, exception_message below. The handler
// replies with word 0 = an ExceptionReply and words 1..3 as it says; any other word 0,
// or an inject the faulter cannot take, fails the reply with bad_argument and leaves
// the faulter waiting for a good one.
inline constexpr u64 exception_label = 0xffff;
enum class ExceptionReply : u64 {
    resume = 0,   // continue at word 1 (0: retry the same instruction)
    kill = 1,     // end the thread (for a vCPU: stop the VM's vCPU)
    emulated = 2, // the handler performed the instruction; continue after it. For a
                  // decoded load, word 2 is the value for its destination register; for
                  // a vCPU's SBI call, words 2 and 3 go to the guest's a0 and a1.
    inject = 3,   // vCPU only: the guest takes exception word 1 (a cause a hart raises to
                  // S-mode: 0-8, 12, 13, 15) at its trap vector, as the hardware would
                  // deliver it, with stval = word 2; word 3 bit 0 (inject_trap_tval): the
                  // trap's own stval instead (a faulting access's guest-virtual address).
};
inline constexpr u64 inject_trap_tval = 1;

// A thread with an exception handler that exits tells the handler so: a send (no reply
// is expected; the thread is dead once the handler has it) with label exit_label, the
// handler capability's badge, and word 0 the exit code.
inline constexpr u64 exit_label = 0xfffd;

// The words of an exception message. Words 0..3 travel in registers; the rest arrive
// in the handler's IPC buffer (a handler without one gets the first four only).
namespace exception_message {
inline constexpr u64 length = 14;
inline constexpr u64 cause = 0;       // scause of the trap
inline constexpr u64 pc = 1;          // pc of the trapping instruction (a guest's: sepc)
inline constexpr u64 address = 2;     // guest-physical address for guest-page faults, stval otherwise
inline constexpr u64 instruction = 3; // the trapping instruction (expanded if compressed), 0 if unreadable
inline constexpr u64 access = 4;      // decoded load/store, see below; 0 when not a load or store
inline constexpr u64 value = 5;       // the value a store writes
inline constexpr u64 a0 = 6;          // a0..a7 in words 6..13 (a guest's SBI call: a7 extension, a6 function)

// access word: bits 0-7 width in bytes, bit 8 store, bit 9 sign-extending load,
// bits 16-20 the register loaded or stored, bits 24-27 instruction length in bytes.
constexpr u64 access_width(u64 a) { return a & 0xff; }
constexpr bool access_is_store(u64 a) { return a & (1 << 8); }
constexpr bool access_is_signed(u64 a) { return a & (1 << 9); }
constexpr u64 access_register(u64 a) { return (a >> 16) & 0x1f; }
constexpr u64 access_length(u64 a) { return (a >> 24) & 0xf; }
constexpr u64 make_access(u64 width, bool store, bool is_signed, u64 reg, u64 insn_length) {
    return width | u64(store) << 8 | u64(is_signed) << 9 | (reg & 0x1f) << 16 | (insn_length & 0xf) << 24;
}

// Causes a handler sees most (RISC-V exception codes). A thread's:
inline constexpr u64 cause_illegal_instruction = 2;
inline constexpr u64 cause_load_page_fault = 13;
inline constexpr u64 cause_store_page_fault = 15;
// A vCPU's (traps from VS/VU-mode):
inline constexpr u64 cause_sbi_call = 10;          // ecall from VS-mode
inline constexpr u64 cause_fetch_guest_fault = 20; // instruction guest-page fault
inline constexpr u64 cause_load_guest_fault = 21;  // load guest-page fault (MMIO read)
inline constexpr u64 cause_virtual_instruction = 22;
inline constexpr u64 cause_store_guest_fault = 23; // store guest-page fault (MMIO write)
} // namespace exception_message

// Guest-physical address space of a VM: Sv39x4, so addresses below 2^41.
inline constexpr u64 guest_space_end = 1ull << 41;

// Capability slots the kernel fills for the root process.
namespace root_slots {
inline constexpr u64 domain = 0;       // the root domain itself (control)
inline constexpr u64 thread = 1;       // the root thread (control)
inline constexpr u64 boot_image = 2;   // memory: the boot image, read-only
// Then, named on the root's startup page, each virtio-mmio window of the machine
// ("virtio<k>": memory, one page, read/write) and its line ("virtio<k>.irq": interrupt);
// the first free slot is the startup page's cap_count.
} // namespace root_slots

// Where the kernel maps the boot image into the root process. The root is built like
// any other process otherwise: stack, IPC buffer and startup page as in isok/startup.hpp.
inline constexpr u64 root_boot_image_address = 0x40000000;
inline constexpr u64 user_space_end = 1ull << 38; // Sv39 lower half

} // namespace isok::abi
