// The shared memory of a switch port: two single-producer, single-consumer rings of
// Ethernet frames, one each way. Neither side trusts the other: every index and length
// read from the shared page is checked before use, and frames are copied out once.
#pragma once
#include <isok/types.hpp>

namespace isok::frame_ring {

inline constexpr u32 slots = 32;          // per direction, a power of two
inline constexpr u32 slot_bytes = 2048;
inline constexpr u32 max_frame = 1514;    // destination, source, type and 1500 bytes of payload
inline constexpr u32 min_frame = 14;      // an Ethernet header
inline constexpr u64 header_bytes = 4096;
inline constexpr u64 ring_bytes = u64(slots) * slot_bytes;
// The whole region: the header page, then the member's transmit slots, then its receive slots.
inline constexpr u64 region_bytes = header_bytes + 2 * ring_bytes;

// The indices of one ring, free-running (they wrap at 2^32): the producer owns head,
// the consumer owns tail; head - tail frames are in flight.
struct alignas(64) Indices {
    u32 head;
    u8 pad0[60];
    u32 tail;
    u8 pad1[60];
};

struct Header {
    Indices to_switch;   // the member transmits
    Indices from_switch; // the member receives
};
static_assert(sizeof(Header) <= header_bytes);

struct Slot {
    u32 length;
    u32 reserved; // keeps data 8-byte aligned, so frames are copied a word at a time
    u8 data[slot_bytes - 8];
};
static_assert(sizeof(Slot) == slot_bytes);

enum class Direction { to_switch, from_switch };

// One direction of a port's region, from one side. `region` is the shared memory.
class Ring {
public:
    Ring() = default;
    Ring(void* region, Direction d)
        : indices_(d == Direction::to_switch ? &static_cast<Header*>(region)->to_switch
                                             : &static_cast<Header*>(region)->from_switch),
          slots_(reinterpret_cast<Slot*>(static_cast<u8*>(region) + header_bytes +
                                         (d == Direction::to_switch ? 0 : ring_bytes))) {}

    // Producer: copies a frame in; false when the ring is full (or the frame's length is
    // outside min_frame..max_frame, which a producer never sends).
    bool push(const u8* frame, u32 length) {
        if (length < min_frame || length > max_frame) return false;
        u32 head = load(&indices_->head);
        u32 tail = load_acquire(&indices_->tail);
        if (head - tail >= slots) return false;
        Slot& s = slots_[head % slots];
        copy(s.data, frame, length);
        s.length = length;
        store_release(&indices_->head, head + 1);
        return true;
    }

    // Consumer: the length of the next frame, copied into out (max_frame bytes); 0 when
    // the ring is empty. A slot the other side filled with a bad length is consumed and
    // reported as `bad` so that the caller can count it; a corrupt head index makes the
    // ring look empty until the producer repairs it.
    struct Popped {
        u32 length; // 0: nothing (or bad)
        bool bad;
    };
    Popped pop(u8* out) {
        u32 tail = load(&indices_->tail);
        u32 head = load_acquire(&indices_->head);
        u32 pending = head - tail;
        if (pending == 0 || pending > slots) return {0, false};
        Slot& s = slots_[tail % slots];
        u32 length = *reinterpret_cast<volatile u32*>(&s.length); // read once: the producer may change it
        bool ok = length >= min_frame && length <= max_frame;
        if (ok) copy(out, s.data, length);
        store_release(&indices_->tail, tail + 1);
        return ok ? Popped{length, false} : Popped{0, true};
    }

    bool empty() const {
        u32 pending = load_acquire(&indices_->head) - load(&indices_->tail);
        return pending == 0 || pending > slots;
    }
    bool full() const { return load(&indices_->head) - load_acquire(&indices_->tail) >= slots; }

private:
    static u32 load(const u32* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
    static u32 load_acquire(const u32* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
    static void store_release(u32* p, u32 v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
    static void copy(u8* to, const u8* from, u32 n) { __builtin_memcpy(to, from, n); }

    Indices* indices_ = nullptr;
    Slot* slots_ = nullptr;
};

} // namespace isok::frame_ring
