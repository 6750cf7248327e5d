// Console output through debug_write. Every line starts with "[process] ", the name on
// the startup page; output is buffered per line and flushed at each newline and at the
// end of every call.
#pragma once
#include <isok/types.hpp>

namespace isok::rt {

// printf-style, as isok::format (%c %s %d %i %u %x %X %p %% with width, '0', l, ll, z).
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, __builtin_va_list args);
// Text as it is (still prefixed at each line start).
void write(const char* text, usize length);
// Prints the message and ends the thread with exit code 1.
[[noreturn]] void fatal(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace isok::rt
