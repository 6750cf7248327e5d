// The kernel's output log (console_log.hpp).
#include <isok/abi.hpp>
#include <kernel/console_log.hpp>
#include <kernel/notification.hpp>

namespace kernel::console_log {
namespace {

using isok::u8;
constexpr usize size = isok::abi::console_log_bytes;

struct Log {
    char bytes[size];
    u64 head = 0; // written so far (free-running)
    u64 tail = 0; // taken so far
    u64 dropped = 0;
    u32 writer = 0;   // whose bytes the log holds last (a marker says so when it changes)
    bool told = true; // the listener has heard of every byte in the log
    bool claimed = false;
    Capability listener;
};
Log log;

} // namespace

bool claimed() { return log.claimed; }

void claim(Capability& listener, u64 badge) {
    cap_delete(log.listener);
    cap_derive(log.listener, listener, listener.rights, badge);
    log.claimed = true;
    log.told = log.head == log.tail;
}

void release() {
    log.claimed = false;
    cap_delete(log.listener);
}

namespace {
u64 room() { return size - (log.head - log.tail); }
void append(u8 byte) { log.bytes[log.head++ % size] = char(byte); }
usize marker_bytes(u32 writer) { return writer == log.writer ? 0 : isok::abi::console_log_marker_bytes; }
} // namespace

void put(u32 writer, char c) {
    if (room() < marker_bytes(writer) + 1) {
        ++log.dropped;
        return;
    }
    if (writer != log.writer) {
        append(isok::abi::console_log_writer);
        for (int shift = 0; shift < 32; shift += 8) append(u8(writer >> shift));
        log.writer = writer;
    }
    append(u8(c));
    log.told = false;
}

bool fits(u32 writer, usize n) { return room() >= marker_bytes(writer) + n; }

usize peek(char* out, usize max, u64& dropped) {
    usize n = 0;
    for (u64 at = log.tail; n < max && at != log.head; ++n, ++at) out[n] = log.bytes[at % size];
    dropped = log.dropped;
    return n;
}

void forget(usize n) {
    log.tail += isok::min<u64>(n, log.head - log.tail);
    log.dropped = 0;
}

usize take(char* out, usize max, u64& dropped) {
    usize n = peek(out, max, dropped);
    forget(n);
    return n;
}

bool tell_listener() {
    if (!log.claimed || log.told) return true;
    const Capability& n = log.listener;
    if (!n.live()) return false;
    log.told = true;
    notification_signal(static_cast<Notification&>(*n.object), n.badge);
    return true;
}

} // namespace kernel::console_log
