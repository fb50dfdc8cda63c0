/* console.c — the host side of the guest console: stdin feeds the UART's
 * receive FIFO, the UART and the SBI console write to stdout, and a terminal
 * on stdin is put in raw mode and always given back.
 *
 * Input.  Host bytes pass through a bounded queue (CONSOLE_QUEUE) into the
 * UART's receive FIFO as the guest makes room.  When the queue is full we
 * stop reading, so input the guest is slow to take stays in the host's pipe
 * or tty buffer and is never dropped; Ctrl-A commands are acted on as bytes
 * enter the queue, so C-a x works even when the guest reads nothing.  Reads never block:
 * poll() with a zero timeout says whether read() has something.  (We do not
 * set O_NONBLOCK: it belongs to the open file description, which a terminal
 * shares between our stdin, our stdout and the shell that started us.)  An
 * idle stdin is looked at once per millisecond of guest time; while bytes
 * flow, at every poll.  End of file (or an error) stops the polling for good.
 *
 * Ctrl-A is the escape key, as in QEMU's -nographic: C-a x ends the run
 * (status 0, "dbt: terminated"), C-a h or C-a ? prints help, C-a c hands
 * the keyboard to the (dbt) monitor and back (monitor.c), C-a C-a sends
 * one C-a to the guest; other keys after C-a are swallowed.  This applies
 * to any stdin, not only a terminal.
 *
 * Output is written at once with write(2), no buffering: tests drive the
 * console through pipes and wait for prompts.
 *
 * The terminal.  When stdin is a tty it goes into raw mode (no echo, no line
 * editing, no signals: Ctrl-C is byte 3 for the guest; output processing
 * stays on, so a bare "\n" from a bare-metal guest still starts a new line).
 * The saved settings come back on every way out: devices_destroy(), exit()
 * (atexit), and the signals that end a process, including the fatal ones of
 * an emulator bug, which are re-raised afterwards so the core dump happens. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "devices.h"
#include "replay.h"

#define CTRL_A 0x01
#define CONSOLE_POLL_TICKS (TIMEBASE_HZ / 1000) /* idle stdin: look every 1 ms */

/* -- The terminal ---------------------------------------------------------------
 * The one mutable global of the devices room: a signal handler and an
 * atexit() function take no argument, yet must find the settings to put
 * back.  Written once, before the handlers are installed. */
static struct {
    struct termios saved, raw_settings;
    int fd;
    volatile sig_atomic_t raw;     /* the terminal is in raw mode now */
    volatile sig_atomic_t resume;  /* stopped from raw mode: raw again on SIGCONT */
    volatile sig_atomic_t exit_signal; /* the signal that asked us to end */
    struct machine *m;             /* the machine to stop on that signal */
    bool hooks_installed;
} tty_state;

static void tty_restore(void)
{
    if (tty_state.raw) {
        tcsetattr(tty_state.fd, TCSANOW, &tty_state.saved);
        tty_state.raw = 0;
    }
}

/* "dbt: terminated by signal N" with async-signal-safe calls only. */
static void say_signal(int sig)
{
    char msg[48] = "dbt: terminated by signal ";
    size_t len = strlen(msg);
    if (sig >= 10)
        msg[len++] = (char)('0' + sig / 10 % 10);
    msg[len++] = (char)('0' + sig % 10);
    msg[len++] = '\n';
    if (write(STDERR_FILENO, msg, len) < 0) {
        /* nothing more to do on the way out */
    }
}

/* SIGINT, SIGTERM, SIGHUP...: the first one stops the machine, and main()
 * leaves as on any exit (the -D log flushed, the terminal restored), then
 * says "terminated by signal N" with status 128 + N.  machine_exit only
 * stores flags and zeroes budgets.  A second signal, or one before the
 * machine runs, ends the process at once. */
static void on_exit_signal(int sig)
{
    if (tty_state.m && !tty_state.exit_signal) {
        tty_state.exit_signal = sig;
        machine_exit(tty_state.m, 128 + sig);
        return;
    }
    tty_restore();
    say_signal(sig);
    _exit(128 + sig);
}

/* Ctrl-Z (or kill -TSTP): the shell gets its terminal back in the state it
 * left it, then we stop; SIGCONT (fg) puts raw mode back. */
static void on_stop_signal(int sig)
{
    int saved_errno = errno;
    tty_state.resume = tty_state.raw;
    tty_restore();
    struct sigaction dfl = {.sa_handler = SIG_DFL}, mine;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, &mine);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig); /* stops here until SIGCONT */
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigaction(sig, &mine, NULL);
    errno = saved_errno;
}

static void on_cont_signal(int sig)
{
    int saved_errno = errno;
    (void)sig;
    if (tty_state.resume && tcsetattr(tty_state.fd, TCSANOW, &tty_state.raw_settings) == 0)
        tty_state.raw = 1;
    tty_state.resume = 0;
    errno = saved_errno;
}

/* Installed with SA_RESETHAND: the re-raised signal takes its default
 * action (and its core dump) once the handler returns. */
static void on_fatal_signal(int sig)
{
    tty_restore();
    raise(sig);
}

static void install_handler(int sig, void (*fn)(int), int flags)
{
    struct sigaction old, sa = {.sa_handler = fn, .sa_flags = flags};
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return; /* e.g. SIGHUP under nohup: stay ignored */
    sigaction(sig, &sa, NULL);
}

static void install_tty_hooks(void)
{
    static const int exit_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    if (tty_state.hooks_installed)
        return;
    tty_state.hooks_installed = true;
    atexit(tty_restore);
    for (size_t i = 0; i < sizeof exit_signals / sizeof *exit_signals; i++)
        install_handler(exit_signals[i], on_exit_signal, 0);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
        install_handler(fatal_signals[i], on_fatal_signal, SA_RESETHAND);
    install_handler(SIGTSTP, on_stop_signal, SA_RESTART);
    install_handler(SIGCONT, on_cont_signal, SA_RESTART);
}

int console_exit_signal(void)
{
    return tty_state.exit_signal;
}

void console_say_signal(int sig)
{
    say_signal(sig);
}

/* cfmakeraw() without clearing OPOST. */
static bool tty_make_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) < 0)
        return false;
    tty_state.saved = t;
    tty_state.fd = fd;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tty_state.raw_settings = t;
    tty_state.raw = 1;
    if (tcsetattr(fd, TCSANOW, &t) < 0) {
        tty_state.raw = 0;
        return false;
    }
    return true;
}

/* -- Output ---------------------------------------------------------------------- */

/* Linux says "Kernel panic - not syncing: <why>" and then spins for ever
 * (panic_timeout 0): the user sees a machine that does nothing.  Output is
 * watched for that text; at the end of its line the machine hears of it. */
#define PANIC_TEXT "Kernel panic - not syncing"

static void watch_panic(struct console *c, const uint8_t *p, size_t len)
{
    static const size_t text_len = sizeof PANIC_TEXT - 1;
    for (size_t i = 0; i < len && !c->panic_seen; i++) {
        if (c->panic_len < text_len) {
            c->panic_len = p[i] == PANIC_TEXT[c->panic_len] ? c->panic_len + 1
                                                              : p[i] == PANIC_TEXT[0];
            continue;
        }
        if (p[i] != '\n' && p[i] != '\r' && c->panic_len < sizeof c->panic_line - 1) {
            c->panic_line[c->panic_len++] = (char)p[i];
            continue;
        }
        memcpy(c->panic_line, PANIC_TEXT, text_len);
        c->panic_line[c->panic_len] = 0;
        c->panic_seen = true;
        char what[sizeof c->panic_line + 40];
        snprintf(what, sizeof what, "the guest kernel panicked: \"%s\"", c->panic_line);
        machine_guest_panic(c->m, what);
    }
}

void console_write(struct machine *m, const void *buf, size_t len)
{
    if (m && m->dev)
        watch_panic(&m->dev->console, buf, len);
    int fd = m && m->dev ? m->dev->console.out_fd : STDOUT_FILENO;
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            poll(&pfd, 1, -1); /* someone else made it non-blocking: wait */
        } else {
            return; /* stdout is gone: the output is lost, the guest runs on */
        }
    }
}

static void console_message(const char *text)
{
    fputs(text, stderr);
    fflush(stderr);
}

/* -- Input ------------------------------------------------------------------------ */

static void queue_push(struct console *c, uint8_t byte)
{
    c->queue[(c->queue_head + c->queue_len) % CONSOLE_QUEUE] = byte;
    c->queue_len++;
}

/* Move queued input into the UART's FIFO, as much as it has room for. */
static void queue_drain(struct console *c)
{
    struct uart *u = &c->m->dev->uart;
    while (c->queue_len && uart_rx_room(u)) {
        uart_receive(u, c->queue[c->queue_head]);
        c->queue_head = (c->queue_head + 1) % CONSOLE_QUEUE;
        c->queue_len--;
    }
}

/* What C-a followed by `key` does. */
static void console_command(struct console *c, uint8_t key)
{
    switch (key) {
    case 'x':
    case 'X':
        console_message("dbt: terminated\n");
        c->in_eof = true; /* read nothing more */
        machine_exit(c->m, 0);
        break;
    case 'h':
    case '?':
        console_message("\n"
                        "C-a h    print this help\n"
                        "C-a x    exit the emulator\n"
                        "C-a c    switch between console and monitor\n"
                        "C-a C-a  send C-a to the guest\n");
        break;
    case 'c':
    case 'C':
        if (c->monitor_toggle) {
            c->monitor_on = !c->monitor_on;
            c->monitor_toggle(c->monitor_opaque, c->monitor_on);
        }
        break;
    case CTRL_A: queue_push(c, CTRL_A); break;
    default: break; /* unknown commands are swallowed, key and all */
    }
}

static void console_input(struct console *c, uint8_t byte)
{
    if (c->escape) {
        c->escape = false;
        console_command(c, byte);
    } else if (byte == CTRL_A) {
        c->escape = true;
    } else if (c->monitor_on) {
        c->monitor_input(c->monitor_opaque, byte);
    } else {
        queue_push(c, byte);
    }
}

/* Up to len bytes that are already waiting on stdin; 0 if none. */
static size_t host_read(struct console *c, uint8_t *buf, size_t len)
{
    struct pollfd pfd = {.fd = c->in_fd, .events = POLLIN};
    if (poll(&pfd, 1, 0) <= 0 || !pfd.revents)
        return 0;
    if (pfd.revents & POLLNVAL) {
        c->in_eof = true; /* stdin is not open */
        return 0;
    }
    ssize_t n = read(c->in_fd, buf, len);
    if (n > 0)
        return (size_t)n;
    if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
        c->in_eof = true;
    return 0;
}

/* Input from the host, or from the recording being replayed (replay.c):
 * every read is noted while recording, empty ones too. */
static size_t console_read(struct console *c, uint8_t *buf, size_t len)
{
    struct machine *m = c->m;
    if (replay_playing(m))
        return replay_input(m, buf, len, &c->in_eof);
    size_t n = host_read(c, buf, len);
    if (m->replay)
        replay_record_input(m, buf, n, c->in_eof);
    return n;
}

void console_poll(struct console *c, uint64_t now, bool force)
{
    queue_drain(c);
    /* A byte read adds at most one to the queue (a C-a command, none), so
     * read no more than the queue has room for. */
    unsigned room = CONSOLE_QUEUE - c->queue_len;
    if (c->in_eof || !room || (!force && now < c->next_poll))
        return;
    uint8_t buf[256];
    size_t n = console_read(c, buf, room < sizeof buf ? room : sizeof buf);
    c->next_poll = n ? now : now + CONSOLE_POLL_TICKS;
    for (size_t i = 0; i < n && !c->in_eof; i++)
        console_input(c, buf[i]);
    queue_drain(c);
}

int console_wait_fd(const struct console *c)
{
    if (c->in_eof || c->queue_len == CONSOLE_QUEUE)
        return -1; /* nothing to wait for: input could not be taken */
    return c->in_fd;
}

/* The UART's receive FIFO is the one queue of input: the SBI getchar takes
 * from it as OpenSBI's does from the 16550 on real hardware, so bytes are
 * never split between two readers in a surprising order. */
int console_getchar(struct machine *m)
{
    if (!m->dev)
        return -1;
    console_poll(&m->dev->console, machine_time(m), true);
    return uart_take(&m->dev->uart);
}

/* -- Life cycle --------------------------------------------------------------------- */

void console_create(struct machine *m, struct console *c)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->in_fd = STDIN_FILENO;
    c->out_fd = STDOUT_FILENO;
    install_tty_hooks();
    tty_state.m = m;
    if (isatty(c->in_fd))
        c->raw = tty_make_raw(c->in_fd);
}

void console_reset(struct console *c)
{
    c->escape = false;
    c->queue_head = c->queue_len = 0;
    c->next_poll = 0;
}

void console_destroy(struct console *c)
{
    tty_state.m = NULL;
    if (c->raw)
        tty_restore();
    c->raw = false;
}
