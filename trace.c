/* trace.c — superblock traces: which code is hot, recording its path, and
 * putting the compiled trace in place of its head block.
 *
 * Blocks end at every branch, so a hot loop spread over several blocks
 * pays at each block boundary: guest registers go back to the hart, the
 * next block checks the budget and loads them again.  A trace is the path
 * that code actually takes, compiled as one unit (jit_x64.c,
 * jit_translate_trace): registers stay in host registers along the whole
 * path and, for a loop, from one iteration to the next.
 *
 * Life of a trace:
 *   candidate  the translator meets a backward branch or jal (the end of a
 *              loop) and calls trace_note_head() with its target; trace
 *              side exits make their targets candidates too.  The block at
 *              a candidate head gets a countdown in its prologue (hot,
 *              initially -trace-threshold (1000)); a block translated before it
 *              became a candidate is retranslated.
 *   hot        the countdown reaches zero: generated code returns
 *              JIT_EXIT_HOT with h->pc at the head, nothing of it run.
 *   recording  trace_hot() runs the interpreter from the head, one
 *              instruction at a time, writing down each instruction's
 *              virtual offset from the head, physical pc and bits, until
 *              the path is back at the head (a loop trace), reaches another
 *              trace, meets a system instruction or an instruction already
 *              on the path, or hits a limit; at a jump too far for the
 *              trace (a call into a library mapped gigabytes away, the
 *              return from it) the trace ends: an indirect jump is its last
 *              instruction and leaves through the jump cache as a block's
 *              would, a direct one is left out.  The interpreter is the
 *              reference, so recording is ordinary execution.  Exceptions,
 *              interrupts (a kick ends the slice), mode changes and code
 *              written meanwhile abort the recording.
 *   compiled   the path becomes one jit_block with a trace_info, found by
 *              its head's (pa, flags) ahead of the head block, registered
 *              with every physical page it covers; jumps chained to the
 *              head are pointed at it.
 *   dead       a write to any of its pages invalidates it (jit.c); the head
 *              block, if it lives, counts again.  A head whose recordings
 *              abort or whose traces keep dying is given up (blacklisted)
 *              after TRACE_MAX_TRIES.
 */
#include <stdlib.h>
#include <string.h>

#include "dbt.h"
#include "jit.h"
#include "mmu.h"

#define TRACE_MAX_TRIES 3
#define TRACE_MIN_INSNS 3     /* a non-loop path shorter than this is not worth it */
#define TRACE_MAX_DELTA ((1 << 30) - 1) /* differences of two offsets fit an imm32 */
#define NEVER INT32_MAX       /* a countdown that will not run out */

/* Why a recording stopped, successfully (ends) or not (aborts). */
#define TRACE_ENDS(X)                                                          \
    X(loop, "back at the head: loop traces")                                   \
    X(other_head, "at another trace")                                          \
    X(repeat, "at an instruction already on the path")                         \
    X(system, "before a system instruction")                                   \
    X(length, "at the length limit")                                           \
    X(pages, "at the page limit")                                             \
    X(far, "at a jump too far from the head")
#define TRACE_ABORTS(X)                                                        \
    X(trap, "an exception")                                                    \
    X(budget, "an interrupt or the slice's end")                               \
    X(mode, "a privilege or FP mode change")                                   \
    X(fetch, "code outside RAM or straddling pages")                           \
    X(code_changed, "code written while recording")                            \
    X(too_far, "a path too far from its head")                                 \
    X(too_short, "a path too short to be worth it")                            \
    X(compile, "a trace that would not compile")

enum trace_end {
#define X(name, text) END_##name,
    TRACE_ENDS(X)
#undef X
    NUM_ENDS
};
enum trace_abort {
#define X(name, text) ABORT_##name,
    TRACE_ABORTS(X)
#undef X
    NUM_ABORTS
};

/* Kernel code (S-mode) is left to blocks unless -trace-kernel.  Measured
 * under -icount, one run at a time, fastest and median of 4-6 rounds:
 * 1000 fork+exec 3.07/3.20 s with kernel traces, 2.85/2.96 without,
 * 2.75/2.94 with no traces at all; copying files through tmpfs 1.67/1.68,
 * 1.58/1.61, 1.57/1.64; the boot 1.17/1.18, 1.10/1.13, 1.12/1.12.  Kernel
 * paths are short and branchy, and kernel loops are mostly left in their
 * first iteration (mpihelp_addmul_1, the page-table walks of
 * unmap_page_range): a trace beside the blocks those side exits still run
 * only cost more code.  Neither keeping only kernel loop traces nor
 * cutting kernel paths at 64 instructions won that back.
 * Counted again later (bench/count, each run alone in one boot, median of
 * runs 2-4), kernel traces cost fewer host instructions: over -no-traces',
 * 0.974 against 0.980 for 3000 x [ -e ]; echo, 0.980 against 0.995 for 50
 * fork+exec, 0.970 against 0.991 for 100 $(:), the boot 0.972 against
 * 0.995, with 15% more L1 i-cache misses in the boot.  Timed, they still
 * lost: 500 fork+exec, 12 runs paired with user traces alone, slower in 8,
 * 1.12x by the median ratio; a bench/guest sitting with them on read
 * 0.98x, 0.87x and 0.85x of -no-traces for fork+exec, the syscall loop and
 * the boot.  The kernel's code is large; a trace duplicates the blocks
 * beside it, and what that costs the host's front end (branch target
 * buffer, op cache) a count of instructions and L1 misses does not see. */

/* The candidate heads: an open-addressed set of pa << 4 | flags. */
struct trace_heads {
    uint64_t *keys;            /* 0 = empty */
    size_t size, used;
    uint64_t ends[NUM_ENDS], aborts[NUM_ABORTS];
};

/* The recorder's states: one step of recording moves between them. */
enum rec_state { REC_RECORDING, REC_ENDED, REC_ABORTED };

struct recorder {
    struct hart *h;
    struct jit *j;
    uint32_t flags;
    uint64_t head_vpc;
    enum trace_end end;
    int64_t far_jump;          /* END_far: the end_delta (a jal left out: its own;
                                  a jalr that leaves: the one after it) */
    enum trace_abort abort;
    struct trace_info *ti;     /* room for TRACE_MAX_INSNS */
    struct path_filter seen;   /* the offsets on the path (see on_path) */
};

/* -- Candidate heads ------------------------------------------------------------ */

static uint64_t head_key(uint64_t pa, uint32_t flags)
{
    return pa << 4 | (flags & 15) | 1ULL << 63; /* never 0 */
}

static size_t head_slot(const struct trace_heads *s, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (s->size - 1);
    while (s->keys[i] && s->keys[i] != key)
        i = (i + 1) & (s->size - 1);
    return i;
}

static void heads_grow(struct trace_heads *s)
{
    uint64_t *old = s->keys;
    size_t old_size = s->size;
    s->size = old_size ? old_size * 2 : 4096;
    s->keys = calloc(s->size, sizeof *s->keys);
    if (!s->keys) {
        fprintf(stderr, "dbt: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < old_size; i++)
        if (old[i])
            s->keys[head_slot(s, old[i])] = old[i];
    free(old);
}

bool trace_is_head(struct jit *j, uint64_t pa, uint32_t flags)
{
    struct trace_heads *s = j->heads;
    if (!j->traces || !s->used)
        return false;
    uint64_t key = head_key(pa, flags);
    return s->keys[head_slot(s, key)] == key;
}

/* Make (pa, flags) a candidate; `retranslate`: a block already there
 * without a countdown is translated again (else it counts only once it is
 * translated again for another reason). */
static void note_head(struct jit *j, uint64_t pa, uint32_t flags, bool retranslate)
{
    struct trace_heads *s = j->heads;
    if (!j->traces || (!j->trace_kernel && (flags & 3) == PRIV_S))
        return;
    if (2 * (s->used + 1) > s->size)
        heads_grow(s);
    uint64_t key = head_key(pa, flags);
    size_t i = head_slot(s, key);
    if (s->keys[i] == key)
        return;
    s->keys[i] = key;
    s->used++;
    j->stats.trace_heads++;
    /* A block translated before it was a candidate does not count: make
     * it be translated again (rare: loops are mostly entered at the top). */
    struct jit_block *old = retranslate ? jit_lookup(j, pa, flags) : NULL;
    if (old && !old->trace && !old->counted) {
        jit_invalidate_block(j, old);
        jit_jcache_replace(j, old->code, NULL);
    }
}

void trace_note_head(struct jit *j, uint64_t pa, uint32_t flags)
{
    note_head(j, pa, flags, true);
}

void trace_flush(struct jit *j)
{
    struct trace_heads *s = j->heads;
    if (s->keys)
        memset(s->keys, 0, s->size * sizeof *s->keys);
    s->used = 0;
}

void trace_init(struct jit *j, bool enabled, int32_t threshold)
{
    j->traces = enabled;
    j->trace_threshold = threshold > 0 ? threshold : 1;
    j->heads = calloc(1, sizeof *j->heads);
    j->tstats = calloc(1, sizeof *j->tstats);
    if (!j->heads || !j->tstats) {
        fprintf(stderr, "dbt: out of memory\n");
        exit(2);
    }
    heads_grow(j->heads);
}

/* -- Recording ------------------------------------------------------------------ */

static enum rec_state ended(struct recorder *r, enum trace_end why)
{
    r->end = why;
    return REC_ENDED;
}

static enum rec_state aborted(struct recorder *r, enum trace_abort why)
{
    r->abort = why;
    return REC_ABORTED;
}

static bool is_jump(enum op op)
{
    return op >= OP_JAL && op <= OP_BGEU;
}

/* Is the instruction at `delta` on the path already? */
static bool on_path(const struct recorder *r, int64_t delta)
{
    return trace_find(r->ti, &r->seen, 0, delta) >= 0;
}

/* The instruction at `delta` joins the path. */
static void see(struct recorder *r, int64_t delta)
{
    path_filter_add(&r->seen, delta);
}

/* The index of pa's page among the trace's pages, adding it; -1 if full. */
static int page_of(struct trace_info *ti, uint64_t pa)
{
    uint64_t page = pa & ~0xfffULL;
    for (int k = 0; k < ti->npages; k++)
        if (ti->page_pa[k] == page)
            return k;
    if (ti->npages == TRACE_MAX_PAGES)
        return -1;
    ti->page_pa[ti->npages] = page;
    return ti->npages++;
}

/* Record the instruction at h->pc and run it. */
static enum rec_state record_step(struct recorder *r)
{
    struct hart *h = r->h;
    struct trace_info *ti = r->ti;
    int64_t delta = (int64_t)(h->pc - r->head_vpc);
    if (ti->n > 0 && delta == 0)
        return ended(r, END_loop);
    if (!cpu_has_budget(h))
        return aborted(r, ABORT_budget);
    if (cpu_code_flags(h) != r->flags)
        return aborted(r, ABORT_mode);
    if (delta > TRACE_MAX_DELTA || delta < -TRACE_MAX_DELTA) {
        /* a call into a library mapped far away, or the return from one:
         * a jalr ends the trace, which leaves by it; before a jal the trace
         * ends and leaves for the jal's own block (rare) */
        if (ti->n < 2)
            return aborted(r, ABORT_too_far);
        struct trace_insn *last = &ti->insn[ti->n - 1];
        struct insn in;
        cpu_decode(last->raw, &in);
        ti->leaves = in.op == OP_JALR;
        r->far_jump = ti->leaves ? last->delta + in.len : ti->insn[--ti->n].delta;
        return ended(r, END_far);
    }
    uint64_t pa;
    if (!mmu_code_pa(h, h->pc, &pa))
        return aborted(r, ABORT_trap); /* the run loop takes the fault */
    const uint8_t *host = mmu_ram_ptr(h->m, pa, 2);
    if (!host || jit_straddles_page(pa, host))
        return aborted(r, ABORT_fetch);
    if (ti->n > 0) {
        struct jit_block *other = jit_lookup(r->j, pa, r->flags);
        if (other && other->trace)
            return ended(r, END_other_head);
        if (on_path(r, delta))
            return ended(r, END_repeat);
        if (ti->n == TRACE_MAX_INSNS)
            return ended(r, END_length);
    }
    if (page_of(ti, pa) < 0)
        return ended(r, END_pages);
    struct insn in;
    cpu_decode(cpu_insn_bits(host), &in);
    enum op op = (enum op)in.op;
    if (cpu_ends_block(op) && !is_jump(op))
        return ended(r, END_system);
    ti->insn[ti->n++] = (struct trace_insn){.delta = delta, .pa = pa, .raw = in.raw};
    see(r, delta);
    uint64_t invalidations = r->j->invalidations;
    bool ok = cpu_step(h);
    __builtin_ia32_ldmxcsr(JIT_MXCSR); /* fpu.c may have run */
    if (!ok) {
        cpu_charge_trap(h);
        return aborted(r, ABORT_trap);
    }
    if (invalidations != r->j->invalidations)
        return aborted(r, ABORT_code_changed);
    return REC_RECORDING;
}

/* -- Forming a trace ------------------------------------------------------------- */

static bool emit_trace(struct jit *j, struct jit_block *blk, struct x64_buf *b, void *arg)
{
    blk->trace = arg;
    blk->hot = NEVER;
    return jit_translate_trace(j, blk, b);
}

bool trace_insn_other_way(const struct trace_insn *ri, int64_t next, int64_t *other)
{
    struct insn in;
    cpu_decode(ri->raw, &in);
    if (in.op < OP_BEQ || in.op > OP_BGEU)
        return false;
    bool fell_through = next == ri->delta + in.len;
    *other = ri->delta + (fell_through ? in.imm : in.len);
    return true;
}

bool trace_branch_other_way(const struct trace_info *ti, int i, int64_t *other)
{
    return trace_insn_other_way(&ti->insn[i], trace_next_delta(ti, i), other);
}

/* The targets a trace may leave for become candidate heads themselves, so
 * a second hot path out of a loop gets its own trace. */
static void note_exit_targets(struct jit *j, const struct trace_info *ti, uint32_t flags)
{
    int64_t other;
    for (int i = 0; i < ti->n; i++) {
        if (!trace_branch_other_way(ti, i, &other))
            continue;
        uint64_t pa = ti->insn[i].pa + (uint64_t)(other - ti->insn[i].delta);
        if ((pa & ~0xfffULL) == (ti->insn[i].pa & ~0xfffULL))
            note_head(j, pa, flags, false); /* a block there stays as it is:
                                               retranslating cost the boot more
                                               than second traces gained */
    }
}

/* Put a compiled trace in its head's place. */
static void install_trace(struct jit *j, struct jit_block *trace, struct jit_block *head)
{
    struct trace_info *ti = trace->trace;
    for (int k = 1; k < ti->npages; k++)
        jit_watch_page(j, trace, &ti->pages[k], ti->page_pa[k]);
    ti->head = head;
    if (head) {
        head->hot = NEVER;
        jit_redirect_incoming(j, head, trace);
        /* The head block stays valid: other slots holding it may keep it */
        jit_jcache_replace_at(j, trace->trace->head_vpc, head->code, trace->code);
    }
    j->stats.traces++;
    j->stats.traces_loop += ti->loop;
    j->stats.trace_insns_formed += (uint64_t)ti->n;
    note_exit_targets(j, ti, trace->flags);
}

/* A head that did not give a trace: try again later, or give up. */
static void retry_later(struct jit *j, struct jit_block *head)
{
    if (!head || !head->valid)
        return;
    if (++head->trace_tries >= TRACE_MAX_TRIES) {
        head->hot = NEVER;
        j->stats.trace_blacklisted++;
    } else {
        head->hot = j->trace_threshold;
    }
}

void trace_died(struct jit *j, struct jit_block *trace)
{
    struct jit_block *head = trace->trace->head;
    j->stats.traces_invalidated++;
    if (head && head->valid && head->pa == trace->pa && head->flags == trace->flags)
        retry_later(j, head);
}

void trace_hot(struct hart *h)
{
    struct jit *j = h->m->jit;
    uint32_t flags = cpu_code_flags(h);
    uint64_t pa;
    if (!mmu_code_pa(h, h->pc, &pa))
        return; /* the run loop meets the fault itself */
    struct jit_block *head = jit_lookup(j, pa, flags);
    if (!head)
        return;
    if (head->trace || !j->traces) {
        head->hot = NEVER;
        return;
    }
    j->stats.trace_hot++;
    struct trace_info *ti =
        calloc(1, sizeof *ti + TRACE_MAX_INSNS * sizeof ti->insn[0]);
    if (!ti) {
        retry_later(j, head);
        return;
    }
    struct recorder r = {.h = h, .j = j, .flags = flags, .head_vpc = h->pc, .ti = ti};
    ti->head_vpc = h->pc;
    uint64_t flushes = j->stats.flushes;
    enum rec_state state = REC_RECORDING;
    while (state == REC_RECORDING)
        state = record_step(&r);
    if (j->stats.flushes != flushes)
        head = NULL; /* a flush on the way took the head block with it */
    switch (state) {
    case REC_ENDED:
        ti->loop = r.end == END_loop;
        ti->end_delta = r.end == END_far ? r.far_jump : (int64_t)(h->pc - r.head_vpc);
        if (!ti->loop && ti->n < TRACE_MIN_INSNS) {
            r.abort = ABORT_too_short;
            break;
        }
        j->heads->ends[r.end]++;
        struct jit_block *trace = jit_new_block(j, pa, r.head_vpc, flags, emit_trace, ti);
        if (trace) {
            if (j->stats.flushes != flushes)
                head = NULL;
            install_trace(j, trace, head && head->valid ? head : NULL);
            return;
        }
        r.abort = ABORT_compile;
        break;
    case REC_ABORTED:
    case REC_RECORDING:
        break;
    }
    j->heads->aborts[r.abort]++;
    trace_free(j, ti);
    retry_later(j, head);
}

/* -- Statistics ------------------------------------------------------------------- */

static void stats_add(struct trace_stats *to, const struct trace_stats *from)
{
    to->entries += from->entries;
    to->iterations += from->iterations;
    to->side_exits += from->side_exits;
    to->jalr_misses += from->jalr_misses;
    to->insns += from->insns;
}

void trace_free(struct jit *j, struct trace_info *ti)
{
    stats_add(j->tstats, &ti->stats); /* -stats keeps what it counted */
    free(ti);
}

/* The traces that ran the most guest instructions, TOP of them, in
 * descending order; returns how many there are. */
#define TOP 10
static int top_traces(struct jit *j, struct jit_block *top[TOP])
{
    int n = 0;
    for (size_t i = 0; i < j->nblocks; i++) {
        struct jit_block *blk = jit_block_at(j, i);
        if (!blk->trace || !blk->trace->stats.insns)
            continue;
        uint64_t insns = blk->trace->stats.insns;
        int k = n < TOP ? n++ : TOP;
        while (k > 0 && top[k - 1]->trace->stats.insns < insns) {
            if (k < TOP)
                top[k] = top[k - 1];
            k--;
        }
        if (k < TOP)
            top[k] = blk;
    }
    return n;
}

static double percent(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* One line per trace of the top list: where, what, and how it ran. */
static void print_top(struct jit *j, FILE *out, uint64_t insns)
{
    struct jit_block *top[TOP];
    int n = top_traces(j, top);
    if (n)
        fprintf(out, "dbt: trace: the %d that ran the most guest instructions:\n", n);
    for (int i = 0; i < n; i++) {
        const struct trace_info *ti = top[i]->trace;
        const struct trace_stats *st = &ti->stats;
        fprintf(out, "dbt: trace:   %#llx (pa %#llx) %s%d insns%s: %.1f%%, %llu entries, "
                     "%llu iterations, %.1f%% side exits\n",
                (unsigned long long)ti->head_vpc, (unsigned long long)top[i]->pa,
                ti->loop ? "loop, " : "", ti->n, top[i]->valid ? "" : " (invalidated)",
                percent(st->insns, insns), (unsigned long long)st->entries,
                (unsigned long long)st->iterations,
                percent(st->side_exits, st->entries + st->iterations));
    }
}

void trace_print_stats(struct jit *j, FILE *out)
{
    struct trace_heads *s = j->heads;
    if (!j->traces) {
        fprintf(out, "dbt: trace: %-42s\n", "off (-no-traces)");
        return;
    }
    struct trace_stats all = *j->tstats, *ts = &all;
    for (size_t i = 0; i < j->nblocks; i++) {
        const struct trace_info *ti = jit_block_at(j, i)->trace;
        if (ti)
            stats_add(ts, &ti->stats);
    }
#define X(name, text) fprintf(out, "dbt: trace: ended %-36s %llu\n", text, (unsigned long long)s->ends[END_##name]);
    TRACE_ENDS(X)
#undef X
#define X(name, text) fprintf(out, "dbt: trace: aborted by %-31s %llu\n", text, (unsigned long long)s->aborts[ABORT_##name]);
    TRACE_ABORTS(X)
#undef X
    uint64_t total = 0;
    for (int i = 0; i < j->m->nharts; i++)
        total += j->m->harts[i]->instret;
    fprintf(out, "dbt: trace: %-42s %llu\n", "entries", (unsigned long long)ts->entries);
    fprintf(out, "dbt: trace: %-42s %llu\n", "loop iterations", (unsigned long long)ts->iterations);
    if (ts->entries + ts->iterations)
        fprintf(out, "dbt: trace: %-42s %.2f%% of %llu\n", "side exits (per entry or iteration)",
                percent(ts->side_exits, ts->entries + ts->iterations),
                (unsigned long long)ts->side_exits);
    if (ts->side_exits)
        fprintf(out, "dbt: trace: %-42s %.2f%% of %llu\n", "side exits: an indirect jump went elsewhere",
                percent(ts->jalr_misses, ts->side_exits), (unsigned long long)ts->side_exits);
    if (total)
        fprintf(out, "dbt: trace: %-42s %.2f%% of %llu\n", "guest instructions run in traces",
                percent(ts->insns, total), (unsigned long long)total);
    print_top(j, out, ts->insns);
}
