"""tests/lib/console.py -- drive an emulated machine's serial console through
a pipe, the way expect(1) drives a terminal: send text, wait for a regular
expression, each step with its own timeout.

The emulator runs with its stdin and stdout on pipes (no tty, so no host line
discipline: a Ctrl-C we send is the byte 0x03 reaching the guest's UART).
Everything it prints goes to a log file as it arrives.  Used by
tests/30-boot.t; it knows nothing about TAP.

    c = Console(["qemu-system-riscv64", ...], "tests/tmp/boot.log")
    c.expect(r"dbt-init: shell ready", timeout=600)
    rc, out = c.run("uname -a", timeout=60)      # exit status, output text
    c.send("poweroff -f\\n"); status = c.wait_exit(60)
"""

import os
import re
import select
import signal
import subprocess
import time

# A guest that dies says so; no need to wait for the timeout then.
PANIC = re.compile(rb"Kernel panic - not syncing|---\[ end Kernel panic")


class ConsoleError(Exception):
    """A step did not happen; the message says which and why."""


class Timeout(ConsoleError):
    pass


class Exited(ConsoleError):
    """The emulator closed its output (it exited)."""


class Panic(ConsoleError):
    pass


class Console:
    def __init__(self, argv, log_path):
        self.argv = argv
        self.log = open(log_path, "ab")
        self.log.write(b"\n==== %s\n" % " ".join(argv).encode())
        self.log.flush()
        # A session of its own: signals meant for the test do not reach the
        # emulator, and kill() can end the emulator and its children together.
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()
        self.buf = b""          # output not yet consumed by expect()
        self.tail = b""         # the last few KB of output, for diagnostics
        self.eof = False
        self.serial = 0         # numbers the markers of run()

    # -- Reading ------------------------------------------------------------

    def _read(self, deadline):
        """Wait for output until deadline; keep it (without \\r)."""
        wait = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([self.proc.stdout], [], [], min(wait, 1.0))
        if not ready:
            return
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            self.eof = True
            return
        self.log.write(data)
        self.log.flush()
        data = data.replace(b"\r", b"")
        self.buf += data
        self.tail = (self.tail + data)[-6000:]

    def expect(self, pattern, timeout):
        """Wait until pattern (a str regex) matches the output; consume the
        output through the match and return the match (on bytes)."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern,
                        re.MULTILINE)
        deadline = time.monotonic() + timeout
        panic_at = None
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if panic_at is None and PANIC.search(self.buf):
                panic_at = time.monotonic()       # read the rest of the oops
            if panic_at is not None and time.monotonic() - panic_at > 3:
                raise Panic("kernel panic while waiting for /%s/" % pattern)
            if self.eof:
                try:
                    status = "status %d" % self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    status = "output closed"
                raise Exited("the emulator exited (%s) while waiting for /%s/"
                             % (status, pattern))
            if time.monotonic() >= deadline:
                raise Timeout("no /%s/ within %g s" % (pattern, timeout))
            self._read(deadline)

    # -- Writing ------------------------------------------------------------

    def send(self, text):
        try:
            self.proc.stdin.write(text.encode() if isinstance(text, str) else text)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise Exited("the emulator no longer reads its input")

    def run(self, cmd, timeout):
        """Run a command list at the shell prompt; return (exit status, output
        text).  The line typed is  echo "@@B3""@@"; CMD; echo "@@E3:$?""@@" :
        the output is what comes between the two markers, and the tty's echo
        of the typed line cannot match them, since there the quotes still
        split each marker.  CMD must not end in '&' or ';'."""
        self.serial += 1
        n = self.serial
        self.send('echo "@@B%d""@@"; %s; echo "@@E%d:$?""@@"\n' % (n, cmd, n))
        self.expect(r"@@B%d@@\n" % n, timeout)
        m = self.expect(r"@@E%d:(\d+)@@" % n, timeout)
        # m.string is the output from just after the start marker.
        text = m.string[:m.start()].decode(errors="replace")
        return int(m.group(1)), re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)

    # -- Ending -------------------------------------------------------------

    def wait_exit(self, timeout):
        """Wait for the emulator to exit (reading its output meanwhile);
        its exit status, or None if it is still running at the timeout."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._read(deadline)
        try:
            return self.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """End the emulator (and anything it started) if it still runs."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.log.close()

    def elapsed(self):
        return time.monotonic() - self.started

