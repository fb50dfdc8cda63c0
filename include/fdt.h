/* fdt.h — the flattened device tree (DTB) describing this machine, built in C. */
#ifndef FDT_H
#define FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* What the device tree says beyond the machine itself (RAM size and harts
 * come from struct machine). */
struct fdt_config {
    const char *bootargs;              /* /chosen/bootargs; NULL or "" = none */
    uint64_t initrd_start, initrd_end; /* physical; 0, 0 = no initrd */
    const uint8_t *rng_seed;           /* /chosen/rng-seed (from getrandom) */
    size_t rng_seed_len;               /* 0 = no rng-seed */
};

/* Build the DTB (FDT v17) into buf; returns its size, or 0 if cap is too small. */
size_t fdt_build(struct machine *m, const struct fdt_config *cfg, void *buf, size_t cap);

#endif
