// The console's routing of typed input: the domains that may take it (the manifest's
// inputs), which one has focus, and the escape that moves focus. Focus 0 is the control
// shell; focus i is input i. A byte goes to the domain in focus and nowhere else.
#pragma once
#include <consoled/input_queue.hpp>
#include <isok/console.hpp>
#include <isok/types.hpp>

namespace consoled {

using isok::u32;

// Where the service's own lines go (main: the UART, after the kernel's log; tests: a string).
class Screen {
public:
    virtual void write(const char* text, usize length) = 0;

protected:
    ~Screen() = default;
};

// Takes what is typed while the control shell has focus.
class ShellInput {
public:
    virtual void typed(u8 byte) = 0;
    virtual void focused() = 0; // the shell has focus again: show the prompt

protected:
    ~ShellInput() = default;
};

struct Input {
    static constexpr usize name_bytes = 32;
    char name[name_bytes] = {};
    u64 badge = 0;      // what its calls carry
    u64 signal = 0;     // main's: the slot of its notification
    bool told = true;   // it has heard of every byte queued for it
    InputQueue queue;
};

class Console {
public:
    static constexpr u32 max_inputs = 32;

    explicit Console(Screen& screen) : screen_(screen) {}
    void attach_shell(ShellInput& shell) { shell_ = &shell; }

    // A domain that takes input, in focus order; false when full or the badge is taken.
    bool add(const char* name, u64 badge, u64 signal);
    u32 count() const { return count_; }
    Input& input(u32 place) { return inputs_[place - 1]; } // 1..count
    // Place 1..count of the input with that name, or 0.
    u32 find(const char* name) const;

    // One byte from the keyboard.
    void typed(u8 byte);
    u32 focus() const { return focus_; }
    bool set_focus(u32 place);

    // A call from the domain with this badge: its oldest bytes, up to max; `more` when
    // some are left. A badge of no input gets nothing.
    usize read(u64 badge, u8* out, usize max, bool& more);
    // Calls tell(input) for each input with bytes it has not heard of yet.
    template <class Tell> void tell_waiting(Tell tell) {
        for (u32 i = 0; i < count_; ++i)
            if (!inputs_[i].told) {
                inputs_[i].told = true;
                tell(inputs_[i]);
            }
    }

    // A whole line of the service's own ("[console] " + text + "\n").
    void say(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void write(const char* text, usize length) { screen_.write(text, length); }

private:
    void escape(u8 key);
    void deliver(u8 byte);

    Screen& screen_;
    ShellInput* shell_ = nullptr;
    Input inputs_[max_inputs];
    u32 count_ = 0;
    u32 focus_ = 0;
    bool escaped_ = false;
};

} // namespace consoled
