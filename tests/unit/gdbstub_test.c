/* gdbstub_test.c — gdb_handle_packet() without a socket: a detached stub on
 * a small machine (1 MiB of RAM, two harts) answers packets with known
 * replies, then 300000 random packets, which must neither crash it nor
 * overrun the reply; and the monitor's info mem on a looping page table.  Built by tests/34-gdbstub-unit.t with every room but
 * dbt.c; a libFuzzer target can be built the same way around
 * handle_one(). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"
#include "gdbstub.h"
#include "monitor.h"

static int test_number, failures;

static void ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - ", cond ? "ok" : "not ok", ++test_number);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures += !cond;
}

static struct machine *new_machine(void)
{
    static struct machine m;
    m.ram_base = RAM_BASE;
    m.ram_size = 1 << 20;
    m.ram = calloc(1, m.ram_size);
    m.logf = stderr;
    machine_init_pages(&m);
    for (int i = 0; i < 2; i++) {
        m.harts[i] = calloc(1, sizeof *m.harts[i]);
        cpu_reset(m.harts[i], &m, (uint64_t)i, RAM_BASE);
    }
    m.nharts = 2;
    return &m;
}

static char reply[16384];

/* One packet; the reply as a NUL-terminated string in reply[]. */
static enum gdb_action handle_one(struct gdbstub *g, const char *pkt, size_t len)
{
    size_t n;
    enum gdb_action a = gdb_handle_packet(g, pkt, len);
    const char *r = gdbstub_reply(g, &n);
    if (n >= sizeof reply)
        n = sizeof reply - 1;
    memcpy(reply, r, n);
    reply[n] = 0;
    return a;
}

static const char *ask(struct gdbstub *g, const char *pkt)
{
    handle_one(g, pkt, strlen(pkt));
    return reply;
}

static void known_replies(struct gdbstub *g, struct machine *m)
{
    ok(!strcmp(ask(g, "?"), "T05thread:1;"), "? -> T05thread:1; (%s)", reply);
    ask(g, "g");
    ok(strlen(reply) == 33 * 16 && !strcmp(reply + 32 * 16, "0000008000000000"),
       "g: x0-x31 and pc = 0x80000000");
    ok(!strcmp(ask(g, "P20=0800008000000000"), "OK") && m->harts[0]->pc == 0x80000008,
       "P20: pc written");
    ok(!strcmp(ask(g, "p20"), "0800008000000000"), "p20 reads it back (%s)", reply);
    ok(!strcmp(ask(g, "P0=ffffffffffffffff"), "OK") && m->harts[0]->x[0] == 0, "x0 stays zero");
    ok(!strcmp(ask(g, "p1041"), "0300000000000000"), "p1041: priv = M");
    ok(!strcmp(ask(g, "p43"), "00000000"), "fcsr (regnum 0x43) is 4 bytes (%s)", reply);
    ok(!strcmp(ask(g, "M80000000,8:1300000013000000"), "OK") &&
       !strcmp(ask(g, "m80000000,8"), "1300000013000000"), "M then m: two nops");
    ok(!strcmp(ask(g, "m10000000,4"), "E0e"), "m of a device address: E0e");
    ask(g, "P20=0000008000000000");
    ok(handle_one(g, "s", 1) == GDB_REPLY && !strcmp(reply, "T05thread:1;") &&
       m->harts[0]->pc == 0x80000004, "s steps one instruction (pc 0x80000004)");
    ok(!strcmp(ask(g, "Z0,80000010,4"), "OK") && !strcmp(ask(g, "z0,80000010,4"), "OK"),
       "Z0/z0 insert and remove");
    /* sd zero,0x100(t0) with t0 = 0x80000000 */
    ok(!strcmp(ask(g, "Z2,80000100,8"), "OK") && !strcmp(ask(g, "M80000004,4:23b00210"), "OK")
       && !strcmp(ask(g, "P5=0000008000000000"), "OK")
       && handle_one(g, "s", 1) == GDB_REPLY && !strcmp(reply, "T05thread:1;watch:80000100;")
       && m->harts[0]->pc == 0x80000004,
       "a step onto a store to a watched address stops before it (%s)", reply);
    ask(g, "z2,80000100,8");
    ok(!strcmp(ask(g, "Hg2"), "OK") && !strcmp(ask(g, "p20"), "0000008000000000"),
       "Hg2: registers of hart 1");
    ok(!strcmp(ask(g, "qfThreadInfo"), "m1,2"), "qfThreadInfo: m1,2");
    ok(!strncmp(ask(g, "qXfer:features:read:target.xml:0,10"), "m<?xml vers", 11),
       "qXfer: the first 16 bytes of target.xml");
    ok(handle_one(g, "c", 1) == GDB_RESUMED && !m->paused, "c resumes the machine");
}

/* Random packets over an alphabet that makes parsers work: hex digits,
 * separators, and the first letters of every packet. */
static void random_packets(struct gdbstub *g)
{
    static const char alphabet[] = "0123456789abcdefABCDEF,:;=-#$}*xgGpPmMHTZzqQvsc?kD\x00\xff";
    static const char *const prefixes[] = {
        "", "m", "M", "p", "P", "Z", "z", "H", "qXfer:features:read:target.xml:", "vCont;",
        "Qqemu.PhyMemMode:", "qThreadExtraInfo,", "qRcmd,", "G", "T",
    };
    char pkt[128];
    unsigned seed = 8;
    size_t worst = 0;
    for (int i = 0; i < 300000; i++) {
        const char *p = prefixes[rand_r(&seed) % (sizeof prefixes / sizeof *prefixes)];
        size_t n = strlen(p);
        memcpy(pkt, p, n);
        size_t extra = (size_t)rand_r(&seed) % 64;
        for (size_t k = 0; k < extra; k++)
            pkt[n++] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
        size_t len;
        gdb_handle_packet(g, pkt, n);
        gdbstub_reply(g, &len);
        if (len > worst)
            worst = len;
    }
    ok(worst < 8192, "300000 random packets: no crash, longest reply %zu bytes", worst);
}

/* Sv48 with one table at RAM_BASE + 64 KiB whose 512 entries all point at
 * itself: every walk loops, and info mem must still end. */
static void hostile_page_table(struct machine *m)
{
    struct monitor *mon = monitor_create(m);
    struct hart *h = m->harts[0];
    uint64_t table = RAM_BASE + 0x10000;
    for (int i = 0; i < 512; i++) {
        uint64_t pte = (table >> 12) << 10 | 1; /* V, pointer to itself */
        memcpy(m->ram + 0x10000 + 8 * i, &pte, 8);
    }
    h->satp = (uint64_t)9 << 60 | table >> 12;
    h->priv = PRIV_S;
    size_t len;
    const char *out = monitor_run_command(mon, "info mem", &len);
    ok(strstr(out, "stopped after") != NULL, "info mem on a page table that points at itself ends");
    out = monitor_run_command(mon, "x/2x 0x1000", &len);
    ok(strstr(out, "Cannot access memory") != NULL, "x through it: Cannot access memory");
    h->satp = 0;
    h->priv = PRIV_M;
    monitor_destroy(mon);
}

int main(void)
{
    struct machine *m = new_machine();
    struct gdbstub *g = gdbstub_create_detached(m);
    known_replies(g, m);
    random_packets(g);
    hostile_page_table(m);
    gdbstub_destroy(g);
    printf("1..%d\n", test_number);
    return failures != 0;
}
