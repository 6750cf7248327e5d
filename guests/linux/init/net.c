// The network's set-up: lo and eth0 up with isok.ip's address, and the helpers the
// network tasks share (UDP ports, printing addresses).
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

const char* ip_text(struct in_addr a) {
    static char text[4][INET_ADDRSTRLEN];
    static int next;
    char* t = text[next++ % 4];
    inet_ntop(AF_INET, &a, t, INET_ADDRSTRLEN);
    return t;
}

int udp_socket_on(int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = {htonl(INADDR_ANY)}};
    if (s < 0 || bind(s, (struct sockaddr*)&a, sizeof a) != 0) {
        printf("init: cannot open UDP port %d: %s\n", port, strerror(errno));
        if (s >= 0) close(s);
        return -1;
    }
    return s;
}

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

int bring_up_network(const struct config* c) {
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
