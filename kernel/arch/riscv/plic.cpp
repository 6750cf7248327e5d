// PLIC driver: priorities, per-context enable bits, threshold, claim/complete.
// Register offsets are those of the RISC-V PLIC specification.
#include <arch/csr.hpp>
#include <arch/plic.hpp>

namespace arch {
namespace {
constexpr isok::u64 priority_base = 0x0;
constexpr isok::u64 enable_base = 0x2000;
constexpr isok::u64 enable_stride = 0x80;
constexpr isok::u64 context_base = 0x200000;
constexpr isok::u64 context_stride = 0x1000;
constexpr isok::u64 threshold = 0x0;
constexpr isok::u64 claim_complete = 0x4;
} // namespace

volatile isok::u32* Plic::reg(isok::u64 offset) const { return reinterpret_cast<volatile isok::u32*>(base_ + offset); }

void Plic::init(volatile isok::u8* base, isok::u32 ndev, isok::u32 context) {
    base_ = base;
    ndev_ = ndev;
    context_ = context;
    for (isok::u32 word = 0; word <= ndev / 32; ++word) *reg(enable_base + context * enable_stride + word * 4) = 0;
    *reg(context_base + context * context_stride + threshold) = 0;
    csr_set(sie, 1ull << csr::irq_sext);
}

bool Plic::enable(isok::u32 irq, isok::u32 priority) {
    if (irq == 0 || irq > ndev_) return false;
    *reg(priority_base + irq * 4) = priority;
    volatile isok::u32* word = reg(enable_base + context_ * enable_stride + (irq / 32) * 4);
    *word = *word | (1u << (irq % 32));
    return true;
}

void Plic::disable(isok::u32 irq) {
    if (irq == 0 || irq > ndev_) return;
    volatile isok::u32* word = reg(enable_base + context_ * enable_stride + (irq / 32) * 4);
    *word = *word & ~(1u << (irq % 32));
}

isok::u32 Plic::claim() { return *reg(context_base + context_ * context_stride + claim_complete); }

void Plic::complete(isok::u32 irq) { *reg(context_base + context_ * context_stride + claim_complete) = irq; }

} // namespace arch
