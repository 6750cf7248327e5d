// PLIC driver: priorities, per-context enable bits, threshold, claim/complete.
// Register offsets are those of the RISC-V PLIC specification.
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

volatile isok::u32* Plic::enable_word(isok::u32 irq, isok::u32 context) const {
    return reg(enable_base + context * enable_stride + (irq / 32) * 4);
}

void Plic::init(volatile isok::u8* base, isok::u32 ndev) {
    base_ = base;
    ndev_ = ndev;
}

void Plic::init_context(isok::u32 context) {
    for (isok::u32 word = 0; word <= ndev_ / 32; ++word) *reg(enable_base + context * enable_stride + word * 4) = 0;
    *reg(context_base + context * context_stride + threshold) = 0;
}

void Plic::set_priority(isok::u32 irq, isok::u32 priority) { *reg(priority_base + irq * 4) = priority; }

void Plic::enable(isok::u32 irq, isok::u32 context) {
    volatile isok::u32* word = enable_word(irq, context);
    *word = *word | (1u << (irq % 32));
}

void Plic::disable(isok::u32 irq, isok::u32 context) {
    volatile isok::u32* word = enable_word(irq, context);
    *word = *word & ~(1u << (irq % 32));
}

isok::u32 Plic::claim(isok::u32 context) { return *reg(context_base + context * context_stride + claim_complete); }

void Plic::complete(isok::u32 irq, isok::u32 context) {
    *reg(context_base + context * context_stride + claim_complete) = irq;
}

} // namespace arch
