// The hostile guest: reads its device tree, then runs the one scenario its command
// line names ("hostile=<scenario>") and never returns from it.
#include "hostile.hpp"

#include <isok/guest/console.hpp>
#include <isok/guest/sbi.hpp>
#include <isok/string.hpp>

namespace hostile {
namespace {

namespace sbi = isok::guest::sbi;

Machine machine; // in BSS: too big for a comfortable stack frame

struct Scenario {
    const char* name;
    void (*run)(const Machine&);
};

const Scenario scenarios[] = {
    {"outside", outside},
    {"mmio-storm", mmio_storm},
    {"spin-masked", [](const Machine&) { spin_masked(); }},
    {"csr-junk", [](const Machine&) { csr_junk(); }},
    {"sbi-junk", sbi_junk},
    {"device", device},
    {"virtio-junk", virtio_junk},
    {"ipi-storm", ipi_storm},
    {"uart-mix", uart_mix},
};

} // namespace

void say(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    isok::guest::console::vprint("hostile: ", true, fmt, args);
    __builtin_va_end(args);
}

void announce(const char* fmt, ...) {
    __builtin_va_list args;
    __builtin_va_start(args, fmt);
    isok::guest::console::vprint("hostile: ", false, fmt, args);
    __builtin_va_end(args);
}

void survived() {
    say("survived");
    sbi::shutdown(true);
}

} // namespace hostile

extern "C" [[noreturn]] void mini_main(hostile::u64 hart, hostile::u64 dtb) {
    using namespace hostile;
    isok::guest::console::init();
    if (const char* why = isok::guest::read_device_tree(hart, dtb, machine)) {
        say("device tree at 0x%lx unusable: %s", dtb, why);
        sbi::shutdown(true);
    }
    char name[32] = {};
    isok::guest::arg(machine.bootargs, "hostile", name, sizeof name);
    for (const Scenario& s : scenarios) {
        if (!isok::str_equal(s.name, name)) continue;
        say("scenario %s on hart %lu: RAM 0x%lx-0x%lx, %u cpu(s), %u device(s), console through %s", s.name, hart,
            machine.ram.base, machine.ram.end(), machine.cpus, machine.device_count,
            isok::guest::console::uses_dbcn() ? "SBI DBCN" : "the legacy SBI putchar");
        s.run(machine);
    }
    say("no scenario in bootargs \"%s\": want hostile=<outside|mmio-storm|spin-masked|csr-junk|sbi-junk|device|virtio-junk|ipi-storm>",
        machine.bootargs);
    sbi::shutdown(true);
}
