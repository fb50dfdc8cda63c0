/* cpu.c — the hart: CSRs, traps and interrupts, and the reference
 * interpreter.
 *
 * dbt.c's run loop calls cpu_run() for a slice of instructions per hart.
 * cpu_run fetches (TLB probe inline, mmu.c on a miss), decodes through a
 * small cache keyed by the instruction bits (decode.c does the decoding),
 * and executes one struct insn at a time in exec().  Everything a later JIT
 * must agree with lives here: it is the reference.
 *
 * A fault inside an instruction is a return value, never a longjmp: the
 * helper sets h->trap_cause / h->trap_tval and returns false, exec() returns
 * false, and the loop delivers the trap with cpu_trap() — so no architectural
 * state of the faulting instruction has been written.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dbt.h"
#include "disas.h"
#include "fpu.h"
#include "jit.h"
#include "mmu.h"
#include "sbi.h"
#include "syscall_log.h"

/* misa: MXL = 2 (64-bit) and the letters I M A F D C S U. */
#define MISA_VALUE                                                             \
    ((2ULL << 62) | (1 << ('I' - 'A')) | (1 << ('M' - 'A')) |                  \
     (1 << ('A' - 'A')) | (1 << ('F' - 'A')) | (1 << ('D' - 'A')) |            \
     (1 << ('C' - 'A')) | (1 << ('S' - 'A')) | (1 << ('U' - 'A')))

/* Exceptions that medeleg can delegate: all but ecall-from-M (11) and the
 * reserved codes 10 and 14. */
#define MEDELEG_MASK 0xb3ffULL

#define MSTATUS_WRITABLE                                                       \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |   \
     MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |     \
     MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_WRITABLE                                                       \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM |      \
     MSTATUS_MXR)

/* -- Decode cache ----------------------------------------------------------
 * Keyed by the instruction bits themselves, not by address, so it never
 * needs invalidating: self-modifying code simply fetches other bits. */
#define DCACHE_BITS 12
struct decode_cache {
    struct insn entry[1 << DCACHE_BITS];
};

static struct decode_cache *dcache_new(void)
{
    struct decode_cache *c = malloc(sizeof *c);
    if (!c) {
        fprintf(stderr, "dbt: out of memory\n");
        exit(2);
    }
    /* raw 0 is the defined-illegal 16-bit word, so this is a valid entry. */
    for (size_t i = 0; i < sizeof c->entry / sizeof c->entry[0]; i++)
        cpu_decode(0, &c->entry[i]);
    return c;
}

static const struct insn *dcache_lookup(struct decode_cache *c, uint32_t bits)
{
    uint32_t key = (bits & 3) == 3 ? bits : (bits & 0xffff);
    struct insn *in = &c->entry[(key * 0x9E3779B1u) >> (32 - DCACHE_BITS)];
    if (in->raw != key)
        cpu_decode(key, in);
    return in;
}

/* -- Reset ------------------------------------------------------------------- */

void cpu_reset(struct hart *h, struct machine *m, uint64_t hartid, uint64_t pc)
{
    struct decode_cache *dc = h->dcache;
    struct jit_cache_entry *jcache = h->jcache;
    uint8_t jcache_gen = h->jcache_gen, jcache_ggen = h->jcache_ggen;
    memset(h, 0, offsetof(struct hart, tlb));
    h->jcache_gen = jcache_gen; /* generations go on: old tags never match */
    h->jcache_ggen = jcache_ggen;
    h->dcache = dc ? dc : dcache_new();
    h->jcache = jcache;
    h->m = m;
    h->hartid = hartid;
    h->pc = pc;
    h->priv = PRIV_M;
    h->misa = MISA_VALUE;
    h->mstatus = (2ULL << 32) | (2ULL << 34); /* UXL = SXL = 64-bit */
    cpu_request_interrupt_check(h);
    memset(h->tlb, 0xff, sizeof h->tlb);
    h->jit_lslots_filled = 1; /* zeroed above: page 0 would match */
    mmu_lslots_clear(h);
    cpu_update_mmu_ctx(h);
    if (h->jcache) /* a restarted hart (SBI HSM): its old entries are void */
        jit_jcache_clear(h);
}

/* S and U use contexts 1..8 with satp Bare too: PMP may grant them less
 * than M-mode, so they cannot share context 0 with it (see cpu.h). */
void cpu_update_mmu_ctx(struct hart *h)
{
    int eff = h->priv;
    if (eff == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        eff = (int)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);

    h->code_ctx = h->priv == PRIV_M ? TLB_CTX_BARE : 1 + (h->priv == PRIV_S);
    if (eff == PRIV_M) {
        h->data_ctx = TLB_CTX_BARE;
    } else {
        bool sum = eff == PRIV_S && (h->mstatus & MSTATUS_SUM);
        bool mxr = h->mstatus & MSTATUS_MXR;
        h->data_ctx = (uint8_t)(1 + (eff == PRIV_S) + 2 * sum + 4 * mxr);
    }
    if (h->dtlb != h->tlb[h->data_ctx])
        mmu_lslots_clear(h);
    h->dtlb = h->tlb[h->data_ctx];
    h->ctlb = h->tlb[h->code_ctx];
    uint64_t flags = (uint64_t)cpu_code_flags(h) << 56;
    uint64_t local = flags | (uint64_t)h->jcache_gen << 48;
    uint64_t global = 1ULL << 60 | flags | (uint64_t)h->jcache_ggen << 48;
    /* Probes try jcache_xor first: S-mode (Linux) code is on global pages. */
    h->jcache_xor = h->priv == PRIV_S ? global : local;
    h->jcache_xor2 = h->priv == PRIV_S ? local : global;
}

/* Generated code bakes in the privilege (2 bits), whether FP is enabled
 * (bit 2: FP instructions are translated, not illegal) and whether the
 * dynamic rounding mode is round-to-nearest-even (bit 3: the host FPU can
 * do dynamic-rounding ops inline).  Anything that changes one of these
 * calls cpu_update_mmu_ctx, which recomputes jcache_xor. */
unsigned cpu_code_flags(const struct hart *h)
{
    return (unsigned)h->priv | ((h->mstatus & MSTATUS_FS) ? 4u : 0u) |
           (h->frm == 0 ? 8u : 0u);
}

static int interrupt_to_take(struct hart *h);

/* Something that decides which interrupts are taken changed: a CSR, a
 * trap, a device's line.  Only if one is to be taken now does the hart
 * need to leave generated code (the kick) for the run loop to take it.
 * Linux writes sstatus in every local_irq_save and restore, and each kick
 * was a return to C: 5 million of them in a boot and 2000 fork+exec, where
 * now one is rare.  An interrupt that arrives later with nothing written
 * (a timer passing) is the run loop's to see at the next slice, as before. */
void cpu_request_interrupt_check(struct hart *h)
{
    h->interrupt_check = true;
    if (interrupt_to_take(h) >= 0)
        cpu_kick(h);
}

/* -- Interrupts -------------------------------------------------------------- */

static bool sstc_enabled(const struct hart *h)
{
    return h->menvcfg & MENVCFG_STCE;
}

uint64_t cpu_read_mip(struct hart *h)
{
    uint64_t mip = h->mip | h->irq_lines;
    if (sstc_enabled(h)) {
        mip &= ~MIP_STIP;
        if (machine_time(h->m) >= h->stimecmp)
            mip |= MIP_STIP;
    }
    return mip;
}

uint64_t cpu_pending_irqs(struct hart *h)
{
    return cpu_read_mip(h) & h->mie;
}

void cpu_set_irq_line(struct hart *h, uint64_t mask, bool level)
{
    uint64_t old = h->irq_lines;
    h->irq_lines = level ? old | mask : old & ~mask;
    if (h->irq_lines != old)
        cpu_request_interrupt_check(h);
}

/* Interrupt priority order of the privileged spec (3.1.9). */
static const int irq_priority[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI,
                                   IRQ_SEI, IRQ_SSI, IRQ_STI};

/* The interrupt to take now, or -1.  M-level interrupts are enabled below M
 * always and in M with MIE; delegated ones below S always and in S with SIE. */
static int interrupt_to_take(struct hart *h)
{
    bool m_on = h->priv < PRIV_M || (h->mstatus & MSTATUS_MIE);
    bool s_on = h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_SIE));
    uint64_t takeable = h->mie & ((m_on ? ~h->mideleg : 0) | (s_on ? h->mideleg : 0));
    if (!takeable)
        return -1; /* Linux's local_irq_save: no clock read */
    /* Only read the clock when the Sstc timer could matter. */
    uint64_t enabled = (h->mip | h->irq_lines) & takeable;
    if (sstc_enabled(h) && (takeable & MIP_STIP))
        enabled = cpu_read_mip(h) & takeable;
    if (!enabled)
        return -1;
    for (size_t i = 0; i < sizeof irq_priority / sizeof irq_priority[0]; i++)
        if (enabled & (1ULL << irq_priority[i]))
            return irq_priority[i];
    return -1;
}

/* -- Traps ------------------------------------------------------------------- */

static const char *priv_name(int priv)
{
    return priv == PRIV_M ? "M" : priv == PRIV_S ? "S" : "U";
}

static void log_trap(struct hart *h, uint64_t cause, uint64_t tval, int to)
{
    struct machine *m = h->m;
    bool irq = cause & CAUSE_INTERRUPT;
    fprintf(m->logf,
            "int: hart %llu %s %llu at pc 0x%llx tval 0x%llx, %s -> %s\n",
            (unsigned long long)h->hartid, irq ? "interrupt" : "exception",
            (unsigned long long)(cause & ~CAUSE_INTERRUPT),
            (unsigned long long)h->pc, (unsigned long long)tval,
            priv_name(h->priv), priv_name(to));
}

void cpu_trap(struct hart *h, uint64_t cause, uint64_t tval)
{
    bool irq = cause & CAUSE_INTERRUPT;
    uint64_t code = cause & ~CAUSE_INTERRUPT;
    uint64_t deleg = irq ? h->mideleg : h->medeleg;
    int to = (h->priv <= PRIV_S && ((deleg >> code) & 1)) ? PRIV_S : PRIV_M;

    if (h->m->log & LOG_INT)
        log_trap(h, cause, tval, to);
    if (cause == EXC_ECALL_U && (h->m->log & LOG_SYSCALL))
        syscall_log_enter(h);
    h->ntraps++;
    h->reservation_valid = false;

    if (to == PRIV_S) {
        h->scause = cause;
        h->sepc = h->pc;
        h->stval = tval;
        uint64_t s = h->mstatus & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
        if (h->priv == PRIV_S)
            s |= MSTATUS_SPP;
        if (h->mstatus & MSTATUS_SIE)
            s |= MSTATUS_SPIE;
        h->mstatus = s;
        h->pc = (h->stvec & ~3ULL) + ((irq && (h->stvec & 1)) ? 4 * code : 0);
    } else {
        if (h->m->builtin_sbi) {
            /* No M-mode code exists to handle it: the guest is broken. */
            fprintf(stderr,
                    "dbt: hart %llu trapped to M-mode under the built-in SBI "
                    "(cause %#llx, pc %#llx, tval %#llx)\n",
                    (unsigned long long)h->hartid, (unsigned long long)cause,
                    (unsigned long long)h->pc, (unsigned long long)tval);
            machine_exit(h->m, 1);
            return;
        }
        h->mcause = cause;
        h->mepc = h->pc;
        h->mtval = tval;
        uint64_t s = h->mstatus & ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE);
        s |= (uint64_t)h->priv << MSTATUS_MPP_SHIFT;
        if (h->mstatus & MSTATUS_MIE)
            s |= MSTATUS_MPIE;
        h->mstatus = s;
        h->pc = (h->mtvec & ~3ULL) + ((irq && (h->mtvec & 1)) ? 4 * code : 0);
    }
    h->priv = (uint8_t)to;
    cpu_update_mmu_ctx(h);
    cpu_request_interrupt_check(h);
}

/* The one way an instruction writes an integer register: x0 stays 0. */
static inline void set_x(struct hart *h, unsigned rd, uint64_t v)
{
    if (rd)
        h->x[rd] = v;
}

/* Helpers that fail record the trap for the run loop to deliver. */
static bool fail(struct hart *h, uint64_t cause, uint64_t tval)
{
    h->trap_cause = cause;
    h->trap_tval = tval;
    return false;
}

static bool illegal(struct hart *h, const struct insn *in)
{
    return fail(h, EXC_ILLEGAL_INSN, in->raw);
}

/* -- CSRs -------------------------------------------------------------------
 * csr_read/csr_write return false for an access the hart must refuse; the
 * caller turns that into an illegal-instruction exception. */

static uint64_t mstatus_read(const struct hart *h)
{
    uint64_t s = h->mstatus;
    if ((s & MSTATUS_FS) == MSTATUS_FS)
        s |= MSTATUS_SD;
    return s;
}

static void mstatus_write(struct hart *h, uint64_t value, uint64_t mask)
{
    /* MPP is WARL: the reserved encoding 2 keeps the old value. */
    if (((value & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        mask &= ~MSTATUS_MPP;
    h->mstatus = (h->mstatus & ~mask) | (value & mask);
    cpu_update_mmu_ctx(h);
    cpu_request_interrupt_check(h);
}

/* cycle, time, instret and hpmcounterN from S or U: mcounteren (and from U
 * also scounteren) must allow it. */
static bool counter_allowed(const struct hart *h, unsigned csr)
{
    uint64_t bit = 1ULL << (csr & 31);
    if (h->priv < PRIV_M && !(h->mcounteren & bit))
        return false;
    if (h->priv < PRIV_S && !(h->scounteren & bit))
        return false;
    return true;
}

static bool fp_enabled(const struct hart *h)
{
    return (h->mstatus & MSTATUS_FS) != 0;
}

static void fp_dirty(struct hart *h)
{
    h->mstatus |= MSTATUS_FS;
}

static bool is_pmpcfg(unsigned csr)
{
    /* RV64 has only the even pmpcfg registers. */
    return csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15 && !(csr & 1);
}

static bool csr_read(struct hart *h, unsigned csr, uint64_t *v)
{
    switch (csr) {
    case CSR_FFLAGS: if (!fp_enabled(h)) return false; *v = h->fflags; return true;
    case CSR_FRM: if (!fp_enabled(h)) return false; *v = h->frm; return true;
    case CSR_FCSR:
        if (!fp_enabled(h)) return false;
        *v = (uint64_t)h->frm << 5 | h->fflags;
        return true;
    case CSR_CYCLE: if (!counter_allowed(h, csr)) return false; *v = h->instret + h->mcycle_offset; return true;
    case CSR_TIME: if (!counter_allowed(h, csr)) return false; *v = machine_time(h->m); return true;
    case CSR_INSTRET: if (!counter_allowed(h, csr)) return false; *v = h->instret + h->minstret_offset; return true;

    case CSR_SSTATUS: *v = mstatus_read(h) & SSTATUS_MASK; return true;
    case CSR_SIE: *v = h->mie & h->mideleg; return true;
    case CSR_STVEC: *v = h->stvec; return true;
    case CSR_SCOUNTEREN: *v = h->scounteren; return true;
    case CSR_SENVCFG: *v = h->senvcfg; return true;
    case CSR_SSCRATCH: *v = h->sscratch; return true;
    case CSR_SEPC: *v = h->sepc; return true;
    case CSR_SCAUSE: *v = h->scause; return true;
    case CSR_STVAL: *v = h->stval; return true;
    case CSR_SIP: *v = cpu_read_mip(h) & h->mideleg; return true;
    case CSR_STIMECMP:
        if (h->priv < PRIV_M && (!sstc_enabled(h) || !(h->mcounteren & 2)))
            return false;
        *v = h->stimecmp;
        return true;
    case CSR_SATP:
        if (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM))
            return false;
        *v = h->satp;
        return true;

    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR:
        *v = 0; return true;
    case CSR_MHARTID: *v = h->hartid; return true;
    case CSR_MSTATUS: *v = mstatus_read(h); return true;
    case CSR_MISA: *v = h->misa; return true;
    case CSR_MEDELEG: *v = h->medeleg; return true;
    case CSR_MIDELEG: *v = h->mideleg; return true;
    case CSR_MIE: *v = h->mie; return true;
    case CSR_MTVEC: *v = h->mtvec; return true;
    case CSR_MCOUNTEREN: *v = h->mcounteren; return true;
    case CSR_MENVCFG: *v = h->menvcfg; return true;
    case CSR_MCOUNTINHIBIT: *v = 0; return true;
    case CSR_MSCRATCH: *v = h->mscratch; return true;
    case CSR_MEPC: *v = h->mepc; return true;
    case CSR_MCAUSE: *v = h->mcause; return true;
    case CSR_MTVAL: *v = h->mtval; return true;
    case CSR_MIP: *v = cpu_read_mip(h); return true;
    case CSR_MCYCLE: *v = h->instret + h->mcycle_offset; return true;
    case CSR_MINSTRET: *v = h->instret + h->minstret_offset; return true;
    case CSR_TSELECT: case CSR_TDATA1: case CSR_TDATA2: case CSR_TDATA3:
        *v = 0; return true; /* no trigger module: zero triggers */
    }
    if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) {
        if (!counter_allowed(h, csr))
            return false;
        *v = 0;
        return true;
    }
    if (is_pmpcfg(csr) || (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63)) {
        *v = mmu_pmp_read(h, csr);
        return true;
    }
    if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
        (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
        *v = 0; /* present, hard-wired to zero */
        return true;
    }
    return false;
}

static bool satp_write(struct hart *h, uint64_t v)
{
    if (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM))
        return false;
    unsigned mode = (unsigned)(v >> SATP_MODE_SHIFT);
    /* Modes we do not offer leave satp unchanged (Linux probes Sv57 first). */
    if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48)
        return true;
    /* ASIDLEN = 16; with mode Bare the rest must be written as zero. */
    uint64_t keep = (0xfULL << 60) | (0xffffULL << SATP_ASID_SHIFT) | SATP_PPN_MASK;
    uint64_t old_mode = h->satp >> SATP_MODE_SHIFT;
    h->satp = mode == SATP_MODE_BARE ? 0 : v & keep;
    if (h->m->log & LOG_MMU)
        fprintf(h->m->logf, "mmu: hart %llu satp = %#llx (%s, asid %llu, root %#llx)\n",
                (unsigned long long)h->hartid, (unsigned long long)h->satp,
                mode == SATP_MODE_BARE ? "bare" : mode == SATP_MODE_SV39 ? "sv39" : "sv48",
                (unsigned long long)((h->satp >> SATP_ASID_SHIFT) & 0xffff),
                (unsigned long long)((h->satp & SATP_PPN_MASK) << 12));
    /* Global mappings stay (Linux's kernel) unless the mode changed. */
    if ((h->satp >> SATP_MODE_SHIFT) == old_mode)
        mmu_tlb_flush_nonglobal(h);
    else
        mmu_tlb_flush(h, true, 0);
    cpu_update_mmu_ctx(h);
    return true;
}

static uint64_t tvec_legal(uint64_t v)
{
    return (v & 3) >= 2 ? v & ~3ULL : v; /* modes 2, 3 reserved: direct */
}

static void mip_write(struct hart *h, uint64_t v, uint64_t mask)
{
    if (sstc_enabled(h))
        mask &= ~MIP_STIP; /* STIP follows stimecmp */
    h->mip = (h->mip & ~mask) | (v & mask);
    cpu_request_interrupt_check(h);
}

static bool csr_write(struct hart *h, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_FFLAGS: if (!fp_enabled(h)) return false; h->fflags = v & 0x1f; fp_dirty(h); return true;
    case CSR_FRM:
        if (!fp_enabled(h)) return false;
        h->frm = v & 7;
        fp_dirty(h);
        cpu_update_mmu_ctx(h); /* the code flags follow frm */
        return true;
    case CSR_FCSR:
        if (!fp_enabled(h)) return false;
        h->fflags = v & 0x1f;
        h->frm = (v >> 5) & 7;
        fp_dirty(h);
        cpu_update_mmu_ctx(h);
        return true;

    case CSR_SSTATUS: mstatus_write(h, v, SSTATUS_WRITABLE); return true;
    case CSR_SIE:
        h->mie = (h->mie & ~h->mideleg) | (v & h->mideleg);
        cpu_request_interrupt_check(h);
        return true;
    case CSR_STVEC: h->stvec = tvec_legal(v); return true;
    case CSR_SCOUNTEREN: h->scounteren = v & 0xffffffff; return true;
    case CSR_SENVCFG: h->senvcfg = v & MENVCFG_FIOM; return true;
    case CSR_SSCRATCH: h->sscratch = v; return true;
    case CSR_SEPC: h->sepc = v & ~1ULL; return true;
    case CSR_SCAUSE: h->scause = v; return true;
    case CSR_STVAL: h->stval = v; return true;
    case CSR_SIP: mip_write(h, v, MIP_SSIP & h->mideleg); return true;
    case CSR_STIMECMP:
        if (h->priv < PRIV_M && (!sstc_enabled(h) || !(h->mcounteren & 2)))
            return false;
        h->stimecmp = v;
        cpu_request_interrupt_check(h);
        return true;
    case CSR_SATP: return satp_write(h, v);

    case CSR_MSTATUS: mstatus_write(h, v, MSTATUS_WRITABLE); return true;
    case CSR_MISA: return true; /* WARL: the extensions are fixed */
    case CSR_MEDELEG: h->medeleg = v & MEDELEG_MASK; return true;
    case CSR_MIDELEG: h->mideleg = v & MIP_S_MASK; cpu_request_interrupt_check(h); return true;
    case CSR_MIE: h->mie = v & MIP_ALL; cpu_request_interrupt_check(h); return true;
    case CSR_MTVEC: h->mtvec = tvec_legal(v); return true;
    case CSR_MCOUNTEREN: h->mcounteren = v & 0xffffffff; return true;
    case CSR_MENVCFG:
        h->menvcfg = v & (MENVCFG_FIOM | MENVCFG_STCE);
        cpu_request_interrupt_check(h);
        return true;
    case CSR_MCOUNTINHIBIT: return true;
    case CSR_MSCRATCH: h->mscratch = v; return true;
    case CSR_MEPC: h->mepc = v & ~1ULL; return true;
    case CSR_MCAUSE: h->mcause = v; return true;
    case CSR_MTVAL: h->mtval = v; return true;
    case CSR_MIP: mip_write(h, v, MIP_S_MASK); return true;
    case CSR_MCYCLE: h->mcycle_offset = v - h->instret - 1; return true;
    case CSR_MINSTRET:
        /* The write wins over this instruction's own retirement, which the
         * run loop is about to count. */
        h->minstret_offset = v - h->instret - 1;
        return true;
    case CSR_TSELECT: case CSR_TDATA1: case CSR_TDATA2: case CSR_TDATA3:
        return true;
    }
    if (is_pmpcfg(csr) || (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63)) {
        mmu_pmp_write(h, csr, v);
        return true;
    }
    if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
        (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31))
        return true; /* no events: writes ignored */
    return false;
}

/* The debugger's view of a CSR (gdbstub, monitor): read and written as
 * M-mode would, whatever the hart's privilege, so a stop in U-mode can still
 * show satp.  Reads have no side effects; writes have the architectural ones. */
bool cpu_csr_debug_read(struct hart *h, unsigned csr, uint64_t *v)
{
    uint8_t priv = h->priv;
    h->priv = PRIV_M;
    bool ok = csr_read(h, csr, v);
    h->priv = priv;
    return ok;
}

bool cpu_csr_debug_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint8_t priv = h->priv;
    h->priv = PRIV_M;
    bool ok = csr_write(h, csr, v);
    h->priv = priv;
    cpu_update_mmu_ctx(h);
    return ok;
}

/* CSRRW/CSRRS/CSRRC and their immediate forms.  Bits 9:8 of the number are
 * the lowest privilege allowed, bits 11:10 == 3 mark read-only CSRs. */
static bool exec_csr(struct hart *h, const struct insn *in)
{
    unsigned csr = (unsigned)in->imm;
    bool imm_form = in->op >= OP_CSRRWI;
    uint64_t operand = imm_form ? in->rs1 : h->x[in->rs1];
    bool writes = in->op == OP_CSRRW || in->op == OP_CSRRWI || in->rs1 != 0;

    if (h->priv < ((csr >> 8) & 3))
        return illegal(h, in);
    if (writes && (csr >> 10) == 3)
        return illegal(h, in);

    /* Reads have no side effects here, so we always read: that is also the
     * check that the CSR exists and may be accessed. */
    uint64_t old = 0;
    if (!csr_read(h, csr, &old))
        return illegal(h, in);
    if (writes) {
        /* In mip/sip only the software-writable bits take part in a
         * read-modify-write: a device line that happens to be high (SEIP
         * from the PLIC) must not be latched into the software SEIP bit
         * by, say, OpenSBI's `csrs mip, SSIP`. */
        uint64_t base = csr == CSR_MIP || csr == CSR_SIP ? h->mip : old;
        uint64_t value = operand;
        if (in->op == OP_CSRRS || in->op == OP_CSRRSI)
            value = base | operand;
        else if (in->op == OP_CSRRC || in->op == OP_CSRRCI)
            value = base & ~operand;
        if (!csr_write(h, csr, value))
            return illegal(h, in);
    }
    set_x(h, in->rd, old);
    return true;
}

/* -- Privileged instructions ------------------------------------------------ */

static bool exec_mret(struct hart *h, const struct insn *in, uint64_t *next_pc)
{
    if (h->priv != PRIV_M)
        return illegal(h, in);
    uint64_t s = h->mstatus;
    int mpp = (int)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP; /* MPP = U, the least-privileged mode */
    if (mpp != PRIV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = (uint8_t)mpp;
    *next_pc = h->mepc;
    cpu_update_mmu_ctx(h);
    cpu_request_interrupt_check(h);
    return true;
}

static bool exec_sret(struct hart *h, const struct insn *in, uint64_t *next_pc)
{
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TSR)))
        return illegal(h, in);
    uint64_t s = h->mstatus;
    int spp = (s & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    if (spp == PRIV_U && (h->m->log & LOG_SYSCALL))
        syscall_log_return(h);
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~(MSTATUS_SPP | MSTATUS_MPRV);
    h->mstatus = s;
    h->priv = (uint8_t)spp;
    *next_pc = h->sepc;
    cpu_update_mmu_ctx(h);
    cpu_request_interrupt_check(h);
    return true;
}

static bool exec_wfi(struct hart *h, const struct insn *in)
{
    /* WFI is illegal in U-mode, and in S-mode when TW is set. */
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
        return illegal(h, in);
    if (!cpu_pending_irqs(h)) {
        h->wfi = true;
        cpu_kick(h);
    }
    return true;
}

static bool exec_sfence_vma(struct hart *h, const struct insn *in)
{
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM)))
        return illegal(h, in);
    if (h->m->log & LOG_MMU) {
        fprintf(h->m->logf, "mmu: hart %llu pc %#llx sfence.vma ", (unsigned long long)h->hartid,
                (unsigned long long)h->pc);
        if (in->rs1) fprintf(h->m->logf, "va %#llx", (unsigned long long)h->x[in->rs1]);
        else fprintf(h->m->logf, "all");
        if (in->rs2) fprintf(h->m->logf, " asid %llu\n", (unsigned long long)h->x[in->rs2]);
        else fprintf(h->m->logf, " asids\n");
    }
    if (in->rs1 == 0 && in->rs2 != 0)
        mmu_tlb_flush_nonglobal(h); /* one address space: not global mappings */
    else
        mmu_tlb_flush(h, in->rs1 == 0, h->x[in->rs1]);
    return true;
}

static bool exec_ecall(struct hart *h)
{
    if (h->priv == PRIV_S && h->m->builtin_sbi)
        return sbi_ecall(h);
    static const uint64_t cause[] = {EXC_ECALL_U, EXC_ECALL_S, 0, EXC_ECALL_M};
    return fail(h, cause[h->priv], 0);
}

/* -- Memory: loads and stores go through mmu_load/mmu_store, whose TLB
 * probe is inline (mmu.h); mmu.c is called only on a miss. */

static int64_t sext(uint64_t v, int bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static bool exec_load(struct hart *h, const struct insn *in)
{
    static const struct { int size; bool is_signed; } shape[] = {
        [OP_LB] = {1, true}, [OP_LH] = {2, true}, [OP_LW] = {4, true},
        [OP_LD] = {8, true}, [OP_LBU] = {1, false}, [OP_LHU] = {2, false},
        [OP_LWU] = {4, false},
    };
    uint64_t v;
    int size = shape[in->op].size;
    if (!mmu_load(h, h->x[in->rs1] + (uint64_t)in->imm, size, &v))
        return false;
    set_x(h, in->rd, shape[in->op].is_signed ? (uint64_t)sext(v, 8 * size) : v);
    return true;
}

static bool exec_store(struct hart *h, const struct insn *in)
{
    int size = in->op == OP_SB ? 1 : in->op == OP_SH ? 2 : in->op == OP_SW ? 4 : 8;
    return mmu_store(h, h->x[in->rs1] + (uint64_t)in->imm, size, h->x[in->rs2]);
}

static bool exec_fp_load(struct hart *h, const struct insn *in)
{
    if (!fp_enabled(h))
        return illegal(h, in);
    uint64_t v;
    bool single = in->op == OP_FLW;
    if (!mmu_load(h, h->x[in->rs1] + (uint64_t)in->imm, single ? 4 : 8, &v))
        return false;
    h->f[in->rd] = single ? v | 0xffffffff00000000ULL : v; /* NaN-box */
    fp_dirty(h);
    return true;
}

static bool exec_fp_store(struct hart *h, const struct insn *in)
{
    if (!fp_enabled(h))
        return illegal(h, in);
    bool single = in->op == OP_FSW;
    return mmu_store(h, h->x[in->rs1] + (uint64_t)in->imm, single ? 4 : 8, h->f[in->rs2]);
}

/* -- Atomics -----------------------------------------------------------------
 * Harts run one at a time in one host thread, so an AMO is atomic by
 * construction.  A reservation is dropped at every slice end and trap, so no
 * other hart can write between an LR and its SC without the SC failing. */

static bool amo_address(struct hart *h, uint64_t va, int size, bool is_lr, uint64_t *pa)
{
    if (va & (uint64_t)(size - 1))
        return fail(h, is_lr ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED, va);
    return mmu_translate_sized(h, va, is_lr ? ACCESS_READ : ACCESS_WRITE, size, pa);
}

static bool amo_bus_fault(struct hart *h, uint64_t va, bool is_lr)
{
    return fail(h, is_lr ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS, va);
}

static uint64_t amo_compute(enum op op, uint64_t old, uint64_t src, int size)
{
    int64_t a = size == 4 ? (int32_t)old : (int64_t)old;
    int64_t b = size == 4 ? (int32_t)src : (int64_t)src;
    uint64_t ua = size == 4 ? (uint32_t)old : old;
    uint64_t ub = size == 4 ? (uint32_t)src : src;
    switch (op) {
    case OP_AMOSWAP_W: case OP_AMOSWAP_D: return src;
    case OP_AMOADD_W: case OP_AMOADD_D: return old + src;
    case OP_AMOXOR_W: case OP_AMOXOR_D: return old ^ src;
    case OP_AMOAND_W: case OP_AMOAND_D: return old & src;
    case OP_AMOOR_W: case OP_AMOOR_D: return old | src;
    case OP_AMOMIN_W: case OP_AMOMIN_D: return a < b ? old : src;
    case OP_AMOMAX_W: case OP_AMOMAX_D: return a > b ? old : src;
    case OP_AMOMINU_W: case OP_AMOMINU_D: return ua < ub ? old : src;
    default: return ua > ub ? old : src; /* AMOMAXU */
    }
}

static bool exec_atomic(struct hart *h, const struct insn *in)
{
    int size = in->op <= OP_AMOMAXU_W ? 4 : 8;
    uint64_t va = h->x[in->rs1], pa, old;
    bool is_lr = in->op == OP_LR_W || in->op == OP_LR_D;
    bool is_sc = in->op == OP_SC_W || in->op == OP_SC_D;
    if (!amo_address(h, va, size, is_lr, &pa))
        return false;

    if (is_sc) {
        bool ok = h->reservation_valid && h->reservation == pa;
        h->reservation_valid = false;
        if (ok && !mmu_phys_write(h->m, pa, size, h->x[in->rs2]))
            return amo_bus_fault(h, va, false);
        set_x(h, in->rd, !ok);
        return true;
    }
    if (!mmu_phys_read(h->m, pa, size, &old))
        return amo_bus_fault(h, va, is_lr);
    if (is_lr) {
        h->reservation = pa;
        h->reservation_valid = true;
    } else if (!mmu_phys_write(h->m, pa, size,
                               amo_compute((enum op)in->op, old, h->x[in->rs2], size))) {
        return amo_bus_fault(h, va, false);
    }
    set_x(h, in->rd, size == 4 ? (uint64_t)(int64_t)(int32_t)old : old);
    return true;
}

/* -- Integer arithmetic ------------------------------------------------------ */

static uint64_t mulhu(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static uint64_t mulh(int64_t a, int64_t b)
{
    return (uint64_t)(((__int128)a * b) >> 64);
}

static uint64_t mulhsu(int64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)a * (unsigned __int128)b) >> 64);
}

/* Division by zero and overflow do not trap in RISC-V: they give fixed
 * results (all ones / the dividend / the most negative number). */
static uint64_t div_signed(int64_t a, int64_t b)
{
    if (b == 0) return ~0ULL;
    if (a == INT64_MIN && b == -1) return (uint64_t)a;
    return (uint64_t)(a / b);
}

static uint64_t rem_signed(int64_t a, int64_t b)
{
    if (b == 0) return (uint64_t)a;
    if (a == INT64_MIN && b == -1) return 0;
    return (uint64_t)(a % b);
}

static uint64_t w(int64_t v32) /* sign-extend a 32-bit result */
{
    return (uint64_t)(int64_t)(int32_t)v32;
}

static uint64_t exec_mul_div(enum op op, uint64_t a, uint64_t b)
{
    int32_t a32 = (int32_t)a, b32 = (int32_t)b;
    uint32_t ua32 = (uint32_t)a, ub32 = (uint32_t)b;
    switch (op) {
    case OP_MUL: return a * b;
    case OP_MULH: return mulh((int64_t)a, (int64_t)b);
    case OP_MULHSU: return mulhsu((int64_t)a, b);
    case OP_MULHU: return mulhu(a, b);
    case OP_DIV: return div_signed((int64_t)a, (int64_t)b);
    case OP_DIVU: return b ? a / b : ~0ULL;
    case OP_REM: return rem_signed((int64_t)a, (int64_t)b);
    case OP_REMU: return b ? a % b : a;
    case OP_MULW: return w((int32_t)(ua32 * ub32));
    case OP_DIVW:
        if (b32 == 0) return ~0ULL;
        if (a32 == INT32_MIN && b32 == -1) return w(a32);
        return w(a32 / b32);
    case OP_DIVUW: return ub32 ? w((int32_t)(ua32 / ub32)) : ~0ULL;
    case OP_REMW:
        if (b32 == 0) return w(a32);
        if (a32 == INT32_MIN && b32 == -1) return 0;
        return w(a32 % b32);
    default: /* OP_REMUW */
        return ub32 ? w((int32_t)(ua32 % ub32)) : w((int32_t)ua32);
    }
}

static bool branch_taken(const struct hart *h, const struct insn *in)
{
    uint64_t a = h->x[in->rs1], b = h->x[in->rs2];
    switch (in->op) {
    case OP_BEQ: return a == b;
    case OP_BNE: return a != b;
    case OP_BLT: return (int64_t)a < (int64_t)b;
    case OP_BGE: return (int64_t)a >= (int64_t)b;
    case OP_BLTU: return a < b;
    default: return a >= b; /* OP_BGEU */
    }
}

/* -- The interpreter ---------------------------------------------------------
 * exec() runs one instruction.  It returns false when the instruction traps
 * (h->trap_cause/trap_tval say why), and sets *next_pc otherwise. */
bool cpu_exec(struct hart *h, const struct insn *in, uint64_t *next_pc)
{
    const uint64_t *x = h->x;
    uint64_t a = x[in->rs1], b = x[in->rs2], imm = (uint64_t)in->imm;
    uint64_t pc = h->pc;
    *next_pc = pc + in->len;

    switch ((enum op)in->op) {
    case OP_ILLEGAL: return illegal(h, in);
    case OP_LUI: set_x(h, in->rd, imm); break;
    case OP_AUIPC: set_x(h, in->rd, pc + imm); break;
    case OP_JAL: set_x(h, in->rd, pc + in->len); *next_pc = pc + imm; break;
    case OP_JALR: /* read rs1 before writing rd: they may be the same */
        *next_pc = (a + imm) & ~1ULL;
        set_x(h, in->rd, pc + in->len);
        break;
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
        if (branch_taken(h, in))
            *next_pc = pc + imm;
        break;
    case OP_LB: case OP_LH: case OP_LW: case OP_LD:
    case OP_LBU: case OP_LHU: case OP_LWU:
        return exec_load(h, in);
    case OP_SB: case OP_SH: case OP_SW: case OP_SD:
        return exec_store(h, in);
    case OP_ADDI: set_x(h, in->rd, a + imm); break;
    case OP_SLTI: set_x(h, in->rd, (int64_t)a < (int64_t)imm); break;
    case OP_SLTIU: set_x(h, in->rd, a < imm); break;
    case OP_XORI: set_x(h, in->rd, a ^ imm); break;
    case OP_ORI: set_x(h, in->rd, a | imm); break;
    case OP_ANDI: set_x(h, in->rd, a & imm); break;
    case OP_SLLI: set_x(h, in->rd, a << (imm & 63)); break;
    case OP_SRLI: set_x(h, in->rd, a >> (imm & 63)); break;
    case OP_SRAI: set_x(h, in->rd, (uint64_t)((int64_t)a >> (imm & 63))); break;
    case OP_ADD: set_x(h, in->rd, a + b); break;
    case OP_SUB: set_x(h, in->rd, a - b); break;
    case OP_SLL: set_x(h, in->rd, a << (b & 63)); break;
    case OP_SLT: set_x(h, in->rd, (int64_t)a < (int64_t)b); break;
    case OP_SLTU: set_x(h, in->rd, a < b); break;
    case OP_XOR: set_x(h, in->rd, a ^ b); break;
    case OP_SRL: set_x(h, in->rd, a >> (b & 63)); break;
    case OP_SRA: set_x(h, in->rd, (uint64_t)((int64_t)a >> (b & 63))); break;
    case OP_OR: set_x(h, in->rd, a | b); break;
    case OP_AND: set_x(h, in->rd, a & b); break;
    case OP_ADDIW: set_x(h, in->rd, w((int32_t)(uint32_t)(a + imm))); break;
    case OP_SLLIW: set_x(h, in->rd, w((int32_t)((uint32_t)a << (imm & 31)))); break;
    case OP_SRLIW: set_x(h, in->rd, w((int32_t)((uint32_t)a >> (imm & 31)))); break;
    case OP_SRAIW: set_x(h, in->rd, w((int32_t)a >> (imm & 31))); break;
    case OP_ADDW: set_x(h, in->rd, w((int32_t)(uint32_t)(a + b))); break;
    case OP_SUBW: set_x(h, in->rd, w((int32_t)(uint32_t)(a - b))); break;
    case OP_SLLW: set_x(h, in->rd, w((int32_t)((uint32_t)a << (b & 31)))); break;
    case OP_SRLW: set_x(h, in->rd, w((int32_t)((uint32_t)a >> (b & 31)))); break;
    case OP_SRAW: set_x(h, in->rd, w((int32_t)a >> (b & 31))); break;
    case OP_FENCE: case OP_FENCE_I: break; /* one hart at a time: nothing to order */
    case OP_ECALL: return exec_ecall(h);
    case OP_EBREAK: return fail(h, EXC_BREAKPOINT, pc);
    case OP_SRET: return exec_sret(h, in, next_pc);
    case OP_MRET: return exec_mret(h, in, next_pc);
    case OP_WFI: return exec_wfi(h, in);
    case OP_SFENCE_VMA: return exec_sfence_vma(h, in);
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
    case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
        return exec_csr(h, in);
    case OP_MUL: case OP_MULH: case OP_MULHSU: case OP_MULHU:
    case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU:
    case OP_MULW: case OP_DIVW: case OP_DIVUW: case OP_REMW: case OP_REMUW:
        set_x(h, in->rd, exec_mul_div((enum op)in->op, a, b));
        break;
    case OP_FLW: case OP_FLD: return exec_fp_load(h, in);
    case OP_FSW: case OP_FSD: return exec_fp_store(h, in);
    default:
        if (in->op >= OP_LR_W && in->op <= OP_AMOMAXU_D)
            return exec_atomic(h, in);
        /* Every other op is an F/D computation. */
        if (!fp_enabled(h) || !fpu_exec(h, in))
            return illegal(h, in);
        fp_dirty(h);
        break;
    }
    return true;
}

/* -- Logging (-d in_asm, exec) ---------------------------------------------- */

bool cpu_ends_block(enum op op)
{
    return (op >= OP_JAL && op <= OP_BGEU) || op == OP_ECALL || op == OP_EBREAK ||
           op == OP_SRET || op == OP_MRET || op == OP_WFI || op == OP_SFENCE_VMA ||
           op == OP_FENCE_I || (op >= OP_CSRRW && op <= OP_CSRRCI) || op == OP_ILLEGAL;
}

/* Disassemble the block at pc (up to its first control transfer or the end
 * of the page) the first time it runs, QEMU's "IN:" format. */
static void log_in_asm(struct hart *h)
{
    struct machine *m = h->m;
    fprintf(m->logf, "----------------\nIN: hart %llu priv %s\n",
            (unsigned long long)h->hartid, priv_name(h->priv));
    uint64_t pc = h->pc, trap_cause = h->trap_cause, trap_tval = h->trap_tval;
    for (int n = 0; n < 64; n++) {
        uint32_t bits;
        if (!mmu_fetch(h, pc, &bits))
            break;
        struct insn in;
        cpu_decode(bits, &in);
        char text[96];
        disas_insn(text, sizeof text, pc, &in);
        fprintf(m->logf, "0x%016llx:  %0*x  %s\n", (unsigned long long)pc,
                in.len == 2 ? 4 : 8, in.raw, text);
        pc += in.len;
        if (cpu_ends_block((enum op)in.op) || !(pc & 0xfff))
            break;
    }
    fputc('\n', m->logf);
    h->trap_cause = trap_cause, h->trap_tval = trap_tval;
}

/* Double the set of shown block starts; false when memory runs out. */
static bool seen_grow(struct machine *m)
{
    size_t cap = m->seen_capacity ? m->seen_capacity * 2 : 1 << 16;
    uint64_t *old = m->seen_blocks, *keys = calloc(cap, sizeof *keys);
    if (!keys)
        return false;
    for (size_t i = 0; i < m->seen_capacity; i++) {
        if (!old[i])
            continue;
        size_t k = (size_t)(old[i] * 0x9E3779B97F4A7C15ULL) & (cap - 1);
        while (keys[k])
            k = (k + 1) & (cap - 1);
        keys[k] = old[i];
    }
    free(old);
    m->seen_blocks = keys;
    m->seen_capacity = cap;
    return true;
}

/* A set of block start addresses already shown by in_asm.  It grows as
 * needed; if memory runs out, in_asm stops, saying so in the log and on
 * stderr, rather than leaving a log that silently lacks blocks. */
static bool first_time_seen(struct hart *h, uint64_t pc)
{
    struct machine *m = h->m;
    uint64_t key = (pc << 2 | h->priv) + 1;
    if ((m->seen_count + 1) * 2 > m->seen_capacity && !seen_grow(m)) {
        const char *msg = "dbt: -d in_asm: out of memory for the set of logged blocks; "
                          "in_asm logging stops here\n";
        fputs(msg, m->logf);
        if (m->logf != stderr)
            fputs(msg, stderr);
        m->log &= ~(unsigned)LOG_IN_ASM;
        return false;
    }
    size_t mask = m->seen_capacity - 1;
    for (size_t i = (size_t)(key * 0x9E3779B97F4A7C15ULL) & mask;; i = (i + 1) & mask) {
        if (m->seen_blocks[i] == key)
            return false;
        if (m->seen_blocks[i] == 0) {
            m->seen_count++;
            m->seen_blocks[i] = key;
            return true;
        }
    }
}

/* A log that cannot be written (disk full) stops logging, loudly, rather
 * than failing silently on every block. */
static void log_check(struct machine *m)
{
    if (ferror(m->logf)) {
        fprintf(stderr, "dbt: log: write error, logging stopped\n");
        m->log = 0;
    }
}

/* -d cpu: the registers as the block starts, QEMU's -d cpu layout:
 *  pc       ffffffff80002a3c
 *  mhartid  0000000000000000
 *  ...
 *  x0/zero  0000000000000000 x1/ra    ffffffff8000135a x2/sp    ... */
static void log_cpu(struct hart *h)
{
    FILE *f = h->m->logf;
    const struct { const char *name; uint64_t v; } csrs[] = {
        {"pc", h->pc}, {"mhartid", h->hartid}, {"mstatus", h->mstatus},
        {"mip", cpu_read_mip(h)}, {"mie", h->mie}, {"mideleg", h->mideleg},
        {"medeleg", h->medeleg}, {"mtvec", h->mtvec}, {"stvec", h->stvec},
        {"mepc", h->mepc}, {"sepc", h->sepc}, {"mcause", h->mcause},
        {"scause", h->scause}, {"mtval", h->mtval}, {"stval", h->stval},
        {"mscratch", h->mscratch}, {"sscratch", h->sscratch}, {"satp", h->satp},
    };
    fprintf(f, " priv     %s\n", priv_name(h->priv));
    for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++)
        fprintf(f, " %-8s %016llx\n", csrs[i].name, (unsigned long long)csrs[i].v);
    for (int i = 0; i < 32; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%d/%s", i, disas_reg_names[i]);
        fprintf(f, " %-8s %016llx%s", name, (unsigned long long)h->x[i],
                (i & 3) == 3 ? "\n" : "");
    }
    if ((h->mstatus & MSTATUS_FS) != 0) {
        for (int i = 0; i < 32; i++) {
            char name[16];
            snprintf(name, sizeof name, "f%d", i);
            fprintf(f, " %-8s %016llx%s", name, (unsigned long long)h->f[i],
                    (i & 3) == 3 ? "\n" : "");
        }
        fprintf(f, " fcsr     %08x\n", (unsigned)(h->frm << 5 | h->fflags));
    }
}

void cpu_log_block_start(struct hart *h)
{
    struct machine *m = h->m;
    log_check(m);
    if (!log_wants_pc(m, h->pc))
        return;
    if ((m->log & LOG_IN_ASM) && first_time_seen(h, h->pc))
        log_in_asm(h);
    if (m->log & LOG_EXEC)
        fprintf(m->logf, "exec: hart %llu pc %#llx priv %s\n",
                (unsigned long long)h->hartid, (unsigned long long)h->pc,
                priv_name(h->priv));
    if (m->log & LOG_CPU)
        log_cpu(h);
}

/* -- The interpreter's loop ------------------------------------------------- */

const struct insn *cpu_decode_cached(struct hart *h, uint32_t bits)
{
    return dcache_lookup(h->dcache, bits);
}

static inline bool fetch(struct hart *h, uint32_t *bits)
{
    uint64_t pc = h->pc;
    struct tlb_entry *e = &h->ctlb[(pc >> 12) & (TLB_SIZE - 1)];
    if ((pc & ~0xfffULL) == e->tag_exec && (pc & 0xfff) <= 0xffc) {
        memcpy(bits, (const void *)(uintptr_t)(pc + e->addend), 4);
        return true;
    }
    return mmu_fetch(h, pc, bits);
}

bool cpu_take_interrupt(struct hart *h)
{
    int irq = interrupt_to_take(h);
    if (irq < 0)
        return false;
    h->wfi = false;
    cpu_trap(h, CAUSE_INTERRUPT | (uint64_t)irq, 0);
    return true;
}

bool cpu_step(struct hart *h)
{
    uint32_t bits;
    uint64_t next_pc;
    if (!fetch(h, &bits)) {
        cpu_trap(h, h->trap_cause, h->trap_tval);
        return false;
    }
    if (!cpu_exec(h, dcache_lookup(h->dcache, bits), &next_pc)) {
        cpu_trap(h, h->trap_cause, h->trap_tval);
        return false;
    }
    h->pc = next_pc;
    h->instret++;
    return true;
}

/* Interrupts are the run loop's business (machine.c): anything that may
 * make one pending kicks the hart, so this loop only watches insn_limit. */
void cpu_interp(struct hart *h)
{
    bool logging = h->m->log & (LOG_IN_ASM | LOG_EXEC | LOG_CPU);
    bool block_start = true;

    while (cpu_has_budget(h)) {
        if (logging && block_start)
            cpu_log_block_start(h);

        uint32_t bits;
        uint64_t next_pc;
        if (!fetch(h, &bits)) {
            cpu_trap(h, h->trap_cause, h->trap_tval);
            cpu_charge_trap(h); /* so a trap storm still yields */
            block_start = true;
            continue;
        }
        const struct insn *in = dcache_lookup(h->dcache, bits);
        if (!cpu_exec(h, in, &next_pc)) {
            cpu_trap(h, h->trap_cause, h->trap_tval);
            cpu_charge_trap(h);
            block_start = true;
            continue;
        }
        h->pc = next_pc;
        h->instret++;
        if (logging)
            block_start = cpu_ends_block((enum op)in->op);
    }
}
