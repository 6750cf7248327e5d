// memcpy's algorithm, in a header so that host unit tests run the target's copy.
#pragma once
#include <isok/types.hpp>

namespace isok {

// Word at a time wherever it can: IPC copies message words, and the switch and the VMM
// copy Ethernet frames between buffers whose alignments differ (a frame follows a 12-byte
// virtio-net header in guest memory). Loads and stores are always aligned: RISC-V harts
// may trap on misaligned ones, and firmware emulating them is slower than bytes.
inline void* copy_words(void* dst, const void* src, usize n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (n >= 32) {
        for (; isok::uptr(d) & 7; --n) *d++ = *s++;
        unsigned shift = unsigned(isok::uptr(s) & 7) * 8;
        auto* dw = reinterpret_cast<u64*>(d);
        if (shift == 0) {
            auto* sw = reinterpret_cast<const u64*>(s);
            for (; n >= 32; n -= 32, dw += 4, sw += 4) {
                dw[0] = sw[0];
                dw[1] = sw[1];
                dw[2] = sw[2];
                dw[3] = sw[3];
            }
            for (; n >= 8; n -= 8) *dw++ = *sw++;
            s = reinterpret_cast<const u8*>(sw);
        } else {
            // Aligned source words, each destination word made of two of them (little
            // endian). An aligned word never crosses a page, so the extra bytes read
            // around the source are in pages the source already touches.
            auto* sw = reinterpret_cast<const u64*>(s - shift / 8);
            u64 low = *sw++;
            for (; n >= 8; n -= 8) {
                u64 high = *sw++;
                *dw++ = (low >> shift) | (high << (64 - shift));
                low = high;
            }
            s = reinterpret_cast<const u8*>(sw) - 8 + shift / 8;
        }
        d = reinterpret_cast<u8*>(dw);
    }
    while (n--) *d++ = *s++;
    return dst;
}

} // namespace isok
