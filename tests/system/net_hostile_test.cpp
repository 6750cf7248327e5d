// A hostile member on the virtual switch (tests/system/systems/net_flood.toml): the
// flooder process pushes frames as fast as it can (broadcasts, spoofed source addresses,
// unicasts to addresses nobody has, bad lengths, corrupt ring indices) while two Linux
// VMs and the IPv4 process inet ping each other, vm1 makes a UDP round trip to inet, and
// vm2 blasts datagrams at inet's sink. The others must still get through and meet at
// their barrier; the switch drops the flooder's spoofed frames; vm1, counting every frame
// that reaches it, sees none addressed to somebody else (nor the flooder's unicasts to
// unknown addresses). The VMM's own defences against malformed virtqueues are covered by
// its unit tests (tests/unit/vmm_virtio_*_test.cpp).
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

std::string service_line(const std::string& name, const std::string& rest) {
    return "\\[" + name + "\\] (?:" + name + ": )?" + rest;
}

class NetHostileTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }
};

} // namespace

TEST_F(NetHostileTest, AFloodingMemberDoesNotStopTheOthers) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("net_flood");
    c.harts = 1;
    c.memory = "512M";
    // The switch and inet run forever: the run ends when both VMs are off and the flood is
    // over, its count printed whole ("sent <n> frames (...": nobody else says " frames (").
    c.until_all = {"[vm1] powered off\r\n", "[vm2] powered off\r\n", "[flooder] flooder: sent ", " frames ("};
    c.timeout = std::chrono::seconds(240);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until) << "not every VM powered off, or the flood never ended";
    EXPECT_FALSE(run.contains("KERNEL PANIC"));
    EXPECT_TRUE(run.contains("[root] started 5 processes\n")) << "switch, flooder, inet and two VMMs";
    EXPECT_TRUE(run.match(R"(process '(switch|inet|vm1\.vmm|vm2\.vmm)' faulted)").empty())
        << "the flood brought down a member or the switch";

    // The flood happened, and overlapped the others' work: it ended after vm1's network
    // was up (otherwise raise the flooder's count in net_flood.toml).
    auto flood = run.match(service_line("flooder", R"(sent (\d+) frames)"));
    ASSERT_EQ(flood.size(), 2u) << "the flooder did not finish";
    EXPECT_GT(std::stoul(flood[1]), 0u);
    size_t up = run.console.find("[vm1] init: net eth0");
    EXPECT_TRUE(up != std::string::npos && run.console.rfind("[flooder] ") > up) << "the flood was over before vm1 started";
    // The switch dropped what the flooder sent from addresses that are not its own.
    EXPECT_FALSE(run.match(R"(\[switch\] [^\n]*02:00:00:00:00:66[^\n]*spoof)").empty())
        << "the switch reported no spoofed frame from the flooder's port";

    // Everyone else got through.
    for (const char* line : {"[vm1] init: net eth0 02:00:00:00:00:01 10.0.0.1/24\n",
                             "[vm2] init: net eth0 02:00:00:00:00:02 10.0.0.2/24\n",
                             "[vm1] init: udp 10.0.0.3:7 ok 64 bytes\n", "[vm1] init: barrier done\n",
                             "[vm2] init: barrier done\n", "[vm1] init: powering off\n", "[vm2] powered off\n"})
        EXPECT_TRUE(run.contains(line)) << line;
    EXPECT_EQ(run.match(R"(\[vm1\] init: ping 10\.0\.0\.2 ok)").size(), 1u);
    EXPECT_EQ(run.match(R"(\[vm1\] init: ping 10\.0\.0\.3 ok)").size(), 1u);
    EXPECT_EQ(run.match(R"(\[vm2\] init: ping 10\.0\.0\.1 ok)").size(), 1u);
    EXPECT_EQ(run.match(R"(\[vm2\] init: ping 10\.0\.0\.3 ok)").size(), 1u);
    EXPECT_EQ(run.match(R"(\[vm2\] init: udpsend 10\.0\.0\.3:9000 4096 datagrams)").size(), 1u);
    EXPECT_EQ(run.match(service_line("inet", R"(ping 10\.0\.0\.1 ok)")).size(), 1u);
    EXPECT_EQ(run.match(service_line("inet", R"(ping 10\.0\.0\.2 ok)")).size(), 1u);
    EXPECT_EQ(run.match(service_line("inet", "barrier done")).size(), 1u);
    EXPECT_TRUE(run.match(R"((init: |\[inet\] )[^\n]*failed)").empty()) << "a guest's or inet's task failed";

    // vm1 saw broadcasts (the flooder's among them) and nothing addressed to others.
    auto listen = run.match(R"(\[vm1\] init: listen host=(\d+) broadcast=(\d+) multicast=(\d+) otherhost=(\d+)\n)");
    ASSERT_EQ(listen.size(), 5u);
    EXPECT_GT(std::stoul(listen[2]), 0u);
    EXPECT_EQ(listen[4], "0") << "frames addressed to others reached vm1";
    EXPECT_FALSE(run.contains("Kernel panic"));
    EXPECT_FALSE(run.contains("VM stopped"));
    std::cout << "net-flood: the flooder sent " << flood[1] << " frames; vm1 saw host=" << listen[1]
              << " broadcast=" << listen[2] << " multicast=" << listen[3] << " otherhost=" << listen[4] << "\n";
}
