/* sbi.c — the built-in SBI: the firmware services an S-mode kernel asks of
 * M-mode, implemented in C instead of by M-mode code.
 *
 * With no -bios, nothing runs in M-mode.  cpu.c's ECALL from S-mode calls
 * sbi_ecall(), which serves the call on the hart's registers and returns;
 * the interpreter then steps past the ecall as if an M-mode handler had
 * done `mepc += 4; mret`.  dbt.c calls sbi_prepare_hart_for_s_mode() for
 * the boot hart; HSM hart_start does the same for the others.
 *
 * Spec: RISC-V Supervisor Binary Interface Specification v2.0
 * (github.com/riscv-non-isa/riscv-sbi-doc).  Calling convention (§3):
 * a7 = extension ID, a6 = function ID, a0..a5 arguments; the result is
 * a0 = error code, a1 = value, every other register preserved.  The legacy
 * extensions (EIDs 0x00-0x0F, §5) return one value in a0 and keep a1.
 *
 * Served: Base, TIME, IPI, RFENCE, HSM, SRST, DBCN, and legacy set_timer,
 * console_putchar, console_getchar and shutdown.  Anything else returns
 * SBI_ERR_NOT_SUPPORTED, and probe_extension says 0 for it.
 *
 * All harts run round-robin on one host thread, so a call that touches
 * another hart (IPI, remote fence, hart_start) completes before it
 * returns: there is nothing to wait for.
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "dbt.h"
#include "devices.h" /* console_write, console_getchar */
#include "mmu.h"
#include "sbi.h"

#define SBI_SPEC_VERSION ((2ULL << 24) | 0) /* v2.0: major in bits 30:24 */

/* Remote SFENCE.VMA over more pages than this flushes everything: cheaper
 * than walking the range, and always correct. */
#define RFENCE_MAX_PAGES 64

struct sbiret {
    int64_t error;
    uint64_t value;
};

static struct sbiret ok(uint64_t value)
{
    return (struct sbiret){SBI_SUCCESS, value};
}

static struct sbiret err(int64_t error)
{
    return (struct sbiret){error, 0};
}

/* An extension: its handler gets the FID and a0..a5. */
struct sbi_ext {
    uint64_t eid;
    const char *name;
    struct sbiret (*call)(struct hart *h, uint64_t fid, const uint64_t *a);
    bool legacy; /* v0.1 convention: the result is .error, in a0 only */
};

static const struct sbi_ext *find_ext(uint64_t eid);

/* -- Harts ------------------------------------------------------------------ */

static struct hart *hart_by_id(struct machine *m, uint64_t hartid)
{
    return hartid < (uint64_t)m->nharts ? m->harts[hartid] : NULL;
}

/* Bit `bit` of a hart mask names hart base + bit (NULL: no such hart, or
 * the sum wrapped past 2^64). */
static struct hart *hart_in_mask(struct machine *m, uint64_t base, int bit)
{
    uint64_t id = base + (uint64_t)bit;
    return id < base ? NULL : hart_by_id(m, id);
}

/* Check every hart a (hart_mask, hart_mask_base) pair names (binary
 * encoding §3.1: base -1 means all harts), then apply fn to each.  Checking
 * first means an invalid id changes nothing. */
static int64_t for_each_hart(struct machine *m, uint64_t mask, uint64_t base,
                             void (*fn)(struct hart *target, const uint64_t *a), const uint64_t *a)
{
    if (base == UINT64_MAX) {
        for (int i = 0; i < m->nharts; i++)
            fn(m->harts[i], a);
        return SBI_SUCCESS;
    }
    for (int bit = 0; bit < 64; bit++)
        if (((mask >> bit) & 1) && !hart_in_mask(m, base, bit))
            return SBI_ERR_INVALID_PARAM;
    for (int bit = 0; bit < 64; bit++)
        if ((mask >> bit) & 1)
            fn(hart_in_mask(m, base, bit), a);
    return SBI_SUCCESS;
}

void sbi_prepare_hart_for_s_mode(struct hart *h)
{
    h->menvcfg |= MENVCFG_STCE; /* stimecmp drives STIP (Sstc) */
    h->mcounteren = 7;          /* S may read cycle, time and instret */
    /* ... and so may U: OpenSBI hands over with scounteren = 7 too, and
     * Linux without an SBI PMU never sets it, yet its vDSO reads `time`
     * from user mode (glibc's clock_gettime). */
    h->scounteren = 7;
    /* PMP: S and U may access all memory, through the last entry (NAPOT of
     * every address), as OpenSBI leaves it.  With 16 entries implemented
     * and none matching, S/U accesses would fault (mmu.c). */
    mmu_pmp_write(h, CSR_PMPADDR0 + PMP_ENTRIES - 1, ~0ULL);
    mmu_pmp_write(h, CSR_PMPCFG2, 0x1fULL << 56); /* entry 15: NAPOT, X W R */
    /* No M-mode code exists to handle a trap, so every exception S or U can
     * cause goes to S: misaligned fetch/load/store (0, 4, 6), access faults
     * (1, 5, 7), illegal instruction (2: nothing in M would emulate it),
     * breakpoint (3), ecall from U (8) and page faults (12, 13, 15).  An
     * ecall from S never traps: cpu.c hands it to sbi_ecall(). */
    h->medeleg = (1ULL << EXC_INSN_MISALIGNED) | (1ULL << EXC_INSN_ACCESS) |
                 (1ULL << EXC_ILLEGAL_INSN) | (1ULL << EXC_BREAKPOINT) |
                 (1ULL << EXC_LOAD_MISALIGNED) | (1ULL << EXC_LOAD_ACCESS) |
                 (1ULL << EXC_STORE_MISALIGNED) | (1ULL << EXC_STORE_ACCESS) |
                 (1ULL << EXC_ECALL_U) | (1ULL << EXC_INSN_PAGE_FAULT) |
                 (1ULL << EXC_LOAD_PAGE_FAULT) | (1ULL << EXC_STORE_PAGE_FAULT);
    h->mideleg = MIP_S_MASK;
    h->mie &= MIP_S_MASK; /* an M-level interrupt would have no handler */
    cpu_request_interrupt_check(h);
}

/* HSM start state (spec §9.1): S-mode at pc, satp = 0, sstatus.SIE = 0,
 * a0 = hartid, a1 = opaque.  cpu_reset clears satp and mstatus; the lines
 * devices drive into mip are the devices' state, so they survive. */
static void start_hart_in_s_mode(struct hart *t, uint64_t pc, uint64_t opaque)
{
    uint64_t lines = t->irq_lines;
    cpu_reset(t, t->m, t->hartid, pc);
    t->irq_lines = lines;
    sbi_prepare_hart_for_s_mode(t);
    t->priv = PRIV_S;
    t->x[10] = t->hartid;
    t->x[11] = opaque;
    t->stopped = false;
    cpu_update_mmu_ctx(t);
}

/* The calling hart gives up the rest of its slice (hart_stop, SRST). */
static void yield_hart(struct hart *h)
{
    h->exit_request = 1;
    cpu_kick(h);
}

/* A start or resume address must be executable memory: RAM. */
static bool valid_code_addr(struct machine *m, uint64_t pc)
{
    return !(pc & 1) && mmu_ram_ptr(m, pc, 2) != NULL;
}

/* -- Base (EID 0x10, spec §4) ---------------------------------------------- */

static struct sbiret sbi_base(struct hart *h, uint64_t fid, const uint64_t *a)
{
    (void)h;
    switch (fid) {
    case 0: return ok(SBI_SPEC_VERSION);
    case 1: return ok(SBI_IMPL_ID_DBT);
    case 2: return ok(SBI_IMPL_VERSION);
    case 3: return ok(find_ext(a[0]) != NULL); /* probe_extension */
    case 4: return ok(0);                      /* mvendorid, as the CSR reads */
    case 5: return ok(0);                      /* marchid */
    case 6: return ok(0);                      /* mimpid */
    }
    return err(SBI_ERR_NOT_SUPPORTED);
}

/* -- TIME (spec §6) and legacy set_timer (§5.1) ----------------------------
 * menvcfg.STCE is set on every hart we start, so STIP follows
 * time >= stimecmp (cpu_read_mip); setting the timer is writing stimecmp,
 * and a deadline in the future clears the pending bit by itself. */

static void set_timer(struct hart *h, uint64_t when)
{
    h->stimecmp = when;
    h->mip &= ~MIP_STIP;
    cpu_request_interrupt_check(h);
}

static struct sbiret sbi_time(struct hart *h, uint64_t fid, const uint64_t *a)
{
    if (fid != 0)
        return err(SBI_ERR_NOT_SUPPORTED);
    set_timer(h, a[0]);
    return ok(0);
}

static struct sbiret sbi_legacy_set_timer(struct hart *h, uint64_t fid, const uint64_t *a)
{
    (void)fid;
    set_timer(h, a[0]);
    return ok(0);
}

/* -- IPI (spec §7) --------------------------------------------------------- */

static void raise_ssip(struct hart *t, const uint64_t *a)
{
    (void)a;
    t->mip |= MIP_SSIP;
    cpu_request_interrupt_check(t);
}

static struct sbiret sbi_ipi(struct hart *h, uint64_t fid, const uint64_t *a)
{
    if (fid != 0)
        return err(SBI_ERR_NOT_SUPPORTED);
    return err(for_each_hart(h->m, a[0], a[1], raise_ssip, NULL));
}

/* -- RFENCE (spec §8) --------------------------------------------------------
 * Our TLB does not tag entries with an ASID, so the _asid form flushes the
 * same pages for every address space: more than asked, never less. */

static void fence_i(struct hart *t, const uint64_t *a)
{
    /* The interpreter fetches through the TLB every time, and translated
     * code is invalidated by stores to its page (DESIGN.md §4): FENCE.I has
     * nothing left to do. */
    (void)t;
    (void)a;
}

/* a[2] = start_addr, a[3] = size.  The whole address space when start and
 * size are both 0 or size is 2^XLEN-1 (§8 preamble); also when the range
 * wraps or spans many pages. */
static void flush_all(struct hart *t, bool one_asid)
{
    if (one_asid)
        mmu_tlb_flush_nonglobal(t); /* an ASID's: global mappings stay */
    else
        mmu_tlb_flush(t, true, 0);
}

static void fence_range(struct hart *t, const uint64_t *a, bool one_asid)
{
    uint64_t start = a[2], size = a[3];
    if ((start == 0 && size == 0) || size == UINT64_MAX || start + size < start) {
        flush_all(t, one_asid);
        return;
    }
    if (size == 0)
        return; /* an empty range */
    uint64_t first = start >> 12, last = (start + size - 1) >> 12;
    if (last - first >= RFENCE_MAX_PAGES) {
        flush_all(t, one_asid);
        return;
    }
    for (uint64_t page = first; page <= last; page++)
        mmu_tlb_flush(t, false, page << 12);
}

static void sfence_vma(struct hart *t, const uint64_t *a)
{
    fence_range(t, a, false);
}

static void sfence_vma_asid(struct hart *t, const uint64_t *a)
{
    fence_range(t, a, true);
}

static struct sbiret sbi_rfence(struct hart *h, uint64_t fid, const uint64_t *a)
{
    switch (fid) {
    case 0: return err(for_each_hart(h->m, a[0], a[1], fence_i, a));
    case 1: return err(for_each_hart(h->m, a[0], a[1], sfence_vma, a));
    case 2: return err(for_each_hart(h->m, a[0], a[1], sfence_vma_asid, a));
    }
    return err(SBI_ERR_NOT_SUPPORTED); /* 3-6: HFENCE, no H extension */
}

/* -- HSM (spec §9) ------------------------------------------------------------ */

static struct sbiret hart_start(struct hart *h, const uint64_t *a)
{
    struct hart *t = hart_by_id(h->m, a[0]);
    if (!t)
        return err(SBI_ERR_INVALID_PARAM);
    if (!t->stopped)
        return err(SBI_ERR_ALREADY_AVAILABLE);
    if (!valid_code_addr(h->m, a[1]))
        return err(SBI_ERR_INVALID_ADDRESS);
    start_hart_in_s_mode(t, a[1], a[2]);
    return ok(0);
}

/* The caller's registers do not matter any more: a later hart_start sets
 * them all. */
static struct sbiret hart_stop(struct hart *h)
{
    h->stopped = true;
    h->wfi = false;
    yield_hart(h);
    return ok(0);
}

static struct sbiret hart_get_status(struct hart *h, const uint64_t *a)
{
    struct hart *t = hart_by_id(h->m, a[0]);
    if (!t)
        return err(SBI_ERR_INVALID_PARAM);
    return ok(t->stopped ? SBI_HART_STOPPED : SBI_HART_STARTED);
}

/* Suspend types (spec §9.4): 0 default retentive, 0x80000000 default
 * non-retentive; 0x10000000-0x7fffffff and 0x90000000-0xffffffff platform
 * specific (we define none); the rest reserved. */
#define SUSPEND_RETENTIVE 0x00000000U
#define SUSPEND_NON_RETENTIVE 0x80000000U

/* Retentive suspend is WFI: the hart sleeps until an interrupt is pending
 * and enabled in sie, then the call returns success.  Non-retentive would
 * resume at resume_addr; cpu.c sets pc after we return, so it is refused
 * (Linux uses it only when the device tree lists idle states; ours does not). */
static struct sbiret hart_suspend(struct hart *h, const uint64_t *a)
{
    uint32_t type = (uint32_t)a[0];
    if (type == SUSPEND_NON_RETENTIVE)
        return err(SBI_ERR_NOT_SUPPORTED);
    if (type != SUSPEND_RETENTIVE)
        return err(SBI_ERR_INVALID_PARAM);
    if (!cpu_pending_irqs(h)) {
        h->wfi = true;
        cpu_kick(h);
    }
    return ok(0);
}

static struct sbiret sbi_hsm(struct hart *h, uint64_t fid, const uint64_t *a)
{
    switch (fid) {
    case 0: return hart_start(h, a);
    case 1: return hart_stop(h);
    case 2: return hart_get_status(h, a);
    case 3: return hart_suspend(h, a);
    }
    return err(SBI_ERR_NOT_SUPPORTED);
}

/* -- SRST (spec §10) and legacy shutdown (§5.9) ------------------------------
 * Our choice of exit status: 0 for a shutdown, 1 for a shutdown whose
 * reason is "system failure", so a script running a guest can tell them
 * apart.  Cold and warm reboot are the same here: reset harts and devices
 * and boot again. */

enum { RESET_SHUTDOWN = 0, RESET_COLD_REBOOT = 1, RESET_WARM_REBOOT = 2 };
enum { REASON_NONE = 0, REASON_SYSTEM_FAILURE = 1 };

static struct sbiret sbi_srst(struct hart *h, uint64_t fid, const uint64_t *a)
{
    if (fid != 0)
        return err(SBI_ERR_NOT_SUPPORTED);
    uint32_t type = (uint32_t)a[0], reason = (uint32_t)a[1];
    /* Reserved, SBI-specific and vendor reasons: we implement none. */
    if (reason != REASON_NONE && reason != REASON_SYSTEM_FAILURE)
        return err(SBI_ERR_INVALID_PARAM);
    if (type == RESET_SHUTDOWN)
        machine_exit(h->m, reason == REASON_SYSTEM_FAILURE ? 1 : 0);
    else if (type == RESET_COLD_REBOOT || type == RESET_WARM_REBOOT)
        machine_reset(h->m);
    else
        return err(SBI_ERR_INVALID_PARAM); /* reserved or vendor-specific types */
    yield_hart(h);
    return ok(0);
}

static struct sbiret sbi_legacy_shutdown(struct hart *h, uint64_t fid, const uint64_t *a)
{
    (void)fid;
    (void)a;
    machine_exit(h->m, 0);
    yield_hart(h);
    return ok(0);
}

/* -- DBCN (spec §12) and the legacy console (§5.2, §5.3) --------------------
 * Buffers are guest physical: num_bytes at base_addr_lo, with base_addr_hi
 * the upper XLEN bits of the address (so 0 on RV64).  They must lie wholly
 * in RAM. */

static uint8_t *dbcn_buffer(struct machine *m, const uint64_t *a)
{
    uint64_t len = a[0], lo = a[1], hi = a[2];
    if (hi != 0)
        return NULL;
    return mmu_ram_ptr(m, lo, len);
}

static struct sbiret dbcn_write(struct hart *h, const uint64_t *a)
{
    if (a[0] == 0)
        return ok(0);
    uint8_t *p = dbcn_buffer(h->m, a);
    if (!p)
        return err(SBI_ERR_INVALID_PARAM);
    console_write(h->m, p, a[0]);
    return ok(a[0]);
}

/* Non-blocking: whatever input is waiting, up to num_bytes.  The bytes are
 * stored through the bus, as a device would, so that a later JIT sees
 * writes to pages holding code. */
static struct sbiret dbcn_read(struct hart *h, const uint64_t *a)
{
    if (a[0] == 0)
        return ok(0);
    if (!dbcn_buffer(h->m, a))
        return err(SBI_ERR_INVALID_PARAM);
    uint64_t n = 0;
    int c;
    while (n < a[0] && (c = console_getchar(h->m)) >= 0) {
        if (!mmu_phys_write(h->m, a[1] + n, 1, (uint64_t)c))
            return err(SBI_ERR_FAILED); /* cannot happen: checked above */
        n++;
    }
    return ok(n);
}

static struct sbiret sbi_dbcn(struct hart *h, uint64_t fid, const uint64_t *a)
{
    switch (fid) {
    case 0: return dbcn_write(h, a);
    case 1: return dbcn_read(h, a);
    case 2: {
        uint8_t byte = (uint8_t)a[0];
        console_write(h->m, &byte, 1);
        return ok(0);
    }
    }
    return err(SBI_ERR_NOT_SUPPORTED);
}

static struct sbiret sbi_legacy_putchar(struct hart *h, uint64_t fid, const uint64_t *a)
{
    (void)fid;
    uint8_t byte = (uint8_t)a[0];
    console_write(h->m, &byte, 1);
    return ok(0);
}

/* Returns the byte, or -1 when no input is waiting. */
static struct sbiret sbi_legacy_getchar(struct hart *h, uint64_t fid, const uint64_t *a)
{
    (void)fid;
    (void)a;
    return err(console_getchar(h->m));
}

/* -- Dispatch --------------------------------------------------------------- */

static const struct sbi_ext extensions[] = {
    {SBI_EXT_LEGACY_SET_TIMER, "legacy_set_timer", sbi_legacy_set_timer, true},
    {SBI_EXT_LEGACY_PUTCHAR, "legacy_putchar", sbi_legacy_putchar, true},
    {SBI_EXT_LEGACY_GETCHAR, "legacy_getchar", sbi_legacy_getchar, true},
    {SBI_EXT_LEGACY_SHUTDOWN, "legacy_shutdown", sbi_legacy_shutdown, true},
    {SBI_EXT_BASE, "BASE", sbi_base, false},
    {SBI_EXT_TIME, "TIME", sbi_time, false},
    {SBI_EXT_IPI, "IPI", sbi_ipi, false},
    {SBI_EXT_RFENCE, "RFENCE", sbi_rfence, false},
    {SBI_EXT_HSM, "HSM", sbi_hsm, false},
    {SBI_EXT_SRST, "SRST", sbi_srst, false},
    {SBI_EXT_DBCN, "DBCN", sbi_dbcn, false},
};

static const struct sbi_ext *find_ext(uint64_t eid)
{
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (extensions[i].eid == eid)
            return &extensions[i];
    return NULL;
}

/* -d sbi: one line per call, error/value after the arrow:
 *   sbi: hart 0 ext TIME fid 0 a0=0x1a2b3c a1=0 -> 0/0 */
static void log_call(struct hart *h, const struct sbi_ext *e, uint64_t eid, uint64_t fid,
                     const uint64_t *a, struct sbiret r)
{
    FILE *f = h->m->logf;
    fprintf(f, "sbi: hart %llu ext ", (unsigned long long)h->hartid);
    if (e)
        fprintf(f, "%s", e->name);
    else
        fprintf(f, "%#llx", (unsigned long long)eid);
    fprintf(f, " fid %llu a0=%#llx a1=%#llx -> %lld/%#llx\n", (unsigned long long)fid,
            (unsigned long long)a[0], (unsigned long long)a[1], (long long)r.error,
            (unsigned long long)r.value);
}

bool sbi_ecall(struct hart *h)
{
    if (h->m->wlog)
        h->m->wlog->side_effects = true; /* -check: consoles, timers, other harts */
    uint64_t eid = h->x[17], fid = h->x[16];
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = h->x[10 + i];

    const struct sbi_ext *e = find_ext(eid);
    struct sbiret r = e ? e->call(h, fid, a) : err(SBI_ERR_NOT_SUPPORTED);
    if (h->m->log & LOG_SBI)
        log_call(h, e, eid, fid, a, r);

    /* Legacy EIDs 0x00-0x0F, served or not, keep a1. */
    bool legacy = e ? e->legacy : eid <= 0x0f;
    h->x[10] = (uint64_t)r.error;
    if (!legacy)
        h->x[11] = r.value;
    return true;
}
