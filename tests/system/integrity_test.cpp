// Integrity of channels: a process without the capability cannot send on, receive from
// or forge a channel, and gets the ABI's error for each attempt; large messages (1 to
// 256 words, through the IPC buffers) arrive bit-exact, checked by CRC-32 on both sides.
// The system: tests/system/systems/integrity.toml.
#include "system_test.hpp"

using namespace isok::test;

namespace {

class IntegrityTest : public SystemTest {
protected:
    QemuRun boot_integrity() {
        QemuConfig c;
        c.kernel = kernel_path;
        c.boot_image = test_image("integrity");
        c.until = "echoes differ\r\n"; // the bulk client's last line; the intruder is done long before
        c.timeout = std::chrono::seconds(60);
        QemuRun run = boot(c);
        std::erase(run.console, '\r');
        EXPECT_TRUE(run.reached_until);
        EXPECT_FALSE(run.contains("KERNEL PANIC"));
        return run;
    }
};

} // namespace

TEST_F(IntegrityTest, IntruderIsRefusedWithTheErrorTheAbiNames) {
    QemuRun run = boot_integrity();
    // Every slot it was not given is empty: 61 slots x 5 operations.
    EXPECT_TRUE(run.contains("[intruder] send, call, receive, reply_receive, cap_copy on slots it was not given: "
                             "305 attempts, 305 empty_slot\n"));
    for (const char* slot : {"64", "4096", "4294967296", "18446744073709551615"}) {
        EXPECT_TRUE(run.contains(std::string("[intruder] send on slot ") + slot + ", outside its space: bad_slot\n"));
        EXPECT_TRUE(run.contains(std::string("[intruder] receive on slot ") + slot + ", outside its space: bad_slot\n"));
    }
    const std::pair<const char*, const char*> expected[] = {
        {"receive on its send-only capability", "no_rights"},
        {"re-badge its badged capability", "bad_argument"},
        {"copy it asking for all rights", "ok"},
        {"receive on that copy", "no_rights"}, // the copy kept only what it had: write
        {"re-badge that copy", "bad_argument"},
        {"destroy the endpoint", "no_rights"},
        {"delete the copy", "ok"},
        {"send on its domain capability", "wrong_type"},
        {"receive on its thread capability", "wrong_type"},
        {"start the endpoint as a thread", "wrong_type"},
        {"map the endpoint as memory", "wrong_type"},
        {"copy into the endpoint as a domain", "wrong_type"},
        {"call 'echo' the honest way", "ok"},
    };
    for (const auto& [what, error] : expected)
        EXPECT_TRUE(run.contains(std::string("[intruder] ") + what + ": " + error + "\n")) << what;
    // The server of its own channel still sees the badge the manifest gave it.
    EXPECT_TRUE(run.contains("[intruder] the server saw badge 1\n"));
    EXPECT_TRUE(run.contains("[decoy] client 'intruder' (badge 1) made 1 requests\n"));
    auto total = run.match(R"(\[intruder\] (\d+) attempts, (\d+) unexpected results)");
    ASSERT_EQ(total.size(), 3u);
    EXPECT_EQ(total[1], "326");
    EXPECT_EQ(total[2], "0");
}

TEST_F(IntegrityTest, LargeMessagesArriveBitExact) {
    QemuRun run = boot_integrity();
    // 1024 messages of 1..256 words (each length four times): 4 x (1 + ... + 256) words.
    auto server = run.match(R"(\[bulk-server\] (\d+) messages, (\d+) words, crc32 ([0-9a-f]{8}))");
    auto client = run.match(
        R"(\[bulk-client\] (\d+) messages, (\d+) words, crc32 ([0-9a-f]{8}); server crc32 ([0-9a-f]{8}), (\d+) words: (\w+); (\d+) echoes differ)");
    ASSERT_EQ(server.size(), 4u);
    ASSERT_EQ(client.size(), 8u);
    EXPECT_EQ(server[1], "1024");
    EXPECT_EQ(server[2], "131584");
    EXPECT_EQ(client[2], "131584");
    EXPECT_EQ(server[3], client[3]) << "the server's CRC-32 of what arrived differs from the client's of what it sent";
    EXPECT_EQ(client[4], client[3]);
    EXPECT_EQ(client[6], "match");
    EXPECT_EQ(client[7], "0") << "echoes of the messages came back different";
}
