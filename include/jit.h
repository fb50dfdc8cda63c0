/* jit.h — the block JIT: the code cache and the run loop (jit.c), the
 * translation of guest blocks to x86-64 (jit_x64.c, on the encoder x64.c)
 * and the lockstep checker (jit_check.c). */
#ifndef JIT_H
#define JIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "x64.h"

struct machine;
struct hart;

/* The default: the bench guest's boot fills 48 MiB, and its workloads run
 * three times over 62 MiB; a full cache is flushed and everything is
 * translated again.  Pages of the cache cost host memory only once code is
 * written to them.  (QEMU's TCG takes up to 1 GiB in system mode.) */
#define JIT_CACHE_DEFAULT (256u << 20)
#define JIT_CACHE_MIN (64u << 10)
#define JIT_CACHE_MAX (1024u << 20)

/* -- What generated code returns to jit_run() in eax ------------------------ */
enum jit_exit_code {
    JIT_EXIT_LOOKUP, /* h->pc is the next guest pc: find its block */
    JIT_EXIT_BUDGET, /* instret reached insn_limit at a block entry (h->pc = its pc) */
    JIT_EXIT_TRAP,   /* an instruction trapped: h->pc is its pc, the cause in
                        h->trap_cause / trap_tval */
    JIT_EXIT_LINK,   /* a direct exit not yet chained: h->jit_link says which */
    JIT_EXIT_HOT,    /* a candidate trace head's counter ran out (h->pc = its
                        pc, nothing of it run yet): record a trace (trace.c) */
    JIT_EXIT_STEP,   /* a page-straddling instruction's second page is not
                        the one it was translated for, or not in the fetch
                        TLB (h->pc = its pc, nothing run): interpret it */
};

/* -- Blocks ------------------------------------------------------------------
 * A block is found by its guest physical pc and the code flags it was
 * translated for (cpu_code_flags).  Its code is position independent in the
 * guest's address space: it reads the virtual pc from h->pc (which holds the
 * block's own pc at entry) and adds offsets, so two processes that map the
 * same physical page at different addresses share one translation. */
struct jit_block;

/* A block's membership of a page other than its first: one node in
 * j->page_extra[page] (a trace's later pages, a straddler's second). */
struct page_member {
    struct jit_block *blk;
    struct page_member *next;
};

/* A direct exit (branch or jal) to a known pc on the same physical page:
 * the jmp at `jmp_field` first goes to a stub that asks to be linked, then,
 * once patched, straight to the target block. */
struct jit_link {
    uint8_t *jmp_field;        /* write address of the jmp's rel32 */
    uint8_t *unlinked_target;  /* exec address the jmp goes to when unlinked */
    uint64_t target_pa;        /* guest physical pc of the target */
    struct jit_block *from;
    struct jit_block *to;      /* the block it is chained to, or NULL */
    struct jit_link *next_in;  /* next link into `to` */
};

#define JIT_MAX_LINKS 4

struct trace_info;

/* Counters trace code bumps under -stats (absolute addresses in the code):
 * each trace's own, in its trace_info. */
struct trace_stats {
    uint64_t entries;          /* trace entries from outside */
    uint64_t iterations;       /* loop traces: back-edges taken */
    uint64_t side_exits;       /* left before the end of the path */
    uint64_t jalr_misses;      /* of those: an indirect jump went elsewhere */
    uint64_t insns;            /* guest instructions retired inside traces */
};

struct jit_block {
    uint64_t pa;               /* guest physical pc of the first instruction */
    uint32_t flags;            /* code flags the block was translated for */
    uint16_t ninsns;           /* guest instructions */
    uint16_t guest_bytes;
    uint8_t *code;             /* exec address of the entry */
    uint32_t code_size;        /* its main path, from code on */
    uint8_t *cold_code;        /* exec address of its slow paths (jit.c) */
    uint32_t cold_size;
    bool valid;
    bool counted;              /* a candidate trace head: its prologue counts */
    uint8_t trace_tries;       /* traces recorded from here that failed or died */
    int32_t hot;               /* the prologue's countdown to JIT_EXIT_HOT */
    struct trace_info *trace;  /* non-NULL: this is a trace (trace.c), not a block */
    struct jit_block *hash_next;   /* same (pa, flags) hash bucket */
    struct jit_block *page_next;   /* same physical page */
    struct jit_link links[JIT_MAX_LINKS]; /* its direct exits to the same page */
    int nlinks;
    struct jit_link *incoming;     /* links of other blocks chained to it */
    /* A straddler: a block of one 32-bit instruction in the last two bytes
     * of a page, whose upper half is on the physical page pa2 (else 0). */
    uint64_t pa2;
    struct page_member on_pa2;
    uint8_t remaps;            /* straddlers at pa before it, for other pa2 */
};

/* The per-hart virtual-pc jump cache.  A tag is vpc ^ (flags << 56) ^ (gen
 * << 48), or for code on a global page (which a satp write keeps) vpc ^ (1
 * << 60) ^ (flags << 56) ^ (ggen << 48); h->jcache_xor is one of the two
 * xors, the one probes try first (global in S-mode), h->jcache_xor2 the
 * other.  The index folds bits 13 and up into the low ones, so code 8 KiB
 * apart (a caller and a callee, kernel and user code) does not share a
 * slot.  2^17 entries (2 MiB a hart): with 2^15, a fork+exec loop missed
 * about 1600 times per fork+exec, half of them kernel code whose slot
 * another pc had taken; with 2^17 about 1000, those down by four fifths. */
#define JCACHE_BITS 17
#define JCACHE_SIZE (1u << JCACHE_BITS)
#define JCACHE_FOLD 13
_Static_assert(JCACHE_BITS >= 11 && JCACHE_FOLD >= 12,
               "jit_jcache_flush_page: a 4 KiB page's pcs index 2048 aligned slots");
#define JCACHE_FILTER_BITS 16 /* the hart's jcache_filter, jcache_gfilter: their bits */
struct jit_cache_entry {
    uint64_t tag;
    uint8_t *code;
};

/* Empty h's jump cache (SFENCE.VMA, PMP, invalidations). */
void jit_jcache_clear(struct hart *h);
/* Empty it but for code on global pages (a satp write). */
void jit_jcache_clear_nonglobal(struct hart *h);
/* SFENCE.VMA of the page or superpage of `size` bytes holding va: empty
 * the jump cache if it may hold code from there. */
void jit_jcache_flush_page(struct hart *h, uint64_t va, uint64_t size);

static inline uint32_t jcache_index(uint64_t pc)
{
    return (uint32_t)((pc ^ (pc >> JCACHE_FOLD)) >> 1) & (JCACHE_SIZE - 1);
}

/* Counters for -stats. */
#define JIT_STATS(X)                                                           \
    X(blocks, "blocks translated")                                             \
    X(translated_insns, "guest instructions translated")                       \
    X(flushes, "code cache flushes")                                           \
    X(chains, "chain patches")                                                 \
    X(unlinks, "chains undone")                                                \
    X(inval_store, "pages invalidated by guest stores")                        \
    X(inval_dma, "pages invalidated by device writes")                         \
    X(blocks_invalidated, "blocks invalidated")                                \
    X(lookups, "block lookups in C")                                           \
    X(jcache_misses, "jump cache misses in C")                                 \
    X(jcache_clears, "jump cache clears")                                      \
    X(jcache_clears_code, "jump cache clears by code invalidation")            \
    X(tlb_flushes_all, "TLB flushes: all (sfence.vma x0, x0)")                 \
    X(tlb_flushes_nonglobal, "TLB flushes: all but global (satp, asid)")       \
    X(tlb_flushes_page, "TLB flushes: one page (sfence.vma va)")               \
    X(tlb_victim_hits, "TLB misses found in the victim TLB")                   \
    X(helper_calls, "helper calls")                                            \
    X(exits_lookup, "returns to C: jump cache miss")                           \
    X(exits_budget, "returns to C: slice over or kicked")                      \
    X(exits_trap, "returns to C: trap")                                        \
    X(exits_link, "returns to C: chain a new link")                            \
    X(interp_steps, "instructions interpreted (no block could run them)")      \
    X(check_blocks, "blocks checked (-check)")                                 \
    X(check_once, "blocks run once: MMIO or SBI (-check)")                     \
    X(trace_heads, "candidate trace heads")                                    \
    X(trace_hot, "trace heads turned hot")                                     \
    X(traces, "traces formed")                                                 \
    X(traces_loop, "traces formed: loops")                                     \
    X(trace_conts, "trace continuations (side exits that go on)")              \
    X(trace_windows, "load/store windows in traces (no probe after the first)") \
    X(trace_insns_formed, "guest instructions in traces formed")               \
    X(traces_invalidated, "traces invalidated")                                \
    X(trace_blacklisted, "trace heads given up")

struct jit_stats {
#define X(name, text) uint64_t name;
    JIT_STATS(X)
#undef X
};

/* The code cache. */
struct jit {
    struct machine *m;
    uint8_t *rw;               /* the cache, writable view */
    intptr_t exec_delta;       /* exec address = rw address + exec_delta */
    bool wx_toggle;            /* no second mapping: mprotect around writes */
    size_t size, used;         /* main paths: [stubs_end, cold_start) */
    size_t cold_start, cold_used; /* out-of-line code: [cold_start, size) */
    uint8_t *enter;            /* exec: jit_enter(h, code) trampoline */
    uint8_t *epilogue;         /* exec: return eax to jit_run */
    uint8_t *probe_second;     /* exec: a jump cache probe's second try */
    uint8_t *exit_lookup, *exit_budget, *exit_trap, *exit_hot, *exit_step; /* exec: leave with eax */
    bool no_chain;             /* -check, -d in_asm/exec: every exit to C */
    size_t stubs_end;          /* the trampolines end here; blocks follow */

    struct jit_block **block_chunks; /* block records, bump-allocated in chunks of
                                        BLOCK_CHUNK, each calloc'd when first needed */
    size_t nblocks, max_blocks;
    struct jit_block **hash;   /* (pa, flags) -> blocks */
    struct jit_block **page_blocks; /* per RAM page: its blocks */
    uint64_t invalidations;    /* bumped whenever blocks are invalidated */
    struct page_member **page_extra; /* per RAM page: traces and straddlers that cover
                                        it beyond their first page */

    /* Traces (trace.c) */
    bool traces;               /* off with -no-traces, -interp */
    bool trace_kernel;         /* -trace-kernel: S-mode code gets traces too */
    int32_t trace_threshold;   /* -trace-threshold: runs of a head before recording */
    struct trace_heads *heads; /* the candidate heads: (pa, flags) */
    struct trace_stats *tstats;/* -stats: the counts of traces since freed */
    unsigned next_lslot[2];    /* the probe slot the next load / store site takes */

    uint8_t *scratch;          /* translation buffer: main paths */
    uint8_t *cold_scratch;     /* translation buffer: out-of-line code */
    size_t scratch_size;
    struct x64_buf *cold;      /* during a translation: where its out-of-line
                                  code goes (jit_x64.c), else NULL */
    bool have_fma;             /* host has FMA3 (cpuid) */
    bool have_avx;             /* host has AVX: three-operand FP arithmetic */
    int max_insns;             /* -check's bisection: shorter blocks, else 0 */
    enum { SELFTEST_NONE, SELFTEST_ALL, SELFTEST_TRACES } selftest_bug;
                               /* DBT_JIT_SELFTEST_BUG (=trace: in traces only):
                                  mistranslate addi (rd != rs1) so tests can
                                  see -check catch it */
    struct jit_stats stats;
};

/* Block record i of the cache (i < j->nblocks). */
#define BLOCK_CHUNK 4096
static inline struct jit_block *jit_block_at(const struct jit *j, size_t i)
{
    return &j->block_chunks[i / BLOCK_CHUNK][i % BLOCK_CHUNK];
}

/* Create the code cache of `size` bytes and the per-hart state; exits with
 * a message when the host refuses executable memory. */
void jit_create(struct machine *m, uint64_t size);
/* Run translated blocks on h until instret reaches h->insn_limit. */
void jit_run(struct hart *h);
/* -check: run one block at a time under both executors and compare. */
void jit_check_run(struct hart *h);
/* Drop every translation (reboot, full cache). */
void jit_flush(struct jit *j);
/* -stats: the JIT's counters. */
void jit_print_stats(struct jit *j, FILE *out);

/* -- Between the rooms of the JIT ------------------------------------------ */
/* Find or translate the block for h->pc; NULL when the pc cannot be run as a
 * block (a fetch fault, with the trap recorded in h, or an instruction that
 * straddles a page and that no straddler runs, for the interpreter).
 * *fault tells which. */
struct jit_block *jit_find_block(struct hart *h, bool *fault);
/* -check: translate the first `max` instructions at h->pc afresh into a
 * block (or, when `like` is a trace, that trace) that is not registered
 * anywhere (the next flush reclaims it). */
const uint8_t *jit_translate_prefix(struct hart *h, const struct jit_block *like, int max);
/* Enter generated code at `code` with h; returns an enum jit_exit_code. */
int jit_enter(struct jit *j, struct hart *h, const uint8_t *code);
/* Translate the block at guest physical pc `pa` (host bytes at `guest`,
 * virtual pc `vpc`) into b at the cache position; false if it did not fit. */
bool jit_translate(struct jit *j, struct jit_block *blk, const uint8_t *guest,
                   uint64_t vpc, struct x64_buf *b);
/* Translate a straddler (blk->pa and blk->pa2 set), whose bits are raw. */
bool jit_translate_straddler(struct jit *j, struct jit_block *blk, uint32_t raw, uint64_t vpc,
                             struct x64_buf *b);
/* A straddler's instruction bits: the low half at pa, the high one at pa2. */
uint32_t jit_straddler_bits(struct jit *j, uint64_t pa, uint64_t pa2);
/* Fold the host's accrued FP exception flags into h->fflags and clear them. */
void jit_fold_fflags(struct hart *h);
/* The MXCSR generated code expects: all exceptions masked, round to
 * nearest, no flags accrued.  C that ran fpu.c restores it with this. */
#define JIT_MXCSR 0x1f80u
/* h->pc has no block (jit_find_block said so): take the fetch fault it
 * recorded, or run the instruction in the interpreter. */
void jit_step_without_block(struct hart *h, bool fault);
/* Emit the trampolines at the start of the cache: enter, epilogue, the
 * shared exits and the jump cache's second probe; sets j->enter and
 * friends. */
void jit_emit_trampolines(struct jit *j, struct x64_buf *b);
/* Chain a link to its target block (both valid, same flags). */
void jit_chain(struct jit *j, struct jit_link *l, struct jit_block *to);
/* Mark a block dead: out of the hash, links into and out of it undone. */
void jit_invalidate_block(struct jit *j, struct jit_block *blk);
/* A 32-bit instruction in the last two bytes of a page needs two pages:
 * it gets a block of its own, a straddler (jit_translate_straddler), and
 * no trace holds it. */
static inline bool jit_straddles_page(uint64_t pa, const uint8_t *host)
{
    return (pa & 0xfff) == 0xffe && (host[0] & 3) == 3;
}
/* The valid block or trace for (pa, flags), NULL if none. */
struct jit_block *jit_lookup(struct jit *j, uint64_t pa, uint32_t flags);
/* Register blk on the physical page of pa beyond its first (a trace's
 * page, a straddler's second), through its node m: writes to that page
 * invalidate it. */
void jit_watch_page(struct jit *j, struct jit_block *blk, struct page_member *m, uint64_t pa);
/* Point every chained jump into `from` at `to` instead. */
void jit_redirect_incoming(struct jit *j, struct jit_block *from, struct jit_block *to);
/* Every jump cache entry that leads to old_code leads to new_code now (or,
 * new_code NULL, is dropped: a block is retranslated, a trace dies). */
void jit_jcache_replace(struct jit *j, const uint8_t *old_code, uint8_t *new_code);
/* The same for the one slot of pc vpc in each hart's jump cache: enough
 * where old_code stays valid (a trace's head block), and no scan. */
void jit_jcache_replace_at(struct jit *j, uint64_t vpc, const uint8_t *old_code,
                           uint8_t *new_code);
/* Empty every hart's jump cache. */
void jit_jcache_clear_all(struct jit *j);
/* A new block record for guest code at (pa, vpc) and room for its code:
 * translate with `emit`, install
 * and register it on its first page (traces add their other pages).  NULL
 * when it could not be translated; the cache may have been flushed. */
struct jit_block *jit_new_block(struct jit *j, uint64_t pa, uint64_t vpc, uint32_t flags,
                                bool (*emit)(struct jit *, struct jit_block *,
                                             struct x64_buf *, void *),
                                void *arg);

/* -- Traces (trace.c, compiled by jit_x64.c) -------------------------------
 * A hot path through several blocks, recorded as the interpreter runs it
 * and compiled as one unit: see trace.c's opening comment. */
#define TRACE_MAX_INSNS 256
#define TRACE_MAX_PAGES 8

struct trace_insn {
    int64_t delta;             /* its virtual pc less the head's */
    uint64_t pa;               /* its physical pc */
    uint32_t raw;              /* its bits, as recorded */
};

/* A filter of a path's offsets from its head, one bit per offset modulo
 * 8 KiB (instructions are 2-byte aligned): most "is this offset on the
 * path?" questions are answered without scanning the path (the recorder's,
 * and the planner of continuations'). */
struct path_filter {
    uint64_t bits[64];
};

static inline unsigned path_filter_bit(int64_t delta)
{
    return (unsigned)((uint64_t)delta >> 1) & 4095;
}

static inline void path_filter_add(struct path_filter *f, int64_t delta)
{
    unsigned bit = path_filter_bit(delta);
    f->bits[bit / 64] |= 1ULL << (bit % 64);
}

/* false: `delta` is surely not on the path */
static inline bool path_filter_may_hold(const struct path_filter *f, int64_t delta)
{
    unsigned bit = path_filter_bit(delta);
    return (f->bits[bit / 64] >> (bit % 64)) & 1;
}

struct trace_info {
    int n;                     /* instructions */
    bool loop;                 /* the path goes back to the head */
    bool leaves;               /* the last one, an indirect jump to code too far
                                  for the trace, leaves through the jump cache */
    int64_t end_delta;         /* where the path goes after the last one */
    uint64_t head_vpc;         /* as recorded (for logs; the code is position independent) */
    struct jit_block *head;    /* the block it stands in for */
    int npages;
    uint64_t page_pa[TRACE_MAX_PAGES];
    struct page_member pages[TRACE_MAX_PAGES];
    struct trace_stats stats;  /* -stats: what its code counted */
    struct trace_insn insn[];  /* n of them */
};

/* Where the path goes after its instruction i. */
static inline int64_t trace_next_delta(const struct trace_info *ti, int i)
{
    return i + 1 < ti->n ? ti->insn[i + 1].delta : ti->end_delta;
}

/* The first path instruction from index `from` on at offset `delta`, or
 * -1.  `f` holds the offsets of the path, so most misses cost no scan
 * (scanning at every step cost a 256-instruction recording 32k
 * comparisons). */
static inline int trace_find(const struct trace_info *ti, const struct path_filter *f, int from,
                             int64_t delta)
{
    if (!path_filter_may_hold(f, delta))
        return -1;
    for (int k = from; k < ti->n; k++)
        if (ti->insn[k].delta == delta)
            return k;
    return -1;
}

/* Is ri a conditional branch?  Then *other is the offset of the way that
 * code going on at offset `next` did not take. */
bool trace_insn_other_way(const struct trace_insn *ri, int64_t next, int64_t *other);

/* Is path instruction i a conditional branch?  Then *other is the offset
 * the way the path did not take goes to. */
bool trace_branch_other_way(const struct trace_info *ti, int i, int64_t *other);


/* Set up traces (jit_create: on, with the default threshold). */
#define TRACE_THRESHOLD_DEFAULT 1000
void trace_init(struct jit *j, bool enabled, int32_t threshold);
/* The translator met a backward branch or a trace exit to (pa, flags):
 * make its block a candidate head (its prologue will count). */
void trace_note_head(struct jit *j, uint64_t pa, uint32_t flags);
/* Whether a block at (pa, flags) should count (translation asks). */
bool trace_is_head(struct jit *j, uint64_t pa, uint32_t flags);
/* JIT_EXIT_HOT: record and compile a trace from h->pc. */
void trace_hot(struct hart *h);
/* A trace died (its page was written): re-arm its head, or give up. */
void trace_died(struct jit *j, struct jit_block *trace);
/* Forget every candidate head (a full flush). */
void trace_flush(struct jit *j);
/* -stats */
void trace_print_stats(struct jit *j, FILE *out);
/* Free a trace's record (a flush, a failed recording); -stats keeps its counts. */
void trace_free(struct jit *j, struct trace_info *ti);
/* Compile a recorded trace into b (jit_x64.c). */
bool jit_translate_trace(struct jit *j, struct jit_block *blk, struct x64_buf *b);

#endif
