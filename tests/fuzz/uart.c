/* uart.c (fuzz target) — the 16550A's register file: any read or write of
 * any size at any offset of its window, host bytes arriving, the SBI taking
 * bytes, in any order.  Checks what the guest can rely on: the receive FIFO
 * never holds more than it has room for, and LSR's data-ready bit says
 * whether a byte is there. */
#include <assert.h>

#include "fuzz.h"

#define LSR 5
#define LSR_DR 0x01

static void run_op(struct machine *m, struct fuzz_input *in)
{
    struct uart *u = &m->dev->uart;
    uint8_t offset = fuzz_u8(in);
    switch (fuzz_u8(in) % 5) {
    case 0: fuzz_write(m, UART_BASE + (offset & 7), 1, fuzz_u8(in)); break;
    case 1: fuzz_read(m, UART_BASE + (offset & 7), 1); break;
    case 2: /* any size, anywhere in the window (past the 8 registers too) */
        if (offset & 0x80)
            fuzz_write(m, UART_BASE + (offset & 0xff), 1 << (offset & 3), fuzz_u64(in));
        else
            fuzz_read(m, UART_BASE + offset, 1 << (offset & 3));
        break;
    case 3:
        if (uart_rx_room(u))
            uart_receive(u, offset);
        break;
    case 4: uart_take(u); break;
    }
    assert(u->rx_count <= UART_FIFO_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine *m;
    if (!m)
        m = fuzz_machine(4096, 1, NULL);
    struct fuzz_input in = {data, size};
    devices_reset(m);
    while (in.n)
        run_op(m, &in);
    unsigned count = m->dev->uart.rx_count;
    uint64_t lsr = fuzz_read(m, UART_BASE + LSR, 1);
    assert(!!(lsr & LSR_DR) == (count > 0));
    return 0;
}
