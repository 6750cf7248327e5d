// The SBI calls a guest makes (ecall from VS-mode) and the kernel forwards: one table
// entry per extension, each in its own sbi_<extension>.cpp (RISC-V SBI specification
// v2.0; the VMM reports spec version 1.0, whose extensions plus DBCN it implements).
#pragma once
#include <isok/types.hpp>
#include <vmm/console.hpp>
#include <vmm/console_input.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/vcpu.hpp>

namespace isok::vmm {

namespace sbi {
// Error codes (SBI 2.0, 3.2).
inline constexpr i64 success = 0, err_failed = -1, err_not_supported = -2, err_invalid_param = -3, err_denied = -4,
                     err_invalid_address = -5, err_already_available = -6, err_already_started = -7,
                     err_already_stopped = -8;
// Extension ids.
inline constexpr u64 ext_legacy_set_timer = 0x00, ext_legacy_putchar = 0x01, ext_legacy_getchar = 0x02,
                     ext_legacy_shutdown = 0x08, ext_base = 0x10, ext_time = 0x54494d45, ext_ipi = 0x735049,
                     ext_rfence = 0x52464e43, ext_hsm = 0x48534d, ext_srst = 0x53525354, ext_dbcn = 0x4442434e;
inline constexpr u64 spec_version = 1 << 24 | 0; // 1.0: major in bits 24..30, minor below
inline constexpr u64 impl_id = 0x49534f4b;       // "ISOK": not a registered implementation id
inline constexpr u64 impl_version = 1;
inline constexpr u64 reset_shutdown = 0, reset_cold_reboot = 1, reset_warm_reboot = 2; // SRST reset types
} // namespace sbi

struct SbiCall {
    u64 extension; // guest a7
    u64 function;  // guest a6
    u64 arg[6];    // guest a0..a5
};

// What happens to the calling hart after the call.
enum class SbiFlow : u8 {
    resume,    // back to the guest with (error, value) in a0/a1
    legacy,    // back with value in a0 and a1 untouched (SBI v0.1 calls return one value)
    stop_hart, // HSM hart_stop: the hart stops, no return
    power_off, // SRST (or legacy shutdown): the whole VM ends, no return
};

struct SbiResult {
    i64 error = sbi::success;
    u64 value = 0;
    SbiFlow flow = SbiFlow::resume;
};

// What an extension may touch: the VM's harts, its RAM, its console and typed input,
// the kernel.
struct SbiEnv {
    u32 caller; // hart id (= vCPU index) of the calling hart
    Harts& harts;
    const GuestMemory& ram;
    GuestConsole& console;
    VcpuControl& vcpus;
    ConsoleInput& input;
};

using SbiHandler = SbiResult (*)(SbiEnv& env, const SbiCall& call);

struct SbiExtension {
    u64 first; // extension ids first..last
    u64 last;
    SbiHandler handler;
};

// One per sbi_<extension>.cpp.
extern const SbiExtension sbi_base, sbi_time, sbi_ipi, sbi_rfence, sbi_hsm, sbi_srst, sbi_dbcn, sbi_legacy_set_timer,
    sbi_legacy_putchar, sbi_legacy_getchar, sbi_legacy_shutdown;

const SbiExtension* sbi_find(u64 extension);
SbiResult sbi_dispatch(SbiEnv& env, const SbiCall& call);

// Shared by TIME and the legacy set_timer (sbi_time.cpp).
SbiResult sbi_set_timer(SbiEnv& env, u64 deadline);

// Shared by IPI and RFENCE: the harts named by (mask, mask_base), or false when one of
// them does not exist (SBI 2.0, 3.3: a mask_base of all ones means every hart).
bool sbi_hart_mask(const Harts& harts, u64 mask, u64 mask_base, u64& selected);

} // namespace isok::vmm
