// Driver for the platform-level interrupt controller: line priorities, and per context
// (one per hart's S mode) the enable bits, the threshold and claim/complete.
#pragma once
#include <isok/types.hpp>

namespace arch {

class Plic {
public:
    void init(volatile isok::u8* base, isok::u32 ndev);
    // A context starts with every line disabled and threshold 0.
    void init_context(isok::u32 context);
    bool valid_line(isok::u32 irq) const { return irq != 0 && irq <= ndev_; }
    void set_priority(isok::u32 irq, isok::u32 priority);
    void enable(isok::u32 irq, isok::u32 context);
    void disable(isok::u32 irq, isok::u32 context);
    // The highest-priority pending interrupt of the context (0 when none); must be completed.
    isok::u32 claim(isok::u32 context);
    void complete(isok::u32 irq, isok::u32 context);

private:
    volatile isok::u32* reg(isok::u64 offset) const;
    volatile isok::u32* enable_word(isok::u32 irq, isok::u32 context) const;
    volatile isok::u8* base_ = nullptr;
    isok::u32 ndev_ = 0;
};

} // namespace arch
