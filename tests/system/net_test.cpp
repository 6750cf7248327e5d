// One virtual Ethernet switch serving VMs and a process through the same ports
// (tests/system/systems/net_linux.toml): three unmodified Linux VMs (vm1 10.0.0.1,
// vm2 10.0.0.2, the listener 10.0.0.4; their init does the work, guests/linux) and the
// native IPv4 process inet (10.0.0.3). vm1, vm2 and inet ping the three others, vm1
// makes a UDP round trip to inet's echo port, and all four meet at a barrier of
// broadcasts. The listener counts the frames that reach it by the type Linux gives them:
// a switch that let it see unicast frames between the others (flooding, or a wrong
// port) makes "otherhost" non-zero (vm1 and vm2 ping the listener before each other, so
// their unicast frames flow while it counts).
//
// The MAC each guest sees on its virtio-net device must be the one the manifest binds to
// its port (the switch drops frames from any other).
#include "system_test.hpp"

#include <filesystem>

using namespace isok::test;

namespace {

const std::string linux_image = ISOK_LINUX_IMAGE;

struct Member {
    const char* name; // the VM's name: its console lines start with "[name] "
    const char* ip;
    const char* mac;
    std::vector<const char*> pings;
};

// A line of a native service: "[name] " then, whatever the service's style, perhaps its
// own "name: ".
std::string service_line(const std::string& name, const std::string& rest) {
    return "\\[" + name + "\\] (?:" + name + ": )?" + rest;
}

std::string escaped(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '.') out += '\\';
        out += c;
    }
    return out;
}

class NetTest : public SystemTest {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(linux_image))
            << "no Linux guest Image at " << linux_image << " (build target linux_guest, guests/linux/build.sh)";
    }
};

} // namespace

TEST_F(NetTest, VmsAndAProcessOnOneSwitchPingEachOtherAndMeetAndNobodySeesOthersUnicast) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("net_linux");
    c.harts = 1;       // SMP Linux stalls under -icount; the kernel uses one hart anyway
    c.memory = "768M"; // three VMs of 64M, each in one piece, above the boot image
    // The switch and inet run forever: the run ends when every VM is off.
    c.until_all = {"[vm1] powered off\r\n", "[vm2] powered off\r\n", "[listener] powered off\r\n"};
    c.timeout = std::chrono::seconds(240);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    ASSERT_TRUE(run.reached_until) << "not every VM powered off";
    EXPECT_FALSE(run.contains("KERNEL PANIC"));
    EXPECT_TRUE(run.contains("[root] started 5 processes\n")) << "switch, inet and three VMMs";
    EXPECT_FALSE(run.contains("faulted"));
    EXPECT_EQ(run.match(service_line("switch", R"(4 ports on 1 network)")).size(), 1u);
    EXPECT_EQ(run.match(service_line("inet", R"(up 10\.0\.0\.3/24 mac 02:00:00:00:00:03)")).size(), 1u);

    const Member vms[] = {
        {"vm1", "10.0.0.1", "02:00:00:00:00:01", {"10.0.0.4", "10.0.0.2", "10.0.0.3"}},
        {"vm2", "10.0.0.2", "02:00:00:00:00:02", {"10.0.0.4", "10.0.0.1", "10.0.0.3"}},
        {"listener", "10.0.0.4", "02:00:00:00:00:04", {}},
    };
    for (const Member& vm : vms) {
        SCOPED_TRACE(vm.name);
        std::string p = std::string("[") + vm.name + "] init: ";
        EXPECT_TRUE(run.contains(p + "net eth0 " + vm.mac + " " + vm.ip + "/24\n"));
        for (const char* peer : vm.pings)
            EXPECT_EQ(run.match("\\[" + std::string(vm.name) + "\\] init: ping " + escaped(peer) + " ok seq \\d+\n")
                          .size(),
                      1u)
                << "ping " << peer;
        EXPECT_TRUE(run.contains(p + "barrier done\n"));
        EXPECT_TRUE(run.contains(p + "powering off\n"));
        EXPECT_TRUE(run.contains(std::string("[") + vm.name + "] powered off\n"));
    }
    EXPECT_TRUE(run.contains("[vm1] init: udp 10.0.0.3:7 ok 64 bytes\n"));
    for (const char* peer : {"10.0.0.4", "10.0.0.1", "10.0.0.2"})
        EXPECT_EQ(run.match(service_line("inet", "ping " + escaped(peer) + " ok")).size(), 1u) << "inet ping " << peer;
    EXPECT_EQ(run.match(service_line("inet", "barrier done")).size(), 1u);

    // The listener: pinged by the three others, it saw their ARP and barrier broadcasts,
    // and not one frame addressed to somebody else.
    auto listen = run.match(R"(\[listener\] init: listen host=(\d+) broadcast=(\d+) multicast=(\d+) otherhost=(\d+)\n)");
    ASSERT_EQ(listen.size(), 5u);
    EXPECT_GE(std::stoul(listen[1]), 3u) << "three pings at least were addressed to it";
    EXPECT_GT(std::stoul(listen[2]), 0u) << "it heard no broadcast";
    EXPECT_EQ(listen[4], "0") << "unicast frames between other members reached the listener";

    EXPECT_TRUE(run.match(R"((init: |\[inet\] )[^\n]*failed)").empty()) << "a guest's or inet's task failed";
    EXPECT_FALSE(run.contains("Kernel panic"));
    EXPECT_FALSE(run.contains("Oops"));
    EXPECT_FALSE(run.contains("VM stopped"));
    EXPECT_TRUE(run.match(R"(\[switch\] [^\n]*spoof)").empty()) << "nobody here sends from another's address";
    std::cout << "net: listener saw host=" << listen[1] << " broadcast=" << listen[2] << " multicast=" << listen[3]
              << " otherhost=" << listen[4] << "\n";
}
