// The user page table, the U-mode program and the guest's system calls.
#include "user.hpp"

#include "console.hpp"
#include "paging.hpp"

extern "C" {
extern char __user_text_start[], __user_text_end[];
isok::u64 mini_user_enter(isok::u64 pc, isok::u64 sp, isok::u64 arg0, isok::u64 arg1);
[[noreturn]] void mini_user_leave(isok::u64 value);
}

namespace mini::user {
namespace {

using paging::pte::read;
using paging::pte::write;
using paging::pte::execute;
using paging::pte::user;

constexpr u64 text_va = 0x400000;
constexpr u64 stack_va = 0x410000;
constexpr u64 sys_add = 1, sys_exit = 2;
constexpr u64 faulted = ~u64(0); // what a run ended by a fault returns

alignas(paging::page_size) isok::u8 stack_page[paging::page_size];
paging::Space space;
bool built = false;
u64 secret = 0x5ec2e7; // a supervisor-only word the user program tries to read

struct Record {
    u64 syscalls = 0;
    u64 add_args[2] = {};
    u64 ecall_pc = 0;
    trap::Fault fault;
} record;

// The U-mode program, alone in .user_text and mapped at text_va, so it may use
// nothing outside its own page. mode 0: add 40 + 2 by system call, exit with the
// sum + 1. mode 1: exit with the word at address (a kernel page: it faults).
extern "C" [[gnu::section(".user_text"), gnu::used]] void mini_user_program(u64 mode, u64 address) {
    u64 result;
    if (mode == 0) {
        register u64 a0 asm("a0") = 40;
        register u64 a1 asm("a1") = 2;
        register u64 a7 asm("a7") = sys_add;
        asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
        result = a0 + 1;
    } else {
        result = *reinterpret_cast<volatile u64*>(address);
    }
    for (;;) {
        register u64 a0 asm("a0") = result;
        register u64 a7 asm("a7") = sys_exit;
        asm volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
    }
}

bool build(const Machine& m) {
    if (built) return true;
    u64 text = reinterpret_cast<isok::uptr>(__user_text_start);
    u64 text_size = u64(__user_text_end - __user_text_start);
    built = space.create() && paging::map_memory(space, m) &&
            space.map(text_va, text, text_size, read | execute | user) &&
            space.map(stack_va, reinterpret_cast<isok::uptr>(stack_page), paging::page_size, read | write | user);
    return built;
}

u64 run(u64 mode, u64 address) {
    record = Record{};
    u64 offset = reinterpret_cast<isok::uptr>(&mini_user_program) - reinterpret_cast<isok::uptr>(__user_text_start);
    u64 pc = text_va + offset;
    paging::activate(space.satp());
    u64 result = mini_user_enter(pc, stack_va + paging::page_size, mode, address);
    paging::activate(paging::kernel_space().satp());
    return result;
}

} // namespace

void on_trap(TrapFrame& f) {
    if (f.scause != cause::ecall_from_user) {
        record.fault = trap::Fault{true, f.scause, f.stval, f.sepc};
        mini_user_leave(faulted);
    }
    ++record.syscalls;
    record.ecall_pc = f.sepc;
    f.sepc += 4;
    u64& a0 = f.x[10];
    switch (f.x[17]) {
    case sys_add:
        record.add_args[0] = a0, record.add_args[1] = f.x[11];
        a0 = a0 + f.x[11];
        return;
    case sys_exit: mini_user_leave(a0);
    default: a0 = ~u64(0); return;
    }
}

bool check_syscall(const Machine& m) {
    if (!build(m)) return console::fail("user syscall", "cannot build the user page table");
    u64 result = run(0, 0);
    console::line("user: U-mode code at 0x%lx made %lu system calls: add(%lu, %lu), exit(%lu)", text_va,
                  record.syscalls, record.add_args[0], record.add_args[1], result);
    if (record.fault.taken)
        return console::fail("user syscall", "U-mode faulted: scause %lu stval 0x%lx sepc 0x%lx", record.fault.cause,
                             record.fault.tval, record.fault.epc);
    if (record.syscalls != 2 || record.add_args[0] != 40 || record.add_args[1] != 2 || result != 43)
        return console::fail("user syscall", "expected add(40, 2) then exit(43)");
    if (record.ecall_pc < text_va || record.ecall_pc >= text_va + paging::page_size)
        return console::fail("user syscall", "ecall came from 0x%lx, not the user text", record.ecall_pc);
    return console::pass("user syscall");
}

bool check_fault() {
    if (!built) return console::fail("user fault", "no user page table");
    u64 address = reinterpret_cast<isok::uptr>(&secret);
    u64 result = run(1, address);
    const trap::Fault& f = record.fault;
    console::line("user: U-mode load of supervisor page 0x%lx -> scause %lu stval 0x%lx", address, f.cause, f.tval);
    if (result != faulted || !f.taken) return console::fail("user fault", "the load read 0x%lx", result);
    if (f.cause != cause::load_page_fault || f.tval != address)
        return console::fail("user fault", "expected a load page fault at 0x%lx", address);
    return console::pass("user fault");
}

} // namespace mini::user
