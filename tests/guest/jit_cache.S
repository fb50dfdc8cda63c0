/* jit_cache.S — code-cache pressure: thousands of distinct blocks.
 *
 * The guest writes NFUNC = 4000 small functions into memory, function i
 * being `lui a0, i + 1; addi a0, a0, i & 0x3ff; ret` (so it returns
 * K(i) = ((i + 1) << 12) + (i & 0x3ff), all different), executes FENCE.I,
 * and calls each of them through jalr in several orders, checking every
 * result and the sum of each pass.  Under a small code cache
 * (tests/27-jit-cache.t runs it with `-jit-cache 64K` when dbt has that
 * option) the cache fills and is flushed many times, also while a hot
 * caller's block is chained into it.
 *
 *   1  ascending order          4  stride 2999 (mod 4000)
 *   2  descending order         5  function 0 between every two calls
 *   3  stride 1567 (mod 4000)   6  all rewritten (addi immediate + 1),
 *                                  FENCE.I, ascending again: K(i) + 1
 */
#define TEST_AREA "jit_cache"
#include "test.h"

#define NFUNC 4000
#define SUM_K 32778193456       /* the sum of K(i) over all i */

/* Case n: call every function once, in the order i = (j * stride + start)
 * mod NFUNC for j = 0 .. NFUNC-1 (stride may be -1), checking each result
 * against K(i) + s3; the sum must be sum. */
#define PASS(n, desc, start, stride, sum)                                      \
    CASE(n, desc) li a1, start; li a2, stride; li a3, sum; call run_pass

main:
    li s3, 0                    /* s3: what K(i) is off by */
    call write_funcs
    fence.i
    PASS(1, "ascending", 0, 1, SUM_K)
    PASS(2, "descending", NFUNC - 1, -1, SUM_K)
    PASS(3, "stride 1567", 0, 1567, SUM_K)
    PASS(4, "stride 2999", 17, 2999, SUM_K)

    CASE(5, "function 0 between every two calls")
    li s0, 0                    /* s0: sum */
    li s1, 0                    /* s1: i */
    la s2, funcs
1:  jalr s2                     /* function 0: K(0) = 0x1000 */
    CHECK(a0, 0x1000)
    add s0, s0, a0
    slli t0, s1, 4
    add t0, t0, s2
    jalr t0
    add s0, s0, a0
    addi s1, s1, 1
    li t0, NFUNC
    bne s1, t0, 1b
    CHECK(s0, SUM_K + NFUNC * 0x1000)

    CASE(6, "all rewritten, FENCE.I")
    li s3, 1
    call write_funcs
    fence.i
    li a1, 0
    li a2, 1
    li a3, SUM_K + NFUNC
    call run_pass
    j pass

/* write_funcs: function i at funcs + 16 * i, its addi immediate plus s3. */
write_funcs:
    la t0, funcs
    li t1, 0                    /* t1: i */
1:  addi t2, t1, 1
    slli t2, t2, 12
    ori t2, t2, 0x537           /* lui a0, i + 1 */
    sw t2, 0(t0)
    andi t2, t1, 0x3ff
    add t2, t2, s3
    slli t2, t2, 20
    li t3, 0x50513              /* addi a0, a0, (i & 0x3ff) + s3 */
    or t2, t2, t3
    sw t2, 4(t0)
    li t2, 0x00008067           /* ret */
    sw t2, 8(t0)
    sw zero, 12(t0)
    addi t0, t0, 16
    addi t1, t1, 1
    li t2, NFUNC
    bne t1, t2, 1b
    ret

/* run_pass: a1 = start, a2 = stride, a3 = expected sum; see PASS. */
run_pass:
    addi sp, sp, -48
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s4, 32(sp)
    li s0, 0                    /* s0: sum */
    li s1, NFUNC                /* s1: calls left */
    mv s4, a1                   /* s4: i */
1:  slli t0, s4, 4
    la t1, funcs
    add t0, t0, t1
    jalr t0
    addi t0, s4, 1              /* K(i) + s3 */
    slli t0, t0, 12
    andi t1, s4, 0x3ff
    add t0, t0, t1
    add t0, t0, s3
    CHECK_R(a0, t0)
    add s0, s0, a0
    add s4, s4, a2              /* i = (i + stride) mod NFUNC */
    li t0, NFUNC
    bltz s4, 2f
    blt s4, t0, 3f
    rem s4, s4, t0
    j 3f
2:  add s4, s4, t0
3:  addi s1, s1, -1
    bnez s1, 1b
    CHECK_R(s0, a3)
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s4, 32(sp)
    addi sp, sp, 48
    ret

    .bss
    .balign 4096
funcs: .skip NFUNC * 16
