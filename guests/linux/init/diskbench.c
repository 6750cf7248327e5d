// The raw disk benchmark (isok.diskbench): instructions to write and read a raw
// virtio-blk device in large O_DIRECT requests.
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

// Writes then reads MiB MiB of the raw device in 64 KiB O_DIRECT requests, the write
// with its final flush; the data are checked afterwards, outside the measurement.
void disk_bench(const struct config* c) {
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
