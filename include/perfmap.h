/* perfmap.h — -perfmap: /tmp/perf-PID.map for the host's perf (perfmap.c). */
#ifndef PERFMAP_H
#define PERFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* Create /tmp/perf-PID.map (never through a symlink; exits with a message
 * when it cannot) and load the symbols of the ELF images among `paths`
 * (NULL entries and non-ELF files are skipped). */
void perfmap_create(struct machine *m, const char *const *paths, int npaths);
/* A translated block is in the cache: host code [code, code+size) runs the
 * guest code at virtual pc vpc, physical pa. */
void perfmap_block(struct machine *m, const void *code, size_t size, uint64_t vpc, uint64_t pa,
                   bool trace);
/* Host code of dbt's own making (trampolines) under a fixed name. */
void perfmap_stub(struct machine *m, const void *code, size_t size, const char *name);
/* Flush and close the map. */
void perfmap_close(struct machine *m);

#endif
