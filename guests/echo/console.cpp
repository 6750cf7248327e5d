// The three ways in and out: the UART's registers, SBI DBCN, the legacy SBI calls.
#include "console.hpp"

#include <isok/format.hpp>
#include <isok/guest/console.hpp>
#include <isok/guest/sbi.hpp>

namespace echo::console {
namespace {

using namespace isok;
namespace sbi = isok::guest::sbi;

enum class Kind { uart, dbcn, legacy };
enum : u64 { rbr_thr = 0, lsr = 5 };
constexpr u8 lsr_dr = 1 << 0, lsr_thre = 1 << 5;
constexpr u64 legacy_getchar = 0x02;
constexpr u64 dbcn_read = 1;

Kind kind = Kind::legacy;
volatile u8* uart = nullptr;
// Bytes a DBCN read returned and read() has not handed out yet. The guest runs with
// the MMU off: the buffer's address is its physical address.
u8 pending[32];
usize pending_next = 0, pending_count = 0;

void uart_put(void*, char c) {
    if (c == '\n') uart_put(nullptr, '\r');
    while (!(uart[lsr] & lsr_thre)) {
    }
    uart[rbr_thr] = u8(c);
}

} // namespace

void init(const guest::Machine& machine) {
    if (const guest::Device* d = machine.find("ns16550a")) {
        kind = Kind::uart;
        uart = reinterpret_cast<volatile u8*>(d->reg.base);
    } else {
        kind = guest::console::uses_dbcn() ? Kind::dbcn : Kind::legacy;
    }
}

const char* source() {
    constexpr const char* names[] = {"the uart", "sbi dbcn", "sbi getchar"};
    return names[u32(kind)];
}

bool read(u8& byte) {
    switch (kind) {
    case Kind::uart:
        if (!(uart[lsr] & lsr_dr)) return false;
        byte = uart[rbr_thr];
        return true;
    case Kind::dbcn:
        if (pending_next == pending_count) {
            sbi::Ret r = sbi::call(sbi::ext::dbcn, dbcn_read, sizeof pending, u64(pending));
            pending_next = 0;
            pending_count = r.error == 0 && r.value <= sizeof pending ? r.value : 0;
            if (pending_count == 0) return false;
        }
        byte = pending[pending_next++];
        return true;
    case Kind::legacy: {
        i64 c = sbi::call(legacy_getchar, 0).error; // the legacy calls return in a0 alone
        if (c < 0) return false;
        byte = u8(c);
        return true;
    }
    }
    return false;
}

void vprint(const char* fmt, __builtin_va_list args) {
    if (kind == Kind::uart) vformat(uart_put, nullptr, fmt, args);
    else guest::console::vprint("", false, fmt, args);
}

void print(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    vprint(fmt, args);
    __builtin_va_end(args);
}

} // namespace echo::console
