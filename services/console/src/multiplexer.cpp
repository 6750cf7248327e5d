// One screen for every writer (multiplexer.hpp).
#include <consoled/multiplexer.hpp>

namespace consoled {

// A writer not seen lately gives its place to a new one: at worst an old writer's
// interrupted line continues without its prefix.
Multiplexer::Writer& Multiplexer::find(u32 id) {
    Writer* oldest = &writers_[0];
    for (Writer& w : writers_) {
        if (w.used && w.id == id) {
            w.last_use = ++uses_;
            return w;
        }
        if (!w.used || (oldest->used && w.last_use < oldest->last_use)) oldest = &w;
    }
    *oldest = Writer{};
    oldest->id = id;
    oldest->used = true;
    oldest->last_use = ++uses_;
    return *oldest;
}

void Multiplexer::out(char c) {
    if (pending_length_ == sizeof pending_) flush();
    pending_[pending_length_++] = c;
}

void Multiplexer::out(const char* text, usize length) {
    for (usize i = 0; i < length; ++i) out(text[i]);
}

void Multiplexer::flush() {
    if (pending_length_) screen_.write(pending_, pending_length_);
    pending_length_ = 0;
}

void Multiplexer::put(Writer& w, char c) {
    bool screen_is_theirs = on_screen_ == w.id;
    if (screen_open_ && !screen_is_theirs) out('\n'); // another's unfinished line ends here
    if (w.open && !(screen_is_theirs && screen_open_)) {
        out(w.prefix, w.prefix_length); // the interrupted line goes on under its prefix
    } else if (!w.open) {
        // A new line: its first bytes, up to "] ", are its prefix (none without a '[').
        w.open = true;
        w.capturing = c == '[';
        w.prefix_length = 0;
    }
    if (w.capturing) {
        if (w.prefix_length < prefix_bytes && c != '\n') w.prefix[w.prefix_length++] = c;
        else w.capturing = false;
        bool closed = w.prefix_length >= 2 && w.prefix[w.prefix_length - 1] == ' ' && w.prefix[w.prefix_length - 2] == ']';
        if (closed) w.capturing = false;
        if (!w.capturing && !closed) w.prefix_length = 0; // not a prefix after all
    }
    out(c);
    if (c == '\n') w.open = false;
    on_screen_ = w.id;
    screen_open_ = c != '\n';
}

void Multiplexer::write(u32 writer, const char* text, usize length) {
    Writer& w = find(writer);
    for (usize i = 0; i < length; ++i) put(w, text[i]);
    flush();
}

void Multiplexer::log(const char* bytes, usize length) {
    Writer* w = nullptr;
    for (usize i = 0; i < length; ++i) {
        u8 b = u8(bytes[i]);
        if (marker_left_) {
            marker_id_ |= u32(b) << (8 * (isok::abi::console_log_marker_bytes - 1 - marker_left_));
            if (--marker_left_ == 0) {
                log_writer_ = marker_id_;
                w = nullptr;
            }
            continue;
        }
        if (b == isok::abi::console_log_writer) {
            marker_left_ = isok::abi::console_log_marker_bytes - 1;
            marker_id_ = 0;
            continue;
        }
        if (!w) w = &find(log_writer_);
        put(*w, char(b));
    }
    flush();
}

} // namespace consoled
