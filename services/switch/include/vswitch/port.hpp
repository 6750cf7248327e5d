// One port of the virtual switch: the member bound to it (its MAC and network), its
// shared rings, and what happened to its frames.
#pragma once
#include <isok/frame_ring.hpp>
#include <isok/net/mac_addr.hpp>
#include <isok/types.hpp>

namespace isok::vswitch {

// Why a frame was dropped. Spoofed, bad and unknown are charged to the port the frame
// came from; full to the port it could not be delivered to.
enum class Drop : u8 {
    spoofed, // its source MAC is not the one bound to the port
    bad,     // the member wrote a length outside an Ethernet frame's
    full,    // the destination's receive ring had no free slot
    unknown, // unicast to a MAC that is no other port on the same network
};
inline constexpr usize drop_kinds = 4;

const char* describe(Drop d);

struct PortCounters {
    u64 rx = 0; // frames taken from the member that passed the checks
    u64 tx = 0; // frames delivered to the member
    u64 dropped_spoof = 0;
    u64 dropped_bad = 0;
    u64 dropped_full = 0;
    u64 dropped_unknown = 0;

    u64& dropped(Drop d);
    u64 dropped(Drop d) const;
};

namespace detail {
// One body for both constnesses.
template <class Counters> auto& drop_counter(Counters& c, Drop d) {
    switch (d) {
    case Drop::spoofed: return c.dropped_spoof;
    case Drop::bad: return c.dropped_bad;
    case Drop::full: return c.dropped_full;
    case Drop::unknown: break;
    }
    return c.dropped_unknown;
}
} // namespace detail

inline u64& PortCounters::dropped(Drop d) { return detail::drop_counter(*this, d); }
inline u64 PortCounters::dropped(Drop d) const { return detail::drop_counter(*this, d); }

struct Port {
    net::MacAddr mac;
    u16 network = 0;
    frame_ring::Ring from_member; // to_switch: the switch consumes
    frame_ring::Ring to_member;   // from_switch: the switch produces
    PortCounters counters;
};

} // namespace isok::vswitch
