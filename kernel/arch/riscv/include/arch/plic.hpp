// Driver for the platform-level interrupt controller, for one hart's S-mode context.
#pragma once
#include <isok/types.hpp>

namespace arch {

class Plic {
public:
    void init(volatile isok::u8* base, isok::u32 ndev, isok::u32 context);
    bool enable(isok::u32 irq, isok::u32 priority = 1);
    void disable(isok::u32 irq);
    // The highest-priority pending interrupt (0 when none); must be completed.
    isok::u32 claim();
    void complete(isok::u32 irq);

private:
    volatile isok::u32* reg(isok::u64 offset) const;
    volatile isok::u8* base_ = nullptr;
    isok::u32 ndev_ = 0;
    isok::u32 context_ = 0;
};

} // namespace arch
