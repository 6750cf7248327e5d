// echo: a tiny guest OS that takes typed input. It prompts, echoes what is typed (with
// backspace), and for each line says what it heard; "poweroff" ends the VM. Between
// polls of its console it sleeps in WFI until a timer about 10 ms ahead. With "deaf=1"
// on its command line it never reads: the guest whose input piles up unread. With ip=
// (and a virtio network device) it is also a host on the network (net.hpp); "net" shows
// its counters.
#include "../mini/csr.hpp"
#include "../mini/trap.hpp"
#include "console.hpp"
#include "net.hpp"
#include "notice.hpp"

#include <isok/guest/console.hpp>
#include <isok/guest/machine.hpp>
#include <isok/guest/sbi.hpp>
#include <isok/string.hpp>

namespace {

using namespace isok;
using guest::Machine;
namespace console = echo::console;
namespace network = echo::net;
namespace csr = mini::csr;
namespace sbi = guest::sbi;

constexpr usize max_line = 200;
constexpr u64 polls_per_second = 100;
constexpr u64 fallback_timebase_hz = 10'000'000; // QEMU virt's, for a tree that names none
constexpr u64 legacy_set_timer = 0x00, legacy_shutdown = 0x08;

Machine machine;
bool has_time = false;
u64 timebase_hz = 0;
u64 poll_interval = 0;

// The line being typed: the first max_line printable bytes, and how many more came.
char text[max_line + 1];
usize length = 0;
u64 dropped = 0;
bool after_cr = false; // a '\n' right after '\r' ends nothing: CR LF is one line end
bool prompting = false; // "echo> " and the line typed so far are on the screen

// Until the next timer deadline, or any other pending enabled interrupt. sstatus.SIE is
// clear, so nothing traps: WFI returns and the next set_timer clears the pending STIP.
void sleep() {
    u64 deadline = csr::read_time() + poll_interval;
    if (has_time) sbi::set_timer(deadline);
    else sbi::call(legacy_set_timer, 0, deadline);
    csr::wait_for_interrupt();
}

[[noreturn]] void power_off() {
    console::print("echo: bye\n");
    if (sbi::probe(sbi::ext::srst)) sbi::shutdown(false);
    sbi::call(legacy_shutdown, 0);
    for (;;) csr::wait_for_interrupt();
}

void prompt() {
    console::print("echo> ");
    prompting = true;
}

void end_line() {
    console::print("\n");
    text[length] = 0;
    prompting = false;
    if (length > 0 && dropped == 0 && str_equal(text, "poweroff")) power_off();
    if (length > 0 && dropped == 0 && str_equal(text, "net")) network::report();
    else if (dropped) console::print("heard '%s' (%lu bytes dropped)\n", text, dropped);
    else if (length) console::print("heard '%s'\n", text);
    length = 0, dropped = 0;
    prompt();
}

void take(u8 c) {
    bool crlf = after_cr && c == '\n';
    after_cr = c == '\r';
    if (crlf) return;
    if (c == '\r' || c == '\n') return end_line();
    if (c == 0x7f || c == 0x08) { // erases the last byte typed, kept or dropped
        if (dropped) --dropped;
        else if (length) --length;
        else return;
        console::print("\b \b");
        return;
    }
    if (c < 0x20 || c > 0x7e) return;
    console::print("%c", char(c));
    if (length < max_line) text[length++] = char(c);
    else ++dropped;
}

} // namespace

void echo::notice(const char* fmt, ...) {
    if (prompting) console::print("\n");
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    console::vprint(fmt, args);
    __builtin_va_end(args);
    console::print("\n");
    if (!prompting) return;
    text[length] = 0;
    console::print("echo> %s", text);
}

extern "C" void mini_trap(mini::TrapFrame& f) {
    console::print("echo: unexpected trap: scause 0x%lx sepc 0x%lx stval 0x%lx\n", f.scause, f.sepc, f.stval);
    sbi::shutdown(true);
}

extern "C" [[noreturn]] void mini_main(u64 hart, u64 dtb) {
    guest::console::init();
    if (const char* why = guest::read_device_tree(hart, dtb, machine)) {
        guest::console::line("echo: device tree at 0x%lx unusable: %s", dtb, why);
        sbi::shutdown(true);
    }
    console::init(machine);
    has_time = sbi::probe(sbi::ext::time);
    timebase_hz = machine.timebase_hz ? machine.timebase_hz : fallback_timebase_hz;
    poll_interval = timebase_hz / polls_per_second;
    csr::clear_sstatus(csr::sstatus_sie);
    csr::set_sie(csr::sie_stie);
    network::init(machine, timebase_hz);

    u64 deaf = 0;
    if (guest::arg_number(machine.bootargs, "deaf", deaf) && deaf) {
        console::print("echo: deaf, reading nothing\n");
        for (;;) {
            network::poll(csr::read_time());
            sleep();
        }
    }
    // The network's first news (its pings answered) before the prompt rather than breaking
    // into it, for up to two seconds.
    for (u64 start = csr::read_time(); network::busy() && csr::read_time() - start < 2 * timebase_hz;) {
        network::poll(csr::read_time());
        sleep();
    }
    console::print("echo: ready, reading %s\n", console::source());
    prompt();
    for (;;) {
        u8 c;
        while (console::read(c)) take(c);
        network::poll(csr::read_time());
        sleep();
    }
}
