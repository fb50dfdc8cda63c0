/* uart.c — a 16550A UART, the guest's serial console (ttyS0).
 *
 * Register set and interrupt rules from the PC16550D datasheet (National
 * Semiconductor, "PC16550D UART with FIFOs"), one byte per register
 * (reg-shift 0), as on QEMU virt:
 *
 *     off  DLAB=0 read / write      DLAB=1
 *     0    RBR / THR                DLL   divisor latch, low
 *     1    IER                      DLM   divisor latch, high
 *     2    IIR / FCR
 *     3    LCR   bit 7 = DLAB
 *     4    MCR   bit 4 = loopback
 *     5    LSR
 *     6    MSR
 *     7    SCR   scratch
 *
 * Transmission is instant: a THR write goes straight to the console (stdout)
 * and the holding register is empty again, so LSR.THRE and LSR.TEMT are
 * always set and there is no transmit FIFO to keep.  Received bytes come from
 * the console, which only hands over as many as the receive FIFO has room
 * for (16 with FCR bit 0 set, else the single holding register): host input
 * waits in the host until the guest drains the FIFO and is never dropped.
 *
 * Interrupts (IIR bits 3:0), highest priority first:
 *     0110  receiver line status  OE/PE/FE/BI in LSR      cleared by reading LSR
 *     0100  received data         FIFO at trigger level   by reading RBR
 *     1100  character timeout     data below the trigger  by reading RBR
 *     0010  THR empty                                     by reading IIR / writing THR
 *     0000  modem status          MSR delta bits          by reading MSR
 *     0001  none
 * IIR bits 7:6 read 11 while the FIFOs are enabled (Linux's 8250 autoconfig
 * looks for that).  The character timeout is reported at once rather than
 * four character times later: bytes arrive in bursts between slices, and an
 * early timeout only makes the guest read sooner.  The THR-empty interrupt
 * is re-armed when IER.ETBEI goes from 0 to 1 with the THR empty, which
 * Linux's startup test checks for.  The IRQ line to the PLIC is "some
 * interrupt pending"; MCR.OUT2 does not gate it (as on QEMU virt).
 *
 * The line is signalled to the PLIC (uart_update_irq) only where QEMU's
 * 16550 does it: when a byte arrives or RBR is read, THR or IER or FCR or
 * MCR is written, IIR is read as THR empty, LSR is read with an error, MSR
 * with a delta.  Not on every register access: QEMU's PLIC pends a source
 * each time its device signals it, not at completion (plic.c), so a THR-
 * empty condition that is never acknowledged (xv6 never reads IIR) raises
 * one interrupt, not one per LSR poll.  Linux's 8250 driver reads IIR in
 * its handler and writes THR to send, so it sees every interrupt it needs.
 *
 * Loopback (MCR bit 4) is implemented: THR writes go to the receive FIFO,
 * the modem outputs appear on the MSR inputs (RTS->CTS, DTR->DSR, OUT1->RI,
 * OUT2->DCD), and host input waits. */
#include <string.h>

#include "devices.h"

/* Register offsets */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_DLL 0 /* divisor latch low (DLAB) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor latch high (DLAB) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

#define IER_ERBFI 0x01 /* received data available (and timeout) */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK 0x0f

#define IIR_NONE 0x01
#define IIR_MSR 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO 0xc0 /* FIFOs enabled */

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_DMA 0x08
#define FCR_TRIGGER 0xc0 /* receive trigger level: 1, 4, 8, 14 bytes */

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01   /* data ready */
#define LSR_OE 0x02   /* overrun error */
#define LSR_PE 0x04   /* parity error */
#define LSR_FE 0x08   /* framing error */
#define LSR_BI 0x10   /* break interrupt */
#define LSR_THRE 0x20 /* THR empty */
#define LSR_TEMT 0x40 /* transmitter empty */
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS 0x01 /* deltas: CTS, DSR changed; RI ended; DCD changed */
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

static bool fifo_enabled(const struct uart *u)
{
    return u->fcr & FCR_ENABLE;
}

static unsigned rx_capacity(const struct uart *u)
{
    return fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct uart *u)
{
    static const unsigned level[4] = {1, 4, 8, 14};
    return fifo_enabled(u) ? level[u->fcr >> 6] : 1;
}

/* The pending interrupt of highest priority (IIR bits 3:0). */
static uint8_t uart_iir_id(const struct uart *u)
{
    if ((u->ier & IER_ELSI) && (u->lsr_errors & LSR_ERRORS))
        return IIR_RLS;
    if ((u->ier & IER_ERBFI) && u->rx_count)
        return u->rx_count >= rx_trigger(u) ? IIR_RDA : IIR_TIMEOUT;
    if ((u->ier & IER_ETBEI) && u->thre_pending)
        return IIR_THRE;
    if ((u->ier & IER_EDSSI) && (u->msr & MSR_DELTAS))
        return IIR_MSR;
    return IIR_NONE;
}

static void uart_update_irq(struct uart *u)
{
    plic_set_irq(u->m, IRQ_UART, uart_iir_id(u) != IIR_NONE);
}

/* -- Receive FIFO ------------------------------------------------------------ */

static void rx_push(struct uart *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr_errors |= LSR_OE; /* the new byte is lost */
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
}

static void rx_clear(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
}

unsigned uart_rx_room(const struct uart *u)
{
    if (u->mcr & MCR_LOOP)
        return 0; /* the serial input is disconnected in loopback */
    return rx_capacity(u) - u->rx_count;
}

void uart_receive(struct uart *u, uint8_t byte)
{
    rx_push(u, byte);
    uart_update_irq(u);
}

int uart_take(struct uart *u)
{
    if (!u->rx_count)
        return -1;
    uint8_t byte = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    uart_update_irq(u);
    return byte;
}

/* -- Modem lines ---------------------------------------------------------------- */

/* MSR bits 7:4: a terminal that is always there, or our own outputs in loopback. */
static uint8_t modem_inputs(const struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_CTS | MSR_DSR | MSR_DCD;
    return ((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
           ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0);
}

/* Latch the inputs and record which changed in the delta bits. */
static void modem_update(struct uart *u)
{
    uint8_t old = u->msr, now = modem_inputs(u);
    uint8_t delta = 0;
    if ((old ^ now) & MSR_CTS)
        delta |= MSR_DCTS;
    if ((old ^ now) & MSR_DSR)
        delta |= MSR_DDSR;
    if ((old & MSR_RI) && !(now & MSR_RI))
        delta |= MSR_TERI; /* trailing edge only */
    if ((old ^ now) & MSR_DCD)
        delta |= MSR_DDCD;
    u->msr = now | (old & MSR_DELTAS) | delta;
}

/* -- Registers -------------------------------------------------------------- */

static void uart_transmit(struct uart *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP)
        rx_push(u, byte);
    else
        console_write(u->m, &byte, 1);
    u->thre_pending = true; /* sent at once: the THR is empty again */
    uart_update_irq(u);
}

static void write_fcr(struct uart *u, uint8_t value)
{
    /* Switching the FIFOs on or off empties them; with FCR bit 0 clear the
     * other bits are not programmed (datasheet, FCR). */
    if ((value ^ u->fcr) & FCR_ENABLE)
        rx_clear(u);
    if (!(value & FCR_ENABLE)) {
        u->fcr = 0;
        uart_update_irq(u);
        return;
    }
    if (value & FCR_CLEAR_RX)
        rx_clear(u);
    u->fcr = value & (FCR_ENABLE | FCR_DMA | FCR_TRIGGER); /* CLEAR_TX: nothing queued */
    uart_update_irq(u);
}

static void write_ier(struct uart *u, uint8_t value)
{
    uint8_t old = u->ier;
    u->ier = value & IER_MASK;
    if ((u->ier & IER_ETBEI) && !(old & IER_ETBEI))
        u->thre_pending = true; /* THR is always empty: interrupt at once */
    uart_update_irq(u);
}

static uint8_t read_rbr(struct uart *u)
{
    int byte = uart_take(u);
    return byte < 0 ? 0 : (uint8_t)byte; /* empty: reads as 0 */
}

static uint8_t read_iir(struct uart *u)
{
    uint8_t id = uart_iir_id(u);
    if (id == IIR_THRE) {
        u->thre_pending = false; /* reading IIR acknowledges THR empty */
        uart_update_irq(u);
    }
    return id | (fifo_enabled(u) ? IIR_FIFO : 0);
}

static uint8_t read_lsr(struct uart *u)
{
    uint8_t lsr = (u->rx_count ? LSR_DR : 0) | u->lsr_errors | LSR_THRE | LSR_TEMT;
    if (u->lsr_errors) {
        u->lsr_errors = 0;
        uart_update_irq(u);
    }
    return lsr;
}

static uint8_t read_msr(struct uart *u)
{
    uint8_t msr = u->msr;
    if (msr & MSR_DELTAS) {
        u->msr &= ~MSR_DELTAS;
        uart_update_irq(u);
    }
    return msr;
}

static uint8_t uart_read8(struct uart *u, uint64_t offset)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case UART_RBR: return dlab ? u->dll : read_rbr(u);
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR: return read_iir(u);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return read_lsr(u);
    case UART_MSR: return read_msr(u);
    case UART_SCR: return u->scr;
    default: return 0;
    }
}

static void uart_write8(struct uart *u, uint64_t offset, uint8_t value)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case UART_THR:
        if (dlab)
            u->dll = value;
        else
            uart_transmit(u, value);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = value;
        else
            write_ier(u, value);
        break;
    case UART_FCR: write_fcr(u, value); break;
    case UART_LCR: u->lcr = value; break;
    case UART_MCR:
        u->mcr = value & MCR_MASK;
        modem_update(u);
        uart_update_irq(u);
        break;
    case UART_SCR: u->scr = value; break;
    default: break; /* LSR, MSR: read-only */
    }
}

/* Wider accesses act on the byte register at that offset. */
static bool uart_read(void *opaque, uint64_t offset, int size, uint64_t *value)
{
    struct uart *u = opaque;
    (void)size;
    *value = uart_read8(u, offset); /* signals the PLIC itself, see above */
    return true;
}

static bool uart_write(void *opaque, uint64_t offset, int size, uint64_t value)
{
    struct uart *u = opaque;
    (void)size;
    uart_write8(u, offset, (uint8_t)value);
    return true;
}

void uart_reset(struct uart *u)
{
    struct machine *m = u->m;
    memset(u, 0, sizeof *u);
    u->m = m;
    u->msr = modem_inputs(u); /* no deltas at power-on */
    uart_update_irq(u);
}

void uart_create(struct machine *m, struct uart *u)
{
    u->m = m;
    uart_reset(u);
    mmu_add_region(m, &(struct mmio_region){UART_BASE, UART_SIZE, u, uart_read, uart_write});
}
