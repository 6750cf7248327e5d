// One virtual machine as its VMM sees it: guest RAM, the harts, the emulated devices on
// their bus, and the answer to every VM exit. The kernel is reached only through
// VcpuControl, so all of this runs in host unit tests too; main.cpp adds the IPC loop.
#pragma once
#include <isok/abi.hpp>
#include <isok/types.hpp>
#include <vmm/boot.hpp>
#include <vmm/bus.hpp>
#include <vmm/console.hpp>
#include <vmm/console_input.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/vcpu.hpp>
#include <vmm/virtio_block.hpp>
#include <vmm/virtio_console.hpp>
#include <vmm/virtio_mmio.hpp>
#include <vmm/virtio_net.hpp>
#include <vmm/vplic.hpp>
#include <vmm/vuart.hpp>

namespace isok::vmm {

// A VM exit as the kernel sends it (abi::exception_message): words 0..13.
struct Exit {
    u64 word[abi::exception_message::length] = {};

    u64 cause() const { return word[abi::exception_message::cause]; }
    u64 pc() const { return word[abi::exception_message::pc]; }
    u64 address() const { return word[abi::exception_message::address]; }
    u64 instruction() const { return word[abi::exception_message::instruction]; }
    u64 access() const { return word[abi::exception_message::access]; }
    u64 value() const { return word[abi::exception_message::value]; }
    u64 a(u32 i) const { return i < 8 ? word[abi::exception_message::a0 + i] : 0; }
};

// The answer: a reply (words 0..3 as abi::ExceptionReply describes), or none when the
// vCPU was stopped instead and nobody waits for one.
struct ExitReply {
    bool send = true;
    abi::ExceptionReply action = abi::ExceptionReply::emulated;
    u64 pc = 0;     // word 1: where to resume; for an inject, the guest's exception cause
    u64 value0 = 0; // word 2: a load's value, the guest's a0 after an SBI call, an inject's stval
    u64 value1 = 0; // word 3: the guest's a1 after an SBI call, an inject's flags
};

// RISC-V exception causes the VMM hands a guest (ExceptionReply::inject).
namespace guest_cause {
inline constexpr u64 fetch_access_fault = 1;
inline constexpr u64 illegal_instruction = 2;
inline constexpr u64 load_access_fault = 5;
inline constexpr u64 store_access_fault = 7;
} // namespace guest_cause

struct VmSetup {
    const char* name = "";
    usize name_max = 0;
    u32 vcpus = 1;
    u64 devices = 0; // as configured; the VM gets those the VMM emulates
    GuestMemory ram;
    ConsoleOutput output = nullptr;
    void* output_context = nullptr;
    // Backends of the backed devices; a configured device without one is left out, and
    // the console says why (the reason, when the VMM knows better than "none").
    NetBackend* net = nullptr;
    const char* net_missing = "no switch port for this VM";
    BlockBackend* block = nullptr;
    const char* block_missing = "no disk partition for this VM";
    // The kernel's share of the console, when it keeps the guest's output for the VMM.
    ConsoleAssist* console_assist = nullptr;
};

class Vm {
public:
    Vm(const VmSetup& setup, VcpuControl& vcpus);

    // Starts the boot hart: pc = entry, a0 = hart id 0, a1 = the device tree.
    bool boot(const BootPlan& plan);
    ExitReply handle_exit(u32 vcpu, const Exit& exit);

    // The switch has frames for the guest (the port's notification fired): hand them to
    // virtio-net, which may raise the guest's interrupt.
    void frames_arrived();

    // Typed input for the guest (from the console service): the first bytes that fit the
    // VM's input queue (ConsoleInput::capacity) are taken and handed to its consoles as
    // they can take them; the rest stays the caller's (and counts as dropped). Returns how
    // many were taken.
    usize console_input(const u8* bytes, usize n);
    // What console_input would take now: it grows as the guest reads (checked after an
    // exit by a caller that has more bytes waiting).
    usize console_input_room() const { return input_.room(); }
    u64 console_input_dropped() const { return input_.dropped(); }

    // The VM has ended (powered off, or stopped for something the VMM cannot emulate):
    // every vCPU is stopped and the VMM has nothing left to do.
    bool halted() const { return state_ == State::halted; }
    // The guest asked for a reboot (SBI SRST): every vCPU is stopped, and the owner builds
    // the VM afresh (devices as at reset, RAM cleared, kernel and initrd loaded again, the
    // same switch port and partition) and boots it.
    bool reboot_requested() const { return state_ == State::rebooting; }

    GuestConsole& console() { return console_; }
    Harts& harts() { return harts_; }
    u64 devices() const { return devices_; }

private:
    using Handler = ExitReply (Vm::*)(u32 vcpu, const Exit& exit);
    struct Route {
        u64 cause;
        Handler handler;
    };
    static const Route routes[];

    ExitReply sbi_call(u32 vcpu, const Exit& exit);
    ExitReply mmio_load(u32 vcpu, const Exit& exit);
    ExitReply mmio_store(u32 vcpu, const Exit& exit);
    ExitReply fetch_fault(u32 vcpu, const Exit& exit);
    ExitReply virtual_instruction(u32 vcpu, const Exit& exit);
    ExitReply unknown(u32 vcpu, const Exit& exit);
    ExitReply dispatch(u32 vcpu, const Exit& exit);
    void hand_out_input();
    ExitReply halt(u32 vcpu, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    ExitReply reboot(u32 vcpu, u64 type);
    ExitReply fault_to_guest(u64 cause, u64 tval, bool trap_tval, const char* fmt, ...)
        __attribute__((format(printf, 5, 6)));
    void report_device_errors();
    void add_backed_devices(const VmSetup& setup);

    GuestMemory ram_;
    GuestConsole console_;
    VcpuControl& vcpus_;
    Harts harts_;
    u64 devices_;
    ConsoleInput input_;
    VPlic plic_;
    VUart uart_;
    VirtioConsole virtio_console_;
    VirtioMmio virtio_console_mmio_;
    VirtioNet virtio_net_;
    VirtioMmio virtio_net_mmio_;
    VirtioBlock virtio_block_;
    VirtioMmio virtio_block_mmio_;
    Bus bus_;
    // One word for both, so that the exit path tests it once.
    enum class State : u8 { running, halted, rebooting };
    State state_ = State::running;
    u64 faults_handed_ = 0; // exceptions handed to the guest; reported at 1, 2, 4, ...
};

} // namespace isok::vmm
