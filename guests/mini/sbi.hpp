// The SBI as a payload sees it: the checks of BASE and TIME on top of the shared calls.
#pragma once
#include <isok/guest/sbi.hpp>
#include <isok/types.hpp>

namespace mini::sbi {

using isok::i64;
using isok::u64;

// The calls themselves are the ones every test guest shares (guests/common).
using isok::guest::sbi::call;
using isok::guest::sbi::console_write;
using isok::guest::sbi::legacy_putchar;
using isok::guest::sbi::probe;
using isok::guest::sbi::Ret;
using isok::guest::sbi::set_timer;
using isok::guest::sbi::shutdown;
namespace ext = isok::guest::sbi::ext;

inline constexpr i64 err_not_supported = -2;

// Checks: BASE (versions, probes, an unknown extension refused, HSM state of this
// hart when HSM is there) and TIME (a deadline brings the timer interrupt, not before).
bool check_base(u64 hart);
bool check_time(u64 timebase_hz);

} // namespace mini::sbi
