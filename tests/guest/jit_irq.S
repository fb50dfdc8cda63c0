/* jit_irq.S — interrupts that must reach a hart spinning in a tight loop.
 *
 * A JIT chains a one-instruction loop `1: j 1b` to itself, and a counting
 * loop's block to itself; the interrupt must still be taken (at a block
 * boundary at the latest), never starved:
 *
 *   1    the machine timer (CLINT mtimecmp) in `1: j 1b`: mcause, mepc in
 *        the loop.
 *   2    the timer in two blocks jumping to each other.
 *   3    the timer in `1: addi a0, a0, 1; bne a0, a1, 1b`: mepc is one of
 *        the two instructions and minstret, read first thing in the
 *        handler, agrees with the count and mepc exactly.
 *   4-6  a software interrupt (CLINT msip, set by the hart itself) pending
 *        while mstatus.MIE = 0, enabled by `csrs mstatus`, `csrsi mstatus`
 *        or `csrs mie`: taken at the very next instruction boundary (mepc
 *        is the instruction after the CSR write, which did not run).
 *   7    msip set by a store while interrupts are enabled: taken before
 *        the hart reaches a spin loop after it.
 *   8    wfi with MIE = 1 woken by the timer: the trap is taken with mepc
 *        after the wfi.
 *   9    wfi with MIE = 0 woken by the timer: no trap, execution goes on,
 *        mip.MTIP is set.
 *
 * The timer is armed 1000 ticks (100 us at 10 MHz) ahead.
 */
#define TEST_AREA "jit_irq"
#include "test.h"

#define CLINT_MSIP0 0x02000000
#define CLINT_MTIMECMP0 0x02004000
#define CLINT_MTIME 0x0200bff8
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_MTIP (1 << IRQ_MTI)

/* Arm the timer `ticks` ahead (clobbers t0, t1). */
#define TIMER_IN(ticks)                                                        \
    li t0, CLINT_MTIME; ld t1, 0(t0); addi t1, t1, ticks;                      \
    li t0, CLINT_MTIMECMP0; sd t1, 0(t0)
/* The handler will continue at `label` (clobbers t0, t1). */
#define IRQ_ARM(label)                                                         \
    la t0, irq_rec; li t1, -1; sd t1, 8(t0); sd t1, 16(t0);                    \
    sd zero, 32(t0); la t1, label; sd t1, 24(t0)

main:
    la t0, irq_handler
    csrw mtvec, t0
    li t0, CLINT_MTIMECMP0
    li t1, -1
    sd t1, 0(t0)

    CASE(1, "timer interrupt in a one-instruction self-loop")
    IRQ_ARM(1f)
    li t0, MIP_MTIP
    csrw mie, t0
    TIMER_IN(1000)
    csrsi mstatus, MSTATUS_MIE
spin1:
    j spin1
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MTI)
    CHECK_MEM_LABEL(irq_epc, spin1)
    CHECK_MEM(irq_count, 1)

    CASE(2, "timer interrupt in two blocks jumping to each other")
    IRQ_ARM(1f)
    li t0, MIP_MTIP
    csrw mie, t0
    TIMER_IN(1000)
    csrsi mstatus, MSTATUS_MIE
spin2a:
    j spin2b
    nop
spin2b:
    j spin2a
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MTI)
    ld a0, irq_epc
    la a1, spin2a
    beq a0, a1, 2f
    la a1, spin2b
    CHECK_R(a0, a1)
2:

    CASE(3, "timer interrupt in a counting loop: count, mepc and minstret agree")
    IRQ_ARM(1f)
    li a0, 0
    li a1, 50000000             /* far beyond 1000 ticks */
    li t0, MIP_MTIP
    csrw mie, t0
    TIMER_IN(1000)
    csrr s11, minstret
    csrsi mstatus, MSTATUS_MIE  /* a late host may take it here: a0 = 0 */
count_loop:
    addi a0, a0, 1
count_bne:
    bne a0, a1, count_loop
    j fail                      /* the interrupt never came */
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MTI)
    ld s0, irq_instret
    sub s0, s0, s11             /* csrr, csrsi, a0 addi, a0 or a0 - 1 bne */
    slli s1, a0, 1
    addi s1, s1, 2
    ld a2, irq_epc
    la a3, count_loop
    beq a2, a3, 2f
    la a3, count_bne
    CHECK_R(a2, a3)
    addi s1, s1, -1
2:  CHECK_R(s0, s1)

    CASE(4, "msip pending, csrs mstatus.MIE: taken before the next instruction")
    IRQ_ARM(1f)
    li t0, MIP_MSIP
    csrw mie, t0
    li t0, CLINT_MSIP0
    li t1, 1
    sw t1, 0(t0)
    li s5, 0
    nop
    nop
    li t0, MSTATUS_MIE
    csrs mstatus, t0
after_csrs:
    addi s5, s5, 1
    addi s5, s5, 1
    j fail
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MSI)
    CHECK_MEM_LABEL(irq_epc, after_csrs)
    CHECK(s5, 0)

    CASE(5, "msip pending, csrsi mstatus.MIE: taken before the next instruction")
    IRQ_ARM(1f)
    li t0, MIP_MSIP
    csrw mie, t0
    li t0, CLINT_MSIP0
    li t1, 1
    sw t1, 0(t0)
    li s5, 0
    csrsi mstatus, MSTATUS_MIE
after_csrsi:
    c.addi s5, 1
    j fail
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MSI)
    CHECK_MEM_LABEL(irq_epc, after_csrsi)
    CHECK(s5, 0)

    CASE(6, "msip pending, MIE = 1, csrs mie.MSIE: taken before the next instruction")
    IRQ_ARM(1f)
    csrw mie, zero
    li t0, CLINT_MSIP0
    li t1, 1
    sw t1, 0(t0)
    csrsi mstatus, MSTATUS_MIE
    li s5, 0
    li t0, MIP_MSIP
    csrs mie, t0
after_mie:
    addi s5, s5, 1
    j fail
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MSI)
    CHECK_MEM_LABEL(irq_epc, after_mie)
    CHECK(s5, 0)

    CASE(7, "msip set by a store with interrupts on: taken")
    IRQ_ARM(1f)
    li t0, MIP_MSIP
    csrw mie, t0
    csrsi mstatus, MSTATUS_MIE
    li t0, CLINT_MSIP0
    li t1, 1
    sw t1, 0(t0)
    addi s5, s5, 1
    addi s5, s5, 1
spin7:
    j spin7
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MSI)

    CASE(8, "wfi woken by the timer with MIE = 1: mepc after the wfi")
    IRQ_ARM(1f)
    li t0, MIP_MTIP
    csrw mie, t0
    TIMER_IN(1000)
    csrsi mstatus, MSTATUS_MIE
    wfi
after_wfi:
    j after_wfi                 /* wfi may also return early */
1:  CHECK_MEM(irq_cause, INTERRUPT | IRQ_MTI)
    ld a0, irq_epc
    la a1, after_wfi
    CHECK_R(a0, a1)

    CASE(9, "wfi woken by the timer with MIE = 0: no trap")
    IRQ_ARM(fail)
    li t0, MIP_MTIP
    csrw mie, t0
    TIMER_IN(1000)
    li s2, 100000               /* wfi may return early: wait again */
2:  wfi
    csrr a0, mip
    andi a0, a0, MIP_MTIP
    bnez a0, 3f
    addi s2, s2, -1
    bnez s2, 2b
3:  CHECK(a0, MIP_MTIP)
    CHECK_MEM(irq_count, 0)
    li t0, CLINT_MTIMECMP0
    li t1, -1
    sd t1, 0(t0)
    csrw mie, zero
    j pass

/* The interrupt handler: minstret first, then mcause and mepc; silences
 * every source (mie = 0, mtimecmp = -1, msip = 0) and continues at the
 * armed label in M-mode with MIE = 0.  Touches t0 and t1 only. */
    .balign 4
irq_handler:
    csrr t0, minstret
    sd t0, irq_instret, t1
    csrr t0, mcause
    sd t0, irq_cause, t1
    csrr t0, mepc
    sd t0, irq_epc, t1
    ld t0, irq_count
    addi t0, t0, 1
    sd t0, irq_count, t1
    csrw mie, zero
    li t0, CLINT_MTIMECMP0
    li t1, -1
    sd t1, 0(t0)
    li t0, CLINT_MSIP0
    sw zero, 0(t0)
    ld t0, irq_resume
    jr t0

    .data
    .balign 8
irq_rec:
irq_instret: .dword 0
irq_cause: .dword 0
irq_epc: .dword 0
irq_resume: .dword 0
irq_count: .dword 0
