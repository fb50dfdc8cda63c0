/* straddle.S — accesses through one base register on both sides of a page
 * boundary (a stack frame or a struct across two pages), in a loop that
 * becomes a trace; and an instruction across a page boundary.  The base is a pointer the loop loads, so the trace
 * probes the TLB once for the first access and reuses the probe for the
 * second (jit_x64.c, "Probes done once"); the second lies on the next page
 * and must be probed out of line, not in C.  tests/28-jit.t checks that
 * through -stats (the data TLB hit rate); here the sums must be right.
 *
 *   1  3000 iterations of x = [p - 8] + [p] with p at a page boundary:
 *      3000 * (5 + 7) = 36000
 *   2  the same with a store to [p] and a load of [p - 8] (a store's probe
 *      reused by a load on the other page), adding the iteration to [p]:
 *      sum of [p - 8] + i over i < 3000 = 3000 * 5 + 2999 * 3000 / 2
 *   3  a table of 8 dwords across the boundary (4 on each page), indexed
 *      by a computed index in a loop (such a site has two probe slots,
 *      one per page): sum over i < 3000 of table[(5i + i/8) % 8], with
 *      table[k] = k + 1: every k appears 375 times, 375 * 36 = 13500
 *
 * A 32-bit `addi a0, zero, imm` whose low half (0x0513) ends page_x and
 * whose high half (imm << 4) starts the page after it: page_y1 (0x111)
 * in physical memory, page_y2 (0x222) through a remapping.  dbt gives it
 * a block of its own that checks where its high half comes from
 * (jit.c, "Straddlers"); tests/28-jit.t checks through -stats that it is
 * not interpreted each time.
 *   4  3000 calls, M-mode: 3000 * 0x111 = 819000
 *   5  Sv39, S-mode, page_x at VA_X and page_y1 after it: 1500 * 0x111;
 *      then the second page remapped to page_y2 and fenced: 1500 * 0x222
 *   6  Sv39, S-mode: page_x also at VA_X2 with page_y2 after it, page_y1
 *      after VA_X: calls through both in turn, 1500 * (0x111 + 0x222) =
 *      1500 * 0x333: one physical first half, two instructions
 */
#define TEST_AREA "straddle"
#include "test.h"
#include "vm.h"

#define VA_X 0x7fff0000
#define VA_X2 0x7ffe0000
#define X_ENTRY 0xff8 /* x_entry's offset in page_x */
/* Point the leaf PTE at address pte at label's page (clobbers t0). */
#define POINT_PTE(pte, label, flags)                                           \
    la t0, label; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, flags;        \
    sd t0, 0(pte)

main:
    CASE(1, "two loads through one base across a page boundary")
    la s1, boundary_ptr
    li s3, 3000
    li s2, 0
1:  ld t0, 0(s1)                /* t0: a pointer the loop loads */
    ld a1, -8(t0)
    ld a2, 0(t0)
    add s2, s2, a1
    add s2, s2, a2
    addi s3, s3, -1
    bnez s3, 1b
    CHECK(s2, 36000)

    CASE(2, "a store and a load through one base across a page boundary")
    li s3, 0
    li s2, 0
    li s4, 3000
1:  ld t0, 0(s1)
    sd s3, 0(t0)
    ld a1, -8(t0)
    add s2, s2, a1
    ld a2, 0(t0)
    add s2, s2, a2
    addi s3, s3, 1
    bne s3, s4, 1b
    CHECK(s2, 3000 * 5 + 2999 * 3000 / 2)

    CASE(3, "a computed index into a table across a page boundary")
    la s1, table
    li s3, 0
    li s2, 0
    li s4, 3000
1:  li t1, 5
    mul t0, s3, t1
    srli t1, s3, 3
    add t0, t0, t1
    andi t0, t0, 7
    slli t0, t0, 3
    add t0, t0, s1              /* t0: computed each iteration */
    ld a1, 0(t0)
    add s2, s2, a1
    addi s3, s3, 1
    bne s3, s4, 1b
    CHECK(s2, 13500)

    CASE(4, "a 32-bit instruction across a page boundary, 3000 runs")
    li a0, 3000
    la a1, x_entry
    li a2, 0
    call call_sum
    CHECK(a0, 3000 * 0x111)

    CASE(5, "Sv39: its second page remapped")
    li a0, LEVELS_SV39
    call vm_setup
    MAP_LABEL(VA_X, page_x, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    MAP_LABEL(VA_X + 4096, page_y1, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    mv s1, a0                   /* s1: the second page's PTE */
    IN_S(sfence.vma; li a0, 1500; li a1, VA_X + X_ENTRY; li a2, 0; call call_sum; mv s2, a0)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s2, 1500 * 0x111)
    POINT_PTE(s1, page_y2, PTE_LEAF | PTE_R | PTE_X)
    IN_S(sfence.vma; li a0, 1500; li a1, VA_X + X_ENTRY; li a2, 0; call call_sum; mv s2, a0)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s2, 1500 * 0x222)

    CASE(6, "Sv39: its first page at two addresses, second pages differing")
    POINT_PTE(s1, page_y1, PTE_LEAF | PTE_R | PTE_X)
    MAP_LABEL(VA_X2, page_x, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    MAP_LABEL(VA_X2 + 4096, page_y2, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    IN_S(sfence.vma; li a0, 1500; li a1, VA_X + X_ENTRY; li a2, VA_X2 + X_ENTRY;
         call call_sum; mv s2, a0)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s2, 1500 * 0x333)
    csrw satp, zero
    sfence.vma
    j pass

/* a0 = the sum of a0 rounds of calls to a1 and, unless 0, a2 (clobbers
 * t3-t6). */
call_sum:
    mv t6, ra
    mv t4, a0
    li t5, 0
1:  jalr a1
    add t5, t5, a0
    beqz a2, 2f
    jalr a2
    add t5, t5, a0
2:  addi t4, t4, -1
    bnez t4, 1b
    mv a0, t5
    jr t6

    .balign 4096
page_x:
    .skip X_ENTRY
x_entry:                        /* returns the immediate of the addi */
    .option push
    .option norvc
    addi a0, zero, 0            /* 0xff8 */
    .option pop
    .half 0x0001                /* 0xffc: c.nop */
    .half 0x0513                /* 0xffe: addi a0, zero, ... */
page_y1:
    .half 0x1110                /* ... 0x111 */
    .half 0x8082                /* ret */
    .balign 4096
page_y2:
    .half 0x2220                /* ... 0x222 */
    .half 0x8082                /* ret */
    .balign 4096

    .data
boundary_ptr: .dword page_b
    .balign 4096
page_a: .fill 511, 8, 0
    .dword 5                    /* the last dword of page_a */
page_b: .dword 7
    .fill 511, 8, 0
page_c: .fill 508, 8, 0
table: .dword 1, 2, 3, 4        /* the table straddles page_c and page_d */
page_d: .dword 5, 6, 7, 8
    .fill 508, 8, 0
