/* fdt_dump.c — write the DTB of a faked machine to a file, to check fdt.c
 * with dtc without the rest of the emulator.
 *
 *   cc -std=c11 -D_GNU_SOURCE -Iinclude -o fdt_dump tests/unit/fdt_dump.c fdt.c
 *   ./fdt_dump OUT NHARTS RAM_MIB [BOOTARGS [INITRD_START INITRD_END [DRIVE]]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "dbt.h"
#include "fdt.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s OUT NHARTS RAM_MIB [BOOTARGS [START END [DRIVE]]]\n", argv[0]);
        return 2;
    }
    static struct machine m;
    m.nharts = atoi(argv[2]);
    m.ram_base = RAM_BASE;
    m.ram_size = strtoull(argv[3], NULL, 0) << 20;

    uint8_t seed[64];
    for (int i = 0; i < 64; i++)
        seed[i] = (uint8_t)(i * 37 + 1);
    struct fdt_config cfg = {
        .bootargs = argc > 4 ? argv[4] : "",
        .initrd_start = argc > 6 ? strtoull(argv[5], NULL, 0) : 0,
        .initrd_end = argc > 6 ? strtoull(argv[6], NULL, 0) : 0,
        .rng_seed = seed,
        .rng_seed_len = sizeof seed,
    };
    static uint8_t buf[64 * 1024];
    size_t size = fdt_build(&m, &cfg, buf, sizeof buf);
    /* Every smaller buffer must be refused, never overrun. */
    for (size_t cap = 0; cap < size; cap++)
        if (fdt_build(&m, &cfg, buf, cap) != 0) {
            fprintf(stderr, "fdt_build accepted cap %zu < %zu\n", cap, size);
            return 1;
        }
    if (fdt_build(&m, &cfg, buf, size) != size)
        return 1;
    FILE *f = fopen(argv[1], "wb");
    if (!size || !f || fwrite(buf, 1, size, f) != size || fclose(f))
        return 1;
    return 0;
}
