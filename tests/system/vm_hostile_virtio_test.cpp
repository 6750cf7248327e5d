// Broken virtqueue chains from a guest (guests/hostile, virtio-junk) to its virtio-net
// and virtio-block: every one is refused to that guest, whose devices then still serve
// a good request, while two processes on the same switch ping each other and a process
// on the same disk writes, reads back and checks its partition.
#include "disk_image.hpp"
#include "system_test.hpp"

using namespace isok::test;

TEST_F(SystemTest, BrokenVirtqueueChainsAreRefusedToTheGuestAloneAndTheOthersCarryOn) {
    std::string dir = disk::work_folder("vm_hostile_virtio");
    std::string image = dir + "/disk0.img";
    ASSERT_TRUE(disk::create_zeroed(image, 4 * disk::mib));
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("vm_hostile_virtio");
    c.extra = disk::qemu_drive(image, "disk0", true);
    c.until_all = {"[disk_client] disk_client: done\r\n", "[hostile] powered off\r\n",
                   "[inet1] inet: ping 10.0.0.2 ok", "[inet2] inet: ping 10.0.0.1 ok"};
    c.timeout = std::chrono::seconds(120);
    QemuRun run = boot(c);
    std::erase(run.console, '\r');
    EXPECT_TRUE(run.reached_until) << "the guest, the pings or the disk client did not finish";
    EXPECT_FALSE(run.contains("KERNEL PANIC"));
    EXPECT_TRUE(run.contains("[hostile] hostile: virtio-junk done on 2 device(s)\n")) << "the guest did not get through";
    for (const char* device : {"net", "block"}) {
        std::string served = std::string("[hostile] hostile: ") + device + ": 10 junk requests, ";
        EXPECT_TRUE(run.contains(served)) << device << ": the junk was not all posted";
        EXPECT_FALSE(run.contains(std::string("[hostile] hostile: ") + device + ": the device refused a proper set-up"));
        auto m = run.match(std::string("hostile: ") + device + ": 10 junk requests, [0-9]+ resets, then a good request was ([A-Z a-z]+)\n");
        ASSERT_EQ(m.size(), 2u) << device;
        EXPECT_EQ(m[1], "served") << device << ": the device stopped serving after the junk";
    }
    EXPECT_TRUE(run.contains("[inet1] inet: ping 10.0.0.2 ok")) << "the network stopped for the others";
    EXPECT_TRUE(run.contains("[inet2] inet: ping 10.0.0.1 ok"));
    EXPECT_TRUE(run.contains("[disk_client] disk_client: read back ok")) << "the disk stopped for the others";
    EXPECT_FALSE(run.contains("FAILED"));
    // The guest's junk never reached the disk: only the client's partition was written.
    std::string junk = disk::read_range(image, (disk::first_partition_sector + 2048) * disk::sector_bytes, disk::mib);
    EXPECT_TRUE(disk::all_zero(junk)) << "the hostile guest's partition was written";
}
