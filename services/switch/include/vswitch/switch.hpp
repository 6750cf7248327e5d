// The virtual Ethernet switch: forwards frames between the rings of its ports. Unicast
// goes only to the port bound to the destination MAC on the same network, broadcast and
// multicast to every other port of that network; everything else is dropped and counted.
// Members are untrusted: a port's source MAC is enforced, and no member can make the
// switch block or starve another (a bounded batch per port per round, round robin, and
// a full ring drops the frame for that destination only).
#pragma once
#include <isok/bytes.hpp>
#include <isok/frame_ring.hpp>
#include <isok/result.hpp>
#include <vswitch/port.hpp>

namespace isok::vswitch {

enum class PortError : u8 {
    too_many = 1,  // more than max_ports
    no_region,     // no shared memory
    group_mac,     // a multicast or broadcast address cannot be bound to a port
    duplicate_mac, // another port on the same network is bound to it
};

const char* describe(PortError e);

// A drop counter that reached a reporting point: 1, then every power of two.
struct DropReport {
    usize port;
    Drop kind;
    u64 count;
};

class Switch {
public:
    static constexpr usize max_ports = 64; // one doorbell bit each
    static constexpr u32 batch = 8;        // frames per port per round

    // `region` is the port's frame_ring region (frame_ring::region_bytes, 64-byte aligned).
    Status<PortError> add_port(const net::MacAddr& mac, u16 network, void* region);

    usize port_count() const { return count_; }
    usize network_count() const;
    const Port& port(usize i) const { return ports_[i]; }

    // One round: up to `batch` frames from each port with work, taken in turns and
    // starting one port further each round. `doorbell` names ports that rang (bit i is
    // port i); every port whose ring holds frames is served anyway, so a lost or
    // forged doorbell bit changes nothing. Returns the ports that received frames:
    // the caller signals them.
    u64 round(u64 doorbell);

    // Some port still has frames waiting (more than a round's batch arrived).
    bool pending() const;

    // The next drop counter that reached a reporting point since it was last taken.
    bool next_report(DropReport& out);

private:
    // Returns the ports the frame was delivered to.
    u64 forward(usize from, Bytes frame);
    u64 deliver(usize to, Bytes frame);
    void drop(usize port, Drop kind);
    usize find(u16 network, const net::MacAddr& mac) const;

    Port ports_[max_ports];
    usize count_ = 0;
    usize first_ = 0;                 // the port that goes first in the next round
    u64 unreported_[drop_kinds] = {}; // per kind, bit i: port i's counter is to report
    u8 frame_[frame_ring::max_frame];
};

} // namespace isok::vswitch
