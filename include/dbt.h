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
#define MAX_REGIONS 16
#define TIMEBASE_HZ 10000000ULL /* mtime ticks at 10 MHz */

/* -d log categories */
enum log_mask {
    LOG_IN_ASM = 1 << 0,  /* guest code of each block when first run */
    LOG_EXEC = 1 << 1,    /* pc of each block run */
    LOG_INT = 1 << 2,     /* traps and interrupts */
    LOG_MMU = 1 << 3,     /* page walks and faults */
    LOG_OUT_ASM = 1 << 4, /* host code (JIT) */
    LOG_SYSCALL = 1 << 5, /* SBI calls */
};

struct devices; /* devices.h */

struct machine {
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    struct mmio_region regions[MAX_REGIONS];
    int nregions;

    struct hart *harts[MAX_HARTS];
    int nharts;

    struct devices *dev;

    /* HTIF (riscv-tests): physical addresses of tohost/fromhost, 0 if none */
    uint64_t tohost, fromhost;

    /* mtime: with icount it follows retired instructions, else the host
     * monotonic clock at TIMEBASE_HZ since time_origin_ns. */
    bool icount;
    uint64_t icount_insns;  /* instructions retired by all harts */
    uint64_t time_origin_ns;

    bool builtin_sbi;  /* no -bios: SBI calls from S-mode are served in C */

    unsigned log;      /* enum log_mask */
    FILE *logf;        /* stderr or -D FILE */
    uint64_t *seen_blocks; /* -d in_asm: block starts already shown */
    size_t seen_capacity, seen_count;

    bool exit_requested;  /* stop the run loop and exit with exit_code */
    int exit_code;
    bool reset_requested; /* reboot: reset harts and devices, boot again */
};

/* mtime now, in timebase ticks. */
uint64_t machine_time(struct machine *m);
/* End the run with an exit status (poweroff, HTIF, SRST, Ctrl-A x). */
void machine_exit(struct machine *m, int code);
/* Ask for a reboot (sifive,test reset, SBI SRST cold/warm reboot). */
void machine_reset(struct machine *m);

#endif
