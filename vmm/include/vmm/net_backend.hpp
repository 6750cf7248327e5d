// What sits behind a VM's virtio-net device: one port of a virtual switch. main.cpp
// gives it a switch port (SwitchPort), unit tests a recording fake.
#pragma once
#include <isok/types.hpp>

namespace isok::vmm {

struct MacAddress {
    u8 octet[6] = {};
};

// Ethernet frames without preamble and FCS: a 14-byte header and up to 1500 bytes.
namespace ethernet {
inline constexpr u32 min_frame = 14;
inline constexpr u32 max_frame = 1514;
} // namespace ethernet

class NetBackend {
public:
    // The address the port is bound to: the switch drops frames from any other.
    virtual MacAddress mac() const = 0;
    // Hands one frame (min_frame..max_frame bytes) to the switch; false when it was dropped.
    virtual bool transmit(const u8* frame, u32 length) = 0;
    // A frame from the switch is waiting.
    virtual bool has_receive() = 0;
    // Copies the next frame into `out` (max_frame bytes); its length, or 0 when none.
    virtual u32 receive(u8* out) = 0;

protected:
    ~NetBackend() = default;
};

} // namespace isok::vmm
