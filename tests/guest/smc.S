/* smc.S — self-modifying code, the way a translator gets it wrong.
 *
 * Every function patched here has run before it is patched, so a JIT has
 * translated (and usually chained) it; every case then checks that the new
 * bytes, and only they, execute.  dbt promises that a store followed by a
 * jump into the stored bytes works without FENCE.I (DESIGN.md 4; Linux's
 * text patching and BPF JIT rely on it), so most cases use no FENCE.I.
 * A block that rewrites itself is in smc_self.S (QEMU does not see it).
 *
 *   1-3    a function patched, then called: with FENCE.I, without, and
 *          patched a second time.
 *   4-9    a hot loop that jumps (jal) or branches (bne) into another block
 *          on every iteration, and that block is rewritten half-way through
 *          the loop, with and without FENCE.I.
 *   10-13  a compressed instruction rewritten with sh; a 32-bit instruction
 *          at a 2 mod 4 address rewritten by two sh of its halves (after
 *          the first, the mix of both halves executes).
 *   14-15  code written byte by byte (sb) into a fresh page, called,
 *          rewritten byte by byte, called again.
 *   16-17  1000 rewrites of `addi a0, a0, k` with a new k each time, each
 *          followed by a call (direct without FENCE.I, indirect with),
 *          summing the results: a stale translation shows in the sum.
 *   18-21  a 32-bit instruction straddling a 4 KiB boundary, in the middle
 *          of a block: run, its half on the second page rewritten, the
 *          whole word rewritten by a misaligned sw across the boundary,
 *          the second half again with FENCE.I.
 */
#define TEST_AREA "smc"
#include "test.h"

/* r = the 32-bit word at label (an instruction template). */
#define LOADW(r, label) la t0, label; lwu r, 0(t0)

main:
    /* -- a patched function ---------------------------------------------- */
    CASE(1, "patched function, FENCE.I")
    call fn_a
    CHECK(a0, 1)
    call fn_a
    CHECK(a0, 1)
    LOADW(t1, w_li_a0_2)
    la t0, fn_a
    sw t1, 0(t0)
    fence.i
    call fn_a
    CHECK(a0, 2)
    CASE(2, "patched function, no FENCE.I")
    call fn_b
    CHECK(a0, 1)
    call fn_b
    CHECK(a0, 1)
    LOADW(t1, w_li_a0_3)
    la t0, fn_b
    sw t1, 0(t0)
    call fn_b
    CHECK(a0, 3)
    CASE(3, "patched again, no FENCE.I")
    LOADW(t1, w_li_a0_4)
    la t0, fn_b
    sw t1, 0(t0)
    call fn_b
    CHECK(a0, 4)

    /* -- a chained hot loop ---------------------------------------------- */
    CASE(4, "hot loop with jal into another block: warm-up")
    li a3, 0                    /* never patch */
    call fn_d_jal
    CHECK(a0, 200)
    CASE(5, "hot loop with jal: target rewritten at iteration 100")
    li a3, 100
    LOADW(a1, w_li_a0_5)
    la a2, fn_d_jal_target
    call fn_d_jal
    CHECK(a0, 100 * 1 + 100 * 5)
    CASE(6, "hot loop with jal: rewritten again at iteration 150")
    li a3, 50
    LOADW(a1, w_li_a0_7)
    la a2, fn_d_jal_target
    call fn_d_jal
    CHECK(a0, 150 * 5 + 50 * 7)
    CASE(7, "hot loop with bne into another block: warm-up")
    li a3, 0
    call fn_d_bne
    CHECK(a0, 200)
    CASE(8, "hot loop with bne: target rewritten at iteration 100")
    li a3, 100
    LOADW(a1, w_li_a0_5)
    la a2, fn_d_bne_target
    call fn_d_bne
    CHECK(a0, 100 * 1 + 100 * 5)
    CASE(9, "hot loop with jal, FENCE.I after the store")
    li a3, 0
    call fn_d_fence
    CHECK(a0, 200)
    li a3, 120
    LOADW(a1, w_li_a0_3)
    la a2, fn_d_fence_target
    call fn_d_fence
    CHECK(a0, 80 * 1 + 120 * 3)

    /* -- compressed and half-word patches -------------------------------- */
    CASE(10, "c.li rewritten with sh")
    call fn_e1
    CHECK(a0, 1)
    call fn_e1
    CHECK(a0, 1)
    la t0, h_cli_a0_7
    lhu t1, 0(t0)
    la t0, fn_e1
    sh t1, 0(t0)
    call fn_e1
    CHECK(a0, 7)
    CASE(11, "32-bit instruction at 2 mod 4: runs")
    call fn_e2
    CHECK(a0, 0x123)
    call fn_e2
    CHECK(a0, 0x123)
    CASE(12, "its low half rewritten: the mix of both halves runs")
    LOADW(s0, w_lui_a0)         /* lui a0, 0x45678 */
    la s1, fn_e2_insn
    sh s0, 0(s1)
    call fn_e2
    CHECK(a0, 0x12308000)       /* 0x1230 | 0x8537: lui a0, 0x12308 */
    CASE(13, "its high half rewritten")
    srli t1, s0, 16
    sh t1, 2(s1)
    call fn_e2
    CHECK(a0, 0x45678000)

    /* -- code written byte by byte ---------------------------------------- */
    CASE(14, "code written with sb into a fresh page")
    la a0, smc_page
    la a1, tmpl_f1
    la a2, tmpl_f1_end
    call copy_bytes
    fence.i
    call smc_page
    CHECK(a0, 0x5a53)
    call smc_page
    CHECK(a0, 0x5a53)
    CASE(15, "rewritten with sb, no FENCE.I")
    la a0, smc_page
    la a1, tmpl_f2
    la a2, tmpl_f2_end
    call copy_bytes
    call smc_page
    CHECK(a0, 0x700)

    /* -- many rewrites of one instruction ------------------------------- */
    CASE(16, "1000 rewrites of addi a0, a0, k, direct calls")
    li s0, 0
    li s1, 0
    la s2, fn_g
    LOADW(s3, w_addi_a0_a0_0)
1:  slli t1, s1, 20
    or t1, t1, s3
    sw t1, 0(s2)
    li a0, 1
    call fn_g
    add s0, s0, a0
    addi s1, s1, 1
    li t1, 1000
    bne s1, t1, 1b
    CHECK(s0, 1000 + 999 * 1000 / 2)
    CASE(17, "1000 rewrites, FENCE.I, indirect calls")
    li s0, 0
    li s1, 0
1:  li t1, 1000
    sub t1, t1, s1              /* k = 1000 - i */
    slli t1, t1, 20
    or t1, t1, s3
    sw t1, 0(s2)
    fence.i
    li a0, 2
    jalr s2
    add s0, s0, a0
    addi s1, s1, 1
    li t1, 1000
    bne s1, t1, 1b
    CHECK(s0, 2 * 1000 + 1000 * 1001 / 2)

    /* -- an instruction straddling two pages ------------------------------ */
    CASE(18, "straddling addi runs in the middle of a block")
    call fn_h
    CHECK(a0, 0x326)
    call fn_h
    CHECK(a0, 0x326)
    CASE(19, "its half on the second page rewritten, no FENCE.I")
    la s1, fn_h_insn
    li t1, 0x4560               /* addi a0, zero, 0x456 */
    sh t1, 2(s1)
    call fn_h
    CHECK(a0, 0x45b)
    CASE(20, "the whole word rewritten by a sw across the boundary")
    LOADW(t1, w_lui_a0_0x10)
    sw t1, 0(s1)
    call fn_h
    CHECK(a0, 0x10005)
    CASE(21, "the second half again, FENCE.I")
    li t1, 0x0002               /* lui a0, 0x20 */
    sh t1, 2(s1)
    fence.i
    call fn_h
    CHECK(a0, 0x20005)
    j pass

/* copy_bytes: a0 = destination, [a1, a2) = source, one byte at a time. */
copy_bytes:
1:  bgeu a1, a2, 2f
    lbu t1, 0(a1)
    sb t1, 0(a0)
    addi a0, a0, 1
    addi a1, a1, 1
    j 1b
2:  ret

/* fn_d_*: a hot loop of 200 iterations that transfers control into another
 * block each time round, adding the a0 that block sets.  When the count
 * left equals a3, it first stores the word a1 at a2.  Returns the sum. */
.macro HOT_LOOP name, how, fence
\name:
    li t2, 200                  /* t2: iterations left */
    li t3, 0                    /* t3: sum */
1:  bne t2, a3, 2f
    sw a1, 0(a2)
    .if \fence
    fence.i
    .endif
2:
    .if \how == 0
    j \name\()_target
    .else
    bnez t2, \name\()_target
    j fail
    .endif
\name\()_back:
    add t3, t3, a0
    addi t2, t2, -1
    bnez t2, 1b
    mv a0, t3
    ret
    .option push
    .option norvc
\name\()_target:
    addi a0, zero, 1
    j \name\()_back
    .option pop
.endm

/* The patched code, on pages of its own. */
    .section .text.smc, "ax"
    .balign 4096
    .option push
    .option norvc
fn_a:
    addi a0, zero, 1
    ret
fn_b:
    addi a0, zero, 1
    ret
    .option pop

    HOT_LOOP fn_d_jal, 0, 0
    HOT_LOOP fn_d_bne, 1, 0
    HOT_LOOP fn_d_fence, 0, 1

    .balign 4
fn_e1:
    c.li a0, 1
    c.jr ra
    .balign 4
fn_e2:
    c.nop
fn_e2_insn:                     /* at 2 mod 4 */
    .option push
    .option norvc
    addi a0, zero, 0x123
    .option pop
    ret

    .balign 4
    .option push
    .option norvc
fn_g:
    addi a0, a0, 0
    ret
    .option pop

/* fn_h: the addi starts in the last halfword of a page. */
    .balign 4096
    .skip 4096 - 8
fn_h:
    c.li a1, 5
    c.nop
    c.nop
fn_h_insn:
    .option push
    .option norvc
    addi a0, zero, 0x321
    .option pop
    add a0, a0, a1
    ret

    .section .rodata
    .balign 4
    .option push
    .option norvc
w_li_a0_2: addi a0, zero, 2
w_li_a0_3: addi a0, zero, 3
w_li_a0_4: addi a0, zero, 4
w_li_a0_5: addi a0, zero, 5
w_li_a0_7: addi a0, zero, 7
w_addi_a0_a0_0: addi a0, a0, 0
w_lui_a0: lui a0, 0x45678
w_lui_a0_0x10: lui a0, 0x10
tmpl_f1:
    addi a0, zero, 0x5a5
    slli a0, a0, 4
    addi a0, a0, 3
    ret
tmpl_f1_end:
tmpl_f2:
    addi a0, zero, 0x70
    slli a0, a0, 4
    ret
tmpl_f2_end:
    .option pop
h_cli_a0_7:
    c.li a0, 7

    .bss
    .balign 4096
smc_page: .skip 4096
