// The UDP sink for throughput runs: counts datagrams and bytes, and says when the count
// reaches a reporting point (every power of two from 1024 on).
#pragma once
#include <isok/types.hpp>

namespace isok::inet {

class Sink {
public:
    static constexpr u64 first_report = 1024;

    // Counts one datagram; true when the new count is a reporting point.
    bool count(usize payload_bytes) {
        ++datagrams_;
        bytes_ += payload_bytes;
        return datagrams_ >= first_report && is_power_of_two(datagrams_);
    }
    u64 datagrams() const { return datagrams_; }
    u64 bytes() const { return bytes_; }

private:
    u64 datagrams_ = 0;
    u64 bytes_ = 0;
};

} // namespace isok::inet
