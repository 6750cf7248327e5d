// Console output through SBI: DBCN console_write when the SBI offers it (one call per
// line, so a line reaches a VMM whole), the legacy putchar otherwise. Every call sends
// its text before returning: a guest that announces what it is about to do has said it
// even if the next instruction is its last.
#pragma once
#include <isok/types.hpp>

namespace isok::guest::console {

// Probes DBCN; until then (and without it) output goes through the legacy putchar.
void init();
bool uses_dbcn();

// prefix, then the formatted text, then '\n' if newline.
void vprint(const char* prefix, bool newline, const char* fmt, __builtin_va_list args);
// Exactly the formatted text and '\n'.
void line(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace isok::guest::console
