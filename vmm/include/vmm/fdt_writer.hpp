// A small flattened-device-tree writer (Devicetree Specification v0.4, chapter 5) into a
// caller's buffer. Errors are sticky: after the first one every call does nothing and
// finish() reports it, so a builder can write a whole tree and check once.
#pragma once
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::vmm {

enum class FdtWriteError : u8 {
    no_space = 1, // the caller's buffer is full
    strings_full, // more distinct property names than the strings table holds
    bad_nesting,  // end_node without a node, finish with nodes open, a second root
    bad_order,    // a property after a child node, or outside any node
    bad_name,     // empty or over-long node or property name (the root's "" excepted)
};

const char* describe(FdtWriteError e);

class FdtWriter {
public:
    static constexpr usize strings_capacity = 1024;
    static constexpr usize max_name = 64; // longer names are refused, not truncated

    FdtWriter(u8* buffer, usize capacity);

    void begin_node(const char* name); // the root is begin_node("")
    void end_node();

    void property(const char* name, const void* value, usize length);
    void property_empty(const char* name) { property(name, nullptr, 0); }
    void property_u32(const char* name, u32 value);
    void property_u64(const char* name, u64 value);
    void property_string(const char* name, const char* value);
    // Big-endian cells, as reg, interrupts-extended and friends are made of.
    void property_cells(const char* name, const u32* cells, usize count);
    // (address, size) pairs of two cells each, for #address-cells = #size-cells = 2.
    void property_reg(const char* name, u64 address, u64 size);

    // Writes the header, the strings block and the empty reservation map; returns the
    // blob's total size.
    Result<usize, FdtWriteError> finish(u32 boot_cpuid = 0);

private:
    void put_token(u32 token);
    void put_bytes(const void* data, usize length);
    void pad_to_cell();
    void set_error(FdtWriteError e);
    bool name_offset(const char* name, u32& offset);

    u8* buffer_;
    usize capacity_;
    usize used_;
    u32 depth_ = 0;
    bool root_done_ = false;
    bool child_seen_ = false; // in the current node: properties must come first
    FdtWriteError error_{};
    bool failed_ = false;
    char strings_[strings_capacity];
    usize strings_used_ = 0;
};

} // namespace isok::vmm
