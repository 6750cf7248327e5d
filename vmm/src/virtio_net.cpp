// virtio network device. Transmit and receive chains are checked one by one: a chain
// the guest got wrong is handed back unused and counted, and the queue goes on; only a
// broken ring (the transport's DEVICE_NEEDS_RESET) stops the device.
#include <vmm/virtio_net.hpp>

namespace isok::vmm {
namespace {

// struct virtio_net_config starts with mac[6]; the fields after it belong to features
// not offered (STATUS, MQ, MTU, ...).
constexpr u64 config_size = 6;

using virtio::net_header_bytes;

// Without offloads everything in virtio_net_hdr is zero; without MRG_RXBUF the device
// still sets num_buffers to 1 (5.1.6.4.1).
struct ReceiveHeader {
    u8 bytes[net_header_bytes] = {};
    ReceiveHeader() { bytes[virtio::net_header_num_buffers] = 1; }
};

} // namespace

bool VirtioNet::config_read(u64 offset, u32 width, u64& value) {
    if ((width != 1 && width != 2 && width != 4) || offset % width || offset + width > config_size) return false;
    MacAddress mac = backend_.mac();
    value = 0;
    for (u32 i = 0; i < width; ++i) value |= u64(mac.octet[offset + i]) << (8 * i);
    return true;
}

void VirtioNet::reset() {
    // The frame was the old driver's; the new one has not asked for anything yet.
    pending_length_ = 0;
}

Status<QueueError> VirtioNet::notify(VirtioMmio& transport, u32 q) {
    if (q == receiveq) return deliver(transport);
    if (q != transmitq) return {};
    const GuestMemory& ram = transport.ram();
    return transport.answer_chains(transmitq, [&](const Chain& chain, QueueError broken) -> u32 {
        if (broken != QueueError{})
            ++stats_.bad_transmit;
        else
            transmit_chain(ram, chain);
        return 0; // transmit buffers are only read (2.6.8)
    });
}

void VirtioNet::frames_arrived(VirtioMmio& transport) {
    if (auto s = deliver(transport); !s) transport.needs_reset(s.error());
}

// Header and frame in the device-readable part, nothing device-writable.
void VirtioNet::transmit_chain(const GuestMemory& ram, const Chain& chain) {
    u64 total = chain.readable_bytes();
    if (chain.writable_bytes() != 0 || total < net_header_bytes + ethernet::min_frame ||
        total > net_header_bytes + ethernet::max_frame) {
        ++stats_.bad_transmit;
        return;
    }
    u32 length = u32(total - net_header_bytes);
    if (chain.read(ram, net_header_bytes, outgoing_, length) != length) { // RAM checked when taken: cannot happen
        ++stats_.bad_transmit;
        return;
    }
    if (backend_.transmit(outgoing_, length))
        ++stats_.transmitted;
    else
        ++stats_.backend_dropped;
}

// The backend's next frame into pending_. A backend reports a bad frame in its ring as
// none; bounded, so a peer refilling its ring with bad frames cannot keep the VMM here.
bool VirtioNet::fetch() {
    for (u32 tries = 0; tries < 2 * Virtqueue::max_size && backend_.has_receive(); ++tries) {
        u32 length = backend_.receive(pending_);
        if (length >= ethernet::min_frame && length <= ethernet::max_frame) {
            pending_length_ = length;
            return true;
        }
    }
    return false;
}

// Writes the pending frame behind a header; false when the chain cannot hold it.
bool VirtioNet::deliver_into(const GuestMemory& ram, const Chain& chain) {
    u64 needed = net_header_bytes + u64(pending_length_);
    if (chain.readable_bytes() != 0 || chain.writable_bytes() < needed) return false;
    ReceiveHeader header;
    return chain.write(ram, 0, header.bytes, net_header_bytes) == net_header_bytes &&
           chain.write(ram, net_header_bytes, pending_, pending_length_) == pending_length_;
}

Status<QueueError> VirtioNet::deliver(VirtioMmio& transport) {
    Virtqueue* queue = transport.queue(receiveq);
    const GuestMemory& ram = transport.ram();
    if (!queue || !queue->ready || !transport.live()) return {};
    bool used = false;
    Chain chain;
    // Bounded like transmit: frames beyond one queue's worth wait for the next event.
    for (u32 n = 0; n < queue->size; ++n) {
        // A frame leaves the backend only when a buffer is there to take it.
        if (!queue->has_available(ram)) break;
        if (pending_length_ == 0 && !fetch()) break;
        auto taken = queue->take(ram, chain);
        if (!taken) return fail(taken.error());
        if (!taken->got) break;
        u32 written = 0;
        if (taken->broken == QueueError{} && deliver_into(ram, chain)) {
            written = net_header_bytes + pending_length_;
            pending_length_ = 0;
            ++stats_.received;
        } else {
            ++stats_.bad_receive;
        }
        if (auto s = queue->push(ram, chain.head, written); !s) return s;
        used = true;
    }
    if (used) transport.used_buffers(receiveq);
    return {};
}

} // namespace isok::vmm
