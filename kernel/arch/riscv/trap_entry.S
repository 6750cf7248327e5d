/* Trap entry and exit. sscratch tells where a trap came from: zero while the kernel
   runs, the current context's TrapFrame while user code (or a guest) runs. In the
   kernel, tp holds this hart's kernel::Hart, whose first words are its stack bounds.
   A trap from user mode saves the full integer state into that frame and continues
   on the hart's kernel stack (the frame names the hart it left from), which holds
   nothing between traps: the kernel is not pre-empted, so every exit to user mode
   abandons it (trap_return_to_user).
   A trap taken in the kernel (an interrupt while idle, or a kernel fault) nests on
   the current stack, unless it has no room left for a frame: then the kernel stack
   has overflowed into its guard page, and the trap is reported from a stack of its
   own (faulting again in the guard would never end). Frame layout: trap_frame.hpp. */

#define FRAME_SIZE (38 * 8)
#define SEPC    (32 * 8)
#define SSTATUS (33 * 8)
#define SCAUSE  (34 * 8)
#define STVAL   (35 * 8)
#define HART    (36 * 8)

/* kernel::Hart (hart.hpp, hart_layout) */
#define HART_STACK_TOP      0
#define HART_STACK_BOTTOM   8
#define HART_OVERFLOW_TOP   16

    .macro SAVE_GPRS base
    .irp n, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    sd      x\n, (\n * 8)(\base)
    .endr
    .endm

    .macro RESTORE_GPRS base
    .irp n, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      x\n, (\n * 8)(\base)
    .endr
    .endm

    .macro SAVE_TRAP_CSRS base
    csrr    t0, sepc
    sd      t0, SEPC(\base)
    csrr    t0, sstatus
    sd      t0, SSTATUS(\base)
    csrr    t0, scause
    sd      t0, SCAUSE(\base)
    csrr    t0, stval
    sd      t0, STVAL(\base)
    .endm

    .section .text
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   sp, sscratch, sp
    beqz    sp, from_kernel

    /* From user mode: sp is the context's frame, sscratch the user's sp. */
    SAVE_GPRS sp
    csrr    t0, sscratch
    sd      t0, (2 * 8)(sp)
    csrw    sscratch, zero
    SAVE_TRAP_CSRS sp
    mv      a0, sp
    ld      tp, HART(sp)
    ld      sp, HART_STACK_TOP(tp)
    call    trap_from_user          /* never returns: leaves through trap_return_to_user */
1:  j       1b

from_kernel:
    csrrw   sp, sscratch, zero      /* back to the kernel sp; sscratch stays zero */
    csrw    sscratch, t0            /* borrowed for the overflow check */
    ld      t0, HART_STACK_BOTTOM(tp)
    addi    t0, t0, FRAME_SIZE
    bltu    sp, t0, stack_overflow
    csrrw   t0, sscratch, zero
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS sp
    addi    t0, sp, FRAME_SIZE
    sd      t0, (2 * 8)(sp)
    SAVE_TRAP_CSRS sp
    mv      a0, sp
    call    trap_from_kernel
    /* The handler may have moved sepc (a skipped instruction). */
    ld      t0, SEPC(sp)
    csrw    sepc, t0
    ld      t0, SSTATUS(sp)
    csrw    sstatus, t0
    RESTORE_GPRS sp
    addi    sp, sp, FRAME_SIZE
    sret

stack_overflow:
    csrrw   t0, sscratch, zero
    csrw    sscratch, sp            /* the overflowed sp, for the report */
    ld      sp, HART_OVERFLOW_TOP(tp)
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS sp
    csrrw   t0, sscratch, zero
    sd      t0, (2 * 8)(sp)
    SAVE_TRAP_CSRS sp
    mv      a0, sp
    call    kernel_stack_overflow   /* never returns */
2:  j       2b

    /* trap_return_to_user(TrapFrame* frame): resume a context. */
    .globl trap_return_to_user
trap_return_to_user:
    sd      tp, HART(a0)
    ld      t0, SEPC(a0)
    csrw    sepc, t0
    ld      t0, SSTATUS(a0)
    csrw    sstatus, t0
    csrw    sscratch, a0
    mv      sp, a0
    RESTORE_GPRS sp
    ld      sp, (2 * 8)(sp)
    sret

    /* Per hart (kernel::max_harts): a guard page, then a 16 KiB kernel stack (linker.ld
       maps the stacks and leaves the guards out); in .bss, a stack for the report of
       an overflow. harts.cpp hands them out. */
    .section .kernel_stacks, "aw", @nobits
    .balign 4096
    .globl kernel_stacks
kernel_stacks:
    .space 8 * (4096 + 16384)

    .section .bss
    .balign 16
    .globl overflow_stacks
overflow_stacks:
    .space 8 * 8192
