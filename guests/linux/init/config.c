// Parses the isok.* keys of the kernel command line into a struct config.
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_long(const char* s, long min, long max, long* out) {
    char* end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return 0;
    *out = v;
    return 1;
}

// "a.b.c.d:port" into a socket address.
int parse_endpoint(const char* s, struct sockaddr_in* out) {
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
    if (!strcmp(key, "smp")) return parse_long(value, 0, 1, &v) && ((c->smp = (int)v), 1);
    if (!strcmp(key, "speedup")) return parse_long(value, 0, 1, &v) && ((c->speedup = (int)v), 1);
    if (!strcmp(key, "fault")) {
        char* end;
        errno = 0;
        c->fault_address = strtoul(value, &end, 0);
        return *value && !*end && errno == 0 && c->fault_address != 0;
    }
    if (!strcmp(key, "shell")) return parse_long(value, 0, 1, &v) && ((c->shell = (int)v), 1);
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

void read_config(struct config* c) {
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
