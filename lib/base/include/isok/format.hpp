// printf-style formatting into any character sink; no allocation, no libc.
#pragma once
#include <isok/types.hpp>

namespace isok {

using PutChar = void (*)(void* ctx, char c);

// Supports %c %s %d %i %u %x %X %p %% with optional '0' flag, width and the
// length modifiers l, ll, z. Returns the number of characters produced.
usize vformat(PutChar put, void* ctx, const char* fmt, __builtin_va_list args);
usize format(PutChar put, void* ctx, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Formats into buf (always NUL-terminated when size > 0); returns the untruncated length.
usize format_to(char* buf, usize size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
usize vformat_to(char* buf, usize size, const char* fmt, __builtin_va_list args);

} // namespace isok
