/* gdbstub.h — the GDB remote serial protocol over TCP (-s, -gdb, -S). */
#ifndef GDBSTUB_H
#define GDBSTUB_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gdbstub;
struct hart;
struct machine;

/* What the caller of gdb_handle_packet must do after sending the reply. */
enum gdb_action {
    GDB_REPLY,        /* send gdbstub_reply() (it may be empty: "unsupported") */
    GDB_RESUMED,      /* the machine runs on; the stop reply comes later */
    GDB_REPLY_CLOSE,  /* send the reply, then drop the connection (D, k) */
};

/* Listen on spec ("tcp::PORT", "tcp:HOST:PORT", ":PORT" or "PORT"; an empty
 * host means 127.0.0.1).  wait (-S): the machine stays stopped until a
 * debugger connects and resumes it.  NULL after printing why on failure. */
struct gdbstub *gdbstub_create(struct machine *m, const char *spec, bool wait);
/* A stub with no socket, for unit tests and fuzzing gdb_handle_packet. */
struct gdbstub *gdbstub_create_detached(struct machine *m);
/* Tell a connected debugger the machine exited, close everything. */
void gdbstub_destroy(struct gdbstub *g);

/* Handle the payload of one packet (the bytes between '$' and '#', already
 * unescaped; any bytes at all, not NUL terminated).  The reply payload is
 * left in gdbstub_reply().  Never reads outside pkt[0..len). */
enum gdb_action gdb_handle_packet(struct gdbstub *g, const char *pkt, size_t len);
/* The payload of the last reply and its length. */
const char *gdbstub_reply(const struct gdbstub *g, size_t *len);

/* Between slices and while paused: accept a debugger, read its packets and
 * Ctrl-C, report a stop.  force: do not rate-limit the socket polls. */
void gdbstub_poll(struct gdbstub *g, bool force);
/* Add the descriptors to wait on while paused to fds; returns how many. */
int gdbstub_wait_fds(const struct gdbstub *g, struct pollfd *fds, int max);
/* Is a debugger connected? */
bool gdbstub_connected(const struct gdbstub *g);
/* Must the harts run instruction by instruction (breakpoints, watchpoints)? */
bool gdbstub_checking(const struct gdbstub *g);
/* Run h for what is left of its slice, stopping the machine at a
 * breakpoint or after an access that hits a watchpoint. */
void gdbstub_run(struct gdbstub *g, struct hart *h);

#endif
