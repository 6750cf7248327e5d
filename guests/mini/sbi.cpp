// The BASE and TIME checks.
#include "sbi.hpp"
#include "timer.hpp"

#include "console.hpp"
#include "csr.hpp"

namespace mini::sbi {
namespace {

constexpr u64 unknown_ext = 0x08A5A5A5; // in the experimental range, implemented by nobody we know

const char* implementation_name(u64 id) {
    constexpr const char* names[] = {"BBL", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix", "Coffer", "Xen"};
    return id < sizeof names / sizeof names[0] ? names[id] : "unknown";
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

} // namespace

bool check_base(u64 hart) {
    u64 spec = call(ext::base, 0).value;
    u64 major = spec >> 24 & 0x7f, minor = spec & 0xffffff;
    u64 impl = call(ext::base, 1).value, impl_version = call(ext::base, 2).value;
    bool time = probe(ext::time), srst = probe(ext::srst), hsm = probe(ext::hsm), dbcn = probe(ext::dbcn);
    console::line("sbi: spec %lu.%lu, implementation %lu (%s) version 0x%lx; TIME %s, SRST %s, HSM %s, DBCN %s", major,
                  minor, impl, implementation_name(impl), impl_version, yes_no(time), yes_no(srst), yes_no(hsm),
                  yes_no(dbcn));
    if (major == 0 && minor < 2) return console::fail("sbi base", "spec %lu.%lu has no probe_extension", major, minor);
    if (!time || !srst) return console::fail("sbi base", "TIME and SRST are required");
    if (probe(unknown_ext))
        return console::fail("sbi base", "probe of unknown extension 0x%lx says present", unknown_ext);
    Ret unknown = call(unknown_ext, 0);
    if (unknown.error != err_not_supported)
        return console::fail("sbi base", "call to unknown extension gave error %ld, not %ld", unknown.error,
                             err_not_supported);
    if (hsm) {
        Ret status = call(ext::hsm, 2, hart);
        if (status.error != 0 || status.value != 0)
            return console::fail("sbi base", "HSM says hart %lu is in state %lu (error %ld), not started", hart,
                                 status.value, status.error);
    }
    return console::pass("sbi base");
}

bool check_time(u64 timebase_hz) {
    u64 lead = timebase_hz / 1000, patience = timebase_hz / 10; // 1 ms ahead, wait up to 100 ms
    u64 start = csr::read_time(), deadline = start + lead;
    u64 arrived = timer::one_shot(deadline, patience);
    console::line("sbi: set_timer(now + %lu): the timer interrupt came %lu timebase ticks after the call", lead,
                  arrived ? arrived - start : 0);
    if (!arrived) return console::fail("sbi time", "no timer interrupt within %lu timebase ticks of the deadline", patience);
    if (arrived < deadline) return console::fail("sbi time", "the timer interrupt came before the deadline");
    return console::pass("sbi time");
}

} // namespace mini::sbi
