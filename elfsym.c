/* elfsym.c — walk the symbol tables of an ELF64 image in memory.  dbt.c
 * finds HTIF's tohost/fromhost with it, perfmap.c the names of guest code.
 * Every offset and name is checked against the file: a hostile ELF yields
 * fewer symbols, never a read out of bounds. */
#include <elf.h>
#include <string.h>

#include "elfsym.h"

static int in_file(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* Entry i of a table at byte off, copied out: ELF puts its tables at any
 * offset, where a cast pointer could be misaligned. */
static void entry(const uint8_t *data, uint64_t off, uint64_t i, void *out, size_t size)
{
    memcpy(out, data + off + i * size, size);
}

void elfsym_each(const uint8_t *data, size_t size, elfsym_fn fn, void *opaque)
{
    if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) ||
        data[EI_CLASS] != ELFCLASS64)
        return;
    Elf64_Ehdr eh;
    memcpy(&eh, data, sizeof eh);
    if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
        return;
    for (int i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh, strtab;
        entry(data, eh.e_shoff, (uint64_t)i, &sh, sizeof sh);
        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum)
            continue;
        entry(data, eh.e_shoff, sh.sh_link, &strtab, sizeof strtab);
        if (!in_file(size, sh.sh_offset, sh.sh_size) ||
            !in_file(size, strtab.sh_offset, strtab.sh_size))
            continue;
        const char *names = (const char *)data + strtab.sh_offset;
        for (uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym sym;
            entry(data, sh.sh_offset, k, &sym, sizeof sym);
            uint32_t n = sym.st_name;
            if (!n || n >= strtab.sh_size || !memchr(names + n, 0, strtab.sh_size - n))
                continue;
            fn(opaque, names + n, sym.st_value, sym.st_size, ELF64_ST_TYPE(sym.st_info));
        }
    }
}
