// Control and status registers of the RISC-V privileged architecture (S and HS level).
#pragma once
#include <isok/types.hpp>

#define ISOK_STR2(x) #x
#define ISOK_STR(x) ISOK_STR2(x)

#define csr_read(csr)                                        \
    ({                                                       \
        isok::u64 v_;                                        \
        asm volatile("csrr %0, " ISOK_STR(csr) : "=r"(v_)); \
        v_;                                                  \
    })
#define csr_write(csr, val) asm volatile("csrw " ISOK_STR(csr) ", %0" ::"rK"(isok::u64(val)) : "memory")
#define csr_set(csr, bits) asm volatile("csrs " ISOK_STR(csr) ", %0" ::"rK"(isok::u64(bits)) : "memory")
#define csr_clear(csr, bits) asm volatile("csrc " ISOK_STR(csr) ", %0" ::"rK"(isok::u64(bits)) : "memory")

// CSR numbers the assembler of clang 14 may not know by name.
#define CSR_STIMECMP 0x14d
#define CSR_HSTATUS 0x600
#define CSR_HTVAL 0x643
#define CSR_HTINST 0x64a

namespace arch::csr {

using isok::u64;

// sstatus
inline constexpr u64 sstatus_sie = 1ull << 1;
inline constexpr u64 sstatus_spie = 1ull << 5;
inline constexpr u64 sstatus_spp = 1ull << 8;
inline constexpr u64 sstatus_sum = 1ull << 18;

// sie / sip
inline constexpr u64 irq_ssoft = 1;
inline constexpr u64 irq_stimer = 5;
inline constexpr u64 irq_sext = 9;

// scause
inline constexpr u64 scause_interrupt = 1ull << 63;

// satp
inline constexpr u64 satp_mode_sv39 = 8ull << 60;

} // namespace arch::csr
