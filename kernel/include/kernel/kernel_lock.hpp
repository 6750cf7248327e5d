// The kernel lock: one ticket lock around the whole kernel, as seL4 has on SMP. The
// kernel is small and never pre-empted, so a hart holds it from its trap entry to its
// return to user mode or guest; while it waits, it still answers what other harts ask
// of it (hart.hpp), and it sleeps rather than spins. Uncontended, taking and leaving it
// are a few instructions inline, on every kernel entry.
#pragma once
#include <isok/types.hpp>

namespace kernel::kernel_lock {

namespace detail {
extern isok::u32 next_ticket;
extern isok::u32 now_serving;
extern isok::u64 sleepers; // hart ids (as bits) asleep until the lock changes hands
void wait_for(isok::u32 ticket);
void wake_sleepers(isok::u64 harts);
} // namespace detail

inline void acquire() {
    isok::u32 mine = __atomic_fetch_add(&detail::next_ticket, 1, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&detail::now_serving, __ATOMIC_ACQUIRE) != mine) [[unlikely]]
        detail::wait_for(mine);
}

inline void release() {
    __atomic_store_n(&detail::now_serving, detail::now_serving + 1, __ATOMIC_RELEASE);
    // A hart that went to sleep before seeing the new ticket is seen here (the fence
    // orders the store before the load, as the sleeper orders its mark before its check).
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (isok::u64 asleep = __atomic_load_n(&detail::sleepers, __ATOMIC_RELAXED)) [[unlikely]]
        detail::wake_sleepers(asleep);
}

// Another hart waits for the lock this hart holds: a long operation stops for it.
inline bool contended() {
    return __atomic_load_n(&detail::next_ticket, __ATOMIC_RELAXED) -
               __atomic_load_n(&detail::now_serving, __ATOMIC_RELAXED) > 1;
}

// For assertions: somebody holds the lock (not necessarily this hart).
inline bool held() {
    return __atomic_load_n(&detail::now_serving, __ATOMIC_RELAXED) !=
           __atomic_load_n(&detail::next_ticket, __ATOMIC_RELAXED);
}

} // namespace kernel::kernel_lock
