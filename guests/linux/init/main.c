// The Linux guest's /init: a static program that reports what the guest sees,
// runs a small fixed CPU workload, optionally exercises the network and the disk
// (selected by isok.* keys on the kernel command line, see README.md), optionally
// takes commands typed on the console (isok.shell=1, shell.c), and powers
// the machine off through the kernel (which asks the firmware or hypervisor with SBI SRST).
//
// Every line starts with "init: " so that tests can find them (the shell's prompt and
// the output of its commands excepted). Counter reads
// (rdinstret, rdtime) are guarded: a hypervisor may not let user mode read them,
// and then the line says "unavailable" instead of the program dying.
//
// The pieces are in the other files of this folder; this one runs them in order.
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

// Both end in SBI SRST: a shutdown, or a reboot (cold, or warm with reboot=warm on the
// kernel's command line).
static __attribute__((noreturn)) void leave(int how, const char* doing, const char* what) {
    printf("init: %s\n", doing);
    fflush(stdout);
    sync();
    reboot(how);
    // Only reached when the kernel could not do it; exiting makes it panic, which is at
    // least visible on the console.
    printf("init: %s failed: %s\n", what, strerror(errno));
    fflush(stdout);
    _exit(1);
}

void power_off(void) { leave(RB_POWER_OFF, "powering off", "power-off"); }

void restart(void) { leave(RB_AUTOBOOT, "rebooting", "reboot"); }

// The kernel's notices and warnings from now on stay in its log (dmesg): on the console a
// notice printed by another CPU lands in the middle of one of our lines and splits it.
// Errors, oopses and panics still reach the console (console log level 4, as dmesg -n 4).
static void quiet_kernel_notices(void) {
    enum { syslog_action_console_level = 8, console_level = 4 };
    if (klogctl(syslog_action_console_level, NULL, console_level) != 0)
        printf("init: cannot set the console log level: %s\n", strerror(errno));
}

// The isok.* tasks, in a fixed order; the background sockets are served throughout.
// Without a network the network's tasks are skipped and the disk's still run.
// Returns whether the network is up.
static int run_tasks(const struct config* c) {
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
    if (c->fault_address) fault_task(c->fault_address);
    return net;
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
    quiet_kernel_notices();

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

    int net = run_tasks(&config);
    if (config.shell) run_shell(net);
    power_off();
    return 0;
}
