// Structure-block token decoding and the document-order walk built on it.
#include "token.hpp"

#include <isok/string.hpp>

namespace isok::fdt::detail {

namespace {

Result<Token, Error> read_node_name(Bytes s, u32 off, Token t) {
    t.name = string_at(s, usize(off) + 4);
    if (!t.name) return fail(Error::bad_node_name);
    u64 next = align_up(u64(off) + 4 + str_length(t.name) + 1, 4);
    if (next > s.size()) return fail(Error::bad_node_name);
    t.next = u32(next);
    return t;
}

Result<Token, Error> read_property(const Blocks& b, u32 off, Token t) {
    u32 len = 0, name_offset = 0;
    const Bytes& s = b.structure;
    if (!s.be32(usize(off) + 4, len) || !s.be32(usize(off) + 8, name_offset)) return fail(Error::bad_property);
    usize start = usize(off) + 12;
    if (!s.contains(start, len)) return fail(Error::bad_property);
    u64 next = align_up(u64(start) + len, 4);
    if (next > s.size()) return fail(Error::bad_property);
    t.name = string_at(b.strings, name_offset);
    if (!t.name) return fail(Error::bad_string);
    t.value = s.slice(start, len);
    t.next = u32(next);
    return t;
}

} // namespace

const char* string_at(Bytes block, usize offset) {
    if (offset >= block.size()) return nullptr;
    auto s = reinterpret_cast<const char*>(block.data() + offset);
    usize room = block.size() - offset;
    return str_length_bounded(s, room) < room ? s : nullptr;
}

Result<Token, Error> read_token(const Blocks& b, u32 off) {
    Token t;
    if (!b.structure.be32(off, t.kind)) return fail(Error::no_end);
    switch (t.kind) {
    case token_begin_node: return read_node_name(b.structure, off, t);
    case token_prop: return read_property(b, off, t);
    case token_end_node:
    case token_nop:
    case token_end: t.next = off + 4; return t;
    default: return fail(Error::bad_token);
    }
}

u32 skip_subtree(const Blocks& b, u32 begin) {
    u32 depth = 0;
    for (u32 off = begin;;) {
        auto t = read_token(b, off);
        if (!t || t->kind == token_end) return u32(b.structure.size());
        if (t->kind == token_begin_node) ++depth;
        if (t->kind == token_end_node && --depth == 0) return t->next;
        off = t->next;
    }
}

bool walk_step(const Blocks& b, u32& cursor, u32& depth, u32* stack, Node& out) {
    for (;;) {
        auto t = read_token(b, cursor);
        if (!t || t->kind == token_end) return false;
        u32 here = cursor;
        cursor = t->next;
        if (t->kind == token_end_node && depth > 0) --depth;
        if (t->kind != token_begin_node) continue;
        if (depth >= Tree::max_depth) return false;
        out = Node(b, here, depth ? stack[depth - 1] : Node::no_parent);
        stack[depth++] = here;
        return true;
    }
}

Result<Node, Error> locate(const Blocks& b, u32 offset) {
    u32 cursor = 0, depth = 0, stack[Tree::max_depth] = {};
    Node n;
    while (walk_step(b, cursor, depth, stack, n))
        if (n.offset() == offset) return n;
    return fail(Error::not_found);
}

} // namespace isok::fdt::detail
