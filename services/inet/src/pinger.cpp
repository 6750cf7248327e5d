// Ping bookkeeping; the stack sends what it decides.
#include <inet/pinger.hpp>

namespace isok::inet {

Pinger::Pinger(const net::Ipv4Addr* peers, usize count, u16 id, u64 interval_ticks)
    : count_(min(count, max_peers)), id_(id), interval_(max(interval_ticks, u64(1))) {
    for (usize i = 0; i < count_; ++i) peers_[i].address = peers[i];
}

bool Pinger::due(u64 now) {
    if (finished() || now < next_) return false;
    next_ = now + interval_;
    return true;
}

Pinger::Attempt Pinger::attempt(usize i) {
    Peer& p = peers_[i];
    if (p.state != State::pending) return {Action::none, 0};
    if (p.tries == max_tries) {
        p.state = State::failed;
        return {Action::give_up, 0};
    }
    ++p.tries;
    return {Action::try_again, u16(p.tries)};
}

isize Pinger::answer(net::Ipv4Addr from, u16 id, u16 sequence) {
    if (id != id_) return -1;
    for (usize i = 0; i < count_; ++i) {
        Peer& p = peers_[i];
        if (p.address != from || p.state != State::pending || sequence == 0 || sequence > p.tries) continue;
        p.state = State::answered;
        p.answered_sequence = sequence;
        return isize(i);
    }
    return -1;
}

bool Pinger::finished() const {
    for (usize i = 0; i < count_; ++i)
        if (peers_[i].state == State::pending) return false;
    return true;
}

} // namespace isok::inet
