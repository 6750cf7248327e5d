// IPC when the other side goes away: threads waiting on a destroyed endpoint wake with
// stale, a dead callee's caller wakes with reply_dropped, a stopped sender leaves the
// queue, and a thread waiting on its exception handler dies rather than go on unanswered.
#include "kernel_test.hpp"

namespace {

using namespace ktest;
namespace abi = isok::abi;

class EndpointTeardown : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
    }

    const Capability& send_cap() { return cap(*ep, rights::write); }

    // t runs and makes a call (or send) that nobody takes.
    void queue_on_endpoint(Thread& t, bool call) {
        run_as(t);
        load(t, abi::message_info(1, 0));
        ASSERT_EQ(kernel::ipc_send(t, send_cap(), call), kernel::blocked);
    }

    // t runs and faults; its handler is the endpoint, on which nobody waits yet.
    void fault(Thread& t) {
        run_as(t);
        t.exception_words[0] = 13; // a load page fault
        t.exception_words[1] = 0x1000;
        ASSERT_EQ(kernel::ipc_send_exception(t, send_cap()), kernel::blocked);
    }

    Endpoint* ep = nullptr;
};

TEST_F(EndpointTeardown, CallerQueuedOnADestroyedEndpointWakesWithStale) {
    Thread& caller = started(5);
    queue_on_endpoint(caller, true);
    destroy(*ep);
    EXPECT_EQ(caller.state, ThreadState::ready);
    EXPECT_EQ(result(caller), Error::stale);
    EXPECT_EQ(caller.endpoint, nullptr);
    EXPECT_EQ(run(), &caller);
}

TEST_F(EndpointTeardown, SenderAndReceiverOfADestroyedEndpointBothWake) {
    Thread& sender = started(5);
    queue_on_endpoint(sender, false);
    Endpoint& other = endpoint();
    Thread& receiver = started(5);
    run_as(receiver);
    ASSERT_EQ(kernel::ipc_receive(receiver, other, false), kernel::blocked);
    destroy(*ep);
    destroy(other);
    EXPECT_EQ(result(sender), Error::stale);
    EXPECT_EQ(result(receiver), Error::stale);
    EXPECT_EQ(sender.state, ThreadState::ready);
    EXPECT_EQ(receiver.state, ThreadState::ready);
}

TEST_F(EndpointTeardown, CallerOfACalleeThatDiesWakesWithReplyDropped) {
    Thread& server = started(10);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, *ep, false), kernel::blocked);
    Thread& client = started(5);
    queue_on_endpoint(client, true); // taken at once: the server now owes a reply
    ASSERT_EQ(run(), &server);
    kernel::kill_thread(server, "crashed");
    EXPECT_EQ(client.state, ThreadState::ready);
    EXPECT_EQ(result(client), Error::reply_dropped);
    EXPECT_EQ(client.callee, nullptr);
    EXPECT_EQ(run(), &client);
}

TEST_F(EndpointTeardown, CallerThatDiesLeavesItsCalleeNothingToReplyTo) {
    Thread& server = started(10);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, *ep, false), kernel::blocked);
    Thread& client = started(5);
    queue_on_endpoint(client, true);
    ASSERT_EQ(run(), &server);
    kernel::stop_thread(client);
    EXPECT_EQ(client.state, ThreadState::inactive);
    EXPECT_EQ(server.caller, nullptr);
    EXPECT_EQ(kernel::ipc_reply(server), Error::no_reply);
}

TEST_F(EndpointTeardown, StoppedSenderLeavesTheQueueAndIsNeverDelivered) {
    Thread& sender = started(5);
    queue_on_endpoint(sender, true);
    kernel::stop_thread(sender);
    EXPECT_TRUE(ep->senders.empty());
    EXPECT_EQ(sender.queue, nullptr);
    Thread& server = started(5);
    run_as(server);
    EXPECT_EQ(kernel::ipc_receive(server, *ep, false), kernel::blocked);
    EXPECT_EQ(server.caller, nullptr);
}

TEST_F(EndpointTeardown, KilledReceiverLeavesTheQueueSoASendBlocks) {
    Thread& receiver = started(5);
    run_as(receiver);
    ASSERT_EQ(kernel::ipc_receive(receiver, *ep, false), kernel::blocked);
    kernel::kill_thread(receiver, "killed");
    EXPECT_TRUE(ep->receivers.empty());
    Thread& sender = started(5);
    queue_on_endpoint(sender, false);
    EXPECT_EQ(sender.state, ThreadState::blocked_send);
}

TEST_F(EndpointTeardown, FaultingThreadWhoseHandlerEndpointIsDestroyedDies) {
    Thread& faulter = started(5);
    fault(faulter);
    destroy(*ep);
    EXPECT_EQ(faulter.state, ThreadState::dead);
    EXPECT_TRUE(console_mentions("its exception handler endpoint was destroyed"));
    EXPECT_EQ(run(), nullptr);
}

TEST_F(EndpointTeardown, HandlerThatReceivesAgainWithoutAnsweringKillsTheFaulter) {
    Thread& faulter = started(5);
    fault(faulter);
    Thread& handler = started(10);
    run_as(handler);
    ASSERT_EQ(kernel::ipc_receive(handler, *ep, false), Error::ok);
    EXPECT_EQ(abi::info_label(info(handler)), abi::exception_label);
    EXPECT_EQ(word(handler, 0), 13u);
    EXPECT_EQ(handler.caller, &faulter);
    EXPECT_EQ(kernel::ipc_receive(handler, *ep, false), kernel::blocked);
    EXPECT_EQ(faulter.state, ThreadState::dead);
    EXPECT_TRUE(console_mentions("its exception handler did not reply"));
}

TEST_F(EndpointTeardown, ExceptionReplyResumesAtTheAddressTheHandlerGives) {
    Thread& faulter = started(5);
    fault(faulter);
    Thread& handler = started(10);
    run_as(handler);
    ASSERT_EQ(kernel::ipc_receive(handler, *ep, false), Error::ok);
    load(handler, abi::message_info(0, 2), {u64(abi::ExceptionReply::resume), 0x2000});
    EXPECT_EQ(kernel::ipc_reply(handler), Error::ok);
    EXPECT_EQ(faulter.state, ThreadState::ready);
    EXPECT_EQ(faulter.frame().sepc, 0x2000u);
    EXPECT_FALSE(faulter.in_exception);
}

TEST_F(EndpointTeardown, ExceptionReplyThatAsksForAKillKills) {
    Thread& faulter = started(5);
    fault(faulter);
    Thread& handler = started(10);
    run_as(handler);
    ASSERT_EQ(kernel::ipc_receive(handler, *ep, false), Error::ok);
    load(handler, abi::message_info(0, 1), {u64(abi::ExceptionReply::kill)});
    EXPECT_EQ(kernel::ipc_reply(handler), Error::ok);
    EXPECT_EQ(faulter.state, ThreadState::dead);
}

TEST_F(EndpointTeardown, ChainOfAbandonedFaultersDiesWhole) {
    // Each thread handles the previous one's exception and faults itself; the first
    // handler in the chain dies, and every thread waiting behind it must die too.
    Endpoint* handlers[3] = {ep, &endpoint(), &endpoint()};
    Thread* chain[3];
    for (int i = 0; i < 3; ++i) chain[i] = &started(5);
    fault(*chain[0]);                                  // handled on handlers[0]
    for (int i = 1; i < 3; ++i) {
        run_as(*chain[i]);
        ASSERT_EQ(kernel::ipc_receive(*chain[i], *handlers[i - 1], false), Error::ok);
        ASSERT_EQ(kernel::ipc_send_exception(*chain[i], cap(*handlers[i], rights::write)),
                  kernel::blocked);
    }
    kernel::kill_thread(*chain[2], "killed");
    for (Thread* t : chain) EXPECT_EQ(t->state, ThreadState::dead);
}

} // namespace
