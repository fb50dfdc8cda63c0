/* fuzz.c — the helpers of fuzz.h: the input reader and the small machine. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

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
    if (!m || !(m->ram = calloc(1, ram_size)))
        fail("fuzz_machine");
    m->ram_base = RAM_BASE;
    m->ram_size = ram_size;
    m->logf = stderr;
    machine_init_pages(m);
    for (int i = 0; i < nharts; i++) {
        struct hart *h = calloc(1, sizeof *h);
        if (!h)
            fail("fuzz_machine");
        m->harts[i] = h;
        cpu_reset(h, m, (uint64_t)i, RAM_BASE);
    }
    m->nharts = nharts;
    static const struct devices_config none = {0};
    if (!devices_create(m, drive ? drive : &none))
        abort();
    m->dev->console.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return m;
}

int fuzz_memfd(const char *name, char path[64])
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        fail("memfd_create");
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}
