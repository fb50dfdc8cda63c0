/* devices.h — the devices room: CLINT, PLIC, 16550A UART, virtio-mmio block
 * device, goldfish RTC, the sifive,test finisher, and the host console that
 * stands behind the UART.
 *
 * dbt.c calls the first block (create, reset, poll, idle, destroy); sbi.c
 * and mmu.c (HTIF) call the console functions.  The rest of the header is the
 * room's own business: the device state and the functions the device files
 * (devices.c clint.c plic.c uart.c virtio_blk.c console.c) call in each other.
 * Devices raise interrupt lines and ask for exit or reset; they never call
 * the JIT. */
#ifndef DEVICES_H
#define DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dbt.h"

/* -- The machine's map (DESIGN.md §1, QEMU virt) ---------------------------
 * The same spelling as fdt.c's private copy, so both may be seen at once. */
#define TEST_BASE 0x100000ULL /* sifive,test0: poweroff/reboot */
#define TEST_SIZE 0x1000ULL
#define RTC_BASE 0x101000ULL
#define RTC_SIZE 0x1000ULL
#define CLINT_BASE 0x2000000ULL
#define CLINT_SIZE 0x10000ULL
#define PLIC_BASE 0xc000000ULL
#define PLIC_SIZE 0x600000ULL
#define UART_BASE 0x10000000ULL
#define UART_SIZE 0x100ULL
#define VIRTIO_BASE 0x10001000ULL /* slot i at VIRTIO_BASE + i * VIRTIO_SIZE */
#define VIRTIO_SIZE 0x1000ULL
#define VIRTIO_SLOTS 8            /* virtio-mmio transports, as on QEMU virt */

#define UART_CLOCK_HZ 3686400 /* the 16550's input clock: baud divisors only */
#define PLIC_NDEV 95          /* interrupt sources 1..95, as on QEMU virt */
#define IRQ_VIRTIO 1          /* PLIC source numbers; slot i has IRQ_VIRTIO + i */
#define IRQ_UART 10
#define IRQ_RTC 11

/* Values the sifive,test device takes at offset 0. */
#define TEST_FAIL 0x3333 /* | exit code << 16 */
#define TEST_POWEROFF 0x5555
#define TEST_REBOOT 0x7777

/* -- What dbt.c calls -------------------------------------------------------- */

/* One -drive: a virtio-blk device on its own virtio-mmio slot. */
struct drive_config {
    const char *path; /* file=; NULL: an empty slot */
    bool snapshot;    /* -snapshot or snapshot=on: writes stay in memory */
    bool readonly;    /* readonly=on */
};

struct devices_config {
    struct drive_config drive[VIRTIO_SLOTS]; /* slot i: /dev/vda, vdb, ... in order */
};

/* Create every device, register its MMIO window and set m->dev; on error
 * print one line `dbt: <what>: <why>` and return false. */
bool devices_create(struct machine *m, const struct devices_config *cfg);
/* Watch the ELF's tohost (if any) for HTIF commands. */
void htif_attach(struct machine *m);
/* Guest reboot: every device back to its power-on state (disk contents kept). */
void devices_reset(struct machine *m);
/* Close the disk, restore the terminal, free everything. */
void devices_destroy(struct machine *m);
/* Between slices: timer lines, host input into the UART, RTC alarm. */
void devices_poll(struct machine *m);
/* The earliest timer deadline after now, in mtime ticks, or UINT64_MAX. */
uint64_t devices_next_deadline(struct machine *m, uint64_t now);
/* Every running hart waits in WFI: sleep until the next timer deadline or
 * host input (the run loop calls devices_poll next). */
void devices_idle(struct machine *m);

/* Guest console output (SBI DBCN and legacy putchar, HTIF): stdout, unbuffered. */
void console_write(struct machine *m, const void *buf, size_t len);
/* The signal (SIGINT, SIGTERM, ...) that stopped the machine, or 0. */
int console_exit_signal(void);
/* "dbt: terminated by signal N" on stderr. */
void console_say_signal(int sig);
/* SBI legacy getchar: the next input byte, or -1. */
int console_getchar(struct machine *m);

/* A device drives PLIC source irq (1..PLIC_NDEV) to level. */
void plic_set_irq(struct machine *m, int irq, bool level);

/* -- Device state (the room's own) ------------------------------------------ */

/* CLINT: one msip and one mtimecmp per hart; mtime is machine_time(). */
struct clint {
    struct machine *m;
    uint32_t msip[MAX_HARTS];
    uint64_t mtimecmp[MAX_HARTS];
};

/* PLIC: source 0 means "none", so there are PLIC_NDEV + 1 bit positions. */
#define PLIC_WORDS ((PLIC_NDEV + 1 + 31) / 32)
#define PLIC_CONTEXTS (2 * MAX_HARTS) /* 2N: hart N M-mode, 2N+1: S-mode */

struct plic {
    struct machine *m;
    uint32_t priority[PLIC_NDEV + 1];
    uint32_t level[PLIC_WORDS];   /* input lines as the devices drive them */
    uint32_t pending[PLIC_WORDS]; /* gateway: signalled, not yet claimed */
    uint32_t claimed[PLIC_WORDS]; /* claimed, completion not yet seen */
    uint32_t enable[PLIC_CONTEXTS][PLIC_WORDS];
    uint32_t threshold[PLIC_CONTEXTS];
};

/* 16550A: transmission is instant, so only the receive FIFO holds bytes. */
#define UART_FIFO_SIZE 16

struct uart {
    struct machine *m;
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t ier, lcr, mcr, fcr, scr, dll, dlm;
    uint8_t lsr_errors; /* OE/PE/FE/BI, sticky until LSR is read */
    uint8_t msr;        /* modem status: lines (7:4) and deltas (3:0) */
    bool thre_pending;  /* THR-empty interrupt not yet acknowledged */
};

/* The host side of the console: stdin into the UART, UART into stdout. */
/* Input read from the host but not yet taken by the UART's FIFO.  Reading
 * ahead into it (never past its end) lets Ctrl-A x work while the guest
 * does not drain its FIFO, and input still is never dropped. */
#define CONSOLE_QUEUE 4096

struct console {
    struct machine *m;
    int in_fd, out_fd;
    uint8_t queue[CONSOLE_QUEUE];
    unsigned queue_head, queue_len;
    bool in_eof;        /* stdin ended or failed: never look at it again */
    bool escape;        /* Ctrl-A seen, the command key comes next */
    bool raw;           /* we put the terminal in raw mode */
    uint64_t next_poll; /* mtime at which to look at stdin again */
    char panic_line[120]; /* "Kernel panic - not syncing: ..." as it comes */
    size_t panic_len;     /* bytes of it matched or collected so far */
    bool panic_seen;      /* reported: watch no more */
    /* Ctrl-A c hands the keyboard to the monitor and back (monitor.c
     * fills these in; NULL: no monitor, C-a c does nothing). */
    void (*monitor_toggle)(void *opaque, bool on);
    void (*monitor_input)(void *opaque, uint8_t byte);
    void *monitor_opaque;
    bool monitor_on;    /* typed bytes go to the monitor now */
};

/* virtio-blk: one split virtqueue. */
#define BLK_QUEUE_MAX 256 /* QueueNumMax */
#define BLK_MAX_SEGS 1024 /* longest chain we follow (indirect included) */

struct virtq {
    uint32_t num;
    bool ready;
    uint64_t desc, driver, device; /* guest physical addresses of the rings */
    uint16_t last_avail;           /* next avail ring entry to serve */
};

/* Snapshot mode: modified 4 KiB blocks, by block number, in an open hash. */
struct overlay {
    uint64_t *keys; /* block number + 1; 0 = empty slot */
    uint8_t **blocks;
    size_t cap, count;
};

struct disk {
    int fd;
    const char *path;   /* for messages */
    bool write_error_reported; /* a host write error was said on stderr */
    uint64_t size; /* bytes the guest sees: a whole number of sectors */
    bool readonly, snapshot;
    struct overlay overlay;
};

/* One buffer of a descriptor chain, mapped to host memory (NULL: not RAM). */
struct blk_seg {
    uint8_t *p;
    uint64_t addr;
    uint32_t len;
    bool write;
};

struct virtio_blk {
    struct machine *m;
    int irq;      /* PLIC source: IRQ_VIRTIO + slot */
    bool present; /* a drive is attached (else device ID 0) */
    uint32_t status;
    uint32_t device_features_sel, driver_features_sel;
    uint64_t driver_features;
    uint32_t queue_sel;
    uint32_t interrupt_status;
    uint32_t shm_sel;
    struct virtq q;
    struct disk disk;
    struct blk_seg segs[BLK_MAX_SEGS];
};

/* goldfish RTC: nanoseconds since the epoch, host wall clock + offset. */
struct rtc {
    struct machine *m;
    int64_t offset_ns;  /* guest-set time minus host time */
    uint64_t icount_base_ns; /* -icount: the host's wall clock at start */
    uint32_t time_high; /* latched by a TIME_LOW read */
    uint32_t set_high;  /* TIME_HIGH written, used by the TIME_LOW write */
    uint32_t alarm_high;
    uint64_t alarm_ns;
    bool alarm_armed, irq_enabled, irq_pending;
};

struct devices {
    struct clint clint;
    struct plic plic;
    struct uart uart;
    struct console console;
    struct virtio_blk blk[VIRTIO_SLOTS];
    struct rtc rtc;
};

/* -- Between the device files ------------------------------------------------ */

void clint_create(struct machine *m, struct clint *c);
void clint_reset(struct clint *c);
/* Set each hart's MTIP from mtimecmp vs now. */
void clint_update(struct clint *c, uint64_t now);
/* The earliest mtimecmp after now, or UINT64_MAX. */
uint64_t clint_next_deadline(const struct clint *c, uint64_t now);

void plic_create(struct machine *m, struct plic *p);
void plic_reset(struct plic *p);

void uart_create(struct machine *m, struct uart *u);
void uart_reset(struct uart *u);
/* Bytes the receive FIFO can take from the host now. */
unsigned uart_rx_room(const struct uart *u);
/* A byte arrives from the host (the caller checked uart_rx_room). */
void uart_receive(struct uart *u, uint8_t byte);
/* Take the next received byte out of the FIFO, or -1. */
int uart_take(struct uart *u);

/* Open the drive, if any (prints the error line itself), and register the
 * window of virtio-mmio slot `slot`. */
bool virtio_blk_create(struct machine *m, struct virtio_blk *b, int slot,
                       const struct drive_config *drive);
void virtio_blk_reset(struct virtio_blk *b);
void virtio_blk_destroy(struct virtio_blk *b);

void console_create(struct machine *m, struct console *c);
void console_reset(struct console *c);
void console_destroy(struct console *c);
/* Move host input into the UART as room allows; force: ignore the rate limit. */
void console_poll(struct console *c, uint64_t now, bool force);
/* The stdin descriptor to wait on in devices_idle, or -1. */
int console_wait_fd(const struct console *c);

#endif
