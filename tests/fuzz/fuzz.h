/* fuzz.h — what every libFuzzer target in tests/fuzz/ shares: reading the
 * fuzzer's bytes as a little program of operations, and a small machine
 * (RAM, harts, the real bus of mmu.c) to point devices at.
 *
 * A target is one file tests/fuzz/NAME.c with LLVMFuzzerTestOneInput(),
 * linked with fuzz.c (which holds dbt.c, see dbt_main.h) and every other
 * object of dbt (tests/harden.mk).  Adding one: write the file, add NAME to
 * FUZZ_TARGETS in tests/harden.mk. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "devices.h"

/* The input, consumed front to back; reads past its end give zeros. */
struct fuzz_input {
    const uint8_t *p;
    size_t n;
};

uint8_t fuzz_u8(struct fuzz_input *in);
uint16_t fuzz_u16(struct fuzz_input *in);
uint32_t fuzz_u32(struct fuzz_input *in);
uint64_t fuzz_u64(struct fuzz_input *in);
/* Up to len bytes of the input itself (fewer at its end); *got says how many. */
const uint8_t *fuzz_bytes(struct fuzz_input *in, size_t len, size_t *got);

/* A guest's access to the bus (RAM or a device); a fault is ignored. */
void fuzz_write(struct machine *m, uint64_t paddr, int size, uint64_t value);
uint64_t fuzz_read(struct machine *m, uint64_t paddr, int size);

/* A machine with ram_size bytes of RAM at RAM_BASE and nharts harts, built
 * once; with drive (a path) the devices get that disk.  The devices' console
 * writes go to /dev/null. */
struct machine *fuzz_machine(uint64_t ram_size, int nharts, const struct devices_config *drive);
/* dbt.c's image loading as each boot mode does it (file: the image under
 * test; kernel: a good one, for BOOT_INITRD); dbt.c's whole command line
 * parser.  Each returns the exit status dbt.c asked for (2: a user error;
 * 0: -h or -V) or -1 if it returned. */
enum fuzz_boot_mode { BOOT_BIOS_NONE, BOOT_BUILTIN_SBI, BOOT_FIRMWARE, BOOT_INITRD };
int fuzz_boot(struct machine *m, enum fuzz_boot_mode mode, const char *file, const char *kernel);
int fuzz_parse_args(int argc, char **argv, uint64_t *ram_size, int *smp);

/* A file descriptor on an anonymous in-memory file, and its /proc path. */
int fuzz_memfd(const char *name, char path[64]);

#endif
