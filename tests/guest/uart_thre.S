/* uart_thre.S — the UART's THR-empty interrupt, taken the way xv6 takes it.
 *
 * xv6 (written against QEMU's virt) enables the 16550's THR-empty interrupt
 * (IER bit 1), enables source 10 in the PLIC, and in its handler claims and
 * completes without ever reading IIR, so the UART's THR-empty condition is
 * never acknowledged.  On QEMU that is one interrupt, not a storm: the PLIC
 * pends a source when the device signals it, and completion does not
 * re-pend it.  Every hart enables source 10 in its M context and counts
 * the external interrupts it takes; hart 0 then spins a while with
 * interrupts on and requires the total to be small (1 claim, plus at most
 * one empty claim per other hart).  Run at -smp 1 and -smp 2
 * (tests/26-uart-irq.t); standalone, not test.h, so that every hart can
 * run it.
 *
 * Exit status (HTIF): 0 pass, 1 no interrupt at all, 2 an interrupt storm.
 */
#define UART 0x10000000
#define UART_IER 1
#define PLIC 0x0c000000
#define IRQ_UART 10
#define MIE_MEIE (1 << 11)
#define MSTATUS_MIE (1 << 3)
#define SPIN 200000
#define MAX_IRQS 4

    .section .text.init, "ax"
    .globl _start
_start:
    csrr s0, mhartid
    la t0, trap
    csrw mtvec, t0
    la t0, 1f                   /* PMP: not needed in M, and may be absent */
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    .balign 4
1:  la t0, trap
    csrw mtvec, t0
    /* PLIC: priority 1 for source 10; this hart's M context (2 * hartid)
     * enables it with threshold 0. */
    li t0, PLIC + 4 * IRQ_UART
    li t1, 1
    sw t1, 0(t0)
    slli s1, s0, 1              /* s1: the context */
    slli t0, s1, 7              /* enable word 0 at 0x2000 + 0x80 * ctx */
    li t1, PLIC + 0x2000
    add t0, t0, t1
    li t1, 1 << IRQ_UART
    sw t1, 0(t0)
    slli s2, s1, 12             /* s2: threshold at 0x200000 + 0x1000 * ctx */
    li t1, PLIC + 0x200000
    add s2, s2, t1
    sw zero, 0(s2)
    li t0, MIE_MEIE
    csrw mie, t0
    csrsi mstatus, MSTATUS_MIE
    bnez s0, park

    /* Hart 0: enable THR empty (IER bit 1), as xv6's uartinit does. */
    li t0, UART
    li t1, 0x02
    sb t1, UART_IER(t0)
    li s3, SPIN
2:  addi s3, s3, -1
    bnez s3, 2b
    csrci mstatus, MSTATUS_MIE
    ld t0, irq_count
    li a0, 1
    beqz t0, done               /* never interrupted */
    li a0, 2
    li t1, MAX_IRQS
    bgtu t0, t1, done           /* a storm */
    li a0, 0
done:
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b

park:
    wfi
    j park

/* An external interrupt: claim, complete, count; IIR is never read.  Uses
 * t0-t2 only (the interrupted loops use s registers); s2 is this hart's
 * claim register minus 4. */
    .balign 4
trap:
    lw t0, 4(s2)                /* claim */
    beqz t0, 1f
    sw t0, 4(s2)                /* complete */
1:  la t1, irq_count
    li t2, 1
    amoadd.d zero, t2, (t1)
    mret

    .data
    .balign 8
irq_count: .dword 0

    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost, fromhost
tohost: .dword 0
    .balign 64
fromhost: .dword 0
