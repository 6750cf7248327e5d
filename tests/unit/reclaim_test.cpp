// Reclamation on the kernel's own code: an object goes when nothing names or holds it
// any more, with whoever waited on it woken, its budget refunded and, once a slab page
// is empty, the page back in the frame allocator. The fixture checks after each test
// that every domain's budget is whole again.
#include "kernel_test.hpp"

#include <kernel/destroy.hpp>
#include <kernel/memory_object.hpp>

#include <vector>

namespace {

using namespace ktest;
using kernel::KernelObject;
namespace reclaim = kernel::reclaim;
namespace kmem = kernel::kmem;

class Reclaim : public KernelTest {
protected:
    // A slot of the fixture's first domain (its capability space has cap_slots of them).
    Capability& slot(u64 i) { return **root->caps.slot(i); }

    template <class T> T& make() {
        auto o = kernel::create_object<T>(*root);
        if (!o) throw std::runtime_error("create_object");
        return **o;
    }
};

TEST_F(Reclaim, AnEndpointGoesWithItsLastCapabilityAndItsWaiterWakes) {
    u64 before = root->budget_left();
    Endpoint& ep = make<Endpoint>();
    kernel::cap_mint(slot(3), ep, rights::all);
    kernel::cap_derive(slot(4), slot(3), rights::read, 0);
    Thread& receiver = started(5);
    run_as(receiver);
    ASSERT_EQ(kernel::ipc_receive(receiver, ep, false), kernel::blocked);

    kernel::cap_delete(slot(3));
    EXPECT_FALSE(reclaim::pending()) << "a copy still names it";
    kernel::cap_delete(slot(4));
    ASSERT_TRUE(reclaim::pending());
    reclaim::run();
    EXPECT_EQ(receiver.state, ThreadState::ready);
    EXPECT_EQ(result(receiver), Error::stale);
    EXPECT_EQ(receiver.endpoint, nullptr);
    EXPECT_LT(before - root->budget_left(), kernel::kmem::slot_size(sizeof(Thread)) + 1)
        << "only the receiver is still charged";
}

TEST_F(Reclaim, ACapabilityTheKernelHoldsKeepsTheObject) {
    Endpoint& ep = make<Endpoint>();
    kernel::cap_mint(slot(3), ep, rights::all);
    Thread& faulter = thread(5);
    kernel::cap_derive(faulter.exception_handler, slot(3), rights::write, 9);
    kernel::cap_delete(slot(3));
    EXPECT_FALSE(reclaim::pending()) << "the thread's handler still names it";
    destroy(faulter); // its handler capability goes with it, and the endpoint after
    ASSERT_TRUE(reclaim::pending());
    reclaim::run();
}

TEST_F(Reclaim, MappedMemoryOutlivesItsCapabilityAndGoesWithItsLastMapping) {
    // The page tables a mapping needs stay with the domain: a first mapping made them.
    auto warm = kernel::create_memory(*root, 2);
    ASSERT_TRUE(warm);
    ASSERT_EQ(kernel::map_memory(*root, **warm, 0, 0x400000, 2, rights::read), Error::ok);
    kernel::destroy(**warm);
    u64 before = root->budget_left();
    auto m = kernel::create_memory(*root, 2);
    ASSERT_TRUE(m);
    kernel::cap_mint(slot(3), **m, rights::all);
    ASSERT_EQ(kernel::map_memory(*root, **m, 0, 0x400000, 2, rights::read | rights::write), Error::ok);
    kernel::cap_delete(slot(3));
    EXPECT_FALSE(reclaim::pending()) << "a program's memory lives on in its mapping";
    ASSERT_EQ(kernel::unmap_memory(*root, 0x400000, 2), Error::ok);
    ASSERT_TRUE(reclaim::pending());
    reclaim::run();
    EXPECT_EQ(root->budget_left(), before);
}

// The same work a thousand times over leaves the frame allocator and the slabs where
// one round left them: empty slab pages go back.
TEST_F(Reclaim, EmptySlabPagesGoBackToTheFrameAllocator) {
    constexpr int objects = 40; // 20 endpoints and 20 notifications: whole slab pages of each
    auto round = [&] {
        for (int i = 0; i < objects; ++i) {
            KernelObject& o = i % 2 ? static_cast<KernelObject&>(make<Endpoint>()) : make<Notification>();
            kernel::cap_mint(slot(10 + i), o, rights::all);
        }
        for (int i = 0; i < objects; ++i) kernel::cap_delete(slot(10 + i));
        reclaim::run();
    };
    isok::usize free_frames = kmem::frames().free_frames(), slab_pages = kmem::pages();
    u64 budget_before = root->budget_left();
    round();
    EXPECT_EQ(kmem::frames().free_frames(), free_frames);
    EXPECT_EQ(kmem::pages(), slab_pages);
    for (int i = 0; i < 1000; ++i) round();
    EXPECT_EQ(kmem::frames().free_frames(), free_frames);
    EXPECT_EQ(kmem::pages(), slab_pages);
    EXPECT_EQ(root->budget_left(), budget_before);
}

// Each domain holds the only capability to the next: deleting the first takes all of
// them, one after the other from the queue, not from inside each other's destruction.
TEST_F(Reclaim, AChainOfDomainsGoesWhenItsFirstCapabilityDoes) {
    constexpr int length = 200;
    constexpr u64 each = 16 * isok::KiB; // its capability-space frame and its root table
    void* memory = kmem::take(sizeof(Domain));
    auto* payer = new (memory) Domain();
    ASSERT_TRUE(payer->init(2 * (length + 1) * each, 4, false, isok::abi::max_priority)); // room for the objects
    u64 before = payer->budget_left();
    isok::usize free_frames = kmem::frames().free_frames();

    Capability* holder = &slot(3);
    for (int i = 0; i < length; ++i) {
        // What create_domain does: the new domain's budget comes out of the payer's.
        ASSERT_TRUE(payer->charge(each));
        auto d = kernel::create_object<Domain>(*payer);
        ASSERT_TRUE(d);
        (*d)->charged += each;
        ASSERT_TRUE((*d)->init(each, 1, false, 0));
        kernel::cap_mint(*holder, **d, rights::all);
        holder = *(*d)->caps.slot(0);
    }
    EXPECT_LT(payer->budget_left(), before - length * each + 1);
    kernel::cap_delete(slot(3));
    reclaim::run();
    EXPECT_FALSE(reclaim::pending());
    EXPECT_EQ(payer->budget_left(), before) << "every domain of the chain was refunded";
    EXPECT_EQ(kmem::frames().free_frames(), free_frames);
    payer->teardown();
    kernel::release_object(*payer, sizeof(Domain));
}

// A domain whose page table does not fit its budget gives its capability-space frames
// back, and its destruction must then not touch them: they may be anyone's by now.
TEST_F(Reclaim, ADomainThatFailsToInitLeavesItsFreedFramesAlone) {
    ASSERT_TRUE(root->charge(kernel::frame_size));
    auto d = kernel::create_object<Domain>(*root);
    ASSERT_TRUE(d);
    (*d)->charged += kernel::frame_size;
    // One frame: enough for 64 capability slots, not for the page table as well.
    ASSERT_FALSE((*d)->init(kernel::frame_size, 64, false, 0).ok());
    // Every free frame is someone else's now: fill them all with a pattern.
    std::vector<isok::u8*> reused;
    while (auto frame = kmem::frames().allocate()) {
        reused.push_back(static_cast<isok::u8*>(arch::phys_to_virt(*frame)));
        std::fill(reused.back(), reused.back() + kernel::frame_size, isok::u8(0xa5));
    }
    kernel::destroy(**d);
    for (isok::u8* bytes : reused) {
        EXPECT_TRUE(std::all_of(bytes, bytes + kernel::frame_size, [](isok::u8 b) { return b == 0xa5; }))
            << "the failed domain wrote into a frame it had given back";
        ASSERT_TRUE(kmem::frames().free(arch::virt_to_phys(bytes)).ok());
    }
}

} // namespace
