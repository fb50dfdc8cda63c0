/* fpu_test.c — unit test of fpu.c: runs fpu_exec on hand-built instructions
 * and prints TAP.  Built and run by tests/11-fpu-unit.t.
 *
 * Every expected value is written out as a hex constant and was derived by
 * hand from the spec (the reasoning is in the comments), or, for the table
 * at the end, by an exact model in rational arithmetic; none comes from the
 * host's floating point.  Operands: f1, f2, f3 (or x1 for integer sources);
 * result: f5 or x5. */
#include <fenv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "fpu.h"

/* A single NaN-boxed in an f register. */
#define S(bits) (0xffffffff00000000ull | (uint32_t)(bits))

enum { NX = FFLAG_NX, UF = FFLAG_UF, OF = FFLAG_OF, DZ = FFLAG_DZ, NV = FFLAG_NV };
enum { RNE = RM_RNE, RTZ = RM_RTZ, RDN = RM_RDN, RUP = RM_RUP, RMM = RM_RMM, DYN = RM_DYN };

static const char *names[] = {
#define X(name, mnemonic) mnemonic,
    OPS(X)
#undef X
};

static struct hart *h;
static int ntest, nfail;

static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - ", cond ? "" : "not ", ++ntest);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    nfail += !cond;
}

static bool int_src(int op)
{
    switch (op) {
    case OP_FCVT_S_W: case OP_FCVT_S_WU: case OP_FCVT_S_L: case OP_FCVT_S_LU: case OP_FMV_W_X:
    case OP_FCVT_D_W: case OP_FCVT_D_WU: case OP_FCVT_D_L: case OP_FCVT_D_LU: case OP_FMV_D_X:
        return true;
    default:
        return false;
    }
}

static bool int_dst(int op)
{
    switch (op) {
    case OP_FCVT_W_S: case OP_FCVT_WU_S: case OP_FCVT_L_S: case OP_FCVT_LU_S: case OP_FMV_X_W:
    case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: case OP_FCLASS_S:
    case OP_FCVT_W_D: case OP_FCVT_WU_D: case OP_FCVT_L_D: case OP_FCVT_LU_D: case OP_FMV_X_D:
    case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D: case OP_FCLASS_D:
        return true;
    default:
        return false;
    }
}

/* Run op on fresh registers; returns the destination, flags in *fl. */
static uint64_t run(int op, int rm, uint64_t a, uint64_t b, uint64_t c, int *fl)
{
    struct insn in = {.op = op, .rd = 5, .rs1 = 1, .rs2 = 2, .rs3 = 3, .len = 4, .rm = rm};
    memset(h->f, 0, sizeof h->f);
    memset(h->x, 0, sizeof h->x);
    if (int_src(op))
        h->x[1] = a;
    else
        h->f[1] = a;
    h->f[2] = b;
    h->f[3] = c;
    h->fflags = 0;
    h->frm = RNE;
    if (!fpu_exec(h, &in)) {
        *fl = -1;
        return 0;
    }
    *fl = h->fflags;
    return int_dst(op) ? h->x[5] : h->f[5];
}

static void t(int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t want, int wantfl,
              const char *what)
{
    int fl;
    uint64_t got = run(op, rm, a, b, c, &fl);
    ok(got == want && fl == wantfl, "%s rm=%d %s", names[op], rm, what);
    if (got != want || fl != wantfl)
        printf("#   got %016llx flags %02x, want %016llx flags %02x\n", (unsigned long long)got,
               fl, (unsigned long long)want, wantfl);
}

/* One operation in all five modes: want[rm], same flags everywhere. */
static void t5(int op, uint64_t a, uint64_t b, uint64_t c, const uint64_t want[5], int fl,
               const char *what)
{
    for (int rm = 0; rm < 5; rm++)
        t(op, rm, a, b, c, want[rm], fl, what);
}

/* -- Arithmetic and rounding modes ------------------------------------------ */

static void test_arith(void)
{
    t(OP_FADD_S, RNE, S(0x3f800000), S(0x40000000), 0, S(0x40400000), 0, "1+2=3");
    t(OP_FADD_D, RNE, 0x3ff0000000000000, 0x4000000000000000, 0, 0x4008000000000000, 0, "1+2=3");

    /* 1 + 2^-24 is exactly halfway between 1 and 1+2^-23 (the next float):
     * RNE keeps the even 1.0, RMM goes away from zero. */
    t5(OP_FADD_S, S(0x3f800000), S(0x33800000), 0,
       (const uint64_t[]){S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001), S(0x3f800001)},
       NX, "1+2^-24 tie");
    t5(OP_FADD_S, S(0xbf800000), S(0xb3800000), 0,
       (const uint64_t[]){S(0xbf800000), S(0xbf800000), S(0xbf800001), S(0xbf800000), S(0xbf800001)},
       NX, "-1-2^-24 tie");
    /* Same in double: 1 + 2^-53 between 1 and 1+2^-52. */
    t5(OP_FADD_D, 0x3ff0000000000000, 0x3ca0000000000000, 0,
       (const uint64_t[]){0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000,
                          0x3ff0000000000001, 0x3ff0000000000001},
       NX, "1+2^-53 tie");

    /* 1/3 = 1.010101...b x 2^-2.  Single keeps 23 fraction bits 0x2aaaaa and
     * the rest is 1010... > half: nearest is up.  Double keeps 0x5555555555555
     * and the rest is 0101... < half: nearest is down. */
    t5(OP_FDIV_S, S(0x3f800000), S(0x40400000), 0,
       (const uint64_t[]){S(0x3eaaaaab), S(0x3eaaaaaa), S(0x3eaaaaaa), S(0x3eaaaaab), S(0x3eaaaaab)},
       NX, "1/3");
    t5(OP_FDIV_S, S(0xbf800000), S(0x40400000), 0,
       (const uint64_t[]){S(0xbeaaaaab), S(0xbeaaaaaa), S(0xbeaaaaab), S(0xbeaaaaaa), S(0xbeaaaaab)},
       NX, "-1/3");
    t5(OP_FDIV_D, 0x3ff0000000000000, 0x4008000000000000, 0,
       (const uint64_t[]){0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555,
                          0x3fd5555555555556, 0x3fd5555555555555},
       NX, "1/3");

    /* Exact zero sums are +0, except -0 when rounding down. */
    t5(OP_FSUB_S, S(0x3f800000), S(0x3f800000), 0,
       (const uint64_t[]){S(0), S(0), S(0x80000000), S(0), S(0)}, 0, "1-1");
    t5(OP_FSUB_D, 0x3ff0000000000000, 0x3ff0000000000000, 0,
       (const uint64_t[]){0, 0, 0x8000000000000000, 0, 0}, 0, "1-1");
    t(OP_FADD_S, RNE, S(0x80000000), S(0x80000000), 0, S(0x80000000), 0, "-0 + -0 = -0");

    /* Overflow: max*2.  Nearest modes give inf; toward zero the largest
     * finite; directed modes depend on the sign. */
    t5(OP_FMUL_S, S(0x7f7fffff), S(0x40000000), 0,
       (const uint64_t[]){S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000), S(0x7f800000)},
       OF | NX, "max*2");
    t5(OP_FMUL_S, S(0xff7fffff), S(0x40000000), 0,
       (const uint64_t[]){S(0xff800000), S(0xff7fffff), S(0xff800000), S(0xff7fffff), S(0xff800000)},
       OF | NX, "-max*2");
    t5(OP_FMUL_D, 0x7fefffffffffffff, 0x4000000000000000, 0,
       (const uint64_t[]){0x7ff0000000000000, 0x7fefffffffffffff, 0x7fefffffffffffff,
                          0x7ff0000000000000, 0x7ff0000000000000},
       OF | NX, "max*2");

    /* Tininess after rounding.  4657.75 * 1801*2^-149 = (2^25-1)*2^-151 =
     * 2^-126 * (1 - 2^-25), just below the smallest normal.  With 24 bits
     * and unbounded exponent that is 1.(24 ones) x 2^-127, a tie: RNE, RUP
     * and RMM round it up to 2^-126, not tiny, so only NX; RTZ and RDN leave
     * it tiny, and the subnormal result 0x7fffff is inexact: UF too. */
    {
        static const uint64_t want[5] = {S(0x00800000), S(0x007fffff), S(0x007fffff),
                                         S(0x00800000), S(0x00800000)};
        static const int fl[5] = {NX, UF | NX, UF | NX, NX, NX};
        for (int rm = 0; rm < 5; rm++)
            t(OP_FMUL_S, rm, S(0x45918e00), S(0x00000709), 0, want[rm], fl[rm],
              "tiny only before rounding");
    }
    /* Double: (2^27-1)/4 * (2^27+1)*2^-1074 = 2^-1022 * (1 - 2^-54). */
    {
        static const uint64_t want[5] = {0x0010000000000000, 0x000fffffffffffff,
                                         0x000fffffffffffff, 0x0010000000000000,
                                         0x0010000000000000};
        static const int fl[5] = {NX, UF | NX, UF | NX, NX, NX};
        for (int rm = 0; rm < 5; rm++)
            t(OP_FMUL_D, rm, 0x417ffffffc000000, 0x0000000008000001, 0, want[rm], fl[rm],
              "tiny only before rounding");
    }
    /* 2^-149 * 0.5 = 2^-150: halfway between 0 and the smallest subnormal. */
    t5(OP_FMUL_S, S(0x00000001), S(0x3f000000), 0,
       (const uint64_t[]){S(0), S(0), S(0), S(0x00000001), S(0x00000001)}, UF | NX, "2^-150");
    t5(OP_FMUL_S, S(0x80000001), S(0x3f000000), 0,
       (const uint64_t[]){S(0x80000000), S(0x80000000), S(0x80000001), S(0x80000000),
                          S(0x80000001)},
       UF | NX, "-2^-150");
    /* 5*2^-149 / 2 = 2.5 ulp of the subnormals: a tie at subnormal precision. */
    t5(OP_FDIV_S, S(0x00000005), S(0x40000000), 0,
       (const uint64_t[]){S(0x00000002), S(0x00000002), S(0x00000002), S(0x00000003),
                          S(0x00000003)},
       UF | NX, "2.5*2^-149");
    t5(OP_FDIV_D, 0x0000000000000005, 0x4000000000000000, 0,
       (const uint64_t[]){2, 2, 2, 3, 3}, UF | NX, "2.5*2^-1074");
    /* Tiny but exact: no underflow. */
    t(OP_FMUL_S, RNE, S(0x00800000), S(0x3f000000), 0, S(0x00400000), 0, "2^-127 exact");
    t(OP_FMUL_D, RNE, 0x0010000000000000, 0x3fe0000000000000, 0, 0x0008000000000000, 0,
      "2^-1023 exact");

    /* Division by zero, invalid. */
    t(OP_FDIV_S, RNE, S(0x3f800000), S(0), 0, S(0x7f800000), DZ, "1/+0");
    t(OP_FDIV_S, RNE, S(0xbf800000), S(0), 0, S(0xff800000), DZ, "-1/+0");
    t(OP_FDIV_D, RNE, 0x3ff0000000000000, 0x8000000000000000, 0, 0xfff0000000000000, DZ, "1/-0");
    t(OP_FDIV_S, RNE, S(0x7f800000), S(0), 0, S(0x7f800000), 0, "inf/0 (no DZ)");
    t(OP_FDIV_S, RNE, S(0), S(0), 0, S(0x7fc00000), NV, "0/0");
    t(OP_FDIV_D, RNE, 0x7ff0000000000000, 0xfff0000000000000, 0, 0x7ff8000000000000, NV,
      "inf/-inf");
    t(OP_FMUL_S, RNE, S(0x7f800000), S(0x80000000), 0, S(0x7fc00000), NV, "inf*-0");
    t(OP_FSUB_D, RNE, 0x7ff0000000000000, 0x7ff0000000000000, 0, 0x7ff8000000000000, NV,
      "inf-inf");
    t(OP_FDIV_S, RNE, S(0x3f800000), S(0x7f800000), 0, S(0), 0, "1/inf");

    /* sqrt(2) = 1.6a09e667f3bcc908...h: for single the bits after
     * 0x3504f3 start 0011 (down to nearest); for double after ...3bcc comes
     * 9 = 1001 (up to nearest). */
    t5(OP_FSQRT_S, S(0x40000000), 0, 0,
       (const uint64_t[]){S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f4),
                          S(0x3fb504f3)},
       NX, "sqrt 2");
    t5(OP_FSQRT_D, 0x4000000000000000, 0, 0,
       (const uint64_t[]){0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcc,
                          0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcd},
       NX, "sqrt 2");
    t(OP_FSQRT_S, RNE, S(0x40800000), 0, 0, S(0x40000000), 0, "sqrt 4");
    t(OP_FSQRT_S, RNE, S(0xbf800000), 0, 0, S(0x7fc00000), NV, "sqrt -1");
    t(OP_FSQRT_D, RNE, 0xbff0000000000000, 0, 0, 0x7ff8000000000000, NV, "sqrt -1");
    t(OP_FSQRT_S, RNE, S(0x80000000), 0, 0, S(0x80000000), 0, "sqrt -0 = -0");
    t(OP_FSQRT_D, RNE, 0x7ff0000000000000, 0, 0, 0x7ff0000000000000, 0, "sqrt inf");
    t(OP_FSQRT_D, RNE, 0xfff0000000000000, 0, 0, 0x7ff8000000000000, NV, "sqrt -inf");
}

/* -- Fused multiply-add ---------------------------------------------------- */

static void test_fma(void)
{
    /* (1+2^-12)^2 = 1 + 2^-11 + 2^-24.  Rounded alone (a tie, to even) the
     * product is 1+2^-11, and adding -(1+2^-11) gives 0; fused, the 2^-24
     * survives exactly. */
    uint64_t a = S(0x3f800800), c = S(0xbf801000), pc = S(0x3f801000);
    t(OP_FMUL_S, RNE, a, a, 0, S(0x3f801000), NX, "(1+2^-12)^2 rounds");
    t(OP_FMADD_S, RNE, a, a, c, S(0x33800000), 0, "single rounding: +2^-24");
    t(OP_FMSUB_S, RNE, a, a, pc, S(0x33800000), 0, "a*b - c");
    t(OP_FNMSUB_S, RNE, a, a, pc, S(0xb3800000), 0, "-(a*b) + c");
    t(OP_FNMADD_S, RNE, a, a, c, S(0xb3800000), 0, "-(a*b) - c");
    /* Double: (1+2^-27)^2 = 1 + 2^-26 + 2^-54. */
    uint64_t da = 0x3ff0000002000000, dc = 0xbff0000004000000, dpc = 0x3ff0000004000000;
    t(OP_FMADD_D, RNE, da, da, dc, 0x3c90000000000000, 0, "single rounding: +2^-54");
    t(OP_FMSUB_D, RNE, da, da, dpc, 0x3c90000000000000, 0, "a*b - c");
    t(OP_FNMSUB_D, RNE, da, da, dpc, 0xbc90000000000000, 0, "-(a*b) + c");
    t(OP_FNMADD_D, RNE, da, da, dc, 0xbc90000000000000, 0, "-(a*b) - c");

    /* 1*1 + 2^-24: the tie again, now through fma, in all modes. */
    t5(OP_FMADD_S, S(0x3f800000), S(0x3f800000), S(0x33800000),
       (const uint64_t[]){S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001), S(0x3f800001)},
       NX, "1*1+2^-24 tie");
    t5(OP_FNMADD_D, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
       (const uint64_t[]){0xbff0000000000000, 0xbff0000000000000, 0xbff0000000000001,
                          0xbff0000000000000, 0xbff0000000000001},
       NX, "-(1*1)-2^-53 tie");

    /* inf * 0 is invalid even with a quiet NaN addend. */
    t(OP_FMADD_S, RNE, S(0x7f800000), S(0), S(0x7fc00000), S(0x7fc00000), NV, "inf*0+qNaN");
    t(OP_FMADD_D, RNE, 0, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff8000000000000, NV,
      "0*-inf+qNaN");
    t(OP_FNMSUB_D, RNE, 0x7ff0000000000000, 0, 0x3ff0000000000000, 0x7ff8000000000000, NV,
      "inf*0+1");
    t(OP_FMADD_S, RNE, S(0x7fc00000), S(0x3f800000), S(0x3f800000), S(0x7fc00000), 0,
      "qNaN*1+1 quiet");
    t(OP_FMADD_S, RNE, S(0x3f800000), S(0x3f800000), S(0x7f800001), S(0x7fc00000), NV,
      "1*1+sNaN");
    t(OP_FMADD_D, RNE, 0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000,
      0x7ff8000000000000, NV, "inf*1-inf");
    /* Signed zeros: +0*1 + -0 is +0 (-0 rounding down); fnmadd of zeros is
     * -(+0) - (+0) = -0 in every mode. */
    t5(OP_FMADD_S, S(0), S(0x3f800000), S(0x80000000),
       (const uint64_t[]){S(0), S(0), S(0x80000000), S(0), S(0)}, 0, "+0*1 + -0");
    t5(OP_FNMADD_D, 0x3ff0000000000000, 0, 0,
       (const uint64_t[]){0x8000000000000000, 0x8000000000000000, 0x8000000000000000,
                          0x8000000000000000, 0x8000000000000000},
       0, "-(1*0) - 0");
    /* Overflow through fma. */
    t(OP_FMADD_D, RTZ, 0x7fefffffffffffff, 0x4000000000000000, 0xbff0000000000000,
      0x7fefffffffffffff, OF | NX, "max*2-1 RTZ");
}

/* -- Conversions ---------------------------------------------------------- */

static void test_cvt_to_int(void)
{
    /* Halfway cases: 2.5, -2.5, 3.5 */
    t5(OP_FCVT_W_S, S(0x40200000), 0, 0, (const uint64_t[]){2, 2, 2, 3, 3}, NX, "2.5");
    t5(OP_FCVT_W_S, S(0xc0200000), 0, 0,
       (const uint64_t[]){-2ull, -2ull, -3ull, -2ull, -3ull}, NX, "-2.5");
    t5(OP_FCVT_L_D, 0x400c000000000000, 0, 0, (const uint64_t[]){4, 3, 3, 4, 4}, NX, "3.5");
    t(OP_FCVT_W_S, RNE, S(0x3f000000), 0, 0, 0, NX, "0.5 to even 0");
    t(OP_FCVT_W_S, RMM, S(0x3f000000), 0, 0, 1, NX, "0.5 away to 1");

    /* fcvt.w: [-2^31, 2^31-1] after rounding */
    t(OP_FCVT_W_S, RNE, S(0x4f000000), 0, 0, 0x7fffffff, NV, "2^31");
    t(OP_FCVT_W_S, RNE, S(0xcf000000), 0, 0, 0xffffffff80000000, 0, "-2^31");
    t(OP_FCVT_W_D, RNE, 0xc1e0000000200000, 0, 0, 0xffffffff80000000, NV, "-2^31-1");
    t(OP_FCVT_W_D, RNE, 0x41dfffffffc00000, 0, 0, 0x7fffffff, 0, "2^31-1");
    /* -2^31-0.5 fits if it rounds toward zero (RTZ, RUP, and RNE's even
     * -2^31); RDN and RMM make it -2^31-1, clipped with NV. */
    {
        static const int fl[5] = {NX, NX, NV, NX, NV};
        for (int rm = 0; rm < 5; rm++)
            t(OP_FCVT_W_D, rm, 0xc1e0000000100000, 0, 0, 0xffffffff80000000, fl[rm], "-2^31-0.5");
    }
    /* 2^31-0.5: RNE goes to the even 2^31, which does not fit. */
    {
        static const uint64_t want[5] = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff,
                                         0x7fffffff};
        static const int fl[5] = {NV, NX, NX, NV, NV};
        for (int rm = 0; rm < 5; rm++)
            t(OP_FCVT_W_D, rm, 0x41dfffffffe00000, 0, 0, want[rm], fl[rm], "2^31-0.5");
    }
    t(OP_FCVT_W_S, RNE, S(0x7fc00000), 0, 0, 0x7fffffff, NV, "NaN");
    t(OP_FCVT_W_S, RNE, S(0xffc00000), 0, 0, 0x7fffffff, NV, "-NaN");
    t(OP_FCVT_W_D, RNE, 0x7ff0000000000000, 0, 0, 0x7fffffff, NV, "inf");
    t(OP_FCVT_W_D, RNE, 0xfff0000000000000, 0, 0, 0xffffffff80000000, NV, "-inf");

    /* fcvt.wu: [0, 2^32-1], results sign-extended from bit 31 */
    t(OP_FCVT_WU_S, RNE, S(0x4f32d05e), 0, 0, 0xffffffffb2d05e00, 0, "3e9 sign-extends");
    t(OP_FCVT_WU_D, RNE, 0x41efffffffe00000, 0, 0, 0xffffffffffffffff, 0, "2^32-1");
    t(OP_FCVT_WU_S, RNE, S(0x4f800000), 0, 0, 0xffffffffffffffff, NV, "2^32");
    t(OP_FCVT_WU_S, RNE, S(0xbf800000), 0, 0, 0, NV, "-1");
    t(OP_FCVT_WU_S, RTZ, S(0xbe99999a), 0, 0, 0, NX, "-0.3 RTZ -> 0");
    t(OP_FCVT_WU_S, RDN, S(0xbe99999a), 0, 0, 0, NV, "-0.3 RDN -> -1");
    t(OP_FCVT_WU_D, RNE, 0x8000000000000000, 0, 0, 0, 0, "-0");
    t(OP_FCVT_WU_D, RNE, 0x7ff8000000000000, 0, 0, 0xffffffffffffffff, NV, "NaN");
    t(OP_FCVT_WU_D, RNE, 0x7ff0000000000000, 0, 0, 0xffffffffffffffff, NV, "inf");
    t(OP_FCVT_WU_S, RNE, S(0xff800000), 0, 0, 0, NV, "-inf");

    /* fcvt.l: [-2^63, 2^63-1] */
    t(OP_FCVT_L_S, RNE, S(0x5f000000), 0, 0, 0x7fffffffffffffff, NV, "2^63");
    t(OP_FCVT_L_S, RNE, S(0xdf000000), 0, 0, 0x8000000000000000, 0, "-2^63");
    t(OP_FCVT_L_S, RNE, S(0x5effffff), 0, 0, 0x7fffff8000000000, 0, "2^63-2^39");
    t(OP_FCVT_L_D, RNE, 0x43dfffffffffffff, 0, 0, 0x7ffffffffffffc00, 0, "2^63-1024");
    t(OP_FCVT_L_D, RNE, 0xc3e0000000000001, 0, 0, 0x8000000000000000, NV, "-2^63-2048");
    t(OP_FCVT_L_D, RNE, 0xfff8000000000000, 0, 0, 0x7fffffffffffffff, NV, "NaN");
    t(OP_FCVT_L_S, RNE, S(0x7f800000), 0, 0, 0x7fffffffffffffff, NV, "inf");
    t(OP_FCVT_L_D, RNE, 0xfff0000000000000, 0, 0, 0x8000000000000000, NV, "-inf");

    /* fcvt.lu: [0, 2^64-1] */
    t(OP_FCVT_LU_D, RNE, 0x43f0000000000000, 0, 0, 0xffffffffffffffff, NV, "2^64");
    t(OP_FCVT_LU_D, RNE, 0x43efffffffffffff, 0, 0, 0xfffffffffffff800, 0, "2^64-2048");
    t(OP_FCVT_LU_S, RNE, S(0x5f800000), 0, 0, 0xffffffffffffffff, NV, "2^64");
    t(OP_FCVT_LU_S, RNE, S(0xbf800000), 0, 0, 0, NV, "-1");
    t(OP_FCVT_LU_S, RUP, S(0xbf000000), 0, 0, 0, NX, "-0.5 RUP -> -0");
    t(OP_FCVT_LU_S, RNE, S(0x7f800001), 0, 0, 0xffffffffffffffff, NV, "sNaN");
    t(OP_FCVT_LU_D, RNE, 0xfff0000000000000, 0, 0, 0, NV, "-inf");
    t(OP_FCVT_LU_D, RNE, 0x7ff0000000000000, 0, 0, 0xffffffffffffffff, NV, "+inf");
    t(OP_FCVT_LU_D, RNE, 0x0000000000000001, 0, 0, 0, NX, "2^-1074");
}

static void test_cvt_from_int(void)
{
    /* 2^24+1 is halfway between 2^24 and 2^24+2. */
    t5(OP_FCVT_S_W, 0x1000001, 0, 0,
       (const uint64_t[]){S(0x4b800000), S(0x4b800000), S(0x4b800000), S(0x4b800001),
                          S(0x4b800001)},
       NX, "2^24+1");
    t5(OP_FCVT_S_W, (uint64_t)-0x1000001, 0, 0,
       (const uint64_t[]){S(0xcb800000), S(0xcb800000), S(0xcb800001), S(0xcb800000),
                          S(0xcb800001)},
       NX, "-(2^24+1)");
    t(OP_FCVT_S_W, RNE, 0x1234567800000001, 0, 0, S(0x3f800000), 0, "upper half ignored");
    t(OP_FCVT_S_WU, RNE, 0xffffffff, 0, 0, S(0x4f800000), NX, "2^32-1 RNE");
    t(OP_FCVT_S_WU, RTZ, 0xffffffff, 0, 0, S(0x4f7fffff), NX, "2^32-1 RTZ");
    t(OP_FCVT_S_L, RNE, 0x8000000000000000, 0, 0, S(0xdf000000), 0, "-2^63");
    t(OP_FCVT_S_LU, RNE, 0xffffffffffffffff, 0, 0, S(0x5f800000), NX, "2^64-1 RNE");
    t(OP_FCVT_S_LU, RTZ, 0xffffffffffffffff, 0, 0, S(0x5f7fffff), NX, "2^64-1 RTZ");
    t(OP_FCVT_S_LU, RMM, 0x8000008000000000, 0, 0, S(0x5f000001), NX, "2^63+2^39 tie");
    t5(OP_FCVT_D_L, 0x20000000000001, 0, 0,
       (const uint64_t[]){0x4340000000000000, 0x4340000000000000, 0x4340000000000000,
                          0x4340000000000001, 0x4340000000000001},
       NX, "2^53+1");
    t(OP_FCVT_D_L, RDN, (uint64_t)-0x20000000000001, 0, 0, 0xc340000000000001, NX,
      "-(2^53+1) RDN");
    t(OP_FCVT_D_LU, RNE, 0xffffffffffffffff, 0, 0, 0x43f0000000000000, NX, "2^64-1 RNE");
    t(OP_FCVT_D_LU, RTZ, 0xffffffffffffffff, 0, 0, 0x43efffffffffffff, NX, "2^64-1 RTZ");
    t(OP_FCVT_D_W, RNE, 0x80000000, 0, 0, 0xc1e0000000000000, 0, "-2^31");
    t(OP_FCVT_D_WU, RNE, 0xffffffff, 0, 0, 0x41efffffffe00000, 0, "2^32-1");
    t(OP_FCVT_D_L, RNE, 0, 0, 0, 0, 0, "0 is +0");
}

static void test_cvt_fp(void)
{
    /* fcvt.s.d */
    t5(OP_FCVT_S_D, 0x3fd5555555555555, 0, 0,
       (const uint64_t[]){S(0x3eaaaaab), S(0x3eaaaaaa), S(0x3eaaaaaa), S(0x3eaaaaab),
                          S(0x3eaaaaab)},
       NX, "1/3");
    t5(OP_FCVT_S_D, 0x3ff0000010000000, 0, 0,
       (const uint64_t[]){S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001),
                          S(0x3f800001)},
       NX, "1+2^-24 tie");
    t5(OP_FCVT_S_D, 0x7fefffffffffffff, 0, 0,
       (const uint64_t[]){S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000),
                          S(0x7f800000)},
       OF | NX, "double max");
    t5(OP_FCVT_S_D, 0x3690000000000000, 0, 0,
       (const uint64_t[]){S(0), S(0), S(0), S(0x00000001), S(0x00000001)}, UF | NX, "2^-150");
    t(OP_FCVT_S_D, RNE, 0x36a0000000000000, 0, 0, S(0x00000001), 0, "2^-149 exact");
    t(OP_FCVT_S_D, RNE, 0x7ff0000000000001, 0, 0, S(0x7fc00000), NV, "sNaN");
    t(OP_FCVT_S_D, RNE, 0xfff8000000012345, 0, 0, S(0x7fc00000), 0, "qNaN payload");
    t(OP_FCVT_S_D, RNE, 0xfff0000000000000, 0, 0, S(0xff800000), 0, "-inf");
    /* fcvt.d.s: exact */
    t(OP_FCVT_D_S, RNE, S(0x3eaaaaab), 0, 0, 0x3fd5555560000000, 0, "0x3eaaaaab");
    t(OP_FCVT_D_S, RNE, S(0x00000001), 0, 0, 0x36a0000000000000, 0, "2^-149");
    t(OP_FCVT_D_S, RNE, S(0x80000000), 0, 0, 0x8000000000000000, 0, "-0");
    t(OP_FCVT_D_S, RNE, S(0x7f800001), 0, 0, 0x7ff8000000000000, NV, "sNaN");
    t(OP_FCVT_D_S, RNE, S(0xffc12345), 0, 0, 0x7ff8000000000000, 0, "qNaN payload");
    t(OP_FCVT_D_S, RNE, 0x000000003f800000, 0, 0, 0x7ff8000000000000, 0, "unboxed");
}

/* -- NaN-boxing, canonical NaNs, moves, sign injection ------------------------ */

static void test_nan(void)
{
    /* An operand without the all-ones upper half reads as the canonical NaN. */
    t(OP_FADD_S, RNE, 0x000000003f800000, S(0x3f800000), 0, S(0x7fc00000), 0, "unboxed + 1");
    t(OP_FADD_S, RNE, S(0x3f800000), 0x7fffffff3f800000, 0, S(0x7fc00000), 0, "1 + unboxed");
    t(OP_FSGNJ_S, RNE, 0x3f800000, S(0xbf800000), 0, S(0xffc00000), 0, "fsgnj unboxed, -1");
    t(OP_FCLASS_S, RNE, 0xfffffffe3f800000, 0, 0, 0x200, 0, "unboxed is a quiet NaN");
    t(OP_FEQ_S, RNE, 0x3f800000, S(0x3f800000), 0, 0, 0, "feq unboxed quiet");
    t(OP_FLT_S, RNE, 0x3f800000, S(0x3f800000), 0, 0, NV, "flt unboxed signals");

    /* Computed NaNs are canonical, whatever the inputs' payload or sign. */
    t(OP_FADD_S, RNE, S(0x7fc12345), S(0x3f800000), 0, S(0x7fc00000), 0, "qNaN payload");
    t(OP_FMUL_S, RNE, S(0xffc00000), S(0x3f800000), 0, S(0x7fc00000), 0, "-qNaN");
    t(OP_FADD_S, RNE, S(0x3f800000), S(0x7f800001), 0, S(0x7fc00000), NV, "sNaN");
    t(OP_FADD_D, RNE, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x7ff8000000000000, NV, "sNaN");
    t(OP_FDIV_D, RNE, 0xfff8000000000abc, 0x3ff0000000000000, 0, 0x7ff8000000000000, 0,
      "-qNaN payload");

    /* Moves and sign injection are bit-exact. */
    t(OP_FMV_X_W, RNE, 0x123456789abcdef0, 0, 0, 0xffffffff9abcdef0, 0, "no unbox, sext");
    t(OP_FMV_X_W, RNE, S(0x7f800001), 0, 0, 0x7f800001, 0, "sNaN bits");
    t(OP_FMV_W_X, RNE, 0xdeadbeef12345678, 0, 0, S(0x12345678), 0, "boxes");
    t(OP_FMV_W_X, RNE, 0x7f800001, 0, 0, S(0x7f800001), 0, "sNaN kept");
    t(OP_FMV_X_D, RNE, 0x7ff0000000000001, 0, 0, 0x7ff0000000000001, 0, "raw");
    t(OP_FMV_D_X, RNE, 0xfff0000000000123, 0, 0, 0xfff0000000000123, 0, "raw");
    t(OP_FSGNJ_S, RNE, S(0x3f800000), S(0xc0000000), 0, S(0xbf800000), 0, "1 sign of -2");
    t(OP_FSGNJN_S, RNE, S(0x7fc12345), S(0x7fc12345), 0, S(0xffc12345), 0, "fneg NaN payload");
    t(OP_FSGNJX_S, RNE, S(0xbf800000), S(0xbf800000), 0, S(0x3f800000), 0, "fabs");
    t(OP_FSGNJX_S, RNE, S(0x3f800000), S(0xbf800000), 0, S(0xbf800000), 0, "xor");
    t(OP_FSGNJ_D, RNE, 0x7ff0000000000001, 0x8000000000000000, 0, 0xfff0000000000001, 0,
      "sNaN kept, no NV");
    t(OP_FSGNJN_D, RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0xbff0000000000000, 0, "fneg");
    t(OP_FSGNJX_D, RNE, 0xbff0000000000000, 0x8000000000000000, 0, 0x3ff0000000000000, 0, "xor");
}

/* -- Min/max, compare, classify ---------------------------------------------- */

static void test_minmax_cmp(void)
{
    t(OP_FMIN_S, RNE, S(0x3f800000), S(0x7fc00000), 0, S(0x3f800000), 0, "min(1, qNaN)");
    t(OP_FMAX_S, RNE, S(0x7fc12345), S(0x3f800000), 0, S(0x3f800000), 0, "max(qNaN, 1)");
    t(OP_FMIN_S, RNE, S(0x7f800001), S(0x3f800000), 0, S(0x3f800000), NV, "min(sNaN, 1)");
    t(OP_FMIN_S, RNE, S(0x7fc12345), S(0xffc00000), 0, S(0x7fc00000), 0, "min(qNaN, qNaN)");
    t(OP_FMAX_S, RNE, S(0x7f800001), S(0x7fc00000), 0, S(0x7fc00000), NV, "max(sNaN, qNaN)");
    t(OP_FMIN_S, RNE, S(0x80000000), S(0), 0, S(0x80000000), 0, "min(-0, +0)");
    t(OP_FMIN_S, RNE, S(0), S(0x80000000), 0, S(0x80000000), 0, "min(+0, -0)");
    t(OP_FMAX_S, RNE, S(0x80000000), S(0), 0, S(0), 0, "max(-0, +0)");
    t(OP_FMAX_S, RNE, S(0), S(0x80000000), 0, S(0), 0, "max(+0, -0)");
    t(OP_FMIN_S, RNE, S(0xff800000), S(0x3f800000), 0, S(0xff800000), 0, "min(-inf, 1)");
    t(OP_FMAX_S, RNE, S(0x40000000), S(0x3f800000), 0, S(0x40000000), 0, "max(2, 1)");
    t(OP_FMIN_S, RNE, S(0x00000001), S(0x80000001), 0, S(0x80000001), 0, "min subnormals");
    t(OP_FMIN_D, RNE, 0x3ff0000000000000, 0x7ff0000000000001, 0, 0x3ff0000000000000, NV,
      "min(1, sNaN)");
    t(OP_FMAX_D, RNE, 0x7ff8000000000000, 0x7ff8000000000001, 0, 0x7ff8000000000000, 0,
      "max(qNaN, qNaN)");
    t(OP_FMIN_D, RNE, 0, 0x8000000000000000, 0, 0x8000000000000000, 0, "min(+0, -0)");
    t(OP_FMAX_D, RNE, 0x8000000000000000, 0, 0, 0, 0, "max(-0, +0)");
    t(OP_FMAX_D, RNE, 0xbff0000000000000, 0xc000000000000000, 0, 0xbff0000000000000, 0,
      "max(-1, -2)");
    t(OP_FMIN_D, RNE, 0x7fefffffffffffff, 0x7ff0000000000000, 0, 0x7fefffffffffffff, 0,
      "min(max, inf)");

    t(OP_FEQ_S, RNE, S(0x3f800000), S(0x3f800000), 0, 1, 0, "1 == 1");
    t(OP_FEQ_S, RNE, S(0x7fc00000), S(0x3f800000), 0, 0, 0, "qNaN == 1 quiet");
    t(OP_FEQ_S, RNE, S(0x3f800000), S(0x7f800001), 0, 0, NV, "1 == sNaN");
    t(OP_FEQ_S, RNE, S(0x80000000), S(0), 0, 1, 0, "-0 == +0");
    t(OP_FLT_S, RNE, S(0x7fc00000), S(0x3f800000), 0, 0, NV, "qNaN < 1 signals");
    t(OP_FLT_S, RNE, S(0x80000000), S(0), 0, 0, 0, "-0 < +0 false");
    t(OP_FLT_S, RNE, S(0x3f800000), S(0x40000000), 0, 1, 0, "1 < 2");
    t(OP_FLT_S, RNE, S(0xff800000), S(0x7f800000), 0, 1, 0, "-inf < inf");
    t(OP_FLE_S, RNE, S(0x3f800000), S(0x7fc00000), 0, 0, NV, "1 <= qNaN signals");
    t(OP_FLE_S, RNE, S(0x80000000), S(0), 0, 1, 0, "-0 <= +0");
    t(OP_FLE_S, RNE, S(0x40000000), S(0x3f800000), 0, 0, 0, "2 <= 1");
    t(OP_FEQ_D, RNE, 0x3ff0000000000000, 0x3ff0000000000001, 0, 0, 0, "1 == 1+ulp");
    t(OP_FEQ_D, RNE, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0, NV, "sNaN == sNaN");
    t(OP_FEQ_D, RNE, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0, 0, "qNaN == qNaN");
    t(OP_FLT_D, RNE, 0xbff0000000000000, 0x0000000000000001, 0, 1, 0, "-1 < 2^-1074");
    t(OP_FLT_D, RNE, 0x3ff0000000000000, 0x7ff8000000000000, 0, 0, NV, "1 < qNaN signals");
    t(OP_FLE_D, RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0, 1, 0, "1 <= 1");
    t(OP_FLE_D, RNE, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0, NV, "qNaN <= 1 signals");

    static const struct {
        uint32_t s;
        uint64_t d;
        int bit;
        const char *what;
    } cls[] = {
        {0xff800000, 0xfff0000000000000, 0, "-inf"},
        {0xbf800000, 0xbff0000000000000, 1, "-normal"},
        {0x80800000, 0x8010000000000000, 1, "-min normal"},
        {0x807fffff, 0x800fffffffffffff, 2, "-subnormal"},
        {0x80000000, 0x8000000000000000, 3, "-0"},
        {0x00000000, 0x0000000000000000, 4, "+0"},
        {0x00000001, 0x0000000000000001, 5, "+subnormal"},
        {0x3f800000, 0x3ff0000000000000, 6, "+normal"},
        {0x7f7fffff, 0x7fefffffffffffff, 6, "+max"},
        {0x7f800000, 0x7ff0000000000000, 7, "+inf"},
        {0x7f800001, 0x7ff0000000000001, 8, "sNaN"},
        {0xffbfffff, 0xfff7ffffffffffff, 8, "-sNaN"},
        {0x7fc00000, 0x7ff8000000000000, 9, "qNaN"},
        {0xffc12345, 0xfff8000000012345, 9, "-qNaN"},
    };
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++) {
        t(OP_FCLASS_S, RNE, S(cls[i].s), 0, 0, 1ull << cls[i].bit, 0, cls[i].what);
        t(OP_FCLASS_D, RNE, cls[i].d, 0, 0, 1ull << cls[i].bit, 0, cls[i].what);
    }
}

/* -- Rounding-mode field, flags accrual, x0, host state ------------------------ */

static void test_rm_and_state(void)
{
    struct insn in = {.op = OP_FDIV_S, .rd = 5, .rs1 = 1, .rs2 = 2, .len = 4};
    int fl;

    /* Reserved modes: refused and nothing changed. */
    static const struct {
        int op, rm, frm;
        const char *what;
    } bad[] = {
        {OP_FDIV_S, 5, RNE, "static 5"},       {OP_FDIV_S, 6, RNE, "static 6"},
        {OP_FADD_D, DYN, 5, "dynamic frm=5"},   {OP_FMADD_D, DYN, 7, "dynamic frm=7"},
        {OP_FCVT_W_S, 5, RNE, "fcvt.w.s 5"},    {OP_FCVT_D_S, 6, RNE, "widening fcvt.d.s 6"},
        {OP_FCVT_D_W, DYN, 6, "exact fcvt.d.w, frm=6"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in.op = bad[i].op;
        in.rm = bad[i].rm;
        memset(h->f, 0, sizeof h->f);
        memset(h->x, 0, sizeof h->x);
        h->f[1] = S(0x3f800000);
        h->f[2] = S(0x40400000);
        h->f[5] = 0x5555;
        h->x[5] = 0x6666;
        h->fflags = 0x3;
        h->frm = bad[i].frm;
        bool r = fpu_exec(h, &in);
        ok(!r && h->f[5] == 0x5555 && h->x[5] == 0x6666 && h->fflags == 0x3,
           "%s reserved rm: %s", names[in.op], bad[i].what);
    }

    /* Ops without rounding ignore the field. */
    t(OP_FMIN_S, 5, S(0x3f800000), S(0x40000000), 0, S(0x3f800000), 0, "rm field unused");
    t(OP_FSGNJ_D, 6, 0x3ff0000000000000, 0x8000000000000000, 0, 0xbff0000000000000, 0,
      "rm field unused");

    /* Dynamic mode reads frm. */
    in = (struct insn){.op = OP_FDIV_S, .rd = 5, .rs1 = 1, .rs2 = 2, .len = 4, .rm = DYN};
    h->f[1] = S(0x3f800000);
    h->f[2] = S(0x40400000);
    h->fflags = 0;
    h->frm = RTZ;
    ok(fpu_exec(h, &in) && h->f[5] == S(0x3eaaaaaa) && h->fflags == NX, "dynamic RTZ 1/3");
    h->frm = RMM;
    in.op = OP_FADD_S;
    h->f[2] = S(0x33800000);
    ok(fpu_exec(h, &in) && h->f[5] == S(0x3f800001), "dynamic RMM 1+2^-24");

    /* Flags accrue. */
    in = (struct insn){.op = OP_FDIV_D, .rd = 5, .rs1 = 1, .rs2 = 2, .len = 4, .rm = RNE};
    h->f[1] = 0x3ff0000000000000;
    h->f[2] = 0;
    h->fflags = NX | NV;
    ok(fpu_exec(h, &in) && h->fflags == (NX | NV | DZ), "flags accrue (OR)");

    /* x0 is never written, but flags still are. */
    in = (struct insn){.op = OP_FEQ_S, .rd = 0, .rs1 = 1, .rs2 = 2, .len = 4};
    h->x[0] = 0;
    h->f[1] = S(0x7f800001);
    h->f[2] = S(0x7f800001);
    h->fflags = 0;
    ok(fpu_exec(h, &in) && h->x[0] == 0 && h->fflags == NV, "feq x0, sNaN, sNaN");
    in = (struct insn){.op = OP_FCVT_L_D, .rd = 0, .rs1 = 1, .len = 4, .rm = RNE};
    h->f[1] = 0x4000000000000000;
    ok(fpu_exec(h, &in) && h->x[0] == 0, "fcvt.l.d x0");
    in = (struct insn){.op = OP_FMV_X_D, .rd = 0, .rs1 = 1, .len = 4};
    ok(fpu_exec(h, &in) && h->x[0] == 0, "fmv.x.d x0");

    /* fcvt.s.w rd, x0 gives +0 with no flags. */
    in = (struct insn){.op = OP_FCVT_S_W, .rd = 5, .rs1 = 0, .len = 4, .rm = RDN};
    h->fflags = 0;
    ok(fpu_exec(h, &in) && h->f[5] == S(0) && h->fflags == 0, "fcvt.s.w x0");

    /* The host is back in round-to-nearest after a directed-mode op. */
    run(OP_FMUL_D, RUP, 0x3ff0000000000001, 0x3ff0000000000001, 0, &fl);
    ok(fegetround() == FE_TONEAREST, "host rounding restored");
}

/* -- Vectors from an exact model -------------------------------------------
 * Drawn at random (operands biased to specials, subnormals, huge values and,
 * for RMM, exact ties) and evaluated by a separate model of the spec written
 * in exact rational arithmetic (Python fractions: round_to(), no host
 * floating point).  Single operands are raw f-register values. */
static const struct vec {
    const char *op;
    int rm;
    uint64_t a, b, c, want;
    int fl;
} vecs[] = {
    {"fadd.s", 4, 0xffffffff00400000, 0xfffffffff8bc1858, 0, 0xfffffffff8bc1858, 0x01},
    {"fadd.s", 2, 0xffffffff086a68f4, 0xffffffffb21ad912, 0, 0xffffffffb21ad912, 0x01},
    {"fadd.s", 4, 0xffffffff774b8d40, 0xffffffff3dcccccd, 0, 0xffffffff774b8d40, 0x01},
    {"fadd.s", 0, 0xffffffff00400000, 0xffffffff84bd121d, 0, 0xffffffff84bcd21d, 0x00},
    {"fadd.s", 4, 0xffffffffe2808000, 0xffffffffdcdae800, 0, 0xffffffffe2808daf, 0x01},
    {"fadd.s", 4, 0xfffffffff0357e00, 0xffffffffe6a40000, 0, 0xfffffffff0357e15, 0x01},
    {"fsub.s", 0, 0xffffffff3f7fffff, 0xfffffffffbd5bef2, 0, 0xffffffff7bd5bef2, 0x01},
    {"fsub.s", 3, 0xffffffff7a72499c, 0xffffffff71d4f204, 0, 0xffffffff7a724932, 0x01},
    {"fsub.s", 2, 0xffffffff4effffff, 0xffffffff6bb8a7af, 0, 0xffffffffebb8a7af, 0x01},
    {"fsub.s", 0, 0xffffffff0281d102, 0xffffffffb73fc592, 0, 0xffffffff373fc592, 0x01},
    {"fsub.s", 4, 0xffffffffe5a26cc0, 0xffffffff5c920000, 0, 0xffffffffe5a26ce5, 0x01},
    {"fsub.s", 4, 0xffffffffa453c000, 0xffffffff1c268000, 0, 0xffffffffa453c0a7, 0x01},
    {"fmul.s", 3, 0xffffffff7fa00000, 0xffffffffbf800000, 0, 0xffffffff7fc00000, 0x10},
    {"fmul.s", 4, 0xffffffffdc8951c7, 0xffffffffbdb98639, 0, 0xffffffff5ac70830, 0x01},
    {"fmul.s", 4, 0xffffffff19cc6802, 0xfffffffff9d24c2a, 0, 0xffffffffd427ea22, 0x01},
    {"fmul.s", 2, 0xffffffff880769ed, 0xffffffff9c0c0212, 0, 0xffffffff00000000, 0x03},
    {"fmul.s", 4, 0xffffffff5a9c0000, 0xffffffff5744ac70, 0, 0xffffffff726fb229, 0x01},
    {"fmul.s", 4, 0xffffffff5198c400, 0xffffffff4e9a1000, 0, 0xffffffff60b7dee9, 0x01},
    {"fdiv.s", 3, 0xffffffff00000000, 0xffffffffc05c6197, 0, 0xffffffff80000000, 0x00},
    {"fdiv.s", 4, 0xffffffff4ce425c5, 0xffffffffb523dfd0, 0, 0xffffffffd73233f7, 0x01},
    {"fdiv.s", 2, 0x42bcb504, 0xffffffff9bc8b2b9, 0, 0xffffffff7fc00000, 0x00},
    {"fdiv.s", 3, 0xffffffffed81fe60, 0xffffffffbf800000, 0, 0xffffffff6d81fe60, 0x00},
    {"fdiv.s", 4, 0xffffffff000a172d, 0xffffffff40000000, 0, 0xffffffff00050b97, 0x03},
    {"fdiv.s", 4, 0xffffffff003ad641, 0xffffffffc0000000, 0, 0xffffffff801d6b21, 0x03},
    {"fsqrt.s", 0, 0xffffffffcf000001, 0, 0, 0xffffffff7fc00000, 0x10},
    {"fsqrt.s", 4, 0xffffffff73d6250f, 0, 0, 0xffffffff59a58fae, 0x01},
    {"fsqrt.s", 4, 0xffffffff73ec7015, 0, 0, 0xffffffff59adf734, 0x01},
    {"fsqrt.s", 4, 0xffffffff4f5cda45, 0, 0, 0xffffffff476dc71c, 0x01},
    {"fmadd.s", 3, 0x2e6676a3, 0xffffffff00000001, 0xffffffff3dcccccd, 0xffffffff7fc00000, 0x00},
    {"fmadd.s", 3, 0xffffffff752c2ee3, 0xffffffff04c3d56f, 0xffffffff4f913334,
     0xffffffff4f913335, 0x01},
    {"fmadd.s", 3, 0xffffffff7f800001, 0xffffffff7c2a5e91, 0xffffffffffc12345,
     0xffffffff7fc00000, 0x10},
    {"fmadd.s", 2, 0xfffffffff17d6590, 0xffffffff3f323ce3, 0xffffffff4f7fffff,
     0xfffffffff1306ce3, 0x01},
    {"fmadd.s", 4, 0xffffffff5880d25f, 0xffffffff4b238ac7, 0xffffffff57e1089c,
     0xffffffff64249791, 0x01},
    {"fmadd.s", 4, 0xffffffff4e5aeac8, 0xffffffff4ac7436d, 0xffffffff4d3f61b0,
     0xffffffff59aa662b, 0x01},
    {"fmsub.s", 3, 0xffffffffff7fffff, 0xffffffffdf000000, 0xffffffff3eaaaaab,
     0xffffffff7f800000, 0x05},
    {"fmsub.s", 1, 0xffffffffdf000000, 0xffffffff0d71f98a, 0xffffffff7a8ba985,
     0xfffffffffa8ba985, 0x01},
    {"fmsub.s", 3, 0xffffffff87c59bcf, 0xffffffff7ef2061a, 0xfffffffff9e25eeb,
     0xffffffff79e25eeb, 0x01},
    {"fmsub.s", 4, 0xfffffffff1e8ab04, 0xffffffff6e81794e, 0xffffffffd01ce217,
     0xffffffffff800000, 0x05},
    {"fmsub.s", 4, 0xffffffff463f3531, 0xffffffff4adc9319, 0xffffffffc4b2acdc,
     0xffffffff51a4bf95, 0x01},
    {"fmsub.s", 4, 0xffffffff5beaec32, 0xffffffff4750bd8d, 0xffffffffd657f3b0,
     0xffffffff63bf8ddb, 0x01},
    {"fnmsub.s", 3, 0xffffffff7fc00000, 0xffffffff7a69ee11, 0xffffffff386a6cb9,
     0xffffffff7fc00000, 0x00},
    {"fnmsub.s", 3, 0xffffffff025490c6, 0xffffffff7489a2f5, 0xffffffff766ba885,
     0xffffffff766ba885, 0x01},
    {"fnmsub.s", 1, 0xffffffffc6c502bf, 0xffffffffb584423a, 0xffffffff410df75f,
     0xffffffff410d9196, 0x01},
    {"fnmsub.s", 2, 0xffffffff4f800000, 0xffffffff46491ae5, 0xffffffffff2dd40c,
     0xffffffffff2dd40d, 0x01},
    {"fnmsub.s", 4, 0xffffffffcfffc04d, 0xffffffff46442bc8, 0xffffffff4a61a9b0,
     0xffffffff56c3faf9, 0x01},
    {"fnmsub.s", 4, 0xffffffffc816cfea, 0xffffffff4ac5cfad, 0xffffffff46952378,
     0xffffffff536910af, 0x01},
    {"fnmadd.s", 0, 0xffffffff8111a1b3, 0xffffffff5effffff, 0xffffffff00800001,
     0xffffffff2091a1b2, 0x01},
    {"fnmadd.s", 4, 0xffffffff8a810d3c, 0xffffffff701adf7b, 0xffffffffa348e51d,
     0xffffffff3b1c253d, 0x01},
    {"fnmadd.s", 2, 0xffffffffb723d67f, 0xffffffff7ecb2578, 0xffffffff2da8ffef,
     0xffffffff76820311, 0x01},
    {"fnmadd.s", 3, 0xffffffff001608a2, 0xffffffffc3f332f3, 0xffffffff7f7fffff,
     0xffffffffff7ffffe, 0x01},
    {"fnmadd.s", 4, 0xffffffffd7ca9766, 0xffffffff49d2c258, 0xffffffffd5e951e0,
     0xffffffff6226c9ff, 0x01},
    {"fnmadd.s", 4, 0xffffffffc0e4c192, 0xffffffff47493950, 0xffffffffbc1000c0,
     0xffffffff48b3cf33, 0x01},
    {"fsgnj.s", 1, 0xffffffff04b077c5, 0xffffffff5f7fffff, 0, 0xffffffff04b077c5, 0x00},
    {"fsgnj.s", 3, 0xffffffff45b7a435, 0xffffffffcf000001, 0, 0xffffffffc5b7a435, 0x00},
    {"fsgnj.s", 4, 0xfffffffff2ade38e, 0xffffffff087b90a2, 0, 0xffffffff72ade38e, 0x00},
    {"fsgnj.s", 3, 0xfffffffffa2574f0, 0xffffffff48d6d394, 0, 0xffffffff7a2574f0, 0x00},
    {"fsgnjn.s", 1, 0xffffffff7e27c169, 0xfffffffff924d05a, 0, 0xffffffff7e27c169, 0x00},
    {"fsgnjn.s", 2, 0xfffffffffc79aedb, 0xffffffff031408ff, 0, 0xfffffffffc79aedb, 0x00},
    {"fsgnjn.s", 4, 0xffffffff3eaaaaab, 0xffffffff4f7fffff, 0, 0xffffffffbeaaaaab, 0x00},
    {"fsgnjn.s", 3, 0xffffffffb456fd18, 0xfffffffe00800000, 0, 0xffffffffb456fd18, 0x00},
    {"fsgnjx.s", 3, 0xfffffffff25802b3, 0xffffffff40200000, 0, 0xfffffffff25802b3, 0x00},
    {"fsgnjx.s", 1, 0xffffffff8cfcb89f, 0xfffffffff82eec22, 0, 0xffffffff0cfcb89f, 0x00},
    {"fsgnjx.s", 4, 0xffffffffcfeb3c15, 0xffffffff46287dbc, 0, 0xffffffffcfeb3c15, 0x00},
    {"fsgnjx.s", 4, 0xffffffffd1ba8963, 0xfffffffe0c869fcb, 0, 0xffffffffd1ba8963, 0x00},
    {"fmin.s", 1, 0xffffffffff800000, 0xffffffff8b5ba19b, 0, 0xffffffffff800000, 0x00},
    {"fmin.s", 0, 0xfffffffff62bfe3d, 0xffffffffbf800000, 0, 0xfffffffff62bfe3d, 0x00},
    {"fmin.s", 4, 0xffffffffce04cb31, 0xffffffffb4bc1dff, 0, 0xffffffffce04cb31, 0x00},
    {"fmin.s", 2, 0xffffffff3f000000, 0xffffffff0dca480b, 0, 0xffffffff0dca480b, 0x00},
    {"fmax.s", 0, 0xfffffffff7903261, 0xffffffff77115741, 0, 0xffffffff77115741, 0x00},
    {"fmax.s", 2, 0xffffffff3b5a8395, 0xffffffffc9f7737c, 0, 0xffffffff3b5a8395, 0x00},
    {"fmax.s", 4, 0xffffffffc7023e77, 0xffffffff503551f8, 0, 0xffffffff503551f8, 0x00},
    {"fmax.s", 2, 0xffffffff36b56ec5, 0xffffffff3f65fad7, 0, 0xffffffff3f65fad7, 0x00},
    {"fcvt.w.s", 2, 0xffffffffb7e4511f, 0, 0, 0xffffffffffffffff, 0x01},
    {"fcvt.w.s", 0, 0xffffffff635b025c, 0, 0, 0x7fffffff, 0x10},
    {"fcvt.w.s", 4, 0xffffffffd5a33f3e, 0, 0, 0xffffffff80000000, 0x10},
    {"fcvt.w.s", 4, 0xffffffffd7fbc7d6, 0, 0, 0xffffffff80000000, 0x10},
    {"fcvt.wu.s", 2, 0xffffffff7931e1a9, 0, 0, 0xffffffffffffffff, 0x10},
    {"fcvt.wu.s", 2, 0xffffffffcb93e302, 0, 0, 0, 0x10},
    {"fcvt.wu.s", 2, 0xffffffff5c611772, 0, 0, 0xffffffffffffffff, 0x10},
    {"fcvt.wu.s", 1, 0xffffffff59479640, 0, 0, 0xffffffffffffffff, 0x10},
    {"fcvt.l.s", 1, 0xffffffffd871a568, 0, 0, 0xfffc396a60000000, 0x00},
    {"fcvt.l.s", 1, 0xffffffffda90cfac, 0, 0, 0xffb7982a00000000, 0x00},
    {"fcvt.l.s", 2, 0xffffffffd044c224, 0, 0, 0xfffffffcecf77000, 0x00},
    {"fcvt.l.s", 0, 0xffffffff407045e5, 0, 0, 0x4, 0x01},
    {"fcvt.lu.s", 0, 0xffffffff00000000, 0, 0, 0, 0x00},
    {"fcvt.lu.s", 4, 0xffffffffc2050000, 0, 0, 0, 0x10},
    {"fcvt.lu.s", 0, 0xffffffffd8938289, 0, 0, 0, 0x10},
    {"fcvt.lu.s", 1, 0xffffffffd45290f4, 0, 0, 0, 0x10},
    {"fmv.x.w", 4, 0xffffffff83631ae0, 0, 0, 0xffffffff83631ae0, 0x00},
    {"fmv.x.w", 2, 0xffffffff338ff64c, 0, 0, 0x338ff64c, 0x00},
    {"fmv.x.w", 2, 0xffffffff0a36fba7, 0, 0, 0xa36fba7, 0x00},
    {"fmv.x.w", 4, 0xfffffffff9db460c, 0, 0, 0xfffffffff9db460c, 0x00},
    {"feq.s", 0, 0xffffffff0c7a7ccd, 0xffffffff5f000000, 0, 0, 0x00},
    {"feq.s", 3, 0xffffffff3fc00000, 0xffffffff0dfe3c8c, 0, 0, 0x00},
    {"feq.s", 4, 0x7fffffff7157e599, 0xffffffff7fc00000, 0, 0, 0x00},
    {"feq.s", 3, 0xffffffff6b2cbfc5, 0xffffffff77cfbc23, 0, 0, 0x00},
    {"flt.s", 0, 0xffffffff8273d1fa, 0xffffffff00800001, 0, 0x1, 0x00},
    {"flt.s", 0, 0xffffffff40000000, 0xffffffff5f800000, 0, 0x1, 0x00},
    {"flt.s", 2, 0xffffffffcba4d47d, 0xffffffff4a6d8080, 0, 0x1, 0x00},
    {"flt.s", 0, 0xffffffff05d717ef, 0xffffffffb7e21c78, 0, 0, 0x00},
    {"fle.s", 1, 0xffffffff00800000, 0xffffffffdfb1f4ea, 0, 0, 0x00},
    {"fle.s", 0, 0xffffffff4f7fffff, 0xffffffff279424ae, 0, 0, 0x00},
    {"fle.s", 3, 0xffffffff5effffff, 0xffffffff00000001, 0, 0, 0x00},
    {"fle.s", 2, 0xffffffff15962d18, 0xffffffffcd1b0a8d, 0, 0, 0x00},
    {"fclass.s", 4, 0xffffffff69717b5c, 0, 0, 0x40, 0x00},
    {"fclass.s", 4, 0xffffffff5f7fffff, 0, 0, 0x40, 0x00},
    {"fclass.s", 0, 0xffffffff098e0c12, 0, 0, 0x40, 0x00},
    {"fclass.s", 0, 0xffffffff00400000, 0, 0, 0x20, 0x00},
    {"fcvt.s.w", 3, 0x332e16328000, 0, 0, 0xffffffff4db19400, 0x00},
    {"fcvt.s.w", 2, 0x7fffffffffffffff, 0, 0, 0xffffffffbf800000, 0x00},
    {"fcvt.s.w", 2, 0x2d7d2258bbbb1749, 0, 0, 0xffffffffce8889d2, 0x01},
    {"fcvt.s.w", 1, 0x20000000000001, 0, 0, 0xffffffff3f800000, 0x00},
    {"fcvt.s.wu", 1, 0xc3fbda37cc96df21, 0, 0, 0xffffffff4f4c96df, 0x01},
    {"fcvt.s.wu", 0, 0x1000001, 0, 0, 0xffffffff4b800000, 0x01},
    {"fcvt.s.wu", 4, 0xd082a97dda2ac661, 0, 0, 0xffffffff4f5a2ac6, 0x01},
    {"fcvt.s.wu", 1, 0x77becb2ea9bf8, 0, 0, 0xffffffff4f32ea9b, 0x01},
    {"fcvt.s.l", 1, 0xffff548847aac173, 0, 0, 0xffffffffd72b77b8, 0x01},
    {"fcvt.s.l", 2, 0xffffff7fffffffff, 0, 0, 0xffffffffd3000001, 0x01},
    {"fcvt.s.l", 2, 0x8e3e5e7cde253995, 0, 0, 0xffffffffdee38344, 0x01},
    {"fcvt.s.l", 0, 0xfffffffffffff18f, 0, 0, 0xffffffffc5671000, 0x00},
    {"fcvt.s.lu", 1, 0xc6c9c24088e58ab, 0, 0, 0xffffffff5d46c9c2, 0x01},
    {"fcvt.s.lu", 4, 0x8000000000000000, 0, 0, 0xffffffff5f000000, 0x00},
    {"fcvt.s.lu", 1, 0xf022bd8dcd7a2173, 0, 0, 0xffffffff5f7022bd, 0x01},
    {"fcvt.s.lu", 0, 0x1000003, 0, 0, 0xffffffff4b800002, 0x01},
    {"fmv.w.x", 0, 0xfffffffe44c4721d, 0, 0, 0xffffffff44c4721d, 0x00},
    {"fmv.w.x", 4, 0xc129fec00, 0, 0, 0xffffffff129fec00, 0x00},
    {"fmv.w.x", 2, 0x80000000, 0, 0, 0xffffffff80000000, 0x00},
    {"fmv.w.x", 4, 0x20000000000001, 0, 0, 0xffffffff00000001, 0x00},
    {"fadd.d", 4, 0xf1b78876d20df5f9, 0x827e23a648a1e008, 0, 0xf1b78876d20df5f9, 0x01},
    {"fadd.d", 3, 0x41dac273390841fd, 0x7cae10349813db9d, 0, 0x7cae10349813db9e, 0x01},
    {"fadd.d", 2, 0x175af5d60e9ac70, 0xfd7c488e9794c2de, 0, 0xfd7c488e9794c2de, 0x01},
    {"fadd.d", 3, 0, 0x80f001fd952e3db8, 0, 0x80f001fd952e3db8, 0x00},
    {"fadd.d", 4, 0xfe98c00000000000, 0xfdc93ada2dcad000, 0, 0xfe98c0c9d6d16e57, 0x01},
    {"fadd.d", 4, 0x819ce67cd51ae11e, 0x8000000000800000, 0, 0x819ce67cd51ae11f, 0x01},
    {"fsub.d", 4, 0xfe23ea05a489406c, 0x41efffffffe00000, 0, 0xfe23ea05a489406c, 0x01},
    {"fsub.d", 2, 0x1c527315a1357d86, 0x2978ab855c120bb6, 0, 0xa978ab855c120bb6, 0x01},
    {"fsub.d", 4, 0xfff8000000012345, 0x3ef426a9bdbc08fb, 0, 0x7ff8000000000000, 0x00},
    {"fsub.d", 0, 0x7f063aea25b18210, 0x7fefffffffffffff, 0, 0xffefffa714576939, 0x01},
    {"fsub.d", 4, 0x19c5080000000000, 0x9915e9cbb7f34400, 0, 0x19c50abd3976fe69, 0x01},
    {"fsub.d", 4, 0x97c3240000000000, 0x170cafa9879d0800, 0, 0x97c325cafa9879d1, 0x01},
    {"fmul.d", 4, 0x43f0000000000000, 0xbe875b3caa68a145, 0, 0xc2875b3caa68a145, 0x00},
    {"fmul.d", 1, 0x7fefffffffffffff, 0x10000000000000, 0, 0x400fffffffffffff, 0x00},
    {"fmul.d", 2, 0x7ff4000000000000, 0xc3e0000000000001, 0, 0x7ff8000000000000, 0x10},
    {"fmul.d", 0, 0x40130e7b59de23eb, 0x41f0000000000000, 0, 0x42130e7b59de23eb, 0x00},
    {"fmul.d", 4, 0x79304c6989a89, 0x3fe0000000000000, 0, 0x3c982634c4d45, 0x03},
    {"fmul.d", 4, 0x3d91180000000000, 0x4654fcc530caaf00, 0, 0x43f66c0caba089f7, 0x01},
    {"fdiv.d", 3, 0x3b4c03c53c2f944a, 0x47efffffe0000000, 0, 0x334c03c5583359a3, 0x01},
    {"fdiv.d", 0, 0x12c2ed15ebb950f, 0x43dfffffffffffff, 0, 0x71, 0x03},
    {"fdiv.d", 3, 0xc1e0000000200000, 0x90d175b4f58935bc, 0, 0x70fd53139e45f636, 0x01},
    {"fdiv.d", 2, 0x2ede9fe0474720f, 0xc123c7071215ac61, 0, 0x81b83354f43bdd71, 0x01},
    {"fdiv.d", 4, 0x2dc948c5706f5, 0xc000000000000000, 0, 0x80016e4a462b837b, 0x03},
    {"fdiv.d", 4, 0x857fe9df47f71, 0x4000000000000000, 0, 0x42bff4efa3fb9, 0x03},
    {"fsqrt.d", 3, 0xfde3369da5253367, 0, 0, 0x7ff8000000000000, 0x10},
    {"fsqrt.d", 0, 0x36a0000000000000, 0, 0, 0x3b46a09e667f3bcd, 0x01},
    {"fsqrt.d", 0, 0x39792ddc085a3ef, 0, 0, 0x21c36bcd3b79f281, 0x01},
    {"fsqrt.d", 0, 0x7ff4000000000000, 0, 0, 0x7ff8000000000000, 0x10},
    {"fmadd.d", 4, 0x10000000000000, 0x30c849b10d138c94, 0x40b4e683ea597526,
     0x40b4e683ea597526, 0x01},
    {"fmadd.d", 4, 0x7ff8000000000000, 0x6c21fb24092de246, 0x42a617bb22b46301,
     0x7ff8000000000000, 0x00},
    {"fmadd.d", 2, 0x38b2eba98f35dd0, 0xc1e0000000200000, 0x41e0000000000000,
     0x41dfffffffffffff, 0x01},
    {"fmadd.d", 3, 0xc1dfffffffc00000, 0x69584cec187d7db7, 0x41407c80784a32d5,
     0xeb484cec184ce3de, 0x01},
    {"fmadd.d", 4, 0x41113db13bfd1993, 0x4308290bb37c1f5d, 0x408d2398b03a2640,
     0x442a08c48bf726e5, 0x01},
    {"fmadd.d", 4, 0x40f662bed6166872, 0x433386aacd0f9f98, 0x40dd4c463c94b940,
     0x443b51ac948e4355, 0x01},
    {"fmsub.d", 3, 0xffefffffffffffff, 0x800ed13ed57a0e54, 0xbe2cfa3634288c22,
     0x400da27dab680580, 0x01},
    {"fmsub.d", 3, 0xc06540fc38c92587, 0x81100871160119d1, 0x10000000000000,
     0x1854c32cf15ac50, 0x01},
    {"fmsub.d", 4, 0x3ff0000000000000, 0xfe2b9fb3d05ddbc9, 0x4004000000000000,
     0xfe2b9fb3d05ddbc9, 0x01},
    {"fmsub.d", 1, 0x3810000000000000, 0x9cd766c720477b7f, 0x813c57fb34a0619e,
     0x94f766c720477b7e, 0x01},
    {"fmsub.d", 4, 0x423bcd72663b97b9, 0x42aedcceb71f2de4, 0x41808d9894969710,
     0x44fad0734c01272f, 0x01},
    {"fmsub.d", 4, 0x445bbef23c099d4a, 0x42bf0b537e9cfb48, 0xc3c6997ad5f86a60,
     0x472aeaccb27a35f1, 0x01},
    {"fnmsub.d", 1, 0x1a146cd7d1e0fe15, 0xfffffffffffff, 0x230c60b890d706b,
     0x230c60b890d706a, 0x01},
    {"fnmsub.d", 4, 0x393a3e8f8ca5ce3c, 0x7d0bd86c6c213cdb, 0x1794bcb180cf726,
     0xf656d648537426ca, 0x01},
    {"fnmsub.d", 4, 0x30b594023b5bf786, 0x3ff0000000000000, 0x41e0000000000000,
     0x41e0000000000000, 0x01},
    {"fnmsub.d", 4, 0x3a32c086dd15655a, 0xe14e019a927a9bde, 0xfff0000000000000,
     0xfff0000000000000, 0x00},
    {"fnmsub.d", 4, 0xc1011d741468763c, 0x42def52dfebfdff7, 0xc074e4937462bf20,
     0x43f08ebeed89d44d, 0x01},
    {"fnmsub.d", 4, 0xc199daf83e641720, 0x42a3541e0a186e58, 0x40ec5f4882a13400,
     0x444f3bf4ec4033d7, 0x01},
    {"fnmadd.d", 2, 0xc0a707975b5a24a8, 0x8000000000000001, 0x970f02598ab9c28a,
     0x170f02598ab9c289, 0x01},
    {"fnmadd.d", 3, 0x43e0000000000000, 0x7d76cffb804efb5f, 0x3e544c6b19391110,
     0xffefffffffffffff, 0x05},
    {"fnmadd.d", 3, 0xf097a552e8f22293, 0x81ff118312bb8162, 0xfc5a27fc3e7bb386,
     0x7c5a27fc3e7bb386, 0x01},
    {"fnmadd.d", 4, 0x80558466ea04bd6d, 0xc1e0000000000000, 0x4004000000000000,
     0xc004000000000000, 0x01},
    {"fnmadd.d", 4, 0xc5880db7ecd8c6ac, 0x42ff7493acb22871, 0x453648563ca523d8,
     0x4897a4eae9012199, 0x01},
    {"fnmadd.d", 4, 0xc1bf4efe26905ffb, 0x42c984425996f356, 0xc1210d5e014a02b8,
     0x4498f71d51137149, 0x01},
    {"fsgnj.d", 0, 0xa1ca5070026b4f15, 0x167e6c40ca9bb10, 0, 0x21ca5070026b4f15, 0x00},
    {"fsgnj.d", 4, 0x41e0000000000000, 0x7de84a00bb325a8f, 0, 0x41e0000000000000, 0x00},
    {"fsgnj.d", 0, 0x3f74fa30ee31987c, 0x8d1a444999122fcd, 0, 0xbf74fa30ee31987c, 0x00},
    {"fsgnj.d", 2, 0xbfbcda99d1aa80f8, 0xfff0000000000000, 0, 0xbfbcda99d1aa80f8, 0x00},
    {"fsgnjn.d", 1, 0, 0xf399a0f7431eb8e8, 0, 0, 0x00},
    {"fsgnjn.d", 2, 0x3fefffffffffffff, 0xc55d9255fb6d974a, 0, 0x3fefffffffffffff, 0x00},
    {"fsgnjn.d", 3, 0x36593f6200f3c34, 0x185a98fad856ca9f, 0, 0x836593f6200f3c34, 0x00},
    {"fsgnjn.d", 0, 0x7c06398d1a3eefb0, 0x79c55eaa7caa, 0, 0xfc06398d1a3eefb0, 0x00},
    {"fsgnjx.d", 2, 0xc03677fa514b4720, 0xfffffffffffff, 0, 0xc03677fa514b4720, 0x00},
    {"fsgnjx.d", 0, 0x831568e5edb1c329, 0xbff0000000000000, 0, 0x31568e5edb1c329, 0x00},
    {"fsgnjx.d", 2, 0x40d97e925bda4973, 0x43f0000000000000, 0, 0x40d97e925bda4973, 0x00},
    {"fsgnjx.d", 3, 0xcc5530a4bff5e1, 0x8117b9d1e0f7534b, 0, 0x80cc5530a4bff5e1, 0x00},
    {"fmin.d", 1, 0xf8781f30ac40c97b, 0x26dc1fc792b5beb, 0, 0xf8781f30ac40c97b, 0x00},
    {"fmin.d", 2, 0xaeca2f45b907451, 0x403c85221dc3cb45, 0, 0xaeca2f45b907451, 0x00},
    {"fmin.d", 2, 0x3e018b9a3a2a080e, 0x7ebcaed0b99da141, 0, 0x3e018b9a3a2a080e, 0x00},
    {"fmin.d", 2, 0xc3e0000000000001, 0x8114c3fc2f63174f, 0, 0xc3e0000000000001, 0x00},
    {"fmax.d", 0, 0xe9df4274545baecf, 0x41e0000000000000, 0, 0x41e0000000000000, 0x00},
    {"fmax.d", 4, 0x536bf35df301b274, 0xff9e191faef46283, 0, 0x536bf35df301b274, 0x00},
    {"fmax.d", 0, 0xff41e52d48a8fa37, 0xf4b8f2a4a414cec8, 0, 0xf4b8f2a4a414cec8, 0x00},
    {"fmax.d", 1, 0xc03968ac7b88221c, 0xc10f84d9e201c1a3, 0, 0xc03968ac7b88221c, 0x00},
    {"fcvt.w.d", 1, 0x43630872c958c882, 0, 0, 0x7fffffff, 0x10},
    {"fcvt.w.d", 4, 0xbe13eadbf9c1812b, 0, 0, 0, 0x01},
    {"fcvt.w.d", 2, 0x8000000000000001, 0, 0, 0xffffffffffffffff, 0x01},
    {"fcvt.w.d", 4, 0x4113f4f933333333, 0, 0, 0x4fd3e, 0x01},
    {"fcvt.wu.d", 1, 0xbf1e1813649ecc1d, 0, 0, 0, 0x01},
    {"fcvt.wu.d", 1, 0xbfd999999999999a, 0, 0, 0, 0x01},
    {"fcvt.wu.d", 4, 0x4132688766666666, 0, 0, 0x126887, 0x01},
    {"fcvt.wu.d", 0, 0x7ff4000000000000, 0, 0, 0xffffffffffffffff, 0x10},
    {"fcvt.l.d", 3, 0x41a9817452000000, 0, 0, 0xcc0ba29, 0x00},
    {"fcvt.l.d", 3, 0xc3e74985e54fd80d, 0, 0, 0x8000000000000000, 0x10},
    {"fcvt.l.d", 3, 0xc2530198906ca000, 0, 0, 0xffffffb3f99dbe4e, 0x01},
    {"fcvt.l.d", 1, 0xc1897e0cc8000000, 0, 0, 0xfffffffffcd03e67, 0x00},
    {"fcvt.lu.d", 1, 0xbf65106d41e81104, 0, 0, 0, 0x01},
    {"fcvt.lu.d", 4, 0xc2be980f97693a00, 0, 0, 0, 0x10},
    {"fcvt.lu.d", 2, 0xc28d9c36a814b000, 0, 0, 0, 0x10},
    {"fcvt.lu.d", 3, 0xc113d9ae1e379da9, 0, 0, 0, 0x10},
    {"fmv.x.d", 0, 0x215fbdd93af485, 0, 0, 0x215fbdd93af485, 0x00},
    {"fmv.x.d", 3, 0x3fec9350f1e888d4, 0, 0, 0x3fec9350f1e888d4, 0x00},
    {"fmv.x.d", 2, 0x7d97a89d86a7ed6e, 0, 0, 0x7d97a89d86a7ed6e, 0x00},
    {"fmv.x.d", 4, 0xaaeaae811c179763, 0, 0, 0xaaeaae811c179763, 0x00},
    {"feq.d", 1, 0xfc34e405e01c12a2, 0xbe7d39ba335e99c4, 0, 0, 0x00},
    {"feq.d", 0, 0x3fefffffffffffff, 0x36a0000000000000, 0, 0, 0x00},
    {"feq.d", 0, 0x7dbce6354c89ae2a, 0xc1e0000000200000, 0, 0, 0x00},
    {"feq.d", 3, 0x47efffff10000000, 0x2ae0341bf1c40d7, 0, 0, 0x00},
    {"flt.d", 1, 0x7d2c526ae2504a7b, 0xfeadd2094df968f2, 0, 0, 0x00},
    {"flt.d", 4, 0xfae6c6291f94df9e, 0x4116df3fec71e03e, 0, 0x1, 0x00},
    {"flt.d", 3, 0x7e1d6b1a957b46c9, 0xd9e24095f9a59109, 0, 0, 0x00},
    {"flt.d", 3, 0x1, 0x1280a489b1dd12f3, 0, 0x1, 0x00},
    {"fle.d", 2, 0x3e48e1b45fb39a7e, 0x3f612cddaf4ef301, 0, 0x1, 0x00},
    {"fle.d", 4, 0xaa917aa888cb71, 0xde40ce448984d4b8, 0, 0, 0x00},
    {"fle.d", 4, 0xdf2f32983ee86d9d, 0x3fefffffffffffff, 0, 0x1, 0x00},
    {"fle.d", 0, 0xfe0544f8a6d93641, 0xfff8000000012345, 0, 0, 0x10},
    {"fclass.d", 1, 0xc062fc6ac10c1b8f, 0, 0, 0x2, 0x00},
    {"fclass.d", 2, 0xbf847d702ab9851e, 0, 0, 0x2, 0x00},
    {"fclass.d", 0, 0x2e2fbfb180e0a48, 0, 0, 0x40, 0x00},
    {"fclass.d", 3, 0x76ac128e3e1dd78d, 0, 0, 0x40, 0x00},
    {"fcvt.d.w", 2, 0x5d359, 0, 0, 0x41174d6400000000, 0x00},
    {"fcvt.d.w", 0, 0xd5cbcf4347aa3c4a, 0, 0, 0x41d1ea8f12800000, 0x00},
    {"fcvt.d.w", 4, 0xb918b65a50cf4a59, 0, 0, 0x41d433d296400000, 0x00},
    {"fcvt.d.w", 1, 0x251065dc45150016, 0, 0, 0x41d1454005800000, 0x00},
    {"fcvt.d.wu", 1, 0x155f09750d0f1564, 0, 0, 0x41aa1e2ac8000000, 0x00},
    {"fcvt.d.wu", 4, 0x12452afcabdbfc24, 0, 0, 0x41e57b7f84800000, 0x00},
    {"fcvt.d.wu", 4, 0xfffffffff1f6d13d, 0, 0, 0x41ee3eda27a00000, 0x00},
    {"fcvt.d.wu", 4, 0x2721998, 0, 0, 0x418390ccc0000000, 0x00},
    {"fcvt.d.l", 2, 0x80000000, 0, 0, 0x41e0000000000000, 0x00},
    {"fcvt.d.l", 3, 0x1000001, 0, 0, 0x4170000010000000, 0x00},
    {"fcvt.d.l", 2, 0x6de837, 0, 0, 0x415b7a0dc0000000, 0x00},
    {"fcvt.d.l", 4, 0x6382639f07a62a, 0, 0, 0x4358e098e7c1e98b, 0x01},
    {"fcvt.d.l", 4, 0x1ff2e40edaa3fe80, 0, 0, 0x43bff2e40edaa3ff, 0x01},
    {"fcvt.d.l", 4, 0x30768225c9ea3d0, 0, 0, 0x43883b4112e4f51f, 0x01},
    {"fcvt.d.lu", 2, 0x90cd817ce608458b, 0, 0, 0x43e219b02f9cc108, 0x01},
    {"fcvt.d.lu", 0, 0x991ea0, 0, 0, 0x416323d400000000, 0x00},
    {"fcvt.d.lu", 0, 0x19b9ad80000, 0, 0, 0x4279b9ad80000000, 0x00},
    {"fcvt.d.lu", 2, 0x4a78309c0798056d, 0, 0, 0x43d29e0c2701e601, 0x01},
    {"fcvt.d.lu", 4, 0x22e5b36bb492150, 0, 0, 0x438172d9b5da490b, 0x01},
    {"fcvt.d.lu", 4, 0x170411e99c461a80, 0, 0, 0x43b70411e99c461b, 0x01},
    {"fmv.d.x", 4, 0x7fffffffffffffff, 0, 0, 0x7fffffffffffffff, 0x00},
    {"fmv.d.x", 1, 0x878c269c02bc0ae6, 0, 0, 0x878c269c02bc0ae6, 0x00},
    {"fmv.d.x", 3, 0x3739f1f0ca494a75, 0, 0, 0x3739f1f0ca494a75, 0x00},
    {"fmv.d.x", 0, 0xffffff7fffffffff, 0, 0, 0xffffff7fffffffff, 0x00},
    {"fcvt.s.d", 3, 0xc06690071959da45, 0, 0, 0xffffffffc3348038, 0x01},
    {"fcvt.s.d", 4, 0x35f6c5375c9ba5f5, 0, 0, 0xffffffff00000000, 0x03},
    {"fcvt.s.d", 2, 0x41efffffffe00000, 0, 0, 0xffffffff4f7fffff, 0x01},
    {"fcvt.s.d", 3, 0x41efffffffe00000, 0, 0, 0xffffffff4f800000, 0x01},
    {"fcvt.s.d", 4, 0xbb4ab85fd0000000, 0, 0, 0xffffffff9a55c2ff, 0x01},
    {"fcvt.s.d", 4, 0x3a52babfd0000000, 0, 0, 0xffffffff1295d5ff, 0x01},
    {"fcvt.d.s", 4, 0xffffffffcca23d1c, 0, 0, 0xc19447a380000000, 0x00},
    {"fcvt.d.s", 3, 0xffffffff9609ca33, 0, 0, 0xbac1394660000000, 0x00},
    {"fcvt.d.s", 2, 0xffffffff4c933bb6, 0, 0, 0x41926776c0000000, 0x00},
    {"fcvt.d.s", 4, 0xffffffff54731660, 0, 0, 0x428e62cc00000000, 0x00},
};

static void test_vectors(void)
{
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
        const struct vec *v = &vecs[i];
        int op = -1;
        for (int k = 0; k < OP_COUNT; k++)
            if (!strcmp(names[k], v->op))
                op = k;
        char what[80];
        snprintf(what, sizeof what, "model %zu: %llx %llx %llx", i, (unsigned long long)v->a,
                 (unsigned long long)v->b, (unsigned long long)v->c);
        t(op, v->rm, v->a, v->b, v->c, v->want, v->fl, what);
    }
}

int main(void)
{
    h = calloc(1, sizeof *h);
    test_arith();
    test_fma();
    test_cvt_to_int();
    test_cvt_from_int();
    test_cvt_fp();
    test_nan();
    test_minmax_cmp();
    test_rm_and_state();
    test_vectors();
    printf("1..%d\n", ntest);
    free(h);
    return nfail != 0;
}
