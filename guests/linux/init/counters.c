// The instruction and time counters user mode may read (guarded: reading one may trap)
// and the kernel's monotonic clock.
#include "init.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static sigjmp_buf counter_trap;

static void on_sigill(int sig) {
    (void)sig;
    siglongjmp(counter_trap, 1);
}

// Reads a user-mode counter CSR, or returns 0 with *ok = 0 when reading it traps.
#define READ_COUNTER(csr, ok)                                                    \
    ({                                                                           \
        uint64_t value_ = 0;                                                     \
        *(ok) = 0;                                                               \
        if (sigsetjmp(counter_trap, 1) == 0) {                                   \
            __asm__ volatile("rd" csr " %0" : "=r"(value_));                     \
            *(ok) = 1;                                                           \
        }                                                                        \
        value_;                                                                  \
    })

uint64_t instret(int* ok) { return READ_COUNTER("instret", ok); }
uint64_t rtime(int* ok) { return READ_COUNTER("time", ok); }

// Kernel's monotonic clock by system call (not the vDSO, which reads `time` in user mode).
uint64_t monotonic_ns(void) {
    struct timespec t;
    if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t) != 0) return 0;
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

// Instructions now, or 0 when the counter cannot be read (the lines then say 0).
uint64_t count_now(void) {
    int ok;
    uint64_t v = instret(&ok);
    return ok ? v : 0;
}

int ms_until(uint64_t deadline_ns) {
    uint64_t now = monotonic_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

void catch_counter_traps(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, NULL);
}
