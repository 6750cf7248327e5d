// ELF64 reader: exact decoding of a small executable, one refusal per error, every
// truncation, random damage, and a real riscv64 executable from the cross toolchain.
#include <gtest/gtest.h>
#include <isok/elf.hpp>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

namespace elf = isok::elf;
using elf::Error;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;

constexpr u64 limit = u64{1} << 38; // the lower half of Sv39
constexpr u32 R = 4, W = 2, X = 1;
constexpr u32 load = 1, note = 4, gnu_stack = 0x6474e551;

isok::Bytes view(const std::vector<u8>& v) { return {v.data(), v.size()}; }

// Raw fields use the literal offsets of the ELF64 specification, not the library's
// constants, so that a slip in the library's layout shows up here.
void put16(std::vector<u8>& v, size_t o, u64 x) { for (size_t i = 0; i < 2; ++i) v[o + i] = u8(x >> (8 * i)); }
void put32(std::vector<u8>& v, size_t o, u64 x) { for (size_t i = 0; i < 4; ++i) v[o + i] = u8(x >> (8 * i)); }
void put64(std::vector<u8>& v, size_t o, u64 x) { for (size_t i = 0; i < 8; ++i) v[o + i] = u8(x >> (8 * i)); }
constexpr size_t phdr_at(size_t index) { return 64 + 56 * index; }

struct Phdr {
    u32 type = load;
    u32 flags = R;
    u64 offset = 0;
    u64 vaddr = 0;
    u64 filesz = 0;
    u64 memsz = 0;
    u64 align = 0x1000;
};

// A test-side writer: ELF header, program header table right behind it, and a file just
// long enough for every segment's bytes, filled with a pattern.
std::vector<u8> write(u64 entry, const std::vector<Phdr>& phdrs) {
    size_t size = phdr_at(phdrs.size());
    for (const Phdr& p : phdrs)
        if (p.type == load && p.offset + p.filesz < (u64{1} << 32)) size = std::max<size_t>(size, p.offset + p.filesz);
    std::vector<u8> v(size);
    for (size_t i = 0; i < size; ++i) v[i] = u8(i * 13 + (i >> 8));
    const u8 ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    std::memcpy(v.data(), ident, sizeof(ident));
    put16(v, 16, 2);   // e_type ET_EXEC
    put16(v, 18, 243); // e_machine EM_RISCV
    put32(v, 20, 1);   // e_version
    put64(v, 24, entry);
    put64(v, 32, 64);  // e_phoff
    put64(v, 40, 0);   // e_shoff: no section headers
    put32(v, 48, 5);   // e_flags: RVC, double-float ABI (not checked)
    put16(v, 52, 64);  // e_ehsize
    put16(v, 54, 56);  // e_phentsize
    put16(v, 56, phdrs.size());
    put16(v, 58, 64), put16(v, 60, 0), put16(v, 62, 0);
    for (size_t i = 0; i < phdrs.size(); ++i) {
        const Phdr& p = phdrs[i];
        const size_t o = phdr_at(i);
        put32(v, o, p.type), put32(v, o + 4, p.flags), put64(v, o + 8, p.offset), put64(v, o + 16, p.vaddr);
        put64(v, o + 24, p.vaddr), put64(v, o + 32, p.filesz), put64(v, o + 40, p.memsz), put64(v, o + 48, p.align);
    }
    return v;
}

// Text RX at 0x10000 and data RW with BSS at 0x12400, listed out of order between
// headers the reader must skip.
const Phdr text_load{load, R | X, 0x1000, 0x10000, 0x1234, 0x1234, 0x1000};
const Phdr data_load{load, R | W, 0x2400, 0x12400, 0x100, 0x3000, 0x1000};
constexpr u64 entry = 0x10010;

std::vector<Phdr> sample_phdrs() { return {{note, R, 0x200, 0, 0x20, 0x20, 4}, data_load, text_load, {gnu_stack, R | W}}; }
std::vector<u8> sample() { return write(entry, sample_phdrs()); }

Error refusal(const std::vector<u8>& v, u64 user_limit = limit) {
    auto image = elf::Image::open(view(v), user_limit);
    EXPECT_FALSE(image.ok());
    return image.ok() ? Error(0xff) : image.error();
}

Error refusal(u64 e, const std::vector<Phdr>& phdrs) { return refusal(write(e, phdrs)); }
bool accepted(u64 e, const std::vector<Phdr>& phdrs) { return elf::Image::open(view(write(e, phdrs)), limit).ok(); }

TEST(Elf, DecodesSegmentsExactlyAndSortedByAddress) {
    const auto v = sample();
    auto image = elf::Image::open(view(v), limit);
    ASSERT_TRUE(image.ok()) << elf::describe(image.error());
    EXPECT_EQ(image->entry(), entry);
    ASSERT_EQ(image->segment_count(), 2u);
    EXPECT_EQ(image->lowest(), 0x10000u);
    EXPECT_EQ(image->highest(), 0x16000u); // 0x12400 + 0x3000 rounded up

    const elf::Segment t = image->segment(0);
    EXPECT_EQ(t.vaddr, 0x10000u);
    EXPECT_EQ(t.mem_size, 0x1234u);
    EXPECT_EQ(t.file_offset, 0x1000u);
    EXPECT_EQ(t.data.data(), v.data() + 0x1000);
    EXPECT_EQ(t.data.size(), 0x1234u);
    EXPECT_TRUE(t.read && !t.write && t.execute);

    const elf::Segment d = image->segment(1);
    EXPECT_EQ(d.vaddr, 0x12400u);
    EXPECT_EQ(d.mem_size, 0x3000u);
    EXPECT_EQ(d.file_offset, 0x2400u);
    EXPECT_EQ(d.data.data(), v.data() + 0x2400);
    EXPECT_EQ(d.data.size(), 0x100u);
    EXPECT_TRUE(d.read && d.write && !d.execute);

    EXPECT_EQ(image->segment(2).mem_size, 0u); // out of range: an empty segment
}

TEST(Elf, EmptyImageHasNoSegments) {
    elf::Image image;
    EXPECT_EQ(image.segment_count(), 0u);
    EXPECT_EQ(image.segment(0).data.size(), 0u);
}

TEST(Elf, EveryErrorIsDescribed) {
    for (int e = int(Error::truncated); e <= int(Error::no_loadable_segment); ++e) {
        const std::string words = elf::describe(Error(e));
        EXPECT_FALSE(words.empty());
        EXPECT_NE(words, "unknown error") << e;
    }
}

TEST(Elf, RefusesShortFilesAndTables) {
    EXPECT_EQ(refusal({}), Error::truncated);
    EXPECT_EQ(refusal({0x7f, 'E', 'L'}), Error::truncated);
    auto v = sample();
    v.resize(63);
    EXPECT_EQ(refusal(v), Error::truncated);
    v = sample();
    put64(v, 32, v.size() - 4 * 56 + 1); // table's last byte one past the end
    EXPECT_EQ(refusal(v), Error::truncated);
    put64(v, 32, ~u64{0} - 8); // e_phoff + table size wraps
    EXPECT_EQ(refusal(v), Error::truncated);
    put64(v, 32, v.size() - 4 * 56); // table ends exactly at the end of the file
    EXPECT_NE(refusal(v), Error::truncated);
}

TEST(Elf, RefusesForeignHeaders) {
    auto with = [](size_t offset, size_t bytes, u64 value) {
        auto v = sample();
        bytes == 1 ? void(v[offset] = u8(value)) : bytes == 2 ? put16(v, offset, value) : put32(v, offset, value);
        return refusal(v);
    };
    EXPECT_EQ(with(0, 1, 0x7e), Error::bad_magic);
    EXPECT_EQ(with(3, 1, 'f'), Error::bad_magic);
    EXPECT_EQ(refusal({'M', 'Z', 0, 0, 0, 0}), Error::bad_magic);
    EXPECT_EQ(with(4, 1, 1), Error::not_64bit); // ELFCLASS32
    EXPECT_EQ(with(4, 1, 0), Error::not_64bit);
    EXPECT_EQ(with(5, 1, 2), Error::not_little_endian); // ELFDATA2MSB
    EXPECT_EQ(with(6, 1, 0), Error::bad_version);
    EXPECT_EQ(with(20, 4, 2), Error::bad_version);
    EXPECT_EQ(with(16, 2, 3), Error::not_executable); // ET_DYN
    EXPECT_EQ(with(16, 2, 1), Error::not_executable); // ET_REL
    EXPECT_EQ(with(18, 2, 62), Error::wrong_machine); // EM_X86_64
    EXPECT_EQ(with(18, 2, 183), Error::wrong_machine); // EM_AARCH64
    EXPECT_EQ(with(54, 2, 64), Error::bad_phdr_size);
    EXPECT_EQ(with(54, 2, 0), Error::bad_phdr_size);
    EXPECT_EQ(with(56, 2, 65), Error::too_many_segments);
    EXPECT_EQ(with(56, 2, 0xffff), Error::too_many_segments); // PN_XNUM
}

TEST(Elf, LimitsSegmentsAndHeaders) {
    std::vector<Phdr> phdrs;
    for (u64 i = 0; i < 16; ++i) phdrs.push_back({load, R | X, 0x1000, 0x10000 + 0x10000 * i, 0x10, 0x10, 0x1000});
    for (u64 i = 0; i < 48; ++i) phdrs.push_back({gnu_stack, R | W});
    EXPECT_TRUE(accepted(0x10000, phdrs)); // 16 loads among 64 headers
    phdrs.push_back({gnu_stack, R | W});
    EXPECT_EQ(refusal(0x10000, phdrs), Error::too_many_segments); // 65 headers
    phdrs.resize(17);
    phdrs[16] = {load, R, 0x1000, 0x200000, 0x10, 0x10, 0x1000};
    EXPECT_EQ(refusal(0x10000, phdrs), Error::too_many_segments); // 17 loads
    phdrs[16].memsz = 0, phdrs[16].filesz = 0;
    EXPECT_TRUE(accepted(0x10000, phdrs)); // an empty PT_LOAD maps nothing and is skipped
}

// The sample with one field of its data segment (table index 1) replaced.
std::vector<u8> sample_with_data(size_t field, u64 value) {
    auto v = sample();
    put64(v, phdr_at(1) + field, value);
    return v;
}

TEST(Elf, RefusesSegmentsOutsideTheFile) {
    EXPECT_EQ(refusal(sample_with_data(32, 0x101)), Error::segment_out_of_file); // p_filesz one too many
    EXPECT_EQ(refusal(sample_with_data(8, 0x3400)), Error::segment_out_of_file); // p_offset past the end
    Phdr d = data_load;
    d.offset = 0x100400, d.vaddr = 0x100400, d.filesz = 0;
    EXPECT_TRUE(accepted(entry, {text_load, d})); // zero file bytes may start anywhere
}

TEST(Elf, RefusesWrappingSegments) {
    EXPECT_EQ(refusal(sample_with_data(8, ~u64{0} - 0x10)), Error::segment_overflow);  // p_offset + p_filesz
    EXPECT_EQ(refusal(sample_with_data(32, ~u64{0})), Error::segment_overflow);        // p_filesz alone
    EXPECT_EQ(refusal(sample_with_data(40, ~u64{0} - 0x100)), Error::segment_overflow); // p_vaddr + p_memsz
    Phdr d = data_load;
    d.vaddr = ~u64{0} - 0xbff, d.filesz = 0x10, d.memsz = 0x10; // no wrap, but its last page does
    EXPECT_EQ(refusal(entry, {text_load, d}), Error::segment_overflow);
}

TEST(Elf, RefusesMoreFileBytesThanMemory) {
    EXPECT_EQ(refusal(sample_with_data(40, 0xff)), Error::file_larger_than_memory);
    EXPECT_TRUE(elf::Image::open(view(sample_with_data(40, 0x100)), limit).ok()); // equal is fine
    Phdr empty = text_load;
    empty.vaddr = 0, empty.memsz = 0; // an empty PT_LOAD is skipped, but not one with file bytes
    EXPECT_EQ(refusal(entry, {text_load, empty}), Error::file_larger_than_memory);
    empty.filesz = 0, empty.flags = R | W | X;
    EXPECT_TRUE(accepted(entry, {text_load, empty}));
}

TEST(Elf, RefusesMisalignedSegments) {
    Phdr d = data_load;
    d.vaddr += 8; // address and file offset disagree within the page
    EXPECT_EQ(refusal(entry, {text_load, d}), Error::misaligned_segment);
    d = data_load, d.align = 0x3000;
    EXPECT_EQ(refusal(entry, {text_load, d}), Error::misaligned_segment); // not a power of two
    d.align = 0x10000, d.vaddr = 0x13400;
    EXPECT_EQ(refusal(entry, {text_load, d}), Error::misaligned_segment); // 0x13400 vs 0x2400 modulo 64 KiB
    d.vaddr = 0x22400;
    EXPECT_TRUE(accepted(entry, {text_load, d})); // 0x22400 and 0x2400 agree modulo 64 KiB
    for (u64 align : {0, 1, 2, 8, 0x1000}) { // 0 and 1: no constraint; below a page: the page rules
        d = data_load, d.align = align;
        EXPECT_TRUE(accepted(entry, {text_load, d})) << align;
    }
}

TEST(Elf, RefusesSegmentsSharingAPage) {
    Phdr d = data_load;
    d.offset = 0x2300, d.vaddr = 0x11300; // starts in the page where text ends
    EXPECT_EQ(refusal(entry, {text_load, d}), Error::overlapping_segments);
    d.flags = R | X; // same permissions do not make a shared page acceptable
    EXPECT_EQ(refusal(entry, {text_load, d}), Error::overlapping_segments);
    EXPECT_EQ(refusal(entry, {text_load, text_load}), Error::overlapping_segments);
    Phdr big = text_load;
    big.memsz = 0x100000; // covers both others; comparing sorted neighbours finds it
    Phdr far = data_load;
    far.offset = 0x2400, far.vaddr = 0x52400;
    EXPECT_EQ(refusal(entry, {far, data_load, big}), Error::overlapping_segments);
    d = data_load;
    d.offset = 0x2000, d.vaddr = 0x12000; // the first page after text's last one
    EXPECT_TRUE(accepted(entry, {d, text_load}));
}

TEST(Elf, RefusesSegmentsOutsideUserSpace) {
    Phdr t = text_load;
    t.vaddr = 0x0; // would map page 0
    EXPECT_EQ(refusal(0x10, {t}), Error::segment_outside_user_space);
    t.vaddr = 0x1000; // page 1 is the lowest allowed
    EXPECT_TRUE(accepted(0x1010, {t}));
    t.vaddr = limit - 0x2000, t.memsz = 0x2000; // ends exactly at the limit
    EXPECT_TRUE(accepted(t.vaddr, {t}));
    t.memsz = 0x1801; // ends below the limit, but its last page reaches past it
    EXPECT_TRUE(accepted(t.vaddr, {t}));
    t.memsz = 0x2001;
    EXPECT_EQ(refusal(t.vaddr, {t}), Error::segment_outside_user_space);
    t.vaddr = u64{1} << 63, t.memsz = 0x2000; // kernel half
    EXPECT_EQ(refusal(t.vaddr, {t}), Error::segment_outside_user_space);
    EXPECT_TRUE(elf::Image::open(view(write(t.vaddr, {t})), ~u64{0}).ok()); // another limit
}

TEST(Elf, RefusesEntryOutsideExecutableSegments) {
    EXPECT_EQ(refusal(0, sample_phdrs()), Error::entry_not_executable);
    EXPECT_EQ(refusal(data_load.vaddr, sample_phdrs()), Error::entry_not_executable); // in data
    EXPECT_EQ(refusal(text_load.vaddr + text_load.memsz, sample_phdrs()), Error::entry_not_executable); // one past
    EXPECT_EQ(refusal(text_load.vaddr - 1, sample_phdrs()), Error::entry_not_executable);
    EXPECT_TRUE(accepted(text_load.vaddr + text_load.memsz - 1, sample_phdrs()));
    EXPECT_TRUE(accepted(text_load.vaddr, sample_phdrs()));
    Phdr d = data_load;
    d.flags = R;
    EXPECT_EQ(refusal(data_load.vaddr, {d}), Error::entry_not_executable); // nothing executable
}

TEST(Elf, RefusesWritableAndExecutableSegments) {
    Phdr t = text_load;
    t.flags = R | W | X;
    EXPECT_EQ(refusal(entry, {t, data_load}), Error::writable_and_executable);
    t.flags = W | X;
    EXPECT_EQ(refusal(entry, {t, data_load}), Error::writable_and_executable);
    t.flags = X; // execute-only is allowed; RISC-V can map it
    EXPECT_TRUE(accepted(entry, {t, data_load}));
}

TEST(Elf, RefusesFilesWithoutLoadableSegments) {
    EXPECT_EQ(refusal(entry, {}), Error::no_loadable_segment);
    EXPECT_EQ(refusal(entry, {{note, R, 0x200, 0, 0x20, 0x20, 4}, {gnu_stack, R | W}}), Error::no_loadable_segment);
    Phdr t = text_load;
    t.memsz = 0, t.filesz = 0;
    EXPECT_EQ(refusal(entry, {t}), Error::no_loadable_segment);
}

TEST(Elf, RefusesEveryTruncation) {
    const auto v = sample();
    for (size_t n = 0; n < v.size(); ++n) {
        const std::vector<u8> prefix(v.begin(), v.begin() + n);
        auto image = elf::Image::open(view(prefix), limit);
        ASSERT_FALSE(image.ok()) << n;
        EXPECT_TRUE(image.error() == Error::truncated || image.error() == Error::segment_out_of_file) << n;
    }
}

// Everything open() promises, checked from the outside on an accepted file.
void expect_promises_kept(const elf::Image& image, const std::vector<u8>& file, u64 user_limit) {
    ASSERT_GT(image.segment_count(), 0u);
    bool entry_found = false;
    u64 previous_end = 0;
    for (size_t i = 0; i < image.segment_count(); ++i) {
        const elf::Segment s = image.segment(i);
        ASSERT_GE(s.data.data(), file.data());
        ASSERT_LE(s.data.data() + s.data.size(), file.data() + file.size());
        if (s.data.size()) {
            EXPECT_EQ(s.data.data(), file.data() + s.file_offset);
        }
        EXPECT_LE(s.data.size(), s.mem_size);
        EXPECT_GT(s.mem_size, 0u);
        EXPECT_GE(s.vaddr, 0x1000u);
        EXPECT_LE(s.vaddr + s.mem_size, user_limit);
        EXPECT_LE(isok::align_up(s.vaddr + s.mem_size, 0x1000), user_limit);
        EXPECT_EQ(s.vaddr % 0x1000, s.file_offset % 0x1000);
        EXPECT_FALSE(s.write && s.execute);
        EXPECT_GE(isok::align_down(s.vaddr, 0x1000), previous_end); // sorted, no page shared
        previous_end = isok::align_up(s.vaddr + s.mem_size, 0x1000);
        EXPECT_GE(s.vaddr, image.lowest());
        EXPECT_LE(previous_end, image.highest());
        if (s.execute && image.entry() >= s.vaddr && image.entry() - s.vaddr < s.mem_size) entry_found = true;
    }
    EXPECT_TRUE(entry_found);
    EXPECT_EQ(image.lowest(), isok::align_down(image.segment(0).vaddr, 0x1000));
    EXPECT_EQ(image.highest(), previous_end);
}

TEST(Elf, SurvivesRandomDamage) {
    const auto original = sample();
    std::mt19937_64 random(20240611);
    size_t accepted_count = 0;
    for (int round = 0; round < 5000; ++round) {
        auto v = original;
        const int flips = 1 + int(random() % 8);
        // Mostly the headers, where every byte matters; sometimes anywhere.
        const size_t span = round % 4 ? phdr_at(4) : v.size();
        for (int i = 0; i < flips; ++i) v[random() % span] ^= u8(1 + random() % 255);
        if (round % 16 == 0) v.resize(random() % (v.size() + 1));
        auto image = elf::Image::open(view(v), limit);
        if (!image.ok()) {
            EXPECT_LE(int(image.error()), int(Error::no_loadable_segment));
            continue;
        }
        ++accepted_count;
        expect_promises_kept(*image, v, limit);
        if (HasFatalFailure() || HasNonfatalFailure()) FAIL() << "round " << round;
    }
    EXPECT_GT(accepted_count, 0u); // the damage does not only hit fatal bytes
}

// Built by tests/unit/CMakeLists.txt with clang and lld from a four-line C program.
TEST(Elf, LoadsARealRiscvExecutable) {
    std::ifstream in(ISOK_ELF_SAMPLE, std::ios::binary);
    ASSERT_TRUE(in) << ISOK_ELF_SAMPLE;
    const std::vector<u8> file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto image = elf::Image::open(view(file), limit);
    ASSERT_TRUE(image.ok()) << elf::describe(image.error());
    expect_promises_kept(*image, file, limit);
    EXPECT_EQ(image->lowest(), 0x10000u); // --image-base

    size_t executable = 0, writable = 0;
    bool message_found = false;
    for (size_t i = 0; i < image->segment_count(); ++i) {
        const elf::Segment s = image->segment(i);
        executable += s.execute, writable += s.write;
        if (s.write) {
            EXPECT_GE(s.mem_size, 4096u + 4u); // int zeros[1024] in BSS after counter
        }
        const std::string bytes(reinterpret_cast<const char*>(s.data.data()), s.data.size());
        if (!s.write && !s.execute && bytes.find("isokernel elf sample") != std::string::npos) message_found = true;
    }
    EXPECT_EQ(executable, 1u);
    EXPECT_EQ(writable, 1u);
    EXPECT_TRUE(message_found); // const data lands in a read-only segment
}

} // namespace
