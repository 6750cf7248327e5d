// The start-up barrier that native IPv4 endpoints and the Linux guests' init share:
// once a host's own pings are done it broadcasts a UDP datagram "done <its ip>" to
// 255.255.255.255 port 9999 every ~200 ms; it counts the distinct other hosts it hears
// "done" from; when it has its own pings done and has heard `needed` others, the
// barrier is complete, and it goes on broadcasting ~2 s more (for hosts that are still
// counting), then falls quiet. It gives up after 60 s of broadcasting; needing 0 hosts
// means taking no part at all.
#pragma once
#include <isok/net/ipv4_addr.hpp>

namespace isok::inet {

class Barrier {
public:
    static constexpr u16 port = 9999;
    static constexpr usize max_senders = 64;
    static constexpr u64 give_up_seconds = 60;

    Barrier() = default;
    Barrier(u32 needed, u64 ticks_per_second);

    // A "done" datagram from `sender` (another host).
    void hear(net::Ipv4Addr sender);

    // What to do at `now`; `ready` says the host's own pings are done.
    struct Step {
        bool broadcast = false;
        bool completed = false; // the barrier completed just now
        bool failed = false;    // it gave up just now
    };
    Step step(u64 now, bool ready);

    bool broadcasting() const { return phase_ == Phase::broadcasting || phase_ == Phase::lingering; }
    bool complete() const { return phase_ == Phase::lingering || (phase_ == Phase::quiet && heard_count_ >= needed_); }
    bool quiet() const { return phase_ == Phase::quiet; }
    usize heard() const { return heard_count_; }

private:
    enum class Phase : u8 { waiting, broadcasting, lingering, quiet };
    Phase phase_ = Phase::quiet;
    u32 needed_ = 0;
    u64 interval_ = 1;
    u64 linger_ = 0;
    u64 give_up_ = 0;
    u64 next_broadcast_ = 0;
    u64 quiet_at_ = 0; // lingering ends; broadcasting gives up
    net::Ipv4Addr heard_[max_senders];
    usize heard_count_ = 0;
};

} // namespace isok::inet
