// The kernel's MMIO load/store decoder (kernel/arch/riscv/mmio_decode.cpp) on arbitrary
// instruction words, trapped and transformed: every access word it makes is well formed.
#include "fuzz_util.hpp"

#include <arch/mmio_decode.hpp>
#include <isok/abi.hpp>

using fuzz::check;
using isok::u32;
using isok::u64;
namespace message = isok::abi::exception_message;

namespace {

u64 field(u64 access, int shift, u64 mask) { return access >> shift & mask; }

// One decoded access against the instruction it came from.
void check_access(u32 insn, bool transformed, u64 a) {
    if (a == 0) return;
    u64 width = message::access_width(a), length = field(a, 24, 0xf), reg = field(a, 16, 0x1f);
    bool store = field(a, 8, 1), is_signed = field(a, 9, 1);
    check(width == 1 || width == 2 || width == 4 || width == 8);
    check(!(store && is_signed) && !(is_signed && width == 8));
    check(a == message::make_access(width, store, is_signed, reg, length)); // no stray bits
    // Re-encoded as the uncompressed load or store it stands for, the access decodes the
    // same from the instruction and from its transformed forms (bit 1 clear: compressed).
    u32 log2_width = u32(__builtin_ctzll(width));
    u32 funct3 = store ? log2_width : log2_width + (!is_signed && width < 8 ? 4 : 0);
    u32 standard = store ? (0x23 | funct3 << 12 | u32(reg) << 20) : (0x03 | funct3 << 12 | u32(reg) << 7);
    check(arch::decode_access(standard, false) == message::make_access(width, store, is_signed, reg, 4));
    check(arch::decode_access(standard & ~2u, true) == message::make_access(width, store, is_signed, reg, 2));
    if (transformed) {
        check(length == ((insn & 2) ? 4u : 2u));
    } else if ((insn & 3) == 3) {
        u32 opcode = insn & 0x7f;
        check(length == 4 && (opcode == 0x03 || opcode == 0x23));
        check(reg == (store ? (insn >> 20 & 0x1f) : (insn >> 7 & 0x1f)));
    } else {
        check(length == 2);
        check(store || reg != 0); // compressed loads into x0 are reserved encodings
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader in(data, size);
    do {
        u32 insn = in.take<u32>();
        for (bool transformed : {false, true}) check_access(insn, transformed, arch::decode_access(insn, transformed));
        // An uncompressed instruction is its own transformed form (htinst keeps bit 1 set).
        if ((insn & 3) == 3) check(arch::decode_access(insn, true) == arch::decode_access(insn, false));
        // A compressed instruction decodes from its low 16 bits alone.
        if ((insn & 3) != 3) check(arch::decode_access(insn, false) == arch::decode_access(insn & 0xffff, false));
    } while (!in.empty());
    return 0;
}
