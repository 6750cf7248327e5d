// Harts talking to harts through the firmware: SBI HSM to start one, SBI IPI to
// interrupt one. (Remote TLB flushes are the kernel's own requests, hart.hpp: a hart
// waiting for one sleeps, where in the firmware it would spin.)
#pragma once
#include <isok/types.hpp>

namespace arch::smp {

// Starts hart `hart_id` at secondary_start (boot.S) with `record` in a1; returns the
// SBI error (0: starting).
isok::i64 start_hart(isok::u32 hart_id, void* record);
// A supervisor software interrupt to that hart (or to every hart in a mask of hart
// ids); clear_ipi() acknowledges one here.
void send_ipi(isok::u32 hart_id);
void send_ipis(isok::u64 hart_mask);
void clear_ipi();
void enable_ipi();
// Sleeps (WFI, interrupts off) until an IPI is pending, or, with timer_too, the timer.
// A waiting hart sleeps rather than spins: the hart it waits for may be sharing the
// same host thread (QEMU's round-robin TCG), and a spinning one would starve it.
void wait_for_ipi(bool timer_too = false);

} // namespace arch::smp
