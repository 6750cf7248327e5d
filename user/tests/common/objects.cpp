// A test program's own objects (objects.hpp).
#include <isok/rt/console.hpp>
#include <test_objects/objects.hpp>

namespace test_objects {
namespace {

namespace sys = isok::rt::sys;
constexpr u64 self = isok::startup::self_domain_slot;

u64 next_free = 0;
u64 next_stack_area = 0x20000000;

} // namespace

void init_slots(const isok::startup::Info& info) { next_free = info.cap_slots - 1; }

u64 take_slot() { return next_free--; }

u64 make(isok::abi::ObjectType type, u64 arg0, u64 arg1, u64 arg2, u64 slot) {
    if (slot == fresh) slot = take_slot();
    expect_ok(sys::create(type, slot, self, arg0, arg1, arg2), "create");
    return slot;
}

void expect_ok(isok::rt::Error e, const char* what) {
    if (e != isok::rt::Error::ok) isok::rt::fatal("%s: %s\n", what, isok::rt::error_name(e));
}

u64 stacks(u64 count, u64 bytes) {
    u64 pages = (count * bytes + 4095) / 4096;
    u64 memory = make(isok::abi::ObjectType::memory, pages);
    u64 base = next_stack_area;
    expect_ok(sys::map(self, memory, 0, base, pages, isok::abi::rights::read | isok::abi::rights::write), "map stacks");
    next_stack_area += (pages + 1) * 4096; // an unmapped page between two areas
    return base + bytes;
}

} // namespace test_objects
