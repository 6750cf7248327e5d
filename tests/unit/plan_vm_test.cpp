// System plan, the virtual-machine table: an exact round trip, the byte layout of
// docs/plan-format.md, and hostile VM records the reader must refuse.
#include "plan_test_util.hpp"

#include <gtest/gtest.h>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <isok/string.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace plan_test;
namespace device = isok::vm::device;
using plan::Error;

// The sample: processes hello, linux.vmm, tiny.vmm; one channel (hello serves "net" to
// linux.vmm); VMs linux (VMM 1) and tiny (VMM 2). Literal offsets of docs/plan-format.md.
constexpr size_t P = 3, E = 1, N = 2, V = 2;
constexpr size_t process_at(size_t i) { return 88 + 416 * i; }
constexpr size_t vm_at(size_t i) { return 88 + 416 * P + 48 * E + 64 * N + 440 * i; }
constexpr size_t sample_size = vm_at(V);
constexpr u64 MiB = 1024 * 1024;

plan::ProcessSpec process(std::string name, u32 cap_slots) {
    return {.name = name,
            .image = name == "hello" ? "hello" : "vmm.elf",
            .budget = 512 * 1024,
            .stack = 65536,
            .priority = 101,
            .time_slice = 10,
            .cap_slots = cap_slots};
}

plan::VmSpec linux_vm() {
    return {.name = "linux",
            .kernel = "linux.kernel",
            .initrd = "linux.initrd",
            .memory = 128 * MiB,
            .budget = 129 * MiB,
            .vcpus = 2,
            .priority = 100,
            .time_slice = 20,
            .devices = u32(device::uart | device::virtio_net),
            .vmm = 1,
            .bootargs = "console=ttyS0 earlycon=sbi"};
}

plan::Writer sample_writer() {
    plan::Writer w("guests");
    w.add(process("hello", 16)), w.add(process("linux.vmm", 64)), w.add(process("tiny.vmm", 16));
    w.add(plan::EndpointSpec{"net", plan::EndpointKind::channel, 0, false});
    w.add(plan::GrantSpec{0, "net", 0, 1, 0, plan::Role::server});
    w.add(plan::GrantSpec{1, "net", 0, 2, 1, plan::Role::client});
    w.add(linux_vm());
    w.add(plan::VmSpec{.name = "tiny",
                       .kernel = "tiny.kernel",
                       .initrd = "",
                       .memory = 4 * MiB,
                       .budget = 4 * MiB + 65536,
                       .vcpus = 1,
                       .priority = 254,
                       .time_slice = 1,
                       .vmm = 2,
                       .bootargs = ""});
    return w;
}

std::vector<u8> sample() { return bytes_of(sample_writer()); }

TEST(PlanVm, RoundTripGivesBackEveryValue) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_EQ(p->vm_count(), 2u);
    auto linux = *p->vm(0);
    EXPECT_STREQ(linux.name, "linux");
    EXPECT_STREQ(linux.kernel, "linux.kernel");
    EXPECT_STREQ(linux.initrd, "linux.initrd");
    EXPECT_EQ(linux.memory, 128 * MiB);
    EXPECT_EQ(linux.budget, 129 * MiB);
    EXPECT_EQ(linux.vcpus, 2u);
    EXPECT_EQ(linux.priority, 100u);
    EXPECT_EQ(linux.time_slice, 20u);
    EXPECT_EQ(linux.devices, u32(device::uart | device::virtio_net));
    EXPECT_EQ(linux.vmm, 1u);
    EXPECT_STREQ(linux.bootargs, "console=ttyS0 earlycon=sbi");
    auto tiny = *p->vm(1);
    EXPECT_STREQ(tiny.initrd, "");
    EXPECT_STREQ(tiny.bootargs, "");
    EXPECT_EQ(tiny.devices, 0u);
    EXPECT_EQ(*p->vm_of(1), 0u);
    EXPECT_EQ(*p->vm_of(2), 1u);
    EXPECT_EQ(p->vm_of(0).error(), Error::not_found);
    EXPECT_EQ(p->vm(2).error(), Error::not_found);
    EXPECT_STREQ(p->process(1)->name, "linux.vmm");
    EXPECT_STREQ(p->grant(1, 0)->name, "net"); // grants still found past the VM table's start
}

TEST(PlanVm, LayoutMatchesTheDocument) {
    const auto v = sample();
    ASSERT_EQ(v.size(), sample_size);
    EXPECT_EQ(get32(v, 8), 6u);
    EXPECT_EQ(get32(v, 64), V);
    EXPECT_EQ(get64(v, 24), sample_size);
    const size_t at = vm_at(0);
    EXPECT_STREQ(str(v, at), "linux");
    EXPECT_STREQ(str(v, at + 32), "linux.kernel");
    EXPECT_STREQ(str(v, at + 80), "linux.initrd");
    EXPECT_EQ(get64(v, at + 128), 128 * MiB);
    EXPECT_EQ(get64(v, at + 136), 129 * MiB);
    EXPECT_EQ(get32(v, at + 144), 2u);
    EXPECT_EQ(get32(v, at + 148), 100u);
    EXPECT_EQ(get32(v, at + 152), 20u);
    EXPECT_EQ(get32(v, at + 156), 1u | 4u);
    EXPECT_EQ(get32(v, at + 160), 1u);
    EXPECT_EQ(get32(v, at + 164), 0u);
    EXPECT_STREQ(str(v, at + 168), "console=ttyS0 earlycon=sbi");
    EXPECT_EQ(v[vm_at(1) + 80], 0u); // tiny: no initrd
    EXPECT_STREQ(str(v, process_at(1)), "linux.vmm");
}

struct Patch {
    const char* what;
    size_t offset;
    u64 value;
    int bytes;
    Error expected;
};

TEST(PlanVm, EveryFieldIsRangeChecked) {
    const size_t a = vm_at(0), b = vm_at(1);
    const Patch patches[] = {
        {"memory below 4M", a + 128, 4 * MiB - 4096, 8, Error::bad_memory},
        {"memory off page", a + 128, 128 * MiB + 1, 8, Error::bad_memory},
        {"memory past the VMM's window", a + 128, u64(192) << 30 | 4096, 8, Error::bad_memory},
        {"budget below memory", a + 136, 128 * MiB - 4096, 8, Error::bad_memory},
        {"budget off page", a + 136, 129 * MiB + 8, 8, Error::bad_memory},
        {"no vcpus", a + 144, 0, 4, Error::bad_vcpus},
        {"9 vcpus", a + 144, 9, 4, Error::bad_vcpus},
        {"priority 0", a + 148, 0, 4, Error::bad_priority},
        {"priority 255", a + 148, 255, 4, Error::bad_priority},
        {"time slice 0", b + 152, 0, 4, Error::bad_time_slice},
        {"time slice 1001", b + 152, 1001, 4, Error::bad_time_slice},
        {"unknown device", a + 156, 16, 4, Error::bad_devices},
        {"vmm past the processes", a + 160, 3, 4, Error::bad_vmm},
        {"vmm of both", b + 160, 1, 4, Error::bad_vmm},
        {"reserved", b + 164, 1, 4, Error::reserved_not_zero},
        {"vm count past the table", 64, 3, 4, Error::bad_size},
    };
    for (const Patch& p : patches) {
        auto v = sample();
        if (p.bytes == 4) put32(v, p.offset, u32(p.value));
        else put64(v, p.offset, p.value);
        auto result = open(v);
        ASSERT_FALSE(result.ok()) << p.what;
        EXPECT_EQ(result.error(), p.expected) << p.what << ": " << plan::describe(result.error());
    }
    auto v = sample();
    put64(v, vm_at(0) + 128, u64(192) << 30), put64(v, vm_at(0) + 136, u64(192) << 30);
    EXPECT_TRUE(open(v).ok()); // the largest guest: 192 GiB fills the VMM's window exactly
}

TEST(PlanVm, NamesAndBootargsAreChecked) {
    auto refusal = [](std::vector<u8> v) { return open(v).error(); };
    const size_t a = vm_at(0);
    auto v = sample();
    v[a + 2] = '.'; // "li.ux": no dots in VM names
    EXPECT_EQ(refusal(v), Error::name_bad);
    v = sample(), std::memset(&v[a + 32], 0, 48); // a kernel is required
    EXPECT_EQ(refusal(v), Error::name_bad);
    v = sample(), v[a + 32] = ' ';
    EXPECT_EQ(refusal(v), Error::name_bad);
    v = sample(), std::memset(&v[a + 80], 'i', 48);
    EXPECT_EQ(refusal(v), Error::name_unterminated);
    v = sample(), v[a + 80 + 40] = 'x';
    EXPECT_EQ(refusal(v), Error::name_not_padded);
    v = sample(), v[a + 80] = '!';
    EXPECT_EQ(refusal(v), Error::name_bad);
    v = sample(), v[a + 168 + 7] = '\n';
    EXPECT_EQ(refusal(v), Error::bad_bootargs);
    v = sample(), v[a + 168 + 7] = char(0x80);
    EXPECT_EQ(refusal(v), Error::bad_bootargs);
    v = sample(), std::memset(&v[a + 168], 'a', 256);
    EXPECT_EQ(refusal(v), Error::name_unterminated);
    v = sample(), v[a + 168 + 255] = 'a';
    EXPECT_EQ(refusal(v), Error::name_not_padded);
    v = sample(), std::memset(&v[a + 168], 'a', 255);
    EXPECT_TRUE(open(v).ok()); // 255 characters and the NUL
    v = sample(), std::memcpy(&v[vm_at(1)], "linux", 6);
    EXPECT_EQ(refusal(v), Error::name_duplicate);
    v = sample(), std::memcpy(&v[vm_at(1)], "hello", 6); // VMs and processes share one namespace
    EXPECT_EQ(refusal(v), Error::name_duplicate);
}

TEST(PlanVm, WriterRefusesWhatTheReaderWould) {
    auto with = [](plan::VmSpec vm) {
        plan::Writer w("x");
        w.add(process("a.vmm", 16));
        for (int i = 0; i < 10; ++i) w.add(process("s" + std::to_string(i), 16));
        for (u32 i = 0; i < 10; ++i) {
            w.add(plan::EndpointSpec{"c" + std::to_string(i), plan::EndpointKind::channel, 1 + i, false});
            w.add(plan::GrantSpec{1 + i, "c", i, 1, 0, plan::Role::server});
            w.add(plan::GrantSpec{0, "c" + std::to_string(i), i, 2, 1, plan::Role::client});
        }
        w.add(vm);
        return w.build();
    };
    plan::VmSpec vm = linux_vm();
    vm.vmm = 0, vm.vcpus = 1;
    EXPECT_TRUE(with(vm).ok()); // 2 + 10 grants + vm, memory, exits + 1 vCPU = 16 slots
    vm.vcpus = 2;
    EXPECT_EQ(with(vm).error(), Error::bad_vmm);
    vm = linux_vm(), vm.vmm = 0, vm.vcpus = 1, vm.bootargs = std::string(256, 'a');
    EXPECT_EQ(with(vm).error(), Error::bad_bootargs);
    vm.bootargs = "", vm.initrd = std::string(48, 'i');
    EXPECT_EQ(with(vm).error(), Error::name_too_long);
}

TEST(PlanVm, TruncationAtEveryLengthIsRefused) {
    const auto v = sample();
    for (size_t n = 0; n < v.size(); ++n) {
        std::vector<u8> cut(v.begin(), v.begin() + long(n));
        auto p = open(cut);
        ASSERT_FALSE(p.ok()) << n;
        EXPECT_EQ(p.error(), Error::truncated) << n;
    }
}

// What the root relies on after open(): every VM's names are inside the plan and
// terminated, its numbers in range, its VMM a process that serves no other VM.
void walk(const plan::Plan& p, const u8* begin, const u8* end) {
    auto inside = [&](const char* s) { expect_inside(s, begin, end); };
    for (u32 i = 0; i < p.vm_count(); ++i) {
        auto vm = *p.vm(i);
        inside(vm.name), inside(vm.kernel), inside(vm.initrd), inside(vm.bootargs);
        ASSERT_LT(vm.vmm, p.process_count());
        ASSERT_EQ(*p.vm_of(vm.vmm), i);
        ASSERT_GE(vm.memory, 4 * MiB);
        ASSERT_GE(vm.budget, vm.memory);
        ASSERT_TRUE(vm.vcpus >= 1 && vm.vcpus <= 8);
        ASSERT_EQ(vm.devices & ~0xfu, 0u);
        ASSERT_GT(std::strlen(vm.kernel), 0u);
    }
}

TEST(PlanVm, RandomByteFlipsNeverBreakThePromises) {
    // Aim half of the flips at the VM table.
    const int accepted = flip_rounds(sample(), 20261125, 2, vm_at(0), sample_size, walk);
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 20000);
}

} // namespace
