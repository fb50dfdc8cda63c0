/* smc_self.S — a block that rewrites itself.
 *
 * A store early in a straight-line block rewrites an instruction later in
 * the same block, and the NEW instruction must execute in that same run:
 * dbt promises that a store followed by execution of the stored bytes works
 * without FENCE.I (DESIGN.md 4: the running block leaves right after a
 * store that hits its own page).  Each function runs first with its store
 * aimed elsewhere, so it has been translated before it patches itself.
 *
 *   1-2    the instruction right after the store; the new code stays.
 *   3      one three instructions after the store (the ones between run).
 *   4      100 rewrites in a row, each seen at once.
 *   5      a compressed instruction right after an sh.
 *   6      a store over an instruction EARLIER in the block (already run):
 *          this run is unaffected, the next run executes the new bytes.
 *   7      a hot loop whose own block rewrites an instruction later in it
 *          on one iteration: every later iteration runs the new code.
 *
 * dbt only: the spec asks for FENCE.I here, and QEMU 7.2 (no precise SMC
 * for RISC-V) keeps running the old translation of the current block.
 */
#define TEST_AREA "smc_self"
#include "test.h"

#define LOADW(r, label) la t0, label; lwu r, 0(t0)

main:
    CASE(1, "self-modifying block: the next instruction")
    la a2, dummy
    li a1, 0
    call fn_c
    CHECK(a0, 1)
    call fn_c
    CHECK(a0, 1)
    LOADW(a1, w_li_a0_9)
    la a2, fn_c_target
    call fn_c
    CHECK(a0, 9)
    CASE(2, "self-modifying block: the new code stays")
    la a2, dummy
    call fn_c
    CHECK(a0, 9)
    CASE(3, "self-modifying block: three instructions on")
    la a2, dummy
    call fn_c2
    CHECK(a0, 1)
    CHECK(a3, 5)
    CHECK(a4, 6)
    call fn_c2
    CHECK(a0, 1)
    LOADW(a1, w_li_a0_9)
    la a2, fn_c2_target
    call fn_c2
    CHECK(a0, 9)
    CHECK(a3, 5)
    CHECK(a4, 6)
    CASE(4, "self-modifying block: 100 rewrites, each seen at once")
    li s0, 0                    /* s0: sum of the results */
    li s1, 0                    /* s1: k */
    la a2, fn_c_target
1:  LOADW(a1, w_li_a0_0)
    slli t1, s1, 20
    or a1, a1, t1               /* addi a0, zero, k */
    call fn_c
    CHECK_R(a0, s1)
    add s0, s0, a0
    addi s1, s1, 1
    li t1, 100
    bne s1, t1, 1b
    CHECK(s0, 4950)
    CASE(5, "self-modifying block: c.li after an sh")
    la a2, dummy
    call fn_c3
    CHECK(a0, 1)
    call fn_c3
    CHECK(a0, 1)
    la t0, h_cli_a0_7
    lhu a1, 0(t0)
    la a2, fn_c3_target
    call fn_c3
    CHECK(a0, 7)
    CASE(6, "a store over an earlier instruction of the running block")
    la a2, dummy
    call fn_c4
    CHECK(a0, 1)
    call fn_c4
    CHECK(a0, 1)
    LOADW(a1, w_li_a0_3)
    la a2, fn_c4
    call fn_c4
    CHECK(a0, 1)                /* the old addi had run already */
    la a2, dummy
    call fn_c4
    CHECK(a0, 3)
    CASE(7, "a hot loop rewriting its own block at iteration 60")
    li s0, 0                    /* s0: sum */
    li s1, 100                  /* s1: iterations left */
    li s2, 40                   /* patch when s1 == s2 */
    LOADW(s3, w_li_a0_4)
    la s4, dummy
    la s5, loop_target
1:  mv a2, s4                   /* the store goes to dummy ... */
    bne s1, s2, 2f
    mv a2, s5                   /* ... except once */
2:  li a0, 0
    sw s3, 0(a2)
    .option push
    .option norvc
loop_target:
    addi a0, zero, 1
    .option pop
    add s0, s0, a0
    addi s1, s1, -1
    bnez s1, 1b
    CHECK(s0, 60 * 1 + 40 * 4)
    j pass

/* fn_c*: store a1 (sw or sh) at a2, then run instructions after it. */
    .section .text.smc, "ax"
    .balign 4096
    .option push
    .option norvc
fn_c:
    sw a1, 0(a2)
fn_c_target:
    addi a0, zero, 1
    ret
fn_c2:
    sw a1, 0(a2)
    addi a3, zero, 5
    addi a4, zero, 6
fn_c2_target:
    addi a0, zero, 1
    ret
fn_c4:
    addi a0, zero, 1
    addi a3, zero, 5
    sw a1, 0(a2)
    addi a4, zero, 6
    ret
    .option pop
fn_c3:
    sh a1, 0(a2)
fn_c3_target:
    c.li a0, 1
    ret

    .section .rodata
    .balign 4
    .option push
    .option norvc
w_li_a0_0: addi a0, zero, 0
w_li_a0_3: addi a0, zero, 3
w_li_a0_4: addi a0, zero, 4
w_li_a0_9: addi a0, zero, 9
    .option pop
h_cli_a0_7:
    c.li a0, 7

    .data
    .balign 8
dummy: .dword 0
