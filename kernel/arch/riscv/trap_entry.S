/* Trap entry and exit: saves the complete integer register state in a TrapFrame
   (layout in trap_frame.hpp), calls the C++ handler, restores and returns.
   The kernel runs with interrupts masked except where it waits, so a trap taken
   in the kernel nests on the current stack. */

#define FRAME_SIZE (36 * 8)
#define SEPC    (32 * 8)
#define SSTATUS (33 * 8)
#define SCAUSE  (34 * 8)
#define STVAL   (35 * 8)

    .macro SAVE_GPRS
    .irp n, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    sd      x\n, (\n * 8)(sp)
    .endr
    .endm

    .macro RESTORE_GPRS
    .irp n, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      x\n, (\n * 8)(sp)
    .endr
    .endm

    .section .text
    .balign 4
    .globl trap_entry
trap_entry:
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS
    addi    t0, sp, FRAME_SIZE
    sd      t0, (2 * 8)(sp)
    csrr    t0, sepc
    sd      t0, SEPC(sp)
    csrr    t0, sstatus
    sd      t0, SSTATUS(sp)
    csrr    t0, scause
    sd      t0, SCAUSE(sp)
    csrr    t0, stval
    sd      t0, STVAL(sp)

    mv      a0, sp
    call    trap_from_kernel

    /* The handler may have moved sepc (a skipped instruction) or sstatus. */
    ld      t0, SEPC(sp)
    csrw    sepc, t0
    ld      t0, SSTATUS(sp)
    csrw    sstatus, t0
    RESTORE_GPRS
    addi    sp, sp, FRAME_SIZE
    sret
