/* fp_state.S — floating-point CSRs and the FS state in mstatus.
 *
 * fcsr = frm << 5 | fflags, with fflags and frm as views of it (reads and
 * writes through each, the swap forms fsflags/fsrm returning the old value,
 * set/clear forms, bits above the fields ignored); a reserved rounding mode
 * in an instruction's rm field (5, 6) or in frm (5, 6, 7, used by a dyn
 * instruction) is an illegal instruction, while instructions without a
 * rounding mode still run; mstatus.FS = Off makes FP loads, stores,
 * arithmetic, moves, compressed FP loads and the FP CSRs illegal (mtval =
 * the instruction bits); any write of FP state (a register, fflags through
 * a CSR, frm) turns FS from Initial or Clean to Dirty and sets SD in
 * mstatus and sstatus; sstatus.FS is the same field.  (fflags accrued by an
 * operation that writes only an integer register must dirty FS as well;
 * QEMU 7.2 misses that, so that case lives in dbt_only.S.)
 */
#define TEST_AREA "fp_state"
#include "test.h"
#include "fp.h"

/* Set mstatus.FS to `fs` (clobbers t0). */
#define SET_FS(fs) li t0, MSTATUS_FS; csrc mstatus, t0; li t0, fs; csrs mstatus, t0
/* Fail unless mstatus.FS is `fs` and SD is set exactly when FS is Dirty. */
#define CHECK_FS(fs)                                                           \
    csrr a0, mstatus; li t0, MSTATUS_FS; and a1, a0, t0; CHECK(a1, fs)         \
    srli a1, a0, 63; CHECK(a1, ((fs) == MSTATUS_FS_DIRTY) & 1) /* gas: true is -1 */

main:
    /* -- fcsr, frm, fflags ------------------------------------------------- */
    CASE(1, "fcsr holds frm and fflags")
    li a1, 0xff
    csrw fcsr, a1
    csrr a0, fcsr
    CHECK(a0, 0xff)
    frrm a0
    CHECK(a0, 7)
    frflags a0
    CHECK(a0, 0x1f)
    CASE(2, "fcsr bits above 7 read as zero")
    li a1, -1
    csrw fcsr, a1
    csrr a0, fcsr
    CHECK(a0, 0xff)
    CASE(3, "fflags writes leave frm alone")
    li a1, (RUP << 5) | NX
    csrw fcsr, a1
    li a1, 0xf6                 /* only the low five bits count */
    csrw fflags, a1
    csrr a0, fcsr
    CHECK(a0, (RUP << 5) | 0x16)
    frflags a0
    CHECK(a0, 0x16)
    CASE(4, "frm writes leave fflags alone")
    li a1, 0xfc                 /* only the low three bits count */
    csrw frm, a1
    csrr a0, fcsr
    CHECK(a0, (4 << 5) | 0x16)
    frrm a0
    CHECK(a0, 4)
    CASE(5, "fsflags / fsrm return the old value")
    li a1, DZ
    fsflags a0, a1
    CHECK(a0, 0x16)
    frflags a0
    CHECK(a0, DZ)
    li a1, RTZ
    fsrm a0, a1
    CHECK(a0, 4)
    frrm a0
    CHECK(a0, RTZ)
    fsrmi a0, RDN
    CHECK(a0, RTZ)
    fsflagsi a0, NX
    CHECK(a0, DZ)
    CASE(6, "csrs / csrc on fflags and fcsr")
    csrwi fflags, 0
    csrsi fflags, NV | OF
    frflags a0
    CHECK(a0, NV | OF)
    csrci fflags, NV
    frflags a0
    CHECK(a0, OF)
    li a1, 0x7 << 5
    csrs fcsr, a1
    frrm a0
    CHECK(a0, 7)
    csrc fcsr, a1
    csrr a0, fcsr
    CHECK(a0, OF)
    CASE(7, "fscsr swaps the whole register")
    li a1, (RMM << 5) | UF
    fscsr a0, a1
    CHECK(a0, OF)
    frcsr a0
    CHECK(a0, (RMM << 5) | UF)
    csrw fcsr, zero

    /* -- reserved rounding modes ------------------------------------------------- */
    li a1, S_ONE
    fmv.w.x fa1, a1
    fmv.w.x fa2, a1
    TEST_ILLEGAL(8, "rm = 5 in the instruction", .word 0x00c5d553)  /* fadd.s fa0, fa1, fa2, rm=5 */
    TEST_ILLEGAL(9, "rm = 6 in the instruction", .word 0x00c5e553)
    fsrmi 5
    TEST_ILLEGAL(10, "dyn with frm = 5", fadd.s fa0, fa1, fa2, dyn)
    fsrmi 6
    TEST_ILLEGAL(11, "dyn with frm = 6", fmul.d fa0, fa1, fa2, dyn)
    fsrmi 7
    TEST_ILLEGAL(12, "dyn with frm = 7", fsqrt.s fa0, fa1, dyn)
    CASE(13, "frm = 7: instructions with a static rm or none still run")
    fadd.s fa0, fa1, fa2, rne
    fmin.s fa0, fa0, fa1
    fsgnj.s fa0, fa0, fa1
    fmv.x.w a0, fa0
    CHECK(a0, S_ONE)
    la a1, fpbuf
    fsd fa0, 0(a1)
    fld fa3, 0(a1)
    feq.s a0, fa3, fa1
    CHECK(a0, 1)
    fsrmi RNE

    /* -- FS = Off: everything FP is illegal ------------------------------------------- */
    SET_FS(0)
    la a1, fpbuf
    TEST_ILLEGAL(20, "FS=Off: fadd.s", fadd.s fa0, fa1, fa2)
    TEST_ILLEGAL(21, "FS=Off: fadd.d", fadd.d fa0, fa1, fa2)
    TEST_ILLEGAL(22, "FS=Off: flw", flw fa0, 0(a1))
    TEST_ILLEGAL(23, "FS=Off: fsd", fsd fa0, 0(a1))
    TEST_ILLEGAL(24, "FS=Off: fmv.x.d", fmv.x.d a0, fa0)
    TEST_ILLEGAL(25, "FS=Off: fmv.w.x", fmv.w.x fa0, a0)
    TEST_ILLEGAL(26, "FS=Off: fcvt.w.s", fcvt.w.s a0, fa0)
    TEST_ILLEGAL(27, "FS=Off: fclass.d", fclass.d a0, fa0)
    TEST_ILLEGAL(28, "FS=Off: fmadd.d", fmadd.d fa0, fa1, fa2, fa3)
    TEST_ILLEGAL(29, "FS=Off: c.fld", c.fld fa0, 0(a1))
    TEST_ILLEGAL(30, "FS=Off: c.fsdsp", c.fsdsp fa0, 0(sp))
    TEST_ILLEGAL(31, "FS=Off: csrr fcsr", csrr a0, fcsr)
    TEST_ILLEGAL(32, "FS=Off: frflags", frflags a0)
    TEST_ILLEGAL(33, "FS=Off: fsrmi", fsrmi 1)
    CASE(34, "FS=Off: SD clear, nothing dirtied by the attempts")
    CHECK_FS(0)

    /* -- FS becomes Dirty ---------------------------------------------------------------- */
    CASE(40, "Initial -> Dirty after fadd.s, SD set")
    SET_FS(MSTATUS_FS_INITIAL)
    CHECK_FS(MSTATUS_FS_INITIAL)
    fadd.s fa0, fa1, fa2
    CHECK_FS(MSTATUS_FS_DIRTY)
    CASE(41, "sstatus shows FS and SD")
    csrr a0, sstatus
    srli a1, a0, 63
    CHECK(a1, 1)
    li t0, MSTATUS_FS
    and a1, a0, t0
    CHECK(a1, MSTATUS_FS_DIRTY)
    CASE(42, "Clean -> Dirty after fmv.w.x")
    SET_FS(MSTATUS_FS_CLEAN)
    CHECK_FS(MSTATUS_FS_CLEAN)
    fmv.w.x fa0, zero
    CHECK_FS(MSTATUS_FS_DIRTY)
    CASE(43, "Clean -> Dirty after fld")
    SET_FS(MSTATUS_FS_CLEAN)
    la a1, fpbuf
    fld fa0, 0(a1)
    CHECK_FS(MSTATUS_FS_DIRTY)
    CASE(44, "Clean -> Dirty after csrw fflags")
    SET_FS(MSTATUS_FS_CLEAN)
    csrwi fflags, 0
    CHECK_FS(MSTATUS_FS_DIRTY)
    CASE(45, "Clean -> Dirty after fsrmi")
    SET_FS(MSTATUS_FS_CLEAN)
    fsrmi RNE
    CHECK_FS(MSTATUS_FS_DIRTY)
    CASE(47, "sstatus.FS writes reach mstatus.FS")
    li t0, MSTATUS_FS
    csrc sstatus, t0
    CHECK_FS(0)
    li t0, MSTATUS_FS_CLEAN
    csrs sstatus, t0
    CHECK_FS(MSTATUS_FS_CLEAN)
    CASE(48, "SD is read-only")
    SET_FS(MSTATUS_FS_INITIAL)
    li t0, MSTATUS_SD
    csrs mstatus, t0
    CHECK_FS(MSTATUS_FS_INITIAL)

    j pass

    .data
    .balign 8
fpbuf: .dword 0x3f800000, 0
