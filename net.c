/* net.c — the few socket chores gdbstub.c (TCP) and monitor.c (a unix
 * socket) share.  Both serve one client at a time from the run loop's one
 * thread, so every socket is non-blocking and looked at with poll(); only a
 * write may wait, a bounded time, for a client that reads slowly. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

#define SEND_WAIT_MS 5000

int net_accept(int listen_fd, int client)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0 && client >= 0) {
        close(fd); /* one client at a time */
        return -1;
    }
    return fd;
}

bool net_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return fd >= 0 && poll(&p, 1, 0) > 0 && p.revents;
}

long net_recv(int fd, void *buf, size_t cap)
{
    ssize_t n = recv(fd, buf, cap, 0);
    if (n > 0)
        return (long)n;
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    return -1;
}

bool net_send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd w = {.fd = fd, .events = POLLOUT};
            if (poll(&w, 1, SEND_WAIT_MS) <= 0)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

int net_poll_fds(int listen_fd, int client, struct pollfd *fds, int max)
{
    int n = 0;
    if (listen_fd >= 0 && n < max)
        fds[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
    if (client >= 0 && n < max)
        fds[n++] = (struct pollfd){.fd = client, .events = POLLIN};
    return n;
}
