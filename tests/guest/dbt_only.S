/* dbt_only.S — behaviour where dbt and QEMU 7.2's spike machine differ.
 *
 * Each case is either a choice the spec leaves to the platform, made one
 * way by dbt (DESIGN.md) and the other way by QEMU, or a rule of the spec
 * that QEMU 7.2 does not follow.  The runner expects this file to fail
 * under another emulator (DBT_EMU) and marks it TODO there.
 *
 * dbt's platform choices:
 *   1-2   Sv57 is not offered: a satp write of mode 10 leaves satp as it was
 *         (QEMU 7.2 implements Sv57).
 *   4-6   the time CSR exists, advances, and mcounteren.TM/scounteren.TM
 *         gate it (QEMU's spike raises illegal instruction, leaving time to
 *         M-mode firmware).
 *   7     no trigger module: tselect reads 0 whatever is written, the
 *         sign debuggers (and the riscv-tests) read as "no triggers"
 *         (QEMU has triggers).
 * Spec rules QEMU 7.2 breaks:
 *   10-12 a misaligned AMO or SC raises store/AMO address misaligned (6)
 *         (QEMU: 4 for AMOs; an SC without a reservation does not trap).
 *   13-14 an AMO to an address without memory raises store/AMO access
 *         fault (7) (QEMU: 5).
 *   15    a value written to minstret is what the next instruction reads
 *         ("the write is done instead of the increment"; QEMU: one more).
 *   16    fflags set by an operation that writes only an integer register
 *         still make FS Dirty (QEMU leaves it Clean).
 *   17-18 mret and sret to a privilege below M clear MPRV (1.12; QEMU 7.2
 *         predates the fix).
 *   19    medeleg[11] (ecall from M) is read-only zero (QEMU: writable).
 *   20    mepc[0] and sepc[0] read as zero (IALIGN = 16; QEMU keeps bit 0).
 *   21    pending interrupts into M are taken in the order MEI, MSI, MTI,
 *         SEI, SSI, STI (QEMU 7.2 takes SSI and STI before SEI).
 */
#define TEST_AREA "dbt_only"
#include "test.h"

main:
    /* -- satp: no Sv57 ------------------------------------------------------ */
    CASE(1, "satp: Sv39 is accepted")
    call pt_alloc
    srli a0, a0, 12
    li t0, SATP_SV39
    or s0, a0, t0
    csrw satp, s0
    csrr a0, satp
    CHECK_R(a0, s0)
    CASE(2, "satp: a write of Sv57 is ignored")
    li t0, 0xfffffffffffffff
    and a1, s0, t0
    li t0, SATP_SV57
    or a1, a1, t0
    csrw satp, a1
    csrr a0, satp
    CHECK_R(a0, s0)
    csrw satp, zero

    /* -- the time CSR -------------------------------------------------------- */
    CASE(4, "time reads in M and moves forward")
    csrr s1, time
    li a2, 20000
1:  addi a2, a2, -1
    bnez a2, 1b
    csrr a0, time
    sltu a0, s1, a0
    CHECK(a0, 1)
    csrw mcounteren, zero
    csrw scounteren, zero
    TEST_ILLEGAL_IN(5, PRV_S, "S time, mcounteren.TM clear", rdtime a0)
    li t0, 1 << 1
    csrw mcounteren, t0
    TEST_LEGAL_IN(6, PRV_S, "S time, mcounteren.TM set", rdtime a0)
    TEST_ILLEGAL_IN(7, PRV_U, "U time, scounteren.TM clear", rdtime a0)
    li t0, 1 << 1
    csrw scounteren, t0
    TEST_LEGAL_IN(8, PRV_U, "U time, both TM set", rdtime a0)
    csrw mcounteren, zero
    csrw scounteren, zero

    /* -- misaligned AMO and SC ------------------------------------------------- */
    CASE(10, "misaligned amoadd.w: store/AMO address misaligned, no store")
    la a1, amo_buf + 2
    li a0, 0x77
    TRAP_ARM(10f)
    amoadd.w a0, a0, (a1)
    j fail
10: CHECK_CAUSE(CAUSE_MISALIGNED_STORE)
    CHECK_TVAL_LABEL(amo_buf + 2)
    CHECK(a0, 0x77)
    CHECK_MEM(amo_buf, 0)
    CASE(11, "misaligned amoswap.d at +4")
    la a1, amo_buf + 4
    TRAP_ARM(11f)
    amoswap.d a0, a0, (a1)
    j fail
11: CHECK_CAUSE(CAUSE_MISALIGNED_STORE)
    CHECK_TVAL_LABEL(amo_buf + 4)
    CASE(12, "misaligned sc.w")
    la a1, amo_buf + 1
    TRAP_ARM(12f)
    sc.w a0, a0, (a1)
    j fail
12: CHECK_CAUSE(CAUSE_MISALIGNED_STORE)
    CHECK_TVAL_LABEL(amo_buf + 1)

    /* -- AMO access fault ---------------------------------------------------- */
    CASE(13, "amoadd.w where there is no memory: store/AMO access fault")
    li a1, NO_MEMORY_1
    TRAP_ARM(13f)
    amoadd.w a0, a0, (a1)
    j fail
13: CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_TVAL(NO_MEMORY_1)
    CASE(14, "amoor.d at 0x0")
    li a1, NO_MEMORY_0
    TRAP_ARM(14f)
    amoor.d a0, a0, (a1)
    j fail
14: CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_TVAL(NO_MEMORY_0)

    /* -- minstret: the write wins over the increment ------------------------------ */
    CASE(15, "a value written to minstret is read by the next instruction")
    li a2, 5000
    csrw minstret, a2
    csrr a0, instret
    CHECK(a0, 5000)
    csrw minstret, a2
    nop
    nop
    csrr a0, minstret
    CHECK(a0, 5002)

    /* -- FS dirty from fflags alone ------------------------------------------------ */
    CASE(16, "fcvt.w.s raising NV makes FS Dirty")
    li a1, 0x7fc00000
    fmv.w.x fa1, a1
    csrwi fflags, 0
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, MSTATUS_FS_CLEAN
    csrs mstatus, t0
    fcvt.w.s a0, fa1, rtz
    csrr a0, mstatus
    li t0, MSTATUS_FS
    and a0, a0, t0
    CHECK(a0, MSTATUS_FS_DIRTY)

    /* -- xRET clears MPRV -------------------------------------------------------- */
    CASE(17, "mret to U clears MPRV")
    TRAP_ARM(17f)
    SET_MPP(PRV_U)
    li t0, MSTATUS_MPRV         /* bare mode: U accesses are physical */
    csrs mstatus, t0
    la t0, u_ecall
    csrw mepc, t0
    mret
17: CHECK_CAUSE(CAUSE_ECALL_U)
    ld a0, trap_status
    li t0, MSTATUS_MPRV
    and a0, a0, t0
    CHECK(a0, 0)
    CASE(18, "sret from M to U clears MPRV")
    TRAP_ARM(18f)
    li t0, MSTATUS_SPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    la t0, u_ecall
    csrw sepc, t0
    sret
18: CHECK_CAUSE(CAUSE_ECALL_U)
    ld a0, trap_status
    li t0, MSTATUS_MPRV
    and a0, a0, t0
    CHECK(a0, 0)

    /* -- medeleg[11], mepc[0] ------------------------------------------------------ */
    CASE(19, "medeleg[11] is read-only zero")
    li a1, 1 << CAUSE_ECALL_M
    csrw medeleg, a1
    csrr a0, medeleg
    csrw medeleg, zero
    CHECK(a0, 0)
    CASE(20, "mepc[0] and sepc[0] are zero")
    li a1, 0x80001235
    csrw mepc, a1
    csrr a0, mepc
    CHECK(a0, 0x80001234)
    csrw sepc, a1
    csrr a0, sepc
    CHECK(a0, 0x80001234)

    /* -- interrupt priority ----------------------------------------------------------- */
    CASE(21, "SEI is taken before SSI and STI")
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw mie, t0
    csrs mip, t0
    TRAP_ARM(21f)
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    j fail
21: CHECK_CAUSE(INTERRUPT | IRQ_SEI)
    csrw mie, zero
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrc mip, t0

    /* -- no triggers ------------------------------------------------------ */
    CASE(7, "tselect: a written index reads back 0, tdata1 reads 0")
    li a1, 1
    csrw tselect, a1
    csrr a0, tselect
    CHECK(a0, 0)
    csrr a0, tdata1
    CHECK(a0, 0)

    j pass

u_ecall:
    ecall

    .data
    .balign 16
amo_buf: .dword 0, 0
