// Line-buffered console output with the process name in front of every line.
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

namespace isok::rt {
namespace {

// One process-wide line buffer: processes are single-threaded for now.
struct Line {
    char text[256];
    usize used = 0;
    bool at_start = true;
};
Line line;

// The console service's log refuses a line it has no room for; the service drains it as
// soon as it runs, so the line waits a little rather than being lost (a bounded while:
// a service that is gone for good costs the line, not the process).
void flush() {
    for (int tries = 0; line.used && tries < 1000; ++tries) {
        if (sys::debug_write(line.text, line.used) != Error::would_block) break;
        (void)sys::yield();
    }
    line.used = 0;
}

void put_raw(char c) {
    if (line.used == sizeof(line.text)) flush();
    line.text[line.used++] = c;
}

void put(void*, char c) {
    if (line.at_start) {
        line.at_start = false;
        put_raw('[');
        for (const char* p = process_name(); *p; ++p) put_raw(*p);
        put_raw(']');
        put_raw(' ');
    }
    put_raw(c);
    if (c == '\n') {
        line.at_start = true;
        flush();
    }
}

} // namespace

void vprint(const char* fmt, __builtin_va_list args) {
    (void)vformat(put, nullptr, fmt, args);
    flush();
}

void print(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vprint(fmt, args);
    __builtin_va_end(args);
}

void write(const char* text, usize length) {
    for (usize i = 0; i < length; ++i) put(nullptr, text[i]);
    flush();
}

void fatal(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vprint(fmt, args);
    __builtin_va_end(args);
    if (!line.at_start) write("\n", 1);
    sys::exit(1);
}

const char* error_name(Error e) {
    static const char* const names[] = {
        "ok",          "bad_syscall", "bad_slot",  "empty_slot",     "wrong_type",  "no_rights",   "stale",
        "bad_argument", "bad_address", "slot_in_use", "no_budget",    "no_memory",   "busy",        "already_mapped",
        "not_mapped",  "no_reply",    "reply_dropped", "would_block", "dead",        "bad_state",
    };
    u64 i = u64(e);
    return i < sizeof(names) / sizeof(names[0]) ? names[i] : "unknown_error";
}

} // namespace isok::rt
