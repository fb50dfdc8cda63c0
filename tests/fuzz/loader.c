/* loader.c (fuzz target) — dbt.c's image loaders fed any file: ELF (program
 * and section headers, the HTIF symbol lookup), Linux Image (its size field),
 * raw binaries, and the initrd, placed into a 4 MiB RAM as each boot mode
 * would (-bios none, the built-in SBI, -bios FILE with a kernel).  A file
 * that cannot be loaded must end in a user error (exit 2), never a crash.
 * The first input byte picks the mode, the rest is the file. */
#include <assert.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

#define FUZZ_RAM (4u << 20)

static bool write_file(int fd, const uint8_t *data, size_t size)
{
    return ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine *m;
    static char file[64], kernel[64];
    static int fd = -1;
    if (!m) {
        m = fuzz_machine(FUZZ_RAM, 1, NULL);
        fd = fuzz_memfd("image", file);
        static const uint8_t tiny[] = {0x73, 0x00, 0x50, 0x10}; /* wfi */
        if (!write_file(fuzz_memfd("kernel", kernel), tiny, sizeof tiny))
            abort();
    }
    if (size < 1 || !write_file(fd, data + 1, size - 1))
        return 0;
    int status = fuzz_boot(m, (enum fuzz_boot_mode)(data[0] % 4), file, kernel);
    assert(status == -1 || status == 2);
    return 0;
}
