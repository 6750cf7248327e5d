// echo_process: a native process that takes typed input, as the echo guest does in a VM. It
// echoes what is typed, edits the line (backspace), and answers each line with
// "heard '<line>'"; the line "exit" ends it.
#include <isok/rt/console.hpp>
#include <isok/rt/console_input.hpp>
#include <isok/rt/startup.hpp>
#include <isok/string.hpp>

using namespace isok;

namespace {

constexpr usize line_bytes = 200;
char line[line_bytes + 1];
usize used = 0;
u64 cut = 0; // bytes of this line that did not fit

void prompt() { rt::write("echo> ", 6); }

// Ends the line typed so far; false once it was "exit".
bool end_line() {
    rt::write("\n", 1);
    line[used] = 0;
    bool go_on = !str_equal(line, "exit");
    if (cut)
        rt::print("heard '%s' (%lu bytes dropped)\n", line, cut);
    else if (used)
        rt::print("heard '%s'\n", line);
    used = 0;
    cut = 0;
    if (go_on) prompt();
    return go_on;
}

bool take(char c) {
    if (c == '\r' || c == '\n') return end_line();
    if (c == 0x7f || c == 0x08) {
        if (used) {
            --used;
            rt::write("\b \b", 3);
        }
    } else if (c >= 0x20 && c < 0x7f) {
        if (used == line_bytes) {
            ++cut;
        } else {
            line[used++] = c;
            rt::write(&c, 1);
        }
    }
    return true;
}

} // namespace

int main(const startup::Info&) {
    char bytes[64];
    if (rt::cap_slot("console", abi::no_slot) == abi::no_slot) rt::fatal("echo: this process takes no console input (see [console] inputs)\n");
    rt::print("echo: ready, reading the console\n");
    prompt();
    for (;;) {
        rt::InputRead r = rt::read_input(bytes, sizeof bytes);
        if (r.error != rt::Error::ok) rt::fatal("echo: reading input failed: %s\n", rt::error_name(r.error));
        for (usize i = 0; i < r.bytes; ++i)
            if (!take(bytes[i])) {
                rt::print("echo: bye\n");
                return 0;
            }
    }
}
