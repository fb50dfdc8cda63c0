/* interrupts.S — delegation and interrupts.
 *
 * medeleg: a delegated exception from U or S goes to the S handler (scause,
 * sepc, stval, SPP), an exception in M-mode never goes down.  mideleg and
 * the software-writable pending bits (mip.SSIP/STIP/SEIP written from M):
 * a delegated interrupt is taken in S only when sstatus.SIE = 1, always in
 * U-mode, never in M; an interrupt kept in M is taken in S/U whatever
 * mstatus.MIE says, and in M only when MIE = 1 (at the first instruction
 * after the enabling write), never when its mie bit is clear; priority
 * SSI > STI (SEI above both is in dbt_only.S: QEMU 7.2 puts SEI last);
 * mcause/scause carry the interrupt bit and xtval = 0;
 * mret into a state with an enabled pending interrupt takes it at once.
 * Vectored mtvec and stvec: interrupts go to base + 4 * cause, exceptions to
 * base.  wfi wakes for a pending enabled interrupt even when it is globally
 * disabled.  mip.MSIP is read-only.
 */
#define TEST_AREA "interrupts"
#include "test.h"

/* Clear every interrupt source we use (clobbers t0). */
#define IRQ_RESET                                                              \
    csrw mie, zero; li t0, MIP_SSIP | MIP_STIP | MIP_SEIP; csrc mip, t0;       \
    csrw mideleg, zero; csrw medeleg, zero;                                    \
    li t0, MSTATUS_MIE | MSTATUS_SIE; csrc mstatus, t0

main:
    /* -- exception delegation ---------------------------------------------- */
    CASE(1, "medeleg: illegal instruction in U goes to S")
    IRQ_RESET
    li t0, 1 << CAUSE_ILLEGAL
    csrw medeleg, t0
    STRAP_ARM(s_ecall)
    GOTO_PRIV(PRV_U, u_illegal, 1f)
1:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, CAUSE_ILLEGAL)
    CHECK_MEM_LABEL(strap_epc, u_illegal)
    CHECK_MEM(strap_tval, 0xfe000033)
    ld a0, strap_status
    andi a0, a0, MSTATUS_SPP
    CHECK(a0, 0)
    CASE(2, "medeleg: ebreak in S stays in S, SPP = S")
    li t0, 1 << CAUSE_BREAKPOINT
    csrw medeleg, t0
    STRAP_ARM(s_ecall)
    GOTO_PRIV(PRV_S, s_ebreak, 2f)
2:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, CAUSE_BREAKPOINT)
    CHECK_MEM_LABEL(strap_epc, s_ebreak)
    ld a0, strap_status
    andi a0, a0, MSTATUS_SPP
    CHECK(a0, MSTATUS_SPP)
    CASE(3, "medeleg: ecall from U goes to S with cause 8")
    li t0, 1 << CAUSE_ECALL_U
    csrw medeleg, t0
    STRAP_ARM(s_ecall)
    GOTO_PRIV(PRV_U, u_ecall, 3f)
3:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, CAUSE_ECALL_U)
    CHECK_MEM_LABEL(strap_epc, u_ecall)
    CASE(4, "medeleg: an exception in M is not delegated")
    li t0, 1 << CAUSE_ILLEGAL
    csrw medeleg, t0
    STRAP_CLEAR
    TRAP_ARM(4f)
    .word 0xfe000033
    j fail
4:  CHECK_CAUSE(CAUSE_ILLEGAL)
    CHECK_MEM(strap_count, 0)
    CASE(5, "medeleg: a load access fault in S delegated to S")
    li t0, 1 << CAUSE_LOAD_ACCESS
    csrw medeleg, t0
    STRAP_ARM(s_ecall)
    GOTO_PRIV(PRV_S, s_load_fault, 5f)
5:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, CAUSE_LOAD_ACCESS)
    CHECK_MEM(strap_tval, NO_MEMORY_1)

    /* -- delegated interrupts --------------------------------------------------- */
    CASE(10, "delegated SSI: taken in S when SIE = 1")
    IRQ_RESET
    li t0, MIP_SSIP
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0                /* pending; S-level, so not taken in M */
    STRAP_ARM(s_clear_ssip)
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    GOTO_PRIV(PRV_S, s_nop_ecall, 10f)
10: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, INTERRUPT | IRQ_SSI)
    CHECK_MEM_LABEL(strap_epc, s_nop_ecall)  /* before its first instruction */
    CHECK_MEM(strap_tval, 0)
    ld a0, strap_status         /* SPIE = the old SIE, SIE cleared, SPP = S */
    andi a0, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
    CHECK(a0, MSTATUS_SPIE | MSTATUS_SPP)
    CASE(11, "delegated SSI: not taken in S when SIE = 0")
    li t0, MIP_SSIP
    csrs mip, t0
    li t0, MSTATUS_SIE
    csrc mstatus, t0
    STRAP_CLEAR
    GOTO_PRIV(PRV_S, s_nop_ecall, 11f)
11: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_count, 0)
    CASE(12, "delegated SSI: taken in U even with SIE = 0")
    STRAP_ARM(s_clear_ssip)
    GOTO_PRIV(PRV_U, u_ecall, 12f)
12: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, INTERRUPT | IRQ_SSI)
    CHECK_MEM_LABEL(strap_epc, u_ecall)
    ld a0, strap_status
    andi a0, a0, MSTATUS_SPP
    CHECK(a0, 0)
    CASE(13, "delegated SSI: never taken in M, even with MIE = SIE = 1")
    TRAP_CLEAR
    li t0, MIP_SSIP
    csrs mip, t0
    li t0, MSTATUS_MIE | MSTATUS_SIE
    csrs mstatus, t0
    nop
    nop
    csrc mstatus, t0
    CHECK_COUNT(0)
    li t0, MIP_SSIP
    csrc mip, t0

    /* -- interrupts kept in M ---------------------------------------------------- */
    CASE(20, "M-level SSI: taken in S although mstatus.MIE = 0")
    IRQ_RESET
    li t0, MIP_SSIP
    csrw mie, t0
    csrs mip, t0
    GOTO_PRIV(PRV_S, s_nop_ecall, 20f)
20: CHECK_CAUSE(INTERRUPT | IRQ_SSI)
    CHECK_EPC(s_nop_ecall)
    CHECK_TVAL(0)
    ld a0, trap_status
    li t0, MSTATUS_MPP
    and a0, a0, t0
    CHECK(a0, PRV_S << 11)
    csrr a0, mcause
    CHECK(a0, 0x8000000000000001)
    CASE(21, "M-level SSI: taken in U")
    GOTO_PRIV(PRV_U, u_ecall, 21f)
21: CHECK_CAUSE(INTERRUPT | IRQ_SSI)
    CHECK_EPC(u_ecall)
    CASE(22, "M-level SSI: not taken in M while MIE = 0")
    TRAP_CLEAR
    nop
    nop
    CHECK_COUNT(0)
    CASE(23, "M-level SSI: taken in M right after MIE is set")
    TRAP_ARM(23f)
    li t0, MSTATUS_MIE
    csrs mstatus, t0
22: j fail
23: CHECK_CAUSE(INTERRUPT | IRQ_SSI)
    CHECK_EPC(22b)
    ld a0, trap_status          /* MPIE = 1 (MIE was just set), MIE = 0, MPP = M */
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
    and a0, a0, t0
    CHECK(a0, MSTATUS_MPIE | MSTATUS_MPP)
    CASE(24, "an interrupt whose mie bit is clear is not taken")
    TRAP_CLEAR
    csrw mie, zero
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    nop
    nop
    csrc mstatus, t0
    CHECK_COUNT(0)
    CASE(25, "mret into S with a pending M-level interrupt takes it at once")
    li t0, MIP_SSIP
    csrw mie, t0
    GOTO_PRIV(PRV_S, s_nop_ecall, 25f)
25: CHECK_CAUSE(INTERRUPT | IRQ_SSI)
    CHECK_EPC(s_nop_ecall)
    IRQ_RESET

    CASE(26, "priority: SSI before STI")
    li t0, MIP_SSIP | MIP_STIP
    csrw mie, t0
    csrs mip, t0
    TRAP_ARM(27f)
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    j fail
27: CHECK_CAUSE(INTERRUPT | IRQ_SSI)
    li t0, MIP_SSIP
    csrc mip, t0
    TRAP_ARM(28f)
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    j fail
28: CHECK_CAUSE(INTERRUPT | IRQ_STI)
    IRQ_RESET
    CASE(29, "mip.MSIP cannot be set by csrs")
    li t0, 1 << IRQ_MSI
    csrs mip, t0
    csrr a0, mip
    andi a0, a0, 1 << IRQ_MSI
    CHECK(a0, 0)

    /* -- vectored mode ----------------------------------------------------------- */
    CASE(30, "vectored mtvec: SSI goes to base + 4")
    IRQ_RESET
    la t0, m_vectors + 1
    csrw mtvec, t0
    sd zero, trap_vec, t1
    li t0, MIP_SSIP
    csrw mie, t0
    csrs mip, t0
    TRAP_ARM(30f)
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    j fail
30: CHECK_CAUSE(INTERRUPT | IRQ_SSI)
    CHECK_MEM(trap_vec, 1)
    IRQ_RESET
    CASE(31, "vectored mtvec: STI goes to base + 20")
    sd zero, trap_vec, t1
    li t0, MIP_STIP
    csrw mie, t0
    csrs mip, t0
    TRAP_ARM(31f)
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    j fail
31: CHECK_CAUSE(INTERRUPT | IRQ_STI)
    CHECK_MEM(trap_vec, 5)
    IRQ_RESET
    CASE(32, "vectored mtvec: an exception goes to base")
    li t0, 99
    sd t0, trap_vec, t1
    TRAP_ARM(32f)
    ecall
    j fail
32: CHECK_CAUSE(CAUSE_ECALL_M)
    CHECK_MEM(trap_vec, 0)
    CASE(33, "mtvec reads back base | mode")
    csrr a0, mtvec
    la a1, m_vectors + 1
    CHECK_R(a0, a1)
    la t0, m_trap_entry
    csrw mtvec, t0
    CASE(34, "vectored stvec: delegated SSI goes to base + 4")
    la t0, s_vectors + 1
    csrw stvec, t0
    sd zero, strap_vec, t1
    li t0, MIP_SSIP
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0
    STRAP_ARM(s_clear_ssip)
    GOTO_PRIV(PRV_U, u_ecall, 34f)
34: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, INTERRUPT | IRQ_SSI)
    CHECK_MEM(strap_vec, 1)
    CASE(35, "vectored stvec: a delegated exception goes to base")
    li t0, 99
    sd t0, strap_vec, t1
    li t0, 1 << CAUSE_ECALL_U
    csrw medeleg, t0
    STRAP_ARM(s_ecall)
    GOTO_PRIV(PRV_U, u_ecall, 35f)
35: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, CAUSE_ECALL_U)
    CHECK_MEM(strap_vec, 0)
    la t0, s_trap_entry
    csrw stvec, t0
    IRQ_RESET

    /* -- wfi ---------------------------------------------------------------------- */
    CASE(40, "wfi in M returns for a pending enabled interrupt with MIE = 0")
    TRAP_CLEAR
    li t0, MIP_SSIP
    csrw mie, t0
    csrs mip, t0
    wfi
    CHECK_COUNT(0)
    IRQ_RESET
    CASE(41, "wfi in S (TW = 0) returns for a delegated interrupt with SIE = 0")
    li t0, MIP_SSIP
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0
    STRAP_CLEAR
    GOTO_PRIV(PRV_S, s_wfi, 41f)
41: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_count, 0)
    IRQ_RESET

    j pass

/* -- code for S and U (no paging) ------------------------------------------------ */
u_illegal:
    .word 0xfe000033
    UFAIL
u_ecall:
    ecall
    UFAIL
s_ebreak:
    .option push
    .option norvc
    ebreak
    .option pop
    UFAIL
s_load_fault:
    li a1, NO_MEMORY_1
    ld a0, 0(a1)
    UFAIL
s_nop_ecall:
    nop
    ecall
    UFAIL
s_wfi:
    wfi
    ecall
/* resume points of the S handler (S-mode, SIE = 0) */
s_ecall:
    ecall
    UFAIL
s_clear_ssip:
    li t0, MIP_SSIP
    csrc sip, t0
    ecall
    UFAIL

/* Vector tables: entry n records n in trap_vec (strap_vec) and continues in
 * the ordinary handler. */
#define VEC_STUB(name, n, scratch, ctx_entry)                                  \
name##_##n:                                                                    \
    csrrw sp, scratch, sp; sd t0, CTX_T0(sp); li t0, n; sd t0, CTX_VEC(sp);    \
    ld t0, CTX_T0(sp); csrrw sp, scratch, sp; j ctx_entry

    .option push
    .option norvc               /* every entry is one 4-byte jump */
    .balign 256
m_vectors:
    j mvec_0
    j mvec_1
    j mvec_2
    j mvec_3
    j mvec_4
    j mvec_5
    j mvec_6
    j mvec_7
    j mvec_8
    j mvec_9
    j mvec_10
    j mvec_11
    .balign 256
s_vectors:
    j svec_0
    j svec_1
    j svec_2
    j svec_3
    j svec_4
    j svec_5
    j svec_6
    j svec_7
    j svec_8
    j svec_9
    .option pop

    VEC_STUB(mvec, 0, mscratch, m_trap_entry)
    VEC_STUB(mvec, 1, mscratch, m_trap_entry)
    VEC_STUB(mvec, 2, mscratch, m_trap_entry)
    VEC_STUB(mvec, 3, mscratch, m_trap_entry)
    VEC_STUB(mvec, 4, mscratch, m_trap_entry)
    VEC_STUB(mvec, 5, mscratch, m_trap_entry)
    VEC_STUB(mvec, 6, mscratch, m_trap_entry)
    VEC_STUB(mvec, 7, mscratch, m_trap_entry)
    VEC_STUB(mvec, 8, mscratch, m_trap_entry)
    VEC_STUB(mvec, 9, mscratch, m_trap_entry)
    VEC_STUB(mvec, 10, mscratch, m_trap_entry)
    VEC_STUB(mvec, 11, mscratch, m_trap_entry)
    VEC_STUB(svec, 0, sscratch, s_trap_entry)
    VEC_STUB(svec, 1, sscratch, s_trap_entry)
    VEC_STUB(svec, 2, sscratch, s_trap_entry)
    VEC_STUB(svec, 3, sscratch, s_trap_entry)
    VEC_STUB(svec, 4, sscratch, s_trap_entry)
    VEC_STUB(svec, 5, sscratch, s_trap_entry)
    VEC_STUB(svec, 6, sscratch, s_trap_entry)
    VEC_STUB(svec, 7, sscratch, s_trap_entry)
    VEC_STUB(svec, 8, sscratch, s_trap_entry)
    VEC_STUB(svec, 9, sscratch, s_trap_entry)
