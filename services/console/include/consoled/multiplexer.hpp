// Puts every domain's output on the one screen a line at a time. The kernel's log says
// whose bytes follow (abi::console_log_writer); a line that another writer interrupts
// is ended on the screen there and, when its writer goes on, continued on a new screen
// line under the prefix it began with ("[name] "), so no line ever shows two writers'
// text. Unfinished lines (a prompt, the echo of what is typed) show at once.
#pragma once
#include <consoled/console.hpp>
#include <isok/abi.hpp>

namespace consoled {

class Multiplexer {
public:
    static constexpr u32 self = ~0u;  // the service's own writer
    static constexpr u32 max_writers = 96;
    static constexpr usize prefix_bytes = 40;

    explicit Multiplexer(Screen& screen) : screen_(screen) {}

    // Bytes of the kernel's log, markers included, in the order the log gave them
    // (a marker may be split between two calls).
    void log(const char* bytes, usize length);
    // Text of one writer.
    void write(u32 writer, const char* text, usize length);

private:
    struct Writer {
        u32 id = 0;
        bool used = false;
        bool open = false;      // its line has begun and not ended
        bool capturing = false; // its line's prefix is still being read
        usize prefix_length = 0;
        char prefix[prefix_bytes] = {};
        u64 last_use = 0;
    };

    Writer& find(u32 id);
    void put(Writer& w, char c);
    void out(char c);
    void out(const char* text, usize length);
    void flush();

    Screen& screen_;
    Writer writers_[max_writers];
    u64 uses_ = 0;
    u32 on_screen_ = 0;        // whose line the screen shows last
    bool screen_open_ = false; // the screen's last line is unfinished
    // The log's reader: whose bytes these are, and a marker being read.
    u32 log_writer_ = 0;
    usize marker_left_ = 0;
    u32 marker_id_ = 0;
    char pending_[256];
    usize pending_length_ = 0;
};

} // namespace consoled
