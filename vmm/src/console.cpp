// Line-buffered, name-prefixed console of one VM.
#include <isok/format.hpp>
#include <isok/string.hpp>
#include <vmm/console.hpp>

namespace isok::vmm {

GuestConsole::GuestConsole(const char* name, usize name_max, ConsoleOutput output, void* context)
    : output_(output), context_(context) {
    // The name comes from a configuration page: bounded and terminated here.
    usize n = str_length_bounded(name, min(name_max, name_bytes));
    for (usize i = 0; i < n; ++i) name_[i] = name[i];
    if (n == 0) name_[0] = '?';
}

void GuestConsole::emit_line() { emit(true); }

// One output call per piece: "[name] " (unless the line was begun) + text (+ "\n").
void GuestConsole::emit(bool end_line) {
    char out[name_bytes + line_bytes + 4];
    usize n = 0;
    if (!continued_) {
        out[n++] = '[';
        for (const char* p = name_; *p; ++p) out[n++] = *p;
        out[n++] = ']';
        out[n++] = ' ';
    }
    for (usize i = 0; i < used_; ++i) out[n++] = line_[i];
    if (end_line) out[n++] = '\n';
    continued_ = !end_line;
    used_ = 0;
    if (output_) output_(context_, out, n);
}

void GuestConsole::put(char c) {
    if (kept_waits_) catch_up();
    put_now(c);
}

void GuestConsole::put_now(char c) {
    if (c == '\r') return;
    if (c == '\n') {
        emit_line();
        return;
    }
    if (used_ == line_bytes) emit_line();
    line_[used_++] = c;
}

void GuestConsole::write(const char* text, usize length) {
    for (usize i = 0; i < length; ++i) put(text[i]);
}

void GuestConsole::flush() {
    if (kept_waits_) catch_up();
    if (used_ || continued_) emit_line(); // a begun line ends too
}

void GuestConsole::take_kept_from(ConsoleAssist& assist) {
    assist_ = &assist;
    kept_waits_ = true;
}

void GuestConsole::catch_up() {
    kept_waits_ = false;
    if (!assist_) return;
    char bytes[128];
    for (usize n = sizeof bytes; n == sizeof bytes;) {
        n = assist_->take(bytes, sizeof bytes);
        if (n > sizeof bytes) n = 0; // a broken source gives nothing
        for (usize i = 0; i < n; ++i) put_now(bytes[i]);
    }
}

void GuestConsole::put_formatted(void* self, char c) { static_cast<GuestConsole*>(self)->put(c); }

void GuestConsole::vmessage(const char* fmt, __builtin_va_list args) {
    flush();
    (void)vformat(put_formatted, this, fmt, args);
    flush();
}

void GuestConsole::message(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vmessage(fmt, args);
    __builtin_va_end(args);
}

} // namespace isok::vmm
