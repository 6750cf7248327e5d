// Trap dispatch: timer interrupts, everything from U-mode, expected S-mode faults;
// anything else is reported and ends the run as a failure.
#include "trap.hpp"

#include "console.hpp"
#include "csr.hpp"
#include "sbi.hpp"
#include "timer.hpp"
#include "user.hpp"

namespace mini::trap {
namespace {

bool armed = false;
Fault recorded;

// Length of the instruction at pc: 32-bit encodings end in binary 11, compressed do not.
u64 instruction_length(u64 pc) { return (*reinterpret_cast<const volatile isok::u16*>(pc) & 3) == 3 ? 4 : 2; }

[[noreturn]] void unexpected(const TrapFrame& f) {
    console::line("unexpected trap: scause 0x%lx sepc 0x%lx stval 0x%lx sstatus 0x%lx", f.scause, f.sepc, f.stval,
                  f.sstatus);
    console::fail("trap", "the run cannot continue");
    console::summary();
    sbi::shutdown(true);
}

} // namespace

void expect_fault() {
    recorded = Fault{};
    armed = true;
}

Fault take_fault() {
    armed = false;
    return recorded;
}

} // namespace mini::trap

extern "C" void mini_trap(mini::TrapFrame& f) {
    using namespace mini;
    using namespace mini::trap;
    if (f.scause & cause::interrupt) {
        if (f.scause != cause::supervisor_timer) unexpected(f);
        timer::on_interrupt();
        return;
    }
    if (!(f.sstatus & csr::sstatus_spp)) {
        user::on_trap(f);
        return;
    }
    if (!armed) unexpected(f);
    armed = false;
    recorded = Fault{true, f.scause, f.stval, f.sepc};
    f.sepc += instruction_length(f.sepc);
}
