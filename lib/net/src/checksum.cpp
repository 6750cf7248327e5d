// RFC 1071 Internet checksum, word at a time with deferred carries.
#include <isok/net/byte_order.hpp>
#include <isok/net/checksum.hpp>

namespace isok::net {

void Checksum::add(Bytes data) {
    const u8* p = data.data();
    usize n = data.size();
    if (n && odd_) {
        sum_ += *p++;
        --n;
        odd_ = false;
    }
    for (; n >= 2; n -= 2, p += 2) sum_ += load_be16(p);
    if (n) {
        sum_ += u64(*p) << 8;
        odd_ = true;
    }
}

void Checksum::add16(u16 value) {
    u8 bytes[2];
    store_be16(bytes, value);
    add(Bytes(bytes, 2));
}

void Checksum::add32(u32 value) {
    add16(u16(value >> 16));
    add16(u16(value));
}

u16 Checksum::result() const {
    u64 sum = sum_;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return u16(~sum);
}

u16 internet_checksum(Bytes data) {
    Checksum c;
    c.add(data);
    return c.result();
}

} // namespace isok::net
