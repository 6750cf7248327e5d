// The exception message (isok/abi.hpp): written from the trap frame when a thread or a
// vCPU traps, and read back when its handler answers "emulated".
#include <arch/exception_message.hpp>
#include <isok/abi.hpp>

namespace arch {
namespace {
using isok::u64;
namespace message = isok::abi::exception_message;

const char* const exception_names[] = {
    "instruction address misaligned", "instruction access fault", "illegal instruction",
    "breakpoint", "load address misaligned", "load access fault",
    "store/AMO address misaligned", "store/AMO access fault", "environment call from U-mode",
    "environment call from HS-mode", "environment call from VS-mode", "environment call from M-mode",
    "instruction page fault", "load page fault", "reserved",
    "store/AMO page fault", "reserved", "reserved",
    "reserved", "reserved", "instruction guest-page fault",
    "load guest-page fault", "virtual instruction", "store/AMO guest-page fault",
};

// An instruction's length from its low bits; a 4-byte one when the bits are unknown.
u64 instruction_length(u64 instruction) { return instruction != 0 && (instruction & 3) != 3 ? 2 : 4; }
} // namespace

const char* exception_name(u64 cause) {
    return cause < sizeof(exception_names) / sizeof(exception_names[0]) ? exception_names[cause] : "unknown";
}

void describe_trap(u64* w, const TrapFrame& f, u64 address, u64 instruction, u64 access) {
    w[message::cause] = f.scause;
    w[message::pc] = f.sepc;
    w[message::address] = address;
    w[message::instruction] = instruction;
    w[message::access] = access;
    w[message::value] = access && message::access_is_store(access) ? f.x[message::access_register(access)] : 0;
    for (u64 i = 0; i < 8; ++i) w[message::a0 + i] = f.a(int(i));
}

void complete_emulation(TrapFrame& f, const u64* w, u64 value0, u64 value1) {
    if (w[message::cause] == message::cause_sbi_call) {
        f.a(0) = value0;
        f.a(1) = value1;
        f.sepc += 4;
        return;
    }
    u64 access = w[message::access];
    if (!access) { // nothing decoded: the handler performed the whole instruction
        f.sepc += instruction_length(w[message::instruction]);
        return;
    }
    complete_access(f, access, value0);
}

void complete_access(TrapFrame& f, u64 access, u64 value) {
    if (!message::access_is_store(access)) {
        u64 width = message::access_width(access), reg = message::access_register(access);
        if (width < 8) {
            u64 shift = 64 - width * 8;
            value = message::access_is_signed(access) ? u64(isok::i64(value << shift) >> shift)
                                                      : (value << shift) >> shift;
        }
        if (reg != 0) f.x[reg] = value;
    }
    f.sepc += message::access_length(access);
}

} // namespace arch
