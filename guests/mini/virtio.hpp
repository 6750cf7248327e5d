// A virtio console driver, as small as it can be: finds a console (device id 3)
// among the virtio-mmio slots, brings it up with the virtio 1.x MMIO (version 2)
// handshake and one transmit queue, and writes a line through it.
#pragma once
#include "devicetree.hpp"

namespace mini::virtio {

// The line written to the virtio console when one is found.
inline constexpr char greeting[] = "mini: hello through the virtio console\n";

// "virtio console absent" (not a check) when no slot holds a console; otherwise the
// "virtio console" check. Runs with paging off, or on with the slots mapped
// (paging::check_enable maps them).
void check(const Machine& machine);

} // namespace mini::virtio
