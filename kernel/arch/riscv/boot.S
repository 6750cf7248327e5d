/* Kernel entry from OpenSBI: a0 = hart id, a1 = device tree (physical), MMU off,
   running at the physical load address. Turns on paging with a static boot page
   table, moves to the kernel's link address and calls kernel_main. */

#define KERNEL_VIRT_OFFSET 0xFFFFFFFF00000000
#define PHYSMAP_BASE       0xFFFFFFC000000000
#define GIGAPAGE           0x40000000

/* Sv39 leaf PTE for a 1 GiB page: valid, accessed, dirty, global + permissions. */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define GIGA_PTE(pa, perm) ((((pa) >> 12) << 10) | (perm) | PTE_V | PTE_G | PTE_A | PTE_D)


    .section .text.boot, "ax"
    .globl _start
_start:
    csrw    sie, zero
    csrw    sscratch, zero          /* trap entry: zero means "trapped from the kernel" */
    la      t0, early_trap_spin
    csrw    stvec, t0

    /* Clear BSS at its physical address: la is PC-relative, and we run at the load address. */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, (t0)
    addi    t0, t0, 8
    j       1b
2:
    /* Boot page table: identity for the first GiB of RAM (so the next instruction
       still fetches), the kernel's link window, and a direct map of physical memory. */
    la      t0, boot_page_table
    srli    t0, t0, 12
    li      t1, 8 << 60             /* satp.MODE = Sv39 */
    or      t0, t0, t1
    sfence.vma
    csrw    satp, t0
    sfence.vma

    /* Now move PC and stack to the link address. */
    li      t1, KERNEL_VIRT_OFFSET
    la      sp, __boot_stack_top    /* hart 0's kernel stack from boot on (trap_entry.S) */
    add     sp, sp, t1
    mv      tp, zero                /* no kernel::Hart yet: kernel_entry makes hart 0's */
    la      t0, 3f
    add     t0, t0, t1
    jr      t0
3:
    call    kernel_entry            /* (hart id, dtb physical) in a0, a1 */
4:  wfi
    j       4b

    /* Another hart, started by the boot hart through SBI HSM: a0 = hart id, a1 = its
       kernel::Hart (virtual), MMU off. The same boot page table takes it to the link
       address, where it runs on its own stack with tp = its Hart. */
    .globl secondary_start
secondary_start:
    csrw    sie, zero
    csrw    sscratch, zero
    la      t0, early_trap_spin
    csrw    stvec, t0
    la      t0, boot_page_table
    srli    t0, t0, 12
    li      t1, 8 << 60
    or      t0, t0, t1
    sfence.vma
    csrw    satp, t0
    sfence.vma
    li      t1, KERNEL_VIRT_OFFSET
    la      t0, 5f
    add     t0, t0, t1
    jr      t0
5:
    mv      tp, a1
    ld      sp, 0(tp)               /* Hart::stack_top */
    mv      a0, tp
    call    secondary_entry
6:  wfi
    j       6b

    /* Before the kernel installs its trap vector nothing can be reported: wait. */
    .align 4
early_trap_spin:
    wfi
    j       early_trap_spin

    .section .data.boot_page_table, "aw"
    .balign 4096
    .globl boot_page_table
boot_page_table:
    .quad 0, 0
    .quad GIGA_PTE(0x80000000, PTE_R | PTE_W | PTE_X)      /* [2]: identity, first GiB of RAM */
    .fill 253, 8, 0                                        /* [3..255] */
    .set pa, 0
    .rept 64                                               /* [256..319]: direct map of 64 GiB */
    .quad GIGA_PTE(pa, PTE_R | PTE_W)
    .set pa, pa + GIGAPAGE
    .endr
    .fill 190, 8, 0                                        /* [320..509] */
    .quad GIGA_PTE(0x80000000, PTE_R | PTE_W | PTE_X)      /* [510]: kernel link window */
    .quad 0                                                /* [511] */
