// The mini guest: an S-mode kernel that checks, one line each, that the machine it
// runs on behaves as the RISC-V privileged spec, the SBI and virtio say, then powers off.
#include "console.hpp"
#include "csr.hpp"
#include "devicetree.hpp"
#include "paging.hpp"
#include "sbi.hpp"
#include "timer.hpp"
#include "user.hpp"
#include "virtio.hpp"

#include <isok/workload.hpp>

namespace mini {
namespace {

Machine machine;

[[noreturn]] void finish() { sbi::shutdown(console::summary() != 0); }

void run_workload() {
    u64 start = csr::read_instret();
    u64 result = isok::workload::run_measured(isok::workload::default_rounds);
    u64 spent = csr::read_instret() - start;
    console::line("workload result 0x%016lx in %lu instructions", result, spent);
    if (result != isok::workload::default_checksum)
        console::fail("workload", "expected 0x%016lx", isok::workload::default_checksum);
    else
        console::pass("workload");
}

} // namespace
} // namespace mini

extern "C" [[noreturn]] void mini_main(mini::u64 hart, mini::u64 dtb) {
    using namespace mini;
    console::init();
    console::line("hart %lu, device tree at 0x%lx, console through %s", hart, dtb,
                  console::uses_dbcn() ? "SBI DBCN" : "the legacy SBI putchar");
    if (!devicetree::check(hart, dtb, machine)) finish();
    sbi::check_base(hart);
    sbi::check_time(machine.timebase_hz);
    if (paging::check_enable(machine)) {
        paging::check_alias();
        paging::check_fault();
        user::check_syscall(machine);
        user::check_fault();
    } else {
        console::line("page alias, page fault and user checks skipped: paging is off");
    }
    virtio::check(machine); // the slots are mapped when paging is on
    timer::check(timer::Path::sbi, machine.timebase_hz);
    if (machine.has_sstc) timer::check(timer::Path::sstc, machine.timebase_hz);
    else console::line("timer sstc skipped: riscv,isa does not list sstc");
    run_workload();
    finish();
}
