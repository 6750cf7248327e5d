// ELF64 executables for RISC-V: a reader that validates an untrusted file completely
// before a loader maps any of it. Only what a static, non-relocatable program needs.
#pragma once
#include <isok/bytes.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::elf {

// The parts of the ELF format this reader looks at, as the System V gABI and the
// RISC-V psABI number them. Every multi-byte field is little-endian.
namespace layout {
inline constexpr u8 magic[4] = {0x7f, 'E', 'L', 'F'};
inline constexpr usize header_bytes = 64;  // Elf64_Ehdr
inline constexpr usize phdr_bytes = 56;    // Elf64_Phdr; e_phentsize must equal it
inline constexpr u8 class_64 = 2;          // ELFCLASS64
inline constexpr u8 data_lsb = 1;          // ELFDATA2LSB
inline constexpr u32 current_version = 1;  // EV_CURRENT, in e_ident and in e_version
inline constexpr u16 type_exec = 2;        // ET_EXEC
inline constexpr u16 machine_riscv = 243;  // EM_RISCV
inline constexpr u32 pt_load = 1;          // PT_LOAD
inline constexpr u32 pf_x = 1, pf_w = 2, pf_r = 4;
inline constexpr u64 page = 4 * KiB;       // the loader's mapping granule
inline constexpr u32 max_headers = 64;     // program headers of any type
inline constexpr u32 max_segments = 16;    // PT_LOAD headers

namespace ident {
inline constexpr usize klass = 4;   // EI_CLASS
inline constexpr usize data = 5;    // EI_DATA
inline constexpr usize version = 6; // EI_VERSION
} // namespace ident

namespace header_field {
inline constexpr usize type = 16;      // e_type, u16
inline constexpr usize machine = 18;   // e_machine, u16
inline constexpr usize version = 20;   // e_version, u32
inline constexpr usize entry = 24;     // e_entry, u64
inline constexpr usize phoff = 32;     // e_phoff, u64
inline constexpr usize phentsize = 54; // e_phentsize, u16
inline constexpr usize phnum = 56;     // e_phnum, u16
} // namespace header_field

namespace phdr_field {
inline constexpr usize type = 0;    // p_type, u32
inline constexpr usize flags = 4;   // p_flags, u32
inline constexpr usize offset = 8;  // p_offset, u64
inline constexpr usize vaddr = 16;  // p_vaddr, u64
inline constexpr usize filesz = 32; // p_filesz, u64
inline constexpr usize memsz = 40;  // p_memsz, u64
inline constexpr usize align = 48;  // p_align, u64
} // namespace phdr_field
} // namespace layout

// Why a file was refused; describe() says it in words. open() reports the first
// failing check: the ELF header, then each program header in table order, then the
// relations between segments, then the entry point.
enum class Error : u8 {
    truncated,                  // shorter than the ELF header or the program header table
    bad_magic,                  // does not start with 7f 'E' 'L' 'F'
    not_64bit,                  // EI_CLASS is not ELFCLASS64
    not_little_endian,          // EI_DATA is not ELFDATA2LSB
    bad_version,                // EI_VERSION or e_version is not EV_CURRENT
    not_executable,             // e_type is not ET_EXEC (no ET_DYN: nothing is relocated)
    wrong_machine,              // e_machine is not EM_RISCV
    bad_phdr_size,              // e_phentsize is not 56
    too_many_segments,          // more than 64 program headers or 16 PT_LOAD segments
    segment_out_of_file,        // a segment's file bytes extend past the end of the file
    segment_overflow,           // p_offset + p_filesz or p_vaddr + p_memsz (page-rounded) wraps
    file_larger_than_memory,    // p_filesz > p_memsz
    misaligned_segment,         // p_vaddr and p_offset disagree modulo 4 KiB or p_align
    overlapping_segments,       // two segments touch the same page
    segment_outside_user_space, // a segment maps page 0 or ends past user_limit
    entry_not_executable,       // e_entry is not inside an executable segment
    writable_and_executable,    // a segment has both PF_W and PF_X (W^X)
    no_loadable_segment,        // no PT_LOAD segment with a non-zero p_memsz
};

const char* describe(Error e);

// One PT_LOAD segment: mem_size bytes at vaddr, of which the first data.size() come
// from the file (data points into it, no copy) and the rest are zero. RISC-V page
// tables have no write-only encoding, so a loader maps a W-only segment readable too.
struct Segment {
    u64 vaddr = 0;
    u64 mem_size = 0;
    u64 file_offset = 0;
    Bytes data;
    bool read = false;
    bool write = false;
    bool execute = false;
};

// A validated executable. open() checks everything once, so the accessors cannot
// fail on the file's content. Guarantees for every segment s:
//   - 4096 <= s.vaddr and the page-rounded end of s is at most user_limit;
//   - s.data lies inside the file, s.data.size() <= s.mem_size, s.mem_size > 0;
//   - s.vaddr and s.file_offset are equal modulo 4096 (the file can be mapped or copied
//     page by page); never both s.write and s.execute;
//   - no page holds bytes of two segments; segments are sorted by vaddr;
// and entry() lies inside an executable segment.
class Image {
public:
    // user_limit: the highest user virtual address + 1 that segments may reach (for
    // example 1ull << 38 for the lower half of Sv39). Page 0 is never mapped, so that a
    // null dereference faults.
    [[nodiscard]] static Result<Image, Error> open(Bytes file, u64 user_limit);

    Image() = default; // the empty image: no segments

    u64 entry() const { return entry_; }
    usize segment_count() const { return count_; }
    // PT_LOAD segments sorted by vaddr; an empty Segment when index >= segment_count().
    Segment segment(usize index) const;

    // The page-aligned span [lowest(), highest()) that covers every segment.
    u64 lowest() const { return lowest_; }
    u64 highest() const { return highest_; }

private:
    Bytes file_;
    Bytes table_; // the program header table, inside file_
    u64 entry_ = 0;
    u64 lowest_ = 0;
    u64 highest_ = 0;
    u16 header_[layout::max_segments] = {}; // program header index of each segment, by vaddr
    u8 count_ = 0;
};

} // namespace isok::elf
