// Quadratic kernel time: K mappings of one memory object behind E newer objects of the
// same payer, then one destroy of the memory. Each mapping's release must cost the
// same whatever else the payer owns: doubling K and E must about double the cost
// (a list walked from the head would quadruple it). Counted in instructions, exact
// under QEMU -icount.
#include <isok/rt/counters.hpp>

#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "release-cost";
constexpr u64 area = 0x40000000;

u64 destroy_cost(u64 count) {
    u64 memory = make(ObjectType::memory, 1);
    for (u64 i = 0; i < count; ++i)
        if (Error e = sys::map(self, memory, 0, area + 2 * i * 4096, 1, rights::read); e != Error::ok)
            isok::rt::fatal("attacker: map %lu: %s\n", i, isok::rt::error_name(e));
    u64 first = take_slot();
    for (u64 i = 0; i < count; ++i) {
        u64 slot = i == 0 ? first : take_slot();
        if (Error e = sys::create(ObjectType::notification, slot, self); e != Error::ok)
            isok::rt::fatal("attacker: notification %lu: %s\n", i, isok::rt::error_name(e));
    }
    u64 start = isok::rt::instret();
    Error e = sys::destroy(memory);
    u64 cost = isok::rt::instret() - start;
    if (e != Error::ok) isok::rt::fatal("attacker: destroy: %s\n", isok::rt::error_name(e));
    for (u64 i = 0; i < count; ++i) (void)sys::destroy(first - i);
    isok::rt::print("attack %s: destroying memory with %lu mappings behind %lu newer objects: %lu instructions\n", name,
                    count, count, cost);
    return cost;
}

} // namespace

void release_cost() {
    u64 small = destroy_cost(500);
    u64 large = destroy_cost(1000);
    u64 ratio10 = large * 10 / small;
    isok::rt::print("attack %s: twice the objects cost %lu.%lu times as much\n", name, ratio10 / 10, ratio10 % 10);
    if (ratio10 <= 25)
        refused(name, "release is linear");
    else
        breach(name, "release cost grows with the square of the objects");
}

} // namespace attack
