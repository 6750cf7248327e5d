// Capabilities checked against a model of their derivation tree: random mints, copies
// with fewer rights, deletes, revokes and destructions of the objects behind them. After
// each step every slot's lookup answers as the model says, and each object's list holds
// exactly the model's live capabilities, each after its parent and deeper than it.
#include <kernel/capability.hpp>
#include <kernel/reclaim.hpp>
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <set>
#include <vector>

namespace {

using kernel::Capability;
using kernel::CapSpace;
using kernel::KernelObject;
using isok::u64;
using isok::abi::Error;
using isok::abi::ObjectType;

constexpr std::size_t slots = 48, objects = 6;
constexpr std::size_t none = ~std::size_t{0};

enum class State { empty, live, stale };

struct ModelSlot {
    State state = State::empty;
    std::size_t object = 0;
    u64 rights = 0;
    std::size_t parent = none; // the slot it derives from, while that is live
};

struct Model {
    std::array<ModelSlot, slots> slot{};

    bool descends(std::size_t s, std::size_t ancestor) const {
        for (std::size_t p = slot[s].parent; p != none; p = slot[p].parent)
            if (p == ancestor) return true;
        return false;
    }
    // A deleted capability's children now derive from its parent.
    void remove(std::size_t s, State becomes) {
        for (auto& m : slot)
            if (m.state == State::live && m.parent == s) m.parent = slot[s].parent;
        slot[s] = {};
        slot[s].state = becomes;
    }
};

Error expected(const ModelSlot& m, const std::array<KernelObject, objects>& pool, ObjectType type, u64 rights) {
    if (m.state == State::empty) return Error::empty_slot;
    if (m.state == State::stale) return Error::stale;
    if (pool[m.object].type != type) return Error::wrong_type;
    if ((m.rights & rights) != rights) return Error::no_rights;
    return Error::ok;
}

class CapabilityTree : public ::testing::Test {
protected:
    void TearDown() override {
        for (auto& o : pool) kernel::reclaim::forget(o); // the host has no destroy() to run
    }
    std::array<KernelObject, objects> pool{};
};

TEST_F(CapabilityTree, LookupsAndDerivationAgreeWithTheModelThroughRandomOperations) {
    const ObjectType types[] = {ObjectType::endpoint, ObjectType::notification, ObjectType::memory};
    for (std::size_t i = 0; i < objects; ++i) pool[i].type = types[i % 3];
    std::array<Capability, slots> storage;
    CapSpace caps;
    caps.init(storage.data(), slots);
    Model model;
    std::mt19937_64 random(42);
    std::size_t revokes = 0, deepest = 0;
    for (int step = 0; step < 100000; ++step) {
        std::size_t s = random() % slots, d = random() % slots, o = random() % objects;
        switch (random() % 6) {
        case 0: // mint into a free slot
            if (auto slot = caps.free_slot(s)) {
                u64 rights = random() % 32;
                kernel::cap_mint(**slot, pool[o], rights);
                model.slot[s] = {State::live, o, rights, none};
            } else {
                ASSERT_EQ(model.slot[s].state, State::live);
            }
            break;
        case 1:
        case 2: { // copy with a rights mask (what cap_copy and a grant do)
            auto src = caps.live(s);
            auto dst = caps.free_slot(d);
            ASSERT_EQ(bool(src), model.slot[s].state == State::live);
            if (src && dst) {
                u64 mask = random() % 32;
                kernel::cap_derive(**dst, **src, mask, 0);
                model.slot[d] = {State::live, model.slot[s].object, model.slot[s].rights & mask, s};
                deepest = std::max<std::size_t>(deepest, storage[d].depth);
            }
            break;
        }
        case 3: // delete
            kernel::cap_delete(storage[s]);
            model.remove(s, State::empty);
            break;
        case 4: // revoke: everything below it goes stale, it stays
            if (model.slot[s].state == State::live) {
                ASSERT_TRUE(kernel::cap_revoke(storage[s], slots));
                std::vector<std::size_t> below;
                for (std::size_t i = 0; i < slots; ++i)
                    if (model.slot[i].state == State::live && model.descends(i, s)) below.push_back(i);
                for (std::size_t i : below) model.slot[i] = {State::stale};
                ++revokes;
            }
            break;
        case 5: // destroy the object: every capability to it goes stale at once
            if (random() % 4 == 0) {
                kernel::caps_invalidate(pool[o]);
                for (auto& m : model.slot)
                    if (m.state == State::live && m.object == o) m = {State::stale};
            }
            break;
        }
        // Each object's list is its live capabilities, each one after its parent.
        for (std::size_t ob = 0; ob < objects; ++ob) {
            std::set<const Capability*> seen;
            std::vector<const Capability*> path; // the ancestors of the current node, by depth
            for (const Capability* c = pool[ob].caps; c; c = c->next) {
                std::size_t i = std::size_t(c - storage.data());
                ASSERT_EQ(model.slot[i].state, State::live);
                ASSERT_EQ(model.slot[i].object, ob);
                ASSERT_LE(c->depth, path.size()) << "a capability deeper than its place in the list";
                path.resize(c->depth);
                std::size_t p = model.slot[i].parent;
                ASSERT_EQ(p == none ? nullptr : &storage[p], path.empty() ? nullptr : path.back())
                    << "step " << step << ": slot " << i << " is not listed under its parent";
                path.push_back(c);
                seen.insert(c);
            }
            std::size_t want = 0;
            for (const auto& m : model.slot) want += m.state == State::live && m.object == ob;
            ASSERT_EQ(seen.size(), want) << "step " << step << ", object " << ob;
        }
        for (std::size_t i = 0; i < slots; ++i) {
            ObjectType type = types[random() % 3];
            u64 rights = random() % 8;
            auto got = caps.lookup(i, type, rights);
            ASSERT_EQ(got ? Error::ok : got.error(), expected(model.slot[i], pool, type, rights))
                << "step " << step << ", slot " << i;
        }
    }
    EXPECT_GT(revokes, 1000u);
    EXPECT_GT(deepest, 3u) << "the walk never built a chain worth checking";
    EXPECT_EQ(caps.lookup(slots, ObjectType::endpoint, 0).error(), Error::bad_slot);
}

// An object is queued for reclamation when its last capability goes, not before, and a
// revoke never takes the capability it was asked on.
TEST_F(CapabilityTree, TheLastCapabilityQueuesTheObjectAndRevokeKeepsItsOwn) {
    KernelObject& o = pool[0];
    o.type = ObjectType::endpoint;
    std::array<Capability, 4> c;
    kernel::cap_mint(c[0], o, isok::abi::rights::all);
    kernel::cap_derive(c[1], c[0], isok::abi::rights::all, 7);
    kernel::cap_derive(c[2], c[1], isok::abi::rights::read, 7);
    EXPECT_EQ(c[2].rights, isok::abi::rights::read);
    kernel::cap_delete(c[0]);
    EXPECT_FALSE(o.queued);
    EXPECT_EQ(c[1].depth, 0u) << "the child of a deleted capability takes its place";
    EXPECT_TRUE(kernel::cap_revoke(c[1], 1));
    EXPECT_TRUE(c[2].stale());
    EXPECT_TRUE(c[1].live());
    EXPECT_FALSE(o.queued);
    kernel::cap_delete(c[2]); // a stale slot only becomes empty
    EXPECT_TRUE(c[2].empty());
    kernel::cap_delete(c[1]);
    EXPECT_TRUE(o.queued) << "nothing names the object any more";
    EXPECT_TRUE(kernel::reclaim::pending());
}

// A revoke of a long chain goes a bounded step at a time and can be taken up again.
TEST_F(CapabilityTree, ARevokeOfTenThousandGoesInBoundedStepsToTheEnd) {
    KernelObject& o = pool[0];
    o.type = ObjectType::notification;
    std::vector<Capability> chain(10000);
    kernel::cap_mint(chain[0], o, isok::abi::rights::all);
    for (std::size_t i = 1; i < chain.size(); ++i) kernel::cap_derive(chain[i], chain[i - 1], isok::abi::rights::all, 0);
    EXPECT_EQ(chain.back().depth, 9999u);
    int steps = 0;
    while (!kernel::cap_revoke(chain[0], 64)) ++steps;
    EXPECT_EQ(steps, int((chain.size() - 1) / 64));
    for (std::size_t i = 1; i < chain.size(); ++i) ASSERT_TRUE(chain[i].stale()) << i;
    EXPECT_EQ(o.caps, &chain[0]);
    EXPECT_EQ(chain[0].next, nullptr);
    kernel::cap_delete(chain[0]);
}

} // namespace
