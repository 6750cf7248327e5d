// The kernel reads the boot image QEMU loads as the initrd: entries listed with the
// sizes and checksums the host tool wrote; a malformed image stops the boot cleanly.
#include "boot_image_util.hpp"

#include <fstream>
#include <iterator>
#include <isok/crc32.hpp>

using namespace isok::test;

namespace {

class BootImageTest : public SystemTest {
protected:
    std::filesystem::path dir = work_dir("boot_image");

    std::string make_image() {
        write_file(dir / "motd.txt", "Isokernel boot image test\n");
        write_file(dir / "blob.bin", std::string(10000, 'x'));
        return pack_image(dir / "good.img", {"data:motd=" + (dir / "motd.txt").string(),
                                             "data:blob=" + (dir / "blob.bin").string()});
    }

    QemuConfig config(const std::string& image) {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = image;
        c.until = "idle:";
        c.timeout = std::chrono::seconds(30);
        return c;
    }
};

} // namespace

TEST_F(BootImageTest, KernelListsTheEntriesWithTheirChecksums) {
    std::string image = make_image();
    ASSERT_FALSE(image.empty());
    QemuRun run = boot(config(image));
    ASSERT_TRUE(run.reached_until);
    EXPECT_TRUE(run.contains("boot image: 2 entries"));
    // CRC32 of the exact payloads, computed independently here.
    auto motd = run.match(R"(data\s+motd\s+(\d+) bytes\s+crc32 ([0-9a-f]{8}))");
    auto blob = run.match(R"(data\s+blob\s+(\d+) bytes\s+crc32 ([0-9a-f]{8}))");
    ASSERT_EQ(motd.size(), 3u);
    ASSERT_EQ(blob.size(), 3u);
    EXPECT_EQ(motd[1], "26");
    EXPECT_EQ(blob[1], "10000");
    std::string motd_text = "Isokernel boot image test\n";
    char expect[9];
    std::snprintf(expect, sizeof expect, "%08x",
                  isok::crc32(isok::Bytes(reinterpret_cast<const isok::u8*>(motd_text.data()), motd_text.size())));
    EXPECT_EQ(motd[2], expect);
}

TEST_F(BootImageTest, CorruptedImageStopsTheBootWithAClearMessage) {
    std::string image = make_image();
    ASSERT_FALSE(image.empty());
    std::ifstream in(image, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 8192u);
    bytes[4096 + 3] ^= 0x5a; // a payload byte: only the checksum can notice
    write_file(dir / "corrupt.img", bytes);
    QemuConfig c = config((dir / "corrupt.img").string());
    c.until.clear();
    QemuRun run = boot(c);
    EXPECT_FALSE(run.timed_out);
    EXPECT_TRUE(run.contains("boot refused: boot image: "));
    EXPECT_FALSE(run.contains("idle:"));
    ASSERT_TRUE(run.exit.has_value());
    EXPECT_NE(*run.exit, 0);
}

TEST_F(BootImageTest, SomethingThatIsNotABootImageIsRefused) {
    write_file(dir / "junk.img", std::string(8192, '\x7f'));
    QemuConfig c = config((dir / "junk.img").string());
    c.until.clear();
    QemuRun run = boot(c);
    EXPECT_TRUE(run.contains("boot refused: boot image: "));
    ASSERT_TRUE(run.exit.has_value());
    EXPECT_NE(*run.exit, 0);
}
