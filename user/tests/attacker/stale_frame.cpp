// A freed frame left mapped: map a 2 MiB-aligned run of a memory object (the kernel
// may map it with one large page), destroy the object, let the kernel reuse the frames
// for its own objects, and read them through the old window. The kernel must take the
// mapping away with the memory: the read faults.
#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "stale-frame";
constexpr u64 two_mib = 2ull << 20;
constexpr u64 window = 0x30000000; // 2 MiB aligned
constexpr u64 marker = 0x5afe5afe5afe5afe;

[[noreturn]] void probe(u64 handler) {
    u64 seen = *reinterpret_cast<volatile u64*>(window);
    (void)sys::call(handler, isok::abi::message_info(1, 1), seen);
    sys::exit(0);
}

} // namespace

void stale_frame() {
    u64 memory = make(ObjectType::memory, 1024);
    isok::rt::MemoryInfo info = sys::memory_info(memory);
    u64 first = ((two_mib - info.physical % two_mib) % two_mib) / 4096;
    Error e = sys::map(self, memory, first, window, 512, rw);
    if (e != Error::ok) isok::rt::fatal("attacker: map: %s\n", isok::rt::error_name(e));
    *reinterpret_cast<volatile u64*>(window) = marker;
    isok::rt::print("attack %s: 512 pages mapped at %lx from physical %lx\n", name, window,
                    info.physical + first * 4096);
    e = sys::destroy(memory);
    isok::rt::print("attack %s: destroy the memory, its mapping still in place: %s\n", name, isok::rt::error_name(e));
    // The kernel's next objects take the freed frames first: a domain's capability array.
    u64 child = make(ObjectType::domain, 256 * 1024, 4096, 1);
    (void)sys::cap_copy(self_thread, child, 7, rights::control);

    u64 handler = make(ObjectType::endpoint);
    (void)sys::start(make_thread(probe, handler, stacks(1, 4096), handler));
    isok::rt::Received r = sys::receive(handler);
    if (isok::abi::info_label(r.info) == isok::abi::exception_label) {
        isok::rt::print("attack %s: the old window faults: cause %lu at %lx\n", name, r.words[0], r.words[2]);
        refused(name, "the mapping went with the memory");
        (void)sys::reply(isok::abi::message_info(0, 1), u64(isok::abi::ExceptionReply::kill));
        return;
    }
    isok::rt::print("attack %s: read %lx through the window after the memory was destroyed\n", name, r.words[0]);
    breach(name, "freed frames are still mapped");
    (void)sys::reply(isok::abi::message_info(0, 0));
}

} // namespace attack
