// role=signals hart=A peer=B rounds=R: the first thread, on hart A, signals R rounds of
// 50 distinct bits (one badged capability per bit) to a waiter on hart B. Signals may
// merge, so the waiter ORs what it gets until the round's 50 bits are all there and then
// acknowledges; the signaller starts the next round only after that acknowledgement. A
// bit can therefore arrive once per round and no more: the waiter counts every bit, any
// bit seen twice in a round and any bit never signalled.
#include "smp.hpp"

namespace smp {
namespace {

constexpr u64 bits = 50;
constexpr u64 all = (u64{1} << bits) - 1;

struct Shared {
    u64 data = 0; // the waiter waits here
    u64 ack = 0;  // the signaller waits here
    u64 rounds = 0;
    volatile u64 hart = ~u64{0};
    volatile u64 seen = 0, twice = 0, stray = 0, wakeups = 0;
};
Shared shared;

[[noreturn]] void waiter(u64) {
    shared.hart = sys::hart_info().hart;
    u64 seen = 0, twice = 0, stray = 0, wakeups = 0;
    for (u64 r = 0; r < shared.rounds; ++r) {
        u64 got = 0;
        while (got != all) {
            isok::rt::Bits b = sys::wait(shared.data);
            if (b.error != Error::ok) sys::exit(2);
            ++wakeups;
            twice += __builtin_popcountll(b.bits & got);
            stray += __builtin_popcountll(b.bits & ~all);
            seen += __builtin_popcountll(b.bits & all);
            got |= b.bits & all;
        }
        if (r + 1 == shared.rounds) {
            shared.seen = seen;
            shared.twice = twice;
            shared.stray = stray;
            shared.wakeups = wakeups;
        }
        (void)sys::signal(shared.ack);
    }
    sys::exit(0);
}

} // namespace

int signals() {
    u64 rounds = arg("rounds", 2000), peer = arg("peer", 1);
    u64 at = move_to(arg("hart", 0));
    shared.rounds = rounds;
    shared.data = make(ObjectType::notification);
    shared.ack = make(ObjectType::notification);
    u64 bit_caps[bits];
    for (u64 i = 0; i < bits; ++i) {
        bit_caps[i] = take_slot();
        expect_ok(sys::cap_copy(shared.data, self, bit_caps[i], rights::write, u64{1} << i), "badged copy");
    }
    expect_ok(sys::start(make_thread(waiter, 0, stacks(1, 8192), 100, peer)), "start the waiter");
    u64 acks = 0, odd_acks = 0;
    for (u64 r = 0; r < rounds; ++r) {
        for (u64 i = 0; i < bits; ++i) expect_ok(sys::signal(bit_caps[(i + r) % bits]), "signal");
        isok::rt::Bits b = sys::wait(shared.ack);
        expect_ok(b.error, "wait for the acknowledgement");
        ++acks;
        odd_acks += b.bits != 1;
    }
    isok::rt::print("signaller on hart %lu: %lu signals of %lu distinct bits, %lu acknowledgements (%lu odd)\n", at,
                    rounds * bits, bits, acks, odd_acks);
    isok::rt::print("waiter on hart %lu: %lu bits arrived, %lu twice in a round, %lu never signalled, in %lu wake-ups\n",
                    shared.hart, shared.seen, shared.twice, shared.stray, shared.wakeups);
    return 0;
}

} // namespace smp
