// Forwarding: every frame is copied out of the member's ring once (frame_ring::Ring::pop)
// and all decisions are made on that copy, so a member rewriting its ring meanwhile
// cannot change where a frame goes.
#include <vswitch/switch.hpp>

namespace isok::vswitch {
namespace {

constexpr u64 bit(usize i) { return u64(1) << i; }

net::MacAddr destination_of(Bytes frame) { return net::MacAddr::load(frame.data()); }
net::MacAddr source_of(Bytes frame) { return net::MacAddr::load(frame.data() + 6); }

} // namespace

const char* describe(Drop d) {
    switch (d) {
    case Drop::spoofed: return "spoofed";
    case Drop::bad: return "malformed";
    case Drop::full: return "ring-full";
    case Drop::unknown: return "unknown-destination";
    }
    return "?";
}

const char* describe(PortError e) {
    switch (e) {
    case PortError::too_many: return "too many ports";
    case PortError::no_region: return "no shared ring memory";
    case PortError::group_mac: return "a group MAC cannot be bound to a port";
    case PortError::duplicate_mac: return "MAC already bound on this network";
    }
    return "?";
}

Status<PortError> Switch::add_port(const net::MacAddr& mac, u16 network, void* region) {
    if (count_ == max_ports) return fail(PortError::too_many);
    if (!region) return fail(PortError::no_region);
    if (mac.is_group()) return fail(PortError::group_mac);
    if (find(network, mac) != count_) return fail(PortError::duplicate_mac);
    Port& p = ports_[count_++];
    p.mac = mac;
    p.network = network;
    p.from_member = frame_ring::Ring(region, frame_ring::Direction::to_switch);
    p.to_member = frame_ring::Ring(region, frame_ring::Direction::from_switch);
    p.counters = {};
    return {};
}

usize Switch::network_count() const {
    usize networks = 0;
    for (usize i = 0; i < count_; ++i) {
        bool first_of_its_network = true;
        for (usize j = 0; j < i && first_of_its_network; ++j)
            first_of_its_network = ports_[j].network != ports_[i].network;
        networks += first_of_its_network;
    }
    return networks;
}

u64 Switch::round(u64 doorbell) {
    if (count_ == 0) return 0;
    u64 active = 0;
    for (usize i = 0; i < count_; ++i)
        if ((doorbell & bit(i)) || !ports_[i].from_member.empty()) active |= bit(i);
    u64 delivered = 0;
    for (u32 turn = 0; turn < batch && active; ++turn) {
        for (usize k = 0; k < count_; ++k) {
            usize i = (first_ + k) % count_;
            if (!(active & bit(i))) continue;
            frame_ring::Ring::Popped got = ports_[i].from_member.pop(frame_);
            if (got.bad) {
                drop(i, Drop::bad);
            } else if (got.length == 0) {
                active &= ~bit(i);
            } else {
                delivered |= forward(i, Bytes(frame_, got.length));
            }
        }
    }
    first_ = (first_ + 1) % count_;
    return delivered;
}

bool Switch::pending() const {
    for (usize i = 0; i < count_; ++i)
        if (!ports_[i].from_member.empty()) return true;
    return false;
}

u64 Switch::forward(usize from, Bytes frame) {
    Port& source = ports_[from];
    if (source_of(frame) != source.mac) {
        drop(from, Drop::spoofed);
        return 0;
    }
    ++source.counters.rx;
    net::MacAddr destination = destination_of(frame);
    if (destination.is_group()) {
        u64 delivered = 0;
        for (usize to = 0; to < count_; ++to)
            if (to != from && ports_[to].network == source.network) delivered |= deliver(to, frame);
        return delivered;
    }
    usize to = find(source.network, destination);
    // A frame to the sender's own MAC would only come back to it: no port to forward to.
    if (to == count_ || to == from) {
        drop(from, Drop::unknown);
        return 0;
    }
    return deliver(to, frame);
}

u64 Switch::deliver(usize to, Bytes frame) {
    Port& p = ports_[to];
    if (!p.to_member.push(frame.data(), u32(frame.size()))) {
        drop(to, Drop::full);
        return 0;
    }
    ++p.counters.tx;
    return bit(to);
}

void Switch::drop(usize port, Drop kind) {
    u64 count = ++ports_[port].counters.dropped(kind);
    if (is_power_of_two(count)) unreported_[usize(kind)] |= bit(port);
}

usize Switch::find(u16 network, const net::MacAddr& mac) const {
    for (usize i = 0; i < count_; ++i)
        if (ports_[i].network == network && ports_[i].mac == mac) return i;
    return count_;
}

bool Switch::next_report(DropReport& out) {
    for (usize kind = 0; kind < drop_kinds; ++kind) {
        u64 ports = unreported_[kind];
        if (!ports) continue;
        usize port = usize(__builtin_ctzll(ports));
        unreported_[kind] &= ~bit(port);
        out = {port, Drop(kind), ports_[port].counters.dropped(Drop(kind))};
        return true;
    }
    return false;
}

} // namespace isok::vswitch
