// The scheduler's choice of thread: fixed priorities, round robin among equals by time
// slice, pre-emption, priority changes, removal, dead threads and the IPC hand-over.
#include "kernel_test.hpp"

namespace {

using namespace ktest;

using Scheduler = KernelTest;

TEST_F(Scheduler, HighestPriorityRunsFirstThenTheNextLevelDown) {
    Thread& low = started(5);
    Thread& high = started(200);
    Thread& mid = started(60);
    EXPECT_EQ(run(), &high);
    scheduler::remove(high, ThreadState::inactive);
    EXPECT_EQ(run(), &mid);
    scheduler::remove(mid, ThreadState::inactive);
    EXPECT_EQ(run(), &low);
    EXPECT_EQ(scheduler::current(), &low);
}

TEST_F(Scheduler, NothingReadyIdlesWithNoCurrentThread) {
    Thread& t = started(10);
    ASSERT_EQ(run(), &t);
    scheduler::remove(t, ThreadState::inactive);
    EXPECT_EQ(run(), nullptr);
    EXPECT_EQ(scheduler::current(), nullptr);
    EXPECT_EQ(fake::hart().idles, 1u);
    EXPECT_EQ(fake::hart().parks, 1u); // a guest's pending interrupts must not end the wait
}

TEST_F(Scheduler, EqualsTakeTurnsOnlyWhenTheSliceRunsOut) {
    Thread& a = started(7);
    Thread& b = started(7);
    Thread& c = started(7);
    for (Thread* t : {&a, &b, &c}) t->time_slice = t->slice_left = 2;
    EXPECT_EQ(run(), &a);
    scheduler::tick();
    EXPECT_EQ(run(), &a) << "one tick left: a keeps the CPU";
    scheduler::tick();
    EXPECT_EQ(run(), &b);
    EXPECT_EQ(a.slice_left, 2u) << "a goes to the back with a fresh slice";
    scheduler::tick();
    scheduler::tick();
    EXPECT_EQ(run(), &c);
    scheduler::tick();
    scheduler::tick();
    EXPECT_EQ(run(), &a);
}

TEST_F(Scheduler, ExpiredSliceWithNoEqualReadyKeepsRunning) {
    Thread& a = started(7);
    started(6);
    a.time_slice = a.slice_left = 1;
    ASSERT_EQ(run(), &a);
    scheduler::tick();
    EXPECT_EQ(run(), &a) << "a lower priority never takes the CPU from a running thread";
    EXPECT_EQ(a.slice_left, 1u);
}

TEST_F(Scheduler, TickCountsOnlyTheRunningThread) {
    Thread& a = started(7);
    Thread& b = started(7);
    ASSERT_EQ(run(), &a);
    u64 before = b.slice_left;
    scheduler::tick();
    EXPECT_EQ(a.slice_left, a.time_slice - 1);
    EXPECT_EQ(b.slice_left, before);
}

TEST_F(Scheduler, HigherPriorityWakeUpPreemptsAtOnce) {
    Thread& low = started(3);
    ASSERT_EQ(run(), &low);
    Thread& high = thread(9);
    start(high); // an interrupt or a signal made it ready; low's slice is far from over
    EXPECT_EQ(run(), &high);
    EXPECT_EQ(low.state, ThreadState::ready);
    scheduler::remove(high, ThreadState::inactive);
    EXPECT_EQ(run(), &low);
}

TEST_F(Scheduler, EqualPriorityWakeUpWaitsForTheSlice) {
    Thread& a = started(3);
    ASSERT_EQ(run(), &a);
    Thread& b = started(3);
    EXPECT_EQ(run(), &a);
    EXPECT_EQ(b.state, ThreadState::ready);
}

TEST_F(Scheduler, YieldHandsTheCpuToAnEqual) {
    Thread& a = started(4);
    Thread& b = started(4);
    ASSERT_EQ(run(), &a);
    scheduler::yield(a);
    EXPECT_EQ(run(), &b);
}

TEST_F(Scheduler, RaisingAReadyThreadsPriorityMovesItToTheNewQueue) {
    Thread& a = started(3);
    Thread& b = started(5);
    scheduler::set_priority(a, 9);
    EXPECT_EQ(run(), &a);
    scheduler::remove(a, ThreadState::inactive);
    EXPECT_EQ(run(), &b);
}

TEST_F(Scheduler, LoweringAReadyThreadsPriorityLeavesNoTraceInTheOldQueue) {
    Thread& a = started(9);
    Thread& b = started(5);
    scheduler::set_priority(a, 1);
    EXPECT_EQ(run(), &b);
    scheduler::remove(b, ThreadState::inactive);
    EXPECT_EQ(run(), &a);
    scheduler::remove(a, ThreadState::inactive);
    EXPECT_EQ(run(), nullptr) << "level 9 must be empty once a moved away";
}

TEST_F(Scheduler, LoweringTheRunningThreadBelowAReadyOneGivesWay) {
    Thread& a = started(5);
    ASSERT_EQ(run(), &a);
    Thread& b = started(4);
    EXPECT_EQ(run(), &a);
    scheduler::set_priority(a, 3);
    EXPECT_EQ(run(), &b);
}

TEST_F(Scheduler, PriorityOfABlockedThreadDoesNotMakeItReady) {
    Thread& a = thread(5);
    Thread& b = started(5);
    scheduler::set_priority(a, 255);
    EXPECT_EQ(a.state, ThreadState::inactive);
    EXPECT_EQ(a.queue, nullptr);
    EXPECT_EQ(run(), &b);
}

TEST_F(Scheduler, RemovedReadyThreadNeverRuns) {
    Thread& a = started(9);
    Thread& b = started(9);
    Thread& c = started(2);
    scheduler::remove(a, ThreadState::inactive);
    EXPECT_EQ(a.queue, nullptr);
    EXPECT_EQ(run(), &b);
    scheduler::remove(b, ThreadState::inactive);
    EXPECT_EQ(run(), &c);
}

TEST_F(Scheduler, DeadRunningThreadIsNeverResumed) {
    Thread& a = started(9);
    ASSERT_EQ(run(), &a);
    scheduler::remove(a, ThreadState::dead);
    EXPECT_EQ(scheduler::current(), nullptr);
    EXPECT_EQ(run(), nullptr);
    Thread& b = started(1);
    EXPECT_EQ(run(), &b);
}

TEST_F(Scheduler, KilledRunningThreadIsReportedAndNotResumed) {
    Thread& a = started(9);
    Thread& b = started(9);
    ASSERT_EQ(run(), &a);
    kernel::kill_thread(a, "was killed");
    EXPECT_EQ(a.state, ThreadState::dead);
    EXPECT_TRUE(console_mentions("was killed"));
    EXPECT_EQ(run(), &b);
    scheduler::remove(b, ThreadState::inactive);
    EXPECT_EQ(run(), nullptr);
}

TEST_F(Scheduler, HandOverSwitchesDirectlyAheadOfEqualsWhenNothingHigherIsReady) {
    Thread& from = started(5);
    ASSERT_EQ(run(), &from);
    Thread& peer = started(5);
    Thread& to = thread(5);
    scheduler::hand_over(from, ThreadState::blocked_reply, to);
    EXPECT_EQ(from.state, ThreadState::blocked_reply);
    EXPECT_EQ(to.state, ThreadState::running);
    EXPECT_EQ(scheduler::current(), &to);
    EXPECT_EQ(to.queue, nullptr);
    EXPECT_EQ(run(), &to) << "the receiver runs before the peer that was ready first";
    EXPECT_EQ(peer.state, ThreadState::ready);
}

TEST_F(Scheduler, HandOverToALowerPriorityRunsItWhenNothingElseIsReady) {
    Thread& from = started(200);
    ASSERT_EQ(run(), &from);
    Thread& to = thread(2);
    scheduler::hand_over(from, ThreadState::blocked_reply, to);
    EXPECT_EQ(run(), &to);
}

TEST_F(Scheduler, HandOverQueuesTheReceiverWhenSomethingHigherIsReady) {
    Thread& from = started(5);
    ASSERT_EQ(run(), &from);
    Thread& high = started(8);
    Thread& to = thread(5);
    EXPECT_FALSE(scheduler::may_run_next(to));
    scheduler::hand_over(from, ThreadState::blocked_reply, to);
    EXPECT_EQ(from.state, ThreadState::blocked_reply);
    EXPECT_EQ(to.state, ThreadState::ready);
    EXPECT_EQ(run(), &high);
    scheduler::remove(high, ThreadState::inactive);
    EXPECT_EQ(run(), &to);
    scheduler::remove(to, ThreadState::inactive);
    EXPECT_EQ(run(), nullptr) << "the blocked sender must not run";
}

TEST_F(Scheduler, HandOverFromAThreadNotOnTheCpuQueuesBoth) {
    Thread& running = started(3);
    ASSERT_EQ(run(), &running);
    Thread& from = started(3); // ready, not running: no direct switch on its behalf
    Thread& to = thread(3);
    scheduler::hand_over(from, ThreadState::blocked_reply, to);
    EXPECT_EQ(from.state, ThreadState::blocked_reply);
    EXPECT_EQ(from.queue, nullptr);
    EXPECT_EQ(to.state, ThreadState::ready);
    EXPECT_EQ(scheduler::current(), &running);
}

} // namespace

// A client whose server computes for it (a vCPU whose VMM answers its exits) pays for
// that time: ticks while the server serves its call use up the client's slice, and the
// reply then lets the client's equal run first instead of resuming the client at once.
TEST_F(Scheduler, TicksWhileAServerAnswersACallUseUpTheCallersSlice) {
    Thread& client = started(5);
    Thread& peer = started(5);
    Thread& server = thread(9);
    for (Thread* t : {&client, &peer}) t->time_slice = t->slice_left = 2;
    ASSERT_EQ(run(), &client);
    server.caller = &client; // what link_call does
    client.callee = &server;
    scheduler::hand_over(client, ThreadState::blocked_reply, server);
    ASSERT_EQ(run(), &server);
    scheduler::tick();
    EXPECT_EQ(client.slice_left, 1u) << "the server's tick is the caller's too";
    scheduler::tick();
    EXPECT_EQ(client.slice_left, 0u);
    EXPECT_EQ(peer.slice_left, 2u);
    server.caller = nullptr;
    client.callee = nullptr;
    EXPECT_FALSE(scheduler::may_run_next(client)) << "the fast path must not resume a client out of time";
    scheduler::hand_over(server, ThreadState::blocked_receive, client);
    EXPECT_EQ(run(), &peer) << "the client's turn is over: its equal runs";
    EXPECT_EQ(client.slice_left, 2u) << "the client waits at the back with a fresh slice";
    scheduler::tick();
    scheduler::tick();
    EXPECT_EQ(run(), &client);
}

TEST_F(Scheduler, AReplyResumesTheCallerAtOnceWhileItHasTimeLeft) {
    Thread& client = started(5);
    started(5);
    Thread& server = thread(9);
    client.time_slice = client.slice_left = 3;
    ASSERT_EQ(run(), &client);
    server.caller = &client;
    client.callee = &server;
    scheduler::hand_over(client, ThreadState::blocked_reply, server);
    ASSERT_EQ(run(), &server);
    scheduler::tick();
    server.caller = nullptr;
    client.callee = nullptr;
    EXPECT_TRUE(scheduler::may_run_next(client));
    scheduler::hand_over(server, ThreadState::blocked_receive, client);
    EXPECT_EQ(run(), &client);
    EXPECT_EQ(client.slice_left, 2u);
}
