/* devices_test.c — the devices room on its own: each device driven through
 * its MMIO callbacks, with stubs for the machine around it (bus, harts,
 * clock, exit).  Prints TAP.
 *
 * stdin, stdout and stderr are pipes here: the test types into the console
 * and reads what the UART sent; TAP goes to a copy of the original stdout.
 * The virtio-blk tests run a hand-made split virtqueue in a fake RAM against
 * a real temporary disk image. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devices.h"

/* -- TAP ------------------------------------------------------------------------- */

static FILE *tap;
static int test_count, fail_count;

static void __attribute__((format(printf, 2, 3))) ok(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(tap, "%sok %d - ", pass ? "" : "not ", ++test_count);
    vfprintf(tap, fmt, ap);
    fputc('\n', tap);
    va_end(ap);
    fail_count += !pass;
}

static void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", tap);
    vfprintf(tap, fmt, ap);
    fputc('\n', tap);
    va_end(ap);
}

#define is(got, want, name)                                                                        \
    do {                                                                                           \
        unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want);        \
        ok(g_ == w_, "%s", name);                                                                  \
        if (g_ != w_)                                                                              \
            diag("got 0x%llx, want 0x%llx", g_, w_);                                               \
    } while (0)

/* -- Stubs for the rest of the machine --------------------------------------------- */

#define TEST_RAM_SIZE (1u << 20)
static uint8_t test_ram[TEST_RAM_SIZE];
static struct machine m;
static struct hart harts[2], other_hart;
static uint64_t fake_time;
static int exit_calls, reset_calls;

void mmu_add_region(struct machine *mach, const struct mmio_region *r)
{
    assert(mach->nregions < MAX_REGIONS);
    mach->regions[mach->nregions++] = *r;
}

uint8_t *mmu_ram_ptr(struct machine *mach, uint64_t paddr, uint64_t len)
{
    uint64_t off = paddr - mach->ram_base;
    if (paddr < mach->ram_base || off > mach->ram_size || len > mach->ram_size - off)
        return NULL;
    return mach->ram + off;
}

/* Device writes into RAM must be reported to the page watchers: count them. */
static uint64_t ram_written_bytes;
void mmu_ram_written(struct machine *mach, uint64_t paddr, uint64_t len)
{
    (void)mach, (void)paddr;
    ram_written_bytes += len;
}

void mmu_set_watcher(struct machine *mach, unsigned what, mmu_watch_fn fn, void *opaque)
{
    (void)mach, (void)what, (void)fn, (void)opaque;
}

void mmu_watch_page(struct machine *mach, uint64_t paddr, unsigned what)
{
    (void)mach, (void)paddr, (void)what;
}

void cpu_set_irq_line(struct hart *h, uint64_t mask, bool level)
{
    h->irq_lines = level ? h->irq_lines | mask : h->irq_lines & ~mask;
}

uint64_t cpu_pending_irqs(struct hart *h)
{
    return (h->mip | h->irq_lines) & h->mie;
}

uint64_t machine_time(struct machine *mach)
{
    (void)mach;
    return fake_time;
}

void machine_exit(struct machine *mach, int code)
{
    mach->exit_requested = true;
    mach->exit_code = code;
    exit_calls++;
}

static char panic_what[256];
void machine_guest_panic(struct machine *mach, const char *what)
{
    (void)mach;
    snprintf(panic_what, sizeof panic_what, "%s", what);
}

void machine_reset(struct machine *mach)
{
    mach->reset_requested = true;
    reset_calls++;
}

/* -- The machine and its bus ------------------------------------------------------- */

static void machine_setup(struct machine *mach, struct hart *hs, int nharts)
{
    memset(mach, 0, sizeof *mach);
    mach->ram = test_ram;
    mach->ram_base = RAM_BASE;
    mach->ram_size = TEST_RAM_SIZE;
    mach->nharts = nharts;
    for (int i = 0; i < nharts; i++) {
        memset(&hs[i], 0, sizeof hs[i]);
        hs[i].m = mach;
        hs[i].hartid = (uint64_t)i;
        mach->harts[i] = &hs[i];
    }
}

static bool create(const struct devices_config *cfg)
{
    machine_setup(&m, harts, 2);
    exit_calls = reset_calls = 0;
    static const struct devices_config none = {0};
    return devices_create(&m, cfg ? cfg : &none);
}

static struct mmio_region *region_at(uint64_t pa)
{
    for (int i = 0; i < m.nregions; i++)
        if (pa - m.regions[i].base < m.regions[i].size)
            return &m.regions[i];
    return NULL;
}

static uint64_t rd(uint64_t pa, int size)
{
    struct mmio_region *r = region_at(pa);
    uint64_t v = 0xdeadbeef;
    assert(r);
    assert(r->read(r->opaque, pa - r->base, size, &v));
    return v;
}

static void wr(uint64_t pa, int size, uint64_t v)
{
    struct mmio_region *r = region_at(pa);
    assert(r);
    assert(r->write(r->opaque, pa - r->base, size, v));
}

static bool line(int hart, uint64_t mask)
{
    return (harts[hart].irq_lines & mask) != 0;
}

static bool plic_level(int irq)
{
    return (m.dev->plic.level[irq / 32] >> (irq % 32)) & 1;
}

/* -- stdio as pipes ------------------------------------------------------------------ */

static int stdin_w = -1, stdout_r = -1;

/* A fresh pipe on fd 0; the test writes into stdin_w. */
static void new_stdin(void)
{
    int p[2];
    assert(pipe(p) == 0);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);
    if (stdin_w >= 0)
        close(stdin_w);
    stdin_w = p[1];
}

static void type(const char *s, size_t len)
{
    assert(write(stdin_w, s, len) == (ssize_t)len);
}

static void setup_stdio(void)
{
    tap = fdopen(dup(STDOUT_FILENO), "w");
    assert(tap);
    setvbuf(tap, NULL, _IOLBF, 0);
    int p[2];
    assert(pipe(p) == 0);
    dup2(p[1], STDOUT_FILENO);
    close(p[1]);
    stdout_r = p[0];
    fcntl(stdout_r, F_SETFL, O_NONBLOCK);
    new_stdin();
}

/* Everything the devices wrote to stdout since last time. */
static size_t take_stdout(char *buf, size_t cap)
{
    ssize_t n = read(stdout_r, buf, cap - 1);
    n = n < 0 ? 0 : n;
    buf[n] = 0;
    return (size_t)n;
}

/* Run fn with stderr captured into buf. */
static void capture_stderr(void (*fn)(void), char *buf, size_t cap)
{
    int p[2], saved = dup(STDERR_FILENO);
    assert(pipe(p) == 0);
    fflush(stderr);
    dup2(p[1], STDERR_FILENO);
    close(p[1]);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    ssize_t n = read(p[0], buf, cap - 1);
    buf[n < 0 ? 0 : n] = 0;
    close(p[0]);
}

/* Let the console look at stdin again (its idle rate limit is 1 ms). */
static void poll_later(void)
{
    fake_time += TIMEBASE_HZ;
    devices_poll(&m);
}

/* -- CLINT ------------------------------------------------------------------------------ */

static void test_clint(void)
{
    create(NULL);
    fake_time = 0x123456789aULL;
    is(rd(CLINT_BASE + 0xbff8, 8), fake_time, "clint: mtime reads machine_time (64-bit)");
    is(rd(CLINT_BASE + 0xbff8, 4), 0x3456789a, "clint: mtime low half");
    is(rd(CLINT_BASE + 0xbffc, 4), 0x12, "clint: mtime high half");
    wr(CLINT_BASE + 0xbff8, 8, 0);
    is(rd(CLINT_BASE + 0xbff8, 8), fake_time, "clint: mtime writes are ignored");

    is(rd(CLINT_BASE + 0x4000, 8), UINT64_MAX, "clint: mtimecmp resets to all ones");
    ok(!line(0, MIP_MTIP) && !line(1, MIP_MTIP), "clint: no MTIP after reset");
    wr(CLINT_BASE + 0x4000, 8, fake_time + 100);
    devices_poll(&m);
    ok(!line(0, MIP_MTIP), "clint: MTIP low before mtimecmp");
    fake_time += 100;
    devices_poll(&m);
    ok(line(0, MIP_MTIP), "clint: MTIP high once mtime reaches mtimecmp");
    ok(!line(1, MIP_MTIP), "clint: the other hart's MTIP stays low");
    wr(CLINT_BASE + 0x4000, 4, 0xffffffff); /* 32-bit halves, low then high */
    wr(CLINT_BASE + 0x4004, 4, 0x7fffffff);
    is(rd(CLINT_BASE + 0x4000, 8), 0x7fffffffffffffffULL, "clint: mtimecmp written as two halves");
    ok(!line(0, MIP_MTIP), "clint: MTIP drops at once when mtimecmp moves ahead");
    wr(CLINT_BASE + 0x4008, 8, 5);
    ok(line(1, MIP_MTIP), "clint: hart 1 mtimecmp in the past: MTIP at once");

    wr(CLINT_BASE + 0x4, 4, 1);
    ok(line(1, MIP_MSIP) && !line(0, MIP_MSIP), "clint: msip of hart 1 raises its MSIP only");
    is(rd(CLINT_BASE + 0x4, 4), 1, "clint: msip reads back");
    wr(CLINT_BASE + 0x4, 4, 0xfffffffe);
    ok(!line(1, MIP_MSIP), "clint: msip bit 0 clear lowers MSIP");
    is(rd(CLINT_BASE + 0x8, 4), 0, "clint: msip of a hart that does not exist reads 0");

    devices_reset(&m);
    ok(!line(1, MIP_MTIP) && rd(CLINT_BASE + 0x4008, 8) == UINT64_MAX,
       "clint: reset clears mtimecmp and MTIP");
    devices_destroy(&m);
}

/* -- PLIC ------------------------------------------------------------------------------- */

#define PLIC_PRIO(i) (PLIC_BASE + 4 * (i))
#define PLIC_PEND(w) (PLIC_BASE + 0x1000 + 4 * (w))
#define PLIC_EN(ctx, w) (PLIC_BASE + 0x2000 + 0x80 * (ctx) + 4 * (w))
#define PLIC_THRESH(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESH(ctx) + 4)

static void test_plic(void)
{
    create(NULL);
    wr(PLIC_PRIO(5), 4, 3);
    wr(PLIC_PRIO(7), 4, 3);
    wr(PLIC_PRIO(40), 4, 6);
    wr(PLIC_PRIO(9), 4, 0xff);
    is(rd(PLIC_PRIO(9), 4), 7, "plic: priorities have 3 bits");
    wr(PLIC_PRIO(9), 4, 0);

    plic_set_irq(&m, 7, true);
    plic_set_irq(&m, 5, true);
    is(rd(PLIC_PEND(0), 4), (1u << 5) | (1u << 7), "plic: pending bits follow raised lines");
    ok(!line(0, MIP_SEIP | MIP_MEIP), "plic: nothing enabled, no SEIP/MEIP");

    wr(PLIC_EN(1, 0), 4, (1u << 5) | (1u << 7) | (1u << 9) | 1u);
    is(rd(PLIC_EN(1, 0), 4), (1u << 5) | (1u << 7) | (1u << 9), "plic: source 0 cannot be enabled");
    ok(line(0, MIP_SEIP) && !line(0, MIP_MEIP), "plic: context 1 drives hart 0 SEIP only");
    wr(PLIC_THRESH(1), 4, 3);
    ok(!line(0, MIP_SEIP), "plic: threshold 3 masks priority 3");
    is(rd(PLIC_CLAIM(1), 4), 0, "plic: claim below threshold returns 0");
    wr(PLIC_THRESH(1), 4, 2);
    ok(line(0, MIP_SEIP), "plic: threshold 2 lets priority 3 through");

    is(rd(PLIC_CLAIM(1), 4), 5, "plic: equal priorities: the lowest id is claimed first");
    is(rd(PLIC_PEND(0), 4), 1u << 7, "plic: claim clears the pending bit");
    is(rd(PLIC_CLAIM(1), 4), 7, "plic: then the next one");
    ok(!line(0, MIP_SEIP), "plic: all claimed: SEIP low");
    is(rd(PLIC_CLAIM(1), 4), 0, "plic: nothing left to claim");

    plic_set_irq(&m, 7, false);
    wr(PLIC_CLAIM(1), 4, 7);
    ok(!line(0, MIP_SEIP), "plic: complete with the line low: not pending again");
    wr(PLIC_CLAIM(1), 4, 5);
    ok(!line(0, MIP_SEIP), "plic: complete with the line still high: not pending (QEMU's gateway)");
    plic_set_irq(&m, 5, true);
    is(rd(PLIC_CLAIM(1), 4), 5, "plic: signalled again: claimable again");
    plic_set_irq(&m, 5, true);
    ok(!line(0, MIP_SEIP), "plic: a source in service does not interrupt");
    wr(PLIC_CLAIM(1), 4, 5);
    ok(line(0, MIP_SEIP), "plic: signalled while in service: pending after completion");
    is(rd(PLIC_CLAIM(1), 4), 5, "plic: and claimable");
    plic_set_irq(&m, 5, false);
    wr(PLIC_CLAIM(1), 4, 5);

    plic_set_irq(&m, 9, true);
    ok(!line(0, MIP_SEIP), "plic: priority 0 never interrupts");
    plic_set_irq(&m, 9, false);

    wr(PLIC_EN(2, 1), 4, 1u << (40 - 32));
    plic_set_irq(&m, 40, true);
    ok(line(1, MIP_MEIP) && !line(1, MIP_SEIP) && !line(0, MIP_MEIP),
       "plic: context 2 drives hart 1 MEIP");
    plic_set_irq(&m, 40, false);
    ok(!line(1, MIP_MEIP), "plic: a line that falls before the claim withdraws the request");

    plic_set_irq(&m, 5, true);
    plic_set_irq(&m, 40, true);
    wr(PLIC_EN(1, 1), 4, 1u << (40 - 32));
    is(rd(PLIC_CLAIM(1), 4), 40, "plic: higher priority wins over lower id");
    is(rd(PLIC_CLAIM(2), 4), 0, "plic: a claimed source is not claimed again elsewhere");
    wr(PLIC_CLAIM(1), 4, 40);
    plic_set_irq(&m, 40, true);
    is(rd(PLIC_CLAIM(2), 4), 40, "plic: completed and signalled: it can be claimed again");
    wr(PLIC_CLAIM(2), 4, 40);

    devices_reset(&m);
    ok(!line(0, MIP_SEIP) && !line(1, MIP_MEIP) && rd(PLIC_PRIO(5), 4) == 0,
       "plic: reset clears everything");
    devices_destroy(&m);
}

/* -- UART ------------------------------------------------------------------------------- */

#define U(reg) (UART_BASE + (reg))

static void test_uart_registers(void)
{
    char out[256];
    create(NULL);
    is(rd(U(5), 1), 0x60, "uart: LSR after reset: THRE and TEMT");
    is(rd(U(2), 1), 0x01, "uart: IIR after reset: no interrupt, FIFOs off");
    is(rd(U(6), 1) & 0xf0, 0xb0, "uart: MSR: CTS, DSR, DCD");
    wr(U(2), 1, 0x07);
    is(rd(U(2), 1), 0xc1, "uart: FCR enables FIFOs: IIR bits 7:6 set");

    wr(U(7), 1, 0xa5);
    is(rd(U(7), 1), 0xa5, "uart: SCR holds a byte");
    wr(U(1), 1, 0xff);
    is(rd(U(1), 1), 0x0f, "uart: IER keeps 4 bits");
    wr(U(1), 1, 0);
    wr(U(3), 1, 0x83);
    wr(U(0), 1, 0x01);
    wr(U(1), 1, 0x02);
    is(rd(U(0), 1) | rd(U(1), 1) << 8, 0x0201, "uart: DLAB: DLL and DLM");
    wr(U(3), 1, 0x03);
    is(rd(U(3), 1), 0x03, "uart: LCR reads back");
    is(rd(U(1), 1), 0, "uart: IER untouched by divisor writes");

    take_stdout(out, sizeof out);
    wr(U(0), 1, 'h');
    wr(U(0), 1, 'i');
    take_stdout(out, sizeof out);
    ok(!strcmp(out, "hi"), "uart: THR bytes reach stdout at once");

    wr(U(1), 1, 0x02);
    ok(plic_level(IRQ_UART), "uart: IRQ 10 line high");
    is(rd(U(2), 1), 0xc2, "uart: enabling ETBEI raises THR empty");
    is(rd(U(2), 1), 0xc1, "uart: reading IIR acknowledged THR empty");
    ok(!plic_level(IRQ_UART), "uart: IRQ 10 line low");
    wr(U(1), 1, 0);
    wr(U(1), 1, 0x02);
    is(rd(U(2), 1), 0xc2, "uart: ETBEI off and on re-arms it (Linux's THRE test)");
    wr(U(0), 1, '!');
    is(rd(U(2), 1), 0xc2, "uart: each THR write ends with THR empty again");
    take_stdout(out, sizeof out);

    /* What xv6 does: THR-empty enabled, IIR never read, claim/complete. */
    wr(U(1), 1, 0);
    wr(PLIC_PRIO(IRQ_UART), 4, 1);
    wr(PLIC_EN(1, 0), 4, 1u << IRQ_UART);
    wr(U(1), 1, 0x02);
    ok(line(0, MIP_SEIP), "uart: ETBEI 0 -> 1 interrupts once");
    is(rd(PLIC_CLAIM(1), 4), IRQ_UART, "uart: the PLIC gives source 10");
    rd(U(5), 1);
    wr(PLIC_CLAIM(1), 4, IRQ_UART);
    ok(!line(0, MIP_SEIP), "uart: IIR unread: completion does not interrupt again");
    rd(U(5), 1);
    rd(U(3), 1);
    ok(!line(0, MIP_SEIP), "uart: nor do LSR and LCR reads");
    wr(U(0), 1, '.');
    ok(line(0, MIP_SEIP), "uart: a THR write interrupts again when sent");
    is(rd(PLIC_CLAIM(1), 4), IRQ_UART, "uart: claimed");
    wr(PLIC_CLAIM(1), 4, IRQ_UART);
    is(rd(U(2), 1), 0xc2, "uart: IIR still says THR empty");
    ok(!plic_level(IRQ_UART), "uart: reading it lowers the line");
    wr(U(1), 1, 0);
    wr(PLIC_EN(1, 0), 4, 0);
    take_stdout(out, sizeof out);

    /* Loopback: overrun, then every interrupt in priority order. */
    wr(U(4), 1, 0x1a); /* LOOP | OUT2 | RTS */
    is(rd(U(6), 1), 0x90 | 0x02, "uart: loopback MSR: RTS->CTS, OUT2->DCD; DSR fell: DDSR");
    wr(U(1), 1, 0x0f);
    for (int i = 0; i < 17; i++)
        wr(U(0), 1, (uint64_t)('a' + i));
    take_stdout(out, sizeof out);
    ok(out[0] == 0, "uart: loopback keeps bytes off stdout");
    wr(U(4), 1, 0x18); /* drop RTS: DCTS */
    is(rd(U(2), 1), 0xc6, "uart: 17 bytes in a 16-byte FIFO: receiver line status first");
    is(rd(U(5), 1), 0x63, "uart: LSR: DR, OE, THRE, TEMT");
    is(rd(U(2), 1), 0xc4, "uart: then received data (trigger 1)");
    for (int i = 0; i < 16; i++)
        out[i] = (char)rd(U(0), 1);
    ok(!memcmp(out, "abcdefghijklmnop", 16), "uart: the FIFO kept the first 16 bytes in order");
    is(rd(U(5), 1), 0x60, "uart: FIFO empty: DR clear");
    is(rd(U(2), 1), 0xc2, "uart: then THR empty");
    is(rd(U(2), 1), 0xc0, "uart: then modem status");
    is(rd(U(6), 1), 0x80 | 0x01, "uart: MSR: DCD, DCTS");
    is(rd(U(2), 1), 0xc1, "uart: reading MSR cleared the last interrupt");
    wr(U(2), 1, 0xc7); /* trigger level 14 */
    wr(U(0), 1, 'x');
    is(rd(U(2), 1), 0xcc, "uart: one byte below the trigger level: character timeout");
    wr(U(2), 1, 0x00);
    is(rd(U(5), 1), 0x60, "uart: turning the FIFOs off empties them");
    wr(U(0), 1, 'y');
    wr(U(0), 1, 'z');
    ok((rd(U(5), 1) & 0x03) == 0x03, "uart: no FIFO: a second byte overruns the holding register");
    is(rd(U(0), 1), 'y', "uart: no FIFO: the first byte stays");
    wr(U(4), 1, 0);
    devices_destroy(&m);
}

static void test_uart_input(void)
{
    char buf[64];
    create(NULL);
    wr(U(2), 1, 0x01); /* FIFO, trigger 1 */
    wr(U(1), 1, 0x01);
    type("hello", 5);
    poll_later();
    ok(rd(U(5), 1) & 1, "uart: host input arrives: LSR.DR");
    is(rd(U(2), 1), 0xc4, "uart: and the received data interrupt");
    ok(plic_level(IRQ_UART), "uart: IRQ 10 up with data");
    for (int i = 0; i < 5; i++)
        buf[i] = (char)rd(U(0), 1);
    ok(!memcmp(buf, "hello", 5), "uart: RBR reads the typed bytes");
    ok(!plic_level(IRQ_UART), "uart: drained: IRQ 10 down");

    /* 40 bytes: never more than the FIFO holds at a time, none lost. */
    char sent[41], got[41];
    for (int i = 0; i < 40; i++)
        sent[i] = (char)('A' + i % 26);
    type(sent, 40);
    int n = 0, max_batch = 0;
    for (int round = 0; round < 10 && n < 40; round++) {
        poll_later();
        int batch = 0;
        while (rd(U(5), 1) & 1)
            got[n++] = (char)rd(U(0), 1), batch++;
        max_batch = batch > max_batch ? batch : max_batch;
    }
    is(n, 40, "uart: 40 bytes typed, 40 received");
    ok(!memcmp(sent, got, 40), "uart: in order");
    is(max_batch, 16, "uart: at most a FIFO's worth taken from the host at once");

    wr(U(2), 1, 0x00); /* no FIFO: room for one byte */
    type("abc", 3);
    poll_later();
    poll_later();
    is(rd(U(5), 1), 0x61, "uart: no FIFO: one byte taken, no overrun");
    is(rd(U(0), 1), 'a', "uart: the rest waits in the host");
    is(console_getchar(&m), 'b', "console: SBI getchar takes from the same FIFO");
    is(console_getchar(&m), 'c', "console: getchar again");
    is(console_getchar(&m), -1, "console: getchar with nothing typed: -1");
    wr(U(2), 1, 0x01);

    char ctrl[] = {'a', 1, 1, 'b', 1, 'z', 'c'};
    type(ctrl, sizeof ctrl);
    poll_later();
    n = 0;
    while (rd(U(5), 1) & 1)
        buf[n++] = (char)rd(U(0), 1);
    ok(n == 3 + 1 && !memcmp(buf, "a\001bc", 4), "console: C-a C-a sends C-a, C-a z is swallowed");

    char err[512];
    type("\001h", 2);
    capture_stderr(poll_later, err, sizeof err);
    ok(strstr(err, "C-a x") != NULL, "console: C-a h prints help");

    console_write(&m, "dbcn", 4);
    take_stdout(buf, sizeof buf);
    ok(!strcmp(buf, "dbcn"), "console: console_write reaches stdout");

    type("q\001x", 3);
    capture_stderr(poll_later, err, sizeof err);
    ok(exit_calls == 1 && m.exit_code == 0, "console: C-a x ends the run with status 0");
    ok(strstr(err, "dbt: terminated") != NULL, "console: and says 'dbt: terminated'");
    is(rd(U(0), 1), 'q', "console: bytes before C-a x were delivered");

    devices_destroy(&m);
    type("zz", 2);
    close(stdin_w);
    stdin_w = -1;
    create(NULL);
    wr(U(2), 1, 0x01);
    poll_later();
    is(rd(U(0), 1), 'z', "console: input before end of file is delivered");
    rd(U(0), 1);
    poll_later();
    ok(m.dev->console.in_eof, "console: end of file seen");
    is(console_wait_fd(&m.dev->console), -1, "console: stdin no longer waited on");
    devices_destroy(&m);
    new_stdin();
}

/* -- Idle ---------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double timed_idle(void)
{
    double t = now_s();
    devices_idle(&m);
    return now_s() - t;
}

static void test_idle(void)
{
    create(NULL);
    fake_time = 1000;
    double t = timed_idle();
    ok(t > 0.05 && t < 1.0, "idle: no deadline, no input: sleeps about 100 ms (%.3f s)", t);
    wr(CLINT_BASE + 0x4000, 8, fake_time + 30000); /* 3 ms */
    t = timed_idle();
    ok(t > 0.002 && t < 0.05, "idle: mtimecmp 3 ms ahead: sleeps until it (%.4f s)", t);
    harts[1].menvcfg = MENVCFG_STCE;
    harts[1].stimecmp = fake_time + 10000; /* 1 ms */
    t = timed_idle();
    ok(t > 0.0005 && t < 0.003, "idle: Sstc stimecmp 1 ms ahead counts too (%.4f s)", t);
    harts[1].menvcfg = 0;
    type("k", 1);
    t = timed_idle();
    ok(t < 0.002 && m.dev->console.next_poll == 0, "idle: input wakes it at once (%.4f s)", t);
    devices_poll(&m);
    is(rd(U(0), 1), 'k', "idle: and the next poll reads it");
    wr(CLINT_BASE + 0x4000, 8, 0);
    harts[0].mie = MIP_MTIP;
    t = timed_idle();
    ok(t < 0.002, "idle: an interrupt already pending: no sleep (%.4f s)", t);
    devices_destroy(&m);
}

/* -- RTC and finisher ---------------------------------------------------------------------- */

static void test_rtc_and_finisher(void)
{
    create(NULL);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t lo = rd(RTC_BASE + 0x00, 4), hi = rd(RTC_BASE + 0x04, 4);
    int64_t diff = (int64_t)((hi << 32 | lo) / 1000000000ULL) - (int64_t)ts.tv_sec;
    ok(diff >= 0 && diff <= 1, "rtc: TIME_LOW/HIGH give the host's wall clock");

    uint64_t future = (hi << 32 | lo) + 3600ULL * 1000000000ULL;
    wr(RTC_BASE + 0x04, 4, future >> 32);
    wr(RTC_BASE + 0x00, 4, (uint32_t)future);
    lo = rd(RTC_BASE + 0x00, 4);
    hi = rd(RTC_BASE + 0x04, 4);
    diff = (int64_t)((hi << 32 | lo) - future) / 1000000;
    ok(diff >= 0 && diff < 1000, "rtc: the guest can set the clock");

    uint64_t alarm = (hi << 32 | lo) + 1000; /* 1 us ahead */
    wr(RTC_BASE + 0x0c, 4, alarm >> 32);
    wr(RTC_BASE + 0x08, 4, (uint32_t)alarm);
    wr(RTC_BASE + 0x10, 4, 1);
    usleep(1000);
    devices_poll(&m);
    ok(plic_level(IRQ_RTC), "rtc: alarm fires IRQ 11");
    is(rd(RTC_BASE + 0x18, 4), 0, "rtc: alarm no longer armed");
    wr(RTC_BASE + 0x1c, 4, 1);
    ok(!plic_level(IRQ_RTC), "rtc: CLEAR_INTERRUPT lowers it");

    wr(TEST_BASE, 4, 0x7777);
    ok(reset_calls == 1 && exit_calls == 0, "test: 0x7777 reboots");
    wr(TEST_BASE, 4, 0x3333 | 5 << 16);
    ok(exit_calls == 1 && m.exit_code == 5, "test: 0x3333 | 5<<16 exits with 5");
    m.exit_requested = false;
    wr(TEST_BASE, 4, 0x5555);
    ok(exit_calls == 2 && m.exit_code == 0, "test: 0x5555 powers off with status 0");
    wr(TEST_BASE, 4, 0x1234);
    ok(exit_calls == 2 && reset_calls == 1, "test: other values do nothing");
    devices_destroy(&m);
}

/* -- virtio-blk ------------------------------------------------------------------------------ */

#define V(reg) (VIRTIO_BASE + (reg))
#define QNUM 8
#define DESC_PA (RAM_BASE + 0x1000)
#define AVAIL_PA (RAM_BASE + 0x2000)
#define USED_PA (RAM_BASE + 0x3000)
#define HDR_PA (RAM_BASE + 0x4000)
#define STATUS_PA (RAM_BASE + 0x5000)
#define TABLE_PA (RAM_BASE + 0x6000)
#define DATA_PA (RAM_BASE + 0x10000)
#define DISK_SECTORS 130
#define DISK_BYTES (DISK_SECTORS * 512 + 100) /* a partial last sector */

static char disk_path[256];
static uint16_t avail_idx;

static uint8_t *ram(uint64_t pa)
{
    return test_ram + (pa - RAM_BASE);
}

static void put16(uint64_t pa, uint16_t v)
{
    memcpy(ram(pa), &v, 2);
}

static void put32(uint64_t pa, uint32_t v)
{
    memcpy(ram(pa), &v, 4);
}

static void put64(uint64_t pa, uint64_t v)
{
    memcpy(ram(pa), &v, 8);
}

static uint16_t get16(uint64_t pa)
{
    uint16_t v;
    memcpy(&v, ram(pa), 2);
    return v;
}

static uint32_t get32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, ram(pa), 4);
    return v;
}

static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 7 + 3 + (i >> 9));
}

static void make_disk(void)
{
    const char *dir = getenv("TMPDIR");
    snprintf(disk_path, sizeof disk_path, "%s/dbt-devtest-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(disk_path);
    assert(fd >= 0);
    static uint8_t data[DISK_BYTES];
    for (uint64_t i = 0; i < DISK_BYTES; i++)
        data[i] = pattern(i);
    assert(write(fd, data, DISK_BYTES) == DISK_BYTES);
    close(fd);
}

static bool disk_matches_pattern(void)
{
    static uint8_t data[DISK_BYTES];
    int fd = open(disk_path, O_RDONLY);
    bool same = fd >= 0 && read(fd, data, DISK_BYTES) == DISK_BYTES;
    for (uint64_t i = 0; same && i < DISK_BYTES; i++)
        same = data[i] == pattern(i);
    close(fd);
    return same;
}

static void set_desc(uint64_t table, int i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint64_t d = table + 16ULL * (uint64_t)i;
    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}

/* The driver side of initialisation (3.1.1); returns the features offered. */
static uint64_t blk_init(bool modern)
{
    wr(V(0x70), 4, 0);
    wr(V(0x70), 4, 1);
    wr(V(0x70), 4, 1 | 2);
    wr(V(0x14), 4, 0);
    uint64_t features = rd(V(0x10), 4);
    wr(V(0x14), 4, 1);
    features |= rd(V(0x10), 4) << 32;
    wr(V(0x24), 4, 0);
    wr(V(0x20), 4, (uint32_t)features & ~(1u << 2)); /* all but SEG_MAX */
    if (modern) {
        wr(V(0x24), 4, 1);
        wr(V(0x20), 4, 1); /* VERSION_1 */
    }
    wr(V(0x70), 4, 1 | 2 | 8);
    wr(V(0x30), 4, 0);
    wr(V(0x38), 4, QNUM);
    wr(V(0x80), 4, (uint32_t)DESC_PA);
    wr(V(0x84), 4, DESC_PA >> 32);
    wr(V(0x90), 4, (uint32_t)AVAIL_PA);
    wr(V(0x94), 4, AVAIL_PA >> 32);
    wr(V(0xa0), 4, (uint32_t)USED_PA);
    wr(V(0xa4), 4, USED_PA >> 32);
    memset(ram(AVAIL_PA), 0, 0x1000);
    memset(ram(USED_PA), 0, 0x1000);
    avail_idx = 0;
    wr(V(0x44), 4, 1);
    wr(V(0x70), 4, 1 | 2 | 8 | 4);
    return features;
}

static void submit(uint16_t head)
{
    put16(AVAIL_PA + 4 + 2 * (avail_idx % QNUM), head);
    avail_idx++;
    put16(AVAIL_PA + 2, avail_idx);
    wr(V(0x50), 4, 0);
}

static void put_header(uint64_t pa, uint32_t type, uint64_t sector)
{
    put32(pa, type);
    put32(pa + 4, 0);
    put64(pa + 8, sector);
}

/* A three-descriptor request; returns the status byte (0xff: not written). */
static int blk_rw(uint32_t type, uint64_t sector, uint64_t data, uint32_t len)
{
    put_header(HDR_PA, type, sector);
    *ram(STATUS_PA) = 0xff;
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, data, len, 1 | (type == 1 ? 0 : 2), 2);
    set_desc(DESC_PA, 2, STATUS_PA, 1, 2, 0);
    submit(0);
    return *ram(STATUS_PA);
}

static int blk_flush(void)
{
    put_header(HDR_PA, 4, 0);
    *ram(STATUS_PA) = 0xff;
    set_desc(DESC_PA, 3, HDR_PA, 16, 1, 4);
    set_desc(DESC_PA, 4, STATUS_PA, 1, 2, 0);
    submit(3);
    return *ram(STATUS_PA);
}

static bool data_matches_disk(uint64_t data, uint64_t sector, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (*ram(data + i) != pattern(sector * 512 + i))
            return false;
    return true;
}

static void try_create(void)
{
    struct devices_config cfg = {.drive = {{.path = "/nonexistent/disk.img"}}};
    ok(!create(&cfg), "virtio: devices_create returns false");
}

static void test_blk_probe(void)
{
    create(NULL);
    is(rd(V(0x00), 4), 0x74726976, "virtio: no drive: magic");
    is(rd(V(0x08), 4), 0, "virtio: no drive: device ID 0 (empty slot)");
    devices_destroy(&m);

    struct devices_config cfg = {.drive = {{.path = disk_path}}};
    ok(create(&cfg), "virtio: devices_create with a drive");
    is(rd(V(0x00), 4), 0x74726976, "virtio: magic 'virt'");
    is(rd(V(0x04), 4), 2, "virtio: version 2");
    is(rd(V(0x08), 4), 2, "virtio: device ID 2 (block)");
    is(rd(V(0x0c), 4), 0x554d4551, "virtio: vendor 'QEMU'");
    uint64_t f = blk_init(true);
    ok((f >> 32 & 1) && (f >> 28 & 1) && (f >> 9 & 1) && !(f >> 5 & 1),
       "virtio: offers VERSION_1, INDIRECT_DESC, FLUSH; not RO");
    is(rd(V(0x70), 4), 15, "virtio: FEATURES_OK and DRIVER_OK accepted");
    is(rd(V(0x34), 4), 256, "virtio: QueueNumMax 256");
    wr(V(0x30), 4, 1);
    is(rd(V(0x34), 4), 0, "virtio: queue 1 does not exist");
    wr(V(0x30), 4, 0);
    is(rd(V(0x100), 4) | rd(V(0x104), 4) << 32, DISK_SECTORS,
       "virtio: capacity in sectors (partial last sector dropped)");
    is(rd(V(0x114), 4), 512, "virtio: blk_size 512");
    is(rd(V(0x100), 1), DISK_SECTORS, "virtio: config space read a byte at a time");
    is(rd(V(0xb0), 4), 0xffffffff, "virtio: no shared memory regions");

    wr(V(0x70), 4, 0);
    is(rd(V(0x70), 4), 0, "virtio: status 0 resets");
    wr(V(0x70), 4, 3);
    wr(V(0x24), 4, 1);
    wr(V(0x20), 4, 1 | 1u << 8); /* VERSION_1 and an unoffered bit 40 */
    wr(V(0x70), 4, 3 | 8);
    is(rd(V(0x70), 4), 3, "virtio: FEATURES_OK refused for features not offered");
    blk_init(false);
    is(rd(V(0x70), 4), 15, "virtio: a driver that never sets VERSION_1 (xv6) is accepted");
    devices_destroy(&m);

    char err[256];
    capture_stderr(try_create, err, sizeof err);
    ok(m.dev == NULL, "virtio: missing image: devices_create fails");
    ok(!strcmp(err, "dbt: -drive file=/nonexistent/disk.img: No such file or directory\n"),
       "virtio: with 'dbt: -drive file=X: <strerror>'");
    if (strcmp(err, "dbt: -drive file=/nonexistent/disk.img: No such file or directory\n"))
        diag("stderr: %s", err);
}

static void test_blk_io(void)
{
    struct devices_config cfg = {.drive = {{.path = disk_path}}};
    create(&cfg);
    blk_init(true);

    is(blk_rw(0, 2, DATA_PA, 1024), 0, "virtio: IN of 2 sectors: OK");
    ok(data_matches_disk(DATA_PA, 2, 1024), "virtio: IN data comes from the image");
    is(get16(USED_PA + 2), 1, "virtio: used idx advanced");
    is(get32(USED_PA + 4), 0, "virtio: used id is the head");
    is(get32(USED_PA + 8), 1025, "virtio: used len = data + status");
    is(rd(V(0x60), 4), 1, "virtio: InterruptStatus bit 0");
    ok(plic_level(IRQ_VIRTIO), "virtio: IRQ 1 up");
    wr(V(0x64), 4, 1);
    ok(rd(V(0x60), 4) == 0 && !plic_level(IRQ_VIRTIO), "virtio: InterruptACK lowers it");

    memset(ram(DATA_PA), 0x5a, 512);
    is(blk_rw(1, 5, DATA_PA, 512), 0, "virtio: OUT of 1 sector: OK");
    int fd = open(disk_path, O_RDONLY);
    uint8_t sec[512];
    assert(pread(fd, sec, 512, 5 * 512) == 512);
    close(fd);
    ok(sec[0] == 0x5a && sec[511] == 0x5a, "virtio: OUT reached the file");
    memset(ram(DATA_PA), 0, 512);
    uint64_t reported = ram_written_bytes;
    blk_rw(0, 5, DATA_PA, 512);
    ok(*ram(DATA_PA) == 0x5a && *ram(DATA_PA + 511) == 0x5a, "virtio: and reads back");
    /* 512 data bytes, the status byte and the used ring (element + index) */
    ok(ram_written_bytes - reported >= 512 + 1,
       "virtio: DMA into RAM is reported to the page watchers");

    is(blk_flush(), 0, "virtio: FLUSH: OK");
    memset(ram(DATA_PA), 0xee, 32);
    is(blk_rw(8, 0, DATA_PA, 20), 0, "virtio: GET_ID: OK");
    ok(!memcmp(ram(DATA_PA), "dbt-virtio-blk\0\0\0\0\0\0", 20), "virtio: GET_ID serial");
    is(blk_rw(11, 0, DATA_PA, 512), 2, "virtio: unknown type (DISCARD): UNSUPP");

    is(blk_rw(0, DISK_SECTORS - 1, DATA_PA, 1024), 1, "virtio: IN past the end: IOERR");
    is(blk_rw(1, DISK_SECTORS, DATA_PA, 512), 1, "virtio: OUT past the end: IOERR");
    is(blk_rw(0, UINT64_MAX / 256, DATA_PA, 512), 1, "virtio: huge sector: IOERR");
    is(blk_rw(0, 0, DATA_PA, 100), 1, "virtio: length not whole sectors: IOERR");
    is(blk_rw(0, DISK_SECTORS - 1, DATA_PA, 512), 0, "virtio: the last whole sector: OK");
    is(blk_rw(0, 0, RAM_BASE + TEST_RAM_SIZE - 256, 512), 1,
       "virtio: data buffer running out of RAM: IOERR");
    is(blk_rw(0, 0, 0x1000, 512), 1, "virtio: data buffer at an MMIO address: IOERR");

    /* Indirect: header, two data halves, status, all in one table. */
    memset(ram(DATA_PA), 0, 2048);
    set_desc(TABLE_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(TABLE_PA, 1, DATA_PA, 512, 1 | 2, 2);
    set_desc(TABLE_PA, 2, DATA_PA + 1024, 512, 1 | 2, 3);
    set_desc(TABLE_PA, 3, STATUS_PA, 1, 2, 0);
    set_desc(DESC_PA, 5, TABLE_PA, 64, 4, 0);
    put_header(HDR_PA, 0, 10);
    *ram(STATUS_PA) = 0xff;
    submit(5);
    is(*ram(STATUS_PA), 0, "virtio: indirect IN: OK");
    ok(data_matches_disk(DATA_PA, 10, 512) && data_matches_disk(DATA_PA + 1024, 11, 512),
       "virtio: indirect IN scattered into two buffers");
    is(get32(USED_PA + 4 + 8 * ((avail_idx - 1) % QNUM)), 5,
       "virtio: used id of the indirect chain");

    /* Any layout: the header cut in two, data and status in one buffer. */
    put_header(HDR_PA, 0, 3);
    set_desc(DESC_PA, 0, HDR_PA, 10, 1, 1);
    set_desc(DESC_PA, 1, HDR_PA + 10, 6, 1, 2);
    set_desc(DESC_PA, 2, DATA_PA, 513, 2, 0);
    *ram(DATA_PA + 512) = 0xff;
    submit(0);
    ok(*ram(DATA_PA + 512) == 0 && data_matches_disk(DATA_PA, 3, 512),
       "virtio: split header, data and status sharing a buffer");

    /* NO_INTERRUPT */
    wr(V(0x64), 4, 3);
    put16(AVAIL_PA, 1);
    blk_rw(0, 0, DATA_PA, 512);
    is(rd(V(0x60), 4), 0, "virtio: VIRTQ_AVAIL_F_NO_INTERRUPT respected");
    put16(AVAIL_PA, 0);
    devices_destroy(&m);
}

static void test_blk_malformed(void)
{
    struct devices_config cfg = {.drive = {{.path = disk_path}}};
    create(&cfg);
    blk_init(true);

    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, DATA_PA, 512, 1 | 2, 0); /* loop: 1 -> 0 -> 1 */
    put_header(HDR_PA, 0, 0);
    submit(0);
    ok(rd(V(0x70), 4) & 64, "virtio: descriptor loop: DEVICE_NEEDS_RESET, no hang");
    is(rd(V(0x60), 4) & 2, 2, "virtio: with a configuration-change interrupt");
    is(get16(USED_PA + 2), 0, "virtio: nothing used");
    blk_rw(0, 0, DATA_PA, 512);
    is(get16(USED_PA + 2), 0, "virtio: the queue stays stopped until reset");

    blk_init(true);
    is(rd(V(0x70), 4), 15, "virtio: reset clears DEVICE_NEEDS_RESET");
    is(blk_rw(0, 0, DATA_PA, 512), 0, "virtio: and requests work again");

    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 200); /* next past the table */
    submit(0);
    ok(rd(V(0x70), 4) & 64, "virtio: next index past the table: DEVICE_NEEDS_RESET");

    blk_init(true);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, STATUS_PA, 1, 2, 0);
    set_desc(DESC_PA, 1, 0x4000000000ULL, 1, 2, 0); /* status outside RAM */
    submit(0);
    ok(rd(V(0x70), 4) & 64, "virtio: status byte outside RAM: DEVICE_NEEDS_RESET");

    blk_init(true);
    set_desc(DESC_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(DESC_PA, 1, 0xffffffffffff0000ULL, 0xffffffff, 1 | 2, 2);
    set_desc(DESC_PA, 2, STATUS_PA, 1, 2, 0);
    put_header(HDR_PA, 0, 0);
    submit(0);
    is(*ram(STATUS_PA), 1, "virtio: data descriptor with a wild address and length: IOERR");
    is(rd(V(0x70), 4), 15, "virtio: the device carries on");

    set_desc(DESC_PA, 0, 0x10000, 16, 1, 1); /* header outside RAM */
    set_desc(DESC_PA, 1, STATUS_PA, 1, 2, 0);
    *ram(STATUS_PA) = 0xff;
    submit(0);
    is(*ram(STATUS_PA), 1, "virtio: header outside RAM: IOERR");

    /* Indirect table looping on itself, and an indirect inside an indirect. */
    set_desc(TABLE_PA, 0, HDR_PA, 16, 1, 1);
    set_desc(TABLE_PA, 1, DATA_PA, 16, 1, 0);
    set_desc(DESC_PA, 6, TABLE_PA, 32, 4, 0);
    submit(6);
    ok(rd(V(0x70), 4) & 64, "virtio: loop inside an indirect table: DEVICE_NEEDS_RESET");
    blk_init(true);
    set_desc(TABLE_PA, 0, TABLE_PA, 32, 4, 0);
    submit(6);
    ok(rd(V(0x70), 4) & 64, "virtio: nested indirect table: DEVICE_NEEDS_RESET");
    blk_init(true);
    set_desc(DESC_PA, 6, TABLE_PA, 0x7ffffff0, 4, 0);
    submit(6);
    ok(rd(V(0x70), 4) & 64, "virtio: indirect table bigger than RAM: DEVICE_NEEDS_RESET");

    blk_init(true);
    put16(AVAIL_PA + 2, 100); /* 100 new entries in an 8-entry ring */
    wr(V(0x50), 4, 0);
    ok(rd(V(0x70), 4) & 64, "virtio: avail idx runs ahead of the ring: DEVICE_NEEDS_RESET");

    blk_init(true);
    wr(V(0x90), 4, 0x1000); /* avail ring at an MMIO address */
    wr(V(0x94), 4, 0);
    wr(V(0x50), 4, 0);
    ok(rd(V(0x70), 4) & 64, "virtio: ring outside RAM: DEVICE_NEEDS_RESET");

    blk_init(true);
    wr(V(0x44), 4, 0);
    wr(V(0x38), 4, 1000);
    wr(V(0x44), 4, 1);
    ok(rd(V(0x70), 4) & 64, "virtio: QueueNum above QueueNumMax: DEVICE_NEEDS_RESET");

    blk_init(true);
    wr(V(0x38), 4, 0);
    blk_rw(0, 0, DATA_PA, 512);
    ok(rd(V(0x70), 4) & 64, "virtio: QueueNum 0 written after QueueReady: DEVICE_NEEDS_RESET");

    blk_init(true);
    set_desc(DESC_PA, 0, STATUS_PA, 1, 2 | 1, 1); /* writable before readable */
    set_desc(DESC_PA, 1, HDR_PA, 16, 1, 2);
    set_desc(DESC_PA, 2, STATUS_PA + 8, 1, 2, 0);
    *ram(STATUS_PA + 8) = 0xff;
    submit(0);
    is(*ram(STATUS_PA + 8), 1, "virtio: readable after writable: IOERR");
    devices_destroy(&m);
}

/* Another machine opening the image the first one is writing. */
static void second_writer(void)
{
    static struct machine m2;
    struct devices_config cfg = {.drive = {{.path = disk_path}}};
    machine_setup(&m2, &other_hart, 1);
    bool made = devices_create(&m2, &cfg);
    ok(!made, "lock: devices_create fails");
    if (made)
        devices_destroy(&m2);
}

/* Random descriptor tables, rings and indirect tables: the device must only
 * ever complete requests or give up with DEVICE_NEEDS_RESET. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Mostly addresses of the test's buffers, sometimes anything at all. */
static uint64_t random_addr(void)
{
    static const uint64_t near[] = {HDR_PA, STATUS_PA, TABLE_PA, DATA_PA, DESC_PA};
    uint64_t r = rng();
    return r % 4 ? near[r / 4 % 5] + (rng() % 64) : rng();
}

/* NEXT or WRITE half of the time, INDIRECT one time in eight. */
static uint16_t random_flags(void)
{
    uint64_t r = rng();
    return (uint16_t)((r & 1) | (r & 2) | ((r >> 2) % 8 == 0 ? 4 : 0));
}

static void test_blk_fuzz(void)
{
    struct devices_config cfg = {.drive = {{.path = disk_path, .snapshot = true}}};
    create(&cfg);
    int completed = 0, resets = 0;
    for (int round = 0; round < 3000; round++) {
        blk_init(true);
        for (int i = 0; i < QNUM; i++)
            set_desc(DESC_PA, i, random_addr(), (uint32_t)(rng() % 4 ? rng() % 2048 : rng()),
                     random_flags(), (uint16_t)(rng() % 4 ? rng() % QNUM : rng()));
        for (int i = 0; i < 16; i++)
            set_desc(TABLE_PA, i, random_addr(), (uint32_t)(rng() % 1024), random_flags(),
                     (uint16_t)(rng() % 20));
        put_header(HDR_PA, (uint32_t)(rng() % 10), rng() % 4 ? rng() % DISK_SECTORS : rng());
        for (int i = 0; i < QNUM; i++)
            put16(AVAIL_PA + 4 + 2 * (uint64_t)i, (uint16_t)(rng() % 4 ? rng() % QNUM : rng()));
        put16(AVAIL_PA + 2, (uint16_t)(rng() % (QNUM + 2)));
        wr(V(0x50), 4, 0);
        if (rd(V(0x70), 4) & 64)
            resets++;
        else
            completed += get16(USED_PA + 2);
    }
    ok(completed > 0 && resets > 0,
       "virtio: 3000 random rings: %d requests completed, %d device resets, no crash", completed,
       resets);
    devices_destroy(&m);
}

static void test_blk_snapshot_and_ro(void)
{
    make_disk();
    struct devices_config cfg = {.drive = {{.path = disk_path, .snapshot = true}}};
    create(&cfg);
    blk_init(true);
    memset(ram(DATA_PA), 0xaa, 512);
    is(blk_rw(1, 3, DATA_PA, 512), 0, "snapshot: OUT: OK");
    memset(ram(DATA_PA), 0xbb, 1024);
    is(blk_rw(1, 7, DATA_PA, 1024), 0, "snapshot: OUT across a 4 KiB block: OK");
    memset(ram(DATA_PA), 0, 8192);
    blk_rw(0, 0, DATA_PA, 8192);
    bool good = data_matches_disk(DATA_PA, 0, 3 * 512) &&
                data_matches_disk(DATA_PA + 4 * 512, 4, 3 * 512) &&
                data_matches_disk(DATA_PA + 9 * 512, 9, 7 * 512);
    for (int i = 0; i < 512; i++)
        good &= *ram(DATA_PA + 3 * 512 + (uint64_t)i) == 0xaa;
    for (int i = 0; i < 1024; i++)
        good &= *ram(DATA_PA + 7 * 512 + (uint64_t)i) == 0xbb;
    ok(good, "snapshot: reads see the writes over the image");
    memset(ram(DATA_PA), 0xcc, 512);
    blk_rw(1, DISK_SECTORS - 1, DATA_PA, 512);
    memset(ram(DATA_PA), 0, 512);
    blk_rw(0, DISK_SECTORS - 1, DATA_PA, 512);
    ok(*ram(DATA_PA) == 0xcc, "snapshot: the partial last 4 KiB block");
    devices_reset(&m);
    blk_init(true);
    memset(ram(DATA_PA), 0, 512);
    blk_rw(0, 3, DATA_PA, 512);
    ok(*ram(DATA_PA) == 0xaa, "snapshot: writes survive a reboot");
    is(blk_flush(), 0, "snapshot: FLUSH: OK");
    devices_destroy(&m);
    ok(disk_matches_pattern(), "snapshot: the image file is untouched");

    cfg = (struct devices_config){.drive = {{.path = disk_path, .readonly = true}}};
    create(&cfg);
    uint64_t f = blk_init(true);
    ok(f >> 5 & 1, "readonly: VIRTIO_BLK_F_RO offered");
    memset(ram(DATA_PA), 0x11, 512);
    is(blk_rw(1, 0, DATA_PA, 512), 1, "readonly: OUT: IOERR");
    is(blk_rw(0, 0, DATA_PA, 512), 0, "readonly: IN: OK");
    devices_destroy(&m);
    ok(disk_matches_pattern(), "readonly: the image file is untouched");

    cfg = (struct devices_config){.drive = {{.path = disk_path}}};
    create(&cfg);
    char err[256];
    capture_stderr(second_writer, err, sizeof err);
    ok(strstr(err, "in use") != NULL, "lock: a second writer of the image is refused");
    devices_destroy(&m);
}

/* Output is watched for Linux's panic line, even cut into pieces. */
static void test_console_panic(void)
{
    create(NULL);
    static const char *const pieces[] = {"[ 1.0] Kernel pa", "nic - not syncing: Out of ",
                                         "memory\r\n", "Kernel panic - not syncing: again\n"};
    int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO); /* the guest's output is not TAP */
    for (int i = 0; i < 4; i++)
        console_write(&m, pieces[i], strlen(pieces[i]));
    dup2(out, STDOUT_FILENO);
    close(out), close(null);
    ok(!strcmp(panic_what,
               "the guest kernel panicked: \"Kernel panic - not syncing: Out of memory\""),
       "console: a kernel panic line is reported, once");
    if (strcmp(panic_what, "the guest kernel panicked: "
                           "\"Kernel panic - not syncing: Out of memory\""))
        diag("got: %s", panic_what);
    devices_destroy(&m);
}

/* Eight slots, each its own device: a drive on slot 1 only. */
static void test_blk_slots(void)
{
    struct devices_config cfg = {.drive = {[1] = {.path = disk_path}}};
    ok(create(&cfg), "slots: devices_create with a drive on slot 1");
    is(rd(V(0x08), 4), 0, "slots: slot 0 empty (device ID 0)");
    is(rd(V(0x1008), 4), 2, "slots: slot 1 at 0x10002000 is a block device");
    is(rd(V(0x7000), 4), 0x74726976, "slots: slot 7 at 0x10008000 answers 'virt'");
    is(rd(V(0x7008), 4), 0, "slots: slot 7 empty");
    is(m.dev->blk[1].irq, 2, "slots: slot 1 raises PLIC source 2");
    devices_destroy(&m);
}

/* A host write error (here EFBIG past RLIMIT_FSIZE, as a full disk would
 * give ENOSPC): IOERR for the guest, one line on stderr however often. */
static int write_errors[2];
static void two_failing_writes(void)
{
    write_errors[0] = blk_rw(1, DISK_SECTORS - 1, DATA_PA, 512);
    write_errors[1] = blk_rw(1, DISK_SECTORS - 2, DATA_PA, 512);
}

static void test_blk_write_error(void)
{
    struct devices_config cfg = {.drive = {{.path = disk_path}}};
    create(&cfg);
    blk_init(true);
    struct rlimit old, lim = {DISK_BYTES / 2, DISK_BYTES / 2};
    getrlimit(RLIMIT_FSIZE, &old);
    lim.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    char err[512];
    capture_stderr(two_failing_writes, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    is(write_errors[0], 1, "write error: the guest gets IOERR");
    is(write_errors[1], 1, "write error: and again IOERR");
    ok(strstr(err, "dbt: -drive file=") && strstr(err, "host write error") &&
           strchr(err, '\n') == err + strlen(err) - 1,
       "write error: said once on stderr");
    if (!strstr(err, "host write error"))
        diag("stderr: %s", err);
    devices_destroy(&m);
}

int main(void)
{
    setup_stdio();
    test_clint();
    test_plic();
    test_uart_registers();
    test_uart_input();
    test_idle();
    test_rtc_and_finisher();
    make_disk();
    test_blk_probe();
    test_blk_io();
    test_blk_malformed();
    test_blk_fuzz();
    test_blk_slots();
    test_console_panic();
    test_blk_write_error();
    unlink(disk_path);
    test_blk_snapshot_and_ro();
    unlink(disk_path);
    fprintf(tap, "1..%d\n", test_count);
    return fail_count != 0;
}
