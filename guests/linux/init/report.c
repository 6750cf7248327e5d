// The boot report: what the guest sees (kernel, cpus, counters at init, ISA, memory)
// and what a fixed workload and a system call cost it.
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

// The value after "key" and ": " on the first line of path that starts with key.
static int proc_field(const char* path, const char* key, char* out, size_t size) {
    FILE* f = fopen(path, "r");
    if (!f) return 0;
    char line[512];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) != 0) continue;
        char* v = strchr(line, ':');
        if (!v) continue;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\n")] = 0;
        snprintf(out, size, "%s", v);
        found = 1;
    }
    fclose(f);
    return found;
}

// Sieve of Eratosthenes below n: a fixed, memory- and branch-heavy workload.
static unsigned sieve(unsigned n) {
    static unsigned char composite[1u << 20];
    unsigned count = 0;
    memset(composite, 0, n);
    for (unsigned i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        for (unsigned long j = (unsigned long)i * i; j < n; j += i) composite[j] = 1;
    }
    return count;
}

// The timebase (rdtime ticks per second) from the device tree, or 0.
static uint64_t timebase_hz(void) {
    int fd = open("/sys/firmware/devicetree/base/cpus/timebase-frequency", O_RDONLY);
    if (fd < 0) return 0;
    unsigned char b[8];
    ssize_t n = read(fd, b, sizeof b);
    close(fd);
    if (n == 4) return (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3];
    if (n == 8) {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | b[i];
        return v;
    }
    return 0;
}

void report_system(const struct boot_counters* boot) {
    struct utsname u;
    uname(&u);
    cpu_set_t cpus;
    int ncpu = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
    printf("init: hello from Linux %s on %d cpus\n", u.release, ncpu);

    if (boot->have_instret)
        printf("init: boot-to-init %llu instructions (rdinstret at init)\n", (unsigned long long)boot->instret);
    else
        printf("init: boot-to-init instructions unavailable (rdinstret traps)\n");
    printf("init: kernel monotonic clock at init %llu ns\n", (unsigned long long)boot->monotonic_ns);

    if (mount("sysfs", "/sys", "sysfs", 0, NULL) == 0) {
        uint64_t hz = timebase_hz();
        if (boot->have_time && hz)
            printf("init: machine time at init %llu ns (rdtime %llu at %llu Hz)\n",
                   (unsigned long long)(boot->time * 1000000000u / hz), (unsigned long long)boot->time,
                   (unsigned long long)hz);
    } else {
        printf("init: cannot mount /sys: %s\n", strerror(errno));
    }
}

void report_cpu(void) {
    char value[256];
    if (proc_field("/proc/cpuinfo", "isa", value, sizeof value)) printf("init: isa %s\n", value);
    if (proc_field("/proc/cpuinfo", "mmu", value, sizeof value)) printf("init: mmu %s\n", value);
    if (proc_field("/proc/cpuinfo", "uarch", value, sizeof value)) printf("init: uarch %s\n", value);
}

void report_memory(void) {
    struct sysinfo si;
    if (sysinfo(&si) == 0)
        printf("init: memory total %llu KiB, free %llu KiB\n",
               (unsigned long long)si.totalram * si.mem_unit / 1024,
               (unsigned long long)si.freeram * si.mem_unit / 1024);
}

void report_workload(void) {
    // A fixed workload, measured in retired instructions where the counter is readable.
    int ok0, ok1;
    uint64_t before = instret(&ok0);
    unsigned primes = sieve(1u << 20);
    uint64_t after = instret(&ok1);
    if (ok0 && ok1)
        printf("init: workload: %u primes below 1048576 in %llu instructions\n", primes,
               (unsigned long long)(after - before));
    else
        printf("init: workload: %u primes below 1048576\n", primes);

    // System calls stay inside the guest: their cost is the guest kernel's alone.
    enum { calls = 1000 };
    before = instret(&ok0);
    for (int i = 0; i < calls; i++) syscall(SYS_getppid);
    after = instret(&ok1);
    if (ok0 && ok1)
        printf("init: syscall: getppid %llu instructions per call\n",
               (unsigned long long)((after - before) / calls));
}
