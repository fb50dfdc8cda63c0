/* gdbstub.c — the GDB remote serial protocol (RSP) over TCP: `-s` (port
 * 1234), `-gdb tcp::PORT`, `-S` (stay stopped until the debugger resumes).
 * dbt.c creates the stub; machine.c polls it between slices and, while a
 * breakpoint or watchpoint exists, runs the harts through gdbstub_run().
 *
 * How execution is debugged.  Translated code knows nothing of the
 * debugger.  While any breakpoint or watchpoint exists, machine.c does not
 * call the JIT: gdbstub_run() interprets the hart one cpu_step() at a time,
 * looking before each instruction for a breakpoint at the pc and, when
 * watchpoints exist, decoding the instruction to see whether its load,
 * store or AMO touches a watched range.  A watchpoint stops the machine
 * before the access, with the pc at the instruction, as QEMU does on RISC-V
 * (gdb's RISC-V watchpoints are "non-steppable": gdb removes them, steps
 * over the instruction, and compares old and new values itself).
 * The JIT keeps all guest state in the hart at every exit, so switching
 * between the two executors needs no flush; memory the debugger writes goes
 * through mmu_debug_access(), which invalidates translated code on that page
 * like any store.  When the last breakpoint goes the JIT takes over again at
 * the next slice.  A single step runs here, synchronously: one cpu_step()
 * of the selected hart with no interrupt taken (QEMU's default NOIRQ
 * stepping), the other harts stay stopped.
 *
 * The machine is all-stop: a breakpoint, a watchpoint, Ctrl-C (byte 0x03)
 * or a new connection pauses the whole machine (machine_pause, PAUSE_GDB);
 * the run loop then waits in poll() on our socket (and the console and the
 * monitor), so the monitor keeps working while gdb holds the machine.
 * Every hart is a gdb thread: thread id = hart id + 1.
 *
 * Registers (our target description, numbers as gdb's own RISC-V numbering):
 *   0..31 x0-x31, 32 pc, 33..64 f0-f31, 65 + CSR number for the CSRs
 *   (66 fflags, 67 frm, 68 fcsr, ...), 4161 priv (QEMU's virtual register:
 *   0 U, 1 S, 3 M; writable).  `g` carries x0-x31 and pc; gdb fetches the
 *   others with `p`.
 * Memory goes through the selected hart's MMU as it is now, without side
 * effects, or is physical after `maintenance packet Qqemu.PhyMemMode:1`.
 *
 * Input is hostile until proven otherwise: the framing state machine
 * bounds every packet (PACKET_MAX), gdb_handle_packet() parses with a cursor
 * that never passes the end, and every number and length is range checked.
 * Spec: "GDB Remote Serial Protocol" in the GDB manual (Appendix E).
 */
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dbt.h"
#include "disas.h"
#include "gdbstub.h"
#include "monitor.h"
#include "net.h"

#define PACKET_MAX 4096         /* payload bytes we take; told as PacketSize */
#define REPLY_MAX 8192          /* payload bytes of a reply */
#define XML_MAX 16384
#define MAX_BREAKPOINTS 64
#define MAX_WATCHPOINTS 16
#define RCMD_CHUNK 1024           /* monitor output bytes per O packet */
#define POLL_INTERVAL_NS 5000000ULL /* look at the socket every 5 ms */
#define SIGINT_GDB 2
#define SIGTRAP_GDB 5

#define REG_PC 32
#define REG_F0 33
#define REG_CSR0 65             /* 65 + CSR number */
#define REG_PRIV (REG_CSR0 + 4096)

/* The CSRs named in the target description (fflags, frm, fcsr are in the
 * FPU feature). */
static const unsigned described_csrs[] = {
    CSR_SSTATUS, CSR_SIE, CSR_STVEC, CSR_SCOUNTEREN, CSR_SENVCFG, CSR_SSCRATCH,
    CSR_SEPC, CSR_SCAUSE, CSR_STVAL, CSR_SIP, CSR_STIMECMP, CSR_SATP,
    CSR_MSTATUS, CSR_MISA, CSR_MEDELEG, CSR_MIDELEG, CSR_MIE, CSR_MTVEC,
    CSR_MCOUNTEREN, CSR_MENVCFG, CSR_MSCRATCH, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL,
    CSR_MIP, CSR_MHARTID, CSR_CYCLE, CSR_TIME, CSR_INSTRET,
};

enum rx_state { RX_IDLE, RX_DATA, RX_ESCAPE, RX_CSUM1, RX_CSUM2 };

/* Z2 write, Z3 read, Z4 access: the watchpoint's type is its Z number. */
enum { WATCH_WRITE = 2, WATCH_READ = 3, WATCH_ACCESS = 4 };

struct watchpoint {
    uint64_t addr, len;
    int type;
};

struct gdbstub {
    struct machine *m;
    int listen_fd, fd;     /* -1 when absent */
    bool no_ack;           /* QStartNoAckMode */
    bool ack_owed;         /* a '+' goes before the next packet we send */
    bool running;          /* resumed by c/vCont: a stop reply is owed */
    bool phys_mode;        /* Qqemu.PhyMemMode:1 */
    uint64_t next_poll_ns;

    /* the packet being received */
    enum rx_state rx;
    char rx_buf[PACKET_MAX];
    size_t rx_len;
    bool rx_overflow;
    uint8_t rx_sum, rx_csum;

    char reply[REPLY_MAX];
    size_t reply_len;
    bool reply_full;

    int g_hart, c_hart;    /* Hg (registers, memory), Hc (step) */
    uint64_t breakpoints[MAX_BREAKPOINTS];
    int nbreakpoints;
    struct watchpoint watchpoints[MAX_WATCHPOINTS];
    int nwatchpoints;

    /* the last stop, for '?' and for the reply owed to c */
    int stop_hart, stop_signal, stop_watch;
    uint64_t stop_addr;

    char xml[XML_MAX];
    size_t xml_len;
};

static void send_packet(struct gdbstub *g, const char *payload, size_t len); /* the connection */

/* -- Replies ------------------------------------------------------------------ */

/* printf at buf + *len, within cap; false, with nothing added, if it does
 * not fit whole (a piece cut in half would be a wrong reply). */
static bool append(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
    if (*len >= cap)
        return false;
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    if (n < 0 || (size_t)n >= cap - *len) {
        buf[*len] = 0;
        return false;
    }
    *len += (size_t)n;
    return true;
}

static void reply_add(struct gdbstub *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply_add(struct gdbstub *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!append(g->reply, sizeof g->reply, &g->reply_len, fmt, ap))
        g->reply_full = true;
    va_end(ap);
}

static void reply_hex(struct gdbstub *g, const void *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = bytes;
    if (g->reply_len + 2 * n >= sizeof g->reply) {
        g->reply_full = true; /* callers bound n: this is a safety net */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        g->reply[g->reply_len++] = digits[b[i] >> 4];
        g->reply[g->reply_len++] = digits[b[i] & 15];
    }
}

/* A little-endian register value of size bytes. */
static void reply_reg(struct gdbstub *g, uint64_t v, int size)
{
    uint8_t b[8];
    for (int i = 0; i < size; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    reply_hex(g, b, (size_t)size);
}

static void reply_error(struct gdbstub *g, int code)
{
    g->reply_len = 0;
    reply_add(g, "E%02x", code);
}

const char *gdbstub_reply(const struct gdbstub *g, size_t *len)
{
    *len = g->reply_len;
    return g->reply;
}

/* -- Parsing: a cursor that never passes the end -------------------------------- */

struct cursor {
    const char *p, *end;
};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One to sixteen hex digits. */
static bool take_hex(struct cursor *c, uint64_t *v)
{
    int n = 0;
    *v = 0;
    while (c->p < c->end && hex_digit(*c->p) >= 0) {
        if (++n > 16)
            return false;
        *v = *v << 4 | (uint64_t)hex_digit(*c->p++);
    }
    return n > 0;
}

static bool take_char(struct cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool take_prefix(struct cursor *c, const char *prefix)
{
    size_t n = strlen(prefix);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, prefix, n))
        return false;
    c->p += n;
    return true;
}

static bool at_end(const struct cursor *c)
{
    return c->p == c->end;
}

/* n bytes from 2n hex digits. */
static bool take_bytes(struct cursor *c, uint8_t *out, size_t n)
{
    if ((size_t)(c->end - c->p) / 2 < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(c->p[2 * i]), lo = hex_digit(c->p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    c->p += 2 * n;
    return true;
}

/* A little-endian register value of size bytes. */
static bool take_reg(struct cursor *c, uint64_t *v, int size)
{
    uint8_t b[8];
    if (!take_bytes(c, b, (size_t)size))
        return false;
    *v = 0;
    for (int i = 0; i < size; i++)
        *v |= (uint64_t)b[i] << (8 * i);
    return true;
}

/* A thread id: -1 (all), 0 (any) or hart id + 1.  *hart gets the hart
 * index, or -1 for all. */
static bool take_thread(struct gdbstub *g, struct cursor *c, int *hart)
{
    uint64_t tid;
    if (take_prefix(c, "-1")) {
        *hart = -1;
        return true;
    }
    if (!take_hex(c, &tid) || tid > (uint64_t)g->m->nharts)
        return false;
    *hart = tid == 0 ? 0 : (int)tid - 1;
    return true;
}

/* -- Registers ------------------------------------------------------------------- */

static int reg_size(int n)
{
    return n >= REG_CSR0 + CSR_FFLAGS && n <= REG_CSR0 + CSR_FCSR ? 4 : 8;
}

static bool reg_read(struct hart *h, int n, uint64_t *v)
{
    if (n >= 0 && n < 32) *v = h->x[n];
    else if (n == REG_PC) *v = h->pc;
    else if (n >= REG_F0 && n < REG_F0 + 32) *v = h->f[n - REG_F0];
    else if (n == REG_CSR0 + CSR_FFLAGS) *v = h->fflags;
    else if (n == REG_CSR0 + CSR_FRM) *v = h->frm;
    else if (n == REG_CSR0 + CSR_FCSR) *v = (uint64_t)h->frm << 5 | h->fflags;
    else if (n == REG_PRIV) *v = h->priv;
    else if (n > REG_CSR0 && n < REG_CSR0 + 4096) return cpu_csr_debug_read(h, (unsigned)(n - REG_CSR0), v);
    else return false;
    return true;
}

static bool reg_write(struct hart *h, int n, uint64_t v)
{
    if (n == 0) return true; /* x0 stays zero */
    if (n > 0 && n < 32) h->x[n] = v;
    else if (n == REG_PC) h->pc = v & ~1ULL;
    else if (n >= REG_F0 && n < REG_F0 + 32) h->f[n - REG_F0] = v;
    else if (n == REG_CSR0 + CSR_FFLAGS) h->fflags = v & 0x1f;
    else if (n == REG_CSR0 + CSR_FRM) h->frm = v & 7;
    else if (n == REG_CSR0 + CSR_FCSR) h->fflags = v & 0x1f, h->frm = (v >> 5) & 7;
    else if (n == REG_PRIV) {
        if (v != PRIV_U && v != PRIV_S && v != PRIV_M)
            return false;
        h->priv = (uint8_t)v;
    } else if (n > REG_CSR0 && n < REG_CSR0 + 4096)
        return cpu_csr_debug_write(h, (unsigned)(n - REG_CSR0), v);
    else
        return false;
    cpu_update_mmu_ctx(h); /* priv and frm select the code and the TLB */
    return true;
}

/* -- The target description --------------------------------------------------------- */

static void xml_add(struct gdbstub *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xml_add(struct gdbstub *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool fits = append(g->xml, sizeof g->xml, &g->xml_len, fmt, ap);
    va_end(ap);
    assert(fits); /* XML_MAX holds the whole description */
}

static void xml_reg(struct gdbstub *g, const char *name, int bits, const char *type, int regnum)
{
    xml_add(g, "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"/>\n", name, bits,
            type, regnum);
}

static void build_target_xml(struct gdbstub *g)
{
    g->xml_len = 0;
    xml_add(g, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
               "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
               "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (int i = 0; i < 32; i++)
        xml_reg(g, disas_reg_names[i], 64, i == 1 ? "code_ptr" : i == 2 ? "data_ptr" : "int", i);
    xml_reg(g, "pc", 64, "code_ptr", REG_PC);
    xml_add(g, "</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n");
    for (int i = 0; i < 32; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        xml_reg(g, name, 64, "ieee_double", REG_F0 + i);
    }
    for (unsigned csr = CSR_FFLAGS; csr <= CSR_FCSR; csr++)
        xml_reg(g, disas_csr_name(csr), 32, "int", REG_CSR0 + (int)csr);
    xml_add(g, "</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n");
    for (size_t i = 0; i < sizeof described_csrs / sizeof *described_csrs; i++)
        xml_reg(g, disas_csr_name(described_csrs[i]), 64, "int",
                REG_CSR0 + (int)described_csrs[i]);
    xml_add(g, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n");
    xml_reg(g, "priv", 64, "int", REG_PRIV);
    xml_add(g, "</feature>\n</target>\n");
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static void handle_xfer_features(struct gdbstub *g, struct cursor *c)
{
    uint64_t off, len;
    if (!take_prefix(c, "target.xml:") || !take_hex(c, &off) || !take_char(c, ',') ||
        !take_hex(c, &len) || !at_end(c))
        return reply_error(g, 0);
    if (off >= g->xml_len) {
        reply_add(g, "l");
        return;
    }
    size_t n = g->xml_len - off;
    if (n > len)
        n = len;
    if (n > sizeof g->reply - 2)
        n = sizeof g->reply - 2;
    g->reply[0] = off + n < g->xml_len ? 'm' : 'l';
    memcpy(g->reply + 1, g->xml + off, n);
    g->reply_len = n + 1;
}

/* -- Breakpoints and watchpoints ---------------------------------------------------- */

static int find_breakpoint(const struct gdbstub *g, uint64_t addr)
{
    for (int i = 0; i < g->nbreakpoints; i++)
        if (g->breakpoints[i] == addr)
            return i;
    return -1;
}

static bool insert_breakpoint(struct gdbstub *g, uint64_t addr)
{
    if (find_breakpoint(g, addr) >= 0)
        return true;
    if (g->nbreakpoints == MAX_BREAKPOINTS)
        return false;
    g->breakpoints[g->nbreakpoints++] = addr;
    return true;
}

static void remove_breakpoint(struct gdbstub *g, uint64_t addr)
{
    int i = find_breakpoint(g, addr);
    if (i >= 0)
        g->breakpoints[i] = g->breakpoints[--g->nbreakpoints];
}

static bool insert_watchpoint(struct gdbstub *g, int type, uint64_t addr, uint64_t len)
{
    if (g->nwatchpoints == MAX_WATCHPOINTS || len == 0 || len > 4096)
        return false;
    g->watchpoints[g->nwatchpoints++] = (struct watchpoint){addr, len, type};
    return true;
}

static void remove_watchpoint(struct gdbstub *g, int type, uint64_t addr, uint64_t len)
{
    for (int i = 0; i < g->nwatchpoints; i++) {
        struct watchpoint *w = &g->watchpoints[i];
        if (w->type == type && w->addr == addr && w->len == len) {
            *w = g->watchpoints[--g->nwatchpoints];
            return;
        }
    }
}

/* Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints are the same
 * thing here (neither writes guest memory); 2, 3, 4 watchpoints. */
static void handle_z(struct gdbstub *g, struct cursor *c, bool insert)
{
    uint64_t type, addr, kind;
    if (!take_hex(c, &type) || !take_char(c, ',') || !take_hex(c, &addr) ||
        !take_char(c, ',') || !take_hex(c, &kind))
        return reply_error(g, 1);
    /* a conditions list (";X...") may follow; we evaluate none */
    if (type > WATCH_ACCESS)
        return; /* unsupported: empty reply */
    bool ok = true;
    if (type <= 1 && insert)
        ok = insert_breakpoint(g, addr);
    else if (type <= 1)
        remove_breakpoint(g, addr);
    else if (insert)
        ok = insert_watchpoint(g, (int)type, addr, kind);
    else
        remove_watchpoint(g, (int)type, addr, kind);
    if (ok)
        reply_add(g, "OK");
    else
        reply_error(g, 0x0e);
}

/* The data access instruction in makes, if any: address, size, and whether
 * it reads and writes. */
static bool insn_access(const struct hart *h, const struct insn *in, uint64_t *addr, int *size,
                        bool *reads, bool *writes)
{
    enum op op = (enum op)in->op;
    *reads = *writes = false;
    *addr = h->x[in->rs1];
    switch (op) {
    case OP_LB: case OP_LBU: *size = 1; *reads = true; break;
    case OP_LH: case OP_LHU: *size = 2; *reads = true; break;
    case OP_LW: case OP_LWU: case OP_FLW: *size = 4; *reads = true; break;
    case OP_LD: case OP_FLD: *size = 8; *reads = true; break;
    case OP_SB: *size = 1; *writes = true; break;
    case OP_SH: *size = 2; *writes = true; break;
    case OP_SW: case OP_FSW: *size = 4; *writes = true; break;
    case OP_SD: case OP_FSD: *size = 8; *writes = true; break;
    case OP_LR_W: *size = 4; *reads = true; return true;
    case OP_LR_D: *size = 8; *reads = true; return true;
    case OP_SC_W: *size = 4; *writes = true; return true;
    case OP_SC_D: *size = 8; *writes = true; return true;
    default:
        if (op >= OP_AMOSWAP_W && op <= OP_AMOMAXU_W)
            *size = 4;
        else if (op >= OP_AMOSWAP_D && op <= OP_AMOMAXU_D)
            *size = 8;
        else
            return false;
        *reads = *writes = true;
        return true;
    }
    *addr += (uint64_t)in->imm;
    return true;
}

/* Does the instruction at h->pc touch a watched range?  Returns the
 * watchpoint type hit (0: none) and the address to report. */
static int watch_hit(const struct gdbstub *g, struct hart *h, uint64_t *hit_addr)
{
    uint32_t bits;
    uint64_t addr;
    int size;
    bool reads, writes;
    if (!mmu_fetch(h, h->pc, &bits) ||
        !insn_access(h, cpu_decode_cached(h, bits), &addr, &size, &reads, &writes))
        return 0;
    for (int i = 0; i < g->nwatchpoints; i++) {
        const struct watchpoint *w = &g->watchpoints[i];
        bool kind = w->type == WATCH_ACCESS || (w->type == WATCH_WRITE && writes) ||
                    (w->type == WATCH_READ && reads);
        if (kind && addr < w->addr + w->len && w->addr < addr + (uint64_t)size) {
            *hit_addr = addr > w->addr ? addr : w->addr;
            return w->type;
        }
    }
    return 0;
}

/* -- Stops and resumes ---------------------------------------------------------------- */

static void note_stop(struct gdbstub *g, int hart, int signal, int watch, uint64_t addr)
{
    g->stop_hart = g->g_hart = g->c_hart = hart;
    g->stop_signal = signal;
    g->stop_watch = watch;
    g->stop_addr = addr;
    machine_pause(g->m, PAUSE_GDB);
}

static void reply_stop(struct gdbstub *g)
{
    static const char *const watch_names[] = {[WATCH_WRITE] = "watch", [WATCH_READ] = "rwatch",
                                              [WATCH_ACCESS] = "awatch"};
    g->reply_len = 0;
    reply_add(g, "T%02xthread:%x;", g->stop_signal, g->stop_hart + 1);
    if (g->stop_watch)
        reply_add(g, "%s:%llx;", watch_names[g->stop_watch], (unsigned long long)g->stop_addr);
}

static void resume(struct gdbstub *g)
{
    g->running = true;
    machine_resume(g->m, PAUSE_GDB);
}

/* One instruction of hart i, interrupts masked; the reply is the stop.  An
 * instruction that would touch a watched range is not run (see the top). */
static void step_hart(struct gdbstub *g, int i)
{
    struct hart *h = g->m->harts[i];
    uint64_t addr = 0;
    int watch = 0;
    if (!h->stopped) {
        watch = g->nwatchpoints ? watch_hit(g, h, &addr) : 0;
        h->wfi = false; /* a step through WFI goes on, as QEMU's does */
        if (!watch && !cpu_step(h))
            cpu_charge_trap(h);
    }
    note_stop(g, i, SIGTRAP_GDB, watch, addr);
    reply_stop(g);
}

/* c [ADDR] and s [ADDR] */
static enum gdb_action handle_resume(struct gdbstub *g, struct cursor *c, bool step)
{
    int i = g->c_hart < 0 ? 0 : g->c_hart;
    uint64_t addr;
    if (take_hex(c, &addr))
        g->m->harts[i]->pc = addr & ~1ULL;
    if (step) {
        step_hart(g, i);
        return GDB_REPLY;
    }
    resume(g);
    return GDB_RESUMED;
}

/* vCont;ACTION[:TID];...  A step of one thread wins over continues: the
 * others stay stopped while it steps. */
static enum gdb_action handle_vcont(struct gdbstub *g, struct cursor *c)
{
    int step = -2;  /* hart to step: -2 none */
    bool cont = false;
    while (take_char(c, ';')) {
        if (c->p == c->end)
            break;
        char action = *c->p++;
        uint64_t sig;
        if (action == 'C' || action == 'S')
            take_hex(c, &sig); /* the signal is not delivered: no such thing */
        int hart = -1;
        if (take_char(c, ':') && !take_thread(g, c, &hart)) {
            reply_error(g, 1);
            return GDB_REPLY;
        }
        if (action == 's' || action == 'S') {
            if (step == -2)
                step = hart < 0 ? (g->c_hart < 0 ? 0 : g->c_hart) : hart;
        } else if (action == 'c' || action == 'C') {
            cont = true;
        } else if (action != 't') {
            reply_error(g, 1);
            return GDB_REPLY;
        }
    }
    if (!at_end(c)) {
        reply_error(g, 1);
        return GDB_REPLY;
    }
    if (step >= 0) {
        step_hart(g, step);
        return GDB_REPLY;
    }
    if (!cont) {
        reply_error(g, 1);
        return GDB_REPLY;
    }
    resume(g);
    return GDB_RESUMED;
}

/* -- Memory ------------------------------------------------------------------------------ */

static struct hart *mem_hart(struct gdbstub *g)
{
    return g->phys_mode ? NULL : g->m->harts[g->g_hart < 0 ? 0 : g->g_hart];
}

/* m ADDR,LEN: what is readable from ADDR on, or an error if nothing is. */
static void handle_read_mem(struct gdbstub *g, struct cursor *c)
{
    uint64_t addr, len;
    uint8_t buf[REPLY_MAX / 2 - 1];
    if (!take_hex(c, &addr) || !take_char(c, ',') || !take_hex(c, &len) || !at_end(c))
        return reply_error(g, 1);
    if (len > sizeof buf)
        len = sizeof buf;
    size_t n = mmu_debug_access(g->m, mem_hart(g), addr, buf, (size_t)len, false);
    if (n == 0 && len)
        return reply_error(g, 0x0e);
    reply_hex(g, buf, n);
}

/* M ADDR,LEN:HEX — all or nothing: every page is checked before a byte is
 * written. */
static void handle_write_mem(struct gdbstub *g, struct cursor *c)
{
    uint64_t addr, len;
    uint8_t buf[PACKET_MAX / 2];
    if (!take_hex(c, &addr) || !take_char(c, ',') || !take_hex(c, &len) || !take_char(c, ':') ||
        len > sizeof buf || !take_bytes(c, buf, (size_t)len) || !at_end(c))
        return reply_error(g, 1);
    uint8_t probe[sizeof buf];
    if (mmu_debug_access(g->m, mem_hart(g), addr, probe, (size_t)len, false) != len)
        return reply_error(g, 0x0e);
    mmu_debug_access(g->m, mem_hart(g), addr, buf, (size_t)len, true);
    reply_add(g, "OK");
}

/* -- Registers: g, G, p, P ----------------------------------------------------------------- */

static struct hart *reg_hart(struct gdbstub *g)
{
    return g->m->harts[g->g_hart < 0 ? 0 : g->g_hart];
}

static void handle_read_regs(struct gdbstub *g)
{
    struct hart *h = reg_hart(g);
    for (int n = 0; n <= REG_PC; n++) {
        uint64_t v = 0;
        reg_read(h, n, &v);
        reply_reg(g, v, 8);
    }
}

static void handle_write_regs(struct gdbstub *g, struct cursor *c)
{
    uint64_t v[REG_PC + 1];
    for (int n = 0; n <= REG_PC; n++)
        if (!take_reg(c, &v[n], 8))
            return reply_error(g, 1);
    if (!at_end(c))
        return reply_error(g, 1);
    for (int n = 0; n <= REG_PC; n++)
        reg_write(reg_hart(g), n, v[n]);
    reply_add(g, "OK");
}

static void handle_read_reg(struct gdbstub *g, struct cursor *c)
{
    uint64_t n, v;
    if (!take_hex(c, &n) || !at_end(c) || n > REG_PRIV)
        return reply_error(g, 1);
    if (!reg_read(reg_hart(g), (int)n, &v))
        return reply_error(g, 0x0e);
    reply_reg(g, v, reg_size((int)n));
}

static void handle_write_reg(struct gdbstub *g, struct cursor *c)
{
    uint64_t n, v;
    if (!take_hex(c, &n) || !take_char(c, '=') || n > REG_PRIV ||
        !take_reg(c, &v, reg_size((int)n)) || !at_end(c))
        return reply_error(g, 1);
    if (!reg_write(reg_hart(g), (int)n, v))
        return reply_error(g, 0x0e);
    reply_add(g, "OK");
}

/* -- Threads ---------------------------------------------------------------------------------- */

/* H g TID, H c TID */
static void handle_set_thread(struct gdbstub *g, struct cursor *c)
{
    if (c->p == c->end)
        return reply_error(g, 1);
    char op = *c->p++;
    int hart;
    if ((op != 'g' && op != 'c') || !take_thread(g, c, &hart) || !at_end(c))
        return reply_error(g, 1);
    if (op == 'g')
        g->g_hart = hart < 0 ? 0 : hart;
    else
        g->c_hart = hart;
    reply_add(g, "OK");
}

static void handle_thread_alive(struct gdbstub *g, struct cursor *c)
{
    int hart;
    if (!take_thread(g, c, &hart) || !at_end(c))
        return reply_error(g, 1);
    reply_add(g, "OK");
}

static void handle_thread_list(struct gdbstub *g)
{
    reply_add(g, "m");
    for (int i = 0; i < g->m->nharts; i++)
        reply_add(g, i ? ",%x" : "%x", i + 1);
}

static void handle_thread_info(struct gdbstub *g, struct cursor *c)
{
    int hart;
    char text[64];
    if (!take_thread(g, c, &hart) || !at_end(c) || hart < 0)
        return reply_error(g, 1);
    struct hart *h = g->m->harts[hart];
    snprintf(text, sizeof text, "hart %d, %s", hart,
             h->stopped ? "stopped (SBI HSM)" : h->wfi ? "in WFI" : "running");
    reply_hex(g, text, strlen(text));
}

/* -- Queries ------------------------------------------------------------------------------------ */

/* qRcmd,HEX: a monitor command ("monitor info mem" in gdb).  The output
 * goes out in O packets (console output for gdb), then the reply is OK. */
static void handle_rcmd(struct gdbstub *g, struct cursor *c)
{
    char line[256];
    size_t n = (size_t)(c->end - c->p) / 2;
    if (n >= sizeof line || !take_bytes(c, (uint8_t *)line, n) || !at_end(c) || !g->m->mon)
        return reply_error(g, 1);
    line[n] = 0;
    size_t len;
    const char *out = monitor_run_command(g->m->mon, line, &len);
    for (size_t done = 0; done < len; done += RCMD_CHUNK) {
        size_t chunk = len - done < RCMD_CHUNK ? len - done : RCMD_CHUNK;
        g->reply_len = 0;
        reply_add(g, "O");
        reply_hex(g, out + done, chunk);
        send_packet(g, g->reply, g->reply_len);
    }
    g->reply_len = 0;
    reply_add(g, "OK");
}

static void handle_query(struct gdbstub *g, struct cursor *c)
{
    if (take_prefix(c, "Supported"))
        reply_add(g, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+",
                  PACKET_MAX);
    else if (take_prefix(c, "Xfer:features:read:"))
        handle_xfer_features(g, c);
    else if (take_prefix(c, "fThreadInfo"))
        handle_thread_list(g);
    else if (take_prefix(c, "sThreadInfo"))
        reply_add(g, "l");
    else if (take_prefix(c, "ThreadExtraInfo,"))
        handle_thread_info(g, c);
    else if (take_prefix(c, "C") && at_end(c))
        reply_add(g, "QC%x", (g->g_hart < 0 ? 0 : g->g_hart) + 1);
    else if (take_prefix(c, "Attached"))
        reply_add(g, "1");
    else if (take_prefix(c, "Symbol::"))
        reply_add(g, "OK");
    else if (take_prefix(c, "qemu.PhyMemMode") && at_end(c))
        reply_add(g, "%d", g->phys_mode);
    else if (take_prefix(c, "Rcmd,"))
        handle_rcmd(g, c);
    /* anything else: the empty reply, "not supported" */
}

static void handle_set(struct gdbstub *g, struct cursor *c)
{
    if (take_prefix(c, "StartNoAckMode") && at_end(c)) {
        reply_add(g, "OK");
        g->no_ack = true; /* from the next packet: this OK is still acked */
    } else if (take_prefix(c, "qemu.PhyMemMode:")) {
        if (take_char(c, '0') && at_end(c))
            g->phys_mode = false, reply_add(g, "OK");
        else if (take_char(c, '1') && at_end(c))
            g->phys_mode = true, reply_add(g, "OK");
        else
            reply_error(g, 1);
    }
}

static enum gdb_action handle_v(struct gdbstub *g, struct cursor *c)
{
    if (take_prefix(c, "Cont?")) {
        reply_add(g, "vCont;c;C;s;S");
    } else if (take_prefix(c, "Cont")) {
        return handle_vcont(g, c);
    } else if (take_prefix(c, "Kill")) {
        machine_exit(g->m, 0);
        reply_add(g, "OK");
        return GDB_REPLY_CLOSE;
    }
    return GDB_REPLY; /* vMustReplyEmpty and the rest: empty */
}

/* -- One packet --------------------------------------------------------------------------------- */

/* Back to running, as if the debugger had never come: D, a lost connection. */
static void detach(struct gdbstub *g)
{
    g->nbreakpoints = g->nwatchpoints = 0;
    g->phys_mode = false;
    g->running = false;
    machine_resume(g->m, PAUSE_GDB);
}

enum gdb_action gdb_handle_packet(struct gdbstub *g, const char *pkt, size_t len)
{
    struct cursor c = {pkt, pkt + len};
    g->reply_len = 0;
    g->reply_full = false;
    g->reply[0] = 0;
    if (len == 0)
        return GDB_REPLY;
    enum gdb_action action = GDB_REPLY;
    switch (*c.p++) {
    case '?': reply_stop(g); break;
    case 'g': handle_read_regs(g); break;
    case 'G': handle_write_regs(g, &c); break;
    case 'p': handle_read_reg(g, &c); break;
    case 'P': handle_write_reg(g, &c); break;
    case 'm': handle_read_mem(g, &c); break;
    case 'M': handle_write_mem(g, &c); break;
    case 'c': action = handle_resume(g, &c, false); break;
    case 's': action = handle_resume(g, &c, true); break;
    case 'H': handle_set_thread(g, &c); break;
    case 'T': handle_thread_alive(g, &c); break;
    case 'Z': handle_z(g, &c, true); break;
    case 'z': handle_z(g, &c, false); break;
    case 'q': handle_query(g, &c); break;
    case 'Q': handle_set(g, &c); break;
    case 'v': action = handle_v(g, &c); break;
    case 'k':
        machine_exit(g->m, 0); /* QEMU's habit: kill ends the emulator */
        action = GDB_REPLY_CLOSE;
        break;
    case 'D':
        detach(g);
        reply_add(g, "OK");
        action = GDB_REPLY_CLOSE;
        break;
    default: break; /* unsupported: empty reply */
    }
    if (g->reply_full)
        reply_error(g, 0x0e);
    return action;
}

/* -- The connection ----------------------------------------------------------------------------- */

static void drop_client(struct gdbstub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->rx = RX_IDLE;
    g->no_ack = false;
}

static bool send_all(struct gdbstub *g, const char *buf, size_t len)
{
    return g->fd >= 0 && net_send_all(g->fd, buf, len);
}

/* $payload#cs, with '#', '$', '}' and '*' escaped, after the '+' owed for
 * the packet being answered, in one write (two small writes would meet
 * Nagle and delayed ACKs).  Detached (no socket): nothing is sent. */
static void send_packet(struct gdbstub *g, const char *payload, size_t len)
{
    static char frame[2 * REPLY_MAX + 8];
    size_t n = 0;
    uint8_t sum = 0;
    if (g->fd < 0)
        return;
    if (g->ack_owed)
        frame[n++] = '+';
    g->ack_owed = false;
    frame[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        char ch = payload[i];
        if (ch == '#' || ch == '$' || ch == '}' || ch == '*') {
            frame[n++] = '}';
            sum += '}';
            ch ^= 0x20;
        }
        frame[n++] = ch;
        sum += (uint8_t)ch;
    }
    n += (size_t)snprintf(frame + n, sizeof frame - n, "#%02x", sum);
    if (!send_all(g, frame, n))
        drop_client(g);
}

static void send_reply(struct gdbstub *g)
{
    send_packet(g, g->reply, g->reply_len);
}

static void packet_received(struct gdbstub *g)
{
    if (g->rx_overflow || g->rx_sum != g->rx_csum) {
        if (!g->no_ack && !send_all(g, "-", 1))
            drop_client(g);
        return;
    }
    g->ack_owed = !g->no_ack; /* set now: QStartNoAckMode changes no_ack */
    enum gdb_action action = gdb_handle_packet(g, g->rx_buf, g->rx_len);
    if (action != GDB_RESUMED)
        send_reply(g);
    else if (g->ack_owed && !send_all(g, "+", 1))
        return drop_client(g);
    g->ack_owed = false;
    if (action == GDB_REPLY_CLOSE) {
        drop_client(g);
        if (!g->m->exit_requested)
            detach(g);
    }
}

static void rx_store(struct gdbstub *g, char ch)
{
    if (g->rx_len < sizeof g->rx_buf)
        g->rx_buf[g->rx_len++] = ch;
    else
        g->rx_overflow = true;
}

/* The framing state machine: one byte at a time. */
static void rx_byte(struct gdbstub *g, uint8_t b)
{
    switch (g->rx) {
    case RX_IDLE:
        if (b == '$') {
            g->rx = RX_DATA;
            g->rx_len = 0;
            g->rx_sum = 0;
            g->rx_overflow = false;
        } else if (b == 0x03 && g->running) {
            /* Ctrl-C: the T02 is the reply owed to c */
            note_stop(g, g->c_hart < 0 ? 0 : g->c_hart, SIGINT_GDB, 0, 0);
        } else if (b == '-' && !g->no_ack) {
            send_reply(g); /* gdb asks again for the last reply */
        }
        break; /* '+' and noise between packets are ignored */
    case RX_DATA:
        if (b == '#') {
            g->rx = RX_CSUM1;
            break;
        }
        g->rx_sum += b;
        if (b == '}')
            g->rx = RX_ESCAPE;
        else
            rx_store(g, (char)b);
        break;
    case RX_ESCAPE:
        g->rx_sum += b;
        rx_store(g, (char)(b ^ 0x20));
        g->rx = RX_DATA;
        break;
    case RX_CSUM1:
    case RX_CSUM2: {
        int d = hex_digit((char)b);
        if (d < 0) {
            g->rx_overflow = true; /* not a checksum: the packet is bad */
            d = 0;
        }
        if (g->rx == RX_CSUM1) {
            g->rx_csum = (uint8_t)(d << 4);
            g->rx = RX_CSUM2;
        } else {
            g->rx_csum |= (uint8_t)d;
            g->rx = RX_IDLE;
            packet_received(g);
        }
        break;
    }
    }
}

static void accept_client(struct gdbstub *g)
{
    int fd = net_accept(g->listen_fd, g->fd);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g->fd = fd;
    g->rx = RX_IDLE;
    g->no_ack = false;
    g->running = false;
    g->g_hart = g->c_hart = 0;
    /* As QEMU does, a debugger that attaches stops the machine. */
    if (!(g->m->paused & PAUSE_GDB))
        note_stop(g, 0, SIGTRAP_GDB, 0, 0);
}

static void read_client(struct gdbstub *g)
{
    uint8_t buf[4096];
    long n = net_recv(g->fd, buf, sizeof buf);
    if (n < 0) {
        drop_client(g);
        detach(g); /* the debugger went away: the guest runs on */
        return;
    }
    for (long i = 0; i < n && g->fd >= 0; i++)
        rx_byte(g, buf[i]);
}

void gdbstub_poll(struct gdbstub *g, bool force)
{
    if (g->running && g->m->paused & PAUSE_GDB) {
        g->running = false; /* a breakpoint, watchpoint or Ctrl-C stopped it */
        reply_stop(g);
        send_reply(g);
    }
    uint64_t now = machine_host_ns();
    if (!force && !g->m->paused && now < g->next_poll_ns)
        return;
    g->next_poll_ns = now + POLL_INTERVAL_NS;
    if (net_readable(g->listen_fd))
        accept_client(g);
    if (net_readable(g->fd))
        read_client(g);
    if (g->running && g->m->paused & PAUSE_GDB) {
        g->running = false; /* Ctrl-C just now */
        reply_stop(g);
        send_reply(g);
    }
}

int gdbstub_wait_fds(const struct gdbstub *g, struct pollfd *fds, int max)
{
    return net_poll_fds(g->listen_fd, g->fd, fds, max);
}

/* -- Running under the debugger ------------------------------------------------------------------ */

bool gdbstub_connected(const struct gdbstub *g)
{
    return g->fd >= 0;
}

bool gdbstub_checking(const struct gdbstub *g)
{
    return g->nbreakpoints || g->nwatchpoints;
}

void gdbstub_run(struct gdbstub *g, struct hart *h)
{
    int i = (int)h->hartid;
    while (cpu_has_budget(h)) {
        if (g->nbreakpoints && find_breakpoint(g, h->pc) >= 0) {
            note_stop(g, i, SIGTRAP_GDB, 0, 0);
            return;
        }
        uint64_t addr = 0;
        int watch = g->nwatchpoints ? watch_hit(g, h, &addr) : 0;
        if (watch) {
            note_stop(g, i, SIGTRAP_GDB, watch, addr);
            return;
        }
        if (!cpu_step(h))
            cpu_charge_trap(h);
    }
}

/* -- Life cycle -------------------------------------------------------------------------------------- */

struct gdbstub *gdbstub_create_detached(struct machine *m)
{
    struct gdbstub *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->m = m;
    g->listen_fd = g->fd = -1;
    g->stop_signal = SIGTRAP_GDB;
    build_target_xml(g);
    return g;
}

/* "tcp::1234", "tcp:HOST:1234", ":1234", "1234" */
static bool parse_spec(const char *spec, struct sockaddr_in *sa)
{
    char host[64] = "127.0.0.1";
    if (!strncmp(spec, "tcp:", 4))
        spec += 4;
    const char *colon = strrchr(spec, ':');
    if (colon && colon > spec) {
        size_t n = (size_t)(colon - spec);
        if (n >= sizeof host)
            return false;
        memcpy(host, spec, n);
        host[n] = 0;
    }
    const char *port_text = colon ? colon + 1 : spec;
    char *end;
    long port = strtol(port_text, &end, 10);
    if (!*port_text || *end || port < 1 || port > 65535)
        return false;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

struct gdbstub *gdbstub_create(struct machine *m, const char *spec, bool wait)
{
    struct sockaddr_in sa;
    if (!parse_spec(spec, &sa)) {
        fprintf(stderr, "dbt: -gdb %s: expected tcp::PORT or tcp:HOST:PORT (IPv4)\n", spec);
        return NULL;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
        fprintf(stderr, "dbt: -gdb %s: %s\n", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    struct gdbstub *g = gdbstub_create_detached(m);
    if (!g) {
        close(fd);
        return NULL;
    }
    g->listen_fd = fd;
    if (wait)
        machine_pause(m, PAUSE_GDB);
    return g;
}

void gdbstub_destroy(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->fd >= 0 && g->running) {
        g->reply_len = 0;
        reply_add(g, "W%02x", g->m->exit_code & 0xff);
        send_reply(g);
    }
    drop_client(g);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    free(g);
}
