// Flattened device tree writer. Layout of the result: header (40 bytes), an empty memory
// reservation map (one zero entry), the structure block, then the strings block.
#include <isok/string.hpp>
#include <vmm/fdt_writer.hpp>

namespace isok::vmm {
namespace {

constexpr u32 fdt_magic = 0xd00dfeed;
constexpr u32 fdt_version = 17;
constexpr u32 fdt_last_compatible = 16;
constexpr u32 token_begin_node = 1;
constexpr u32 token_end_node = 2;
constexpr u32 token_prop = 3;
constexpr u32 token_end = 9;
constexpr usize header_size = 40;
constexpr usize reservation_size = 16; // the terminating (0, 0) entry
constexpr usize structure_offset = header_size + reservation_size;

void put_be32(u8* p, u32 v) {
    p[0] = u8(v >> 24);
    p[1] = u8(v >> 16);
    p[2] = u8(v >> 8);
    p[3] = u8(v);
}

} // namespace

const char* describe(FdtWriteError e) {
    switch (e) {
    case FdtWriteError::no_space: return "device tree buffer full";
    case FdtWriteError::strings_full: return "device tree strings table full";
    case FdtWriteError::bad_nesting: return "device tree nodes not balanced";
    case FdtWriteError::bad_order: return "device tree property after a child node";
    case FdtWriteError::bad_name: return "device tree name empty or too long";
    }
    return "device tree writer error";
}

FdtWriter::FdtWriter(u8* buffer, usize capacity)
    : buffer_(buffer), capacity_(min(capacity, usize(0xffffffffu))), used_(structure_offset) {
    // Offsets in the header are 32-bit: a bigger buffer is used only up to 4 GiB.
    if (!buffer_ || capacity_ < structure_offset) {
        set_error(FdtWriteError::no_space);
        return;
    }
    for (usize i = 0; i < structure_offset; ++i) buffer_[i] = 0;
}

void FdtWriter::set_error(FdtWriteError e) {
    if (failed_) return;
    failed_ = true;
    error_ = e;
}

void FdtWriter::put_bytes(const void* data, usize length) {
    if (failed_) return;
    if (length > capacity_ - used_) {
        set_error(FdtWriteError::no_space);
        return;
    }
    if (length) __builtin_memcpy(buffer_ + used_, data, length);
    used_ += length;
}

void FdtWriter::pad_to_cell() {
    static const u8 zeros[4] = {};
    put_bytes(zeros, align_up(used_, 4) - used_);
}

void FdtWriter::put_token(u32 token) {
    u8 be[4];
    put_be32(be, token);
    put_bytes(be, 4);
}

void FdtWriter::begin_node(const char* name) {
    if (failed_) return;
    usize length = str_length_bounded(name, max_name + 1);
    bool root = depth_ == 0;
    if (root && root_done_) return set_error(FdtWriteError::bad_nesting);
    if (root && length != 0) return set_error(FdtWriteError::bad_name);
    if (!root && (length == 0 || length > max_name)) return set_error(FdtWriteError::bad_name);
    put_token(token_begin_node);
    put_bytes(name, length + 1);
    pad_to_cell();
    ++depth_;
    child_seen_ = false;
}

void FdtWriter::end_node() {
    if (failed_) return;
    if (depth_ == 0) return set_error(FdtWriteError::bad_nesting);
    put_token(token_end_node);
    --depth_;
    child_seen_ = true; // the parent has had a child: no more properties there
    if (depth_ == 0) root_done_ = true;
}

// The offset of name in the strings block, adding it the first time it is used.
bool FdtWriter::name_offset(const char* name, u32& offset) {
    usize length = str_length(name);
    for (usize at = 0; at < strings_used_;) {
        if (str_equal(strings_ + at, name)) {
            offset = u32(at);
            return true;
        }
        at += str_length(strings_ + at) + 1;
    }
    if (length + 1 > strings_capacity - strings_used_) return false;
    offset = u32(strings_used_);
    __builtin_memcpy(strings_ + strings_used_, name, length + 1);
    strings_used_ += length + 1;
    return true;
}

void FdtWriter::property(const char* name, const void* value, usize length) {
    if (failed_) return;
    if (depth_ == 0 || child_seen_) return set_error(FdtWriteError::bad_order);
    usize name_length = str_length_bounded(name, max_name + 1);
    if (name_length == 0 || name_length > max_name) return set_error(FdtWriteError::bad_name);
    if (length > 0xffffffffu) return set_error(FdtWriteError::no_space);
    u32 offset = 0;
    if (!name_offset(name, offset)) return set_error(FdtWriteError::strings_full);
    put_token(token_prop);
    put_token(u32(length));
    put_token(offset);
    put_bytes(value, length);
    pad_to_cell();
}

void FdtWriter::property_u32(const char* name, u32 value) { property_cells(name, &value, 1); }

void FdtWriter::property_u64(const char* name, u64 value) {
    u32 cells[2] = {u32(value >> 32), u32(value)};
    property_cells(name, cells, 2);
}

void FdtWriter::property_string(const char* name, const char* value) { property(name, value, str_length(value) + 1); }

void FdtWriter::property_cells(const char* name, const u32* cells, usize count) {
    // Converted on the stack (no heap): the longest list here is interrupts-extended.
    if (failed_) return;
    constexpr usize max_cells = 64;
    if (count > max_cells) return set_error(FdtWriteError::no_space);
    u8 be[max_cells * 4];
    for (usize i = 0; i < count; ++i) put_be32(be + 4 * i, cells[i]);
    property(name, be, count * 4);
}

void FdtWriter::property_reg(const char* name, u64 address, u64 size) {
    u32 cells[4] = {u32(address >> 32), u32(address), u32(size >> 32), u32(size)};
    property_cells(name, cells, 4);
}

Result<usize, FdtWriteError> FdtWriter::finish(u32 boot_cpuid) {
    if (!failed_ && (depth_ != 0 || !root_done_)) set_error(FdtWriteError::bad_nesting);
    put_token(token_end);
    usize structure_end = used_;
    put_bytes(strings_, strings_used_);
    if (failed_) return fail(error_);
    u8* h = buffer_;
    put_be32(h + 0, fdt_magic);
    put_be32(h + 4, u32(used_));
    put_be32(h + 8, u32(structure_offset));
    put_be32(h + 12, u32(structure_end));
    put_be32(h + 16, u32(header_size));
    put_be32(h + 20, fdt_version);
    put_be32(h + 24, fdt_last_compatible);
    put_be32(h + 28, boot_cpuid);
    put_be32(h + 32, u32(strings_used_));
    put_be32(h + 36, u32(structure_end - structure_offset));
    return used_;
}

} // namespace isok::vmm
