/* tlb.S — what a software TLB must not remember (Sv39, S-mode).
 *
 * 1-2  MXR: a fetch from an execute-only page while MXR is set must not
 *      leave the page readable once MXR is clear.  (An emulator that keys
 *      its TLB by privilege/SUM/MXR must not take an entry's read right
 *      from the MXR of the moment it was filled: the S code context and the
 *      S data context with SUM = MXR = 0 may be one and the same set.)
 * 3-4  sfence.vma with one address inside a 2 MiB page flushes the whole
 *      page: after the leaf is pointed elsewhere and the base is fenced,
 *      another 4 KiB part of it reads the new memory.
 * 5    the same for a 1 GiB page, fenced at an address in its middle and
 *      pointed at an address without memory: the load must fault.
 */
#define TEST_AREA "tlb"
#include "test.h"
#include "vm.h"

#define L LEVELS_SV39
#define VA_XO 0x20003000
#define VA_2M 0x20200000
#define PA_2M_A 0x80400000 /* two 2 MiB-aligned RAM regions the image */
#define PA_2M_B 0x80600000 /* does not use */
#define VA_1G 0x40000000
#define PA_1G_A 0x80000000
#define MAGIC_A 0xaaaa
#define MAGIC_B 0xbbbb

/* In S-mode run the instructions; their ecall (or trap) resumes in M. */
#define IN_S(...) GOTO_PRIV(PRV_S, 8004f, 8003f); 8004: __VA_ARGS__; ecall; 8003:

main:
    li a0, L
    call vm_setup
    MAP_LABEL(VA_XO, xo_page, PTE_LEAF | PTE_X, 0, L)

    CASE(1, "MXR: S reads an execute-only page, and runs code from it")
    li a1, VA_XO
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    IN_S(ld a0, 0(a1); jalr a1)
    CHECK_CAUSE(CAUSE_ECALL_S)

    CASE(2, "MXR cleared: the execute-only page is not readable any more")
    IN_S(jalr a1; li t0, MSTATUS_MXR; csrc sstatus, t0; 10: ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_LOAD_PAGE)
    CHECK_EPC(10b)
    CHECK_TVAL(VA_XO)

    CASE(3, "a 2 MiB page reads its memory through a 4 KiB part")
    li t0, PA_2M_A + 0x5000
    li t1, MAGIC_A
    sd t1, 0(t0)
    li t0, PA_2M_B + 0x5000
    li t1, MAGIC_B
    sd t1, 0(t0)
    MAP(VA_2M, PA_2M_A, PTE_LEAF | PTE_R | PTE_W, 1, L)
    mv s1, a0                   /* s1: the leaf PTE */
    li a1, VA_2M + 0x5000
    IN_S(sfence.vma; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_A)

    CASE(4, "remapped, sfence.vma of its base flushes the other parts too")
    li t0, (PA_2M_B >> 12) << 10 | PTE_LEAF | PTE_R | PTE_W
    sd t0, 0(s1)
    li a2, VA_2M
    IN_S(sfence.vma a2; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_B)

    CASE(5, "a 1 GiB page remapped, fenced at an address in its middle")
    MAP(VA_1G, PA_1G_A, PTE_LEAF | PTE_R | PTE_W, 2, L)
    mv s1, a0
    li a1, VA_1G + PA_2M_A - PA_1G_A + 0x5000 /* reads MAGIC_A */
    IN_S(sfence.vma; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_A)
    li t0, (NO_MEMORY_0 >> 12) << 10 | PTE_LEAF | PTE_R | PTE_W
    sd t0, 0(s1)                /* now nothing is behind the same VA */
    li a2, VA_1G + 0x12345000
    IN_S(sfence.vma a2; 10: ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)
    j pass

/* One page of code that S-mode may execute but not read (without MXR). */
    .text
    .balign 4096
xo_page:
    ret
    .balign 4096
