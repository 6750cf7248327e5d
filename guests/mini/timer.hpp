// Periodic timer interrupts, programmed through SBI TIME or directly through
// Sstc's stimecmp, counted while waiting in WFI and while busy.
#pragma once
#include <isok/types.hpp>

namespace mini::timer {

using isok::u64;

enum class Path : isok::u8 { sbi, sstc };

inline constexpr u64 rate_hz = 1000;
inline constexpr isok::u32 wfi_ticks = 20;
inline constexpr isok::u32 busy_intervals = 20;

// Ticks at rate_hz through path. Checks what holds on any host: the rate over
// wfi_ticks in WFI is within 5% of what timebase_hz promises, ticks also arrive
// while the hart is busy (for busy_intervals), and never more ticks than deadlines.
// Both spans are reported with the instructions of the busy one: under -icount one
// instruction is one nanosecond, so a test can check the tick count exactly.
bool check(Path path, u64 timebase_hz);

// Arms one SBI deadline and waits (busy, interrupts on) up to `patience` timebase
// ticks past it; returns the time the interrupt was taken, or 0 if it never came.
// An OS learns of its timer by taking the interrupt, so that is what is checked.
u64 one_shot(u64 deadline, u64 patience);

// The supervisor timer interrupt: count it and program the next deadline.
void on_interrupt();

} // namespace mini::timer
