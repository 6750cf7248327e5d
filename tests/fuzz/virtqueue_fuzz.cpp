// The VMM's split virtqueue (vmm/src/virtqueue.cpp) over guest RAM the fuzzer writes:
// every chain it hands out lies in guest RAM, readable before writable, and no copy in or
// out of a chain, nor a used-ring update, touches a byte outside guest RAM.
#include "fuzz_util.hpp"
#include "vmm_fakes.hpp"

#include <isok/vm_config.hpp>
#include <vmm/virtqueue.hpp>

using fuzz::check;
using isok::u16;
using isok::u32;
using isok::u64;
using isok::u8;
using isok::vmm::Chain;
using isok::vmm::Virtqueue;

namespace {

constexpr u64 ram_bytes = 64 * 1024;

void check_chain(const Chain& chain, const isok::vmm::GuestMemory& ram, u32 size) {
    check(chain.head < size && chain.count >= 1 && chain.count <= Chain::max_segments);
    bool writable = false;
    for (isok::usize i = 0; i < chain.count; ++i) {
        const isok::vmm::Segment& s = chain.segment[i];
        check(ram.contains(s.address, s.length) && (s.writable || !writable));
        writable |= s.writable;
    }
}

// Copies through the chain as a device does: out of its readable part, into its writable part.
u32 use_chain(const Chain& chain, const isok::vmm::GuestMemory& ram, u64 offset) {
    static u8 buffer[ram_bytes];
    u64 readable = chain.readable_bytes(), writable = chain.writable_bytes();
    u64 n = chain.read(ram, offset, buffer, sizeof buffer);
    check(n <= sizeof buffer && n == (offset < readable ? std::min<u64>(readable - offset, sizeof buffer) : 0));
    u64 w = chain.write(ram, offset, buffer, n);
    check(w <= n && w <= writable);
    return u32(w);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Reader in(data, size);
    // The queue's registers as a driver sets them: offsets into guest RAM, a power-of-two size.
    Virtqueue q;
    q.size = u32(1) << (in.take<u8>() % 10); // up to 512: past max_size too
    const u64 base = isok::vm::guest_ram_base;
    q.desc = base + in.take<u16>();
    q.driver = base + in.take<u16>();
    q.device = base + in.take<u16>();
    const u8 ops = in.take<u8>();
    const u64 offset = in.take<u8>();

    vmm_test::Ram ram(ram_bytes, base);
    in.copy(ram.host(base), ram_bytes);
    isok::vmm::GuestMemory memory = ram.memory();
    if (!q.check_layout(memory)) return 0;
    q.ready = true;

    for (u32 round = 0; round < 2 * Virtqueue::max_size; ++round) {
        Chain chain;
        u32 written = 0;
        if (ops >> (round % 8) & 1) {
            auto got = q.take(memory, chain);
            if (!got || !got->got) break;
            if (got->broken == isok::vmm::QueueError{}) {
                check_chain(chain, memory, q.size);
                written = use_chain(chain, memory, offset);
            } else {
                check(chain.head < q.size && chain.count == 0);
            }
        } else {
            auto got = q.pop(memory, chain);
            if (!got || !*got) break;
            check_chain(chain, memory, q.size);
            written = use_chain(chain, memory, offset);
        }
        check(q.push(memory, chain.head, written).ok());
        (void)q.wants_interrupt(memory);
        (void)q.has_available(memory);
        check(ram.guards_intact());
    }
    check(ram.guards_intact());
    return 0;
}
