// What the VMM asks the kernel to do to its vCPUs, as an interface: main.cpp implements
// it with thread_control, unit tests with a recording fake. Plus the VMM's own record
// of each hart (the SBI HSM state machine).
#pragma once
#include <isok/types.hpp>
#include <isok/vm_config.hpp>

namespace isok::vmm {

// Interrupt bits of hvip a VMM may raise and lower (ThreadOp::raise_interrupts).
namespace hvip {
inline constexpr u64 vssip = 1 << 2;  // software interrupt: IPIs
inline constexpr u64 vstip = 1 << 6;  // timer
inline constexpr u64 vseip = 1 << 10; // external: the virtual PLIC's output
} // namespace hvip

class VcpuControl {
public:
    // Sets pc, the guest's a0 and a1, and starts the vCPU (it must not be running).
    virtual bool start(u32 vcpu, u64 pc, u64 a0, u64 a1) = 0;
    // Takes the vCPU off the CPU and out of any IPC (it can be started again).
    virtual void stop(u32 vcpu) = 0;
    virtual void raise(u32 vcpu, u64 bits) = 0;
    virtual void lower(u32 vcpu, u64 bits) = 0;
    // The guest's remote fence on this vCPU (SBI RFENCE): its VS-stage translations and
    // instruction cache, on whichever physical hart it runs, are fresh once this returns.
    virtual void fence(u32 vcpu) = 0;
    // The time CSR: the guest's clock, same timebase as the host's.
    virtual u64 now() = 0;

protected:
    ~VcpuControl() = default;
};

// SBI HSM hart states (SBI v2.0, chapter 9), the values hart_get_status returns. Starting
// and stopping take effect before the call returns and suspension is not offered, so the
// pending and suspended states never occur.
enum class HartState : u64 { started = 0, stopped = 1 };

struct Hart {
    HartState state = HartState::stopped;
    u64 timer_deadline = ~u64{0}; // the last SBI set_timer the VMM saw (see sbi_time.cpp)
};

struct Harts {
    Hart hart[vm::max_vcpus];
    u32 count = 0;

    bool valid(u64 id) const { return id < count; }
};

} // namespace isok::vmm
