/* straddle.S — accesses through one base register on both sides of a page
 * boundary (a stack frame or a struct across two pages), in a loop that
 * becomes a trace.  The base is a pointer the loop loads, so the trace
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
 */
#define TEST_AREA "straddle"
#include "test.h"

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
    j pass

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
