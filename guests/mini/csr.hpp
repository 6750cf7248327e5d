// Supervisor CSRs the mini guest uses, by name (stimecmp by number: older
// assemblers do not know Sstc).
#pragma once
#include <isok/types.hpp>

namespace mini::csr {

using isok::u64;

#define MINI_CSR_ACCESSORS(name, csr)                                                          \
    inline u64 read_##name() {                                                                 \
        u64 v;                                                                                 \
        asm volatile("csrr %0, " #csr : "=r"(v));                                              \
        return v;                                                                              \
    }                                                                                          \
    inline void write_##name(u64 v) { asm volatile("csrw " #csr ", %0" ::"r"(v) : "memory"); } \
    inline void set_##name(u64 v) { asm volatile("csrs " #csr ", %0" ::"r"(v) : "memory"); }  \
    inline void clear_##name(u64 v) { asm volatile("csrc " #csr ", %0" ::"r"(v) : "memory"); }

MINI_CSR_ACCESSORS(sstatus, sstatus)
MINI_CSR_ACCESSORS(sie, sie)
MINI_CSR_ACCESSORS(sip, sip)
MINI_CSR_ACCESSORS(satp, satp)
MINI_CSR_ACCESSORS(stimecmp, 0x14d)
#undef MINI_CSR_ACCESSORS

inline u64 read_time() {
    u64 v;
    asm volatile("rdtime %0" : "=r"(v));
    return v;
}

inline u64 read_instret() {
    u64 v;
    asm volatile("rdinstret %0" : "=r"(v));
    return v;
}

inline constexpr u64 sstatus_sie = 1 << 1;
inline constexpr u64 sstatus_spp = 1 << 8;
inline constexpr u64 sie_stie = 1 << 5; // also sip.STIP

inline void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }

} // namespace mini::csr
