// Boot image reader: validates an untrusted image completely before handing out any entry.
#include <isok/boot_image.hpp>
#include <isok/crc32.hpp>
#include <isok/string.hpp>

namespace isok::bootimage {
namespace {

using namespace layout;

// Field loads for offsets the caller has already bounds-checked; a load that does not
// fit yields 0, which every check below rejects, so a slip cannot read out of bounds.
u32 load32(Bytes b, usize offset) {
    u32 v = 0;
    b.le32(offset, v);
    return v;
}

u64 load64(Bytes b, usize offset) {
    u64 v = 0;
    b.le64(offset, v);
    return v;
}

bool all_zero(Bytes b) {
    for (usize i = 0; i < b.size(); ++i)
        if (b.data()[i]) return false;
    return true;
}

constexpr usize table_end(u32 count) { return header_bytes + usize(count) * entry_bytes; }

Bytes entry_record(Bytes image, u32 index) { return image.slice(table_end(index), entry_bytes); }

// What the header promises, once it has been checked.
struct Header {
    u32 count = 0;
    u64 image_size = 0;
};

// Magic and version come first, outside the checksum: they are the part of the format
// that never changes, so an image of a future version is called that, not corrupt, and a
// short file of another kind (8 bytes suffice for the magic) is not called truncated.
Status<Error> check_identity(Bytes b) {
    if (b.size() < sizeof(magic)) return fail(Error::truncated);
    for (usize i = 0; i < sizeof(magic); ++i)
        if (b.data()[header_field::magic + i] != u8(magic[i])) return fail(Error::bad_magic);
    if (b.size() < header_bytes) return fail(Error::truncated);
    if (load32(b, header_field::version) != version) return fail(Error::bad_version);
    return {};
}

Status<Error> check_header(Bytes b, Header& h) {
    if (auto s = check_identity(b); !s) return s;
    if (crc32(b.slice(0, header_field::header_crc)) != load32(b, header_field::header_crc))
        return fail(Error::bad_header_checksum);
    if (!all_zero(b.slice(header_field::reserved, header_field::header_crc - header_field::reserved)))
        return fail(Error::reserved_not_zero);
    h.count = load32(b, header_field::entry_count);
    if (h.count > max_entries) return fail(Error::too_many_entries);
    h.image_size = load64(b, header_field::image_size);
    // A whole number of pages, so that mapping a payload's last page exposes only image bytes.
    if (h.image_size < table_end(h.count) || !is_aligned(h.image_size, page)) return fail(Error::bad_image_size);
    if (h.image_size > b.size()) return fail(Error::truncated);
    if (crc32(b.slice(header_bytes, table_end(h.count) - header_bytes)) != load32(b, header_field::table_crc))
        return fail(Error::bad_table_checksum);
    return {};
}

// The name field holds the name, a NUL and NUL padding: one encoding per name, nothing hidden.
Status<Error> check_name_field(Bytes record) {
    auto* field = reinterpret_cast<const char*>(record.data() + entry_field::name);
    usize length = str_length_bounded(field, name_bytes);
    if (length == name_bytes) return fail(Error::name_unterminated);
    if (auto s = check_name(field, length); !s) return s;
    if (!all_zero(record.slice(entry_field::name + length, name_bytes - length))) return fail(Error::name_not_padded);
    return {};
}

// Placement of one payload: page-aligned, after the table, inside the image.
Status<Error> check_placement(u64 offset, u64 size, const Header& h) {
    if (!is_aligned(offset, page)) return fail(Error::payload_misaligned);
    u64 end;
    if (add_overflows(offset, size, end) || end > h.image_size) return fail(Error::payload_out_of_bounds);
    if (offset < table_end(h.count)) return fail(Error::payload_overlaps_table);
    return {};
}

Status<Error> check_record(Bytes image, u32 index, const Header& h) {
    Bytes record = entry_record(image, index);
    if (auto s = check_name_field(record); !s) return s;
    if (!is_known(Kind(load32(record, entry_field::kind)))) return fail(Error::unknown_kind);
    return check_placement(load64(record, entry_field::offset), load64(record, entry_field::size), h);
}

bool overlap(const Entry& a, const Entry& b) {
    // Empty payloads occupy no bytes; the ends cannot overflow, placement was checked.
    return a.data.size() && b.data.size() && a.offset < b.offset + b.data.size() && b.offset < a.offset + a.data.size();
}

// Relations between entries: unique names, disjoint payloads, at most one manifest.
// Quadratic, but over at most 64 entries: cheaper than any index would be to build.
Status<Error> check_relations(const Image& image) {
    u32 manifests = 0;
    for (u32 i = 0; i < image.count(); ++i) {
        Entry a = *image.entry(i);
        if (a.kind == Kind::manifest && ++manifests > 1) return fail(Error::multiple_manifests);
        for (u32 j = i + 1; j < image.count(); ++j) {
            Entry b = *image.entry(j);
            if (str_equal(a.name, b.name)) return fail(Error::name_duplicate);
            if (overlap(a, b)) return fail(Error::payload_overlap);
        }
    }
    return {};
}

// Last, because it reads every payload byte: a malformed image is refused cheaply first.
Status<Error> check_payloads(const Image& image, Bytes b) {
    for (u32 i = 0; i < image.count(); ++i) {
        Entry e = *image.entry(i);
        if (crc32(e.data) != load32(entry_record(b, i), entry_field::crc)) return fail(Error::payload_checksum);
    }
    return {};
}

constexpr bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '/';
}

struct KindName {
    Kind kind;
    const char* name;
};

constexpr KindName kind_names[] = {
    {Kind::manifest, "manifest"},
    {Kind::program, "program"},
    {Kind::guest_kernel, "guest-kernel"},
    {Kind::guest_initrd, "guest-initrd"},
    {Kind::guest_dtb, "guest-dtb"},
    {Kind::data, "data"},
};

} // namespace

Result<Image, Error> Image::open(Bytes available) {
    Header h;
    if (auto s = check_header(available, h); !s) return fail(s.error());
    Bytes b = available.slice(0, h.image_size);
    for (u32 i = 0; i < h.count; ++i)
        if (auto s = check_record(b, i, h); !s) return fail(s.error());
    Image image(b, h.count);
    if (auto s = check_relations(image); !s) return fail(s.error());
    if (auto s = check_payloads(image, b); !s) return fail(s.error());
    return image;
}

Entry Image::decode(u32 index) const {
    Bytes record = entry_record(image_, index);
    u64 offset = load64(record, entry_field::offset);
    return Entry{
        .name = reinterpret_cast<const char*>(record.data() + entry_field::name),
        .kind = Kind(load32(record, entry_field::kind)),
        .data = image_.slice(offset, load64(record, entry_field::size)),
        .offset = offset,
    };
}

Result<Entry, Error> Image::entry(u32 index) const {
    if (index >= count_) return fail(Error::not_found);
    return decode(index);
}

Result<Entry, Error> Image::find(const char* name) const {
    for (Entry e : all())
        if (str_equal(e.name, name)) return e;
    return fail(Error::not_found);
}

EntryRange Image::all() const { return EntryRange(this, Kind{}, true); }
EntryRange Image::of_kind(Kind kind) const { return EntryRange(this, kind, false); }

EntryRange::Iterator EntryRange::begin() const {
    Iterator it(this, 0);
    it.skip_others();
    return it;
}

EntryRange::Iterator& EntryRange::Iterator::operator++() {
    ++index_;
    skip_others();
    return *this;
}

void EntryRange::Iterator::skip_others() {
    while (index_ < range_->image_->count() && !range_->every_ && (**this).kind != range_->kind_) ++index_;
}

Status<Error> check_name(const char* name, usize length) {
    if (length == 0) return fail(Error::name_empty);
    if (length > max_name_length) return fail(Error::name_too_long);
    for (usize i = 0; i < length; ++i)
        if (!name_char(name[i])) return fail(Error::name_bad_char);
    return {};
}

const char* kind_name(Kind k) {
    for (const KindName& n : kind_names)
        if (n.kind == k) return n.name;
    return "unknown";
}

Result<Kind, Error> kind_from_name(const char* name) {
    for (const KindName& n : kind_names)
        if (str_equal(n.name, name)) return n.kind;
    return fail(Error::unknown_kind);
}

const char* describe(Error e) {
    switch (e) {
    case Error::truncated: return "image is shorter than its header or its declared size";
    case Error::bad_magic: return "not a boot image (magic is not \"ISOKBOOT\")";
    case Error::bad_version: return "unsupported boot image format version";
    case Error::bad_header_checksum: return "header checksum mismatch: the header is corrupted";
    case Error::reserved_not_zero: return "reserved header bytes are not zero";
    case Error::too_many_entries: return "more entries than the limit of 64";
    case Error::bad_image_size:
        return "declared image size is below the end of the entry table or not a multiple of 4 KiB";
    case Error::bad_table_checksum: return "entry table checksum mismatch: the table is corrupted";
    case Error::name_empty: return "entry name is empty";
    case Error::name_too_long: return "entry name is longer than 47 characters";
    case Error::name_unterminated: return "entry name is not NUL-terminated within its 48-byte field";
    case Error::name_bad_char: return "entry name has a character outside A-Z a-z 0-9 . _ - /";
    case Error::name_not_padded: return "bytes after an entry name's terminator are not zero";
    case Error::name_duplicate: return "two entries have the same name";
    case Error::unknown_kind: return "unknown entry kind";
    case Error::multiple_manifests: return "more than one manifest entry";
    case Error::payload_misaligned: return "payload offset is not a multiple of 4 KiB";
    case Error::payload_out_of_bounds: return "payload extends past the end of the image";
    case Error::payload_overlaps_table: return "payload overlaps the header or the entry table";
    case Error::payload_overlap: return "two payloads overlap";
    case Error::payload_checksum: return "payload checksum mismatch: the payload is corrupted";
    case Error::not_found: return "no such entry";
    }
    return "unknown error";
}

} // namespace isok::bootimage
