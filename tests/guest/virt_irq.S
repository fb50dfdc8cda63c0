/* virt_irq.S — interrupt lines from the virt machine's devices, as the hart
 * sees them in mip: the UART's interrupt through the PLIC's S-mode context
 * of hart 0 (SEIP), the CLINT timer (MTIP) and software interrupt (MSIP),
 * and WFI woken by the timer with interrupts globally off.
 *
 * Case 2 is the rule that a CSRRS/CSRRC on mip uses only the software-
 * writable SEIP bit, never the PLIC's line: OpenSBI sets SSIP with
 * `csrs mip` while a device interrupt is pending, and latching the line
 * there would leave SEIP stuck at 1 (a storm of empty PLIC claims).
 *
 * dbt only: QEMU's spike machine has no PLIC or UART at these addresses.
 */
#define TEST_AREA "virt_irq"
#include "test.h"

#define PLIC 0x0c000000
#define PLIC_PRIORITY(irq) (PLIC + 4 * (irq))
#define PLIC_ENABLE_CTX1 (PLIC + 0x2000 + 0x80)   /* hart 0, S-mode */
#define PLIC_THRESHOLD_CTX1 (PLIC + 0x200000 + 0x1000)
#define UART 0x10000000
#define UART_IER (UART + 1)
#define UART_IRQ 10
#define CLINT_MSIP0 0x02000000
#define CLINT_MTIMECMP0 0x02004000
#define CLINT_MTIME 0x0200bff8
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_MTIP (1 << IRQ_MTI)

main:
    CASE(1, "UART THR-empty interrupt through the PLIC raises mip.SEIP")
    li t0, PLIC_PRIORITY(UART_IRQ)
    li t1, 1
    sw t1, 0(t0)
    li t0, PLIC_ENABLE_CTX1
    li t1, 1 << UART_IRQ
    sw t1, 0(t0)
    li t0, PLIC_THRESHOLD_CTX1
    sw zero, 0(t0)
    li t0, UART_IER
    li t1, 2                        /* ETBEI: THR empty */
    sb t1, 0(t0)
    csrr a0, mip
    andi a0, a0, MIP_SEIP
    CHECK(a0, MIP_SEIP)

    CASE(2, "csrs mip does not latch the PLIC's SEIP line into mip")
    csrs mip, MIP_SSIP
    li t0, UART_IER
    sb zero, 0(t0)                  /* the line drops */
    csrr a0, mip
    andi a0, a0, MIP_SEIP | MIP_SSIP
    CHECK(a0, MIP_SSIP)
    csrc mip, MIP_SSIP

    CASE(3, "CLINT msip drives mip.MSIP")
    li t0, CLINT_MSIP0
    li t1, 1
    sw t1, 0(t0)
    csrr a0, mip
    andi a0, a0, MIP_MSIP
    CHECK(a0, MIP_MSIP)
    sw zero, 0(t0)
    csrr a0, mip
    andi a0, a0, MIP_MSIP
    CHECK(a0, 0)

    CASE(4, "mtimecmp in the past raises mip.MTIP; far future clears it")
    li t0, CLINT_MTIMECMP0
    sd zero, 0(t0)
    li t2, 10000000                 /* bounded wait for the line */
1:  csrr a0, mip
    andi a0, a0, MIP_MTIP
    bnez a0, 2f
    addi t2, t2, -1
    bnez t2, 1b
2:  CHECK(a0, MIP_MTIP)
    li t1, -1
    sd t1, 0(t0)
    csrr a0, mip
    andi a0, a0, MIP_MTIP
    CHECK(a0, 0)

    CASE(5, "WFI with MIE off wakes when the timer fires")
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 2000                     /* 200 us at 10 MHz */
    add t1, t1, t2
    li t0, CLINT_MTIMECMP0
    sd t1, 0(t0)
    li t1, MIP_MTIP
    csrs mie, t1
    li t2, 100                      /* a spurious wakeup may come early */
3:  wfi
    csrr a0, mip
    andi a0, a0, MIP_MTIP
    bnez a0, 4f
    addi t2, t2, -1
    bnez t2, 3b
4:  CHECK(a0, MIP_MTIP)
    li t1, -1
    sd t1, 0(t0)
    li t1, MIP_MTIP
    csrc mie, t1

    j pass
