// The interactive shell of isok.shell=1: after the tasks, a few commands typed on the
// console (stdin and stdout are /dev/console). The kernel's tty is in canonical mode
// with echo, so it edits and echoes the line; the shell only reads whole lines.
// End of input powers the machine off, as the poweroff command does.
#include "init.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

enum { max_args = 16 };

struct command {
    const char* name;
    const char* usage;
    void (*run)(int argc, char** argv);
};

static int shell_net; // whether the network came up: ping and udp need it

static void cmd_help(int argc, char** argv);

static void cmd_echo(int argc, char** argv) {
    for (int i = 1; i < argc; i++) printf("%s%s", i > 1 ? " " : "", argv[i]);
    printf("\n");
}

static void cmd_cat(int argc, char** argv) {
    if (argc != 2) {
        printf("usage: cat FILE\n");
        return;
    }
    FILE* f = fopen(argv[1], "r");
    if (!f) {
        printf("cat: %s: %s\n", argv[1], strerror(errno));
        return;
    }
    char buf[512];
    size_t n, last = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        fwrite(buf, 1, n, stdout);
        last = buf[n - 1] == '\n';
    }
    fclose(f);
    if (!last) printf("\n"); // the prompt starts a line of its own
}

static void cmd_ls(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "/";
    DIR* d = opendir(path);
    if (!d) {
        printf("ls: %s: %s\n", path, strerror(errno));
        return;
    }
    for (struct dirent* e; (e = readdir(d));)
        if (e->d_name[0] != '.') printf("%s%s\n", e->d_name, e->d_type == DT_DIR ? "/" : "");
    closedir(d);
}

static void cmd_ps(int argc, char** argv) {
    (void)argc, (void)argv;
    DIR* d = opendir("/proc");
    if (!d) {
        printf("ps: /proc: %s\n", strerror(errno));
        return;
    }
    printf("  PID NAME\n");
    for (struct dirent* e; (e = readdir(d));) {
        char* end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || end == e->d_name) continue;
        char path[64], name[64] = "?";
        snprintf(path, sizeof path, "/proc/%ld/comm", pid);
        FILE* f = fopen(path, "r");
        if (f) {
            if (!fgets(name, sizeof name, f)) snprintf(name, sizeof name, "?");
            fclose(f);
        }
        name[strcspn(name, "\n")] = 0;
        printf("%5ld %s\n", pid, name);
    }
    closedir(d);
}

static void cmd_free(int argc, char** argv) {
    (void)argc, (void)argv;
    FILE* f = fopen("/proc/meminfo", "r");
    if (!f) {
        printf("free: /proc/meminfo: %s\n", strerror(errno));
        return;
    }
    long total = -1, free_kib = -1;
    char line[128];
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "MemTotal: %ld kB", &total);
        sscanf(line, "MemFree: %ld kB", &free_kib);
    }
    fclose(f);
    printf("total %ld KiB, free %ld KiB\n", total, free_kib);
}

static void cmd_uname(int argc, char** argv) {
    (void)argc, (void)argv;
    struct utsname u;
    if (uname(&u) != 0) {
        printf("uname: %s\n", strerror(errno));
        return;
    }
    printf("%s %s %s %s\n", u.sysname, u.release, u.version, u.machine);
}

static void cmd_ping(int argc, char** argv) {
    struct in_addr to;
    if (argc != 2 || inet_pton(AF_INET, argv[1], &to) != 1) {
        printf("usage: ping a.b.c.d\n");
        return;
    }
    if (!shell_net) {
        printf("no network\n");
        return;
    }
    ping(to);
}

static void cmd_udp(int argc, char** argv) {
    struct sockaddr_in to;
    if (argc != 2 || !parse_endpoint(argv[1], &to)) {
        printf("usage: udp a.b.c.d:port\n");
        return;
    }
    if (!shell_net) {
        printf("no network\n");
        return;
    }
    udp_round_trip(&to);
}

static void cmd_poweroff(int argc, char** argv) {
    (void)argc, (void)argv;
    power_off();
}

static void cmd_reboot(int argc, char** argv) {
    (void)argc, (void)argv;
    restart();
}

static const struct command commands[] = {
    {"help", "", cmd_help},
    {"echo", "ARGS...", cmd_echo},
    {"cat", "FILE", cmd_cat},
    {"ls", "[DIR]", cmd_ls},
    {"ps", "", cmd_ps},
    {"free", "", cmd_free},
    {"uname", "", cmd_uname},
    {"ping", "ADDR", cmd_ping},
    {"udp", "ADDR:PORT", cmd_udp},
    {"poweroff", "", cmd_poweroff},
    {"reboot", "", cmd_reboot},
};

static void cmd_help(int argc, char** argv) {
    (void)argc, (void)argv;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("%s%s%s\n", commands[i].name, *commands[i].usage ? " " : "", commands[i].usage);
}

// One line, split at blanks; an empty line does nothing.
static void run_line(char* line) {
    char* argv[max_args + 1];
    int argc = 0;
    for (char *save = NULL, *word = strtok_r(line, " \t\r\n", &save); word && argc < max_args;
         word = strtok_r(NULL, " \t\r\n", &save))
        argv[argc++] = word;
    argv[argc] = NULL;
    if (!argc) return;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[0], commands[i].name)) {
            commands[i].run(argc, argv);
            return;
        }
    printf("isok: %s: unknown command; type help\n", argv[0]);
}

void run_shell(int net) {
    shell_net = net;
    // Unbuffered input: what poll says about the console is all there is to read.
    setvbuf(stdin, NULL, _IONBF, 0);
    for (;;) {
        printf("isok$ ");
        fflush(stdout);
        // The background sockets (echo, barrier) are served while nobody types.
        while (!pump(0, 60000)) {}
        char line[256];
        if (!fgets(line, sizeof line, stdin)) {
            if (ferror(stdin) && errno == EINTR) {
                clearerr(stdin);
                continue;
            }
            printf("\n");
            return; // end of input
        }
        if (!strchr(line, '\n')) // longer than the buffer: the rest of the line is dropped
            for (int c; (c = getchar()) != EOF && c != '\n';) {}
        run_line(line);
    }
}
