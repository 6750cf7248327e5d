// SBI calls from an S-mode (or VS-mode) guest: a7 = extension, a6 = function,
// arguments in a0..a5, the result as (error, value) in a0/a1 (SBI 2.0, chapter 3).
#pragma once
#include <isok/types.hpp>

namespace isok::guest::sbi {

struct Ret {
    i64 error;
    u64 value;
};

namespace ext {
inline constexpr u64 legacy_putchar = 0x01;
inline constexpr u64 base = 0x10;
inline constexpr u64 time = 0x54494D45;
inline constexpr u64 ipi = 0x735049;
inline constexpr u64 rfence = 0x52464E43;
inline constexpr u64 hsm = 0x48534D;
inline constexpr u64 srst = 0x53525354;
inline constexpr u64 dbcn = 0x4442434E;
} // namespace ext

Ret call(u64 ext, u64 fid, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0, u64 a4 = 0, u64 a5 = 0);
// BASE probe_extension: true when the SBI says the extension is there.
bool probe(u64 ext);
void legacy_putchar(char c);
// DBCN console_write of length bytes at a physical address (the guests run with the MMU off).
Ret console_write(const char* text, u64 length);
// TIME set_timer; ~0 is "never", which also clears a pending timer interrupt.
Ret set_timer(u64 deadline);
// SRST shutdown, reason none or system failure; parks the hart if the SBI refuses.
[[noreturn]] void shutdown(bool failure);

// The spec's name of an error code ("SBI_ERR_INVALID_PARAM"), "SBI_SUCCESS" for 0,
// "unknown" for a code the spec does not define.
const char* error_name(i64 error);

} // namespace isok::guest::sbi
