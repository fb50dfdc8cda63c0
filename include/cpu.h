/* cpu.h — the hart: decoded instructions, architectural state, and the
 * interpreter that is the reference for everything else. */
#ifndef CPU_H
#define CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "riscv.h"

struct machine;

/* -- Operations --------------------------------------------------------------
 * One X-macro list: the enum, the mnemonic table of the disassembler and the
 * interpreter's switch all come from it.  Compressed instructions decode to
 * the base operation they expand to (struct insn.len says 2). */
#define OPS(X)                                                                 \
    X(ILLEGAL, "illegal")                                                      \
    /* RV64I */                                                                \
    X(LUI, "lui") X(AUIPC, "auipc") X(JAL, "jal") X(JALR, "jalr")              \
    X(BEQ, "beq") X(BNE, "bne") X(BLT, "blt") X(BGE, "bge")                    \
    X(BLTU, "bltu") X(BGEU, "bgeu")                                            \
    X(LB, "lb") X(LH, "lh") X(LW, "lw") X(LD, "ld")                            \
    X(LBU, "lbu") X(LHU, "lhu") X(LWU, "lwu")                                  \
    X(SB, "sb") X(SH, "sh") X(SW, "sw") X(SD, "sd")                            \
    X(ADDI, "addi") X(SLTI, "slti") X(SLTIU, "sltiu") X(XORI, "xori")          \
    X(ORI, "ori") X(ANDI, "andi") X(SLLI, "slli") X(SRLI, "srli")              \
    X(SRAI, "srai")                                                            \
    X(ADD, "add") X(SUB, "sub") X(SLL, "sll") X(SLT, "slt") X(SLTU, "sltu")    \
    X(XOR, "xor") X(SRL, "srl") X(SRA, "sra") X(OR, "or") X(AND, "and")        \
    X(ADDIW, "addiw") X(SLLIW, "slliw") X(SRLIW, "srliw") X(SRAIW, "sraiw")    \
    X(ADDW, "addw") X(SUBW, "subw") X(SLLW, "sllw") X(SRLW, "srlw")            \
    X(SRAW, "sraw")                                                            \
    X(FENCE, "fence") X(FENCE_I, "fence.i")                                    \
    X(ECALL, "ecall") X(EBREAK, "ebreak")                                      \
    /* privileged */                                                           \
    X(SRET, "sret") X(MRET, "mret") X(WFI, "wfi")                              \
    X(SFENCE_VMA, "sfence.vma")                                                \
    /* Zicsr: imm = CSR number; the *I forms keep the uimm in rs1 */           \
    X(CSRRW, "csrrw") X(CSRRS, "csrrs") X(CSRRC, "csrrc")                      \
    X(CSRRWI, "csrrwi") X(CSRRSI, "csrrsi") X(CSRRCI, "csrrci")                \
    /* M */                                                                    \
    X(MUL, "mul") X(MULH, "mulh") X(MULHSU, "mulhsu") X(MULHU, "mulhu")        \
    X(DIV, "div") X(DIVU, "divu") X(REM, "rem") X(REMU, "remu")                \
    X(MULW, "mulw") X(DIVW, "divw") X(DIVUW, "divuw") X(REMW, "remw")          \
    X(REMUW, "remuw")                                                          \
    /* A: rm holds aq<<1 | rl */                                               \
    X(LR_W, "lr.w") X(SC_W, "sc.w") X(AMOSWAP_W, "amoswap.w")                  \
    X(AMOADD_W, "amoadd.w") X(AMOXOR_W, "amoxor.w") X(AMOAND_W, "amoand.w")    \
    X(AMOOR_W, "amoor.w") X(AMOMIN_W, "amomin.w") X(AMOMAX_W, "amomax.w")      \
    X(AMOMINU_W, "amominu.w") X(AMOMAXU_W, "amomaxu.w")                        \
    X(LR_D, "lr.d") X(SC_D, "sc.d") X(AMOSWAP_D, "amoswap.d")                  \
    X(AMOADD_D, "amoadd.d") X(AMOXOR_D, "amoxor.d") X(AMOAND_D, "amoand.d")    \
    X(AMOOR_D, "amoor.d") X(AMOMIN_D, "amomin.d") X(AMOMAX_D, "amomax.d")      \
    X(AMOMINU_D, "amominu.d") X(AMOMAXU_D, "amomaxu.d")                        \
    /* F: rm holds the rounding-mode field */                                  \
    X(FLW, "flw") X(FSW, "fsw")                                                \
    X(FMADD_S, "fmadd.s") X(FMSUB_S, "fmsub.s") X(FNMSUB_S, "fnmsub.s")        \
    X(FNMADD_S, "fnmadd.s") X(FADD_S, "fadd.s") X(FSUB_S, "fsub.s")            \
    X(FMUL_S, "fmul.s") X(FDIV_S, "fdiv.s") X(FSQRT_S, "fsqrt.s")              \
    X(FSGNJ_S, "fsgnj.s") X(FSGNJN_S, "fsgnjn.s") X(FSGNJX_S, "fsgnjx.s")      \
    X(FMIN_S, "fmin.s") X(FMAX_S, "fmax.s")                                    \
    X(FCVT_W_S, "fcvt.w.s") X(FCVT_WU_S, "fcvt.wu.s")                          \
    X(FCVT_L_S, "fcvt.l.s") X(FCVT_LU_S, "fcvt.lu.s")                          \
    X(FMV_X_W, "fmv.x.w") X(FEQ_S, "feq.s") X(FLT_S, "flt.s")                  \
    X(FLE_S, "fle.s") X(FCLASS_S, "fclass.s")                                  \
    X(FCVT_S_W, "fcvt.s.w") X(FCVT_S_WU, "fcvt.s.wu")                          \
    X(FCVT_S_L, "fcvt.s.l") X(FCVT_S_LU, "fcvt.s.lu") X(FMV_W_X, "fmv.w.x")    \
    /* D */                                                                    \
    X(FLD, "fld") X(FSD, "fsd")                                                \
    X(FMADD_D, "fmadd.d") X(FMSUB_D, "fmsub.d") X(FNMSUB_D, "fnmsub.d")        \
    X(FNMADD_D, "fnmadd.d") X(FADD_D, "fadd.d") X(FSUB_D, "fsub.d")            \
    X(FMUL_D, "fmul.d") X(FDIV_D, "fdiv.d") X(FSQRT_D, "fsqrt.d")              \
    X(FSGNJ_D, "fsgnj.d") X(FSGNJN_D, "fsgnjn.d") X(FSGNJX_D, "fsgnjx.d")      \
    X(FMIN_D, "fmin.d") X(FMAX_D, "fmax.d")                                    \
    X(FCVT_S_D, "fcvt.s.d") X(FCVT_D_S, "fcvt.d.s")                            \
    X(FCVT_W_D, "fcvt.w.d") X(FCVT_WU_D, "fcvt.wu.d")                          \
    X(FCVT_L_D, "fcvt.l.d") X(FCVT_LU_D, "fcvt.lu.d")                          \
    X(FMV_X_D, "fmv.x.d") X(FEQ_D, "feq.d") X(FLT_D, "flt.d")                  \
    X(FLE_D, "fle.d") X(FCLASS_D, "fclass.d")                                  \
    X(FCVT_D_W, "fcvt.d.w") X(FCVT_D_WU, "fcvt.d.wu")                          \
    X(FCVT_D_L, "fcvt.d.l") X(FCVT_D_LU, "fcvt.d.lu") X(FMV_D_X, "fmv.d.x")

enum op {
#define X(name, mnemonic) OP_##name,
    OPS(X)
#undef X
    OP_COUNT
};

/* A decoded instruction.  The decoder fills every field it knows; the
 * interpreter and (later) the JIT read only these, never the raw bits,
 * except to report an illegal instruction in mtval. */
struct insn {
    uint16_t op;   /* enum op */
    uint8_t rd;    /* x or f register, by op */
    uint8_t rs1;   /* for CSRR*I: the 5-bit uimm */
    uint8_t rs2;
    uint8_t rs3;   /* fused multiply-add only */
    uint8_t len;   /* 2 (compressed) or 4 */
    uint8_t rm;    /* FP rounding mode; AMO aq<<1|rl; FENCE pred<<4|succ */
    int64_t imm;   /* sign-extended immediate; CSR number for CSR ops */
    uint32_t raw;  /* the instruction bits as fetched (16 or 32) */
};

/* -- Software TLB ------------------------------------------------------------
 * Direct mapped, TLB_SIZE entries per translation context.  An entry maps one
 * 4 KiB virtual page to host memory: host = vaddr + addend.  A tag holds the
 * page-aligned virtual address when that kind of access is allowed without a
 * walk, else TLB_INVALID.  The fast path a JIT emits is:
 *     e = &h->tlb[ctx][(va >> 12) & (TLB_SIZE-1)];
 *     if ((va & (~0xfff | (size-1))) == e->tag_read) host = va + e->addend;
 * so a misaligned access falls to the slow path by itself.  MMIO pages are
 * never entered.  The context is chosen by privilege, SUM and MXR, so Linux
 * flipping SUM switches sets instead of flushing one. */
#define TLB_BITS 12
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_INVALID (~0ULL)

struct tlb_entry {
    uint64_t tag_read;
    uint64_t tag_write;
    uint64_t tag_exec;
    uintptr_t addend;
};

/* Context 0: M-mode (effective privilege M: no translation, only locked
 * PMP entries bind).  1..8: S or U, numbered 1 + (priv == S) + 2 * SUM +
 * 4 * MXR; translated when satp is not Bare, identity when it is (a satp
 * write flushes them, so the two never mix).  An entry grants exactly what
 * its context allows, whatever the state was when it was filled: the code
 * context of S or U is the data context with SUM = MXR = 0. */
#define TLB_CTX_BARE 0
#define TLB_CTXS 9
#define TLB_LOG_SIZE ((TLB_CTXS - 1) * TLB_SIZE) /* a slot at most once: never full */
_Static_assert(TLB_BITS == 12 && TLB_CTXS <= 16, "tlb_log packs ctx << 12 | index in 16 bits");

enum { TLB_NONGLOBAL, TLB_GLOBAL };

/* Which translated slots were filled since the log was last emptied
 * (mmu.c), each once, as ctx << 12 | index. */
struct tlb_log {
    uint32_t n;
    uint16_t at[TLB_LOG_SIZE];
    uint64_t in[TLB_CTXS][TLB_SIZE / 64]; /* the slots in at[] */
};

/* Superpages (2 MiB, 1 GiB, ...) entered since the last full flush, so that
 * an SFENCE.VMA of one address inside them flushes all their 4 KiB pages. */
#define TLB_SUPERPAGES 64

#define TLB_VICTIMS 8

/* PMP: entries 0..15 (pmpcfg0 and pmpcfg2, pmpaddr0..15), mmu.c. */
#define PMP_ENTRIES 16

/* -- The hart ----------------------------------------------------------------
 * Hot state first.  Generated code keeps one host register pointing at
 * &x[16] (JIT_HART_BIAS bytes into the hart), so every x[i] is an 8-bit
 * displacement from it: x[1] is at -120, x[31] at +120. */
#define JIT_HART_BIAS 128

struct jit_cache_entry;
struct jit_link;

#define JIT_LSLOTS 128
#define JIT_WINDOWS 8

/* What generated code counts under -stats, in h->jit_probe. */
enum jit_probe_count {
    PROBE_TLB, PROBE_TLB_MISS,       /* inline data TLB probes */
    PROBE_JCACHE, PROBE_JCACHE_MISS, /* inline jump cache probes */
    PROBE_LSLOT, PROBE_LSLOT_MISS,   /* loop traces' probe slots */
    PROBE_WINDOW, PROBE_WINDOW_MISS, /* traces' accesses in windows */
    NUM_PROBES
};

struct hart {
    uint64_t x[32];       /* x0 is always 0: nothing ever writes it */
    uint64_t pc;
    /* The one exit check: generated code and the interpreter leave when
     * instret reaches insn_limit; a trap lowers the limit by one, so a trap
     * storm yields too.  Anything that wants control back (device lines,
     * machine exit, SBI yield, CSR writes that may enable an interrupt)
     * calls cpu_kick(), which zeroes it; the run loop then recomputes what
     * is left of the slice from instret, so a kick loses nothing. */
    uint64_t insn_limit;
    uint64_t instret;     /* instructions retired since reset (the counter) */
    uint64_t ntraps;      /* traps and interrupts taken since reset */
    struct tlb_entry *dtlb; /* current TLB set for loads and stores */
    struct tlb_entry *ctlb; /* current TLB set for fetches */
    struct jit_cache_entry *jcache; /* virtual-PC jump cache (jit.c) */
    uint64_t jcache_xor;  /* xor-ed into jump cache tags (jit.h): the one
                             probes try first */
    uint64_t f[32];       /* FP registers, NaN-boxed when single */
    uint8_t priv;         /* enum priv */
    uint8_t data_ctx;     /* TLB context for loads/stores */
    uint8_t code_ctx;     /* TLB context for fetches */
    uint8_t frm;          /* dynamic rounding mode */
    uint8_t jcache_gen;   /* jump cache generation: bumping it empties it */
    uint8_t fflags;       /* accrued exceptions */
    volatile uint8_t exit_request; /* devices ask the run loop for control */
    bool wfi;             /* stalled in WFI until an interrupt is pending */
    bool interrupt_check; /* something changed: check for interrupts */
    bool stopped;         /* SBI HSM: not started, or stopped by hart_stop */

    /* CSRs */
    uint64_t mstatus;     /* sstatus is a view of this */
    uint64_t misa;
    uint64_t medeleg, mideleg;
    uint64_t mie;
    uint64_t mip;         /* bits written by software */
    uint64_t irq_lines;   /* bits driven by devices (MTIP MSIP MEIP SEIP) */
    uint64_t mtvec, mscratch, mepc, mcause, mtval;
    uint64_t stvec, sscratch, sepc, scause, stval;
    uint64_t satp;
    uint64_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t mcycle_offset;   /* mcycle = instret + offset */
    uint64_t minstret_offset; /* minstret = instret + offset */
    uint64_t stimecmp;
    uint64_t hartid;

    /* LR/SC reservation (physical address of the reserved doubleword) */
    uint64_t reservation;
    bool reservation_valid;

    /* A trap raised by a helper: cause and tval, for the caller to deliver */
    uint64_t trap_cause, trap_tval;

    /* PMP: one cfg byte (L 0 0 A A X W R) and one address per entry */
    uint8_t pmpcfg[PMP_ENTRIES];
    uint16_t pmp_active;  /* bit i: entry i is not OFF (mmu_pmp_write) */
    uint64_t pmpaddr[PMP_ENTRIES];

    /* Virtual ranges of superpages in the TLB: va & ~mask == base.  More
     * than TLB_SUPERPAGES since the last full flush sets the overflow flag,
     * and every address flush becomes a full one until the next. */
    uint64_t superpage_base[TLB_SUPERPAGES], superpage_mask[TLB_SUPERPAGES];
    uint8_t nsuperpages;
    bool superpages_overflow;

    /* The translated slots filled, so a flush touches only those, not all
     * 8 x 4096: [TLB_NONGLOBAL] those filled with a non-global mapping since
     * the last flush of them (every satp write: context switches),
     * [TLB_GLOBAL] those filled with a global one (the kernel's) since the
     * last full flush.  A valid translated entry is in one of them. */
    struct tlb_log tlb_fills[2];

    /* The victim TLB: translated entries pushed out of their slot by a
     * fill for another page, the last TLB_VICTIMS of them.  Two hot pages
     * whose page numbers agree in their low TLB_BITS (a process's heap and
     * stack, 16 MiB apart, or two mmaps) share a slot of the direct-mapped
     * TLB; without these each would push the other out and every access
     * would walk the page table (a bash fib(16) ran 1.8x the host
     * instructions in one run of four).  Any flush empties them. */
    struct tlb_victim {
        struct tlb_entry e;
        uint8_t ctx;
        bool global;
    } tlb_victim[TLB_VICTIMS];
    uint8_t tlb_nvictims, tlb_victim_next;

    struct machine *m;
    struct decode_cache *dcache; /* decoded instructions by their bits */
    struct jit_link *jit_link;   /* JIT_EXIT_LINK: the exit to chain */
    uint64_t jit_probe[NUM_PROBES]; /* -stats: counted by generated code */
    uint64_t jit_pslot[4][2];    /* TLB probes a trace reuses: page, addend
                                    (jit_x64.c, "Probes done once") */
    /* Loop traces' access sites: page, addend; [0] loads, [1] stores
     * (jit_x64.c, "Probe slots of loop traces").  Valid only while the TLB
     * keeps that mapping: every TLB flush empties them (mmu_lslots_clear). */
    uint64_t jit_lslot[2][JIT_LSLOTS][2];
    uint8_t jit_lslots_filled;   /* a refill ran since they were last emptied */
    uint64_t jit_window[JIT_WINDOWS]; /* traces' load and store windows: host
                                         address of each one's first access, or 0
                                         (jit_x64.c) */

    _Alignas(64) struct tlb_entry tlb[TLB_CTXS][TLB_SIZE]; /* no entry spans two cache lines */
    /* -check withholds every write tag (so stores are logged); this says
     * which entries would have had one, so those stores skip the walk. */
    uint8_t check_writable[TLB_CTXS][TLB_SIZE];

    /* Cold, and large: here, after what generated code touches, so as not
     * to move that (where the hot fields fall modulo 4 KiB matters: x86
     * makes loads wait for earlier stores 4 KiB apart, "4K aliasing"). */
    uint64_t jcache_xor2; /* the jump cache tag xor probes try second (jit.h) */
    uint8_t jcache_ggen;  /* the generation of its entries for code on
                             global pages (jcache_gen: the others') */
    bool superpage_global[TLB_SUPERPAGES]; /* a global mapping (PTE G) */
    uint64_t jcache_filter[1024]; /* which virtual pages (hashed) the jump
                                     cache may hold: a page flush of another
                                     page leaves it alone (jit.c) */
    uint64_t jcache_gfilter[1024]; /* the same for its global entries */
    /* Bit i of tlb_global[ctx]: entry i of that context came from a global
     * leaf PTE (G), so a satp write leaves it (mmu_tlb_flush_nonglobal).
     * Not cleared by cpu_reset: a bit counts only with a valid entry. */
    uint64_t tlb_global[TLB_CTXS][TLB_SIZE / 64];
    /* PMP entry i covers [pmp_lo[i], pmp_hi[i]) (empty: 0, 0), worked out
     * at every PMP write; read only for the entries in pmp_active. */
    uint64_t pmp_lo[PMP_ENTRIES], pmp_hi[PMP_ENTRIES];
};

/* Give control back to the run loop at the next block boundary (the next
 * instruction in the interpreter). */
static inline void cpu_kick(struct hart *h)
{
    h->insn_limit = 0;
}

/* May the hart run another instruction in this engine call? */
static inline bool cpu_has_budget(const struct hart *h)
{
    return h->instret < h->insn_limit;
}

/* A trap takes a step of the budget, as an instruction does. */
static inline void cpu_charge_trap(struct hart *h)
{
    if (h->insn_limit)
        h->insn_limit--;
}

/* The 16 or 32 instruction bits at host memory p (the caller knows all
 * of them are readable: a 32-bit instruction has 4 bytes there). */
static inline uint32_t cpu_insn_bits(const uint8_t *p)
{
    uint32_t bits = p[0] | (uint32_t)p[1] << 8;
    if ((bits & 3) == 3)
        bits |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return bits;
}

/* Does op end a block (a control transfer or a system instruction)?  The
 * JIT and the interpreter's -d logs draw blocks the same way. */
bool cpu_ends_block(enum op op);
/* Decode 16 or 32 bits of instruction into *in; unknown encodings become
 * OP_ILLEGAL.  Returns the length (2 or 4). */
int cpu_decode(uint32_t bits, struct insn *in);
/* Reset a hart: M-mode at pc, as after power-on. */
void cpu_reset(struct hart *h, struct machine *m, uint64_t hartid, uint64_t pc);
/* Interpret until instret reaches h->insn_limit (sooner on WFI, exit
 * request or a kick).  Traps count against the limit too. */
void cpu_interp(struct hart *h);
/* Run one instruction at h->pc, or take the trap it raises (false). */
bool cpu_step(struct hart *h);
/* Execute one decoded instruction at h->pc: the reference semantics, shared
 * by the interpreter and the JIT's helpers.  Returns false when it traps
 * (h->trap_cause/trap_tval say why; nothing was written), else sets
 * *next_pc.  Never writes x0. */
bool cpu_exec(struct hart *h, const struct insn *in, uint64_t *next_pc)
    __attribute__((warn_unused_result));
/* The decoded form of instruction bits, from the hart's decode cache. */
const struct insn *cpu_decode_cached(struct hart *h, uint32_t bits);
/* Take the highest-priority pending and enabled interrupt, if any. */
bool cpu_take_interrupt(struct hart *h);
/* The code flags generated code is specialised for (see jit.c): privilege,
 * FP enabled, dynamic rounding mode round-to-nearest-even. */
unsigned cpu_code_flags(const struct hart *h);
/* Raise interrupt_check and kick the hart (after a CSR or line change). */
void cpu_request_interrupt_check(struct hart *h);
/* Log the start of a block for -d in_asm / exec (no-op without them). */
void cpu_log_block_start(struct hart *h);
/* Take trap `cause` with `tval` now (delegation decided here). */
void cpu_trap(struct hart *h, uint64_t cause, uint64_t tval);
/* Recompute the TLB contexts after priv, mstatus or satp changed. */
void cpu_update_mmu_ctx(struct hart *h);
/* The interrupts pending and enabled right now (mip & mie), including
 * device lines and the Sstc timer. */
uint64_t cpu_pending_irqs(struct hart *h);
/* Raise or lower a device-driven mip bit. */
void cpu_set_irq_line(struct hart *h, uint64_t mask, bool level);
/* A CSR as a debugger sees it: accessed as M-mode, false if there is none. */
bool cpu_csr_debug_read(struct hart *h, unsigned csr, uint64_t *v);
bool cpu_csr_debug_write(struct hart *h, unsigned csr, uint64_t v);
/* Read mip as software sees it. */
uint64_t cpu_read_mip(struct hart *h);

#endif
