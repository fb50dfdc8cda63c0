/* elfsym.h — the symbols of an ELF64 file in memory (elfsym.c), for HTIF's
 * tohost and -perfmap's names. */
#ifndef ELFSYM_H
#define ELFSYM_H

#include <stddef.h>
#include <stdint.h>

/* Called once per named symbol: its name, value (address), size and
 * st_info type (STT_FUNC, STT_NOTYPE, ...). */
typedef void (*elfsym_fn)(void *opaque, const char *name, uint64_t value, uint64_t size,
                          unsigned type);
/* Walk every SHT_SYMTAB of the ELF64 image data[0..size); malformed tables
 * are skipped, never trusted.  Does nothing for other files. */
void elfsym_each(const uint8_t *data, size_t size, elfsym_fn fn, void *opaque);

#endif
