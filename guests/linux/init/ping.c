// Ping (isok.ping): ICMP echo requests from a raw socket until one is answered.
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
int ping(struct in_addr to) {
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
