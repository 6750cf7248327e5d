// sbi-junk: malformed SBI calls, each announced, made, and answered on the same line
// with the error code it returned; then a clean SRST shutdown. An SBI (or a hypervisor
// standing in for one) must refuse them all and stay up.
#include "hostile.hpp"

#include <isok/format.hpp>
#include <isok/guest/console.hpp>
#include <isok/guest/sbi.hpp>

namespace hostile {
namespace {

namespace sbi = isok::guest::sbi;
namespace ext = sbi::ext;
using isok::u32;

struct Junk {
    char what[96];
    u64 ext, fid, a0 = 0, a1 = 0, a2 = 0;
};

constexpr u32 max_junk = 40;
Junk junk[max_junk];
u32 count = 0;

const char message[] = "hostile: this text must never be printed\n";

// Where a hart started by mistake would go: nowhere.
[[noreturn]] void park() {
    for (;;) asm volatile("wfi");
}

void add(u64 e, u64 fid, u64 a0, u64 a1, u64 a2, const char* fmt, ...) __attribute__((format(printf, 6, 7)));
void add(u64 e, u64 fid, u64 a0, u64 a1, u64 a2, const char* fmt, ...) {
    if (count == max_junk) return;
    Junk& j = junk[count++];
    j = Junk{{}, e, fid, a0, a1, a2};
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    (void)isok::vformat_to(j.what, sizeof j.what, fmt, args);
    __builtin_va_end(args);
}

// A fixed xorshift32 stream: "random" extension ids, the same on every run, so a test
// can name what each line must say. None of them is an extension anybody implements.
u32 next_random() {
    static u32 x = 0x1e575eed;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return x;
}

void build(const Machine& m) {
    for (int i = 0; i < 4; ++i) {
        u64 e = next_random(), a0 = next_random(), a1 = next_random();
        add(e, 0, a0, a1, 0, "unknown extension 0x%08lx", e);
    }
    add(0xffffffff, 0, 0, 0, 0, "unknown extension 0xffffffff");

    struct Known {
        u64 ext, fid;
        const char* name;
    };
    // One past each extension's last function (HSM: past its reserved range, since
    // hart_suspend is function 3 on firmware that has it).
    const Known known[] = {{ext::base, 7, "base"}, {ext::time, 1, "time"},  {ext::ipi, 1, "ipi"},
                           {ext::rfence, 7, "rfence"}, {ext::hsm, 8, "hsm"}, {ext::srst, 1, "srst"},
                           {ext::dbcn, 3, "dbcn"}};
    for (const Known& k : known) add(k.ext, k.fid, 0, 0, 0, "%s unknown function %lu", k.name, k.fid);

    u64 text = u64(message), end = m.ram.end();
    add(ext::dbcn, 0, 16, 0x200000000, 0, "dbcn console_write 16 bytes at 0x200000000 (outside RAM)");
    add(ext::dbcn, 0, 16, m.ram.base - 4096, 0, "dbcn console_write 16 bytes at 0x%lx (below RAM)", m.ram.base - 4096);
    add(ext::dbcn, 0, 64, end - 8, 0, "dbcn console_write 64 bytes at 0x%lx (across the end of RAM)", end - 8);
    add(ext::dbcn, 0, ~u64(0), text, 0, "dbcn console_write 0xffffffffffffffff bytes (wraps around)");
    add(ext::dbcn, 0, u64(1) << 40, text, 0, "dbcn console_write 1 TiB (more than RAM)");
    add(ext::dbcn, 0, 16, text, 1, "dbcn console_write 16 bytes above 2^64 (base_hi 1)");
    add(ext::dbcn, 1, 16, 0x200000000, 0, "dbcn console_read 16 bytes into 0x200000000 (outside RAM)");

    u64 entry = u64(&park);
    add(ext::hsm, 0, m.cpus, entry, 0, "hsm hart_start of hart %u (one past the last)", m.cpus);
    add(ext::hsm, 0, 0xffffffff, entry, 0, "hsm hart_start of hart 0xffffffff");
    add(ext::hsm, 0, m.hart, entry, 0, "hsm hart_start of hart %lu (me, running)", m.hart);
    add(ext::hsm, 2, m.cpus, 0, 0, "hsm hart_get_status of hart %u (one past the last)", m.cpus);
    add(ext::ipi, 0, 1, 0x10000, 0, "ipi send_ipi to hart 0x10000");
    add(ext::rfence, 0, 1, 0x10000, 0, "rfence remote_fence_i on hart 0x10000");

    // Invalid types only, with reason "none": a valid type would really reset.
    add(ext::srst, 0, 3, 0, 0, "srst system_reset type 3 (reserved)");
    add(ext::srst, 0, 0xf0000000, 0, 0, "srst system_reset type 0xf0000000 (vendor)");
    add(ext::srst, 0, u64(1) << 32, 0, 0, "srst system_reset type 0x100000000 (beyond 32 bits)");
}

} // namespace

void sbi_junk(const Machine& m) {
    build(m);
    for (u32 i = 0; i < count; ++i) {
        const Junk& j = junk[i];
        // Announced first, answered on the same line: if the call ends the guest, the
        // last line says which call it was.
        announce("sbi %s ->", j.what);
        sbi::Ret r = sbi::call(j.ext, j.fid, j.a0, j.a1, j.a2);
        isok::guest::console::line(" error %ld %s", r.error, sbi::error_name(r.error));
    }
    say("sbi-junk done");
    sbi::shutdown(false);
}

} // namespace hostile
