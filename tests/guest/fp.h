/* fp.h — case macros for the F and D tests (rvf.S, rvd.S, fp_state.S).
 *
 * Operands and results are bit patterns, moved with fmv so that no rounding
 * happens on the way.  Every case clears fflags first and then checks the
 * exact flags the operation raised.  The S forms compare the low 32 bits of
 * the result (NaN-boxing and fmv.x.w's sign extension are tested apart).
 */

/* fflags bits */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* rounding-mode field values (frm) */
#define RNE 0
#define RTZ 1
#define RDN 2
#define RUP 3
#define RMM 4

/* single precision */
#define S_ZERO 0x00000000
#define S_NZERO 0x80000000
#define S_ONE 0x3f800000
#define S_NONE 0xbf800000
#define S_TWO 0x40000000
#define S_THREE 0x40400000
#define S_HALF 0x3f000000
#define S_ONEHALF 0x3fc00000
#define S_INF 0x7f800000
#define S_NINF 0xff800000
#define S_QNAN 0x7fc00000 /* the canonical NaN */
#define S_SNAN 0x7f800001
#define S_MAX 0x7f7fffff
#define S_MINNORM 0x00800000
#define S_MINSUB 0x00000001

/* double precision */
#define D_ZERO 0x0000000000000000
#define D_NZERO 0x8000000000000000
#define D_ONE 0x3ff0000000000000
#define D_NONE 0xbff0000000000000
#define D_TWO 0x4000000000000000
#define D_THREE 0x4008000000000000
#define D_HALF 0x3fe0000000000000
#define D_ONEHALF 0x3ff8000000000000
#define D_INF 0x7ff0000000000000
#define D_NINF 0xfff0000000000000
#define D_QNAN 0x7ff8000000000000 /* the canonical NaN */
#define D_SNAN 0x7ff0000000000001
#define D_MAX 0x7fefffffffffffff
#define D_MINNORM 0x0010000000000000
#define D_MINSUB 0x0000000000000001

/* Low 32 bits of a0 into a0 (zero-extended). */
#define ZEXT32(r) slli r, r, 32; srli r, r, 32

/* Check the result bits in a0 and the flags in a3. */
#define CHECK_FP(want, flags) frflags a3; CHECK(a0, want) CHECK(a3, flags)

/* -- single ------------------------------------------------------------------ */
#define TEST_S2(n, op, rm, want, flags, a, b)                                  \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a, ", ", #b; NAME_END;           \
    li a1, a; li a2, b; fmv.w.x fa1, a1; fmv.w.x fa2, a2; fsflags zero;        \
    op fa0, fa1, fa2, rm; fmv.x.w a0, fa0; ZEXT32(a0); CHECK_FP(want, flags)
/* two operands, no rounding-mode field (fmin, fmax, fsgnj*) */
#define TEST_S2N(n, op, want, flags, a, b)                                     \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #b; NAME_END;                     \
    li a1, a; li a2, b; fmv.w.x fa1, a1; fmv.w.x fa2, a2; fsflags zero;        \
    op fa0, fa1, fa2; fmv.x.w a0, fa0; ZEXT32(a0); CHECK_FP(want, flags)
#define TEST_S1(n, op, rm, want, flags, a)                                     \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a; NAME_END;                     \
    li a1, a; fmv.w.x fa1, a1; fsflags zero;                                   \
    op fa0, fa1, rm; fmv.x.w a0, fa0; ZEXT32(a0); CHECK_FP(want, flags)
#define TEST_S3(n, op, rm, want, flags, a, b, c)                               \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a, ", ", #b, ", ", #c; NAME_END; \
    li a1, a; li a2, b; li a4, c; fmv.w.x fa1, a1; fmv.w.x fa2, a2;            \
    fmv.w.x fa3, a4; fsflags zero;                                             \
    op fa0, fa1, fa2, fa3, rm; fmv.x.w a0, fa0; ZEXT32(a0); CHECK_FP(want, flags)
/* comparisons and fclass: integer result */
#define TEST_S_CMP(n, op, want, flags, a, b)                                   \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #b; NAME_END;                     \
    li a1, a; li a2, b; fmv.w.x fa1, a1; fmv.w.x fa2, a2; fsflags zero;        \
    op a0, fa1, fa2; CHECK_FP(want, flags)
#define TEST_S_CLASS(n, want, a)                                               \
    NAME_BEGIN(n) .ascii "fclass.s ", #a; NAME_END;                            \
    li a1, a; fmv.w.x fa1, a1; fsflags zero; fclass.s a0, fa1;                 \
    CHECK_FP(want, 0)
/* float to integer (want is the full 64-bit register) */
#define TEST_S_TOINT(n, op, rm, want, flags, a)                                \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a; NAME_END;                     \
    li a1, a; fmv.w.x fa1, a1; fsflags zero; op a0, fa1, rm; CHECK_FP(want, flags)
/* integer to float */
#define TEST_S_FROMINT(n, op, rm, want, flags, a)                              \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a; NAME_END;                     \
    li a1, a; fsflags zero; op fa0, a1, rm; fmv.x.w a0, fa0; ZEXT32(a0);       \
    CHECK_FP(want, flags)

/* -- double ------------------------------------------------------------------ */
#define TEST_D2(n, op, rm, want, flags, a, b)                                  \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a, ", ", #b; NAME_END;           \
    li a1, a; li a2, b; fmv.d.x fa1, a1; fmv.d.x fa2, a2; fsflags zero;        \
    op fa0, fa1, fa2, rm; fmv.x.d a0, fa0; CHECK_FP(want, flags)
#define TEST_D2N(n, op, want, flags, a, b)                                     \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #b; NAME_END;                     \
    li a1, a; li a2, b; fmv.d.x fa1, a1; fmv.d.x fa2, a2; fsflags zero;        \
    op fa0, fa1, fa2; fmv.x.d a0, fa0; CHECK_FP(want, flags)
#define TEST_D1(n, op, rm, want, flags, a)                                     \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a; NAME_END;                     \
    li a1, a; fmv.d.x fa1, a1; fsflags zero;                                   \
    op fa0, fa1, rm; fmv.x.d a0, fa0; CHECK_FP(want, flags)
#define TEST_D3(n, op, rm, want, flags, a, b, c)                               \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a, ", ", #b, ", ", #c; NAME_END; \
    li a1, a; li a2, b; li a4, c; fmv.d.x fa1, a1; fmv.d.x fa2, a2;            \
    fmv.d.x fa3, a4; fsflags zero;                                             \
    op fa0, fa1, fa2, fa3, rm; fmv.x.d a0, fa0; CHECK_FP(want, flags)
#define TEST_D_CMP(n, op, want, flags, a, b)                                   \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #b; NAME_END;                     \
    li a1, a; li a2, b; fmv.d.x fa1, a1; fmv.d.x fa2, a2; fsflags zero;        \
    op a0, fa1, fa2; CHECK_FP(want, flags)
#define TEST_D_CLASS(n, want, a)                                               \
    NAME_BEGIN(n) .ascii "fclass.d ", #a; NAME_END;                            \
    li a1, a; fmv.d.x fa1, a1; fsflags zero; fclass.d a0, fa1;                 \
    CHECK_FP(want, 0)
#define TEST_D_TOINT(n, op, rm, want, flags, a)                                \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a; NAME_END;                     \
    li a1, a; fmv.d.x fa1, a1; fsflags zero; op a0, fa1, rm; CHECK_FP(want, flags)
#define TEST_D_FROMINT(n, op, rm, want, flags, a)                              \
    NAME_BEGIN(n) .ascii #op, ".", #rm, " ", #a; NAME_END;                     \
    li a1, a; fsflags zero; op fa0, a1, rm; fmv.x.d a0, fa0;                   \
    CHECK_FP(want, flags)
