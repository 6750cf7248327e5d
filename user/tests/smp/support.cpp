// The smp program's bookkeeping: arguments, slots, stacks, threads and the work.
#include "smp.hpp"

namespace smp {
namespace {

u64 next_free = 0;
u64 next_stack_area = 0x20000000;

// The value after "key=" in args, or nullptr.
const char* find(const char* key) {
    for (const char* a = isok::rt::startup_info().args; *a;) {
        const char* k = key;
        const char* p = a;
        while (*k && *p == *k) ++p, ++k;
        if (*k == 0 && *p == '=') return p + 1;
        while (*a && *a != ' ') ++a;
        while (*a == ' ') ++a;
    }
    return nullptr;
}

} // namespace

u64 arg(const char* key, u64 fallback) {
    const char* v = find(key);
    if (!v || *v < '0' || *v > '9') return fallback;
    u64 n = 0;
    while (*v >= '0' && *v <= '9') n = n * 10 + u64(*v++ - '0');
    return n;
}

bool arg_is(const char* key, const char* value) {
    const char* v = find(key);
    if (!v) return false;
    while (*value && *v == *value) ++v, ++value;
    return *value == 0 && (*v == 0 || *v == ' ');
}

void init_slots(const isok::startup::Info& info) { next_free = info.cap_slots - 1; }

u64 take_slot() { return next_free--; }

u64 make(ObjectType type, u64 arg0, u64 arg1, u64 arg2, u64 slot) {
    if (slot == fresh) slot = take_slot();
    expect_ok(sys::create(type, slot, self, arg0, arg1, arg2), "create");
    return slot;
}

void expect_ok(Error e, const char* what) {
    if (e != Error::ok) isok::rt::fatal("%s: %s\n", what, isok::rt::error_name(e));
}

u64 move_to(u64 hart) {
    expect_ok(sys::set_hart(self_thread, hart), "set_hart");
    return sys::hart_info().hart;
}

u64 stacks(u64 count, u64 bytes) {
    u64 pages = (count * bytes + 4095) / 4096;
    u64 memory = make(ObjectType::memory, pages);
    u64 base = next_stack_area;
    expect_ok(sys::map(self, memory, 0, base, pages, rw), "map stacks");
    next_stack_area += (pages + 1) * 4096; // an unmapped page between two areas
    return base + bytes;
}

u64 make_thread(void (*entry)(u64), u64 arg, u64 sp, u64 priority, u64 hart, u64 slot) {
    u64 thread = make(ObjectType::thread, priority, 0, 0, slot);
    expect_ok(sys::set_registers(thread, u64(isok::uptr(entry)), sp, arg), "set_registers");
    expect_ok(sys::set_time_slice(thread, 1), "set_time_slice");
    expect_ok(sys::set_hart(thread, hart), "set_hart of a new thread");
    return thread;
}

u64 work(u64 rounds, u64 seed) {
    u64 hash = 0xcbf29ce484222325 ^ seed;
    for (u64 i = 0; i < rounds; ++i) {
        hash = (hash ^ i) * 0x100000001b3;
        asm volatile("" : "+r"(hash)); // one step per round, never folded
    }
    return hash;
}

} // namespace smp
