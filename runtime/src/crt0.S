/* Process entry. The loader starts the first thread with sp = startup::stack_top and
   a0 = the startup page; the loader zeroed .bss (fresh memory objects are zero). */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    lla gp, __global_pointer$
    .option pop
    andi sp, sp, -16
    mv fp, zero
    mv ra, zero
    call isok_rt_start     /* (a0 = startup page); never returns */
1:  j 1b
    .size _start, . - _start
