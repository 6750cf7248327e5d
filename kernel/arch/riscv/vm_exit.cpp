// VM exits. A guest-page fault outside guest RAM is an MMIO access: the kernel
// decodes it (from htinst, or the instruction read with HLVX when htinst is 0) so the
// VMM gets address, width, direction, register and value.
#include <arch/cpu.hpp>
#include <arch/exception_message.hpp>
#include <arch/interrupt.hpp>
#include <arch/mmio_decode.hpp>
#include <arch/vm_exit.hpp>
#include <isok/abi.hpp>
#include <kernel/domain.hpp>
#include <kernel/exception.hpp>
#include <kernel/guest_console.hpp>
#include <kernel/thread.hpp>
#include <kernel/timer.hpp>
#include <kernel/vcpu.hpp>

namespace arch {
namespace {

using isok::u32;
using isok::u64;
namespace exit = isok::abi::exception_message;

constexpr u64 sbi_ext_time = 0x54494D45;
constexpr u64 sbi_legacy_set_timer = 0x00;
constexpr u64 sbi_legacy_putchar = 0x01;
constexpr u32 insn_wfi = 0x10500073;

// SBI TIME (and the legacy set_timer) never leave the kernel: the guest's timer is
// privileged state and the most frequent exit of a running OS. The legacy putchar stays
// here too while the VMM lets the kernel keep the console's output.
bool resolve_sbi(kernel::Thread& t, TrapFrame& f) {
    u64 ext = f.a(7), fid = f.a(6);
    if (ext == sbi_legacy_putchar && kernel::guest_console::keep_putchar(t, isok::u8(f.a(0)))) {
        f.a(0) = 0; // legacy calls return one value, in a0
        f.sepc += 4;
        return true;
    }
    bool set_timer = (ext == sbi_ext_time && fid == 0) || ext == sbi_legacy_set_timer;
    if (!set_timer) return false;
    set_sbi_timer(t.guest, f.a(0));
    kernel::timer::wake_at(f.a(0));
    f.a(0) = 0; // SBI_SUCCESS
    f.sepc += 4;
    return true;
}

// The 32 bits at the guest's pc, read as the guest sees them; false if unreadable.
bool read_guest_instruction(u64 pc, u32& out) {
    u64 lo = 0, hi = 0;
    bool ok = probe([&] { asm volatile(".insn r 0x73, 4, 0x32, %0, %1, x3" : "=r"(lo) : "r"(pc)); });
    if (ok && (lo & 3) == 3)
        ok = probe([&] { asm volatile(".insn r 0x73, 4, 0x32, %0, %1, x3" : "=r"(hi) : "r"(pc + 2)); });
    out = u32(lo & 0xffff) | u32(hi & 0xffff) << 16;
    return ok;
}

// An access outside guest RAM: the counter of the exit for the VMM, by its reason, or
// null when the kernel did it itself (the guest's UART).
u64* guest_page_fault(kernel::Thread& t, TrapFrame& f, u64 htval, u64 htinst) {
    u64 gpa = htval << 2 | (f.stval & 3);
    u32 insn = 0;
    u64 access = 0;
    if (htinst & 1) { // a transformed load or store
        insn = u32(htinst);
        access = decode_access(insn, true);
    } else if (read_guest_instruction(f.sepc, insn)) {
        access = decode_access(insn, false);
    }
    // (The cause and the instruction must agree: another vCPU may have rewritten it.)
    bool store = f.scause == exit::cause_store_guest_fault;
    bool data = store || f.scause == exit::cause_load_guest_fault;
    if (access && data && exit::access_is_store(access) == store && kernel::guest_console::absorb_mmio(t, f, gpa, access))
        return nullptr;
    describe_trap(t.exception_words, f, gpa, insn, access);
    using Exit = isok::abi::DomainExit;
    return &t.counters.exits[u64(!data ? Exit::other : store ? Exit::mmio_store : Exit::mmio_load)];
}

bool resolve_virtual_instruction(kernel::Thread& t, TrapFrame& f) {
    // A WFI with console bytes kept exits instead, so that the VMM takes them now.
    if (u32(f.stval) != insn_wfi || kernel::guest_console::holds_output(t.domain->console)) return false;
    f.sepc += 4;
    kernel::vcpu::wait_for_interrupt(t);
    return true;
}

// An exit that ends in the kernel, without the VMM.
void answered(kernel::Thread& t) { ++t.counters.kernel_exits; }

// An exit for the VMM, counted by its reason once the VMM has it.
void to_vmm(kernel::Thread& t, isok::abi::DomainExit reason) {
    kernel::deliver_exception(t, t.counters.exits[u64(reason)]);
}

} // namespace

void handle_guest_trap(kernel::Thread& t, u64 htval, u64 htinst) {
    TrapFrame& f = t.frame();
    u64 cause = f.scause;
    if (cause & csr::scause_interrupt) {
        interrupt::handle(cause & ~csr::scause_interrupt);
        return;
    }
    using Exit = isok::abi::DomainExit;
    switch (cause) {
    case exit::cause_sbi_call:
        if (resolve_sbi(t, f)) return answered(t);
        describe_trap(t.exception_words, f, f.stval, 0, 0);
        return to_vmm(t, Exit::sbi);
    case exit::cause_virtual_instruction:
        if (resolve_virtual_instruction(t, f)) return answered(t);
        describe_trap(t.exception_words, f, f.stval, f.stval, 0);
        return to_vmm(t, u32(f.stval) == insn_wfi ? Exit::wfi : Exit::virtual_instruction);
    case exit::cause_load_guest_fault:
    case exit::cause_store_guest_fault:
    case exit::cause_fetch_guest_fault:
        if (u64* tally = guest_page_fault(t, f, htval, htinst)) return kernel::deliver_exception(t, *tally);
        return answered(t);
    default:
        describe_trap(t.exception_words, f, f.stval, 0, 0);
        return to_vmm(t, Exit::other);
    }
}

} // namespace arch
