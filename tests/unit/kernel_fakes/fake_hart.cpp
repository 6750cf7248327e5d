// Host definitions of the RISC-V operations the scheduler and IPC use (context.cpp,
// kernel_space.cpp, vcpu.cpp, vm_exit.cpp, cpu.hpp on the target): each records its
// effect on fake::hart() instead of touching a processor.
#include <arch/cpu.hpp>
#include <arch/kernel_space.hpp>
#include <arch/vm_exit.hpp>
#include <kernel_fakes/hart.hpp>

#include <cstring>

namespace fake {

Hart& hart() {
    static Hart h;
    return h;
}

void reset_counts() {
    Hart& h = hart();
    h.activations = h.fpu_saves = h.fpu_restores = h.idles = h.parks = 0;
}

} // namespace fake

namespace arch {

void enable_interrupts() { fake::hart().interrupts_enabled = true; }
void disable_interrupts() { fake::hart().interrupts_enabled = false; }

void wait_for_interrupt() {
    ++fake::hart().idles;
    throw fake::Idle();
}

void flush_tlb() {}
bool interrupt_pending() { return fake::hart().interrupt_waiting; }
void flush_guest_tlb() {}
void fence_guest_here() {}
void spin_pause() {}

namespace {
void* hart_record = nullptr; // tp on the target
} // namespace

void* this_hart_pointer() { return hart_record; }
void set_this_hart_pointer(void* p) { hart_record = p; }

// As on the target: a U-mode context with interrupts on after sret and the FPU usable but
// clean, so that the scheduler's FPU tracking starts from the same state.
void UserContext::init(isok::u64 pc, isok::u64 sp, isok::u64 arg) {
    std::memset(static_cast<void*>(this), 0, sizeof(*this));
    frame.sepc = pc;
    frame.sp() = sp;
    frame.a(0) = arg;
    frame.sstatus = csr::sstatus_spie | sstatus_fs_initial;
}

void return_to_user(UserContext& context) { throw fake::Resumed(context); }

void fpu_save(FpuState& state) {
    state = fake::hart().fpu;
    ++fake::hart().fpu_saves;
}

void fpu_restore(const FpuState& state) {
    fake::hart().fpu = state;
    ++fake::hart().fpu_restores;
}

void activate(const PageTable& space) {
    fake::hart().space = &space;
    ++fake::hart().activations;
}

void init_guest_context(UserContext& context, isok::u64 pc, isok::u64 a0, isok::u64 a1) {
    std::memset(static_cast<void*>(&context), 0, sizeof(context));
    context.frame.sepc = pc;
    context.frame.a(0) = a0;
    context.frame.a(1) = a1;
}

void enter_guest(VcpuState& vcpu, const PageTable& guest_space, GuestTags&) {
    fake::hart().guest = &vcpu;
    fake::hart().guest_space = &guest_space;
}

void enter_host() { fake::hart().guest = nullptr; }

void park_guest() {
    fake::hart().guest = nullptr;
    ++fake::hart().parks;
}

} // namespace arch
