// The user-visible register state of an execution context: the integer frame saved
// on every trap and the floating-point registers, saved only when a thread used them.
#pragma once
#include <arch/csr.hpp>
#include <arch/trap_frame.hpp>

namespace arch {

struct FpuState {
    isok::u64 f[32] = {};
    isok::u64 fcsr = 0;
};

struct UserContext {
    TrapFrame frame; // first: sscratch points here while the context runs
    FpuState fpu;

    // A fresh U-mode context: interrupts on once it runs, FPU usable but clean.
    void init(isok::u64 pc, isok::u64 sp, isok::u64 arg);
};

inline constexpr isok::u64 sstatus_fs_mask = 3ull << 13;
inline constexpr isok::u64 sstatus_fs_initial = 1ull << 13;
inline constexpr isok::u64 sstatus_fs_clean = 2ull << 13;
inline constexpr isok::u64 sstatus_fs_dirty = 3ull << 13;

// Leaves the kernel: resumes the context on this hart. The kernel stack is abandoned.
[[noreturn]] void return_to_user(UserContext& context);

// Saves the FPU registers of a context that dirtied them, restores another's.
void fpu_save(FpuState& state);
void fpu_restore(const FpuState& state);

} // namespace arch
