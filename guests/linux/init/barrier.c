// The barrier (isok.barrier): every member broadcasts "done <ip>" until it has heard
// the others say it too, so that no one powers off while others still need it.
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void serve_barrier(void) {
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

void open_barrier_socket(void) {
    bg.barrier_fd = udp_socket_on(9999);
    int on = 1;
    // Broadcasts to 255.255.255.255 need the device named: there is no default route.
    if (bg.barrier_fd >= 0 && (setsockopt(bg.barrier_fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0 ||
                               setsockopt(bg.barrier_fd, SOL_SOCKET, SO_BINDTODEVICE, "eth0", 5) != 0))
        printf("init: barrier socket: %s\n", strerror(errno));
}

// Broadcasts "done <ip>" every 200 ms until `peers` others have said it too, and for
// linger_ms more, so that those who finish later still hear us. Gives up after 60 s.
void barrier(const struct config* c) {
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
