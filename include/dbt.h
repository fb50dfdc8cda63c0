/* dbt.h — the machine: RAM, harts, devices and the options that built it. */
#ifndef DBT_H
#define DBT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "mmu.h"

#define RAM_BASE 0x80000000ULL
#define KERNEL_OFFSET 0x200000ULL /* Linux Image at RAM + 2 MiB */
#define MAX_HARTS 8
#define MAX_REGIONS 24
#define TIMEBASE_HZ 10000000ULL /* mtime ticks at 10 MHz */
#define ICOUNT_SHIFT_DEFAULT 3  /* -icount: one timebase tick per 8 instructions */

/* -d log categories */
enum log_mask {
    LOG_IN_ASM = 1 << 0,  /* guest code of each block when first run */
    LOG_EXEC = 1 << 1,    /* pc of each block run */
    LOG_INT = 1 << 2,     /* traps and interrupts */
    LOG_MMU = 1 << 3,     /* page walks, TLB fills, sfence.vma, satp */
    LOG_OUT_ASM = 1 << 4, /* host code (JIT) */
    LOG_SYSCALL = 1 << 5, /* Linux system calls of user processes */
    LOG_SBI = 1 << 6,     /* calls to the built-in SBI */
    LOG_CPU = 1 << 7,     /* registers at each block start (interpreter) */
};

/* -dfilter: the logs of in_asm, out_asm, exec and cpu show only blocks and
 * traces that start in one of these ranges of guest pcs (inclusive). */
#define MAX_DFILTER 16
struct pc_range {
    uint64_t lo, hi;
};

struct devices; /* devices.h */
struct gdbstub; /* gdbstub.h */
struct monitor; /* monitor.h */
struct jit;     /* jit.c */
struct syscall_log; /* syscall_log.c */
struct perfmap;     /* perfmap.c */
struct replay;      /* replay.c */

/* Which executor runs guest code. */
enum engine {
    ENGINE_JIT,    /* the default: translated blocks */
    ENGINE_INTERP, /* -interp: the reference interpreter alone */
    ENGINE_CHECK,  /* -check: every block run by both, compared */
};

/* -check's log of RAM stores (mmu.c records, jit_check.c reads). */
#define WLOG_MAX 4096
struct wlog_entry {
    uint64_t paddr, old, value;
    uint8_t size;
    bool walk;         /* an A/D update by the page walker: kept on undo */
};
struct wlog {
    struct wlog_entry e[WLOG_MAX];
    size_t n;
    bool walking;      /* the walker is writing */
    bool side_effects; /* MMIO or SBI touched: the block cannot run twice */
    bool overflow;
};

/* What a guest in a hopeless state gets (-action panic=...). */
enum panic_action {
    PANIC_NONE,         /* say so once and keep running, as QEMU */
    PANIC_SHUTDOWN,     /* exit with status 0 */
    PANIC_EXIT_FAILURE, /* exit with status 1 */
};

/* Who holds the machine stopped (struct machine.paused). */
enum pause_reason {
    PAUSE_GDB = 1 << 0,     /* the debugger: a breakpoint, Ctrl-C, -S */
    PAUSE_MONITOR = 1 << 1, /* the monitor's `stop` */
};

/* The exit codes of machine_run(). */
enum machine_stop { MACHINE_EXIT, MACHINE_RESET };

struct machine {
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    struct mmio_region regions[MAX_REGIONS];
    int nregions;

    uint8_t *page_watch;   /* per RAM page: WATCH_* bits (mmu.c) */
    struct {
        mmu_watch_fn fn;
        void *opaque;
    } watchers[MMU_WATCHERS];
    bool tlb_no_write;     /* -check: every store takes the slow path */
    struct wlog *wlog;     /* -check: RAM stores are being logged */

    struct hart *harts[MAX_HARTS];
    int nharts;

    struct devices *dev;

    /* HTIF (riscv-tests): physical addresses of tohost/fromhost, 0 if none */
    uint64_t tohost, fromhost;

    enum engine engine;
    struct jit *jit;       /* the code cache; NULL with -interp */
    bool stats;            /* -stats */
    uint64_t time_frozen;  /* -check: mtime while one block runs twice, or 0 */

    /* mtime: with icount it follows retired instructions, else the host
     * monotonic clock at TIMEBASE_HZ since time_origin_ns. */
    bool icount;
    bool icount_sleep;      /* sleep=on: idle time passes at real speed */
    int icount_shift;       /* 2^shift instructions per tick */
    uint64_t icount_insns;  /* instructions retired by all harts */
    uint64_t time_origin_ns;

    bool builtin_sbi;  /* no -bios: SBI calls from S-mode are served in C */

    unsigned log;      /* enum log_mask */
    FILE *logf;        /* stderr or -D FILE */
    struct pc_range dfilter[MAX_DFILTER]; /* -dfilter; none: log every pc */
    int ndfilter;
    uint64_t *seen_blocks; /* -d in_asm: block starts already shown */
    size_t seen_capacity, seen_count;
    struct syscall_log *syscalls; /* -d syscall: calls under way */
    struct perfmap *perfmap;      /* -perfmap: /tmp/perf-PID.map, or NULL */
    struct replay *replay;        /* -record / -replay, or NULL */

    struct gdbstub *gdb;  /* -s / -gdb: the debugger's stub, or NULL */
    struct monitor *mon;  /* the monitor (Ctrl-A c, -monitor), or NULL */
    unsigned paused;      /* PAUSE_* bits: no hart runs while any is set */
    uint64_t paused_ns;   /* host time the pause began: mtime stands still */

    bool exit_requested;  /* stop the run loop and exit with exit_code */
    int exit_code;
    bool reset_requested; /* reboot: reset harts and devices, boot again */
    bool no_reboot;       /* -no-reboot: a guest reboot ends the run */
    enum panic_action panic_action; /* -action panic=... */
    bool panic_reported;  /* the one line about a hopeless guest is out */
};

/* Host monotonic clock in ns. */
uint64_t machine_host_ns(void);
/* Run the harts until exit or reset is requested. */
enum machine_stop machine_run(struct machine *m);
/* Allocate per-page state once RAM exists (watched pages). */
void machine_init_pages(struct machine *m);
/* mtime now, in timebase ticks. */
uint64_t machine_time(struct machine *m);
/* End the run with an exit status (poweroff, HTIF, SRST, Ctrl-A x). */
void machine_exit(struct machine *m, int code);
/* Stop every hart at its next instruction boundary until resumed. */
void machine_pause(struct machine *m, unsigned why);
/* Drop one reason to stay stopped; the harts run when none is left. */
void machine_resume(struct machine *m, unsigned why);
/* Ask for a reboot (sifive,test reset, SBI SRST cold/warm reboot). */
void machine_reset(struct machine *m);
/* The guest is beyond help (kernel panic, a hart stuck in a trap loop):
 * print "dbt: <what>" once, then act as -action panic= says. */
void machine_guest_panic(struct machine *m, const char *what);

/* -dfilter: does the block or trace starting at pc go into the logs? */
static inline bool log_wants_pc(const struct machine *m, uint64_t pc)
{
    if (m->ndfilter == 0)
        return true;
    for (int i = 0; i < m->ndfilter; i++)
        if (pc >= m->dfilter[i].lo && pc <= m->dfilter[i].hi)
            return true;
    return false;
}

#endif
