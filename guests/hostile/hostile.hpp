// The hostile guest's scenarios and what they share: the console voice, the ending
// that must never be reached under a hypervisor, and the traps it provokes on itself.
#pragma once
#include <isok/guest/machine.hpp>

namespace hostile {

using isok::u64;
using isok::guest::Machine;

// One console line "hostile: <text>", sent before the call returns.
void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// "hostile: <text>" without the newline, sent at once: the next output ends the line.
void announce(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// "hostile: survived" and SRST shutdown with reason "system failure": a scenario that
// should have been stopped was not (on bare hardware, the expected end).
[[noreturn]] void survived();

// Synchronous exceptions a scenario provokes on purpose: illegal instruction, load and
// store access fault. They are counted, the last one recorded, and the instruction
// skipped; any other trap ends the guest with a line saying what arrived.
struct Trap {
    u64 count = 0;
    u64 cause = 0;
    u64 tval = 0;
};
void clear_traps();
Trap traps();
const char* cause_name(u64 cause);

// The scenarios (README.md says what each prints and how it ends).
[[noreturn]] void outside(const Machine& m);
[[noreturn]] void device(const Machine& m);
[[noreturn]] void mmio_storm(const Machine& m);
[[noreturn]] void spin_masked();
[[noreturn]] void csr_junk();
[[noreturn]] void sbi_junk(const Machine& m);
[[noreturn]] void virtio_junk(const Machine& m);
[[noreturn]] void ipi_storm(const Machine& m);
[[noreturn]] void uart_mix(const Machine& m);

// ipi-storm's supervisor software interrupt, from the trap handler: counted, SSIP cleared.
void software_interrupt();

} // namespace hostile

// Where a hart started with SBI HSM hart_start enters (../mini/entry.S): a0 = hart id,
// a1 = opaque = the top of its stack; it calls mini_secondary_main(hart id, stack top,
// sstatus at entry).
extern "C" void mini_secondary();

namespace hostile {

} // namespace hostile
