/* fuzz.c — the helpers of fuzz.h: the input reader, the small machine, and
 * dbt.c's loaders and command line parser (through dbt_main.h). */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "dbt_main.h"

uint8_t fuzz_u8(struct fuzz_input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

uint16_t fuzz_u16(struct fuzz_input *in)
{
    uint16_t lo = fuzz_u8(in);
    return (uint16_t)(lo | fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_input *in)
{
    uint32_t lo = fuzz_u16(in);
    return lo | (uint32_t)fuzz_u16(in) << 16;
}

uint64_t fuzz_u64(struct fuzz_input *in)
{
    uint64_t lo = fuzz_u32(in);
    return lo | (uint64_t)fuzz_u32(in) << 32;
}

const uint8_t *fuzz_bytes(struct fuzz_input *in, size_t len, size_t *got)
{
    const uint8_t *p = in->p;
    *got = len < in->n ? len : in->n;
    in->p += *got;
    in->n -= *got;
    return p;
}

void fuzz_write(struct machine *m, uint64_t paddr, int size, uint64_t value)
{
    if (!mmu_phys_write(m, paddr, size, value))
        return; /* nothing there: a guest would take an access fault */
}

uint64_t fuzz_read(struct machine *m, uint64_t paddr, int size)
{
    uint64_t v = 0;
    if (!mmu_phys_read(m, paddr, size, &v))
        return 0;
    return v;
}

static void fail(const char *what)
{
    perror(what);
    abort();
}

struct machine *fuzz_machine(uint64_t ram_size, int nharts, const struct devices_config *drive)
{
    struct machine *m = calloc(1, sizeof *m);
    static const struct devices_config none = {0};
    int status;
    if (!m)
        fail("fuzz_machine");
    m->logf = stderr;
    DBT_TRY(status, (create_ram(m, ram_size), machine_init_pages(m), create_harts(m, nharts)));
    if (status != -1 || !devices_create(m, drive ? drive : &none))
        abort();
    m->dev->console.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return m;
}

int fuzz_boot(struct machine *m, enum fuzz_boot_mode mode, const char *file, const char *kernel)
{
    static struct options o; /* static: it must survive the longjmp */
    static struct boot_layout b;
    int status;
    o = (struct options){.ram_size = m->ram_size, .smp = 1};
    switch (mode) {
    case BOOT_BIOS_NONE: o.bios = "none", o.kernel = file; break;
    case BOOT_BUILTIN_SBI: o.kernel = file; break;
    case BOOT_FIRMWARE: o.bios = file, o.kernel = file; break;
    case BOOT_INITRD: o.kernel = kernel, o.initrd = file; break;
    }
    dbt_hold_begin();
    DBT_TRY(status, boot_load(m, &o, &b));
    dbt_hold_release();
    return status;
}

int fuzz_parse_args(int argc, char **argv, uint64_t *ram_size, int *smp)
{
    static struct options o;
    int status;
    o = (struct options){0};
    dbt_hold_begin();
    DBT_TRY(status, parse_args(argc, argv, &o));
    dbt_hold_release(); /* the -drive path too */
    *ram_size = o.ram_size;
    *smp = o.smp;
    return status;
}

int fuzz_memfd(const char *name, char path[64])
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        fail("memfd_create");
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}
