// UDP: the echo server (isok.echo), a round trip to one (isok.udp) and throughput
// (isok.udpsend, isok.udpsink).
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void serve_echo(void) {
    static char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n;
    while ((n = recvfrom(bg.echo_fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr*)&from, &len)) >= 0) {
        if (sendto(bg.echo_fd, buf, (size_t)n, 0, (struct sockaddr*)&from, len) == n) bg.echoed++;
        len = sizeof from;
    }
}

// 64 random bytes to an echo server, up to 50 tries 100 ms apart, until they come back whole.
int udp_round_trip(const struct sockaddr_in* to) {
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

// COUNT datagrams of SIZE bytes as fast as the stack takes them. IP_RECVERR makes a
// full transmit queue an ENOBUFS error (UDP otherwise drops the datagram silently), and
// the datagram is sent again.
void udp_send(const struct config* c) {
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
void udp_sink(const struct config* c, int s) {
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
