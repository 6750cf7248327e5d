// Boot image writer and reader: round trips, the byte layout of docs/boot-image.md, and
// hostile images the reader must refuse without reading out of bounds.
#include <gtest/gtest.h>
#include <isok/boot_image.hpp>
#include <isok/boot_image_writer.hpp>
#include <isok/crc32.hpp>
#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

namespace bi = isok::bootimage;
using bi::Error;
using bi::Kind;
using isok::u32;
using isok::u64;
using isok::u8;

isok::Bytes view(const std::vector<u8>& v) { return {v.data(), v.size()}; }
std::vector<u8> to_vector(isok::Bytes b) { return {b.data(), b.data() + b.size()}; }
u32 crc(const std::vector<u8>& v, size_t offset, size_t size) { return isok::crc32(view(v).slice(offset, size)); }

// Raw fields use the literal offsets of docs/boot-image.md, not the library's constants,
// so that a slip in either the document or the code shows up here.
u32 get32(const std::vector<u8>& v, size_t o) {
    return u32(v[o]) | u32(v[o + 1]) << 8 | u32(v[o + 2]) << 16 | u32(v[o + 3]) << 24;
}
u64 get64(const std::vector<u8>& v, size_t o) { return get32(v, o) | u64(get32(v, o + 4)) << 32; }
void put32(std::vector<u8>& v, size_t o, u32 x) { for (size_t i = 0; i < 4; ++i) v[o + i] = u8(x >> (8 * i)); }
void put64(std::vector<u8>& v, size_t o, u64 x) { put32(v, o, u32(x)), put32(v, o + 4, u32(x >> 32)); }
constexpr size_t record(size_t index) { return 64 + 72 * index; }
constexpr size_t name_at(size_t index) { return record(index); }
constexpr size_t kind_at(size_t index) { return record(index) + 48; }
constexpr size_t offset_at(size_t index) { return record(index) + 56; }
constexpr size_t size_at(size_t index) { return record(index) + 64; }

// Recomputes both checksums, as a hostile image's author would, to reach the checks behind them.
void reseal(std::vector<u8>& v) {
    const u32 count = std::min(get32(v, 12), 64u);
    put32(v, 24, crc(v, 64, 72 * count));
    put32(v, 60, crc(v, 0, 60));
}

std::vector<u8> pattern(size_t size, u8 seed) {
    std::vector<u8> v(size);
    for (size_t i = 0; i < size; ++i) v[i] = u8(seed + i * 7 + (i >> 8));
    return v;
}

struct Item {
    Kind kind;
    std::string name;
    std::vector<u8> payload;
};

// Several kinds, an exactly page-sized payload, a multi-page one, an empty one and a single byte.
const std::vector<Item>& sample_items() {
    static const std::vector<Item> items = {
        {Kind::manifest, "system", pattern(100, 1)},
        {Kind::program, "hello", pattern(5000, 2)},
        {Kind::guest_kernel, "linux/Image", pattern(4096, 3)},
        {Kind::data, "empty", {}},
        {Kind::program, "init", pattern(1, 4)},
    };
    return items;
}

std::vector<u8> build(const std::vector<Item>& items) {
    bi::Writer writer;
    for (const Item& item : items) EXPECT_TRUE(writer.add(item.kind, item.name, item.payload).ok()) << item.name;
    return writer.build();
}

std::vector<Item> many_items(size_t count) {
    std::vector<Item> items;
    for (size_t i = 0; i < count; ++i) items.push_back({Kind::data, "d" + std::to_string(i), pattern(10, u8(i))});
    return items;
}

// The error of an image that must be refused; not_found (which open never returns) if it was accepted.
Error refused(const std::vector<u8>& v) {
    auto image = bi::Image::open(view(v));
    EXPECT_FALSE(image.ok());
    return image.ok() ? Error::not_found : image.error();
}

Error refused_sealed(std::vector<u8> v) { return reseal(v), refused(v); }

std::vector<std::string> names(bi::EntryRange range) {
    std::vector<std::string> out;
    for (bi::Entry e : range) out.push_back(e.name);
    return out;
}

TEST(BootImage, RoundTripKeepsEveryEntry) {
    const std::vector<u8> bytes = build(sample_items());
    auto image = bi::Image::open(view(bytes));
    ASSERT_TRUE(image.ok()) << bi::describe(image.error());
    ASSERT_EQ(image->count(), sample_items().size());
    EXPECT_EQ(image->size(), bytes.size());
    for (u32 i = 0; i < image->count(); ++i) {
        auto entry = image->entry(i);
        ASSERT_TRUE(entry.ok());
        EXPECT_EQ(std::string(entry->name), sample_items()[i].name);
        EXPECT_EQ(entry->kind, sample_items()[i].kind);
        EXPECT_EQ(to_vector(entry->data), sample_items()[i].payload);
        EXPECT_EQ(entry->offset % 4096, 0u);
        EXPECT_EQ(entry->data.data(), bytes.data() + entry->offset) << "payloads are views, not copies";
    }
}

TEST(BootImage, FindsByNameAndKind) {
    const std::vector<u8> bytes = build(sample_items());
    auto image = bi::Image::open(view(bytes));
    ASSERT_TRUE(image.ok());
    auto hello = image->find("hello");
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(to_vector(hello->data), sample_items()[1].payload);
    EXPECT_EQ(image->find("hell").error(), Error::not_found);
    EXPECT_EQ(image->find("").error(), Error::not_found);
    EXPECT_EQ(image->entry(image->count()).error(), Error::not_found);
    EXPECT_EQ(names(image->of_kind(Kind::program)), (std::vector<std::string>{"hello", "init"}));
    EXPECT_EQ(names(image->of_kind(Kind::manifest)), (std::vector<std::string>{"system"}));
    EXPECT_TRUE(names(image->of_kind(Kind::guest_dtb)).empty());
    EXPECT_EQ(names(image->all()).size(), sample_items().size());
}

TEST(BootImage, ByteLayoutMatchesTheDocument) {
    const std::vector<u8> v = build(sample_items());
    EXPECT_EQ(std::string(v.begin(), v.begin() + 8), "ISOKBOOT");
    EXPECT_EQ(get32(v, 8), 1u);
    EXPECT_EQ(get32(v, 12), 5u);
    EXPECT_EQ(get64(v, 16), v.size());
    EXPECT_EQ(v.size(), 0x6000u); // table page + 1 + 2 + 1 + 0 + 1 payload pages
    EXPECT_EQ(get32(v, 24), crc(v, 64, 5 * 72));
    EXPECT_EQ(get32(v, 60), crc(v, 0, 60));
    EXPECT_EQ(std::vector<u8>(v.begin() + 28, v.begin() + 60), std::vector<u8>(32, 0));
    const u64 offsets[] = {0x1000, 0x2000, 0x4000, 0x5000, 0x5000};
    for (size_t i = 0; i < 5; ++i) {
        const Item& item = sample_items()[i];
        std::vector<u8> name(48, 0);
        std::copy(item.name.begin(), item.name.end(), name.begin());
        EXPECT_EQ(std::vector<u8>(v.begin() + name_at(i), v.begin() + name_at(i) + 48), name);
        EXPECT_EQ(get32(v, kind_at(i)), u32(item.kind));
        EXPECT_EQ(get32(v, record(i) + 52), isok::crc32(view(item.payload)));
        EXPECT_EQ(get64(v, offset_at(i)), offsets[i]);
        EXPECT_EQ(get64(v, size_at(i)), item.payload.size());
    }
    EXPECT_EQ(std::vector<u8>(v.begin() + 0x1000 + 100, v.begin() + 0x2000), std::vector<u8>(0x1000 - 100, 0))
        << "padding after a payload is zero";
}

TEST(BootImage, WriterIsDeterministic) { EXPECT_EQ(build(sample_items()), build(sample_items())); }

TEST(BootImage, EmptyImageIsOnePage) {
    const std::vector<u8> v = bi::Writer().build();
    EXPECT_EQ(v.size(), 4096u);
    auto image = bi::Image::open(view(v));
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->count(), 0u);
    EXPECT_TRUE(names(image->all()).empty());
    EXPECT_EQ(image->find("x").error(), Error::not_found);
}

TEST(BootImage, TableGrowsIntoASecondPageAfter56Entries) {
    EXPECT_EQ(get64(build(many_items(56)), offset_at(0)), 0x1000u);
    EXPECT_EQ(get64(build(many_items(57)), offset_at(0)), 0x2000u);
    const std::vector<u8> full = build(many_items(64));
    auto image = bi::Image::open(view(full));
    ASSERT_TRUE(image.ok()) << bi::describe(image.error());
    EXPECT_EQ(image->count(), 64u);
    EXPECT_EQ(std::string(image->entry(63)->name), "d63");
}

TEST(BootImageWriter, RefusesWhatTheReaderWouldRefuse) {
    bi::Writer w;
    ASSERT_TRUE(w.add(Kind::manifest, "system", {}).ok());
    EXPECT_EQ(w.add(Kind::program, "", {}).error(), Error::name_empty);
    EXPECT_EQ(w.add(Kind::program, std::string(48, 'n'), {}).error(), Error::name_too_long);
    EXPECT_TRUE(w.add(Kind::program, std::string(47, 'n'), {}).ok());
    const std::string bad_names[] = {"a b", "x=y", "k:v", "tab\t", "caf\xc3\xa9", "q\"", std::string("nul\0x", 5)};
    for (const std::string& bad : bad_names)
        EXPECT_EQ(w.add(Kind::program, bad, {}).error(), Error::name_bad_char) << bad;
    EXPECT_EQ(w.add(Kind::data, "system", {}).error(), Error::name_duplicate);
    EXPECT_EQ(w.add(Kind::manifest, "other", {}).error(), Error::multiple_manifests);
    EXPECT_EQ(w.add(Kind(0), "zero", {}).error(), Error::unknown_kind);
    EXPECT_EQ(w.add(Kind(7), "seven", {}).error(), Error::unknown_kind);
    EXPECT_EQ(w.count(), 2u) << "refused entries leave the image unchanged";
    EXPECT_TRUE(w.add(Kind::guest_dtb, "A-Z_a-z.0-9/ok", {}).ok());
}

TEST(BootImageWriter, RefusesThe65thEntry) {
    bi::Writer w;
    for (int i = 0; i < 64; ++i) ASSERT_TRUE(w.add(Kind::data, "d" + std::to_string(i), {}).ok());
    EXPECT_EQ(w.add(Kind::data, "one-too-many", {}).error(), Error::too_many_entries);
}

TEST(BootImage, KindNamesRoundTrip) {
    for (u32 k = 1; k <= 6; ++k) {
        auto parsed = bi::kind_from_name(bi::kind_name(Kind(k)));
        ASSERT_TRUE(parsed.ok()) << k;
        EXPECT_EQ(*parsed, Kind(k));
    }
    EXPECT_STREQ(bi::kind_name(Kind::guest_dtb), "guest-dtb");
    EXPECT_STREQ(bi::kind_name(Kind(99)), "unknown");
    EXPECT_EQ(bi::kind_from_name("rom").error(), Error::unknown_kind);
    EXPECT_EQ(bi::kind_from_name("").error(), Error::unknown_kind);
}

TEST(BootImage, EveryErrorHasItsOwnMessage) {
    std::set<std::string> messages;
    for (u32 e = 0; e <= u32(Error::not_found); ++e) {
        std::string m = bi::describe(Error(e));
        EXPECT_FALSE(m.empty());
        EXPECT_NE(m, "unknown error") << e;
        messages.insert(m);
    }
    EXPECT_EQ(messages.size(), size_t(Error::not_found) + 1);
}

// Hostile images: each test breaks one rule of a valid image.
class HostileImage : public ::testing::Test {
protected:
    std::vector<u8> v = build(sample_items());
};

TEST_F(HostileImage, EveryTruncationIsRefused) {
    for (size_t length = 0; length < v.size(); ++length) {
        std::vector<u8> cut(v.begin(), v.begin() + length);
        EXPECT_EQ(refused(cut), Error::truncated) << "length " << length;
    }
}

TEST_F(HostileImage, BytesPastTheDeclaredSizeAreIgnored) {
    const size_t size = v.size();
    v.resize(size + 100, 0xEE);
    auto image = bi::Image::open(view(v));
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->size(), size);
}

TEST_F(HostileImage, BadMagic) {
    v[7] = 'X';
    EXPECT_EQ(refused_sealed(v), Error::bad_magic);
}

TEST_F(HostileImage, WrongVersionIsNamedEvenWithoutAValidChecksum) {
    put32(v, 8, 2);
    EXPECT_EQ(refused(v), Error::bad_version);
    EXPECT_EQ(refused_sealed(v), Error::bad_version);
}

TEST_F(HostileImage, CorruptedHeader) {
    v[17] ^= 0x10;
    EXPECT_EQ(refused(v), Error::bad_header_checksum);
}

TEST_F(HostileImage, ReservedBytesSet) {
    v[40] = 1;
    EXPECT_EQ(refused_sealed(v), Error::reserved_not_zero);
}

TEST_F(HostileImage, EntryCountTooLarge) {
    put32(v, 12, 65);
    EXPECT_EQ(refused_sealed(v), Error::too_many_entries);
    put32(v, 12, 0xFFFFFFFF);
    EXPECT_EQ(refused_sealed(v), Error::too_many_entries);
}

TEST_F(HostileImage, ImageSizeUnalignedOrTooSmallOrTooLarge) {
    put64(v, 16, v.size() - 1);
    EXPECT_EQ(refused_sealed(v), Error::bad_image_size);
    put64(v, 16, 0);
    EXPECT_EQ(refused_sealed(v), Error::bad_image_size);
    put64(v, 16, v.size() + 4096);
    EXPECT_EQ(refused_sealed(v), Error::truncated);
    put64(v, 16, ~u64{0} & ~u64{0xFFF});
    EXPECT_EQ(refused_sealed(v), Error::truncated);
}

TEST_F(HostileImage, CorruptedTable) {
    v[name_at(2)] ^= 0x01;
    EXPECT_EQ(refused(v), Error::bad_table_checksum);
}

TEST_F(HostileImage, OffsetPlusSizeOverflows) {
    put64(v, offset_at(1), 0xFFFFFFFFFFFFF000);
    put64(v, size_at(1), 0x2000);
    EXPECT_EQ(refused_sealed(v), Error::payload_out_of_bounds);
    put64(v, offset_at(1), 0x2000);
    put64(v, size_at(1), ~u64{0});
    EXPECT_EQ(refused_sealed(v), Error::payload_out_of_bounds);
}

TEST_F(HostileImage, PayloadOutsideTheImage) {
    put64(v, offset_at(4), v.size());
    EXPECT_EQ(refused_sealed(v), Error::payload_out_of_bounds);
    put64(v, offset_at(4), v.size() - 4096);
    put64(v, size_at(4), 4097);
    EXPECT_EQ(refused_sealed(v), Error::payload_out_of_bounds);
}

TEST_F(HostileImage, OverlappingPayloads) {
    put64(v, offset_at(2), 0x2000); // the start of "hello"
    EXPECT_EQ(refused_sealed(v), Error::payload_overlap);
    put64(v, offset_at(2), 0x3000); // the tail of "hello", which ends at 0x3388
    EXPECT_EQ(refused_sealed(v), Error::payload_overlap);
}

TEST_F(HostileImage, PayloadOverHeaderOrTable) {
    put64(v, offset_at(0), 0);
    EXPECT_EQ(refused_sealed(v), Error::payload_overlaps_table);
    std::vector<u8> big = build(many_items(57)); // its table runs into the second page
    put64(big, offset_at(0), 0x1000);
    EXPECT_EQ(refused_sealed(big), Error::payload_overlaps_table);
}

TEST_F(HostileImage, MisalignedPayload) {
    put64(v, offset_at(0), 0x1001);
    EXPECT_EQ(refused_sealed(v), Error::payload_misaligned);
}

TEST_F(HostileImage, UnterminatedName) {
    std::fill(v.begin() + name_at(1), v.begin() + name_at(1) + 48, 'a');
    EXPECT_EQ(refused_sealed(v), Error::name_unterminated);
}

TEST_F(HostileImage, EmptyName) {
    std::fill(v.begin() + name_at(1), v.begin() + name_at(1) + 48, 0);
    EXPECT_EQ(refused_sealed(v), Error::name_empty);
}

TEST_F(HostileImage, DuplicateName) {
    std::copy(v.begin() + name_at(0), v.begin() + name_at(0) + 48, v.begin() + name_at(3));
    EXPECT_EQ(refused_sealed(v), Error::name_duplicate);
}

TEST_F(HostileImage, NonPrintableName) {
    for (u8 bad : {u8(0x01), u8(' '), u8(0x7F), u8(0xC3), u8('=')}) {
        std::vector<u8> w = v;
        w[name_at(1) + 2] = bad;
        EXPECT_EQ(refused_sealed(w), Error::name_bad_char) << int(bad);
    }
}

TEST_F(HostileImage, BytesHiddenAfterTheName) {
    v[name_at(1) + 40] = 'x';
    EXPECT_EQ(refused_sealed(v), Error::name_not_padded);
}

TEST_F(HostileImage, UnknownKind) {
    for (u32 kind : {0u, 7u, 0xFFFFFFFFu}) {
        put32(v, kind_at(1), kind);
        EXPECT_EQ(refused_sealed(v), Error::unknown_kind) << kind;
    }
}

TEST_F(HostileImage, TwoManifests) {
    put32(v, kind_at(1), u32(Kind::manifest));
    EXPECT_EQ(refused_sealed(v), Error::multiple_manifests);
}

TEST_F(HostileImage, CorruptedPayload) {
    v[0x2000 + 4999] ^= 0x80; // the last byte of "hello"
    EXPECT_EQ(refused(v), Error::payload_checksum);
}

// Whatever the reader accepts must keep the promises its users rely on.
void expect_sound(const bi::Image& image, const std::vector<u8>& v) {
    std::vector<bi::Entry> seen;
    for (bi::Entry e : image.all()) {
        ASSERT_LT(std::char_traits<char>::length(e.name), 48u);
        ASSERT_EQ(e.offset % 4096, 0u);
        ASSERT_LE(e.offset + e.data.size(), v.size());
        ASSERT_EQ(e.data.data(), v.data() + e.offset);
        for (const bi::Entry& other : seen) {
            ASSERT_STRNE(e.name, other.name);
            const bool disjoint =
                e.offset + e.data.size() <= other.offset || other.offset + other.data.size() <= e.offset;
            ASSERT_TRUE(e.data.size() == 0 || other.data.size() == 0 || disjoint);
        }
        seen.push_back(e);
    }
}

// Seeded, so a failure reproduces. Most flips land in the header and table, where the
// parsing is; half the mutants are resealed so the checks behind the checksums are reached.
TEST_F(HostileImage, ByteFlipFuzz) {
    std::mt19937_64 rng(0x150CB007);
    std::set<Error> errors;
    int accepted = 0;
    for (int round = 0; round < 4000; ++round) {
        std::vector<u8> w = v;
        const int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f) {
            const size_t at = rng() % 4 ? rng() % record(5) : rng() % w.size();
            w[at] ^= u8(1 + rng() % 255);
        }
        if (rng() % 2) reseal(w);
        auto image = bi::Image::open(view(w));
        if (image.ok()) {
            ++accepted;
            expect_sound(*image, w);
        } else {
            ASSERT_LT(u32(image.error()), u32(Error::not_found)) << "round " << round;
            errors.insert(image.error());
        }
    }
    EXPECT_GE(errors.size(), 12u) << "the fuzz should reach most checks";
    RecordProperty("accepted", accepted);
}

} // namespace
