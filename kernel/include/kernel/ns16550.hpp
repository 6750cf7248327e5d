// Driver for the ns16550a UART found on the reference machine.
#pragma once
#include <isok/types.hpp>

namespace kernel {

class Ns16550 {
public:
    void init(volatile isok::u8* registers);
    void put(char c);
    int get(); // -1 when no character is waiting
    void enable_receive_interrupt();
    void disable_interrupts();
    bool ready() const { return regs_ != nullptr; }

private:
    volatile isok::u8* regs_ = nullptr;
};

} // namespace kernel
