/* rv64i_mem.S — RV64I loads and stores, and self-modifying code.
 *
 * lb lh lw ld sign-extend and lbu lhu lwu zero-extend, at every aligned
 * offset of a known doubleword, with positive and negative displacements;
 * sb sh sw sd write exactly their bytes (the neighbours are checked), a
 * store followed by loads of other widths of the same bytes; a load into x0
 * is discarded.  Self-modifying code: a routine is run many times, then its
 * instruction is rewritten and fence.i makes the new one run; an
 * instruction just ahead in the same straight line is rewritten too.
 */
#define TEST_AREA "rv64i_mem"
#include "test.h"

/* Case n: `op a0, off(base)` must give want. */
#define TEST_LD(n, op, want, base, off)                                        \
    NAME_BEGIN(n) .ascii #op, " ", #base, "+", #off; NAME_END;                 \
    la a1, base; op a0, off(a1); CHECK(a0, want)
/* Case n: into a doubleword holding `init`, `op val, off` leaves `want`. */
#define TEST_ST(n, op, want, init, val, off)                                   \
    NAME_BEGIN(n) .ascii #op, " ", #val, " at +", #off; NAME_END;              \
    la a1, scratch; li a2, init; sd a2, 0(a1); li a3, val;                     \
    op a3, off(a1); ld a0, 0(a1); CHECK(a0, want)

main:
    /* -- loads of 0xfedcba9876543210 -------------------------------------- */
    TEST_LD(1, lb, 0x10, data, 0)
    TEST_LD(2, lb, 0x32, data, 1)
    TEST_LD(3, lb, 0xffffffffffffff98, data, 4)
    TEST_LD(4, lb, 0xfffffffffffffffe, data, 7)
    TEST_LD(5, lbu, 0x98, data, 4)
    TEST_LD(6, lbu, 0xfe, data, 7)
    TEST_LD(7, lh, 0x3210, data, 0)
    TEST_LD(8, lh, 0x7654, data, 2)
    TEST_LD(9, lh, 0xffffffffffffba98, data, 4)
    TEST_LD(10, lh, 0xfffffffffffffedc, data, 6)
    TEST_LD(11, lhu, 0xba98, data, 4)
    TEST_LD(12, lhu, 0xfedc, data, 6)
    TEST_LD(13, lw, 0x76543210, data, 0)
    TEST_LD(14, lw, 0xfffffffffedcba98, data, 4)
    TEST_LD(15, lwu, 0x76543210, data, 0)
    TEST_LD(16, lwu, 0xfedcba98, data, 4)
    TEST_LD(17, ld, 0xfedcba9876543210, data, 0)
    TEST_LD(18, ld, 0x0123456789abcdef, data, 8)
    /* negative displacements, from data + 16 */
    TEST_LD(19, lb, 0x01, data_end, -1)
    TEST_LD(20, lbu, 0xef, data_end, -8)
    TEST_LD(21, lh, 0x0123, data_end, -2)
    TEST_LD(22, lw, 0xffffffff89abcdef, data_end, -8)
    TEST_LD(23, lwu, 0x89abcdef, data_end, -8)
    TEST_LD(24, ld, 0xfedcba9876543210, data_end, -16)
    TEST_LD(25, lhu, 0x89ab, data_end, -6)

    /* -- stores into 0x1111111111111111 --------------------------------- */
    TEST_ST(26, sb, 0x11111111111111aa, 0x1111111111111111, 0xaa, 0)
    TEST_ST(27, sb, 0x1111111111bb1111, 0x1111111111111111, 0x55bb, 2)
    TEST_ST(28, sb, 0xcc11111111111111, 0x1111111111111111, -0x34, 7)
    TEST_ST(29, sh, 0x111111111111beef, 0x1111111111111111, 0xdeadbeef, 0)
    TEST_ST(30, sh, 0x11111111beef1111, 0x1111111111111111, 0xbeef, 2)
    TEST_ST(31, sh, 0xbeef111111111111, 0x1111111111111111, 0xbeef, 6)
    TEST_ST(32, sw, 0x11111111cafef00d, 0x1111111111111111, 0x12345678cafef00d, 0)
    TEST_ST(33, sw, 0xcafef00d11111111, 0x1111111111111111, 0xcafef00d, 4)
    TEST_ST(34, sd, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0)

    CASE(35, "stores leave the next doubleword alone")
    la a1, scratch
    li a2, 0x2222222222222222
    sd a2, 8(a1)
    li a3, -1
    sd a3, 0(a1)
    sw a3, 4(a1)
    sh a3, 6(a1)
    sb a3, 7(a1)
    ld a0, 8(a1)
    CHECK(a0, 0x2222222222222222)
    ld a0, 0(a1)
    CHECK(a0, -1)

    CASE(36, "store a word, load it back as bytes and halves")
    la a1, scratch
    li a2, 0x80ff7f01
    sw a2, 0(a1)
    lb a0, 0(a1)
    CHECK(a0, 1)
    lb a0, 1(a1)
    CHECK(a0, 0x7f)
    lb a0, 2(a1)
    CHECK(a0, -1)
    lbu a0, 3(a1)
    CHECK(a0, 0x80)
    lh a0, 2(a1)
    CHECK(a0, 0xffffffffffff80ff)
    lwu a0, 0(a1)
    CHECK(a0, 0x80ff7f01)

    CASE(37, "a load into x0 is discarded")
    la a1, data
    ld zero, 0(a1)
    lw zero, 4(a1)
    mv a0, zero
    CHECK(a0, 0)

    CASE(38, "sd with base register equal to the source")
    la a1, scratch
    sd a1, 0(a1)
    ld a0, 0(a1)
    CHECK_R(a0, a1)

    /* -- self-modifying code -------------------------------------------- */
    CASE(39, "a hot routine, rewritten, fence.i, runs the new code")
    li s0, 0
    li s1, 200                  /* hot enough for any translator */
1:  mv a0, s0
    call smc_routine            /* a0 + 1 */
    mv s0, a0
    addi s1, s1, -1
    bnez s1, 1b
    CHECK(s0, 200)
    la a1, smc_routine
    lw a2, addi_a0_a0_100
    sw a2, 0(a1)                /* now: addi a0, a0, 100 */
    fence.i
    li a0, 1
    call smc_routine
    CHECK(a0, 101)

    CASE(40, "rewrite an instruction just ahead, fence.i, run it")
    li a0, 0
    call smc_ahead
    CHECK(a0, 100)

    CASE(41, "rewrite a routine back and forth in a loop")
    li s1, 20
    li s0, 0
    la s2, smc_routine
    lw s3, addi_a0_a0_1
    lw s4, addi_a0_a0_100
2:  sw s3, 0(s2)
    fence.i
    mv a0, s0
    call smc_routine            /* +1 */
    sw s4, 0(s2)
    fence.i
    call smc_routine            /* +100 */
    mv s0, a0
    addi s1, s1, -1
    bnez s1, 2b
    CHECK(s0, 20 * 101)

    j pass

/* Data, and code that is rewritten at run time (so it lives in .data). */
    .data
    .balign 16
data:
    .dword 0xfedcba9876543210
    .dword 0x0123456789abcdef
data_end:
scratch:
    .dword 0, 0

    .option push
    .option norvc               /* 4-byte instructions to copy around */
    .balign 4
addi_a0_a0_1:
    addi a0, a0, 1
addi_a0_a0_100:
    addi a0, a0, 100

smc_routine:
    addi a0, a0, 1
    ret

/* smc_ahead: rewrites the `addi a0, a0, 1` at 1: into `addi a0, a0, 100`
 * before reaching it. */
smc_ahead:
    la t0, 1f
    lw t1, addi_a0_a0_100
    sw t1, 0(t0)
    fence.i
1:  addi a0, a0, 1
    la t0, 1b                   /* put it back for the next run */
    lw t1, addi_a0_a0_1
    sw t1, 0(t0)
    fence.i
    ret
    .option pop
