/* sbi_test.c — sbi.c against stubs of the rest of the emulator, printing TAP.
 *
 *   cc -std=c11 -D_GNU_SOURCE -Iinclude -o sbi_test tests/unit/sbi_test.c sbi.c && ./sbi_test
 *
 * Each test sets a7/a6/a0.. on a hart, calls sbi_ecall() and checks a0/a1
 * and the state the call should have changed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"
#include "sbi.h"

/* -- Stubs ------------------------------------------------------------------ */

static char console_out[256];
static size_t console_out_len;
static const char *console_in = "";
static int flushes_all, flushes_page, flushes_nonglobal;
static uint64_t last_flush_va;

void console_write(struct machine *m, const void *buf, size_t len)
{
    (void)m;
    if (len > sizeof console_out - console_out_len)
        len = sizeof console_out - console_out_len;
    memcpy(console_out + console_out_len, buf, len);
    console_out_len += len;
}

int console_getchar(struct machine *m)
{
    (void)m;
    return *console_in ? (unsigned char)*console_in++ : -1;
}

void cpu_reset(struct hart *h, struct machine *m, uint64_t hartid, uint64_t pc)
{
    memset(h, 0, offsetof(struct hart, tlb));
    h->m = m;
    h->hartid = hartid;
    h->pc = pc;
    h->priv = PRIV_M;
}

void cpu_update_mmu_ctx(struct hart *h)
{
    (void)h;
}

void cpu_request_interrupt_check(struct hart *h)
{
    h->interrupt_check = true;
    cpu_kick(h);
}

uint64_t cpu_pending_irqs(struct hart *h)
{
    return (h->mip | h->irq_lines) & h->mie;
}

uint8_t *mmu_ram_ptr(struct machine *m, uint64_t paddr, uint64_t len)
{
    uint64_t off = paddr - m->ram_base;
    if (paddr < m->ram_base || off > m->ram_size || len > m->ram_size - off)
        return NULL;
    return m->ram + off;
}

bool mmu_phys_write(struct machine *m, uint64_t paddr, int size, uint64_t value)
{
    uint8_t *p = mmu_ram_ptr(m, paddr, (uint64_t)size);
    if (!p)
        return false;
    memcpy(p, &value, (size_t)size); /* little-endian host */
    return true;
}

/* The boot PMP entry: recorded, not interpreted (mmu.c's job). */
void mmu_pmp_write(struct hart *h, unsigned csr, uint64_t value)
{
    if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + PMP_ENTRIES)
        h->pmpaddr[csr - CSR_PMPADDR0] = value;
    else if (csr == CSR_PMPCFG2)
        for (int b = 0; b < 8; b++)
            h->pmpcfg[8 + b] = (uint8_t)(value >> (8 * b));
}

void mmu_tlb_flush(struct hart *h, bool all, uint64_t va)
{
    (void)h;
    if (all)
        flushes_all++;
    else
        flushes_page++;
    last_flush_va = va;
}

void mmu_tlb_flush_nonglobal(struct hart *h)
{
    (void)h;
    flushes_nonglobal++;
}

void machine_exit(struct machine *m, int code)
{
    m->exit_requested = true;
    m->exit_code = code;
}

void machine_reset(struct machine *m)
{
    m->reset_requested = true;
}

/* -- Harness ---------------------------------------------------------------- */

static int tests, failures;

static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - ", cond ? "" : "not ", ++tests);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures += !cond;
}

#define NHARTS 3
static struct machine mach;
static struct hart harts[NHARTS];
static uint8_t ram[1 << 16];

static void setup(void)
{
    memset(&mach, 0, sizeof mach);
    mach.ram = ram;
    mach.ram_base = RAM_BASE;
    mach.ram_size = sizeof ram;
    mach.nharts = NHARTS;
    mach.logf = stderr;
    for (int i = 0; i < NHARTS; i++) {
        cpu_reset(&harts[i], &mach, (uint64_t)i, 0);
        sbi_prepare_hart_for_s_mode(&harts[i]);
        harts[i].priv = PRIV_S;
        harts[i].stopped = i != 0;
        mach.harts[i] = &harts[i];
    }
    console_out_len = 0;
    console_in = "";
    flushes_all = flushes_page = flushes_nonglobal = 0;
}

/* ecall on hart 0 (or h): returns a0, *value = a1. */
static int64_t call(struct hart *h, uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1,
                    uint64_t a2, uint64_t a3, uint64_t *value)
{
    h->x[17] = eid;
    h->x[16] = fid;
    h->x[10] = a0;
    h->x[11] = a1;
    h->x[12] = a2;
    h->x[13] = a3;
    if (!sbi_ecall(h))
        ok(false, "sbi_ecall returned false");
    if (value)
        *value = h->x[11];
    return (int64_t)h->x[10];
}

/* -- Tests ------------------------------------------------------------------ */

static void test_base(void)
{
    struct hart *h = &harts[0];
    uint64_t v;
    ok(call(h, SBI_EXT_BASE, 0, 0, 0, 0, 0, &v) == 0 && v == (2u << 24), "spec version 2.0");
    ok(call(h, SBI_EXT_BASE, 1, 0, 0, 0, 0, &v) == 0 && v == SBI_IMPL_ID_DBT, "impl id");
    uint64_t present[] = {SBI_EXT_TIME, SBI_EXT_IPI,  SBI_EXT_RFENCE, SBI_EXT_HSM,
                          SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_BASE,   0x01};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        ok(call(h, SBI_EXT_BASE, 3, present[i], 0, 0, 0, &v) == 0 && v == 1, "probe %#llx = 1",
           (unsigned long long)present[i]);
    uint64_t absent[] = {0x504D55 /* PMU */, 0x535441 /* STA */, 0x03, 0x4E41434C};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        ok(call(h, SBI_EXT_BASE, 3, absent[i], 0, 0, 0, &v) == 0 && v == 0, "probe %#llx = 0",
           (unsigned long long)absent[i]);
    ok(call(h, SBI_EXT_BASE, 4, 0, 0, 0, 0, &v) == 0 && v == 0, "mvendorid 0");
    ok(call(h, SBI_EXT_BASE, 7, 0, 0, 0, 0, &v) == SBI_ERR_NOT_SUPPORTED, "base fid 7");
    ok(call(h, 0x12345678, 0, 0, 0, 0, 0, &v) == SBI_ERR_NOT_SUPPORTED, "unknown EID");
}

static void test_prepare(void)
{
    struct hart *h = &harts[0];
    ok(h->menvcfg & MENVCFG_STCE, "STCE set");
    ok(h->mcounteren == 7, "mcounteren 7");
    ok(h->mideleg == (MIP_SSIP | MIP_STIP | MIP_SEIP), "mideleg S interrupts");
    ok((h->medeleg & (1 << EXC_ILLEGAL_INSN)) && (h->medeleg & (1 << EXC_STORE_PAGE_FAULT)) &&
           !(h->medeleg & (1 << EXC_ECALL_S)),
       "medeleg");
}

static void test_time(void)
{
    struct hart *h = &harts[0];
    h->mip |= MIP_STIP;
    ok(call(h, SBI_EXT_TIME, 0, 12345, 0, 0, 0, NULL) == 0, "set_timer ok");
    ok(h->stimecmp == 12345 && !(h->mip & MIP_STIP) && h->interrupt_check,
       "stimecmp set, STIP cleared");
    h->x[11] = 0xaaaa;
    ok(call(h, SBI_EXT_LEGACY_SET_TIMER, 0, 777, 0xaaaa, 0, 0, NULL) == 0 && h->stimecmp == 777 &&
           h->x[11] == 0xaaaa,
       "legacy set_timer keeps a1");
}

static void test_ipi(void)
{
    struct hart *h = &harts[0];
    ok(call(h, SBI_EXT_IPI, 0, 0x6, 0, 0, 0, NULL) == 0, "send_ipi harts 1,2");
    ok(!(harts[0].mip & MIP_SSIP) && (harts[1].mip & MIP_SSIP) && (harts[2].mip & MIP_SSIP),
       "SSIP on 1 and 2 only");
    harts[1].mip = harts[2].mip = 0;
    ok(call(h, SBI_EXT_IPI, 0, 0x3, 1, 0, 0, NULL) == 0 && (harts[2].mip & MIP_SSIP) &&
           (harts[1].mip & MIP_SSIP) && !(harts[0].mip & MIP_SSIP),
       "hart_mask_base 1");
    harts[1].mip = 0;
    ok(call(h, SBI_EXT_IPI, 0, 0x9, 0, 0, 0, NULL) == SBI_ERR_INVALID_PARAM &&
           !(harts[0].mip & MIP_SSIP),
       "hart 3 invalid: nothing sent");
    ok(call(h, SBI_EXT_IPI, 0, 0x4, UINT64_MAX - 1, 0, 0, NULL) == SBI_ERR_INVALID_PARAM &&
           !(harts[0].mip & MIP_SSIP),
       "hart ids that wrap past 2^64 are invalid");
    ok(call(h, SBI_EXT_IPI, 0, 0, UINT64_MAX, 0, 0, NULL) == 0 &&
           (harts[0].mip & harts[1].mip & harts[2].mip & MIP_SSIP),
       "base -1: all harts");
}

static void test_rfence(void)
{
    struct hart *h = &harts[0];
    ok(call(h, SBI_EXT_RFENCE, 1, 1, 0, 0, 0, NULL) == 0 && flushes_all == 1, "0,0 = all");
    ok(call(h, SBI_EXT_RFENCE, 1, 1, 0, 0x1000, UINT64_MAX, NULL) == 0 && flushes_all == 2,
       "size -1 = all");
    ok(call(h, SBI_EXT_RFENCE, 1, 1, 0, 0x1ff8, 0x10, NULL) == 0 && flushes_page == 2 &&
           last_flush_va == 0x2000,
       "range over two pages");
    ok(call(h, SBI_EXT_RFENCE, 2, 0x7, 0, 0x10000, 0x1000000, NULL) == 0 && flushes_all == 2 &&
           flushes_nonglobal == 3,
       "asid form, big range, 3 harts = all but global mappings");
    ok(call(h, SBI_EXT_RFENCE, 2, 1, 0, 0, 0, NULL) == 0 && flushes_all == 2 &&
           flushes_nonglobal == 4,
       "asid form, 0,0 = all but global mappings");
    ok(call(h, SBI_EXT_RFENCE, 2, 1, 0, 0x3000, 0x1000, NULL) == 0 && flushes_page == 3 &&
           last_flush_va == 0x3000,
       "asid form, one page");
    ok(call(h, SBI_EXT_RFENCE, 0, 0x10, 0, 0, 0, NULL) == SBI_ERR_INVALID_PARAM,
       "fence_i invalid hart");
    ok(call(h, SBI_EXT_RFENCE, 3, 1, 0, 0, 0, NULL) == SBI_ERR_NOT_SUPPORTED, "hfence");
}

static void test_hsm(void)
{
    struct hart *h = &harts[0];
    uint64_t v;
    ok(call(h, SBI_EXT_HSM, 2, 1, 0, 0, 0, &v) == 0 && v == SBI_HART_STOPPED, "hart 1 stopped");
    ok(call(h, SBI_EXT_HSM, 2, 0, 0, 0, 0, &v) == 0 && v == SBI_HART_STARTED, "hart 0 started");
    ok(call(h, SBI_EXT_HSM, 2, 5, 0, 0, 0, &v) == SBI_ERR_INVALID_PARAM, "hart 5 invalid");
    ok(call(h, SBI_EXT_HSM, 0, 1, 0x1000, 0, 0, NULL) == SBI_ERR_INVALID_ADDRESS,
       "start at non-RAM");
    harts[1].irq_lines = MIP_SEIP;
    harts[1].satp = 123;
    harts[1].mstatus = MSTATUS_SIE;
    ok(call(h, SBI_EXT_HSM, 0, 1, RAM_BASE + 0x200, 0xfeed, 0, NULL) == 0, "start hart 1");
    struct hart *t = &harts[1];
    ok(!t->stopped && t->priv == PRIV_S && t->pc == RAM_BASE + 0x200 && t->x[10] == 1 &&
           t->x[11] == 0xfeed && t->satp == 0 && !(t->mstatus & MSTATUS_SIE) &&
           (t->menvcfg & MENVCFG_STCE) && t->mcounteren == 7 && t->irq_lines == MIP_SEIP,
       "hart 1 state at start");
    ok(call(h, SBI_EXT_HSM, 0, 1, RAM_BASE, 0, 0, NULL) == SBI_ERR_ALREADY_AVAILABLE,
       "start again");
    ok(call(t, SBI_EXT_HSM, 1, 0, 0, 0, 0, NULL) == 0 && t->stopped && t->exit_request &&
           t->insn_limit == 0,
       "hart 1 stops itself");
    ok(call(h, SBI_EXT_HSM, 3, 0, 0, 0, 0, NULL) == 0 && h->wfi, "retentive suspend = wfi");
    h->wfi = false;
    h->mie = MIP_SSIP;
    h->mip = MIP_SSIP;
    ok(call(h, SBI_EXT_HSM, 3, 0, 0, 0, 0, NULL) == 0 && !h->wfi, "suspend with irq pending");
    ok(call(h, SBI_EXT_HSM, 3, 0x80000000, RAM_BASE, 0, 0, NULL) == SBI_ERR_NOT_SUPPORTED,
       "non-retentive not supported");
    ok(call(h, SBI_EXT_HSM, 3, 0x5, 0, 0, 0, NULL) == SBI_ERR_INVALID_PARAM, "reserved type");
}

static void test_srst(void)
{
    struct hart *h = &harts[0];
    ok(call(h, SBI_EXT_SRST, 0, 3, 0, 0, 0, NULL) == SBI_ERR_INVALID_PARAM && !mach.exit_requested,
       "reserved type");
    ok(call(h, SBI_EXT_SRST, 0, 0, 2, 0, 0, NULL) == SBI_ERR_INVALID_PARAM, "reserved reason");
    call(h, SBI_EXT_SRST, 0, 1, 0, 0, 0, NULL);
    ok(mach.reset_requested && h->exit_request, "cold reboot");
    call(h, SBI_EXT_SRST, 0, 0, 1, 0, 0, NULL);
    ok(mach.exit_requested && mach.exit_code == 1, "shutdown, system failure: exit 1");
    setup();
    call(h, SBI_EXT_SRST, 0, 0, 0, 0, 0, NULL);
    ok(mach.exit_requested && mach.exit_code == 0, "shutdown: exit 0");
    setup();
    call(h, SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0, 0, NULL);
    ok(mach.exit_requested && mach.exit_code == 0, "legacy shutdown");
}

static void test_dbcn(void)
{
    struct hart *h = &harts[0];
    uint64_t v;
    memcpy(ram + 0x100, "hello", 5);
    ok(call(h, SBI_EXT_DBCN, 0, 5, RAM_BASE + 0x100, 0, 0, &v) == 0 && v == 5 &&
           console_out_len == 5 && !memcmp(console_out, "hello", 5),
       "console_write");
    ok(call(h, SBI_EXT_DBCN, 0, 5, RAM_BASE + sizeof ram - 2, 0, 0, &v) == SBI_ERR_INVALID_PARAM,
       "write past RAM");
    ok(call(h, SBI_EXT_DBCN, 0, 5, RAM_BASE, 1, 0, &v) == SBI_ERR_INVALID_PARAM, "base_hi != 0");
    ok(call(h, SBI_EXT_DBCN, 0, 1, 0x10000000, 0, 0, &v) == SBI_ERR_INVALID_PARAM, "MMIO");
    ok(call(h, SBI_EXT_DBCN, 2, 'x', 0, 0, 0, &v) == 0 && console_out[5] == 'x', "write_byte");
    console_in = "abc";
    ok(call(h, SBI_EXT_DBCN, 1, 2, RAM_BASE + 0x200, 0, 0, &v) == 0 && v == 2 &&
           !memcmp(ram + 0x200, "ab", 2),
       "console_read 2 of 3");
    ok(call(h, SBI_EXT_DBCN, 1, 8, RAM_BASE + 0x200, 0, 0, &v) == 0 && v == 1 && ram[0x200] == 'c',
       "console_read the rest");
    ok(call(h, SBI_EXT_DBCN, 1, 8, RAM_BASE + 0x200, 0, 0, &v) == 0 && v == 0,
       "console_read nothing");
    ok(call(h, SBI_EXT_LEGACY_PUTCHAR, 0, 'y', 0x55, 0, 0, &v) == 0 && v == 0x55 &&
           console_out[6] == 'y',
       "legacy putchar");
    console_in = "z";
    ok(call(h, SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, NULL) == 'z', "legacy getchar");
    ok(call(h, SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, NULL) == -1, "legacy getchar empty");
    ok(call(h, 0x04, 0, 0, 0x77, 0, 0, &v) == SBI_ERR_NOT_SUPPORTED && v == 0x77,
       "legacy send_ipi unsupported, a1 kept");
}

static void test_log(void)
{
    struct hart *h = &harts[0];
    char buf[512] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    mach.logf = f;
    mach.log = LOG_SBI;
    call(h, SBI_EXT_TIME, 0, 0x1234, 0, 0, 0, NULL);
    call(h, 0x99, 7, 1, 0, 0, 0, NULL);
    fclose(f);
    mach.log = 0;
    mach.logf = stderr;
    ok(strstr(buf, "sbi: hart 0 ext TIME fid 0 a0=0x1234 a1=0 -> 0/0\n") != NULL, "log line");
    ok(strstr(buf, "sbi: hart 0 ext 0x99 fid 7 a0=0x1 a1=0 -> -2/0\n") != NULL,
       "log of unknown EID");
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        printf("# %s\n", line);
}

int main(void)
{
    setup();
    test_base();
    test_prepare();
    test_time();
    test_ipi();
    setup();
    test_rfence();
    setup();
    test_hsm();
    setup();
    test_srst();
    setup();
    test_dbcn();
    setup();
    test_log();
    printf("1..%d\n", tests);
    return failures != 0;
}
