// User contexts: their initial state and the way back to user mode.
#include <arch/context.hpp>

extern "C" [[noreturn]] void trap_return_to_user(arch::TrapFrame* frame);
extern "C" void fpu_save_registers(arch::FpuState* state);
extern "C" void fpu_restore_registers(const arch::FpuState* state);

namespace arch {

void UserContext::init(isok::u64 pc, isok::u64 sp, isok::u64 arg) {
    __builtin_memset(this, 0, sizeof(*this));
    frame.sepc = pc;
    frame.sp() = sp;
    frame.a(0) = arg;
    // SPP = 0 (return to U-mode), SPIE = 1 (interrupts on after sret).
    frame.sstatus = csr::sstatus_spie | sstatus_fs_initial;
}

void return_to_user(UserContext& context) { trap_return_to_user(&context.frame); }

void fpu_save(FpuState& state) { fpu_save_registers(&state); }
void fpu_restore(const FpuState& state) { fpu_restore_registers(&state); }

} // namespace arch
