// The sockets served in the background, whatever init is busy waiting for (see init.h),
// and the loop that serves them.
#include "init.h"

#include <errno.h>
#include <poll.h>

struct background bg = {.barrier_fd = -1, .listen_fd = -1, .echo_fd = -1};

// Serves the background sockets until fd (if not -1) is readable (returns 1) or
// timeout_ms pass (returns 0).
int pump(int fd, int timeout_ms) {
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

void open_background_sockets(const struct config* c) {
    if (c->barrier) open_barrier_socket();
    if (c->listen) open_listen_socket();
    if (c->echo_port) bg.echo_fd = udp_socket_on(c->echo_port);
}
