// A small ARP cache (RFC 826): IPv4 address to MAC, fixed size, the least recently
// updated entry replaced when full.
#pragma once
#include <isok/net/ipv4_addr.hpp>
#include <isok/net/mac_addr.hpp>

namespace isok::inet {

class ArpCache {
public:
    static constexpr usize capacity = 16;

    // The MAC of `ip`, or nullptr when unknown.
    const net::MacAddr* lookup(net::Ipv4Addr ip) const;

    // RFC 826's merge: refreshes an entry for `ip`; adds one only when `create` is set
    // (the packet was addressed to us), so that traffic between others cannot fill the
    // cache. Unspecified, broadcast and multicast addresses and group MACs are never kept.
    void update(net::Ipv4Addr ip, const net::MacAddr& mac, bool create);

    usize size() const;

private:
    struct Entry {
        net::Ipv4Addr ip;
        net::MacAddr mac;
        u64 updated = 0; // 0: free
    };
    Entry entries_[capacity];
    u64 clock_ = 0;
};

} // namespace isok::inet
