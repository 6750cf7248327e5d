// Console lines through SBI, collected in a buffer and written a line at a time.
#include "console.hpp"

#include "sbi.hpp"

#include <isok/format.hpp>

namespace mini::console {
namespace {

using isok::u32;
using isok::usize;

bool dbcn = false;
char buffer[256];
usize used = 0;
u32 checks = 0, failures = 0;

// The buffer is in the identity-mapped image, so its address is also physical.
void flush() {
    usize done = 0;
    while (dbcn && done < used) {
        sbi::Ret r = sbi::console_write(buffer + done, used - done);
        if (r.error != 0) break; // the rest goes out the legacy way
        done += r.value;
    }
    for (; done < used; ++done) sbi::legacy_putchar(buffer[done]);
    used = 0;
}

void put(void*, char c) {
    buffer[used++] = c;
    if (c == '\n' || used == sizeof buffer) flush();
}

// Writes "mini: <head><fmt...>" and ends the line.
void vline(const char* head, const char* fmt, __builtin_va_list args) {
    isok::format(put, nullptr, "mini: %s", head);
    isok::vformat(put, nullptr, fmt, args);
    put(nullptr, '\n');
}

} // namespace

void init() { dbcn = sbi::probe(sbi::ext::dbcn); }

bool uses_dbcn() { return dbcn; }

void line(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vline("", fmt, args);
    __builtin_va_end(args);
}

bool pass(const char* check) {
    ++checks;
    line("%s ok", check);
    return true;
}

bool fail(const char* check, const char* fmt, ...) {
    ++checks, ++failures;
    char head[64];
    isok::format_to(head, sizeof head, "%s FAILED ", check);
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vline(head, fmt, args);
    __builtin_va_end(args);
    return false;
}

u32 summary() {
    if (failures == 0) line("all %u checks passed", checks);
    else line("%u of %u checks failed", failures, checks);
    return failures;
}

} // namespace mini::console
