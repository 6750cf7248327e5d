// The kernel lock's slow paths (kernel_lock.hpp): a hart that finds the lock taken
// sleeps until the holder lets go and wakes it; tickets keep the order of asking.
#include <arch/smp.hpp>
#include <kernel/hart.hpp>
#include <kernel/kernel_lock.hpp>

namespace kernel::kernel_lock::detail {

u32 next_ticket = 0;
u32 now_serving = 0;
u64 sleepers = 0;

namespace {
bool served(u32 ticket) { return __atomic_load_n(&now_serving, __ATOMIC_ACQUIRE) == ticket; }
} // namespace

void wait_for(u32 ticket) {
    Hart& self = this_hart();
    u64 bit = u64{1} << self.hart_id;
    while (!served(ticket)) {
        // The holder may be waiting for this hart to do something.
        if (self.requests) harts::serve_requests(self);
        arch::smp::clear_ipi();
        __atomic_fetch_or(&sleepers, bit, __ATOMIC_SEQ_CST);
        // Checked again once the holder can see this hart asleep: its wake-up then
        // comes after this check, and the WFI below returns at once.
        if (!served(ticket) && !self.requests) arch::smp::wait_for_ipi();
        __atomic_fetch_and(&sleepers, ~bit, __ATOMIC_SEQ_CST);
    }
}

void wake_sleepers(u64 harts) { arch::smp::send_ipis(harts); }

} // namespace kernel::kernel_lock::detail
