// Endpoint IPC in registers: call and reply deliver words, label and badge; a send with
// nobody receiving blocks; queued senders are served first come, first served; a bad
// message is refused before anyone blocks; replies need a caller that waits.
#include "kernel_test.hpp"

namespace {

using namespace ktest;
namespace abi = isok::abi;

class Endpoints : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
    }

    // The server waits on the endpoint (it ran first: it has the higher priority).
    Thread& waiting_server(isok::u8 priority = 10) {
        Thread& s = started(priority);
        run_as(s);
        if (kernel::ipc_receive(s, *ep, false) != kernel::blocked) throw std::runtime_error("server did not block");
        return s;
    }

    const Capability& send_cap(u64 badge = 0) { return cap(*ep, rights::write, badge); }

    Endpoint* ep = nullptr;
};

TEST_F(Endpoints, CallDeliversWordsLabelAndBadgeAndTheReplyComesBack) {
    Thread& server = waiting_server();
    EXPECT_EQ(server.state, ThreadState::blocked_receive);
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(42, 3), {11, 22, 33, 44});
    EXPECT_EQ(kernel::ipc_send(client, send_cap(0x77), true), kernel::blocked);
    EXPECT_EQ(client.state, ThreadState::blocked_reply);
    ASSERT_EQ(run(), &server);
    EXPECT_EQ(result(server), Error::ok);
    EXPECT_EQ(info(server), abi::message_info(42, 3));
    EXPECT_EQ(word(server, 0), 11u);
    EXPECT_EQ(word(server, 2), 33u);
    EXPECT_EQ(badge(server), 0x77u);
    EXPECT_EQ(server.caller, &client);

    load(server, abi::message_info(7, 2), {5, 6});
    EXPECT_EQ(kernel::ipc_reply_receive(server, *ep, false), kernel::blocked);
    EXPECT_EQ(server.state, ThreadState::blocked_receive);
    ASSERT_EQ(run(), &client);
    EXPECT_EQ(result(client), Error::ok);
    EXPECT_EQ(info(client), abi::message_info(7, 2));
    EXPECT_EQ(word(client, 0), 5u);
    EXPECT_EQ(word(client, 1), 6u);
    EXPECT_EQ(badge(client), 0u) << "a reply carries no badge";
    EXPECT_EQ(server.caller, nullptr);
    EXPECT_EQ(client.callee, nullptr);
}

TEST_F(Endpoints, SendWithNobodyReceivingBlocksUntilAReceiveTakesIt) {
    Thread& sender = started(5);
    run_as(sender);
    load(sender, abi::message_info(1, 1), {99});
    EXPECT_EQ(kernel::ipc_send(sender, send_cap(3), false), kernel::blocked);
    EXPECT_EQ(sender.state, ThreadState::blocked_send);
    EXPECT_EQ(ep->senders.front(), &sender);
    EXPECT_EQ(run(), nullptr) << "a blocked sender does not run";

    Thread& receiver = started(5);
    run_as(receiver);
    EXPECT_EQ(kernel::ipc_receive(receiver, *ep, false), Error::ok);
    EXPECT_EQ(word(receiver, 0), 99u);
    EXPECT_EQ(badge(receiver), 3u);
    EXPECT_EQ(sender.state, ThreadState::ready) << "a plain send is done once taken";
    EXPECT_EQ(result(sender), Error::ok);
    EXPECT_EQ(receiver.caller, nullptr) << "a send expects no reply";
}

TEST_F(Endpoints, SendToAWaitingReceiverDoesNotBlock) {
    Thread& server = waiting_server(3);
    Thread& sender = started(5);
    run_as(sender);
    load(sender, abi::message_info(1, 1), {8});
    EXPECT_EQ(kernel::ipc_send(sender, send_cap(), false), Error::ok);
    EXPECT_EQ(server.state, ThreadState::ready);
    EXPECT_EQ(word(server, 0), 8u);
    EXPECT_EQ(run(), &sender) << "the sender keeps the CPU over a lower priority";
}

TEST_F(Endpoints, QueuedCallerBlocksForTheReplyOnceReceived) {
    Thread& caller = started(5);
    run_as(caller);
    load(caller, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(caller, send_cap(), true), kernel::blocked);
    Thread& server = started(5);
    run_as(server);
    ASSERT_EQ(kernel::ipc_receive(server, *ep, false), Error::ok);
    EXPECT_EQ(caller.state, ThreadState::blocked_reply);
    EXPECT_EQ(caller.queue, nullptr);
    EXPECT_EQ(server.caller, &caller);
    load(server, abi::message_info(2, 1), {123});
    EXPECT_EQ(kernel::ipc_reply(server), Error::ok);
    EXPECT_EQ(caller.state, ThreadState::ready);
    EXPECT_EQ(word(caller, 0), 123u);
}

TEST_F(Endpoints, QueuedSendersAreServedInArrivalOrderWhateverTheirPriority) {
    Thread& low = started(3);
    run_as(low);
    load(low, abi::message_info(1, 1), {1});
    ASSERT_EQ(kernel::ipc_send(low, send_cap(), false), kernel::blocked);
    Thread& high = started(9);
    run_as(high);
    load(high, abi::message_info(1, 1), {2});
    ASSERT_EQ(kernel::ipc_send(high, send_cap(), false), kernel::blocked);

    Thread& receiver = started(1);
    run_as(receiver);
    ASSERT_EQ(kernel::ipc_receive(receiver, *ep, false), Error::ok);
    EXPECT_EQ(word(receiver, 0), 1u);
    EXPECT_EQ(high.state, ThreadState::blocked_send);
    ASSERT_EQ(run(), &low) << "taking its message readied the sender";
    scheduler::remove(low, ThreadState::inactive);
    ASSERT_EQ(run(), &receiver);
    ASSERT_EQ(kernel::ipc_receive(receiver, *ep, false), Error::ok);
    EXPECT_EQ(word(receiver, 0), 2u);
    EXPECT_EQ(high.state, ThreadState::ready);
}

TEST_F(Endpoints, MalformedMessageIsRefusedBeforeAnyoneBlocks) {
    Thread& server = waiting_server();
    Thread& client = started(5);
    run_as(client);
    const u64 bad[] = {
        abi::message_info(1, abi::max_message_words + 1),
        abi::message_info(1, 0x1ff),
        abi::message_info(1, 0, abi::max_message_caps + 1),
    };
    for (u64 i : bad) {
        load(client, i);
        EXPECT_EQ(kernel::ipc_send(client, send_cap(), true), Error::bad_argument);
        EXPECT_EQ(client.state, ThreadState::running);
        EXPECT_EQ(client.callee, nullptr);
        EXPECT_EQ(server.state, ThreadState::blocked_receive) << "the receiver got nothing";
        EXPECT_EQ(ep->receivers.front(), &server);
    }
}

TEST_F(Endpoints, MalformedMessageToNobodyDoesNotQueue) {
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, abi::max_message_words + 1));
    EXPECT_EQ(kernel::ipc_send(client, send_cap(), false), Error::bad_argument);
    EXPECT_TRUE(ep->senders.empty());
    EXPECT_EQ(client.state, ThreadState::running);
}

TEST_F(Endpoints, ReplyWithoutAWaitingCallerIsRefused) {
    Thread& t = started(5);
    run_as(t);
    load(t, abi::message_info(1, 1), {1});
    EXPECT_EQ(kernel::ipc_reply(t), Error::no_reply);
}

TEST_F(Endpoints, SecondReplyToTheSameCallIsRefused) {
    Thread& server = waiting_server();
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(client, send_cap(), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    load(server, abi::message_info(1, 1), {10});
    ASSERT_EQ(kernel::ipc_reply(server), Error::ok);
    load(server, abi::message_info(1, 1), {20});
    EXPECT_EQ(kernel::ipc_reply(server), Error::no_reply);
    EXPECT_EQ(word(client, 0), 10u) << "the second reply must not reach the client";
}

TEST_F(Endpoints, ReplyToACallerThatWasKilledIsRefused) {
    Thread& server = waiting_server();
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(client, send_cap(), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    kernel::kill_thread(client, "killed");
    EXPECT_EQ(server.caller, nullptr);
    EXPECT_EQ(kernel::ipc_reply(server), Error::no_reply);
    EXPECT_EQ(client.state, ThreadState::dead);
}

TEST_F(Endpoints, MalformedReplyIsRefusedAndTheCallerStillWaits) {
    Thread& server = waiting_server();
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(client, send_cap(), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    load(server, abi::message_info(1, abi::max_message_words + 1));
    EXPECT_EQ(kernel::ipc_reply_receive(server, *ep, false), Error::bad_argument);
    EXPECT_EQ(client.state, ThreadState::blocked_reply);
    EXPECT_EQ(server.caller, &client);
    EXPECT_EQ(server.state, ThreadState::running) << "the bad reply did not start the receive half";
    load(server, abi::message_info(1, 1), {4});
    EXPECT_EQ(kernel::ipc_reply(server), Error::ok);
    EXPECT_EQ(word(client, 0), 4u);
}

TEST_F(Endpoints, ReceivingAgainWithoutReplyingDropsTheCaller) {
    Thread& server = waiting_server();
    Thread& client = started(5);
    run_as(client);
    load(client, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_send(client, send_cap(), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    EXPECT_EQ(kernel::ipc_receive(server, *ep, false), kernel::blocked);
    EXPECT_EQ(client.state, ThreadState::ready);
    EXPECT_EQ(result(client), Error::reply_dropped);
    EXPECT_EQ(client.callee, nullptr);
}

TEST_F(Endpoints, ReplyReceiveTakesTheNextQueuedCallAtOnce) {
    Thread& server = waiting_server();
    Thread& first = started(5);
    run_as(first);
    load(first, abi::message_info(1, 1), {1});
    ASSERT_EQ(kernel::ipc_send(first, send_cap(), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    Thread& second = started(20); // pre-empts the server and queues its call
    ASSERT_EQ(run(), &second);
    load(second, abi::message_info(1, 1), {2});
    ASSERT_EQ(kernel::ipc_send(second, send_cap(), true), kernel::blocked);
    ASSERT_EQ(run(), &server);
    load(server, abi::message_info(1, 1), {100});
    EXPECT_EQ(kernel::ipc_reply_receive(server, *ep, false), Error::ok);
    EXPECT_EQ(word(first, 0), 100u);
    EXPECT_EQ(first.state, ThreadState::ready);
    EXPECT_EQ(word(server, 0), 2u);
    EXPECT_EQ(server.caller, &second);
}

} // namespace
