/* jit.c — the code cache: finding, linking, invalidating and flushing
 * translated blocks, and the loop that runs them.
 *
 * machine.c calls jit_run() for a slice of a hart.  jit_run looks the hart's
 * pc up in the hart's jump cache (virtual pc -> host code); on a miss it
 * translates the pc to a physical address and finds the block by (physical
 * pc, code flags), translating it (jit_x64.c) when it is new.  Then it enters
 * generated code, which runs block after block — chained directly, or
 * through the jump cache probed inline — until instret reaches the limit, an
 * instruction traps, or a block needs something only C can do; generated
 * code then returns one enum jit_exit_code here.
 *
 * Life of a block:
 *   born    jit_find_block translates it into two scratch buffers (its main
 *           path and its out-of-line code), copies each into its region of
 *           the cache and watches its physical page (mmu.c), so any
 *           store or DMA into that page reaches jit_page_written();
 *   linked  its direct exits to blocks on the same page are patched to jump
 *           straight to them (jit_chain), each link recorded at the target;
 *   dies    when its page is written: every block of the page is marked
 *           invalid, taken out of the hash, links into it are undone and all
 *           jump caches are cleared.  Its bytes stay where they are until the
 *           next full flush, so a block that is still running (it made the
 *           store) finishes safely: the store helper sees the invalidation
 *           and leaves the block right after the store.
 *   flushed when the cache is full, everything goes at once.  Translation
 *           happens only here in C, never while generated code is on the
 *           stack, so a flush can never pull code from under a running block.
 *
 * The cache is W^X: shared memory mapped twice, written through one view and
 * executed through the other; where that is refused, one mapping is
 * switched with mprotect around every write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dbt.h"
#include "jit.h"
#include "mmu.h"
#include "perfmap.h"

#define SCRATCH_SIZE (1u << 20) /* one trace's host code, with room to spare */
#define HASH_BITS 16

static void die_jit(const char *what)
{
    fprintf(stderr, "dbt: JIT: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* -- The cache's memory ------------------------------------------------------- */

/* Two views of the same pages, one writable and one executable, so that
 * code is never writable where it runs and writes need no mprotect: shared
 * anonymous memory, mapped a second time by mremap (old size 0).  perf
 * counts it as anonymous (/dev/zero in /proc/PID/maps), so -perfmap's
 * perf-PID.map names the code in it; a memfd would be a (deleted) file to
 * perf, whose map it does not read there. */
static bool map_twice(struct jit *j)
{
    void *rw = mmap(NULL, j->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED)
        return false;
    void *rx = mremap(rw, 0, j->size, MREMAP_MAYMOVE);
    if (rx != MAP_FAILED && mprotect(rx, j->size, PROT_READ | PROT_EXEC) == 0) {
        j->rw = rw;
        j->exec_delta = (intptr_t)rx - (intptr_t)rw;
        return true;
    }
    if (rx != MAP_FAILED)
        munmap(rx, j->size);
    munmap(rw, j->size);
    return false;
}

static void cache_map(struct jit *j)
{
    /* DBT_JIT_MPROTECT=1 takes the fallback, so tests can run it. */
    if (!getenv("DBT_JIT_MPROTECT") && map_twice(j))
        return;
    /* One mapping, never writable and executable at once. */
    void *p = mmap(NULL, j->size, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die_jit("cannot map the code cache");
    j->rw = p;
    j->exec_delta = 0;
    j->wx_toggle = true;
}

/* Bracket every write of [p, p+len) into the cache.  With one mapping,
 * only the pages written change protection: switching all of a 64 MiB
 * cache for every block and chain patch costs more than the translation. */
static void cache_protect(uint8_t *p, size_t len, int prot)
{
    uintptr_t start = (uintptr_t)p & ~(uintptr_t)4095;
    uintptr_t end = ((uintptr_t)p + len + 4095) & ~(uintptr_t)4095;
    if (mprotect((void *)start, end - start, prot))
        die_jit("mprotect");
}

static void cache_write_begin(struct jit *j, uint8_t *p, size_t len)
{
    if (j->wx_toggle)
        cache_protect(p, len, PROT_READ | PROT_WRITE);
}

static void cache_write_end(struct jit *j, uint8_t *p, size_t len)
{
    if (j->wx_toggle)
        cache_protect(p, len, PROT_READ | PROT_EXEC);
}

static uint8_t *exec_addr(const struct jit *j, const uint8_t *rw)
{
    return (uint8_t *)((intptr_t)rw + j->exec_delta);
}

/* -- Jump caches --------------------------------------------------------------- */

static void jcache_wipe(struct hart *h)
{
    /* tag ~0 is odd and so never equals an (even) pc xor-ed with anything */
    memset(h->jcache, 0xff, JCACHE_SIZE * sizeof *h->jcache);
}

/* Emptying the jump cache is frequent (every satp write), so it is a new
 * generation in the tags, not a memset: a tag is vpc ^ (flags << 56) ^ (gen
 * << 48), and canonical virtual addresses have bits 48-63 all equal, so
 * entries of another generation can never match.  Code on global pages
 * (the kernel's) has tags of its own generation, with bit 60 flipped too,
 * that a satp write does not renew.  Only when a generation wraps is the
 * table really wiped. */
void jit_jcache_clear_nonglobal(struct hart *h)
{
    memset(h->jcache_filter, 0, sizeof h->jcache_filter);
    if (++h->jcache_gen == 0)
        jcache_wipe(h);
    cpu_update_mmu_ctx(h); /* recomputes jcache_xor */
    if (h->m->jit)
        h->m->jit->stats.jcache_clears++;
}

void jit_jcache_clear(struct hart *h)
{
    memset(h->jcache_gfilter, 0, sizeof h->jcache_gfilter);
    if (++h->jcache_ggen == 0)
        jcache_wipe(h);
    jit_jcache_clear_nonglobal(h);
}

void jit_jcache_clear_all(struct jit *j)
{
    j->stats.jcache_clears_code++;
    for (int i = 0; i < j->m->nharts; i++)
        jit_jcache_clear(j->m->harts[i]);
}

void jit_jcache_replace(struct jit *j, const uint8_t *old_code, uint8_t *new_code)
{
    for (int i = 0; i < j->m->nharts; i++) {
        struct jit_cache_entry *c = j->m->harts[i]->jcache;
        for (unsigned k = 0; k < JCACHE_SIZE; k++) {
            if (c[k].code != old_code)
                continue;
            if (new_code)
                c[k].code = new_code;
            else
                c[k].tag = ~0ULL;
        }
    }
}

void jit_jcache_replace_at(struct jit *j, uint64_t vpc, const uint8_t *old_code,
                           uint8_t *new_code)
{
    for (int i = 0; i < j->m->nharts; i++) {
        struct jit_cache_entry *e = &j->m->harts[i]->jcache[jcache_index(vpc)];
        if (e->code == old_code)
            e->code = new_code;
    }
}

/* One bit per (hashed) virtual region the jump cache holds code from, for
 * 4 KiB pages, 2 MiB and 1 GiB regions alike (shift 12, 21 or 30).  The
 * global entries' bits stay set across satp writes, so the filter is large
 * (2^16 bits): with Linux's kernel code in it, few data pages hit it. */
_Static_assert(sizeof ((struct hart *)0)->jcache_filter * 8 == 1u << JCACHE_FILTER_BITS,
               "the filter has 2^JCACHE_FILTER_BITS bits");
static unsigned jcache_region_bit(uint64_t va, unsigned shift)
{
    return (unsigned)((((va >> shift) << 2 | shift / 10) * 0x9E3779B97F4A7C15ULL) >>
                      (64 - JCACHE_FILTER_BITS));
}

static bool jcache_may_hold(const struct hart *h, uint64_t va, unsigned shift)
{
    unsigned bit = jcache_region_bit(va, shift);
    return (h->jcache_filter[bit / 64] | h->jcache_gfilter[bit / 64]) & (1ULL << (bit % 64));
}

/* Linux fences single kernel pages by the thousand (fixmaps, vmalloc,
 * its linear map): most hold no code the jump cache knows, and then it
 * keeps its entries.  `size` is the page or superpage that va lies in. */
void jit_jcache_flush_page(struct hart *h, uint64_t va, uint64_t size)
{
    unsigned shift = size >= (1ULL << 30) ? 30 : size >= (1ULL << 21) ? 21 : 12;
    if (!jcache_may_hold(h, va, shift))
        return;
    /* Drop just the entries of that page, whatever their generation or
     * flags: bits 12..47 of a tag are those of its pc (canonical addresses
     * repeat bit 47 above, where the xor-ed generation and flags live).
     * A scan costs a few microseconds; emptying the cache would cost the
     * kernel its whole working set, looked up again in C. */
    uint64_t mask = 0x0000ffffffffffffULL & ~((1ULL << shift) - 1);
    uint64_t page = va & mask;
    /* The pcs of one 4 KiB page index one aligned block of 2048
     * slots (jcache_index: bits 1-11 of the pc vary, the rest is fixed);
     * a superpage's may be anywhere. */
    unsigned first = 0, n = JCACHE_SIZE;
    if (shift == 12) {
        n = 2048;
        first = jcache_index(page) & ~(n - 1);
    }
    for (unsigned i = first; i < first + n; i++)
        if ((h->jcache[i].tag & mask) == page)
            h->jcache[i].tag = ~0ULL;
}

static void jcache_insert(struct hart *h, struct jit_cache_entry *e, uint64_t pc,
                          uint8_t *code)
{
    static const unsigned shifts[] = {12, 21, 30};
    bool global = mmu_code_global(h, pc);
    uint64_t *pages = global ? h->jcache_gfilter : h->jcache_filter;
    for (int i = 0; i < 3; i++) {
        unsigned bit = jcache_region_bit(pc, shifts[i]);
        pages[bit / 64] |= 1ULL << (bit % 64);
    }
    bool first_is_global = h->jcache_xor >> 60 & 1;
    e->tag = pc ^ (global == first_is_global ? h->jcache_xor : h->jcache_xor2);
    e->code = code;
}

/* -- Flush ---------------------------------------------------------------------- */

void jit_flush(struct jit *j)
{
    struct machine *m = j->m;
    for (size_t i = 0; i < j->nblocks; i++) {
        struct jit_block *blk = jit_block_at(j, i);
        if (blk->valid)
            mmu_unwatch_page(m, blk->pa, WATCH_CODE);
        if (blk->trace) {
            struct trace_info *ti = blk->trace;
            for (int k = 0; blk->valid && k < ti->npages; k++)
                mmu_unwatch_page(m, ti->page_pa[k], WATCH_CODE);
            trace_free(j, ti);
        }
    }
    j->nblocks = 0;
    j->used = j->stubs_end;
    j->cold_used = j->cold_start;
    memset(j->hash, 0, sizeof *j->hash << HASH_BITS);
    memset(j->page_blocks, 0, (m->ram_size >> 12) * sizeof *j->page_blocks);
    memset(j->page_extra, 0, (m->ram_size >> 12) * sizeof *j->page_extra);
    trace_flush(j);
    jit_jcache_clear_all(j);
    j->invalidations++;
    j->stats.flushes++;
}

/* -- Finding blocks ----------------------------------------------------------- */

static size_t hash_of(uint64_t pa, uint32_t flags)
{
    uint64_t k = (pa ^ ((uint64_t)flags << 60)) * 0x9E3779B97F4A7C15ULL;
    return (size_t)(k >> (64 - HASH_BITS));
}

static struct jit_block *hash_find(struct jit *j, uint64_t pa, uint32_t flags)
{
    for (struct jit_block *b = j->hash[hash_of(pa, flags)]; b; b = b->hash_next)
        if (b->pa == pa && b->flags == flags)
            return b;
    return NULL;
}

static void hash_remove(struct jit *j, struct jit_block *blk)
{
    struct jit_block **pp = &j->hash[hash_of(blk->pa, blk->flags)];
    while (*pp && *pp != blk)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = blk->hash_next;
}

static size_t page_index(const struct jit *j, uint64_t pa)
{
    return (size_t)((pa - j->m->ram_base) >> 12);
}

/* -- Main paths and out-of-line code ----------------------------------------------
 * A translation writes two runs of host code: its main path (the guest
 * instructions as they run when nothing unusual happens, with its side
 * exits) and its slow paths (TLB misses, FP corner cases, helper
 * fallbacks: jit_x64.c, stub_is_cold), which are most of the bytes: in a
 * boot's first blocks 41 bytes a guest instruction of 75.  They go to two
 * regions of the cache, main paths from stubs_end up to cold_start and
 * slow paths above it, so the main paths of blocks that run one after the
 * other lie side by side, and the host's instruction cache, TLB and op
 * cache hold fewer bytes that never run.  Measured in paired runs, five
 * fresh boots of each (4 for fork+exec): 500 fork+exec and the syscall
 * loop 0.85x the time, bash fib 0.96x, cpubench 0.98x.  Each run is
 * written into a scratch buffer of its own, as if it were already at its
 * place (exec_delta), then copied. */
#define MAIN_TWENTIETHS 9 /* a boot and cpubench fill both regions alike */

static void regions_init(struct jit *j)
{
    size_t room = j->size - j->stubs_end;
    j->used = j->stubs_end;
    j->cold_start = j->cold_used = j->stubs_end + (room / 20 * MAIN_TWENTIETHS & ~(size_t)63);
}

/* Aim b (the main path) and *cold at the scratch buffers, each as if at
 * its region's next free byte; j->cold tells the translator where the
 * out-of-line code goes. */
static void begin_translation(struct jit *j, struct x64_buf *b, struct x64_buf *cold)
{
    x64_buf_init(b, j->scratch, j->scratch_size,
                 (intptr_t)exec_addr(j, j->rw + j->used) - (intptr_t)j->scratch);
    x64_buf_init(cold, j->cold_scratch, j->scratch_size,
                 (intptr_t)exec_addr(j, j->rw + j->cold_used) - (intptr_t)j->cold_scratch);
    j->cold = cold;
}

/* Does each run fit what is left of its region? */
static bool translation_fits(const struct jit *j, const struct x64_buf *b,
                             const struct x64_buf *cold)
{
    return (size_t)(b->p - b->start) <= j->cold_start - j->used &&
           (size_t)(cold->p - cold->start) <= j->size - j->cold_used;
}

/* Copy one run of host code into the cache at rw offset `at`. */
static uint8_t *copy_in(struct jit *j, size_t at, const struct x64_buf *b)
{
    size_t size = (size_t)(b->p - b->start);
    uint8_t *dst = j->rw + at;
    if (size) {
        cache_write_begin(j, dst, size);
        memcpy(dst, b->start, size);
        cache_write_end(j, dst, size);
    }
    return dst;
}

/* Copy a translated block from the scratch buffers into the cache and give
 * its links their final addresses. */
static void install(struct jit *j, struct jit_block *blk, const struct x64_buf *b,
                    const struct x64_buf *cold)
{
    size_t size = (size_t)(b->p - b->start), cold_size = (size_t)(cold->p - cold->start);
    uint8_t *dst = copy_in(j, j->used, b), *cold_dst = copy_in(j, j->cold_used, cold);
    for (int i = 0; i < blk->nlinks; i++) {
        uint8_t **f = &blk->links[i].jmp_field;
        *f += *f >= cold->start && *f < cold->end ? cold_dst - cold->start : dst - b->start;
    }
    blk->code = exec_addr(j, dst);
    blk->code_size = (uint32_t)size;
    blk->cold_code = exec_addr(j, cold_dst);
    blk->cold_size = (uint32_t)cold_size;
    j->used = (j->used + size + 15) & ~(size_t)15;
    j->cold_used += cold_size;
}

/* Chain a new block's direct exits to the blocks already there; the
 * others ask to be chained the first time they are taken (JIT_EXIT_LINK).
 * Each saves a return to C.  Most exits of a block lead to code not yet
 * translated (a boot plus fib(18) made 4 thousand fewer returns of 34
 * thousand), but a trace's lead to the blocks of its path, all there. */
static void chain_to_existing(struct jit *j, struct jit_block *blk)
{
    for (int i = 0; i < blk->nlinks; i++) {
        struct jit_block *to = hash_find(j, blk->links[i].target_pa, blk->flags);
        if (to)
            jit_chain(j, &blk->links[i], to);
    }
}

/* The record for block j->nblocks.  Sized for a full cache the records
 * would be up to a million (320 MiB), most runs fill a small part, and
 * calloc'd in one piece they cost every AddressSanitizer start 0.5 s.  So
 * they come in chunks, each allocated when the first of it is needed and
 * kept across flushes; a record never moves (hash and page lists point
 * at it). */
static struct jit_block *next_block_record(struct jit *j)
{
    struct jit_block **chunk = &j->block_chunks[j->nblocks / BLOCK_CHUNK];
    if (!*chunk && !(*chunk = calloc(BLOCK_CHUNK, sizeof **chunk)))
        die_jit("out of memory");
    return jit_block_at(j, j->nblocks);
}

struct jit_block *jit_new_block(struct jit *j, uint64_t pa, uint64_t vpc, uint32_t flags,
                                bool (*emit)(struct jit *, struct jit_block *,
                                             struct x64_buf *, void *),
                                void *arg)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (j->nblocks == j->max_blocks) {
            jit_flush(j);
            continue;
        }
        struct jit_block *blk = next_block_record(j);
        memset(blk, 0, sizeof *blk);
        blk->pa = pa;
        blk->flags = flags;
        struct x64_buf b, cold;
        begin_translation(j, &b, &cold);
        bool emitted = emit(j, blk, &b, arg);
        j->cold = NULL;
        if (!emitted || b.overflow || cold.overflow)
            return NULL; /* cannot happen with SCRATCH_SIZE; the interpreter steps */
        if (!translation_fits(j, &b, &cold)) {
            jit_flush(j); /* full: the addresses baked in are void, translate again */
            continue;
        }
        install(j, blk, &b, &cold);
        if (j->m->perfmap) {
            perfmap_block(j->m, blk->code, blk->code_size, vpc, pa, blk->trace != NULL);
            if (blk->cold_size)
                perfmap_block(j->m, blk->cold_code, blk->cold_size, vpc, pa, blk->trace != NULL);
        }
        j->nblocks++;
        blk->valid = true;
        size_t hb = hash_of(pa, flags);
        blk->hash_next = j->hash[hb];
        j->hash[hb] = blk;
        size_t pi = page_index(j, pa);
        blk->page_next = j->page_blocks[pi];
        j->page_blocks[pi] = blk;
        mmu_watch_page(j->m, pa, WATCH_CODE);
        chain_to_existing(j, blk);
        return blk;
    }
    return NULL;
}

struct block_source {
    const uint8_t *guest; /* host bytes of the first instruction */
    uint64_t vpc;
};

static bool emit_block(struct jit *j, struct jit_block *blk, struct x64_buf *b, void *arg)
{
    const struct block_source *src = arg;
    blk->counted = trace_is_head(j, blk->pa, blk->flags);
    blk->hot = j->trace_threshold;
    if (!jit_translate(j, blk, src->guest, src->vpc, b))
        return false;
    if (blk->counted || !trace_is_head(j, blk->pa, blk->flags))
        return true;
    /* it jumps back to its own start, a head it has only now found: again,
     * counting (and with -d out_asm, logged twice) */
    b->p = b->start;
    j->cold->p = j->cold->start;
    blk->nlinks = 0;
    blk->counted = true;
    return jit_translate(j, blk, src->guest, src->vpc, b);
}

static struct jit_block *translate_new(struct jit *j, struct hart *h, uint64_t pa,
                                       uint32_t flags, const uint8_t *guest)
{
    struct block_source src = {guest, h->pc};
    struct jit_block *blk = jit_new_block(j, pa, h->pc, flags, emit_block, &src);
    if (blk) {
        j->stats.blocks++;
        j->stats.translated_insns += blk->ninsns;
    }
    return blk;
}

/* -- Straddlers ----------------------------------------------------------------
 * A 32-bit instruction in the last two bytes of a page is fetched from two
 * pages, which need not be neighbours in physical memory.  It gets a block
 * of its own, a straddler, found like any block by the physical pc of its
 * first half and watched on the page of its second half (pa2) as well.
 * Another process may map the first page alone, or this one remap the
 * second: the straddler's code first checks that pc + 2 still comes from
 * pa2, and if not leaves for the interpreter (JIT_EXIT_STEP).  Found by
 * the lookup in C for another pa2, a straddler gives way to a new one, up
 * to STRADDLER_MAX_REMAPS times; then the interpreter runs the instruction
 * whenever its second page is not the one of the last straddler.  (Before
 * straddlers, each run of such an instruction left generated code for the
 * interpreter: 97 thousand times in a Debian boot.) */
#define STRADDLER_MAX_REMAPS 8

uint32_t jit_straddler_bits(struct jit *j, uint64_t pa, uint64_t pa2)
{
    const uint8_t *lo = mmu_ram_ptr(j->m, pa, 2), *hi = mmu_ram_ptr(j->m, pa2, 2);
    return (uint32_t)(lo[0] | lo[1] << 8 | hi[0] << 16 | (uint32_t)hi[1] << 24);
}

struct straddler_source {
    uint32_t raw;
    uint64_t vpc, pa2;
    uint8_t remaps;
};

static bool emit_straddler(struct jit *j, struct jit_block *blk, struct x64_buf *b, void *arg)
{
    const struct straddler_source *src = arg;
    blk->pa2 = src->pa2; /* never a trace head: not counted */
    blk->remaps = src->remaps;
    return jit_translate_straddler(j, blk, src->raw, src->vpc, b);
}

/* The straddler at h->pc (physical pa): NULL when the interpreter is to
 * run it (its second half faults or is not in RAM, or it has had too many
 * second pages). */
static struct jit_block *find_straddler(struct jit *j, struct hart *h, uint64_t pa,
                                        uint32_t flags)
{
    uint64_t pa2;
    if (!mmu_code_pa(h, h->pc + 2, &pa2) || !mmu_ram_ptr(j->m, pa2, 2))
        return NULL; /* the interpreter takes the fault, with its tval */
    struct jit_block *old = hash_find(j, pa, flags);
    if (old && old->pa2 == pa2)
        return old;
    if (old && old->remaps == STRADDLER_MAX_REMAPS)
        return NULL;
    struct straddler_source src = {jit_straddler_bits(j, pa, pa2), h->pc, pa2,
                                   (uint8_t)(old ? old->remaps + 1 : 0)};
    const uint8_t *old_code = old ? old->code : NULL;
    uint64_t flushes = j->stats.flushes;
    if (old)
        jit_invalidate_block(j, old);
    struct jit_block *blk = jit_new_block(j, pa, h->pc, flags, emit_straddler, &src);
    if (!blk)
        return NULL;
    jit_watch_page(j, blk, &blk->on_pa2, pa2);
    j->stats.blocks++;
    j->stats.translated_insns++;
    if (old_code && j->stats.flushes == flushes) /* (a flush emptied the jump caches) */
        jit_jcache_replace(j, old_code, blk->code);
    return blk;
}

const uint8_t *jit_translate_prefix(struct hart *h, const struct jit_block *like, int max)
{
    struct jit *j = h->m->jit;
    static struct jit_block tmp;
    uint64_t pa;
    if (!mmu_translate(h, h->pc, ACCESS_EXEC, &pa))
        return NULL;
    const uint8_t *host = mmu_ram_ptr(j->m, pa, 2);
    if (!host)
        return NULL;
    memset(&tmp, 0, sizeof tmp);
    tmp.pa = pa;
    tmp.flags = cpu_code_flags(h);
    tmp.trace = like->trace;
    tmp.pa2 = like->pa2;
    struct x64_buf b, cold;
    begin_translation(j, &b, &cold);
    j->max_insns = max;
    bool ok = tmp.trace ? jit_translate_trace(j, &tmp, &b)
              : tmp.pa2 ? jit_translate_straddler(j, &tmp, jit_straddler_bits(j, pa, tmp.pa2), h->pc, &b)
                        : jit_translate(j, &tmp, host, h->pc, &b);
    j->max_insns = 0;
    j->cold = NULL;
    if (!ok || !translation_fits(j, &b, &cold))
        return NULL;
    install(j, &tmp, &b, &cold);
    return tmp.code;
}

struct jit_block *jit_find_block(struct hart *h, bool *fault)
{
    struct machine *m = h->m;
    struct jit *j = m->jit;
    uint64_t vpc = h->pc, pa;
    *fault = false;
    if (!mmu_code_pa(h, vpc, &pa)) {
        *fault = true;
        return NULL;
    }
    const uint8_t *host = mmu_ram_ptr(m, pa, 2);
    if (!host) { /* code runs from RAM only */
        h->trap_cause = EXC_INSN_ACCESS;
        h->trap_tval = vpc;
        *fault = true;
        return NULL;
    }
    uint32_t flags = cpu_code_flags(h);
    if (jit_straddles_page(pa, host))
        return find_straddler(j, h, pa, flags);
    struct jit_block *blk = hash_find(j, pa, flags);
    return blk ? blk : translate_new(j, h, pa, flags, host);
}

/* -- Chaining and invalidation ------------------------------------------------ */

static void patch_jump(struct jit *j, uint8_t *field, const uint8_t *target)
{
    cache_write_begin(j, field, 4);
    x64_patch_rel32_at(field, (uintptr_t)exec_addr(j, field), (uintptr_t)target);
    cache_write_end(j, field, 4);
}

void jit_chain(struct jit *j, struct jit_link *l, struct jit_block *to)
{
    patch_jump(j, l->jmp_field, to->code);
    l->to = to;
    l->next_in = to->incoming;
    to->incoming = l;
    j->stats.chains++;
}

static void unlink_from_target(struct jit_link *l)
{
    struct jit_link **pp = &l->to->incoming;
    while (*pp && *pp != l)
        pp = &(*pp)->next_in;
    if (*pp)
        *pp = l->next_in;
    l->to = NULL;
}

void jit_invalidate_block(struct jit *j, struct jit_block *blk)
{
    if (!blk->valid)
        return;
    blk->valid = false;
    hash_remove(j, blk);
    for (struct jit_link *l = blk->incoming; l; l = l->next_in) {
        patch_jump(j, l->jmp_field, l->unlinked_target);
        l->to = NULL;
        j->stats.unlinks++;
    }
    blk->incoming = NULL;
    for (int i = 0; i < blk->nlinks; i++)
        if (blk->links[i].to)
            unlink_from_target(&blk->links[i]);
    j->stats.blocks_invalidated++;
    if (blk->trace)
        trace_died(j, blk);
}

struct jit_block *jit_lookup(struct jit *j, uint64_t pa, uint32_t flags)
{
    return hash_find(j, pa, flags);
}

void jit_watch_page(struct jit *j, struct jit_block *blk, struct page_member *m, uint64_t pa)
{
    size_t pi = page_index(j, pa);
    m->blk = blk;
    m->next = j->page_extra[pi];
    j->page_extra[pi] = m;
    mmu_watch_page(j->m, pa, WATCH_CODE);
}

void jit_redirect_incoming(struct jit *j, struct jit_block *from, struct jit_block *to)
{
    struct jit_link *l = from->incoming;
    from->incoming = NULL;
    while (l) {
        struct jit_link *next = l->next_in;
        patch_jump(j, l->jmp_field, to->code);
        l->to = to;
        l->next_in = to->incoming;
        to->incoming = l;
        l = next;
    }
}

/* The watcher of code pages (mmu.c calls it after a write landed). */
static void jit_page_written(void *opaque, uint64_t paddr, uint64_t len)
{
    struct jit *j = opaque;
    (void)len;
    size_t pi = page_index(j, paddr);
    for (struct jit_block *blk = j->page_blocks[pi]; blk; blk = blk->page_next)
        jit_invalidate_block(j, blk);
    j->page_blocks[pi] = NULL;
    for (struct page_member *pm = j->page_extra[pi]; pm; pm = pm->next)
        jit_invalidate_block(j, pm->blk);
    j->page_extra[pi] = NULL;
    mmu_unwatch_page(j->m, paddr, WATCH_CODE);
    jit_jcache_clear_all(j);
    j->invalidations++;
    j->stats.inval_dma++; /* the store helper moves guest stores to inval_store */
}

/* -- FP flags ----------------------------------------------------------------
 * Generated FP code leaves its exceptions accrued in the host's MXCSR; they
 * are folded into fflags whenever control is back in C. */

void jit_fold_fflags(struct hart *h)
{
    unsigned cs = __builtin_ia32_stmxcsr();
    if (!(cs & 0x3f))
        return;
    /* MXCSR: IE=0 DE=1 ZE=2 OE=3 UE=4 PE=5; fflags: NX=0 UF=1 OF=2 DZ=3 NV=4 */
    uint8_t f = 0;
    if (cs & 0x01) f |= 0x10;
    if (cs & 0x04) f |= 0x08;
    if (cs & 0x08) f |= 0x04;
    if (cs & 0x10) f |= 0x02;
    if (cs & 0x20) f |= 0x01;
    h->fflags |= f;
    __builtin_ia32_ldmxcsr(cs & ~0x3fu);
}

/* -- The run loop ------------------------------------------------------------- */

void jit_step_without_block(struct hart *h, bool fault)
{
    bool trapped = true;
    if (fault) {
        cpu_trap(h, h->trap_cause, h->trap_tval);
    } else {
        trapped = !cpu_step(h);
        __builtin_ia32_ldmxcsr(JIT_MXCSR); /* fpu.c may have run */
        h->m->jit->stats.interp_steps++;
    }
    if (trapped)
        cpu_charge_trap(h); /* so a trap storm still yields */
}

/* Follow a JIT_EXIT_LINK: find the target and chain the link to it. */
static void link_exit(struct jit *j, struct hart *h)
{
    struct jit_link *l = h->jit_link;
    uint64_t invalidations = j->invalidations;
    bool fault;
    struct jit_block *to = jit_find_block(h, &fault);
    /* A flush or invalidation on the way voids the link record. */
    if (!to || invalidations != j->invalidations || !l->from->valid || l->to)
        return;
    if (to->pa == l->target_pa && to->flags == l->from->flags)
        jit_chain(j, l, to);
}

void jit_run(struct hart *h)
{
    struct jit *j = h->m->jit;
    __builtin_ia32_ldmxcsr(JIT_MXCSR);
    while (cpu_has_budget(h)) {
        uint64_t pc = h->pc;
        struct jit_cache_entry *e = &h->jcache[jcache_index(pc)];
        const uint8_t *code;
        j->stats.lookups++;
        if (e->tag == (pc ^ h->jcache_xor) || e->tag == (pc ^ h->jcache_xor2)) {
            code = e->code;
        } else {
            j->stats.jcache_misses++;
            bool fault;
            struct jit_block *blk = jit_find_block(h, &fault);
            if (!blk) {
                jit_step_without_block(h, fault);
                continue;
            }
            code = blk->code;
            jcache_insert(h, e, pc, blk->code);
        }
        if (h->m->log & (LOG_IN_ASM | LOG_EXEC))
            cpu_log_block_start(h);
        int why = jit_enter(j, h, code);
        jit_fold_fflags(h);
        switch ((enum jit_exit_code)why) {
        case JIT_EXIT_TRAP:
            j->stats.exits_trap++;
            cpu_trap(h, h->trap_cause, h->trap_tval);
            cpu_charge_trap(h); /* so a trap storm still yields */
            break;
        case JIT_EXIT_LINK:
            j->stats.exits_link++;
            link_exit(j, h);
            break;
        case JIT_EXIT_LOOKUP:
            h->jit_probe[PROBE_JCACHE_MISS]++; /* a jump cache probe in generated code missed */
            j->stats.exits_lookup++;
            break;
        case JIT_EXIT_BUDGET:
            j->stats.exits_budget++;
            break;
        case JIT_EXIT_HOT:
            trace_hot(h);
            break;
        case JIT_EXIT_STEP:
            jit_step_without_block(h, false);
            break;
        }
    }
}

/* -- Creation and statistics ------------------------------------------------- */

static bool host_has_avx(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx");
}

static bool host_has_fma(void)
{
    return host_has_avx() && __builtin_cpu_supports("fma");
}

void jit_create(struct machine *m, uint64_t size)
{
    struct jit *j = calloc(1, sizeof *j);
    if (!j)
        die_jit("out of memory");
    j->m = m;
    j->size = (size_t)size;
    cache_map(j);
    /* blocks average 400+ bytes of code; past a million records, flush */
    j->max_blocks = j->size / 128 < (1u << 20) ? j->size / 128 : (1u << 20);
    j->block_chunks = calloc(j->max_blocks / BLOCK_CHUNK + 1, sizeof *j->block_chunks);
    j->hash = calloc((size_t)1 << HASH_BITS, sizeof *j->hash);
    j->page_blocks = calloc(m->ram_size >> 12, sizeof *j->page_blocks);
    j->page_extra = calloc(m->ram_size >> 12, sizeof *j->page_extra);
    j->scratch_size = SCRATCH_SIZE;
    j->scratch = malloc(j->scratch_size);
    j->cold_scratch = malloc(j->scratch_size);
    if (!j->block_chunks || !j->hash || !j->page_blocks || !j->page_extra || !j->scratch ||
        !j->cold_scratch)
        die_jit("out of memory");
    j->have_fma = host_has_fma() && !getenv("DBT_NO_FMA");
    j->have_avx = host_has_avx() && !getenv("DBT_NO_AVX");
    const char *bug = getenv("DBT_JIT_SELFTEST_BUG");
    j->selftest_bug = !bug ? SELFTEST_NONE : !strcmp(bug, "trace") ? SELFTEST_TRACES : SELFTEST_ALL;
    for (int i = 0; i < m->nharts; i++) {
        struct hart *h = m->harts[i];
        h->jcache = malloc(JCACHE_SIZE * sizeof *h->jcache);
        if (!h->jcache)
            die_jit("out of memory");
        jcache_wipe(h);
    }
    m->jit = j;
    j->no_chain = m->engine == ENGINE_CHECK || (m->log & (LOG_IN_ASM | LOG_EXEC));
    trace_init(j, true, TRACE_THRESHOLD_DEFAULT);
    mmu_set_watcher(m, WATCH_CODE, jit_page_written, j);
    if (m->engine == ENGINE_CHECK)
        m->tlb_no_write = true; /* every store through the slow path, logged */

    /* The trampolines sit at the start of the cache and survive flushes. */
    struct x64_buf b;
    x64_buf_init(&b, j->scratch, j->scratch_size, (intptr_t)exec_addr(j, j->rw) - (intptr_t)j->scratch);
    jit_emit_trampolines(j, &b);
    size_t n = (size_t)(b.p - b.start);
    cache_write_begin(j, j->rw, n);
    memcpy(j->rw, b.start, n);
    cache_write_end(j, j->rw, n);
    j->stubs_end = (n + 63) & ~(size_t)63;
    regions_init(j);
    if (m->perfmap)
        perfmap_stub(m, exec_addr(j, j->rw), n, "dbt: trampolines (enter, exits, second probe)");
}

int jit_enter(struct jit *j, struct hart *h, const uint8_t *code)
{
    int (*enter)(struct hart *, const uint8_t *) =
        (int (*)(struct hart *, const uint8_t *))(uintptr_t)j->enter;
    return enter(h, code);
}

/* One -stats line: the share of `probes` that were no miss, if any ran. */
static void print_hit_rate(FILE *out, const char *text, uint64_t probes, uint64_t misses)
{
    if (probes)
        fprintf(out, "dbt: jit: %-44s %.2f%% of %llu\n", text,
                100.0 * (double)(probes - misses) / (double)probes, (unsigned long long)probes);
}

void jit_print_stats(struct jit *j, FILE *out)
{
    struct machine *m = j->m;
#define X(name, text) fprintf(out, "dbt: jit: %-44s %llu\n", text, (unsigned long long)j->stats.name);
    JIT_STATS(X)
#undef X
    trace_print_stats(j, out);
    fprintf(out, "dbt: jit: %-44s %zu of %zu KiB%s\n", "code cache used",
            (j->used + j->cold_used - j->cold_start) >> 10, j->size >> 10,
            j->wx_toggle ? " (W^X by mprotect)" : " (W^X, two mappings)");
    fprintf(out, "dbt: jit: %-44s %zu of %zu KiB\n", "code cache used: main paths",
            (j->used - j->stubs_end) >> 10, (j->cold_start - j->stubs_end) >> 10);
    fprintf(out, "dbt: jit: %-44s %zu of %zu KiB\n", "code cache used: out of line",
            (j->cold_used - j->cold_start) >> 10, (j->size - j->cold_start) >> 10);
    uint64_t probes[NUM_PROBES] = {0};
    for (int i = 0; i < m->nharts; i++)
        for (int k = 0; k < NUM_PROBES; k++)
            probes[k] += m->harts[i]->jit_probe[k];
    print_hit_rate(out, "data TLB hit rate (inline probes)", probes[PROBE_TLB], probes[PROBE_TLB_MISS]);
    print_hit_rate(out, "jump cache hit rate (indirect jumps)", probes[PROBE_JCACHE],
                   probes[PROBE_JCACHE_MISS]);
    print_hit_rate(out, "probe slot hit rate (loop traces)", probes[PROBE_LSLOT],
                   probes[PROBE_LSLOT_MISS]);
    print_hit_rate(out, "load/store window hit rate (no probe)", probes[PROBE_WINDOW],
                   probes[PROBE_WINDOW_MISS]);
    if (j->stats.lookups)
        fprintf(out, "dbt: jit: %-44s %.2f%%\n", "jump cache hit rate (lookups in C)",
                100.0 * (double)(j->stats.lookups - j->stats.jcache_misses) /
                    (double)j->stats.lookups);
}
