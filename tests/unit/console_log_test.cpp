// The kernel's output log for the console service: bytes in order, whole lines refused
// rather than cut, drops counted once, the service told once per batch of output, and a
// service that is gone noticed so that the kernel takes the UART back.
#include "kernel_test.hpp"

#include <kernel/console_log.hpp>
#include <string>

namespace {

using namespace ktest;
namespace log = kernel::console_log;

class ConsoleLog : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        n = &notification();
        log::claim(cap(*n, isok::abi::rights::write), 0b100);
        drain();
    }
    void TearDown() override {
        log::release();
        drain();
        KernelTest::TearDown();
    }

    static std::string drain(isok::u64* dropped = nullptr) {
        std::string out;
        char bytes[1000];
        isok::u64 lost = 0, total = 0;
        while (isok::usize k = log::take(bytes, sizeof bytes, lost)) {
            out.append(bytes, k);
            total += lost;
        }
        total += lost;
        if (dropped) *dropped = total;
        return out;
    }
    static void put(const std::string& s) {
        for (char c : s) log::put(0, c);
    }

    Notification* n = nullptr;
};

TEST_F(ConsoleLog, KeepsBytesInOrderUntilTaken) {
    EXPECT_TRUE(log::claimed());
    put("[a] one\n[b] two\n");
    EXPECT_EQ(drain(), "[a] one\n[b] two\n");
    EXPECT_EQ(drain(), "");
}

TEST_F(ConsoleLog, PeekLeavesBytesUntilForgotten) {
    put("abcdef");
    char bytes[4];
    isok::u64 dropped = 0;
    ASSERT_EQ(log::peek(bytes, 4, dropped), 4u);
    EXPECT_EQ(std::string(bytes, 4), "abcd");
    log::forget(2);
    EXPECT_EQ(drain(), "cdef");
}

TEST_F(ConsoleLog, AFullLogDropsAndCountsAndSaysLinesDoNotFit) {
    const isok::usize size = isok::abi::console_log_bytes;
    put(std::string(size - 3, 'x'));
    EXPECT_TRUE(log::fits(0, 3));
    EXPECT_FALSE(log::fits(0, 4));
    put("yyyyy"); // 3 fit, 2 are dropped
    isok::u64 dropped = 0;
    std::string out = drain(&dropped);
    EXPECT_EQ(out.size(), size);
    EXPECT_EQ(out.substr(size - 3), "yyy");
    EXPECT_EQ(dropped, 2u);
    drain(&dropped);
    EXPECT_EQ(dropped, 0u) << "a drop is reported once";
}

TEST_F(ConsoleLog, AMarkerSaysWhoseBytesFollowWheneverTheWriterChanges) {
    put("k");
    log::put(7, 'a');
    log::put(7, 'b');
    log::put(0, 'c');
    const std::string marker7 = std::string("\x1e\x07\x00\x00\x00", 5), marker0 = std::string("\x1e\x00\x00\x00\x00", 5);
    EXPECT_EQ(drain(), "k" + marker7 + "ab" + marker0 + "c");
    EXPECT_TRUE(log::fits(0, 10));
    const isok::usize size = isok::abi::console_log_bytes;
    put(std::string(size - 5, 'x'));
    EXPECT_TRUE(log::fits(0, 5));
    EXPECT_FALSE(log::fits(9, 1)) << "another writer needs room for its marker too";
    log::put(9, 'z'); // no room for marker and byte: dropped whole
    isok::u64 dropped = 0;
    EXPECT_EQ(drain(&dropped).find('z'), std::string::npos);
    EXPECT_EQ(dropped, 1u);
}

TEST_F(ConsoleLog, TellsTheListenerOncePerBatchWithItsBadge) {
    EXPECT_TRUE(log::tell_listener());
    EXPECT_EQ(n->bits, 0u) << "nothing new: no signal";
    put("line\n");
    put("more\n");
    EXPECT_TRUE(log::tell_listener());
    EXPECT_EQ(n->bits, 0b100u);
    n->bits = 0;
    EXPECT_TRUE(log::tell_listener());
    EXPECT_EQ(n->bits, 0u) << "told already";
}

TEST_F(ConsoleLog, AListenerThatIsGoneIsNoticed) {
    put("for nobody\n");
    destroy(*n);
    EXPECT_FALSE(log::tell_listener());
    // The kernel then releases the log and writes what is left itself.
    log::release();
    EXPECT_FALSE(log::claimed());
    EXPECT_EQ(drain(), "for nobody\n");
}

} // namespace
