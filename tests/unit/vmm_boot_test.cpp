// Guest boot: the configuration page is checked, and kernel, initrd and device tree land
// where Linux expects them without overlapping.
#include "vmm_fakes.hpp"

#include <gtest/gtest.h>
#include <isok/fdt.hpp>
#include <vmm/boot.hpp>
#include <vmm/layout.hpp>

#include <cstring>
#include <vector>

using isok::Bytes;
using isok::u64;
using isok::u8;
using isok::vmm::BootError;
using isok::vmm::BootPlan;
using vmm_test::Ram;
namespace vm = isok::vm;

namespace {

constexpr u64 base = vm::guest_ram_base;
constexpr u64 MiB = 1 << 20;

vm::Config config(u64 ram_size = 64 * MiB) {
    vm::Config c{};
    c.magic = vm::config_magic;
    std::strcpy(c.name, "guest");
    c.ram_size = ram_size;
    c.vcpus = 2;
    c.devices = vm::device::uart | vm::device::virtio_net;
    c.kernel_address = 0x800000000;
    c.kernel_size = 4096;
    c.timebase_hz = 10000000;
    std::strcpy(c.isa, "rv64imafdch_sstc");
    std::strcpy(c.bootargs, "console=ttyS0");
    return c;
}

// A Linux Image header saying the kernel needs image_size bytes once running.
std::vector<u8> linux_image(size_t file_size, u64 image_size) {
    std::vector<u8> k(file_size, 0x13);
    std::memcpy(&k[8], "\0\0\x20\0\0\0\0\0", 8); // text_offset 2 MiB
    std::memcpy(&k[16], &image_size, 8);
    std::memcpy(&k[48], "RISCV\0\0\0", 8);
    std::memcpy(&k[56], "RSC\x05", 4);
    return k;
}

BootError plan_error(u64 ram_size, u64 footprint, u64 initrd) {
    auto p = isok::vmm::plan_boot(base, ram_size, footprint, initrd);
    EXPECT_FALSE(p.ok());
    return p.ok() ? BootError{} : p.error();
}

} // namespace

TEST(VmmBoot, ConfigChecks) {
    EXPECT_TRUE(isok::vmm::check_config(config()).ok());
    vm::Config c = config();
    c.magic = 0;
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::bad_magic);
    c = config();
    c.vcpus = 0;
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::bad_vcpus);
    c.vcpus = vm::max_vcpus + 1;
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::bad_vcpus);
    c = config(0);
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::bad_ram);
    c = config(MiB + 1);
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::bad_ram);
    c = config(~u64{0} & ~u64{4095});
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::bad_ram);
    c = config();
    c.kernel_size = 0;
    EXPECT_EQ(isok::vmm::check_config(c).error(), BootError::no_kernel);
}

TEST(VmmBoot, OnlyEmulatedDevicesReachTheGuest) { EXPECT_EQ(isok::vmm::guest_devices(config()), vm::device::uart); }

TEST(VmmBoot, KernelFootprintFromTheLinuxHeader) {
    EXPECT_EQ(isok::vmm::kernel_footprint(Bytes(nullptr, 0)), 0u);
    std::vector<u8> raw(1000, 0);
    EXPECT_EQ(isok::vmm::kernel_footprint(Bytes(raw.data(), raw.size())), 1000u);
    auto image = linux_image(4096, 3 * MiB);
    EXPECT_EQ(isok::vmm::kernel_footprint(Bytes(image.data(), image.size())), 3 * MiB);
    // A header claiming less than the file is not believed.
    auto small = linux_image(8192, 16);
    EXPECT_EQ(isok::vmm::kernel_footprint(Bytes(small.data(), small.size())), 8192u);
}

TEST(VmmBoot, Placement) {
    auto p = isok::vmm::plan_boot(base, 64 * MiB, 3 * MiB + 5, 1 * MiB + 7);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->kernel, base + 2 * MiB);
    EXPECT_EQ(p->entry, p->kernel);
    EXPECT_EQ(p->kernel_end, base + 5 * MiB + 4096);
    EXPECT_EQ(p->initrd % 4096, 0u);
    EXPECT_EQ(p->initrd_end, p->initrd + MiB + 7);
    EXPECT_LE(p->initrd_end, base + 64 * MiB);
    EXPECT_GT(p->initrd, base + 62 * MiB);
    EXPECT_EQ(p->dtb % 4096, 0u);
    EXPECT_LE(p->dtb + p->dtb_size, p->initrd);
    EXPECT_GE(p->dtb, p->kernel_end);

    auto no_initrd = isok::vmm::plan_boot(base, 64 * MiB, MiB, 0);
    ASSERT_TRUE(no_initrd.ok());
    EXPECT_EQ(no_initrd->initrd, no_initrd->initrd_end);
    EXPECT_EQ(no_initrd->dtb + no_initrd->dtb_size, base + 64 * MiB);
}

TEST(VmmBoot, WhatDoesNotFitIsRefused) {
    EXPECT_EQ(plan_error(2 * MiB, 1, 0), BootError::kernel_too_big);
    EXPECT_EQ(plan_error(16 * MiB, 14 * MiB + 1, 0), BootError::kernel_too_big);
    EXPECT_EQ(plan_error(16 * MiB, 14 * MiB, 0), BootError::no_room_for_dtb);
    EXPECT_EQ(plan_error(16 * MiB, 4 * MiB, 10 * MiB + 1), BootError::initrd_too_big);
    EXPECT_EQ(plan_error(16 * MiB, 4 * MiB, 10 * MiB), BootError::no_room_for_dtb);
    EXPECT_EQ(plan_error(16 * MiB, 4 * MiB, ~u64{0}), BootError::initrd_too_big);
    EXPECT_EQ(plan_error(16 * MiB, ~u64{0}, 0), BootError::kernel_too_big);
}

TEST(VmmBoot, LoadCopiesAndWritesTheDeviceTree) {
    Ram ram(32 * MiB);
    vm::Config c = config(32 * MiB);
    auto kernel = linux_image(8192, 4 * MiB);
    std::vector<u8> initrd(5000, 0x77);
    auto p = isok::vmm::load_guest(c, ram.memory(), Bytes(kernel.data(), kernel.size()),
                                   Bytes(initrd.data(), initrd.size()));
    ASSERT_TRUE(p.ok()) << isok::vmm::describe(p.error());
    EXPECT_EQ(std::memcmp(ram.host(base + 2 * MiB), kernel.data(), kernel.size()), 0);
    EXPECT_EQ(std::memcmp(ram.host(p->initrd), initrd.data(), initrd.size()), 0);
    EXPECT_GE(p->dtb, base + 6 * MiB); // above the kernel's BSS
    auto tree = isok::fdt::Tree::open(Bytes(ram.host(p->dtb), p->dtb_size));
    ASSERT_TRUE(tree.ok());
    auto chosen = tree->find("/chosen");
    ASSERT_TRUE(chosen.ok());
    EXPECT_EQ(*chosen->property("linux,initrd-start")->number(), p->initrd);
    EXPECT_EQ(*chosen->property("linux,initrd-end")->number(), p->initrd + initrd.size());
    EXPECT_TRUE(tree->find("/soc/serial@10000000").ok());
    EXPECT_TRUE(tree->find("/cpus/cpu@1").ok());
    EXPECT_TRUE(ram.guards_intact());
}

TEST(VmmBoot, DeviceTreeErrorIsReported) {
    Ram ram(16 * MiB);
    vm::Config c = config(16 * MiB);
    std::strcpy(c.isa, "not an isa");
    std::vector<u8> kernel(4096, 1);
    isok::vmm::DeviceTreeError why{};
    auto p = isok::vmm::load_guest(c, ram.memory(), Bytes(kernel.data(), kernel.size()), Bytes(), &why);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error(), BootError::device_tree);
    EXPECT_EQ(why, isok::vmm::DeviceTreeError::bad_isa);
}
