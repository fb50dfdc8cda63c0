/* perfmap.c — -perfmap: tell the host's perf what the code cache holds.
 *
 * perf attributes samples in anonymous executable memory through
 * /tmp/perf-PID.map (tools/perf/Documentation/jit-interface.txt), one
 * line per range of host code:
 *
 *     7f3a12c04a40 9c guest 0x80000010 handler+0x4
 *     7f3a12c05b00 1f4 guest trace 0x80000020 handler+0x14
 *     START        SIZE (hex)   name
 *
 * jit.c calls perfmap_block() once for every block it installs, with the
 * guest pc it runs; the name is that pc and, when -kernel or -bios is an
 * ELF with a symbol table, the guest symbol it lies in.  A Linux Image has
 * no symbols: its blocks are named by pc alone (feed the pcs to
 * `addr2line -e vmlinux` or System.map).
 *
 * Flushed code.  perf reads the map when it reports, with no notion of
 * when a line was written, and the cache reuses its addresses after a
 * flush (jit_flush).  So a flush writes nothing: the blocks translated
 * after it get lines of their own further down the file, and readers of
 * perf maps take the later line for an address (V8 and other JITs rely
 * on this).  Samples taken before a flush are then named after the newer
 * code at the same address; a run that must be attributed exactly should
 * use a -jit-cache large enough never to flush (-stats counts flushes).
 *
 * perf reads perf maps only for anonymous memory.  The cache's two views
 * (writable, executable) map shared anonymous memory, which perf counts as
 * anonymous (/dev/zero in /proc/PID/maps; jit.c cache_map), so -perfmap
 * needs no other mapping and the code runs as fast as without it.
 *
 * The file is created with O_EXCL | O_NOFOLLOW: /tmp is shared, and a
 * symlink planted there must not make dbt write somewhere else.  A stale
 * map of an earlier process with our pid is replaced only when it is a
 * regular file of ours. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbt.h"
#include "elfsym.h"
#include "perfmap.h"

struct perfmap_sym {
    uint64_t addr, size;
    char *name;
};

struct perfmap {
    FILE *f;
    struct perfmap_sym *syms; /* sorted by address */
    size_t nsyms, cap;
};

static void die_perfmap(const char *path, const char *why)
{
    fprintf(stderr, "dbt: -perfmap: %s: %s\n", path, why);
    exit(2);
}

/* -- Symbols ----------------------------------------------------------------- */

static void add_symbol(void *opaque, const char *name, uint64_t value, uint64_t size,
                       unsigned type)
{
    struct perfmap *p = opaque;
    /* Code labels: functions, and the untyped labels of assembly files
     * (_start, trap vectors); not sections, files or data objects. */
    if ((type != STT_FUNC && type != STT_NOTYPE) || !value || name[0] == '$' ||
        !strncmp(name, ".L", 2))
        return;
    if (p->nsyms == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        struct perfmap_sym *s = realloc(p->syms, cap * sizeof *s);
        if (!s)
            return;
        p->syms = s, p->cap = cap;
    }
    char *copy = strdup(name);
    if (copy)
        p->syms[p->nsyms++] = (struct perfmap_sym){value, size, copy};
}

static int by_addr(const void *a, const void *b)
{
    const struct perfmap_sym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_symbols(struct perfmap *p, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data != MAP_FAILED) {
            elfsym_each(data, (size_t)st.st_size, add_symbol, p);
            munmap(data, (size_t)st.st_size);
        }
    }
    close(fd);
}

/* The symbol pc lies in: the last one at or below it, if pc is inside its
 * size (or it has none, as assembly labels). */
static const struct perfmap_sym *symbol_at(const struct perfmap *p, uint64_t pc)
{
    size_t lo = 0, hi = p->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->syms[mid].addr <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return NULL;
    const struct perfmap_sym *s = &p->syms[lo - 1];
    return !s->size || pc - s->addr < s->size ? s : NULL;
}

/* -- The map file ------------------------------------------------------------ */

static int create_exclusive(const char *path)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = open(path, flags, 0644);
    if (fd >= 0 || errno != EEXIST)
        return fd;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        unlink(path) == 0)
        return open(path, flags, 0644); /* O_EXCL again: a racing creator loses */
    errno = EEXIST;
    return -1;
}

void perfmap_create(struct machine *m, const char *const *paths, int npaths)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
    int fd = create_exclusive(path);
    if (fd < 0)
        die_perfmap(path, strerror(errno));
    struct perfmap *p = calloc(1, sizeof *p);
    if (!p || !(p->f = fdopen(fd, "w")))
        die_perfmap(path, "out of memory");
    for (int i = 0; i < npaths; i++)
        if (paths[i])
            load_symbols(p, paths[i]);
    qsort(p->syms, p->nsyms, sizeof *p->syms, by_addr);
    m->perfmap = p;
}

void perfmap_block(struct machine *m, const void *code, size_t size, uint64_t vpc, uint64_t pa,
                   bool trace)
{
    struct perfmap *p = m->perfmap;
    fprintf(p->f, "%llx %zx guest %s%#llx", (unsigned long long)(uintptr_t)code, size,
            trace ? "trace " : "", (unsigned long long)vpc);
    if (pa != vpc)
        fprintf(p->f, " (pa %#llx)", (unsigned long long)pa);
    const struct perfmap_sym *s = symbol_at(p, vpc);
    if (s && vpc == s->addr)
        fprintf(p->f, " %s", s->name);
    else if (s)
        fprintf(p->f, " %s+%#llx", s->name, (unsigned long long)(vpc - s->addr));
    fputc('\n', p->f);
}

void perfmap_stub(struct machine *m, const void *code, size_t size, const char *name)
{
    fprintf(m->perfmap->f, "%llx %zx %s\n", (unsigned long long)(uintptr_t)code, size, name);
}

void perfmap_close(struct machine *m)
{
    struct perfmap *p = m->perfmap;
    if (!p)
        return;
    fclose(p->f);
    for (size_t i = 0; i < p->nsyms; i++)
        free(p->syms[i].name);
    free(p->syms);
    free(p);
    m->perfmap = NULL;
}
