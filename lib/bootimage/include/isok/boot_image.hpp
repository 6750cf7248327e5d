// The boot image: the one archive the loader hands the kernel (as the initrd), holding the
// system manifest, native programs and guest images. Byte layout: docs/boot-image.md.
#pragma once
#include <isok/bytes.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::bootimage {

// The on-disk format in numbers; docs/boot-image.md says the same in prose and tables.
namespace layout {
inline constexpr char magic[8] = {'I', 'S', 'O', 'K', 'B', 'O', 'O', 'T'};
inline constexpr u32 version = 1;
inline constexpr usize header_bytes = 64;
inline constexpr usize entry_bytes = 72;
inline constexpr usize name_bytes = 48; // the name, its NUL terminator and NUL padding
inline constexpr usize max_name_length = name_bytes - 1;
inline constexpr u32 max_entries = 64;
inline constexpr u64 page = 4 * KiB; // payload alignment and image size granule

namespace header_field {
inline constexpr usize magic = 0;       // 8 bytes
inline constexpr usize version = 8;     // u32
inline constexpr usize entry_count = 12; // u32
inline constexpr usize image_size = 16; // u64
inline constexpr usize table_crc = 24;  // u32, CRC32 of the entry table
inline constexpr usize reserved = 28;   // 32 bytes, zero
inline constexpr usize header_crc = 60; // u32, CRC32 of header bytes [0, 60)
} // namespace header_field

namespace entry_field {
inline constexpr usize name = 0;    // name_bytes bytes
inline constexpr usize kind = 48;   // u32
inline constexpr usize crc = 52;    // u32, CRC32 of the payload
inline constexpr usize offset = 56; // u64, from the start of the image
inline constexpr usize size = 64;   // u64, payload bytes
} // namespace entry_field
} // namespace layout

enum class Kind : u32 {
    manifest = 1,     // the system manifest the root process builds the system from
    program = 2,      // ELF executable of a native process
    guest_kernel = 3, // kernel image of a virtual machine
    guest_initrd = 4, // initial RAM disk of a virtual machine
    guest_dtb = 5,    // flattened device tree of a virtual machine
    data = 6,         // anything else a process is given to read
};

constexpr bool is_known(Kind k) { return k >= Kind::manifest && k <= Kind::data; }

// Why an image (or a writer's input, or a lookup) was refused; describe() says it in words.
enum class Error : u8 {
    truncated,
    bad_magic,
    bad_version,
    bad_header_checksum,
    reserved_not_zero,
    too_many_entries,
    bad_image_size,
    bad_table_checksum,
    name_empty,
    name_too_long,
    name_unterminated,
    name_bad_char,
    name_not_padded,
    name_duplicate,
    unknown_kind,
    multiple_manifests,
    payload_misaligned,
    payload_out_of_bounds,
    payload_overlaps_table,
    payload_overlap,
    payload_checksum,
    not_found,
};

const char* describe(Error e);

// "manifest", "program", "guest-kernel", "guest-initrd", "guest-dtb", "data"; "unknown" otherwise.
const char* kind_name(Kind k);
Result<Kind, Error> kind_from_name(const char* name);

// The rule every entry name obeys, shared by the reader and the writer: 1 to 47 characters
// from A-Z a-z 0-9 . _ - / (names appear in logs, manifests and command lines).
Status<Error> check_name(const char* name, usize length);

// One payload. name points into the image and is NUL-terminated; data is the payload
// itself (no copy); offset is where the payload starts, from the start of the image.
struct Entry {
    const char* name = "";
    Kind kind{};
    Bytes data;
    u64 offset = 0;
};

class EntryRange;

// A validated boot image. open() checks everything once, so the accessors cannot fail
// on the image's content; they only refuse indices and names that do not exist.
class Image {
public:
    // available: the bytes the loader placed (may extend past the image's declared size).
    [[nodiscard]] static Result<Image, Error> open(Bytes available);

    Image() = default; // the empty image: no entries

    u32 count() const { return count_; }
    u64 size() const { return image_.size(); }
    Result<Entry, Error> entry(u32 index) const;
    Result<Entry, Error> find(const char* name) const;

    // for (Entry e : image.all()) ... and for (Entry e : image.of_kind(Kind::program)) ...
    EntryRange all() const;
    EntryRange of_kind(Kind kind) const;

private:
    friend class EntryRange;
    Image(Bytes image, u32 count) : image_(image), count_(count) {}
    Entry decode(u32 index) const;

    Bytes image_;
    u32 count_ = 0;
};

// The entries of an image in table order, optionally only those of one kind.
class EntryRange {
public:
    class Iterator {
    public:
        Entry operator*() const { return range_->image_->decode(index_); }
        Iterator& operator++();
        bool operator==(const Iterator& other) const { return index_ == other.index_; }

    private:
        friend class EntryRange;
        Iterator(const EntryRange* range, u32 index) : range_(range), index_(index) {}
        void skip_others();

        const EntryRange* range_;
        u32 index_;
    };

    Iterator begin() const;
    Iterator end() const { return Iterator(this, image_->count()); }

private:
    friend class Image;
    EntryRange(const Image* image, Kind kind, bool every) : image_(image), kind_(kind), every_(every) {}

    const Image* image_;
    Kind kind_;
    bool every_;
};

} // namespace isok::bootimage
