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
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbt.h"
#include "devices.h"
#include "fdt.h"
#include "jit.h"
#include "sbi.h"

#define DBT_VERSION "0.1"
#define DTB_MAX (64 * 1024)
#define FW_DYNAMIC_MAGIC 0x4942534fULL /* "OSBI": OpenSBI's fw_dynamic info */

struct options {
    const char *kernel, *initrd, *append, *bios, *dumpdtb, *logfile;
    uint64_t ram_size;
    int smp;
    struct devices_config drive;
    unsigned log;
    bool icount, stats;
    enum engine engine;
    uint64_t jit_cache_size;
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
    uint8_t *data;
    size_t size;
};

static struct file_image read_file(const char *what, const char *path)
{
    struct file_image f = {.path = path};
    int fd = open(path, O_RDONLY);
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
    f.size = (size_t)st.st_size;
    f.data = malloc(f.size);
    if (!f.data)
        die("%s %s: out of memory", what, path);
    size_t done = 0;
    while (done < f.size) {
        ssize_t n = read(fd, f.data + done, f.size - done);
        if (n <= 0) {
            close(fd);
            die("%s %s: read error: %s", what, path, n < 0 ? strerror(errno) : "short read");
        }
        done += (size_t)n;
    }
    close(fd);
    return f;
}

/* Copy len bytes to guest physical address pa, or die naming the file. */
static void place(struct machine *m, const struct file_image *f, uint64_t pa,
                  const void *src, uint64_t len, uint64_t zero_to)
{
    uint8_t *dst = mmu_ram_ptr(m, pa, zero_to);
    if (!dst)
        die("%s: does not fit in RAM (%#llx..%#llx; RAM is %#llx..%#llx, try a larger -m)",
            f->path, (unsigned long long)pa, (unsigned long long)(pa + zero_to),
            (unsigned long long)m->ram_base, (unsigned long long)(m->ram_base + m->ram_size));
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

/* Entry i of a table at byte off of the file, copied out: ELF puts its
 * tables at any offset, where a cast pointer could be misaligned. */
static void *elf_entry(const struct file_image *f, uint64_t off, uint64_t i, void *out, size_t size)
{
    return memcpy(out, f->data + off + i * size, size);
}

/* Find the HTIF symbols tohost/fromhost in the ELF's symbol table. */
static void elf_find_htif(struct machine *m, const struct file_image *f, const Elf64_Ehdr *eh)
{
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(f, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
        return;
    for (int i = 0; i < eh->e_shnum; i++) {
        Elf64_Shdr sh, strtab;
        elf_entry(f, eh->e_shoff, (uint64_t)i, &sh, sizeof sh);
        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh->e_shnum)
            continue;
        elf_entry(f, eh->e_shoff, sh.sh_link, &strtab, sizeof strtab);
        if (!in_file(f, sh.sh_offset, sh.sh_size) || !in_file(f, strtab.sh_offset, strtab.sh_size))
            return;
        const char *names = (const char *)f->data + strtab.sh_offset;
        for (uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym sym;
            elf_entry(f, sh.sh_offset, k, &sym, sizeof sym);
            uint32_t n = sym.st_name;
            if (n >= strtab.sh_size || !memchr(names + n, 0, strtab.sh_size - n))
                continue;
            if (!strcmp(names + n, "tohost"))
                m->tohost = sym.st_value;
            else if (!strcmp(names + n, "fromhost"))
                m->fromhost = sym.st_value;
        }
    }
}

/* Load an ELF by its program headers; returns the entry point and the end
 * of the highest segment. */
static uint64_t load_elf(struct machine *m, const struct file_image *f, uint64_t *end)
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
    *end = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        elf_entry(f, eh->e_phoff, (uint64_t)i, &ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (!in_file(f, ph.p_offset, ph.p_filesz) || ph.p_filesz > ph.p_memsz)
            die("%s: segment %d lies outside the file (truncated ELF?)", f->path, i);
        place(m, f, ph.p_paddr, f->data + ph.p_offset, ph.p_filesz, ph.p_memsz);
        if (ph.p_paddr + ph.p_memsz > *end)
            *end = ph.p_paddr + ph.p_memsz;
        loaded++;
    }
    if (!loaded)
        die("%s: ELF file has no loadable segments", f->path);
    elf_find_htif(m, f, eh);
    return eh->e_entry;
}

/* Load a kernel or firmware file at `base` (raw, Image) or where its ELF
 * headers say; returns the entry point. */
static uint64_t load_image(struct machine *m, const char *what, const char *path,
                           uint64_t base, uint64_t *end)
{
    struct file_image f = read_file(what, path);
    uint64_t entry = base;
    if (is_elf(&f)) {
        entry = load_elf(m, &f, end);
    } else {
        uint64_t size = f.size;
        if (is_linux_image(&f)) {
            uint64_t image_size; /* header: effective size incl. bss */
            memcpy(&image_size, f.data + 16, 8);
            if (image_size > size)
                size = image_size;
        }
        place(m, &f, base, f.data, f.size, size);
        *end = base + size;
    }
    free(f.data);
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
        struct hart *h = calloc(1, sizeof *h);
        if (!h)
            die("out of memory");
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
    struct file_image f = read_file("-initrd", path);
    uint64_t start = initrd_address(m, kernel_end);
    place(m, &f, start, f.data, f.size, f.size);
    b->initrd_start = start;
    b->initrd_end = start + f.size;
    free(f.data);
}

/* The device tree of this machine, with /chosen from the options; returns
 * its size. */
static size_t build_dtb(struct machine *m, const struct options *o, uint64_t initrd_start,
                        uint64_t initrd_end, uint8_t *buf, size_t cap)
{
    uint8_t rng[64];
    if (getrandom(rng, sizeof rng, 0) != (ssize_t)sizeof rng)
        memset(rng, 0x5a, sizeof rng);
    struct fdt_config cfg = {
        .bootargs = o->append ? o->append : "",
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

static void boot_load(struct machine *m, const struct options *o, struct boot_layout *b)
{
    uint64_t end = m->ram_base;
    bool bios_none = o->bios && !strcmp(o->bios, "none");
    bool builtin_sbi = !o->bios || !strcmp(o->bios, "default");
    memset(b, 0, sizeof *b);
    m->tohost = m->fromhost = 0;

    if (bios_none) {
        b->entry = b->kernel_entry = load_image(m, "-kernel", o->kernel, m->ram_base, &end);
    } else if (builtin_sbi) {
        b->entry = b->kernel_entry =
            load_image(m, "-kernel", o->kernel, m->ram_base + KERNEL_OFFSET, &end);
    } else {
        uint64_t fw_end;
        b->entry = load_image(m, "-bios", o->bios, m->ram_base, &fw_end);
        end = fw_end;
        if (o->kernel)
            b->kernel_entry =
                load_image(m, "-kernel", o->kernel, m->ram_base + KERNEL_OFFSET, &end);
        if (end < fw_end)
            end = fw_end;
    }
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
        "  -append STRING     kernel command line\n"
        "  -bios FILE|none    M-mode firmware (e.g. OpenSBI fw_jump.bin); 'none' starts\n"
        "                     the kernel in M-mode; default: the built-in SBI\n"
        "  -m SIZE            RAM size in MiB, or with suffix K, M, G (default 512M)\n"
        "  -smp N             number of harts, 1 to %d (default 1)\n"
        "  -drive file=IMG[,format=raw][,readonly=on]   virtio-blk disk\n"
        "  -snapshot          keep disk writes in memory\n"
        "  -nographic         console on stdio (always the case)\n"
        "  -d ITEMS           log: in_asm,out_asm,exec,int,mmu,syscall (comma separated)\n"
        "  -D FILE            write the log to FILE instead of stderr (at most 1 GiB,\n"
        "                     or DBT_LOG_MAX bytes)\n"
        "  -icount            time follows retired instructions (deterministic)\n"
        "  -interp            run the interpreter alone (no translation)\n"
        "  -check             run every block under the JIT and the interpreter and\n"
        "                     stop at the first difference (slow; for debugging)\n"
        "  -jit-cache SIZE    size of the translated code cache, 64K to 1G (default 64M)\n"
        "  -stats             print instruction counts, speed and JIT statistics at exit\n"
        "  -dumpdtb FILE      write the device tree to FILE and exit\n"
        "  -h                 this help\n"
        "  -V                 version\n"
        "Console: Ctrl-A x quits, Ctrl-A h helps.\n", MAX_HARTS);
}

/* A size in MiB, or with a K, M or G suffix; `opt` names the option in
 * messages.  0 for anything that is not a size. */
static uint64_t parse_bytes(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        die("%s %s: not a size", opt, s);
    uint64_t unit = 1 << 20;
    if (*end == 'K' || *end == 'k') unit = 1 << 10, end++;
    else if (*end == 'M' || *end == 'm') unit = 1 << 20, end++;
    else if (*end == 'G' || *end == 'g') unit = 1ULL << 30, end++;
    if (*end)
        die("%s %s: not a size", opt, s);
    if (v > (64ULL << 30) / unit)
        return 0;
    return v * unit;
}

static uint64_t parse_size(const char *s)
{
    uint64_t bytes = parse_bytes("-m", s);
    if (bytes == 0)
        die("-m %s: RAM size must be between 1 MiB and 64 GiB", s);
    if (bytes < (1 << 20) || bytes % 4096)
        die("-m %s: RAM size must be at least 1 MiB, in whole pages", s);
    return bytes;
}

static unsigned parse_log(const char *s)
{
    static const struct { const char *name; unsigned bit; } items[] = {
        {"in_asm", LOG_IN_ASM}, {"exec", LOG_EXEC}, {"int", LOG_INT},
        {"mmu", LOG_MMU}, {"out_asm", LOG_OUT_ASM}, {"syscall", LOG_SYSCALL},
    };
    unsigned mask = 0;
    char *copy = strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof items / sizeof items[0]; i++)
            if (!strcmp(t, items[i].name))
                break;
        if (i == sizeof items / sizeof items[0])
            die("-d %s: unknown log item '%s' (try in_asm,out_asm,exec,int,mmu,syscall)", s, t);
        mask |= items[i].bit;
    }
    free(copy);
    return mask;
}

/* -drive file=IMG[,format=raw][,if=virtio|none][,readonly=on|off] */
static void parse_drive(const char *s, struct options *o)
{
    char *copy = strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "file=", 5))
            o->drive.drive_path = strdup(t + 5);
        else if (!strcmp(t, "format=raw") || !strncmp(t, "if=", 3) || !strncmp(t, "id=", 3))
            ;
        else if (!strncmp(t, "format=", 7))
            die("-drive %s: only format=raw is supported", s);
        else if (!strcmp(t, "readonly=on"))
            o->drive.drive_readonly = true;
        else if (!strcmp(t, "readonly=off"))
            o->drive.drive_readonly = false;
        else
            die("-drive %s: unknown parameter '%s'", s, t);
    }
    free(copy);
    if (!o->drive.drive_path || !*o->drive.drive_path)
        die("-drive %s: file=IMG is required", s);
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
        if (!strcmp(a, "-snapshot")) { o->drive.drive_snapshot = true; continue; }
        if (!strcmp(a, "-nographic") || !strcmp(a, "-no-traces"))
            continue;
        if (!strcmp(a, "-interp")) { o->engine = ENGINE_INTERP; continue; }
        if (!strcmp(a, "-check")) { o->engine = ENGINE_CHECK; continue; }
        if (!strcmp(a, "-icount")) { o->icount = true; continue; }
        if (!strcmp(a, "-stats")) { o->stats = true; continue; }
        if (!strcmp(a, "-s") || !strcmp(a, "-S") || !strcmp(a, "-gdb"))
            die("%s: the gdbstub is not part of this version yet", a);

        /* Options with an argument. */
        static const char *const with_arg[] = {"-kernel", "-initrd", "-append", "-bios", "-m",
                                               "-smp", "-drive", "-d", "-D", "-dumpdtb",
                                               "-M", "-machine", "-jit-cache", NULL};
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
        else if (!strcmp(a, "-d")) o->log = parse_log(v);
        else if (!strcmp(a, "-D")) o->logfile = v;
        else if (!strcmp(a, "-dumpdtb")) o->dumpdtb = v;
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
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > MAX_HARTS)
                die("-smp %s: the number of harts must be 1 to %d", v, MAX_HARTS);
            o->smp = (int)n;
        }
    }
    if (!o->kernel && !o->dumpdtb && !(o->bios && strcmp(o->bios, "none") && strcmp(o->bios, "default")))
        die("no kernel given (try -h)");
    if (!o->kernel && o->bios && !strcmp(o->bios, "none"))
        die("-bios none needs a kernel to start");
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
        struct file_image f = read_file("-initrd", o->initrd);
        initrd_start = initrd_address(m, m->ram_base + KERNEL_OFFSET);
        initrd_end = initrd_start + f.size;
        free(f.data);
    }
    static uint8_t dtb[DTB_MAX];
    size_t size = build_dtb(m, o, initrd_start, initrd_end, dtb, sizeof dtb);
    FILE *f = fopen(o->dumpdtb, "wb");
    if (!f || fwrite(dtb, 1, size, f) != size || fclose(f) != 0)
        die("-dumpdtb %s: cannot write: %s", o->dumpdtb, strerror(errno));
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
    m.icount = o.icount;
    m.time_origin_ns = machine_host_ns();
    m.engine = o.engine;
    m.stats = o.stats;
    create_ram(&m, o.ram_size);
    machine_init_pages(&m);
    create_harts(&m, o.smp);

    if (o.dumpdtb) {
        write_dtb_file(&m, &o);
        return 0;
    }
    boot(&m, &o);
    if (!devices_create(&m, &o.drive))
        exit(2);
    htif_attach(&m);
    if (o.engine != ENGINE_INTERP)
        jit_create(&m, o.jit_cache_size ? o.jit_cache_size : JIT_CACHE_DEFAULT);

    uint64_t start = machine_host_ns();
    while (machine_run(&m) == MACHINE_RESET)
        reboot(&m, &o);
    if (o.stats)
        print_stats(&m, start);
    devices_destroy(&m);
    fflush(m.logf);
    return m.exit_code;
}
