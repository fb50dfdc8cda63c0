/* replay.h — -record FILE / -replay FILE: every input that makes a run
 * differ from the next, written down and played back (replay.c). */
#ifndef REPLAY_H
#define REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* What the run was built from: any difference voids a recording. */
struct replay_config {
    const char *kernel, *initrd, *bios, *drive, *append;
    uint64_t ram_size;
    int smp;
    const char *engine; /* "jit", "interp" or "check": they end slices differently */
};

/* Start recording to path, or start replaying it after checking that cfg
 * matches the recording's; exits with `dbt: replay: ...` when it does not. */
void replay_open(struct machine *m, const char *path, bool record,
                 const struct replay_config *cfg);
/* Is a recording being played back (host input is then ignored)? */
bool replay_playing(const struct machine *m);
/* The console asked the host for input and got buf[0..n) (and at_eof):
 * note it.  Called for every console read, empty ones too. */
void replay_record_input(struct machine *m, const uint8_t *buf, size_t n, bool at_eof);
/* Playing: the input the recorded run got at this same read, at most len
 * bytes; sets *at_eof at the read where the recorded stdin ended. */
size_t replay_input(struct machine *m, uint8_t *buf, size_t len, bool *at_eof);
/* Host randomness (the device tree's rng-seed), recorded or played back. */
void replay_random(struct machine *m, uint8_t *buf, size_t len);
/* The host's wall clock in ns since the epoch, recorded or played back. */
uint64_t replay_wallclock(struct machine *m);
/* Finish the recording (flush it) or the playback. */
void replay_close(struct machine *m);

#endif
