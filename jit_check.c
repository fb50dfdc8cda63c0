/* jit_check.c — -check: the lockstep checker of the JIT against the
 * interpreter.
 *
 * machine.c calls jit_check_run() instead of jit_run().  Every block runs
 * twice from the same state:
 *   1. the hart is saved; the JIT runs the block (chaining is off, so it
 *      returns after one block), with every RAM store logged by mmu.c (the
 *      TLB hands out no write tags under -check, so stores of both executors
 *      take the slow path and are seen);
 *   2. the JIT's stores are undone, the hart restored, and the interpreter
 *      runs the same number of instructions (plus the trapping one);
 *   3. registers, CSRs, pc, instret and the logged stores must be equal.
 * A block that touched a device or called the built-in SBI cannot run twice
 * (a UART read takes a byte away): its JIT run stands unchecked.  The clock
 * is frozen while a block runs twice, so both read the same time.  Page-walk
 * A/D updates are kept: a TLB filled by the first run must not point at
 * entries whose bits the undo cleared.
 */
#include <stdlib.h>
#include <string.h>

#include "dbt.h"
#include "disas.h"
#include "jit.h"
#include "mmu.h"

/* The part of the hart both executors must agree on, from mstatus on. */
#define CSR_FIRST offsetof(struct hart, mstatus)
#define CSR_END offsetof(struct hart, trap_cause)
/* What is saved and restored: everything up to the TLB's own bookkeeping
 * (superpage records, then the TLB itself), which is a cache of the page
 * tables both runs share and so is never rolled back. */
#define HART_STATE offsetof(struct hart, superpage_base)

#define CHECK_MAX_RUN 256 /* instructions one checked run may take (loop blocks) */

struct check {
    struct wlog jit_log, interp_log;
    uint8_t before[HART_STATE], after_jit[HART_STATE];
};

static const char *const xname[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

/* Undo logged stores, newest first, straight into RAM (no watchers). */
static void undo(struct machine *m, const struct wlog *l)
{
    for (size_t i = l->n; i-- > 0;) {
        const struct wlog_entry *e = &l->e[i];
        uint8_t *p = mmu_ram_ptr(m, e->paddr, e->size);
        if (p && !e->walk)
            mmu_host_store(p, e->size, e->old);
    }
}

static bool same_stores(const struct wlog *a, const struct wlog *b)
{
    size_t i = 0, k = 0;
    for (;;) {
        while (i < a->n && a->e[i].walk)
            i++;
        while (k < b->n && b->e[k].walk)
            k++;
        if (i == a->n || k == b->n)
            return i == a->n && k == b->n;
        if (a->e[i].paddr != b->e[k].paddr || a->e[i].size != b->e[k].size ||
            a->e[i].value != b->e[k].value)
            return false;
        i++, k++;
    }
}

static void print_stores(FILE *f, const char *who, const struct wlog *l)
{
    fprintf(f, "  stores by the %s:\n", who);
    for (size_t i = 0; i < l->n; i++)
        if (!l->e[i].walk)
            fprintf(f, "    [%#llx] <- %#llx (%d bytes)\n", (unsigned long long)l->e[i].paddr,
                    (unsigned long long)l->e[i].value, l->e[i].size);
}

/* Print the block, marking instructions whose destination differs, and
 * both register files; then exit non-zero. */
static void report(struct hart *h, const struct jit_block *blk, uint64_t vpc,
                   const struct hart *jit, const struct hart *interp, const struct check *c,
                   int bad)
{
    FILE *f = stderr;
    bool xdiff[32] = {0}, fdiff[32] = {0};
    for (int i = 0; i < 32; i++) {
        xdiff[i] = i && jit->x[i] != interp->x[i];
        fdiff[i] = jit->f[i] != interp->f[i]; /* f0 is a register like the others */
    }
    bool memdiff = !same_stores(&c->jit_log, &c->interp_log);
    fprintf(f, "dbt: -check: the JIT and the interpreter differ after the block at "
               "pc %#llx (pa %#llx, hart %llu, priv %d):\n",
            (unsigned long long)vpc, (unsigned long long)blk->pa,
            (unsigned long long)h->hartid, ((const struct hart *)c->before)->priv);
    const uint8_t *g = blk->trace ? NULL : mmu_ram_ptr(h->m, blk->pa, blk->guest_bytes);
    if (blk->trace)
        fprintf(f, "  (a trace of %d instructions%s, in the order of its path)\n",
                blk->trace->n, blk->trace->loop ? ", a loop" : "");
    uint32_t off = 0;
    for (int idx = 0; idx < blk->ninsns && (g || blk->trace); idx++) {
        struct insn in;
        uint64_t pc = vpc + off;
        if (blk->trace) {
            pc = vpc + (uint64_t)blk->trace->insn[idx].delta;
            cpu_decode(blk->trace->insn[idx].raw, &in);
        } else if (blk->pa2) {
            cpu_decode(jit_straddler_bits(h->m->jit, blk->pa, blk->pa2), &in);
        } else {
            cpu_decode(cpu_insn_bits(g + off), &in);
        }
        char text[96];
        disas_insn(text, sizeof text, pc, &in);
        fprintf(f, "  %#018llx:  %-40s%s\n", (unsigned long long)pc, text,
                idx == bad ? "  <-- the first instruction whose results differ" : "");
        off += in.len;
        if (idx == bad)
            break; /* the states below are right after it */
    }
    if (bad < 0)
        fprintf(f, "  (the first differing instruction could not be isolated)\n");
    fprintf(f, "  %-8s %-18s %-18s\n", "", "JIT", "interpreter");
    fprintf(f, "  %-8s %#-18llx %#-18llx%s\n", "pc", (unsigned long long)jit->pc,
            (unsigned long long)interp->pc, jit->pc != interp->pc ? "  <--" : "");
    for (int i = 1; i < 32; i++)
        fprintf(f, "  %-8s %#-18llx %#-18llx%s\n", xname[i], (unsigned long long)jit->x[i],
                (unsigned long long)interp->x[i], xdiff[i] ? "  <--" : "");
    for (int i = 0; i < 32; i++)
        if (fdiff[i])
            fprintf(f, "  f%-7d %#-18llx %#-18llx  <--\n", i, (unsigned long long)jit->f[i],
                    (unsigned long long)interp->f[i]);
    fprintf(f, "  %-8s %-18llu %-18llu%s\n", "instret", (unsigned long long)jit->instret,
            (unsigned long long)interp->instret, jit->instret != interp->instret ? "  <--" : "");
    fprintf(f, "  %-8s %#-18x %#-18x%s\n", "fflags", jit->fflags, interp->fflags,
            jit->fflags != interp->fflags ? "  <--" : "");
    fprintf(f, "  %-8s %#-18llx %#-18llx%s\n", "mstatus", (unsigned long long)jit->mstatus,
            (unsigned long long)interp->mstatus, jit->mstatus != interp->mstatus ? "  <--" : "");
    fprintf(f, "  %-8s %#-18llx %#-18llx\n", "mcause", (unsigned long long)jit->mcause,
            (unsigned long long)interp->mcause);
    fprintf(f, "  %-8s %#-18llx %#-18llx\n", "scause", (unsigned long long)jit->scause,
            (unsigned long long)interp->scause);
    if (memcmp((const uint8_t *)jit + CSR_FIRST, (const uint8_t *)interp + CSR_FIRST,
               CSR_END - CSR_FIRST))
        fprintf(f, "  (CSR state differs)\n");
    if (memdiff) {
        print_stores(f, "JIT", &c->jit_log);
        print_stores(f, "interpreter", &c->interp_log);
    }
    fflush(NULL);
    exit(3);
}

static bool same_state(const struct hart *a, const struct hart *b)
{
    return !memcmp(a->x, b->x, sizeof a->x) && !memcmp(a->f, b->f, sizeof a->f) &&
           a->pc == b->pc && a->instret == b->instret && a->ntraps == b->ntraps &&
           a->priv == b->priv && a->frm == b->frm && a->fflags == b->fflags &&
           a->wfi == b->wfi &&
           !memcmp((const uint8_t *)a + CSR_FIRST, (const uint8_t *)b + CSR_FIRST,
                   CSR_END - CSR_FIRST) &&
           !memcmp(a->pmpcfg, b->pmpcfg, sizeof a->pmpcfg) &&
           !memcmp(a->pmpaddr, b->pmpaddr, sizeof a->pmpaddr);
}

/* Run `code` under the JIT from the state in c->before, then, unless it
 * touched a device, the same steps under the interpreter from the same
 * state.  Returns -1 (ran once), 0 (equal) or 1 (different); the hart and
 * memory are left as the last executor left them. */
static int run_pair(struct hart *h, struct check *c, const uint8_t *code, int *why)
{
    struct machine *m = h->m;
    const struct hart *before = (const struct hart *)c->before;
    c->jit_log.n = 0;
    c->jit_log.side_effects = c->jit_log.overflow = false;
    m->wlog = &c->jit_log;
    *why = jit_enter(m->jit, h, code);
    jit_fold_fflags(h);
    if (*why == JIT_EXIT_TRAP)
        cpu_trap(h, h->trap_cause, h->trap_tval);
    m->wlog = NULL;
    uint64_t steps = h->instret - before->instret + (h->ntraps - before->ntraps);
    if (c->jit_log.side_effects || c->jit_log.overflow || steps == 0)
        return -1;

    memcpy(c->after_jit, h, HART_STATE);
    undo(m, &c->jit_log);
    memcpy(h, c->before, HART_STATE);
    c->interp_log.n = 0;
    c->interp_log.side_effects = c->interp_log.overflow = false;
    m->wlog = &c->interp_log;
    for (uint64_t i = 0; i < steps; i++)
        cpu_step(h);
    __builtin_ia32_ldmxcsr(JIT_MXCSR);
    m->wlog = NULL;
    const struct hart *jit_state = (const struct hart *)c->after_jit;
    return !same_state(jit_state, h) || !same_stores(&c->jit_log, &c->interp_log);
}

/* A difference: find the first instruction that makes it by running ever
 * longer prefixes of the block both ways, then report and exit. */
static void bisect_and_report(struct hart *h, struct check *c, const struct jit_block *blk,
                              uint64_t vpc)
{
    int why, bad = -1;
    for (int k = 1; k <= blk->ninsns; k++) {
        undo(h->m, &c->interp_log);
        memcpy(h, c->before, HART_STATE);
        const uint8_t *code = jit_translate_prefix(h, blk, k);
        if (!code || run_pair(h, c, code, &why) == 1) {
            bad = code ? k - 1 : -1;
            break;
        }
    }
    report(h, blk, vpc, (const struct hart *)c->after_jit, h, c, bad);
}

static void check_block(struct hart *h, struct check *c, struct jit_block *blk)
{
    struct machine *m = h->m;
    struct jit *j = m->jit;
    uint64_t vpc = h->pc;
    int why;
    /* A loop block runs until the limit: keep its stores within the log. */
    uint64_t limit = h->insn_limit;
    if (h->insn_limit > h->instret + CHECK_MAX_RUN)
        h->insn_limit = h->instret + CHECK_MAX_RUN;
    memcpy(c->before, h, HART_STATE);
    m->time_frozen = machine_time(m) | 1; /* never 0, which means "not frozen" */
    int r = run_pair(h, c, blk->code, &why);
    if (r == 1)
        bisect_and_report(h, c, blk, vpc);
    m->time_frozen = 0;
    if (r < 0) {
        if (h->insn_limit != 0)
            h->insn_limit = limit;
        if (h->instret != ((const struct hart *)c->before)->instret)
            j->stats.check_once++;
        if (why == JIT_EXIT_TRAP)
            cpu_charge_trap(h);
        if (why == JIT_EXIT_HOT)
            trace_hot(h);
        if (why == JIT_EXIT_STEP)
            jit_step_without_block(h, false);
        return;
    }
    j->stats.check_blocks++;
    /* a kick during the JIT's run zeroed the limit: keep that */
    if (((const struct hart *)c->after_jit)->insn_limit == 0)
        limit = 0;
    h->insn_limit = limit;
    if (why == JIT_EXIT_TRAP)
        cpu_charge_trap(h);
}

void jit_check_run(struct hart *h)
{
    static struct check *c;
    if (!c && !(c = calloc(1, sizeof *c))) {
        fprintf(stderr, "dbt: out of memory\n");
        exit(2);
    }
    __builtin_ia32_ldmxcsr(JIT_MXCSR);
    while (cpu_has_budget(h)) {
        bool fault;
        struct jit_block *blk = jit_find_block(h, &fault);
        if (!blk) {
            jit_step_without_block(h, fault);
            continue;
        }
        if (h->m->log & (LOG_IN_ASM | LOG_EXEC))
            cpu_log_block_start(h);
        check_block(h, c, blk);
    }
}
