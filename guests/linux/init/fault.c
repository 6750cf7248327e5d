// The fault task (isok.fault=<guest-physical address>): a user program reads an address
// at which the VM has no device, through /dev/mem. On a real machine that load is an
// access fault; Linux on RISC-V answers a user program's access fault with SIGSEGV
// (si_code SEGV_ACCERR) and goes on. Under Isokernel the VMM must hand the guest the same
// fault, so the program gets the same signal and Linux runs on.
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { page_bytes = 4096, exit_signalled = 3, exit_not_faulted = 4, exit_no_mapping = 5 };

static const char* signal_text(int signo, int code) {
    if (signo == SIGSEGV && code == SEGV_ACCERR) return "SIGSEGV (SEGV_ACCERR)";
    if (signo == SIGSEGV && code == SEGV_MAPERR) return "SIGSEGV (SEGV_MAPERR)";
    if (signo == SIGBUS && code == BUS_ADRERR) return "SIGBUS (BUS_ADRERR)";
    if (signo == SIGBUS) return "SIGBUS";
    return signo == SIGSEGV ? "SIGSEGV" : "another signal";
}

// Only write() and _exit() here: the program stops where the fault left it.
static void on_fault(int signo, siginfo_t* info, void* context) {
    (void)context;
    char line[96];
    int n = snprintf(line, sizeof line, "init: fault: the program got %s\n", signal_text(signo, info->si_code));
    if (n > 0) (void)!write(STDOUT_FILENO, line, (size_t)n);
    _exit(exit_signalled);
}

static __attribute__((noreturn)) void probe(unsigned long address) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    char path[64];
    int fd = device_node("mem", path, sizeof path) ? open(path, O_RDONLY | O_SYNC) : -1;
    void* page = fd < 0 ? MAP_FAILED
                        : mmap(NULL, page_bytes, PROT_READ, MAP_SHARED, fd, (off_t)(address & ~(page_bytes - 1ul)));
    if (page == MAP_FAILED) {
        printf("init: fault failed: cannot map guest-physical 0x%lx through /dev/mem: %s\n", address,
               strerror(errno));
        _exit(exit_no_mapping);
    }
    printf("init: fault: a program reads guest-physical 0x%lx, where the VM has no device\n", address);
    fflush(stdout);
    volatile const uint32_t* word = (const uint32_t*)((char*)page + (address & (page_bytes - 1)));
    uint32_t value = *word;
    printf("init: fault failed: the read returned 0x%x instead of faulting\n", value);
    _exit(exit_not_faulted);
}

void fault_task(unsigned long address) {
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        printf("init: fault failed: fork: %s\n", strerror(errno));
        return;
    }
    if (child == 0) probe(address);
    int status = 0;
    if (waitpid(child, &status, 0) != child) {
        printf("init: fault failed: waitpid: %s\n", strerror(errno));
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == exit_signalled)
        printf("init: fault: the program ended on its signal; Linux runs on\n");
    else if (WIFSIGNALED(status))
        printf("init: fault: the program was killed by signal %d; Linux runs on\n", WTERMSIG(status));
}
