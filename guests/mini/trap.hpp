// Traps into the mini guest: the frame entry.S saves, and the expected-fault probe
// that lets a check provoke a fault in S-mode and look at what arrived.
#pragma once
#include <isok/types.hpp>

namespace mini {

using isok::u64;

// All registers (x[0] unused, x[2] the interrupted sp) and the trap CSRs.
struct TrapFrame {
    u64 x[32];
    u64 sepc;
    u64 sstatus;
    u64 scause;
    u64 stval;
};
static_assert(sizeof(TrapFrame) == 288, "entry.S knows this layout");

namespace cause {
inline constexpr u64 interrupt = u64(1) << 63;
inline constexpr u64 supervisor_timer = interrupt | 5;
inline constexpr u64 illegal_instruction = 2;
inline constexpr u64 ecall_from_user = 8;
inline constexpr u64 load_page_fault = 13;
inline constexpr u64 store_page_fault = 15;
} // namespace cause

namespace trap {

struct Fault {
    bool taken = false;
    u64 cause = 0;
    u64 tval = 0;
    u64 epc = 0;
};

// The next synchronous exception in S-mode is recorded and the faulting
// instruction skipped, instead of ending the run.
void expect_fault();
// What arrived since expect_fault(); disarms the probe.
Fault take_fault();

} // namespace trap
} // namespace mini
