// A user mode inside the guest: U-mode code on its own page table that makes
// guest system calls, and is stopped by a page fault when it touches a kernel page.
#pragma once
#include "devicetree.hpp"
#include "trap.hpp"

namespace mini::user {

// A U-mode function calls into the guest kernel (ecall) and gets a value back.
bool check_syscall(const Machine& machine);
// A U-mode load from a supervisor page takes a load page fault.
bool check_fault();

// Every trap from U-mode: system calls return to it, anything else ends the run.
void on_trap(TrapFrame& frame);

} // namespace mini::user
