/* loader.c (fuzz target) — dbt.c's image loaders fed any file: ELF (program
 * and section headers, the HTIF symbol lookup), Linux Image (its size field),
 * raw binaries, and the initrd, placed into a 4 MiB RAM as each boot mode
 * would (-bios none, the built-in SBI, -bios FILE with a kernel).  A file
 * that cannot be loaded must end in a user error (exit 2), never a crash.
 * The first input byte picks the mode, the rest is the file. */
#include <assert.h>
#include <unistd.h>

#include "fuzz.h"
#include "dbt_main.h"

#define FUZZ_RAM (4u << 20)

static bool write_file(int fd, const uint8_t *data, size_t size)
{
    return ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine m;
    static char file[64], kernel[64];
    static int fd = -1;
    if (fd < 0) {
        create_ram(&m, FUZZ_RAM);
        machine_init_pages(&m);
        m.logf = stderr;
        fd = fuzz_memfd("image", file);
        static const uint8_t tiny[] = {0x73, 0x00, 0x50, 0x10}; /* wfi */
        assert(write_file(fuzz_memfd("kernel", kernel), tiny, sizeof tiny));
    }
    if (size < 1 || !write_file(fd, data + 1, size - 1))
        return 0;
    static struct options o;
    static struct boot_layout b;
    o = (struct options){.ram_size = FUZZ_RAM, .smp = 1};
    switch (data[0] % 4) {
    case 0: o.bios = "none", o.kernel = file; break;
    case 1: o.kernel = file; break;
    case 2: o.bios = file, o.kernel = file; break;
    case 3: o.kernel = kernel, o.initrd = file; break;
    }
    int status;
    DBT_TRY(status, boot_load(&m, &o, &b));
    assert(status == -1 || status == 2);
    return 0;
}
