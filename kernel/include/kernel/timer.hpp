// The periodic kernel tick that drives pre-emption.
#pragma once
#include <isok/types.hpp>

namespace kernel::timer {

// Starts a tick at hz from a timebase of timebase_hz; false when the rate is impossible.
// Every other hart starts its own tick at the same rate with start_hart().
bool start(isok::u64 timebase_hz, isok::u64 hz);
void start_hart();
void on_interrupt();
// Makes the timer fire no later than deadline (a guest's timer); ticks go on as before.
void wake_at(isok::u64 deadline);
isok::u64 ticks();

} // namespace kernel::timer
