// Console text collected in a buffer and sent a buffer at a time.
#include <isok/format.hpp>
#include <isok/guest/console.hpp>
#include <isok/guest/sbi.hpp>

namespace isok::guest::console {
namespace {

bool dbcn = false;
char buffer[256];
usize used = 0;

// The guests run with the MMU off: the buffer's address is its physical address.
void flush() {
    usize done = 0;
    while (dbcn && done < used) {
        sbi::Ret r = sbi::console_write(buffer + done, used - done);
        if (r.error != 0 || r.value == 0) break; // the rest goes out the legacy way
        done += r.value;
    }
    for (; done < used; ++done) sbi::legacy_putchar(buffer[done]);
    used = 0;
}

void put(void*, char c) {
    buffer[used++] = c;
    if (used == sizeof buffer) flush();
}

} // namespace

void init() { dbcn = sbi::probe(sbi::ext::dbcn); }

bool uses_dbcn() { return dbcn; }

void vprint(const char* prefix, bool newline, const char* fmt, __builtin_va_list args) {
    format(put, nullptr, "%s", prefix);
    vformat(put, nullptr, fmt, args);
    if (newline) put(nullptr, '\n');
    flush();
}

void line(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vprint("", true, fmt, args);
    __builtin_va_end(args);
}

} // namespace isok::guest::console
