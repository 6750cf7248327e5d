// The smp program's bookkeeping: arguments, threads and the work.
#include "smp.hpp"

namespace smp {
namespace {

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

u64 move_to(u64 hart) {
    expect_ok(sys::set_hart(self_thread, hart), "set_hart");
    return sys::hart_info().hart;
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
