// What the kernel command line asks init for: the isok.* keys (Linux passes dotted keys
// to nobody else). Included through init.h.
#pragma once

enum { max_pings = 8, max_peers = 64 };
enum disk_mode { disk_none, disk_write, disk_verify };

struct config {
    int have_ip;
    struct in_addr ip;
    int prefix;
    struct in_addr ping[max_pings];
    int ping_count;
    int have_udp;
    struct sockaddr_in udp;
    int barrier;    // peers to hear "done" from; 0: no barrier
    int linger_ms;  // how long to keep broadcasting "done" after the barrier
    int listen;
    int echo_port;  // 0: no UDP echo server
    enum disk_mode disk;
    uint64_t seed;
    int diskbench_mib;
    int have_udpsend;
    struct sockaddr_in udpsend;
    long udpsend_count;
    int udpsend_size;
    int udpsink_port; // 0: no sink
    long udpsink_count;
    int smp;     // run the SMP task
    int speedup; // time one workload on one CPU, then on two
    int shell;   // after the tasks, an interactive shell on the console instead of powering off
    unsigned long fault_address; // isok.fault: a guest-physical address with no device; 0: none
};

// Reads the isok.* keys of /proc/cmdline; a key it does not understand is reported and ignored.
void read_config(struct config* c);
// "a.b.c.d:port" into a socket address; 0 if it is not one.
int parse_endpoint(const char* s, struct sockaddr_in* out);
