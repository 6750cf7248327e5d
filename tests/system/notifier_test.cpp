// Bound notifications and the driver system calls (memory_info, interrupt_control),
// checked from a process (user/tests/notifier): a signal reaches a thread through its
// endpoint receive whether it was pending or came while the thread waited.
#include "system_test.hpp"

using namespace isok::test;

TEST_F(SystemTest, BoundNotificationsAndDriverCallsBehaveAsTheAbiSays) {
    QemuConfig c;
    c.kernel = kernel_path;
    c.boot_image = test_image("notifier");
    c.until = " failed\r\n"; // the whole last line
    c.timeout = std::chrono::seconds(60);
    QemuRun run = boot(c);
    EXPECT_TRUE(run.contains("[notifier] notifier: 16 checks, 0 failed")) << "a check failed (see FAILED lines)";
    EXPECT_TRUE(run.contains("a signal wakes the thread blocked in receive"));
    EXPECT_FALSE(run.contains("FAILED"));
    EXPECT_FALSE(run.contains("KERNEL PANIC"));
}
