// Load/store decoding for MMIO exits: RV64I loads and stores and their compressed
// forms (RISC-V unprivileged spec, "RV32I/RV64I" and "C" chapters). A transformed
// instruction from htinst is the uncompressed form with bit 1 cleared when the
// original was compressed (privileged spec, "Transformed Instruction or Pseudoinstruction").
#include <arch/mmio_decode.hpp>
#include <isok/abi.hpp>

namespace arch {
namespace {

using isok::u32;
using isok::u64;
using isok::abi::exception_message::make_access;

constexpr u32 bits(u32 v, int hi, int lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }

u64 decode_standard(u32 insn, u64 length) {
    u32 opcode = insn & 0x7f, funct3 = bits(insn, 14, 12);
    if (opcode == 0x03) { // loads: lb lh lw ld lbu lhu lwu
        static constexpr u64 widths[8] = {1, 2, 4, 8, 1, 2, 4, 0};
        if (widths[funct3] == 0) return 0;
        return make_access(widths[funct3], false, funct3 < 3, bits(insn, 11, 7), length);
    }
    if (opcode == 0x23 && funct3 < 4) // stores: sb sh sw sd
        return make_access(1u << funct3, true, false, bits(insn, 24, 20), length);
    return 0;
}

u64 decode_compressed(u32 insn) {
    u32 op = insn & 3, funct3 = bits(insn, 15, 13);
    u32 rd_prime = bits(insn, 4, 2) + 8; // c.lw/c.ld/c.sw/c.sd name x8..x15
    if (op == 0) {
        if (funct3 == 2) return make_access(4, false, true, rd_prime, 2);  // c.lw
        if (funct3 == 3) return make_access(8, false, false, rd_prime, 2); // c.ld
        if (funct3 == 6) return make_access(4, true, false, rd_prime, 2);  // c.sw
        if (funct3 == 7) return make_access(8, true, false, rd_prime, 2);  // c.sd
    }
    if (op == 2) {
        u32 rd = bits(insn, 11, 7), rs2 = bits(insn, 6, 2);
        if (funct3 == 2 && rd) return make_access(4, false, true, rd, 2);  // c.lwsp
        if (funct3 == 3 && rd) return make_access(8, false, false, rd, 2); // c.ldsp
        if (funct3 == 6) return make_access(4, true, false, rs2, 2);       // c.swsp
        if (funct3 == 7) return make_access(8, true, false, rs2, 2);       // c.sdsp
    }
    return 0;
}

} // namespace

u64 decode_access(u32 insn, bool transformed) {
    if (transformed) return decode_standard(insn | 3, (insn & 2) ? 4 : 2);
    if ((insn & 3) != 3) return decode_compressed(insn & 0xffff);
    return decode_standard(insn, 4);
}

} // namespace arch
