// The VM's console as the host console shows it: every line the guest writes (through
// the UART, virtio-console or SBI) and every line the VMM says about the VM starts with
// "[<vm name>] ". Lines are buffered whole, so several VMs (each with its own VMM) can
// share the host console without mixing characters inside a line.
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

// The kernel's share of the VM's console (main.cpp: the guest_console system call;
// tests: a fake): it keeps UART and SBI putchar output until the VMM takes it.
class ConsoleAssist {
public:
    // What the kernel may do with the UART from now on (abi::guest_console::uart_bits)
    // and the LSR it answers.
    virtual void allow(u64 bits, u8 lsr) = 0;
    // Moves up to max bytes the kernel kept to out, oldest first; returns how many.
    virtual usize take(char* out, usize max) = 0;

protected:
    ~ConsoleAssist() = default;
};

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

    // The guest's output the kernel keeps (it came before whatever comes next): pulled
    // in first whenever the guest may have added some.
    void take_kept_from(ConsoleAssist& assist);
    // The guest ran since the last pull (a VM exit): there may be kept output again.
    void guest_ran() { kept_waits_ = assist_ != nullptr; }
    // Pulls the earlier output in now (the guest idles: nothing else would).
    void catch_up();

    // A VM someone types to shows an unfinished line (a prompt, the echo of what is
    // typed) as soon as the exit that wrote it is answered, not when the line ends;
    // the rest of the line follows without a second prefix.
    void set_interactive(bool on) { interactive_ = on; }
    void settle() {
        if (interactive_ && used_) show_partial();
    }

private:
    void emit_line();
    void emit(bool end_line);
    void show_partial() { emit(false); }
    void put_now(char c);
    static void put_formatted(void* self, char c);

    char name_[name_bytes + 1] = {};
    char line_[line_bytes];
    usize used_ = 0;
    ConsoleOutput output_;
    void* context_;
    ConsoleAssist* assist_ = nullptr;
    bool kept_waits_ = false;
    bool interactive_ = false;
    bool continued_ = false; // the screen's line is ours already: no prefix
};

} // namespace isok::vmm
