// SBI Debug Console (SBI 2.0, chapter 12). Buffers are guest-physical; the VMM reads
// them through its mapping of guest RAM, and a buffer that leaves guest RAM is an
// invalid parameter, as the spec says for memory that does not meet its requirements.
#include <vmm/sbi.hpp>

namespace isok::vmm {
namespace {

enum : u64 { console_write = 0, console_read = 1, console_write_byte = 2 };
constexpr u64 max_write = 4096; // per call: the guest loops on the count returned

// The buffer (num_bytes at base_lo | base_hi << 64), or nullptr when it is not in RAM.
u8* buffer(const SbiEnv& env, u64 num_bytes, u64 base_lo, u64 base_hi) {
    if (base_hi != 0) return nullptr; // above 2^64: no guest RAM there
    return env.ram.at(base_lo, num_bytes);
}

SbiResult dbcn(SbiEnv& env, const SbiCall& call) {
    u64 n = call.arg[0];
    switch (call.function) {
    case console_write: {
        const u8* text = buffer(env, n, call.arg[1], call.arg[2]);
        if (!text) return {sbi::err_invalid_param, 0};
        n = min(n, max_write);
        env.console.write(reinterpret_cast<const char*>(text), n);
        return {sbi::success, n};
    }
    case console_read: {
        // Whatever was typed, up to the buffer's size; none is not an error (0 bytes).
        u8* out = buffer(env, n, call.arg[1], call.arg[2]);
        if (!out) return {sbi::err_invalid_param, 0};
        return {sbi::success, env.input.take(out, usize(n))};
    }
    case console_write_byte: env.console.put(char(call.arg[0] & 0xff)); return {sbi::success, 0};
    default: return {sbi::err_not_supported, 0};
    }
}

} // namespace

const SbiExtension sbi_dbcn = {sbi::ext_dbcn, sbi::ext_dbcn, dbcn};

} // namespace isok::vmm
