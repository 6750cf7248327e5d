// The echo guest on a network: a polled virtio-net driver under isok_inet, the same IPv4
// stack the native inet process runs, so a VM and the processes beside it share a LAN
// and ping each other through the virtual switch. Configured from the command line with
// inet's words (ip=10.0.0.3/24 ping=10.0.0.1 ...); without ip= or a device, no network.
#pragma once
#include <isok/guest/machine.hpp>
#include <isok/types.hpp>

namespace echo::net {

// Finds the virtio network device, brings it up and starts the stack; prints what it
// found, or why there is no network. `ticks_per_second` is the rate of read_time().
void init(const isok::guest::Machine& machine, isok::u64 ticks_per_second);
// The stack's timers run: pings not yet answered or given up, a barrier not yet met.
bool busy();
// Takes the frames that arrived, returns the used transmit buffers, runs the timers.
void poll(isok::u64 now);
// The `net` command: address, counters, the ARP cache.
void report();

} // namespace echo::net
