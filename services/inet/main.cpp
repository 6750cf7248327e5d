// inet: a native IPv4 endpoint on the first port of its Links page. The stack
// (isok_inet) does the protocol work; this file moves frames between it and the port's
// rings, sleeps on the port's notification when no timer runs, and prints what the
// stack reports.
#include <inet/stack.hpp>
#include <isok/frame_ring.hpp>
#include <isok/links.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/counters.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>
#include <isok/string.hpp>

using namespace isok;
using rt::Error;

namespace {

constexpr u64 default_timebase_hz = 10'000'000; // QEMU virt's, when the startup page has none
constexpr u32 receive_batch = 32;               // frames taken before the timers run again
constexpr u32 full_retries = 64;                // yields before a frame to a full ring is dropped

// Transmitting: the to_switch ring, and the switch's doorbell rung once per batch.
class PortLink final : public inet::FrameSink {
public:
    PortLink(void* region, u64 doorbell) : ring_(region, frame_ring::Direction::to_switch), doorbell_(doorbell) {}

    bool transmit(const u8* frame, usize length) override {
        for (u32 i = 0; i < full_retries; ++i) {
            if (ring_.push(frame, u32(length))) {
                queued_ = true;
                return true;
            }
            // Full: make sure the switch knows there is work, and let it run.
            (void)rt::sys::signal(doorbell_);
            rt::sys::yield();
        }
        return false;
    }

    void flush() {
        if (!queued_) return;
        (void)rt::sys::signal(doorbell_);
        queued_ = false;
    }

private:
    frame_ring::Ring ring_;
    u64 doorbell_;
    bool queued_ = false;
};

class ConsoleEvents final : public inet::Events {
public:
    void ping_answered(net::Ipv4Addr peer, u16 sequence) override {
        char a[net::ipv4_text_bytes];
        net::format_ipv4(peer, a);
        rt::print("inet: ping %s ok seq %u\n", a, unsigned(sequence));
    }
    void ping_failed(net::Ipv4Addr peer) override {
        char a[net::ipv4_text_bytes];
        net::format_ipv4(peer, a);
        rt::print("inet: ping %s failed\n", a);
    }
    void barrier_done() override { rt::print("inet: barrier done\n"); }
    void barrier_failed(usize heard, u32 needed) override {
        rt::print("inet: barrier failed: heard %zu of %u\n", heard, unsigned(needed));
    }
    void sink_started() override { first_ = rt::instret(); }
    void sink_progress(u64 datagrams, u64 bytes) override {
        rt::print("inet: sink %lu datagrams %lu bytes in %lu instructions\n", datagrams, bytes, rt::instret() - first_);
    }

private:
    u64 first_ = 0;
};

const links::Port& first_port() {
    const auto& page = *reinterpret_cast<const links::Links*>(links::address);
    if (page.magic != links::magic || page.port_count == 0) rt::fatal("inet: no switch port on the Links page\n");
    const links::Port& port = page.ports[0];
    if (port.ring == 0 || port.ring_bytes < frame_ring::region_bytes) rt::fatal("inet: port 0 has no usable ring\n");
    return port;
}

inet::Config read_args(const startup::Info& info) {
    usize length = str_length_bounded(info.args, startup::args_bytes);
    Result<inet::Config, inet::ArgsError> config = inet::parse_args(info.args, length);
    if (config) return *config;
    inet::ArgsError e = config.error();
    char word[startup::args_bytes];
    usize n = min(e.length, sizeof word - 1);
    for (usize i = 0; i < n; ++i) word[i] = info.args[e.offset + i];
    word[n] = 0;
    rt::fatal("inet: args: %s%s%s\n", inet::describe(e.problem), n ? ": " : "", word);
}

void announce(const inet::Config& config, const net::MacAddr& mac) {
    char a[net::ipv4_text_bytes];
    net::format_ipv4(config.interface.address, a);
    char m[net::mac_text_bytes];
    net::format_mac(mac, m);
    rt::print("inet: up %s/%u mac %s\n", a, unsigned(config.interface.prefix_length), m);
}

// Malformed frames are reported at 1, 2, 4, ... so a flood shows without flooding the console.
void report_malformed(const inet::Stack& stack, u64& reported) {
    u64 n = stack.stats().malformed;
    if (n == reported) return;
    reported = n;
    if (is_power_of_two(n)) rt::print("inet: dropped %lu malformed frame(s)\n", n);
}

u8 received[frame_ring::max_frame]; // static: the process stack is small

} // namespace

int main(const startup::Info& info) {
    const links::Port& port = first_port();
    void* region = reinterpret_cast<void*>(uptr(port.ring));
    u64 signal_slot = port.signal, wait_slot = port.wait;
    net::MacAddr mac = net::MacAddr::load(port.mac);
    inet::Config config = read_args(info);
    u64 hz = info.timebase_hz ? info.timebase_hz : default_timebase_hz;

    PortLink link(region, signal_slot);
    ConsoleEvents events;
    static inet::Stack stack(config, mac, hz, link, events); // static: the process stack is small
    frame_ring::Ring rx(region, frame_ring::Direction::from_switch);
    announce(config, mac);

    u64 malformed_reported = 0;
    for (;;) {
        for (u32 i = 0; i < receive_batch; ++i) {
            frame_ring::Ring::Popped got = rx.pop(received);
            if (!got.bad && got.length == 0) break;
            if (!got.bad) stack.receive(Bytes(received, got.length));
        }
        stack.tick(rt::time());
        link.flush();
        report_malformed(stack, malformed_reported);
        if (!rx.empty()) continue;
        if (stack.timers_running()) {
            if (rt::sys::poll(wait_slot).error == Error::would_block) rt::sys::yield();
        } else if (rt::Bits b = rt::sys::wait(wait_slot); b.error != Error::ok) {
            rt::fatal("inet: waiting on the port failed: %s\n", rt::error_name(b.error));
        }
    }
}
