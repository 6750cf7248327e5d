// disk_client: a block-service client that checks its first partition (Links page). It
// asks for the partition's size, writes sectors [0, 64) with a pattern of its own
// (xorshift seeded by `seed=N`, default 1), flushes, reads them back and compares CRCs;
// then sends requests the service must refuse, each with the Status it must give, and
// checks that the data is still intact. With `verify=1` it first reads [0, 64) and
// prints the CRC it found there (what an earlier boot with the same seed wrote).
// Lines: "disk_client: wrote 64 sectors crc X", "disk_client: read back ok",
// "disk_client: refused <status> (<what>)", "disk_client: hart H took N device
// interrupts" (while it ran: where blockd's disk interrupt is taken), finally
// "disk_client: done", or
// "disk_client: FAILED ..." lines and a non-zero exit.
#include <isok/block.hpp>
#include <isok/crc32.hpp>
#include <isok/links.hpp>
#include <isok/random.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>

using namespace isok;
using block::Op;
using block::Status;
using rt::Error;

namespace {

constexpr u64 test_sectors = 64;
constexpr u64 test_bytes = test_sectors * block::sector_bytes;

struct Options {
    u64 seed = 1;
    bool verify = false;
};

// The value of `key=` (decimal) among the space-separated args, or `missing`.
u64 arg_value(const char* args, const char* key, u64 missing) {
    usize key_length = str_length(key);
    for (const char* p = args; *p;) {
        while (*p == ' ') ++p;
        if (str_starts_with(p, key) && p[key_length] == '=') {
            u64 v = 0;
            for (p += key_length + 1; *p >= '0' && *p <= '9'; ++p) v = v * 10 + u64(*p - '0');
            return v;
        }
        while (*p && *p != ' ') ++p;
    }
    return missing;
}

Options options(const startup::Info& info) {
    char args[startup::args_bytes];
    str_copy(args, info.args, sizeof args); // bounded: the page is the root's, but stay inside it
    return {arg_value(args, "seed", 1), arg_value(args, "verify", 0) != 0};
}

const char* status_name(u64 s) { return block::status_name(Status(s)); }

class Disk {
public:
    explicit Disk(const links::Partition& p)
        : endpoint_(p.endpoint), buffer_(reinterpret_cast<u8*>(uptr(p.buffer))), partition_(p) {}

    u8* buffer() const { return buffer_; }
    const links::Partition& partition() const { return partition_; }

    // One call; word 0 of the reply is the Status, words 1 and 2 land in w1 and w2.
    u64 call(u64 label, u64 first = 0, u64 count = 0, u64 offset = 0, u64* w1 = nullptr, u64* w2 = nullptr) {
        rt::Message m(label, 3);
        m.regs[0] = first;
        m.regs[1] = count;
        m.regs[2] = offset;
        if (Error e = rt::call(endpoint_, m); e != Error::ok)
            rt::fatal("disk_client: FAILED: call to the block service: %s\n", rt::error_name(e));
        if (w1) *w1 = m.word(1);
        if (w2) *w2 = m.word(2);
        return m.word(0);
    }

    u32 crc_of_sectors() const { return crc32(Bytes(buffer_, test_bytes)); }

private:
    u64 endpoint_;
    u8* buffer_;
    const links::Partition& partition_;
};

u32 failures = 0;

void failed(const char* what, u64 got) {
    rt::print("disk_client: FAILED: %s: %s\n", what, status_name(got));
    ++failures;
}

void fill_pattern(u8* to, u64 seed) {
    Xorshift random{seed * 0x9e3779b97f4a7c15ull + 1}; // never 0, which xorshift would keep
    auto* words = reinterpret_cast<u64*>(to);
    for (u64 i = 0; i < test_bytes / 8; ++i) words[i] = random.next();
}

bool check_info(Disk& disk) {
    u64 sectors = 0, bytes = 0;
    u64 s = disk.call(u64(Op::info), 0, 0, 0, &sectors, &bytes);
    const links::Partition& p = disk.partition();
    if (s != u64(Status::ok) || sectors != p.sectors || bytes != p.buffer_bytes) {
        rt::print("disk_client: FAILED: info %s, %lu sectors, %lu buffer bytes (Links: %lu, %lu)\n", status_name(s),
                  sectors, bytes, p.sectors, p.buffer_bytes);
        return false;
    }
    rt::print("disk_client: partition %s, %lu sectors, %lu buffer bytes\n", p.name, sectors, bytes);
    if (sectors < test_sectors || bytes < test_bytes) {
        rt::print("disk_client: FAILED: the partition needs %lu sectors and a %lu-byte buffer\n", test_sectors,
                  test_bytes);
        return false;
    }
    return true;
}

// Reads [0, 64) into the buffer (cleared first, so stale bytes cannot pass for data).
bool read_sectors(Disk& disk) {
    for (u64 i = 0; i < test_bytes; ++i) disk.buffer()[i] = 0;
    u64 s = disk.call(u64(Op::read), 0, test_sectors, 0);
    if (s != u64(Status::ok)) failed("read", s);
    return s == u64(Status::ok);
}

void write_and_verify(Disk& disk, u64 seed) {
    fill_pattern(disk.buffer(), seed);
    u32 crc = disk.crc_of_sectors();
    if (u64 s = disk.call(u64(Op::write), 0, test_sectors, 0); s != u64(Status::ok)) return failed("write", s);
    rt::print("disk_client: wrote %lu sectors crc %08x\n", test_sectors, crc);
    if (u64 s = disk.call(u64(Op::flush)); s != u64(Status::ok)) return failed("flush", s);
    if (!read_sectors(disk)) return;
    if (u32 got = disk.crc_of_sectors(); got != crc) {
        rt::print("disk_client: FAILED: read back crc %08x, wrote %08x\n", got, crc);
        ++failures;
        return;
    }
    rt::print("disk_client: read back ok\n");
}

struct Hostile {
    const char* what;
    u64 label, first, count, offset;
    Status expected;
};

void try_hostile(Disk& disk) {
    const links::Partition& p = disk.partition();
    const u64 all_ones = ~u64{0};
    const Hostile requests[] = {
        {"sector past the end", u64(Op::read), p.sectors, 1, 0, Status::out_of_range},
        {"write across the end", u64(Op::write), p.sectors - 1, 2, 0, Status::out_of_range},
        {"zero sectors", u64(Op::write), 0, 0, 0, Status::out_of_range},
        {"first + count overflows", u64(Op::write), all_ones, 2, 0, Status::out_of_range},
        {"offset past the buffer", u64(Op::read), 0, 1, p.buffer_bytes, Status::bad_buffer},
        {"offset + length overflows", u64(Op::write), 0, 1, align_down(all_ones, block::sector_bytes),
         Status::bad_buffer},
        {"misaligned offset", u64(Op::read), 0, 1, 1, Status::bad_buffer},
        {"unknown op", 99, 0, 1, 0, Status::unsupported},
    };
    for (const Hostile& h : requests) {
        u64 s = disk.call(h.label, h.first, h.count, h.offset);
        if (s == u64(h.expected)) {
            rt::print("disk_client: refused %s (%s)\n", status_name(s), h.what);
        } else {
            rt::print("disk_client: FAILED: %s: got %s, expected %s\n", h.what, status_name(s),
                      status_name(u64(h.expected)));
            ++failures;
        }
    }
}

} // namespace

int main(const startup::Info& info) {
    const auto& l = *reinterpret_cast<const links::Links*>(links::address);
    if (l.magic != links::magic || l.partition_count == 0)
        rt::fatal("disk_client: FAILED: no partition in the Links page\n");
    Options o = options(info);
    const rt::sys::HartInfo before = rt::sys::hart_info();
    Disk disk(l.partitions[0]);
    if (!check_info(disk)) return 1;

    if (o.verify && read_sectors(disk)) rt::print("disk_client: found crc %08x\n", disk.crc_of_sectors());
    write_and_verify(disk, o.seed);
    u32 written_crc = failures ? 0 : disk.crc_of_sectors();
    try_hostile(disk);
    // The refused writes must have left the data alone.
    if (!failures && read_sectors(disk)) {
        if (u32 crc = disk.crc_of_sectors(); crc == written_crc) {
            rt::print("disk_client: data intact after refusals\n");
        } else {
            rt::print("disk_client: FAILED: refused requests changed the data (crc %08x)\n", crc);
            ++failures;
        }
    }
    const rt::sys::HartInfo after = rt::sys::hart_info();
    rt::print("disk_client: hart %lu took %lu device interrupts\n", after.hart,
              after.device_interrupts - before.device_interrupts);
    if (failures) {
        rt::print("disk_client: FAILED: %u checks failed\n", failures);
        return 1;
    }
    rt::print("disk_client: done\n");
    return 0;
}
