// The Linux guest's /init: a static program that reports what the guest sees,
// runs a small fixed CPU workload, optionally exercises the network and the disk
// (selected by isok.* keys on the kernel command line, see README.md), and powers
// the machine off through the kernel (which asks the firmware or hypervisor with SBI SRST).
//
// Every line starts with "init: " so that tests can find them. Counter reads
// (rdinstret, rdtime) are guarded: a hypervisor may not let user mode read them,
// and then the line says "unavailable" instead of the program dying.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
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

static uint64_t instret(int* ok) { return READ_COUNTER("instret", ok); }
static uint64_t rtime(int* ok) { return READ_COUNTER("time", ok); }

// Kernel's monotonic clock by system call (not the vDSO, which reads `time` in user mode).
static uint64_t monotonic_ns(void) {
    struct timespec t;
    if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t) != 0) return 0;
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

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

// ---------------------------------------------------------------------------------------
// What the command line asks for: isok.* keys (Linux passes dotted keys to nobody else).

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
};

static int parse_long(const char* s, long min, long max, long* out) {
    char* end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return 0;
    *out = v;
    return 1;
}

// "a.b.c.d:port" into a socket address.
static int parse_endpoint(const char* s, struct sockaddr_in* out) {
    char host[32];
    const char* colon = strchr(s, ':');
    long port;
    if (!colon || (size_t)(colon - s) >= sizeof host) return 0;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &out->sin_addr) != 1 || !parse_long(colon + 1, 1, 65535, &port)) return 0;
    out->sin_port = htons((uint16_t)port);
    return 1;
}

// "a.b.c.d/prefix".
static int parse_cidr(const char* s, struct config* c) {
    char host[32];
    const char* slash = strchr(s, '/');
    long prefix;
    if (!slash || (size_t)(slash - s) >= sizeof host) return 0;
    memcpy(host, s, (size_t)(slash - s));
    host[slash - s] = 0;
    if (inet_pton(AF_INET, host, &c->ip) != 1 || !parse_long(slash + 1, 1, 30, &prefix)) return 0;
    c->prefix = (int)prefix;
    return 1;
}

// Splits value at commas into at most n fields (modifies value); returns how many.
static int split(char* value, char** fields, int n) {
    int count = 0;
    for (char* p = value; count < n; count++) {
        fields[count] = p;
        char* comma = strchr(p, ',');
        if (!comma) return count + 1;
        *comma = 0;
        p = comma + 1;
    }
    return -1; // more than n
}

static int parse_key(struct config* c, const char* key, char* value) {
    long v;
    char* f[max_pings];
    if (!strcmp(key, "ip")) return parse_cidr(value, c) && (c->have_ip = 1);
    if (!strcmp(key, "ping")) {
        int n = split(value, f, max_pings);
        if (n < 0) return 0;
        for (int i = 0; i < n; i++)
            if (inet_pton(AF_INET, f[i], &c->ping[i]) != 1) return 0;
        c->ping_count = n;
        return 1;
    }
    if (!strcmp(key, "udp")) return parse_endpoint(value, &c->udp) && (c->have_udp = 1);
    if (!strcmp(key, "barrier")) return parse_long(value, 1, max_peers, &v) && (c->barrier = (int)v);
    if (!strcmp(key, "linger")) return parse_long(value, 0, 60000, &v) && ((c->linger_ms = (int)v), 1);
    if (!strcmp(key, "listen")) return (!*value || !strcmp(value, "1")) && (c->listen = 1);
    if (!strcmp(key, "echo")) return parse_long(value, 1, 65535, &v) && (c->echo_port = (int)v);
    if (!strcmp(key, "disk")) {
        if (!strcmp(value, "write")) c->disk = disk_write;
        else if (!strcmp(value, "verify")) c->disk = disk_verify;
        else return 0;
        return 1;
    }
    if (!strcmp(key, "seed")) return parse_long(value, 0, 0x7fffffff, &v) && ((c->seed = (uint64_t)v), 1);
    if (!strcmp(key, "diskbench")) return parse_long(value, 1, 256, &v) && (c->diskbench_mib = (int)v);
    if (!strcmp(key, "udpsend")) {
        long size;
        if (split(value, f, 3) != 3 || !parse_endpoint(f[0], &c->udpsend) ||
            !parse_long(f[1], 1, 100000000, &c->udpsend_count) || !parse_long(f[2], 1, 1472, &size))
            return 0;
        c->udpsend_size = (int)size;
        return c->have_udpsend = 1;
    }
    if (!strcmp(key, "udpsink")) {
        if (split(value, f, 2) != 2 || !parse_long(f[0], 1, 65535, &v) ||
            !parse_long(f[1], 1, 100000000, &c->udpsink_count))
            return 0;
        c->udpsink_port = (int)v;
        return 1;
    }
    return 0;
}

// Reads the isok.* keys of /proc/cmdline; a key it does not understand is reported and ignored.
static void read_config(struct config* c) {
    memset(c, 0, sizeof *c);
    c->linger_ms = 2000;
    char line[4096];
    FILE* f = fopen("/proc/cmdline", "r");
    if (!f) return;
    if (!fgets(line, sizeof line, f)) line[0] = 0;
    fclose(f);
    for (char* save = NULL, *word = strtok_r(line, " \t\n", &save); word; word = strtok_r(NULL, " \t\n", &save)) {
        if (strncmp(word, "isok.", 5) != 0) continue;
        char key[32];
        char* value = strchr(word, '=');
        size_t key_len = value ? (size_t)(value - word - 5) : strlen(word + 5);
        if (key_len >= sizeof key) key_len = sizeof key - 1;
        memcpy(key, word + 5, key_len);
        key[key_len] = 0;
        char empty[1] = "";
        if (!parse_key(c, key, value ? value + 1 : empty)) printf("init: ignoring %s (not understood)\n", word);
    }
    if (!c->have_ip && (c->ping_count || c->have_udp || c->barrier || c->listen || c->echo_port || c->have_udpsend ||
                        c->udpsink_port)) {
        printf("init: network keys ignored: no isok.ip\n");
        c->ping_count = c->have_udp = c->barrier = c->listen = c->echo_port = c->have_udpsend = c->udpsink_port = 0;
    }
}

// ---------------------------------------------------------------------------------------
// Small helpers: a seeded generator, CRC-32, instruction counts.

// splitmix64: every seed gives a different, well-mixed stream.
static uint64_t next_random(uint64_t* state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void fill_random(uint64_t seed, unsigned char* out, size_t n) {
    uint64_t state = seed;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t r = next_random(&state);
        memcpy(out + i, &r, n - i < 8 ? n - i : 8);
    }
}

// CRC-32 of IEEE 802.3 (zlib's), incremental: start with crc = 0.
static uint32_t crc32_update(uint32_t crc, const unsigned char* p, size_t n) {
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    crc = ~crc;
    while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

// Instructions now, or 0 when the counter cannot be read (the lines then say 0).
static uint64_t count_now(void) {
    int ok;
    uint64_t v = instret(&ok);
    return ok ? v : 0;
}

static int ms_until(uint64_t deadline_ns) {
    uint64_t now = monotonic_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

static const char* ip_text(struct in_addr a) {
    static char text[4][INET_ADDRSTRLEN];
    static int next;
    char* t = text[next++ % 4];
    inet_ntop(AF_INET, &a, t, INET_ADDRSTRLEN);
    return t;
}

// ---------------------------------------------------------------------------------------
// Sockets served in the background, whatever init is busy waiting for: the barrier's
// "done" datagrams, the frame counter of isok.listen and the UDP echo server. They are
// opened before the interface comes up, so that nothing addressed to them is missed.

static struct {
    struct in_addr own;
    int barrier_fd, listen_fd, echo_fd;
    struct in_addr senders[max_peers]; // distinct senders of "done" heard so far
    int sender_count;
    unsigned long frames[4];           // by sll_pkttype: host, broadcast, multicast, otherhost
    unsigned long echoed;
} bg = {.barrier_fd = -1, .listen_fd = -1, .echo_fd = -1};

// Each serve_* takes everything its socket holds.
static void serve_barrier(void) {
    char buf[64];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n;
    while ((n = recvfrom(bg.barrier_fd, buf, sizeof buf - 1, MSG_DONTWAIT, (struct sockaddr*)&from, &len)) >= 0) {
        // Our own broadcasts come back to us; anything but "done ..." is not the protocol.
        int skip = n < 5 || memcmp(buf, "done ", 5) != 0 || from.sin_addr.s_addr == bg.own.s_addr;
        for (int i = 0; !skip && i < bg.sender_count; i++) skip = bg.senders[i].s_addr == from.sin_addr.s_addr;
        if (!skip && bg.sender_count < max_peers) bg.senders[bg.sender_count++] = from.sin_addr;
        len = sizeof from;
    }
}

static void serve_listen(void) {
    char buf[64];
    struct sockaddr_ll from;
    socklen_t len = sizeof from;
    while (recvfrom(bg.listen_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr*)&from, &len) >= 0) {
        if (from.sll_pkttype < 4) bg.frames[from.sll_pkttype]++; // PACKET_OUTGOING (4) is our own
        len = sizeof from;
    }
}

static void serve_echo(void) {
    static char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n;
    while ((n = recvfrom(bg.echo_fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr*)&from, &len)) >= 0) {
        if (sendto(bg.echo_fd, buf, (size_t)n, 0, (struct sockaddr*)&from, len) == n) bg.echoed++;
        len = sizeof from;
    }
}

// Serves the background sockets until fd (if not -1) is readable (returns 1) or
// timeout_ms pass (returns 0).
static int pump(int fd, int timeout_ms) {
    uint64_t deadline = monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        struct pollfd p[4];
        int n = 0;
        int ids[4];
        if (fd >= 0) p[n] = (struct pollfd){fd, POLLIN, 0}, ids[n++] = 0;
        if (bg.barrier_fd >= 0) p[n] = (struct pollfd){bg.barrier_fd, POLLIN, 0}, ids[n++] = 1;
        if (bg.listen_fd >= 0) p[n] = (struct pollfd){bg.listen_fd, POLLIN, 0}, ids[n++] = 2;
        if (bg.echo_fd >= 0) p[n] = (struct pollfd){bg.echo_fd, POLLIN, 0}, ids[n++] = 3;
        int left = ms_until(deadline);
        int r = poll(p, (nfds_t)n, left);
        if (r < 0 && errno != EINTR) return 0;
        int wanted = 0;
        for (int i = 0; r > 0 && i < n; i++) {
            if (!p[i].revents) continue;
            if (ids[i] == 0) wanted = 1;
            if (ids[i] == 1) serve_barrier();
            if (ids[i] == 2) serve_listen();
            if (ids[i] == 3) serve_echo();
        }
        if (wanted) return 1;
        if (left == 0) return 0;
    }
}

static int udp_socket_on(int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = {htonl(INADDR_ANY)}};
    if (s < 0 || bind(s, (struct sockaddr*)&a, sizeof a) != 0) {
        printf("init: cannot open UDP port %d: %s\n", port, strerror(errno));
        if (s >= 0) close(s);
        return -1;
    }
    return s;
}

static int interface_index(int s, const char* name) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", name);
    return ioctl(s, SIOCGIFINDEX, &r) == 0 ? r.ifr_ifindex : -1;
}

static void open_background_sockets(const struct config* c) {
    if (c->barrier) {
        bg.barrier_fd = udp_socket_on(9999);
        int on = 1;
        // Broadcasts to 255.255.255.255 need the device named: there is no default route.
        if (bg.barrier_fd >= 0 && (setsockopt(bg.barrier_fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0 ||
                                   setsockopt(bg.barrier_fd, SOL_SOCKET, SO_BINDTODEVICE, "eth0", 5) != 0))
            printf("init: barrier socket: %s\n", strerror(errno));
    }
    if (c->listen) {
        bg.listen_fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
        struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
        a.sll_ifindex = bg.listen_fd >= 0 ? interface_index(bg.listen_fd, "eth0") : -1;
        // Promiscuous: a device that filters by MAC (QEMU's virtio-net does, once Linux
        // asks it to) must not hide what the network delivers.
        struct packet_mreq promisc = {.mr_ifindex = a.sll_ifindex, .mr_type = PACKET_MR_PROMISC};
        if (bg.listen_fd < 0 || a.sll_ifindex < 0 || bind(bg.listen_fd, (struct sockaddr*)&a, sizeof a) != 0 ||
            setsockopt(bg.listen_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promisc, sizeof promisc) != 0) {
            printf("init: cannot listen on eth0: %s\n", strerror(errno));
            if (bg.listen_fd >= 0) close(bg.listen_fd);
            bg.listen_fd = -1;
        }
    }
    if (c->echo_port) bg.echo_fd = udp_socket_on(c->echo_port);
}

// ---------------------------------------------------------------------------------------
// The network: interfaces, ping, a UDP round trip, the barrier, throughput.

static int set_address(int s, const char* name, struct in_addr ip, int prefix) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", name);
    struct sockaddr_in* a = (struct sockaddr_in*)&r.ifr_addr;
    a->sin_family = AF_INET;
    a->sin_addr = ip;
    if (ioctl(s, SIOCSIFADDR, &r) != 0) return 0;
    a->sin_addr.s_addr = htonl(~0u << (32 - prefix));
    if (ioctl(s, SIOCSIFNETMASK, &r) != 0) return 0;
    if (ioctl(s, SIOCGIFFLAGS, &r) != 0) return 0;
    r.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(s, SIOCSIFFLAGS, &r) == 0;
}

static int bring_up_network(const struct config* c) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct in_addr loopback = {htonl(INADDR_LOOPBACK)};
    if (s < 0 || !set_address(s, "lo", loopback, 8)) {
        printf("init: net lo failed: %s\n", strerror(errno));
        if (s >= 0) close(s);
        return 0;
    }
    struct ifreq r;
    memset(&r, 0, sizeof r);
    snprintf(r.ifr_name, sizeof r.ifr_name, "eth0");
    if (!set_address(s, "eth0", c->ip, c->prefix) || ioctl(s, SIOCGIFHWADDR, &r) != 0) {
        printf("init: net eth0 failed: %s\n", strerror(errno));
        close(s);
        return 0;
    }
    const unsigned char* m = (const unsigned char*)r.ifr_hwaddr.sa_data;
    printf("init: net eth0 %02x:%02x:%02x:%02x:%02x:%02x %s/%d\n", m[0], m[1], m[2], m[3], m[4], m[5],
           ip_text(c->ip), c->prefix);
    close(s);
    return 1;
}

static uint16_t internet_checksum(const unsigned char* p, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1) sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

// Whether buf (an IPv4 packet from a raw ICMP socket) is an echo reply from `from`
// with our id and a sequence number we have sent (a late reply to an earlier try counts).
static int is_echo_reply(const unsigned char* buf, ssize_t n, struct in_addr from, uint16_t id, uint16_t last_seq) {
    if (n < 20) return 0;
    size_t header = (size_t)(buf[0] & 15) * 4;
    if ((buf[0] >> 4) != 4 || header < 20 || (size_t)n < header + 8 || memcmp(buf + 12, &from, 4) != 0) return 0;
    const unsigned char* icmp = buf + header;
    uint16_t got_id = (uint16_t)(icmp[4] << 8 | icmp[5]), seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
    return icmp[0] == 0 && icmp[1] == 0 && got_id == id && seq >= 1 && seq <= last_seq;
}

// An echo request every 100 ms, at most 100, until one is answered.
static int ping(struct in_addr to) {
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (s < 0) {
        printf("init: ping %s failed: no raw socket: %s\n", ip_text(to), strerror(errno));
        return 0;
    }
    uint16_t id = (uint16_t)(0x1500 ^ ntohl(to.s_addr));
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_addr = to};
    for (uint16_t seq = 1; seq <= 100; seq++) {
        unsigned char req[64] = {8, 0, 0, 0, (unsigned char)(id >> 8), (unsigned char)id, (unsigned char)(seq >> 8),
                                 (unsigned char)seq};
        for (size_t i = 8; i < sizeof req; i++) req[i] = (unsigned char)i;
        uint16_t sum = internet_checksum(req, sizeof req);
        req[2] = (unsigned char)(sum >> 8);
        req[3] = (unsigned char)sum;
        (void)sendto(s, req, sizeof req, 0, (struct sockaddr*)&dst, sizeof dst); // a failure is one more try
        uint64_t deadline = monotonic_ns() + 100000000u;
        int left;
        while ((left = ms_until(deadline)) > 0 && pump(s, left)) {
            unsigned char buf[1600];
            ssize_t n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
            if (is_echo_reply(buf, n, to, id, seq)) {
                printf("init: ping %s ok seq %u\n", ip_text(to), seq);
                close(s);
                return 1;
            }
        }
    }
    printf("init: ping %s failed\n", ip_text(to));
    close(s);
    return 0;
}

// 64 random bytes to an echo server, up to 50 tries 100 ms apart, until they come back whole.
static int udp_round_trip(const struct sockaddr_in* to) {
    char where[32];
    snprintf(where, sizeof where, "%s:%u", ip_text(to->sin_addr), ntohs(to->sin_port));
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || connect(s, (const struct sockaddr*)to, sizeof *to) != 0) {
        printf("init: udp %s failed: %s\n", where, strerror(errno));
        if (s >= 0) close(s);
        return 0;
    }
    unsigned char payload[64], back[2048];
    fill_random(monotonic_ns() ^ count_now(), payload, sizeof payload);
    for (int attempt = 0; attempt < 50; attempt++) {
        (void)send(s, payload, sizeof payload, 0); // refused or unreachable: one more try
        uint64_t deadline = monotonic_ns() + 100000000u;
        int left;
        while ((left = ms_until(deadline)) > 0 && pump(s, left)) {
            ssize_t n = recv(s, back, sizeof back, MSG_DONTWAIT);
            if (n == (ssize_t)sizeof payload && memcmp(back, payload, sizeof payload) == 0) {
                printf("init: udp %s ok %zu bytes\n", where, sizeof payload);
                close(s);
                return 1;
            }
            if (n >= 0) printf("init: udp %s: a %zd-byte answer that is not what was sent\n", where, n);
        }
    }
    printf("init: udp %s failed\n", where);
    close(s);
    return 0;
}

static void print_listen(void) {
    pump(-1, 0); // what has arrived counts
    printf("init: listen host=%lu broadcast=%lu multicast=%lu otherhost=%lu\n", bg.frames[PACKET_HOST],
           bg.frames[PACKET_BROADCAST], bg.frames[PACKET_MULTICAST], bg.frames[PACKET_OTHERHOST]);
}

// Broadcasts "done <ip>" every 200 ms until `peers` others have said it too, and for
// linger_ms more, so that those who finish later still hear us. Gives up after 60 s.
static void barrier(const struct config* c) {
    if (bg.barrier_fd < 0) return;
    char text[32];
    int len = snprintf(text, sizeof text, "done %s", ip_text(c->ip));
    struct sockaddr_in all = {.sin_family = AF_INET, .sin_port = htons(9999), .sin_addr = {htonl(INADDR_BROADCAST)}};
    uint64_t start = monotonic_ns(), done_at = 0;
    for (;;) {
        if (sendto(bg.barrier_fd, text, (size_t)len, 0, (struct sockaddr*)&all, sizeof all) != len && errno != ENOBUFS)
            printf("init: barrier: cannot broadcast: %s\n", strerror(errno));
        pump(-1, 200);
        uint64_t now = monotonic_ns();
        if (!done_at && bg.sender_count >= c->barrier) {
            done_at = now;
            printf("init: barrier done\n");
            if (c->listen) print_listen();
        }
        if (done_at && now - done_at >= (uint64_t)c->linger_ms * 1000000u) return;
        if (!done_at && now - start >= 60000000000u) {
            printf("init: barrier failed: heard %d of %d\n", bg.sender_count, c->barrier);
            if (c->listen) print_listen();
            return;
        }
    }
}

// COUNT datagrams of SIZE bytes as fast as the stack takes them. IP_RECVERR makes a
// full transmit queue an ENOBUFS error (UDP otherwise drops the datagram silently), and
// the datagram is sent again.
static void udp_send(const struct config* c) {
    char where[32];
    snprintf(where, sizeof where, "%s:%u", ip_text(c->udpsend.sin_addr), ntohs(c->udpsend.sin_port));
    int s = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
    if (s < 0 || setsockopt(s, SOL_IP, IP_RECVERR, &on, sizeof on) != 0 ||
        connect(s, (const struct sockaddr*)&c->udpsend, sizeof c->udpsend) != 0) {
        printf("init: udpsend %s failed: %s\n", where, strerror(errno));
        if (s >= 0) close(s);
        return;
    }
    static unsigned char payload[1472];
    fill_random(c->seed + 1, payload, sizeof payload);
    long sent = 0, retries = 0, refused = 0;
    uint64_t before = count_now();
    while (sent < c->udpsend_count) {
        if (send(s, payload, (size_t)c->udpsend_size, 0) == c->udpsend_size) {
            sent++;
            continue;
        }
        if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
            retries++;
            usleep(100); // let the device drain its queue
        } else if (++refused > 1000) { // ICMP errors from the far end: it is not listening
            printf("init: udpsend %s failed after %ld datagrams: %s\n", where, sent, strerror(errno));
            close(s);
            return;
        }
    }
    uint64_t after = count_now();
    printf("init: udpsend %s %ld datagrams %ld bytes in %llu instructions (%ld retries)\n", where, sent,
           sent * c->udpsend_size, (unsigned long long)(after - before), retries);
    close(s);
}

// Counts datagrams on the sink's port until COUNT have come, or 3 s pass without one
// (60 s for the first), and reports the instructions between the first and the last.
static void udp_sink(const struct config* c, int s) {
    if (s < 0) return;
    static unsigned char buf[2048];
    long datagrams = 0, bytes = 0;
    uint64_t first = 0, last = 0;
    while (datagrams < c->udpsink_count) {
        ssize_t n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
        if (n >= 0) {
            last = count_now();
            if (!datagrams) first = last;
            datagrams++;
            bytes += n;
            continue;
        }
        if (!pump(s, datagrams ? 3000 : 60000)) break;
    }
    printf("init: udpsink %ld datagrams %ld bytes in %llu instructions\n", datagrams, bytes,
           (unsigned long long)(last - first));
}

// ---------------------------------------------------------------------------------------
// The disk: a file system test on /dev/vda and a raw throughput test.

// /dev/NAME from devtmpfs, or made from /sys/block/NAME/dev when devtmpfs is missing.
static int device_node(const char* name, char* path, size_t size) {
    static int mounted;
    if (!mounted) mounted = mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == 0 ? 1 : -1;
    snprintf(path, size, "/dev/%s", name);
    if (access(path, F_OK) == 0) return 1;
    char sys[64];
    unsigned major, minor;
    snprintf(sys, sizeof sys, "/sys/block/%s/dev", name);
    FILE* f = fopen(sys, "r");
    if (!f) return 0;
    int ok = fscanf(f, "%u:%u", &major, &minor) == 2;
    fclose(f);
    return ok && mknod(path, S_IFBLK | 0600, makedev(major, minor)) == 0;
}

static int write_all(int fd, const void* p, size_t n) {
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, (const char*)p + done, n - done);
        if (w <= 0) return 0;
        done += (size_t)w;
    }
    return 1;
}

static ssize_t read_all(int fd, void* p, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char*)p + done, n - done);
        if (r < 0) return -1;
        if (r == 0) break;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

enum { disk_file_bytes = 1 << 20 };

static int disk_write_files(const struct config* c, unsigned char* data) {
    fill_random(c->seed, data, disk_file_bytes);
    uint32_t crc = crc32_update(0, data, disk_file_bytes);
    char text[16];
    int len = snprintf(text, sizeof text, "%08x\n", crc);
    int fd = open("/mnt/data", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write_all(fd, data, disk_file_bytes) && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    fd = ok ? open("/mnt/data.crc", O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
    ok = fd >= 0 && write_all(fd, text, (size_t)len) && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    sync();
    if (ok) printf("init: disk wrote %d bytes crc %08x\n", disk_file_bytes, crc);
    else printf("init: disk failed: cannot write /mnt/data: %s\n", strerror(errno));
    return ok;
}

// The file must hold what the seed makes, and data.crc must name its CRC.
static int disk_verify_files(const struct config* c, unsigned char* data) {
    char text[16] = "";
    int fd = open("/mnt/data", O_RDONLY);
    ssize_t n = fd >= 0 ? read_all(fd, data, disk_file_bytes + 1) : -1;
    if (fd >= 0) close(fd);
    fd = open("/mnt/data.crc", O_RDONLY);
    if (fd < 0 || read_all(fd, text, sizeof text - 1) < 0) text[0] = 0;
    if (fd >= 0) close(fd);
    if (n != disk_file_bytes) {
        printf("init: disk corrupt: /mnt/data has %zd bytes, not %d\n", n, disk_file_bytes);
        return 0;
    }
    uint32_t crc = crc32_update(0, data, disk_file_bytes);
    unsigned long stored = strtoul(text, NULL, 16);
    fill_random(c->seed, data, disk_file_bytes);
    uint32_t expected = crc32_update(0, data, disk_file_bytes);
    if (!text[0] || stored != crc || crc != expected) {
        printf("init: disk corrupt: crc %08x, data.crc says %.8s, seed %llu makes %08x\n", crc,
               text[0] ? text : "nothing", (unsigned long long)c->seed, expected);
        return 0;
    }
    printf("init: disk verified %d bytes crc %08x\n", disk_file_bytes, crc);
    return 1;
}

static void disk_files(const struct config* c) {
    char dev[32];
    if (!device_node("vda", dev, sizeof dev)) {
        printf("init: disk failed: no /dev/vda\n");
        return;
    }
    mkdir("/mnt", 0755);
    if (mount(dev, "/mnt", "ext2", 0, NULL) != 0) {
        printf("init: disk failed: cannot mount %s as ext2: %s\n", dev, strerror(errno));
        return;
    }
    static unsigned char data[disk_file_bytes + 1];
    if (c->disk == disk_write) disk_write_files(c, data);
    else disk_verify_files(c, data);
    if (umount("/mnt") != 0) printf("init: disk: cannot unmount /mnt: %s\n", strerror(errno));
}

// Writes then reads MiB MiB of the raw device in 64 KiB O_DIRECT requests, the write
// with its final flush; the data are checked afterwards, outside the measurement.
static void disk_bench(const struct config* c) {
    const char* name = c->disk != disk_none ? "vdb" : "vda"; // vda holds the file system test
    const size_t request = 64 * 1024, total = (size_t)c->diskbench_mib << 20;
    char dev[32];
    uint64_t size = 0;
    unsigned char *out = NULL, *in = NULL;
    int fd = device_node(name, dev, sizeof dev) ? open(dev, O_RDWR | O_DIRECT) : -1;
    if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) != 0) {
        printf("init: diskbench failed: cannot open /dev/%s: %s\n", name, strerror(errno));
        if (fd >= 0) close(fd);
        return;
    }
    if (size < total || posix_memalign((void**)&out, 4096, total) || posix_memalign((void**)&in, 4096, total)) {
        printf("init: diskbench failed: /dev/%s has %llu bytes, or no memory for %zu bytes\n", name,
               (unsigned long long)size, total);
        close(fd);
        free(out);
        return;
    }
    fill_random(c->seed + 2, out, total);
    uint64_t t0 = count_now();
    int ok = 1;
    for (size_t at = 0; ok && at < total; at += request) ok = pwrite(fd, out + at, request, (off_t)at) == (ssize_t)request;
    ok = ok && fsync(fd) == 0;
    uint64_t t1 = count_now();
    for (size_t at = 0; ok && at < total; at += request) ok = pread(fd, in + at, request, (off_t)at) == (ssize_t)request;
    uint64_t t2 = count_now();
    if (!ok) printf("init: diskbench failed: I/O error on /dev/%s: %s\n", name, strerror(errno));
    else if (memcmp(in, out, total) != 0) printf("init: diskbench failed: /dev/%s read back other data\n", name);
    else {
        printf("init: diskbench write %zu bytes %llu instructions\n", total, (unsigned long long)(t1 - t0));
        printf("init: diskbench read %zu bytes %llu instructions\n", total, (unsigned long long)(t2 - t1));
    }
    close(fd);
    free(out);
    free(in);
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
    if (net && c->have_udpsend) udp_send(c);
    if (net) udp_sink(c, sink_fd);
    if (net && c->barrier) barrier(c);
    else if (net && c->listen) print_listen();
    if (net && c->echo_port) printf("init: echo answered %lu datagrams\n", bg.echoed);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, NULL);

    // Read the counters first: this is the moment init starts. Under QEMU's
    // -icount shift=0 both count instructions since reset, firmware included.
    int have_instret, have_time;
    uint64_t boot_instret = instret(&have_instret);
    uint64_t boot_time = rtime(&have_time);
    uint64_t boot_monotonic = monotonic_ns();

    setvbuf(stdout, NULL, _IOLBF, 0);

    struct utsname u;
    uname(&u);
    cpu_set_t cpus;
    int ncpu = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
    printf("init: hello from Linux %s on %d cpus\n", u.release, ncpu);

    if (have_instret)
        printf("init: boot-to-init %llu instructions (rdinstret at init)\n", (unsigned long long)boot_instret);
    else
        printf("init: boot-to-init instructions unavailable (rdinstret traps)\n");
    printf("init: kernel monotonic clock at init %llu ns\n", (unsigned long long)boot_monotonic);

    if (mount("sysfs", "/sys", "sysfs", 0, NULL) == 0) {
        uint64_t hz = timebase_hz();
        if (have_time && hz)
            printf("init: machine time at init %llu ns (rdtime %llu at %llu Hz)\n",
                   (unsigned long long)(boot_time * 1000000000u / hz), (unsigned long long)boot_time,
                   (unsigned long long)hz);
    } else {
        printf("init: cannot mount /sys: %s\n", strerror(errno));
    }

    struct config config;
    if (mount("proc", "/proc", "proc", 0, NULL) == 0) {
        char value[256];
        if (proc_field("/proc/cpuinfo", "isa", value, sizeof value)) printf("init: isa %s\n", value);
        if (proc_field("/proc/cpuinfo", "mmu", value, sizeof value)) printf("init: mmu %s\n", value);
        if (proc_field("/proc/cpuinfo", "uarch", value, sizeof value)) printf("init: uarch %s\n", value);
        read_config(&config);
    } else {
        printf("init: cannot mount /proc: %s\n", strerror(errno));
        memset(&config, 0, sizeof config);
    }

    struct sysinfo si;
    if (sysinfo(&si) == 0)
        printf("init: memory total %llu KiB, free %llu KiB\n",
               (unsigned long long)si.totalram * si.mem_unit / 1024,
               (unsigned long long)si.freeram * si.mem_unit / 1024);

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

    run_tasks(&config);
    power_off();
    return 0;
}
