// ELF64 reader: validates an untrusted executable completely before handing out any segment.
#include <isok/elf.hpp>

namespace isok::elf {
namespace {

using namespace layout;

// Field loads for offsets the caller has already bounds-checked; a load that does not
// fit yields 0, and open() checks every bound before it relies on a field.
u16 load16(Bytes b, usize offset) {
    if (!b.contains(offset, 2)) return 0;
    return u16(b.data()[offset] | b.data()[offset + 1] << 8);
}

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

// One program header, decoded.
struct Phdr {
    u32 type = 0;
    u32 flags = 0;
    u64 offset = 0;
    u64 vaddr = 0;
    u64 filesz = 0;
    u64 memsz = 0;
    u64 align = 0;
};

Phdr decode(Bytes record) {
    return Phdr{
        .type = load32(record, phdr_field::type),
        .flags = load32(record, phdr_field::flags),
        .offset = load64(record, phdr_field::offset),
        .vaddr = load64(record, phdr_field::vaddr),
        .filesz = load64(record, phdr_field::filesz),
        .memsz = load64(record, phdr_field::memsz),
        .align = load64(record, phdr_field::align),
    };
}

// What the ELF header promises, once it has been checked.
struct Header {
    u64 entry = 0;
    Bytes table; // the program header table, inside the file
    u32 count = 0;
};

// Identity first: a short file of another kind is called that, not truncated.
Status<Error> check_ident(Bytes f) {
    if (f.size() < sizeof(magic)) return fail(Error::truncated);
    for (usize i = 0; i < sizeof(magic); ++i)
        if (f.data()[i] != magic[i]) return fail(Error::bad_magic);
    if (f.size() < header_bytes) return fail(Error::truncated);
    if (f.data()[ident::klass] != class_64) return fail(Error::not_64bit);
    if (f.data()[ident::data] != data_lsb) return fail(Error::not_little_endian);
    if (f.data()[ident::version] != current_version) return fail(Error::bad_version);
    if (load32(f, header_field::version) != current_version) return fail(Error::bad_version);
    return {};
}

Status<Error> check_header(Bytes f, Header& h) {
    if (auto s = check_ident(f); !s) return s;
    if (load16(f, header_field::type) != type_exec) return fail(Error::not_executable);
    if (load16(f, header_field::machine) != machine_riscv) return fail(Error::wrong_machine);
    // Exactly Elf64_Phdr, so that every field sits where this reader expects it.
    if (load16(f, header_field::phentsize) != phdr_bytes) return fail(Error::bad_phdr_size);
    // Also refuses PN_XNUM (0xffff), whose real count would hide in section header 0.
    h.count = load16(f, header_field::phnum);
    if (h.count > max_headers) return fail(Error::too_many_segments);
    // count <= 64, so the table's size cannot overflow; its end can, with a hostile e_phoff.
    u64 offset = load64(f, header_field::phoff), end;
    if (add_overflows(offset, u64(h.count) * phdr_bytes, end) || end > f.size()) return fail(Error::truncated);
    h.table = f.slice(usize(offset), usize(h.count) * phdr_bytes);
    h.entry = load64(f, header_field::entry);
    return {};
}

// The first page after [vaddr, vaddr + memsz): false when it is not a 64-bit address.
bool page_end(const Phdr& p, u64& out) {
    u64 end;
    if (add_overflows(p.vaddr, p.memsz, end) || add_overflows(end, page - 1, out)) return false;
    out = align_down(out, page);
    return true;
}

// One PT_LOAD header on its own: inside the file, inside user space, aligned, W^X.
Status<Error> check_segment(const Phdr& p, Bytes f, u64 user_limit) {
    u64 file_end, end;
    if (add_overflows(p.offset, p.filesz, file_end) || !page_end(p, end)) return fail(Error::segment_overflow);
    if (file_end > f.size()) return fail(Error::segment_out_of_file);
    if (p.filesz > p.memsz) return fail(Error::file_larger_than_memory);
    // p_align 0 and 1 both mean "no constraint" in the gABI; otherwise a power of two that
    // p_vaddr and p_offset agree modulo. They must always agree modulo the page, so that
    // a loader can copy or map the file page by page.
    const u64 align = p.align > 1 ? p.align : 1;
    if (!is_power_of_two(align) || ((p.vaddr ^ p.offset) & (max(align, page) - 1)) != 0)
        return fail(Error::misaligned_segment);
    if (p.vaddr < page || end > user_limit) return fail(Error::segment_outside_user_space);
    if ((p.flags & pf_w) && (p.flags & pf_x)) return fail(Error::writable_and_executable);
    return {};
}

} // namespace

Result<Image, Error> Image::open(Bytes file, u64 user_limit) {
    Header h;
    if (auto s = check_header(file, h); !s) return fail(s.error());

    Image image;
    image.file_ = file;
    image.table_ = h.table;
    image.entry_ = h.entry;
    for (u32 i = 0; i < h.count; ++i) {
        Phdr p = decode(image.table_.slice(usize(i) * phdr_bytes, phdr_bytes));
        // Other types (PT_PHDR, PT_GNU_STACK, PT_RISCV_ATTRIBUTES, ...) are notes for a
        // dynamic linker or a debugger; an empty PT_LOAD maps nothing. Both are skipped.
        if (p.type != pt_load) continue;
        if (p.memsz == 0 && p.filesz != 0) return fail(Error::file_larger_than_memory);
        if (p.memsz == 0) continue;
        if (image.count_ == max_segments) return fail(Error::too_many_segments);
        if (auto s = check_segment(p, file, user_limit); !s) return fail(s.error());
        // Insertion sort by vaddr: at most 16 segments.
        usize at = image.count_++;
        for (; at > 0 && image.segment(at - 1).vaddr > p.vaddr; --at) image.header_[at] = image.header_[at - 1];
        image.header_[at] = u16(i);
    }
    if (image.count_ == 0) return fail(Error::no_loadable_segment);

    // No page may hold bytes of two segments, even of two with the same permissions: each
    // page then has one owner, one set of permissions and one source in the file, and a
    // loader never merges. Sorted and non-empty, so only neighbours need comparing.
    bool entry_ok = false;
    for (usize i = 0; i < image.count_; ++i) {
        Segment s = image.segment(i);
        u64 end = align_up(s.vaddr + s.mem_size, page); // cannot overflow: checked above
        if (i + 1 < image.count_ && end > align_down(image.segment(i + 1).vaddr, page))
            return fail(Error::overlapping_segments);
        if (s.execute && h.entry >= s.vaddr && h.entry - s.vaddr < s.mem_size) entry_ok = true;
        if (i == 0) image.lowest_ = align_down(s.vaddr, page);
        image.highest_ = max(image.highest_, end);
    }
    if (!entry_ok) return fail(Error::entry_not_executable);
    return image;
}

Segment Image::segment(usize index) const {
    if (index >= count_) return {};
    Phdr p = decode(table_.slice(usize(header_[index]) * phdr_bytes, phdr_bytes));
    return Segment{
        .vaddr = p.vaddr,
        .mem_size = p.memsz,
        .file_offset = p.offset,
        .data = file_.slice(usize(p.offset), usize(p.filesz)),
        .read = (p.flags & pf_r) != 0,
        .write = (p.flags & pf_w) != 0,
        .execute = (p.flags & pf_x) != 0,
    };
}

const char* describe(Error e) {
    switch (e) {
    case Error::truncated: return "file is shorter than its ELF header or its program header table";
    case Error::bad_magic: return "not an ELF file (does not start with 7f 'E' 'L' 'F')";
    case Error::not_64bit: return "not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)";
    case Error::not_little_endian: return "not a little-endian ELF file (EI_DATA is not ELFDATA2LSB)";
    case Error::bad_version: return "unsupported ELF version (EI_VERSION or e_version is not 1)";
    case Error::not_executable: return "not a static executable (e_type is not ET_EXEC)";
    case Error::wrong_machine: return "not a RISC-V file (e_machine is not EM_RISCV)";
    case Error::bad_phdr_size: return "program header size (e_phentsize) is not 56";
    case Error::too_many_segments: return "more than 64 program headers or 16 loadable segments";
    case Error::segment_out_of_file: return "a segment's file bytes extend past the end of the file";
    case Error::segment_overflow: return "a segment's file or memory range wraps around 2^64";
    case Error::file_larger_than_memory: return "a segment has more file bytes than memory bytes";
    case Error::misaligned_segment:
        return "a segment's address and file offset disagree modulo the page or its alignment";
    case Error::overlapping_segments: return "two segments share a page";
    case Error::segment_outside_user_space: return "a segment maps page 0 or ends past the user address limit";
    case Error::entry_not_executable: return "the entry point is not inside an executable segment";
    case Error::writable_and_executable: return "a segment is both writable and executable";
    case Error::no_loadable_segment: return "no loadable segment";
    }
    return "unknown error";
}

} // namespace isok::elf
