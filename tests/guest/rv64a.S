/* rv64a.S — the A extension on RV64 (one hart).
 *
 * lr.w/sc.w and lr.d/sc.d: an SC right after its LR succeeds (rd = 0) and
 * stores; an SC after another SC fails (rd = 1) and does not store (every SC
 * invalidates the reservation); lr.w sign-extends; a retry loop makes
 * progress.  Every AMO in .w and .d form: amoswap amoadd amoxor amoand amoor
 * amomin amomax amominu amomaxu — rd gets the old value (sign-extended for
 * .w), memory the new one, and a .w leaves the neighbouring word alone;
 * rd = x0 and rd = rs2; aq/rl variants.  A misaligned lr.w/lr.d raises load
 * address misaligned (4) with mtval = the address.  (Misaligned AMO and SC
 * are in dbt_only.S: QEMU 7.2 reports them differently from the spec.)
 */
#define TEST_AREA "rv64a"
#include "test.h"

/* Case n: memory doubleword `init`, `op rd, rs2=src, (amo_dw + off)`; rd
 * must be `old` and the doubleword afterwards `new`. */
#define TEST_AMO(n, op, old, new, init, src, off)                              \
    NAME_BEGIN(n) .ascii #op, " ", #src, " on ", #init, " at +", #off; NAME_END; \
    la a1, amo_dw; li a2, init; sd a2, 0(a1); li a3, src;                      \
    addi a1, a1, off; op a0, a3, (a1);                                         \
    CHECK(a0, old) ld a4, amo_dw; CHECK(a4, new)

main:
    /* -- LR/SC ---------------------------------------------------------- */
    CASE(1, "lr.w / sc.w succeed")
    la a1, amo_dw
    li a2, 0x1111111122222222
    sd a2, 0(a1)
    lr.w a0, (a1)
    CHECK(a0, 0x22222222)
    li a3, 0x33333333
    sc.w a4, a3, (a1)
    CHECK(a4, 0)
    ld a5, 0(a1)
    CHECK(a5, 0x1111111133333333)
    CASE(2, "sc.w after an sc.w fails with 1 and does not store")
    li a3, 0x44444444
    sc.w a4, a3, (a1)
    CHECK(a4, 1)
    ld a5, 0(a1)
    CHECK(a5, 0x1111111133333333)
    CASE(3, "lr.w sign-extends")
    li a2, 0x00000000deadbeef
    sd a2, 0(a1)
    lr.w a0, (a1)
    CHECK(a0, 0xffffffffdeadbeef)
    sc.w a4, a0, (a1)
    CHECK(a4, 0)
    CASE(4, "lr.d / sc.d succeed")
    li a2, 0x0123456789abcdef
    sd a2, 0(a1)
    lr.d a0, (a1)
    CHECK(a0, 0x0123456789abcdef)
    li a3, 0xfedcba9876543210
    sc.d a4, a3, (a1)
    CHECK(a4, 0)
    ld a5, 0(a1)
    CHECK(a5, 0xfedcba9876543210)
    CASE(5, "sc.d after an sc.d fails")
    sc.d a4, a2, (a1)
    CHECK(a4, 1)
    ld a5, 0(a1)
    CHECK(a5, 0xfedcba9876543210)
    CASE(6, "sc.w on the upper word of the doubleword")
    la a1, amo_dw
    sd zero, 0(a1)
    addi a1, a1, 4
    lr.w a0, (a1)
    li a3, -1
    sc.w a4, a3, (a1)
    CHECK(a4, 0)
    ld a5, amo_dw
    CHECK(a5, 0xffffffff00000000)
    CASE(7, "an lr/sc increment loop makes progress")
    la a1, counter
    li s0, 100
1:  lr.d a0, (a1)
    addi a0, a0, 1
    sc.d a4, a0, (a1)
    bnez a4, 1b
    addi s0, s0, -1
    bnez s0, 1b
    ld a5, counter
    CHECK(a5, 100)
    CASE(8, "aq/rl forms")
    la a1, amo_dw
    sd zero, 0(a1)
    lr.d.aq a0, (a1)
    li a3, 9
    sc.d.rl a4, a3, (a1)
    CHECK(a4, 0)
    lr.w.aqrl a0, (a1)
    li a3, 10
    sc.w.aqrl a4, a3, (a1)
    CHECK(a4, 0)
    ld a5, amo_dw
    CHECK(a5, 10)

    /* -- AMO .w: the low word (offset 0) or the high word (offset 4) -------- */
    TEST_AMO(10, amoswap.w, 0x22222222, 0x11111111aaaaaaaa, 0x1111111122222222, 0xaaaaaaaa, 0)
    TEST_AMO(11, amoswap.w, 0x11111111, 0x5555555522222222, 0x1111111122222222, 0x55555555, 4)
    TEST_AMO(12, amoadd.w, 0x7fffffff, 0x1111111180000000, 0x111111117fffffff, 1, 0)
    TEST_AMO(13, amoadd.w, 0xffffffffffffffff, 0x0000000011111111, 0xffffffff11111111, 1, 4) /* no carry out */
    TEST_AMO(14, amoxor.w, 0xfffffffff0f0f0f0, 0x00000000ffffffff, 0x00000000f0f0f0f0, 0x0f0f0f0f, 0)
    TEST_AMO(15, amoand.w, 0xffffffffff00ff00, 0x000000000f000f00, 0x00000000ff00ff00, 0x0ff00ff0, 0)
    TEST_AMO(16, amoor.w, 0x000000000ff00ff0, 0x12345678fff0fff0, 0x123456780ff00ff0, 0xff00ff00, 0)
    TEST_AMO(17, amomin.w, 0x1, 0xffffffff80000000, 0xffffffff00000001, 0x80000000, 0)
    TEST_AMO(18, amomin.w, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000, 1, 0)
    TEST_AMO(19, amomax.w, 0xffffffff80000000, 0x0000000000000001, 0x0000000080000000, 1, 0)
    TEST_AMO(20, amomax.w, 0x7fffffff, 0x000000007fffffff, 0x000000007fffffff, -1, 0)
    TEST_AMO(21, amominu.w, 0xffffffff80000000, 0x0000000000000001, 0x0000000080000000, 1, 0)
    TEST_AMO(22, amominu.w, 0x1, 0x0000000000000001, 0x0000000000000001, -1, 0)
    TEST_AMO(23, amomaxu.w, 0x1, 0x00000000ffffffff, 0x0000000000000001, -1, 0)
    TEST_AMO(24, amomaxu.w, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000, 0x7fffffff, 0)
    TEST_AMO(25, amomin.w, 0x0000000077777777, 0x0000000012345678, 0x0000000077777777, 0xabcdef0012345678, 0) /* rs2 high half ignored */

    /* -- AMO .d ------------------------------------------------------------- */
    TEST_AMO(30, amoswap.d, 0x1111111122222222, 0xaaaaaaaabbbbbbbb, 0x1111111122222222, 0xaaaaaaaabbbbbbbb, 0)
    TEST_AMO(31, amoadd.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 1, 0)
    TEST_AMO(32, amoadd.d, -1, 0, -1, 1, 0)
    TEST_AMO(33, amoxor.d, 0xf0f0f0f0f0f0f0f0, 0xffffffffffffffff, 0xf0f0f0f0f0f0f0f0, 0x0f0f0f0f0f0f0f0f, 0)
    TEST_AMO(34, amoand.d, 0xff00ff00ff00ff00, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0)
    TEST_AMO(35, amoor.d, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0)
    TEST_AMO(36, amomin.d, 1, 0x8000000000000000, 1, 0x8000000000000000, 0)
    TEST_AMO(37, amomin.d, -2, -2, -2, -1, 0)
    TEST_AMO(38, amomax.d, 0x8000000000000000, 1, 0x8000000000000000, 1, 0)
    TEST_AMO(39, amomax.d, -1, -1, -1, -2, 0)
    TEST_AMO(40, amominu.d, 0x8000000000000000, 1, 0x8000000000000000, 1, 0)
    TEST_AMO(41, amominu.d, 5, 5, 5, -1, 0)
    TEST_AMO(42, amomaxu.d, 1, 0x8000000000000000, 1, 0x8000000000000000, 0)
    TEST_AMO(43, amomaxu.d, -1, -1, -1, 0x7fffffffffffffff, 0)

    CASE(44, "amoadd.d with rd = x0 still stores")
    la a1, amo_dw
    li a2, 40
    sd a2, 0(a1)
    li a3, 2
    amoadd.d zero, a3, (a1)
    ld a5, 0(a1)
    CHECK(a5, 42)
    CASE(45, "amoswap.w with rd == rs2")
    li a2, 0x0000000100000002
    sd a2, 0(a1)
    li a3, 7
    amoswap.w a3, a3, (a1)
    CHECK(a3, 2)
    ld a5, 0(a1)
    CHECK(a5, 0x0000000100000007)
    CASE(46, "amoor.d.aqrl / amoand.w.aq / amoxor.w.rl")
    sd zero, 0(a1)
    li a3, 0xff
    amoor.d.aqrl a0, a3, (a1)
    CHECK(a0, 0)
    li a3, 0x0f
    amoand.w.aq a0, a3, (a1)
    CHECK(a0, 0xff)
    li a3, 0x3
    amoxor.w.rl a0, a3, (a1)
    CHECK(a0, 0x0f)
    ld a5, 0(a1)
    CHECK(a5, 0x0c)

    /* -- misaligned LR ----------------------------------------------------- */
    CASE(47, "misaligned lr.w: load address misaligned")
    la a1, amo_dw
    addi a1, a1, 2
    TRAP_ARM(2f)
    lr.w a0, (a1)
    j fail
2:  CHECK_CAUSE(CAUSE_MISALIGNED_LOAD)
    CHECK_TVAL_LABEL(amo_dw + 2)
    CASE(48, "misaligned lr.d (4-byte aligned)")
    la a1, amo_dw
    addi a1, a1, 4
    TRAP_ARM(3f)
    lr.d a0, (a1)
    j fail
3:  CHECK_CAUSE(CAUSE_MISALIGNED_LOAD)
    CHECK_TVAL_LABEL(amo_dw + 4)

    j pass

    .data
    .balign 16
amo_dw: .dword 0, 0
counter: .dword 0
