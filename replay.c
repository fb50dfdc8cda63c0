/* replay.c — -record FILE and -replay FILE: deterministic reruns of a whole
 * machine.  dbt.c opens the file; console.c, devices.c and dbt.c ask it
 * for the three inputs that come from outside the guest.
 *
 * With -icount the machine is a function of its inputs: guest time follows
 * retired instructions, the harts run round-robin in slices whose ends
 * depend only on the code (the JIT checks its budget at block entries, the
 * interpreter at every instruction), devices act between slices or
 * synchronously with the access that drives them, and virtio-blk completes
 * each request before the notify returns.  What is left comes from the host:
 *
 *   - console input: the bytes each read of stdin returned, and where stdin
 *     ended.  Reads happen at deterministic points (between slices, rate
 *     limited by guest time, and in SBI getchar), so each is numbered and a
 *     recorded input is given back at the read of the same number;
 *   - the goldfish RTC's wall clock: under -icount the RTC reads the host's
 *     clock once, at start, and then moves with guest time (devices.c);
 *   - the device tree's rng-seed (dbt.c), at every boot.
 *
 * Each input carries the instruction count (retired instructions, all
 * harts) at which it arrived; playback checks it, so a replay that has
 * gone another way stops with "diverged" instead of running on quietly.
 *
 * The file is text.  A header names everything the run was built from,
 * files by size and a 64-bit hash of their contents:
 *
 *   dbt-replay 1
 *   kernel 31096320 7f3c9a0e4d21b8a3
 *   initrd 4210688 0c1d...
 *   bios none
 *   drive none
 *   append console=ttyS0
 *   ram 536870912
 *   smp 1
 *   engine jit
 *   events
 *   R 3c19...        rng-seed bytes
 *   W 1795000000123  wall clock, ns
 *   I 8812 153440012 6c730a      read 8812, at instruction 153440012: "ls\n"
 *   E 9001 160000000             read 9001: stdin ended
 *
 * A disk the recorded run wrote to has changed: its hash no longer matches
 * and the replay is refused.  Record with -snapshot (or on a copy). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbt.h"
#include "replay.h"

#define REPLAY_MAGIC "dbt-replay 1"
#define LINE_MAX_ 8192

struct replay {
    FILE *f;
    const char *path;
    bool record;
    uint64_t reads;        /* console reads so far: the key of input events */
    char line[LINE_MAX_];  /* playing: the next event, or "" at the end */
    uint64_t events;       /* events played or recorded */
};

static void die_replay(const struct replay *r, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
static void die_replay(const struct replay *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dbt: %s: %s: ", r->record ? "record" : "replay", r->path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* Retired instructions of all harts: where an event happened. */
static uint64_t instructions(const struct machine *m)
{
    uint64_t n = 0;
    for (int i = 0; i < m->nharts; i++)
        n += m->harts[i]->instret;
    return n;
}

/* -- The configuration header -------------------------------------------------- */

/* "SIZE HASH" of a file's contents (FNV-1a over 8-byte words), or "none". */
static void describe_file(const struct replay *r, const char *path, char *out, size_t cap)
{
    if (!path || !strcmp(path, "none")) {
        snprintf(out, cap, "none");
        return;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        die_replay(r, "%s: %s", path, strerror(errno));
    uint64_t h = 0xcbf29ce484222325ULL, size = (uint64_t)st.st_size;
    if (size) {
        const uint8_t *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            die_replay(r, "%s: %s", path, strerror(errno));
        uint64_t i = 0, w;
        for (; i + 8 <= size; i += 8) {
            memcpy(&w, p + i, 8);
            h = (h ^ w) * 0x100000001b3ULL;
        }
        for (; i < size; i++)
            h = (h ^ p[i]) * 0x100000001b3ULL;
        munmap((void *)p, size);
    }
    close(fd);
    snprintf(out, cap, "%" PRIu64 " %016" PRIx64, size, h);
}

/* The header lines, "key value", for cfg. */
static int config_lines(const struct replay *r, const struct replay_config *cfg,
                        char lines[][LINE_MAX_], const char **keys)
{
    static const char *const names[] = {"kernel", "initrd", "bios", "drive", "append",
                                        "ram", "smp", "engine"};
    char v[LINE_MAX_ - 16];
    int n = 0;
    const char *files[] = {cfg->kernel, cfg->initrd, cfg->bios, cfg->drive};
    for (int i = 0; i < 4; i++) {
        describe_file(r, files[i], v, sizeof v);
        keys[n] = names[n];
        snprintf(lines[n], LINE_MAX_, "%s %s", names[n], v), n++;
    }
    keys[n] = names[n];
    snprintf(lines[n], LINE_MAX_, "append %s", cfg->append ? cfg->append : ""), n++;
    keys[n] = names[n];
    snprintf(lines[n], LINE_MAX_, "ram %" PRIu64, cfg->ram_size), n++;
    keys[n] = names[n];
    snprintf(lines[n], LINE_MAX_, "smp %d", cfg->smp), n++;
    keys[n] = names[n];
    snprintf(lines[n], LINE_MAX_, "engine %s", cfg->engine), n++;
    return n;
}

/* The option a header key comes from, for messages. */
static const char *option_of(const char *key)
{
    static const char *const map[][2] = {
        {"kernel", "-kernel"}, {"initrd", "-initrd"}, {"bios", "-bios"}, {"drive", "-drive"},
        {"append", "-append"}, {"ram", "-m"}, {"smp", "-smp"},
        {"engine", "the engine (-interp, -check, -d cpu)"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], key))
            return map[i][1];
    return key;
}

static bool read_line(struct replay *r, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, r->f))
        return false;
    buf[strcspn(buf, "\n")] = 0;
    return true;
}

static void next_event(struct replay *r)
{
    if (!read_line(r, r->line, sizeof r->line))
        r->line[0] = 0;
}

void replay_open(struct machine *m, const char *path, bool record,
                 const struct replay_config *cfg)
{
    struct replay *r = calloc(1, sizeof *r);
    char (*lines)[LINE_MAX_] = calloc(8, LINE_MAX_);
    const char *keys[8];
    if (!r || !lines) {
        fprintf(stderr, "dbt: out of memory\n");
        exit(2);
    }
    r->path = path;
    r->record = record;
    int n = config_lines(r, cfg, lines, keys);
    r->f = fopen(path, record ? "w" : "r");
    if (!r->f)
        die_replay(r, "%s", strerror(errno));
    if (record) {
        fprintf(r->f, "%s\n", REPLAY_MAGIC);
        for (int i = 0; i < n; i++)
            fprintf(r->f, "%s\n", lines[i]);
        fprintf(r->f, "events\n");
    } else {
        char got[LINE_MAX_];
        if (!read_line(r, got, sizeof got) || strcmp(got, REPLAY_MAGIC))
            die_replay(r, "not a dbt recording");
        for (int i = 0; i < n; i++) {
            if (!read_line(r, got, sizeof got))
                die_replay(r, "the recording is cut short");
            if (strcmp(got, lines[i]))
                die_replay(r, "%s differs from the recording (now \"%s\", recorded \"%s\")",
                           option_of(keys[i]), strchr(lines[i], ' ') + 1,
                           strchr(got, ' ') ? strchr(got, ' ') + 1 : got);
        }
        if (!read_line(r, got, sizeof got) || strcmp(got, "events"))
            die_replay(r, "the recording is cut short");
        next_event(r);
    }
    free(lines);
    m->replay = r;
}

bool replay_playing(const struct machine *m)
{
    return m->replay && !m->replay->record;
}

void replay_close(struct machine *m)
{
    struct replay *r = m->replay;
    if (!r)
        return;
    if (r->record && (fflush(r->f) != 0 || ferror(r->f)))
        fprintf(stderr, "dbt: record: %s: write error: %s\n", r->path, strerror(errno));
    fclose(r->f);
    free(r);
    m->replay = NULL;
}

/* -- Events ------------------------------------------------------------------------ */

static void put_hex(FILE *f, const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", buf[i]);
}

/* Parse hex digits into at most cap bytes; returns the count, or SIZE_MAX
 * for anything that is not an even run of hex digits. */
static size_t get_hex(const char *s, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (s[0] && s[1] && n < cap) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1)
            return SIZE_MAX;
        buf[n++] = (uint8_t)v;
        s += 2;
    }
    return *s ? SIZE_MAX : n;
}

/* Playing: the next event must be of this kind, else the runs parted. */
static const char *expect_event(struct replay *r, char kind, const char *what)
{
    if (r->line[0] != kind || r->line[1] != ' ')
        die_replay(r, "diverged: the run wants %s, the recording has \"%.40s\" (event %" PRIu64 ")",
                   what, r->line[0] ? r->line : "its end", r->events);
    r->events++;
    return r->line + 2;
}

void replay_record_input(struct machine *m, const uint8_t *buf, size_t n, bool at_eof)
{
    struct replay *r = m->replay;
    uint64_t read_no = r->reads++;
    if (!n && !at_eof)
        return;
    if (n) {
        fprintf(r->f, "I %" PRIu64 " %" PRIu64 " ", read_no, instructions(m));
        put_hex(r->f, buf, n);
        fputc('\n', r->f);
    }
    if (at_eof)
        fprintf(r->f, "E %" PRIu64 " %" PRIu64 "\n", read_no, instructions(m));
    fflush(r->f); /* input is rare: a crash keeps what came before */
    r->events++;
}

size_t replay_input(struct machine *m, uint8_t *buf, size_t len, bool *at_eof)
{
    struct replay *r = m->replay;
    uint64_t read_no = r->reads++, want_no, want_at;
    size_t n = 0;
    int used = 0;
    char kind = r->line[0];
    if ((kind != 'I' && kind != 'E') ||
        sscanf(r->line + 2, "%" SCNu64 " %" SCNu64 " %n", &want_no, &want_at, &used) < 2 ||
        want_no != read_no)
        return 0; /* nothing arrived at this read */
    uint64_t now = instructions(m);
    if (want_at != now)
        die_replay(r, "diverged: console read %" PRIu64 " at instruction %" PRIu64
                   ", recorded at %" PRIu64, read_no, now, want_at);
    if (kind == 'I') {
        n = get_hex(expect_event(r, 'I', "console input") + used, buf, len);
        if (n == SIZE_MAX || n == 0)
            die_replay(r, "diverged or damaged: input of read %" PRIu64 " does not fit", read_no);
        next_event(r);
    }
    if (r->line[0] == 'E' &&
        sscanf(r->line + 2, "%" SCNu64, &want_no) == 1 && want_no == read_no) {
        expect_event(r, 'E', "the end of input");
        *at_eof = true;
        next_event(r);
    }
    return n;
}

void replay_random(struct machine *m, uint8_t *buf, size_t len)
{
    struct replay *r = m->replay;
    if (r && !r->record) {
        if (get_hex(expect_event(r, 'R', "a random seed"), buf, len) != len)
            die_replay(r, "diverged or damaged: the random seed");
        next_event(r);
        return;
    }
    if (getrandom(buf, len, 0) != (ssize_t)len)
        memset(buf, 0x5a, len);
    if (r) {
        fputs("R ", r->f);
        put_hex(r->f, buf, len);
        fputc('\n', r->f);
        r->events++;
    }
}

uint64_t replay_wallclock(struct machine *m)
{
    struct replay *r = m->replay;
    uint64_t ns;
    if (r && !r->record) {
        if (sscanf(expect_event(r, 'W', "the wall clock"), "%" SCNu64, &ns) != 1)
            die_replay(r, "damaged: the wall clock");
        next_event(r);
        return ns;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    if (r) {
        fprintf(r->f, "W %" PRIu64 "\n", ns);
        r->events++;
    }
    return ns;
}
