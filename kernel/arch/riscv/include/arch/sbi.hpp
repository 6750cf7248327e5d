// Calls into the supervisor binary interface (OpenSBI): the firmware services the
// kernel itself needs — console fallback, timer without Sstc, system reset.
#pragma once
#include <isok/types.hpp>

namespace arch::sbi {

using isok::i64;
using isok::u64;

struct Ret {
    i64 error;
    u64 value;
};

inline constexpr u64 ext_base = 0x10;
inline constexpr u64 ext_time = 0x54494D45;
inline constexpr u64 ext_srst = 0x53525354;
inline constexpr u64 ext_dbcn = 0x4442434E;
inline constexpr u64 ext_legacy_putchar = 0x01;
inline constexpr u64 ext_hsm = 0x48534D;
inline constexpr u64 ext_ipi = 0x735049;
inline constexpr u64 ext_rfence = 0x52464E43;

inline constexpr i64 error_invalid_param = -3;
inline constexpr u64 reset_shutdown = 0;
inline constexpr u64 reason_none = 0;
inline constexpr u64 reason_system_failure = 1;

Ret call(u64 ext, u64 fid, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0);

bool probe_extension(u64 ext);
void console_putchar(char c);
void set_timer(u64 deadline);
// Powers the machine off; on QEMU a failure reason makes QEMU exit with a non-zero status.
[[noreturn]] void shutdown(bool failure);

} // namespace arch::sbi
