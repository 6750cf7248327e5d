// SBI calls made by the kernel itself (see sbi.hpp).
#include <arch/sbi.hpp>

namespace arch::sbi {

Ret call(u64 ext, u64 fid, u64 a0, u64 a1, u64 a2, u64 a3) {
    register u64 r_a0 asm("a0") = a0;
    register u64 r_a1 asm("a1") = a1;
    register u64 r_a2 asm("a2") = a2;
    register u64 r_a3 asm("a3") = a3;
    register u64 r_a6 asm("a6") = fid;
    register u64 r_a7 asm("a7") = ext;
    asm volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7) : "memory");
    return {i64(r_a0), r_a1};
}

bool probe_extension(u64 ext) {
    Ret r = call(ext_base, 3, ext);
    return r.error == 0 && r.value != 0;
}

void console_putchar(char c) { call(ext_legacy_putchar, 0, u64(isok::u8(c))); }

void set_timer(u64 deadline) { call(ext_time, 0, deadline); }

void shutdown(bool failure) {
    call(ext_srst, 0, reset_shutdown, failure ? reason_system_failure : reason_none);
    // SRST absent or refused: nothing else can stop the machine, so park this hart.
    for (;;) asm volatile("wfi");
}

} // namespace arch::sbi
