/* plic.c — the platform-level interrupt controller: routes the device
 * interrupt sources to the harts' MEIP and SEIP lines.
 *
 * RISC-V PLIC Specification 1.0.0 (riscv/riscv-plic-spec) with SiFive's
 * register map, as on QEMU virt:
 *
 *     0x000000 + 4*src            priority of source src (1..PLIC_NDEV; 0..7)
 *     0x001000 + 4*word           pending bits, read-only
 *     0x002000 + 0x80*ctx + 4*w   enable bits of context ctx
 *     0x200000 + 0x1000*ctx       priority threshold of context ctx
 *     0x200004 + 0x1000*ctx       claim (read) / complete (write)
 *
 * Context 2N is hart N in M-mode (drives MEIP), 2N+1 the same hart in
 * S-mode (SEIP).  The gateway works as QEMU virt's sifive_plic does, which
 * guests written for that board rely on: a source becomes pending when its
 * device signals it (plic_set_irq with level 1, even while the source is
 * in service), a claim clears the pending bit and holds the source until
 * its completion, and completion does NOT re-pend a line that is still
 * high: the device must signal again.  A line that falls before the claim
 * takes the request back, so a device whose condition was cleared by
 * polling causes no spurious interrupt.
 *
 * Why not level-triggered, as the spec's gateway may be: xv6 enables the
 * UART's THR-empty interrupt and never reads IIR, so that condition stays
 * set; a gateway that re-pends a high line at every completion interrupts
 * such a guest forever (xv6 never got past its banner).  Devices here
 * signal when their interrupt condition arises or may have changed (uart.c
 * says when), as QEMU's devices do, and Linux's drivers, which read their
 * device's status before completing, see no difference.
 *
 * A context's interrupt line is up when some pending, enabled source has a
 * priority above its threshold; the claim returns the highest such priority,
 * ties going to the lowest source number.  Devices call plic_set_irq(). */
#include <assert.h>
#include <string.h>

#include "devices.h"

#define PLIC_PRIORITY 0x000000
#define PLIC_PENDING 0x001000
#define PLIC_ENABLE 0x002000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD 0x0 /* inside a context's page */
#define PLIC_CLAIM 0x4

#define PLIC_PRIORITY_MASK 7 /* seven priority levels */

static bool bit(const uint32_t *words, int n)
{
    return (words[n / 32] >> (n % 32)) & 1;
}

static void set_bit(uint32_t *words, int n, bool on)
{
    if (on)
        words[n / 32] |= 1u << (n % 32);
    else
        words[n / 32] &= ~(1u << (n % 32));
}

static int plic_ncontexts(const struct plic *p)
{
    return 2 * p->m->nharts;
}

/* The source context ctx would claim now, or 0. */
static int plic_best(const struct plic *p, int ctx)
{
    int best = 0;
    uint32_t best_priority = p->threshold[ctx];
    for (int w = 0; w < PLIC_WORDS; w++) {
        uint32_t bits = p->pending[w] & p->enable[ctx][w] & ~p->claimed[w];
        while (bits) {
            int src = w * 32 + __builtin_ctz(bits);
            bits &= bits - 1;
            if (p->priority[src] > best_priority) { /* strict: ties keep the lower id */
                best = src;
                best_priority = p->priority[src];
            }
        }
    }
    return best;
}

/* Recompute every context's output line. */
static void plic_update(struct plic *p)
{
    for (int ctx = 0; ctx < plic_ncontexts(p); ctx++) {
        uint64_t mip = (ctx & 1) ? MIP_SEIP : MIP_MEIP;
        cpu_set_irq_line(p->m->harts[ctx / 2], mip, plic_best(p, ctx) != 0);
    }
}

void plic_set_irq(struct machine *m, int irq, bool level)
{
    struct plic *p = &m->dev->plic;
    assert(irq > 0 && irq <= PLIC_NDEV); /* a device's fixed source number */
    set_bit(p->level, irq, level);
    if (level != bit(p->pending, irq)) {
        set_bit(p->pending, irq, level);
        plic_update(p);
    }
}

static uint32_t plic_claim(struct plic *p, int ctx)
{
    int src = plic_best(p, ctx);
    if (src) {
        set_bit(p->pending, src, false);
        set_bit(p->claimed, src, true);
        plic_update(p);
    }
    return (uint32_t)src;
}

static void plic_complete(struct plic *p, uint32_t src)
{
    if (src == 0 || src > PLIC_NDEV || !bit(p->claimed, (int)src))
        return; /* not in service: ignored, as the spec says */
    set_bit(p->claimed, (int)src, false); /* pending only if signalled since */
    plic_update(p);
}

/* Registers are 32 bits; `offset` is 4-aligned here. */
static uint32_t plic_read32(struct plic *p, uint64_t offset)
{
    uint64_t nctx = (uint64_t)plic_ncontexts(p);
    if (offset < PLIC_PENDING) {
        uint64_t src = offset / 4;
        return src <= PLIC_NDEV ? p->priority[src] : 0;
    }
    if (offset < PLIC_ENABLE) {
        uint64_t w = (offset - PLIC_PENDING) / 4;
        return w < PLIC_WORDS ? p->pending[w] : 0;
    }
    if (offset < PLIC_CONTEXT) {
        uint64_t ctx = (offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
        uint64_t w = (offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4;
        return ctx < nctx && w < PLIC_WORDS ? p->enable[ctx][w] : 0;
    }
    uint64_t ctx = (offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
    if (ctx >= nctx)
        return 0;
    switch ((offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE) {
    case PLIC_THRESHOLD: return p->threshold[ctx];
    case PLIC_CLAIM: return plic_claim(p, (int)ctx);
    default: return 0;
    }
}

static void plic_write32(struct plic *p, uint64_t offset, uint32_t value)
{
    uint64_t nctx = (uint64_t)plic_ncontexts(p);
    if (offset < PLIC_PENDING) {
        uint64_t src = offset / 4;
        if (src >= 1 && src <= PLIC_NDEV)
            p->priority[src] = value & PLIC_PRIORITY_MASK;
    } else if (offset < PLIC_ENABLE) {
        /* pending bits are read-only */
    } else if (offset < PLIC_CONTEXT) {
        uint64_t ctx = (offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
        uint64_t w = (offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4;
        if (ctx < nctx && w < PLIC_WORDS)
            p->enable[ctx][w] = w == 0 ? value & ~1u : value; /* source 0 does not exist */
    } else {
        uint64_t ctx = (offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
        if (ctx >= nctx)
            return;
        switch ((offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE) {
        case PLIC_THRESHOLD: p->threshold[ctx] = value & PLIC_PRIORITY_MASK; break;
        case PLIC_CLAIM: plic_complete(p, value); return;
        default: return;
        }
    }
    plic_update(p);
}

/* A 64-bit access is two 32-bit ones; narrower ones see part of a register. */
static bool plic_read(void *opaque, uint64_t offset, int size, uint64_t *value)
{
    struct plic *p = opaque;
    uint64_t word = offset & ~3ULL;
    if (size == 8) {
        uint64_t lo = plic_read32(p, word);
        *value = lo | (uint64_t)plic_read32(p, word + 4) << 32;
    } else {
        uint64_t v = plic_read32(p, word) >> (8 * (offset & 3));
        *value = size == 4 ? v : v & ((1ULL << (8 * size)) - 1);
    }
    return true;
}

static bool plic_write(void *opaque, uint64_t offset, int size, uint64_t value)
{
    struct plic *p = opaque;
    uint64_t word = offset & ~3ULL;
    if (size == 8) {
        plic_write32(p, word, (uint32_t)value);
        plic_write32(p, word + 4, (uint32_t)(value >> 32));
    } else if (size == 4) {
        plic_write32(p, word, (uint32_t)value);
    }
    /* 1- and 2-byte writes: ignored (the registers are 32-bit) */
    return true;
}

void plic_reset(struct plic *p)
{
    struct machine *m = p->m;
    memset(p, 0, sizeof *p);
    p->m = m;
    plic_update(p);
}

void plic_create(struct machine *m, struct plic *p)
{
    p->m = m;
    plic_reset(p);
    mmu_add_region(m, &(struct mmio_region){PLIC_BASE, PLIC_SIZE, p, plic_read, plic_write});
}
