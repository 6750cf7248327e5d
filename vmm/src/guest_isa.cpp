// Deriving the guest's ISA string from the host's.
//
// Dropped: the H extension (no nested virtualisation), and multi-letter extensions that
// need hypervisor support the kernel does not give VS-mode. The kernel (arch/riscv
// vcpu.cpp) sets only henvcfg.STCE, so Sstc stays and these go:
//   svpbmt (henvcfg.PBMTE), svadu (henvcfg.ADUE), zicbom/zicboz (henvcfg.CBIE/CBZE),
//   ssaia (guest interrupt files; the guest gets a PLIC), sscofpmf (counter overflow
//   interrupts are not delegated), ssstateen (no hstateen), zkr (seed is M-controlled),
//   and every sh* (hypervisor) and sm* (machine-level) extension.
#include <isok/string.hpp>
#include <vmm/guest_isa.hpp>

namespace isok::vmm {
namespace {

const char* const dropped[] = {"svpbmt", "svadu", "zicbom", "zicboz", "ssaia", "sscofpmf", "ssstateen", "zkr"};

class Out {
public:
    Out(char* buffer, usize size) : buffer_(buffer), size_(size) {}
    void put(char c) {
        if (used_ + 1 < size_)
            buffer_[used_++] = c;
        else
            overflow_ = true;
    }
    void put(const char* s, usize n) {
        for (usize i = 0; i < n; ++i) put(s[i]);
    }
    bool finish() {
        if (size_ == 0) return false;
        buffer_[used_] = 0;
        return !overflow_;
    }

private:
    char* buffer_;
    usize size_;
    usize used_ = 0;
    bool overflow_ = false;
};

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return c >= 'a' && c <= 'z'; }

bool keep_extension(const char* name, usize length) {
    if (length >= 1 && name[0] == 'h') return false;
    if (length >= 2 && name[0] == 's' && (name[1] == 'h' || name[1] == 'm')) return false;
    for (const char* d : dropped)
        if (str_length(d) == length && str_starts_with(name, d)) return false;
    return true;
}

// A single letter's optional version ("2p1"): the digits, then 'p' and digits.
usize version_length(const char* s, usize at, usize end) {
    usize i = at;
    while (i < end && is_digit(s[i])) ++i;
    if (i > at && i + 1 < end && s[i] == 'p' && is_digit(s[i + 1])) {
        ++i;
        while (i < end && is_digit(s[i])) ++i;
    }
    return i - at;
}

} // namespace

bool guest_isa(const char* host_isa, usize host_max, char* out_buffer, usize out_size) {
    char isa[128];
    usize n = str_length_bounded(host_isa, min(host_max, sizeof(isa) - 1));
    for (usize i = 0; i < n; ++i) {
        isa[i] = lower(host_isa[i]);
        if (!is_letter(isa[i]) && !is_digit(isa[i]) && isa[i] != '_') return false;
    }
    isa[n] = 0;
    if (n < 5 || !(str_starts_with(isa, "rv64") || str_starts_with(isa, "rv32"))) return false;

    Out out(out_buffer, out_size);
    out.put(isa, 4);
    // Single-letter extensions (with versions) up to the first '_'.
    usize i = 4;
    while (i < n && isa[i] != '_') {
        if (!is_letter(isa[i])) return false;
        if (isa[i] == 'z' || isa[i] == 'x') break; // a multi-letter one without the '_'
        usize v = version_length(isa, i + 1, n);
        if (isa[i] != 'h') out.put(isa + i, 1 + v);
        i += 1 + v;
    }
    // Multi-letter extensions, separated by '_'.
    while (i < n) {
        if (isa[i] == '_') {
            ++i;
            continue;
        }
        usize start = i;
        while (i < n && isa[i] != '_') ++i;
        if (!keep_extension(isa + start, i - start)) continue;
        out.put('_');
        out.put(isa + start, i - start);
    }
    return out.finish();
}

} // namespace isok::vmm
