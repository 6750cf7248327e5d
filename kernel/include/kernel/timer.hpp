// The periodic kernel tick that drives pre-emption, stopped while a hart idles.
#pragma once
#include <kernel/hart.hpp>

namespace kernel::timer {

// Starts a tick at hz from a timebase of timebase_hz; false when the rate is impossible.
// Every other hart starts its own tick at the same rate with start_hart().
bool start(isok::u64 timebase_hz, isok::u64 hz);
void start_hart();
void on_interrupt();
// Makes the timer fire no later than deadline (a guest's timer); ticks go on as before.
void wake_at(isok::u64 deadline);
// Nothing runs on this hart: no tick until restart_tick() (wake-ups still fire).
void stop_tick();
inline constexpr isok::u64 no_tick = ~isok::u64{0};
inline bool stopped(const Hart& h) { return h.next_tick == no_tick; }
// Something runs again: the tick resumes one period from now (no-op if it runs).
void restart_tick();
// Periods of the tick since boot, whether or not a hart was ticking.
isok::u64 ticks();

} // namespace kernel::timer
