// The register state saved on every trap; its layout is shared with trap_entry.S.
#pragma once
#include <isok/types.hpp>

namespace arch {

struct TrapFrame {
    isok::u64 x[32]; // x[0] is never saved (it reads as zero); x[2] is the interrupted sp
    isok::u64 sepc;
    isok::u64 sstatus;
    isok::u64 scause;
    isok::u64 stval;
    // Not a register: the kernel::Hart the context last left the kernel on, which is
    // where its next trap finds the hart's kernel stack (and tp).
    isok::u64 hart;
    isok::u64 unused; // keeps the frame a multiple of 16 bytes

    isok::u64& ra() { return x[1]; }
    isok::u64& sp() { return x[2]; }
    isok::u64& a(int i) { return x[10 + i]; }
    isok::u64 a(int i) const { return x[10 + i]; }
};

// Offsets used by the assembly entry; checked here so the two cannot drift apart.
inline constexpr isok::usize trap_frame_sepc = 32 * 8;
inline constexpr isok::usize trap_frame_hart = 36 * 8;
inline constexpr isok::usize trap_frame_size = 38 * 8;
static_assert(__builtin_offsetof(TrapFrame, sepc) == trap_frame_sepc);
static_assert(__builtin_offsetof(TrapFrame, hart) == trap_frame_hart);
static_assert(sizeof(TrapFrame) == trap_frame_size);
static_assert(trap_frame_size % 16 == 0, "the stack stays 16-byte aligned");

} // namespace arch
