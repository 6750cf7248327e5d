// Capability transfer over IPC: a message carries capabilities only when sent through a
// capability with grant, a reply only when the server received through one; a transfer
// stops at the first slot that cannot give or take, and never overwrites a capability.
#include "kernel_test.hpp"

namespace {

using namespace ktest;
namespace abi = isok::abi;

constexpr u64 given_slot = 3, offered_slot = 7;

class EndpointCaps : public KernelTest {
protected:
    void SetUp() override {
        KernelTest::SetUp();
        ep = &endpoint();
        gift = &notification();
        kernel::cap_mint(*slot(*root, given_slot), *gift, rights::read | rights::write, 0x55);
        server_domain = &domain();
        server = &started(10, server_domain);
        give_ipc_buffer(*server).receive_slots[0] = offered_slot;
        client = &started(5);
        give_ipc_buffer(*client).send_caps[0] = given_slot;
    }

    static Capability* slot(Domain& d, u64 index) { return *d.caps.slot(index); }

    // The server waits, receiving through a capability with or without grant, and the
    // client calls with one capability, through a capability with or without grant.
    void call(bool receive_grant, bool send_grant, u64 caps = 1) {
        run_as(*server);
        ASSERT_EQ(kernel::ipc_receive(*server, *ep, receive_grant), kernel::blocked);
        run_as(*client);
        load(*client, abi::message_info(1, 0, caps));
        u64 r = rights::write | (send_grant ? rights::grant : 0);
        ASSERT_EQ(kernel::ipc_send(*client, cap(*ep, r), true), kernel::blocked);
        ASSERT_EQ(run(), server);
    }

    // The server replies with the capability in its own slot given_slot.
    Error reply_with_capability() {
        kernel::cap_mint(*slot(*server_domain, given_slot), *gift, rights::read, 0x66);
        buffer(*server).send_caps[0] = given_slot;
        buffer(*client).receive_slots[0] = offered_slot;
        load(*server, abi::message_info(1, 0, 1));
        return kernel::ipc_reply(*server);
    }

    Endpoint* ep = nullptr;
    Notification* gift = nullptr;
    Domain* server_domain = nullptr;
    Thread* server = nullptr;
    Thread* client = nullptr;
};

TEST_F(EndpointCaps, SendWithGrantMovesTheCapabilityWithItsRightsAndBadge) {
    call(false, true);
    EXPECT_EQ(abi::info_caps(info(*server)), 1u);
    Capability& got = *slot(*server_domain, offered_slot);
    EXPECT_EQ(got.object, gift);
    EXPECT_EQ(got.rights, rights::read | rights::write);
    EXPECT_EQ(got.badge, 0x55u);
    EXPECT_FALSE(got.stale());
    EXPECT_EQ(buffer(*server).received_badges[0], 0x55u);
    EXPECT_FALSE(slot(*root, given_slot)->empty()) << "the sender keeps its copy";
}

TEST_F(EndpointCaps, SendWithoutGrantMovesNoCapability) {
    call(true, false);
    EXPECT_EQ(abi::info_caps(info(*server)), 0u);
    EXPECT_TRUE(slot(*server_domain, offered_slot)->empty());
}

TEST_F(EndpointCaps, ReplyCarriesCapabilitiesWhenTheServerReceivedWithGrant) {
    call(true, false);
    ASSERT_EQ(reply_with_capability(), Error::ok);
    EXPECT_EQ(abi::info_caps(info(*client)), 1u);
    EXPECT_EQ(slot(*root, offered_slot)->object, gift);
    EXPECT_EQ(slot(*root, offered_slot)->badge, 0x66u);
}

TEST_F(EndpointCaps, ReplyCarriesNoCapabilityWhenTheServerReceivedWithoutGrant) {
    call(false, true); // the client's grant is for its own message, not for the answer
    ASSERT_EQ(reply_with_capability(), Error::ok);
    EXPECT_EQ(abi::info_caps(info(*client)), 0u);
    EXPECT_TRUE(slot(*root, offered_slot)->empty());
}

TEST_F(EndpointCaps, ReplyReceiveUsesTheGrantOfTheReceiveThatTookTheCall) {
    call(false, false);
    kernel::cap_mint(*slot(*server_domain, given_slot), *gift, rights::read);
    buffer(*server).send_caps[0] = given_slot;
    buffer(*client).receive_slots[0] = offered_slot;
    load(*server, abi::message_info(1, 0, 1));
    // The new receive has grant; the reply answers a call taken without it.
    ASSERT_EQ(kernel::ipc_reply_receive(*server, *ep, true), kernel::blocked);
    EXPECT_TRUE(slot(*root, offered_slot)->empty());
}

TEST_F(EndpointCaps, OccupiedReceiveSlotIsNeverOverwritten) {
    Endpoint& mine = endpoint(server_domain);
    kernel::cap_mint(*slot(*server_domain, offered_slot), mine, rights::read);
    call(false, true);
    EXPECT_EQ(abi::info_caps(info(*server)), 0u);
    EXPECT_EQ(slot(*server_domain, offered_slot)->object, &mine);
}

TEST_F(EndpointCaps, TransferStopsAtTheFirstCapabilityThatCannotGo) {
    buffer(*client).send_caps[1] = given_slot + 1;     // empty
    buffer(*client).send_caps[2] = given_slot;         // fine, but after the empty one
    buffer(*server).receive_slots[1] = offered_slot + 1;
    buffer(*server).receive_slots[2] = offered_slot + 2;
    call(false, true, 3);
    EXPECT_EQ(abi::info_caps(info(*server)), 1u);
    EXPECT_TRUE(slot(*server_domain, offered_slot + 1)->empty());
    EXPECT_TRUE(slot(*server_domain, offered_slot + 2)->empty());
}

TEST_F(EndpointCaps, StaleCapabilityIsNotTransferred) {
    destroy(*gift);
    call(false, true);
    EXPECT_EQ(abi::info_caps(info(*server)), 0u);
    EXPECT_TRUE(slot(*server_domain, offered_slot)->empty());
}

TEST_F(EndpointCaps, SlotNumbersOutsideEitherSpaceTransferNothing) {
    buffer(*client).send_caps[0] = ~u64{0};
    call(false, true);
    EXPECT_EQ(abi::info_caps(info(*server)), 0u);
    buffer(*server).receive_slots[0] = cap_slots; // one past the end
    load(*server, abi::message_info(1, 0));
    ASSERT_EQ(kernel::ipc_reply(*server), Error::ok);

    buffer(*client).send_caps[0] = given_slot;
    call(false, true);
    EXPECT_EQ(abi::info_caps(info(*server)), 0u);
}

} // namespace
