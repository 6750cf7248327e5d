// Ethernet II header parsing and writing.
#include <isok/net/byte_order.hpp>
#include <isok/net/ethernet.hpp>

namespace isok::net {

Result<EthernetFrame, NetError> parse_ethernet(Bytes frame) {
    if (frame.size() < ethernet_header_bytes) return fail(NetError::truncated);
    const u8* p = frame.data();
    EthernetFrame f;
    f.addresses.destination = MacAddr::load(p);
    f.addresses.source = MacAddr::load(p + 6);
    f.type = load_be16(p + 12);
    f.payload = frame.slice(ethernet_header_bytes, frame.size() - ethernet_header_bytes);
    return f;
}

void write_ethernet_header(u8* out, const EthernetAddresses& addresses, u16 type) {
    addresses.destination.store(out);
    addresses.source.store(out + 6);
    store_be16(out + 12, type);
}

usize pad_frame(u8* frame, usize length, usize capacity) {
    usize padded = min(max(length, ethernet_min_frame), max(capacity, length));
    for (usize i = length; i < padded; ++i) frame[i] = 0;
    return padded;
}

} // namespace isok::net
