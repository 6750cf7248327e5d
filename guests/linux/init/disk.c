// The file system test (isok.disk): writes a file made from a seed on the ext2 of
// /dev/vda, or checks, after a reboot, that it is still there and whole.
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

// /dev/NAME from devtmpfs, or made from /sys/block/NAME/dev when devtmpfs is missing.
int device_node(const char* name, char* path, size_t size) {
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

void disk_files(const struct config* c) {
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
