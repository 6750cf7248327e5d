// Device tree parser: navigation and values on well-formed blobs, and refusal of hostile ones.
#include "fdt_builder.hpp"

#include <gtest/gtest.h>
#include <isok/fdt.hpp>

#include <cstring>
#include <memory>
#include <string>

using namespace fdt_test;
using isok::Bytes;
using isok::fdt::Error;
using isok::fdt::Node;
using isok::fdt::Property;
using isok::fdt::Tree;

namespace {

Bytes view(const Blob& b) { return Bytes(b.data(), b.size()); }

isok::Result<Tree, Error> open(const Blob& b) { return Tree::open(view(b)); }

Error open_error(const Blob& b) {
    auto t = open(b);
    EXPECT_FALSE(t.ok());
    return t.error();
}

Tree must_open(const Blob& b) {
    auto t = open(b);
    EXPECT_TRUE(t.ok()) << isok::fdt::describe(t.error());
    return t.ok() ? *t : Tree();
}

// A small tree with every kind of value the accessors read.
Blob sample() {
    Builder b;
    b.reserve(0x80000000, 0x200000).reserve(0x90000000, 0x1000);
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 1);
    b.begin("chosen").prop_str("bootargs", "quiet").end();
    b.begin("memory@80000000").prop_str("device_type", "memory").prop_cells("reg", {0, 0x80000000, 0x1000, 1, 0, 0x2000}).end();
    b.begin("memory@100000000").prop_str("device_type", "memory").end();
    b.begin("bus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
    b.begin("dev@7").prop_u32("reg", 7).prop_strs("compatible", {"acme,dev", "generic"}).prop_u32("phandle", 9).end();
    b.begin("old").prop_u32("linux,phandle", 12).prop_cells("reg", {1, 2, 3}).end();
    b.nop().end();
    b.begin("values").prop_u64("big", 0x1122334455667788).prop_empty("flag").prop_cells("odd", {1, 2, 3});
    b.prop("raw", {'a', 'b'}).prop("nul-inside", {'a', 0, 'b', 0}).prop("tail", {'x', 0, 'y'});
    b.prop_str("status", "disabled").end();
    b.begin("late").begin("kid").end().prop_u32("after-child", 5).end();
    b.end();
    return b.build();
}

// Nodes nested depth levels deep, root included.
Blob nested(unsigned depth) {
    Builder b;
    for (unsigned i = 0; i < depth; ++i) b.begin(i ? "n" : "");
    for (unsigned i = 0; i < depth; ++i) b.end();
    return b.build();
}

// Tests that read the sample tree; the blob outlives the tree that views it.
class FdtSample : public ::testing::Test {
protected:
    Blob blob = sample();
    Tree t = must_open(blob);
};

} // namespace

// ---- well-formed trees ----

TEST_F(FdtSample, OpensAndNamesNodes) {
    EXPECT_EQ(t.total_size(), blob.size());
    EXPECT_STREQ(t.root().name(), "");
    EXPECT_TRUE(t.root().is_root());
    std::vector<std::string> names;
    t.root().for_each_child([&](const Node& n) { names.push_back(n.name()); });
    EXPECT_EQ(names, (std::vector<std::string>{"chosen", "memory@80000000", "memory@100000000", "bus", "values", "late"}));
    int seen = 0; // a callback returning false stops the walk
    t.root().for_each_child([&](const Node&) { return ++seen < 2; });
    EXPECT_EQ(seen, 2);
}

TEST_F(FdtSample, ChildByExactAndBaseName) {
    EXPECT_STREQ(t.root().child("memory")->name(), "memory@80000000");
    EXPECT_STREQ(t.root().child("memory@100000000")->name(), "memory@100000000");
    EXPECT_EQ(t.root().child("memory@1").error(), Error::not_found);
    EXPECT_EQ(t.root().child("mem").error(), Error::not_found);
    EXPECT_EQ(t.root().child("memory@80000000x").error(), Error::not_found);
    EXPECT_TRUE(t.root().child("memory")->has_base_name("memory"));
    EXPECT_FALSE(t.root().child("chosen")->has_base_name("chose"));
}

TEST_F(FdtSample, FindsByPath) {
    EXPECT_TRUE(t.find("/")->is_root());
    EXPECT_STREQ(t.find("/chosen")->name(), "chosen");
    EXPECT_STREQ(t.find("/bus/dev@7")->name(), "dev@7");
    EXPECT_STREQ(t.find("//bus//dev/")->name(), "dev@7");
    EXPECT_EQ(t.find("/bus/nothing").error(), Error::not_found);
    EXPECT_EQ(t.find("chosen").error(), Error::not_found);
    EXPECT_EQ(t.find("").error(), Error::not_found);
}

TEST_F(FdtSample, ParentAndNodeAt) {
    Node dev = *t.find("/bus/dev@7");
    EXPECT_STREQ(dev.parent()->name(), "bus");
    EXPECT_TRUE(dev.parent()->parent()->is_root());
    EXPECT_EQ(t.root().parent().error(), Error::not_found);
    EXPECT_STREQ(t.node_at(dev.offset())->name(), "dev@7");
    EXPECT_EQ(t.node_at(dev.offset() + 4).error(), Error::not_found);
}

TEST_F(FdtSample, PropertiesInOrderAndAfterChildren) {
    std::vector<std::string> names;
    t.find("/values")->for_each_property([&](const Property& p) { names.push_back(p.name()); });
    EXPECT_EQ(names, (std::vector<std::string>{"big", "flag", "odd", "raw", "nul-inside", "tail", "status"}));
    EXPECT_EQ(*t.find("/late")->property("after-child")->cell(0), 5u);
    EXPECT_EQ(t.find("/late")->property("kid").error(), Error::not_found);
    EXPECT_FALSE(t.find("/late/kid")->has_property("after-child"));
}

TEST_F(FdtSample, StringValues) {
    Node v = *t.find("/values");
    EXPECT_STREQ(*t.find("/chosen")->property("bootargs")->string(), "quiet");
    EXPECT_EQ(v.property("raw")->string().error(), Error::bad_value);        // no NUL
    EXPECT_EQ(v.property("nul-inside")->string().error(), Error::bad_value); // NUL before the end
    EXPECT_EQ(v.property("flag")->string().error(), Error::bad_value);       // empty
    EXPECT_EQ(v.property("raw")->value().size(), 2u);
    EXPECT_EQ(v.property("raw")->value().data()[1], 'b');
}

TEST_F(FdtSample, StringLists) {
    Node dev = *t.find("/bus/dev");
    EXPECT_TRUE(dev.is_compatible("acme,dev"));
    EXPECT_TRUE(dev.is_compatible("generic"));
    EXPECT_FALSE(dev.is_compatible("acme"));
    EXPECT_FALSE(dev.is_compatible(""));
    Node v = *t.find("/values");
    EXPECT_TRUE(v.property("tail")->has_string("x"));
    EXPECT_FALSE(v.property("tail")->has_string("y")); // unterminated tail never matches
    EXPECT_FALSE(v.property("flag")->has_string(""));
}

TEST_F(FdtSample, CellValues) {
    Node v = *t.find("/values");
    Property big = *v.property("big");
    EXPECT_EQ(*big.cell(0), 0x11223344u);
    EXPECT_EQ(*big.cell(1), 0x55667788u);
    EXPECT_EQ(big.cell(2).error(), Error::bad_value);
    EXPECT_EQ(*big.cells(0, 2), 0x1122334455667788u);
    EXPECT_EQ(*big.number(), 0x1122334455667788u);
    EXPECT_EQ(big.cells(1, 2).error(), Error::bad_value);
    EXPECT_EQ(big.cells(0, 3).error(), Error::bad_value);
    EXPECT_EQ(big.cells(0, 0).error(), Error::bad_value);
    EXPECT_EQ(big.cells(~size_t{0}, 1).error(), Error::bad_value);
    EXPECT_EQ(big.cell(~size_t{0} / 2).error(), Error::bad_value);
    EXPECT_EQ(*v.property("odd")->cells(2, 1), 3u);
    EXPECT_EQ(v.property("odd")->number().error(), Error::bad_value);
    EXPECT_EQ(v.property("flag")->cell(0).error(), Error::bad_value);
    EXPECT_EQ(*t.root().property("#size-cells")->number(), 1u);
}

TEST_F(FdtSample, StatusAndPhandles) {
    EXPECT_FALSE(t.find("/values")->is_enabled());
    EXPECT_TRUE(t.find("/chosen")->is_enabled());
    EXPECT_EQ(t.find("/bus/dev")->phandle(), 9u);
    EXPECT_EQ(t.find("/bus/old")->phandle(), 12u);
    EXPECT_STREQ(t.find_phandle(9)->name(), "dev@7");
    EXPECT_STREQ(t.find_phandle(12)->name(), "old");
    EXPECT_EQ(t.find_phandle(10).error(), Error::not_found);
    EXPECT_EQ(t.find_phandle(0).error(), Error::not_found);
    EXPECT_EQ(t.find_phandle(~0u).error(), Error::not_found);
}

TEST_F(FdtSample, RegUsesParentCells) {
    Node mem = *t.find("/memory@80000000"); // parent cells (2, 1)
    EXPECT_EQ(mem.reg(0)->address, 0x80000000u);
    EXPECT_EQ(mem.reg(0)->size, 0x1000u);
    EXPECT_EQ(mem.reg(1)->address, 0x100000000u);
    EXPECT_EQ(mem.reg(1)->size, 0x2000u);
    EXPECT_EQ(mem.reg(2).error(), Error::not_found);
    EXPECT_EQ(t.find("/memory@100000000")->reg(0).error(), Error::not_found); // no reg
    Node dev = *t.find("/bus/dev"); // parent cells (1, 0)
    EXPECT_EQ(dev.reg(0)->address, 7u);
    EXPECT_EQ(dev.reg(0)->size, 0u);
    EXPECT_EQ(t.find("/bus/old")->reg(2)->address, 3u);
    EXPECT_EQ(t.root().reg(0).error(), Error::not_found);
    EXPECT_EQ(t.find("/bus")->cells()->address, 1u);
    EXPECT_EQ(t.find("/chosen")->cells()->address, 2u); // defaults
    EXPECT_EQ(t.find("/chosen")->cells()->size, 1u);
}

TEST(Fdt, RegRefusesUnusableCells) {
    auto tree_with = [](uint32_t address_cells, uint32_t size_cells, std::vector<uint32_t> reg) {
        Builder b;
        b.begin("").prop_u32("#address-cells", address_cells).prop_u32("#size-cells", size_cells);
        b.begin("dev").prop_cells("reg", reg).end().end();
        return b.build();
    };
    auto reg_error = [](const Blob& blob) { return Tree::open(view(blob))->find("/dev")->reg(0).error(); };
    EXPECT_EQ(reg_error(tree_with(3, 1, {0, 0, 0, 1})), Error::bad_cells);
    EXPECT_EQ(reg_error(tree_with(1, 3, {0, 0, 0, 1})), Error::bad_cells);
    EXPECT_EQ(reg_error(tree_with(0, 1, {1})), Error::bad_cells);
    EXPECT_EQ(reg_error(tree_with(0xffffffff, 0xffffffff, {1, 2})), Error::bad_cells);
    EXPECT_EQ(reg_error(tree_with(2, 2, {0, 1, 0})), Error::bad_value);

    Builder b;
    b.begin("").prop("#address-cells", {0, 0, 1}).begin("dev").prop_cells("reg", {1, 2, 3}).end().end();
    Blob blob = b.build();
    EXPECT_EQ(reg_error(blob), Error::bad_cells);
}

TEST_F(FdtSample, ReservationBlock) {
    ASSERT_EQ(t.reservation_count(), 2u);
    EXPECT_EQ(t.reservation(0)->address, 0x80000000u);
    EXPECT_EQ(t.reservation(0)->size, 0x200000u);
    EXPECT_EQ(t.reservation(1)->address, 0x90000000u);
    EXPECT_EQ(t.reservation(2).error(), Error::not_found);
    uint64_t sum = 0;
    t.for_each_reservation([&](const isok::fdt::Reservation& r) { sum += r.size; });
    EXPECT_EQ(sum, 0x201000u);
}

TEST_F(FdtSample, WalksEveryNodeWithItsParent) {
    std::vector<std::string> seen;
    t.for_each_node([&](const Node& n) {
        seen.push_back(std::string(n.is_root() ? "-" : n.parent()->name()) + ">" + n.name());
    });
    EXPECT_EQ(seen, (std::vector<std::string>{"->", ">chosen", ">memory@80000000", ">memory@100000000", ">bus",
                                              "bus>dev@7", "bus>old", ">values", ">late", "late>kid"}));
    std::vector<std::string> first;
    t.for_each_node([&](const Node& n) {
        first.push_back(n.name());
        return first.size() < 2;
    });
    EXPECT_EQ(first, (std::vector<std::string>{"", "chosen"}));
}

TEST(Fdt, AcceptsVersion16WithoutStructSize) {
    Blob blob = sample();
    put_be32(blob, f_version, 16);
    put_be32(blob, f_size_struct, 0xdeadbeef); // not in a version 16 header
    Tree t = must_open(blob);
    EXPECT_STREQ(t.find("/bus/dev")->name(), "dev@7");
}

TEST(Fdt, BufferLongerThanTotalSizeIsFine) {
    Blob blob = sample();
    size_t total = blob.size();
    blob.resize(total + 100, 0xff);
    EXPECT_EQ(must_open(blob).total_size(), total);
}

TEST(Fdt, DepthLimit) {
    EXPECT_TRUE(open(nested(Tree::max_depth)).ok());
    EXPECT_EQ(open_error(nested(Tree::max_depth + 1)), Error::too_deep);
    Blob deepest = nested(Tree::max_depth);
    Tree t = must_open(deepest);
    int count = 0;
    t.for_each_node([&](const Node&) { ++count; });
    EXPECT_EQ(count, int(Tree::max_depth));
}

TEST(Fdt, NopsAnywhereAreSkipped) {
    Builder b;
    b.nop().begin("").nop().prop_u32("a", 1).nop().begin("x").nop().end().nop().end().nop();
    Blob blob = b.build();
    Tree t = must_open(blob);
    EXPECT_EQ(*t.root().property("a")->cell(0), 1u);
    EXPECT_TRUE(t.find("/x").ok());
}

// ---- hostile headers and layouts ----

TEST(FdtHostile, BadMagicAndVersions) {
    Blob blob = sample();
    Blob bad = blob;
    put_be32(bad, f_magic, 0xedfe0dd0); // byte-swapped
    EXPECT_EQ(open_error(bad), Error::bad_magic);
    bad = blob;
    put_be32(bad, f_version, 15);
    EXPECT_EQ(open_error(bad), Error::bad_version);
    bad = blob;
    put_be32(bad, f_last_comp, 18);
    EXPECT_EQ(open_error(bad), Error::bad_version);
    EXPECT_EQ(Tree::open(Bytes()).error(), Error::truncated);
}

// Every proper prefix, each in an allocation of exactly its size so that the
// sanitizers see any read past it.
TEST(FdtHostile, EveryTruncationIsRefused) {
    Blob blob = virt_blob();
    for (size_t len = 0; len < blob.size(); ++len) {
        std::unique_ptr<uint8_t[]> copy(new uint8_t[len]);
        if (len) memcpy(copy.get(), blob.data(), len);
        auto t = Tree::open(Bytes(copy.get(), len));
        ASSERT_FALSE(t.ok()) << len;
        ASSERT_EQ(t.error(), Error::truncated) << len;
    }
}

TEST(FdtHostile, TotalSize) {
    Blob blob = sample();
    Blob bad = blob;
    put_be32(bad, f_totalsize, uint32_t(blob.size() + 1));
    EXPECT_EQ(open_error(bad), Error::truncated);
    put_be32(bad, f_totalsize, 0xffffffff);
    EXPECT_EQ(open_error(bad), Error::truncated);
    put_be32(bad, f_totalsize, 39);
    EXPECT_EQ(open_error(bad), Error::bad_layout);
    put_be32(bad, f_totalsize, uint32_t(blob.size() - 1)); // cuts the strings block
    EXPECT_EQ(open_error(bad), Error::bad_layout);
}

TEST(FdtHostile, BlocksOutsideMisalignedOrOverlapping) {
    Blob blob = sample();
    uint32_t off_struct = get_be32(blob, f_off_struct);
    auto with = [&](Field f, uint32_t v) {
        Blob b = blob;
        put_be32(b, f, v);
        return open_error(b);
    };
    EXPECT_EQ(with(f_off_struct, uint32_t(blob.size())), Error::bad_layout);
    EXPECT_EQ(with(f_off_struct, 0xfffffffc), Error::bad_layout);
    EXPECT_EQ(with(f_off_struct, off_struct + 2), Error::bad_layout);
    EXPECT_EQ(with(f_off_struct, 0), Error::bad_layout);
    EXPECT_EQ(with(f_size_struct, get_be32(blob, f_size_struct) - 2), Error::bad_layout);
    EXPECT_EQ(with(f_size_struct, 0xfffffff0), Error::bad_layout);
    EXPECT_EQ(with(f_off_strings, off_struct), Error::bad_layout);
    EXPECT_EQ(with(f_off_strings, 0xffffffff), Error::bad_layout);
    EXPECT_EQ(with(f_size_strings, 0x7fffffff), Error::bad_layout);
    EXPECT_EQ(with(f_off_rsvmap, 44), Error::bad_layout);
    EXPECT_EQ(with(f_off_rsvmap, 0), Error::bad_layout);
    EXPECT_EQ(with(f_off_rsvmap, 0xfffffff8), Error::bad_reservation);
    // A reservation block whose terminator would lie past the end of the blob.
    EXPECT_EQ(with(f_off_rsvmap, uint32_t((blob.size() - 8) & ~size_t{7})), Error::bad_reservation);

    // A reservation block whose terminator is gone runs into the structure block and
    // stops at 16 zero bytes there (a property name offset of 0, then zero value words).
    Builder z;
    z.begin("").prop("zeros", Blob(32, 0)).end();
    Blob overlapping = z.build();
    put_be32(overlapping, z.reservations_offset() + 4, 1);
    EXPECT_EQ(open_error(overlapping), Error::bad_layout);
}

TEST(FdtHostile, BadStringOffsets) {
    Blob blob = sample();
    size_t first_prop = get_be32(blob, f_off_struct) + 8; // after the root's BEGIN_NODE and empty name
    ASSERT_EQ(get_be32(blob, first_prop), tok_prop);
    Blob bad = blob;
    put_be32(bad, first_prop + 8, get_be32(blob, f_size_strings));
    EXPECT_EQ(open_error(bad), Error::bad_string);
    put_be32(bad, first_prop + 8, 0xffffffff);
    EXPECT_EQ(open_error(bad), Error::bad_string);
    bad = blob; // drop the NUL of the last string in the block
    put_be32(bad, f_size_strings, get_be32(blob, f_size_strings) - 1);
    EXPECT_EQ(open_error(bad), Error::bad_string);
}

TEST(FdtHostile, UnterminatedNodeName) {
    Builder b;
    b.token(tok_begin).raw("abcd", 4);
    EXPECT_EQ(open_error(b.build(false)), Error::bad_node_name);
    Builder c; // terminated, but the block is not whole words: refused before any token is read
    c.token(tok_begin).raw("ab", 3);
    EXPECT_EQ(open_error(c.build(false)), Error::bad_layout);
}

TEST(FdtHostile, PropertyLengthOverflow) {
    Builder b;
    b.begin("").prop_u32("a", 1).end();
    Blob blob = b.build();
    size_t len_field = b.struct_offset() + 8 + 4;
    size_t value_start = len_field + 8;
    size_t block_end = b.struct_offset() + b.struct_size();
    for (uint32_t len : {0xffffffffu, 0xfffffff4u, 0x80000000u, uint32_t(block_end - value_start + 1)}) {
        Blob bad = blob;
        put_be32(bad, len_field, len);
        EXPECT_EQ(open_error(bad), Error::bad_property) << len;
    }
    Blob bad = blob; // swallows END_NODE and END: the block then has no end
    put_be32(bad, len_field, uint32_t(block_end - value_start));
    EXPECT_EQ(open_error(bad), Error::no_end);

    Builder cut; // a property header cut by the end of the block
    cut.begin("").token(tok_prop).token(0);
    EXPECT_EQ(open_error(cut.build(false)), Error::bad_property);
}

TEST(FdtHostile, UnbalancedNodes) {
    Builder extra_end;
    extra_end.begin("").end().end();
    EXPECT_EQ(open_error(extra_end.build()), Error::unbalanced);
    Builder missing_end;
    missing_end.begin("").begin("a").end();
    EXPECT_EQ(open_error(missing_end.build()), Error::unbalanced);
    Builder two_roots;
    two_roots.begin("").end().begin("").end();
    EXPECT_EQ(open_error(two_roots.build()), Error::unbalanced);
    Builder stray_prop;
    stray_prop.prop_u32("a", 1).begin("").end();
    EXPECT_EQ(open_error(stray_prop.build()), Error::unbalanced);
    Builder no_root;
    EXPECT_EQ(open_error(no_root.build()), Error::unbalanced);
}

TEST(FdtHostile, EndMissingMisplacedOrUnknownToken) {
    Builder no_end;
    no_end.begin("").end();
    EXPECT_EQ(open_error(no_end.build(false)), Error::no_end);
    Builder after_end;
    after_end.begin("").end().token(tok_end).nop();
    EXPECT_EQ(open_error(after_end.build(false)), Error::no_end);
    Builder empty;
    EXPECT_EQ(open_error(empty.build(false)), Error::no_end);
    for (uint32_t token : {0u, 5u, 8u, 0x12345678u}) {
        Builder b;
        b.begin("").token(token).end();
        EXPECT_EQ(open_error(b.build()), Error::bad_token) << token;
    }
}

// ---- random damage ----

namespace {

// Reads everything reachable and checks that every pointer handed out stays inside the blob.
void read_everything(const Tree& t, const uint8_t* base, size_t size) {
    auto inside = [&](const void* p, size_t n) {
        auto q = static_cast<const uint8_t*>(p);
        return q >= base && q + n <= base + size;
    };
    int parents = 0;
    t.for_each_node([&](const Node& n) {
        ASSERT_TRUE(inside(n.name(), strlen(n.name()) + 1));
        n.for_each_property([&](const Property& p) {
            ASSERT_TRUE(inside(p.name(), strlen(p.name()) + 1));
            ASSERT_TRUE(p.size() == 0 || inside(p.value().data(), p.size()));
            if (auto s = p.string()) {
                ASSERT_EQ(strlen(*s) + 1, p.size());
            }
            (void)p.has_string("okay");
            (void)p.number();
            (void)p.cells(1, 2);
        });
        (void)n.reg(0), (void)n.reg(1), (void)n.cells(), (void)n.is_enabled(), (void)n.phandle();
        (void)n.child("interrupt-controller");
        if (parents++ < 8) (void)n.parent();
    });
    (void)t.find("/soc/plic");
    (void)t.find_phandle(plic_phandle);
    t.for_each_reservation([](const isok::fdt::Reservation&) {});
}

} // namespace

TEST(FdtHostile, RandomByteDamage) {
    const Blob blob = virt_blob();
    uint64_t seed = 0x15c0ffee;
    auto next = [&] { return seed = seed * 6364136223846793005u + 1442695040888963407u, uint32_t(seed >> 33); };
    int opened = 0, refused = 0;
    for (int round = 0; round < 4000; ++round) {
        Blob b = blob;
        for (uint32_t flips = 1 + next() % 4; flips; --flips) {
            size_t at = next() % b.size();
            if (next() % 4 == 0 && at + 4 <= b.size()) put_be32(b, at & ~size_t{3}, next() % 2 ? ~0u : next() % 64);
            else b[at] ^= uint8_t(1 + next() % 255);
        }
        std::unique_ptr<uint8_t[]> exact(new uint8_t[b.size()]);
        memcpy(exact.get(), b.data(), b.size());
        auto t = Tree::open(Bytes(exact.get(), b.size()));
        if (!t) {
            ++refused;
            ASSERT_NE(isok::fdt::describe(t.error()), nullptr);
            continue;
        }
        ++opened;
        read_everything(*t, exact.get(), b.size());
        if (HasFatalFailure()) return;
    }
    std::printf("%d damaged blobs opened, %d refused\n", opened, refused);
    EXPECT_GT(opened, 100);
    EXPECT_GT(refused, 100);
}

TEST(Fdt, DescribesEveryError) {
    for (int e = int(Error::truncated); e <= int(Error::bad_cells); ++e)
        EXPECT_STRNE(isok::fdt::describe(Error(e)), "unknown device tree error") << e;
}
