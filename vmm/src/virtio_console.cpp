// virtio console device.
#include <vmm/virtio_console.hpp>

namespace isok::vmm {
namespace {

// struct virtio_console_config: cols u16, rows u16, max_nr_ports u32, emerg_wr u32.
// Without F_SIZE, F_MULTIPORT and F_EMERG_WRITE none of it means anything: all zero.
constexpr u64 config_size = 12;

} // namespace

bool VirtioConsole::config_read(u64 offset, u32 width, u64& value) {
    if ((width != 1 && width != 2 && width != 4) || offset % width || offset + width > config_size) return false;
    value = 0;
    return true;
}

Status<QueueError> VirtioConsole::notify(VirtioMmio& transport, u32 q) {
    if (q == transmitq) return transmit(transport);
    if (q == receiveq) return deliver(transport);
    return {};
}

Status<QueueError> VirtioConsole::transmit(VirtioMmio& transport) {
    Virtqueue& queue = *transport.queue(transmitq);
    const GuestMemory& ram = transport.ram();
    bool used = false;
    Chain chain;
    // At most one queue's worth per notification, so a guest adding buffers from other
    // harts cannot keep this exit going; the rest waits for the next notification.
    for (u32 n = 0; n < queue.size; ++n) {
        auto got = queue.pop(ram, chain);
        if (!got) return fail(got.error());
        if (!*got) break;
        char text[128];
        u64 offset = 0;
        while (u64 k = chain.read(ram, offset, text, sizeof text)) {
            console_.write(text, k);
            offset += k;
        }
        if (auto s = queue.push(ram, chain.head, 0); !s) return s;
        used = true;
    }
    if (used) transport.used_buffers(transmitq);
    return {};
}

Status<QueueError> VirtioConsole::deliver(VirtioMmio& transport) {
    Virtqueue& queue = *transport.queue(receiveq);
    const GuestMemory& ram = transport.ram();
    bool used = false;
    Chain chain;
    while (!input_.empty() && !input_.claimed() && transport.live() && queue.ready) {
        auto got = queue.pop(ram, chain);
        if (!got) return fail(got.error());
        if (!*got) break;
        u64 written = fill(ram, chain);
        if (auto s = queue.push(ram, chain.head, u32(written)); !s) return s;
        used = true;
    }
    if (used) transport.used_buffers(receiveq);
    return {};
}

// Copies input into one receive buffer; a byte leaves the input only once it is written,
// so what did not fit (or met a segment outside RAM) waits for the next buffer.
u64 VirtioConsole::fill(const GuestMemory& ram, const Chain& chain) {
    u64 written = 0;
    u8 bytes[128];
    while (usize n = input_.peek(bytes, sizeof bytes)) {
        u64 k = chain.write(ram, written, bytes, n);
        input_.skip(usize(k));
        written += k;
        if (k < n) break;
    }
    return written;
}

void VirtioConsole::input_arrived(VirtioMmio& transport) {
    if (auto s = deliver(transport); !s) transport.needs_reset(s.error());
}

} // namespace isok::vmm
