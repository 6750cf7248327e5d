// System plan, the console: an exact round trip, the byte layout of docs/plan-format.md,
// hostile console fields and records the reader must refuse, and the capabilities the
// console adds to the service and its inputs.
#include "plan_test_util.hpp"

#include <gtest/gtest.h>
#include <isok/plan.hpp>
#include <isok/plan_writer.hpp>
#include <isok/startup.hpp>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace plan_test;
using plan::Error;

// The sample: processes console, shell, linux.vmm (the VMM of VM linux) and other; the
// console service is process 0, its inputs shell and linux. Literal offsets of
// docs/plan-format.md: no endpoints, grants, ports, partitions or disks.
constexpr size_t P = 4, V = 1, C = 2;
constexpr size_t input_at(size_t i) { return 88 + 416 * P + 440 * V + 40 * i; }
constexpr size_t sample_size = input_at(C);
constexpr u32 service = 0, shell = 1, vmm = 2, other = 3;

plan::ProcessSpec process(std::string name, u32 cap_slots = 64) {
    return {.name = name,
            .image = name,
            .budget = 1024 * 1024,
            .stack = 16384,
            .priority = 100,
            .time_slice = 10,
            .cap_slots = cap_slots};
}

plan::VmSpec vm(std::string name, u32 vmm_index) {
    return plan::VmSpec{.name = name,
                        .kernel = name + ".kernel",
                        .initrd = "",
                        .memory = 16 << 20,
                        .budget = 17 << 20,
                        .vcpus = 1,
                        .priority = 100,
                        .time_slice = 10,
                        .devices = u32(isok::vm::device::uart),
                        .vmm = vmm_index,
                        .bootargs = ""};
}

plan::Writer sample_writer() {
    plan::Writer w("console");
    for (const char* name : {"console", "shell", "linux.vmm", "other"}) w.add(process(name));
    w.add(vm("linux", vmm));
    w.set_console(service);
    w.add(plan::ConsoleInputSpec{"shell", shell});
    w.add(plan::ConsoleInputSpec{"linux", vmm});
    return w;
}

std::vector<u8> sample() { return bytes_of(sample_writer()); }

TEST(PlanConsole, RoundTripGivesBackEveryValue) {
    const auto bytes = sample();
    auto p = open(bytes);
    ASSERT_TRUE(p.ok()) << plan::describe(p.error());
    ASSERT_TRUE(p->has_console());
    EXPECT_EQ(p->console_service(), service);
    ASSERT_EQ(p->console_input_count(), 2u);
    auto first = *p->console_input(0), second = *p->console_input(1);
    EXPECT_STREQ(first.name, "shell");
    EXPECT_EQ(first.process, shell);
    EXPECT_STREQ(second.name, "linux"); // the VM's name, its input taken by its VMM
    EXPECT_EQ(second.process, vmm);
    EXPECT_EQ(p->console_input(2).error(), Error::not_found);
    EXPECT_EQ(*p->console_input_of(shell), 0u);
    EXPECT_EQ(*p->console_input_of(vmm), 1u);
    EXPECT_EQ(p->console_input_of(service).error(), Error::not_found);
    EXPECT_EQ(p->console_input_of(other).error(), Error::not_found);
    EXPECT_EQ(p->console_input_of(plan::none).error(), Error::not_found);
}

TEST(PlanConsole, APlanWithoutAConsoleSaysSo) {
    plan::Writer w("quiet");
    w.add(process("a"));
    const auto bytes = bytes_of(w);
    EXPECT_EQ(get32(bytes, 80), 0xffffffffu);
    EXPECT_EQ(get32(bytes, 84), 0u);
    auto p = open(bytes);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p->has_console());
    EXPECT_EQ(p->console_service(), plan::none);
    EXPECT_EQ(p->console_input_count(), 0u);
    EXPECT_EQ(p->console_input(0).error(), Error::not_found);
    EXPECT_FALSE(plan::Plan().has_console());

    // A service without inputs is a console too.
    plan::Writer alone("alone");
    alone.add(process("a"));
    alone.set_console(0);
    auto q = open(bytes_of(alone));
    ASSERT_TRUE(q.ok());
    EXPECT_TRUE(q->has_console());
    EXPECT_EQ(q->console_input_count(), 0u);
}

TEST(PlanConsole, LayoutMatchesTheDocument) {
    const auto v = sample();
    ASSERT_EQ(v.size(), sample_size);
    EXPECT_EQ(get32(v, 8), 6u);
    EXPECT_EQ(get64(v, 24), sample_size);
    EXPECT_EQ(get32(v, 80), service);
    EXPECT_EQ(get32(v, 84), C);
    EXPECT_STREQ(str(v, 88 + 416 * P), "linux"); // the VM record, right before the inputs
    EXPECT_STREQ(str(v, input_at(0)), "shell");
    EXPECT_EQ(get32(v, input_at(0) + 32), shell);
    EXPECT_EQ(get32(v, input_at(0) + 36), 0u);
    EXPECT_STREQ(str(v, input_at(1)), "linux");
    EXPECT_EQ(get32(v, input_at(1) + 32), vmm);
    EXPECT_EQ(get32(v, input_at(1) + 36), 0u);
    for (size_t i = 5; i < 32; ++i) EXPECT_EQ(v[input_at(1) + i], 0u) << i;
}

struct Patch {
    const char* what;
    size_t offset;
    u32 value;
    Error expected;
};

TEST(PlanConsole, HostileFieldsAreRefused) {
    const size_t c0 = input_at(0), c1 = input_at(1);
    const Patch patches[] = {
        {"service past the processes", 80, 4, Error::bad_console},
        {"service is a VMM", 80, vmm, Error::bad_console},
        {"inputs without a service", 80, plan::none, Error::bad_console},
        {"more inputs than the format holds", 84, 33, Error::too_many},
        {"count past the table", 84, 3, Error::bad_size},
        {"input past the processes", c1 + 32, 4, Error::bad_console_input},
        {"input is the service", c0 + 32, service, Error::bad_console_input},
        {"a VM's input taken by another process", c1 + 32, other, Error::bad_console_input},
        {"reserved", c1 + 36, 1, Error::reserved_not_zero},
    };
    for (const Patch& p : patches) {
        auto v = sample();
        put32(v, p.offset, p.value);
        auto result = open(v);
        ASSERT_FALSE(result.ok()) << p.what;
        EXPECT_EQ(result.error(), p.expected) << p.what << ": " << plan::describe(result.error());
    }
}

TEST(PlanConsole, NamesAreChecked) {
    auto refusal = [](const std::vector<u8>& v) { return open(v).error(); };
    const size_t at = input_at(0);
    auto v = sample();
    v[at] = 'x'; // "xhell": not the name of its process
    EXPECT_EQ(refusal(v), Error::bad_console_input);
    v = sample(), v[at] = 'S';
    EXPECT_EQ(refusal(v), Error::name_bad);
    v = sample(), std::memset(&v[at], 'x', 32);
    EXPECT_EQ(refusal(v), Error::name_unterminated);
    v = sample(), v[at + 30] = 'x';
    EXPECT_EQ(refusal(v), Error::name_not_padded);
    v = sample(), std::memset(&v[at], 0, 32);
    EXPECT_EQ(refusal(v), Error::name_bad);
    // The same input twice: its name and process both copied onto the second record.
    v = sample(), std::memcpy(&v[input_at(1)], &v[at], 36);
    EXPECT_EQ(refusal(v), Error::bad_console_input);
}

TEST(PlanConsole, TruncationAtEveryLengthIsRefused) {
    const auto v = sample();
    for (size_t n = 0; n < v.size(); ++n) {
        std::vector<u8> cut(v.begin(), v.begin() + long(n));
        auto p = open(cut);
        ASSERT_FALSE(p.ok()) << n;
        EXPECT_EQ(p.error(), Error::truncated) << n;
    }
}

// The service holds 3 capabilities and one per input, an input 2: they fit the capability
// space after the grants, and the startup page lists them all after the domain and thread.
TEST(PlanConsole, ConsoleCapabilitiesMustFit) {
    for (u32 inputs : {11u, 12u}) { // 2 + 3 + 11 = 16 slots
        plan::Writer w("x");
        w.add(process("svc", 16));
        for (u32 i = 0; i < inputs; ++i) {
            const u32 index = w.add(process("p" + std::to_string(i)));
            w.add(plan::ConsoleInputSpec{"p" + std::to_string(i), index});
        }
        w.set_console(0);
        if (inputs == 11) EXPECT_TRUE(w.build().ok());
        else EXPECT_EQ(w.build().error(), Error::too_many_caps);
    }
    // An input with 16 slots: 2 + 12 grants + 2 fit, 2 + 13 + 2 do not.
    for (u32 grants : {12u, 13u}) {
        plan::Writer w("x");
        w.add(process("svc")), w.add(process("in", 16)), w.add(process("server"));
        const u32 channel = w.add(plan::EndpointSpec{"ch", plan::EndpointKind::channel, 2, false});
        for (u32 g = 0; g < grants; ++g)
            w.add(plan::GrantSpec{1, "c" + std::to_string(g), channel, 2, g + 1, plan::Role::client});
        w.set_console(0);
        w.add(plan::ConsoleInputSpec{"in", 1});
        if (grants == 12) EXPECT_TRUE(w.build().ok()) << grants;
        else EXPECT_EQ(w.build().error(), Error::too_many_caps) << grants;
    }
    // A service with room in its space: 2 + 58 grants + 4 fill the startup page, 59 do not.
    for (u32 grants : {58u, 59u}) {
        plan::Writer w("x");
        w.add(process("svc", 128)), w.add(process("in")), w.add(process("server"));
        const u32 channel = w.add(plan::EndpointSpec{"ch", plan::EndpointKind::channel, 2, false});
        for (u32 g = 0; g < grants; ++g)
            w.add(plan::GrantSpec{0, "c" + std::to_string(g), channel, 2, g + 1, plan::Role::client});
        w.set_console(0);
        w.add(plan::ConsoleInputSpec{"in", 1});
        if (grants == 58) EXPECT_TRUE(w.build().ok()) << grants;
        else EXPECT_EQ(w.build().error(), Error::too_many_caps) << grants;
    }
}

TEST(PlanConsole, WriterRefusesWhatTheReaderWould) {
    plan::Writer longer = sample_writer();
    longer.add(plan::ConsoleInputSpec{std::string(32, 'n'), other});
    EXPECT_EQ(longer.build().error(), Error::name_too_long);

    plan::Writer vmm_name = sample_writer(); // a VM's input goes by the VM's name, not its VMM's
    vmm_name.add(plan::ConsoleInputSpec{"linux.vmm", vmm});
    EXPECT_EQ(vmm_name.build().error(), Error::name_bad);

    plan::Writer vmm_service = sample_writer();
    vmm_service.set_console(vmm);
    EXPECT_EQ(vmm_service.build().error(), Error::bad_console);

    plan::Writer many("x");
    many.add(process("svc", 128));
    for (u32 i = 0; i < 33; ++i) {
        const u32 index = many.add(process("p" + std::to_string(i)));
        many.add(plan::ConsoleInputSpec{"p" + std::to_string(i), index});
    }
    many.set_console(0);
    EXPECT_EQ(many.build().error(), Error::too_many);
}

// What the root relies on after open(): a service that is a process and no VMM, inputs that
// are other processes, each once, named inside the plan, and room for all their capabilities.
void walk(const plan::Plan& p, const u8* begin, const u8* end) {
    ASSERT_LE(p.console_input_count(), 32u);
    if (!p.has_console()) {
        ASSERT_EQ(p.console_input_count(), 0u);
        return;
    }
    const u32 svc = p.console_service();
    ASSERT_LT(svc, p.process_count());
    ASSERT_FALSE(p.vm_of(svc).ok());
    ASSERT_LE(2 + p.process(svc)->grant_count + 3 + p.console_input_count(), isok::startup::max_caps);
    for (u32 i = 0; i < p.console_input_count(); ++i) {
        auto input = *p.console_input(i);
        expect_inside(input.name, begin, end);
        ASSERT_LT(input.process, p.process_count());
        ASSERT_NE(input.process, svc);
        ASSERT_EQ(*p.console_input_of(input.process), i);
        auto vm = p.vm_of(input.process);
        ASSERT_STREQ(input.name, vm.ok() ? p.vm(*vm)->name : p.process(input.process)->name);
        auto pr = *p.process(input.process);
        ASSERT_LE(2 + pr.grant_count + 2 + p.link_roles(input.process).caps(), pr.cap_slots);
    }
}

TEST(PlanConsole, RandomByteFlipsNeverBreakThePromises) {
    // Aim most flips at the console's records; the header's fields are among the others.
    const auto v = sample();
    const int accepted = flip_rounds(v, 20260412, 4, input_at(0), sample_size, walk);
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 20000);
}

} // namespace
