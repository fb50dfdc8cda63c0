/* cli.c (fuzz target) — dbt's command line parser (parse_args: every option,
 * the -m / -jit-cache size parser, -d lists, -drive key=value lists, -smp)
 * fed any argument vector: the input split at NUL bytes.  Whatever it is
 * given, the parser returns or exits with 0 (-h, -V) or 2 (one "dbt: ..."
 * line); a size it accepts is a whole number of pages within the limits. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1), *argv[MAX_ARGS + 1] = {"dbt"};
    int argc = 1;
    memcpy(copy, data, size);
    copy[size] = 0;
    for (char *s = copy; s <= copy + size && argc < MAX_ARGS; s += strlen(s) + 1)
        argv[argc++] = s;
    argv[argc] = NULL;

    uint64_t ram_size;
    int smp;
    int status = fuzz_parse_args(argc, argv, &ram_size, &smp);
    assert(status == -1 || status == 0 || status == 2);
    if (status == -1) {
        assert(ram_size >= (1 << 20) && ram_size % 4096 == 0 && ram_size <= (64ULL << 30));
        assert(smp >= 1 && smp <= MAX_HARTS);
    }
    free(copy);
    return 0;
}
