/* fpu.h — the F and D extensions' computational instructions (RISC-V
 * unprivileged spec, chapters "F" and "D"); loads, stores and mstatus.FS are
 * the interpreter's. */
#ifndef FPU_H
#define FPU_H

#include <stdbool.h>

struct hart;
struct insn;

/* Execute one F/D instruction other than FLW/FSW/FLD/FSD on h->f[], h->x[]
 * and h->fflags.  Returns false, having changed nothing, when the effective
 * rounding mode is reserved; the caller then raises illegal instruction. */
bool fpu_exec(struct hart *h, const struct insn *in);

#endif
