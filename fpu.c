/* fpu.c — the F and D extensions: every computational instruction of the
 * RISC-V unprivileged spec's F and D chapters, with its NaN-boxing,
 * canonical NaNs, five rounding modes and accrued exception flags.  The
 * interpreter calls fpu_exec() once it has checked mstatus.FS, and marks FS
 * dirty after; FP loads and stores are its own.
 *
 * How the arithmetic is done.  The host is an IEEE 754 machine with the same
 * two formats, four of the five rounding modes and the same five exceptions;
 * x86 SSE, like RISC-V, detects tininess after rounding and raises underflow
 * only for a tiny *inexact* result.  So fadd.s is a host float add under
 * fesetround(), its flags read back with fetestexcept().  What the host does
 * differently is fixed here:
 *   - NaN results: the host propagates payloads, RISC-V returns the
 *     canonical NaN (0x7fc00000, 0x7ff8000000000000).  put_s/put_d.
 *   - RMM, round to nearest with ties away from zero, does not exist on the
 *     host.  It differs from RNE only when the exact result lies exactly
 *     halfway, so we compute in RNE and, if that was inexact, once more in
 *     long double to see whether it was a tie.  rmm_fix_s/rmm_fix_d.
 *   - Conversions to integer saturate, and flag NV instead of NX, the RISC-V
 *     way: done by hand in to_int().
 *   - fma(inf, 0, qNaN) must flag NV, which IEEE leaves optional.
 *
 * GCC ignores `#pragma STDC FENV_ACCESS` and will happily move arithmetic
 * across fesetround() or fetestexcept(), or fold it.  Every host operation
 * whose rounding or flags matter therefore loads its operands from volatile
 * locals and stores its result to one: volatile accesses stay in order with
 * the fenv calls around them.  The host is left in round-to-nearest, the
 * only mode the rest of the emulator may assume; host exception flags are
 * left as they fall (see host_begin). */
#include <assert.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "fpu.h"

/* Exact results of double-precision operations are decided in long double
 * (see rmm_fix_d); it needs room for 53 bits plus a rounding bit, and more. */
_Static_assert(LDBL_MANT_DIG >= 64, "RMM needs a long double of at least 64 bits");

#define F32_SIGN 0x80000000u
#define F32_EXP 0x7f800000u
#define F32_QUIET 0x00400000u
#define F32_CANON 0x7fc00000u /* the canonical NaN */
#define F64_SIGN 0x8000000000000000ull
#define F64_EXP 0x7ff0000000000000ull
#define F64_QUIET 0x0008000000000000ull
#define F64_CANON 0x7ff8000000000000ull
#define NAN_BOX 0xffffffff00000000ull /* a single in an f register: upper half all ones */

/* -- Registers: NaN-boxing and canonical NaNs ------------------------------ */

/* A single operand: the low half of f[r] if properly NaN-boxed, else the
 * canonical NaN (spec: "as if the value were the canonical NaN"). */
static uint32_t s_bits(const struct hart *h, int r)
{
    uint64_t v = h->f[r];
    return (v & NAN_BOX) == NAN_BOX ? (uint32_t)v : F32_CANON;
}

static float s_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static double d_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static void put_s_bits(struct hart *h, int r, uint32_t b)
{
    h->f[r] = NAN_BOX | b;
}

/* An arithmetic single result: any NaN becomes the canonical one. */
static void put_s(struct hart *h, int r, float v)
{
    uint32_t b = F32_CANON;
    if (!isnan(v))
        memcpy(&b, &v, sizeof b);
    put_s_bits(h, r, b);
}

static void put_d(struct hart *h, int r, double v)
{
    uint64_t b = F64_CANON;
    if (!isnan(v))
        memcpy(&b, &v, sizeof b);
    h->f[r] = b;
}

/* Integer destinations: x0 stays zero. */
static void put_x(struct hart *h, int r, uint64_t v)
{
    if (r != 0)
        h->x[r] = v;
}

static bool s_is_nan(uint32_t b)
{
    return (b & ~F32_SIGN) > F32_EXP;
}

static bool s_is_snan(uint32_t b)
{
    return s_is_nan(b) && !(b & F32_QUIET);
}

static bool d_is_nan(uint64_t b)
{
    return (b & ~F64_SIGN) > F64_EXP;
}

static bool d_is_snan(uint64_t b)
{
    return d_is_nan(b) && !(b & F64_QUIET);
}

/* -- Host rounding and flags --------------------------------------------- */

/* Host operations under a guest rounding mode.  H_* is an arithmetic
 * operation; SRC_* says what a conversion converts from. */
enum hop { H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_FMA };
enum src { SRC_W, SRC_WU, SRC_L, SRC_LU, SRC_D };

/* RMM runs as RNE and is then fixed up. */
static const int host_mode[RM_RMM + 1] = {
    [RM_RNE] = FE_TONEAREST, [RM_RTZ] = FE_TOWARDZERO, [RM_RDN] = FE_DOWNWARD,
    [RM_RUP] = FE_UPWARD,    [RM_RMM] = FE_TONEAREST,
};

static uint8_t fflags_of(int ex)
{
    return (ex & FE_INEXACT ? FFLAG_NX : 0) | (ex & FE_UNDERFLOW ? FFLAG_UF : 0) |
           (ex & FE_OVERFLOW ? FFLAG_OF : 0) | (ex & FE_DIVBYZERO ? FFLAG_DZ : 0) |
           (ex & FE_INVALID ? FFLAG_NV : 0);
}

static int fe_of(uint8_t fl)
{
    return (fl & FFLAG_NX ? FE_INEXACT : 0) | (fl & FFLAG_UF ? FE_UNDERFLOW : 0) |
           (fl & FFLAG_OF ? FE_OVERFLOW : 0) | (fl & FFLAG_DZ ? FE_DIVBYZERO : 0) |
           (fl & FFLAG_NV ? FE_INVALID : 0);
}

/* Set the host up for one operation.  A host flag left set from before
 * must not be mistaken for this operation's, unless the guest has accrued
 * it already: then seeing it again changes nothing.  So only those are
 * cleared, which in the steady state (NX accrued early, never cleared) is
 * none: fetestexcept is cheap, feclearexcept rewrites the x87 environment
 * and costs several times an add.  Host flags thus stay set after we
 * return; whoever reads them must clear them first, as we do. */
static void host_begin(const struct hart *h, int rm)
{
    if (host_mode[rm] != FE_TONEAREST)
        fesetround(host_mode[rm]);
    int stale = fetestexcept(FE_ALL_EXCEPT) & ~fe_of(h->fflags);
    if (stale)
        feclearexcept(stale);
}

/* Ends what host_begin started: back to round-to-nearest, and the host's
 * flags as fflags bits. */
static uint8_t host_end(int rm)
{
    int ex = fetestexcept(FE_ALL_EXCEPT);
    if (host_mode[rm] != FE_TONEAREST)
        fesetround(FE_TONEAREST);
    return fflags_of(ex);
}

static float host_s(enum hop k, float a, float b, float c)
{
    volatile float va = a, vb = b, vc = c, r = 0;
    switch (k) {
    case H_ADD: r = va + vb; break;
    case H_SUB: r = va - vb; break;
    case H_MUL: r = va * vb; break;
    case H_DIV: r = va / vb; break;
    case H_SQRT: r = sqrtf(va); break;
    case H_FMA: r = fmaf(va, vb, vc); break;
    }
    return r;
}

static double host_d(enum hop k, double a, double b, double c)
{
    volatile double va = a, vb = b, vc = c, r = 0;
    switch (k) {
    case H_ADD: r = va + vb; break;
    case H_SUB: r = va - vb; break;
    case H_MUL: r = va * vb; break;
    case H_DIV: r = va / vb; break;
    case H_SQRT: r = sqrt(va); break;
    case H_FMA: r = fma(va, vb, vc); break;
    }
    return r;
}

/* Conversions take their source as the raw x register or f register bits. */
static float host_s_from(enum src k, uint64_t src)
{
    volatile uint64_t v = src;
    volatile float r = 0;
    switch (k) {
    case SRC_W: r = (float)(int32_t)v; break;
    case SRC_WU: r = (float)(uint32_t)v; break;
    case SRC_L: r = (float)(int64_t)v; break;
    case SRC_LU: r = (float)v; break;
    case SRC_D: r = (float)d_of(v); break;
    }
    return r;
}

static double host_d_from(enum src k, uint64_t src)
{
    volatile uint64_t v = src;
    volatile double r = 0;
    switch (k) {
    case SRC_W: r = (double)(int32_t)v; break;
    case SRC_WU: r = (double)(uint32_t)v; break;
    case SRC_L: r = (double)(int64_t)v; break;
    case SRC_LU: r = (double)v; break;
    case SRC_D: assert(!"fcvt.d.d does not exist"); break;
    }
    return r;
}

/* -- RMM: ties away from zero -------------------------------------------
 * RNE and RMM pick the same number except when the exact result x lies
 * exactly halfway between two neighbours, and they raise the same flags
 * even then (overflow and tininess could only differ at a tie between the
 * largest finite number and the next power of two, or just below the
 * smallest normal, and there both round up because the lower neighbour
 * has an odd significand).  A tie has at most p+1 significant bits, so
 * when RNE was inexact we redo the operation in long double: if that is
 * inexact too, x has more than 64 bits and cannot be a tie; if it is exact
 * we hold x itself and can see whether it sits halfway. */

/* x exactly, if 64 bits of significand hold it.  Operands are finite here:
 * an inexact result never comes from a NaN or an infinity. */
static bool wide_exact(enum hop k, long double a, long double b, long double c, long double *x)
{
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double va = a, vb = b, vc = c, r = 0;
    switch (k) {
    case H_ADD: r = va + vb; break;
    case H_SUB: r = va - vb; break;
    case H_MUL: r = va * vb; break;
    case H_DIV: r = va / vb; break;
    case H_SQRT: r = sqrtl(va); break;
    case H_FMA: r = fmal(va, vb, vc); break;
    }
    *x = r;
    return !fetestexcept(FE_INEXACT);
}

/* A conversion's source as an exact long double. */
static long double src_exact(enum src k, uint64_t src)
{
    switch (k) {
    case SRC_W: return (int32_t)src;
    case SRC_WU: return (uint32_t)src;
    case SRC_L: return (int64_t)src;
    case SRC_LU: return src;
    case SRC_D: return d_of(src);
    }
    return 0;
}

/* r is x rounded to nearest, ties to even.  If x was a tie that went toward
 * zero, step r one ulp away.  The subtractions are exact: r and x are
 * within a factor of two of each other, or r is zero. */
static float rmm_fix_s(float r, long double x)
{
    if (isinf(r) || fabsl(x) <= fabsf(r))
        return r;
    float out = nextafterf(r, x < 0 ? -INFINITY : INFINITY);
    long double half = ((long double)fabsf(out) - fabsf(r)) / 2;
    return fabsl(x) - fabsf(r) == half ? out : r;
}

static double rmm_fix_d(double r, long double x)
{
    if (isinf(r) || fabsl(x) <= fabs(r))
        return r;
    double out = nextafter(r, x < 0 ? -INFINITY : INFINITY);
    long double half = ((long double)fabs(out) - fabs(r)) / 2;
    return fabsl(x) - fabs(r) == half ? out : r;
}

/* -- Rounded operations ---------------------------------------------------
 * fl may hold an NX the guest had already accrued (host_begin leaves it);
 * for RMM that only costs a needless wide_exact, which then finds x == r. */

static float s_arith(struct hart *h, int rm, enum hop k, float a, float b, float c)
{
    host_begin(h, rm);
    float r = host_s(k, a, b, c);
    uint8_t fl = host_end(rm);
    long double x;
    if (rm == RM_RMM && (fl & FFLAG_NX) && wide_exact(k, a, b, c, &x))
        r = rmm_fix_s(r, x);
    h->fflags |= fl;
    return r;
}

static double d_arith(struct hart *h, int rm, enum hop k, double a, double b, double c)
{
    host_begin(h, rm);
    double r = host_d(k, a, b, c);
    uint8_t fl = host_end(rm);
    long double x;
    if (rm == RM_RMM && (fl & FFLAG_NX) && wide_exact(k, a, b, c, &x))
        r = rmm_fix_d(r, x);
    h->fflags |= fl;
    return r;
}

/* IEEE makes invalid optional for fma(inf, 0, qNaN) and x86 does not raise
 * it; RISC-V requires it.  The result is NaN whatever the addend. */
static bool inf_times_zero(double a, double b)
{
    return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

static float s_fused(struct hart *h, int rm, float a, float b, float c)
{
    if (inf_times_zero(a, b)) {
        h->fflags |= FFLAG_NV;
        return NAN;
    }
    return s_arith(h, rm, H_FMA, a, b, c);
}

static double d_fused(struct hart *h, int rm, double a, double b, double c)
{
    if (inf_times_zero(a, b)) {
        h->fflags |= FFLAG_NV;
        return NAN;
    }
    return d_arith(h, rm, H_FMA, a, b, c);
}

static float s_from(struct hart *h, int rm, enum src k, uint64_t src)
{
    host_begin(h, rm);
    float r = host_s_from(k, src);
    uint8_t fl = host_end(rm);
    if (rm == RM_RMM && (fl & FFLAG_NX))
        r = rmm_fix_s(r, src_exact(k, src));
    h->fflags |= fl;
    return r;
}

static double d_from(struct hart *h, int rm, enum src k, uint64_t src)
{
    /* 32-bit integers always fit: no rounding, no flags, no fenv cost. */
    if (k == SRC_W)
        return (int32_t)src;
    if (k == SRC_WU)
        return (uint32_t)src;
    host_begin(h, rm);
    double r = host_d_from(k, src);
    uint8_t fl = host_end(rm);
    if (rm == RM_RMM && (fl & FFLAG_NX))
        r = rmm_fix_d(r, src_exact(k, src));
    h->fflags |= fl;
    return r;
}

/* -- Conversion to integer -----------------------------------------------
 * fcvt.{w,wu,l,lu}.{s,d}.  A single converts to double exactly, so one
 * routine serves both.  Rounding to an integral value is exact in double,
 * so the range check is on the rounded value, as the spec words it: a
 * result that does not fit (or a NaN) is clipped and flags NV alone. */
enum dst { DST_W, DST_WU, DST_L, DST_LU };

static double round_integral(double v, int rm)
{
    switch (rm) {
    case RM_RTZ: return trunc(v);
    case RM_RDN: return floor(v);
    case RM_RUP: return ceil(v);
    case RM_RMM: return round(v); /* C's round(): halfway cases away from zero */
    default: return nearbyint(v); /* the host is in round-to-nearest-even */
    }
}

static uint64_t to_int(struct hart *h, int rm, double v, enum dst k)
{
    /* Valid rounded results lie in [lo, hi); below clips to min, at or above
     * hi (and NaN) to max.  The bounds are powers of two, exact in double. */
    static const struct {
        double lo, hi;
        uint64_t min, max;
    } range[] = {
        [DST_W] = {-0x1p31, 0x1p31, (uint64_t)INT32_MIN, INT32_MAX},
        [DST_WU] = {0, 0x1p32, 0, UINT32_MAX},
        [DST_L] = {-0x1p63, 0x1p63, (uint64_t)INT64_MIN, INT64_MAX},
        [DST_LU] = {0, 0x1p64, 0, UINT64_MAX},
    };
    uint64_t out;
    double r = isnan(v) ? v : round_integral(v, rm);
    if (isnan(r) || r >= range[k].hi) {
        h->fflags |= FFLAG_NV;
        out = range[k].max;
    } else if (r < range[k].lo) { /* -0.0 is not below 0: it converts to 0 */
        h->fflags |= FFLAG_NV;
        out = range[k].min;
    } else {
        if (r != v)
            h->fflags |= FFLAG_NX;
        out = (k == DST_W || k == DST_L) ? (uint64_t)(int64_t)r : (uint64_t)r;
    }
    /* 32-bit results are sign-extended, fcvt.wu's too. */
    if (k == DST_W || k == DST_WU)
        out = (uint64_t)(int64_t)(int32_t)(uint32_t)out;
    return out;
}

/* -- Sign injection, min/max, compare, classify ---------------------------- */

/* fsgnj / fsgnjn / fsgnjx by variant 0, 1, 2: bit operations, NaNs and all. */
static uint64_t sign_inject(int variant, uint64_t a, uint64_t b, uint64_t sign)
{
    switch (variant) {
    case 0: return (a & ~sign) | (b & sign);
    case 1: return (a & ~sign) | (~b & sign);
    default: return a ^ (b & sign);
    }
}

/* fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): a NaN loses to a
 * number, two NaNs give the canonical NaN, a signalling NaN flags NV even
 * when it loses, and -0 < +0.  Returns 0 to pick a, 1 to pick b, -1 for
 * the canonical NaN.  Values arrive as doubles, exactly, so the caller
 * keeps the original bits. */
static int minmax_pick(struct hart *h, double a, double b, bool a_nan, bool b_nan, bool any_snan,
                       bool max)
{
    if (any_snan)
        h->fflags |= FFLAG_NV;
    if (a_nan && b_nan)
        return -1;
    if (a_nan)
        return 1;
    if (b_nan)
        return 0;
    if (a == b) /* equal and different can only be -0 and +0 */
        return (signbit(a) != 0) == max;
    return (a < b) == max;
}

enum cmp { CMP_EQ, CMP_LT, CMP_LE };

/* feq is quiet (NV for a signalling NaN only); flt and fle signal on any NaN. */
static uint64_t compare(struct hart *h, enum cmp k, double a, double b, bool any_nan, bool any_snan)
{
    if (any_nan) {
        if (any_snan || k != CMP_EQ)
            h->fflags |= FFLAG_NV;
        return 0;
    }
    return k == CMP_EQ ? a == b : k == CMP_LT ? a < b : a <= b;
}

/* fclass: one bit of ten.
 *   0 -inf  1 -normal  2 -subnormal  3 -0  4 +0  5 +subnormal  6 +normal
 *   7 +inf  8 signalling NaN  9 quiet NaN */
static uint64_t classify(bool neg, bool exp_ones, bool exp_zero, bool frac_zero, bool quiet)
{
    int bit;
    if (exp_ones)
        bit = !frac_zero ? (quiet ? 9 : 8) : neg ? 0 : 7;
    else if (exp_zero)
        bit = frac_zero ? (neg ? 3 : 4) : neg ? 2 : 5;
    else
        bit = neg ? 1 : 6;
    return 1ull << bit;
}

static uint64_t s_classify(uint32_t b)
{
    return classify(b & F32_SIGN, (b & F32_EXP) == F32_EXP, !(b & F32_EXP), !(b & 0x7fffff),
                    b & F32_QUIET);
}

static uint64_t d_classify(uint64_t b)
{
    return classify(b & F64_SIGN, (b & F64_EXP) == F64_EXP, !(b & F64_EXP),
                    !(b & 0xfffffffffffffull), b & F64_QUIET);
}

/* -- Dispatch --------------------------------------------------------------- */

/* Instructions with an rm field.  fcvt.d.s and fcvt.d.w[u] are exact but
 * have one too, and like Spike and QEMU we reject a reserved mode there. */
static bool uses_rm(enum op op)
{
    switch (op) {
    case OP_FSGNJ_S: case OP_FSGNJN_S: case OP_FSGNJX_S: case OP_FMIN_S: case OP_FMAX_S:
    case OP_FMV_X_W: case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: case OP_FCLASS_S:
    case OP_FMV_W_X:
    case OP_FSGNJ_D: case OP_FSGNJN_D: case OP_FSGNJX_D: case OP_FMIN_D: case OP_FMAX_D:
    case OP_FMV_X_D: case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D: case OP_FCLASS_D:
    case OP_FMV_D_X:
        return false;
    default:
        return true;
    }
}

static void exec_s(struct hart *h, const struct insn *in, int rm)
{
    uint32_t ba = s_bits(h, in->rs1), bb = s_bits(h, in->rs2);
    float a = s_of(ba), b = s_of(bb), c = s_of(s_bits(h, in->rs3));
    bool any_nan = s_is_nan(ba) || s_is_nan(bb), any_snan = s_is_snan(ba) || s_is_snan(bb);
    uint64_t xs = h->x[in->rs1];
    int rd = in->rd;

    switch (in->op) {
    case OP_FMADD_S: put_s(h, rd, s_fused(h, rm, a, b, c)); break;
    case OP_FMSUB_S: put_s(h, rd, s_fused(h, rm, a, b, -c)); break;
    case OP_FNMSUB_S: put_s(h, rd, s_fused(h, rm, -a, b, c)); break;
    case OP_FNMADD_S: put_s(h, rd, s_fused(h, rm, -a, b, -c)); break;
    case OP_FADD_S: put_s(h, rd, s_arith(h, rm, H_ADD, a, b, 0)); break;
    case OP_FSUB_S: put_s(h, rd, s_arith(h, rm, H_SUB, a, b, 0)); break;
    case OP_FMUL_S: put_s(h, rd, s_arith(h, rm, H_MUL, a, b, 0)); break;
    case OP_FDIV_S: put_s(h, rd, s_arith(h, rm, H_DIV, a, b, 0)); break;
    case OP_FSQRT_S: put_s(h, rd, s_arith(h, rm, H_SQRT, a, 0, 0)); break;
    case OP_FSGNJ_S:
    case OP_FSGNJN_S:
    case OP_FSGNJX_S:
        put_s_bits(h, rd, (uint32_t)sign_inject(in->op - OP_FSGNJ_S, ba, bb, F32_SIGN));
        break;
    case OP_FMIN_S:
    case OP_FMAX_S: {
        int pick = minmax_pick(h, a, b, s_is_nan(ba), s_is_nan(bb), any_snan, in->op == OP_FMAX_S);
        put_s_bits(h, rd, pick < 0 ? F32_CANON : pick ? bb : ba);
        break;
    }
    case OP_FCVT_W_S: put_x(h, rd, to_int(h, rm, a, DST_W)); break;
    case OP_FCVT_WU_S: put_x(h, rd, to_int(h, rm, a, DST_WU)); break;
    case OP_FCVT_L_S: put_x(h, rd, to_int(h, rm, a, DST_L)); break;
    case OP_FCVT_LU_S: put_x(h, rd, to_int(h, rm, a, DST_LU)); break;
    /* fmv.x.w moves bits: no NaN-box check, the low half sign-extended */
    case OP_FMV_X_W: put_x(h, rd, (uint64_t)(int64_t)(int32_t)(uint32_t)h->f[in->rs1]); break;
    case OP_FEQ_S: put_x(h, rd, compare(h, CMP_EQ, a, b, any_nan, any_snan)); break;
    case OP_FLT_S: put_x(h, rd, compare(h, CMP_LT, a, b, any_nan, any_snan)); break;
    case OP_FLE_S: put_x(h, rd, compare(h, CMP_LE, a, b, any_nan, any_snan)); break;
    case OP_FCLASS_S: put_x(h, rd, s_classify(ba)); break;
    case OP_FCVT_S_W: put_s(h, rd, s_from(h, rm, SRC_W, xs)); break;
    case OP_FCVT_S_WU: put_s(h, rd, s_from(h, rm, SRC_WU, xs)); break;
    case OP_FCVT_S_L: put_s(h, rd, s_from(h, rm, SRC_L, xs)); break;
    case OP_FCVT_S_LU: put_s(h, rd, s_from(h, rm, SRC_LU, xs)); break;
    case OP_FMV_W_X: put_s_bits(h, rd, (uint32_t)xs); break;
    default: assert(!"not a single-precision op");
    }
}

static void exec_d(struct hart *h, const struct insn *in, int rm)
{
    uint64_t ba = h->f[in->rs1], bb = h->f[in->rs2];
    double a = d_of(ba), b = d_of(bb), c = d_of(h->f[in->rs3]);
    bool any_nan = d_is_nan(ba) || d_is_nan(bb), any_snan = d_is_snan(ba) || d_is_snan(bb);
    uint64_t xs = h->x[in->rs1];
    int rd = in->rd;

    switch (in->op) {
    case OP_FMADD_D: put_d(h, rd, d_fused(h, rm, a, b, c)); break;
    case OP_FMSUB_D: put_d(h, rd, d_fused(h, rm, a, b, -c)); break;
    case OP_FNMSUB_D: put_d(h, rd, d_fused(h, rm, -a, b, c)); break;
    case OP_FNMADD_D: put_d(h, rd, d_fused(h, rm, -a, b, -c)); break;
    case OP_FADD_D: put_d(h, rd, d_arith(h, rm, H_ADD, a, b, 0)); break;
    case OP_FSUB_D: put_d(h, rd, d_arith(h, rm, H_SUB, a, b, 0)); break;
    case OP_FMUL_D: put_d(h, rd, d_arith(h, rm, H_MUL, a, b, 0)); break;
    case OP_FDIV_D: put_d(h, rd, d_arith(h, rm, H_DIV, a, b, 0)); break;
    case OP_FSQRT_D: put_d(h, rd, d_arith(h, rm, H_SQRT, a, 0, 0)); break;
    case OP_FSGNJ_D:
    case OP_FSGNJN_D:
    case OP_FSGNJX_D: h->f[rd] = sign_inject(in->op - OP_FSGNJ_D, ba, bb, F64_SIGN); break;
    case OP_FMIN_D:
    case OP_FMAX_D: {
        int pick = minmax_pick(h, a, b, d_is_nan(ba), d_is_nan(bb), any_snan, in->op == OP_FMAX_D);
        h->f[rd] = pick < 0 ? F64_CANON : pick ? bb : ba;
        break;
    }
    case OP_FCVT_S_D: put_s(h, rd, s_from(h, rm, SRC_D, ba)); break;
    case OP_FCVT_D_S: {
        /* exact; a NaN becomes canonical, flagging NV if it signalled */
        uint32_t s = s_bits(h, in->rs1);
        if (s_is_snan(s))
            h->fflags |= FFLAG_NV;
        put_d(h, rd, s_is_nan(s) ? NAN : (double)s_of(s));
        break;
    }
    case OP_FCVT_W_D: put_x(h, rd, to_int(h, rm, a, DST_W)); break;
    case OP_FCVT_WU_D: put_x(h, rd, to_int(h, rm, a, DST_WU)); break;
    case OP_FCVT_L_D: put_x(h, rd, to_int(h, rm, a, DST_L)); break;
    case OP_FCVT_LU_D: put_x(h, rd, to_int(h, rm, a, DST_LU)); break;
    case OP_FMV_X_D: put_x(h, rd, ba); break;
    case OP_FEQ_D: put_x(h, rd, compare(h, CMP_EQ, a, b, any_nan, any_snan)); break;
    case OP_FLT_D: put_x(h, rd, compare(h, CMP_LT, a, b, any_nan, any_snan)); break;
    case OP_FLE_D: put_x(h, rd, compare(h, CMP_LE, a, b, any_nan, any_snan)); break;
    case OP_FCLASS_D: put_x(h, rd, d_classify(ba)); break;
    case OP_FCVT_D_W: put_d(h, rd, d_from(h, rm, SRC_W, xs)); break;
    case OP_FCVT_D_WU: put_d(h, rd, d_from(h, rm, SRC_WU, xs)); break;
    case OP_FCVT_D_L: put_d(h, rd, d_from(h, rm, SRC_L, xs)); break;
    case OP_FCVT_D_LU: put_d(h, rd, d_from(h, rm, SRC_LU, xs)); break;
    case OP_FMV_D_X: h->f[rd] = xs; break;
    default: assert(!"not a double-precision op");
    }
}

bool fpu_exec(struct hart *h, const struct insn *in)
{
    int rm = 0;
    if (uses_rm(in->op)) {
        rm = in->rm == RM_DYN ? h->frm : in->rm;
        if (rm > RM_RMM)
            return false;
    }
    if (in->op >= OP_FMADD_S && in->op <= OP_FMV_W_X)
        exec_s(h, in, rm);
    else
        exec_d(h, in, rm);
    return true;
}
