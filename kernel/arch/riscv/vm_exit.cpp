// VM exits. A guest-page fault outside guest RAM is an MMIO access: the kernel
// decodes it (from htinst, or the instruction read with HLVX when htinst is 0) so the
// VMM gets address, width, direction, register and value.
#include <arch/cpu.hpp>
#include <arch/interrupt.hpp>
#include <arch/mmio_decode.hpp>
#include <arch/vm_exit.hpp>
#include <isok/abi.hpp>
#include <kernel/exception.hpp>
#include <kernel/thread.hpp>
#include <kernel/timer.hpp>
#include <kernel/vcpu.hpp>

namespace arch {
namespace {

using isok::u32;
using isok::u64;
namespace exit = isok::abi::vm_exit;

constexpr u64 sbi_ext_time = 0x54494D45;
constexpr u64 sbi_legacy_set_timer = 0x00;
constexpr u32 insn_wfi = 0x10500073;

// SBI TIME (and the legacy set_timer) never leave the kernel: the guest's timer is
// privileged state and the most frequent exit of a running OS.
bool resolve_sbi(kernel::Thread& t, TrapFrame& f) {
    u64 ext = f.a(7), fid = f.a(6);
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

void fill_common(kernel::Thread& t, TrapFrame& f, u64 address, u64 instruction) {
    u64* w = t.exception_words;
    w[exit::cause] = f.scause;
    w[exit::pc] = f.sepc;
    w[exit::address] = address;
    w[exit::instruction] = instruction;
    w[exit::access] = 0;
    w[exit::value] = 0;
    for (u64 i = 0; i < 8; ++i) w[exit::guest_a0 + i] = f.a(int(i));
    t.exception_length = exit::length;
}

void guest_page_fault(kernel::Thread& t, TrapFrame& f, u64 htval, u64 htinst) {
    u64 gpa = htval << 2 | (f.stval & 3);
    u32 insn = 0;
    u64 access = 0;
    if (htinst & 1) { // a transformed load or store
        insn = u32(htinst);
        access = decode_access(insn, true);
    } else if (read_guest_instruction(f.sepc, insn)) {
        access = decode_access(insn, false);
    }
    fill_common(t, f, gpa, insn);
    t.exception_words[exit::access] = access;
    if (access && exit::access_is_store(access)) t.exception_words[exit::value] = f.x[exit::access_register(access)];
}

bool resolve_virtual_instruction(kernel::Thread& t, TrapFrame& f) {
    if (u32(f.stval) != insn_wfi) return false;
    f.sepc += 4;
    kernel::vcpu::wait_for_interrupt(t);
    return true;
}

} // namespace

void handle_guest_trap(kernel::Thread& t, u64 htval, u64 htinst) {
    TrapFrame& f = t.frame();
    u64 cause = f.scause;
    if (cause & csr::scause_interrupt) {
        interrupt::handle(cause & ~csr::scause_interrupt);
        return;
    }
    switch (cause) {
    case exit::cause_sbi_call:
        if (resolve_sbi(t, f)) return;
        fill_common(t, f, f.stval, 0);
        break;
    case exit::cause_virtual_instruction:
        if (resolve_virtual_instruction(t, f)) return;
        fill_common(t, f, f.stval, f.stval);
        break;
    case exit::cause_load_guest_fault:
    case exit::cause_store_guest_fault:
    case exit::cause_fetch_guest_fault: guest_page_fault(t, f, htval, htinst); break;
    default: fill_common(t, f, f.stval, 0); break;
    }
    kernel::deliver_exception(t);
}

void complete_emulation(TrapFrame& f, const u64* w, u64 value0, u64 value1) {
    u64 cause = w[exit::cause];
    if (cause == exit::cause_sbi_call) {
        f.a(0) = value0;
        f.a(1) = value1;
        f.sepc += 4;
        return;
    }
    u64 access = w[exit::access];
    if (!access) { // nothing decoded: the VMM performed a 4-byte instruction
        f.sepc += 4;
        return;
    }
    if (!exit::access_is_store(access)) {
        u64 width = exit::access_width(access), reg = exit::access_register(access);
        u64 v = value0;
        if (width < 8) {
            u64 shift = 64 - width * 8;
            v = exit::access_is_signed(access) ? u64(isok::i64(v << shift) >> shift) : (v << shift) >> shift;
        }
        if (reg != 0) f.x[reg] = v;
    }
    f.sepc += exit::access_length(access);
}

} // namespace arch
