// The IPC fast path: call and reply_receive in their common case — no capabilities
// sent, partner waiting, nothing of higher priority ready — as one straight line from
// the trap to the partner's registers (and buffer, for words beyond the registers). The
// reply that resumes a thread or a vCPU from an exception (a VMM answering an MMIO exit)
// takes it too. Anything unusual returns to the ordinary path, which handles every case
// correctly.
#pragma once
#include <kernel/thread.hpp>

namespace kernel::fastpath {

inline bool applies(u64 syscall) {
    return syscall == u64(isok::abi::Syscall::call) || syscall == u64(isok::abi::Syscall::reply_receive);
}

// Does not return when it handled the system call.
void try_ipc(Thread& caller);

} // namespace kernel::fastpath
