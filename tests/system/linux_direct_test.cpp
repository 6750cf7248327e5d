// The Linux guest (guests/linux) booted directly on QEMU, without Isokernel: the
// baseline for Linux in a VM. The unmodified kernel reaches its init on the serial
// console and on the SBI console (hvc0), init reports what it sees, and the machine
// powers off through SBI SRST so that QEMU exits by itself. init's network and disk
// work (the isok.* keys of its command line) is checked here too, on QEMU's own devices:
// a file on an ext2 disk survives a reboot, two guests joined by a socket network ping
// each other and meet at a barrier, and the raw disk benchmark runs (the baseline of the
// one in a VM).
//
// Each test prints the guest's figures. skip_idle ("-icount shift=0,sleep=off") makes
// QEMU skip idle time instead of letting real time pass, so that the count from
// reset (rdinstret at init, firmware included) does not depend on how fast QEMU
// starts. The figures then repeat exactly from run to run, though one run in
// many was seen a couple of thousand instructions off, so no test insists on them.
// Tests that wait for a device (another QEMU, the host's disk) keep QEMU's default
// (sleep=on): skipping idle time would jump the guest's clock past every timeout.
#include "disk_image.hpp"
#include "system_test.hpp"

#include <atomic>
#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

// `skip_idle`: sleep=off (see above); a guest that waits for a device must not skip.
QemuConfig direct(const std::string& bootargs, bool skip_idle = true) {
    QemuConfig c;
    c.kernel = linux_image;
    c.bootargs = bootargs;
    c.memory = "256M";
    c.harts = 1;
    c.skip_idle = skip_idle;
    c.timeout = std::chrono::seconds(60);
    return c;
}

class LinuxDirectTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }

    // The checks every direct boot must pass, whichever console it uses.
    void expect_init_ran_and_powered_off(const QemuRun& run) {
        EXPECT_FALSE(run.timed_out);
        EXPECT_TRUE(run.contains("Run /init as init process"));
        EXPECT_EQ(run.match(R"(init: hello from Linux 6\.1\.\d+ on 1 cpus)").size(), 1u);
        auto isa = run.match(R"(init: isa (rv64\S+))");
        ASSERT_EQ(isa.size(), 2u);
        EXPECT_NE(isa[1].find("rv64imafdc"), std::string::npos) << isa[1];
        auto memory = run.match(R"(init: memory total (\d+) KiB)");
        ASSERT_EQ(memory.size(), 2u);
        EXPECT_GT(std::stol(memory[1]), 200 * 1024); // of the 256 MiB QEMU was given
        EXPECT_LE(std::stol(memory[1]), 256 * 1024);
        EXPECT_TRUE(run.contains("init: workload: 82025 primes below 1048576"));
        EXPECT_TRUE(run.contains("init: powering off"));
        EXPECT_TRUE(run.contains("reboot: Power down"));
        EXPECT_FALSE(run.contains("power-off failed"));
        EXPECT_FALSE(run.contains("Kernel panic"));
        ASSERT_TRUE(run.exit.has_value());
        EXPECT_EQ(*run.exit, 0);
    }

    static std::string first(const QemuRun& run, const std::string& regex) {
        auto m = run.match(regex);
        return m.size() >= 2 ? m[1] : "?";
    }

    static void print_figures(const std::string& console, const QemuRun& run) {
        std::cout << "linux-direct (" << console << "): boot-to-init "
                  << first(run, R"(init: boot-to-init (\d+) instructions)")
                  << " instructions from reset (firmware included); kernel clock at init "
                  << first(run, R"(init: kernel monotonic clock at init (\d+) ns)")
                  << " ns (= instructions); printk at /init "
                  << first(run, R"(\[\s*(\d+\.\d+)\] Run /init as init process)") << " s\n"
                  << "linux-direct (" << console << "): sieve "
                  << first(run, R"(init: workload: \d+ primes below \d+ in (\d+) instructions)")
                  << " instructions, getppid " << first(run, R"(init: syscall: getppid (\d+) instructions)")
                  << " instructions per call\n";
    }
};

} // namespace

TEST_F(LinuxDirectTest, BootsToInitOnTheSerialConsoleAndPowersOff) {
    QemuRun run = boot(direct("console=ttyS0 earlycon=sbi"));
    expect_init_ran_and_powered_off(run);
    EXPECT_TRUE(run.contains("earlycon: sbi0"));
    EXPECT_TRUE(run.contains("ttyS0 at MMIO 0x10000000"));
    EXPECT_TRUE(run.contains("SBI SRST extension detected"));
    print_figures("ttyS0", run);
}

TEST_F(LinuxDirectTest, BootsToInitOnTheSbiConsole) {
    QemuRun run = boot(direct("console=hvc0"));
    expect_init_ran_and_powered_off(run);
    EXPECT_TRUE(run.contains("printk: console [hvc0] enabled"));
    print_figures("hvc0", run);
}

namespace {

// The lines of one boot that start with "init: ", for a failure message.
std::string init_lines(const QemuRun& run) {
    std::string out;
    for (size_t at = 0; (at = run.console.find("init: ", at)) != std::string::npos;) {
        size_t end = run.console.find('\n', at);
        out += run.console.substr(at, end - at) + "\n";
        at = end;
    }
    return out;
}

QemuConfig with_disk(QemuConfig c, const std::string& image) {
    auto drive = disk::qemu_drive(image, "d0", false);
    c.extra.insert(c.extra.end(), drive.begin(), drive.end());
    return c;
}

// A UDP port nobody on this host uses right now, for QEMU's socket network.
int free_udp_port() {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (s >= 0 && bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0) close(s);
    return port;
}

} // namespace

// init writes a seeded 1 MiB file and its CRC on an ext2 disk made here; after a reboot
// it finds both intact, and the host reads the same file out of the image. With another
// seed the check says the file is not what it should be: the verification can fail.
TEST_F(LinuxDirectTest, AFileOnAnExt2DiskSurvivesAReboot) {
    std::string dir = disk::work_folder("linux_direct_disk");
    std::string image = dir + "/disk.img";
    disk::Output made = disk::make_ext2(image, 16 * disk::mib);
    ASSERT_EQ(made.status, 0) << made.text;

    QemuRun write = boot(with_disk(direct("console=ttyS0 isok.disk=write isok.seed=11", false), image));
    expect_init_ran_and_powered_off(write);
    auto wrote = write.match(R"(init: disk wrote 1048576 bytes crc ([0-9a-f]{8})\r?\n)");
    ASSERT_EQ(wrote.size(), 2u) << init_lines(write);

    QemuRun verify = boot(with_disk(direct("console=ttyS0 isok.disk=verify isok.seed=11", false), image));
    expect_init_ran_and_powered_off(verify);
    EXPECT_TRUE(verify.contains("init: disk verified 1048576 bytes crc " + wrote[1])) << init_lines(verify);

    QemuRun other = boot(with_disk(direct("console=ttyS0 isok.disk=verify isok.seed=12", false), image));
    EXPECT_TRUE(other.contains("init: disk corrupt: crc " + wrote[1])) << init_lines(other);
    EXPECT_FALSE(other.contains("init: disk verified"));

    disk::Output fsck = disk::check_ext2(image);
    EXPECT_EQ(fsck.status, 0) << fsck.text;
    std::string data = disk::ext2_file(image, "/data", dir + "/data");
    EXPECT_EQ(data.size(), 1048576u);
    EXPECT_EQ(disk::crc_text(data), wrote[1]);
    EXPECT_EQ(disk::ext2_file(image, "/data.crc", dir + "/data.crc"), wrote[1] + "\n");
}

// Two guests on one Ethernet segment (QEMU's socket network over UDP on the host): each
// pings the other, the first makes a UDP round trip to the second's echo port, and both
// meet at the barrier. Meanwhile the test itself puts Ethernet frames for an address
// nobody has on the second's segment, which the second, listening to every frame, must
// count as "otherhost": the count a switch must keep at zero (net_test) does see them.
TEST_F(LinuxDirectTest, TwoGuestsOnASocketNetworkPingEachOtherAndMeet) {
    int port_a = free_udp_port(), port_b = free_udp_port();
    ASSERT_TRUE(port_a && port_b && port_a != port_b);
    auto guest = [&](const std::string& args, int local, int remote, const std::string& mac) {
        QemuConfig c = direct("console=ttyS0 quiet " + args, false);
        c.timeout = std::chrono::seconds(120);
        c.extra = {"-netdev",
                   "socket,id=n0,udp=127.0.0.1:" + std::to_string(remote) + ",localaddr=127.0.0.1:" +
                       std::to_string(local),
                   "-device", "virtio-net-device,netdev=n0,mac=" + mac};
        return c;
    };
    QemuConfig a = guest("isok.ip=10.0.0.1/24 isok.ping=10.0.0.2 isok.udp=10.0.0.2:7 isok.echo=7 isok.barrier=1",
                         port_a, port_b, "02:00:00:00:00:01");
    QemuConfig b = guest("isok.ip=10.0.0.2/24 isok.ping=10.0.0.1 isok.echo=7 isok.barrier=1 isok.listen", port_b,
                         port_a, "02:00:00:00:00:02");
    std::atomic<bool> done{false};
    std::thread stranger([&] {
        // 02:00:00:00:00:99 <- 02:00:00:00:00:98, a local experimental EtherType, zeros.
        unsigned char frame[60] = {2, 0, 0, 0, 0, 0x99, 2, 0, 0, 0, 0, 0x98, 0x88, 0xb5};
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(uint16_t(port_b));
        while (s >= 0 && !done) {
            sendto(s, frame, sizeof frame, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (s >= 0) close(s);
    });
    QemuRun run_a, run_b;
    std::thread first([&] { run_a = run_qemu(a); });
    run_b = run_qemu(b);
    first.join();
    done = true;
    stranger.join();
    for (const QemuRun* r : {&run_a, &run_b}) {
        EXPECT_FALSE(r->timed_out);
        EXPECT_TRUE(r->contains("init: barrier done")) << init_lines(*r);
        EXPECT_TRUE(r->contains("init: powering off"));
        EXPECT_FALSE(r->contains("failed"));
    }
    EXPECT_TRUE(run_a.contains("init: net eth0 02:00:00:00:00:01 10.0.0.1/24"));
    EXPECT_TRUE(run_b.contains("init: net eth0 02:00:00:00:00:02 10.0.0.2/24"));
    EXPECT_EQ(run_a.match(R"(init: ping 10\.0\.0\.2 ok seq \d+)").size(), 1u) << init_lines(run_a);
    EXPECT_EQ(run_b.match(R"(init: ping 10\.0\.0\.1 ok seq \d+)").size(), 1u) << init_lines(run_b);
    EXPECT_TRUE(run_a.contains("init: udp 10.0.0.2:7 ok 64 bytes")) << init_lines(run_a);
    auto echoed = run_b.match(R"(init: echo answered (\d+) datagrams)");
    ASSERT_EQ(echoed.size(), 2u) << init_lines(run_b);
    EXPECT_GE(std::stoul(echoed[1]), 1u);
    auto listen = run_b.match(R"(init: listen host=(\d+) broadcast=(\d+) multicast=(\d+) otherhost=(\d+))");
    ASSERT_EQ(listen.size(), 5u) << init_lines(run_b);
    EXPECT_GT(std::stoul(listen[1]), 0u) << "the ping and the UDP datagram were addressed to it";
    EXPECT_GT(std::stoul(listen[2]), 0u) << "the barrier's and ARP's broadcasts";
    EXPECT_GT(std::stoul(listen[4]), 0u) << "the test's frames for 02:00:00:00:00:99 were not counted";
    if (HasFailure()) std::cout << run_a.report() << run_b.report();
    std::cout << "linux-direct net: the listener saw host=" << listen[1] << " broadcast=" << listen[2]
              << " multicast=" << listen[3] << " otherhost=" << listen[4] << "\n";
}

// The raw disk benchmark on a blank 16M disk: the baseline of the same in a VM
// (scripts/bench.sh compares the two).
TEST_F(LinuxDirectTest, DiskBenchmarkWritesAndReadsTheRawDevice) {
    std::string dir = disk::work_folder("linux_direct_diskbench");
    std::string image = dir + "/disk.img";
    ASSERT_TRUE(disk::create_zeroed(image, 16 * disk::mib));
    QemuConfig c = with_disk(direct("console=ttyS0 quiet isok.diskbench=8", false), image);
    c.memory = "128M"; // as the VM's in disk_bench.toml
    QemuRun run = boot(c);
    EXPECT_TRUE(run.contains("init: powering off"));
    auto write = run.match(R"(init: diskbench write 8388608 bytes (\d+) instructions)");
    auto read = run.match(R"(init: diskbench read 8388608 bytes (\d+) instructions)");
    ASSERT_EQ(write.size(), 2u) << init_lines(run);
    ASSERT_EQ(read.size(), 2u) << init_lines(run);
    std::cout << "linux-direct diskbench: 8 MiB in 64 KiB O_DIRECT requests: write " << write[1] << ", read "
              << read[1] << " instructions\n";
}
