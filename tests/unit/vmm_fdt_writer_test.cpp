// The VMM's device tree writer: what it writes reads back through lib/fdt's validating
// reader, and misuse or a short buffer is an error, never a write past the buffer.
#include <gtest/gtest.h>
#include <isok/fdt.hpp>
#include <vmm/fdt_writer.hpp>

#include <cstring>
#include <string>
#include <vector>

using isok::Bytes;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::fdt::Tree;
using isok::vmm::FdtWriteError;
using isok::vmm::FdtWriter;

namespace {

// A tree with every kind of property the VMM writes.
void write_sample(FdtWriter& w) {
    w.begin_node("");
    w.property_u32("#address-cells", 2);
    w.property_u32("#size-cells", 2);
    w.property_string("model", "test");
    w.begin_node("chosen");
    w.property_string("bootargs", "console=ttyS0");
    w.property_u64("linux,initrd-start", 0x8f000000);
    w.end_node();
    w.begin_node("memory@80000000");
    w.property_string("device_type", "memory");
    w.property_reg("reg", 0x80000000, 0x10000000);
    w.end_node();
    w.begin_node("intc");
    w.property_empty("interrupt-controller");
    w.property_u32("phandle", 7);
    static const char compatible[] = "a,b\0c";
    w.property("compatible", compatible, sizeof compatible);
    u32 cells[] = {7, 9, 7, 11};
    w.property_cells("interrupts-extended", cells, 4);
    w.end_node();
    w.end_node();
}

Tree open(const std::vector<u8>& buffer, size_t size) {
    auto t = Tree::open(Bytes(buffer.data(), size));
    EXPECT_TRUE(t.ok()) << isok::fdt::describe(t.error());
    return t.ok() ? *t : Tree();
}

FdtWriteError finish_error(FdtWriter& w) {
    auto r = w.finish();
    EXPECT_FALSE(r.ok());
    return r.error();
}

} // namespace

TEST(VmmFdtWriter, RoundTripThroughTheReader) {
    std::vector<u8> buffer(4096);
    FdtWriter w(buffer.data(), buffer.size());
    write_sample(w);
    auto size = w.finish(3);
    ASSERT_TRUE(size.ok());
    Tree t = open(buffer, *size);
    EXPECT_EQ(t.total_size(), *size);
    EXPECT_EQ(t.boot_cpuid(), 3u);
    EXPECT_EQ(t.reservation_count(), 0u);

    auto cells = t.root().cells();
    ASSERT_TRUE(cells.ok());
    EXPECT_EQ(cells->address, 2u);
    EXPECT_EQ(cells->size, 2u);
    EXPECT_STREQ(*t.root().property("model")->string(), "test");
    auto chosen = t.find("/chosen");
    ASSERT_TRUE(chosen.ok());
    EXPECT_STREQ(*chosen->property("bootargs")->string(), "console=ttyS0");
    EXPECT_EQ(*chosen->property("linux,initrd-start")->number(), 0x8f000000u);

    auto memory = t.find("/memory");
    ASSERT_TRUE(memory.ok());
    EXPECT_STREQ(memory->name(), "memory@80000000");
    auto reg = memory->reg(0);
    ASSERT_TRUE(reg.ok());
    EXPECT_EQ(reg->address, 0x80000000u);
    EXPECT_EQ(reg->size, 0x10000000u);

    auto intc = t.find_phandle(7);
    ASSERT_TRUE(intc.ok());
    EXPECT_STREQ(intc->name(), "intc");
    EXPECT_TRUE(intc->has_property("interrupt-controller"));
    EXPECT_EQ(intc->property("interrupt-controller")->size(), 0u);
    EXPECT_TRUE(intc->is_compatible("a,b"));
    EXPECT_TRUE(intc->is_compatible("c"));
    auto ie = intc->property("interrupts-extended");
    ASSERT_TRUE(ie.ok());
    ASSERT_EQ(ie->cell_count(), 4u);
    EXPECT_EQ(*ie->cell(1), 9u);
    EXPECT_EQ(*ie->cell(3), 11u);
}

TEST(VmmFdtWriter, PropertyNamesAreStoredOnce) {
    std::vector<u8> buffer(4096);
    FdtWriter w(buffer.data(), buffer.size());
    w.begin_node("");
    for (int i = 0; i < 10; ++i) {
        w.begin_node("n");
        w.property_u32("same-name", u32(i));
        w.end_node();
    }
    w.end_node();
    auto size = w.finish();
    ASSERT_TRUE(size.ok());
    u32 size_strings = u32(buffer[32]) << 24 | u32(buffer[33]) << 16 | u32(buffer[34]) << 8 | buffer[35];
    EXPECT_EQ(size_strings, sizeof("same-name"));
    open(buffer, *size);
}

// Every buffer size from nothing to just enough: an error until it fits, and not one
// byte written past the capacity given.
TEST(VmmFdtWriter, ShortBuffersFailWithoutOverrun) {
    std::vector<u8> probe(4096);
    FdtWriter full(probe.data(), probe.size());
    write_sample(full);
    auto needed = full.finish();
    ASSERT_TRUE(needed.ok());
    for (size_t capacity = 0; capacity <= *needed; ++capacity) {
        std::vector<u8> buffer(*needed + 64, 0xee);
        FdtWriter w(buffer.data(), capacity);
        write_sample(w);
        auto r = w.finish();
        if (capacity < *needed) {
            ASSERT_FALSE(r.ok()) << capacity;
            EXPECT_EQ(r.error(), FdtWriteError::no_space);
        } else {
            ASSERT_TRUE(r.ok());
            open(buffer, *r);
        }
        for (size_t i = capacity; i < buffer.size(); ++i) ASSERT_EQ(buffer[i], 0xee) << capacity << " " << i;
    }
}

TEST(VmmFdtWriter, UnbalancedNodesAreRefused) {
    std::vector<u8> buffer(1024);
    {
        FdtWriter w(buffer.data(), buffer.size());
        w.end_node();
        EXPECT_EQ(finish_error(w), FdtWriteError::bad_nesting);
    }
    {
        FdtWriter w(buffer.data(), buffer.size());
        w.begin_node("");
        w.begin_node("open");
        EXPECT_EQ(finish_error(w), FdtWriteError::bad_nesting);
    }
    {
        FdtWriter w(buffer.data(), buffer.size());
        w.begin_node("");
        w.end_node();
        w.begin_node(""); // a second root
        w.end_node();
        EXPECT_EQ(finish_error(w), FdtWriteError::bad_nesting);
    }
    {
        FdtWriter w(buffer.data(), buffer.size());
        EXPECT_EQ(finish_error(w), FdtWriteError::bad_nesting); // no root at all
    }
}

TEST(VmmFdtWriter, PropertiesComeBeforeChildren) {
    std::vector<u8> buffer(1024);
    FdtWriter w(buffer.data(), buffer.size());
    w.begin_node("");
    w.begin_node("child");
    w.end_node();
    w.property_u32("late", 1);
    w.end_node();
    EXPECT_EQ(finish_error(w), FdtWriteError::bad_order);

    FdtWriter outside(buffer.data(), buffer.size());
    outside.property_u32("nowhere", 1);
    EXPECT_EQ(finish_error(outside), FdtWriteError::bad_order);
}

TEST(VmmFdtWriter, BadNamesAreRefused) {
    std::vector<u8> buffer(1024);
    std::string long_name(FdtWriter::max_name + 1, 'x');
    const char* cases[] = {"", long_name.c_str()};
    for (const char* name : cases) {
        FdtWriter node(buffer.data(), buffer.size());
        node.begin_node("");
        node.begin_node(name);
        EXPECT_EQ(finish_error(node), FdtWriteError::bad_name);
        FdtWriter prop(buffer.data(), buffer.size());
        prop.begin_node("");
        prop.property_u32(name, 1);
        EXPECT_EQ(finish_error(prop), FdtWriteError::bad_name);
    }
    FdtWriter root(buffer.data(), buffer.size());
    root.begin_node("named-root");
    EXPECT_EQ(finish_error(root), FdtWriteError::bad_name);
}

TEST(VmmFdtWriter, StringsTableLimit) {
    std::vector<u8> buffer(64 * 1024);
    FdtWriter w(buffer.data(), buffer.size());
    w.begin_node("");
    for (int i = 0; i < 200; ++i) w.property_u32(("property-number-" + std::to_string(i)).c_str(), 1);
    w.end_node();
    EXPECT_EQ(finish_error(w), FdtWriteError::strings_full);
}

TEST(VmmFdtWriter, FirstErrorSticks) {
    std::vector<u8> buffer(1024);
    FdtWriter w(buffer.data(), buffer.size());
    w.end_node();          // bad_nesting
    w.begin_node("");      // ignored from now on
    w.property_u32("", 1); // would be bad_name
    w.end_node();
    EXPECT_EQ(finish_error(w), FdtWriteError::bad_nesting);
}
