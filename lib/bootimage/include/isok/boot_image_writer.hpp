// Host-only boot image writer, for isotool and the unit tests: the counterpart of Image::open.
#pragma once
#include <isok/boot_image.hpp>
#include <string>
#include <vector>

namespace isok::bootimage {

class Writer {
public:
    // Refuses, as a value, what the reader would refuse: a bad or duplicate name, an
    // unknown kind, a second manifest, one entry too many. The image is unchanged then.
    Status<Error> add(Kind kind, std::string name, std::vector<u8> payload);

    u32 count() const { return u32(items_.size()); }

    // Entries in the order they were added, each payload at the next 4 KiB boundary,
    // padding zero, checksums sealed. The same inputs always give the same bytes.
    std::vector<u8> build() const;

private:
    struct Item {
        Kind kind;
        std::string name;
        std::vector<u8> payload;
    };

    Status<Error> check(Kind kind, const std::string& name) const;
    std::vector<u64> place(usize table_end, u64& image_size) const;
    void write_header(std::vector<u8>& out) const;
    void write_entry(std::vector<u8>& out, usize index, u64 offset) const;

    std::vector<Item> items_;
};

} // namespace isok::bootimage
