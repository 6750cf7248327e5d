// The VM's console as the host console shows it: every line the guest writes (through
// the UART, virtio-console or SBI) and every line the VMM says about the VM starts with
// "[<vm name>] ". Lines are buffered whole, so several VMs (each with its own VMM) can
// share the host console without mixing characters inside a line.
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

// Where finished lines go (main: debug_write; tests: a string).
using ConsoleOutput = void (*)(void* context, const char* text, usize length);

class GuestConsole {
public:
    static constexpr usize name_bytes = 32;
    static constexpr usize line_bytes = 200; // text of one line, without prefix and newline

    GuestConsole(const char* name, usize name_max, ConsoleOutput output, void* context);

    // Guest output, byte by byte. '\r' is dropped (lines end at '\n' here); a line longer
    // than line_bytes is cut and continued on a new prefixed line.
    void put(char c);
    void write(const char* text, usize length);

    // A line of the VMM's own about this VM; ends a partial guest line first.
    void message(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void vmessage(const char* fmt, __builtin_va_list args);

    // Sends a partial line out, ended with a newline (before the VMM stops, say).
    void flush();

    // Output the guest wrote before whatever comes next but that is not here yet (UART
    // bytes the kernel kept): pulled in first whenever the guest may have added some.
    using Earlier = usize (*)(void* context, char* out, usize max);
    void take_earlier_from(Earlier source, void* context);
    // The guest ran since the last pull (a VM exit): there may be earlier output again.
    void guest_ran() { earlier_waits_ = earlier_ != nullptr; }
    // Pulls the earlier output in now (the guest idles: nothing else would).
    void catch_up();

private:
    void emit_line();
    void put_now(char c);
    static void put_formatted(void* self, char c);

    char name_[name_bytes + 1] = {};
    char line_[line_bytes];
    usize used_ = 0;
    ConsoleOutput output_;
    void* context_;
    Earlier earlier_ = nullptr;
    void* earlier_context_ = nullptr;
    bool earlier_waits_ = false;
};

} // namespace isok::vmm
