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
 * Process") is the algorithm of mmu_walk() step by step; section 3.7
 * ("Physical Memory Protection") is pmp_allows().
 *
 * PMP costs nothing on the TLB fast path: it is decided when a page enters
 * the TLB (tlb_fill), and a page that a PMP boundary splits never enters,
 * so every access to it comes here and is checked with its size.
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

/* The entry of a fill log's item (cpu.h: ctx << 12 | index). */
static struct tlb_entry *logged_entry(struct hart *h, uint16_t item)
{
    return &h->tlb[item >> 12][item & (TLB_SIZE - 1)];
}

/* Slot i of context ctx was filled: log it, unless it is in the log. */
static void log_fill(struct tlb_log *l, unsigned ctx, unsigned i)
{
    uint64_t bit = 1ULL << (i % 64);
    if (l->in[ctx][i / 64] & bit)
        return;
    l->in[ctx][i / 64] |= bit;
    l->at[l->n++] = (uint16_t)(ctx << 12 | i);
}

static void log_empty(struct tlb_log *l)
{
    for (uint32_t k = 0; k < l->n; k++)
        l->in[l->at[k] >> 12][(l->at[k] & (TLB_SIZE - 1)) / 64] = 0;
    l->n = 0;
}

static void invalidate(struct tlb_entry *e)
{
    e->tag_read = e->tag_write = e->tag_exec = TLB_INVALID;
}

/* Generated code's probe slots copy TLB mappings (jit_x64.c, "Probe slots
 * of loop traces"): whatever takes a mapping out of the TLB, or switches
 * the TLB set, empties them.  Page -1 matches no address. */
void mmu_lslots_clear(struct hart *h)
{
    if (!h->jit_lslots_filled) /* the kernel fences page by page: skip the memset */
        return;
    memset(h->jit_lslot, 0xff, sizeof h->jit_lslot);
    h->jit_lslots_filled = 0;
}

/* Whatever flushes anything of the TLB empties the victim TLB whole. */
static void victims_clear(struct hart *h)
{
    h->tlb_nvictims = h->tlb_victim_next = 0; /* victim_hit looks at 0..n-1 */
}

static void revoke_entry(struct tlb_entry *e, const uint8_t *host)
{
    if (e->tag_write != TLB_INVALID && (uintptr_t)(e->tag_write + e->addend) == (uintptr_t)host)
        e->tag_write = TLB_INVALID;
}

/* No hart may keep a write tag for the host page `host` (of physical page
 * paddr).  The bare context maps it only at its own address; translated
 * ones anywhere, but only entries in the fill logs can be valid. */
static void revoke_write_tags(struct machine *m, uint64_t paddr, const uint8_t *host)
{
    for (int i = 0; i < m->nharts; i++) {
        struct hart *h = m->harts[i];
        mmu_lslots_clear(h);
        victims_clear(h);
        revoke_entry(&h->tlb[TLB_CTX_BARE][(paddr >> 12) & (TLB_SIZE - 1)], host);
        for (int g = 0; g < 2; g++)
            for (uint32_t k = 0; k < h->tlb_fills[g].n; k++)
                revoke_entry(logged_entry(h, h->tlb_fills[g].at[k]), host);
    }
}

void mmu_watch_page(struct machine *m, uint64_t paddr, unsigned what)
{
    uint8_t *w = watch_byte(m, paddr);
    if (!w || (*w & what) == what)
        return;
    if (!*w)
        revoke_write_tags(m, paddr & ~0xfffULL, mmu_ram_ptr(m, paddr & ~0xfffULL, 4096));
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

/* -- PMP ----------------------------------------------------------------------
 * Sixteen entries; pmpcfg0 holds the cfg bytes of entries 0-7, pmpcfg2 those
 * of 8-15 (RV64 has no odd pmpcfg), pmpcfg4..14 and pmpaddr16..63 read as
 * zero.  A cfg byte:
 *
 *     7   6 5   4 3   2 1 0
 *     L   0 0    A    X W R        A: 0 OFF, 1 TOR, 2 NA4, 3 NAPOT
 *
 * pmpaddr holds bits 55:2 of an address.  Granularity G = 0 (4 bytes), the
 * granularity QEMU's virt reports: all ones written to pmpaddr reads back as
 * 0x003f_ffff_ffff_ffff, and NA4 is selectable.  NAPOT encodes its size in
 * the trailing ones: pmpaddr = base >> 2 | (size / 8 - 1), so yyyy0111
 * (three ones) is 64 bytes at yyyy0000 << 2.
 *
 * The lowest-numbered entry that matches any byte of an access decides; it
 * must match every byte.  L makes an entry bind M-mode too and freezes its
 * cfg and pmpaddr (and, for TOR, the pmpaddr below, its base).  When no
 * entry matches, M-mode succeeds and S/U fail: we implement entries, so
 * the spec's rule applies even when all are OFF (QEMU does the same).
 * The built-in SBI therefore programs an entry for S-mode at boot, as
 * OpenSBI does (sbi.c); firmware and bare-metal guests program their own.
 * Page-table walks are checked as S-mode accesses (the spec's implicit
 * accesses), whatever the privilege of the access that walks. */

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A 0x18
#define PMP_A_SHIFT 3
#define PMP_L 0x80
#define PMP_RWX (PMP_R | PMP_W | PMP_X)
enum { PMP_OFF, PMP_TOR, PMP_NA4, PMP_NAPOT };
#define PMPADDR_MASK ((1ULL << 54) - 1) /* bits 55:2 of an address */

static const uint8_t pmp_perm[] = {[ACCESS_READ] = PMP_R, [ACCESS_WRITE] = PMP_W,
                                   [ACCESS_EXEC] = PMP_X};

static unsigned pmp_mode(const struct hart *h, int i)
{
    return (h->pmpcfg[i] & PMP_A) >> PMP_A_SHIFT;
}

/* The bytes [*lo, *hi) that entry i covers; false when it covers none. */
static bool pmp_range(const struct hart *h, int i, uint64_t *lo, uint64_t *hi)
{
    uint64_t a = h->pmpaddr[i];
    switch (pmp_mode(h, i)) {
    case PMP_TOR:
        *lo = i ? h->pmpaddr[i - 1] << 2 : 0;
        *hi = a << 2;
        break;
    case PMP_NA4:
        *lo = a << 2;
        *hi = *lo + 4;
        break;
    case PMP_NAPOT: {
        int ones = __builtin_ctzll(~a); /* at most 54: a has 54 bits */
        *lo = (a & ~((1ULL << ones) - 1)) << 2;
        *hi = *lo + (8ULL << ones);
        break;
    }
    default:
        return false;
    }
    return *lo < *hi; /* TOR with base >= top matches nothing */
}

/* The permissions entry i gives privilege priv (an entry that matches). */
static unsigned pmp_entry_perms(const struct hart *h, int i, int priv)
{
    if (priv == PRIV_M && !(h->pmpcfg[i] & PMP_L))
        return PMP_RWX;
    return h->pmpcfg[i] & PMP_RWX;
}

/* PMP's verdict on len bytes at pa: PMP_R/W/X as granted to all of them,
 * or 0 when an entry matches only some (a boundary splits the range). */
static unsigned pmp_perms(const struct hart *h, uint64_t pa, uint64_t len, int priv)
{
    uint64_t last = pa + len - 1;
    /* Only entries that are on, lowest first: usually one (the SBI's). */
    for (unsigned active = h->pmp_active; active; active &= active - 1) {
        int i = __builtin_ctz(active);
        uint64_t lo = h->pmp_lo[i], hi = h->pmp_hi[i];
        if (pa >= hi || last < lo)
            continue;
        if (pa < lo || last >= hi)
            return 0;
        return pmp_entry_perms(h, i, priv);
    }
    return priv == PRIV_M ? PMP_RWX : 0;
}

/* May an access of len bytes at pa, at privilege priv, go ahead? */
static bool pmp_allows(const struct hart *h, uint64_t pa, uint64_t len, int priv,
                       enum access acc)
{
    return pmp_perms(h, pa, len, priv) & pmp_perm[acc];
}

static void tlb_flush_ctxs(struct hart *h, int first_ctx);

uint64_t mmu_pmp_read(const struct hart *h, unsigned csr)
{
    if (csr >= CSR_PMPADDR0) {
        unsigned i = csr - CSR_PMPADDR0;
        return i < PMP_ENTRIES ? h->pmpaddr[i] : 0;
    }
    unsigned first = (csr - CSR_PMPCFG0) * 4; /* pmpcfg2: entry 8 */
    uint64_t v = 0;
    for (unsigned b = 0; b < 8 && first + b < PMP_ENTRIES; b++)
        v |= (uint64_t)h->pmpcfg[first + b] << (8 * b);
    return v;
}

void mmu_pmp_write(struct hart *h, unsigned csr, uint64_t value)
{
    if (csr >= CSR_PMPADDR0) {
        unsigned i = csr - CSR_PMPADDR0;
        if (i >= PMP_ENTRIES || (h->pmpcfg[i] & PMP_L))
            return;
        /* A locked TOR entry's base is locked with it. */
        if (i + 1 < PMP_ENTRIES && (h->pmpcfg[i + 1] & PMP_L) &&
            pmp_mode(h, (int)i + 1) == PMP_TOR)
            return;
        h->pmpaddr[i] = value & PMPADDR_MASK;
    } else {
        unsigned first = (csr - CSR_PMPCFG0) * 4;
        for (unsigned b = 0; b < 8 && first + b < PMP_ENTRIES; b++) {
            if (h->pmpcfg[first + b] & PMP_L)
                continue;
            uint8_t cfg = (uint8_t)(value >> (8 * b)) & (PMP_L | PMP_A | PMP_RWX);
            /* W without R is reserved: WARL makes it no W (as Spike does),
             * a legal value that grants no more than was asked. */
            if ((cfg & PMP_W) && !(cfg & PMP_R))
                cfg &= (uint8_t)~PMP_W;
            h->pmpcfg[first + b] = cfg;
        }
    }
    h->pmp_active = 0;
    for (int i = 0; i < PMP_ENTRIES; i++) {
        if (pmp_mode(h, i) != PMP_OFF)
            h->pmp_active |= (uint16_t)(1u << i);
        if (!pmp_range(h, i, &h->pmp_lo[i], &h->pmp_hi[i]))
            h->pmp_lo[i] = h->pmp_hi[i] = 0; /* matches no address */
    }
    /* Every context, the M-mode one too: locked entries bind M, and MPRV
     * accesses fill S/U contexts.  PMP is written at boot, rarely after. */
    tlb_flush_ctxs(h, TLB_CTX_BARE);
    if (h->jcache) /* exec permissions may have changed under the jump cache */
        jit_jcache_clear(h);
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

/* May an access of kind acc at privilege priv, with these SUM and MXR,
 * use a leaf with these bits?  SUM and MXR are parameters, not read from
 * mstatus, so that a TLB context's entries follow from its own SUM/MXR. */
static bool leaf_permits(uint64_t pte, int priv, bool sum, bool mxr, enum access acc)
{
    bool user_page = pte & PTE_U;
    if (priv == PRIV_U && !user_page)
        return false;
    if (priv == PRIV_S && user_page) {
        /* S-mode never executes user pages; it reads and writes them only
         * with SUM set. */
        if (acc == ACCESS_EXEC || !sum)
            return false;
    }
    switch (acc) {
    case ACCESS_READ:
        return (pte & PTE_R) || (mxr && (pte & PTE_X));
    case ACCESS_WRITE:
        return pte & PTE_W;
    default:
        return pte & PTE_X;
    }
}

struct walk_result {
    uint64_t pa;
    uint64_t pte;   /* the leaf, with A/D as now in memory */
    int level;      /* of the leaf: 0 for 4 KiB, 1 for 2 MiB, ... */
};

/* Walk the page table for va; on success the leaf's A (and D for writes)
 * bits have been set in memory, as hardware A/D updating requires.  A peek
 * (the debug logs reading guest memory) changes nothing and logs nothing:
 * no A/D update, no -d mmu line, and any valid readable leaf will do. */
static bool mmu_walk(struct hart *h, uint64_t va, enum access acc, int priv,
                     struct walk_result *out, bool peek)
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
        if (!pmp_allows(h, pte_addr, 8, PRIV_S, ACCESS_READ) ||
            !mmu_phys_read(m, pte_addr, 8, &pte))
            return raise_fault(h, va, acc, false);
        if ((m->log & LOG_MMU) && !peek)
            fprintf(m->logf, "mmu: hart %llu walk va %#llx level %d pte@%#llx = %#llx\n",
                    (unsigned long long)h->hartid, (unsigned long long)va, level, (unsigned long long)pte_addr,
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
        if (peek ? !(pte & PTE_R)
                 : !leaf_permits(pte, priv, h->mstatus & MSTATUS_SUM,
                                 h->mstatus & MSTATUS_MXR, acc))
            return raise_fault(h, va, acc, true);
        uint64_t low_ppn_mask = (1ULL << (9 * level)) - 1;
        if (ppn & low_ppn_mask)                /* misaligned superpage */
            return raise_fault(h, va, acc, true);

        uint64_t want = PTE_A | (acc == ACCESS_WRITE ? PTE_D : 0);
        if ((pte & want) != want && !peek) {
            pte |= want;
            if (m->wlog)
                m->wlog->walking = true; /* -check keeps A/D updates */
            bool ok = pmp_allows(h, pte_addr, 8, PRIV_S, ACCESS_WRITE) &&
                      mmu_phys_write(m, pte_addr, 8, pte);
            if (m->wlog)
                m->wlog->walking = false;
            if (!ok)
                return raise_fault(h, va, acc, false);
        }
        uint64_t page_offset_mask = (1ULL << (12 + 9 * level)) - 1;
        out->pa = (ppn << 12 & ~page_offset_mask) | (va & page_offset_mask);
        out->pte = pte;
        out->level = level;
        return true;
    }
    return raise_fault(h, va, acc, true); /* not reached */
}

/* -- The TLB -------------------------------------------------------------- */

static struct tlb_entry *tlb_slot(struct hart *h, int ctx, uint64_t va)
{
    return &h->tlb[ctx][(va >> 12) & (TLB_SIZE - 1)];
}

/* Remember that the superpage holding va (level >= 1) is in the TLB. */
static void superpage_note(struct hart *h, uint64_t va, int level, bool global)
{
    uint64_t mask = (1ULL << (12 + 9 * level)) - 1, base = va & ~mask;
    for (int k = 0; k < h->nsuperpages; k++) {
        if (h->superpage_base[k] == base && h->superpage_mask[k] == mask) {
            h->superpage_global[k] &= global; /* global only if always so */
            return;
        }
    }
    if (h->nsuperpages == TLB_SUPERPAGES) {
        h->superpages_overflow = true;
        return;
    }
    h->superpage_base[h->nsuperpages] = base;
    h->superpage_global[h->nsuperpages] = global;
    h->superpage_mask[h->nsuperpages++] = mask;
}

static void set_tlb_global(struct hart *h, int ctx, uint64_t va, bool global)
{
    unsigned i = (unsigned)(va >> 12) & (TLB_SIZE - 1);
    uint64_t bit = 1ULL << (i % 64);
    if (global)
        h->tlb_global[ctx][i / 64] |= bit;
    else
        h->tlb_global[ctx][i / 64] &= ~bit;
}

static bool tlb_is_global(const struct hart *h, int ctx, unsigned i)
{
    return h->tlb_global[ctx][i / 64] >> (i % 64) & 1;
}

/* -- The victim TLB (cpu.h) ----------------------------------------------- */

static bool tlb_entry_valid(const struct tlb_entry *e)
{
    return e->tag_read != TLB_INVALID || e->tag_write != TLB_INVALID ||
           e->tag_exec != TLB_INVALID;
}

/* An entry's tags are its page or TLB_INVALID (all ones): their AND is
 * the page. */
static uint64_t entry_page(const struct tlb_entry *e)
{
    return e->tag_read & e->tag_write & e->tag_exec;
}

/* The physical address of va through e, an entry that maps its page. */
static uint64_t entry_pa(const struct hart *h, const struct tlb_entry *e, uint64_t va)
{
    return (uint64_t)((uintptr_t)(va + e->addend) - (uintptr_t)h->m->ram) + h->m->ram_base;
}

static uint64_t entry_tag(const struct tlb_entry *e, enum access acc)
{
    return acc == ACCESS_READ ? e->tag_read : acc == ACCESS_WRITE ? e->tag_write : e->tag_exec;
}

/* Slot i of translated context ctx is about to be filled with the page
 * vpage: keep what it holds, if that is another page, as a victim. */
static void victim_keep(struct hart *h, int ctx, unsigned i, uint64_t vpage)
{
    const struct tlb_entry *e = &h->tlb[ctx][i];
    if (!tlb_entry_valid(e) || entry_page(e) == vpage)
        return;
    struct tlb_victim *v = &h->tlb_victim[h->tlb_victim_next];
    h->tlb_victim_next = (uint8_t)((h->tlb_victim_next + 1) % TLB_VICTIMS);
    if (h->tlb_nvictims < TLB_VICTIMS)
        h->tlb_nvictims++;
    v->e = *e;
    v->ctx = (uint8_t)ctx;
    v->global = tlb_is_global(h, ctx, i);
}

static void log_fill(struct tlb_log *l, unsigned ctx, unsigned i);

/* A TLB miss on va: if a victim maps its page for acc, it and the slot's
 * entry change places, and *pa is va's physical address. */
static bool victim_hit(struct hart *h, int ctx, uint64_t va, enum access acc, uint64_t *pa)
{
    uint64_t vpage = va & ~0xfffULL;
    for (unsigned k = 0; k < h->tlb_nvictims; k++) {
        struct tlb_victim *v = &h->tlb_victim[k];
        if (v->ctx != ctx || entry_tag(&v->e, acc) != vpage)
            continue;
        unsigned i = (unsigned)(va >> 12) & (TLB_SIZE - 1);
        struct tlb_entry *e = &h->tlb[ctx][i];
        struct tlb_victim out = {*e, (uint8_t)ctx, tlb_is_global(h, ctx, i)};
        if (h->m->log & LOG_MMU)
            fprintf(h->m->logf, "mmu: hart %llu victim ctx %d va %#llx back in its slot\n",
                    (unsigned long long)h->hartid, ctx, (unsigned long long)vpage);
        *e = v->e;
        set_tlb_global(h, ctx, va, v->global);
        log_fill(&h->tlb_fills[v->global ? TLB_GLOBAL : TLB_NONGLOBAL], (unsigned)ctx, i);
        *v = out; /* an empty slot leaves an invalid entry, which matches nothing */
        *pa = entry_pa(h, e, va);
        if (h->m->jit)
            h->m->jit->stats.tlb_victim_hits++;
        return true;
    }
    return false;
}

/* Enter the page of va (mapped to pa) in context ctx for every access that
 * context may make without another walk.  The permissions come from the
 * context (its privilege, SUM and MXR; cpu.h), never from mstatus now: an
 * entry must not grant what its context would not, whatever the state that
 * filled it.  PMP must give the whole 4 KiB page one verdict, or the page
 * is not entered.  Pages that are not RAM are never entered, nor the write
 * side of the HTIF tohost page (its stores must reach htif_store). */
static void tlb_fill(struct hart *h, int ctx, uint64_t va, uint64_t pa,
                     const struct walk_result *walk)
{
    struct machine *m = h->m;
    uint64_t vpage = va & ~0xfffULL, ppage = pa & ~0xfffULL;
    uint8_t *host = mmu_ram_ptr(m, ppage, 4096);
    if (!host)
        return;
    int priv = ctx == TLB_CTX_BARE ? PRIV_M : ((ctx - 1) & 1) ? PRIV_S : PRIV_U;
    bool sum = (ctx - 1) & 2, mxr = (ctx - 1) & 4;
    unsigned pmp = pmp_perms(h, ppage, 4096, priv);
    uint64_t pte = walk ? walk->pte : 0;
    bool r = (pmp & PMP_R) && (!walk || leaf_permits(pte, priv, sum, mxr, ACCESS_READ));
    bool w = (pmp & PMP_W) &&
             (!walk || (leaf_permits(pte, priv, sum, mxr, ACCESS_WRITE) && (pte & PTE_D)));
    bool x = (pmp & PMP_X) && (!walk || leaf_permits(pte, priv, sum, mxr, ACCESS_EXEC));
    if (m->tlb_no_write)
        h->check_writable[ctx][(va >> 12) & (TLB_SIZE - 1)] = w;
    if (m->page_watch[(ppage - m->ram_base) >> 12] || m->tlb_no_write)
        w = false;
    if (m->log & LOG_MMU)
        fprintf(m->logf, "mmu: hart %llu fill ctx %d va %#llx -> pa %#llx %c%c%c\n",
                (unsigned long long)h->hartid, ctx, (unsigned long long)vpage,
                (unsigned long long)ppage, r ? 'r' : '-', w ? 'w' : '-', x ? 'x' : '-');
    if (ctx != TLB_CTX_BARE && !m->tlb_no_write)
        victim_keep(h, ctx, (unsigned)(va >> 12) & (TLB_SIZE - 1), vpage);
    struct tlb_entry *e = tlb_slot(h, ctx, va);
    e->tag_read = r ? vpage : TLB_INVALID;
    e->tag_write = w ? vpage : TLB_INVALID;
    e->tag_exec = x ? vpage : TLB_INVALID;
    e->addend = (uintptr_t)host - (uintptr_t)vpage;
    /* A global mapping is the same in every address space (the OS's
     * promise), so a satp write need not flush it: Linux maps the kernel
     * global, and keeps its entries (and jump cache) across switches. */
    bool global = walk && (pte & PTE_G);
    if (walk && walk->level > 0 && (r || w || x))
        superpage_note(h, va, walk->level, global);
    if (ctx != TLB_CTX_BARE) {
        set_tlb_global(h, ctx, va, global);
        log_fill(&h->tlb_fills[global ? TLB_GLOBAL : TLB_NONGLOBAL], (unsigned)ctx,
                 (unsigned)(va >> 12) & (TLB_SIZE - 1));
    }
}

/* Translate for an access of size bytes (within one page): page walk, then
 * PMP at the privilege the access is made at. */
static bool translate(struct hart *h, uint64_t va, enum access acc, int size, uint64_t *pa)
{
    int priv = effective_priv(h, acc);
    int ctx = acc == ACCESS_EXEC ? h->code_ctx : h->data_ctx;
    unsigned mode = (unsigned)(h->satp >> SATP_MODE_SHIFT);
    bool translated = priv != PRIV_M && mode != SATP_MODE_BARE;
    if (acc == ACCESS_WRITE && h->m->tlb_no_write) {
        /* -check sends every store here: spare it the walk the TLB did */
        struct tlb_entry *e = tlb_slot(h, ctx, va);
        if ((va & ~0xfffULL) == e->tag_read && h->check_writable[ctx][(va >> 12) & (TLB_SIZE - 1)]) {
            *pa = entry_pa(h, e, va);
            return true;
        }
    }
    if (translated && !h->m->tlb_no_write && victim_hit(h, ctx, va, acc, pa))
        return true; /* its entry was filled by a walk and PMP for the whole page */
    struct walk_result w = {.pa = va};
    if (translated && !mmu_walk(h, va, acc, priv, &w, false)) {
        if (h->m->log & LOG_MMU)
            fprintf(h->m->logf, "mmu: hart %llu fault va %#llx %s: cause %llu\n",
                    (unsigned long long)h->hartid, (unsigned long long)va,
                    acc == ACCESS_READ ? "read" : acc == ACCESS_WRITE ? "write" : "exec",
                    (unsigned long long)h->trap_cause);
        return false;
    }
    if (!pmp_allows(h, w.pa, (uint64_t)size, priv, acc))
        return raise_fault(h, va, acc, false);
    *pa = w.pa;
    tlb_fill(h, ctx, va, w.pa, translated ? &w : NULL);
    return true;
}

bool mmu_translate_sized(struct hart *h, uint64_t va, enum access acc, int size,
                         uint64_t *pa)
{
    return translate(h, va, acc, size, pa);
}

bool mmu_translate(struct hart *h, uint64_t va, enum access acc, uint64_t *pa)
{
    return translate(h, va, acc, 1, pa);
}

bool mmu_code_pa(struct hart *h, uint64_t vpc, uint64_t *pa)
{
    struct tlb_entry *e = &h->ctlb[(vpc >> 12) & (TLB_SIZE - 1)];
    if ((vpc & ~0xfffULL) == e->tag_exec) {
        *pa = entry_pa(h, e, vpc);
        return true;
    }
    return translate(h, vpc, ACCESS_EXEC, 1, pa);
}

size_t mmu_peek(struct hart *h, uint64_t va, void *buf, size_t len)
{
    uint64_t cause = h->trap_cause, tval = h->trap_tval;
    bool translated = (h->satp >> SATP_MODE_SHIFT) != SATP_MODE_BARE;
    size_t done = 0;
    while (done < len) {
        uint64_t at = va + done, n = 4096 - (at & 0xfff);
        if (n > len - done)
            n = len - done;
        struct walk_result w = {.pa = at};
        if (translated && !mmu_walk(h, at, ACCESS_READ, PRIV_S, &w, true))
            break;
        const uint8_t *p = mmu_ram_ptr(h->m, w.pa, n);
        if (!p)
            break; /* devices are never read: reads may have side effects */
        memcpy((uint8_t *)buf + done, p, n);
        done += n;
    }
    h->trap_cause = cause, h->trap_tval = tval;
    return done;
}

/* Empty contexts first_ctx..TLB_CTXS-1 whole: the translated ones through
 * their fill logs. */
static void tlb_flush_ctxs(struct hart *h, int first_ctx)
{
    mmu_lslots_clear(h);
    victims_clear(h);
    if (first_ctx == TLB_CTX_BARE)
        memset(h->tlb[TLB_CTX_BARE], 0xff, sizeof h->tlb[TLB_CTX_BARE]);
    for (int g = 0; g < 2; g++) {
        struct tlb_log *l = &h->tlb_fills[g];
        for (uint32_t k = 0; k < l->n; k++)
            invalidate(logged_entry(h, l->at[k]));
        log_empty(l);
    }
    h->nsuperpages = 0; /* every translated context is empty now */
    h->superpages_overflow = false;
}

bool mmu_code_global(const struct hart *h, uint64_t va)
{
    unsigned i = (unsigned)(va >> 12) & (TLB_SIZE - 1);
    return h->ctlb[i].tag_exec == (va & ~0xfffULL) && tlb_is_global(h, h->code_ctx, i);
}

/* The translated entries but the global ones: those filled with a
 * non-global mapping since the last time, unless a global one has taken
 * the slot since (it is in the other log).  Global entries stay, and are
 * not looked at: a satp write costs what the process filled, not what the
 * kernel keeps. */
static void tlb_drop_nonglobal(struct hart *h)
{
    struct tlb_log *l = &h->tlb_fills[TLB_NONGLOBAL];
    for (uint32_t k = 0; k < l->n; k++) {
        unsigned ctx = l->at[k] >> 12, i = l->at[k] & (TLB_SIZE - 1);
        if (!tlb_is_global(h, (int)ctx, i))
            invalidate(&h->tlb[ctx][i]);
    }
    log_empty(l);
}

/* A satp write, or SFENCE.VMA x0 with an ASID: drop every translated entry
 * but those of global mappings, and the jump cache's entries but those of
 * code on global pages.  When the superpage list overflowed the global
 * superpages are not all known: then everything goes. */
void mmu_tlb_flush_nonglobal(struct hart *h)
{
    if (h->superpages_overflow) {
        mmu_tlb_flush(h, true, 0);
        return;
    }
    if (h->m->jit)
        h->m->jit->stats.tlb_flushes_nonglobal++;
    mmu_lslots_clear(h);
    victims_clear(h);
    if (h->jcache)
        jit_jcache_clear_nonglobal(h);
    tlb_drop_nonglobal(h);
    unsigned n = 0;
    for (unsigned k = 0; k < h->nsuperpages; k++) {
        if (!h->superpage_global[k])
            continue;
        h->superpage_base[n] = h->superpage_base[k];
        h->superpage_mask[n] = h->superpage_mask[k];
        h->superpage_global[n++] = true;
    }
    h->nsuperpages = (uint8_t)n;
}

/* Drop every translated entry whose page lies in va & ~mask == base.  The
 * TLB has fewer slots than a superpage has pages, so look at each slot. */
static void tlb_flush_range(struct hart *h, uint64_t base, uint64_t mask)
{
    /* The TLB is direct mapped by page number: the pages of a 2 MiB page can
     * only sit in its 512 slots; a 1 GiB page may be anywhere. */
    uint64_t npages = (mask + 1) >> 12;
    unsigned slots = npages < TLB_SIZE ? (unsigned)npages : TLB_SIZE;
    unsigned first = npages < TLB_SIZE ? (unsigned)(base >> 12) & (TLB_SIZE - 1) : 0;
    for (int ctx = TLB_CTX_BARE + 1; ctx < TLB_CTXS; ctx++) {
        for (unsigned k = 0; k < slots; k++) {
            struct tlb_entry *e = &h->tlb[ctx][(first + k) & (TLB_SIZE - 1)];
            uint64_t page = entry_page(e);
            if (page != TLB_INVALID && (page & ~mask) == base)
                invalidate(e);
        }
    }
}

void mmu_tlb_flush(struct hart *h, bool all, uint64_t va)
{
    mmu_lslots_clear(h);
    victims_clear(h);
    /* The jump cache maps virtual pcs to code: it goes with the TLB, all
     * of it when va may lie in a superpage (its other 4 KiB pages too). */
    if (h->m->jit) {
        if (all)
            h->m->jit->stats.tlb_flushes_all++;
        else
            h->m->jit->stats.tlb_flushes_page++;
    }
    if (h->jcache) {
        uint64_t size = 4096;
        for (int k = 0; k < h->nsuperpages; k++)
            if ((va & ~h->superpage_mask[k]) == h->superpage_base[k] &&
                h->superpage_mask[k] + 1 > size)
                size = h->superpage_mask[k] + 1;
        if (all || h->superpages_overflow)
            jit_jcache_clear(h);
        else
            jit_jcache_flush_page(h, va, size);
    }
    /* The M-mode context maps va == pa and never changes with satp or
     * SFENCE.VMA; leave it (PMP writes flush it, mmu_pmp_write). */
    if (all || h->superpages_overflow) {
        tlb_flush_ctxs(h, TLB_CTX_BARE + 1);
        return;
    }
    /* A superpage was entered as 4 KiB pieces under many slots: flush them
     * all when va lies in it (Linux fences a huge page by one address). */
    for (int k = 0; k < h->nsuperpages; k++) {
        if ((va & ~h->superpage_mask[k]) != h->superpage_base[k])
            continue;
        tlb_flush_range(h, h->superpage_base[k], h->superpage_mask[k]);
        h->nsuperpages--;
        h->superpage_base[k] = h->superpage_base[h->nsuperpages];
        h->superpage_mask[k] = h->superpage_mask[h->nsuperpages];
        h->superpage_global[k] = h->superpage_global[h->nsuperpages];
        k--;
    }
    for (int ctx = TLB_CTX_BARE + 1; ctx < TLB_CTXS; ctx++) {
        struct tlb_entry *e = tlb_slot(h, ctx, va);
        invalidate(e);
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
    int first_len = second - va < (uint64_t)size ? (int)(second - va) : size;
    if (!translate(h, va, acc, first_len, &pa[0]))
        return false;
    if (first_len == size) {
        pa[1] = pa[0] + (second - va);
        return true;
    }
    return translate(h, second, acc, size - first_len, &pa[1]);
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
        if (!translate(h, va, ACCESS_READ, size, &pa))
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
        if (!translate(h, va, ACCESS_WRITE, size, &pa))
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
    if (!translate(h, va, ACCESS_EXEC, 2, &pa))
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

/* -- The debugger's view -----------------------------------------------------------
 * gdbstub.c and monitor.c read and write guest memory as a hart sees it, but
 * touch nothing the guest could notice: the walk sets no A/D bit, fills no TLB
 * entry and logs nothing; it ignores permissions (a debugger may read a page
 * the current mode cannot), and only RAM is accessed, since reading a device
 * register can change the device. */

bool mmu_debug_translate(struct hart *h, uint64_t va, uint64_t *pa)
{
    unsigned mode = (unsigned)(h->satp >> SATP_MODE_SHIFT);
    if (effective_priv(h, ACCESS_READ) == PRIV_M || mode == SATP_MODE_BARE) {
        *pa = va;
        return true;
    }
    int levels = mode == SATP_MODE_SV48 ? 4 : 3;
    int va_bits = 12 + 9 * levels;
    if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
        return false;
    uint64_t table = (h->satp & SATP_PPN_MASK) << 12;
    for (int level = levels - 1; level >= 0; level--) {
        const uint8_t *p = mmu_ram_ptr(h->m, table + ((va >> (12 + 9 * level)) & 0x1ff) * 8, 8);
        if (!p)
            return false;
        uint64_t pte = mmu_host_load(p, 8);
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) ||
            (pte & (PTE_RESERVED_MASK | PTE_PBMT_MASK | PTE_N)))
            return false;
        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        if (!(pte & (PTE_R | PTE_X))) {
            table = ppn << 12;
            continue;
        }
        if (ppn & ((1ULL << (9 * level)) - 1))
            return false; /* misaligned superpage */
        uint64_t offset_mask = (1ULL << (12 + 9 * level)) - 1;
        *pa = (ppn << 12 & ~offset_mask) | (va & offset_mask);
        return true;
    }
    return false; /* a pointer at level 0 */
}

size_t mmu_debug_access(struct machine *m, struct hart *h, uint64_t addr, void *buf,
                        size_t len, bool write)
{
    uint8_t *bytes = buf;
    size_t done = 0;
    while (done < len) {
        uint64_t va = addr + done, pa = va;
        size_t chunk = 4096 - (size_t)(va & 0xfff);
        if (chunk > len - done)
            chunk = len - done;
        if (h && !mmu_debug_translate(h, va, &pa))
            break;
        uint8_t *host = mmu_ram_ptr(m, pa, chunk);
        if (!host)
            break;
        if (write) {
            memcpy(host, bytes + done, chunk);
            mmu_ram_written(m, pa, chunk); /* translated code there goes */
        } else {
            memcpy(bytes + done, host, chunk);
        }
        done += chunk;
    }
    return done;
}
