// Read-only parser for flattened device trees (DTB) from untrusted memory.
// Tree::open checks the whole blob once; nothing reachable afterwards reads out of bounds.
#pragma once
#include <isok/bytes.hpp>
#include <isok/result.hpp>
#include <isok/types.hpp>

namespace isok::fdt {

// Why a blob was refused, or why a lookup or a value read failed.
enum class Error : u8 {
    truncated = 1,   // buffer shorter than the header or than totalsize
    bad_magic,       // not 0xd00dfeed
    bad_version,     // older than 16, or needs a parser newer than 17
    bad_layout,      // a block outside totalsize, misaligned or overlapping another
    bad_reservation, // memory reservation block without a terminator
    bad_token,       // unknown token in the structure block
    bad_node_name,   // node name not terminated inside the structure block
    bad_property,    // property header or value runs off the structure block
    bad_string,      // property name offset outside the strings block, or unterminated
    unbalanced,      // END_NODE without a node, END inside a node, a second root, a stray property
    too_deep,        // nodes nested deeper than Tree::max_depth
    no_end,          // structure block not closed by END as its last token
    not_found,       // lookup: no such node, property, entry or phandle
    bad_value,       // property value has the wrong size or shape for the requested reading
    bad_cells,       // #address-cells / #size-cells unusable for decoding reg
};

const char* describe(Error e);

// One entry of a reg property, in the address space of the node's parent bus.
struct Reg {
    u64 address = 0;
    u64 size = 0;
};

// One entry of the memory reservation block (/memreserve/).
struct Reservation {
    u64 address = 0;
    u64 size = 0;
};

// #address-cells / #size-cells a node declares for its children.
struct Cells {
    u32 address = 2; // defaults from the devicetree specification
    u32 size = 1;
};

// The two blocks that navigation reads. Nodes carry a copy, so they outlive the Tree
// that made them (not the blob, which everything here only views).
struct Blocks {
    Bytes structure;
    Bytes strings;
    u32 root = 0; // offset of the root BEGIN_NODE token
};

namespace detail {
// Calls f(x); a callback returning bool stops the walk by returning false.
template <class F, class T> constexpr bool visit(F& f, const T& x) {
    if constexpr (__is_same(decltype(f(x)), bool)) {
        return f(x);
    } else {
        f(x);
        return true;
    }
}
} // namespace detail

class Property {
public:
    constexpr Property() = default;
    constexpr Property(const char* name, Bytes value) : name_(name), value_(value) {}

    const char* name() const { return name_; }
    Bytes value() const { return value_; }
    usize size() const { return value_.size(); }
    usize cell_count() const { return value_.size() / 4; }

    // The value as one string: non-empty, its only NUL the last byte.
    Result<const char*, Error> string() const;
    // Cell index (a cell is a big-endian u32).
    Result<u32, Error> cell(usize index) const;
    // count (1 or 2) cells starting at cell index, as one number.
    Result<u64, Error> cells(usize index, u32 count) const;
    // The whole value as a 4- or 8-byte number (timebase-frequency, linux,initrd-start).
    Result<u64, Error> number() const;
    // Membership in a string list such as "compatible"; an unterminated tail never matches.
    bool has_string(const char* s) const;

private:
    const char* name_ = "";
    Bytes value_;
};

class Node {
public:
    static constexpr u32 no_parent = ~u32{0};

    constexpr Node() = default;
    constexpr Node(const Blocks& blocks, u32 offset, u32 parent)
        : blocks_(blocks), offset_(offset), parent_(parent) {}

    // Full name with unit address ("memory@80000000"); "" for the root.
    const char* name() const;
    // True when the name before '@' is base ("memory" for "memory@80000000").
    bool has_base_name(const char* base) const;
    bool is_root() const { return parent_ == no_parent; }
    u32 offset() const { return offset_; }

    Result<Property, Error> property(const char* name) const;
    bool has_property(const char* name) const { return property(name).ok(); }
    // "compatible" contains s.
    bool is_compatible(const char* s) const;
    // "status" absent, "okay" or "ok".
    bool is_enabled() const;
    // The node's phandle, 0 when it has none (0 is never a valid phandle).
    u32 phandle() const;

    // A child by name: an exact match, or, when name has no '@', a match on the base name.
    Result<Node, Error> child(const char* name) const;
    Result<Node, Error> child(const char* name, usize length) const;
    Result<Node, Error> parent() const;
    // What this node declares for its children's reg.
    Result<Cells, Error> cells() const;
    // Entry index of reg, decoded with the parent's cells (each at most 2).
    Result<Reg, Error> reg(usize index) const;

    template <class F> void for_each_property(F&& f) const {
        u32 cursor = contents();
        Property p;
        while (next_property(cursor, p))
            if (!detail::visit(f, p)) return;
    }

    template <class F> void for_each_child(F&& f) const {
        u32 cursor = contents();
        Node c;
        while (next_child(cursor, c))
            if (!detail::visit(f, c)) return;
    }

private:
    u32 contents() const;
    bool next_property(u32& cursor, Property& out) const;
    bool next_child(u32& cursor, Node& out) const;

    Blocks blocks_;
    u32 offset_ = 0;
    u32 parent_ = no_parent;
};

class Tree {
public:
    static constexpr u32 max_depth = 16;
    static constexpr u32 header_size = 40;

    constexpr Tree() = default;

    // Validates the header, the reservation block and the whole structure block.
    static Result<Tree, Error> open(Bytes blob);

    Node root() const { return Node(blocks_, blocks_.root, Node::no_parent); }
    // Absolute path such as "/", "/chosen" or "/soc/serial"; components match as in Node::child.
    Result<Node, Error> find(const char* path) const;
    Result<Node, Error> find_phandle(u32 phandle) const;
    // The node whose BEGIN_NODE token is at offset, with its parent.
    Result<Node, Error> node_at(u32 offset) const;

    u32 total_size() const { return u32(blob_.size()); }
    u32 boot_cpuid() const { return boot_cpuid_; }

    usize reservation_count() const { return reservations_.size() / 16; }
    Result<Reservation, Error> reservation(usize index) const;

    template <class F> void for_each_reservation(F&& f) const {
        for (usize i = 0; i < reservation_count(); ++i) {
            auto r = reservation(i);
            if (!r || !detail::visit(f, *r)) return;
        }
    }

    // Every node in document order (a parent before its children).
    template <class F> void for_each_node(F&& f) const {
        Walk w;
        Node n;
        while (next_node(w, n))
            if (!detail::visit(f, n)) return;
    }

private:
    struct Walk {
        u32 cursor = 0;
        u32 depth = 0;
        u32 stack[max_depth] = {};
    };
    bool next_node(Walk& w, Node& out) const;

    Bytes blob_;
    Bytes reservations_; // the entries, without the terminating (0, 0)
    Blocks blocks_;
    u32 boot_cpuid_ = 0;
};

} // namespace isok::fdt
