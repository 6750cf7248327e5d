// What the files of the Linux guest's /init share: counters and clocks, test data, the
// network's helpers, the background sockets and the entry point of each task.
#pragma once

#define _GNU_SOURCE // before any system header (CPU_COUNT, O_DIRECT, ...): include this first
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

// counters.c
void catch_counter_traps(void); // a counter read that traps then reports "unavailable"
uint64_t instret(int* ok);
uint64_t rtime(int* ok);
uint64_t monotonic_ns(void);
uint64_t count_now(void);
int ms_until(uint64_t deadline_ns);

// report.c
struct boot_counters {
    uint64_t instret, time, monotonic_ns;
    int have_instret, have_time;
};
void report_system(const struct boot_counters* boot); // mounts /sys
void report_cpu(void);                                 // needs /proc
void report_memory(void);
void report_workload(void);

// random.c, crc32.c
void fill_random(uint64_t seed, unsigned char* out, size_t n);
uint32_t crc32_update(uint32_t crc, const unsigned char* p, size_t n);

// net.c
const char* ip_text(struct in_addr a);
int udp_socket_on(int port);
int bring_up_network(const struct config* c);

// Sockets served in the background, whatever init is busy waiting for: the barrier's
// "done" datagrams, the frame counter of isok.listen and the UDP echo server. They are
// opened before the interface comes up, so that nothing addressed to them is missed.
struct background {
    struct in_addr own;
    int barrier_fd, listen_fd, echo_fd;
    struct in_addr senders[max_peers]; // distinct senders of "done" heard so far
    int sender_count;
    unsigned long frames[4];           // by sll_pkttype: host, broadcast, multicast, otherhost
    unsigned long echoed;
};
extern struct background bg;
void open_background_sockets(const struct config* c);
int pump(int fd, int timeout_ms);
// Each serve_* takes everything its socket holds.
void serve_barrier(void);
void serve_listen(void);
void serve_echo(void);
void open_barrier_socket(void);
void open_listen_socket(void);

// The tasks.
int ping(struct in_addr to);
int udp_round_trip(const struct sockaddr_in* to);
void udp_send(const struct config* c);
void udp_sink(const struct config* c, int s);
void print_listen(void);
void barrier(const struct config* c);
int device_node(const char* name, char* path, size_t size);
void disk_files(const struct config* c);
void disk_bench(const struct config* c);

// main.c: powers the machine off through the kernel (SBI SRST); never returns.
__attribute__((noreturn)) void power_off(void);
// main.c: reboots the machine (SBI SRST); never returns.
__attribute__((noreturn)) void restart(void);

// shell.c (isok.shell): reads commands from the console until end of input; net says
// whether the network came up.
void run_shell(int net);

// fault.c (isok.fault): a user program reads a guest-physical address with no device
void fault_task(unsigned long address);

// smp.c (isok.smp, isok.speedup)
void smp_task(void);
void speedup_task(void);
