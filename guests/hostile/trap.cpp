// The trap handler entry.S calls (mini_trap): the faults a scenario provokes on
// purpose are counted and stepped over, IPIs (ipi-storm) counted; anything else is
// reported and ends the guest.
#include "../mini/trap.hpp"

#include "hostile.hpp"

#include <isok/guest/sbi.hpp>

namespace hostile {
namespace {

constexpr u64 load_access_fault = 5, store_access_fault = 7;
constexpr u64 supervisor_software = mini::cause::interrupt | 1;

Trap recorded;

// 32-bit encodings end in binary 11, compressed ones do not (the MMU is off: sepc is physical).
u64 instruction_length(u64 pc) { return (*reinterpret_cast<const volatile isok::u16*>(pc) & 3) == 3 ? 4 : 2; }

} // namespace

void clear_traps() { recorded = Trap{}; }

Trap traps() { return recorded; }

const char* cause_name(u64 cause) {
    switch (cause) {
    case mini::cause::illegal_instruction: return "an illegal instruction";
    case load_access_fault: return "a load access fault";
    case store_access_fault: return "a store access fault";
    default: return "an exception";
    }
}

} // namespace hostile

extern "C" void mini_trap(mini::TrapFrame& f) {
    using namespace hostile;
    if (f.scause == supervisor_software) return software_interrupt();
    bool provoked = f.scause == mini::cause::illegal_instruction || f.scause == load_access_fault ||
                    f.scause == store_access_fault;
    if (!provoked) {
        say("unexpected trap: scause 0x%lx sepc 0x%lx stval 0x%lx", f.scause, f.sepc, f.stval);
        isok::guest::sbi::shutdown(true);
    }
    recorded = Trap{recorded.count + 1, f.scause, f.stval};
    f.sepc += instruction_length(f.sepc);
}
