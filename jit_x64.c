/* jit_x64.c — translation of guest blocks into x86-64 machine code.
 *
 * How a guest instruction becomes host bytes.  jit.c hands us the host
 * bytes of a guest block; we decode one instruction at a time (decode.c,
 * the same struct insn the interpreter executes) and call its jit_<op>
 * emitter, which writes x86-64 through the encoder (x64.c) into a scratch
 * buffer.  Take `addi a0, a1, 5` in a block where a1 was already used:
 *
 *     decode      { op = OP_ADDI, rd = 10, rs1 = 11, imm = 5 }
 *     jit_alu_imm reg_src(11) -> r8 (loaded by an earlier instruction)
 *                 reg_dst(10) -> r9 (now dirty: the hart's copy is old)
 *                 mov r9, r8  ;  add r9, 5          (x64_mov_rr, x64_alu_ri)
 *
 * and at the block's exit `mov [rbx-48], r9` writes x10 back (regs_flush).
 *
 * Host conventions, for as long as generated code runs:
 *     rbx   &h->x[16] (JIT_HART_BIAS bytes into the hart), so every guest
 *           register is [rbx + disp8]
 *     r12   the guest pc (h->pc lives here; stored back on the way out)
 *     r13   instret (likewise)
 *     r14   h->dtlb, the TLB set of loads and stores
 *     r15, rbp, r8-r11: guest registers cached inside a block ("Guest
 *           registers" below); r15 and rbp survive helper calls
 *     rax, rcx, rdx, rsi, rdi, xmm0-2: scratch inside one guest instruction
 * Between blocks guest registers live in the hart.  Before a helper that
 * may look at h->pc or instret, r12 and r13 are stored ("spilled"); the
 * epilogue, the only way back to C, stores them too.
 *
 * The pc is not in the code.  Generated code is position independent in the
 * guest's address space: at block entry r12 holds the block's own virtual
 * pc, and the translator tracks how far behind the instruction being
 * translated it is (struct sync).  auipc and jal add offsets to r12; exits
 * add the distance to their target.  So a block found by physical pc runs
 * for every virtual address the page is mapped at.  instret (r13) is
 * likewise brought up to date only at exits and before helpers.
 *
 * Shape of a block (at most 64 instructions, never past its page):
 *     prologue    cmp r13, [insn_limit] ; jae exit_budget
 *                 (and at a candidate trace head, a countdown: trace.c)
 *     body        one straight-line sequence per guest instruction; memory
 *                 accesses probe the TLB inline; a forward conditional
 *                 branch is a side exit and the body goes on after it
 *     exits       jal, jalr, a backward branch, a system instruction or the
 *                 page end end the body: flush, then chain (same page), probe
 *                 the jump cache inline (jalr, another page) or return to
 *                 jit.c
 *     stubs       out-of-line slow paths: TLB misses calling mmu.c, FP
 *                 fallbacks calling fpu.c, NaN fix-ups, side exits, trap
 *                 exits.  Slow paths that rejoin the body never touch r12 or
 *                 r13, so the body's bookkeeping stays true after them.
 * A block whose last branch jumps back to its own start and whose registers
 * all fit in host registers is a loop block: its back-edge checks the limit
 * and jumps back inside the block, registers still in place.  A trace (a
 * hot path over several blocks, trace.c) is translated by the same code,
 * one recorded instruction after the other: see "Traces" below.
 *
 * Anything hard or rare (CSRs, privileged instructions, AMOs, FP rounding
 * modes other than RNE, FP-to-integer conversions) calls jit_helper_exec,
 * which runs the interpreter's own cpu_exec on that one instruction: one
 * semantics for both executors.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbt.h"
#include "disas.h"
#include "jit.h"
#include "mmu.h"

#define MAX_BLOCK_INSNS 64
#define MAX_TR_INSNS TRACE_MAX_INSNS /* a trace is translated by the same machinery */
#define MAX_STUBS (MAX_TR_INSNS * 6) /* a loop trace is translated twice */
#define ROOM_PER_INSN 1024 /* bytes of host code one guest instruction may need */

/* A field of the hart as a memory operand off rbx. */
#define HART(field) x64_at(RBX, (int32_t)offsetof(struct hart, field) - JIT_HART_BIAS)
#define XREG(r) x64_at(RBX, (int32_t)(8 * (r)) - JIT_HART_BIAS)
#define FREG(r) x64_at(RBX, (int32_t)(offsetof(struct hart, f) + 8 * (r)) - JIT_HART_BIAS)
#define FREG_HI(r) x64_at(RBX, (int32_t)(offsetof(struct hart, f) + 8 * (r) + 4) - JIT_HART_BIAS)
#define PROBE(i) x64_at(RBX, (int32_t)(offsetof(struct hart, jit_probe) + 8 * (i)) - JIT_HART_BIAS)
#define WINDOW(k) x64_at(RBX, (int32_t)(offsetof(struct hart, jit_window) + 8 * (k)) - JIT_HART_BIAS)
#define PSLOT(i) x64_at(RBX, (int32_t)(offsetof(struct hart, jit_pslot) + 8 * (i)) - JIT_HART_BIAS)
#define LSLOT(w, k, i) x64_at(RBX, (int32_t)(offsetof(struct hart, jit_lslot) + \
    16 * (JIT_LSLOTS * (w) + (k)) + 8 * (i)) - JIT_HART_BIAS)

#define CANONICAL_NAN_D 0x7ff8000000000000ULL
#define CANONICAL_NAN_S 0x7fc00000u

/* -- Helpers generated code calls ------------------------------------------
 * They return 0 when the instruction traps (cause in the hart), 1 to go on,
 * 2 when code was invalidated (possibly this block): leave after it. */

enum { HELPER_TRAP = 0, HELPER_OK = 1, HELPER_LEAVE = 2 };

/* info for loads: size | signed << 4 | fp << 5 | rd << 8 */
static int jit_helper_load(struct hart *h, uint64_t va, uint32_t info)
{
    int size = (int)(info & 15);
    unsigned rd = info >> 8;
    uint64_t v;
    h->jit_probe[PROBE_TLB_MISS]++;
    if (!mmu_load_slow(h, va, size, &v))
        return HELPER_TRAP;
    if (info & 32)
        h->f[rd] = size == 4 ? v | 0xffffffff00000000ULL : v;
    else if (rd && (info & 16))
        h->x[rd] = (uint64_t)((int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size));
    else if (rd)
        h->x[rd] = v;
    return HELPER_OK;
}

static int jit_helper_store(struct hart *h, uint64_t va, uint64_t value, uint32_t size)
{
    struct jit *j = h->m->jit;
    uint64_t invalidations = j->invalidations;
    h->jit_probe[PROBE_TLB_MISS]++;
    if (!mmu_store_slow(h, va, (int)size, value))
        return HELPER_TRAP;
    if (invalidations == j->invalidations)
        return HELPER_OK;
    j->stats.inval_store++;
    j->stats.inval_dma--;
    return HELPER_LEAVE;
}

/* Run one instruction through the interpreter's semantics.  With `ends`,
 * the block ends after it and h->pc becomes its next pc. */
static int helper_exec(struct hart *h, uint32_t raw, bool ends)
{
    struct jit *j = h->m->jit;
    uint64_t invalidations = j->invalidations, next_pc;
    j->stats.helper_calls++;
    jit_fold_fflags(h); /* the instruction may read or write fflags */
    bool ok = cpu_exec(h, cpu_decode_cached(h, raw), &next_pc);
    __builtin_ia32_ldmxcsr(JIT_MXCSR); /* fpu.c kept its own books */
    if (!ok)
        return HELPER_TRAP;
    if (ends)
        h->pc = next_pc;
    return invalidations == j->invalidations ? HELPER_OK : HELPER_LEAVE;
}

static int jit_helper_exec(struct hart *h, uint32_t raw)
{
    return helper_exec(h, raw, false);
}

static int jit_helper_exec_end(struct hart *h, uint32_t raw)
{
    return helper_exec(h, raw, true);
}

/* -- The translator's state ----------------------------------------------- */

/* How far r12 (pc) and r13 (instret) lag behind the code being emitted:
 * r12 == block pc + pc_off, and `count` instructions of the block have been
 * added to r13. */
struct sync {
    int64_t pc_off;
    uint32_t count;
};

/* Guest registers cached in host registers inside a block (see "Guest
 * registers" below).  rbp and r15 survive helper calls; r8-r11 do not. */
#define NCACHE 6
static const int cache_host[NCACHE] = {R15, RBP, R8, R9, R10, R11};
#define NCACHE_CALLEE_SAVED 2

struct regcache {
    int8_t slot_of[32];        /* x[r] is in cache_host[slot], or -1 */
    uint8_t guest_of[NCACHE];  /* the guest register in a slot, 0 if free */
    uint32_t dirty;            /* guest registers newer in the host register */
    uint32_t used[NCACHE];     /* last use, for LRU eviction */
};

/* FP registers a trace keeps in xmm3-xmm15 ("FP registers in traces"
 * below). */
#define NFCACHE 13
#define FCACHE_XMM 3
struct fcache {
    int8_t slot_of[32];        /* f[r] is also in xmm(FCACHE_XMM + slot), or -1 */
    uint8_t guest_of[NFCACHE]; /* 1 + the register in a slot, 0 if free */
    uint32_t used[NFCACHE];    /* last use, for LRU */
    uint32_t dirty;            /* f registers newer in their xmm than in the hart */
    uint32_t unfixed;          /* dirty ones whose NaN may not be canonical yet */
};

enum stub_kind {
    STUB_LOAD, STUB_STORE, STUB_FP_FALLBACK, STUB_NAN, STUB_SIDE_EXIT,
    STUB_HOT,       /* a counted block's countdown ran out */
    STUB_JALR_MISS, /* a trace's indirect jump went elsewhere (target in rdx) */
    STUB_REFILL,    /* a probe slot, or a reused probe, missed: probe the TLB */
    STUB_WINDOW_OFF,  /* a window straddles two pages: none this time */
    STUB_WINDOW_MISS, /* an access in a window that is off: probe the TLB */
};

/* An out-of-line path, emitted after the body. */
struct stub {
    enum stub_kind kind;
    uint8_t *from;         /* the jcc's rel32 field that leads here */
    uint8_t *resume;       /* where the body continues */
    struct sync at;        /* the body's bookkeeping at the instruction */
    int64_t off;           /* the instruction: offset from the entry pc, */
    uint32_t idx, len;     /* index and length */
    uint32_t info;         /* load info / store size / raw bits / NaN shape */
    int64_t target;        /* side exit: the offset it leaves for, */
    uint32_t count;        /* with this many instructions retired */
    uint64_t pa_base, page_pa; /* where it was made (see struct tr) */
    int rs2;               /* store: the source register; NaN fix: the xmm register */
    bool pslot_fill;       /* the fast path fills the probe slot */
    bool pslot_live;       /* the body after it trusts the slot: reload rdi */
    int window;            /* windows: window k + 1 (0: none); */
    int32_t disp;          /* WINDOW_MISS: the access's host address is [rsi + disp], */
    uint8_t base;          /* at x[base] + imm */
    int32_t imm;
    int lslot, ways;       /* refill: the slot(s), 0 ways for none; size in `info` */
    bool write;            /* refill: for a store */
    struct stub *slow;     /* refill: the slow path it falls back to */
    bool fp;               /* store: from f[] */
    bool peeled;           /* made in a loop trace's first iteration */
    int pos;               /* a trace: the path instruction that made it, else -1 */
    struct regcache before;/* host registers at the branch to the stub ... */
    struct regcache after; /* ... and at the resume point */
    struct fcache before_fc;/* FP registers at the branch to the stub ... */
    struct fcache after_fc;/* ... and at the resume point */
};

/* A continuation: the code after one of a trace's side exits, planned
 * from the guest page as far as where it joins the trace again: a loop
 * trace's head or another continuation, or a later instruction of the
 * path of a trace that is no loop ("Continuations" below). */
#define MAX_CONTS 16
#define MAX_LOOP_CONTS 16
#define MAX_CONT_INSNS 32
struct cont {
    int64_t start;                         /* the side exit's target: offset from the head */
    int n;
    struct trace_insn insn[MAX_CONT_INSNS];
    int64_t next[MAX_CONT_INSNS];          /* where the code goes on after each */
    int64_t end;                           /* where it joins: 0 the loop head, or a start */
    uint8_t *label, *code_end;             /* its code, once emitted */
    /* No loop: the branch (path index) whose side exit it continues, and
     * the path instruction it joins (-1 in a loop trace), with the path's
     * state there once the path is translated (join_at, else NULL). */
    int from, join;
    uint8_t *join_at;
    struct regcache join_rc;
    struct fcache join_fc;
    struct sync join_s;
    uint32_t join_idx;
};

struct tr {
    struct jit *j;
    struct jit_block *blk;
    struct x64_buf *b;     /* where code goes now: hot, or for a slow path's stub cold */
    struct x64_buf *hot;   /* the main path */
    struct x64_buf *cold;  /* out-of-line code (jit.c: another region), or NULL */
    const struct trace_info *ti; /* translating a trace, else NULL */
    uint32_t flags;        /* code flags */
    struct sync s;         /* the body's bookkeeping */
    int64_t off;           /* the instruction being translated: offset of its
                              virtual pc from the entry's (a trace's may be <0) */
    uint32_t idx;          /* and its index */
    const struct insn *in;
    /* Physical placement of the instruction, for chaining exits: offset o
     * is at physical pa_base + o if that lies on page_pa, the
     * instruction's own page (a block has one page; a trace many). */
    uint64_t pa_base, page_pa;
    int64_t next_off;      /* a trace: where its path goes after this one */
    bool fs_dirty_done;    /* mstatus.FS already set dirty in this block */
    bool stats;            /* count TLB and jump cache probes */
    struct regcache rc;    /* guest registers in host registers, now */
    uint32_t tick;
    uint32_t insn_tick;    /* tick when the instruction being translated began */
    uint8_t *loop_head;    /* a loop block: where the back-edge jumps, or NULL */
    struct regcache head_rc;/* the registers as the loop head expects them */
    uint32_t pinned;        /* a loop that keeps only some: those (loop_regs_kept) */
    bool reload_rdi;       /* emitting a stub whose body trusts the probe slot */
    bool fc_on;            /* keeping FP copies (traces) */
    struct fcache fc, head_fc; /* FP copies now, and as the loop head expects them */
    const struct fcache *reload_fc; /* emitting a stub: the copies to load again */
    /* What the translator knows about guest register values here, along
     * the straight line from the entry or loop head (see "Probes done
     * once"): constants, offsets from the entry pc, and probe slots. */
    uint32_t known_const, known_pcrel;
    int64_t known_val[32];
    uint8_t pslot_base;           /* the base register probed into the slot, or 0 */
    bool pslot_write;             /* the slot's probe was for a store */
    bool pslot_filled;            /* the probe just emitted fills the slot */
    bool lslots_on;               /* a loop trace: access sites take probe slots */
    uint32_t loaded, computed;    /* pointer_regs, computed_regs of the loop */
    struct stub *refill;          /* the probe just emitted goes through a slot */
    bool peeling;                 /* translating a loop trace's first iteration */
    int nlog, loop_log;           /* -d out_asm: instructions logged; where the loop starts */
    uint8_t *peel_end;            /* -d out_asm: where the peeled iteration's end begins */
    int nstubs;
    int nconts;                   /* a loop trace's continuations */
    int pos;                      /* a trace: the index of the path instruction
                                     being translated, else -1 */
    bool wraps;                   /* the path starts again after its end (a loop) */
    struct site_lslot {           /* a loop trace: each access site's probe slot */
        uint8_t k, ways;          /* ways 0: none taken yet */
    } site_lslot[MAX_TR_INSNS];
    bool opening_window;          /* the access being translated opens a window */
    int win_end[JIT_WINDOWS];     /* each window's last access ("Load and store */
    uint8_t win_base[JIT_WINDOWS];/* windows"), and its pointer; 0: none open */
    struct win_access {           /* an access of the path in an open window: */
        bool member;
        uint8_t k;                /* its window, */
        int32_t disp;             /* host address: [window k] + disp */
    } win[MAX_TR_INSNS];
    /* the big arrays last: a translation clears only what is above */
    struct cont conts[MAX_CONTS];
    struct insn_uses {            /* a trace's registers, by path instruction */
        uint32_t xr, xw, fr, fw;  /* integer read, written; FP read, written */
    } uses[MAX_TR_INSNS];
    struct stub stubs[MAX_STUBS];
    uint8_t *insn_start[2 * MAX_TR_INSNS + 1]; /* -d out_asm */
    uint32_t insn_raw[2 * MAX_TR_INSNS];       /* -d out_asm: the guest code */
    int64_t insn_off[2 * MAX_TR_INSNS];
};

/* -- Bookkeeping: pc and instret ------------------------------------------- */

/* add r12, off - s->pc_off */
static void sync_pc(struct tr *t, struct sync *s, int64_t off)
{
    if (s->pc_off != off)
        x64_alu_ri(t->b, true, ALU_ADD, R12, (int32_t)(off - s->pc_off));
    s->pc_off = off;
}

/* add r13, count - s->count */
static void sync_count(struct tr *t, struct sync *s, uint32_t count)
{
    if (s->count != count)
        x64_alu_ri(t->b, true, ALU_ADD, R13, (int32_t)(count - s->count));
    s->count = count;
}

/* mov [pc], r12 ; mov [instret], r13  — for a helper that reads them */
static void spill_pc_instret(struct tr *t)
{
    x64_mov_mr(t->b, true, HART(pc), R12);
    x64_mov_mr(t->b, true, HART(instret), R13);
}

/* -stats in traces: add n to one of the trace's own counters (the field
 * at `offset` of its trace_info's stats).
 *     mov rax, &counter ; add qword [rax], n  (clobbers rax) */
static void trace_count(struct tr *t, size_t offset, uint32_t n)
{
    if (!t->ti || !t->stats || !n)
        return;
    uintptr_t counter = (uintptr_t)&t->ti->stats + offset;
    x64_mov_ri(t->b, RAX, (uint64_t)counter);
    x64_alu_mi(t->b, true, ALU_ADD, x64_at(RAX, 0), (int32_t)n);
}

/* The address code written at p (in the main path's buffer or the
 * out-of-line one) will run from. */
static const uint8_t *exec_of(const struct tr *t, const uint8_t *p)
{
    bool cold = t->cold && !(p >= t->hot->start && p <= t->hot->end) &&
                p >= t->cold->start && p <= t->cold->end;
    return p + (cold ? t->cold : t->hot)->exec_delta;
}

/* Point the rel32 field f (either buffer) at the current position of t->b. */
static void patch_to_here(struct tr *t, uint8_t *f)
{
    x64_patch_rel32_at(f, (uintptr_t)exec_of(t, f), (uintptr_t)exec_of(t, x64_here(t->b)));
}

/* Leave the block with h->pc and instret at instruction (off, idx). */
static void emit_trap_exit(struct tr *t, struct sync s, int64_t off, uint32_t idx)
{
    sync_pc(t, &s, off);
    sync_count(t, &s, idx);
    trace_count(t, offsetof(struct trace_stats, insns), idx);
    x64_jmp_to(t->b, t->j->exit_trap);
}

static struct stub *new_stub(struct tr *t, enum stub_kind kind, uint8_t *from)
{
    struct stub *st = &t->stubs[t->nstubs++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->from = from;
    st->at = t->s;
    st->off = t->off;
    st->idx = t->idx;
    st->len = t->in ? t->in->len : 0;
    st->count = t->idx + 1;
    st->pa_base = t->pa_base;
    st->page_pa = t->page_pa;
    st->before = st->after = t->rc;
    st->pslot_live = t->pslot_base != 0;
    st->before_fc = st->after_fc = t->fc;
    st->peeled = t->peeling;
    st->pos = t->pos;
    return st;
}

/* -- Guest registers ------------------------------------------------------------
 * Guest registers go through reg_src / reg_dst only.  A guest register used
 * in a block is loaded into one of six host registers on first use and
 * stays there; a write only marks it dirty.  regs_flush stores the dirty
 * ones back into the hart: before any helper (helpers read and write the
 * hart) and at every exit.  After a helper, registers it may have clobbered
 * or changed are forgotten and loaded again when next used.  x0 is never
 * cached or written: it reads as an immediate 0.
 *
 * Out-of-line stubs see the cache as it was at their branch (`before`) and
 * must leave it as the body expects at their resume point (`after`): they
 * flush `before`'s dirty registers, call, and reload `after`'s. */

static void rc_init(struct regcache *rc)
{
    memset(rc, 0, sizeof *rc);
    memset(rc->slot_of, -1, sizeof rc->slot_of);
}

#define NEVER_USED (1 << 20)

/* How many path instructions from the one being translated until x[r]
 * (or f[r], `fp`) is next read: 0 if this one reads it, NEVER_USED if it
 * is written first or not used again (a loop's path goes round). */
static int next_read_from(const struct tr *t, bool fp, unsigned r, int first)
{
    int n = t->ti->n;
    uint32_t bit = 1u << r;
    for (int k = first; k < (t->wraps ? n : n - t->pos); k++) {
        const struct insn_uses *u = &t->uses[(t->pos + k) % n];
        if ((fp ? u->fr : u->xr) & bit)
            return k;
        if ((fp ? u->fw : u->xw) & bit)
            return NEVER_USED;
    }
    return NEVER_USED;
}

static int next_read(const struct tr *t, bool fp, unsigned r)
{
    return next_read_from(t, fp, r, 0);
}

/* Slot i's age where a trace does not look ahead (a block, a loop
 * trace's continuations): the least recently used goes first, a register
 * the loop keeps (t->pinned) after the others, as the loop head wants it
 * back, and one the instruction being translated uses never. */
static uint64_t lru_key(const struct tr *t, const uint8_t *guest_of, const uint32_t *used, int i,
                        bool fp)
{
    bool kept = !fp && (t->pinned >> guest_of[i]) & 1;
    uint64_t rank = used[i] > t->insn_tick ? 2 : kept;
    return rank << 32 | used[i];
}

/* A slot for a new guest register: the first free one (guest_of 0, else
 * the guest register is guest_of - `fp`), else in a trace the one read
 * again last (Belady's choice: a trace knows its future; an integer
 * register not dirty first, then the least recently used among equals;
 * a register the loop keeps (t->pinned) only before one this instruction
 * reads), else the least recently used. */
static int victim_slot(const struct tr *t, const uint8_t *guest_of, const uint32_t *used, int n,
                       bool fp, uint32_t dirty)
{
    int slot = 0, far = -1;
    for (int i = 0; i < n; i++) {
        if (!guest_of[i])
            return i;
        if (t->pos < 0) { /* a block, or a continuation: least recently used,
                             a register the loop keeps last */
            if (lru_key(t, guest_of, used, i, fp) < lru_key(t, guest_of, used, slot, fp))
                slot = i;
            continue;
        }
        unsigned g = guest_of[i] - (fp ? 1 : 0);
        int d = 4 * next_read(t, fp, g) + ((dirty >> g) & 1 ? 0 : 2);
        if (!fp && (t->pinned >> g) & 1 && d > 3)
            d = 3; /* the loop head wants it back: after all but what this instruction reads */
        if (d > far || (d == far && used[i] < used[slot]))
            slot = i, far = d;
    }
    return slot;
}

/* Free a slot: its guest register, if dirty, goes back to the hart
 * (mov [x(g)], host). */
static void rc_evict(struct tr *t, int slot)
{
    struct regcache *rc = &t->rc;
    unsigned g = rc->guest_of[slot];
    if (!g)
        return;
    if (rc->dirty & (1u << g))
        x64_mov_mr(t->b, true, XREG(g), cache_host[slot]);
    rc->dirty &= ~(1u << g);
    rc->slot_of[g] = -1;
    rc->guest_of[slot] = 0;
}

/* The host register holding x[r] (r != 0), loading it when `load`. */
static int rc_slot(struct tr *t, unsigned r, bool load)
{
    struct regcache *rc = &t->rc;
    int slot = rc->slot_of[r];
    if (slot < 0) {
        slot = victim_slot(t, rc->guest_of, rc->used, NCACHE, false, rc->dirty);
        rc_evict(t, slot);
        rc->guest_of[slot] = (uint8_t)r;
        rc->slot_of[r] = (int8_t)slot;
        if (load)
            x64_mov_rm(t->b, true, cache_host[slot], XREG(r));
    }
    rc->used[slot] = ++t->tick;
    return cache_host[slot];
}

/* The host register to read x[r] from (r != 0). */
static int reg_src(struct tr *t, unsigned r)
{
    return rc_slot(t, r, true);
}

/* Should the instruction being translated read x[r] (r != 0) straight from
 * the hart, as an x86 memory operand (add r9d, [rbx - 0x10]), rather than
 * load it into a host register?  Only in a trace, which knows its future,
 * and only when x[r] is not cached (then the hart's copy is current) and
 * caching it would not pay: this instruction overwrites it, it is not
 * read again, or no slot is free and the one to evict is read again no
 * later than x[r] is (Belady).  md5's rounds read 10 registers in turn;
 * loading each evicted another, dirty, that was read again soon: a store
 * and a load for nothing. */
static bool read_from_memory(const struct tr *t, unsigned r)
{
    const struct regcache *rc = &t->rc;
    if (r == 0 || t->pos < 0 || !t->ti || rc->slot_of[r] >= 0)
        return false;
    if (t->uses[t->pos].xw & (1u << r))
        return true;
    int mine = next_read_from(t, false, r, 1);
    if (mine == NEVER_USED)
        return true;
    int later = -1; /* when the register read again last is read */
    for (int i = 0; i < NCACHE; i++) {
        if (!rc->guest_of[i])
            return false;
        int next = next_read(t, false, rc->guest_of[i]);
        later = next > later ? next : later;
    }
    return later <= mine;
}

/* x[r] changes: what was known about its value is void. */
static void forget_value(struct tr *t, unsigned r)
{
    t->known_const &= ~(1u << r);
    t->known_pcrel &= ~(1u << r);
    if (t->pslot_base == r)
        t->pslot_base = 0;
}

/* The host register to write x[r] into (r != 0); it becomes dirty. */
static int reg_dst(struct tr *t, unsigned r)
{
    forget_value(t, r);
    int host = rc_slot(t, r, false);
    t->rc.dirty |= 1u << r;
    return host;
}

/* mov [x(g)], host for every dirty g of rc (rc itself unchanged). */
static void emit_flush(struct tr *t, const struct regcache *rc)
{
    for (int i = 0; i < NCACHE; i++)
        if (rc->guest_of[i] && (rc->dirty & (1u << rc->guest_of[i])))
            x64_mov_mr(t->b, true, XREG(rc->guest_of[i]), cache_host[i]);
}

/* -- FP registers in traces ------------------------------------------------------
 * In a trace, an FP register read or written lives in one of xmm3-xmm15,
 * so the next read is a register move, not a load of what was just stored
 * (a loop-carried sum otherwise waits on store forwarding every
 * iteration).  A double result stays there, dirty, as integer registers
 * do: what is dirty is stored into f[] on the way out (every exit, before
 * every helper and slow path, before code that reads f[] itself, and when
 * its xmm register is taken for another).  Stores after every FP
 * instruction filled the host's store buffer: nbody ran 10-15% slower.
 * Single results are NaN-boxed in f[] and keep no copy.  A copy is
 * dropped when f[r] is written another way (fld of a single, fsgnj, fmv,
 * a helper); a helper clobbers every xmm register, so slow paths that call
 * one and rejoin load the copies again, and after jit_by_helper none is
 * trusted.  A loop trace loads its FP registers before the loop head; the
 * back-edge stores what is dirty and not where the head keeps it, and
 * loads whatever is not where the head expects it.
 *
 * A double fadd/fsub/fmul/fdiv/fsqrt in a trace leaves its NaN unfixed:
 * x86's NaN (0xfff8...) or a propagated payload is a NaN to every later
 * arithmetic instruction, quiet like RISC-V's, so results and fflags come
 * out the same.  Only its bits differ, so the fix (ucomisd x, x ; jp fix)
 * is made where bits are seen: an fsd of the copy, and every store of it
 * into f[] (fc_sync, flushes, the back-edge).  cpubench mandel's inner loop
 * had 8 fixes an iteration and now has none; nbody's had 29 and now has
 * 14, where values leave their xmm registers. */

static void fc_init(struct fcache *fc)
{
    memset(fc, 0, sizeof *fc);
    memset(fc->slot_of, -1, sizeof fc->slot_of);
}

/* The xmm register with a copy of f[r], or -1. */
static int fc_xmm(struct tr *t, unsigned r)
{
    int k = t->fc.slot_of[r];
    if (k < 0)
        return -1;
    t->fc.used[k] = ++t->tick;
    return FCACHE_XMM + k;
}

/* f[r] was written behind the copies' back: its copy, dirty or not, is
 * old. */
static void fc_forget(struct tr *t, unsigned r)
{
    int k = t->fc.slot_of[r];
    if (k >= 0) {
        t->fc.guest_of[k] = 0;
        t->fc.slot_of[r] = -1;
    }
    t->fc.dirty &= ~(1u << r);
    t->fc.unfixed &= ~(1u << r);
}

/* The NaN fix of f[r]'s copy in xmm x, inline (for code out of line, and
 * for code where a stub cannot be made; no host register is touched, f[r]
 * is written):
 *     ucomisd x, x ; jnp ok ; mov dword [f(r)], 0
 *     mov dword [f(r) + 4], 0x7ff80000 ; movsd x, [f(r)] ; ok: */
static void emit_fix_nan_inline(struct tr *t, unsigned r, int x)
{
    x64_ucomis(t->b, true, x, x);
    uint8_t *ok = x64_jcc_rel32(t->b, CC_NP);
    x64_mov_mi(t->b, 4, FREG(r), (int32_t)(uint32_t)CANONICAL_NAN_D);
    x64_mov_mi(t->b, 4, FREG_HI(r), (int32_t)(uint32_t)(CANONICAL_NAN_D >> 32));
    x64_movsd_rm(t->b, x, FREG(r));
    x64_patch_rel32(ok, x64_here(t->b));
}

/* movsd [f(r)], x, fixing its NaN first if it may need it */
static void emit_fc_store(struct tr *t, unsigned r, int x, bool unfixed)
{
    x64_movsd_mr(t->b, FREG(r), x);
    if (unfixed)
        emit_fix_nan_inline(t, r, x);
}

/* movsd [f(r)], xk for every dirty r of fc, NaNs fixed (fc itself
 * unchanged; the copies are then canonical too). */
static void emit_fc_flush(struct tr *t, const struct fcache *fc)
{
    for (int k = 0; k < NFCACHE; k++) {
        unsigned g = fc->guest_of[k];
        uint32_t bit = g ? 1u << (g - 1) : 0;
        if (fc->dirty & bit)
            emit_fc_store(t, g - 1, FCACHE_XMM + k, fc->unfixed & bit);
    }
}

static void canonicalize_nan_in(struct tr *t, bool single, int xr);

/* f[r]'s copy is about to be seen bit for bit: fix its NaN. */
static void fc_fix(struct tr *t, unsigned r)
{
    int k = t->fc.slot_of[r];
    if (k >= 0 && (t->fc.unfixed & (1u << r)))
        canonicalize_nan_in(t, false, FCACHE_XMM + k);
    t->fc.unfixed &= ~(1u << r);
}

/* Code about to read f[r] from the hart: store its copy if dirty. */
static void fc_sync(struct tr *t, unsigned r)
{
    fc_fix(t, r);
    int k = t->fc.slot_of[r];
    if (k >= 0 && (t->fc.dirty & (1u << r)))
        x64_movsd_mr(t->b, FREG(r), FCACHE_XMM + k);
    t->fc.dirty &= ~(1u << r);
}

/* The slot for a copy of f[r] (a free one, else victim_slot's choice,
 * stored first if dirty). */
static int fc_slot(struct tr *t, unsigned r)
{
    struct fcache *fc = &t->fc;
    int k = fc->slot_of[r];
    if (k < 0) {
        k = victim_slot(t, fc->guest_of, fc->used, NFCACHE, true, 0);
        if (fc->guest_of[k]) {
            fc_sync(t, fc->guest_of[k] - 1u);
            fc->slot_of[fc->guest_of[k] - 1] = -1;
        }
        fc->guest_of[k] = (uint8_t)(r + 1);
        fc->slot_of[r] = (int8_t)k;
    }
    fc->used[k] = ++t->tick;
    return FCACHE_XMM + k;
}

/* f[r] (already in the hart) is in xmm src: keep a copy.  movaps xk, src */
static void fc_keep(struct tr *t, unsigned r, int src)
{
    if (t->fc_on)
        x64_movaps_rr(t->b, fc_slot(t, r), src);
}

/* f[r] = the double in xmm src, kept in r's xmm register only (a trace)
 * or stored (a block).  movaps xk, src  |  movsd [f(r)], src */
static void fc_set(struct tr *t, unsigned r, int src)
{
    if (!t->fc_on) {
        x64_movsd_mr(t->b, FREG(r), src);
        return;
    }
    int x = fc_slot(t, r);
    if (x != src)
        x64_movaps_rr(t->b, x, src);
    t->fc.dirty |= 1u << r;
    t->fc.unfixed &= ~(1u << r);
}

/* Load copies from the hart: every one of fc, or those not already where
 * `now` has them.  movsd xk, [f(r)] */
static void emit_fc_load(struct tr *t, const struct fcache *fc, const struct fcache *now)
{
    for (int k = 0; k < NFCACHE; k++) {
        unsigned g = fc->guest_of[k];
        if (g && !(now && now->slot_of[g - 1] == k))
            x64_movsd_rm(t->b, FCACHE_XMM + k, FREG(g - 1));
    }
}

/* mov host, [x(g)] for every cached g of rc. */
static void emit_reload(struct tr *t, const struct regcache *rc)
{
    if (t->reload_rdi) /* a slow path rejoining code that trusts the probe slot */
        x64_mov_rm(t->b, true, RDI, PSLOT(1));
    if (t->reload_fc) /* the helper it called clobbered every xmm register */
        emit_fc_load(t, t->reload_fc, NULL);
    for (int i = 0; i < NCACHE; i++)
        if (rc->guest_of[i])
            x64_mov_rm(t->b, true, cache_host[i], XREG(rc->guest_of[i]));
}

/* Before a helper: the hart gets every dirty register, FP ones too. */
static void regs_flush(struct tr *t)
{
    emit_flush(t, &t->rc);
    t->rc.dirty = 0;
    emit_fc_flush(t, &t->fc);
    t->fc.dirty = 0;
    t->fc.unfixed = 0;
}

/* After a helper: forget what it may have changed (every slot when it may
 * write guest registers, else the caller-saved ones it clobbers). */
static void regs_forget(struct tr *t, bool all)
{
    for (unsigned r = 1; all && r < 32; r++)
        forget_value(t, r);
    for (int i = all ? 0 : NCACHE_CALLEE_SAVED; i < NCACHE; i++) {
        if (t->rc.guest_of[i])
            t->rc.slot_of[t->rc.guest_of[i]] = -1;
        t->rc.guest_of[i] = 0;
    }
}

/* reg = x[r] (x0 reads as 0) */
static void load_x(struct tr *t, int reg, unsigned r)
{
    if (r == 0)
        x64_mov_ri(t->b, reg, 0);
    else if (read_from_memory(t, r))
        x64_mov_rm(t->b, true, reg, XREG(r));
    else
        x64_mov_rr(t->b, true, reg, reg_src(t, r));
}

/* x[rd] = reg; writes to x0 vanish */
static void store_x(struct tr *t, unsigned rd, int reg)
{
    if (rd)
        x64_mov_rr(t->b, true, reg_dst(t, rd), reg);
}

/* The host register of rd, holding x[rs1], to compute rd in place:
 *     mov rd_host, rs1_host        (nothing when rd == rs1) */
static int dst_from(struct tr *t, unsigned rd, unsigned rs1)
{
    if (read_from_memory(t, rs1)) { /* mov rd_host, [x(rs1)] */
        int dst = reg_dst(t, rd);
        x64_mov_rm(t->b, true, dst, XREG(rs1));
        return dst;
    }
    int src = rs1 ? reg_src(t, rs1) : -1;
    int dst = reg_dst(t, rd);
    if (src < 0)
        x64_mov_ri(t->b, dst, 0);
    else if (dst != src)
        x64_mov_rr(t->b, true, dst, src);
    return dst;
}

/* mov eax, al-sized flag result: setcc al ; movzx eax, al */
static void setcc_x(struct tr *t, enum x64_cc cc, unsigned rd)
{
    x64_setcc(t->b, cc, RAX);
    x64_movzx_rr(t->b, RAX, RAX, 1);
    store_x(t, rd, RAX);
}

/* mstatus.FS = dirty, once per block, after the first FP write. */
static void fs_dirty(struct tr *t)
{
    if (t->fs_dirty_done)
        return;
    x64_alu_mi(t->b, true, ALU_OR, HART(mstatus), (int32_t)MSTATUS_FS);
    t->fs_dirty_done = true;
}

/* Call a C helper: rdi = h; the other arguments are already in place. */
static void call_helper(struct tr *t, const void *fn)
{
    x64_lea(t->b, true, RDI, x64_at(RBX, -JIT_HART_BIAS));
    x64_mov_ri(t->b, RAX, (uint64_t)(uintptr_t)fn);
    x64_call_r(t->b, RAX);
}

/* -- Exits ----------------------------------------------------------------- */

/* The jump cache probe for the pc in rax (clobbers rcx), jcache_index():
 *     mov rcx, rax ; shr rcx, 13 ; xor ecx, eax
 *     shr ecx, 1 ; and ecx, JCACHE_SIZE-1 ; shl ecx, 4
 *     add rcx, [jcache] ; xor rax, [jcache_xor] ; cmp rax, [rcx]
 *     jne probe_second ; jmp [rcx+8]
 * and the shared probe_second tries the other kind of tag (jit.h: global
 * pages' or the others'):
 *     xor rax, [jcache_xor] ; xor rax, [jcache_xor2] ; cmp rax, [rcx]
 *     jne exit_lookup ; jmp [rcx+8] */
static void emit_jcache_probe(struct jit *j, struct x64_buf *b, bool stats)
{
    if (stats)
        x64_alu_mi(b, true, ALU_ADD, PROBE(PROBE_JCACHE), 1);
    x64_mov_rr(b, true, RCX, RAX);
    x64_shift_ri(b, true, SHIFT_SHR, RCX, JCACHE_FOLD);
    x64_alu_rr(b, false, ALU_XOR, RCX, RAX);
    x64_shift_ri(b, false, SHIFT_SHR, RCX, 1);
    x64_alu_ri(b, false, ALU_AND, RCX, JCACHE_SIZE - 1);
    x64_shift_ri(b, false, SHIFT_SHL, RCX, 4);
    x64_alu_rm(b, true, ALU_ADD, RCX, HART(jcache));
    x64_alu_rm(b, true, ALU_XOR, RAX, HART(jcache_xor));
    x64_alu_rm(b, true, ALU_CMP, RAX, x64_at(RCX, 0));
    x64_jcc_to(b, CC_NE, j->probe_second);
    x64_jmp_m(b, x64_at(RCX, 8));
}

static void emit_probe_second(struct jit *j, struct x64_buf *b)
{
    x64_alu_rm(b, true, ALU_XOR, RAX, HART(jcache_xor));
    x64_alu_rm(b, true, ALU_XOR, RAX, HART(jcache_xor2));
    x64_alu_rm(b, true, ALU_CMP, RAX, x64_at(RCX, 0));
    x64_jcc_to(b, CC_NE, j->exit_lookup);
    x64_jmp_m(b, x64_at(RCX, 8));
}

/* Move registers and FP copies from where `now` and `fnow` have them to
 * where code that expects `at` and `fat` will look: a loop head (before a
 * back-edge or a continuation of a loop trace), or a continuation's label
 * in the path.  First every dirty register goes back to the hart unless
 * `at` has it in the same slot, dirty too (so it is stored later), then
 * every slot `at` fills otherwise is loaded: no order of moves can lose a
 * value.  A loop head holds every register the loop writes as dirty, so
 * there only slots that change hands store.  A loop block never evicts,
 * so its back-edges need nothing. */
static void emit_reconcile(struct tr *t, const struct regcache *now, const struct regcache *at,
                           const struct fcache *fnow, const struct fcache *fat)
{
    for (int i = 0; i < NCACHE; i++) {
        unsigned g = now->guest_of[i];
        uint32_t bit = 1u << g;
        if (g && (now->dirty & bit) && !(at->guest_of[i] == g && (at->dirty & bit)))
            x64_mov_mr(t->b, true, XREG(g), cache_host[i]);
    }
    for (int i = 0; i < NCACHE; i++)
        if (at->guest_of[i] && now->guest_of[i] != at->guest_of[i])
            x64_mov_rm(t->b, true, cache_host[i], XREG(at->guest_of[i]));
    for (int k = 0; k < NFCACHE; k++) {
        unsigned g = fnow->guest_of[k];
        uint32_t bit = g ? 1u << (g - 1) : 0;
        bool unfixed = fnow->unfixed & bit;
        if (!(fnow->dirty & bit))
            continue;
        if (!(fat->guest_of[k] == g && (fat->dirty & bit)))
            emit_fc_store(t, g - 1, FCACHE_XMM + k, unfixed);
        else if (unfixed && !(fat->unfixed & bit)) /* `at` has it fixed */
            emit_fix_nan_inline(t, g - 1, FCACHE_XMM + k);
    }
    emit_fc_load(t, fat, fnow);
}

/* The end of an iteration, back at the loop head (a back-edge, or a loop
 * trace's peeled first iteration): the caller's jb after it goes round.
 *     add r13, n ; add r12, -pc_off ; cmp r13, [insn_limit] */
static void emit_iteration_end(struct tr *t, struct sync *s, uint32_t count)
{
    sync_count(t, s, count);
    sync_pc(t, s, 0);
    trace_count(t, offsetof(struct trace_stats, insns), count);
    trace_count(t, offsetof(struct trace_stats, iterations), 1);
    x64_alu_rm(t->b, true, ALU_CMP, R13, HART(insn_limit));
}

/* Out of budget (or kicked) at the loop head:  <flush rc, fc> ; jmp exit_budget */
static void emit_budget_exit(struct tr *t, const struct regcache *rc, const struct fcache *fc)
{
    emit_flush(t, rc);
    emit_fc_flush(t, fc);
    x64_jmp_to(t->b, t->j->exit_budget);
}

/* The back-edge of a loop block or loop trace: its registers stay in
 * host registers.
 *     <reconcile> ; add r13, n ; add r12, -pc_off   ; r12 = the entry pc again
 *     cmp r13, [insn_limit] ; jb loop_head
 *     <flush> ; jmp exit_budget          ; out of budget (or kicked) */
static void emit_back_edge(struct tr *t, struct sync s, const struct regcache *rc,
                           uint32_t count)
{
    emit_reconcile(t, rc, &t->head_rc, &t->fc, &t->head_fc);
    emit_iteration_end(t, &s, count);
    x64_jcc_to(t->b, CC_B, exec_of(t, t->loop_head));
    emit_budget_exit(t, &t->head_rc, &t->head_fc);
}

/* Leave for the instruction at offset `target` (may be off the page),
 * `count` instructions retired.  On the same physical page the exit is a
 * link: a jmp that first asks jit.c to chain it, then goes straight to the
 * target block. */
static bool emit_to_cont(struct tr *t, struct sync s, const struct regcache *rc,
                         int64_t target, uint32_t count);

/* Leave for the pc in r12 through the jump cache, the probe inline:
 *     mov rax, r12 ; <jump cache probe>
 * Each exit so has an indirect jump of its own, which the host predicts by
 * where it is; one shared dispatcher's jump was mispredicted whenever the
 * exits that went through it were headed for different places.  (Measured
 * in one sitting, fastest of 10 fib(18) runs after the first: 285 ms
 * against 293 with traces, 279 against 287 without.) */
static void emit_dispatch(struct tr *t)
{
    x64_mov_rr(t->b, true, RAX, R12);
    emit_jcache_probe(t->j, t->b, t->stats);
}

static void emit_exit_to(struct tr *t, struct sync s, const struct regcache *rc,
                         int64_t target, uint32_t count)
{
    struct x64_buf *b = t->b;
    if (t->loop_head && rc && target == 0) {
        emit_back_edge(t, s, rc, count);
        return;
    }
    if (t->loop_head && rc && emit_to_cont(t, s, rc, target, count))
        return;
    if (rc) {
        emit_flush(t, rc);
        emit_fc_flush(t, &t->fc);
    }
    sync_count(t, &s, count);
    trace_count(t, offsetof(struct trace_stats, insns), count);
    if (target != s.pc_off)
        x64_alu_ri(b, true, ALU_ADD, R12, (int32_t)(target - s.pc_off));
    uint64_t target_pa = t->pa_base + (uint64_t)target;
    if (t->j->no_chain) {
        x64_jmp_to(b, t->j->exit_lookup);
        return;
    }
    if ((target_pa & ~0xfffULL) != t->page_pa || t->blk->nlinks == JIT_MAX_LINKS) {
        emit_dispatch(t);
        return;
    }
    struct jit_link *l = &t->blk->links[t->blk->nlinks++];
    l->from = t->blk;
    l->target_pa = target_pa;
    l->jmp_field = x64_jmp_rel32(b);          /* jmp next  (patched: jmp target) */
    l->unlinked_target = x64_here(b) + b->exec_delta;
    x64_mov_ri(b, RAX, (uint64_t)(uintptr_t)l);
    x64_mov_mr(b, true, HART(jit_link), RAX); /* h->jit_link = l */
    x64_mov_ri(b, RAX, JIT_EXIT_LINK);
    x64_jmp_to(b, t->j->epilogue);
}

/* Leave through the jump cache: r12 is already right.  rc: the registers
 * to flush first, with t->fc's (NULL when the hart is already up to date). */
static void emit_exit_dispatch(struct tr *t, struct sync s, const struct regcache *rc,
                               uint32_t count)
{
    if (rc) {
        emit_flush(t, rc);
        emit_fc_flush(t, &t->fc);
    }
    sync_count(t, &s, count);
    trace_count(t, offsetof(struct trace_stats, insns), count);
    if (t->j->no_chain)
        x64_jmp_to(t->b, t->j->exit_lookup);
    else
        emit_dispatch(t);
}

/* -- Integer instructions --------------------------------------------------- */

/* x[r] holds the constant v from here on (until written). */
static void know_const(struct tr *t, unsigned r, int64_t v)
{
    t->known_const |= 1u << r;
    t->known_val[r] = v;
}

static enum x64_alu alu_of(enum op op)
{
    switch (op) {
    case OP_ADD: case OP_ADDI: case OP_ADDW: case OP_ADDIW: return ALU_ADD;
    case OP_SUB: case OP_SUBW: return ALU_SUB;
    case OP_XOR: case OP_XORI: return ALU_XOR;
    case OP_OR: case OP_ORI: return ALU_OR;
    default: return ALU_AND;
    }
}

/* addi/xori/ori/andi/addiw:  mov rax, [rs1] ; op rax, imm ; (movsxd) ; mov [rd], rax */
static void jit_alu_imm(struct tr *t, bool word)
{
    const struct insn *in = t->in;
    enum x64_alu op = alu_of((enum op)in->op);
    if (!in->rd)
        return;
    if (in->rs1 == 0 && (op == ALU_ADD || op == ALU_OR || op == ALU_XOR)) {
        /* li rd, imm:  mov rd, imm */
        x64_mov_ri(t->b, reg_dst(t, in->rd), (uint64_t)in->imm);
        know_const(t, in->rd, in->imm);
        return;
    }
    /* addi of a known value keeps it known: lui+addi, auipc+addi chains */
    bool was_const = t->known_const & (1u << in->rs1);
    bool was_pcrel = t->known_pcrel & (1u << in->rs1);
    int64_t val = t->known_val[in->rs1];
    int32_t imm = (int32_t)in->imm;
    bool bug = t->j->selftest_bug == SELFTEST_ALL || (t->j->selftest_bug == SELFTEST_TRACES && t->ti);
    if (bug && op == ALU_ADD && !word && in->rd != in->rs1)
        imm++; /* DBT_JIT_SELFTEST_BUG: a wrong addi for -check to find */
    int d;
    if (op == ALU_ADD && imm && in->rd != in->rs1 && !read_from_memory(t, in->rs1)) {
        /* into another register: lea rd_host, [rs1_host + imm] (one
         * instruction for mov and add) */
        int src = reg_src(t, in->rs1);
        d = reg_dst(t, in->rd);
        x64_lea(t->b, !word, d, x64_at(src, imm));
    } else {
        d = dst_from(t, in->rd, in->rs1);
        if (imm || op == ALU_AND) /* mv rd, rs1 needs no add */
            x64_alu_ri(t->b, !word, op, d, imm);
    }
    if (word)
        x64_movsxd_rr(t->b, d, d);
    if (op == ALU_ADD && !word && (was_const || was_pcrel) && imm == in->imm) {
        t->known_val[in->rd] = val + imm;
        t->known_const |= (was_const ? 1u : 0u) << in->rd;
        t->known_pcrel |= (was_pcrel ? 1u : 0u) << in->rd;
    }
}

/* op d, x[r]: from the hart (in_memory), host register src, or 0 (x0);
 * then the sign extension of a word op. */
static void alu_from(struct tr *t, bool word, enum x64_alu op, int d, unsigned r,
                     bool in_memory, int src)
{
    if (in_memory)
        x64_alu_rm(t->b, !word, op, d, XREG(r));
    else if (src >= 0)
        x64_alu_rr(t->b, !word, op, d, src);
    else
        x64_alu_ri(t->b, !word, op, d, 0);
    if (word)
        x64_movsxd_rr(t->b, d, d);
}

/* Does a memory operand based on host register r need a displacement?
 * (rbp and r13: mod 00 with their number means something else) */
static bool needs_disp(int r)
{
    return (r & 7) == 5;
}

/* add/sub/xor/or/and/addw/subw:  mov rax, [rs1] ; op rax, [rs2] ; mov [rd], rax */
static void jit_alu_reg(struct tr *t, bool word)
{
    const struct insn *in = t->in;
    enum x64_alu op = alu_of((enum op)in->op);
    if (!in->rd)
        return;
    if (in->rs1 == 0 && (op == ALU_ADD || op == ALU_OR || op == ALU_XOR)) {
        /* mv rd, rs2 (c.mv is add rd, x0, rs2):  mov rd, rs2 */
        int d = dst_from(t, in->rd, in->rs2);
        if (word)
            x64_movsxd_rr(t->b, d, d);
        return;
    }
    if (in->rd == in->rs2 && in->rd != in->rs1 && op != ALU_SUB) {
        /* rd = rs1 op rd, commutative: rd_host op= rs1 */
        bool src1_in_memory = read_from_memory(t, in->rs1);
        int src1 = in->rs1 && !src1_in_memory ? reg_src(t, in->rs1) : -1;
        int d = reg_src(t, in->rd);
        forget_value(t, in->rd);
        t->rc.dirty |= 1u << in->rd;
        alu_from(t, word, op, d, in->rs1, src1_in_memory, src1);
        return;
    }
    if (in->rd == in->rs2 && in->rd != in->rs1) {
        /* sub rd, rs1, rd: rd_host is also the second source: compute in rax */
        load_x(t, RAX, in->rs1);
        if (read_from_memory(t, in->rs2))
            x64_alu_rm(t->b, !word, op, RAX, XREG(in->rs2));
        else
            x64_alu_rr(t->b, !word, op, RAX, reg_src(t, in->rs2));
        if (word)
            x64_movsxd_rr(t->b, RAX, RAX);
        store_x(t, in->rd, RAX);
        return;
    }
    bool src2_in_memory = read_from_memory(t, in->rs2);
    int src2 = in->rs2 && !src2_in_memory ? reg_src(t, in->rs2) : -1;
    int src1 = op == ALU_ADD && src2 >= 0 && in->rd != in->rs1 && !read_from_memory(t, in->rs1)
                   ? reg_src(t, in->rs1) : -1;
    if (src1 >= 0 && !(needs_disp(src1) && needs_disp(src2))) {
        /* into a third register: lea rd_host, [rs1_host + rs2_host], with
         * rbp (r13) as the index: as a base it takes a displacement, and
         * AMD runs a lea of three parts a cycle slower than mov and add
         * (crc32's loop ran 9% slower) */
        int d = reg_dst(t, in->rd);
        int base = needs_disp(src1) ? src2 : src1, index = base == src1 ? src2 : src1;
        x64_lea(t->b, !word, d, x64_at_idx(base, index, 1, 0));
        if (word)
            x64_movsxd_rr(t->b, d, d);
        return;
    }
    int d = dst_from(t, in->rd, in->rs1);
    alu_from(t, word, op, d, in->rs2, src2_in_memory, src2);
}

static enum x64_shift shift_of(enum op op)
{
    switch (op) {
    case OP_SLL: case OP_SLLI: case OP_SLLW: case OP_SLLIW: return SHIFT_SHL;
    case OP_SRL: case OP_SRLI: case OP_SRLW: case OP_SRLIW: return SHIFT_SHR;
    default: return SHIFT_SAR;
    }
}

/* slli/srli/srai(w):  mov rax, [rs1] ; shl rax, imm ; mov [rd], rax */
static void jit_shift_imm(struct tr *t, bool word)
{
    const struct insn *in = t->in;
    if (!in->rd)
        return;
    int d = dst_from(t, in->rd, in->rs1);
    x64_shift_ri(t->b, !word, shift_of((enum op)in->op), d,
                 (uint8_t)(in->imm & (word ? 31 : 63)));
    /* srliw by 1 or more leaves bit 31 clear: the 32-bit shift's zero
     * extension is already the sign extension */
    if (word && !(in->op == OP_SRLIW && (in->imm & 31)))
        x64_movsxd_rr(t->b, d, d);
}

/* sll/srl/sra(w): the host masks cl to 6 (5) bits, as RISC-V does. */
static void jit_shift_reg(struct tr *t, bool word)
{
    const struct insn *in = t->in;
    if (!in->rd)
        return;
    load_x(t, RCX, in->rs2); /* the count, copied before rd is written */
    int d = dst_from(t, in->rd, in->rs1);
    x64_shift_rcl(t->b, !word, shift_of((enum op)in->op), d);
    if (word)
        x64_movsxd_rr(t->b, d, d);
}

/* slt/sltu/slti/sltiu:  cmp rax, rs2/imm ; setl/setb al */
static void jit_set_less(struct tr *t, bool with_imm, bool is_unsigned)
{
    const struct insn *in = t->in;
    if (!in->rd)
        return;
    load_x(t, RAX, in->rs1);
    if (with_imm)
        x64_alu_ri(t->b, true, ALU_CMP, RAX, (int32_t)in->imm);
    else if (read_from_memory(t, in->rs2))
        x64_alu_rm(t->b, true, ALU_CMP, RAX, XREG(in->rs2));
    else if (in->rs2)
        x64_alu_rr(t->b, true, ALU_CMP, RAX, reg_src(t, in->rs2));
    else
        x64_alu_ri(t->b, true, ALU_CMP, RAX, 0);
    setcc_x(t, is_unsigned ? CC_B : CC_L, in->rd);
}

/* lui:  mov rd, imm (sign-extended 32 bits, as lui's value is) */
static void jit_lui(struct tr *t)
{
    if (!t->in->rd)
        return;
    x64_mov_ri(t->b, reg_dst(t, t->in->rd), (uint64_t)t->in->imm);
    know_const(t, t->in->rd, t->in->imm);
}

/* rax = virtual pc of this instruction + add:  lea rax, [r12 + d] */
static void pc_plus(struct tr *t, int64_t add)
{
    int64_t d = (int64_t)t->off - (int64_t)t->s.pc_off + add;
    if (d == (int32_t)d) {
        x64_lea(t->b, true, RAX, x64_at(R12, (int32_t)d));
    } else {
        x64_mov_rr(t->b, true, RAX, R12);
        x64_mov_ri(t->b, RCX, (uint64_t)d);
        x64_alu_rr(t->b, true, ALU_ADD, RAX, RCX);
    }
}

static void jit_auipc(struct tr *t)
{
    if (!t->in->rd)
        return;
    pc_plus(t, t->in->imm);
    store_x(t, t->in->rd, RAX);
    t->known_pcrel |= 1u << t->in->rd; /* x[rd] = entry pc + off + imm */
    t->known_val[t->in->rd] = t->off + t->in->imm;
}

/* -- M extension -------------------------------------------------------- */

/* mul/mulh/mulhu/mulhsu/mulw */
static void jit_mul(struct tr *t)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    if (!in->rd)
        return;
    load_x(t, RAX, in->rs1);
    load_x(t, RCX, in->rs2);
    switch ((enum op)in->op) {
    case OP_MUL: x64_imul_rr(b, true, RAX, RCX); break;          /* imul rax, rcx */
    case OP_MULW: x64_imul_rr(b, false, RAX, RCX); x64_movsxd_rr(b, RAX, RAX); break;
    case OP_MULH: x64_imul1_r(b, true, RCX); x64_mov_rr(b, true, RAX, RDX); break;
    case OP_MULHU: x64_mul_r(b, true, RCX); x64_mov_rr(b, true, RAX, RDX); break;
    default: /* MULHSU: the unsigned high half, less rs2 when rs1 < 0 */
        x64_mul_r(b, true, RCX);                 /* rdx:rax = rs1 * rs2 unsigned */
        load_x(t, RAX, in->rs1);
        x64_shift_ri(b, true, SHIFT_SAR, RAX, 63); /* rax = rs1 < 0 ? -1 : 0 */
        x64_alu_rr(b, true, ALU_AND, RAX, RCX);
        x64_alu_rr(b, true, ALU_SUB, RDX, RAX);
        x64_mov_rr(b, true, RAX, RDX);
        break;
    }
    store_x(t, in->rd, RAX);
}

/* div/divu/rem/remu and their W forms.  RISC-V never traps on division:
 *     test rcx, rcx ; jz by_zero
 *     cmp rcx, -1 ; jne divide        (signed only: x86 faults on MIN / -1)
 *     neg rax / mov eax, 0 ; jmp done (x / -1 = -x, x % -1 = 0)
 * divide:  cqo ; idiv rcx  (or xor edx, edx ; div rcx)
 * by_zero: quotient all ones, remainder the dividend */
static void jit_div(struct tr *t)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    enum op op = (enum op)in->op;
    bool word = op == OP_DIVW || op == OP_DIVUW || op == OP_REMW || op == OP_REMUW;
    bool is_signed = op == OP_DIV || op == OP_REM || op == OP_DIVW || op == OP_REMW;
    bool rem = op == OP_REM || op == OP_REMU || op == OP_REMW || op == OP_REMUW;
    if (!in->rd)
        return;
    load_x(t, RAX, in->rs1);
    load_x(t, RCX, in->rs2);
    x64_test_rr(b, !word, RCX, RCX);
    uint8_t *by_zero = x64_jcc_rel8(b, CC_E);
    uint8_t *minus_one_done = NULL;
    if (is_signed) {
        x64_alu_ri(b, !word, ALU_CMP, RCX, -1);
        uint8_t *divide = x64_jcc_rel8(b, CC_NE);
        if (rem)
            x64_mov_ri(b, RAX, 0);
        else
            x64_neg_r(b, !word, RAX);
        minus_one_done = x64_jmp_rel8(b);
        x64_patch_rel8(divide, x64_here(b));
        if (word) x64_cdq(b); else x64_cqo(b);
        x64_idiv_r(b, !word, RCX);
    } else {
        x64_mov_ri(b, RDX, 0);
        x64_div_r(b, !word, RCX);
    }
    if (rem)
        x64_mov_rr(b, true, RAX, RDX);
    uint8_t *done = x64_jmp_rel8(b);
    x64_patch_rel8(by_zero, x64_here(b));
    if (!rem)
        x64_mov_ri(b, RAX, ~0ULL);
    x64_patch_rel8(done, x64_here(b));
    if (minus_one_done)
        x64_patch_rel8(minus_one_done, x64_here(b));
    if (word)
        x64_movsxd_rr(b, RAX, RAX);
    store_x(t, in->rd, RAX);
}

/* -- Control transfers ------------------------------------------------------- */

/* A jump back to `target` closes a loop: its target may head a trace. */
static void note_backward(struct tr *t, int64_t target)
{
    uint64_t pa = t->pa_base + (uint64_t)target;
    if (target <= t->off && (pa & ~0xfffULL) == t->page_pa)
        trace_note_head(t->j, pa, t->flags);
}

/* jal:  x[rd] = pc + len ; exit to pc + imm (a trace goes on there) */
static void jit_jal(struct tr *t)
{
    const struct insn *in = t->in;
    if (in->rd) {
        pc_plus(t, in->len);
        store_x(t, in->rd, RAX);
    }
    if (t->ti)
        return;
    note_backward(t, t->off + in->imm);
    emit_exit_to(t, t->s, &t->rc, (int64_t)t->off + in->imm, t->idx + 1);
}

/* Is this the indirect jump that ends a trace and leaves it? */
static bool leaves_trace(const struct tr *t)
{
    return t->ti->leaves && t->pos == t->ti->n - 1;
}

/* jalr:  rdx = (x[rs1] + imm) & ~1 ; x[rd] = pc + len ; r12 = rdx ; probe */
static void jit_jalr(struct tr *t)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    load_x(t, RDX, in->rs1); /* before rd is written: they may be the same */
    if (in->imm)
        x64_alu_ri(b, true, ALU_ADD, RDX, (int32_t)in->imm);
    x64_alu_ri(b, true, ALU_AND, RDX, -2);
    if (in->rd) {
        pc_plus(t, in->len);
        store_x(t, in->rd, RAX);
    }
    if (t->ti && !leaves_trace(t)) {
        /* a trace goes on where the recorded path went, if it goes there:
         *     lea rax, [r12 + next - pc_off] ; cmp rdx, rax ; jne miss */
        x64_lea(b, true, RAX, x64_at(R12, (int32_t)(t->next_off - t->s.pc_off)));
        x64_alu_rr(b, true, ALU_CMP, RDX, RAX);
        new_stub(t, STUB_JALR_MISS, x64_jcc_rel32(b, CC_NE));
        return;
    }
    x64_mov_rr(b, true, R12, RDX);
    emit_flush(t, &t->rc);
    emit_fc_flush(t, &t->fc);
    struct sync s = t->s;
    sync_count(t, &s, t->idx + 1);
    trace_count(t, offsetof(struct trace_stats, insns), t->idx + 1);
    if (t->j->no_chain) {
        x64_jmp_to(b, t->j->exit_lookup);
        return;
    }
    x64_mov_rr(b, true, RAX, RDX);
    emit_jcache_probe(t->j, b, t->stats);
}

/* beq/bne/blt/bge/bltu/bgeu.  A backward branch ends the block:
 *     cmp rax, rs2 ; jcc taken ; <fall-through exit> ; taken: <exit>
 * A forward branch is a side exit and the block goes on (an if-then in one
 * block keeps its registers in host registers):
 *     cmp rax, rs2 ; jcc side_exit (out of line) ; <next instruction>
 * Returns true when the block ends. */
static bool jit_branch(struct tr *t)
{
    static const enum x64_cc cc[] = {
        [OP_BEQ] = CC_E, [OP_BNE] = CC_NE, [OP_BLT] = CC_L,
        [OP_BGE] = CC_GE, [OP_BLTU] = CC_B, [OP_BGEU] = CC_AE,
    };
    /* the same test with the operands the other way round (x0 first) */
    static const enum x64_cc swapped[] = {
        [OP_BEQ] = CC_E, [OP_BNE] = CC_NE, [OP_BLT] = CC_G,
        [OP_BGE] = CC_LE, [OP_BLTU] = CC_A, [OP_BGEU] = CC_BE,
    };
    const struct insn *in = t->in;
    enum x64_cc c = cc[in->op];
    int a = RAX;
    if (!in->rs1 && in->rs2 && !read_from_memory(t, in->rs2)) {
        /* bgtz/blez (x0 first):  cmp rs2, 0 ; and the other condition */
        x64_alu_ri(t->b, true, ALU_CMP, reg_src(t, in->rs2), 0);
        c = swapped[in->op];
    } else {
        if (in->rs1 && !read_from_memory(t, in->rs1))
            a = reg_src(t, in->rs1);
        else
            load_x(t, RAX, in->rs1);
        if (read_from_memory(t, in->rs2))
            x64_alu_rm(t->b, true, ALU_CMP, a, XREG(in->rs2));
        else if (in->rs2)
            x64_alu_rr(t->b, true, ALU_CMP, a, reg_src(t, in->rs2));
        else
            x64_alu_ri(t->b, true, ALU_CMP, a, 0);
    }
    if (t->ti) {
        /* a trace follows the recorded direction; the other is a side exit */
        bool taken_on_path = t->next_off != t->off + in->len;
        if (in->imm == in->len)
            return false;
        enum x64_cc leave = taken_on_path ? x64_cc_not(c) : c;
        struct stub *st = new_stub(t, STUB_SIDE_EXIT, x64_jcc_rel32(t->b, leave));
        st->target = t->off + (taken_on_path ? in->len : in->imm);
        return false;
    }
    if (t->loop_head && (int64_t)t->off + in->imm == 0) {
        /* a loop block's back-edge falls through, so an iteration takes
         * one jump:  j!cc leave (out of line) ; <back-edge> */
        note_backward(t, 0);
        uint8_t *leave = x64_jcc_rel32(t->b, x64_cc_not(c));
        struct stub *st = new_stub(t, STUB_SIDE_EXIT, leave);
        st->target = (int64_t)t->off + in->len;
        emit_exit_to(t, t->s, &t->rc, 0, t->idx + 1);
        return true;
    }
    uint8_t *taken = x64_jcc_rel32(t->b, c);
    if (in->imm > 0) {
        struct stub *st = new_stub(t, STUB_SIDE_EXIT, taken);
        st->target = (int64_t)t->off + in->imm;
        return false;
    }
    note_backward(t, t->off + in->imm);
    emit_exit_to(t, t->s, &t->rc, (int64_t)t->off + in->len, t->idx + 1);
    x64_patch_rel32(taken, x64_here(t->b));
    emit_exit_to(t, t->s, &t->rc, (int64_t)t->off + in->imm, t->idx + 1);
    return true;
}

/* -- Loads and stores ---------------------------------------------------------
 * The inline TLB probe, the test mmu_load makes in C:
 *     mov rsi, [rs1] ; add rsi, imm              ; rsi = va
 *     mov eax, esi ; shr eax, 7 ; and eax, 4095 << 5 ; index * 32 bytes
 *     mov rcx, rsi ; and rcx, ~0xfff | (size-1)   ; misaligned never matches
 *     cmp rcx, [r14 + rax + tag] ; jne slow       ; r14 + rax = &dtlb[index]
 *     add rsi, [r14 + rax + addend]               ; rsi = host address */

/* rsi = x[rs1] + imm.  A base whose value the translator knows (lui,
 * li, auipc and addi chains) is not read at all. */
static void emit_address(struct tr *t)
{
    const struct insn *in = t->in;
    uint32_t bit = 1u << in->rs1;
    int64_t pcrel = t->known_val[in->rs1] + in->imm - t->s.pc_off;
    if (in->rs1 == 0)
        x64_mov_ri(t->b, RSI, (uint64_t)in->imm);
    else if (t->known_const & bit)
        x64_mov_ri(t->b, RSI, (uint64_t)(t->known_val[in->rs1] + in->imm));
    else if ((t->known_pcrel & bit) && pcrel == (int32_t)pcrel)
        x64_lea(t->b, true, RSI, x64_at(R12, (int32_t)pcrel));
    else if (read_from_memory(t, in->rs1)) {
        x64_mov_rm(t->b, true, RSI, XREG(in->rs1));
        if (in->imm)
            x64_lea(t->b, true, RSI, x64_at(RSI, (int32_t)in->imm));
    } else
        x64_lea(t->b, true, RSI, x64_at(reg_src(t, in->rs1), (int32_t)in->imm));
}

/* -- Probes done once ----------------------------------------------------------
 * In a trace, accesses through one base register that nothing writes in
 * between mostly hit one page (a struct's fields, a list node, a stack
 * frame).  The first access probes the TLB and, when a later one will use
 * the same base, keeps the page in the hart's probe slot and the addend in
 * rdi (and in the slot, for the slow paths to reload rdi from):
 *     mov rax, [r14 + rax + addend] ; mov [slot], rcx ; mov [slot + 8], rax
 *     mov rdi, rax ; add rsi, rax
 * The later ones compare their page with the slot's instead of probing,
 * and their address is one add away from the base:
 *     mov rcx, rsi ; and rcx, ~0xfff | (size-1) ; cmp rcx, [slot] ; jne other
 *     add rsi, rdi
 * `other`, out of line, is the ordinary TLB probe (a frame or a struct
 * across a page boundary: sent to C instead, every access on its second
 * page was a slow path, and whether a frame straddles depends on where
 * ASLR put the stack: awk ran 0.5 s or 1.4 s at random).
 * rdi is otherwise only a helper's first argument: a slow path that calls
 * one and rejoins the body reloads it.  The slot is trusted only along the
 * straight line after it was filled in the same run: nothing inside a
 * trace can change a mapping (no CSR writes, no sfence.vma), and the first
 * access's slow path empties it (page -1 matches no address).  A load may
 * use a store's probe, not the other way round. */

/* A field of a TLB entry, given the entry as a memory operand. */
static struct x64_mem entry_field(struct x64_mem entry, size_t offset)
{
    entry.disp += (int32_t)offset;
    return entry;
}

static bool is_load_store(enum op op)
{
    return (op >= OP_LB && op <= OP_SD) || op == OP_FLW || op == OP_FLD ||
           op == OP_FSW || op == OP_FSD;
}

/* Will a later instruction of the trace use x[r] as a base before x[r] is
 * written or a helper runs? */
static bool base_used_again(const struct tr *t, unsigned r)
{
    const struct trace_info *ti = t->ti;
    for (int i = t->pos + 1; ti && t->pos >= 0 && i < ti->n; i++) {
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        enum op op = (enum op)in.op;
        if (is_load_store(op) && in.rs1 == r)
            return true;
        if (in.rd == r || op == OP_JALR)
            return false;
    }
    return false;
}

/* The TLB lookup of rsi in the TLB set whose address is in host register
 * `set` (r14 for data, or the fetch set loaded into rcx):
 *     mov eax, esi ; shr eax, 7 ; and eax, (TLB_SIZE-1) << 5
 *     mov rcx, rsi ; and rcx, mask ; cmp rcx, [r14 + rax + tag] ; jne miss
 * ((va >> 12) % TLB_SIZE * sizeof(struct tlb_entry), the entry being 32
 * bytes).  The fetch set's rcx is needed for the masked va, so there
 * `add rax, rcx` makes rax the entry first.  Leaves *entry the entry as
 * a memory operand and rcx the masked va; returns the jne's rel32 field. */
static uint8_t *emit_tlb_lookup(struct tr *t, int set, int32_t mask, size_t tag,
                                struct x64_mem *entry)
{
    struct x64_buf *b = t->b;
    x64_mov_rr(b, false, RAX, RSI);
    x64_shift_ri(b, false, SHIFT_SHR, RAX, 12 - 5);
    x64_alu_ri(b, false, ALU_AND, RAX, (TLB_SIZE - 1) << 5);
    if (set == R14) { /* one add less on the way to the addend */
        *entry = x64_at_idx(R14, RAX, 1, 0);
    } else {
        x64_alu_rr(b, true, ALU_ADD, RAX, set);
        *entry = x64_at(RAX, 0);
    }
    x64_mov_rr(b, true, RCX, RSI);
    x64_alu_ri(b, true, ALU_AND, RCX, mask);
    x64_alu_rm(b, true, ALU_CMP, RCX, entry_field(*entry, tag));
    return x64_jcc_rel32(b, CC_NE);
}

/* -- Probe slots of loop traces -------------------------------------------------
 * A loop trace runs many iterations per entry, and most of its accesses
 * stay on one page from one iteration to the next (a buffer walked byte by
 * byte, a table, the stack).  Each access site gets a probe slot in the
 * hart (page, addend), filled by its last TLB probe, and compares its page
 * with the slot's instead of probing:
 *     mov rcx, rsi ; and rcx, ~0xfff | (size-1) ; cmp rcx, [slot] ; jne refill
 *     add rsi, [slot + 8]
 * Neither load depends on the address, so the host address is one add
 * away from it: the probe leaves the loop's dependency chain.  The refill,
 * out of line, is the ordinary probe; it fills the slot and goes back, or,
 * missing the TLB too, takes the ordinary slow path.
 * A slot holds a mapping of the current TLB set, whoever filled it, so
 * sites of different traces may share one (JIT_LSLOTS of each kind, dealt
 * out in turn): it stays right until the TLB loses that mapping, and every
 * TLB flush, write-tag revocation and change of TLB set empties all slots
 * (mmu_lslots_clear; page -1 matches no address).  Slots are not emptied
 * at each entry: an empty slot costs a mispredicted branch, and md5sum's
 * 4-iteration loops measured 2x slower that way.  The peeled first
 * iteration and the loop are two copies of each site, which share its
 * slot: the loop's first access finds the page the peeled one filled in,
 * and a loop trace takes half the slots (bash's short loops, entered on a
 * new page each time, missed in both copies).  Loads and stores have
 * slots of their own, so a load's probe never lets a store through.
 * Straight-line traces keep to the probe reuse above.  A pointer the loop
 * loads (a list's next) lands on a new page too often for a slot to pay:
 * accesses through such registers (pointer_regs) probe the TLB. */

static unsigned int_dest_of(const struct insn *in);
static bool loop_safe(enum op op);
static uint32_t written_regs(const struct tr *t);

/* The registers a trace loads pointers into: written by ld, or copied
 * (mv, add with x0) from one of those. */
static uint32_t pointer_regs(const struct trace_info *ti)
{
    uint32_t regs = 0, before;
    do {
        before = regs;
        for (int i = 0; i < ti->n; i++) {
            struct insn in;
            cpu_decode(ti->insn[i].raw, &in);
            enum op op = (enum op)in.op;
            bool copy = (op == OP_ADDI && (regs & (1u << in.rs1))) ||
                        (op == OP_ADD && ((in.rs1 == 0 && (regs & (1u << in.rs2))) ||
                                          (in.rs2 == 0 && (regs & (1u << in.rs1)))));
            if (op == OP_LD || copy)
                regs |= 1u << in.rd;
        }
    } while (regs != before);
    return regs & ~1u;
}

/* The registers the loop computes: writes other than stepping them (addi
 * r, r, imm) or setting them to a constant (lui, auipc, li). */
static uint32_t computed_regs(const struct trace_info *ti)
{
    uint32_t regs = 0;
    for (int i = 0; i < ti->n; i++) {
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        enum op op = (enum op)in.op;
        bool steps = op == OP_ADDI && (in.rs1 == in.rd || in.rs1 == 0);
        if (!steps && op != OP_LUI && op != OP_AUIPC)
            regs |= 1u << int_dest_of(&in);
    }
    return regs & ~1u;
}

/* The out-of-line TLB probe for a fast path's jne `miss`, which fills
 * `ways` slots from lslot on (none: 0), resuming here (emit_refill_stub). */
static struct stub *new_refill(struct tr *t, uint8_t *miss, int lslot, int ways, bool write,
                               int size)
{
    struct stub *st = new_stub(t, STUB_REFILL, miss);
    st->resume = x64_here(t->b);
    st->lslot = lslot;
    st->ways = ways;
    st->write = write;
    st->info = (uint32_t)size;
    return st;
}

/* The next `ways` slots of a kind, dealt out in turn. */
static int lslot_take(struct jit *j, bool write, int ways)
{
    unsigned k = j->next_lslot[write] % JIT_LSLOTS;
    if (k + (unsigned)ways > JIT_LSLOTS)
        k = 0;
    j->next_lslot[write] = k + (unsigned)ways;
    return (int)k;
}

_Static_assert(JIT_LSLOTS <= 256, "struct site_lslot keeps a slot in a byte");

/* The slot of the access site at path instruction t->pos: the one its
 * other copy (peeled or loop) took, or a new one. */
static int site_lslot(struct tr *t, bool write, int ways)
{
    struct site_lslot *site = &t->site_lslot[t->pos];
    if (site->ways != ways) {
        site->k = (uint8_t)lslot_take(t->j, write, ways);
        site->ways = (uint8_t)ways;
    }
    return site->k;
}

/* Is x[r], as the path instruction at `pos` finds it, a table's address:
 * an index masked by andi to less than a page, maybe shifted, plus a base
 * the loop does not write?  Followed back through the path, within this
 * iteration.  (Else a computed address may be anywhere, like gzip's hash
 * chains over a 64 KiB window: probe slots would keep missing there.) */
static bool table_address(const struct tr *t, int pos, unsigned r)
{
    uint32_t invariant = ~written_regs(t);
    unsigned shift = 0;
    for (int i = pos - 1; i >= 0 && r; i--) {
        struct insn in;
        cpu_decode(t->ti->insn[i].raw, &in);
        if (int_dest_of(&in) != r)
            continue;
        switch ((enum op)in.op) {
        case OP_ADDI:
            r = in.rs1;
            break;
        case OP_ADD: /* index + base: follow the one the loop writes */
            if (invariant & (1u << in.rs2))
                r = in.rs1;
            else if (invariant & (1u << in.rs1))
                r = in.rs2;
            else
                return false;
            break;
        case OP_SLLI:
            shift += (unsigned)in.imm;
            r = in.rs1;
            break;
        case OP_ANDI:
            return in.imm >= 0 && shift < 12 && ((uint64_t)in.imm << shift) < 4096;
        default:
            return false;
        }
    }
    return false;
}

/* The slot compare, for an access site of a loop trace that takes one
 * (else NULL): its jne goes to a refill stub, whose own jne (patched when
 * the stub is emitted) leads to the slow path.  A site whose base the loop
 * steps or keeps has one slot:
 *     mov rcx, rsi ; and rcx, mask ; cmp rcx, [A] ; jne refill
 *     add rsi, [A + 8]
 * A site whose base the loop computes (a table's index) may land on either
 * of two pages at random, when the table straddles a page boundary (ASLR
 * decides): with one slot every other access would refill it after a
 * mispredicted branch (crc32 ran 50 or 80 ms).  It has two, A and B, and
 * picks one without a branch that depends on which:
 *     mov rcx, rsi ; and rcx, mask
 *     mov rax, [B] ; cmp rcx, [A] ; cmove rax, rcx ; cmp rcx, rax ; jne refill
 *     mov rax, [B + 8] ; cmp rcx, [A] ; cmove rax, [A + 8] ; add rsi, rax
 * Other computed addresses probe the TLB (table_address). */
static struct stub *emit_lslot_probe(struct tr *t, int size, bool write)
{
    struct x64_buf *b = t->b;
    uint32_t base = 1u << t->in->rs1;
    if (!t->lslots_on || t->pos < 0 || (t->loaded & base))
        return NULL;
    if ((t->computed & base) && !table_address(t, t->pos, t->in->rs1))
        return NULL;
    int ways = t->computed & base ? 2 : 1;
    int k = site_lslot(t, write, ways);
    if (t->stats)
        x64_alu_mi(b, true, ALU_ADD, PROBE(PROBE_LSLOT), 1);
    int32_t mask = (int32_t)(~0xfffU | (uint32_t)(size - 1));
    x64_mov_rr(b, true, RCX, RSI);
    x64_alu_ri(b, true, ALU_AND, RCX, mask);
    uint8_t *miss;
    if (ways == 1) {
        x64_alu_rm(b, true, ALU_CMP, RCX, LSLOT(write, k, 0));
        miss = x64_jcc_rel32(b, CC_NE);
        x64_alu_rm(b, true, ALU_ADD, RSI, LSLOT(write, k, 1));
    } else {
        x64_mov_rm(b, true, RAX, LSLOT(write, k + 1, 0));
        x64_alu_rm(b, true, ALU_CMP, RCX, LSLOT(write, k, 0));
        x64_cmovcc(b, true, CC_E, RAX, RCX);
        x64_alu_rr(b, true, ALU_CMP, RCX, RAX);
        miss = x64_jcc_rel32(b, CC_NE);
        x64_mov_rm(b, true, RAX, LSLOT(write, k + 1, 1));
        x64_alu_rm(b, true, ALU_CMP, RCX, LSLOT(write, k, 0));
        x64_cmovcc_rm(b, true, CC_E, RAX, LSLOT(write, k, 1));
        x64_alu_rr(b, true, ALU_ADD, RSI, RAX);
    }
    return new_refill(t, miss, k, ways, write, size);
}

/* The refill of a probe slot (A; with two, A moves to B first):
 *     <the TLB lookup> ; jne slow
 *     [push [A] ; pop [B] ; push [A + 8] ; pop [B + 8]]
 *     mov rax, [r14 + rax + addend] ; mov [A], rcx ; mov [A + 8], rax
 *     mov byte [lslots_filled], 1 ; add rsi, rax ; jmp back
 * A probe reused through rdi that met another page (no slot) only
 * probes: add rsi, [r14 + rax + addend] ; jmp back. */
static void emit_refill_stub(struct tr *t, const struct stub *st)
{
    struct x64_buf *b = t->b;
    int32_t mask = (int32_t)(~0xfffU | (st->info - 1));
    size_t tag = st->write ? offsetof(struct tlb_entry, tag_write) : offsetof(struct tlb_entry, tag_read);
    struct x64_mem entry;
    if (st->ways && t->stats)
        x64_alu_mi(b, true, ALU_ADD, PROBE(PROBE_LSLOT_MISS), 1); /* a slot missed */
    st->slow->from = emit_tlb_lookup(t, R14, mask, tag, &entry);
    struct x64_mem addend = entry_field(entry, offsetof(struct tlb_entry, addend));
    if (!st->ways) {
        x64_alu_rm(b, true, ALU_ADD, RSI, addend);
    } else {
        int k = st->lslot;
        if (st->ways == 2) { /* no register is free: memory to memory */
            x64_push_m(b, LSLOT(st->write, k, 0));
            x64_pop_m(b, LSLOT(st->write, k + 1, 0));
            x64_push_m(b, LSLOT(st->write, k, 1));
            x64_pop_m(b, LSLOT(st->write, k + 1, 1));
        }
        x64_mov_rm(b, true, RAX, addend);
        x64_mov_mr(b, true, LSLOT(st->write, k, 0), RCX);
        x64_mov_mr(b, true, LSLOT(st->write, k, 1), RAX);
        x64_mov_mi(b, 1, HART(jit_lslots_filled), 1);
        x64_alu_rr(b, true, ALU_ADD, RSI, RAX);
    }
    x64_jmp_to(b, exec_of(t, st->resume));
}

/* A memory access's slow path: from the probe's jne, or from its refill. */
static struct stub *memory_slow_stub(struct tr *t, enum stub_kind kind, uint8_t *from)
{
    struct stub *st = new_stub(t, kind, from);
    if (t->refill)
        t->refill->slow = st;
    return st;
}

/* The probe of rsi for an access of `size` bytes; returns the rel32 field
 * of the jne to the slow path, and leaves rsi the host address. */
static uint8_t *emit_tlb_probe(struct tr *t, int size, bool write)
{
    struct x64_buf *b = t->b;
    unsigned r = t->in->rs1;
    int32_t mask = (int32_t)(~0xfffU | (uint32_t)(size - 1));
    t->pslot_filled = false;
    if (t->stats)
        x64_alu_mi(b, true, ALU_ADD, PROBE(PROBE_TLB), 1);
    t->refill = emit_lslot_probe(t, size, write);
    if (t->refill)
        return NULL; /* the refill's jne leads to the slow path */
    if (r && t->pslot_base == r && (t->pslot_write || !write)) {
        x64_mov_rr(b, true, RCX, RSI);
        x64_alu_ri(b, true, ALU_AND, RCX, mask);
        x64_alu_rm(b, true, ALU_CMP, RCX, PSLOT(0));
        uint8_t *other_page = x64_jcc_rel32(b, CC_NE);
        x64_alu_rr(b, true, ALU_ADD, RSI, RDI);
        /* another page (a frame or struct across a page boundary): probe
         * the TLB out of line, as the refill of a slot does, without one */
        t->refill = new_refill(t, other_page, 0, 0, write, size);
        return NULL;
    }
    size_t tag = write ? offsetof(struct tlb_entry, tag_write) : offsetof(struct tlb_entry, tag_read);
    struct x64_mem entry;
    uint8_t *slow = emit_tlb_lookup(t, R14, mask, tag, &entry);
    struct x64_mem addend = entry_field(entry, offsetof(struct tlb_entry, addend));
    if (!r || !base_used_again(t, r) || t->opening_window) {
        x64_alu_rm(b, true, ALU_ADD, RSI, addend);
        return slow;
    }
    t->pslot_base = (uint8_t)r;
    t->pslot_write = write;
    t->pslot_filled = true;
    x64_mov_rm(b, true, RAX, addend);
    x64_mov_mr(b, true, PSLOT(0), RCX);
    x64_mov_mr(b, true, PSLOT(1), RAX);
    x64_mov_rr(b, true, RDI, RAX);
    x64_alu_rr(b, true, ALU_ADD, RSI, RAX);
    return slow;
}

/* -- Load and store windows ---------------------------------------------------
 * A trace often loads several words near one pointer before the pointer
 * changes: a stack frame's saved registers, a struct's fields, md5's
 * message words (0(a6), 4(a6), a6 += 16, -8(a6), -4(a6): the pointer
 * moves only by addi, by amounts known when translating); and stores
 * likewise (a frame's saved registers again).  The first such load opens
 * a window: it probes as usual and, if the bytes all of them
 * read lie in its page, keeps its host address in one of the hart's
 * window slots, else 0:
 *     <probe> ; lea eax, [rsi + lo] ; and eax, 0xfff ; cmp eax, 4096 - span
 *     ja off ; mov [window k], rsi                 (off: mov [window k], 0)
 * The others load from it with no probe:
 *     mov rsi, [window k] ; test rsi, rsi ; jz miss ; movsxd r9, [rsi + disp]
 * `miss`, out of line, probes the TLB for the load's own address (a
 * window across a page boundary, or whose first load went to C).  The
 * first load's slow path empties the slot.  A slot is read only along the
 * straight line after its first load in the same run (no continuation
 * joins in between, no helper on the way: nothing there changes a
 * mapping), so it is never stale.  Stores have windows of their own,
 * opened by a store's probe of the write tag (a page with translated code
 * has none, and under -check no page has one: there every store window
 * is off, and its stores probe and go to C).  A window opens only for two
 * accesses or more after the first, which the probe reuse or the slot
 * probes would otherwise do at 7 instructions each. */

#define WINDOW_MAX_SPAN 256

/* The bytes a load (`write`: a store) reads (writes); 0 for others. */
static int access_size(enum op op, bool write)
{
    switch (op) {
    case OP_LB: case OP_LBU: return write ? 0 : 1;
    case OP_LH: case OP_LHU: return write ? 0 : 2;
    case OP_LW: case OP_LWU: case OP_FLW: return write ? 0 : 4;
    case OP_LD: case OP_FLD: return write ? 0 : 8;
    case OP_SB: return write ? 1 : 0;
    case OP_SH: return write ? 2 : 0;
    case OP_SW: case OP_FSW: return write ? 4 : 0;
    case OP_SD: case OP_FSD: return write ? 8 : 0;
    default: return 0;
    }
}

/* Does a continuation of the trace join the path at instruction i? */
static bool joined_at(const struct tr *t, int i)
{
    for (int c = 0; !t->wraps && c < t->nconts; c++)
        if (t->conts[c].join == i)
            return true;
    return false;
}

/* The window the access at path instruction t->pos is in, or -1. */
static int window_of(const struct tr *t)
{
    if (t->pos < 0 || !t->win[t->pos].member)
        return -1;
    int k = t->win[t->pos].k;
    return t->win_base[k] == t->in->rs1 && t->pos <= t->win_end[k] ? k : -1;
}

/* At the load (`write`: store) at path instruction t->pos, of `size`
 * bytes through x[r]: the later ones a window opened here would cover,
 * marked as window k's if there are two or more (fewer are not worth a
 * window), and the bytes they read (write), [lo, hi] from this one's
 * address.  Returns the last of them, or -1 if no window. */
static int plan_window(struct tr *t, int k, int size, bool write, int32_t *lo, int32_t *hi)
{
    const struct trace_info *ti = t->ti;
    unsigned r = t->in->rs1;
    int64_t moved = 0; /* x[r] now minus x[r] at the first access */
    int at[MAX_TR_INSNS];
    int32_t disp_at[MAX_TR_INSNS];
    int members = 0;
    *lo = 0;
    *hi = size - 1;
    for (int i = t->pos + 1; i < ti->n && !joined_at(t, i); i++) {
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        enum op op = (enum op)in.op;
        if (!is_load_store(op) && !loop_safe(op))
            break; /* a helper's territory: it is not worth the trouble */
        int n = access_size(op, write);
        int64_t disp = moved + in.imm - t->in->imm;
        int64_t lo2 = disp < *lo ? disp : *lo, hi2 = disp + n - 1 > *hi ? disp + n - 1 : *hi;
        if (n && in.rs1 == r && n <= size && disp % n == 0 && hi2 - lo2 < WINDOW_MAX_SPAN) {
            at[members] = i;
            disp_at[members++] = (int32_t)disp;
            *lo = (int32_t)lo2;
            *hi = (int32_t)hi2;
        }
        if (int_dest_of(&in) == r) {
            if (op != OP_ADDI || in.rs1 != r)
                break;
            moved += in.imm;
        }
    }
    if (members < 2)
        return -1;
    for (int m = 0; m < members; m++)
        t->win[at[m]] = (struct win_access){true, (uint8_t)k, disp_at[m]};
    return at[members - 1];
}

/* Does the access being translated open a window, and which?  In a trace,
 * through a register whose value is not known, with a window slot free. */
static int opens_window(struct tr *t, int size, bool write, int32_t *lo, int32_t *hi)
{
    unsigned r = t->in->rs1;
    uint32_t bit = 1u << r;
    if (t->pos < 0 || r == 0 || ((t->known_const | t->known_pcrel) & bit))
        return -1;
    if (!write && int_dest_of(t->in) == r) /* ld a4, 0(a4): the others see another a4 */
        return -1;
    int k = 0;
    while (k < JIT_WINDOWS && t->win_base[k] && t->pos <= t->win_end[k])
        k++;
    if (k == JIT_WINDOWS)
        return -1;
    int last = plan_window(t, k, size, write, lo, hi);
    if (last < 0)
        return -1;
    t->win_base[k] = (uint8_t)r;
    t->win_end[k] = last;
    t->j->stats.trace_windows++;
    return k;
}

/* Window k, after its first access's probe (rsi the host address, whose
 * offset in its page is the guest address's). */
static void emit_window_open(struct tr *t, int k, int32_t lo, int32_t hi)
{
    struct x64_buf *b = t->b;
    x64_lea(b, false, RAX, x64_at(RSI, lo));
    x64_alu_ri(b, false, ALU_AND, RAX, 0xfff);
    x64_alu_ri(b, false, ALU_CMP, RAX, 4096 - (hi - lo + 1));
    struct stub *st = new_stub(t, STUB_WINDOW_OFF, x64_jcc_rel32(b, CC_A));
    x64_mov_mr(b, true, WINDOW(k), RSI);
    st->window = k + 1;
    st->resume = x64_here(b);
}

/* An access in window k: rsi = [window k], or the TLB's probe out of line
 * when the window is off (emit_window_miss).  The access is at [rsi + disp]. */
static void emit_window_access(struct tr *t, int k, int32_t disp, bool write)
{
    struct x64_buf *b = t->b;
    if (t->stats)
        x64_alu_mi(b, true, ALU_ADD, PROBE(PROBE_WINDOW), 1);
    x64_mov_rm(b, true, RSI, WINDOW(k));
    x64_test_rr(b, true, RSI, RSI);
    struct stub *st = new_stub(t, STUB_WINDOW_MISS, x64_jcc_rel32(b, CC_E));
    st->resume = x64_here(b);
    st->disp = disp;
    st->base = t->in->rs1;
    st->imm = (int32_t)t->in->imm;
    st->info = (uint32_t)access_size((enum op)t->in->op, write);
    st->write = write;
    t->refill = st; /* its TLB miss leads to the access's slow path */
}

/* The probe of an access in a window, out of line: rsi = x[base] + imm
 * from the registers at the branch, the TLB lookup (a miss: the slow
 * path), then rsi = host address - disp, as the access wants it. */
static void emit_window_miss(struct tr *t, const struct stub *st)
{
    struct x64_buf *b = t->b;
    if (t->stats)
        x64_alu_mi(b, true, ALU_ADD, PROBE(PROBE_WINDOW_MISS), 1);
    int slot = st->before.slot_of[st->base];
    if (slot >= 0) {
        x64_lea(b, true, RSI, x64_at(cache_host[slot], st->imm));
    } else {
        x64_mov_rm(b, true, RSI, XREG(st->base));
        x64_lea(b, true, RSI, x64_at(RSI, st->imm));
    }
    int32_t mask = (int32_t)(~0xfffU | (st->info - 1));
    struct x64_mem entry;
    size_t tag = st->write ? offsetof(struct tlb_entry, tag_write) : offsetof(struct tlb_entry, tag_read);
    st->slow->from = emit_tlb_lookup(t, R14, mask, tag, &entry);
    x64_alu_rm(b, true, ALU_ADD, RSI, entry_field(entry, offsetof(struct tlb_entry, addend)));
    x64_lea(b, true, RSI, x64_at(RSI, -st->disp));
    x64_jmp_to(b, exec_of(t, st->resume));
}

/* The host address of the access being translated, as the memory operand
 * *at: through its window (*member), or probed, maybe opening a window
 * (*opened, else -1).  Returns the probe's jne to the slow path (NULL: none,
 * or t->refill's leads there). */
static uint8_t *emit_host_address(struct tr *t, int size, bool write, struct x64_mem *at,
                                  bool *member, int *opened)
{
    int window = window_of(t);
    int32_t lo, hi;
    *member = window >= 0;
    *opened = *member ? -1 : opens_window(t, size, write, &lo, &hi);
    if (*member) { /* [rsi + disp] */
        emit_window_access(t, window, t->win[t->pos].disp, write);
        *at = x64_at(RSI, t->win[t->pos].disp);
        return NULL;
    }
    emit_address(t);
    t->opening_window = *opened >= 0; /* the window, not the probe reuse */
    uint8_t *slow = emit_tlb_probe(t, size, write);
    t->opening_window = false;
    if (*opened >= 0)
        emit_window_open(t, *opened, lo, hi);
    *at = x64_at(RSI, 0);
    return slow;
}

static void jit_load(struct tr *t, int size, bool sign, bool fp)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    struct x64_mem at;
    bool member;
    int opened;
    uint8_t *slow = emit_host_address(t, size, false, &at, &member, &opened);
    bool filled = t->pslot_filled;
    struct regcache at_branch = t->rc;
    struct fcache fc_at_branch = t->fc;
    if (fp && size == 8 && t->fc_on) { /* movsd xk, [rsi]: kept there, dirty */
        int x = fc_slot(t, in->rd);
        x64_movsd_rm(b, x, at);
        t->fc.dirty |= 1u << in->rd;
        t->fc.unfixed &= ~(1u << in->rd);
    } else if (fp) {
        x64_load(b, RCX, at, size, false);
        x64_mov_mr(b, size == 8, FREG(in->rd), RCX);
        if (size == 4)
            x64_mov_mi(b, 4, FREG_HI(in->rd), -1); /* NaN-box */
        fc_forget(t, in->rd);
    } else if (in->rd) {
        x64_load(b, reg_dst(t, in->rd), at, size, sign);
    }
    struct stub *st = memory_slow_stub(t, STUB_LOAD, slow);
    st->pslot_fill = filled && !member;
    st->window = opened + 1; /* its slow path turns the window off */
    st->before = at_branch;
    st->before_fc = fc_at_branch;
    st->resume = x64_here(b);
    st->info = (uint32_t)size | (sign ? 16u : 0u) | (fp ? 32u : 0u) | (uint32_t)in->rd << 8;
    if (fp)
        fs_dirty(t);
}

static void jit_store(struct tr *t, int size, bool fp)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    /* the value first, so the fast path allocates no host register */
    int value = RDX;
    if (fp && t->fc_on)
        fc_fix(t, in->rs2); /* its bits go to memory */
    int copy = fp && t->fc_on ? fc_xmm(t, in->rs2) : -1;
    if (copy >= 0 && size == 8) /* a trace's copy: no reload of what was just stored */
        x64_movq_rx(b, RDX, copy);
    else if (copy >= 0)
        x64_movd_rx(b, RDX, copy);
    else if (fp)
        x64_mov_rm(b, true, RDX, FREG(in->rs2));
    else if (read_from_memory(t, in->rs2))
        x64_mov_rm(b, true, RDX, XREG(in->rs2));
    else if (in->rs2)
        value = reg_src(t, in->rs2);
    else
        x64_mov_ri(b, RDX, 0);
    struct x64_mem at;
    bool member;
    int opened;
    uint8_t *slow = emit_host_address(t, size, true, &at, &member, &opened);
    x64_store(b, at, value, size);
    struct stub *st = memory_slow_stub(t, STUB_STORE, slow);
    st->pslot_fill = t->pslot_filled && !member;
    st->window = opened + 1; /* its slow path turns the window off */
    st->resume = x64_here(b);
    st->info = (uint32_t)size;
    st->rs2 = in->rs2;
    st->fp = fp;
}

/* The slow paths: call mmu.c with va in rsi; 0 = trap, 2 = code changed. */
static void emit_memory_stub(struct tr *t, const struct stub *st)
{
    struct x64_buf *b = t->b;
    if (st->pslot_fill) /* the fast path would have filled it: empty it */
        x64_mov_mi(b, 8, PSLOT(0), -1);
    emit_flush(t, &st->before);
    emit_fc_flush(t, &st->before_fc);
    if (st->kind == STUB_LOAD) {
        x64_mov_ri(b, RDX, st->info);
        call_helper(t, (const void *)jit_helper_load);
    } else {
        if (st->fp)
            x64_mov_rm(b, true, RDX, FREG(st->rs2));
        else if (st->rs2)
            x64_mov_rm(b, true, RDX, XREG(st->rs2)); /* flushed just now */
        else
            x64_mov_ri(b, RDX, 0);
        x64_mov_ri(b, RCX, st->info);
        call_helper(t, (const void *)jit_helper_store);
    }
    x64_alu_ri(b, false, ALU_CMP, RAX, HELPER_OK);
    uint8_t *not_ok = x64_jcc_rel32(b, CC_NE);
    if (st->window) /* a window's first access went to C: the window is off */
        x64_mov_mi(b, 8, WINDOW(st->window - 1), 0);
    emit_reload(t, &st->after);
    x64_jmp_to(b, exec_of(t, st->resume));
    x64_patch_rel32(not_ok, x64_here(b));
    uint8_t *leave = x64_jcc_rel32(b, CC_A);
    emit_trap_exit(t, st->at, st->off, st->idx);
    /* code changed under us: go on at the next instruction, freshly found */
    x64_patch_rel32(leave, x64_here(b));
    struct sync s = st->at;
    sync_pc(t, &s, st->off + st->len);
    emit_exit_dispatch(t, s, NULL, st->idx + 1);
}

/* -- Instructions run by the interpreter's semantics ------------------------ */

/* Everything without an emitter of its own: sync and spill pc and instret,
 *     jit_helper_exec(h, raw) ; test eax, eax ; je exit_trap
 *     mov r14, [dtlb]            ; the helper may have switched TLB sets
 * and, for instructions that end the block, take the pc the helper set and
 * leave through the jump cache. */
static void jit_by_helper(struct tr *t, bool ends)
{
    struct x64_buf *b = t->b;
    sync_pc(t, &t->s, t->off);
    sync_count(t, &t->s, t->idx);
    spill_pc_instret(t);
    regs_flush(t);
    x64_mov_ri(b, RSI, t->in->raw);
    call_helper(t, ends ? (const void *)jit_helper_exec_end : (const void *)jit_helper_exec);
    regs_forget(t, true); /* it may have written any guest register */
    fc_init(&t->fc);      /* and clobbered every xmm register */
    x64_test_rr(b, false, RAX, RAX);
    x64_jcc_to(b, CC_E, t->j->exit_trap);
    x64_mov_rm(b, true, R14, HART(dtlb));
    if (ends) {
        x64_mov_rm(b, true, R12, HART(pc));
        emit_exit_dispatch(t, t->s, NULL, t->idx + 1);
        return;
    }
    /* 2: code was invalidated; leave right after this instruction */
    x64_alu_ri(b, false, ALU_CMP, RAX, HELPER_OK);
    uint8_t *go_on = x64_jcc_rel32(b, CC_E);
    struct sync s = t->s;
    sync_pc(t, &s, t->off + t->in->len);
    emit_exit_dispatch(t, s, NULL, t->idx + 1);
    x64_patch_rel32(go_on, x64_here(b));
}

/* -- Floating point -------------------------------------------------------------
 * SSE2 computes exactly what RISC-V asks for in round-to-nearest-even, and
 * its exception flags map one to one onto fflags (jit_fold_fflags).  What
 * differs is fixed up: NaN results become the canonical NaN, single
 * operands that are not NaN-boxed take the fallback (fpu.c via
 * jit_helper_exec), as do other rounding modes, min/max, classify and
 * conversions to integers, whose x86 forms saturate differently. */

static bool rm_is_rne(const struct tr *t)
{
    return t->in->rm == 0 || (t->in->rm == 7 && (t->flags & 8));
}

/* A rejoining call of the fallback for this instruction; returns nothing,
 * the stub is emitted later.  `from` is a jcc field leading to it. */
static void fp_fallback_from(struct tr *t, uint8_t *from, uint8_t *resume,
                             const struct regcache *before, const struct fcache *before_fc)
{
    struct stub *st = new_stub(t, STUB_FP_FALLBACK, from);
    st->resume = resume;
    st->info = t->in->raw;
    st->before = *before;
    st->before_fc = *before_fc;
}

/* cmp dword [f(r)+4], -1 ; jne fallback  — single operands must be boxed.
 * Returns the jcc field. */
static uint8_t *check_boxed(struct tr *t, unsigned r)
{
    fc_sync(t, r);
    x64_alu_mi(t->b, false, ALU_CMP, FREG_HI(r), -1);
    return x64_jcc_rel32(t->b, CC_NE);
}

/* Up to three boxing checks whose failures all go to one fallback. */
struct box_checks {
    uint8_t *field[3];
    int n;
    struct regcache rc; /* the host registers at the checks */
    struct fcache fc;
};

static void box(struct tr *t, struct box_checks *c, bool single, unsigned r)
{
    if (single)
        c->field[c->n++] = check_boxed(t, r);
    c->rc = t->rc;
    c->fc = t->fc;
}

static void box_fallbacks(struct tr *t, struct box_checks *c, uint8_t *resume)
{
    for (int i = 0; i < c->n; i++)
        fp_fallback_from(t, c->field[i], resume, &c->rc, &c->fc);
}

/* movsd/movss xmm, [f(r)] */
static void load_f(struct tr *t, int xmm, unsigned r, bool single)
{
    int copy = t->fc_on ? fc_xmm(t, r) : -1;
    if (copy >= 0) {
        x64_movaps_rr(t->b, xmm, copy);
        return;
    }
    if (single) {
        x64_movss_rm(t->b, xmm, FREG(r));
        return;
    }
    x64_movsd_rm(t->b, xmm, FREG(r));
    fc_keep(t, r, xmm);
}

/* f(rd) = xmm0, NaN-boxed when single */
static void store_f0(struct tr *t, unsigned rd, bool single)
{
    if (single) {
        x64_movss_mr(t->b, FREG(rd), 0);
        x64_mov_mi(t->b, 4, FREG_HI(rd), -1);
        fc_forget(t, rd); /* xmm0's upper half is not the NaN-box */
    } else {
        fc_set(t, rd, 0);
    }
}

/* ucomisd xr, xr ; jp fix  — a NaN result in xmm `xr` becomes the
 * canonical NaN. */
static void canonicalize_nan_in(struct tr *t, bool single, int xr)
{
    x64_ucomis(t->b, !single, xr, xr);
    uint8_t *fix = x64_jcc_rel32(t->b, CC_P);
    struct stub *st = new_stub(t, STUB_NAN, fix);
    st->resume = x64_here(t->b);
    st->info = single;
    st->rs2 = xr;
}

static void canonicalize_nan(struct tr *t, bool single)
{
    canonicalize_nan_in(t, single, 0);
}

/* The xmm copy of f[r] (a double), loading it first if there is none:
 *     movsd xk, [f(r)] */
static int fp_copy(struct tr *t, unsigned r)
{
    int x = fc_xmm(t, r);
    if (x < 0) {
        x = fc_slot(t, r);
        x64_movsd_rm(t->b, x, FREG(r));
    }
    return x;
}

/* A double fadd/fsub/fmul/fdiv in a trace, computed in rd's xmm register,
 * which then holds f[rd] dirty (fc_set), its NaN not fixed yet:
 *     vaddsd xd, xs1, xs2                   (a host with AVX)
 *     movaps xd, xs1 ; addsd xd, xs2        (without)
 * (through xmm0 when rd's register is also rs2's and rs1 is another). */
static void fp_arith_in_copies(struct tr *t, enum x64_sse op)
{
    const struct insn *in = t->in;
    int a = fp_copy(t, in->rs1);
    int c = fp_copy(t, in->rs2);
    if (t->j->have_avx) {
        int d = fc_slot(t, in->rd);
        x64_vsse_rrr(t->b, op, true, d, a, c);
        fc_set(t, in->rd, d);
        t->fc.unfixed |= 1u << in->rd;
        return;
    }
    bool through0 = in->rd == in->rs2 && in->rd != in->rs1;
    int d = through0 ? 0 : fc_slot(t, in->rd);
    if (d != a)
        x64_movaps_rr(t->b, d, a);
    x64_sse_rr(t->b, op, true, d, c);
    fc_set(t, in->rd, d);
    t->fc.unfixed |= 1u << in->rd;
}

/* fadd/fsub/fmul/fdiv/fsqrt:  movsd xmm0, [rs1] ; addsd xmm0, [rs2] ; NaN fix ; store */
static void jit_fp_arith(struct tr *t, enum x64_sse op, bool single)
{
    const struct insn *in = t->in;
    if (!rm_is_rne(t)) {
        jit_by_helper(t, false);
        return;
    }
    if (t->fc_on && !single && op != SSE_SQRT) {
        fp_arith_in_copies(t, op);
        fs_dirty(t);
        return;
    }
    struct box_checks c = {0};
    box(t, &c, single, in->rs1);
    if (op != SSE_SQRT)
        box(t, &c, single, in->rs2);
    load_f(t, 0, in->rs1, single);
    if (op == SSE_SQRT) {
        x64_sse_rr(t->b, op, !single, 0, 0);
    } else {
        load_f(t, 1, in->rs2, single);
        x64_sse_rr(t->b, op, !single, 0, 1);
    }
    bool defer = t->fc_on && !single; /* a trace's fsqrt.d: as fp_arith_in_copies */
    if (!defer)
        canonicalize_nan(t, single);
    store_f0(t, in->rd, single);
    if (defer)
        t->fc.unfixed |= 1u << in->rd;
    box_fallbacks(t, &c, x64_here(t->b));
    fs_dirty(t);
}

/* fmadd/fmsub/fnmsub/fnmadd with FMA3:  xmm0 = rs3 ; vfmadd231sd xmm0, xmm1, xmm2.
 * A NaN result is redone by fpu.c, which knows RISC-V's NV rule for
 * inf * 0 + qNaN. */
static void jit_fp_fma(struct tr *t, bool single)
{
    const struct insn *in = t->in;
    if (!rm_is_rne(t) || !t->j->have_fma) {
        jit_by_helper(t, false);
        return;
    }
    struct box_checks c = {0};
    box(t, &c, single, in->rs1);
    box(t, &c, single, in->rs2);
    box(t, &c, single, in->rs3);
    load_f(t, 0, in->rs3, single);
    load_f(t, 1, in->rs1, single);
    load_f(t, 2, in->rs2, single);
    switch ((enum op)in->op) {
    case OP_FMADD_S: case OP_FMADD_D: x64_vfmadd231(t->b, !single, 0, 1, 2); break;
    case OP_FMSUB_S: case OP_FMSUB_D: x64_vfmsub231(t->b, !single, 0, 1, 2); break;
    case OP_FNMSUB_S: case OP_FNMSUB_D: x64_vfnmadd231(t->b, !single, 0, 1, 2); break;
    default: x64_vfnmsub231(t->b, !single, 0, 1, 2); break;
    }
    x64_ucomis(t->b, !single, 0, 0);
    uint8_t *nan = x64_jcc_rel32(t->b, CC_P);
    struct fcache fc_at_nan = t->fc; /* the fallback does not store rd's new copy */
    store_f0(t, in->rd, single);
    uint8_t *resume = x64_here(t->b);
    fp_fallback_from(t, nan, resume, &t->rc, &fc_at_nan);
    box_fallbacks(t, &c, resume);
    fs_dirty(t);
}

/* feq: ucomisd xmm0, xmm1 ; sete al ; setnp cl ; and al, cl
 * flt: comisd xmm1, xmm0 ; seta al      fle: comisd xmm1, xmm0 ; setae al
 * (unordered sets ZF, PF and CF, so all three give 0 for a NaN; a trace
 * compares the copies of its doubles where they are, not in xmm0/xmm1) */
static void jit_fp_compare(struct tr *t, bool single)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    struct box_checks c = {0};
    box(t, &c, single, in->rs1);
    box(t, &c, single, in->rs2);
    int x0 = 0, x1 = 1;
    if (t->fc_on && !single) { /* a trace's doubles: compare their copies */
        x0 = fp_copy(t, in->rs1);
        x1 = fp_copy(t, in->rs2);
    } else {
        load_f(t, 0, in->rs1, single);
        load_f(t, 1, in->rs2, single);
    }
    enum op op = (enum op)in->op;
    if (op == OP_FEQ_S || op == OP_FEQ_D) {
        x64_ucomis(b, !single, x0, x1);
        x64_setcc(b, CC_E, RAX);
        x64_setcc(b, CC_NP, RCX);
        x64_alu_rr(b, false, ALU_AND, RAX, RCX);
    } else {
        x64_comis(b, !single, x1, x0);
        x64_setcc(b, op == OP_FLT_S || op == OP_FLT_D ? CC_A : CC_AE, RAX);
    }
    x64_movzx_rr(b, RAX, RAX, 1);
    store_x(t, in->rd, RAX);
    box_fallbacks(t, &c, x64_here(b));
    fs_dirty(t);
}

/* fsgnj/fsgnjn/fsgnjx:  sign from rs2 (negated / xor-ed with rs1's),
 * the rest from rs1, on the raw bits. */
static void jit_fp_sign(struct tr *t, bool single)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    bool w = !single;
    uint8_t top = single ? 31 : 63;
    struct box_checks c = {0};
    box(t, &c, single, in->rs1);
    box(t, &c, single, in->rs2);
    fc_sync(t, in->rs1); /* read from the hart below */
    fc_sync(t, in->rs2);
    x64_mov_rm(b, w, RAX, FREG(in->rs1));
    x64_mov_rm(b, w, RCX, FREG(in->rs2));
    switch ((enum op)in->op) {
    case OP_FSGNJN_S: case OP_FSGNJN_D: x64_not_r(b, w, RCX); break;
    case OP_FSGNJX_S: case OP_FSGNJX_D: x64_alu_rr(b, w, ALU_XOR, RCX, RAX); break;
    default: break;
    }
    x64_shift_ri(b, w, SHIFT_SHR, RCX, top);  /* rcx = the sign bit alone */
    x64_shift_ri(b, w, SHIFT_SHL, RCX, top);
    x64_shift_ri(b, w, SHIFT_SHL, RAX, 1);    /* rax = rs1 without its sign */
    x64_shift_ri(b, w, SHIFT_SHR, RAX, 1);
    x64_alu_rr(b, w, ALU_OR, RAX, RCX);
    x64_mov_mr(b, w, FREG(in->rd), RAX);
    if (single)
        x64_mov_mi(b, 4, FREG_HI(in->rd), -1);
    fc_forget(t, in->rd);
    box_fallbacks(t, &c, x64_here(b));
    fs_dirty(t);
}

/* fmv.x.d / fmv.x.w / fmv.d.x / fmv.w.x: bits between the register files */
static void jit_fp_move(struct tr *t)
{
    const struct insn *in = t->in;
    struct x64_buf *b = t->b;
    switch ((enum op)in->op) {
    case OP_FMV_X_D:
        fc_sync(t, in->rs1);
        x64_mov_rm(b, true, RAX, FREG(in->rs1));
        store_x(t, in->rd, RAX);
        break;
    case OP_FMV_X_W:
        fc_sync(t, in->rs1);
        x64_load(b, RAX, FREG(in->rs1), 4, true);
        store_x(t, in->rd, RAX);
        break;
    case OP_FMV_D_X:
        load_x(t, RAX, in->rs1);
        x64_mov_mr(b, true, FREG(in->rd), RAX);
        fc_forget(t, in->rd);
        break;
    default: /* FMV_W_X */
        load_x(t, RAX, in->rs1);
        x64_mov_mr(b, false, FREG(in->rd), RAX);
        x64_mov_mi(b, 4, FREG_HI(in->rd), -1);
        fc_forget(t, in->rd);
        break;
    }
    fs_dirty(t);
}

/* fcvt.{s,d}.{w,wu,l}: cvtsi2sd from a sign- or zero-extended 64-bit value
 * (exact for 32-bit sources into double; rounded by MXCSR otherwise). */
static void jit_fp_from_int(struct tr *t, bool single, bool src64, bool src_unsigned)
{
    const struct insn *in = t->in;
    bool exact = !single && !src64;
    if ((!exact && !rm_is_rne(t)) || (src64 && src_unsigned)) {
        jit_by_helper(t, false);
        return;
    }
    load_x(t, RAX, in->rs1);
    if (!src64 && src_unsigned)
        x64_mov_rr(t->b, false, RAX, RAX);  /* mov eax, eax: zero-extend */
    else if (!src64)
        x64_movsxd_rr(t->b, RAX, RAX);
    x64_xorps(t->b, 0, 0); /* break the dependency on xmm0's old value */
    x64_cvtsi2s(t->b, !single, true, 0, RAX);
    store_f0(t, in->rd, single);
    fs_dirty(t);
}

/* fcvt.s.d (rounds) and fcvt.d.s (exact): NaNs become canonical */
static void jit_fp_convert(struct tr *t, bool to_single)
{
    const struct insn *in = t->in;
    if (to_single && !rm_is_rne(t)) {
        jit_by_helper(t, false);
        return;
    }
    struct box_checks c = {0};
    box(t, &c, !to_single, in->rs1);
    load_f(t, 1, in->rs1, !to_single);
    x64_xorps(t->b, 0, 0);
    if (to_single)
        x64_cvtsd2ss(t->b, 0, 1);
    else
        x64_cvtss2sd(t->b, 0, 1);
    canonicalize_nan(t, to_single);
    store_f0(t, in->rd, to_single);
    box_fallbacks(t, &c, x64_here(t->b));
    fs_dirty(t);
}

static void emit_fp_stub(struct tr *t, const struct stub *st)
{
    struct x64_buf *b = t->b;
    if (st->kind == STUB_NAN) {
        /* mov rax, canonical NaN ; movq xmm0, rax ; jmp back */
        x64_mov_ri(b, RAX, st->info ? CANONICAL_NAN_S : CANONICAL_NAN_D);
        x64_movq_xr(b, st->rs2, RAX);
        x64_jmp_to(b, exec_of(t, st->resume));
        return;
    }
    /* the fallback: fpu.c does the whole instruction (it never needs the pc
     * or instret unless it traps, and then the trap exit sets them) */
    emit_flush(t, &st->before);
    emit_fc_flush(t, &st->before_fc);
    x64_mov_ri(b, RSI, st->info);
    call_helper(t, (const void *)jit_helper_exec);
    x64_test_rr(b, false, RAX, RAX);
    uint8_t *trap = x64_jcc_rel32(b, CC_E);
    emit_reload(t, &st->after);
    x64_jmp_to(b, exec_of(t, st->resume));
    x64_patch_rel32(trap, x64_here(b));
    emit_trap_exit(t, st->at, st->off, st->idx);
}

/* -- One instruction ------------------------------------------------------------ */

static bool is_fp_op(enum op op)
{
    return op >= OP_FLW && op <= OP_FMV_D_X;
}

/* Translate t->in; true when the block ends with it. */
static bool jit_insn(struct tr *t)
{
    enum op op = (enum op)t->in->op;
    t->insn_tick = t->tick;
    if (is_fp_op(op) && !(t->flags & 4)) { /* FP off: the helper raises illegal */
        jit_by_helper(t, true);
        return true;
    }
    switch (op) {
    case OP_LUI: jit_lui(t); break;
    case OP_AUIPC: jit_auipc(t); break;
    case OP_JAL: jit_jal(t); return !t->ti;
    case OP_JALR: jit_jalr(t); return !t->ti || leaves_trace(t);
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
        return jit_branch(t);
    case OP_LB: jit_load(t, 1, true, false); break;
    case OP_LH: jit_load(t, 2, true, false); break;
    case OP_LW: jit_load(t, 4, true, false); break;
    case OP_LD: jit_load(t, 8, false, false); break;
    case OP_LBU: jit_load(t, 1, false, false); break;
    case OP_LHU: jit_load(t, 2, false, false); break;
    case OP_LWU: jit_load(t, 4, false, false); break;
    case OP_SB: jit_store(t, 1, false); break;
    case OP_SH: jit_store(t, 2, false); break;
    case OP_SW: jit_store(t, 4, false); break;
    case OP_SD: jit_store(t, 8, false); break;
    case OP_ADDI: case OP_XORI: case OP_ORI: case OP_ANDI: jit_alu_imm(t, false); break;
    case OP_ADDIW: jit_alu_imm(t, true); break;
    case OP_SLTI: jit_set_less(t, true, false); break;
    case OP_SLTIU: jit_set_less(t, true, true); break;
    case OP_SLT: jit_set_less(t, false, false); break;
    case OP_SLTU: jit_set_less(t, false, true); break;
    case OP_SLLI: case OP_SRLI: case OP_SRAI: jit_shift_imm(t, false); break;
    case OP_SLLIW: case OP_SRLIW: case OP_SRAIW: jit_shift_imm(t, true); break;
    case OP_SLL: case OP_SRL: case OP_SRA: jit_shift_reg(t, false); break;
    case OP_SLLW: case OP_SRLW: case OP_SRAW: jit_shift_reg(t, true); break;
    case OP_ADD: case OP_SUB: case OP_XOR: case OP_OR: case OP_AND: jit_alu_reg(t, false); break;
    case OP_ADDW: case OP_SUBW: jit_alu_reg(t, true); break;
    case OP_MUL: case OP_MULH: case OP_MULHSU: case OP_MULHU: case OP_MULW: jit_mul(t); break;
    case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU:
    case OP_DIVW: case OP_DIVUW: case OP_REMW: case OP_REMUW:
        jit_div(t);
        break;
    case OP_FENCE: break; /* one host thread runs the harts in turn: nothing to order */
    case OP_FENCE_I: {    /* stores into code already invalidated it: just move on */
        struct sync s = t->s;
        sync_pc(t, &s, t->off + t->in->len);
        emit_exit_dispatch(t, s, &t->rc, t->idx + 1);
        return true;
    }
    case OP_FLW: jit_load(t, 4, false, true); break;
    case OP_FLD: jit_load(t, 8, false, true); break;
    case OP_FSW: jit_store(t, 4, true); break;
    case OP_FSD: jit_store(t, 8, true); break;
    case OP_FADD_S: jit_fp_arith(t, SSE_ADD, true); break;
    case OP_FSUB_S: jit_fp_arith(t, SSE_SUB, true); break;
    case OP_FMUL_S: jit_fp_arith(t, SSE_MUL, true); break;
    case OP_FDIV_S: jit_fp_arith(t, SSE_DIV, true); break;
    case OP_FSQRT_S: jit_fp_arith(t, SSE_SQRT, true); break;
    case OP_FADD_D: jit_fp_arith(t, SSE_ADD, false); break;
    case OP_FSUB_D: jit_fp_arith(t, SSE_SUB, false); break;
    case OP_FMUL_D: jit_fp_arith(t, SSE_MUL, false); break;
    case OP_FDIV_D: jit_fp_arith(t, SSE_DIV, false); break;
    case OP_FSQRT_D: jit_fp_arith(t, SSE_SQRT, false); break;
    case OP_FMADD_S: case OP_FMSUB_S: case OP_FNMSUB_S: case OP_FNMADD_S: jit_fp_fma(t, true); break;
    case OP_FMADD_D: case OP_FMSUB_D: case OP_FNMSUB_D: case OP_FNMADD_D: jit_fp_fma(t, false); break;
    case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: jit_fp_compare(t, true); break;
    case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D: jit_fp_compare(t, false); break;
    case OP_FSGNJ_S: case OP_FSGNJN_S: case OP_FSGNJX_S: jit_fp_sign(t, true); break;
    case OP_FSGNJ_D: case OP_FSGNJN_D: case OP_FSGNJX_D: jit_fp_sign(t, false); break;
    case OP_FMV_X_W: case OP_FMV_W_X: case OP_FMV_X_D: case OP_FMV_D_X: jit_fp_move(t); break;
    case OP_FCVT_D_W: jit_fp_from_int(t, false, false, false); break;
    case OP_FCVT_D_WU: jit_fp_from_int(t, false, false, true); break;
    case OP_FCVT_D_L: jit_fp_from_int(t, false, true, false); break;
    case OP_FCVT_D_LU: jit_fp_from_int(t, false, true, true); break;
    case OP_FCVT_S_W: jit_fp_from_int(t, true, false, false); break;
    case OP_FCVT_S_WU: jit_fp_from_int(t, true, false, true); break;
    case OP_FCVT_S_L: jit_fp_from_int(t, true, true, false); break;
    case OP_FCVT_S_LU: jit_fp_from_int(t, true, true, true); break;
    case OP_FCVT_S_D: jit_fp_convert(t, true); break;
    case OP_FCVT_D_S: jit_fp_convert(t, false); break;
    default:
        /* CSRs, privileged instructions, ecall/ebreak, AMOs, the rest of FP */
        jit_by_helper(t, cpu_ends_block(op));
        return cpu_ends_block(op);
    }
    return false;
}

/* -- Continuations ---------------------------------------------------------------
 * A loop trace follows one path; a loop with two hot paths (a merge taking
 * from one list or the other at random) would leave by a side exit every
 * other iteration, run the other path in blocks, and enter the trace again.
 * So before the loop copy is translated, the code after each of its side
 * exits is planned straight from the guest page (plan_cont): forward
 * branches are taken to fall through and backward ones to be taken (the
 * static guess of branch predictors), unless one way joins, until the code
 * comes back to the loop head or to the start of a continuation.  One that
 * gets there within MAX_CONT_INSNS instructions on the branch's page,
 * without calls, system instructions or FP, is kept: its side exit then
 * goes on in the continuation instead of leaving, and so do other side
 * exits to the same place (a join).  Then the continuations' own side
 * exits get theirs, breadth first, up to MAX_LOOP_CONTS.  In a loop that
 * keeps all its registers, a continuation's must fit beside them, and
 * registers stay in place; in one that keeps only some, the others take
 * the free host registers in turn, as in a block.  Like a back-edge, a join
 * checks the budget, so a cycle through continuations still takes
 * interrupts.  A continuation's code starts with r12 and r13 exact (its
 * own struct sync frame) and nothing known about register values, so any
 * join may enter it.
 *
 * A trace that is no loop has continuations too (plan_join): an if-then
 * whose other way comes back to the path a few instructions on (bash's
 * code is full of them) left the trace for blocks, and those ran the rest
 * of the path too, a second copy of it in the host's caches.  Such a
 * continuation starts from the registers as its branch left them (only
 * its own side exit enters it) and ends at a label of the path: where the
 * path was translated knowing nothing of register values, with its
 * registers, FP copies and bookkeeping kept (mark_labels).  The
 * continuation moves its registers to the label's (emit_reconcile), makes
 * r13 what the path would hold there for the instructions it ran, and
 * jumps.  A label lies after its branch, so no cycle forms, and on a page
 * the path checked by the branch (page_checked), so no page guard is
 * skipped.  A return in a continuation goes where the path's call said
 * (return_offset), guarded like the path's own returns. */

static uint32_t int_regs_of(const struct insn *in);

/* The continuation starting at `off`, or NULL. */
static struct cont *cont_at(struct tr *t, int64_t off)
{
    for (int i = 0; i < t->nconts; i++)
        if (t->conts[i].start == off)
            return &t->conts[i];
    return NULL;
}

/* Does code reaching `off` stay in the loop (the head or a continuation)? */
static bool joins(struct tr *t, int64_t off, int64_t start)
{
    return off == 0 || off == start || cont_at(t, off);
}

/* The instruction at offset `off` of a continuation planned on the page
 * `page` (pa_base + off physical): false if it is not there whole, or is
 * one a continuation cannot take (a jump through a register, unless
 * `jumps` and it links nothing: a return; a system instruction, FP). */
static bool cont_fetch(const struct tr *t, uint64_t pa_base, uint64_t page, int64_t off,
                       bool jumps, struct trace_insn *ri, struct insn *in)
{
    uint64_t pa = pa_base + (uint64_t)off;
    const uint8_t *host = mmu_ram_ptr(t->j->m, pa, 2);
    if ((pa & ~0xfffULL) != page || !host || jit_straddles_page(pa, host))
        return false;
    cpu_decode(cpu_insn_bits(host), in);
    *ri = (struct trace_insn){.delta = off, .pa = pa, .raw = in->raw};
    return loop_safe((enum op)in->op) || (jumps && in->op == OP_JALR && in->rd == 0);
}

/* Plan the continuation at `start` for a side exit of the path instruction
 * `from`; on success it joins t->conts and its registers join *regs and
 * *written. */
static bool plan_cont_way(struct tr *t, const struct trace_insn *from, int64_t start,
                          uint32_t *regs, uint32_t *written, bool fit, bool end_early)
{
    if (t->nconts == MAX_LOOP_CONTS || start == 0 || cont_at(t, start))
        return false;
    struct cont *c = &t->conts[t->nconts];
    uint64_t pa_base = from->pa - (uint64_t)from->delta, page = from->pa & ~0xfffULL;
    uint32_t r = *regs, w = *written;
    int64_t off = start;
    c->start = start;
    c->n = 0;
    c->label = NULL;
    c->from = c->join = -1;
    c->join_at = NULL;
    while (c->n == 0 || !joins(t, off, start)) {
        struct insn in;
        if (c->n == MAX_CONT_INSNS ||
            !cont_fetch(t, pa_base, page, off, false, &c->insn[c->n], &in))
            return false;
        enum op op = (enum op)in.op;
        r |= int_regs_of(&in);
        w |= 1u << int_dest_of(&in);
        if (fit && __builtin_popcount(r & ~1u) > NCACHE)
            return false;
        int64_t next = off + in.len;
        if (op == OP_JAL) {
            next = off + in.imm;
        } else if (op >= OP_BEQ && op <= OP_BGEU) {
            int64_t taken = off + in.imm;
            bool taken_joins = joins(t, taken, start);
            if ((!taken_joins && (joins(t, next, start) || in.imm < 0)) ||
                (taken_joins && end_early))
                next = taken;
        }
        c->next[c->n++] = next;
        off = next;
    }
    c->end = off;
    *regs = r & ~1u;
    *written = w & ~1u;
    t->nconts++;
    return true;
}

/* A branch one of whose ways joins is planned down its other way, so the
 * continuation covers both; if that way leads out of the loop for good (a
 * loop's exit test, from a continuation), the continuation ends at the
 * branch instead, its other way a side exit. */
static bool plan_cont(struct tr *t, const struct trace_insn *from, int64_t start,
                      uint32_t *regs, uint32_t *written, bool fit)
{
    return plan_cont_way(t, from, start, regs, written, fit, false) ||
           plan_cont_way(t, from, start, regs, written, fit, true);
}

/* Is instruction k of continuation c a conditional branch?  Then *other
 * is the offset of the way its code does not take. */
static bool cont_branch_other_way(const struct cont *c, int k, int64_t *other)
{
    return trace_insn_other_way(&c->insn[k], c->next[k], other) && *other != c->next[k];
}

/* Plan the continuations of a loop trace's side exits (branches whose
 * other way is not the head): first the path's, then, breadth first,
 * those of the continuations' own branches, so a loop with many ways
 * through it (cpubench's fsm: one per state and character class) stays
 * in the trace on most of them.  `regs` are the loop's, kept in host
 * registers, and `written` those it writes: both grow by what the
 * continuations use.  With `fit`, a continuation must fit its registers
 * and the loop's in the host registers; a loop that keeps only some
 * (t->pinned) takes the others in turn in its continuations too, and the
 * end of each gives them back (emit_reconcile). */
static bool branch_other_way(const struct trace_info *ti, int i, int64_t *other);

static void plan_conts(struct tr *t, const struct trace_info *ti, uint32_t *regs,
                       uint32_t *written, bool fit)
{
    int64_t other;
    for (int i = 0; i < ti->n; i++)
        if (branch_other_way(ti, i, &other))
            plan_cont(t, &ti->insn[i], other, regs, written, fit);
    for (int c = 0; c < t->nconts; c++)
        for (int k = 0; k < t->conts[c].n; k++)
            if (cont_branch_other_way(&t->conts[c], k, &other))
                plan_cont(t, &t->conts[c].insn[k], other, regs, written, fit);
}

/* Is path instruction i a branch that may leave the path (whose two ways
 * differ)?  Then *other is the offset its other way goes to. */
static bool branch_other_way(const struct trace_info *ti, int i, int64_t *other)
{
    return trace_branch_other_way(ti, i, other) && *other != trace_next_delta(ti, i);
}

static int64_t vpage_of(const struct jit_block *blk, int64_t off);

/* The first path instruction after `i` at offset `off`, or -1. */
static int path_after(const struct trace_info *ti, const struct path_filter *filter, int i,
                      int64_t off)
{
    return trace_find(ti, filter, i + 1, off);
}

/* Where a return (jalr x0, imm(r)) planned in a continuation of path
 * branch i goes, if the translator can tell: r was last written by a call
 * on the path before i (its link: the call's offset and length), and not
 * since by the continuation (`written`).  -1 otherwise.  (A guard checks
 * it when it runs, as for the path's own returns.) */
static int64_t return_offset(const struct trace_info *ti, int i, const struct insn *ret,
                             uint32_t written)
{
    if (written & (1u << ret->rs1))
        return -1;
    for (int k = i - 1; k >= 0; k--) {
        struct insn in;
        cpu_decode(ti->insn[k].raw, &in);
        if (int_dest_of(&in) != ret->rs1)
            continue;
        if ((in.op != OP_JAL && in.op != OP_JALR) || ret->rs1 == 0)
            return -1;
        return (ti->insn[k].delta + in.len + ret->imm) & ~(int64_t)1;
    }
    return -1;
}

/* Has the path checked the virtual page of offset `off` by instruction
 * i?  (It checks each page where it first gets there.) */
static bool page_checked(const struct tr *t, int i, int64_t off)
{
    int64_t vpage = vpage_of(t->blk, off);
    for (int k = 0; k <= i; k++)
        if (vpage_of(t->blk, t->ti->insn[k].delta) == vpage)
            return true;
    return false;
}

/* Plan the continuation of the side exit of path branch i to `start`, in a
 * trace that is no loop: code from the guest page until it reaches the
 * path again after i.  A branch in it goes the way that gets there, else
 * the static guess; a return goes where the path's call said; registers
 * need not fit (it may evict). */
static bool plan_join(struct tr *t, const struct path_filter *filter, int i, int64_t start)
{
    const struct trace_info *ti = t->ti;
    struct cont *c = &t->conts[t->nconts];
    const struct trace_insn *from = &ti->insn[i];
    uint64_t pa_base = from->pa - (uint64_t)from->delta, page = from->pa & ~0xfffULL;
    int64_t off = start;
    int join;
    uint32_t written = 0;
    c->start = start;
    c->n = 0;
    c->label = NULL;
    c->from = i;
    c->join_at = NULL;
    while ((join = path_after(ti, filter, i, off)) < 0) {
        struct insn in;
        if (c->n == MAX_CONT_INSNS ||
            !cont_fetch(t, pa_base, page, off, true, &c->insn[c->n], &in))
            return false;
        enum op op = (enum op)in.op;
        int64_t next = off + in.len;
        written |= 1u << int_dest_of(&in);
        if (op == OP_JALR) {
            next = return_offset(ti, i, &in, written);
            if (next == -1) /* offsets are even */
                return false;
        } else if (op == OP_JAL) {
            next = off + in.imm;
        } else if (op >= OP_BEQ && op <= OP_BGEU) {
            int64_t taken = off + in.imm;
            if (path_after(ti, filter, i, next) < 0 &&
                (path_after(ti, filter, i, taken) >= 0 || in.imm < 0))
                next = taken;
        }
        c->next[c->n++] = next;
        off = next;
    }
    if (!page_checked(t, i, off)) /* its page guard would be skipped */
        return false;
    c->end = off;
    c->join = join;
    t->nconts++;
    return true;
}

/* Plan the continuations of a trace that is no loop: of its first side
 * exits that come back to the path. */
static void plan_joins(struct tr *t)
{
    const struct trace_info *ti = t->ti;
    struct path_filter filter = {0};
    for (int k = 0; k < ti->n; k++)
        path_filter_add(&filter, ti->insn[k].delta);
    int64_t other;
    for (int i = 0; i < ti->n && t->nconts < MAX_CONTS; i++)
        if (branch_other_way(ti, i, &other))
            plan_join(t, &filter, i, other);
}

/* The path reaches instruction n: if a continuation joins here, make it a
 * label.  What is known about register values goes (the continuation
 * did not keep it), and so does the promise that mstatus.FS is dirty;
 * the registers, FP copies and bookkeeping are noted for the join. */
static void mark_labels(struct tr *t, int n)
{
    bool forgot = false;
    for (int i = 0; i < t->nconts; i++) {
        struct cont *c = &t->conts[i];
        if (c->join != n)
            continue;
        if (!forgot) {
            t->known_const = t->known_pcrel = 0;
            t->pslot_base = 0;
            t->fs_dirty_done = false;
            forgot = true;
            /* a continuation may come with other bits in those registers */
            for (unsigned r = 0; r < 32; r++)
                fc_fix(t, r);
        }
        c->join_at = t->b->p;
        c->join_rc = t->rc;
        c->join_fc = t->fc;
        c->join_s = t->s;
        c->join_idx = t->idx;
    }
}

/* The end of a continuation of a trace that is no loop: to its label.
 * The path after the label adds to r13 what it retires from there as if
 * it had retired join_idx instructions by then, with r13 counting
 * join_s.count of them; this code retired t->idx past the side exit's
 * count, with r13 counting t->s.count of them.
 *     <registers> ; add r13, ... ; add r12, ... ; jmp label */
static void emit_join(struct tr *t, const struct cont *c)
{
    emit_reconcile(t, &t->rc, &c->join_rc, &t->fc, &c->join_fc);
    int32_t instret = (int32_t)(t->idx - t->s.count) + (int32_t)(c->join_s.count - c->join_idx);
    if (instret)
        x64_alu_ri(t->b, true, ALU_ADD, R13, instret);
    trace_count(t, offsetof(struct trace_stats, insns), (uint32_t)((int32_t)t->idx - (int32_t)c->join_idx));
    sync_pc(t, &t->s, c->join_s.pc_off);
    x64_jmp_to(t->b, exec_of(t, c->join_at));
}

static bool cont_room(const struct tr *t, const struct cont *c);

/* The continuation that a side exit's stub goes on in, if it has one
 * (and room), in a trace that is no loop. */
static struct cont *join_of(struct tr *t, const struct stub *st)
{
    for (int i = 0; !t->wraps && st->pos >= 0 && i < t->nconts; i++) {
        struct cont *c = &t->conts[i];
        if (c->from == st->pos && c->start == st->target && c->join_at && !c->label)
            return cont_room(t, c) ? c : NULL;
    }
    return NULL;
}

/* Is there room to translate continuation c here? */
static bool cont_room(const struct tr *t, const struct cont *c)
{
    return t->nstubs + 4 * c->n + 8 <= MAX_STUBS &&
           (size_t)(t->b->end - t->b->p) >= ROOM_PER_INSN * (size_t)(c->n + 2);
}

/* Will a side exit to `target` go on in a continuation?  (Not one from a
 * page guard: page_pa ~0.) */
static bool cont_taken(struct tr *t, int64_t target)
{
    struct cont *c = t->loop_head && target && t->page_pa != ~0ULL ? cont_at(t, target) : NULL;
    return c && (c->label || cont_room(t, c));
}

/* Into continuation c, from code with bookkeeping s, registers rc and
 * `count` instructions retired: registers and FP copies as the loop head
 * has them, r12 and r13 exact.
 *     <reconcile> ; add r13, count - s.count ; add r12, start - s.pc_off */
static void emit_cont_entry(struct tr *t, const struct cont *c, struct sync s,
                            const struct regcache *rc, uint32_t count)
{
    emit_reconcile(t, rc, &t->head_rc, &t->fc, &t->head_fc);
    sync_count(t, &s, count);
    sync_pc(t, &s, c->start);
    trace_count(t, offsetof(struct trace_stats, insns), count);
}

/* Translate continuation c here, entered with registers rc, FP copies fc
 * and bookkeeping s: r12 is the pc of offset s.pc_off, and r13 has
 * counted s.count instructions more than were retired before c->start (a
 * side exit's r13 may lag: s.count below zero).  The code around is left
 * as it was. */
static void emit_cont(struct tr *t, struct cont *c, const struct regcache *rc,
                      const struct fcache *fc, struct sync s)
{
    unsigned char saved[offsetof(struct tr, conts)]; /* the state above the arrays */
    memcpy(saved, t, sizeof saved);
    c->label = t->b->p;
    t->j->stats.trace_conts++;
    t->rc = *rc;
    t->fc = *fc;
    t->s = s;
    t->idx = 0;
    t->known_const = t->known_pcrel = 0;
    t->pslot_base = 0;
    t->refill = NULL;
    for (int k = 0; k < c->n; k++) {
        struct insn in;
        cpu_decode(c->insn[k].raw, &in);
        t->in = &in;
        t->off = c->insn[k].delta;
        t->next_off = c->next[k];
        t->pa_base = c->insn[k].pa - (uint64_t)c->insn[k].delta;
        t->page_pa = c->insn[k].pa & ~0xfffULL;
        jit_insn(t); /* plan_cont took nothing that ends a block */
        t->idx++;
    }
    t->in = NULL;
    if (c->join >= 0)
        emit_join(t, c);
    else
        emit_exit_to(t, t->s, &t->rc, c->end, t->idx);
    c->code_end = t->b->p;
    int nstubs = t->nstubs;
    memcpy(t, saved, sizeof saved);
    t->nstubs = nstubs;
}

/* An exit to `target` that a continuation takes: the first one to get
 * there is followed by the continuation's code; the others join it,
 * checking the budget like a back-edge:
 *     <entry> ; cmp r13, [insn_limit] ; jb cont ; <flush> ; jmp exit_budget
 * Returns false for an exit that leaves. */
static bool emit_to_cont(struct tr *t, struct sync s, const struct regcache *rc,
                         int64_t target, uint32_t count)
{
    if (!cont_taken(t, target))
        return false;
    struct cont *c = cont_at(t, target);
    emit_cont_entry(t, c, s, rc, count);
    if (!c->label) {
        emit_cont(t, c, &t->head_rc, &t->head_fc, (struct sync){c->start, 0});
        return true;
    }
    x64_alu_rm(t->b, true, ALU_CMP, R13, HART(insn_limit));
    x64_jcc_to(t->b, CC_B, exec_of(t, c->label));
    emit_budget_exit(t, &t->head_rc, &t->head_fc);
    return true;
}

/* -- Blocks ------------------------------------------------------------------ */

/* A side exit: leave for st->target as the stub's instruction would. */
static void emit_side_exit(struct tr *t, const struct stub *st)
{
    t->pa_base = st->pa_base;
    t->page_pa = st->page_pa;
    t->fc = st->before_fc; /* the FP registers at the branch */
    struct cont *c = join_of(t, st);
    if (c) { /* r12 and r13 as the branch left them */
        struct sync s = {st->at.pc_off, st->at.count - st->count};
        trace_count(t, offsetof(struct trace_stats, insns), st->count);
        emit_cont(t, c, &st->before, &st->before_fc, s);
        return;
    }
    if (!cont_taken(t, st->target))
        trace_count(t, offsetof(struct trace_stats, side_exits), 1);
    emit_exit_to(t, st->at, &st->before, st->target, st->count);
}

/* A trace's indirect jump went elsewhere: rdx holds where. */
static void emit_jalr_miss(struct tr *t, const struct stub *st)
{
    trace_count(t, offsetof(struct trace_stats, side_exits), 1);
    trace_count(t, offsetof(struct trace_stats, jalr_misses), 1);
    x64_mov_rr(t->b, true, R12, RDX);
    t->fc = st->before_fc;
    emit_exit_dispatch(t, st->at, &st->before, st->count);
}

/* A counted block's countdown ran out: back to C, nothing run yet. */
static void emit_hot_exit(struct tr *t)
{
    x64_jmp_to(t->b, t->j->exit_hot);
}

/* Is a stub's code rarely run?  Slow paths (a TLB miss, an FP corner
 * case, a countdown at its end) are; side exits are not: a branch that
 * leaves a block or trace half of the time, the other hot path of a loop
 * (its continuation starts in the side exit).  With those in the other
 * region too, cpubench took 1.09x as long (10 paired runs, one boot of
 * each). */
static bool stub_is_cold(enum stub_kind kind)
{
    return kind != STUB_SIDE_EXIT && kind != STUB_JALR_MISS;
}

/* The stubs go after the main path, the rarely run ones to t->cold when
 * jit.c gave one (see jit.c, "Main paths and out-of-line code"). */
static void emit_stubs(struct tr *t)
{
    uint8_t *loop_head = t->loop_head;
    for (int i = 0; i < t->nstubs; i++) {
        const struct stub *st = &t->stubs[i];
        t->b = t->cold && stub_is_cold(st->kind) ? t->cold : t->hot;
        patch_to_here(t, st->from);
        /* the first iteration's exits leave: the loop is entered only by
         * finishing that iteration (see jit_translate_trace) */
        t->loop_head = st->peeled ? NULL : loop_head;
        t->reload_rdi = st->pslot_live;
        t->reload_fc = t->fc_on ? &st->after_fc : NULL;
        switch (st->kind) {
        case STUB_LOAD: case STUB_STORE: emit_memory_stub(t, st); break;
        case STUB_SIDE_EXIT: emit_side_exit(t, st); break;
        case STUB_JALR_MISS: emit_jalr_miss(t, st); break;
        case STUB_HOT: emit_hot_exit(t); break;
        case STUB_REFILL: emit_refill_stub(t, st); break;
        case STUB_WINDOW_OFF:
            x64_mov_mi(t->b, 8, WINDOW(st->window - 1), 0);
            x64_jmp_to(t->b, exec_of(t, st->resume));
            break;
        case STUB_WINDOW_MISS: emit_window_miss(t, st); break;
        case STUB_FP_FALLBACK: case STUB_NAN: emit_fp_stub(t, st); break;
        }
    }
    t->loop_head = loop_head;
    t->b = t->hot;
}

/* Did the main path and its out-of-line code fit their buffers? */
static bool fitted(const struct tr *t)
{
    return !t->hot->overflow && !(t->cold && t->cold->overflow);
}

/* -d out_asm: a translation's host code, disassembled by one objdump for
 * its main path and one for its out-of-line code (one per part of it made
 * a boot's log take minutes): its lines, each
 * "    0xADDR:  instruction", with their addresses.  None when the host
 * has no objdump. */
struct listing {
    size_t n, cap;
    uint64_t *addr;
    char **line;
};

static void listing_add(struct listing *l, uint64_t addr, const char *line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        uint64_t *a = realloc(l->addr, cap * sizeof *a);
        char **s = a ? realloc(l->line, cap * sizeof *s) : NULL;
        if (a)
            l->addr = a;
        if (!s)
            return; /* out of memory: the log shows fewer lines */
        l->line = s;
        l->cap = cap;
    }
    char *copy = strdup(line);
    if (copy) {
        l->addr[l->n] = addr;
        l->line[l->n++] = copy;
    }
}

/* Disassemble n bytes at p, which run from exec, into l. */
static void disassemble_run(const struct tr *t, struct listing *l, const uint8_t *p, size_t n,
                            const uint8_t *exec)
{
    /* mkstemp: O_EXCL, 0600, a random name; unlinked at once, objdump reads
     * it through /dev/fd, so not even SIGKILL leaves it behind. */
    char path[] = "/tmp/dbt-out-asm-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    unlink(path);
    if (n && pwrite(fd, p, n, 0) == (ssize_t)n) {
        char cmd[256];
        snprintf(cmd, sizeof cmd,
                 "objdump -D -b binary -mi386:x86-64 --adjust-vma=%#llx /dev/fd/%d 2>/dev/null | "
                 "sed -n 's/^ *\\([0-9a-f]*\\):\\t[0-9a-f ]*\\t/    0x\\1:  /p'",
                 (unsigned long long)(uintptr_t)exec, fd);
        fflush(t->j->m->logf);
        FILE *f = popen(cmd, "r");
        char line[256];
        while (f && fgets(line, sizeof line, f))
            listing_add(l, strtoull(line + 6, NULL, 16), line);
        if (f)
            pclose(f);
    }
    close(fd);
}

/* The main path, then the out-of-line code (each with the addresses it
 * runs at, so jumps between them show their real targets). */
static void disassemble(const struct tr *t, struct listing *l)
{
    const struct x64_buf *hot = t->hot, *cold = t->cold;
    disassemble_run(t, l, hot->start, (size_t)(hot->p - hot->start), exec_of(t, hot->start));
    if (cold)
        disassemble_run(t, l, cold->start, (size_t)(cold->p - cold->start), exec_of(t, cold->start));
}

static void listing_free(struct listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    free(l->addr);
}

/* -d out_asm: the lines of the host bytes [lo, hi). */
static void log_host_code(FILE *log, const struct listing *l, const struct tr *t,
                          const uint8_t *lo, const uint8_t *hi)
{
    if (!l->n || hi <= lo) {
        fprintf(log, "    (%zu bytes)\n", (size_t)(hi > lo ? hi - lo : 0));
        return;
    }
    uint64_t from = (uint64_t)(uintptr_t)exec_of(t, lo);
    uint64_t to = (uint64_t)(uintptr_t)exec_of(t, hi);
    for (size_t i = 0; i < l->n; i++)
        if (l->addr[i] >= from && l->addr[i] < to)
            fputs(l->line[i], log);
}

/* -d out_asm: the host code under each guest instruction, disassembled by
 * objdump when the host has it (dbt has no x86 disassembler of its own).
 * A loop trace shows its peeled first iteration, then the loop. */
static void log_out_asm(struct tr *t, uint64_t vpc, int n)
{
    struct machine *m = t->j->m;
    FILE *log = m->logf;
    const char *kind = t->ti ? (t->ti->loop ? "trace (loop)" : "trace")
                       : t->blk->pa2 ? "block (straddling two pages)" : "block";
    size_t cold_size = t->cold ? (size_t)(t->cold->p - t->cold->start) : 0;
    fprintf(log, "----------------\nOUT: %s pa 0x%llx va 0x%llx, %d guest instructions, %zu host bytes at %p",
            kind, (unsigned long long)t->blk->pa, (unsigned long long)vpc,
            t->loop_log ? t->loop_log : n,
            (size_t)(t->hot->p - t->hot->start) + cold_size, (const void *)exec_of(t, t->hot->start));
    if (cold_size)
        fprintf(log, " (%zu of them out of line at %p)", cold_size, (const void *)exec_of(t, t->cold->start));
    fputc('\n', log);
    struct listing l = {0};
    disassemble(t, &l);
    fprintf(log, "  -- prologue: the budget check%s\n",
            t->blk->pa2 ? "; is the upper half still on the same page?" : "");
    log_host_code(log, &l, t, t->b->start, t->insn_start[0]);
    for (int i = 0; i < n; i++) {
        if (t->loop_log && i == t->loop_log) {
            fprintf(log, "  -- back at the head: the budget check; the loop loads what it "
                         "keeps and the first iteration left in the hart\n");
            log_host_code(log, &l, t, t->peel_end, t->insn_start[i]);
            fprintf(log, "  -- the loop\n");
        }
        struct insn in;
        cpu_decode(t->insn_raw[i], &in);
        char text[96];
        uint64_t pc = vpc + (uint64_t)t->insn_off[i];
        disas_insn(text, sizeof text, pc, &in);
        fprintf(log, "  0x%016llx:  %s\n", (unsigned long long)pc, text);
        const uint8_t *hi = t->loop_log && i == t->loop_log - 1 ? t->peel_end : t->insn_start[i + 1];
        log_host_code(log, &l, t, t->insn_start[i], hi);
    }
    /* what follows the body, continuations (in the order emitted) among it */
    const uint8_t *at = t->insn_start[n], *end = t->hot->p;
    for (;;) {
        const struct cont *next = NULL;
        for (int i = 0; i < t->nconts; i++)
            if (t->conts[i].label && t->conts[i].label >= at && (!next || t->conts[i].label < next->label))
                next = &t->conts[i];
        fprintf(log, "  -- exits and slow paths\n");
        log_host_code(log, &l, t, at, next ? next->label : end);
        if (!next)
            break;
        fprintf(log, "  -- continuation at 0x%016llx (%d guest instructions, from a side exit; "
                     "back to 0x%016llx)\n", (unsigned long long)(vpc + (uint64_t)next->start),
                next->n, (unsigned long long)(vpc + (uint64_t)next->end));
        log_host_code(log, &l, t, next->label, next->code_end);
        at = next->code_end;
    }
    if (t->cold && t->cold->p > t->cold->start) {
        fprintf(log, "  -- slow paths, out of line\n");
        log_host_code(log, &l, t, t->cold->start, t->cold->p);
    }
    listing_free(&l);
}

/* -- Loop blocks ------------------------------------------------------------------
 * A block that branches back to its own start, uses at most NCACHE guest
 * registers and calls no helper on its main path is compiled as a loop:
 * its registers are loaded once, before a loop head, and the back-edge
 * jumps to the head after the exit check instead of leaving the block.
 * Every register counts as dirty from the head on (an exit cannot know
 * which ones an earlier iteration wrote), so exits store them all. */

static bool loop_safe(enum op op)
{
    return (op >= OP_LUI && op <= OP_SRAW && op != OP_JALR && op != OP_FENCE_I &&
            op != OP_ECALL && op != OP_EBREAK) ||
           (op >= OP_MUL && op <= OP_REMUW);
}

/* The guest registers of the block at `guest` if it is a loop block, else 0. */
static uint32_t scan_loop(const uint8_t *guest, uint32_t page_left)
{
    uint32_t regs = 0, off = 0;
    for (int n = 0; n < MAX_BLOCK_INSNS; n++) {
        if (off + 2 > page_left || (off + 4 > page_left && (guest[off] & 3) == 3))
            return 0;
        struct insn in;
        cpu_decode(cpu_insn_bits(guest + off), &in);
        enum op op = (enum op)in.op;
        if (!loop_safe(op))
            return 0;
        regs |= 1u << in.rd | 1u << in.rs1 | 1u << in.rs2;
        bool forward_branch = op >= OP_BEQ && op <= OP_BGEU && in.imm > 0;
        if (cpu_ends_block(op) && !forward_branch) {
            bool back = (int64_t)off + in.imm == 0 && op != OP_JALR;
            regs &= ~1u;
            return back && __builtin_popcount(regs) <= NCACHE ? regs : 0;
        }
        off += in.len;
    }
    return 0;
}

/* The translator's state, kept from one translation to the next: its stub
 * and instruction arrays are large, and only what is above them is
 * cleared. */
static struct tr *tr_begin(struct jit *j, struct jit_block *blk, struct x64_buf *b)
{
    static struct tr *t;
    if (!t && !(t = malloc(sizeof *t)))
        return NULL;
    memset(t, 0, offsetof(struct tr, conts));
    t->j = j;
    t->blk = blk;
    t->b = t->hot = b;
    t->cold = j->cold;
    t->flags = blk->flags;
    t->stats = j->m->stats;
    t->pa_base = blk->pa;
    t->page_pa = blk->pa & ~0xfffULL;
    t->pos = -1;
    rc_init(&t->rc);
    fc_init(&t->fc);
    fc_init(&t->head_fc);
    return t;
}

/* prologue:  cmp r13, [insn_limit] ; jae exit_budget
 * and for a candidate trace head (blk->counted) the countdown:
 *     mov rax, &blk->hot ; sub dword [rax], 1 ; jz hot (out of line) */
static void emit_prologue(struct tr *t)
{
    struct x64_buf *b = t->b;
    x64_alu_rm(b, true, ALU_CMP, R13, HART(insn_limit));
    x64_jcc_to(b, CC_AE, t->j->exit_budget);
    if (t->blk->counted) {
        x64_mov_ri(b, RAX, (uint64_t)(uintptr_t)&t->blk->hot);
        x64_alu_mi(b, false, ALU_SUB, x64_at(RAX, 0), 1);
        new_stub(t, STUB_HOT, x64_jcc_rel32(b, CC_E));
    }
    trace_count(t, offsetof(struct trace_stats, entries), 1);
}

/* A loop: load `regs` once, before the loop head, as the back-edge will
 * find them; every one the loop writes counts as dirty from the head on
 * (an exit cannot know which ones an earlier iteration wrote), so exits
 * store them all. */
static void emit_loop_head(struct tr *t, uint32_t regs, uint32_t written)
{
    for (unsigned r = 1; r < 32; r++)
        if (regs & (1u << r))
            reg_src(t, r);
    t->rc.dirty = regs & written;
    t->head_rc = t->rc;
    t->loop_head = t->b->p;
}

/* Translate instruction n of a block, at t->off: true when it ends the
 * block. */
static bool block_insn(struct tr *t, int n, struct insn *in)
{
    t->in = in;
    t->insn_start[n] = t->b->p;
    t->insn_raw[n] = in->raw;
    t->insn_off[n] = t->off;
    bool ended = jit_insn(t);
    t->off += in->len;
    t->idx++;
    return ended;
}

bool jit_translate(struct jit *j, struct jit_block *blk, const uint8_t *guest,
                   uint64_t vpc, struct x64_buf *b)
{
    struct tr *t = tr_begin(j, blk, b);
    if (!t)
        return false;
    emit_prologue(t);
    uint32_t page_left = 4096 - (uint32_t)(blk->pa & 0xfff);
    /* A loop block stays one even at a candidate trace head: its countdown
     * then counts entries, not iterations, and it becomes a trace only if
     * entered often (measured: making such heads plain blocks until their
     * trace formed cost awk and bash 20-40%). */
    uint32_t loop_regs = j->max_insns ? 0 : scan_loop(guest, page_left);
    if (loop_regs)
        emit_loop_head(t, loop_regs, loop_regs);
    t->insn_start[0] = b->p;
    bool ended = false;
    int n = 0;
    while (!ended) {
        bool wide = (guest[t->off] & 3) == 3;
        if (n == MAX_BLOCK_INSNS || (j->max_insns && n == j->max_insns) ||
            t->nstubs > MAX_STUBS - 8 || (size_t)(b->end - b->p) < ROOM_PER_INSN * 2 ||
            t->off + (wide ? 4 : 2) > page_left) {
            emit_exit_to(t, t->s, &t->rc, t->off, t->idx); /* the next block goes on */
            break;
        }
        struct insn in;
        cpu_decode(cpu_insn_bits(guest + t->off), &in);
        ended = block_insn(t, n++, &in);
        if (!ended && t->off >= page_left) { /* the page ends: so does the block */
            emit_exit_to(t, t->s, &t->rc, t->off, t->idx);
            ended = true;
        }
    }
    t->insn_start[n] = b->p;
    t->in = NULL;
    emit_stubs(t);
    blk->ninsns = (uint16_t)n;
    blk->guest_bytes = (uint16_t)t->off;
    if ((j->m->log & LOG_OUT_ASM) && fitted(t) && log_wants_pc(j->m, vpc))
        log_out_asm(t, vpc, n);
    return fitted(t);
}

/* -- Traces -----------------------------------------------------------------------
 * A trace (trace.c) is a recorded path: instructions with their offsets
 * from the head's virtual pc, which need not be contiguous.  It is
 * translated by the same emitters as a block, one instruction after the
 * other, with these differences:
 *   - branches and jumps do not end it: the recorded direction is the
 *     fall-through, the other one a side exit (jit_branch); an indirect
 *     jump compares its target with the recorded one (jit_jalr);
 *   - entering a virtual page the trace has not checked yet costs a guard:
 *     the page must still map to the physical page it was recorded on
 *     (probing the fetch TLB as jit.c's lookup would), else the trace
 *     side-exits there and the ordinary lookup takes over.  Within one run
 *     of a trace nothing can change the mapping: instructions that could
 *     (CSRs, sfence.vma, traps) are never in a trace; so the loop of a loop
 *     trace, entered only through its first iteration, checks no page;
 *   - a loop trace whose registers fit keeps them in host registers from
 *     one iteration to the next (loop_regs), and one whose registers do
 *     not fit keeps up to five of them (loop_regs_kept); the back-edge gives the hart
 *     what the loop head does not keep (emit_reconcile) and checks the
 *     budget, where interrupts are taken; and its side exits may go on in
 *     continuations, code planned from the guest page back to the head
 *     ("Continuations").
 * Guest registers stay in host registers across the whole path: block
 * boundaries cost nothing.  When the six host registers are not enough,
 * the one given up is the one the path reads again last (victim_slot). */

/* The trace's virtual page that offset `off` lies in, counted from the
 * head's page (the head's page offset is that of its physical pc). */
static int64_t vpage_of(const struct jit_block *blk, int64_t off)
{
    return ((int64_t)(blk->pa & 0xfff) + off) >> 12;
}

/* Does the guest code at offset `off` still come from physical address pa?
 *     lea rsi, [r12 + off - pc_off]           ; its virtual pc
 *     mov rcx, [ctlb] ; <TLB lookup, tag_exec> ; jne unmapped   ; not mapped for fetch (now)
 *     add rsi, [rax + addend] ; mov rcx, host(pa) ; cmp rsi, rcx ; jne moved
 * Returns the two jne's rel32 fields. */
static void emit_fetch_check(struct tr *t, int64_t off, uint64_t pa, uint8_t **unmapped,
                             uint8_t **moved)
{
    struct x64_buf *b = t->b;
    const uint8_t *host = mmu_ram_ptr(t->j->m, pa, 1);
    x64_lea(b, true, RSI, x64_at(R12, (int32_t)(off - t->s.pc_off)));
    x64_mov_rm(b, true, RCX, HART(ctlb));
    struct x64_mem entry;
    *unmapped = emit_tlb_lookup(t, RCX, ~0xfff, offsetof(struct tlb_entry, tag_exec), &entry);
    x64_alu_rm(b, true, ALU_ADD, RSI, entry_field(entry, offsetof(struct tlb_entry, addend)));
    x64_mov_ri(b, RCX, (uint64_t)(uintptr_t)host);
    x64_alu_rr(b, true, ALU_CMP, RSI, RCX);
    *moved = x64_jcc_rel32(b, CC_NE);
}

/* A trace's page guard before instruction `off` (physical pc pa): the
 * fetch check, leaving for the ordinary lookup if it fails. */
static void emit_page_guard(struct tr *t, int64_t off, uint64_t pa)
{
    uint8_t *miss, *other;
    emit_fetch_check(t, off, pa, &miss, &other);
    struct stub *unmapped = new_stub(t, STUB_SIDE_EXIT, miss);
    struct stub *moved = new_stub(t, STUB_SIDE_EXIT, other);
    /* leave before the instruction: no link, the page is not known */
    unmapped->target = moved->target = off;
    unmapped->count = moved->count = t->idx;
    unmapped->page_pa = moved->page_pa = ~0ULL;
}

/* A straddler (jit.c): the one instruction, whose bits are `raw`, after a
 * check that its upper half still comes from blk->pa2:
 *     <prologue> ; <fetch check of pc + 2 against pa2: jne step>
 *     <the instruction> ; <exit to pc + 4>
 *     step: jmp exit_step       ; nothing run: the interpreter runs it
 * Its exits to pc + 4 go through the jump cache (another page); a branch
 * back into the first page links as any block's. */
bool jit_translate_straddler(struct jit *j, struct jit_block *blk, uint32_t raw, uint64_t vpc,
                             struct x64_buf *b)
{
    struct tr *t = tr_begin(j, blk, b);
    if (!t)
        return false;
    emit_prologue(t);
    uint8_t *unmapped, *moved;
    emit_fetch_check(t, 2, blk->pa2, &unmapped, &moved);
    struct insn in;
    cpu_decode(raw, &in);
    if (!block_insn(t, 0, &in))
        emit_exit_to(t, t->s, &t->rc, t->off, t->idx);
    t->insn_start[1] = b->p;
    t->in = NULL;
    x64_patch_rel32(unmapped, x64_here(b));
    x64_patch_rel32(moved, x64_here(b));
    x64_jmp_to(b, j->exit_step);
    emit_stubs(t);
    blk->ninsns = 1;
    blk->guest_bytes = 0; /* not one run of bytes: see jit_straddler_bits */
    if ((j->m->log & LOG_OUT_ASM) && fitted(t) && log_wants_pc(j->m, vpc))
        log_out_asm(t, vpc, 1);
    return fitted(t);
}

/* Does an FP instruction write an integer register (its rd)? */
static bool fp_writes_x(enum op op)
{
    switch (op) {
    case OP_FCVT_W_S: case OP_FCVT_WU_S: case OP_FCVT_L_S: case OP_FCVT_LU_S:
    case OP_FMV_X_W: case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: case OP_FCLASS_S:
    case OP_FCVT_W_D: case OP_FCVT_WU_D: case OP_FCVT_L_D: case OP_FCVT_LU_D:
    case OP_FMV_X_D: case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D: case OP_FCLASS_D:
        return true;
    default:
        return false;
    }
}

/* The integer register an instruction writes, or 0. */
static unsigned int_dest_of(const struct insn *in)
{
    enum op op = (enum op)in->op;
    return !is_fp_op(op) || fp_writes_x(op) ? in->rd : 0;
}

/* The integer registers an instruction names (FP instructions name f
 * registers in the same fields: only some of theirs are integer). */
static uint32_t int_regs_of(const struct insn *in)
{
    enum op op = (enum op)in->op;
    if (!is_fp_op(op))
        return 1u << in->rd | 1u << in->rs1 | 1u << in->rs2;
    if (fp_writes_x(op))
        return 1u << in->rd;
    switch (op) {
    case OP_FLW: case OP_FSW: case OP_FLD: case OP_FSD:
    case OP_FCVT_S_W: case OP_FCVT_S_WU: case OP_FCVT_S_L: case OP_FCVT_S_LU: case OP_FMV_W_X:
    case OP_FCVT_D_W: case OP_FCVT_D_WU: case OP_FCVT_D_L: case OP_FCVT_D_LU: case OP_FMV_D_X:
        return 1u << in->rs1;
    default:
        return 0;
    }
}

/* The registers a loop trace keeps in host registers across iterations:
 * all it names, when they fit (then nothing is ever evicted); else 0, and
 * loop_regs_kept chooses some. */
static uint32_t loop_regs(const struct trace_info *ti)
{
    uint32_t regs = 0;
    for (int i = 0; i < ti->n; i++) {
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        regs |= int_regs_of(&in);
    }
    regs &= ~1u;
    return __builtin_popcount(regs) <= NCACHE ? regs : 0;
}

/* A loop that names more registers than fit keeps up to NCACHE - 1 of
 * them in host registers across iterations; the last slot takes the
 * others in turn, as in a block.  First kept are those an iteration reads
 * and then writes (a2 in gzip's longest_match, which walks a hash chain:
 * a2 = prev[a2 & mask]): left in the hart, each would be stored at the
 * back-edge and loaded again at the head, and the next iteration would
 * wait on store forwarding.  Then those it only reads, the most read
 * first.  Never those it writes before reading: their values die in the
 * iteration, so a host register kept for them would only be reloaded at
 * the back-edge.  Keeping none, gzip -9's hottest loop (11 registers)
 * stored five and loaded eight every iteration. */
static uint32_t loop_regs_kept(const struct tr *t)
{
    int score[32] = {0};
    uint32_t written = 0, carried = 0, read = 0;
    for (int i = 0; i < t->ti->n; i++) {
        const struct insn_uses *u = &t->uses[i];
        carried |= u->xr & ~written; /* read before this iteration writes it */
        read |= u->xr;
        written |= u->xw;
        for (unsigned r = 1; r < 32; r++)
            score[r] += !!(u->xr & (1u << r)) + !!(u->xw & (1u << r));
    }
    carried &= written;
    uint32_t kept = 0, wanted = carried | (read & ~written);
    for (int k = 0; k < NCACHE - 1; k++) {
        int best = 0, best_score = 0;
        for (unsigned r = 1; r < 32; r++) {
            int sc = score[r] + ((carried >> r) & 1 ? 1000 : 0);
            if ((wanted & ~kept & (1u << r)) && sc > best_score)
                best = (int)r, best_score = sc;
        }
        if (!best)
            break;
        kept |= 1u << best;
    }
    return kept;
}

/* Into a loop that keeps only `kept`: the first iteration's other
 * registers go back to the hart, and their slots are free. */
static void keep_only(struct tr *t, uint32_t kept)
{
    for (int i = 0; i < NCACHE; i++)
        if (!(kept & (1u << t->rc.guest_of[i])))
            rc_evict(t, i);
}

/* Does op, in a trace, leave the NaN of its result unfixed? */
static bool leaves_nan_unfixed(enum op op)
{
    switch (op) {
    case OP_FADD_D: case OP_FSUB_D: case OP_FMUL_D: case OP_FDIV_D: case OP_FSQRT_D:
        return true;
    default:
        return false;
    }
}

/* A loop trace's FP registers, the NFCACHE most named if more: load copies
 * before the loop head (see "FP registers in traces"). */
static void emit_loop_fp_head(struct tr *t, const struct trace_info *ti)
{
    int uses[32] = {0};
    for (int i = 0; i < ti->n; i++) {
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        enum op op = (enum op)in.op;
        if (!is_fp_op(op))
            continue;
        if (op == OP_FLD || op == OP_FLW)
            uses[in.rd]++;
        else if (op == OP_FSD || op == OP_FSW)
            uses[in.rs2]++;
        else
            uses[in.rd]++, uses[in.rs1]++, uses[in.rs2]++, uses[in.rs3]++;
    }
    uint32_t chosen = 0;
    for (int k = 0; k < NFCACHE; k++) {
        int best = -1;
        for (int r = 0; r < 32; r++)
            if (uses[r] && (best < 0 || uses[r] > uses[best]))
                best = r;
        if (best < 0)
            break;
        uses[best] = 0;
        bool present = t->fc.slot_of[best] >= 0; /* the peeled iteration's copy */
        int xmm = fc_slot(t, (unsigned)best);
        if (!present)
            x64_movsd_rm(t->b, xmm, FREG(best));
        chosen |= 1u << best;
    }
    uint32_t written = 0;
    for (unsigned r = 0; r < 32; r++) { /* the loop keeps only its own */
        if (!(chosen & (1u << r))) {
            fc_sync(t, r);
            fc_forget(t, r);
        }
    }
    uint32_t unfixed = 0; /* last written by instructions that leave NaNs unfixed */
    for (int i = 0; i < ti->n; i++) {
        written |= t->uses[i].fw;
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        unfixed &= ~t->uses[i].fw;
        if (leaves_nan_unfixed((enum op)in.op))
            unfixed |= 1u << in.rd;
    }
    /* from the head on, an exit cannot know which ones an iteration wrote;
     * nor whether a NaN is fixed, but a register the path last writes by
     * such an instruction holds its result (a fix of it is harmless), on
     * the way in from the first iteration and at the back-edge.
     * (loop_unfixed_only_own then leaves out those a continuation writes.) */
    t->fc.dirty |= chosen & written;
    t->fc.unfixed |= chosen & unfixed;
    t->head_fc = t->fc;
}

/* The loop head may hold unfixed NaNs only in registers that arrive there
 * holding a result of such an instruction: a continuation that wrote one
 * otherwise (fld, say) would come back to the head with bits a fix must
 * not touch, so the head leaves those out.  (Continuations take no FP
 * instructions today, loop_safe; this keeps the rule if they do.) */
static struct insn_uses uses_of(const struct insn *in);

static void loop_unfixed_only_own(struct tr *t)
{
    uint32_t cont_writes = 0;
    for (int c = 0; c < t->nconts; c++) {
        for (int k = 0; k < t->conts[c].n; k++) {
            struct insn in;
            cpu_decode(t->conts[c].insn[k].raw, &in);
            cont_writes |= uses_of(&in).fw;
        }
    }
    t->fc.unfixed &= ~cont_writes;
    t->head_fc.unfixed &= ~cont_writes;
}

/* A peeled first iteration came back to the head: unless the budget is
 * spent, the code falls into the loop below, registers where they are.
 *     add r13, n ; add r12, -pc_off
 *     cmp r13, [insn_limit] ; jb go_on ; <flush> ; jmp exit_budget
 *     go_on: */
static void emit_peel_end(struct tr *t)
{
    t->peel_end = t->b->p;
    emit_iteration_end(t, &t->s, t->idx);
    uint8_t *go_on = x64_jcc_rel32(t->b, CC_B);
    emit_budget_exit(t, &t->rc, &t->fc);
    x64_patch_rel32(go_on, x64_here(t->b));
}

/* Translate the recorded path once, from the entry or from the loop head:
 * returns how many instructions (fewer than ti->n when cut short or ended
 * by an instruction that ends blocks). */
static int emit_trace_path(struct tr *t)
{
    const struct trace_info *ti = t->ti;
    struct x64_buf *b = t->b;
    int64_t checked[TRACE_MAX_PAGES + 1] = {vpage_of(t->blk, 0)};
    int nchecked = 1, stubs0 = t->nstubs;
    int n = 0;
    /* the peeled iteration's windows are not the loop's */
    memset(t->win_base, 0, sizeof t->win_base);
    for (int i = 0; i < ti->n; i++)
        t->win[i].member = false;
    for (; n < ti->n; n++) {
        const struct trace_insn *ri = &ti->insn[n];
        if (t->nstubs - stubs0 > MAX_STUBS / 2 - 8 || (size_t)(b->end - b->p) < ROOM_PER_INSN * 2 ||
            (t->j->max_insns && n == t->j->max_insns))
            break;
        t->off = ri->delta;
        t->in = NULL; /* the guard below belongs to no instruction yet */
        t->insn_start[t->nlog] = b->p;
        int64_t vpage = vpage_of(t->blk, ri->delta);
        /* the loop is entered only by finishing the peeled iteration, which
         * checked every page of the path, and nothing in a run of a trace
         * changes a mapping: the loop checks none */
        bool known = t->loop_head != NULL;
        for (int k = 0; k < nchecked; k++)
            known |= checked[k] == vpage;
        if (!known) {
            emit_page_guard(t, ri->delta, ri->pa);
            if (nchecked <= TRACE_MAX_PAGES)
                checked[nchecked++] = vpage;
        }
        t->pa_base = ri->pa - (uint64_t)ri->delta;
        t->page_pa = ri->pa & ~0xfffULL;
        t->next_off = trace_next_delta(ti, n);
        struct insn in;
        cpu_decode(ri->raw, &in);
        t->in = &in;
        t->insn_raw[t->nlog] = in.raw;
        t->insn_off[t->nlog++] = ri->delta;
        t->pos = n;
        if (!t->wraps)
            mark_labels(t, n);
        bool ends = jit_insn(t);
        t->pos = -1;
        if (ends) { /* the recorder leaves out what ends blocks */
            n++;
            break;
        }
        t->idx++;
        if (n + 1 < ti->n)
            continue;
        if (t->peeling) /* around the loop, for the first time */
            emit_peel_end(t);
        else /* the path goes on: around the loop, or out */
            emit_exit_to(t, t->s, &t->rc, ti->end_delta, t->idx);
    }
    if (n < ti->n && n > 0 && t->idx == (uint32_t)n) /* cut short: go on in blocks */
        emit_exit_to(t, t->s, &t->rc, ti->insn[n].delta, t->idx);
    t->in = NULL;
    return n;
}

/* The registers an instruction reads and writes, for victim_slot (an
 * over-estimate of the reads only keeps a register a little longer). */
static struct insn_uses uses_of(const struct insn *in)
{
    enum op op = (enum op)in->op;
    struct insn_uses u = {0};
    u.xw = 1u << int_dest_of(in);
    if (op == OP_FLD || op == OP_FLW) {
        u.fw = 1u << in->rd;
    } else if (op == OP_FSD || op == OP_FSW) {
        u.fr = 1u << in->rs2;
    } else if (is_fp_op(op) && !fp_writes_x(op) && int_regs_of(in) == 1u << in->rs1) {
        u.fw = 1u << in->rd; /* from an integer register */
    } else if (is_fp_op(op)) {
        u.fr = 1u << in->rs1 | 1u << in->rs2 | 1u << in->rs3;
        if (!fp_writes_x(op))
            u.fw = 1u << in->rd;
    }
    if (is_fp_op(op))
        u.xr = int_regs_of(in) & ~u.xw;
    else if (op == OP_LUI || op == OP_AUIPC || op == OP_JAL)
        u.xr = 0;
    else if (op == OP_JALR || (op >= OP_LB && op <= OP_LWU) || (op >= OP_ADDI && op <= OP_SRAI) ||
             (op >= OP_ADDIW && op <= OP_SRAIW))
        u.xr = 1u << in->rs1;
    else
        u.xr = 1u << in->rs1 | 1u << in->rs2;
    u.xr &= ~1u;
    u.xw &= ~1u;
    return u;
}

/* The integer registers a loop trace writes: the others never need
 * storing. */
static uint32_t written_regs(const struct tr *t)
{
    uint32_t regs = 0;
    for (int i = 0; i < t->ti->n; i++)
        regs |= t->uses[i].xw;
    return regs;
}

/* A loop trace is translated twice (loop peeling).  The first copy runs
 * the first iteration the way a trace that is no loop does: registers are
 * loaded when first used and exits store only those written.  When it
 * comes back to the head, the registers stay where it left them: the
 * second copy, the loop, loads only those it keeps and the first iteration
 * did not use, and runs the rest of the iterations with them in place.
 * Many loops are entered for less than one iteration (the kernel's
 * mpihelp_addmul_1 leaves in its first on 93% of 2.4 million entries in a
 * boot); without peeling each such entry loaded all the loop's registers
 * and each exit stored them all.  In the loop copy mstatus.FS is known
 * dirty if the first iteration made it so: the loop is entered only
 * through that iteration (emit_stubs). */
bool jit_translate_trace(struct jit *j, struct jit_block *blk, struct x64_buf *b)
{
    const struct trace_info *ti = blk->trace;
    struct tr *t = tr_begin(j, blk, b);
    if (!t)
        return false;
    t->ti = ti;
    t->fc_on = true;
    bool loop = ti->loop && !j->max_insns;
    t->wraps = loop;
    for (int i = 0; i < ti->n; i++) {
        struct insn in;
        cpu_decode(ti->insn[i].raw, &in);
        t->uses[i] = uses_of(&in);
    }
    if (loop) {
        t->lslots_on = true;
        t->loaded = pointer_regs(ti);
        t->computed = computed_regs(ti);
    } else {
        plan_joins(t);
    }
    emit_prologue(t);
    t->peeling = loop;
    int n = emit_trace_path(t);
    if (loop && n == ti->n) {
        t->peeling = false;
        t->loop_log = t->nlog;
        uint32_t regs = loop_regs(ti);
        bool all = regs != 0;
        if (!all) { /* too many: keep some, where the first iteration left them */
            regs = loop_regs_kept(t);
            keep_only(t, regs);
            t->pinned = regs;
        } /* else the loop keeps them all where the first iteration left them */
        t->s = (struct sync){0, 0};
        t->idx = 0;
        t->known_const = t->known_pcrel = 0;
        t->pslot_base = 0;
        emit_loop_fp_head(t, ti);
        uint32_t written = written_regs(t);
        uint32_t grown = regs; /* and the continuations' */
        plan_conts(t, ti, &grown, &written, all);
        loop_unfixed_only_own(t);
        if (all) /* else the loop head loads only those it keeps */
            regs = grown;
        emit_loop_head(t, regs, written);
        if (emit_trace_path(t) != n)
            return false; /* cannot happen: the second copy has the same room */
    }
    t->insn_start[t->nlog] = b->p;
    emit_stubs(t);
    blk->ninsns = (uint16_t)n;
    blk->guest_bytes = 0;
    j->stats.translated_insns += (uint64_t)n;
    if ((j->m->log & LOG_OUT_ASM) && fitted(t) && log_wants_pc(j->m, ti->head_vpc))
        log_out_asm(t, ti->head_vpc, t->nlog);
    return fitted(t) && n > 0;
}

/* -- Trampolines ---------------------------------------------------------------- */

void jit_emit_trampolines(struct jit *j, struct x64_buf *b)
{
    static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
#define HERE() (x64_here(b) + b->exec_delta)

    /* int enter(struct hart *h, const uint8_t *code):
     *     push rbx ... r15 ; sub rsp, 8 (keep 16-byte alignment for helpers)
     *     lea rbx, [rdi + JIT_HART_BIAS]
     *     mov r12, [pc] ; mov r13, [instret] ; mov r14, [dtlb] ; jmp rsi */
    j->enter = HERE();
    for (int i = 0; i < 6; i++)
        x64_push_r(b, saved[i]);
    x64_alu_ri(b, true, ALU_SUB, RSP, 8);
    x64_lea(b, true, RBX, x64_at(RDI, JIT_HART_BIAS));
    x64_mov_rm(b, true, R12, HART(pc));
    x64_mov_rm(b, true, R13, HART(instret));
    x64_mov_rm(b, true, R14, HART(dtlb));
    x64_jmp_r(b, RSI);

    /* epilogue:  mov [pc], r12 ; mov [instret], r13 ; add rsp, 8 ;
     *            pop r15 ... rbx ; ret   (eax = exit code) */
    j->epilogue = HERE();
    x64_mov_mr(b, true, HART(pc), R12);
    x64_mov_mr(b, true, HART(instret), R13);
    x64_alu_ri(b, true, ALU_ADD, RSP, 8);
    for (int i = 5; i >= 0; i--)
        x64_pop_r(b, saved[i]);
    x64_ret(b);

    j->exit_lookup = HERE();
    x64_mov_ri(b, RAX, JIT_EXIT_LOOKUP);
    x64_jmp_to(b, j->epilogue);
    j->exit_budget = HERE();
    x64_mov_ri(b, RAX, JIT_EXIT_BUDGET);
    x64_jmp_to(b, j->epilogue);
    j->exit_trap = HERE();
    x64_mov_ri(b, RAX, JIT_EXIT_TRAP);
    x64_jmp_to(b, j->epilogue);
    j->exit_hot = HERE();
    x64_mov_ri(b, RAX, JIT_EXIT_HOT);
    x64_jmp_to(b, j->epilogue);
    j->exit_step = HERE();
    x64_mov_ri(b, RAX, JIT_EXIT_STEP);
    x64_jmp_to(b, j->epilogue);

    j->probe_second = HERE();
    emit_probe_second(j, b);
#undef HERE
}
