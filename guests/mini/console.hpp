// The guest's console: whole lines through SBI (DBCN console_write when the SBI
// has it, else the legacy putchar), each prefixed "mini: ", and the tally of checks.
#pragma once
#include <isok/types.hpp>

namespace mini::console {

// Probes DBCN; until then (and without it) output goes through the legacy putchar.
void init();
bool uses_dbcn();

// One line "mini: <text>".
void line(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// "mini: <check> ok"; returns true.
bool pass(const char* check);
// "mini: <check> FAILED <why>"; returns false.
bool fail(const char* check, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// "mini: all N checks passed" or "mini: M of N checks failed"; returns M.
isok::u32 summary();

} // namespace mini::console
