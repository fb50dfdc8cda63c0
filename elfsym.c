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

void elfsym_each(const uint8_t *data, size_t size, elfsym_fn fn, void *opaque)
{
    if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) ||
        data[EI_CLASS] != ELFCLASS64)
        return;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
        return;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(data + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *strtab = &sh[sh[i].sh_link];
        if (!in_file(size, sh[i].sh_offset, sh[i].sh_size) ||
            !in_file(size, strtab->sh_offset, strtab->sh_size))
            continue;
        const Elf64_Sym *sym = (const Elf64_Sym *)(data + sh[i].sh_offset);
        const char *names = (const char *)data + strtab->sh_offset;
        for (uint64_t k = 0; k < sh[i].sh_size / sizeof *sym; k++) {
            uint32_t n = sym[k].st_name;
            if (!n || n >= strtab->sh_size || !memchr(names + n, 0, strtab->sh_size - n))
                continue;
            fn(opaque, names + n, sym[k].st_value, sym[k].st_size, ELF64_ST_TYPE(sym[k].st_info));
        }
    }
}
