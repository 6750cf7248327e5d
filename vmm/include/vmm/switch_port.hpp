// A port of a virtual switch (isok/links.hpp, isok/frame_ring.hpp) as virtio-net's
// backend: frames out through the "to_switch" ring, in from the "from_switch" ring. How
// the switch is told about new frames is the caller's (main.cpp: a notification signal).
#pragma once
#include <isok/frame_ring.hpp>
#include <vmm/net_backend.hpp>

namespace isok::vmm {

struct PortCounters {
    u64 full = 0;         // frames dropped because the switch had not emptied its ring
    u64 bad_received = 0; // slots the switch filled with an impossible length
};

class SwitchPort final : public NetBackend {
public:
    using Kick = void (*)(void* context);

    // `region` is the port's shared memory, frame_ring::region_bytes long.
    SwitchPort(void* region, MacAddress mac, Kick kick, void* context)
        : out_(region, frame_ring::Direction::to_switch), in_(region, frame_ring::Direction::from_switch),
          mac_(mac), kick_(kick), context_(context) {}

    MacAddress mac() const override { return mac_; }
    bool transmit(const u8* frame, u32 length) override;
    bool has_receive() override { return !in_.empty(); }
    u32 receive(u8* out) override;

    const PortCounters& counters() const { return counters_; }

private:
    frame_ring::Ring out_;
    frame_ring::Ring in_;
    MacAddress mac_;
    Kick kick_;
    void* context_;
    PortCounters counters_;
};

} // namespace isok::vmm
