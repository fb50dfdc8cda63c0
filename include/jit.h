/* jit.h — the block JIT: the code cache (jit.c), translation to x86-64
 * (jit_x64.c) and the lockstep checker (jit_check.c). */
#ifndef JIT_H
#define JIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct machine;
struct hart;
struct jit;

#define JIT_CACHE_DEFAULT (64u << 20)
#define JIT_CACHE_MIN (64u << 10)
#define JIT_CACHE_MAX (1024u << 20)

/* Create the code cache of `size` bytes and the per-hart state; exits with
 * a message when the host refuses executable memory. */
void jit_create(struct machine *m, uint64_t size);
/* Run translated blocks on h until h->budget <= 0. */
void jit_run(struct hart *h);
/* -check: run one block at a time under both executors and compare. */
void jit_check_run(struct hart *h);
/* Drop every translation (reboot, full cache). */
void jit_flush(struct jit *j);
/* -stats: the JIT's counters. */
void jit_print_stats(struct jit *j, FILE *out);

#endif
