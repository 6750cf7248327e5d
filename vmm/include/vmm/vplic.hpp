// The guest's interrupt controller: a virtual PLIC (RISC-V Platform-Level Interrupt
// Controller Specification v1.0.0), the twin of the kernel's driver for the real one.
// Context i is hart i's S-level external interrupt; its output is vCPU i's VSEIP.
#pragma once
#include <isok/types.hpp>
#include <isok/vm_config.hpp>
#include <vmm/bus.hpp>
#include <vmm/vcpu.hpp>

namespace isok::vmm {

class VPlic final : public MmioDevice {
public:
    static constexpr u32 sources = 32;      // ids 1..31; id 0 means "no interrupt"
    static constexpr u32 priority_mask = 7; // priorities and thresholds 0..7
    // Register map (spec chapter "Memory Map").
    static constexpr u64 priority_base = 0x0;
    static constexpr u64 pending_base = 0x1000;
    static constexpr u64 enable_base = 0x2000;
    static constexpr u64 enable_stride = 0x80;
    static constexpr u64 context_base = 0x200000;
    static constexpr u64 context_stride = 0x1000;

    VPlic(VcpuControl& vcpus, u32 contexts);

    // A device's interrupt line (level-sensitive). The gateway forwards one request at
    // a time: while a source is claimed and not completed, its line is not looked at.
    void set_level(u32 source, bool level);

    bool read(u64 offset, u32 width, u64& value) override;
    bool write(u64 offset, u32 width, u64 value) override;

    // For tests and the VMM: what the hart sees.
    bool output(u32 context) const { return context < contexts_ && output_[context]; }
    u32 claim(u32 context);
    void complete(u32 context, u32 source);

private:
    struct Context {
        u32 enable = 0; // bit i: source i
        u32 threshold = 0;
    };
    u32 best_pending(u32 context, u32 above) const;
    bool read_context(u64 offset, u64& value);
    bool write_context(u64 offset, u32 value);
    void update();

    VcpuControl& vcpus_;
    u32 contexts_;
    u32 priority_[sources] = {};
    u32 level_ = 0;   // bit i: source i's line is high
    u32 pending_ = 0; // bit i: a request waits to be claimed
    u32 claimed_ = 0; // bit i: claimed, not yet completed
    Context context_[vm::max_vcpus];
    bool output_[vm::max_vcpus] = {};
};

// A device's connection to one PLIC source; unconnected lines do nothing.
class IrqLine {
public:
    constexpr IrqLine() = default;
    constexpr IrqLine(VPlic& plic, u32 source) : plic_(&plic), source_(source) {}
    void set(bool level) const {
        if (plic_) plic_->set_level(source_, level);
    }

private:
    VPlic* plic_ = nullptr;
    u32 source_ = 0;
};

} // namespace isok::vmm
