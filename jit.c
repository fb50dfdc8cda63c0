#include "dbt.h"
#include "jit.h"
void jit_create(struct machine *m, uint64_t size) { (void)m; (void)size; }
void jit_run(struct hart *h) { cpu_interp(h); }
void jit_check_run(struct hart *h) { cpu_interp(h); }
void jit_flush(struct jit *j) { (void)j; }
void jit_print_stats(struct jit *j, FILE *out) { (void)j; (void)out; }
