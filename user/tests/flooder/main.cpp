// flooder: a hostile member of a virtual switch. It pushes `count` frames (args
// "count=N", default 200000) into its port as fast as the ring takes them, cycling
// through broadcasts, frames with a forged or group source MAC, unicasts to MACs nobody
// has, maximum-size frames, slots written directly with lengths no frame has, and ring
// indices corrupted and restored. It rings the doorbell after each frame and yields when
// the ring is full. The switch must drop and count what is bad and keep serving the
// other members; their pings and UDP must go on working meanwhile.
#include <isok/frame_ring.hpp>
#include <isok/links.hpp>
#include <isok/net/ethernet.hpp>
#include <isok/net/mac_addr.hpp>
#include <isok/random.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>

using namespace isok;
namespace fr = frame_ring;

namespace {

constexpr u64 default_count = 200000;
constexpr u16 experimental_type = 0x88b5; // IEEE 802 local experimental: no member serves it
constexpr u32 repair_after = 256;         // full-ring yields before the flooder repairs its ring

// A random locally administered unicast MAC: nobody on the switch is bound to it.
net::MacAddr random_mac(Xorshift& r) {
    u64 v = r.next();
    net::MacAddr m;
    for (usize i = 0; i < 6; ++i) m.octets[i] = u8(v >> (8 * i));
    m.octets[0] = u8((m.octets[0] & 0xfe) | 0x02);
    return m;
}

u64 count_from_args(const startup::Info& info) {
    const char* args = info.args;
    usize length = str_length_bounded(args, startup::args_bytes);
    for (usize i = 0; i + 6 <= length; ++i) {
        if (!str_starts_with(args + i, "count=") || (i > 0 && args[i - 1] != ' ')) continue;
        u64 n = 0;
        usize j = i + 6;
        for (; j < length && args[j] >= '0' && args[j] <= '9' && n < (u64(1) << 40); ++j)
            n = n * 10 + u64(args[j] - '0');
        return j > i + 6 ? n : default_count;
    }
    return default_count;
}

class Flooder {
public:
    Flooder(const links::Port& port, u64 seed)
        : region_(reinterpret_cast<u8*>(uptr(port.ring))), ring_(region_, fr::Direction::to_switch),
          doorbell_(port.signal), mac_(net::MacAddr::load(port.mac)), random_{seed} {}

    void run(u64 count) {
        for (u64 i = 0; i < count; ++i) {
            step(i % 8);
            (void)rt::sys::signal(doorbell_);
        }
    }

    void report() const {
        rt::print("flooder: sent %lu frames (%lu with bad lengths), corrupted the ring indices %lu times, "
                  "repaired the ring %lu times\n",
                  sent_, bad_lengths_, corruptions_, repairs_);
    }

private:
    fr::Header& header() { return *reinterpret_cast<fr::Header*>(region_); }
    fr::Slot* transmit_slots() { return reinterpret_cast<fr::Slot*>(region_ + fr::header_bytes); }

    void step(u64 kind) {
        switch (kind) {
        case 0: frame(net::MacAddr::broadcast(), mac_, random_length()); break;
        case 1: frame(net::MacAddr::broadcast(), random_mac(random_), random_length()); break; // forged source
        case 2: frame(random_mac(random_), mac_, random_length()); break;                      // nobody's MAC
        case 3: frame(random_mac(random_), net::MacAddr::broadcast(), random_length()); break; // group source
        case 4: bad_length(); break;
        case 5: frame(random_mac(random_), mac_, fr::max_frame); break;
        case 6:
            corrupt_head();
            frame(random_mac(random_), mac_, random_length());
            break;
        default: frame(mac_, mac_, fr::min_frame); break; // to itself: no other port has that MAC
        }
    }

    u32 random_length() { return fr::min_frame + u32(random_.next() % (fr::max_frame - fr::min_frame + 1)); }

    void frame(const net::MacAddr& to, const net::MacAddr& from, u32 length) {
        net::write_ethernet_header(buffer_, {to, from}, experimental_type);
        for (u32 i = net::ethernet_header_bytes; i < length; ++i) buffer_[i] = u8(i);
        while (!ring_.push(buffer_, length)) wait_for_room();
        full_yields_ = 0;
        ++sent_;
    }

    // A slot whose length no frame has, published like a real frame.
    void bad_length() {
        static constexpr u32 lengths[] = {0, fr::min_frame - 1, fr::max_frame + 1, fr::slot_bytes, 0xffffffff};
        while (ring_.full()) wait_for_room();
        fr::Indices& ix = header().to_switch;
        u32 head = __atomic_load_n(&ix.head, __ATOMIC_RELAXED);
        transmit_slots()[head % fr::slots].length = lengths[random_.next() % (sizeof lengths / sizeof lengths[0])];
        __atomic_store_n(&ix.head, head + 1, __ATOMIC_RELEASE);
        full_yields_ = 0;
        ++bad_lengths_;
        ++sent_;
    }

    // A head far ahead of the tail; the switch must see an empty ring, not read 2^30 slots.
    void corrupt_head() {
        fr::Indices& ix = header().to_switch;
        u32 head = __atomic_load_n(&ix.head, __ATOMIC_RELAXED);
        __atomic_store_n(&ix.head, head + 0x40000000u, __ATOMIC_RELEASE);
        (void)rt::sys::signal(doorbell_);
        rt::sys::yield();
        __atomic_store_n(&ix.head, head, __ATOMIC_RELEASE);
        ++corruptions_;
    }

    // The ring is full: let the switch drain it. Should it stay full (a switch that has
    // stopped), drop what is queued so that the flooder still ends.
    void wait_for_room() {
        (void)rt::sys::signal(doorbell_);
        rt::sys::yield();
        if (++full_yields_ < repair_after) return;
        full_yields_ = 0;
        fr::Indices& ix = header().to_switch;
        __atomic_store_n(&ix.tail, __atomic_load_n(&ix.head, __ATOMIC_RELAXED), __ATOMIC_RELEASE);
        ++repairs_;
    }

    u8* region_;
    fr::Ring ring_;
    u64 doorbell_;
    net::MacAddr mac_;
    Xorshift random_;
    u8 buffer_[fr::max_frame];
    u32 full_yields_ = 0;
    u64 sent_ = 0, bad_lengths_ = 0, corruptions_ = 0, repairs_ = 0;
};

} // namespace

int main(const startup::Info& info) {
    const auto& page = *reinterpret_cast<const links::Links*>(links::address);
    if (page.magic != links::magic || page.port_count == 0) rt::fatal("flooder: no switch port on the Links page\n");
    const links::Port& port = page.ports[0];
    if (port.ring == 0 || port.ring_bytes < fr::region_bytes) rt::fatal("flooder: port 0 has no usable ring\n");
    u64 count = count_from_args(info);
    rt::print("flooder: flooding with %lu frames\n", count);
    static Flooder flooder(port, 0x5eed ^ count);
    flooder.run(count);
    flooder.report();
    return 0;
}
