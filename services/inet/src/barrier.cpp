// The barrier's phases: waiting (own pings running), broadcasting (until enough others
// are heard, or it gives up), lingering (broadcasting a little longer), quiet.
#include <inet/barrier.hpp>

namespace isok::inet {

Barrier::Barrier(u32 needed, u64 ticks_per_second)
    : phase_(needed ? Phase::waiting : Phase::quiet), needed_(needed), interval_(max(ticks_per_second / 5, u64(1))),
      linger_(2 * ticks_per_second), give_up_(give_up_seconds * ticks_per_second) {}

void Barrier::hear(net::Ipv4Addr sender) {
    for (usize i = 0; i < heard_count_; ++i)
        if (heard_[i] == sender) return;
    if (heard_count_ < max_senders) heard_[heard_count_++] = sender;
}

Barrier::Step Barrier::step(u64 now, bool ready) {
    Step s;
    if (phase_ == Phase::waiting && ready) {
        phase_ = Phase::broadcasting;
        next_broadcast_ = now;
        quiet_at_ = now + give_up_;
    }
    if (phase_ == Phase::broadcasting && heard_count_ >= needed_) {
        phase_ = Phase::lingering;
        quiet_at_ = now + linger_;
        s.completed = true;
    }
    if (phase_ == Phase::broadcasting && now >= quiet_at_) {
        phase_ = Phase::quiet;
        s.failed = true;
    }
    if (phase_ == Phase::lingering && now >= quiet_at_) phase_ = Phase::quiet;
    if (broadcasting() && now >= next_broadcast_) {
        s.broadcast = true;
        next_broadcast_ = now + interval_;
    }
    return s;
}

} // namespace isok::inet
