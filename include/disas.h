/* disas.h — one-line disassembly of decoded instructions, in the style of
 * GNU objdump's default output (ABI register names, aliases, absolute
 * branch targets).  Used by logs, -d style tracing and the decode tests. */
#ifndef DISAS_H
#define DISAS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

/* ABI names of the x registers: "zero", "ra", "sp", ... "t6". */
extern const char *const disas_reg_names[32];

/* Write the disassembly of `in`, fetched at `pc`, into buf (always NUL
 * terminated when size > 0); returns the length snprintf would return. */
int disas_insn(char *buf, size_t size, uint64_t pc, const struct insn *in);

/* The name of a CSR ("mstatus", "satp", ...), or NULL if unknown. */
const char *disas_csr_name(unsigned csr);

#endif
