// The supervisor timer: Sstc's stimecmp when the hart has it, SBI TIME otherwise.
#pragma once
#include <isok/types.hpp>

namespace arch::timer {

void init(bool use_sstc);
bool uses_sstc();
isok::u64 now();
// Raise a timer interrupt when `time` reaches deadline; clears a pending one otherwise.
void program(isok::u64 deadline);
void enable();

} // namespace arch::timer
