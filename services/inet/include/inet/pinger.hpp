// Pinging peers until they answer: one try per peer and interval (an ARP request while
// its MAC is unknown, an ICMP echo request once known), at most max_tries each.
#pragma once
#include <isok/net/ipv4_addr.hpp>

namespace isok::inet {

class Pinger {
public:
    static constexpr u32 max_tries = 200;
    static constexpr usize max_peers = 8;

    enum class State : u8 { pending, answered, failed };
    struct Peer {
        net::Ipv4Addr address;
        u32 tries = 0;
        State state = State::pending;
        u16 answered_sequence = 0;
    };

    // What to do for a peer now: nothing, a try with this sequence number, or give up.
    enum class Action : u8 { none, try_again, give_up };
    struct Attempt {
        Action action;
        u16 sequence;
    };

    Pinger() = default;
    Pinger(const net::Ipv4Addr* peers, usize count, u16 id, u64 interval_ticks);

    // True once per interval: then call attempt() for each peer.
    bool due(u64 now);
    Attempt attempt(usize peer);

    // An echo reply: returns the peer it answers (and marks it answered), or -1 when it
    // answers nothing we sent (another id, an unknown peer, a sequence not yet used).
    isize answer(net::Ipv4Addr from, u16 id, u16 sequence);

    u16 id() const { return id_; }
    usize count() const { return count_; }
    const Peer& peer(usize i) const { return peers_[i]; }
    bool finished() const; // every peer answered or given up

private:
    Peer peers_[max_peers];
    usize count_ = 0;
    u16 id_ = 0;
    u64 interval_ = 1;
    u64 next_ = 0;
};

} // namespace isok::inet
