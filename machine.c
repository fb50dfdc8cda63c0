/* machine.c — the machine as one object: time, exit and reset requests, and
 * the loop that runs the harts.
 *
 * dbt.c builds the machine and calls machine_run(), which runs the harts
 * round-robin, one slice of instructions each, through the engine the user
 * chose (jit.c by default, cpu.c's interpreter with -interp, both in
 * lockstep with -check).  Between slices the devices are polled; when every
 * hart waits in WFI the loop sleeps in devices_idle().
 *
 * Inside a slice the engines watch one limit, h->insn_limit.  Everything that
 * wants control back zeroes it (cpu_kick); run_slice() then takes interrupts
 * and re-enters the engine with what is left of the slice, computed from
 * instret and the trap count, so a kick never shortens a slice.
 *
 * Debuggers.  Before each round the gdbstub and the monitor look at their
 * sockets.  Either may pause the machine (machine_pause: a breakpoint,
 * Ctrl-C, -S, the monitor's `stop`); while paused no hart runs, mtime stands
 * still, and the loop waits in poll() for the console, gdb or the monitor.
 * While gdb has a breakpoint or watchpoint the harts run through
 * gdbstub_run(), instruction by instruction, instead of the engine.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbt.h"
#include "devices.h"
#include "gdbstub.h"
#include "jit.h"
#include "monitor.h"

#define SLICE_INSNS 20000    /* instructions a hart runs before yielding */
#define NS_PER_TICK (1000000000ULL / TIMEBASE_HZ)

/* -- Time -------------------------------------------------------------------- */

uint64_t machine_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t machine_time(struct machine *m)
{
    if (m->time_frozen)
        return m->time_frozen;
    if (m->icount)
        return m->icount_insns >> m->icount_shift;
    return (machine_host_ns() - m->time_origin_ns) / (1000000000ULL / TIMEBASE_HZ);
}

/* -- Exit and reset ---------------------------------------------------------- */

static void stop_all_harts(struct machine *m)
{
    for (int i = 0; i < m->nharts; i++) {
        m->harts[i]->exit_request = 1;
        cpu_kick(m->harts[i]);
    }
}

void machine_exit(struct machine *m, int code)
{
    if (!m->exit_requested)
        m->exit_code = code;
    m->exit_requested = true;
    stop_all_harts(m);
}

void machine_reset(struct machine *m)
{
    if (m->no_reboot) {
        machine_exit(m, 0); /* QEMU's -no-reboot */
        return;
    }
    m->reset_requested = true;
    stop_all_harts(m);
}

void machine_guest_panic(struct machine *m, const char *what)
{
    if (m->panic_reported)
        return;
    m->panic_reported = true;
    fprintf(stderr, "dbt: %s\n", what);
    fflush(stderr);
    if (m->panic_action == PANIC_SHUTDOWN)
        machine_exit(m, 0);
    else if (m->panic_action == PANIC_EXIT_FAILURE)
        machine_exit(m, 1);
}

void machine_pause(struct machine *m, unsigned why)
{
    if (!m->paused) {
        m->paused_ns = machine_host_ns();
        stop_all_harts(m);
    }
    m->paused |= why;
}

void machine_resume(struct machine *m, unsigned why)
{
    if (!(m->paused & why))
        return;
    m->paused &= ~why;
    if (!m->paused) /* mtime did not move while we stood still */
        m->time_origin_ns += machine_host_ns() - m->paused_ns;
}

void machine_init_pages(struct machine *m)
{
    if (!m->page_watch)
        m->page_watch = calloc(m->ram_size >> 12, 1);
    else
        memset(m->page_watch, 0, m->ram_size >> 12);
    if (!m->page_watch) {
        fprintf(stderr, "dbt: out of memory\n");
        exit(2);
    }
}

/* -- The hart loop ------------------------------------------------------------ */

/* A hart in WFI wakes when an interrupt is pending and enabled in mie, even
 * if the global enable would keep it from being taken. */
static bool hart_runnable(struct hart *h)
{
    if (h->stopped)
        return false;
    if (h->wfi && cpu_pending_irqs(h))
        h->wfi = false;
    return !h->wfi;
}

/* Run one engine call with what is left of the slice. */
static void run_engine(struct machine *m, struct hart *h)
{
    if (m->gdb && gdbstub_checking(m->gdb)) {
        gdbstub_run(m->gdb, h); /* breakpoints: one instruction at a time */
        return;
    }
    switch (m->engine) {
    case ENGINE_INTERP: cpu_interp(h); break;
    case ENGINE_JIT: jit_run(h); break;
    case ENGINE_CHECK: jit_check_run(h); break;
    }
}

/* A whole slice of traps and not one instruction retired: every trap lands
 * on a handler that traps again (a bad entry point, a random blob run as
 * firmware, mtvec pointing nowhere).  Nothing can ever change that. */
static void check_stuck(struct machine *m, struct hart *h, uint64_t instret, uint64_t traps)
{
    if (h->instret != instret || h->ntraps - traps < SLICE_INSNS / 2)
        return;
    char what[160];
    snprintf(what, sizeof what,
             "hart %llu is stuck: trap after trap at pc 0x%llx (cause %llu, tval 0x%llx), "
             "no instruction retired",
             (unsigned long long)h->hartid, (unsigned long long)h->pc,
             (unsigned long long)h->trap_cause, (unsigned long long)h->trap_tval);
    machine_guest_panic(m, what);
}

/* Run hart h for one slice; returns the instructions and traps it took. */
static uint64_t run_slice(struct machine *m, struct hart *h)
{
    uint64_t start = h->instret + h->ntraps, instret = h->instret, traps = h->ntraps;
    h->exit_request = 0;
    h->interrupt_check = true; /* the Sstc timer may have passed */
    for (;;) {
        uint64_t used = h->instret + h->ntraps - start;
        if (used >= SLICE_INSNS || h->exit_request || h->wfi || h->stopped)
            break;
        if (h->interrupt_check) {
            h->interrupt_check = false;
            cpu_take_interrupt(h);
        }
        h->insn_limit = h->instret + (SLICE_INSNS - used);
        run_engine(m, h);
    }
    h->insn_limit = 0;
    h->reservation_valid = false;
    check_stuck(m, h, instret, traps);
    return h->instret + h->ntraps - start;
}

/* -icount and every hart in WFI: no instruction runs, so no time would
 * pass.  sleep=off jumps to the next timer deadline at once (deterministic;
 * with no timer armed, time stands still while we wait for input);
 * sleep=on lets time pass at real speed while devices_idle() sleeps. */
static void icount_idle(struct machine *m)
{
    uint64_t now = machine_time(m);
    uint64_t deadline = devices_next_deadline(m, now);
    uint64_t ticks;
    if (!m->icount_sleep && deadline != UINT64_MAX) {
        ticks = deadline - now;
    } else {
        uint64_t start = machine_host_ns();
        devices_idle(m);
        ticks = m->icount_sleep ? (machine_host_ns() - start) / NS_PER_TICK : 0;
        if (ticks > deadline - now)
            ticks = deadline - now;
    }
    m->icount_insns += ticks << m->icount_shift;
}

/* -- Debuggers ----------------------------------------------------------------- */

static void poll_debuggers(struct machine *m)
{
    bool force = m->paused;
    if (m->gdb)
        gdbstub_poll(m->gdb, force);
    if (m->mon)
        monitor_poll(m->mon, force);
}

/* Paused: sleep until the console, the debugger or the monitor has input
 * (at most 100 ms), and take console input (it may be for the monitor). */
static void wait_paused(struct machine *m)
{
    struct pollfd fds[8];
    int n = 0;
    if (m->dev && console_wait_fd(&m->dev->console) >= 0)
        fds[n++] = (struct pollfd){.fd = console_wait_fd(&m->dev->console), .events = POLLIN};
    if (m->gdb)
        n += gdbstub_wait_fds(m->gdb, fds + n, 8 - n);
    if (m->mon)
        n += monitor_wait_fds(m->mon, fds + n, 8 - n);
    poll(fds, (nfds_t)n, 100);
    if (m->dev)
        console_poll(&m->dev->console, machine_time(m), true);
}

enum machine_stop machine_run(struct machine *m)
{
    while (!m->exit_requested && !m->reset_requested) {
        poll_debuggers(m);
        if (m->paused) {
            wait_paused(m);
            continue;
        }
        bool any_ran = false;
        for (int i = 0; i < m->nharts && !m->exit_requested && !m->paused; i++) {
            struct hart *h = m->harts[i];
            if (!hart_runnable(h))
                continue;
            m->icount_insns += run_slice(m, h);
            any_ran = true;
        }
        devices_poll(m);
        if (any_ran || m->exit_requested || m->reset_requested || m->paused)
            continue;
        bool any_wakes = false;
        for (int i = 0; i < m->nharts; i++)
            any_wakes |= hart_runnable(m->harts[i]);
        if (any_wakes)
            continue;
        if (m->icount)
            icount_idle(m);
        else
            devices_idle(m);
    }
    if (m->exit_requested)
        return MACHINE_EXIT;
    m->reset_requested = false;
    return MACHINE_RESET;
}
