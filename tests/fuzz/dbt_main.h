/* dbt_main.h — dbt.c's own functions (its loaders and option parsers are
 * static) for the targets that fuzz them, without dbt.c's main() and with
 * exit() turned into a jump back to the target: a user error still prints
 * its one "dbt: ..." line (libFuzzer's -close_fd_mask hides it) and then
 * returns to the fuzzer instead of ending the process.  Memory dbt.c would
 * hand back to the system at exit is lost on that jump, so these targets
 * run with detect_leaks=0 (tests/fuzz/run).
 *
 * Included once, by fuzz.c, whose fuzz_boot() and fuzz_parse_args() call
 * into dbt.c through DBT_TRY(). */
#ifndef DBT_MAIN_H
#define DBT_MAIN_H

#include <setjmp.h>
#include <stdlib.h>

static jmp_buf dbt_exit_jump;
static int dbt_exit_status;

static void __attribute__((noreturn)) dbt_exit(int status)
{
    dbt_exit_status = status;
    longjmp(dbt_exit_jump, 1);
}

#define exit(status) dbt_exit(status)
#define main dbt_main
#include "../../dbt.c"
#undef exit
#undef main

/* Run a statement of dbt.c's; status gets the exit status it asked for, or
 * -1 if it returned normally.  Exit statuses other than 0 and 2 are bugs.
 * What the statement changes must live in static storage (setjmp). */
#define DBT_TRY(status, stmt)                                                                     \
    do {                                                                                          \
        if (setjmp(dbt_exit_jump) == 0) {                                                         \
            stmt;                                                                                 \
            (status) = -1;                                                                        \
        } else {                                                                                  \
            (status) = dbt_exit_status;                                                           \
        }                                                                                         \
    } while (0)

#endif
