// Writes the seed corpus of every fuzz target (scripts/fuzz-corpus.sh runs it): a few
// valid inputs each, so that fuzzing starts from the shapes real inputs have. Files named
// on the command line come from a real build: plans taken out of boot images (plan:IMAGE),
// executables (elf:FILE) and device trees (dtb:FILE); the rest is made here with the
// project's own writers, in the input formats the harnesses read.
//   fuzz_seeds <corpus-dir> [plan:IMAGE | elf:FILE | dtb:FILE]...
#include <isok/boot_image.hpp>
#include <isok/boot_image_writer.hpp>
#include <isok/frame_ring.hpp>
#include <isok/links.hpp>
#include <isok/net/arp.hpp>
#include <isok/net/icmp.hpp>
#include <isok/net/udp.hpp>
#include <isok/plan_writer.hpp>
#include <isok/vm_config.hpp>
#include <isok/virtio/ring.hpp>
#include <vmm/device_tree.hpp>
#include <vmm/sbi.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using Seed = std::vector<u8>;

namespace {

fs::path corpus;

void save(const std::string& target, const std::string& name, const Seed& bytes) {
    fs::create_directories(corpus / target);
    std::ofstream(corpus / target / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                                  std::streamsize(bytes.size()));
}

Seed load(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return Seed(std::istreambuf_iterator<char>(in), {});
}

// Little-endian fields appended in the order the harnesses' fuzz::Reader takes them.
template <class T> void put(Seed& s, T v) {
    for (size_t i = 0; i < sizeof(T); ++i) s.push_back(u8(u64(v) >> (8 * i)));
}

// ---- from a real build ----

void plan_from_image(const fs::path& image) {
    Seed bytes = load(image);
    auto opened = isok::bootimage::Image::open(isok::Bytes(bytes.data(), bytes.size()));
    if (!opened) throw std::runtime_error(image.string() + ": " + isok::bootimage::describe(opened.error()));
    for (isok::bootimage::Entry e : opened->of_kind(isok::bootimage::Kind::manifest))
        save("plan", image.stem().string(), Seed(e.data.data(), e.data.data() + e.data.size()));
}

// QEMU dumps its whole device tree buffer; the blob is the header's totalsize.
void dtb(const fs::path& file) {
    Seed bytes = load(file);
    if (bytes.size() >= 8) bytes.resize(std::min<size_t>(bytes.size(), u32(bytes[4]) << 24 | bytes[5] << 16 | bytes[6] << 8 | bytes[7]));
    save("fdt", file.stem().string(), bytes);
}

// ---- made here ----

Seed small_plan() {
    namespace plan = isok::plan;
    plan::Writer w("seed");
    auto process = [](const char* name) {
        return plan::ProcessSpec{.name = name, .image = name, .budget = 1 << 20, .stack = 16384, .priority = 100,
                                 .time_slice = 10, .cap_slots = 64};
    };
    auto client_spec = process("client");
    client_spec.harts = {1, 0};
    u32 server = w.add(process("server")), client = w.add(client_spec), vmm = w.add(process("vm1.vmm"));
    u32 sw = w.add(process("switch")), blockd = w.add(process("blockd")), console = w.add(process("console"));
    u32 channel = w.add(plan::EndpointSpec{"echo", plan::EndpointKind::channel, server, false});
    w.add(plan::GrantSpec{server, "echo", channel, isok::abi::rights::read, 0, plan::Role::server});
    w.add(plan::GrantSpec{client, "echo", channel, isok::abi::rights::write, 1, plan::Role::client});
    w.add(plan::VmSpec{"vm1", "vm1.kernel", "", 16 << 20, 17 << 20, 1, 100, 10,
                       u32(isok::vm::device::uart | isok::vm::device::virtio_net), vmm, "console=hvc0", {2}});
    w.add(plan::PortSpec{"lan", 0, sw, client, {0x02, 0, 0, 0, 0, 1}});
    w.add(plan::PortSpec{"lan", 0, sw, vmm, {0x02, 0, 0, 0, 0, 2}});
    w.add(plan::DiskSpec{"disk0", blockd});
    w.add(plan::PartitionSpec{"data", 0, blockd, client, 2048, 2048});
    w.set_console(console);
    w.add(plan::ConsoleInputSpec{"client", client});
    w.add(plan::ConsoleInputSpec{"vm1", vmm});
    auto bytes = w.build();
    if (!bytes) throw std::runtime_error(std::string("seed plan: ") + plan::describe(bytes.error()));
    return *bytes;
}

void bootimage_seeds(const Seed& plan, const Seed& elf) {
    namespace bi = isok::bootimage;
    save("bootimage", "empty", bi::Writer().build());
    bi::Writer w;
    (void)w.add(bi::Kind::manifest, "plan", plan);
    (void)w.add(bi::Kind::program, "hello.elf", elf);
    (void)w.add(bi::Kind::data, "notes/readme.txt", Seed{'h', 'i', '\n'});
    (void)w.add(bi::Kind::guest_initrd, "empty.cpio", Seed{});
    save("bootimage", "three_entries", w.build());
}

void guest_device_tree(const char* name, u32 vcpus, u64 devices, const char* bootargs, u64 initrd) {
    const char isa[] = "rv64imafdch_zicsr_zifencei_sstc";
    isok::vmm::GuestDescription g{.ram_base = isok::vm::guest_ram_base, .ram_size = 64 << 20, .vcpus = vcpus,
                                  .devices = devices, .timebase_hz = 10000000, .host_isa = isa,
                                  .host_isa_max = sizeof isa, .bootargs = bootargs, .bootargs_max = 256,
                                  .initrd_start = initrd, .initrd_end = initrd ? initrd + 4096 : 0};
    Seed blob(16384);
    auto n = isok::vmm::write_device_tree(g, blob.data(), blob.size());
    if (!n) throw std::runtime_error(std::string("guest device tree: ") + isok::vmm::describe(n.error()));
    blob.resize(*n);
    save("fdt", name, blob);
}

// virtqueue_fuzz: size exponent, desc, driver and device offsets, ops, offset; then RAM.
Seed virtqueue_seed(u8 ops, bool writable_chain) {
    using namespace isok::virtio;
    constexpr u64 base = isok::vm::guest_ram_base, desc = 0, avail = 0x1000, used = 0x2000;
    Seed s;
    put<u8>(s, 3); // 8 entries
    put<u16>(s, desc), put<u16>(s, avail), put<u16>(s, used), put<u8>(s, ops), put<u8>(s, 4);
    Seed ram(0x3000 + 8 * 64);
    auto descriptor = [&](u32 i, u64 address, u32 length, u16 flags, u16 next) {
        Descriptor d{address, length, flags, next};
        std::memcpy(&ram[desc + 16 * i], &d, sizeof d);
    };
    descriptor(0, base + 0x3000, 64, desc_f_next, 1);
    descriptor(1, base + 0x3040, 64, writable_chain ? desc_f_write : 0, 0);
    descriptor(2, base + 0x3080, 128, desc_f_write, 0);
    u16 avail_ring[] = {0, 2, 0, 2}; // flags, index, heads 0 and 2
    std::memcpy(&ram[avail], avail_ring, sizeof avail_ring);
    s.insert(s.end(), ram.begin(), ram.end());
    return s;
}

// sbi_fuzz: hart count, start_fails; then calls of extension index, function, argument
// kinds (2 bits each: 0 small, 1 near guest RAM, 2 near all ones, 3 raw), arguments, caller.
struct Call {
    u8 extension;
    u8 function;
    u32 kinds;
    std::vector<u64> args; // as the kinds say: u8, u16, u8 or u64
    u8 caller = 0;
};

Seed sbi_seed(u8 harts, const std::vector<Call>& calls) {
    Seed s;
    put<u8>(s, harts - 1), put<u8>(s, 0);
    for (const Call& c : calls) {
        put<u8>(s, c.extension), put<u8>(s, c.function), put<u32>(s, c.kinds);
        for (int i = 0; i < 6; ++i) {
            u64 v = i < int(c.args.size()) ? c.args[i] : 0;
            switch (c.kinds >> (2 * i) & 3) {
            case 0: put<u8>(s, v); break;
            case 1: put<u16>(s, v); break;
            case 2: put<u8>(s, v); break;
            default: put<u64>(s, v); break;
            }
        }
        put<u8>(s, c.caller);
    }
    return s;
}

void sbi_seeds() {
    // Extension indices into the harness's table: base, time, ipi, rfence, hsm, srst, dbcn,
    // legacy set_timer, putchar, getchar, shutdown.
    save("sbi", "base_probe", sbi_seed(1, {{0, 0, 0, {}}, {0, 3, 0, {4}}, {0, 3, 3, {0x4442434e}}, {0, 4, 0, {}}}));
    save("sbi", "hsm_start_stop", sbi_seed(4, {{4, 0, 0b0100, {1, 0x100, 7}}, {4, 2, 0, {1}}, {4, 1, 0, {}, 1}}));
    save("sbi", "ipi_rfence", sbi_seed(2, {{2, 0, 0b1000, {3, 0}}, {3, 0, 0, {1, 0}}, {3, 1, 0, {3, 0, 0, 0}}}));
    save("sbi", "dbcn_console", sbi_seed(1, {{6, 0, 0b0100, {16, 0}}, {6, 2, 0, {'x'}}, {8, 0, 0, {'y'}}}));
    save("sbi", "timer_reset", sbi_seed(1, {{1, 0, 3, {1 << 20}}, {7, 0, 3, {1 << 21}}, {5, 0, 0, {0, 0}}}));
}

void mmio_seed() {
    Seed s;
    for (u32 insn : {0x0005a503u /* lw a0,0(a1) */, 0x00a5b023u /* sd a0,0(a1) */, 0x0005c503u /* lbu */,
                     0x00a59023u /* sh */, 0x0005e503u /* lwu */, 0x4188u /* c.lw a0,0(a1) */,
                     0xe188u /* c.sd */, 0x4502u /* c.lwsp a0 */, 0xe02au /* c.sdsp a0 */, 0x00052503u})
        put<u32>(s, insn);
    save("mmio", "loads_stores", s);
}

// switch_fuzz: operations; transmit is code (kind 0, port), 16-bit length, frame bytes.
void switch_seeds() {
    auto transmit = [](Seed& s, u8 port, u8 to_port, bool broadcast) {
        put<u8>(s, u8(port | 0x40)); // kind 0, with the port's own source MAC
        put<u16>(s, 64);
        Seed frame(64, 0xab);
        u8 destination[6] = {0x02, 0, 0, 0, 0, u8(to_port + 1)};
        for (int i = 0; i < 6; ++i) frame[i] = broadcast ? 0xff : destination[i];
        frame[12] = 0x88, frame[13] = 0xb5;
        s.insert(s.end(), frame.begin(), frame.end());
    };
    auto round = [](Seed& s) { put<u8>(s, 6 << 2), put<u8>(s, 0xff); };
    auto drain = [](Seed& s, u8 port) { put<u8>(s, u8(5 << 2 | port)); };
    Seed unicast;
    transmit(unicast, 0, 1, false), round(unicast), drain(unicast, 1);
    save("switch", "unicast", unicast);
    Seed broadcast;
    transmit(broadcast, 2, 0, true), transmit(broadcast, 3, 0, true), round(broadcast);
    drain(broadcast, 0), drain(broadcast, 1), drain(broadcast, 3);
    save("switch", "broadcast", broadcast);
}

// block_fuzz: partition count; 16 partitions of name, first, sectors, buffer size, endpoint,
// badge; disk failure; then requests of badge, label, first, count, offset.
void block_seed() {
    Seed s;
    put<u32>(s, 2);
    for (u32 i = 0; i < isok::links::max_partitions; ++i) {
        s.insert(s.end(), {'p', u8('0' + i % 10), 0, 0});
        put<u16>(s, 2048 + 512 * i), put<u8>(s, 0), put<u16>(s, 256);
        put<u8>(s, 16), put<u8>(s, 0), put<u8>(s, 0), put<u8>(s, i + 1);
    }
    put<u8>(s, 0);
    auto request = [&](u8 badge, u8 label, u16 first, u8 count, u16 offset) {
        put<u8>(s, badge), put<u8>(s, label);
        put<u8>(s, 0), put<u16>(s, first), put<u8>(s, 0), put<u8>(s, count), put<u8>(s, 0), put<u16>(s, offset);
    };
    request(1, 1, 0, 8, 0), request(2, 2, 100, 16, 0), request(1, 3, 0, 0, 0), request(2, 4, 0, 0, 0);
    request(1, 1, 250, 8, 512), request(3, 1, 0, 1, 0);
    save("block", "read_write", s);
}

// inet_fuzz: frames of a 16-bit length and the bytes, each followed by a tick byte.
void inet_seed() {
    using namespace isok::net;
    const MacAddr self{{0x02, 0, 0, 0, 0, 0x03}}, peer{{0x02, 0, 0, 0, 0, 0x01}};
    const Ipv4Addr self_ip{0x0a000003}, peer_ip{0x0a000001};
    Seed s;
    auto frame = [&](isok::Result<isok::usize, NetError> n, const u8* bytes) {
        if (!n) throw std::runtime_error("seed frame");
        put<u16>(s, *n);
        s.insert(s.end(), bytes, bytes + *n);
        put<u8>(s, 10);
    };
    u8 f[ethernet_max_frame];
    const u8 text[] = "isokernel";
    isok::Bytes payload(text, sizeof text);
    frame(build_arp_frame(f, sizeof f, MacAddr::broadcast(), {ArpOp::request, peer, peer_ip, MacAddr{}, self_ip}), f);
    Ipv4Header h{.source = peer_ip, .destination = self_ip};
    frame(build_icmp_echo_frame(f, sizeof f, {self, peer}, h, {IcmpType::echo_request, 1, 1, payload}), f);
    frame(build_udp_frame(f, sizeof f, {self, peer}, h, {4000, 7, payload}), f);
    frame(build_udp_frame(f, sizeof f, {self, peer}, h, {4000, 9000, payload}), f);
    frame(build_arp_frame(f, sizeof f, self, {ArpOp::reply, peer, peer_ip, self, self_ip}), f);
    save("inet", "arp_icmp_udp", s);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <corpus-dir> [plan:IMAGE | elf:FILE | dtb:FILE]...\n", argv[0]);
        return 2;
    }
    try {
        corpus = argv[1];
        Seed elf;
        for (int i = 2; i < argc; ++i) {
            std::string arg = argv[i];
            std::string kind = arg.substr(0, arg.find(':')), file = arg.substr(arg.find(':') + 1);
            if (kind == "plan") {
                plan_from_image(file);
            } else if (kind == "elf") {
                save("elf", fs::path(file).filename().string(), load(file));
                if (elf.empty()) elf = load(file);
            } else if (kind == "dtb") {
                dtb(file);
            } else {
                throw std::runtime_error("unknown seed source " + arg);
            }
        }
        Seed plan = small_plan();
        save("plan", "small", plan);
        bootimage_seeds(plan, elf);
        guest_device_tree("guest_one_hart", 1, isok::vm::device::uart, "console=ttyS0", 0);
        guest_device_tree("guest_devices", 4,
                          isok::vm::device::uart | isok::vm::device::virtio_console | isok::vm::device::virtio_net |
                              isok::vm::device::virtio_block,
                          "console=hvc0 root=/dev/vda", isok::vm::guest_ram_base + (32 << 20));
        save("virtqueue", "two_chains", virtqueue_seed(0x00, true));
        save("virtqueue", "take_chains", virtqueue_seed(0xff, false));
        sbi_seeds();
        mmio_seed();
        switch_seeds();
        block_seed();
        inet_seed();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
