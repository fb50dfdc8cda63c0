/* mmu.c — the physical bus, Sv39/Sv48 page walks and the software TLB.
 *
 * Called by the interpreter (cpu.c) for every load, store and fetch that
 * misses the inline TLB probe, by devices for DMA, and by the loaders.
 *
 * A virtual access goes: TLB probe -> (miss) page walk -> physical access.
 * A physical access goes to RAM (a host array) or to the MMIO window that
 * holds the address; anything else is an access fault.
 *
 * Privileged spec 1.12, section 4.3.2 ("Virtual Address Translation
 * Process") is the algorithm of mmu_walk() step by step.
 */
#include <assert.h>
#include <string.h>

#include "dbt.h"
#include "devices.h"
#include "jit.h"
#include "mmu.h"

/* -- The physical bus ------------------------------------------------------ */

void mmu_add_region(struct machine *m, const struct mmio_region *r)
{
    assert(m->nregions < MAX_REGIONS); /* sized for our devices */
    m->regions[m->nregions++] = *r;
}

uint8_t *mmu_ram_ptr(struct machine *m, uint64_t paddr, uint64_t len)
{
    uint64_t off = paddr - m->ram_base;
    if (paddr < m->ram_base || off > m->ram_size || len > m->ram_size - off)
        return NULL;
    return m->ram + off;
}

static struct mmio_region *find_region(struct machine *m, uint64_t paddr)
{
    for (int i = 0; i < m->nregions; i++) {
        struct mmio_region *r = &m->regions[i];
        if (paddr - r->base < r->size)
            return r;
    }
    return NULL;
}

bool mmu_phys_read(struct machine *m, uint64_t paddr, int size, uint64_t *value)
{
    uint8_t *p = mmu_ram_ptr(m, paddr, (uint64_t)size);
    if (p) {
        *value = mmu_host_load(p, size);
        return true;
    }
    struct mmio_region *r = find_region(m, paddr);
    if (!r || paddr + (uint64_t)size - r->base > r->size)
        return false;
    if (m->wlog)
        m->wlog->side_effects = true; /* a device read may change the device */
    return r->read(r->opaque, paddr - r->base, size, value);
}

/* -- Watched pages ----------------------------------------------------------
 * A physical RAM page can be watched: a store to it never takes the TLB fast
 * path (tlb_fill leaves out the write tag, and watching a page revokes write
 * tags already handed out), and every write into it, by a hart or by a
 * device's DMA (mmu_ram_written), is reported to the watchers registered for
 * its bits.  Code pages (the JIT's invalidation) and HTIF's tohost use this
 * one mechanism; the bus knows nothing about either. */

static uint8_t *watch_byte(struct machine *m, uint64_t paddr)
{
    if (!m->page_watch || paddr < m->ram_base || paddr - m->ram_base >= m->ram_size)
        return NULL;
    return &m->page_watch[(paddr - m->ram_base) >> 12];
}

void mmu_set_watcher(struct machine *m, unsigned what, mmu_watch_fn fn, void *opaque)
{
    for (int bit = 0; bit < MMU_WATCHERS; bit++)
        if (what == 1u << bit) {
            m->watchers[bit].fn = fn;
            m->watchers[bit].opaque = opaque;
        }
}

/* No hart may keep a write tag for the host page `host`. */
static void revoke_write_tags(struct machine *m, const uint8_t *host)
{
    for (int i = 0; i < m->nharts; i++) {
        struct hart *h = m->harts[i];
        for (int ctx = 0; ctx < TLB_CTXS; ctx++)
            for (int k = 0; k < TLB_SIZE; k++) {
                struct tlb_entry *e = &h->tlb[ctx][k];
                if (e->tag_write != TLB_INVALID &&
                    (uintptr_t)(e->tag_write + e->addend) == (uintptr_t)host)
                    e->tag_write = TLB_INVALID;
            }
    }
}

void mmu_watch_page(struct machine *m, uint64_t paddr, unsigned what)
{
    uint8_t *w = watch_byte(m, paddr);
    if (!w || (*w & what) == what)
        return;
    if (!*w)
        revoke_write_tags(m, mmu_ram_ptr(m, paddr & ~0xfffULL, 4096));
    *w |= (uint8_t)what;
}

void mmu_unwatch_page(struct machine *m, uint64_t paddr, unsigned what)
{
    uint8_t *w = watch_byte(m, paddr);
    if (w)
        *w &= (uint8_t)~what;
}

bool mmu_page_watched(struct machine *m, uint64_t paddr)
{
    uint8_t *w = watch_byte(m, paddr);
    return w && *w;
}

void mmu_ram_written(struct machine *m, uint64_t paddr, uint64_t len)
{
    if (!m->page_watch || !len)
        return;
    for (uint64_t page = paddr & ~0xfffULL; page < paddr + len; page += 4096) {
        uint8_t *w = watch_byte(m, page);
        if (!w || !*w)
            continue;
        uint64_t lo = page > paddr ? page : paddr;
        uint64_t hi = page + 4096 < paddr + len ? page + 4096 : paddr + len;
        uint8_t bits = *w;
        for (int bit = 0; bit < MMU_WATCHERS; bit++)
            if ((bits & (1u << bit)) && m->watchers[bit].fn)
                m->watchers[bit].fn(m->watchers[bit].opaque, lo, hi - lo);
    }
}

bool mmu_phys_write(struct machine *m, uint64_t paddr, int size, uint64_t value)
{
    uint8_t *p = mmu_ram_ptr(m, paddr, (uint64_t)size);
    if (p) {
        if (m->wlog)
            mmu_wlog_record(m, paddr, size, mmu_host_load(p, size), value);
        mmu_host_store(p, size, value);
        if (m->page_watch[(paddr - m->ram_base) >> 12])
            mmu_ram_written(m, paddr, (uint64_t)size);
        return true;
    }
    if (m->wlog)
        m->wlog->side_effects = true;
    struct mmio_region *r = find_region(m, paddr);
    if (!r || paddr + (uint64_t)size - r->base > r->size)
        return false;
    return r->write(r->opaque, paddr - r->base, size, value);
}

/* -- The write log of -check ------------------------------------------------
 * While m->wlog is set, every RAM store records the old and new bytes, so the
 * lockstep checker can undo one executor's writes and compare both. */
void mmu_wlog_record(struct machine *m, uint64_t paddr, int size, uint64_t old,
                     uint64_t value)
{
    struct wlog *l = m->wlog;
    if (l->n == WLOG_MAX) {
        l->overflow = true;
        return;
    }
    l->e[l->n++] = (struct wlog_entry){paddr, old, value, (uint8_t)size, l->walking};
}

/* -- Page walk ----------------------------------------------------------------
 *
 * Sv39: 3 levels of 9 VPN bits; Sv48: 4 levels.  A 64-bit PTE:
 *
 *   63 62..61 60..54 53........10 9..8 7 6 5 4 3 2 1 0
 *    N  PBMT  reserv    PPN       RSW  D A G U X W R V
 *
 * We implement neither Svnapot nor Svpbmt, so bits 63..54 must be zero or
 * the PTE is invalid (page fault). */

static uint64_t fault_cause(enum access acc, bool page_fault)
{
    static const uint64_t page[] = {EXC_LOAD_PAGE_FAULT, EXC_STORE_PAGE_FAULT,
                                    EXC_INSN_PAGE_FAULT};
    static const uint64_t access[] = {EXC_LOAD_ACCESS, EXC_STORE_ACCESS,
                                      EXC_INSN_ACCESS};
    return page_fault ? page[acc] : access[acc];
}

static bool raise_fault(struct hart *h, uint64_t va, enum access acc, bool page_fault)
{
    h->trap_cause = fault_cause(acc, page_fault);
    h->trap_tval = va;
    return false;
}

/* The privilege a data access is checked at: MPRV makes M-mode loads and
 * stores behave as if at MPP. */
static int effective_priv(const struct hart *h, enum access acc)
{
    if (acc != ACCESS_EXEC && h->priv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        return (int)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    return h->priv;
}

/* May an access of kind acc at privilege priv use a leaf with these bits? */
static bool leaf_permits(const struct hart *h, uint64_t pte, int priv, enum access acc)
{
    bool user_page = pte & PTE_U;
    if (priv == PRIV_U && !user_page)
        return false;
    if (priv == PRIV_S && user_page) {
        /* S-mode never executes user pages; it reads and writes them only
         * with SUM set. */
        if (acc == ACCESS_EXEC || !(h->mstatus & MSTATUS_SUM))
            return false;
    }
    switch (acc) {
    case ACCESS_READ:
        return (pte & PTE_R) || ((h->mstatus & MSTATUS_MXR) && (pte & PTE_X));
    case ACCESS_WRITE:
        return pte & PTE_W;
    default:
        return pte & PTE_X;
    }
}

struct walk_result {
    uint64_t pa;
    uint64_t pte;   /* the leaf, with A/D as now in memory */
};

/* Walk the page table for va; on success the leaf's A (and D for writes)
 * bits have been set in memory, as hardware A/D updating requires. */
static bool mmu_walk(struct hart *h, uint64_t va, enum access acc, int priv,
                     struct walk_result *out)
{
    struct machine *m = h->m;
    unsigned mode = (unsigned)(h->satp >> SATP_MODE_SHIFT);
    int levels = mode == SATP_MODE_SV48 ? 4 : 3;
    int va_bits = 12 + 9 * levels;

    /* The bits above the top VPN must all equal its top bit. */
    int64_t sext = (int64_t)(va << (64 - va_bits)) >> (64 - va_bits);
    if ((uint64_t)sext != va)
        return raise_fault(h, va, acc, true);

    uint64_t table = (h->satp & SATP_PPN_MASK) << 12;
    for (int level = levels - 1; level >= 0; level--) {
        uint64_t vpn = (va >> (12 + 9 * level)) & 0x1ff;
        uint64_t pte_addr = table + vpn * 8, pte;
        if (!mmu_phys_read(m, pte_addr, 8, &pte))
            return raise_fault(h, va, acc, false);
        if (m->log & LOG_MMU)
            fprintf(m->logf, "mmu: va %#llx level %d pte@%#llx = %#llx\n",
                    (unsigned long long)va, level, (unsigned long long)pte_addr,
                    (unsigned long long)pte);

        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) ||
            (pte & (PTE_RESERVED_MASK | PTE_PBMT_MASK | PTE_N)))
            return raise_fault(h, va, acc, true);

        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        if (!(pte & (PTE_R | PTE_X))) {        /* pointer to the next level */
            if (level == 0)
                return raise_fault(h, va, acc, true);
            table = ppn << 12;
            continue;
        }

        /* A leaf. */
        if (!leaf_permits(h, pte, priv, acc))
            return raise_fault(h, va, acc, true);
        uint64_t low_ppn_mask = (1ULL << (9 * level)) - 1;
        if (ppn & low_ppn_mask)                /* misaligned superpage */
            return raise_fault(h, va, acc, true);

        uint64_t want = PTE_A | (acc == ACCESS_WRITE ? PTE_D : 0);
        if ((pte & want) != want) {
            pte |= want;
            if (m->wlog)
                m->wlog->walking = true; /* -check keeps A/D updates */
            bool ok = mmu_phys_write(m, pte_addr, 8, pte);
            if (m->wlog)
                m->wlog->walking = false;
            if (!ok)
                return raise_fault(h, va, acc, false);
        }
        uint64_t page_offset_mask = (1ULL << (12 + 9 * level)) - 1;
        out->pa = (ppn << 12 & ~page_offset_mask) | (va & page_offset_mask);
        out->pte = pte;
        return true;
    }
    return raise_fault(h, va, acc, true); /* not reached */
}

/* -- The TLB -------------------------------------------------------------- */

static struct tlb_entry *tlb_slot(struct hart *h, int ctx, uint64_t va)
{
    return &h->tlb[ctx][(va >> 12) & (TLB_SIZE - 1)];
}

/* Enter the page of va (mapped to pa) for every access the leaf allows
 * without another walk.  Pages that are not RAM are never entered, nor the
 * write side of the HTIF tohost page (its stores must reach htif_store). */
static void tlb_fill(struct hart *h, int ctx, uint64_t va, uint64_t pa,
                     uint64_t pte, int priv, bool translated)
{
    struct machine *m = h->m;
    uint64_t vpage = va & ~0xfffULL, ppage = pa & ~0xfffULL;
    uint8_t *host = mmu_ram_ptr(m, ppage, 4096);
    if (!host)
        return;
    struct tlb_entry *e = tlb_slot(h, ctx, va);
    bool r = !translated || leaf_permits(h, pte, priv, ACCESS_READ);
    bool w = !translated || (leaf_permits(h, pte, priv, ACCESS_WRITE) && (pte & PTE_D));
    bool x = !translated || leaf_permits(h, pte, priv, ACCESS_EXEC);
    if (m->page_watch[(ppage - m->ram_base) >> 12] || m->tlb_no_write)
        w = false;
    e->tag_read = r ? vpage : TLB_INVALID;
    e->tag_write = w ? vpage : TLB_INVALID;
    e->tag_exec = x ? vpage : TLB_INVALID;
    e->addend = (uintptr_t)host - (uintptr_t)vpage;
}

bool mmu_translate(struct hart *h, uint64_t va, enum access acc, uint64_t *pa)
{
    int priv = effective_priv(h, acc);
    int ctx = acc == ACCESS_EXEC ? h->code_ctx : h->data_ctx;
    unsigned mode = (unsigned)(h->satp >> SATP_MODE_SHIFT);
    if (priv == PRIV_M || mode == SATP_MODE_BARE) {
        *pa = va;
        tlb_fill(h, ctx, va, va, 0, priv, false);
        return true;
    }
    struct walk_result w;
    if (!mmu_walk(h, va, acc, priv, &w))
        return false;
    *pa = w.pa;
    tlb_fill(h, ctx, va, w.pa, w.pte, priv, true);
    return true;
}

void mmu_tlb_flush(struct hart *h, bool all, uint64_t va)
{
    /* The jump cache maps virtual pcs to code: it goes with the TLB. */
    if (h->jcache)
        memset(h->jcache, 0xff, JCACHE_SIZE * sizeof *h->jcache);
    /* The bare context maps va == pa and never changes; leave it. */
    for (int ctx = TLB_CTX_BARE + 1; ctx < TLB_CTXS; ctx++) {
        if (all) {
            memset(h->tlb[ctx], 0xff, sizeof h->tlb[ctx]);
        } else {
            struct tlb_entry *e = tlb_slot(h, ctx, va);
            e->tag_read = e->tag_write = e->tag_exec = TLB_INVALID;
        }
    }
}

/* -- Virtual accesses -----------------------------------------------------------
 * The fast paths (mmu_load/mmu_store in mmu.h) probe the TLB inline; these
 * slow paths translate and go to the bus.
 * An access that crosses a page is done byte by byte after both pages have
 * been translated, so a fault on the second page leaves memory untouched
 * and reports the address of the part that faulted. */

static bool access_split(struct hart *h, uint64_t va, int size, enum access acc,
                         uint64_t pa[2])
{
    uint64_t second = (va | 0xfff) + 1;
    if (!mmu_translate(h, va, acc, &pa[0]))
        return false;
    if ((va & ~0xfffULL) == ((va + (uint64_t)size - 1) & ~0xfffULL)) {
        pa[1] = pa[0] + (second - va);
        return true;
    }
    return mmu_translate(h, second, acc, &pa[1]);
}

/* Physical address of byte i of an access split at the page boundary. */
static uint64_t split_byte(uint64_t va, const uint64_t pa[2], int i)
{
    uint64_t first_len = ((va | 0xfff) + 1) - va;
    return (uint64_t)i < first_len ? pa[0] + (uint64_t)i : pa[1] + ((uint64_t)i - first_len);
}

static bool bus_fault(struct hart *h, uint64_t va, enum access acc)
{
    return raise_fault(h, va, acc, false);
}

bool mmu_load_slow(struct hart *h, uint64_t va, int size, uint64_t *value)
{
    if (!(va & (uint64_t)(size - 1))) {
        uint64_t pa;
        if (!mmu_translate(h, va, ACCESS_READ, &pa))
            return false;
        return mmu_phys_read(h->m, pa, size, value) || bus_fault(h, va, ACCESS_READ);
    }
    uint64_t pa[2], v = 0;
    if (!access_split(h, va, size, ACCESS_READ, pa))
        return false;
    for (int i = 0; i < size; i++) {
        uint64_t byte;
        if (!mmu_phys_read(h->m, split_byte(va, pa, i), 1, &byte))
            return bus_fault(h, va, ACCESS_READ);
        v |= byte << (8 * i);
    }
    *value = v;
    return true;
}

bool mmu_store_slow(struct hart *h, uint64_t va, int size, uint64_t value)
{
    if (!(va & (uint64_t)(size - 1))) {
        uint64_t pa;
        if (!mmu_translate(h, va, ACCESS_WRITE, &pa))
            return false;
        return mmu_phys_write(h->m, pa, size, value) || bus_fault(h, va, ACCESS_WRITE);
    }
    uint64_t pa[2];
    if (!access_split(h, va, size, ACCESS_WRITE, pa))
        return false;
    for (int i = 0; i < size; i++)
        if (!mmu_phys_write(h->m, split_byte(va, pa, i), 1, (value >> (8 * i)) & 0xff))
            return bus_fault(h, va, ACCESS_WRITE);
    return true;
}

/* Fetch one 16-bit parcel. */
static bool fetch_parcel(struct hart *h, uint64_t va, uint32_t *parcel)
{
    struct tlb_entry *e = tlb_slot(h, h->code_ctx, va);
    if ((va & ~0xfffULL) == e->tag_exec) {
        *parcel = (uint32_t)mmu_host_load((const uint8_t *)(uintptr_t)(va + e->addend), 2);
        return true;
    }
    uint64_t pa;
    if (!mmu_translate(h, va, ACCESS_EXEC, &pa))
        return false;
    /* Code runs from RAM only: device registers are not executable (a fetch
     * must never have a device's read side effects). */
    const uint8_t *p = mmu_ram_ptr(h->m, pa, 2);
    if (!p)
        return bus_fault(h, va, ACCESS_EXEC);
    *parcel = (uint32_t)mmu_host_load(p, 2);
    return true;
}

bool mmu_fetch(struct hart *h, uint64_t va, uint32_t *bits)
{
    uint32_t lo, hi;
    if (!fetch_parcel(h, va, &lo))
        return false;
    if ((lo & 3) != 3) {
        *bits = lo;
        return true;
    }
    /* A 32-bit instruction: its second half may be on the next page, and a
     * fault there reports that page's address. */
    if (!fetch_parcel(h, va + 2, &hi))
        return false;
    *bits = lo | hi << 16;
    return true;
}
