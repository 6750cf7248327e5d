// Messages longer than the registers: words 4 and up travel from the sender's IPC buffer
// to the receiver's, a receiver without a buffer gets what fits, and a sender without
// one is refused before it blocks.
#include "kernel_test.hpp"

namespace {

using namespace ktest;
namespace abi = isok::abi;

class EndpointBuffers : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
        server = &started(10, &domain()); // another domain: the copy crosses address spaces
        run_as(*server);
        ASSERT_EQ(kernel::ipc_receive(*server, *ep, false), kernel::blocked);
        client = &started(5);
        run_as(*client);
    }

    Error call(u64 length) {
        load(*client, abi::message_info(3, length), {0, 1, 2, 3});
        return kernel::ipc_send(*client, cap(*ep, rights::write), true);
    }

    Endpoint* ep = nullptr;
    Thread* server = nullptr;
    Thread* client = nullptr;
};

TEST_F(EndpointBuffers, LongMessageArrivesWordForWordInTheReceiversBuffer) {
    IpcBuffer& out = give_ipc_buffer(*client);
    IpcBuffer& in = give_ipc_buffer(*server);
    constexpr u64 length = abi::max_message_words;
    for (u64 i = 0; i < length; ++i) out.words[i] = 1000 + i;
    in.words[abi::register_words - 1] = 0xabc; // below the copy: must stay as it is
    ASSERT_EQ(call(length), kernel::blocked);
    EXPECT_EQ(info(*server), abi::message_info(3, length));
    for (u64 i = 0; i < abi::register_words; ++i) EXPECT_EQ(word(*server, int(i)), i) << "registers carry 0..3";
    for (u64 i = abi::register_words; i < length; ++i) ASSERT_EQ(in.words[i], 1000 + i) << "word " << i;
    EXPECT_EQ(in.words[abi::register_words - 1], 0xabcu);
}

TEST_F(EndpointBuffers, ReplyUsesTheBuffersTheOtherWay) {
    give_ipc_buffer(*client);
    IpcBuffer& back = buffer(*client);
    IpcBuffer& out = give_ipc_buffer(*server);
    ASSERT_EQ(call(0), kernel::blocked);
    ASSERT_EQ(run(), server);
    out.words[4] = 44;
    out.words[5] = 55;
    load(*server, abi::message_info(1, 6), {0, 1, 2, 3});
    ASSERT_EQ(kernel::ipc_reply(*server), Error::ok);
    EXPECT_EQ(info(*client), abi::message_info(1, 6));
    EXPECT_EQ(back.words[4], 44u);
    EXPECT_EQ(back.words[5], 55u);
}

TEST_F(EndpointBuffers, ReceiverWithoutABufferGetsOnlyTheRegisterWords) {
    IpcBuffer& out = give_ipc_buffer(*client);
    out.words[4] = 7;
    ASSERT_EQ(call(8), kernel::blocked);
    EXPECT_EQ(info(*server), abi::message_info(3, abi::register_words));
    EXPECT_EQ(word(*server, 3), 3u);
}

TEST_F(EndpointBuffers, LongMessageWithoutASenderBufferIsRefusedBeforeBlocking) {
    EXPECT_EQ(call(abi::register_words + 1), Error::bad_address);
    EXPECT_EQ(client->state, ThreadState::running);
    EXPECT_EQ(server->state, ThreadState::blocked_receive);
    EXPECT_EQ(server->caller, nullptr);
}

TEST_F(EndpointBuffers, BufferAddressThatIsNotMappedCountsAsNone) {
    client->ipc_buffer = 0x7000000; // set once, then unmapped: IPC must not trust it
    EXPECT_EQ(call(abi::register_words + 1), Error::bad_address);
    client->ipc_buffer = abi::user_space_end; // never a user address
    EXPECT_EQ(call(abi::register_words + 1), Error::bad_address);
    EXPECT_EQ(server->state, ThreadState::blocked_receive);
}

TEST_F(EndpointBuffers, ReadOnlyReceiverBufferIsNotWrittenTo) {
    IpcBuffer& out = give_ipc_buffer(*client);
    out.words[4] = 9;
    IpcBuffer& in = give_ipc_buffer(*server);
    Domain& d = *server->domain;
    isok::PhysAddr frame = *d.space.translate(isok::VirtAddr(server->ipc_buffer));
    ASSERT_TRUE(d.space.unmap(isok::VirtAddr(server->ipc_buffer), kernel::frame_size));
    ASSERT_TRUE(d.space.map(isok::VirtAddr(server->ipc_buffer), frame, kernel::frame_size,
                            arch::pte::read | arch::pte::user));
    ASSERT_EQ(call(5), kernel::blocked);
    EXPECT_EQ(in.words[4], 0u);
    EXPECT_EQ(info(*server), abi::message_info(3, abi::register_words));
}

} // namespace
