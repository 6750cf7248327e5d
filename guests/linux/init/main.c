// The Linux guest's /init: a static program that reports what the guest sees,
// runs a small fixed CPU workload, optionally exercises the network and the disk
// (selected by isok.* keys on the kernel command line, see README.md), and powers
// the machine off through the kernel (which asks the firmware or hypervisor with SBI SRST).
//
// Every line starts with "init: " so that tests can find them. Counter reads
// (rdinstret, rdtime) are guarded: a hypervisor may not let user mode read them,
// and then the line says "unavailable" instead of the program dying.
//
// The pieces are in the other files of this folder; this one runs them in order.
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

static void power_off(void) {
    printf("init: powering off\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    // Only reached when the kernel could not power off; exiting makes it panic,
    // which is at least visible on the console.
    printf("init: power-off failed: %s\n", strerror(errno));
    fflush(stdout);
    _exit(1);
}

// The isok.* tasks, in a fixed order; the background sockets are served throughout.
// Without a network the network's tasks are skipped and the disk's still run.
static void run_tasks(const struct config* c) {
    int sink_fd = -1, net = 0;
    if (c->have_ip) {
        open_background_sockets(c);
        if (c->udpsink_port) sink_fd = udp_socket_on(c->udpsink_port);
        bg.own = c->ip;
        net = bring_up_network(c);
    }
    for (int i = 0; net && i < c->ping_count; i++) ping(c->ping[i]);
    if (net && c->have_udp) udp_round_trip(&c->udp);
    if (c->disk != disk_none) disk_files(c);
    if (c->diskbench_mib) disk_bench(c);
    if (c->smp) smp_task();
    if (c->speedup) speedup_task();
    if (net && c->have_udpsend) udp_send(c);
    if (net) udp_sink(c, sink_fd);
    if (net && c->barrier) barrier(c);
    else if (net && c->listen) print_listen();
    if (net && c->echo_port) printf("init: echo answered %lu datagrams\n", bg.echoed);
}

int main(void) {
    catch_counter_traps();

    // Read the counters first: this is the moment init starts. Under QEMU's
    // -icount shift=0 both count instructions since reset, firmware included.
    struct boot_counters boot;
    boot.instret = instret(&boot.have_instret);
    boot.time = rtime(&boot.have_time);
    boot.monotonic_ns = monotonic_ns();

    setvbuf(stdout, NULL, _IOLBF, 0);

    report_system(&boot);

    struct config config;
    if (mount("proc", "/proc", "proc", 0, NULL) == 0) {
        report_cpu();
        read_config(&config);
    } else {
        printf("init: cannot mount /proc: %s\n", strerror(errno));
        memset(&config, 0, sizeof config);
    }

    report_memory();
    report_workload();

    run_tasks(&config);
    power_off();
    return 0;
}
