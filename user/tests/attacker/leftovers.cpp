// The smaller holes: reading a domain's figures without the read right, making a
// domain destroy the domain that pays for it (and so the thread asking), and one
// memory object mapped writable at one address and executable at another.
#include "attack.hpp"

namespace attack {
namespace {

constexpr const char* name = "leftovers";
constexpr u64 scratch = 0x50000000;
constexpr u64 child_code = 0x10000;

// RV64 encodings for a four-instruction program: destroy(slot), then a load from the
// address the result names, so the result arrives as the fault address.
constexpr isok::u32 addi(unsigned rd, unsigned rs1, isok::i64 imm) {
    return isok::u32(imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
constexpr isok::u32 ecall = 0x00000073;
constexpr isok::u32 ld_zero_from_a0 = 10u << 15 | 3u << 12 | 0x03;
constexpr isok::u32 jump_to_self = 0x0000006f;
constexpr unsigned a0 = 10, a7 = 17, zero = 0;

void domain_info_needs_read() {
    u64 control_only = take_slot();
    (void)sys::cap_copy(self, self, control_only, rights::control);
    expect_refusal(name, "domain_info without read", sys::domain_info(control_only).error, Error::no_rights);
}

void no_destroying_an_ancestor() {
    u64 child = make(ObjectType::domain, 128 * 1024, 16, 100);
    // Slot 0 of the child: this domain, which pays for the child.
    (void)sys::cap_copy(self, child, 0, rights::all);
    u64 code = make(ObjectType::memory, 1);
    (void)sys::map(self, code, 0, scratch, 1, rw);
    auto* text = reinterpret_cast<volatile isok::u32*>(scratch);
    text[0] = addi(a0, zero, 0);
    text[1] = addi(a7, zero, isok::i64(isok::abi::Syscall::destroy));
    text[2] = ecall;
    text[3] = ld_zero_from_a0;
    text[4] = jump_to_self;
    (void)sys::unmap(self, scratch, 1);
    Error e = sys::map(child, code, 0, child_code, 1, rights::read | rights::execute);
    u64 handler = make(ObjectType::endpoint);
    u64 thread = take_slot();
    if (e == Error::ok) e = sys::create(ObjectType::thread, thread, child, 100);
    if (e == Error::ok) e = sys::set_registers(thread, child_code, 0x20000, 0);
    if (e == Error::ok) e = sys::set_exception_handler(thread, handler);
    if (e == Error::ok) e = sys::start(thread);
    if (e != Error::ok) isok::rt::fatal("attacker: child thread: %s\n", isok::rt::error_name(e));
    isok::rt::Received r = sys::receive(handler);
    // The child's destroy answered with an error; the fault address is that error.
    expect_refusal(name, "a child destroys the domain that pays for it", Error(r.words[2]), Error::busy);
    (void)sys::reply(isok::abi::message_info(0, 1), u64(isok::abi::ExceptionReply::kill));
}

void w_xor_x_per_memory() {
    u64 memory = make(ObjectType::memory, 1);
    (void)sys::map(self, memory, 0, scratch, 1, rw);
    expect_refusal(name, "map it executable while it is mapped writable",
                   sys::map(self, memory, 0, scratch + 0x10000, 1, rights::read | rights::execute), Error::busy);
    (void)sys::unmap(self, scratch, 1);
    expect_refusal(name, "map it executable once the writable mapping is gone",
                   sys::map(self, memory, 0, scratch + 0x10000, 1, rights::read | rights::execute), Error::ok);
    expect_refusal(name, "map it writable while it is mapped executable",
                   sys::map(self, memory, 0, scratch, 1, rw), Error::busy);
}

} // namespace

void leftovers() {
    domain_info_needs_read();
    no_destroying_an_ancestor();
    w_xor_x_per_memory();
}

} // namespace attack
