/* rvd.S — the D extension (double precision).
 *
 * fadd fsub fmul fdiv fsqrt with each static rounding mode and with frm;
 * exact fflags; the canonical NaN; fused multiply-add (single rounding, all
 * sign variants, inf * 0 + qNaN); fmin/fmax with zeros and NaNs; fsgnj*;
 * feq/flt/fle; fclass; fcvt.{w,wu,l,lu}.d rounding and saturation
 * (including values just past the 32-bit range that only rounding pushes
 * out of it); fcvt.d.{w,wu,l,lu}; conversions between single and double
 * (overflow, underflow, NaNs); fmv.x.d/fmv.d.x; fld/fsd.
 */
#define TEST_AREA "rvd"
#include "test.h"
#include "fp.h"

#define D_TINY 0x3ca0000000000000   /* 2^-53: half an ulp of 1.0 */
#define D_NTINY 0xbca0000000000000
#define D_TINY15 0x3ca8000000000000 /* 1.5 * 2^-53 */

/* fcvt.s.d: double bits in, single bits out */
#define TEST_S_D(n, rm, want, flags, a)                                        \
    NAME_BEGIN(n) .ascii "fcvt.s.d.", #rm, " ", #a; NAME_END;                  \
    li a1, a; fmv.d.x fa1, a1; fsflags zero; fcvt.s.d fa0, fa1, rm;            \
    fmv.x.w a0, fa0; ZEXT32(a0); CHECK_FP(want, flags)
/* fcvt.d.s: single bits in, double bits out */
#define TEST_D_S(n, want, flags, a)                                            \
    NAME_BEGIN(n) .ascii "fcvt.d.s ", #a; NAME_END;                            \
    li a1, a; fmv.w.x fa1, a1; fsflags zero; fcvt.d.s fa0, fa1;                \
    fmv.x.d a0, fa0; CHECK_FP(want, flags)

/* fcvt.d.w / fcvt.d.wu: exact, no rounding-mode operand */
#define TEST_D_FROMWORD(n, op, want, a)                                        \
    NAME_BEGIN(n) .ascii #op, " ", #a; NAME_END;                               \
    li a1, a; fsflags zero; op fa0, a1; fmv.x.d a0, fa0; CHECK_FP(want, 0)

main:
    /* -- rounding ------------------------------------------------------------ */
    TEST_D2(1, fadd.d, rne, D_ONE, NX, D_ONE, D_TINY)
    TEST_D2(2, fadd.d, rtz, D_ONE, NX, D_ONE, D_TINY)
    TEST_D2(3, fadd.d, rdn, D_ONE, NX, D_ONE, D_TINY)
    TEST_D2(4, fadd.d, rup, 0x3ff0000000000001, NX, D_ONE, D_TINY)
    TEST_D2(5, fadd.d, rmm, 0x3ff0000000000001, NX, D_ONE, D_TINY)
    TEST_D2(6, fadd.d, rne, D_NONE, NX, D_NONE, D_NTINY)
    TEST_D2(7, fadd.d, rdn, 0xbff0000000000001, NX, D_NONE, D_NTINY)
    TEST_D2(8, fadd.d, rup, D_NONE, NX, D_NONE, D_NTINY)
    TEST_D2(9, fadd.d, rmm, 0xbff0000000000001, NX, D_NONE, D_NTINY)
    TEST_D2(10, fadd.d, rne, 0x3ff0000000000001, NX, D_ONE, D_TINY15)
    TEST_D2(11, fadd.d, rtz, D_ONE, NX, D_ONE, D_TINY15)
    fsrmi RUP
    TEST_D2(12, fadd.d, dyn, 0x3ff0000000000001, NX, D_ONE, D_TINY)
    fsrmi RTZ
    TEST_D2(13, fadd.d, dyn, D_ONE, NX, D_ONE, D_TINY15)
    fsrmi RMM
    TEST_D2(14, fadd.d, dyn, 0xbff0000000000001, NX, D_NONE, D_NTINY)
    fsrmi RNE

    /* -- arithmetic, special values ---------------------------------------------- */
    TEST_D2(15, fadd.d, rne, D_THREE, 0, D_ONE, D_TWO)
    TEST_D2(16, fsub.d, rdn, D_NZERO, 0, D_TWO, D_TWO)
    TEST_D2(17, fsub.d, rne, D_ZERO, 0, D_TWO, D_TWO)
    TEST_D2(18, fadd.d, rne, D_QNAN, NV, D_INF, D_NINF)
    TEST_D2(19, fadd.d, rne, D_QNAN, 0, 0x7ff8000012345678, D_ONE)
    TEST_D2(20, fadd.d, rne, D_QNAN, NV, D_SNAN, D_ONE)
    TEST_D2(21, fmul.d, rne, 0x4018000000000000, 0, D_TWO, D_THREE)
    TEST_D2(22, fmul.d, rne, D_INF, OF | NX, D_MAX, D_TWO)
    TEST_D2(23, fmul.d, rtz, D_MAX, OF | NX, D_MAX, D_TWO)
    TEST_D2(24, fmul.d, rup, 0xffefffffffffffff, OF | NX, D_MAX, 0xc000000000000000)
    TEST_D2(122, fmul.d, rdn, D_NINF, OF | NX, D_MAX, 0xc000000000000000)
    TEST_D2(25, fmul.d, rne, 0x0008000000000000, 0, D_MINNORM, D_HALF)
    TEST_D2(26, fmul.d, rne, D_ZERO, UF | NX, D_MINSUB, D_HALF)
    TEST_D2(27, fmul.d, rup, D_MINSUB, UF | NX, D_MINSUB, D_HALF)
    TEST_D2(28, fmul.d, rne, D_QNAN, NV, D_ZERO, D_NINF)
    TEST_D2(29, fdiv.d, rne, 0x3fd5555555555555, NX, D_ONE, D_THREE)
    TEST_D2(30, fdiv.d, rup, 0x3fd5555555555556, NX, D_ONE, D_THREE)
    TEST_D2(31, fdiv.d, rne, D_INF, DZ, D_ONE, D_ZERO)
    TEST_D2(32, fdiv.d, rne, D_NINF, DZ, D_ONE, D_NZERO)
    TEST_D2(33, fdiv.d, rne, D_QNAN, NV, D_NZERO, D_ZERO)
    TEST_D1(34, fsqrt.d, rne, D_TWO, 0, 0x4010000000000000)
    TEST_D1(35, fsqrt.d, rne, 0x3ff6a09e667f3bcd, NX, D_TWO)     /* rounds up */
    TEST_D1(36, fsqrt.d, rtz, 0x3ff6a09e667f3bcc, NX, D_TWO)
    TEST_D1(37, fsqrt.d, rne, D_QNAN, NV, D_NINF)
    TEST_D1(38, fsqrt.d, rne, D_NZERO, 0, D_NZERO)

    /* -- fused multiply-add ------------------------------------------------------- */
    TEST_D3(39, fmadd.d, rne, 0x401c000000000000, 0, D_TWO, D_THREE, D_ONE)
    TEST_D3(40, fmsub.d, rne, 0x4014000000000000, 0, D_TWO, D_THREE, D_ONE)
    TEST_D3(41, fnmsub.d, rne, 0xc014000000000000, 0, D_TWO, D_THREE, D_ONE)
    TEST_D3(42, fnmadd.d, rne, 0xc01c000000000000, 0, D_TWO, D_THREE, D_ONE)
    /* (1 + 2^-27)^2 - (1 + 2^-26) = 2^-54 exactly */
    TEST_D3(43, fmadd.d, rne, 0x3c90000000000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000004000000)
    TEST_D3(44, fmadd.d, rne, D_QNAN, NV, D_ZERO, D_INF, D_QNAN)
    TEST_D3(45, fmsub.d, rdn, D_NZERO, 0, D_ONE, D_ONE, D_ONE)

    /* -- min/max, sign injection, compare, class ------------------------------------- */
    TEST_D2N(46, fmin.d, D_NZERO, 0, D_ZERO, D_NZERO)
    TEST_D2N(47, fmax.d, D_ZERO, 0, D_NZERO, D_ZERO)
    TEST_D2N(48, fmin.d, D_ONE, 0, D_QNAN, D_ONE)
    TEST_D2N(49, fmax.d, D_ONE, NV, D_SNAN, D_ONE)
    TEST_D2N(50, fmin.d, D_QNAN, NV, D_SNAN, D_SNAN)
    TEST_D2N(51, fmax.d, D_TWO, 0, D_NINF, D_TWO)
    TEST_D2N(52, fsgnj.d, D_NONE, 0, D_ONE, D_NZERO)
    TEST_D2N(53, fsgnjn.d, D_NONE, 0, D_ONE, D_ONE)
    TEST_D2N(54, fsgnjx.d, D_ONE, 0, D_NONE, D_NONE)
    TEST_D2N(55, fsgnj.d, 0xfff0000000000001, 0, D_SNAN, D_NONE)
    TEST_D_CMP(56, feq.d, 1, 0, D_ZERO, D_NZERO)
    TEST_D_CMP(57, feq.d, 0, 0, D_QNAN, D_QNAN)
    TEST_D_CMP(58, feq.d, 0, NV, D_ONE, D_SNAN)
    TEST_D_CMP(59, flt.d, 1, 0, D_NINF, D_NONE)
    TEST_D_CMP(60, flt.d, 0, NV, D_QNAN, D_ONE)
    TEST_D_CMP(61, fle.d, 1, 0, D_NZERO, D_ZERO)
    TEST_D_CMP(62, fle.d, 0, NV, D_ONE, D_QNAN)
    TEST_D_CLASS(63, 1 << 0, D_NINF)
    TEST_D_CLASS(64, 1 << 1, D_NONE)
    TEST_D_CLASS(65, 1 << 2, 0x800fffffffffffff)
    TEST_D_CLASS(66, 1 << 3, D_NZERO)
    TEST_D_CLASS(67, 1 << 4, D_ZERO)
    TEST_D_CLASS(68, 1 << 5, D_MINSUB)
    TEST_D_CLASS(69, 1 << 6, D_ONE)
    TEST_D_CLASS(70, 1 << 7, D_INF)
    TEST_D_CLASS(71, 1 << 8, D_SNAN)
    TEST_D_CLASS(72, 1 << 9, D_QNAN)

    /* -- double to integer ------------------------------------------------------------- */
    TEST_D_TOINT(73, fcvt.w.d, rne, 0x7fffffff, 0, 0x41dfffffffc00000)        /* 2^31 - 1 */
    TEST_D_TOINT(74, fcvt.w.d, rtz, 0x7fffffff, NX, 0x41dfffffffe00000)       /* 2^31 - 0.5 */
    TEST_D_TOINT(75, fcvt.w.d, rne, 0x7fffffff, NV, 0x41dfffffffe00000)       /* rounds out of range */
    TEST_D_TOINT(76, fcvt.w.d, rne, 0xffffffff80000000, NX, 0xc1e0000000100000) /* -2^31 - 0.5: to even */
    TEST_D_TOINT(77, fcvt.w.d, rdn, 0xffffffff80000000, NV, 0xc1e0000000100000)
    TEST_D_TOINT(78, fcvt.w.d, rtz, 0x7fffffff, NV, 0x41e65a0bc0000000)       /* 3e9 */
    TEST_D_TOINT(79, fcvt.w.d, rtz, 0x7fffffff, NV, D_QNAN)
    TEST_D_TOINT(80, fcvt.w.d, rmm, 3, NX, 0x4004000000000000)                /* 2.5 */
    TEST_D_TOINT(81, fcvt.w.d, rne, -2, NX, 0xbff8000000000000)               /* -1.5 */
    TEST_D_TOINT(82, fcvt.wu.d, rtz, 0xffffffffffffffff, 0, 0x41efffffffe00000) /* 2^32 - 1 */
    TEST_D_TOINT(83, fcvt.wu.d, rtz, 0, NV, D_NONE)
    TEST_D_TOINT(84, fcvt.wu.d, rtz, 0xffffffffffffffff, NV, D_INF)
    TEST_D_TOINT(85, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, 0x43e0000000000000) /* 2^63 */
    TEST_D_TOINT(86, fcvt.l.d, rtz, 0x8000000000000000, 0, 0xc3e0000000000000) /* -2^63 */
    TEST_D_TOINT(87, fcvt.l.d, rtz, 0x8000000000000000, NV, D_NINF)
    TEST_D_TOINT(88, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, D_SNAN)
    TEST_D_TOINT(89, fcvt.l.d, rtz, 0x0000000056bc75e2, NX, 0x41d5af1d78b58c40) /* 1455191522.84 */
    TEST_D_TOINT(90, fcvt.lu.d, rtz, 0xfffffffffffff800, 0, 0x43efffffffffffff)
    TEST_D_TOINT(91, fcvt.lu.d, rtz, 0xffffffffffffffff, NV, 0x43f0000000000000) /* 2^64 */
    TEST_D_TOINT(92, fcvt.lu.d, rtz, 0, NV, D_NONE)
    TEST_D_TOINT(93, fcvt.lu.d, rtz, 0, NX, 0xbfe0000000000000)               /* -0.5 */

    /* -- integer to double -------------------------------------------------------------- */
    TEST_D_FROMWORD(94, fcvt.d.w, D_NONE, -1)
    TEST_D_FROMWORD(95, fcvt.d.w, 0xc1e0000000000000, 0xffffffff80000000)
    TEST_D_FROMWORD(96, fcvt.d.wu, 0x41efffffffe00000, -1)
    TEST_D_FROMWORD(121, fcvt.d.w, D_THREE, 0x1234567800000003)  /* low word only */
    TEST_D_FROMINT(97, fcvt.d.l, rne, 0x4340000000000000, NX, 0x20000000000001) /* 2^53 + 1 */
    TEST_D_FROMINT(98, fcvt.d.l, rup, 0x4340000000000001, NX, 0x20000000000001)
    TEST_D_FROMINT(99, fcvt.d.l, rne, 0xc3e0000000000000, 0, 0x8000000000000000)
    TEST_D_FROMINT(100, fcvt.d.lu, rne, 0x43f0000000000000, NX, -1)
    TEST_D_FROMINT(101, fcvt.d.lu, rtz, 0x43efffffffffffff, NX, -1)

    /* -- single <-> double ---------------------------------------------------------------- */
    TEST_S_D(102, rne, 0x3eaaaaab, NX, 0x3fd5555555555555)
    TEST_S_D(103, rtz, 0x3eaaaaaa, NX, 0x3fd5555555555555)
    TEST_S_D(104, rne, S_ONE, 0, D_ONE)
    TEST_S_D(105, rne, S_INF, OF | NX, D_MAX)
    TEST_S_D(106, rtz, S_MAX, OF | NX, D_MAX)
    TEST_S_D(107, rne, S_ZERO, UF | NX, D_MINSUB)
    TEST_S_D(108, rup, S_MINSUB, UF | NX, D_MINSUB)
    TEST_S_D(109, rne, S_QNAN, 0, 0x7ff8000012345678)
    TEST_S_D(110, rne, S_QNAN, NV, D_SNAN)
    TEST_S_D(111, rne, S_NINF, 0, D_NINF)
    TEST_D_S(112, D_ONEHALF, 0, S_ONEHALF)
    TEST_D_S(113, D_QNAN, NV, S_SNAN)
    TEST_D_S(114, D_QNAN, 0, 0x7fc12345)
    TEST_D_S(115, 0x36a0000000000000, 0, S_MINSUB)        /* exact in double */
    TEST_D_S(116, D_NZERO, 0, S_NZERO)

    /* -- moves, loads, stores ----------------------------------------------------------------- */
    CASE(117, "fmv.d.x / fmv.x.d move 64 bits")
    li a1, 0x123456789abcdef0
    fmv.d.x fa1, a1
    fmv.x.d a0, fa1
    CHECK(a0, 0x123456789abcdef0)
    CASE(118, "fld / fsd")
    la a1, ddata
    fld fa1, 0(a1)
    fsd fa1, 8(a1)
    ld a0, 8(a1)
    CHECK(a0, 0x400921fb54442d18)
    fmv.x.d a0, fa1
    CHECK(a0, 0x400921fb54442d18)
    CASE(119, "fld / fsd keep NaN payloads")
    li a2, 0x7ff4000000000123
    sd a2, 0(a1)
    fld fa1, 0(a1)
    fsd fa1, 8(a1)
    ld a0, 8(a1)
    CHECK(a0, 0x7ff4000000000123)
    CASE(120, "fmv.d / fneg.d / fabs.d (fsgnj aliases)")
    li a1, 0xc000000000000000
    fmv.d.x fa1, a1
    fabs.d fa0, fa1
    fmv.x.d a0, fa0
    CHECK(a0, D_TWO)
    fneg.d fa0, fa0
    fmv.x.d a0, fa0
    CHECK(a0, 0xc000000000000000)
    fmv.d fa2, fa0
    fmv.x.d a0, fa2
    CHECK(a0, 0xc000000000000000)

    j pass

    .data
    .balign 8
ddata:
    .dword 0x400921fb54442d18   /* pi */
    .dword 0
