// Scenarios on the hart's own state: CSRs a guest must not reach (csr-junk) and a
// hart that masks every interrupt and never yields (spin-masked).
#include "../mini/csr.hpp"
#include "hostile.hpp"

namespace hostile {
namespace {

// The hypervisor CSR accesses with fixed registers, so their encodings (which a VMM
// reports) are known: csrr a0, hstatus is 0x60002573; csrw hgatp, zero is 0x68001073.
u64 read_hstatus() {
    register u64 value asm("a0") = 0;
    asm volatile("csrr %0, 0x600" : "+r"(value) : : "memory");
    return value;
}

void clear_hgatp() { asm volatile("csrw 0x680, zero" ::: "memory"); }

// After a hypervisor CSR access: a guest never gets here, a bare HS-mode kernel does.
// True when the access went through.
bool report(const char* access) {
    Trap t = traps();
    if (t.count) say("the %s raised %s (this hart has no H extension); going on", access, cause_name(t.cause));
    else say("the %s went through: this is HS-mode, not a guest", access);
    return t.count == 0;
}

} // namespace

void csr_junk() {
    // M-mode CSRs: illegal from S-mode and VS-mode alike, and a hypervisor delegates
    // illegal instructions to its guest, so these come back to this guest's stvec.
    say("accessing M-mode CSRs 4 times (read mstatus, write mstatus, read mepc, read mhartid): "
        "each should trap to me as an illegal instruction");
    clear_traps();
    u64 junk = 0;
    asm volatile("csrr %0, mstatus" : "+r"(junk) : : "memory");
    asm volatile("csrw mstatus, zero" ::: "memory");
    asm volatile("csrr %0, mepc" : "+r"(junk) : : "memory");
    asm volatile("csrr %0, mhartid" : "+r"(junk) : : "memory");
    Trap t = traps();
    say("M-mode CSRs: %lu of 4 accesses trapped as illegal instructions and were skipped", t.count);

    // Hypervisor CSRs: from VS-mode a virtual-instruction exception, which goes to the
    // hypervisor, not to this guest.
    say("reading hstatus (CSR 0x600): csrr a0, hstatus, instruction 0x60002573");
    clear_traps();
    u64 value = read_hstatus();
    if (report("hstatus read")) say("hstatus is 0x%lx", value);
    say("writing zero to hgatp (CSR 0x680): csrw hgatp, zero, instruction 0x68001073");
    clear_traps();
    clear_hgatp();
    report("hgatp write");
    survived();
}

void spin_masked() {
    say("masking interrupts (sstatus.SIE = 0, sie = 0) and spinning forever");
    mini::csr::clear_sstatus(mini::csr::sstatus_sie);
    mini::csr::write_sie(0);
    for (;;) asm volatile("");
}

} // namespace hostile
