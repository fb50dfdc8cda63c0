/* fdt.c — the device tree blob (DTB) that tells the guest what this machine is.
 *
 * dbt.c calls fdt_build() when it boots a guest (the blob goes near the top
 * of RAM and its address into a1) and for -dumpdtb.  The tree describes the
 * memory map of DESIGN.md §1 (its numbers come from devices.h), which is
 * QEMU virt's, so the nodes, unit addresses and interrupt numbers are the
 * ones a kernel built for virt expects.
 *
 * Format: Devicetree Specification v0.4, chapter 5 (Flattened Devicetree):
 *
 *   offset 0   header, 10 big-endian u32 (40 bytes)
 *          40  memory reservation map: (address, size) u64 pairs, 8-aligned,
 *              ended by (0, 0) — ours is only the terminator
 *          56  structure block: tokens, each u32-aligned
 *                BEGIN_NODE name\0 (padded to 4)
 *                PROP len nameoff value (padded to 4)
 *                END_NODE ... END
 *          ..  strings block: the property names, NUL-terminated, deduplicated;
 *              a PROP's nameoff is an offset into it
 *
 * Bindings followed: Linux Documentation/devicetree/bindings — riscv/cpus.yaml
 * and riscv/extensions.yaml (riscv,isa-base, riscv,isa-extensions),
 * interrupt-controller/riscv,cpu-intc.yaml, sifive,plic-1.0.0.yaml,
 * timer/sifive,clint.yaml, serial/8250.yaml, virtio/mmio.yaml,
 * rtc/google,goldfish-rtc.txt, power/reset/syscon-poweroff.yaml and
 * syscon-reboot.yaml, chosen.yaml (linux,initrd-*, rng-seed, stdout-path).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "dbt.h"
#include "devices.h" /* the memory map, IRQ numbers and test-device values */
#include "fdt.h"

/* Phandles: fixed numbers, so the tree reads the same on every run. */
enum {
    PHANDLE_TEST = 1,
    PHANDLE_PLIC = 2,
    PHANDLE_CPU0 = 3,                         /* cpu@N is PHANDLE_CPU0 + N */
    PHANDLE_INTC0 = PHANDLE_CPU0 + MAX_HARTS, /* its interrupt-controller */
};

/* The ISA we implement (cpu.c, decode.c, fpu.c): RV64GC, the counters
 * cycle/time/instret (Zicntr; hpmcounters trap from S as mcounteren = 7, so
 * no Zihpm) and Sstc.  No V, H, Zb*, Svpbmt: Linux would use them.
 * Linux 6.12 reads riscv,isa-extensions when present, else riscv,isa. */
#define ISA_STRING "rv64imafdc_zicntr_zicsr_zifencei_sstc"
static const char *const isa_extensions[] = {
    "i", "m", "a", "f", "d", "c", "zicntr", "zicsr", "zifencei", "sstc", NULL,
};

/* -- The builder --------------------------------------------------------------
 * The structure block is written straight into the caller's buffer; the
 * strings block is collected aside (it follows the structure block, whose
 * size is unknown until the end) and copied after it.  Any write that would
 * pass the end of either sets `overflow` and is dropped: fdt_build() then
 * returns 0. */

#define FDT_MAGIC 0xd00dfeedU
#define FDT_VERSION 17
#define FDT_LAST_COMP_VERSION 16
#define FDT_HEADER_SIZE 40
#define FDT_RSVMAP_OFF FDT_HEADER_SIZE
#define FDT_STRUCT_OFF (FDT_RSVMAP_OFF + 16) /* one (0, 0) terminator entry */
#define FDT_STRINGS_MAX 1024

enum fdt_token {
    FDT_BEGIN_NODE = 1,
    FDT_END_NODE = 2,
    FDT_PROP = 3,
    FDT_END = 9,
};

struct fdt {
    uint8_t *buf;
    size_t cap;
    size_t len; /* bytes of buf used, header and reservation map included */
    int depth;  /* open nodes, to assert balance */
    bool overflow;
    char strings[FDT_STRINGS_MAX];
    size_t strings_len;
};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Append len bytes, then zeros up to the next multiple of 4. */
static void fdt_put(struct fdt *f, const void *data, size_t len)
{
    size_t padded = (len + 3) & ~(size_t)3;
    if (f->overflow || padded > f->cap - f->len) {
        f->overflow = true;
        return;
    }
    if (len)
        memcpy(f->buf + f->len, data, len);
    memset(f->buf + f->len + len, 0, padded - len);
    f->len += padded;
}

static void fdt_put_u32(struct fdt *f, uint32_t v)
{
    uint8_t b[4];
    put_be32(b, v);
    fdt_put(f, b, 4);
}

/* Offset of name in the strings block, added the first time it is used. */
static uint32_t fdt_string(struct fdt *f, const char *name)
{
    size_t n = strlen(name) + 1;
    for (size_t off = 0; off < f->strings_len; off += strlen(f->strings + off) + 1)
        if (!strcmp(f->strings + off, name))
            return (uint32_t)off;
    if (n > sizeof f->strings - f->strings_len) {
        f->overflow = true;
        return 0;
    }
    memcpy(f->strings + f->strings_len, name, n);
    f->strings_len += n;
    return (uint32_t)(f->strings_len - n);
}

static void fdt_begin_node(struct fdt *f, const char *name)
{
    fdt_put_u32(f, FDT_BEGIN_NODE);
    fdt_put(f, name, strlen(name) + 1);
    f->depth++;
}

static void fdt_end_node(struct fdt *f)
{
    fdt_put_u32(f, FDT_END_NODE);
    f->depth--;
}

/* A property with any value (bytes, already big-endian where it matters). */
static void fdt_prop(struct fdt *f, const char *name, const void *value, size_t len)
{
    fdt_put_u32(f, FDT_PROP);
    fdt_put_u32(f, (uint32_t)len);
    fdt_put_u32(f, fdt_string(f, name));
    fdt_put(f, value, len);
}

static void fdt_prop_empty(struct fdt *f, const char *name)
{
    fdt_prop(f, name, NULL, 0);
}

static void fdt_prop_u32(struct fdt *f, const char *name, uint32_t v)
{
    uint8_t b[4];
    put_be32(b, v);
    fdt_prop(f, name, b, sizeof b);
}

static void fdt_prop_u64(struct fdt *f, const char *name, uint64_t v)
{
    uint8_t b[8];
    put_be32(b, (uint32_t)(v >> 32));
    put_be32(b + 4, (uint32_t)v);
    fdt_prop(f, name, b, sizeof b);
}

/* n cells of 32 bits: <c0 c1 ...> */
static void fdt_prop_cells(struct fdt *f, const char *name, const uint32_t *cells, size_t n)
{
    uint8_t b[4 * 4 * MAX_HARTS];
    if (n > sizeof b / 4) {
        f->overflow = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        put_be32(b + 4 * i, cells[i]);
    fdt_prop(f, name, b, 4 * n);
}

static void fdt_prop_string(struct fdt *f, const char *name, const char *s)
{
    fdt_prop(f, name, s, strlen(s) + 1);
}

/* A string list, "a\0b\0c\0", from a NULL-terminated array. */
static void fdt_prop_strings(struct fdt *f, const char *name, const char *const *list)
{
    char b[256];
    size_t len = 0;
    for (; *list; list++) {
        size_t n = strlen(*list) + 1;
        if (n > sizeof b - len) {
            f->overflow = true;
            return;
        }
        memcpy(b + len, *list, n);
        len += n;
    }
    fdt_prop(f, name, b, len);
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static void fdt_prop_reg(struct fdt *f, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
                         (uint32_t)size};
    fdt_prop_cells(f, "reg", cells, 4);
}

/* Header and reservation map go in last, once the sizes are known. */
static size_t fdt_finish(struct fdt *f)
{
    fdt_put_u32(f, FDT_END);
    size_t struct_size = f->len - FDT_STRUCT_OFF;
    size_t strings_off = f->len;
    assert(f->depth == 0); /* every fdt_begin_node has its fdt_end_node */
    if (f->overflow || f->strings_len > f->cap - f->len)
        return 0;
    memcpy(f->buf + strings_off, f->strings, f->strings_len);
    size_t total = strings_off + f->strings_len;

    uint32_t header[10] = {
        FDT_MAGIC,
        (uint32_t)total,
        FDT_STRUCT_OFF,        /* off_dt_struct */
        (uint32_t)strings_off, /* off_dt_strings */
        FDT_RSVMAP_OFF,        /* off_mem_rsvmap */
        FDT_VERSION,
        FDT_LAST_COMP_VERSION,
        0, /* boot_cpuid_phys: hart 0 boots */
        (uint32_t)f->strings_len,
        (uint32_t)struct_size,
    };
    for (int i = 0; i < 10; i++)
        put_be32(f->buf + 4 * i, header[i]);
    memset(f->buf + FDT_RSVMAP_OFF, 0, 16); /* no reserved regions */
    return total;
}

/* -- The tree -------------------------------------------------------------- */

/* A device under /soc: "name@base" with compatible, reg and (if irq) its
 * PLIC source.  The caller adds extra properties and ends the node. */
static void begin_device(struct fdt *f, const char *name, uint64_t base, uint64_t size,
                         const char *const *compatible, uint32_t irq)
{
    char unit[64];
    snprintf(unit, sizeof unit, "%s@%llx", name, (unsigned long long)base);
    fdt_begin_node(f, unit);
    fdt_prop_strings(f, "compatible", compatible);
    fdt_prop_reg(f, base, size);
    if (irq) {
        fdt_prop_u32(f, "interrupt-parent", PHANDLE_PLIC);
        fdt_prop_u32(f, "interrupts", irq);
    }
}

static void add_chosen(struct fdt *f, const struct fdt_config *cfg)
{
    fdt_begin_node(f, "chosen");
    if (cfg->bootargs && cfg->bootargs[0])
        fdt_prop_string(f, "bootargs", cfg->bootargs);
    char stdout_path[64];
    snprintf(stdout_path, sizeof stdout_path, "/soc/serial@%llx", (unsigned long long)UART_BASE);
    fdt_prop_string(f, "stdout-path", stdout_path);
    if (cfg->initrd_end > cfg->initrd_start) {
        fdt_prop_u64(f, "linux,initrd-start", cfg->initrd_start);
        fdt_prop_u64(f, "linux,initrd-end", cfg->initrd_end);
    }
    if (cfg->rng_seed && cfg->rng_seed_len)
        fdt_prop(f, "rng-seed", cfg->rng_seed, cfg->rng_seed_len);
    fdt_end_node(f);
}

/* cpu@N and its local interrupt controller (mip/mie bits: the CLINT and PLIC
 * name its interrupt numbers 3 MSI, 7 MTI, 9 SEI, 11 MEI). */
static void add_cpu(struct fdt *f, int n)
{
    char name[32];
    snprintf(name, sizeof name, "cpu@%d", n);
    fdt_begin_node(f, name);
    fdt_prop_string(f, "device_type", "cpu");
    fdt_prop_u32(f, "reg", (uint32_t)n);
    fdt_prop_string(f, "status", "okay");
    fdt_prop_string(f, "compatible", "riscv");
    fdt_prop_string(f, "riscv,isa", ISA_STRING);
    fdt_prop_string(f, "riscv,isa-base", "rv64i");
    fdt_prop_strings(f, "riscv,isa-extensions", isa_extensions);
    fdt_prop_string(f, "mmu-type", "riscv,sv48");
    fdt_prop_u32(f, "phandle", (uint32_t)(PHANDLE_CPU0 + n));

    fdt_begin_node(f, "interrupt-controller");
    fdt_prop_u32(f, "#address-cells", 0);
    fdt_prop_u32(f, "#interrupt-cells", 1);
    fdt_prop_empty(f, "interrupt-controller");
    fdt_prop_string(f, "compatible", "riscv,cpu-intc");
    fdt_prop_u32(f, "phandle", (uint32_t)(PHANDLE_INTC0 + n));
    fdt_end_node(f);

    fdt_end_node(f);
}

/* One cluster, one core per hart. */
static void add_cpu_map(struct fdt *f, int nharts)
{
    fdt_begin_node(f, "cpu-map");
    fdt_begin_node(f, "cluster0");
    for (int n = 0; n < nharts; n++) {
        char name[32];
        snprintf(name, sizeof name, "core%d", n);
        fdt_begin_node(f, name);
        fdt_prop_u32(f, "cpu", (uint32_t)(PHANDLE_CPU0 + n));
        fdt_end_node(f);
    }
    fdt_end_node(f);
    fdt_end_node(f);
}

static void add_cpus(struct fdt *f, int nharts)
{
    fdt_begin_node(f, "cpus");
    fdt_prop_u32(f, "#address-cells", 1);
    fdt_prop_u32(f, "#size-cells", 0);
    fdt_prop_u32(f, "timebase-frequency", (uint32_t)TIMEBASE_HZ);
    for (int n = 0; n < nharts; n++)
        add_cpu(f, n);
    add_cpu_map(f, nharts);
    fdt_end_node(f);
}

static void add_memory(struct fdt *f, uint64_t base, uint64_t size)
{
    char name[32];
    snprintf(name, sizeof name, "memory@%llx", (unsigned long long)base);
    fdt_begin_node(f, name);
    fdt_prop_string(f, "device_type", "memory");
    fdt_prop_reg(f, base, size);
    fdt_end_node(f);
}

/* interrupts-extended: for each hart, <intc irq_a intc irq_b>. */
static void prop_per_hart_irqs(struct fdt *f, int nharts, uint32_t irq_a, uint32_t irq_b)
{
    uint32_t cells[4 * MAX_HARTS];
    size_t n = 0;
    for (int h = 0; h < nharts; h++) {
        cells[n++] = (uint32_t)(PHANDLE_INTC0 + h);
        cells[n++] = irq_a;
        cells[n++] = (uint32_t)(PHANDLE_INTC0 + h);
        cells[n++] = irq_b;
    }
    fdt_prop_cells(f, "interrupts-extended", cells, n);
}

/* The CLINT drives each hart's machine software and timer interrupts. */
static void add_clint(struct fdt *f, int nharts)
{
    begin_device(f, "clint", CLINT_BASE, CLINT_SIZE,
                 (const char *const[]){"sifive,clint0", "riscv,clint0", NULL}, 0);
    prop_per_hart_irqs(f, nharts, IRQ_MSI, IRQ_MTI);
    fdt_end_node(f);
}

/* PLIC contexts: 2N is hart N's M-mode (MEI), 2N+1 its S-mode (SEI). */
static void add_plic(struct fdt *f, int nharts)
{
    begin_device(f, "plic", PLIC_BASE, PLIC_SIZE,
                 (const char *const[]){"sifive,plic-1.0.0", "riscv,plic0", NULL}, 0);
    fdt_prop_u32(f, "#address-cells", 0);
    fdt_prop_u32(f, "#interrupt-cells", 1);
    fdt_prop_empty(f, "interrupt-controller");
    fdt_prop_u32(f, "riscv,ndev", PLIC_NDEV);
    prop_per_hart_irqs(f, nharts, IRQ_MEI, IRQ_SEI);
    fdt_prop_u32(f, "phandle", PHANDLE_PLIC);
    fdt_end_node(f);
}

static void add_soc(struct fdt *f, const struct machine *m)
{
    fdt_begin_node(f, "soc");
    fdt_prop_u32(f, "#address-cells", 2);
    fdt_prop_u32(f, "#size-cells", 2);
    fdt_prop_string(f, "compatible", "simple-bus");
    fdt_prop_empty(f, "ranges"); /* child addresses are physical addresses */

    begin_device(f, "test", TEST_BASE, TEST_SIZE,
                 (const char *const[]){"sifive,test1", "sifive,test0", "syscon", NULL}, 0);
    fdt_prop_u32(f, "phandle", PHANDLE_TEST);
    fdt_end_node(f);

    begin_device(f, "rtc", RTC_BASE, RTC_SIZE, (const char *const[]){"google,goldfish-rtc", NULL},
                 IRQ_RTC);
    fdt_end_node(f);

    add_clint(f, m->nharts);
    add_plic(f, m->nharts);

    begin_device(f, "serial", UART_BASE, UART_SIZE, (const char *const[]){"ns16550a", NULL},
                 IRQ_UART);
    fdt_prop_u32(f, "clock-frequency", UART_CLOCK_HZ);
    fdt_end_node(f);

    /* All eight slots, always, as on QEMU: an empty one answers device ID 0,
     * which the virtio-mmio driver skips.  Listed by address, so Linux
     * probes slot 0 first and the first -drive becomes /dev/vda. */
    for (int i = 0; i < VIRTIO_SLOTS; i++) {
        begin_device(f, "virtio_mmio", VIRTIO_BASE + (uint64_t)i * VIRTIO_SIZE, VIRTIO_SIZE,
                     (const char *const[]){"virtio,mmio", NULL}, IRQ_VIRTIO + i);
        fdt_end_node(f);
    }
    fdt_end_node(f);
}

/* syscon-poweroff / syscon-reboot: "write value at offset of regmap". */
static void add_syscon_action(struct fdt *f, const char *name, uint32_t value)
{
    char compatible[32];
    snprintf(compatible, sizeof compatible, "syscon-%s", name);
    fdt_begin_node(f, name);
    fdt_prop_string(f, "compatible", compatible);
    fdt_prop_u32(f, "regmap", PHANDLE_TEST);
    fdt_prop_u32(f, "offset", 0);
    fdt_prop_u32(f, "value", value);
    fdt_end_node(f);
}

size_t fdt_build(struct machine *m, const struct fdt_config *cfg, void *buf, size_t cap)
{
    if (cap < FDT_STRUCT_OFF)
        return 0;
    struct fdt f = {.buf = buf, .cap = cap, .len = FDT_STRUCT_OFF};

    fdt_begin_node(&f, ""); /* the root */
    fdt_prop_u32(&f, "#address-cells", 2);
    fdt_prop_u32(&f, "#size-cells", 2);
    fdt_prop_string(&f, "compatible", "riscv-virtio");
    fdt_prop_string(&f, "model", "dbt,virt");

    add_chosen(&f, cfg);
    add_cpus(&f, m->nharts);
    add_memory(&f, m->ram_base, m->ram_size);
    add_soc(&f, m);
    add_syscon_action(&f, "poweroff", TEST_POWEROFF);
    add_syscon_action(&f, "reboot", TEST_REBOOT);
    fdt_end_node(&f);

    return fdt_finish(&f);
}
