// Capabilities checked against a model: random mints, copies with fewer rights,
// deletes and destructions of the objects behind them, and after each step every
// slot's lookup answers as the model says. Generations are 64-bit: a capability stays
// stale however often its object's memory is reused (a 32-bit one came back after 2^32).
#include <kernel/capability.hpp>
#include <gtest/gtest.h>

#include <array>
#include <random>

namespace {

using kernel::CapSpace;
using kernel::Capability;
using kernel::KernelObject;
using isok::u64;
using isok::abi::Error;
using isok::abi::ObjectType;

constexpr std::size_t slots = 32, objects = 8;

// What each slot should hold: an object index and the rights, and the generation of
// that object when the capability was minted.
struct ModelSlot {
    bool used = false;
    std::size_t object = 0;
    u64 rights = 0;
    u64 generation = 0;
};

Error expected(const ModelSlot& m, const std::array<KernelObject, objects>& pool, ObjectType type, u64 rights) {
    if (!m.used) return Error::empty_slot;
    if (pool[m.object].generation != m.generation) return Error::stale;
    if (pool[m.object].type != type) return Error::wrong_type;
    if ((m.rights & rights) != rights) return Error::no_rights;
    return Error::ok;
}

TEST(Capability, LookupsAgreeWithTheModelThroughRandomOperations) {
    std::array<KernelObject, objects> pool{};
    const ObjectType types[] = {ObjectType::endpoint, ObjectType::notification, ObjectType::memory};
    for (std::size_t i = 0; i < objects; ++i) pool[i].type = types[i % 3];
    std::array<Capability, slots> storage;
    CapSpace caps;
    caps.init(storage.data(), slots);
    std::array<ModelSlot, slots> model{};
    std::mt19937_64 random(42);
    for (int step = 0; step < 200000; ++step) {
        std::size_t s = random() % slots, o = random() % objects;
        switch (random() % 4) {
        case 0: // mint into a free slot
            if (auto slot = caps.free_slot(s)) {
                u64 rights = random() % 32;
                **slot = kernel::make_capability(pool[o], rights);
                model[s] = {true, o, rights & 0xffffffff, pool[o].generation};
            } else {
                ASSERT_TRUE(model[s].used && pool[model[s].object].generation == model[s].generation);
            }
            break;
        case 1: { // copy with a rights mask (what cap_copy does)
            std::size_t d = random() % slots;
            auto src = caps.slot(s);
            auto dst = caps.free_slot(d);
            if (src && dst && !(*src)->empty() && !(*src)->stale() && s != d) {
                u64 mask = random() % 32;
                Capability copy = **src;
                copy.rights = isok::u32(copy.rights & mask);
                **dst = copy;
                model[d] = model[s];
                model[d].rights &= mask;
            }
            break;
        }
        case 2: // delete
            (*caps.slot(s))->clear();
            model[s] = {};
            break;
        case 3: // destroy the object: every capability to it goes stale at once
            pool[o].generation += 2;
            break;
        }
        for (std::size_t i = 0; i < slots; ++i) {
            ObjectType type = types[random() % 3];
            u64 rights = random() % 8;
            auto got = caps.lookup(i, type, rights);
            Error want = expected(model[i], pool, type, rights);
            ASSERT_EQ(got ? Error::ok : got.error(), want) << "step " << step << ", slot " << i;
        }
    }
    EXPECT_EQ(caps.lookup(slots, ObjectType::endpoint, 0).error(), Error::bad_slot);
}

TEST(Capability, AGenerationNeverComesRoundAgain) {
    KernelObject object;
    object.type = ObjectType::endpoint;
    object.generation = 7;
    Capability old = kernel::make_capability(object, isok::abi::rights::all);
    // 2^31 create/destroy pairs of the same slab slot, two steps each.
    object.generation += u64{1} << 32;
    EXPECT_TRUE(old.stale()) << "a 32-bit generation would have wrapped to the capability's own";
    object.generation = ~u64{0};
    Capability last = kernel::make_capability(object, isok::abi::rights::all);
    EXPECT_FALSE(last.stale());
}

} // namespace
