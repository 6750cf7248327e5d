// The control shell (shell.hpp).
#include <consoled/shell.hpp>
#include <isok/format.hpp>
#include <isok/string.hpp>

namespace consoled {
namespace {

// The next word of a line, terminated in place; "" at the end.
char* next_word(char*& p) {
    while (*p == ' ') ++p;
    char* word = p;
    while (*p && *p != ' ') ++p;
    if (*p) *p++ = 0;
    return word;
}

bool parse_place(const char* text, u32& place) {
    u64 n = 0;
    if (!isok::str_to_decimal(text, 1000, n)) return false;
    place = u32(n);
    return true;
}

} // namespace

void Shell::prompt() { console_.write("console> ", 9); }

void Shell::typed(u8 byte) {
    if (byte == '\r' || byte == '\n') {
        console_.write("\n", 1);
        line_[used_] = 0;
        used_ = 0;
        run(line_);
        if (console_.focus() == 0) prompt();
    } else if (byte == 0x7f || byte == 0x08) {
        if (used_ == 0) return;
        --used_;
        console_.write("\b \b", 3);
    } else if (byte >= 0x20 && byte < 0x7f && used_ < line_bytes) {
        line_[used_++] = char(byte);
        char c = char(byte);
        console_.write(&c, 1);
    }
}

void Shell::run(char* line) {
    char* p = line;
    const char* command = next_word(p);
    const char* argument = next_word(p);
    if (!*command) return;
    if (isok::str_equal(command, "help")) help();
    else if (isok::str_equal(command, "list")) list();
    else if (isok::str_equal(command, "focus")) focus(argument);
    else if (isok::str_equal(command, "stats")) stats(argument);
    else console_.say("unknown command '%s'; type help", command);
}

void Shell::help() {
    console_.say("help          this text");
    console_.say("list          every process and VM: state, hart, priority, memory, CPU, faults or exits;");
    console_.say("              the input column is the place focus keys use (* has focus)");
    console_.say("focus NAME|N  type to that domain (N from list; 0 is this shell)");
    console_.say("stats NAME    the kernel's counters of that domain, and what it was typed");
    console_.say("Ctrl-] then 0-9 moves focus, Ctrl-] n to the next, Ctrl-] Ctrl-] types a Ctrl-]");
}

namespace {

using isok::abi::DomainStats;

const char* state_of(const DomainStats& s) {
    if (s.threads == 0) return "ended";
    if (s.ready) return "running";
    if (s.stopped == s.threads) return "stopped";
    return "waiting";
}

u64 kib(u64 bytes) { return bytes / 1024; }

u64 exits_to_vmm(const DomainStats& s) {
    u64 n = 0;
    for (u64 e : s.exits) n += e;
    return n;
}

} // namespace

u32 Shell::find_domain(const char* name) const {
    if (!inspector_) return ~0u;
    for (u32 i = 0; i < inspector_->count(); ++i)
        if (isok::str_equal(inspector_->name(i), name)) return i;
    return ~0u;
}

// Without the kernel's figures (no domain may be inspected), the inputs alone.
void Shell::list_inputs() {
    console_.say("%2u  %s%s", 0u, "(control shell)", console_.focus() == 0 ? "  *" : "");
    for (u32 i = 1; i <= console_.count(); ++i)
        console_.say("%2u  %s%s", i, console_.input(i).name, console_.focus() == i ? "  *" : "");
}

void Shell::list_domain(u32 index) {
    const char* name = inspector_->name(index);
    u32 place = console_.find(name);
    char input[8] = "-";
    if (place) isok::format_to(input, sizeof input, "%u%s", place, console_.focus() == place ? "*" : "");
    DomainStats s{};
    if (!inspector_->stats(index, s)) {
        console_.say("%-16s %-5s %s", name, input, "(the kernel gives no figures: gone?)");
        return;
    }
    bool vm = s.kind == 1;
    console_.say("%-16s %-5s %-3s %-8s %4lu %4lu %6lu/%-6lu %8lu %s %lu", name, input, vm ? "vm" : "", state_of(s),
                 s.hart, s.priority, kib(s.budget_used), kib(s.budget_total), s.cpu_ticks, vm ? "exits" : "faults",
                 vm ? exits_to_vmm(s) + s.kernel_exits : s.faults);
}

void Shell::list() {
    if (!inspector_ || inspector_->count() == 0) return list_inputs();
    console_.say("%-16s %-5s %-3s %-8s %4s %4s %13s %8s %s", "name", "input", "", "state", "hart", "prio",
                 "memory KiB", "cpu ticks", "faults or exits");
    for (u32 i = 0; i < inspector_->count(); ++i) list_domain(i);
    console_.say("input 0 is this shell%s; focus keys: Ctrl-] and the input's number", console_.focus() == 0 ? " (*)" : "");
}

void Shell::stats_of_domain(u32 index) {
    const char* name = inspector_->name(index);
    DomainStats s{};
    if (!inspector_->stats(index, s)) {
        console_.say("%s: the kernel gives no figures (gone?)", name);
        return;
    }
    bool vm = s.kind == 1;
    console_.say("%s: %s, %lu %s (%lu running, %lu waiting, %lu stopped), hart %lu, priority %lu", name,
                 vm ? "a VM" : "a process", s.threads, vm ? "vCPUs" : "threads", s.ready, s.blocked, s.stopped, s.hart,
                 s.priority);
    console_.say("%s: memory %lu of %lu KiB, cpu %lu ticks, ipc sent %lu received %lu, interrupts %lu", name,
                 kib(s.budget_used), kib(s.budget_total), s.cpu_ticks, s.ipc_sent, s.ipc_received, s.interrupts);
    if (vm)
        console_.say("%s: exits to its VMM %lu (sbi %lu, mmio load %lu, mmio store %lu, wfi %lu, virtual instruction "
                     "%lu, other %lu), answered in the kernel %lu, exceptions handed to the guest %lu",
                     name, exits_to_vmm(s), s.exits[0], s.exits[1], s.exits[2], s.exits[3], s.exits[4], s.exits[5],
                     s.kernel_exits, s.injected);
    else
        console_.say("%s: faults %lu", name, s.faults);
}

void Shell::focus(const char* what) {
    u32 place = 0;
    if (!parse_place(what, place)) place = console_.find(what);
    if (place == 0 && !isok::str_equal(what, "0")) {
        console_.say("no input '%s'; list shows them", what);
        return;
    }
    if (!console_.set_focus(place)) console_.say("no input %u; list shows them", place);
}

void Shell::stats(const char* name) {
    u32 place = console_.find(name);
    u32 domain = find_domain(name);
    if (place == 0 && domain == ~0u) {
        console_.say("no domain '%s'; list shows them", name);
        return;
    }
    if (domain != ~0u) stats_of_domain(domain);
    if (place == 0) return;
    const InputQueue& q = console_.input(place).queue;
    console_.say("%s: typed bytes taken %lu, waiting %lu, dropped %lu", name, q.delivered(), u64(q.size()), q.dropped());
}

} // namespace consoled
