// The boot image reader (lib/bootimage) on arbitrary bytes, as given and with every
// checksum recomputed (so that mutations reach the checks behind them): accepted entries
// lie inside the image, are found by name, and survive a round trip through the writer.
#include "fuzz_util.hpp"

#include <isok/boot_image.hpp>
#include <isok/boot_image_writer.hpp>
#include <isok/crc32.hpp>
#include <isok/string.hpp>

namespace bi = isok::bootimage;
using fuzz::check;
using fuzz::inside;
using fuzz::string_inside;
using isok::u32;
using isok::u64;
using isok::u8;

namespace {

u64 get(const std::vector<u8>& b, isok::usize at, isok::usize n) {
    u64 v = 0;
    for (isok::usize i = 0; i < n && at + i < b.size(); ++i) v |= u64(b[at + i]) << (8 * i);
    return v;
}

void put32(std::vector<u8>& b, isok::usize at, u32 v) {
    for (isok::usize i = 0; i < 4 && at + i < b.size(); ++i) b[at + i] = u8(v >> (8 * i));
}

u32 crc_of(const std::vector<u8>& b, u64 from, u64 to) {
    to = std::min<u64>(to, b.size());
    return from < to ? isok::crc32(isok::Bytes(b.data() + from, to - from)) : isok::crc32(isok::Bytes());
}

// The image with its payload, table and header checksums made right.
std::vector<u8> sealed(std::vector<u8> b) {
    using namespace bi::layout;
    if (b.size() < header_bytes) return b;
    u64 count = std::min<u64>(get(b, header_field::entry_count, 4), max_entries);
    for (u64 i = 0; i < count; ++i) {
        isok::usize record = header_bytes + i * entry_bytes;
        u64 offset = get(b, record + entry_field::offset, 8), size = get(b, record + entry_field::size, 8);
        if (offset <= b.size() && size <= b.size() - offset) put32(b, record + entry_field::crc, crc_of(b, offset, offset + size));
    }
    put32(b, header_field::table_crc, crc_of(b, header_bytes, header_bytes + count * entry_bytes));
    put32(b, header_field::header_crc, crc_of(b, 0, header_field::header_crc));
    return b;
}

void check_image(const bi::Image& image, isok::Bytes input, bool round_trip) {
    check(image.size() <= input.size());
    isok::Bytes whole(input.data(), image.size());
    bi::Writer writer;
    u32 index = 0;
    for (bi::Entry e : image.all()) {
        check(string_inside(e.name, whole) && bi::check_name(e.name, isok::str_length(e.name)).ok());
        check(inside(e.data, whole) && e.data.data() == input.data() + e.offset && e.offset % bi::layout::page == 0);
        check(bi::is_known(e.kind) && image.find(e.name)->offset == e.offset);
        check(writer.add(e.kind, e.name, std::vector<u8>(e.data.data(), e.data.data() + e.data.size())).ok());
        ++index;
    }
    check(index == image.count() && !image.entry(index).ok());
    if (!round_trip) return;
    std::vector<u8> rebuilt = writer.build();
    auto again = bi::Image::open(isok::Bytes(rebuilt.data(), rebuilt.size()));
    check(again.ok() && again->count() == image.count());
    for (u32 i = 0; i < image.count(); ++i) {
        bi::Entry a = *image.entry(i), b = *again->entry(i);
        check(isok::str_equal(a.name, b.name) && a.kind == b.kind && a.data.size() == b.data.size() &&
              std::equal(a.data.data(), a.data.data() + a.data.size(), b.data.data()));
    }
    check(rebuilt == sealed(rebuilt)); // the writer seals exactly as the reader checks
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (auto image = bi::Image::open(isok::Bytes(data, size)); image)
        check_image(*image, isok::Bytes(data, size), false);
    std::vector<u8> fixed = sealed(std::vector<u8>(data, data + size));
    isok::Bytes input(fixed.data(), fixed.size());
    auto image = bi::Image::open(input);
    if (!image) {
        check(bi::describe(image.error()) != nullptr);
        return 0;
    }
    check_image(*image, input, true);
    return 0;
}
