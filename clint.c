/* clint.c — the core-local interruptor: machine software interrupts (msip)
 * and the machine timer (mtime, mtimecmp) of every hart.
 *
 * Layout of SiFive's CLINT (SiFive FU540-C000 manual, chapter "Core Local
 * Interruptor"; the same as QEMU virt's):
 *
 *     0x0000 + 4*hart   msip      bit 0 drives the hart's MSIP
 *     0x4000 + 8*hart   mtimecmp  MTIP = (mtime >= mtimecmp)
 *     0xbff8            mtime     10 MHz, read-only here
 *
 * mtime is machine_time(m): the host monotonic clock, or retired
 * instructions with -icount.  Writes to mtime are ignored: the `time` CSR
 * and the Sstc comparison read machine_time() directly, and an offset kept
 * here would make them disagree with mtime.  No guest we boot writes it.
 *
 * mtimecmp resets to all ones (no timer interrupt until one is set).  MTIP
 * rises when devices_poll() sees the time pass (between slices) and falls at
 * once when mtimecmp is written, so a handler that pushes mtimecmp forward
 * never sees a stale interrupt.  Called by devices.c; registers are accessed
 * as 32 or 64 bits. */
#include <string.h>

#include "devices.h"

#define CLINT_MSIP 0x0000     /* 4 bytes per hart */
#define CLINT_MTIMECMP 0x4000 /* 8 bytes per hart */
#define CLINT_MTIME 0xbff8

/* The part of a 64-bit register that an access of `size` at byte `byte`
 * sees: `size` 4 at byte 4 reads the high half. */
static uint64_t part_read(uint64_t reg, unsigned byte, int size)
{
    uint64_t v = reg >> (8 * byte);
    return size >= 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

static uint64_t part_write(uint64_t reg, unsigned byte, int size, uint64_t value)
{
    uint64_t mask = size >= 8 ? ~0ULL : ((1ULL << (8 * size)) - 1);
    return (reg & ~(mask << (8 * byte))) | ((value & mask) << (8 * byte));
}

static void update_hart(struct clint *c, int hart, uint64_t now)
{
    cpu_set_irq_line(c->m->harts[hart], MIP_MTIP, now >= c->mtimecmp[hart]);
}

void clint_update(struct clint *c, uint64_t now)
{
    for (int i = 0; i < c->m->nharts; i++)
        update_hart(c, i, now);
}

uint64_t clint_next_deadline(const struct clint *c, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < c->m->nharts; i++)
        if (c->mtimecmp[i] > now && c->mtimecmp[i] < next)
            next = c->mtimecmp[i];
    return next;
}

static bool clint_read(void *opaque, uint64_t offset, int size, uint64_t *value)
{
    struct clint *c = opaque;
    uint64_t nharts = (uint64_t)c->m->nharts;
    unsigned byte = offset & 7;
    *value = 0;
    if (offset < CLINT_MSIP + 4 * nharts) {
        *value = part_read(c->msip[offset / 4], offset & 3, size);
    } else if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8 * nharts) {
        *value = part_read(c->mtimecmp[(offset - CLINT_MTIMECMP) / 8], byte, size);
    } else if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
        *value = part_read(machine_time(c->m), byte, size);
    }
    return true;
}

static bool clint_write(void *opaque, uint64_t offset, int size, uint64_t value)
{
    struct clint *c = opaque;
    uint64_t nharts = (uint64_t)c->m->nharts;
    if (offset < CLINT_MSIP + 4 * nharts) {
        int hart = (int)(offset / 4);
        if ((offset & 3) == 0) { /* only bit 0 is writable */
            c->msip[hart] = value & 1;
            cpu_set_irq_line(c->m->harts[hart], MIP_MSIP, value & 1);
        }
    } else if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8 * nharts) {
        int hart = (int)((offset - CLINT_MTIMECMP) / 8);
        c->mtimecmp[hart] = part_write(c->mtimecmp[hart], offset & 7, size, value);
        update_hart(c, hart, machine_time(c->m));
    }
    /* mtime: ignored (see the top of the file) */
    return true;
}

void clint_reset(struct clint *c)
{
    for (int i = 0; i < c->m->nharts; i++) {
        c->msip[i] = 0;
        c->mtimecmp[i] = UINT64_MAX;
        cpu_set_irq_line(c->m->harts[i], MIP_MSIP | MIP_MTIP, false);
    }
}

void clint_create(struct machine *m, struct clint *c)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    clint_reset(c);
    mmu_add_region(m, &(struct mmio_region){CLINT_BASE, CLINT_SIZE, c, clint_read, clint_write});
}
