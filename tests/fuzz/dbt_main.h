/* dbt_main.h — dbt.c's own functions (its loaders and option parsers are
 * static) for the targets that fuzz them, without dbt.c's main() and with
 * exit() turned into a jump back to the target: a user error still prints
 * its one "dbt: ..." line (libFuzzer's -close_fd_mask hides it) and then
 * returns to the fuzzer instead of ending the process.
 *
 * The jump skips dbt.c's frees (exit would hand the memory back), and a
 * fuzzer that leaks on every bad input runs out of memory within minutes.
 * So what dbt.c allocates between dbt_hold_begin() and dbt_hold_release()
 * is recorded, and the release frees whatever it did not free itself; the
 * targets keep LeakSanitizer on, and it still sees a leak of dbt.c's that
 * happens where no jump is taken.
 *
 * Included once, by fuzz.c, whose fuzz_boot() and fuzz_parse_args() call
 * into dbt.c through DBT_TRY(). */
#ifndef DBT_MAIN_H
#define DBT_MAIN_H

#include <assert.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define DBT_HELD_MAX 4096 /* a 4 KiB input of "-drive file=a,file=b,..." holds ~700 */

static struct {
    void *p[DBT_HELD_MAX];
    int n;
    bool on;
} dbt_held;

static void *dbt_hold(void *p)
{
    if (p && dbt_held.on) {
        assert(dbt_held.n < DBT_HELD_MAX);
        dbt_held.p[dbt_held.n++] = p;
    }
    return p;
}

static void *dbt_malloc(size_t size) { return dbt_hold(malloc(size)); }
static void *dbt_aligned_alloc(size_t align, size_t size) { return dbt_hold(aligned_alloc(align, size)); }
static char *dbt_strdup(const char *s) { return dbt_hold(strdup(s)); }

static void dbt_free(void *p)
{
    for (int i = 0; i < dbt_held.n; i++)
        if (dbt_held.p[i] == p)
            dbt_held.p[i] = dbt_held.p[--dbt_held.n];
    free(p);
}

static void dbt_hold_begin(void)
{
    dbt_held.on = true;
}

static void dbt_hold_release(void)
{
    while (dbt_held.n)
        free(dbt_held.p[--dbt_held.n]);
    dbt_held.on = false;
}

static jmp_buf dbt_exit_jump;
static int dbt_exit_status;

static void __attribute__((noreturn)) dbt_exit(int status)
{
    dbt_exit_status = status;
    longjmp(dbt_exit_jump, 1);
}

#define exit(status) dbt_exit(status)
#define main dbt_main
#define malloc dbt_malloc
#define aligned_alloc dbt_aligned_alloc
#define strdup dbt_strdup
#define free dbt_free
#include "../../dbt.c"
#undef exit
#undef main
#undef malloc
#undef aligned_alloc
#undef strdup
#undef free

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
