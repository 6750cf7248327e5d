// The SBI as a payload sees it: calls into the firmware (or the hypervisor that
// stands in for it), and the checks of BASE and TIME.
#pragma once
#include <isok/types.hpp>

namespace mini::sbi {

using isok::i64;
using isok::u64;

struct Ret {
    i64 error;
    u64 value;
};

namespace ext {
inline constexpr u64 legacy_putchar = 0x01;
inline constexpr u64 base = 0x10;
inline constexpr u64 time = 0x54494D45;
inline constexpr u64 srst = 0x53525354;
inline constexpr u64 hsm = 0x48534D;
inline constexpr u64 dbcn = 0x4442434E;
} // namespace ext

inline constexpr i64 err_not_supported = -2;

Ret call(u64 ext, u64 fid, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0);
bool probe(u64 ext);

void legacy_putchar(char c);
// DBCN console_write of bytes at a physical address; value is how many were written.
Ret console_write(const char* text, u64 length);
void set_timer(u64 deadline);
// SRST shutdown, reason none or system failure; parks the hart if SRST refuses.
[[noreturn]] void shutdown(bool failure);

// Checks: BASE (versions, probes, an unknown extension refused, HSM state of this
// hart when HSM is there) and TIME (a deadline raises sip.STIP, a far one clears it).
bool check_base(u64 hart);
bool check_time(u64 timebase_hz);

} // namespace mini::sbi
