// The periodic kernel tick that drives pre-emption.
#pragma once
#include <isok/types.hpp>

namespace kernel::timer {

// Starts a tick at hz from a timebase of timebase_hz; false when the rate is impossible.
bool start(isok::u64 timebase_hz, isok::u64 hz);
void on_interrupt();
isok::u64 ticks();
isok::u64 period();

} // namespace kernel::timer
