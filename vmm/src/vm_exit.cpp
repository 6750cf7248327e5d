// VM exits the kernel hands to the VMM, dispatched by cause. Every exit ends in one of:
//   emulated  the VMM did what the instruction asked (SBI call, MMIO load or store);
//   inject    the guest gets the exception a real machine would raise (an access where
//             no device is, an instruction the machine does not have): its OS handles it;
//   none      the vCPU was stopped (HSM hart_stop) and waits for no reply;
//   kill      the VM ends (SRST, or an exit nothing here can emulate): the other vCPUs
//             are stopped and the calling one is killed by the reply.
#include <vmm/sbi.hpp>
#include <vmm/vm.hpp>

namespace isok::vmm {
namespace {

constexpr u64 insn_wfi = 0x10500073;

ExitReply emulated(u64 value0, u64 value1 = 0) { return {true, abi::ExceptionReply::emulated, 0, value0, value1}; }

} // namespace

const Vm::Route Vm::routes[] = {
    {abi::exception_message::cause_sbi_call, &Vm::sbi_call},
    {abi::exception_message::cause_load_guest_fault, &Vm::mmio_load},
    {abi::exception_message::cause_store_guest_fault, &Vm::mmio_store},
    {abi::exception_message::cause_fetch_guest_fault, &Vm::fetch_fault},
    {abi::exception_message::cause_virtual_instruction, &Vm::virtual_instruction},
};

ExitReply Vm::handle_exit(u32 vcpu, const Exit& exit) {
    console_.guest_ran();
    if (state_ != State::running) [[unlikely]] {
        if (state_ == State::halted) return {true, abi::ExceptionReply::kill};
        return {false}; // rebooting: a vCPU's exit from before the reboot, and it is stopped
    }
    if (vcpu >= harts_.count) return {false}; // not one of ours: leave it unanswered
    ExitReply reply = dispatch(vcpu, exit);
    console_.settle();
    // A console took typed input (SBI, a UART read) or the UART's driver changed how it
    // reads: the other consoles look again. Nothing to do, the common case, is one test.
    if (input_.changed()) hand_out_input();
    return reply;
}

ExitReply Vm::dispatch(u32 vcpu, const Exit& exit) {
    for (const Route& r : routes)
        if (r.cause == exit.cause()) return (this->*r.handler)(vcpu, exit);
    return unknown(vcpu, exit);
}

ExitReply Vm::sbi_call(u32 vcpu, const Exit& exit) {
    SbiCall call{exit.a(7), exit.a(6), {exit.a(0), exit.a(1), exit.a(2), exit.a(3), exit.a(4), exit.a(5)}};
    SbiEnv env{vcpu, harts_, ram_, console_, vcpus_, input_};
    SbiResult r = sbi_dispatch(env, call);
    switch (r.flow) {
    case SbiFlow::resume: return emulated(u64(r.error), r.value);
    case SbiFlow::legacy: return emulated(r.value, exit.a(1));
    case SbiFlow::stop_hart: return {false};
    case SbiFlow::power_off: {
        bool failure = call.extension == sbi::ext_srst && call.arg[1] == 1; // reason: system failure
        if (r.value != sbi::reset_shutdown) return reboot(vcpu, r.value);
        return failure ? halt(vcpu, "powered off (system failure)") : halt(vcpu, "powered off");
    }
    }
    return halt(vcpu, "vmm: bad SBI flow");
}

// Loads and stores outside guest RAM are MMIO. A register that refuses the access reads
// as zero and ignores the write; an address with no device behind it is an access fault
// for the guest, as on a real machine, with stval the address the guest used.
ExitReply Vm::mmio_load(u32 vcpu, const Exit& exit) {
    u64 access = exit.access();
    if (!access) return halt(vcpu, "vmm: vcpu%u: undecodable load at pc %lx; VM stopped", vcpu, exit.pc());
    u64 value = 0;
    BusResult r = bus_.read(exit.address(), u32(abi::exception_message::access_width(access)), value);
    if (r == BusResult::unmapped)
        return fault_to_guest(guest_cause::load_access_fault, 0, true,
                              "vmm: vcpu%u: load from %lx (pc %lx): no device there; load access fault to the guest",
                              vcpu, exit.address(), exit.pc());
    report_device_errors();
    return emulated(value);
}

ExitReply Vm::mmio_store(u32 vcpu, const Exit& exit) {
    u64 access = exit.access();
    if (!access) return halt(vcpu, "vmm: vcpu%u: undecodable store at pc %lx; VM stopped", vcpu, exit.pc());
    BusResult r = bus_.write(exit.address(), u32(abi::exception_message::access_width(access)), exit.value());
    if (r == BusResult::unmapped)
        return fault_to_guest(guest_cause::store_access_fault, 0, true,
                              "vmm: vcpu%u: store to %lx (pc %lx): no device there; store access fault to the guest",
                              vcpu, exit.address(), exit.pc());
    report_device_errors();
    return emulated(0);
}

ExitReply Vm::fetch_fault(u32 vcpu, const Exit& exit) {
    return fault_to_guest(guest_cause::fetch_access_fault, 0, true,
                          "vmm: vcpu%u: instruction fetch from %lx outside RAM; access fault to the guest", vcpu,
                          exit.address());
}

ExitReply Vm::virtual_instruction(u32 vcpu, const Exit& exit) {
    // The kernel waits out a WFI itself, unless it keeps UART bytes: then they are taken
    // now, while the guest idles, and the WFI ends at once (as a WFI may).
    if (exit.instruction() == insn_wfi) {
        console_.catch_up();
        return emulated(0);
    }
    // A hypervisor CSR, an HFENCE, an HLV: the guest's machine has no H extension (its
    // device tree says so), and there each is an illegal instruction, stval its bits.
    return fault_to_guest(guest_cause::illegal_instruction, exit.instruction(), false,
                          "vmm: vcpu%u: instruction %lx at pc %lx: illegal instruction to the guest", vcpu,
                          exit.instruction(), exit.pc());
}

ExitReply Vm::unknown(u32 vcpu, const Exit& exit) {
    return halt(vcpu, "vmm: vcpu%u: exit cause %lu at pc %lx; VM stopped", vcpu, exit.cause(), exit.pc());
}

// The message is printed for the 1st, 2nd, 4th, 8th ... fault, so a guest that faults in
// a loop shows without flooding the console.
ExitReply Vm::fault_to_guest(u64 cause, u64 tval, bool trap_tval, const char* fmt, ...) {
    if (is_power_of_two(++faults_handed_)) {
        __builtin_va_list args;
        __builtin_va_start(args, fmt);
        console_.vmessage(fmt, args);
        __builtin_va_end(args);
    }
    return {true, abi::ExceptionReply::inject, cause, tval, trap_tval ? abi::inject_trap_tval : 0};
}

// Every vCPU stops, the caller too (its exit stays unanswered, as for HSM hart_stop); the
// VMM's owner then builds the VM afresh and boots it (vmm/main.cpp, restart).
ExitReply Vm::reboot(u32 vcpu, u64 type) {
    console_.message("vmm: %s reboot", type == sbi::reset_warm_reboot ? "warm" : "cold");
    for (u32 h = 0; h < harts_.count; ++h) {
        if (harts_.hart[h].state != HartState::stopped || h == vcpu) vcpus_.stop(h);
        harts_.hart[h].state = HartState::stopped;
    }
    state_ = State::rebooting;
    return {false};
}

ExitReply Vm::halt(u32 vcpu, const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    console_.vmessage(fmt, args);
    __builtin_va_end(args);
    // The calling vCPU is killed by the reply; the others are taken off the CPU.
    for (u32 h = 0; h < harts_.count; ++h) {
        if (h != vcpu && harts_.hart[h].state != HartState::stopped) vcpus_.stop(h);
        harts_.hart[h].state = HartState::stopped;
    }
    state_ = State::halted;
    return {true, abi::ExceptionReply::kill};
}

} // namespace isok::vmm
