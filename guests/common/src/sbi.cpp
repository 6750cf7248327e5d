// SBI calls through ecall.
#include <isok/guest/sbi.hpp>

namespace isok::guest::sbi {

Ret call(u64 ext, u64 fid, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
    register u64 r0 asm("a0") = a0;
    register u64 r1 asm("a1") = a1;
    register u64 r2 asm("a2") = a2;
    register u64 r3 asm("a3") = a3;
    register u64 r4 asm("a4") = a4;
    register u64 r5 asm("a5") = a5;
    register u64 r6 asm("a6") = fid;
    register u64 r7 asm("a7") = ext;
    asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7) : "memory");
    return {i64(r0), r1};
}

bool probe(u64 extension) {
    Ret r = call(ext::base, 3, extension);
    return r.error == 0 && r.value != 0;
}

void legacy_putchar(char c) { call(ext::legacy_putchar, 0, u64(u8(c))); }

Ret console_write(const char* text, u64 length) { return call(ext::dbcn, 0, length, u64(text)); }

Ret set_timer(u64 deadline) { return call(ext::time, 0, deadline); }

void shutdown(bool failure) {
    call(ext::srst, 0, 0, failure ? 1 : 0);
    for (;;) asm volatile("wfi");
}

const char* error_name(i64 error) {
    constexpr const char* names[] = {"SBI_SUCCESS",           "SBI_ERR_FAILED",          "SBI_ERR_NOT_SUPPORTED",
                                     "SBI_ERR_INVALID_PARAM", "SBI_ERR_DENIED",          "SBI_ERR_INVALID_ADDRESS",
                                     "SBI_ERR_ALREADY_AVAILABLE", "SBI_ERR_ALREADY_STARTED", "SBI_ERR_ALREADY_STOPPED"};
    return error <= 0 && -error < i64(sizeof names / sizeof names[0]) ? names[-error] : "unknown";
}

} // namespace isok::guest::sbi
