/* rvf.S — the F extension (single precision).
 *
 * fadd fsub fmul fdiv fsqrt with every static rounding mode and with the
 * dynamic mode from frm; the exact fflags of each operation (NX, UF with
 * tininess after rounding and only when inexact, OF, DZ, NV); the
 * canonical NaN as the result of invalid operations and NaN inputs; fused
 * multiply-add with a single rounding, all four sign variants and
 * inf * 0 + qNaN raising NV; fmin/fmax with -0/+0, quiet and signaling NaNs;
 * fsgnj/fsgnjn/fsgnjx (no NaN canonicalisation); feq/flt/fle (quiet versus
 * signaling comparisons); fclass of all ten classes; fcvt.{w,wu,l,lu}.s
 * rounding and saturation; fcvt.s.{w,wu,l,lu}; fmv.x.w sign extension;
 * flw/fsw; and NaN-boxing: single results are boxed, an unboxed value (a
 * double from fld) used as a single is the canonical NaN, while fmv.x.w and
 * fsw move its low 32 bits as they are.
 */
#define TEST_AREA "rvf"
#include "test.h"
#include "fp.h"

#define S_TINY 0x33800000       /* 2^-24: half an ulp of 1.0 */
#define S_NTINY 0xb3800000
#define S_TINY15 0x33c00000     /* 1.5 * 2^-24: three quarters of an ulp */

main:
    /* -- rounding: 1 + 2^-24 is a tie; -1 - 2^-24 too ------------------------- */
    TEST_S2(1, fadd.s, rne, S_ONE, NX, S_ONE, S_TINY)
    TEST_S2(2, fadd.s, rtz, S_ONE, NX, S_ONE, S_TINY)
    TEST_S2(3, fadd.s, rdn, S_ONE, NX, S_ONE, S_TINY)
    TEST_S2(4, fadd.s, rup, 0x3f800001, NX, S_ONE, S_TINY)
    TEST_S2(5, fadd.s, rmm, 0x3f800001, NX, S_ONE, S_TINY)
    TEST_S2(6, fadd.s, rne, S_NONE, NX, S_NONE, S_NTINY)
    TEST_S2(7, fadd.s, rtz, S_NONE, NX, S_NONE, S_NTINY)
    TEST_S2(8, fadd.s, rdn, 0xbf800001, NX, S_NONE, S_NTINY)
    TEST_S2(9, fadd.s, rup, S_NONE, NX, S_NONE, S_NTINY)
    TEST_S2(10, fadd.s, rmm, 0xbf800001, NX, S_NONE, S_NTINY)
    TEST_S2(11, fadd.s, rne, 0x3f800001, NX, S_ONE, S_TINY15)
    TEST_S2(12, fadd.s, rtz, S_ONE, NX, S_ONE, S_TINY15)
    TEST_S2(13, fadd.s, rne, 0x3f800002, NX, 0x3f800001, S_TINY) /* tie to even, upward */

    /* the same through frm and the dynamic rounding mode */
    CASE(14, "fsrm RTZ")
    fsrmi RTZ
    TEST_S2(15, fadd.s, dyn, S_ONE, NX, S_ONE, S_TINY15)
    fsrmi RUP
    TEST_S2(16, fadd.s, dyn, 0x3f800001, NX, S_ONE, S_TINY)
    fsrmi RDN
    TEST_S2(17, fadd.s, dyn, 0xbf800001, NX, S_NONE, S_NTINY)
    fsrmi RMM
    TEST_S2(18, fadd.s, dyn, 0x3f800001, NX, S_ONE, S_TINY)
    fsrmi RNE
    TEST_S2(19, fadd.s, dyn, S_ONE, NX, S_ONE, S_TINY)
    TEST_S2(20, fadd.s, rne, S_ONE, NX, S_ONE, S_TINY) /* static wins over frm */
    fsrmi RUP
    TEST_S2(21, fadd.s, rne, S_ONE, NX, S_ONE, S_TINY)
    fsrmi RNE

    /* -- add, sub: exact results, zeros, infinities, NaNs ------------------------ */
    TEST_S2(22, fadd.s, rne, S_THREE, 0, S_ONE, S_TWO)
    TEST_S2(23, fsub.s, rne, S_ZERO, 0, S_ONE, S_ONE)
    TEST_S2(24, fsub.s, rdn, S_NZERO, 0, S_ONE, S_ONE)   /* x - x = -0 rounding down */
    TEST_S2(25, fadd.s, rne, S_NZERO, 0, S_NZERO, S_NZERO)
    TEST_S2(26, fadd.s, rne, S_ZERO, 0, S_ZERO, S_NZERO)
    TEST_S2(27, fadd.s, rne, S_QNAN, NV, S_INF, S_NINF)
    TEST_S2(28, fsub.s, rne, S_QNAN, NV, S_INF, S_INF)
    TEST_S2(29, fadd.s, rne, S_INF, 0, S_INF, S_MAX)
    TEST_S2(30, fadd.s, rne, S_QNAN, 0, S_ONE, S_QNAN)
    TEST_S2(31, fadd.s, rne, S_QNAN, 0, 0x7fc12345, S_ONE) /* payload not kept */
    TEST_S2(32, fadd.s, rne, S_QNAN, NV, S_SNAN, S_ONE)
    TEST_S2(33, fsub.s, rne, S_QNAN, NV, S_ONE, 0xffa00000)
    TEST_S2(34, fadd.s, rne, S_INF, OF | NX, S_MAX, S_MAX)
    TEST_S2(35, fadd.s, rtz, S_MAX, OF | NX, S_MAX, S_MAX)

    /* -- mul: overflow and underflow in every direction --------------------------- */
    TEST_S2(36, fmul.s, rne, 0x40c00000, 0, S_TWO, S_THREE)
    TEST_S2(37, fmul.s, rne, S_INF, OF | NX, S_MAX, S_TWO)
    TEST_S2(38, fmul.s, rtz, S_MAX, OF | NX, S_MAX, S_TWO)
    TEST_S2(39, fmul.s, rdn, S_MAX, OF | NX, S_MAX, S_TWO)
    TEST_S2(40, fmul.s, rup, S_INF, OF | NX, S_MAX, S_TWO)
    TEST_S2(41, fmul.s, rdn, S_NINF, OF | NX, 0xff7fffff, S_TWO)
    TEST_S2(42, fmul.s, rup, 0xff7fffff, OF | NX, 0xff7fffff, S_TWO)
    TEST_S2(43, fmul.s, rne, 0x00400000, 0, S_MINNORM, S_HALF)      /* exact subnormal: no UF */
    TEST_S2(44, fmul.s, rne, 0x00400000, UF | NX, 0x00800001, S_HALF) /* tie to even */
    TEST_S2(45, fmul.s, rup, 0x00400001, UF | NX, 0x00800001, S_HALF)
    TEST_S2(46, fmul.s, rne, S_ZERO, UF | NX, S_MINSUB, S_HALF)     /* to zero */
    TEST_S2(47, fmul.s, rup, S_MINSUB, UF | NX, S_MINSUB, S_HALF)
    TEST_S2(48, fmul.s, rne, S_QNAN, NV, S_INF, S_ZERO)
    TEST_S2(49, fmul.s, rne, S_NZERO, 0, S_NONE, S_ZERO)

    /* -- div, sqrt ------------------------------------------------------------------ */
    TEST_S2(50, fdiv.s, rne, 0x3eaaaaab, NX, S_ONE, S_THREE)
    TEST_S2(51, fdiv.s, rtz, 0x3eaaaaaa, NX, S_ONE, S_THREE)
    TEST_S2(52, fdiv.s, rdn, 0xbeaaaaab, NX, S_NONE, S_THREE)
    TEST_S2(53, fdiv.s, rne, S_INF, DZ, S_ONE, S_ZERO)
    TEST_S2(54, fdiv.s, rne, S_NINF, DZ, S_NONE, S_ZERO)
    TEST_S2(55, fdiv.s, rne, S_NINF, DZ, S_ONE, S_NZERO)
    TEST_S2(56, fdiv.s, rne, S_QNAN, NV, S_ZERO, S_ZERO)
    TEST_S2(57, fdiv.s, rne, S_QNAN, NV, S_INF, S_NINF)
    TEST_S2(58, fdiv.s, rne, S_ZERO, 0, S_ONE, S_INF)
    TEST_S2(59, fdiv.s, rne, S_INF, 0, S_INF, S_ZERO)    /* no DZ for inf / 0 */
    TEST_S1(60, fsqrt.s, rne, S_TWO, 0, 0x40800000)
    TEST_S1(61, fsqrt.s, rne, 0x3fb504f3, NX, S_TWO)
    TEST_S1(62, fsqrt.s, rup, 0x3fb504f4, NX, S_TWO)
    TEST_S1(63, fsqrt.s, rne, S_QNAN, NV, S_NONE)
    TEST_S1(64, fsqrt.s, rne, S_NZERO, 0, S_NZERO)
    TEST_S1(65, fsqrt.s, rne, S_INF, 0, S_INF)
    TEST_S1(66, fsqrt.s, rne, S_QNAN, 0, S_QNAN)
    TEST_S1(67, fsqrt.s, rne, S_QNAN, NV, S_SNAN)

    /* -- fused multiply-add ------------------------------------------------------------- */
    TEST_S3(68, fmadd.s, rne, 0x40e00000, 0, S_TWO, S_THREE, S_ONE)    /*  2*3+1 =  7 */
    TEST_S3(69, fmsub.s, rne, 0x40a00000, 0, S_TWO, S_THREE, S_ONE)    /*  2*3-1 =  5 */
    TEST_S3(70, fnmsub.s, rne, 0xc0a00000, 0, S_TWO, S_THREE, S_ONE)   /* -2*3+1 = -5 */
    TEST_S3(71, fnmadd.s, rne, 0xc0e00000, 0, S_TWO, S_THREE, S_ONE)   /* -2*3-1 = -7 */
    /* (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 exactly; rounding the product first gives 0 */
    TEST_S3(72, fmadd.s, rne, S_TINY, 0, 0x3f800800, 0x3f800800, 0xbf801000)
    TEST_S3(73, fmadd.s, rup, 0x3f800001, NX, S_ONE, S_ONE, S_TINY)
    TEST_S3(74, fmadd.s, rne, S_QNAN, NV, S_INF, S_ZERO, S_QNAN)       /* inf*0 + qNaN: NV */
    TEST_S3(75, fmadd.s, rne, S_QNAN, NV, S_INF, S_ZERO, S_ONE)
    TEST_S3(76, fmadd.s, rne, S_QNAN, 0, S_ONE, S_TWO, S_QNAN)
    TEST_S3(77, fmadd.s, rne, S_QNAN, NV, S_INF, S_ONE, S_NINF)       /* inf - inf */
    TEST_S3(78, fnmadd.s, rne, S_NZERO, 0, S_ZERO, S_ONE, S_ZERO)     /* -(0*1) - 0 = -0 */
    TEST_S3(79, fmsub.s, rne, S_ZERO, 0, S_ONE, S_ONE, S_ONE)

    /* -- fmin, fmax ------------------------------------------------------------------- */
    TEST_S2N(80, fmin.s, S_ONE, 0, S_ONE, S_TWO)
    TEST_S2N(81, fmax.s, S_TWO, 0, S_ONE, S_TWO)
    TEST_S2N(82, fmin.s, S_NZERO, 0, S_NZERO, S_ZERO)
    TEST_S2N(83, fmin.s, S_NZERO, 0, S_ZERO, S_NZERO)
    TEST_S2N(84, fmax.s, S_ZERO, 0, S_NZERO, S_ZERO)
    TEST_S2N(85, fmax.s, S_ZERO, 0, S_ZERO, S_NZERO)
    TEST_S2N(86, fmin.s, S_ONE, 0, S_QNAN, S_ONE)
    TEST_S2N(87, fmax.s, S_ONE, 0, S_ONE, S_QNAN)
    TEST_S2N(88, fmin.s, S_ONE, NV, S_SNAN, S_ONE)
    TEST_S2N(89, fmax.s, S_ONE, NV, S_ONE, S_SNAN)
    TEST_S2N(90, fmin.s, S_QNAN, 0, S_QNAN, S_QNAN)
    TEST_S2N(91, fmax.s, S_QNAN, NV, S_SNAN, S_QNAN)
    TEST_S2N(92, fmin.s, S_QNAN, 0, 0x7fc00001, 0xffc00002)  /* canonical, not a payload */
    TEST_S2N(93, fmin.s, S_NINF, 0, S_NINF, S_MAX)
    TEST_S2N(94, fmax.s, S_INF, 0, S_NINF, S_INF)

    /* -- sign injection: bits only, no flags, NaNs kept -------------------------------- */
    TEST_S2N(95, fsgnj.s, S_NONE, 0, S_ONE, 0xc0000000)
    TEST_S2N(96, fsgnj.s, S_ONE, 0, S_NONE, S_TWO)
    TEST_S2N(97, fsgnjn.s, S_ONE, 0, S_ONE, 0xc0000000)
    TEST_S2N(98, fsgnjn.s, S_NONE, 0, S_ONE, S_TWO)
    TEST_S2N(99, fsgnjx.s, S_ONE, 0, S_NONE, 0xc0000000)
    TEST_S2N(100, fsgnjx.s, S_NONE, 0, S_NONE, S_TWO)
    TEST_S2N(101, fsgnj.s, 0xff800001, 0, S_SNAN, S_NONE)
    TEST_S2N(102, fsgnjx.s, 0x7fc12345, 0, 0x7fc12345, S_ONE)

    /* -- comparisons ----------------------------------------------------------------------- */
    TEST_S_CMP(103, feq.s, 1, 0, S_ONE, S_ONE)
    TEST_S_CMP(104, feq.s, 0, 0, S_QNAN, S_ONE)   /* quiet: no NV for qNaN */
    TEST_S_CMP(105, feq.s, 0, NV, S_SNAN, S_ONE)
    TEST_S_CMP(106, feq.s, 1, 0, S_NZERO, S_ZERO)
    TEST_S_CMP(107, flt.s, 1, 0, S_ONE, S_TWO)
    TEST_S_CMP(108, flt.s, 0, 0, S_TWO, S_ONE)
    TEST_S_CMP(109, flt.s, 0, 0, S_NZERO, S_ZERO)
    TEST_S_CMP(110, flt.s, 0, NV, S_QNAN, S_ONE)  /* signaling: NV for any NaN */
    TEST_S_CMP(111, flt.s, 1, 0, S_NINF, S_INF)
    TEST_S_CMP(112, fle.s, 1, 0, S_NZERO, S_ZERO)
    TEST_S_CMP(113, fle.s, 1, 0, S_ONE, S_ONE)
    TEST_S_CMP(114, fle.s, 0, 0, S_TWO, S_ONE)
    TEST_S_CMP(115, fle.s, 0, NV, S_ONE, S_QNAN)
    TEST_S_CMP(116, fle.s, 0, NV, S_SNAN, S_SNAN)

    /* -- fclass --------------------------------------------------------------------------- */
    TEST_S_CLASS(117, 1 << 0, S_NINF)
    TEST_S_CLASS(118, 1 << 1, S_NONE)
    TEST_S_CLASS(119, 1 << 2, 0x807fffff)
    TEST_S_CLASS(120, 1 << 3, S_NZERO)
    TEST_S_CLASS(121, 1 << 4, S_ZERO)
    TEST_S_CLASS(122, 1 << 5, S_MINSUB)
    TEST_S_CLASS(123, 1 << 6, S_MINNORM)
    TEST_S_CLASS(124, 1 << 7, S_INF)
    TEST_S_CLASS(125, 1 << 8, S_SNAN)
    TEST_S_CLASS(126, 1 << 9, S_QNAN)
    TEST_S_CLASS(127, 1 << 8, 0xffbfffff)         /* negative sNaN */

    /* -- float to integer ------------------------------------------------------------------ */
    TEST_S_TOINT(128, fcvt.w.s, rne, 2, NX, S_ONEHALF)
    TEST_S_TOINT(129, fcvt.w.s, rtz, 1, NX, S_ONEHALF)
    TEST_S_TOINT(130, fcvt.w.s, rdn, 1, NX, S_ONEHALF)
    TEST_S_TOINT(131, fcvt.w.s, rup, 2, NX, S_ONEHALF)
    TEST_S_TOINT(132, fcvt.w.s, rmm, 2, NX, S_ONEHALF)
    TEST_S_TOINT(133, fcvt.w.s, rne, 2, NX, 0x40200000)      /* 2.5: to even */
    TEST_S_TOINT(134, fcvt.w.s, rmm, 3, NX, 0x40200000)      /* 2.5: away */
    TEST_S_TOINT(135, fcvt.w.s, rne, -2, NX, 0xbfc00000)     /* -1.5 */
    TEST_S_TOINT(136, fcvt.w.s, rtz, -1, NX, 0xbfc00000)
    TEST_S_TOINT(137, fcvt.w.s, rdn, -2, NX, 0xbfc00000)
    TEST_S_TOINT(138, fcvt.w.s, rup, -1, NX, 0xbfc00000)
    TEST_S_TOINT(139, fcvt.w.s, rmm, -2, NX, 0xbfc00000)
    TEST_S_TOINT(140, fcvt.w.s, rtz, 0x7fffffff, NV, S_QNAN)
    TEST_S_TOINT(141, fcvt.w.s, rtz, 0x7fffffff, NV, S_INF)
    TEST_S_TOINT(142, fcvt.w.s, rtz, 0xffffffff80000000, NV, S_NINF)
    TEST_S_TOINT(143, fcvt.w.s, rtz, 0x7fffffff, NV, 0x4f32d05e)          /* 3e9 */
    TEST_S_TOINT(144, fcvt.w.s, rtz, 0xffffffff80000000, NV, 0xcf32d05e)  /* -3e9 */
    TEST_S_TOINT(145, fcvt.w.s, rtz, 0xffffffff80000000, 0, 0xcf000000)   /* -2^31 */
    TEST_S_TOINT(146, fcvt.wu.s, rtz, 0, NV, S_NONE)
    TEST_S_TOINT(147, fcvt.wu.s, rtz, 0, NX, 0xbf000000)                  /* -0.5 rounds to 0 */
    TEST_S_TOINT(148, fcvt.wu.s, rtz, 0xffffffffee6b2800, 0, 0x4f6e6b28)  /* 4e9, sign-extended */
    TEST_S_TOINT(149, fcvt.wu.s, rtz, 0xffffffffffffffff, NV, S_QNAN)
    TEST_S_TOINT(150, fcvt.wu.s, rtz, 0xffffffffffffffff, NV, 0x4f9502f9) /* 5e9 */
    TEST_S_TOINT(151, fcvt.wu.s, rtz, 0, NV, S_NINF)
    TEST_S_TOINT(152, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, S_QNAN)
    TEST_S_TOINT(153, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, S_INF)
    TEST_S_TOINT(154, fcvt.l.s, rtz, 0x8000000000000000, NV, S_NINF)
    TEST_S_TOINT(155, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, 0x5f0ac723)  /* 1e19 */
    TEST_S_TOINT(156, fcvt.l.s, rtz, 0x8000000000000000, 0, 0xdf000000)   /* -2^63 */
    TEST_S_TOINT(157, fcvt.l.s, rtz, 0x4000000000000000, 0, 0x5e800000)   /* 2^62 */
    TEST_S_TOINT(158, fcvt.l.s, rne, -2, NX, 0xbfc00000)
    TEST_S_TOINT(159, fcvt.lu.s, rtz, 0, NV, S_NONE)
    TEST_S_TOINT(160, fcvt.lu.s, rtz, 0xffffffffffffffff, NV, S_QNAN)
    TEST_S_TOINT(161, fcvt.lu.s, rtz, 0x8000000000000000, 0, 0x5f000000)  /* 2^63 */
    TEST_S_TOINT(162, fcvt.lu.s, rtz, 0xffffffffffffffff, NV, 0x5f800000) /* 2^64 */
    TEST_S_TOINT(163, fcvt.lu.s, rtz, 0, NX, 0xbf666666)                  /* -0.9 */
    TEST_S_TOINT(164, fcvt.lu.s, rup, 2, NX, S_ONEHALF)

    /* -- integer to float ---------------------------------------------------------------------- */
    TEST_S_FROMINT(165, fcvt.s.w, rne, S_NONE, 0, -1)
    TEST_S_FROMINT(166, fcvt.s.w, rne, S_THREE, 0, 0x100000003)   /* low 32 bits only */
    TEST_S_FROMINT(167, fcvt.s.w, rne, 0x4b800000, NX, 16777217)  /* 2^24 + 1 */
    TEST_S_FROMINT(168, fcvt.s.w, rup, 0x4b800001, NX, 16777217)
    TEST_S_FROMINT(169, fcvt.s.w, rne, 0xcf000000, 0, 0x80000000)
    TEST_S_FROMINT(170, fcvt.s.wu, rne, 0x4f800000, NX, 0xffffffff)
    TEST_S_FROMINT(171, fcvt.s.wu, rtz, 0x4f7fffff, NX, 0xffffffff)
    TEST_S_FROMINT(172, fcvt.s.wu, rne, S_ZERO, 0, 0)
    TEST_S_FROMINT(173, fcvt.s.wu, rne, 0x4f000000, 0, 0xffffffff80000000) /* 2^31 */
    TEST_S_FROMINT(174, fcvt.s.l, rne, 0x5f000000, NX, 0x7fffffffffffffff)
    TEST_S_FROMINT(175, fcvt.s.l, rne, S_NONE, 0, -1)
    TEST_S_FROMINT(176, fcvt.s.l, rne, 0xdf000000, 0, 0x8000000000000000)
    TEST_S_FROMINT(177, fcvt.s.lu, rne, 0x5f800000, NX, -1)
    TEST_S_FROMINT(178, fcvt.s.lu, rtz, 0x5f7fffff, NX, -1)
    TEST_S_FROMINT(179, fcvt.s.lu, rne, 0x5f000000, 0, 0x8000000000000000)

    /* -- moves, loads and stores, NaN-boxing -------------------------------------------- */
    CASE(180, "fmv.x.w sign-extends")
    li a1, 0x80000000
    fmv.w.x fa1, a1
    fmv.x.w a0, fa1
    CHECK(a0, 0xffffffff80000000)
    li a1, 0x7f800000
    fmv.w.x fa1, a1
    fmv.x.w a0, fa1
    CHECK(a0, 0x7f800000)
    CASE(181, "fmv.w.x takes the low 32 bits and NaN-boxes them")
    li a1, 0x123456783f800000
    fmv.w.x fa1, a1
    fmv.x.d a0, fa1
    CHECK(a0, 0xffffffff3f800000)
    CASE(182, "flw NaN-boxes; fsw stores 32 bits")
    la a1, fdata
    flw fa1, 0(a1)
    fmv.x.d a0, fa1
    CHECK(a0, 0xffffffff40490fdb)
    li a2, -1
    sd a2, 8(a1)
    fsw fa1, 8(a1)
    ld a0, 8(a1)
    CHECK(a0, 0xffffffff40490fdb)
    CASE(183, "results of single operations are NaN-boxed")
    li a1, S_ONE
    fmv.w.x fa1, a1
    fadd.s fa0, fa1, fa1
    fmv.x.d a0, fa0
    CHECK(a0, 0xffffffff40000000)
    fcvt.s.w fa0, a1
    fmv.x.d a0, fa0
    srli a0, a0, 32
    CHECK(a0, 0xffffffff)
    fsgnjn.s fa0, fa1, fa1
    fmv.x.d a0, fa0
    CHECK(a0, 0xffffffffbf800000)
    CASE(184, "an unboxed operand is the canonical NaN (fadd.s)")
    li a1, D_ONE                /* a double, not a boxed single */
    fmv.d.x fa1, a1
    li a2, S_ONE
    fmv.w.x fa2, a2
    fsflags zero
    fadd.s fa0, fa1, fa2
    fmv.x.w a0, fa0
    ZEXT32(a0)
    CHECK_FP(S_QNAN, 0)         /* a quiet NaN: no NV */
    CASE(185, "unboxed operand: fsgnj.s and fsgnjn.s see the canonical NaN")
    fsgnj.s fa0, fa1, fa2
    fmv.x.d a0, fa0
    CHECK(a0, 0xffffffff7fc00000)
    fsgnjn.s fa0, fa1, fa2
    fmv.x.d a0, fa0
    CHECK(a0, 0xffffffffffc00000)
    CASE(186, "unboxed operand: fclass.s says quiet NaN, feq.s is 0")
    fclass.s a0, fa1
    CHECK(a0, 1 << 9)
    fsflags zero
    feq.s a0, fa1, fa1
    CHECK_FP(0, 0)
    CASE(187, "a partly boxed value (upper word not all ones) is unboxed")
    li a1, 0xfffffffe3f800000
    fmv.d.x fa1, a1
    fadd.s fa0, fa1, fa2
    fmv.x.w a0, fa0
    ZEXT32(a0)
    CHECK(a0, S_QNAN)
    CASE(188, "unboxed operand: fmv.x.w and fsw move the low bits as they are")
    li a1, 0x123456789abcdef0
    fmv.d.x fa1, a1
    fmv.x.w a0, fa1
    CHECK(a0, 0xffffffff9abcdef0)
    la a2, fdata
    fsw fa1, 8(a2)
    lwu a0, 8(a2)
    CHECK(a0, 0x9abcdef0)
    CASE(189, "unboxed operand: fcvt.d.s gives the canonical double NaN")
    fcvt.d.s fa0, fa1
    fmv.x.d a0, fa0
    CHECK(a0, D_QNAN)
    CASE(190, "unboxed addend of fmadd.s")
    li a2, S_ONE
    fmv.w.x fa2, a2
    fmadd.s fa0, fa2, fa2, fa1
    fmv.x.w a0, fa0
    ZEXT32(a0)
    CHECK(a0, S_QNAN)

    CASE(191, "flags accrue across operations until cleared")
    fsflags zero
    li a1, S_ONE
    fmv.w.x fa1, a1
    li a2, S_THREE
    fmv.w.x fa2, a2
    fdiv.s fa0, fa1, fa2        /* NX */
    fmv.w.x fa3, zero
    fdiv.s fa0, fa1, fa3        /* DZ */
    fadd.s fa0, fa1, fa2        /* exact: nothing new */
    frflags a3
    CHECK(a3, NX | DZ)
    fsqrt.s fa0, fa0            /* sqrt(4) exact */
    frflags a3
    CHECK(a3, NX | DZ)

    j pass

    .data
    .balign 8
fdata:
    .word 0x40490fdb, 0         /* pi */
    .dword 0
