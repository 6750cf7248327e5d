// What the IPv4 stack needs from the process around it: a way to transmit a frame, and
// someone to tell about the events tests and people look for. Kept abstract so that the
// stack runs the same over a frame ring and over a host test's vector.
#pragma once
#include <isok/net/ipv4_addr.hpp>

namespace isok::inet {

class FrameSink {
public:
    // False when the frame could not be sent (the link stayed full); the stack counts it.
    virtual bool transmit(const u8* frame, usize length) = 0;

protected:
    ~FrameSink() = default;
};

class Events {
public:
    virtual void ping_answered(net::Ipv4Addr peer, u16 sequence) = 0;
    virtual void ping_failed(net::Ipv4Addr peer) = 0;
    virtual void barrier_done() = 0;
    virtual void barrier_failed(usize heard, u32 needed) = 0;
    virtual void sink_started() = 0; // the first datagram arrived
    virtual void sink_progress(u64 datagrams, u64 bytes) = 0;

protected:
    ~Events() = default;
};

} // namespace isok::inet
