// The exception message of a trap (isok/abi.hpp, exception_message): one layout for a
// thread's fault and a vCPU's exit, and what an "emulated" reply does to the context.
#pragma once
#include <arch/trap_frame.hpp>

namespace arch {

// The privileged spec's name of an exception cause ("load page fault").
const char* exception_name(isok::u64 cause);

// Writes the message of the trap in f: its cause, pc and a0..a7, the address and
// instruction bits as the caller found them, the decoded access (0: none) and, for a
// store, the value it writes.
void describe_trap(isok::u64* words, const TrapFrame& f, isok::u64 address, isok::u64 instruction,
                   isok::u64 access);

// The handler performed the trapping instruction: write the loaded value or the SBI
// results, and continue after the instruction.
void complete_emulation(TrapFrame& f, const isok::u64* words, isok::u64 value0, isok::u64 value1);
// The decoded load or store (exception_message access word) is done: a load's register
// gets value, as wide and as signed as the load; the pc goes past the instruction.
void complete_access(TrapFrame& f, isok::u64 access, isok::u64 value);

} // namespace arch
