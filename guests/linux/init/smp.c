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
#include <time.h>
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

// Primes in the blocks of [0, limit) that are process `i`'s of `cpus`: blocks of 1000
// numbers dealt out in turn, so that every process gets as much work (trial division
// costs more the larger the number, so halves of the range would not be equal shares).
static unsigned long primes_in_share(int i, int cpus, unsigned long limit) {
    const unsigned long block = 1000;
    unsigned long count = 0;
    for (unsigned long from = block * (unsigned long)i; from < limit; from += block * (unsigned long)cpus)
        count += primes_between(from, from + block < limit ? from + block : limit);
    return count;
}

// Each process counts its share of [0, limit) on its own CPU and hands its count back
// through a pipe; the total is the same however many processes count.
static unsigned long count_in_parallel(int cpus, unsigned long limit) {
    int fds[max_cpus][2];
    for (int i = 0; i < cpus; i++) {
        if (pipe(fds[i]) != 0) return 0;
        if (fork() == 0) {
            pin_to(i);
            unsigned long n = primes_in_share(i, cpus, limit);
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
    return total;
}

static void parallel_workload(int cpus) {
    const unsigned long limit = 400000;
    printf("init: smp: %d processes counted %lu primes below %lu\n", cpus, count_in_parallel(cpus, limit), limit);
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

static long microseconds_since(const struct timespec* start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000000L + (now.tv_nsec - start->tv_nsec) / 1000L;
}

// The speedup task (isok.speedup): the same count of primes in one process on one CPU,
// then split over two processes on two CPUs. The guest's clock is QEMU's, which follows
// the host's when the harts run in parallel without -icount, so the times are wall-clock
// and their ratio is what two harts give a VM (`make bench`: smp_speedup_linux_vm).
void speedup_task(void) {
    const unsigned long limit = 1500000;
    long us[2];
    unsigned long counted[2];
    for (int cpus = 1; cpus <= 2; cpus++) {
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        counted[cpus - 1] = count_in_parallel(cpus, limit);
        us[cpus - 1] = microseconds_since(&start);
    }
    printf("init: speedup: %lu primes below %lu on 1 cpu in %ld us, %lu on 2 cpus in %ld us\n", counted[0], limit,
           us[0], counted[1], us[1]);
}
