/* Mini guest entry (the first hart and secondary ones), trap vector and the way into and
   out of U-mode. Entered in S-mode with the MMU off: a0 = hart id, a1 = device tree (physical). */

#define FRAME_SIZE   288            /* TrapFrame in trap.hpp: x[32], sepc, sstatus, scause, stval */
#define FRAME_SEPC   256
#define FRAME_STATUS 264
#define FRAME_CAUSE  272
#define FRAME_TVAL   280
#define SSTATUS_SPP  0x100
#define STACK_SIZE   16384
#define CALLEE_SAVED 112            /* ra, s0-s11, padded to 16 bytes */

    .section .text.entry, "ax"
    .globl _start
_start:
    csrw    sie, zero
    csrw    sscratch, zero          /* sscratch = 0: a trap came from S-mode */
    la      t0, mini_trap_vector
    csrw    stvec, t0

    la      t0, __bss_start         /* a flat image carries no BSS: clear it */
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  la      sp, mini_stack_top
    call    mini_main               /* (hart id, device tree) still in a0, a1 */
mini_park:
    wfi
    j       mini_park

/* A secondary hart, started with SBI HSM hart_start(hart, mini_secondary, opaque):
   a0 = hart id, a1 = opaque, which must be the top of a stack for this hart alone.
   Same trap set-up as _start, no BSS clearing (the first hart owns memory), then
   mini_secondary_main(hart id, stack top, sstatus as the hart found it: the SBI must
   start it with SIE clear). A guest that never starts a hart gets the weak one below,
   which parks it. */
    .globl  mini_secondary
mini_secondary:
    csrr    a2, sstatus
    csrw    sie, zero
    csrw    sscratch, zero
    la      t0, mini_trap_vector
    csrw    stvec, t0
    mv      sp, a1
    call    mini_secondary_main
    j       mini_park

    .weak   mini_secondary_main
mini_secondary_main:
    j       mini_park

/* Every trap: from U-mode sscratch holds the kernel stack (switch to it), from
   S-mode it is zero (stay on the current stack). Saves all registers and the trap
   CSRs in a TrapFrame and calls mini_trap(TrapFrame&), which may edit the frame. */
    .text
    .align  2
    .globl  mini_trap_vector
mini_trap_vector:
    csrrw   sp, sscratch, sp
    bnez    sp, 1f
    csrrw   sp, sscratch, sp
1:  addi    sp, sp, -FRAME_SIZE
    sd      x1, 8(sp)
    .irp    n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (\n * 8)(sp)
    .endr
    csrrw   t0, sscratch, zero      /* the interrupted sp (U-mode), or 0; in the kernel sscratch is 0 */
    bnez    t0, 2f
    addi    t0, sp, FRAME_SIZE
2:  sd      t0, 16(sp)
    csrr    t0, sepc
    sd      t0, FRAME_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, FRAME_STATUS(sp)
    csrr    t0, scause
    sd      t0, FRAME_CAUSE(sp)
    csrr    t0, stval
    sd      t0, FRAME_TVAL(sp)

    mv      a0, sp
    call    mini_trap

    ld      t0, FRAME_SEPC(sp)
    csrw    sepc, t0
    ld      t0, FRAME_STATUS(sp)
    csrw    sstatus, t0
    andi    t0, t0, SSTATUS_SPP
    bnez    t0, 3f
    addi    t0, sp, FRAME_SIZE      /* back to U-mode: its next trap lands on this stack */
    csrw    sscratch, t0
3:  ld      x1, 8(sp)
    .irp    n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (\n * 8)(sp)
    .endr
    ld      sp, 16(sp)
    sret

/* u64 mini_user_enter(u64 pc, u64 user_sp, u64 arg0, u64 arg1): runs U-mode code
   at pc with arguments (a0, a1) and the user page table already in satp, until the
   trap handler calls mini_user_leave(value); returns that value. */
    .globl  mini_user_enter
mini_user_enter:
    addi    sp, sp, -CALLEE_SAVED
    sd      ra, 0(sp)
    .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11
    sd      s\n, (8 + \n * 8)(sp)
    .endr
    la      t0, user_return_sp
    sd      sp, 0(t0)
    csrw    sscratch, sp
    csrw    sepc, a0
    li      t0, SSTATUS_SPP
    csrc    sstatus, t0
    mv      sp, a1
    mv      a0, a2
    mv      a1, a3
    sret

/* [[noreturn]] void mini_user_leave(u64 value): from the trap handler, abandons the
   U-mode context and returns value from mini_user_enter. */
    .globl  mini_user_leave
mini_user_leave:
    la      t0, user_return_sp
    ld      sp, 0(t0)
    ld      ra, 0(sp)
    .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11
    ld      s\n, (8 + \n * 8)(sp)
    .endr
    addi    sp, sp, CALLEE_SAVED
    ret

    .section .bss.stack, "aw", @nobits
    .balign 4096
mini_stack:
    .space  STACK_SIZE
    .globl  mini_stack_top
mini_stack_top:
user_return_sp:
    .space  8
