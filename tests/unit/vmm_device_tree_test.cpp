// The guest's device tree: harts with the host ISA minus what the guest does not get,
// memory, the PLIC wired to every hart, and only the devices the VM was given.
#include <gtest/gtest.h>
#include <isok/fdt.hpp>
#include <isok/vm_config.hpp>
#include <vmm/device_tree.hpp>
#include <vmm/guest_isa.hpp>
#include <vmm/layout.hpp>

#include <cstring>
#include <string>
#include <vector>

using isok::Bytes;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::fdt::Node;
using isok::fdt::Tree;
using isok::vmm::DeviceTreeError;
using isok::vmm::GuestDescription;
namespace device = isok::vm::device;

namespace {

const char host_isa[] = "rv64imafdch_zicbom_zicboz_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svpbmt";
const char bootargs[] = "console=ttyS0 earlycon=sbi";

GuestDescription guest(u32 vcpus, u64 devices) {
    GuestDescription g;
    g.ram_base = 0x80000000;
    g.ram_size = 128 << 20;
    g.vcpus = vcpus;
    g.devices = devices;
    g.timebase_hz = 10000000;
    g.host_isa = host_isa;
    g.host_isa_max = sizeof host_isa;
    g.bootargs = bootargs;
    g.bootargs_max = sizeof bootargs;
    g.initrd_start = 0x87f00000;
    g.initrd_end = 0x87f80000;
    return g;
}

struct Written {
    std::vector<u8> blob = std::vector<u8>(64 * 1024);
    Tree tree;
};

Written write(const GuestDescription& g) {
    Written w;
    auto size = isok::vmm::write_device_tree(g, w.blob.data(), w.blob.size());
    EXPECT_TRUE(size.ok()) << (size.ok() ? "" : isok::vmm::describe(size.error()));
    if (!size.ok()) return w;
    auto t = Tree::open(Bytes(w.blob.data(), *size));
    EXPECT_TRUE(t.ok()) << isok::fdt::describe(t.error());
    if (t.ok()) w.tree = *t;
    return w;
}

std::string string_of(const Node& n, const char* property) {
    auto p = n.property(property);
    if (!p.ok()) return "<missing>";
    auto s = p->string();
    return s.ok() ? *s : "<not a string>";
}

std::string guest_isa(const char* host, size_t out_size = 128) {
    std::vector<char> out(out_size);
    if (!isok::vmm::guest_isa(host, strlen(host) + 1, out.data(), out.size())) return "<refused>";
    return out.data();
}

} // namespace

TEST(VmmGuestIsa, HypervisorAndUnsupportedExtensionsAreDropped) {
    EXPECT_EQ(guest_isa(host_isa), "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
    EXPECT_EQ(guest_isa("rv64imafdch"), "rv64imafdc");
    EXPECT_EQ(guest_isa("rv64imafdch_sstc"), "rv64imafdc_sstc");
    EXPECT_EQ(guest_isa("rv64imafdch_ssaia_smaia_smstateen_sha_shcounterenw_svadu_sscofpmf_zkr_svinval"),
              "rv64imafdc_svinval");
    // Older spellings: S and U as letters, versions, upper case, no underscore before z.
    EXPECT_EQ(guest_isa("rv64imafdcsuh"), "rv64imafdcsu");
    EXPECT_EQ(guest_isa("rv64i2p1m2p0h1p0c"), "rv64i2p1m2p0c");
    EXPECT_EQ(guest_isa("RV64IMAFDCH_Zicsr"), "rv64imafdc_zicsr");
    EXPECT_EQ(guest_isa("rv64imahzicsr_zifencei"), "rv64ima_zicsr_zifencei");
    EXPECT_EQ(guest_isa("rv32imach"), "rv32imac");
}

TEST(VmmGuestIsa, MalformedOrTooLongIsRefused) {
    EXPECT_EQ(guest_isa(""), "<refused>");
    EXPECT_EQ(guest_isa("rv64"), "<refused>");
    EXPECT_EQ(guest_isa("x86_64"), "<refused>");
    EXPECT_EQ(guest_isa("rv64ima fd"), "<refused>");
    EXPECT_EQ(guest_isa("rv64ima,fd"), "<refused>");
    EXPECT_EQ(guest_isa("rv64imafdc", 8), "<refused>");
    EXPECT_EQ(guest_isa("rv64imafdc", 11), "rv64imafdc");
    // An unterminated host string is read only up to its field.
    char field[8] = {'r', 'v', '6', '4', 'i', 'm', 'a', 'c'};
    char out[32];
    ASSERT_TRUE(isok::vmm::guest_isa(field, sizeof field, out, sizeof out));
    EXPECT_STREQ(out, "rv64imac");
}

TEST(VmmDeviceTree, MemoryAndChosen) {
    Written w = write(guest(1, device::uart));
    auto memory = w.tree.find("/memory@80000000");
    ASSERT_TRUE(memory.ok());
    EXPECT_EQ(string_of(*memory, "device_type"), "memory");
    auto reg = memory->reg(0);
    ASSERT_TRUE(reg.ok());
    EXPECT_EQ(reg->address, 0x80000000u);
    EXPECT_EQ(reg->size, 128u << 20);

    auto chosen = w.tree.find("/chosen");
    ASSERT_TRUE(chosen.ok());
    EXPECT_EQ(string_of(*chosen, "bootargs"), bootargs);
    EXPECT_EQ(string_of(*chosen, "stdout-path"), "/soc/serial@10000000");
    EXPECT_EQ(*chosen->property("linux,initrd-start")->number(), 0x87f00000u);
    EXPECT_EQ(*chosen->property("linux,initrd-end")->number(), 0x87f80000u);
    // stdout-path names a node that exists.
    EXPECT_TRUE(w.tree.find("/soc/serial@10000000").ok());
}

TEST(VmmDeviceTree, CpusCarryTheGuestIsaAndTheirInterruptControllers) {
    Written w = write(guest(3, 0));
    auto cpus = w.tree.find("/cpus");
    ASSERT_TRUE(cpus.ok());
    EXPECT_EQ(*cpus->property("timebase-frequency")->cell(0), 10000000u);
    int count = 0;
    cpus->for_each_child([&](const Node& cpu) {
        if (!cpu.has_base_name("cpu")) return;
        EXPECT_EQ(cpu.reg(0)->address, u64(count));
        EXPECT_EQ(string_of(cpu, "device_type"), "cpu");
        EXPECT_TRUE(cpu.is_compatible("riscv"));
        EXPECT_TRUE(cpu.is_enabled());
        std::string isa = string_of(cpu, "riscv,isa");
        EXPECT_EQ(isa, "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
        auto intc = cpu.child("interrupt-controller");
        ASSERT_TRUE(intc.ok());
        EXPECT_TRUE(intc->is_compatible("riscv,cpu-intc"));
        EXPECT_TRUE(intc->has_property("interrupt-controller"));
        EXPECT_NE(intc->phandle(), 0u);
        ++count;
    });
    EXPECT_EQ(count, 3);
}

TEST(VmmDeviceTree, PlicReachesEachHartsSupervisorExternalInterrupt) {
    Written w = write(guest(2, 0));
    auto plic = w.tree.find("/soc/plic@c000000");
    ASSERT_TRUE(plic.ok());
    EXPECT_TRUE(plic->is_compatible("riscv,plic0"));
    EXPECT_TRUE(plic->is_compatible("sifive,plic-1.0.0"));
    EXPECT_EQ(*plic->property("riscv,ndev")->cell(0), 31u);
    auto reg = plic->reg(0);
    ASSERT_TRUE(reg.ok());
    EXPECT_EQ(reg->address, isok::vmm::layout::plic_base);
    auto ie = plic->property("interrupts-extended");
    ASSERT_TRUE(ie.ok());
    ASSERT_EQ(ie->cell_count(), 4u);
    for (u32 hart = 0; hart < 2; ++hart) {
        auto intc = w.tree.find_phandle(*ie->cell(2 * hart));
        ASSERT_TRUE(intc.ok());
        auto cpu = intc->parent();
        ASSERT_TRUE(cpu.ok());
        EXPECT_EQ(cpu->reg(0)->address, hart);
        EXPECT_EQ(*ie->cell(2 * hart + 1), 9u);
    }
}

TEST(VmmDeviceTree, OnlyConfiguredDevicesArePresent) {
    Written none = write(guest(1, 0));
    EXPECT_FALSE(none.tree.find("/soc/serial@10000000").ok());
    EXPECT_FALSE(none.tree.find("/soc/virtio_mmio@10001000").ok());
    EXPECT_FALSE(none.tree.find("/chosen")->has_property("stdout-path"));

    Written virtio = write(guest(1, device::virtio_console));
    EXPECT_FALSE(virtio.tree.find("/soc/serial@10000000").ok());
    auto slot = virtio.tree.find("/soc/virtio_mmio@10001000");
    ASSERT_TRUE(slot.ok());
    EXPECT_TRUE(slot->is_compatible("virtio,mmio"));
    EXPECT_EQ(*slot->property("interrupts")->cell(0), 1u);
    EXPECT_EQ(slot->reg(0)->size, 0x1000u);

    Written uart = write(guest(1, device::uart));
    auto serial = uart.tree.find("/soc/serial@10000000");
    ASSERT_TRUE(serial.ok());
    EXPECT_TRUE(serial->is_compatible("ns16550a"));
    EXPECT_EQ(*serial->property("interrupts")->cell(0), 10u);
    EXPECT_EQ(*serial->property("clock-frequency")->cell(0), 3686400u);
    auto parent = uart.tree.find_phandle(*serial->property("interrupt-parent")->cell(0));
    ASSERT_TRUE(parent.ok());
    EXPECT_STREQ(parent->name(), "plic@c000000");
    EXPECT_FALSE(uart.tree.find("/soc/virtio_mmio@10001000").ok());
}

TEST(VmmDeviceTree, NoInitrdNoBootargs) {
    GuestDescription g = guest(1, 0);
    g.initrd_start = g.initrd_end = 0;
    g.bootargs = "";
    Written w = write(g);
    auto chosen = w.tree.find("/chosen");
    ASSERT_TRUE(chosen.ok());
    EXPECT_FALSE(chosen->has_property("linux,initrd-start"));
    EXPECT_FALSE(chosen->has_property("bootargs"));
}

TEST(VmmDeviceTree, BadDescriptionsAreRefused) {
    std::vector<u8> blob(64 * 1024);
    auto error = [&](const GuestDescription& g, size_t capacity) {
        auto r = isok::vmm::write_device_tree(g, blob.data(), capacity);
        EXPECT_FALSE(r.ok());
        return r.ok() ? DeviceTreeError{} : r.error();
    };
    GuestDescription g = guest(0, 0);
    EXPECT_EQ(error(g, blob.size()), DeviceTreeError::bad_vcpus);
    g = guest(isok::vm::max_vcpus + 1, 0);
    EXPECT_EQ(error(g, blob.size()), DeviceTreeError::bad_vcpus);
    g = guest(1, 0);
    g.timebase_hz = 0;
    EXPECT_EQ(error(g, blob.size()), DeviceTreeError::bad_timebase);
    g.timebase_hz = u64(1) << 32;
    EXPECT_EQ(error(g, blob.size()), DeviceTreeError::bad_timebase);
    g = guest(1, 0);
    g.host_isa = "arm64";
    EXPECT_EQ(error(g, blob.size()), DeviceTreeError::bad_isa);
    g = guest(8, device::uart | device::virtio_console);
    EXPECT_EQ(error(g, 512), DeviceTreeError::no_space);
}

TEST(VmmDeviceTree, EightHartsFitTheSlot) {
    GuestDescription g = guest(isok::vm::max_vcpus, device::uart | device::virtio_console);
    std::vector<u8> blob(isok::vmm::layout::dtb_max_size);
    auto r = isok::vmm::write_device_tree(g, blob.data(), blob.size());
    ASSERT_TRUE(r.ok());
    EXPECT_LT(*r, 8192u);
}
