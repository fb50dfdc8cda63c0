/* devices.c — the machine's devices as one whole: building them, resetting
 * them on reboot, polling them between slices and sleeping while every hart
 * waits for an interrupt; and the two small devices that need no room of
 * their own, the sifive,test finisher and the goldfish RTC.
 *
 * dbt.c calls devices_create() once, devices_poll() after every round of
 * slices, devices_idle() when all harts are in WFI, devices_reset() on a
 * reboot and devices_destroy() on the way out.  The other devices live in
 * clint.c, plic.c, uart.c, virtio_blk.c and console.c.  Everything runs on
 * the one host thread.
 *
 * Idle.  When every running hart waits in WFI, only three things can wake
 * one: a timer (CLINT mtimecmp, or stimecmp under Sstc), an RTC alarm, or a
 * byte on stdin.  devices_idle() sleeps in ppoll() on stdin until the
 * earliest future deadline (at most IDLE_MAX_NS), so an idle guest costs no
 * host CPU.  A deadline already passed cannot wake a hart that is still in
 * WFI (its interrupt is masked in mie), so it is not waited for. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices.h"
#include "replay.h"

#define NS_PER_TICK (1000000000ULL / TIMEBASE_HZ)
#define IDLE_MAX_NS 100000000ULL /* 100 ms: wake up now and then regardless */

/* -- sifive,test finisher ---------------------------------------------------------
 * QEMU's "sifive,test0" (hw/misc/sifive_test.c has no document of its own;
 * the interface is its DT binding): one 32-bit write-only register at 0.
 *     0x5555             poweroff, exit status 0
 *     0x3333 | code<<16  failure, exit status `code`
 *     0x7777             reset (reboot)
 * Linux drives it through syscon-poweroff and syscon-reboot. */
#define TEST_REG 0x0
#define TEST_STATUS_MASK 0xffff

static bool test_read(void *opaque, uint64_t offset, int size, uint64_t *value)
{
    (void)opaque, (void)offset, (void)size;
    *value = 0;
    return true;
}

static bool test_write(void *opaque, uint64_t offset, int size, uint64_t value)
{
    struct machine *m = opaque;
    (void)size;
    if (offset != TEST_REG)
        return true;
    switch (value & TEST_STATUS_MASK) {
    case TEST_POWEROFF: machine_exit(m, 0); break;
    case TEST_FAIL: machine_exit(m, (int)((value >> 16) & 0xffff)); break;
    case TEST_REBOOT: machine_reset(m); break;
    default: break;
    }
    return true;
}

/* -- goldfish RTC -------------------------------------------------------------------
 * Android's goldfish RTC (the Android emulator's "goldfish" virtual hardware
 * specification; Linux drivers/rtc/rtc-goldfish.c): nanoseconds since
 * the epoch, read as two 32-bit halves, and one alarm.  The time is the
 * host's CLOCK_REALTIME plus whatever offset the guest set. */
#define RTC_TIME_LOW 0x00        /* R: time, low half; latches the high half */
#define RTC_TIME_HIGH 0x04       /* R: the latched high half */
#define RTC_ALARM_LOW 0x08       /* RW: alarm, low half; writing arms it */
#define RTC_ALARM_HIGH 0x0c      /* RW: alarm, high half */
#define RTC_IRQ_ENABLED 0x10     /* RW: bit 0 */
#define RTC_CLEAR_ALARM 0x14     /* W: disarm */
#define RTC_ALARM_STATUS 0x18    /* R: 1 while armed */
#define RTC_CLEAR_INTERRUPT 0x1c /* W: lower the interrupt */

static uint64_t rtc_now(const struct rtc *r)
{
    /* -icount: the wall clock read once at start (or from the recording),
     * then guest time, so a run never depends on when it was made. */
    if (r->m->icount)
        return r->icount_base_ns + machine_time(r->m) * NS_PER_TICK + (uint64_t)r->offset_ns;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec + (uint64_t)r->offset_ns;
}

static void rtc_update_irq(struct rtc *r)
{
    plic_set_irq(r->m, IRQ_RTC, r->irq_pending && r->irq_enabled);
}

/* Fire the alarm once its time has come. */
static void rtc_check_alarm(struct rtc *r)
{
    if (r->alarm_armed && rtc_now(r) >= r->alarm_ns) {
        r->alarm_armed = false;
        r->irq_pending = true;
        rtc_update_irq(r);
    }
}

static bool rtc_read(void *opaque, uint64_t offset, int size, uint64_t *value)
{
    struct rtc *r = opaque;
    (void)size;
    switch (offset) {
    case RTC_TIME_LOW: {
        uint64_t now = rtc_now(r);
        r->time_high = (uint32_t)(now >> 32);
        *value = (uint32_t)now;
        break;
    }
    case RTC_TIME_HIGH: *value = r->time_high; break;
    case RTC_ALARM_LOW: *value = (uint32_t)r->alarm_ns; break;
    case RTC_ALARM_HIGH: *value = (uint32_t)(r->alarm_ns >> 32); break;
    case RTC_IRQ_ENABLED: *value = r->irq_enabled; break;
    case RTC_ALARM_STATUS: *value = r->alarm_armed; break;
    default: *value = 0; break;
    }
    return true;
}

static bool rtc_write(void *opaque, uint64_t offset, int size, uint64_t value)
{
    struct rtc *r = opaque;
    uint32_t v = (uint32_t)value;
    (void)size;
    switch (offset) {
    case RTC_TIME_LOW: { /* set the clock: TIME_HIGH first, then this */
        uint64_t want = (uint64_t)r->set_high << 32 | v;
        r->offset_ns += (int64_t)(want - rtc_now(r));
        break;
    }
    case RTC_TIME_HIGH: r->set_high = v; break;
    case RTC_ALARM_LOW:
        r->alarm_ns = (uint64_t)r->alarm_high << 32 | v;
        r->alarm_armed = true;
        rtc_check_alarm(r);
        break;
    case RTC_ALARM_HIGH: r->alarm_high = v; break;
    case RTC_IRQ_ENABLED:
        r->irq_enabled = v & 1;
        rtc_update_irq(r);
        break;
    case RTC_CLEAR_ALARM: r->alarm_armed = false; break;
    case RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        rtc_update_irq(r);
        break;
    default: break;
    }
    return true;
}

/* The clock offset survives a reboot, as a battery-backed RTC would. */
static void rtc_reset(struct rtc *r)
{
    r->time_high = r->set_high = r->alarm_high = 0;
    r->alarm_ns = 0;
    r->alarm_armed = r->irq_enabled = r->irq_pending = false;
    rtc_update_irq(r);
}

/* Nanoseconds until the alarm, or UINT64_MAX. */
static uint64_t rtc_ns_to_alarm(const struct rtc *r)
{
    if (!r->alarm_armed)
        return UINT64_MAX;
    uint64_t now = rtc_now(r);
    return r->alarm_ns > now ? r->alarm_ns - now : 0;
}

/* -- The whole ------------------------------------------------------------------------ */

/* -- HTIF ------------------------------------------------------------------
 * The riscv-tests convention: a store making `tohost` (code << 1) | 1 (device
 * 0, command 0) ends the run with status `code`; device 1, command 1 prints
 * the low byte.  Like Spike we acknowledge by clearing tohost (and answering
 * in fromhost for console output), so guests that wait see it.  The tohost
 * page is a watched page (mmu.c): stores to it come here after landing. */

static void htif_command(struct machine *m, uint64_t value)
{
    unsigned device = (unsigned)(value >> 56), cmd = (unsigned)(value >> 48) & 0xff;
    if (device == 0 && cmd == 0 && (value & 1)) {
        /* An exit status keeps only 8 bits: a failure code such as 256
         * must not become status 0, "pass".  Larger codes report 255. */
        uint64_t code = (value >> 1) & 0xffffffffffffULL;
        machine_exit(m, code > 255 ? 255 : (int)code);
    } else if (device == 1 && cmd == 1) {
        uint8_t ch = (uint8_t)value;
        console_write(m, &ch, 1);
        uint8_t *fh = m->fromhost ? mmu_ram_ptr(m, m->fromhost, 8) : NULL;
        if (fh)
            mmu_host_store(fh, 8, (1ULL << 56) | (1ULL << 48));
    }
    uint8_t *th = mmu_ram_ptr(m, m->tohost, 8);
    if (th)
        mmu_host_store(th, 8, 0);
}

/* Any store into tohost counts: the riscv-tests write it as two 32-bit
 * halves, low half first. */
static void htif_page_written(void *opaque, uint64_t paddr, uint64_t len)
{
    struct machine *m = opaque;
    if (paddr >= m->tohost + 8 || paddr + len <= m->tohost)
        return;
    uint8_t *th = mmu_ram_ptr(m, m->tohost, 8);
    uint64_t word = th ? mmu_host_load(th, 8) : 0;
    if (word) {
        if (m->wlog)
            m->wlog->side_effects = true;
        htif_command(m, word);
    }
}

void htif_attach(struct machine *m)
{
    if (!m->tohost || !mmu_ram_ptr(m, m->tohost, 8))
        return;
    mmu_set_watcher(m, WATCH_HTIF, htif_page_written, m);
    mmu_watch_page(m, m->tohost, WATCH_HTIF);
}

bool devices_create(struct machine *m, const struct devices_config *cfg)
{
    struct devices *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "dbt: devices: out of memory\n");
        return false;
    }
    /* Devices drive PLIC lines while they are built: m->dev first.  The disk
     * is opened before any window is registered, so a failure leaves none
     * behind. */
    m->dev = d;
    d->plic.m = m;
    int regions = m->nregions;
    for (int i = 0; i < VIRTIO_SLOTS; i++) {
        if (!virtio_blk_create(m, &d->blk[i], i, cfg ? &cfg->drive[i] : NULL)) {
            while (i-- > 0)
                virtio_blk_destroy(&d->blk[i]);
            m->nregions = regions; /* forget the windows of those slots */
            free(d);
            m->dev = NULL;
            return false;
        }
    }
    plic_create(m, &d->plic);
    clint_create(m, &d->clint);
    uart_create(m, &d->uart);
    d->rtc.m = m;
    if (m->icount)
        d->rtc.icount_base_ns = replay_wallclock(m);
    rtc_reset(&d->rtc);
    mmu_add_region(m, &(struct mmio_region){TEST_BASE, TEST_SIZE, m, test_read, test_write});
    mmu_add_region(m, &(struct mmio_region){RTC_BASE, RTC_SIZE, &d->rtc, rtc_read, rtc_write});
    console_create(m, &d->console); /* last: raw mode only once nothing can fail */
    return true;
}

void devices_reset(struct machine *m)
{
    struct devices *d = m->dev;
    clint_reset(&d->clint);
    uart_reset(&d->uart);
    for (int i = 0; i < VIRTIO_SLOTS; i++)
        virtio_blk_reset(&d->blk[i]);
    rtc_reset(&d->rtc);
    console_reset(&d->console);
    plic_reset(&d->plic); /* last: every line is low again by now */
}

void devices_destroy(struct machine *m)
{
    struct devices *d = m->dev;
    if (!d)
        return;
    console_destroy(&d->console);
    for (int i = 0; i < VIRTIO_SLOTS; i++)
        virtio_blk_destroy(&d->blk[i]);
    free(d);
    m->dev = NULL;
}

void devices_poll(struct machine *m)
{
    struct devices *d = m->dev;
    uint64_t now = machine_time(m);
    clint_update(&d->clint, now);
    console_poll(&d->console, now, false);
    rtc_check_alarm(&d->rtc);
}

uint64_t devices_next_deadline(struct machine *m, uint64_t now)
{
    uint64_t next = clint_next_deadline(&m->dev->clint, now);
    for (int i = 0; i < m->nharts; i++) {
        struct hart *h = m->harts[i];
        if (!h->stopped && (h->menvcfg & MENVCFG_STCE) && h->stimecmp > now && h->stimecmp < next)
            next = h->stimecmp;
    }
    return next;
}

void devices_idle(struct machine *m)
{
    struct devices *d = m->dev;
    uint64_t now = machine_time(m);
    clint_update(&d->clint, now);
    rtc_check_alarm(&d->rtc);
    /* Time may have moved since the run loop looked: nothing to wait for? */
    for (int i = 0; i < m->nharts; i++)
        if (!m->harts[i]->stopped && cpu_pending_irqs(m->harts[i]))
            return;

    uint64_t wait_ns = IDLE_MAX_NS;
    uint64_t deadline = devices_next_deadline(m, now);
    if (deadline != UINT64_MAX && (deadline - now) < wait_ns / NS_PER_TICK)
        wait_ns = (deadline - now) * NS_PER_TICK;
    uint64_t alarm_ns = rtc_ns_to_alarm(&d->rtc);
    if (alarm_ns < wait_ns)
        wait_ns = alarm_ns;

    struct pollfd pfd = {.fd = console_wait_fd(&d->console), .events = POLLIN};
    struct timespec ts = {.tv_sec = (time_t)(wait_ns / 1000000000ULL),
                          .tv_nsec = (long)(wait_ns % 1000000000ULL)};
    /* A negative fd is ignored by ppoll: then this is a plain sleep. */
    if (ppoll(&pfd, 1, &ts, NULL) > 0 && pfd.revents)
        d->console.next_poll = 0; /* input: let devices_poll read it now */
}
