// role=stop hart=A peer=B rounds=R: R times, the first thread (on hart A) gives a new
// thread on hart B a page of new memory for its counter and stack; the thread counts
// there without a system call. Once it has counted, the first thread stops it from hart A
// (the kernel must take it off hart B before stop returns), checks that the counter no
// longer moves, then destroys the thread and its memory.
#include "smp.hpp"

namespace smp {
namespace {

constexpr u64 area = 0x30000000; // where each round's page goes (unmapped again after)
constexpr u64 settle = 200'000;  // reads of the counter after the stop

struct Page {
    volatile u64 counter;
    volatile u64 hart;
};

u64 started = 0; // a notification: the thread has begun counting

[[noreturn]] void count(u64 address) {
    Page& p = *reinterpret_cast<Page*>(address);
    p.hart = sys::hart_info().hart;
    p.counter = 1;
    (void)sys::signal(started);
    for (;;) p.counter = p.counter + 1;
}

} // namespace

int stop() {
    u64 rounds = arg("rounds", 1000), peer = arg("peer", 1);
    u64 at = move_to(arg("hart", 0));
    started = make(ObjectType::notification);
    Page& page = *reinterpret_cast<Page*>(area);
    u64 memory = take_slot(), thread = take_slot(); // reused every round
    u64 ran_on = 0, wrong_hart = 0, total = 0;
    for (u64 r = 0; r < rounds; ++r) {
        make(ObjectType::memory, 1, 0, 0, memory);
        expect_ok(sys::map(self, memory, 0, area, 1, rw), "map");
        make_thread(count, area, area + 4096, 100, peer, thread);
        expect_ok(sys::start(thread), "start");
        expect_ok(sys::wait(started).error, "wait for the counter");
        expect_ok(sys::stop(thread), "stop the thread on the other hart");
        u64 stopped_at = page.counter;
        for (u64 i = 0; i < settle; ++i) asm volatile("" ::: "memory");
        for (u64 i = 0; i < settle && page.counter == stopped_at; ++i) {
        }
        ran_on += page.counter != stopped_at;
        wrong_hart += page.hart != peer;
        total += page.counter;
        expect_ok(sys::destroy(thread), "destroy the thread");
        expect_ok(sys::unmap(self, area, 1), "unmap");
        expect_ok(sys::destroy(memory), "destroy the memory");
    }
    isok::rt::print("from hart %lu: %lu threads on hart %lu stopped and destroyed with their memory; %lu counted on "
                    "after the stop, %lu ran elsewhere; %lu counts in all\n",
                    at, rounds, peer, ran_on, wrong_hart, total);
    return 0;
}

} // namespace smp
