/* monitor.c — the (dbt) monitor, QEMU's habit: `info registers`, `info mem`,
 * `x/Ni`, `x/Nx`, `xp/Nx`, `stop`, `cont`, `system_reset`, `quit`, `help`.
 *
 * Three ways in.  On the console, Ctrl-A c (console.c) hands typed bytes to
 * console_input() below until the next Ctrl-A c; the guest keeps running
 * and printing meanwhile, as under QEMU.  With -monitor unix:PATH,server,
 * nowait a script connects to a unix socket and speaks lines.  gdb's
 * "monitor CMD" reaches monitor_run_command() through the gdbstub.
 *
 * Every command writes into one growing text buffer, which the caller sends
 * to where the command came from.  Memory is read through the MMU's debug
 * view (mmu_debug_access): no A/D bits, no TLB fills, no device reads.
 * machine.c polls the socket between slices and while the machine is
 * paused, so `stop` followed by `cont` works from the socket too.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "dbt.h"
#include "devices.h"
#include "disas.h"
#include "gdbstub.h"
#include "monitor.h"
#include "net.h"

#define LINE_MAX_BYTES 256
#define POLL_INTERVAL_NS 20000000ULL /* look at the socket every 20 ms */
#define X_MAX_UNITS 4096             /* x/N: at most this many units */
#define PROMPT "(dbt) "
#define BANNER "dbt monitor - type 'help' for more information\n"

/* A line being typed: on the console or from a socket client. */
struct line_buffer {
    char text[LINE_MAX_BYTES];
    size_t len;
    bool overflow; /* longer than the buffer: the line is refused */
};

struct monitor {
    struct machine *m;
    int cpu;                 /* the current hart (`cpu N`) */
    struct line_buffer console_line;

    int listen_fd, fd;       /* -monitor socket and its one client, or -1 */
    char *path;              /* the socket's path, removed at exit */
    struct line_buffer client_line;
    uint64_t next_poll_ns;

    /* the output of the command being run */
    char *out;
    size_t out_len, out_cap;
};

/* -- Output ---------------------------------------------------------------------- */

static void say(struct monitor *mon, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct monitor *mon, const char *fmt, ...)
{
    for (;;) {
        size_t room = mon->out_cap - mon->out_len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(mon->out + mon->out_len, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            mon->out_len += (size_t)n;
            return;
        }
        size_t cap = mon->out_cap * 2 + (size_t)n;
        char *grown = realloc(mon->out, cap);
        if (!grown)
            return; /* out of memory: the output is cut short */
        mon->out = grown;
        mon->out_cap = cap;
    }
}

static struct hart *current_hart(struct monitor *mon)
{
    return mon->m->harts[mon->cpu];
}

/* -- Numbers and addresses ------------------------------------------------------- */

/* A register for $NAME: pc, x0..x31 or an ABI name. */
static bool register_value(struct hart *h, const char *name, uint64_t *v)
{
    if (!strcmp(name, "pc")) {
        *v = h->pc;
        return true;
    }
    for (int i = 0; i < 32; i++) {
        char xname[16];
        snprintf(xname, sizeof xname, "x%d", i);
        if (!strcmp(name, disas_reg_names[i]) || !strcmp(name, xname)) {
            *v = h->x[i];
            return true;
        }
    }
    return false;
}

/* 0x1234 (hex), 1234 (decimal), or $reg. */
static bool parse_value(struct monitor *mon, const char *s, uint64_t *v)
{
    if (s[0] == '$')
        return register_value(current_hart(mon), s + 1, v);
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return !errno && end != s && !*end && s[0] != '-';
}

/* -- info registers --------------------------------------------------------------- */

static const char *priv_name(int priv)
{
    return priv == PRIV_M ? "M" : priv == PRIV_S ? "S" : "U";
}

static void show_registers(struct monitor *mon, struct hart *h)
{
    static const unsigned csrs[] = {
        CSR_MHARTID, CSR_MSTATUS, CSR_MISA, CSR_MEDELEG, CSR_MIDELEG, CSR_MIE,
        CSR_MIP, CSR_MTVEC, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL, CSR_MSCRATCH,
        CSR_SSTATUS, CSR_STVEC, CSR_SEPC, CSR_SCAUSE, CSR_STVAL, CSR_SSCRATCH,
        CSR_SATP, CSR_STIMECMP,
    };
    say(mon, "hart %d%s\n", (int)h->hartid, h->stopped ? " (stopped)" : h->wfi ? " (wfi)" : "");
    say(mon, " %-8s %016" PRIx64 "\n", "pc", h->pc);
    say(mon, " %-8s %s\n", "priv", priv_name(h->priv));
    for (size_t i = 0; i < sizeof csrs / sizeof *csrs; i++) {
        uint64_t v;
        if (cpu_csr_debug_read(h, csrs[i], &v))
            say(mon, " %-8s %016" PRIx64 "\n", disas_csr_name(csrs[i]), v);
    }
    for (int i = 0; i < 32; i++) {
        char name[24];
        snprintf(name, sizeof name, "x%d/%s", i, disas_reg_names[i]);
        say(mon, " %-8s %016" PRIx64 "%s", name, h->x[i], i % 4 == 3 ? "\n" : "");
    }
    for (int i = 0; i < 32; i++)
        say(mon, " f%-7d %016" PRIx64 "%s", i, h->f[i], i % 4 == 3 ? "\n" : "");
    say(mon, " %-8s %02x (frm %d, fflags %02x)\n", "fcsr", h->frm << 5 | h->fflags, h->frm,
        h->fflags);
}

/* -- info mem: the current page table, as ranges ------------------------------------- */

/* A guest can build page tables that point back at themselves, so the
 * walk is bounded: this many tables, this many ranges printed. */
#define MEM_WALK_TABLES 65536
#define MEM_WALK_RANGES 10000

struct mem_range {
    uint64_t va, pa, size;
    uint64_t attrs;   /* PTE bits R W X U G A D */
    bool open;
    int count;        /* ranges printed */
    int tables;       /* tables walked */
};

static void flush_range(struct monitor *mon, struct mem_range *r)
{
    static const struct { uint64_t bit; char c; } bits[] = {
        {PTE_R, 'r'}, {PTE_W, 'w'}, {PTE_X, 'x'}, {PTE_U, 'u'},
        {PTE_G, 'g'}, {PTE_A, 'a'}, {PTE_D, 'd'},
    };
    if (!r->open || r->count >= MEM_WALK_RANGES)
        return;
    char attr[8];
    for (int i = 0; i < 7; i++)
        attr[i] = r->attrs & bits[i].bit ? bits[i].c : '-';
    attr[7] = 0;
    say(mon, "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %s\n", r->va, r->pa, r->size, attr);
    r->open = false;
    r->count++;
}

/* One leaf: grow the open range if it continues it, else start another. */
static void add_leaf(struct monitor *mon, struct mem_range *r, uint64_t va, uint64_t pa,
                     uint64_t size, uint64_t attrs)
{
    if (r->open && r->va + r->size == va && r->pa + r->size == pa && r->attrs == attrs) {
        r->size += size;
        return;
    }
    flush_range(mon, r);
    *r = (struct mem_range){va, pa, size, attrs, true, r->count, r->tables};
}

static void walk_table(struct monitor *mon, struct mem_range *r, uint64_t table, int level,
                       uint64_t va_base, int va_bits)
{
    const uint8_t *p = mmu_ram_ptr(mon->m, table, 4096);
    if (!p || ++r->tables > MEM_WALK_TABLES)
        return;
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pte = mmu_host_load(p + i * 8, 8);
        uint64_t va = va_base | i << (12 + 9 * level);
        va = (uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)); /* canonical */
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
            continue;
        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        if (pte & (PTE_R | PTE_X))
            add_leaf(mon, r, va, ppn << 12, 1ULL << (12 + 9 * level), pte & 0xfe);
        else if (level > 0)
            walk_table(mon, r, ppn << 12, level - 1, va, va_bits);
    }
}

static void show_mem(struct monitor *mon)
{
    struct hart *h = current_hart(mon);
    unsigned mode = (unsigned)(h->satp >> SATP_MODE_SHIFT);
    if (mode == SATP_MODE_BARE) {
        say(mon, "No translation or protection\n");
        return;
    }
    int levels = mode == SATP_MODE_SV48 ? 4 : 3;
    say(mon, "vaddr            paddr            size             attr\n"
             "---------------- ---------------- ---------------- -------\n");
    struct mem_range r = {0};
    walk_table(mon, &r, (h->satp & SATP_PPN_MASK) << 12, levels - 1, 0, 12 + 9 * levels);
    flush_range(mon, &r);
    if (r.tables > MEM_WALK_TABLES || r.count >= MEM_WALK_RANGES)
        say(mon, "(stopped after %d tables and %d ranges: the page table is too big or loops)\n",
            MEM_WALK_TABLES, MEM_WALK_RANGES);
}

/* -- x and xp ------------------------------------------------------------------------ */

struct x_format {
    unsigned count;
    char fmt;   /* x d u i */
    int size;   /* 1 2 4 8 */
};

/* "/4xg", "/10i", "" (after x or xp). */
static bool parse_x_format(const char *s, struct x_format *f)
{
    *f = (struct x_format){1, 'x', 4};
    if (!*s)
        return true;
    if (*s++ != '/')
        return false;
    if (*s >= '0' && *s <= '9') {
        char *end;
        unsigned long n = strtoul(s, &end, 10);
        if (n == 0 || n > X_MAX_UNITS)
            return false;
        f->count = (unsigned)n;
        s = end;
    }
    for (; *s; s++) {
        switch (*s) {
        case 'x': case 'd': case 'u': case 'i': f->fmt = *s; break;
        case 'b': f->size = 1; break;
        case 'h': f->size = 2; break;
        case 'w': f->size = 4; break;
        case 'g': f->size = 8; break;
        default: return false;
        }
    }
    return true;
}

static void show_insns(struct monitor *mon, struct hart *h, uint64_t addr, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        uint8_t b[4] = {0};
        /* 2 bytes first: a compressed instruction may end a mapped page */
        if (mmu_debug_access(mon->m, h, addr, b, 2, false) != 2 ||
            ((b[0] & 3) == 3 && mmu_debug_access(mon->m, h, addr + 2, b + 2, 2, false) != 2)) {
            say(mon, "%016" PRIx64 ": Cannot access memory\n", addr);
            return;
        }
        uint32_t bits = cpu_insn_bits(b);
        struct insn in;
        int len = cpu_decode(bits, &in);
        char text[96];
        disas_insn(text, sizeof text, addr, &in);
        say(mon, "%016" PRIx64 ":  %0*x  %s\n", addr, len * 2, bits, text);
        addr += (uint64_t)len;
    }
}

static void show_units(struct monitor *mon, struct hart *h, uint64_t addr,
                       const struct x_format *f)
{
    int per_line = 16 / f->size;
    for (unsigned i = 0; i < f->count; i++) {
        uint8_t b[8] = {0};
        uint64_t a = addr + (uint64_t)i * (uint64_t)f->size;
        if (i % (unsigned)per_line == 0)
            say(mon, "%s%016" PRIx64 ":", i ? "\n" : "", a);
        if (mmu_debug_access(mon->m, h, a, b, (size_t)f->size, false) != (size_t)f->size) {
            say(mon, " Cannot access memory");
            break;
        }
        uint64_t v = mmu_host_load(b, f->size);
        if (f->fmt == 'x')
            say(mon, " 0x%0*" PRIx64, f->size * 2, v);
        else if (f->fmt == 'u')
            say(mon, " %" PRIu64, v);
        else /* 'd': sign-extend from the unit size */
            say(mon, " %" PRId64, (int64_t)(v << (64 - 8 * f->size)) >> (64 - 8 * f->size));
    }
    say(mon, "\n");
}

/* x/FMT ADDR (virtual, through the current hart) and xp/FMT ADDR. */
static void cmd_examine(struct monitor *mon, const char *cmd, const char *arg, bool physical)
{
    struct x_format f;
    uint64_t addr;
    if (!parse_x_format(cmd + (physical ? 2 : 1), &f)) {
        say(mon, "%s: bad format (try x/4xw, x/2xg, x/10i)\n", cmd);
        return;
    }
    if (!arg || !parse_value(mon, arg, &addr)) {
        say(mon, "%s: expected an address (0x..., decimal or $reg)\n", cmd);
        return;
    }
    struct hart *h = physical ? NULL : current_hart(mon);
    if (f.fmt == 'i')
        show_insns(mon, h, addr, f.count);
    else
        show_units(mon, h, addr, &f);
}

/* -- The commands --------------------------------------------------------------------- */

static void cmd_help(struct monitor *mon)
{
    say(mon, "info registers [-a]   registers of the current hart (-a: all harts)\n"
             "info mem | info tlb   mapped virtual ranges of the current page table\n"
             "info cpus             the harts and their pc\n"
             "cpu N                 make hart N the current one\n"
             "x/FMT ADDR            virtual memory; FMT = count, x|d|u|i, b|h|w|g\n"
             "xp/FMT ADDR           physical memory (ADDR: 0x..., decimal or $reg)\n"
             "stop                  pause the machine\n"
             "cont | c              resume it (also from -S with no debugger attached)\n"
             "system_reset          reboot the machine\n"
             "quit | q              exit the emulator\n"
             "help | ?              this text\n");
}

static void cmd_info(struct monitor *mon, const char *what, const char *flag)
{
    struct machine *m = mon->m;
    if (what && !strcmp(what, "registers")) {
        if (flag && !strcmp(flag, "-a"))
            for (int i = 0; i < m->nharts; i++)
                show_registers(mon, m->harts[i]);
        else
            show_registers(mon, current_hart(mon));
    } else if (what && (!strcmp(what, "mem") || !strcmp(what, "tlb"))) {
        show_mem(mon);
    } else if (what && !strcmp(what, "cpus")) {
        for (int i = 0; i < m->nharts; i++)
            say(mon, "%c CPU #%d: pc=0x%016" PRIx64 " priv=%s%s\n", i == mon->cpu ? '*' : ' ',
                i, m->harts[i]->pc, priv_name(m->harts[i]->priv),
                m->harts[i]->stopped ? " (stopped)" : m->harts[i]->wfi ? " (wfi)" : "");
    } else {
        say(mon, "info: try info registers, info mem, info tlb, info cpus\n");
    }
}

static void cmd_cpu(struct monitor *mon, const char *arg)
{
    uint64_t n;
    if (!arg || !parse_value(mon, arg, &n) || n >= (uint64_t)mon->m->nharts) {
        say(mon, "cpu: expected a hart number below %d\n", mon->m->nharts);
        return;
    }
    mon->cpu = (int)n;
}

/* QEMU's cont also starts a machine that -S holds for a debugger that has
 * not come; one that has come holds it until it says so. */
static void cmd_cont(struct monitor *mon)
{
    machine_resume(mon->m, PAUSE_MONITOR);
    if (mon->m->gdb && !gdbstub_connected(mon->m->gdb))
        machine_resume(mon->m, PAUSE_GDB);
}

/* Split line into at most 3 words (the rest is ignored) and run it. */
static void run_line(struct monitor *mon, const char *line)
{
    char copy[LINE_MAX_BYTES], *save = NULL;
    snprintf(copy, sizeof copy, "%s", line);
    char *cmd = strtok_r(copy, " \t\r\n", &save);
    char *arg = strtok_r(NULL, " \t\r\n", &save);
    char *arg2 = strtok_r(NULL, " \t\r\n", &save);
    struct machine *m = mon->m;
    if (!cmd)
        return;
    if (!strcmp(cmd, "help") || !strcmp(cmd, "?") || !strcmp(cmd, "h"))
        cmd_help(mon);
    else if (!strcmp(cmd, "info"))
        cmd_info(mon, arg, arg2);
    else if (!strcmp(cmd, "cpu"))
        cmd_cpu(mon, arg);
    else if (cmd[0] == 'x' && (cmd[1] == '/' || !cmd[1]))
        cmd_examine(mon, cmd, arg, false);
    else if (cmd[0] == 'x' && cmd[1] == 'p' && (cmd[2] == '/' || !cmd[2]))
        cmd_examine(mon, cmd, arg, true);
    else if (!strcmp(cmd, "stop"))
        machine_pause(m, PAUSE_MONITOR);
    else if (!strcmp(cmd, "cont") || !strcmp(cmd, "c"))
        cmd_cont(mon);
    else if (!strcmp(cmd, "system_reset"))
        machine_reset(m);
    else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
        say(mon, "dbt: terminated\n");
        machine_exit(m, 0);
    } else
        say(mon, "unknown command: '%s' (try help)\n", cmd);
}

const char *monitor_run_command(struct monitor *mon, const char *line, size_t *len)
{
    mon->out_len = 0;
    run_line(mon, line);
    *len = mon->out_len;
    return mon->out;
}

/* -- Lines: console and socket ----------------------------------------------------------- */

/* Add a byte to a line; returns true when the line is complete. */
static bool line_add(struct line_buffer *l, uint8_t byte)
{
    if (byte == '\r' || byte == '\n')
        return true;
    if ((byte == 0x7f || byte == 0x08) && l->len) {
        l->len--;
        return false;
    }
    if (byte < 0x20 || byte >= 0x7f)
        return false; /* control and non-ASCII bytes are dropped */
    if (l->len + 1 < sizeof l->text)
        l->text[l->len++] = (char)byte;
    else
        l->overflow = true;
    return false;
}

/* Run the finished line into mon->out (with a new prompt) and reset it. */
static void line_run(struct monitor *mon, struct line_buffer *l)
{
    mon->out_len = 0;
    l->text[l->len] = 0;
    if (l->overflow)
        say(mon, "line too long (at most %d bytes)\n", LINE_MAX_BYTES - 1);
    else
        run_line(mon, l->text);
    if (!mon->m->exit_requested)
        say(mon, PROMPT);
    l->len = 0;
    l->overflow = false;
}

static void console_say(struct monitor *mon, const char *text, size_t len)
{
    console_write(mon->m, text, len);
}

/* Ctrl-A c (console.c): the keyboard comes to us, or goes back. */
static void console_toggle(void *opaque, bool on)
{
    struct monitor *mon = opaque;
    mon->console_line.len = 0;
    if (on) {
        static const char hello[] = "\n" BANNER PROMPT;
        console_say(mon, hello, sizeof hello - 1);
    } else {
        console_say(mon, "\n", 1);
    }
}

/* One byte typed while the monitor has the keyboard. */
static void console_input(void *opaque, uint8_t byte)
{
    struct monitor *mon = opaque;
    struct line_buffer *l = &mon->console_line;
    size_t before = l->len;
    if (line_add(l, byte)) {
        console_say(mon, "\n", 1);
        line_run(mon, l);
        console_say(mon, mon->out, mon->out_len);
    } else if (l->len > before) {
        console_say(mon, (const char *)&byte, 1); /* echo: the tty is raw */
    } else if (l->len < before) {
        console_say(mon, "\b \b", 3);
    }
}

/* -- The socket ------------------------------------------------------------------------------ */

static void client_send(struct monitor *mon, const char *text, size_t len)
{
    if (mon->fd >= 0 && !net_send_all(mon->fd, text, len)) {
        close(mon->fd); /* the client stopped reading: let it go */
        mon->fd = -1;
    }
}

static void accept_client(struct monitor *mon)
{
    int fd = net_accept(mon->listen_fd, mon->fd);
    if (fd < 0)
        return;
    mon->fd = fd;
    mon->client_line = (struct line_buffer){0};
    static const char hello[] = BANNER PROMPT;
    client_send(mon, hello, sizeof hello - 1);
}

static void read_client(struct monitor *mon)
{
    uint8_t buf[1024];
    long n = net_recv(mon->fd, buf, sizeof buf);
    if (n < 0) {
        close(mon->fd);
        mon->fd = -1;
        return;
    }
    for (long i = 0; i < n && mon->fd >= 0; i++) {
        if (line_add(&mon->client_line, buf[i])) {
            line_run(mon, &mon->client_line);
            client_send(mon, mon->out, mon->out_len);
        }
    }
}

void monitor_poll(struct monitor *mon, bool force)
{
    uint64_t now = machine_host_ns();
    if (mon->listen_fd < 0 || (!force && now < mon->next_poll_ns))
        return;
    mon->next_poll_ns = now + POLL_INTERVAL_NS;
    if (net_readable(mon->listen_fd))
        accept_client(mon);
    if (net_readable(mon->fd))
        read_client(mon);
}

int monitor_wait_fds(const struct monitor *mon, struct pollfd *fds, int max)
{
    return net_poll_fds(mon->listen_fd, mon->fd, fds, max);
}

/* -- Life cycle ----------------------------------------------------------------------------------- */

struct monitor *monitor_create(struct machine *m)
{
    struct monitor *mon = calloc(1, sizeof *mon);
    if (!mon)
        return NULL;
    mon->m = m;
    mon->listen_fd = mon->fd = -1;
    mon->out_cap = 4096;
    mon->out = malloc(mon->out_cap);
    if (!mon->out) {
        free(mon);
        return NULL;
    }
    if (m->dev) {
        struct console *c = &m->dev->console;
        c->monitor_toggle = console_toggle;
        c->monitor_input = console_input;
        c->monitor_opaque = mon;
    }
    return mon;
}

/* The path may be a stale socket of an earlier run (replaced) or nothing;
 * anything else (a file, a symlink, a directory) is left alone. */
static bool path_free_for_socket(const char *spec, const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return true;
        fprintf(stderr, "dbt: -monitor %s: %s: %s\n", spec, path, strerror(errno));
        return false;
    }
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "dbt: -monitor %s: %s exists and is not a socket\n", spec, path);
        return false;
    }
    unlink(path);
    return true;
}

static bool option_is(const char *opt, size_t len, const char *name)
{
    return strlen(name) == len && !strncmp(opt, name, len);
}

/* "unix:PATH[,server][,nowait]" into path and nowait. */
static bool parse_monitor_spec(const char *spec, char *path, size_t cap, bool *nowait)
{
    if (strncmp(spec, "unix:", 5))
        return false;
    const char *p = spec + 5, *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == 0 || n >= cap)
        return false;
    memcpy(path, p, n);
    path[n] = 0;
    *nowait = false;
    while (comma) {
        const char *opt = comma + 1;
        comma = strchr(opt, ',');
        size_t len = comma ? (size_t)(comma - opt) : strlen(opt);
        if (option_is(opt, len, "nowait") || option_is(opt, len, "wait=off"))
            *nowait = true;
        else if (!option_is(opt, len, "server") && !option_is(opt, len, "server=on"))
            return false;
    }
    return true;
}

bool monitor_listen(struct monitor *mon, const char *spec)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    bool nowait;
    if (!parse_monitor_spec(spec, sa.sun_path, sizeof sa.sun_path, &nowait)) {
        fprintf(stderr, "dbt: -monitor %s: expected unix:PATH[,server][,nowait]\n", spec);
        return false;
    }
    if (!path_free_for_socket(spec, sa.sun_path))
        return false;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
        fprintf(stderr, "dbt: -monitor %s: %s\n", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    mon->listen_fd = fd;
    mon->path = strdup(sa.sun_path);
    if (!nowait) {
        fprintf(stderr, "dbt: waiting for a monitor connection on %s\n", sa.sun_path);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        while (poll(&p, 1, -1) < 0 && errno == EINTR)
            ;
        accept_client(mon);
    }
    return true;
}

void monitor_destroy(struct monitor *mon)
{
    if (!mon)
        return;
    if (mon->m->dev && mon->m->dev->console.monitor_opaque == mon) {
        mon->m->dev->console.monitor_toggle = NULL;
        mon->m->dev->console.monitor_on = false;
    }
    if (mon->fd >= 0)
        close(mon->fd);
    if (mon->listen_fd >= 0) {
        close(mon->listen_fd);
        if (mon->path)
            unlink(mon->path);
    }
    free(mon->path);
    free(mon->out);
    free(mon);
}
