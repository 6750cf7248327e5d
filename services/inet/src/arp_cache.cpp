// The ARP cache: a linear search is the fastest structure for sixteen entries.
#include <inet/arp_cache.hpp>

namespace isok::inet {

const net::MacAddr* ArpCache::lookup(net::Ipv4Addr ip) const {
    for (const Entry& e : entries_)
        if (e.updated && e.ip == ip) return &e.mac;
    return nullptr;
}

void ArpCache::update(net::Ipv4Addr ip, const net::MacAddr& mac, bool create) {
    if (ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() || mac.is_group() || mac.is_zero()) return;
    Entry* slot = nullptr;
    for (Entry& e : entries_)
        if (e.updated && e.ip == ip) slot = &e;
    if (!slot) {
        if (!create) return;
        slot = &entries_[0];
        for (Entry& e : entries_)
            if (e.updated < slot->updated) slot = &e; // free entries (0) first, then the oldest
    }
    slot->ip = ip;
    slot->mac = mac;
    slot->updated = ++clock_;
}

usize ArpCache::size() const {
    usize n = 0;
    for (const Entry& e : entries_) n += e.updated != 0;
    return n;
}

} // namespace isok::inet
