// Host-only boot image writer: lays out header, entry table and page-aligned payloads.
#include <isok/boot_image_writer.hpp>
#include <isok/crc32.hpp>
#include <algorithm>
#include <iterator>
#include <utility>

namespace isok::bootimage {
namespace {

using namespace layout;

void store32(std::vector<u8>& out, usize offset, u32 v) {
    for (usize i = 0; i < 4; ++i) out[offset + i] = u8(v >> (8 * i));
}

void store64(std::vector<u8>& out, usize offset, u64 v) {
    store32(out, offset, u32(v));
    store32(out, offset + 4, u32(v >> 32));
}

u32 crc_of(const std::vector<u8>& bytes, usize offset, usize size) { return crc32(Bytes(bytes.data() + offset, size)); }

// Seals the table first: the header checksum covers the table checksum.
void seal(std::vector<u8>& out, usize table_end) {
    store32(out, header_field::table_crc, crc_of(out, header_bytes, table_end - header_bytes));
    store32(out, header_field::header_crc, crc_of(out, 0, header_field::header_crc));
}

} // namespace

Status<Error> Writer::check(Kind kind, const std::string& name) const {
    if (items_.size() >= max_entries) return fail(Error::too_many_entries);
    if (!is_known(kind)) return fail(Error::unknown_kind);
    if (auto s = check_name(name.data(), name.size()); !s) return s;
    for (const Item& item : items_) {
        if (item.name == name) return fail(Error::name_duplicate);
        if (kind == Kind::manifest && item.kind == Kind::manifest) return fail(Error::multiple_manifests);
    }
    return {};
}

Status<Error> Writer::add(Kind kind, std::string name, std::vector<u8> payload) {
    if (auto s = check(kind, name); !s) return s;
    items_.push_back(Item{kind, std::move(name), std::move(payload)});
    return {};
}

// Each payload starts at the first page boundary after the table or the previous payload.
std::vector<u64> Writer::place(usize table_end, u64& image_size) const {
    std::vector<u64> offsets;
    u64 next = align_up(table_end, page);
    for (const Item& item : items_) {
        offsets.push_back(next);
        next = align_up(next + item.payload.size(), page);
    }
    image_size = next;
    return offsets;
}

void Writer::write_header(std::vector<u8>& out) const {
    std::copy(std::begin(magic), std::end(magic), out.begin() + header_field::magic);
    store32(out, header_field::version, version);
    store32(out, header_field::entry_count, count());
    store64(out, header_field::image_size, out.size());
}

void Writer::write_entry(std::vector<u8>& out, usize index, u64 offset) const {
    const Item& item = items_[index];
    usize record = header_bytes + index * entry_bytes;
    std::copy(item.name.begin(), item.name.end(), out.begin() + record + entry_field::name);
    store32(out, record + entry_field::kind, u32(item.kind));
    store32(out, record + entry_field::crc, crc32(Bytes(item.payload.data(), item.payload.size())));
    store64(out, record + entry_field::offset, offset);
    store64(out, record + entry_field::size, item.payload.size());
    std::copy(item.payload.begin(), item.payload.end(), out.begin() + offset);
}

std::vector<u8> Writer::build() const {
    usize table_end = header_bytes + items_.size() * entry_bytes;
    u64 image_size = 0;
    std::vector<u64> offsets = place(table_end, image_size);
    std::vector<u8> out(image_size, 0); // zero: the name padding and the gaps between payloads
    write_header(out);
    for (usize i = 0; i < items_.size(); ++i) write_entry(out, i, offsets[i]);
    seal(out, table_end);
    return out;
}

} // namespace isok::bootimage
