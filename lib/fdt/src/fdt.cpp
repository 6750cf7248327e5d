// Flattened device tree: header and block validation, the one checking walk, the Tree.
// Every later read re-checks its bounds too, so navigation is safe even off the validated path.
#include "token.hpp"

#include <isok/string.hpp>

namespace isok::fdt {

using namespace detail;

namespace {

constexpr u32 fdt_magic = 0xd00dfeed;
constexpr u32 reservation_entry = 16;

struct Header {
    u32 magic, total_size, off_struct, off_strings, off_reservations;
    u32 version, last_compatible, boot_cpuid, size_strings, size_struct;
};

Result<Header, Error> read_header(Bytes blob) {
    Header h{};
    u32* fields[] = {&h.magic, &h.total_size, &h.off_struct, &h.off_strings, &h.off_reservations,
                     &h.version, &h.last_compatible, &h.boot_cpuid, &h.size_strings, &h.size_struct};
    if (blob.be32(0, h.magic) && h.magic != fdt_magic) return fail(Error::bad_magic);
    if (blob.size() < Tree::header_size) return fail(Error::truncated);
    for (usize i = 0; i < sizeof(fields) / sizeof(fields[0]); ++i) (void)blob.be32(i * 4, *fields[i]);
    if (h.version < 16 || h.last_compatible > 17) return fail(Error::bad_version);
    if (h.total_size > blob.size()) return fail(Error::truncated);
    if (h.total_size < Tree::header_size) return fail(Error::bad_layout);
    return h;
}

// A block's extent inside the blob, in 64 bits so that no sum of header fields wraps.
struct Span {
    u64 offset = 0, size = 0;
    bool inside(u64 total) const { return offset >= Tree::header_size && offset <= total && size <= total - offset; }
    bool overlaps(const Span& o) const {
        return size && o.size && offset < o.offset + o.size && o.offset < offset + size;
    }
};

// Version 16 headers have no size_dt_struct: the block runs to the next block or the end.
u64 inferred_struct_size(const Header& h) {
    u64 limit = h.total_size;
    if (h.off_strings > h.off_struct) limit = min<u64>(limit, h.off_strings);
    if (h.off_reservations > h.off_struct) limit = min<u64>(limit, h.off_reservations);
    return limit < h.off_struct ? 0 : align_down(limit - h.off_struct, 4);
}

// Scans the reservation block up to its (0, 0) terminator, which must lie inside the blob.
Result<Span, Error> reservation_span(Bytes blob, const Header& h) {
    if (!is_aligned(h.off_reservations, 8) || h.off_reservations < Tree::header_size) return fail(Error::bad_layout);
    for (u64 off = h.off_reservations;; off += reservation_entry) {
        u64 address, size;
        if (!blob.be64(off, address) || !blob.be64(off + 8, size)) return fail(Error::bad_reservation);
        if (address == 0 && size == 0) return Span{h.off_reservations, off + reservation_entry - h.off_reservations};
    }
}

// The one checking walk: known tokens only, balanced, bounded depth, END last.
Result<u32, Error> check_structure(const Blocks& b, bool end_must_be_last) {
    u32 depth = 0, root = 0;
    bool have_root = false;
    for (u32 off = 0;;) {
        auto t = read_token(b, off);
        if (!t) return fail(t.error());
        switch (t->kind) {
        case token_begin_node:
            if (depth == 0 && have_root) return fail(Error::unbalanced);
            if (depth == 0) {
                root = off;
                have_root = true;
            }
            if (++depth > Tree::max_depth) return fail(Error::too_deep);
            break;
        case token_end_node:
            if (depth == 0) return fail(Error::unbalanced);
            --depth;
            break;
        case token_prop:
            if (depth == 0) return fail(Error::unbalanced);
            break;
        case token_nop:
            break;
        case token_end:
            if (depth != 0 || !have_root) return fail(Error::unbalanced);
            if (end_must_be_last && t->next != b.structure.size()) return fail(Error::no_end);
            return root;
        }
        off = t->next;
    }
}

} // namespace

const char* describe(Error e) {
    switch (e) {
    case Error::truncated: return "device tree truncated";
    case Error::bad_magic: return "not a device tree (bad magic)";
    case Error::bad_version: return "unsupported device tree version";
    case Error::bad_layout: return "device tree blocks misplaced, misaligned or overlapping";
    case Error::bad_reservation: return "memory reservation block not terminated";
    case Error::bad_token: return "unknown token in structure block";
    case Error::bad_node_name: return "node name runs off the structure block";
    case Error::bad_property: return "property runs off the structure block";
    case Error::bad_string: return "property name outside the strings block";
    case Error::unbalanced: return "unbalanced nodes in structure block";
    case Error::too_deep: return "nodes nested too deep";
    case Error::no_end: return "structure block not terminated by END";
    case Error::not_found: return "not found";
    case Error::bad_value: return "property value has the wrong size or shape";
    case Error::bad_cells: return "unusable #address-cells or #size-cells";
    }
    return "unknown device tree error";
}

Result<Tree, Error> Tree::open(Bytes blob) {
    auto h = read_header(blob);
    if (!h) return fail(h.error());
    bool v16 = h->version < 17;
    Span structure{h->off_struct, v16 ? inferred_struct_size(*h) : h->size_struct};
    Span strings{h->off_strings, h->size_strings};
    if (!structure.inside(h->total_size) || !strings.inside(h->total_size)) return fail(Error::bad_layout);
    if (!is_aligned(structure.offset, 4) || !is_aligned(structure.size, 4)) return fail(Error::bad_layout);
    auto reservations = reservation_span(blob.slice(0, h->total_size), *h);
    if (!reservations) return fail(reservations.error());
    if (structure.overlaps(strings) || structure.overlaps(*reservations) || strings.overlaps(*reservations))
        return fail(Error::bad_layout);

    Tree t;
    t.blob_ = blob.slice(0, h->total_size);
    t.reservations_ = blob.slice(reservations->offset, reservations->size - reservation_entry);
    t.blocks_.structure = blob.slice(structure.offset, structure.size);
    t.blocks_.strings = blob.slice(strings.offset, strings.size);
    t.boot_cpuid_ = h->boot_cpuid;
    auto checked = check_structure(t.blocks_, !v16);
    if (!checked) return fail(checked.error());
    t.blocks_.root = *checked;
    return t;
}

Result<Node, Error> Tree::find(const char* path) const {
    if (path[0] != '/') return fail(Error::not_found);
    Node n = root();
    for (const char* p = path; *p;) {
        while (*p == '/') ++p;
        usize len = 0;
        while (p[len] && p[len] != '/') ++len;
        if (len == 0) break;
        auto c = n.child(p, len);
        if (!c) return c;
        n = *c;
        p += len;
    }
    return n;
}

Result<Node, Error> Tree::find_phandle(u32 phandle) const {
    Result<Node, Error> found = fail(Error::not_found);
    if (phandle == 0 || phandle == ~u32{0}) return found;
    for_each_node([&](const Node& n) {
        if (n.phandle() != phandle) return true;
        found = n;
        return false;
    });
    return found;
}

Result<Node, Error> Tree::node_at(u32 offset) const { return locate(blocks_, offset); }

Result<Reservation, Error> Tree::reservation(usize index) const {
    Reservation r;
    if (index >= reservation_count()) return fail(Error::not_found);
    (void)reservations_.be64(index * reservation_entry, r.address);
    (void)reservations_.be64(index * reservation_entry + 8, r.size);
    return r;
}

bool Tree::next_node(Walk& w, Node& out) const { return walk_step(blocks_, w.cursor, w.depth, w.stack, out); }

} // namespace isok::fdt
