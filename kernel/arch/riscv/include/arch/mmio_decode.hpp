// Decoding a guest's trapping load or store into the access a VMM emulates.
#pragma once
#include <isok/types.hpp>

namespace arch {

// The exception_message access word (isok/abi.hpp) for a load or store instruction, or 0 when
// the instruction is neither. `bits` holds 32 bits of instruction memory (a compressed
// instruction in the low 16) or a transformed instruction from htinst.
isok::u64 decode_access(isok::u32 bits, bool transformed);

} // namespace arch
