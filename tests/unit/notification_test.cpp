// Notifications: signals OR bits in, a wait takes them all out or blocks until a signal,
// the first waiter takes everything, and a bound thread gets them through its receives.
#include "kernel_test.hpp"

namespace {

using namespace ktest;
namespace abi = isok::abi;

class Notifications : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        n = &notification();
    }

    // The bits a wait or a signal handed to t (in a1, as the wait system call returns them).
    static u64 bits(Thread& t) { return t.frame().a(1); }

    Notification* n = nullptr;
};

TEST_F(Notifications, SignalsThenWaitReturnsEveryBitOnce) {
    kernel::notification_signal(*n, 0b100);
    kernel::notification_signal(*n, 0b001);
    Thread& t = started(5);
    run_as(t);
    EXPECT_EQ(kernel::notification_wait(t, *n), Error::ok);
    EXPECT_EQ(bits(t), 0b101u);
    EXPECT_EQ(n->bits, 0u);
    EXPECT_EQ(kernel::notification_poll(t, *n), Error::would_block);
}

TEST_F(Notifications, UnbadgedSignalSetsBitZero) {
    kernel::notification_signal(*n, 0);
    EXPECT_EQ(n->bits, 1u);
}

TEST_F(Notifications, WaitWithNothingPendingBlocksUntilASignal) {
    Thread& t = started(5);
    run_as(t);
    EXPECT_EQ(kernel::notification_wait(t, *n), kernel::blocked);
    EXPECT_EQ(t.state, ThreadState::blocked_wait);
    EXPECT_EQ(run(), nullptr);
    kernel::notification_signal(*n, 0x40);
    EXPECT_EQ(t.state, ThreadState::ready);
    EXPECT_EQ(result(t), Error::ok);
    EXPECT_EQ(bits(t), 0x40u);
    EXPECT_EQ(n->bits, 0u) << "the woken waiter took the bits";
    EXPECT_EQ(run(), &t);
}

TEST_F(Notifications, FirstWaiterTakesAllAndTheNextKeepsWaiting) {
    Thread& first = started(5);
    run_as(first);
    ASSERT_EQ(kernel::notification_wait(first, *n), kernel::blocked);
    Thread& second = started(5);
    run_as(second);
    ASSERT_EQ(kernel::notification_wait(second, *n), kernel::blocked);
    kernel::notification_signal(*n, 3);
    EXPECT_EQ(first.state, ThreadState::ready);
    EXPECT_EQ(second.state, ThreadState::blocked_wait);
    kernel::notification_signal(*n, 4);
    EXPECT_EQ(bits(second), 4u);
}

TEST_F(Notifications, PollNeverBlocks) {
    Thread& t = started(5);
    run_as(t);
    EXPECT_EQ(kernel::notification_poll(t, *n), Error::would_block);
    EXPECT_EQ(t.state, ThreadState::running);
    kernel::notification_signal(*n, 8);
    EXPECT_EQ(kernel::notification_poll(t, *n), Error::ok);
    EXPECT_EQ(bits(t), 8u);
}

TEST_F(Notifications, DestroyedNotificationWakesItsWaitersWithStale) {
    Thread& t = started(5);
    run_as(t);
    ASSERT_EQ(kernel::notification_wait(t, *n), kernel::blocked);
    destroy(*n);
    EXPECT_EQ(t.state, ThreadState::ready);
    EXPECT_EQ(result(t), Error::stale);
}

TEST_F(Notifications, KilledWaiterLeavesTheQueue) {
    Thread& t = started(5);
    run_as(t);
    ASSERT_EQ(kernel::notification_wait(t, *n), kernel::blocked);
    kernel::kill_thread(t, "killed");
    EXPECT_TRUE(n->waiters.empty());
    kernel::notification_signal(*n, 2);
    EXPECT_EQ(n->bits, 2u) << "the bits wait for the next waiter";
}

TEST_F(Notifications, SignalWakesABoundThreadBlockedInReceive) {
    Endpoint& ep = endpoint();
    Thread& server = started(5);
    ASSERT_EQ(kernel::notification_bind(server, n), Error::ok);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, ep, false), kernel::blocked);
    kernel::notification_signal(*n, 0x30);
    EXPECT_EQ(server.state, ThreadState::ready);
    EXPECT_EQ(result(server), Error::ok);
    EXPECT_EQ(abi::info_label(info(server)), abi::notification_label);
    EXPECT_EQ(word(server, 0), 0x30u);
    EXPECT_EQ(badge(server), 0u);
    EXPECT_TRUE(ep.receivers.empty()) << "no longer receiving: a send must not reach it";
    EXPECT_EQ(server.endpoint, nullptr);
}

TEST_F(Notifications, PendingBoundBitsComeBeforeAQueuedSender) {
    Endpoint& ep = endpoint();
    Thread& sender = started(5);
    run_as(sender);
    load(sender, abi::message_info(1, 1), {77});
    ASSERT_EQ(kernel::ipc_send(sender, cap(ep, rights::write), false), kernel::blocked);
    Thread& server = started(5);
    ASSERT_EQ(kernel::notification_bind(server, n), Error::ok);
    kernel::notification_signal(*n, 1);
    run_as(server);
    EXPECT_EQ(kernel::ipc_receive(server, ep, false), Error::ok);
    EXPECT_EQ(abi::info_label(info(server)), abi::notification_label);
    EXPECT_EQ(sender.state, ThreadState::blocked_send);
    EXPECT_EQ(kernel::ipc_receive(server, ep, false), Error::ok);
    EXPECT_EQ(word(server, 0), 77u);
}

TEST_F(Notifications, NotificationBoundToAnotherThreadIsBusy) {
    Thread& a = thread(5);
    Thread& b = thread(5);
    ASSERT_EQ(kernel::notification_bind(a, n), Error::ok);
    EXPECT_EQ(kernel::notification_bind(b, n), Error::busy);
    EXPECT_EQ(n->bound_thread, &a);
    ASSERT_EQ(kernel::notification_bind(a, nullptr), Error::ok);
    EXPECT_EQ(kernel::notification_bind(b, n), Error::ok);
}

TEST_F(Notifications, DestroyedBoundNotificationUnbindsItsThread) {
    Thread& t = thread(5);
    ASSERT_EQ(kernel::notification_bind(t, n), Error::ok);
    destroy(*n);
    EXPECT_EQ(t.bound_notification, nullptr);
}

} // namespace
