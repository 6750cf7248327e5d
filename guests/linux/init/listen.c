// The frame counter (isok.listen): counts the frames reaching eth0 by the type Linux
// gives them (to us, broadcast, multicast, to others).
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int interface_index(int s, const char* name) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    snprintf(r.ifr_name, sizeof r.ifr_name, "%s", name);
    return ioctl(s, SIOCGIFINDEX, &r) == 0 ? r.ifr_ifindex : -1;
}

void serve_listen(void) {
    char buf[64];
    struct sockaddr_ll from;
    socklen_t len = sizeof from;
    while (recvfrom(bg.listen_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr*)&from, &len) >= 0) {
        if (from.sll_pkttype < 4) bg.frames[from.sll_pkttype]++; // PACKET_OUTGOING (4) is our own
        len = sizeof from;
    }
}

void open_listen_socket(void) {
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

void print_listen(void) {
    pump(-1, 0); // what has arrived counts
    printf("init: listen host=%lu broadcast=%lu multicast=%lu otherhost=%lu\n", bg.frames[PACKET_HOST],
           bg.frames[PACKET_BROADCAST], bg.frames[PACKET_MULTICAST], bg.frames[PACKET_OTHERHOST]);
}
