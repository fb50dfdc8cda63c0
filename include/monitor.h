/* monitor.h — the (dbt) monitor: QEMU-style commands on the console (Ctrl-A
 * c) and on a unix socket (-monitor unix:PATH,server,nowait). */
#ifndef MONITOR_H
#define MONITOR_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct monitor;

/* The monitor of machine m, reachable from the console (Ctrl-A c) once
 * the devices exist. */
struct monitor *monitor_create(struct machine *m);
/* -monitor SPEC: listen on "unix:PATH[,server][,nowait]"; without nowait,
 * wait for the first client.  Refuses to replace anything but a socket.
 * False after printing why. */
bool monitor_listen(struct monitor *mon, const char *spec);
/* Close the socket (and remove it), free the monitor. */
void monitor_destroy(struct monitor *mon);

/* Between slices and while paused: accept clients, run their commands.
 * force: do not rate-limit the socket polls. */
void monitor_poll(struct monitor *mon, bool force);
/* Add the descriptors to wait on while paused to fds; returns how many. */
int monitor_wait_fds(const struct monitor *mon, struct pollfd *fds, int max);

/* Run one command line; returns its output (*len bytes, valid until the
 * next command).  gdb's "monitor CMD" uses it. */
const char *monitor_run_command(struct monitor *mon, const char *line, size_t *len);

#endif
