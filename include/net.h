/* net.h — the socket chores the gdbstub and the monitor share: one client
 * per listening socket, reads that never block, writes that finish. */
#ifndef NET_H
#define NET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

/* Take a waiting connection on listen_fd (non-blocking, close-on-exec);
 * -1 if none waits, or if client (the current one's fd) is >= 0: one
 * client at a time, the newcomer is closed. */
int net_accept(int listen_fd, int client);
/* Does fd have input (or a connection, or an end) waiting? */
bool net_readable(int fd);
/* Up to cap bytes that are waiting: > 0 read, 0 nothing now, -1 the peer
 * closed or the socket failed. */
long net_recv(int fd, void *buf, size_t cap);
/* Write all of buf, waiting up to 5 s at a time for room; false if the
 * peer is gone or stopped reading. */
bool net_send_all(int fd, const void *buf, size_t len);
/* Add listen_fd and client (those >= 0) to fds for poll(); returns how many. */
int net_poll_fds(int listen_fd, int client, struct pollfd *fds, int max);

#endif
