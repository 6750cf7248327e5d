// console: the console service. It owns the machine's UART ("uart", "uart.irq" from the
// root), takes the kernel's output over (console_log claim: every domain's lines, already
// prefixed with their names) and writes it onto the UART, and routes what is typed to the
// domain in focus (isok/console.hpp):
//   receive on "console" -> a notification (bit 1: the log has bytes; bit 2: the UART has
//   input) or a read call from an input (badge = its place) -> reply_receive.
// It never waits for a client: typed bytes are queued per input and the input is only
// signalled. Everything but the system calls is in isok_consoled, unit-tested on the host.
#include <consoled/console.hpp>
#include <consoled/inspector.hpp>
#include <consoled/multiplexer.hpp>
#include <consoled/shell.hpp>
#include <isok/console.hpp>
#include <isok/format.hpp>
#include <isok/rt/console.hpp>
#include <isok/rt/ipc.hpp>
#include <isok/rt/startup.hpp>
#include <isok/rt/syscall.hpp>

using namespace isok;
using rt::Error;

namespace {

constexpr u64 uart_address = 0x800000000; // the UART's register page, mapped here
constexpr u64 log_bit = 1, input_bit = 2;  // of the service's own notification

// The ns16550a, byte-wide registers as on QEMU's virt machine. The kernel set the line
// up at boot (8N1, FIFOs on) and stopped touching it when the log was claimed.
class Uart {
public:
    enum : u64 { rbr_thr = 0, ier = 1, lsr = 5 };
    static constexpr u8 lsr_data_ready = 1 << 0, lsr_thr_empty = 1 << 5, ier_rx = 1 << 0;

    void put(char c) {
        while (!(reg(lsr) & lsr_thr_empty)) {
        }
        reg(rbr_thr) = u8(c);
    }
    int get() { return (reg(lsr) & lsr_data_ready) ? reg(rbr_thr) : -1; }
    void enable_receive_interrupt() { reg(ier) = ier_rx; }

private:
    static volatile u8& reg(u64 offset) { return *reinterpret_cast<volatile u8*>(uart_address + offset); }
};

Uart uart;
u64 uart_memory = abi::no_slot;

// The screen itself: the UART, with the terminal's line ending.
class UartScreen final : public consoled::Screen {
public:
    void write(const char* text, usize length) override {
        for (usize i = 0; i < length; ++i) {
            if (text[i] == '\n') uart.put('\r');
            uart.put(text[i]);
        }
    }
};

UartScreen uart_screen;
consoled::Multiplexer screen(uart_screen);

// Moves what the kernel's log holds onto the screen: bounded per call, so that a flood
// of output cannot keep the service from typed input.
void drain_log() {
    char bytes[512];
    for (int round = 0; round < 16; ++round) {
        rt::sys::LogRead r = rt::sys::console_log_read(uart_memory, bytes, sizeof bytes);
        if (r.error != Error::ok) return;
        if (r.dropped) {
            char note[64];
            usize n = format_to(note, sizeof note, "[console] %lu bytes of output dropped\n", r.dropped);
            screen.write(consoled::Multiplexer::self, note, n);
        }
        screen.log(bytes, r.bytes);
        if (r.bytes < sizeof bytes) return;
    }
}

// The service's own words go out after everything the log held before them.
class OwnWords final : public consoled::Screen {
public:
    void write(const char* text, usize length) override {
        drain_log();
        screen.write(consoled::Multiplexer::self, text, length);
    }
};

u64 required_cap(const char* name) {
    u64 slot = rt::cap_slot(name);
    if (slot == abi::no_slot) rt::fatal("console: no capability \"%s\"\n", name);
    return slot;
}

// Creates an object in the highest free slot (the root fills them from the bottom).
u64 create_in_free_slot(abi::ObjectType type, Error& e) {
    e = Error::slot_in_use;
    for (u64 slot = rt::startup_info().cap_slots; slot-- > startup::first_grant_slot;) {
        e = rt::sys::create(type, slot, startup::self_domain_slot, 0);
        if (e == Error::ok) return slot;
        if (e != Error::slot_in_use && e != Error::bad_slot) break;
    }
    return abi::no_slot;
}

// A copy of a capability of ours in the highest free slot, as above.
u64 copy_to_free_slot(u64 from, u64 rights, u64 badge, Error& e) {
    e = Error::slot_in_use;
    for (u64 slot = rt::startup_info().cap_slots; slot-- > startup::first_grant_slot;) {
        e = rt::sys::cap_copy(from, startup::self_domain_slot, slot, rights, badge);
        if (e == Error::ok) return slot;
        if (e != Error::slot_in_use && e != Error::bad_slot) break;
    }
    return abi::no_slot;
}

// One notification, bound to this thread, hears both the log (bit 1) and the UART's
// interrupt (bit 2, through a badged copy), so that the service waits in one place.
void take_the_uart(u64 irq) {
    Error e;
    u64 n = create_in_free_slot(abi::ObjectType::notification, e);
    if (e != Error::ok) rt::fatal("console: cannot create a notification: %s\n", rt::error_name(e));
    u64 badged = copy_to_free_slot(n, abi::rights::write, input_bit, e);
    if (e != Error::ok) rt::fatal("console: cannot copy its notification: %s\n", rt::error_name(e));
    if ((e = rt::sys::bind_notification(startup::self_thread_slot, n)) != Error::ok)
        rt::fatal("console: cannot bind its notification: %s\n", rt::error_name(e));
    if ((e = rt::sys::map(startup::self_domain_slot, uart_memory, 0, uart_address, 1,
                          abi::rights::read | abi::rights::write)) != Error::ok)
        rt::fatal("console: cannot map the UART: %s\n", rt::error_name(e));
    if ((e = rt::sys::console_log_claim(uart_memory, n, log_bit)) != Error::ok)
        rt::fatal("console: the kernel does not hand the console over: %s\n", rt::error_name(e));
    // From here on the kernel writes nothing to the UART: this process owns it.
    if ((e = rt::sys::interrupt_bind(irq, badged)) != Error::ok)
        rt::print("console: cannot bind the UART's interrupt (%s): nothing typed arrives\n", rt::error_name(e));
    uart.enable_receive_interrupt();
}

// The inputs, in their order: every notification the root listed, badged with the place
// the input's calls carry.
void add_inputs(consoled::Console& console) {
    const startup::Info& own = rt::startup_info();
    for (u64 c = 0; c < own.cap_count && c < startup::max_caps; ++c) {
        const startup::Cap& cap = own.caps[c];
        if (cap.kind != startup::CapKind::notification) continue;
        if (!console.add(cap.name, cap.badge, cap.slot)) rt::print("console: input '%s' left out\n", cap.name);
    }
}

// The domains the root let the service read: every capability to a domain on the
// startup page, in its order (a VM before its VMM).
class KernelInspector final : public consoled::Inspector {
public:
    void find() {
        const startup::Info& own = rt::startup_info();
        for (u64 c = 0; c < own.cap_count && c < startup::max_caps && count_ < max_domains; ++c) {
            const startup::Cap& cap = own.caps[c];
            if (cap.kind != startup::CapKind::domain || cap.slot == startup::self_domain_slot) continue;
            index_[count_++] = u32(c);
        }
    }
    u32 count() const override { return count_; }
    const char* name(u32 i) const override { return rt::startup_info().caps[index_[i]].name; }
    bool stats(u32 i, abi::DomainStats& out) override {
        return rt::sys::domain_stats(rt::startup_info().caps[index_[i]].slot, out) == Error::ok;
    }

private:
    static constexpr u32 max_domains = startup::max_caps;
    u32 index_[max_domains] = {};
    u32 count_ = 0;
};

void take_typed(consoled::Console& console, u64 irq) {
    for (int c = uart.get(); c >= 0; c = uart.get()) console.typed(u8(c));
    (void)rt::sys::interrupt_ack(irq);
    console.tell_waiting([](consoled::Input& in) { (void)rt::sys::signal(in.signal); });
}

rt::Message answer_read(consoled::Console& console, const rt::Message& m) {
    if (m.label() != u64(console::Op::read)) return rt::Message(u64(Error::bad_argument), 0);
    u8 bytes[console::max_read];
    bool more = false;
    usize n = console.read(m.badge(), bytes, sizeof bytes, more);
    rt::Message reply(0, 1);
    reply.set_word(0, n | (more ? console::more : 0));
    (void)reply.put_bytes(1, bytes, n);
    return reply;
}

} // namespace

int main(const startup::Info&) {
    u64 endpoint = required_cap("console");
    uart_memory = required_cap("uart");
    u64 irq = required_cap("uart.irq");
    take_the_uart(irq);

    static OwnWords own_words;
    static consoled::Console console(own_words);
    static KernelInspector inspector;
    inspector.find();
    static consoled::Shell shell(console, &inspector);
    console.attach_shell(shell);
    add_inputs(console);
    console.say("%u inputs; Ctrl-] then 1-%u gives one focus, Ctrl-] 0 this control shell", console.count(),
                console.count());
    (void)console.set_focus(console.count() ? 1 : 0);

    rt::Message m;
    Error e = rt::receive(endpoint, m);
    for (;;) {
        if (e != Error::ok) rt::fatal("console: receive failed: %s\n", rt::error_name(e));
        if (m.label() == abi::notification_label && m.badge() == 0) {
            if (m.word(0) & input_bit) take_typed(console, irq);
            drain_log();
            e = rt::receive(endpoint, m);
            continue;
        }
        rt::Message reply = answer_read(console, m);
        e = rt::reply_receive(endpoint, reply);
        m = reply;
    }
}
