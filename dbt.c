/* dbt.c — the command line, building the machine, loading images, the
 * machine loop, and the exit.
 *
 * main() parses QEMU-style options, builds `struct machine` (RAM, harts,
 * devices), loads the kernel (ELF, Linux Image or raw), the initrd and the
 * firmware, writes a device tree, and runs the harts round-robin in slices
 * until the guest powers off (or HTIF says it is done).  Between slices the
 * devices are polled; when every hart waits in WFI we sleep in poll().
 */
#include <elf.h>
#include <errno.h>
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbt.h"
#include "devices.h"
#include "elfsym.h"
#include "perfmap.h"
#include "replay.h"
#include "fdt.h"
#include "gdbstub.h"
#include "jit.h"
#include "monitor.h"
#include "sbi.h"

#define DBT_VERSION "0.1"
#define DTB_MAX (64 * 1024)
#define FW_DYNAMIC_MAGIC 0x4942534fULL /* "OSBI": OpenSBI's fw_dynamic info */

struct options {
    const char *kernel, *initrd, *append, *bios, *dumpdtb, *logfile;
    char *bootargs; /* -append, and earlycon=sbi unless it names an earlycon */
    bool no_reboot;
    enum panic_action panic_action;
    const char *record, *replay; /* -record FILE, -replay FILE */
    uint64_t ram_size;
    int smp;
    struct devices_config disks; /* slot i: the i-th disk */
    int nslots;                  /* slots taken by -drive and -device */
    const char *device_ref[VIRTIO_SLOTS]; /* -device ...,drive=ID: fill slot i later */
    struct named_drive {                  /* -drive if=none,id=ID */
        const char *id;
        struct drive_config cfg;
        bool used;
    } named[VIRTIO_SLOTS];
    int nnamed;
    bool snapshot;
    unsigned log;
    struct pc_range dfilter[MAX_DFILTER]; /* -dfilter */
    int ndfilter;
    bool icount, icount_sleep, stats, perfmap;
    int icount_shift;
    enum engine engine;
    uint64_t jit_cache_size;
    bool no_traces;
    bool trace_kernel;
    int32_t trace_threshold;
    const char *gdb;        /* -gdb SPEC (-s: tcp::1234) */
    bool gdb_wait;          /* -S */
    const char *monitor;    /* -monitor SPEC */
};

/* -- Errors ----------------------------------------------------------------- */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dbt: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* -- Files ------------------------------------------------------------------ */

struct file_image {
    const char *path;
    uint8_t *data; /* mapped read-only, whole file */
    size_t size;
};

/* Open a file to load and map it.  O_NONBLOCK keeps open() of a FIFO from
 * waiting for a writer; anything but a regular file is refused.  A file
 * that is not ELF must fit in `max` bytes (the RAM): that is checked from
 * its size, before anything is read.  An ELF file may be larger (debug
 * information): only its segments are copied, and place() checks them. */
static struct file_image read_file(const char *what, const char *path, uint64_t max)
{
    struct file_image f = {.path = path};
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        die("%s %s: %s", what, path, strerror(errno));
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        die("%s %s: not a regular file", what, path);
    }
    if (st.st_size == 0) {
        close(fd);
        die("%s %s: empty file", what, path);
    }
    char magic[SELFMAG] = {0};
    bool elf = pread(fd, magic, SELFMAG, 0) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
    if (!elf && (uint64_t)st.st_size > max) {
        close(fd);
        die("%s %s: %llu bytes, larger than the RAM (%llu MiB; try a larger -m)", what, path,
            (unsigned long long)st.st_size, (unsigned long long)(max >> 20));
    }
    f.size = (size_t)st.st_size;
    f.data = mmap(NULL, f.size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f.data == MAP_FAILED)
        die("%s %s: cannot read: %s", what, path, strerror(errno));
    return f;
}

static void free_file(struct file_image *f)
{
    munmap(f->data, f->size);
}

/* Copy len bytes to guest physical address pa, or die naming the file. */
static void place(struct machine *m, const struct file_image *f, uint64_t pa,
                  const void *src, uint64_t len, uint64_t zero_to)
{
    uint8_t *dst = mmu_ram_ptr(m, pa, zero_to);
    if (!dst)
        die("%s: does not fit in RAM (%#llx bytes at %#llx; RAM is %#llx bytes at %#llx, "
            "try a larger -m)", f->path, (unsigned long long)zero_to, (unsigned long long)pa,
            (unsigned long long)m->ram_size, (unsigned long long)m->ram_base);
    memcpy(dst, src, len);
    memset(dst + len, 0, zero_to - len);
}

/* -- The log file ------------------------------------------------------------
 * -D FILE holds at most LOG_MAX bytes (DBT_LOG_MAX=BYTES overrides): -d exec
 * writes a line per block, and a guest that runs for hours would otherwise
 * fill the host's disk.  At the cap the file ends with a note, stderr says
 * so once, and later log lines are dropped. */
#define LOG_MAX (1ULL << 30)

struct log_file {
    int fd;
    uint64_t written, max;
};

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n, len -= (size_t)n;
    }
    return true;
}

static ssize_t log_write(void *cookie, const char *buf, size_t len)
{
    struct log_file *l = cookie;
    size_t room = l->written < l->max ? (size_t)(l->max - l->written) : 0;
    size_t n = len < room ? len : room;
    if (!write_all(l->fd, buf, n))
        return -1;
    l->written += n;
    if (n == len)
        return (ssize_t)len;
    static const char note[] = "\ndbt: the log reached its size limit here\n";
    if (room && write_all(l->fd, note, sizeof note - 1))
        fprintf(stderr, "dbt: -D: the log reached %llu bytes; the rest is dropped\n",
                (unsigned long long)l->max);
    return (ssize_t)len;
}

static int log_close(void *cookie)
{
    struct log_file *l = cookie;
    return close(l->fd);
}

static FILE *open_log(const char *path)
{
    static struct log_file log; /* one -D per run, open to the end */
    struct log_file *l = &log;
    const char *max = getenv("DBT_LOG_MAX");
    char *end = NULL;
    l->max = max ? strtoull(max, &end, 10) : LOG_MAX;
    if (max && (*end || !*max))
        die("DBT_LOG_MAX=%s: not a number of bytes", max);
    l->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (l->fd < 0)
        die("-D %s: %s", path, strerror(errno));
    FILE *f = fopencookie(l, "w", (cookie_io_functions_t){.write = log_write, .close = log_close});
    if (!f)
        die("-D %s: %s", path, strerror(errno));
    return f;
}

/* -- Loaders -----------------------------------------------------------------
 * ELF64 by program headers (p_paddr, as QEMU does); a Linux Image ("RSC\x05"
 * at 0x38, Debian's kernel also has a PE header: "MZ" at 0); raw binaries. */

static bool is_elf(const struct file_image *f)
{
    return f->size >= 4 && !memcmp(f->data, ELFMAG, SELFMAG);
}

static bool is_linux_image(const struct file_image *f)
{
    return f->size >= 64 && !memcmp(f->data + 0x38, "RSC\x05", 4);
}

static bool in_file(const struct file_image *f, uint64_t off, uint64_t len)
{
    return off <= f->size && len <= f->size - off;
}

/* HTIF's tohost/fromhost, from the ELF's symbol table. */
static void htif_symbol(void *opaque, const char *name, uint64_t value, uint64_t size,
                        unsigned type)
{
    struct machine *m = opaque;
    (void)size, (void)type;
    if (!strcmp(name, "tohost"))
        m->tohost = value;
    else if (!strcmp(name, "fromhost"))
        m->fromhost = value;
}

/* Entry i of a table at byte off of the file, copied out: ELF puts its
 * tables at any offset, where a cast pointer could be misaligned. */
static void *elf_entry(const struct file_image *f, uint64_t off, uint64_t i, void *out, size_t size)
{
    return memcpy(out, f->data + off + i * size, size);
}

/* Where a loaded image lies in guest physical memory: [start, end). */
struct span {
    uint64_t start, end;
};

/* Load an ELF by its program headers; returns the entry point and the span
 * of its segments. */
static uint64_t load_elf(struct machine *m, const struct file_image *f, struct span *at)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->data;
    if (f->size < sizeof *eh)
        die("%s: truncated ELF header", f->path);
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
        die("%s: not a 64-bit little-endian ELF file", f->path);
    if (eh->e_machine != EM_RISCV)
        die("%s: ELF file is not for RISC-V (e_machine %u)", f->path, eh->e_machine);
    if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
        !in_file(f, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
        die("%s: truncated or malformed ELF program headers", f->path);

    int loaded = 0;
    *at = (struct span){UINT64_MAX, 0};
    for (int i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        elf_entry(f, eh->e_phoff, (uint64_t)i, &ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            die("%s: segment %d: p_filesz %#llx is larger than p_memsz %#llx", f->path, i,
                (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
        if (!in_file(f, ph.p_offset, ph.p_filesz))
            die("%s: segment %d lies outside the file (truncated ELF?)", f->path, i);
        place(m, f, ph.p_paddr, f->data + ph.p_offset, ph.p_filesz, ph.p_memsz);
        if (ph.p_paddr < at->start)
            at->start = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > at->end)
            at->end = ph.p_paddr + ph.p_memsz;
        loaded++;
    }
    if (!loaded)
        die("%s: ELF file has no loadable segments", f->path);
    elfsym_each(f->data, f->size, htif_symbol, m);
    return eh->e_entry;
}

/* Load a kernel or firmware file at `base` (raw, Image) or where its ELF
 * headers say; returns the entry point and sets the span it occupies. */
static uint64_t load_image(struct machine *m, const char *what, const char *path,
                           uint64_t base, struct span *at)
{
    struct file_image f = read_file(what, path, m->ram_size);
    uint64_t entry = base;
    if (is_elf(&f)) {
        entry = load_elf(m, &f, at);
    } else {
        uint64_t size = f.size;
        if (is_linux_image(&f)) {
            uint64_t image_size; /* header: effective size incl. bss */
            memcpy(&image_size, f.data + 16, 8);
            if (image_size > size)
                size = image_size;
        }
        place(m, &f, base, f.data, f.size, size);
        *at = (struct span){base, base + size};
    }
    free_file(&f);
    return entry;
}

/* -- Building the machine ---------------------------------------------------- */

static void create_ram(struct machine *m, uint64_t size)
{
    m->ram_base = RAM_BASE;
    m->ram_size = size;
    m->ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                  -1, 0);
    if (m->ram == MAP_FAILED)
        die("-m %llu MiB: cannot allocate guest RAM: %s",
            (unsigned long long)(size >> 20), strerror(errno));
}

static void create_harts(struct machine *m, int n)
{
    for (int i = 0; i < n; i++) {
        /* aligned as its type asks: calloc gives 16 bytes, and a TLB
         * entry 16 bytes into a cache line spans two of them */
        size_t size = (sizeof(struct hart) + 4095) & ~(size_t)4095;
        struct hart *h = aligned_alloc(4096, size);
        if (!h)
            die("out of memory");
        memset(h, 0, size);
        m->harts[i] = h;
        cpu_reset(h, m, (uint64_t)i, RAM_BASE);
    }
    m->nharts = n;
}

struct boot_layout {
    uint64_t entry;               /* where the boot hart(s) start */
    uint64_t kernel_entry;        /* the kernel's own entry */
    uint64_t initrd_start, initrd_end;
    uint64_t dtb;
    uint64_t fw_dynamic_info;     /* a2 for OpenSBI fw_dynamic, else 0 */
};

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* Where the initrd goes: halfway up RAM (as QEMU does) when the kernel ends
 * below that, else right after the kernel. */
static uint64_t initrd_address(const struct machine *m, uint64_t kernel_end)
{
    uint64_t start = m->ram_base + m->ram_size / 2;
    return start < kernel_end ? align_up(kernel_end, 2 << 20) : start;
}

static void load_initrd(struct machine *m, const char *path, uint64_t kernel_end,
                        struct boot_layout *b)
{
    struct file_image f = read_file("-initrd", path, m->ram_size);
    uint64_t start = initrd_address(m, kernel_end);
    place(m, &f, start, f.data, f.size, f.size);
    b->initrd_start = start;
    b->initrd_end = start + f.size;
    free_file(&f);
}

/* The device tree of this machine, with /chosen from the options; returns
 * its size. */
static size_t build_dtb(struct machine *m, const struct options *o, uint64_t initrd_start,
                        uint64_t initrd_end, uint8_t *buf, size_t cap)
{
    uint8_t rng[64];
    replay_random(m, rng, sizeof rng); /* getrandom, or the recorded seed */
    struct fdt_config cfg = {
        .bootargs = o->bootargs,
        .initrd_start = initrd_start,
        .initrd_end = initrd_end,
        .rng_seed = rng,
        .rng_seed_len = sizeof rng,
    };
    size_t size = fdt_build(m, &cfg, buf, cap);
    if (!size)
        die("device tree does not fit in %zu bytes", cap);
    return size;
}

/* The DTB, and after it OpenSBI's fw_dynamic info, go at the top of RAM,
 * 2 MiB aligned down as QEMU does, or just below the top when that would
 * overlap what is loaded.  A bare-metal program (-bios none) that leaves no
 * room gets a1 = 0 instead of an error: it may well not want a DTB. */
#define FW_DYNAMIC_INFO_SIZE 48

static uint64_t place_dtb(struct machine *m, const struct options *o, uint64_t loaded_end,
                          bool bios_none, struct boot_layout *b)
{
    static uint8_t dtb[DTB_MAX];
    size_t size = build_dtb(m, o, b->initrd_start, b->initrd_end, dtb, sizeof dtb);
    uint64_t need = align_up(size, 8) + FW_DYNAMIC_INFO_SIZE;
    uint64_t ram_end = m->ram_base + m->ram_size;
    uint64_t at = ram_end < need ? 0 : (ram_end - need) & ~((2ULL << 20) - 1);
    if (at < loaded_end)
        at = ram_end < need ? 0 : (ram_end - need) & ~7ULL;
    if (at < loaded_end) {
        if (bios_none)
            return 0;
        die("-m %llu MiB: too little RAM for the kernel, initrd and device tree",
            (unsigned long long)(m->ram_size >> 20));
    }
    memcpy(mmu_ram_ptr(m, at, size), dtb, size);
    b->dtb = at;
    return at + align_up(size, 8); /* room for the fw_dynamic info */
}

/* OpenSBI's fw_dynamic reads where to go next from a struct in a2:
 * magic, version 2, next_addr, next_mode (1 = S), options, boot_hart. */
static uint64_t place_fw_dynamic_info(struct machine *m, uint64_t kernel_entry, uint64_t at)
{
    uint64_t info[FW_DYNAMIC_INFO_SIZE / 8] = {FW_DYNAMIC_MAGIC, 2, kernel_entry, 1, 0, ~0ULL};
    memcpy(mmu_ram_ptr(m, at, sizeof info), info, sizeof info);
    return at;
}

/* QEMU refuses firmware and kernel that would be loaded over each other
 * ("ROM regions are overlapping"); so do we. */
static void check_overlap(const struct options *o, struct span fw, struct span kernel)
{
    if (fw.start < kernel.end && kernel.start < fw.end)
        die("-bios %s (%#llx..%#llx) and -kernel %s (%#llx..%#llx) overlap in RAM "
            "(ROM regions are overlapping)", o->bios, (unsigned long long)fw.start,
            (unsigned long long)fw.end, o->kernel, (unsigned long long)kernel.start,
            (unsigned long long)kernel.end);
}

static void boot_load(struct machine *m, const struct options *o, struct boot_layout *b)
{
    struct span at = {m->ram_base, m->ram_base};
    uint64_t end;
    bool bios_none = o->bios && !strcmp(o->bios, "none");
    bool builtin_sbi = !o->bios || !strcmp(o->bios, "default");
    memset(b, 0, sizeof *b);
    m->tohost = m->fromhost = 0;

    if (bios_none) {
        b->entry = b->kernel_entry = load_image(m, "-kernel", o->kernel, m->ram_base, &at);
    } else if (builtin_sbi) {
        b->entry = b->kernel_entry =
            load_image(m, "-kernel", o->kernel, m->ram_base + KERNEL_OFFSET, &at);
    } else {
        struct span fw;
        b->entry = load_image(m, "-bios", o->bios, m->ram_base, &fw);
        at = fw;
        if (o->kernel) {
            b->kernel_entry =
                load_image(m, "-kernel", o->kernel, m->ram_base + KERNEL_OFFSET, &at);
            check_overlap(o, fw, at);
        }
        if (at.end < fw.end)
            at.end = fw.end;
    }
    end = at.end;
    if (o->initrd)
        load_initrd(m, o->initrd, end, b);
    uint64_t info_at = place_dtb(m, o, b->initrd_end > end ? b->initrd_end : end, bios_none, b);
    if (!bios_none && !builtin_sbi)
        b->fw_dynamic_info = place_fw_dynamic_info(m, b->kernel_entry, info_at);
    m->builtin_sbi = builtin_sbi;
}

/* Power-on state of every hart: with the built-in SBI the boot hart enters
 * the kernel in S-mode and the others wait for HSM hart_start; otherwise all
 * harts start in M-mode at the entry, as on real boards. */
static void boot_harts(struct machine *m, const struct boot_layout *b)
{
    for (int i = 0; i < m->nharts; i++) {
        struct hart *h = m->harts[i];
        cpu_reset(h, m, (uint64_t)i, b->entry);
        h->x[10] = (uint64_t)i;   /* a0: hart id */
        h->x[11] = b->dtb;        /* a1: device tree */
        h->x[12] = b->fw_dynamic_info;
        if (m->builtin_sbi) {
            sbi_prepare_hart_for_s_mode(h);
            h->priv = PRIV_S;
            h->stopped = i != 0;
            cpu_update_mmu_ctx(h);
        }
    }
}

static void boot(struct machine *m, const struct options *o)
{
    struct boot_layout b;
    boot_load(m, o, &b);
    boot_harts(m, &b);
}

/* Reboot: RAM back to zero, devices to power-on state, images reloaded. */
static void reboot(struct machine *m, const struct options *o)
{
    madvise(m->ram, m->ram_size, MADV_DONTNEED); /* anonymous: reads as zero */
    if (m->jit)
        jit_flush(m->jit);
    machine_init_pages(m);
    devices_reset(m);
    boot(m, o);
    htif_attach(m);
}

/* -- Command line -------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
        "usage: dbt [options] [kernel]\n"
        "Runs a RISC-V RV64GC machine (QEMU virt layout) on this host.\n\n"
        "  -kernel FILE       kernel: Linux Image, ELF or raw binary\n"
        "  -initrd FILE       initial ramdisk\n"
        "  -append STRING     kernel command line; with the built-in SBI earlycon=sbi is\n"
        "                     added unless STRING names an earlycon (say earlycon=none)\n"
        "  -bios FILE|none    M-mode firmware (e.g. OpenSBI fw_jump.bin); 'none' starts\n"
        "                     the kernel in M-mode; default: the built-in SBI\n"
        "  -m SIZE            RAM size in MiB, or with a suffix K, M, G, T, maybe a\n"
        "                     fraction (1.5G); default 512M, at most 64G\n"
        "  -smp [cpus=]N[,sockets=S,cores=C,threads=T]   harts, 1 to %d (default 1)\n"
        "  -drive file=IMG[,format=raw][,readonly=on][,snapshot=on][,if=virtio]\n"
        "                     a virtio-blk disk on the next of 8 virtio-mmio slots\n"
        "                     (/dev/vda, vdb, ... in order); if=none,id=ID waits for\n"
        "  -device virtio-blk-device,drive=ID   which takes the next slot\n"
        "  -snapshot          keep disk writes in memory\n"
        "  -no-reboot         exit when the guest reboots\n"
        "  -action panic=none|shutdown|exit-failure\n"
        "                     when the guest kernel panics or a hart is stuck in a trap\n"
        "                     loop (one 'dbt:' line says so): keep running (none, the\n"
        "                     default), exit 0 (shutdown) or exit 1 (exit-failure)\n"
        "  -nographic         console on stdio (always the case)\n"
        "  -d ITEMS           log (comma separated): in_asm, out_asm, exec, int;\n"
        "                     mmu (walks, TLB fills, sfence.vma, satp); cpu (registers\n"
        "                     at each block start; runs the interpreter, not the JIT);\n"
        "                     syscall (Linux system calls, strace-style); sbi\n"
        "  -dfilter RANGE[,RANGE...]  in_asm, out_asm, exec and cpu log only blocks\n"
        "                     and traces starting in a range: 0x1000..0x1fff, or\n"
        "                     0x1000+0x100 (from), 0x1000-0x100 (up to), 0x1000\n"
        "  -D FILE            write the log to FILE instead of stderr (at most 1 GiB,\n"
        "                     or DBT_LOG_MAX bytes)\n"
        "  -icount [shift=N][,sleep=on|off]\n"
        "                     time follows retired instructions, 2^N per tick (10 MHz);\n"
        "                     while all harts wait in WFI time jumps to the next timer\n"
        "                     (sleep=off, the default of bare -icount: deterministic)\n"
        "                     or runs at real speed (sleep=on, QEMU's default)\n"
        "  -record FILE       with -icount: write console input, the RTC's wall clock and\n"
        "                     the rng seed to FILE, with the instruction count of each\n"
        "  -replay FILE       with -icount: run again exactly as recorded (stdin ignored);\n"
        "                     refused if the images, disk or options differ\n"
        "  -interp            run the interpreter alone (no translation)\n"
        "  -check             run every block under the JIT and the interpreter and\n"
        "                     stop at the first difference (slow; for debugging)\n"
        "  -jit-cache SIZE    size of the translated code cache, 64K to 1G (default 256M)\n"
        "  -no-traces         translate blocks only (no superblock traces)\n"
        "  -trace-threshold N runs of a loop head before its trace is recorded\n"
        "                     (default %d)\n"
        "  -trace-kernel      S-mode (kernel) code gets traces too (off by default:\n"
        "                     measured slower on every kernel-heavy workload)\n"
        "  -perfmap           write /tmp/perf-PID.map: host code of each translated block\n"
        "                     named by guest pc and ELF symbol, for perf report\n"
        "  -stats             print instruction counts, speed and JIT statistics at exit\n"
        "  -gdb tcp::PORT     wait for a gdb connection on PORT (127.0.0.1 unless a host\n"
        "                     is given: tcp:HOST:PORT)\n"
        "  -s                 -gdb tcp::1234\n"
        "  -S                 do not start the harts until gdb (or the monitor's cont)\n"
        "                     says so\n"
        "  -monitor unix:PATH[,server,nowait]   the (dbt) monitor on a unix socket\n"
        "  -dumpdtb FILE      write the device tree to FILE and exit\n"
        "  -h                 this help\n"
        "  -V                 version\n"
        "Console: Ctrl-A x quits, Ctrl-A c switches to the monitor, Ctrl-A h helps.\n",
        MAX_HARTS, TRACE_THRESHOLD_DEFAULT);
}

/* A size as QEMU writes it: a number, maybe with a fraction ("1.5G"), and
 * a suffix B, K, M, G, T, P or E (a bare number means MiB).  Dies on
 * anything else (an exponent too: "7.5e5E" once made the fraction 50000,
 * times 2^60); sizes past 2^64 come back as UINT64_MAX. */
static uint64_t parse_bytes(const char *opt, const char *s)
{
    static const char suffixes[] = "BKMGTPE";
    char *end;
    errno = 0;
    if (s[0] < '0' || s[0] > '9')
        die("%s %s: not a size", opt, s);
    unsigned long long whole = strtoull(s, &end, 10);
    double frac = 0, place = 1;
    if (*end == '.' && end[1] >= '0' && end[1] <= '9')
        while (*++end >= '0' && *end <= '9') /* digits only: no exponent */
            frac += (*end - '0') * (place /= 10);
    int shift = 20;
    int letter = *end & ~0x20; /* upper case; 0 for a space, not a suffix */
    const char *unit = letter ? strchr(suffixes, letter) : NULL;
    if (unit && *end) {
        shift = 10 * (int)(unit - suffixes);
        end++;
    }
    if (*end)
        die("%s %s: not a size (try 512M, 1.5G)", opt, s);
    if (errno == ERANGE || (shift && whole > (UINT64_MAX >> shift) - 1))
        return UINT64_MAX;
    return ((uint64_t)whole << shift) + (uint64_t)(frac * (double)(1ULL << shift));
}

#define RAM_MAX (64ULL << 30)

static uint64_t parse_size(const char *s)
{
    uint64_t bytes = parse_bytes("-m", s);
    if (bytes > RAM_MAX)
        die("-m %s: too large: RAM is at most %lluG here", s, RAM_MAX >> 30);
    if (bytes < (1 << 20) || bytes % 4096)
        die("-m %s: RAM size must be at least 1 MiB, in whole pages", s);
    return bytes;
}

/* A key=value list of QEMU's shape ("4,sockets=1,cores=4"): calls
 * fn(key, value) for each item; a bare first item gets the key `first`. */
static void parse_keyvals(const char *opt, const char *s, const char *first,
                          void (*fn)(const char *opt, const char *all, const char *key,
                                     const char *value, void *ctx),
                          void *ctx)
{
    char *copy = strdup(s), *save = NULL;
    bool at_first = true;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (eq)
            *eq = 0;
        else if (!at_first || !first)
            die("%s %s: '%s' is not key=value", opt, s, t);
        fn(opt, s, eq ? t : first, eq ? eq + 1 : t, ctx);
        at_first = false;
    }
    free(copy);
}

static long parse_count(const char *opt, const char *all, const char *key, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 0 || n > 1 << 20)
        die("%s %s: %s=%s is not a number", opt, all, key, v);
    return n;
}

/* -smp [cpus=]N[,sockets=S][,cores=C][,threads=T][,maxcpus=M], as QEMU. */
struct smp_spec {
    long cpus, maxcpus, product;
};

static void smp_item(const char *opt, const char *all, const char *key, const char *v, void *ctx)
{
    struct smp_spec *p = ctx;
    long n = parse_count(opt, all, key, v);
    if (!strcmp(key, "cpus"))
        p->cpus = n;
    else if (!strcmp(key, "maxcpus"))
        p->maxcpus = n;
    else if (!strcmp(key, "sockets") || !strcmp(key, "cores") || !strcmp(key, "threads") ||
             !strcmp(key, "dies") || !strcmp(key, "clusters"))
        p->product *= n;
    else
        die("%s %s: unknown parameter '%s' (cpus, sockets, cores, threads, maxcpus)", opt, all,
            key);
}

static int parse_smp(const char *s)
{
    struct smp_spec p = {0, 0, 1};
    parse_keyvals("-smp", s, "cpus", smp_item, &p);
    if (!p.cpus)
        p.cpus = p.product;
    if (p.product != 1 && p.product != p.cpus)
        die("-smp %s: sockets*cores*threads is %ld, not cpus=%ld", s, p.product, p.cpus);
    if (p.maxcpus && p.maxcpus != p.cpus)
        die("-smp %s: maxcpus (CPU hotplug) is not supported: give maxcpus=cpus", s);
    if (p.cpus < 1 || p.cpus > MAX_HARTS)
        die("-smp %s: the number of harts must be 1 to %d", s, MAX_HARTS);
    return (int)p.cpus;
}

/* -icount [shift=]N[,sleep=on|off][,align=off]; bare -icount is shift=3
 * with sleep=off (deterministic), given QEMU's syntax sleep defaults to on. */
static void icount_item(const char *opt, const char *all, const char *key, const char *v,
                        void *ctx)
{
    struct options *o = ctx;
    if (!strcmp(key, "shift") && !strcmp(v, "auto"))
        die("%s %s: shift=auto is not supported: give shift=N (0 to 10)", opt, all);
    if (!strcmp(key, "shift")) {
        long n = parse_count(opt, all, key, v);
        if (n > 10)
            die("%s %s: shift must be 0 to 10", opt, all);
        o->icount_shift = (int)n;
    } else if (!strcmp(key, "sleep") && (!strcmp(v, "on") || !strcmp(v, "off"))) {
        o->icount_sleep = !strcmp(v, "on");
    } else if (!strcmp(key, "align") && !strcmp(v, "off")) {
        /* the default; align=on is QEMU's host-speed throttling */
    } else {
        die("%s %s: unsupported '%s=%s' (shift=N, sleep=on|off)", opt, all, key, v);
    }
}

/* Does argument s look like -icount's optional argument? */
static bool is_icount_arg(const char *s)
{
    return s && (isdigit((unsigned char)s[0]) || !strncmp(s, "shift=", 6) ||
                 !strncmp(s, "sleep=", 6) || !strncmp(s, "align=", 6));
}

static unsigned parse_log(const char *s)
{
    static const struct { const char *name; unsigned bit; } items[] = {
        {"in_asm", LOG_IN_ASM}, {"exec", LOG_EXEC}, {"int", LOG_INT},
        {"mmu", LOG_MMU}, {"out_asm", LOG_OUT_ASM}, {"syscall", LOG_SYSCALL},
        {"sbi", LOG_SBI}, {"cpu", LOG_CPU},
    };
    unsigned mask = 0;
    char *copy = strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof items / sizeof items[0]; i++)
            if (!strcmp(t, items[i].name))
                break;
        if (i == sizeof items / sizeof items[0])
            die("-d %s: unknown log item '%s' (try in_asm,out_asm,exec,int,mmu,cpu,syscall,sbi)", s, t);
        mask |= items[i].bit;
    }
    free(copy);
    return mask;
}

/* -dfilter RANGE[,RANGE...], as QEMU reads them: A..B (A to B, both
 * included), A+N (N bytes from A) or A-N (N bytes up to and including A);
 * also a bare A, the block or trace starting there. */
static void parse_dfilter(const char *s, struct options *o)
{
    char *copy = strdup(s), *save = NULL;
    if (!copy)
        die("out of memory");
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (o->ndfilter == MAX_DFILTER)
            die("-dfilter %s: at most %d ranges", s, MAX_DFILTER);
        char *end;
        errno = 0;
        uint64_t a = strtoull(t, &end, 0), b;
        bool ok = end != t && errno == 0;
        if (ok && !strncmp(end, "..", 2)) {
            char *rest = end + 2;
            b = strtoull(rest, &end, 0);
            ok = end != rest && errno == 0 && b >= a;
        } else if (ok && (*end == '+' || *end == '-')) {
            char op = *end, *rest = end + 1;
            uint64_t len = strtoull(rest, &end, 0);
            ok = end != rest && errno == 0 && len > 0 &&
                 (op == '+' ? a + (len - 1) >= a : a >= len - 1);
            if (op == '+')
                b = a + (len - 1);
            else
                b = a, a = a - (len - 1);
        } else {
            b = a; /* one address: the block or trace that starts there */
        }
        if (!ok || *end)
            die("-dfilter %s: '%s' is not a range (say 0x1000..0x1fff, 0x1000+0x100 or 0x1000-0x100)",
                s, t);
        o->dfilter[o->ndfilter++] = (struct pc_range){a, b};
    }
    free(copy);
}

/* -drive file=IMG[,format=raw][,if=virtio|none][,id=ID][,readonly=on|off]
 * [,snapshot=on|off][,media=disk][,cache=...][,aio=...]: one virtio-blk
 * device each, on the next free slot; if=none waits for a -device. */
struct drive_parse {
    struct drive_config cfg;
    const char *id;
    bool if_none;
};

static bool on_off(const char *opt, const char *all, const char *key, const char *v)
{
    if (strcmp(v, "on") && strcmp(v, "off"))
        die("%s %s: %s=%s: say on or off", opt, all, key, v);
    return !strcmp(v, "on");
}

static void drive_item(const char *opt, const char *all, const char *key, const char *v,
                       void *ctx)
{
    struct drive_parse *d = ctx;
    if (!strcmp(key, "file"))
        d->cfg.path = strdup(v);
    else if (!strcmp(key, "format") && strcmp(v, "raw"))
        die("%s %s: only format=raw is supported", opt, all);
    else if (!strcmp(key, "if") && strcmp(v, "virtio") && strcmp(v, "none"))
        die("%s %s: if=%s: this machine has if=virtio and if=none only", opt, all, v);
    else if (!strcmp(key, "if"))
        d->if_none = !strcmp(v, "none");
    else if (!strcmp(key, "id"))
        d->id = strdup(v);
    else if (!strcmp(key, "readonly"))
        d->cfg.readonly = on_off(opt, all, key, v);
    else if (!strcmp(key, "snapshot"))
        d->cfg.snapshot = on_off(opt, all, key, v);
    else if (!strcmp(key, "media") && strcmp(v, "disk"))
        die("%s %s: only media=disk is supported", opt, all);
    else if (strcmp(key, "format") && strcmp(key, "media") && strcmp(key, "cache") &&
             strcmp(key, "aio"))
        die("%s %s: unknown parameter '%s'", opt, all, key);
}

static void take_slot(const char *opt, const char *s, struct options *o)
{
    if (o->nslots == VIRTIO_SLOTS)
        die("%s %s: more than %d disks (the machine has %d virtio-mmio slots)", opt, s,
            VIRTIO_SLOTS, VIRTIO_SLOTS);
    o->nslots++;
}

static void parse_drive(const char *s, struct options *o)
{
    struct drive_parse d = {0};
    parse_keyvals("-drive", s, NULL, drive_item, &d);
    if (!d.cfg.path || !*d.cfg.path)
        die("-drive %s: file=IMG is required", s);
    if (!d.if_none) {
        take_slot("-drive", s, o);
        o->disks.drive[o->nslots - 1] = d.cfg;
        return;
    }
    if (!d.id)
        die("-drive %s: if=none needs an id=NAME for -device virtio-blk-device,drive=NAME", s);
    for (int i = 0; i < o->nnamed; i++)
        if (!strcmp(o->named[i].id, d.id))
            die("-drive %s: id=%s is given twice", s, d.id);
    if (o->nnamed == VIRTIO_SLOTS)
        die("-drive %s: more than %d disks", s, VIRTIO_SLOTS);
    o->named[o->nnamed++] = (struct named_drive){d.id, d.cfg, false};
}

/* -device virtio-blk-device,drive=ID[,bus=...]: the if=none drive ID on the
 * next free slot.  Nothing else can be plugged in here. */
static void device_item(const char *opt, const char *all, const char *key, const char *v,
                        void *ctx)
{
    const char **drive = ctx;
    if (!strcmp(key, "driver") && !strcmp(v, "virtio-blk-pci"))
        die("%s %s: this machine has no PCI bus: use virtio-blk-device (virtio-mmio)", opt, all);
    if (!strcmp(key, "driver") && strcmp(v, "virtio-blk-device"))
        die("%s %s: unknown device '%s' (only virtio-blk-device,drive=ID exists)", opt, all, v);
    if (!strcmp(key, "drive"))
        *drive = strdup(v);
    else if (strcmp(key, "driver") && strcmp(key, "bus") && strcmp(key, "id"))
        die("%s %s: unknown parameter '%s'", opt, all, key);
}

static void parse_device(const char *s, struct options *o)
{
    const char *drive = NULL;
    parse_keyvals("-device", s, "driver", device_item, &drive);
    if (!drive)
        die("-device %s: drive=ID is required (with -drive if=none,id=ID,file=...)", s);
    take_slot("-device", s, o);
    o->device_ref[o->nslots - 1] = drive;
}

/* Put each if=none drive where its -device asked; every one must be used. */
static void resolve_drives(struct options *o)
{
    for (int slot = 0; slot < o->nslots; slot++) {
        const char *ref = o->device_ref[slot];
        int i;
        for (i = 0; ref && i < o->nnamed && strcmp(o->named[i].id, ref); i++)
            ;
        if (ref && i == o->nnamed)
            die("-device virtio-blk-device,drive=%s: no -drive if=none,id=%s", ref, ref);
        if (ref && o->named[i].used)
            die("-device virtio-blk-device,drive=%s: that drive is already in use", ref);
        if (ref) {
            o->named[i].used = true;
            o->disks.drive[slot] = o->named[i].cfg;
        }
        o->disks.drive[slot].snapshot |= o->snapshot;
    }
    for (int i = 0; i < o->nnamed; i++)
        if (!o->named[i].used)
            die("-drive if=none,id=%s: no -device virtio-blk-device,drive=%s uses it",
                o->named[i].id, o->named[i].id);
}

/* -action panic=none|shutdown|exit-failure[,reboot=reset|shutdown] */
static void action_item(const char *opt, const char *all, const char *key, const char *v,
                        void *ctx)
{
    struct options *o = ctx;
    if (!strcmp(key, "panic") && !strcmp(v, "none"))
        o->panic_action = PANIC_NONE;
    else if (!strcmp(key, "panic") && !strcmp(v, "shutdown"))
        o->panic_action = PANIC_SHUTDOWN;
    else if (!strcmp(key, "panic") && !strcmp(v, "exit-failure"))
        o->panic_action = PANIC_EXIT_FAILURE;
    else if (!strcmp(key, "reboot") && (!strcmp(v, "reset") || !strcmp(v, "shutdown")))
        o->no_reboot = !strcmp(v, "shutdown");
    else
        die("%s %s: unsupported '%s=%s' (panic=none|shutdown|exit-failure, "
            "reboot=reset|shutdown)", opt, all, key, v);
}

static void parse_action(const char *s, struct options *o)
{
    parse_keyvals("-action", s, NULL, action_item, o);
}

/* Linux on RISC-V keeps COMMAND_LINE_SIZE (1024) bytes of bootargs,
 * NUL included, and cuts the rest without a word. */
#define LINUX_CMDLINE_MAX 1023

/* The kernel command line: -append, and with the built-in SBI (which has
 * the debug console) earlycon=sbi, so a kernel talks from its first
 * instructions on instead of from when its serial driver starts. */
static void make_bootargs(struct options *o)
{
    const char *append = o->append ? o->append : "";
    bool builtin_sbi = !o->bios || !strcmp(o->bios, "default");
    bool early = builtin_sbi && !strstr(append, "earlycon");
    size_t len = strlen(append) + sizeof " earlycon=sbi";
    o->bootargs = malloc(len);
    if (!o->bootargs)
        die("out of memory");
    snprintf(o->bootargs, len, "%s%s%s", append, early && *append ? " " : "",
             early ? "earlycon=sbi" : "");
    if (strlen(o->bootargs) > LINUX_CMDLINE_MAX)
        fprintf(stderr, "dbt: warning: the kernel command line is %zu bytes; Linux keeps "
                "only the first %d\n", strlen(o->bootargs), LINUX_CMDLINE_MAX);
}

static void parse_args(int argc, char **argv, struct options *o)
{
    o->ram_size = 512ULL << 20;
    o->smp = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') {
            if (o->kernel)
                die("%s: more than one kernel given", a);
            o->kernel = a;
            continue;
        }
        if (a[1] == '-')
            a++; /* --option works too */
        if (!strcmp(a, "-h") || !strcmp(a, "-help")) { usage(stdout); exit(0); }
        if (!strcmp(a, "-V") || !strcmp(a, "-version")) { printf("dbt %s\n", DBT_VERSION); exit(0); }
        if (!strcmp(a, "-snapshot")) { o->snapshot = true; continue; }
        if (!strcmp(a, "-nographic"))
            continue;
        if (!strcmp(a, "-interp")) { o->engine = ENGINE_INTERP; continue; }
        if (!strcmp(a, "-check")) { o->engine = ENGINE_CHECK; continue; }
        if (!strcmp(a, "-icount")) {
            o->icount = true;
            o->icount_shift = ICOUNT_SHIFT_DEFAULT;
            if (is_icount_arg(argv[i + 1])) {
                o->icount_sleep = true; /* QEMU's default once shift= is given */
                parse_keyvals("-icount", argv[++i], "shift", icount_item, o);
            }
            continue;
        }
        if (!strcmp(a, "-stats")) { o->stats = true; continue; }
        if (!strcmp(a, "-no-traces")) { o->no_traces = true; continue; }
        if (!strcmp(a, "-trace-kernel")) { o->trace_kernel = true; continue; }
        if (!strcmp(a, "-no-reboot")) { o->no_reboot = true; continue; }
        if (!strcmp(a, "-perfmap")) { o->perfmap = true; continue; }
        if (!strcmp(a, "-s")) { o->gdb = "tcp::1234"; continue; }
        if (!strcmp(a, "-S")) { o->gdb_wait = true; continue; }

        /* Options with an argument. */
        static const char *const with_arg[] = {"-kernel", "-initrd", "-append", "-bios", "-m",
                                               "-smp", "-drive", "-d", "-D", "-dfilter", "-dumpdtb",
                                               "-M", "-machine", "-jit-cache", "-action",
                                               "-device", "-trace-threshold", "-record",
                                               "-replay", "-gdb", "-monitor", NULL};
        int k;
        for (k = 0; with_arg[k] && strcmp(a, with_arg[k]); k++)
            ;
        if (!with_arg[k])
            die("%s: unknown option (try -h)", argv[i]);
        if (i + 1 >= argc)
            die("%s: missing argument", a);
        const char *v = argv[++i];
        if (!strcmp(a, "-kernel")) o->kernel = v;
        else if (!strcmp(a, "-initrd")) o->initrd = v;
        else if (!strcmp(a, "-append")) o->append = v;
        else if (!strcmp(a, "-bios")) o->bios = v;
        else if (!strcmp(a, "-m")) o->ram_size = parse_size(v);
        else if (!strcmp(a, "-drive")) parse_drive(v, o);
        else if (!strcmp(a, "-device")) parse_device(v, o);
        else if (!strcmp(a, "-d")) o->log = parse_log(v);
        else if (!strcmp(a, "-D")) o->logfile = v;
        else if (!strcmp(a, "-dfilter")) parse_dfilter(v, o);
        else if (!strcmp(a, "-dumpdtb")) o->dumpdtb = v;
        else if (!strcmp(a, "-action")) parse_action(v, o);
        else if (!strcmp(a, "-trace-threshold")) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 1 || n > 1000000000)
                die("-trace-threshold %s: must be a number from 1 to 1000000000", v);
            o->trace_threshold = (int32_t)n;
        }
        else if (!strcmp(a, "-record")) o->record = v;
        else if (!strcmp(a, "-replay")) o->replay = v;
        else if (!strcmp(a, "-gdb")) o->gdb = v;
        else if (!strcmp(a, "-monitor")) o->monitor = v;
        else if (!strcmp(a, "-jit-cache")) {
            o->jit_cache_size = parse_bytes("-jit-cache", v);
            if (o->jit_cache_size < JIT_CACHE_MIN || o->jit_cache_size > JIT_CACHE_MAX)
                die("-jit-cache %s: the code cache must be %dK to %dM", v,
                    JIT_CACHE_MIN >> 10, JIT_CACHE_MAX >> 20);
        }
        else if (!strcmp(a, "-M") || !strcmp(a, "-machine")) {
            if (strcmp(v, "virt") && strncmp(v, "virt,", 5))
                die("%s %s: only the 'virt' machine exists", a, v);
        } else if (!strcmp(a, "-smp")) {
            o->smp = parse_smp(v);
        }
    }
    if (!o->kernel && !o->dumpdtb && !(o->bios && strcmp(o->bios, "none") && strcmp(o->bios, "default")))
        die("no kernel given (try -h)");
    if (!o->kernel && o->bios && !strcmp(o->bios, "none"))
        die("-bios none needs a kernel to start");
    make_bootargs(o);
    resolve_drives(o);
    if ((o->record || o->replay) && !o->icount)
        die("%s: needs -icount (without it, time comes from the host clock)",
            o->record ? "-record" : "-replay");
    if (o->record && o->replay)
        die("-record and -replay: one at a time");
}

static void print_stats(struct machine *m, uint64_t start_ns)
{
    double secs = (double)(machine_host_ns() - start_ns) / 1e9;
    uint64_t total = 0;
    for (int i = 0; i < m->nharts; i++) {
        total += m->harts[i]->instret;
        fprintf(stderr, "dbt: hart %d: %llu instructions retired\n", i,
                (unsigned long long)m->harts[i]->instret);
    }
    fprintf(stderr, "dbt: %.3f s, %.1f million guest instructions per second\n", secs,
            secs > 0 ? (double)total / secs / 1e6 : 0.0);
    if (m->jit)
        jit_print_stats(m->jit, stderr);
}

/* -dumpdtb: the DTB a boot with these options would get (the initrd placed
 * as for a kernel that ends below the middle of RAM). */
static void write_dtb_file(struct machine *m, const struct options *o)
{
    uint64_t initrd_start = 0, initrd_end = 0;
    if (o->initrd) {
        struct file_image f = read_file("-initrd", o->initrd, m->ram_size);
        initrd_start = initrd_address(m, m->ram_base + KERNEL_OFFSET);
        initrd_end = initrd_start + f.size;
        free_file(&f);
    }
    static uint8_t dtb[DTB_MAX];
    size_t size = build_dtb(m, o, initrd_start, initrd_end, dtb, sizeof dtb);
    FILE *f = fopen(o->dumpdtb, "wb");
    if (!f || fwrite(dtb, 1, size, f) != size || fclose(f) != 0)
        die("-dumpdtb %s: cannot write: %s", o->dumpdtb, strerror(errno));
}

/* The monitor (always there for Ctrl-A c) and, when asked, the gdbstub.
 * -S holds the harts for gdb's continue, or without -gdb for the monitor's
 * cont, as in QEMU. */
static void start_debuggers(struct machine *m, const struct options *o)
{
    m->mon = monitor_create(m);
    if (!m->mon)
        die("out of memory");
    if (o->monitor && !monitor_listen(m->mon, o->monitor))
        exit(2);
    if (o->gdb && !(m->gdb = gdbstub_create(m, o->gdb, o->gdb_wait)))
        exit(2);
    if (o->gdb_wait && !o->gdb)
        machine_pause(m, PAUSE_MONITOR); /* -S alone: the monitor's cont starts it */
}

int main(int argc, char **argv)
{
    static struct options o; /* lives as long as the run (LeakSanitizer sees it) */
    parse_args(argc, argv, &o);

    static struct machine m;
    m.logf = stderr;
    if (o.logfile)
        m.logf = open_log(o.logfile);
    m.log = o.log;
    memcpy(m.dfilter, o.dfilter, sizeof m.dfilter);
    m.ndfilter = o.ndfilter;
    m.icount = o.icount;
    m.icount_shift = o.icount_shift;
    m.icount_sleep = o.icount_sleep;
    m.no_reboot = o.no_reboot;
    m.panic_action = o.panic_action;
    m.time_origin_ns = machine_host_ns();
    /* -d cpu dumps registers at each block start: the interpreter draws
     * the blocks (cpu_ends_block) and sees every one, chained or not. */
    m.engine = (o.log & LOG_CPU) ? ENGINE_INTERP : o.engine;
    m.stats = o.stats;
    create_ram(&m, o.ram_size);
    machine_init_pages(&m);
    create_harts(&m, o.smp);

    if (o.dumpdtb) {
        write_dtb_file(&m, &o);
        return 0;
    }
    if (o.record || o.replay) {
        static const char *const engines[] = {"jit", "interp", "check"};
        struct replay_config rc = {o.kernel, o.initrd, o.bios, o.disks.drive[0].path, o.append,
                                   o.ram_size, o.smp, engines[m.engine]};
        replay_open(&m, o.record ? o.record : o.replay, o.record != NULL, &rc);
    }
    boot(&m, &o);
    if (!devices_create(&m, &o.disks))
        exit(2);
    htif_attach(&m);
    if (o.perfmap)
        perfmap_create(&m, (const char *const[]){o.kernel, o.bios}, 2);
    if (m.engine != ENGINE_INTERP) {
        jit_create(&m, o.jit_cache_size ? o.jit_cache_size : JIT_CACHE_DEFAULT);
        m.jit->traces = !o.no_traces;
        m.jit->trace_kernel = o.trace_kernel;
        if (o.trace_threshold)
            m.jit->trace_threshold = o.trace_threshold;
    }
    start_debuggers(&m, &o);

    uint64_t start = machine_host_ns();
    while (machine_run(&m) == MACHINE_RESET)
        reboot(&m, &o);
    if (o.stats)
        print_stats(&m, start);
    gdbstub_destroy(m.gdb);
    monitor_destroy(m.mon);
    devices_destroy(&m);
    perfmap_close(&m);
    replay_close(&m);
    fflush(m.logf);
    if (console_exit_signal()) {
        console_say_signal(console_exit_signal());
        return 128 + console_exit_signal();
    }
    return m.exit_code;
}
