/* Floating-point register save and restore. The kernel itself never uses the FPU, so
   this file alone is assembled with the D extension; sstatus.FS is opened around the
   accesses and closed again. */

#define SSTATUS_FS (3 << 13)

    .section .text
    .globl fpu_save_registers
fpu_save_registers:                 /* a0: FpuState* */
    li      t0, SSTATUS_FS
    csrs    sstatus, t0
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    fsd     f\n, (\n * 8)(a0)
    .endr
    frcsr   t1
    sd      t1, (32 * 8)(a0)
    csrc    sstatus, t0
    ret

    .globl fpu_restore_registers
fpu_restore_registers:              /* a0: const FpuState* */
    li      t0, SSTATUS_FS
    csrs    sstatus, t0
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    fld     f\n, (\n * 8)(a0)
    .endr
    ld      t1, (32 * 8)(a0)
    fscsr   t1
    csrc    sstatus, t0
    ret
