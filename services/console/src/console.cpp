// Focus and routing of typed input (console.hpp).
#include <consoled/console.hpp>
#include <isok/format.hpp>
#include <isok/string.hpp>

namespace consoled {

bool Console::add(const char* name, u64 badge, u64 signal) {
    if (count_ == max_inputs || badge == 0) return false;
    for (u32 i = 0; i < count_; ++i)
        if (inputs_[i].badge == badge) return false;
    Input& in = inputs_[count_++];
    isok::str_copy(in.name, name, Input::name_bytes);
    in.badge = badge;
    in.signal = signal;
    return true;
}

u32 Console::find(const char* name) const {
    for (u32 i = 0; i < count_; ++i)
        if (isok::str_equal(inputs_[i].name, name)) return i + 1;
    return 0;
}

bool Console::set_focus(u32 place) {
    if (place > count_) return false;
    focus_ = place;
    if (place == 0) {
        say("focus: the control shell (type help)");
        if (shell_) shell_->focused();
    } else {
        say("focus: %s; Ctrl-] 0 for the control shell", inputs_[place - 1].name);
    }
    return true;
}

// Ctrl-] then: a digit picks that place, 'n' the next one; Ctrl-] twice sends one Ctrl-]
// to the domain in focus. Any other key is dropped, so a mistyped escape does nothing.
void Console::escape(u8 key) {
    if (key >= '0' && key <= '9') {
        if (!set_focus(u32(key - '0'))) say("no input %c: %u inputs (Ctrl-] 0 is the control shell)", key, count_);
    } else if (key == 'n' || key == 'N') {
        (void)set_focus(count_ ? (focus_ + 1) % (count_ + 1) : 0);
    } else if (key == u8(isok::console::escape)) {
        deliver(key);
    }
}

void Console::deliver(u8 byte) {
    if (focus_ == 0) {
        if (shell_) shell_->typed(byte);
        return;
    }
    Input& in = inputs_[focus_ - 1];
    in.queue.push(byte);
    in.told = false;
}

void Console::typed(u8 byte) {
    if (escaped_) {
        escaped_ = false;
        escape(byte);
    } else if (byte == u8(isok::console::escape)) {
        escaped_ = true;
    } else {
        deliver(byte);
    }
}

usize Console::read(u64 badge, u8* out, usize max, bool& more) {
    more = false;
    for (u32 i = 0; i < count_; ++i) {
        if (inputs_[i].badge != badge) continue;
        usize n = inputs_[i].queue.pop(out, max);
        more = inputs_[i].queue.size() != 0;
        return n;
    }
    return 0;
}

namespace {
struct LineBuffer {
    char text[256];
    usize used = 0;
};
void put_line_char(void* context, char c) {
    auto& b = *static_cast<LineBuffer*>(context);
    if (b.used + 2 < sizeof b.text) b.text[b.used++] = c;
}
} // namespace

void Console::say(const char* fmt, ...) {
    LineBuffer line;
    for (const char* p = "[console] "; *p; ++p) put_line_char(&line, *p);
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    (void)isok::vformat(put_line_char, &line, fmt, args);
    __builtin_va_end(args);
    line.text[line.used++] = '\n';
    screen_.write(line.text, line.used);
}

} // namespace consoled
