/* priv.S — privilege modes, trap return and the status CSRs.
 *
 * mret: MIE = MPIE, MPIE = 1, MPP = U, privilege = the old MPP; sret
 * likewise with SIE/SPIE/SPP (also from M);
 * mret/sret are illegal below their level.  mstatus.TVM makes satp and
 * sfence.vma illegal in S-mode (not in M); TW makes wfi illegal in S-mode;
 * wfi in U-mode is illegal; TSR makes sret illegal in S-mode.  MPRV: M-mode
 * loads and stores translated and checked with the privilege in MPP (S, U,
 * M), with SUM.  sstatus is a view of mstatus (only the S fields read and
 * write through), UXL/SXL read as 2.  sie and sip show only the interrupts
 * delegated in mideleg.  CSR access rules: S-mode touching M CSRs and
 * U-mode touching S CSRs is illegal, writing a read-only CSR (mhartid,
 * mvendorid, cycle, time, instret) is illegal even in M while reading it
 * (and csrrs/csrrc with x0) is not, unknown CSR numbers are illegal.  Also
 * misa, mhartid, the delegable medeleg bits, mscratch/sscratch, csrrw
 * and friends returning the old value.  (xRET leaving M must clear MPRV,
 * medeleg[11] is read-only zero and mepc[0]/sepc[0] are always zero;
 * QEMU 7.2 differs on all three: see dbt_only.S.)
 */
#define TEST_AREA "priv"
#include "test.h"

/* Fail unless (mstatus & mask) == want (clobbers a0, t0). */
#define CHECK_MSTATUS(mask, want)                                              \
    csrr a0, mstatus; li t0, mask; and a0, a0, t0; CHECK(a0, want)
/* The same on the mstatus recorded by the last trap. */
#define CHECK_TRAP_STATUS(mask, want)                                          \
    ld a0, trap_status; li t0, mask; and a0, a0, t0; CHECK(a0, want)

#define VA_S 0x40000000         /* MPRV tests: a supervisor page */
#define VA_U 0x40001000         /* the same physical page, user */

main:
    /* -- mret ---------------------------------------------------------------- */
    CASE(1, "mret to M: MIE = MPIE (1), MPIE = 1, MPP = U")
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPIE | MSTATUS_MPP   /* MPP = M */
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  CHECK_MSTATUS(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE)
    CASE(2, "mret to M: MIE = MPIE (0)")
    li t0, MSTATUS_MPIE
    csrc mstatus, t0
    li t0, MSTATUS_MPP | MSTATUS_MIE
    csrs mstatus, t0
    la t0, 2f
    csrw mepc, t0
    mret
2:  CHECK_MSTATUS(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE)
    CASE(3, "mret to S: S-mode (sstatus yes, mstatus no)")
    GOTO_PRIV(PRV_S, in_s, 3f)
3:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_TRAP_STATUS(MSTATUS_MPP, PRV_S << 11)
    CASE(4, "mret to U: U-mode (sstatus no)")
    GOTO_PRIV(PRV_U, in_u, 4f)
4:  CHECK_CAUSE(CAUSE_ECALL_U)
    CASE(5, "mret with MPIE = 1 into S sets MIE, seen at the next trap")
    li t0, MSTATUS_MPIE
    csrs mstatus, t0
    GOTO_PRIV(PRV_S, s_ecall, 5f)
5:  CHECK_CAUSE(CAUSE_ECALL_S)
    /* the trap moved MIE (1) to MPIE and cleared MIE */
    CHECK_TRAP_STATUS(MSTATUS_MIE | MSTATUS_MPIE, MSTATUS_MPIE)

    /* -- sret ---------------------------------------------------------------- */
    CASE(7, "sret from S to U: SIE = SPIE, SPIE = 1, SPP = U")
    GOTO_PRIV(PRV_S, s_sret_to_u, 7f)
7:  CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK_EPC(u_ecall)
    CHECK_TRAP_STATUS(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE)
    CASE(8, "sret from S to S (SPP = S)")
    GOTO_PRIV(PRV_S, s_sret_to_s, 8f)
8:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_EPC(s_ecall)
    CHECK_TRAP_STATUS(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE)
    CASE(9, "sret from M goes to SPP")
    TRAP_ARM(9f)
    li t0, MSTATUS_SPP
    csrc mstatus, t0            /* SPP = U */
    la t0, u_ecall
    csrw sepc, t0
    sret
9:  CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK_EPC(u_ecall)
    TEST_ILLEGAL_IN(10, PRV_S, "mret in S", mret)
    TEST_ILLEGAL_IN(11, PRV_U, "mret in U", mret)
    TEST_ILLEGAL_IN(12, PRV_U, "sret in U", sret)

    /* -- TVM, TW, TSR ---------------------------------------------------------- */
    li t0, MSTATUS_TVM
    csrs mstatus, t0
    TEST_ILLEGAL_IN(13, PRV_S, "TVM: csrr satp in S", csrr a0, satp)
    TEST_ILLEGAL_IN(14, PRV_S, "TVM: csrw satp in S", csrw satp, zero)
    TEST_ILLEGAL_IN(15, PRV_S, "TVM: sfence.vma in S", sfence.vma)
    TEST_ILLEGAL_IN(16, PRV_S, "TVM: sfence.vma a0, a1 in S", sfence.vma a0, a1)
    CASE(17, "TVM does not apply to M")
    csrr a0, satp
    csrw satp, zero
    sfence.vma
    li t0, MSTATUS_TVM
    csrc mstatus, t0
    TEST_LEGAL_IN(18, PRV_S, "no TVM: satp and sfence.vma in S", csrr a0, satp; csrw satp, zero; sfence.vma)
    li t0, MSTATUS_TW
    csrs mstatus, t0
    TEST_ILLEGAL_IN(19, PRV_S, "TW: wfi in S", wfi)
    li t0, MSTATUS_TW
    csrc mstatus, t0
    TEST_ILLEGAL_IN(20, PRV_U, "wfi in U", wfi)
    li t0, MSTATUS_TSR
    csrs mstatus, t0
    TEST_ILLEGAL_IN(21, PRV_S, "TSR: sret in S", sret)
    li t0, MSTATUS_TSR
    csrc mstatus, t0

    /* -- MPRV --------------------------------------------------------------------- */
    call setup_mprv
    CASE(22, "MPRV, MPP = S: a load is translated")
    TRAP_CLEAR
    SET_MPP(PRV_S)
    li a1, VA_S
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    ld a0, 0(a1)
    csrc mstatus, t0
    CHECK(a0, 0x1122334455667788)
    CASE(23, "MPRV, MPP = S: a store is translated")
    li a2, 0xa5a5
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    sd a2, 8(a1)
    csrc mstatus, t0
    ld a0, mprv_page + 8
    CHECK(a0, 0xa5a5)
    CASE(24, "MPRV, MPP = U: a supervisor page faults")
    TRAP_ARM(10f)
    SET_MPP(PRV_U)
    li a1, VA_S
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    ld a0, 0(a1)
    j fail
10: li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_CAUSE(CAUSE_LOAD_PAGE)
    CHECK_TVAL(VA_S)
    CASE(25, "MPRV, MPP = U: a user page loads")
    SET_MPP(PRV_U)
    li a1, VA_U
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    ld a0, 0(a1)
    csrc mstatus, t0
    CHECK(a0, 0x1122334455667788)
    CASE(26, "MPRV, MPP = S, SUM = 0: a user page faults (store)")
    TRAP_ARM(11f)
    SET_MPP(PRV_S)
    li a1, VA_U
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    sd a1, 0(a1)
    j fail
11: li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_CAUSE(CAUSE_STORE_PAGE)
    CHECK_TVAL(VA_U)
    CASE(27, "MPRV, MPP = S, SUM = 1: a user page loads")
    SET_MPP(PRV_S)
    li a1, VA_U
    li t0, MSTATUS_MPRV | MSTATUS_SUM
    csrs mstatus, t0
    ld a0, 0(a1)
    csrc mstatus, t0
    CHECK(a0, 0x1122334455667788)
    CASE(28, "MPRV, MPP = M: no translation")
    SET_MPP(PRV_M)
    la a1, mprv_page
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    ld a0, 0(a1)
    csrc mstatus, t0
    CHECK(a0, 0x1122334455667788)
    csrw satp, zero
    sfence.vma

    /* -- sstatus is a view of mstatus ---------------------------------------------- */
    CASE(29, "UXL and SXL read as 2 (64-bit)")
    CHECK_MSTATUS(MSTATUS_UXL | MSTATUS_SXL, (2 << 32) | (2 << 34))
    CASE(30, "sstatus hides the M fields")
    li t0, MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_SPIE | MSTATUS_SUM
    csrs mstatus, t0
    csrr a0, sstatus
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_SXL
    and a1, a0, t0
    CHECK(a1, 0)
    li t0, MSTATUS_SPIE | MSTATUS_SUM | MSTATUS_UXL
    and a1, a0, t0
    CHECK(a1, MSTATUS_SPIE | MSTATUS_SUM | (2 << 32))
    CASE(31, "sstatus writes reach only the S fields")
    li t0, MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
    csrc mstatus, t0
    li a1, -1
    csrw sstatus, a1
    CHECK_MSTATUS(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR, 0)
    CHECK_MSTATUS(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
    CASE(32, "mstatus writes show in sstatus")
    li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
    csrc mstatus, t0
    csrr a0, sstatus
    and a0, a0, t0
    CHECK(a0, 0)

    /* -- sie / sip follow mideleg ------------------------------------------------ */
    CASE(33, "sie reads 0 for interrupts not delegated")
    csrw mideleg, zero
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw mie, t0
    csrr a0, sie
    CHECK(a0, 0)
    CASE(34, "sie shows and writes only delegated bits")
    li t0, MIP_SSIP
    csrw mideleg, t0
    csrr a0, sie
    CHECK(a0, MIP_SSIP)
    csrw sie, zero
    csrr a0, mie
    CHECK(a0, MIP_STIP | MIP_SEIP)
    li a1, -1
    csrw sie, a1
    csrr a0, mie
    CHECK(a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
    CASE(35, "sip shows only delegated bits")
    csrw mie, zero              /* nothing may be taken */
    csrw mideleg, zero
    li t0, MIP_SSIP
    csrs mip, t0
    csrr a0, sip
    CHECK(a0, 0)
    csrw mideleg, t0
    csrr a0, sip
    CHECK(a0, MIP_SSIP)
    CASE(36, "sip.SSIP is writable when delegated")
    csrc sip, t0
    csrr a0, mip
    andi a0, a0, MIP_SSIP
    CHECK(a0, 0)
    csrw mideleg, zero

    /* -- CSR access rules -------------------------------------------------------- */
    TEST_ILLEGAL_IN(40, PRV_S, "S reads mstatus", csrr a0, mstatus)
    TEST_ILLEGAL_IN(41, PRV_S, "S writes mscratch", csrw mscratch, a0)
    TEST_ILLEGAL_IN(42, PRV_S, "S reads mhartid", csrr a0, mhartid)
    TEST_ILLEGAL_IN(43, PRV_S, "S reads mepc", csrr a0, mepc)
    TEST_ILLEGAL_IN(44, PRV_U, "U reads sstatus", csrr a0, sstatus)
    TEST_ILLEGAL_IN(45, PRV_U, "U writes sscratch", csrw sscratch, a0)
    TEST_ILLEGAL_IN(46, PRV_U, "U reads mstatus", csrr a0, mstatus)
    TEST_LEGAL_IN(47, PRV_S, "S reads and writes sscratch and sstatus", csrw sscratch, a0; csrr a0, sstatus; csrr a1, sepc)
    TEST_ILLEGAL(48, "csrw mhartid", csrw mhartid, a0)
    TEST_ILLEGAL(49, "csrrs mhartid with a nonzero rs1", csrrs a0, mhartid, a1)
    TEST_ILLEGAL(50, "csrrwi mvendorid", csrrwi a0, mvendorid, 0)
    TEST_ILLEGAL(51, "csrw cycle", csrw cycle, a0)
    TEST_ILLEGAL(52, "csrw instret", csrw instret, a0)
    TEST_ILLEGAL(53, "csrw time", csrw time, a0)
    TEST_ILLEGAL(54, "csrrw x0, mhartid, x0 still writes", csrrw zero, mhartid, zero)
    CASE(55, "reading read-only CSRs: csrr, csrrs/csrrc x0, csrrsi 0")
    li a1, 1
    csrr a0, mhartid
    csrrs a0, mhartid, zero
    csrrc a0, marchid, zero
    csrrsi a0, mimpid, 0
    csrrci a0, mvendorid, 0
    csrr a0, cycle
    TEST_ILLEGAL(56, "unknown CSR 0x3ff", csrr a0, 0x3ff)
    /* Reads of a read-only counter with x0 as the source write nothing,
     * so they are legal even in U-mode once the counter is enabled. */
    CASE(67, "csrrc/csrrs x0 and csrrci/csrrsi 0 of cycle do not trap")
    csrrc zero, cycle, zero
    csrrs zero, cycle, zero
    csrrci zero, cycle, 0
    csrrsi zero, cycle, 0
    /* No Smrnmi: mnstatus (0x744) does not exist. */
    TEST_ILLEGAL(68, "mnstatus (0x744) is not implemented", csrr a0, 0x744)
    TEST_ILLEGAL(57, "unknown CSR 0x0ff", csrw 0x0ff, a0)
    TEST_ILLEGAL(58, "unknown CSR 0x1ff", csrr a0, 0x1ff)
    TEST_ILLEGAL(59, "mstatush does not exist on RV64", csrr a0, 0x310)

    /* -- ID and scratch registers ------------------------------------------------ */
    CASE(60, "mhartid is 0")
    csrr a0, mhartid
    CHECK(a0, 0)
    CASE(61, "misa: MXL = 2 and I M A F D C S U")
    csrr a0, misa
    srli a1, a0, 62
    CHECK(a1, 2)
    li t0, (1 << ('I' - 'A')) | (1 << ('M' - 'A')) | (1 << ('A' - 'A')) | (1 << ('F' - 'A')) | (1 << ('D' - 'A')) | (1 << ('C' - 'A')) | (1 << ('S' - 'A')) | (1 << ('U' - 'A'))
    and a1, a0, t0
    CHECK_R(a1, t0)
    CASE(63, "medeleg: the common causes are delegable")
    li a1, -1
    csrw medeleg, a1
    csrr a0, medeleg
    csrw medeleg, zero
    li t0, 0xb3ff
    and a0, a0, t0
    CHECK(a0, 0xb3ff)
    CASE(64, "mscratch and sscratch hold 64 bits")
    csrr s0, mscratch
    csrr s1, sscratch
    li a1, 0x0123456789abcdef
    csrw mscratch, a1
    csrr a0, mscratch
    csrw mscratch, s0
    CHECK(a0, 0x0123456789abcdef)
    csrw sscratch, a1
    csrr a0, sscratch
    csrw sscratch, s1
    CHECK(a0, 0x0123456789abcdef)
    CASE(66, "csrrw returns the old value")
    li a1, 0x55
    csrw mscratch, a1
    li a2, 0x66
    csrrw a0, mscratch, a2
    CHECK(a0, 0x55)
    csrrs a0, mscratch, zero
    CHECK(a0, 0x66)
    csrrci a0, mscratch, 0x2
    CHECK(a0, 0x66)
    csrrsi a0, mscratch, 0x11
    CHECK(a0, 0x64)
    csrr a0, mscratch
    CHECK(a0, 0x75)
    la t0, m_ctx
    csrw mscratch, t0

    j pass

/* setup_mprv: Sv39 with VA_S -> mprv_page (supervisor, RW) and VA_U -> the
 * same page (user, RW). */
setup_mprv:
    addi sp, sp, -16
    sd ra, 0(sp)
    call pt_alloc
    mv s0, a0
    li a1, VA_S
    la a2, mprv_page
    li a3, PTE_LEAF | PTE_R | PTE_W
    li a4, 0
    li a5, 3
    call pt_map
    mv a0, s0
    li a1, VA_U
    la a2, mprv_page
    li a3, PTE_LEAF | PTE_R | PTE_W | PTE_U
    call pt_map
    srli a0, s0, 12
    li t0, SATP_SV39
    or a0, a0, t0
    csrw satp, a0
    sfence.vma
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* -- code run in S- and U-mode (no paging) ------------------------------------ */
in_s:
    csrr a0, sstatus            /* must work in S */
    li a0, 0
    csrr a0, sscratch
    ecall
in_u:
    li a0, 0
    ecall
s_ecall:
    ecall
u_ecall:
    ecall
/* In S: SPP = U, SPIE = 1, SIE = 0, sret to u_ecall. */
s_sret_to_u:
    li t0, MSTATUS_SPP | MSTATUS_SIE
    csrc sstatus, t0
    li t0, MSTATUS_SPIE
    csrs sstatus, t0
    la t0, u_ecall
    csrw sepc, t0
    sret
/* In S: SPP = S, SPIE = 0, SIE = 1, sret to s_ecall. */
s_sret_to_s:
    li t0, MSTATUS_SPIE
    csrc sstatus, t0
    li t0, MSTATUS_SPP | MSTATUS_SIE
    csrs sstatus, t0
    la t0, s_ecall
    csrw sepc, t0
    sret

    .data
    .balign 4096
mprv_page:
    .dword 0x1122334455667788
    .balign 4096
