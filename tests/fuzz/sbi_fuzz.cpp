// The VMM's SBI handling (vmm/src/sbi*.cpp) on sequences of guest ecalls with arbitrary
// arguments: answers carry SBI error codes, hart states stay valid, vCPUs started are
// real harts in guest RAM, and no call touches memory outside guest RAM.
#include "fuzz_util.hpp"
#include "vmm_fakes.hpp"

#include <vmm/console_input.hpp>
#include <vmm/sbi.hpp>

using fuzz::check;
using isok::u32;
using isok::u64;
using isok::u8;
namespace vmm = isok::vmm;
namespace sbi = isok::vmm::sbi;

namespace {

constexpr u64 extensions[] = {sbi::ext_base,          sbi::ext_time,          sbi::ext_ipi,
                              sbi::ext_rfence,        sbi::ext_hsm,           sbi::ext_srst,
                              sbi::ext_dbcn,          sbi::ext_legacy_set_timer, sbi::ext_legacy_putchar,
                              sbi::ext_legacy_getchar, sbi::ext_legacy_shutdown};
constexpr u64 extension_count = sizeof extensions / sizeof extensions[0];
constexpr u64 ram_bytes = 64 * 1024;

// An argument: raw, small, or an address near guest RAM (the interesting values for masks,
// hart ids and buffers), as the kind bits say.
u64 argument(fuzz::Reader& in, u32 kind) {
    switch (kind & 3) {
    case 0: return in.take<u8>();
    case 1: return isok::vm::guest_ram_base + ram_bytes - 0x8000 + in.take<isok::u16>();
    case 2: return ~u64{0} - in.take<u8>();
    default: return in.take<u64>();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader in(data, size);
    vmm_test::Ram ram(ram_bytes);
    vmm::GuestMemory memory = ram.memory();
    vmm_test::FakeVcpus vcpus;
    vmm_test::Lines lines;
    vmm::GuestConsole console("vm", 32, vmm_test::Lines::output, &lines);
    vmm::ConsoleInput input; // typed bytes for the console reads (legacy getchar, DBCN read)
    vmm::Harts harts;
    harts.count = 1 + in.take<u8>() % isok::vm::max_vcpus;
    harts.hart[0].state = vmm::HartState::started;
    vcpus.start_fails = in.flag();

    for (int calls = 0; calls < 64 && !in.empty(); ++calls) {
        u8 which = in.take<u8>();
        vmm::SbiCall call{};
        call.extension = which < extension_count ? extensions[which] : which == 0xff ? in.take<u64>() : which;
        u8 function = in.take<u8>();
        call.function = function == 0xff ? in.take<u64>() : function;
        u32 kinds = in.take<u32>();
        for (int i = 0; i < 6; ++i) call.arg[i] = argument(in, kinds >> (2 * i));
        // The caller is a running hart: a stopped one makes no calls.
        u32 caller = in.take<u8>() % harts.count;
        if (harts.hart[caller].state != vmm::HartState::started) caller = 0;
        if (harts.hart[caller].state != vmm::HartState::started) break;

        if (in.flag()) {
            u8 typed[8];
            for (u8& b : typed) b = in.take<u8>();
            input.push(typed, in.take<u8>() % (sizeof typed + 1));
        }
        vmm::SbiEnv env{caller, harts, memory, console, vcpus, input};
        vmm::SbiResult r = vmm::sbi_dispatch(env, call);
        check(r.error <= 0 && r.error >= sbi::err_already_stopped);
        check(r.flow <= vmm::SbiFlow::power_off);
        if (r.flow == vmm::SbiFlow::power_off) break;
        for (u32 h = 0; h < harts.count; ++h)
            check(harts.hart[h].state == vmm::HartState::started || harts.hart[h].state == vmm::HartState::stopped);
        check(ram.guards_intact());
    }
    for (const auto& s : vcpus.starts) check(s.vcpu < harts.count && memory.contains(s.pc, 2) && s.a0 == s.vcpu);
    for (u32 v : vcpus.stops) check(v < harts.count);
    for (u32 v = 0; v < isok::vm::max_vcpus; ++v) check(v < harts.count || vcpus.hvip[v] == 0);
    return 0;
}
