// Navigation over a validated tree: nodes, their properties and the values in them.
#include "token.hpp"

#include <isok/string.hpp>

namespace isok::fdt {

using namespace detail;

namespace {

// node_name is "base" or "base@unit"; a component without '@' may omit the unit.
bool name_matches(const char* node_name, const char* name, usize len) {
    bool has_unit = false;
    for (usize i = 0; i < len; ++i) {
        if (node_name[i] != name[i]) return false;
        has_unit |= name[i] == '@';
    }
    return node_name[len] == 0 || (!has_unit && node_name[len] == '@');
}

} // namespace

// ---- Property ----

Result<const char*, Error> Property::string() const {
    usize n = size();
    auto s = reinterpret_cast<const char*>(value_.data());
    if (n == 0 || str_length_bounded(s, n) != n - 1) return fail(Error::bad_value);
    return s;
}

Result<u32, Error> Property::cell(usize index) const {
    u32 v = 0;
    if (index >= cell_count() || !value_.be32(index * 4, v)) return fail(Error::bad_value);
    return v;
}

Result<u64, Error> Property::cells(usize index, u32 count) const {
    if (count < 1 || count > 2 || index > cell_count() || count > cell_count() - index) return fail(Error::bad_value);
    u64 v = 0;
    for (u32 i = 0; i < count; ++i) v = v << 32 | *cell(index + i);
    return v;
}

Result<u64, Error> Property::number() const {
    if (size() != 4 && size() != 8) return fail(Error::bad_value);
    return cells(0, u32(cell_count()));
}

bool Property::has_string(const char* s) const {
    auto list = reinterpret_cast<const char*>(value_.data());
    for (usize off = 0; off < size();) {
        usize len = str_length_bounded(list + off, size() - off);
        if (off + len == size()) return false;
        if (str_equal(list + off, s)) return true;
        off += len + 1;
    }
    return false;
}

// ---- Node ----

const char* Node::name() const {
    auto t = read_token(blocks_, offset_);
    return t && t->kind == token_begin_node ? t->name : "";
}

bool Node::has_base_name(const char* base) const {
    const char* n = name();
    usize len = 0;
    for (; base[len]; ++len)
        if (n[len] != base[len]) return false; // stops at n's NUL, which base[len] never equals
    return n[len] == 0 || n[len] == '@';
}

u32 Node::contents() const {
    auto t = read_token(blocks_, offset_);
    return t && t->kind == token_begin_node ? t->next : u32(blocks_.structure.size());
}

bool Node::next_property(u32& cursor, Property& out) const {
    for (;;) {
        auto t = read_token(blocks_, cursor);
        if (!t || t->kind == token_end_node || t->kind == token_end) return false;
        if (t->kind == token_begin_node) {
            cursor = skip_subtree(blocks_, cursor);
            continue;
        }
        cursor = t->next;
        if (t->kind == token_prop) {
            out = Property(t->name, t->value);
            return true;
        }
    }
}

bool Node::next_child(u32& cursor, Node& out) const {
    for (;;) {
        auto t = read_token(blocks_, cursor);
        if (!t || t->kind == token_end_node || t->kind == token_end) return false;
        if (t->kind == token_begin_node) {
            out = Node(blocks_, cursor, offset_);
            cursor = skip_subtree(blocks_, cursor);
            return true;
        }
        cursor = t->next;
    }
}

Result<Property, Error> Node::property(const char* wanted) const {
    Result<Property, Error> found = fail(Error::not_found);
    for_each_property([&](const Property& p) {
        if (!str_equal(p.name(), wanted)) return true;
        found = p;
        return false;
    });
    return found;
}

bool Node::is_compatible(const char* s) const {
    auto p = property("compatible");
    return p && p->has_string(s);
}

bool Node::is_enabled() const {
    auto p = property("status");
    if (!p) return true;
    auto s = p->string();
    return s && (str_equal(*s, "okay") || str_equal(*s, "ok"));
}

u32 Node::phandle() const {
    auto p = property("phandle");
    if (!p) p = property("linux,phandle");
    if (!p || p->size() != 4) return 0;
    u32 v = *p->cell(0);
    return v == ~u32{0} ? 0 : v;
}

Result<Node, Error> Node::child(const char* wanted) const { return child(wanted, str_length(wanted)); }

Result<Node, Error> Node::child(const char* wanted, usize len) const {
    Result<Node, Error> found = fail(Error::not_found);
    for_each_child([&](const Node& c) {
        if (!name_matches(c.name(), wanted, len)) return true;
        found = c;
        return false;
    });
    return found;
}

Result<Node, Error> Node::parent() const {
    if (is_root()) return fail(Error::not_found);
    return locate(blocks_, parent_);
}

Result<Cells, Error> Node::cells() const {
    Cells c;
    auto a = property("#address-cells");
    auto s = property("#size-cells");
    if (a && a->size() != 4) return fail(Error::bad_cells);
    if (s && s->size() != 4) return fail(Error::bad_cells);
    if (a) c.address = *a->cell(0);
    if (s) c.size = *s->cell(0);
    return c;
}

Result<Reg, Error> Node::reg(usize index) const {
    if (is_root()) return fail(Error::not_found);
    auto c = Node(blocks_, parent_, no_parent).cells();
    if (!c) return fail(c.error());
    if (c->address < 1 || c->address > 2 || c->size > 2) return fail(Error::bad_cells);
    auto p = property("reg");
    if (!p) return fail(p.error());
    usize per_entry = c->address + c->size;
    if (p->size() % (per_entry * 4) != 0) return fail(Error::bad_value);
    if (index >= p->cell_count() / per_entry) return fail(Error::not_found);
    Reg r;
    r.address = *p->cells(index * per_entry, c->address);
    if (c->size) r.size = *p->cells(index * per_entry + c->address, c->size);
    return r;
}

} // namespace isok::fdt
