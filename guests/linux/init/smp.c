// The SMP task (isok.smp): what a guest with several vCPUs must get right. It counts the
// processors /proc/cpuinfo lists; runs one workload split over as many processes as
// processors, each pinned to its own CPU, and checks their sum; and runs threads on
// every CPU that map, touch and unmap memory the others then touch, so that Linux must
// shoot down TLB entries on the other vCPUs (SBI RFENCE) for the results to be right.
#include "init.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { max_cpus = 8, rounds = 200, pages = 16, page_bytes = 4096 };

static int count_processors(void) {
    FILE* f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "processor", 9)) n++;
    fclose(f);
    return n;
}

static void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

// Primes in [from, to) by trial division: CPU work that needs no shared memory.
static unsigned long primes_between(unsigned long from, unsigned long to) {
    unsigned long count = 0;
    for (unsigned long n = from < 2 ? 2 : from; n < to; n++) {
        int prime = 1;
        for (unsigned long d = 2; d * d <= n; d++)
            if (n % d == 0) {
                prime = 0;
                break;
            }
        count += prime;
    }
    return count;
}

// Each process counts a slice of [0, limit) on its own CPU and hands its count back
// through a pipe.
static void parallel_workload(int cpus) {
    const unsigned long limit = 400000;
    int fds[max_cpus][2];
    for (int i = 0; i < cpus; i++) {
        if (pipe(fds[i]) != 0) return;
        if (fork() == 0) {
            pin_to(i);
            unsigned long n = primes_between(limit * i / cpus, limit * (i + 1) / cpus);
            if (write(fds[i][1], &n, sizeof n) != sizeof n) _exit(1);
            _exit(0);
        }
    }
    unsigned long total = 0;
    for (int i = 0; i < cpus; i++) {
        unsigned long n = 0;
        if (read(fds[i][0], &n, sizeof n) == sizeof n) total += n;
        close(fds[i][0]);
        close(fds[i][1]);
    }
    while (wait(NULL) > 0) {
    }
    printf("init: smp: %d processes counted %lu primes below %lu\n", cpus, total, limit);
}

// The threads share one address space. In every round, thread `owner` maps a fresh
// area, fills it with the round's pattern, and every thread (each on its own CPU) reads
// it back; the owner unmaps it and the next round maps another, often at the same
// address: a CPU that kept a stale translation would read the old round's frame.
struct shared {
    pthread_barrier_t barrier;
    int threads;
    unsigned char* volatile area;
    unsigned long mismatches;
    pthread_mutex_t lock;
};

struct worker {
    struct shared* s;
    int index;
};

static void* churn(void* arg) {
    struct worker* w = arg;
    struct shared* s = w->s;
    pin_to(w->index);
    unsigned long bad = 0;
    for (int round = 0; round < rounds; round++) {
        int owner = round % s->threads;
        unsigned char pattern = (unsigned char)(round * 7 + 1);
        if (w->index == owner) {
            unsigned char* a = mmap(NULL, pages * page_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (a == MAP_FAILED) a = NULL;
            if (a) memset(a, pattern, pages * page_bytes);
            s->area = a;
        }
        pthread_barrier_wait(&s->barrier);
        unsigned char* a = s->area;
        for (int p = 0; a && p < pages; p++)
            if (a[p * page_bytes + w->index] != pattern) bad++;
        pthread_barrier_wait(&s->barrier);
        if (w->index == owner && a) munmap(a, pages * page_bytes);
        pthread_barrier_wait(&s->barrier);
    }
    pthread_mutex_lock(&s->lock);
    s->mismatches += bad;
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void shared_memory_churn(int cpus) {
    static struct shared s;
    struct worker workers[max_cpus];
    pthread_t ids[max_cpus];
    s.threads = cpus;
    pthread_barrier_init(&s.barrier, NULL, (unsigned)cpus);
    pthread_mutex_init(&s.lock, NULL);
    for (int i = 0; i < cpus; i++) {
        workers[i] = (struct worker){&s, i};
        pthread_create(&ids[i], NULL, churn, &workers[i]);
    }
    for (int i = 0; i < cpus; i++) pthread_join(ids[i], NULL);
    printf("init: smp: %d threads, %d rounds of map, touch, unmap: %lu stale reads\n", cpus, rounds, s.mismatches);
}

void smp_task(void) {
    int cpus = count_processors();
    printf("init: smp: /proc/cpuinfo lists %d processors\n", cpus);
    if (cpus < 1) return;
    if (cpus > max_cpus) cpus = max_cpus;
    parallel_workload(cpus);
    shared_memory_churn(cpus);
}
