#!/usr/bin/env python3
"""29-limits.t -- a guest cannot make dbt grow without bound, and a runaway
guest can always be stopped.

Four guests that never end by themselves: a tight loop, a flood of UART
output, a reboot loop (the sifive,test device: every boot reloads the ELF),
and code that rewrites and runs itself over a 1 MiB region (every block new,
every store an invalidation, with a 64 KiB code cache flushed over and
over).  For each, between second 1 and second 4 of the run, dbt's open file
descriptors stay the same and its resident memory grows by less than
16 MiB; then Ctrl-A x on stdin ends it with status 0.  The tight loop is
also ended by SIGINT and SIGTERM within 2 s.  On a pseudo-terminal, the
UART flood is stopped by Ctrl-A x and the tight loop by SIGINT, and both
times the terminal gets its settings back.

The -D log: with DBT_LOG_MAX=200000, -d exec on the tight loop stops at
that size with a note in the file and one line on stderr, and the guest
runs on; a DBT_LOG_MAX that is not a number and a -D file that cannot be
created are user errors (one "dbt: " line, exit status 2).

Host files: the only one dbt creates on its own, the -d out_asm scratch
file, comes from mkstemp (O_EXCL, mode 0600, a random name) and is unlinked
at once, so even SIGKILL leaves nothing in /tmp.
"""

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.dont_write_bytecode = True
from dbttest import ok_now as ok  # noqa: E402
DBT = os.path.join(ROOT, os.environ.get("DBT", "dbt"))
# A job started in the background (`make check &`) inherits SIGINT ignored,
# and dbt keeps an ignored signal ignored, as a shell's background job
# should: the SIGINT cases test dbt, so its children get Python's handler
# back, which exec turns into the default.
signal.signal(signal.SIGINT, signal.default_int_handler)
CC = ["riscv64-unknown-elf-gcc", "-march=rv64gc", "-mabi=lp64d", "-nostdlib",
      "-nostartfiles", "-static", "-Wl,-Ttext=0x80000000", "-Wl,-N"]

GUESTS = {
    "spin": "_start: j _start\n",
    "flood": """_start:
    li t0, 0x10000000
    li t1, 'x'
1:  sb t1, 0(t0)
    j 1b
""",
    "reboot": """_start:
    li t0, 0x100000
    li t1, 0x7777
    sw t1, 0(t0)
1:  j 1b
""",
    "smc": """_start:
    la s0, buf
    li s1, 0
    li t2, 0x00150513        /* addi a0, a0, 1 */
    li t3, 0x00008067        /* ret */
    li t4, 0xfffc0
1:  add t0, s0, s1
    sw t2, 0(t0)
    sw t3, 4(t0)
    fence.i
    jalr ra, 0(t0)
    addi s1, s1, 64
    and s1, s1, t4
    j 1b
    .bss
    .balign 4096
buf: .space 1 << 20
""",
}
EXTRA = {"smc": ["-jit-cache", "64K"]}



def fds(pid):
    """The fewest descriptors open over 10 looks 10 ms apart: a reboot opens
    its image for a moment, a leak stays."""
    least = None
    for _ in range(10):
        n = len(os.listdir("/proc/%d/fd" % pid))
        least = n if least is None else min(least, n)
        time.sleep(0.01)
    return least


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def drain(stream):
    """Read a pipe until it closes, keeping the last bytes."""
    tail = bytearray()
    while True:
        data = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not data:
            return bytes(tail)
        tail = (tail + data)[-4096:]


def start(args, env=None):
    p = subprocess.Popen([DBT] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    out = {}
    for name, stream in (("out", p.stdout), ("err", p.stderr)):
        t = threading.Thread(target=lambda s=stream, k=name: out.__setitem__(k, drain(s)))
        t.daemon = True
        t.start()
    return p, out


def stop_with_ctrl_a_x(p):
    p.stdin.write(b"\x01x")
    p.stdin.flush()
    try:
        return p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return None


def bounded(name, elf):
    p, _ = start(["-bios", "none"] + EXTRA.get(name, []) + [elf])
    time.sleep(1)
    alive = p.poll() is None
    fd1, rss1 = (fds(p.pid), rss_kib(p.pid)) if alive else (0, 0)
    time.sleep(3)
    alive = alive and p.poll() is None
    fd2, rss2 = (fds(p.pid), rss_kib(p.pid)) if alive else (0, 0)
    ok(alive and fd1 == fd2, "%s: open descriptors stay at %d" % (name, fd1),
       "alive %s, %d then %d descriptors" % (alive, fd1, fd2))
    ok(alive and rss2 - rss1 < 16 << 10,
       "%s: resident memory grows by less than 16 MiB in 3 s (%d KiB -> %d KiB)" %
       (name, rss1, rss2))
    status = stop_with_ctrl_a_x(p)
    ok(status == 0, "%s: Ctrl-A x stops it (status 0)" % name, "status %r" % status)


def stopped_by_signal(elf, sig, want):
    p, _ = start(["-bios", "none", elf])
    time.sleep(0.5)
    p.send_signal(sig)
    try:
        status = p.wait(2)
    except subprocess.TimeoutExpired:
        p.kill()
        status = "still running after 2 s"
    # 128 + sig when the handlers that restore a terminal are installed (a
    # tty on stdin), else the signal's default action
    ok(status in (want, -sig), "spin: %s ends it within 2 s" % signal.Signals(sig).name,
       "status %r" % status)


def on_a_terminal(elf, stop, name):
    """Run elf on a pseudo-terminal, reading all it writes; stop(p, master)
    ends it.  The status, and whether the terminal's settings came back."""
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    p = subprocess.Popen([DBT, "-bios", "none", elf], stdin=slave, stdout=slave, stderr=slave,
                         start_new_session=True)
    end = time.monotonic() + 1.5
    raw = False
    while time.monotonic() < end:
        if select.select([master], [], [], 0.1)[0]:
            os.read(master, 65536)
        raw = raw or termios.tcgetattr(slave)[3] & termios.ICANON == 0
    stop(p, master)
    status = None
    end = time.monotonic() + 5
    while status is None and time.monotonic() < end:
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                pass
        status = p.poll()
    if status is None:
        p.kill()
    restored = termios.tcgetattr(slave) == before
    os.close(master)
    os.close(slave)
    ok(raw and status == want_status(name) and restored,
       "%s on a terminal: stopped (status %r), terminal restored" % (name, status),
       "raw while running %s, restored %s" % (raw, restored))


def want_status(name):
    return 130 if "SIGINT" in name else 0


def log_cap(elf, tmp):
    log = os.path.join(tmp, "exec.log")
    env = dict(os.environ, DBT_LOG_MAX="200000")
    p, out = start(["-bios", "none", "-d", "exec", "-D", log, elf], env=env)
    time.sleep(2)
    running = p.poll() is None
    status = stop_with_ctrl_a_x(p)
    time.sleep(0.2)
    size = os.path.getsize(log) if os.path.exists(log) else -1
    ok(0 < size <= 200000 + 100, "-d exec -D with DBT_LOG_MAX=200000: the log stops at %d bytes" % size)
    with open(log, "rb") as f:
        f.seek(max(0, size - 100))
        tail = f.read()
    ok(b"size limit" in tail, "the log ends with a note saying it was cut", tail[-100:])
    err = out.get("err", b"").decode(errors="replace")
    ok(err.count("the log reached") == 1, "stderr says once that the log was cut", err)
    ok(running and status == 0, "the guest ran on after the cap (Ctrl-A x: status 0)",
       "running %s, status %r" % (running, status))


def user_error(name, args, env=None):
    r = subprocess.run([DBT] + args, capture_output=True, env=env, stdin=subprocess.DEVNULL,
                       timeout=20)
    lines = r.stderr.decode(errors="replace").splitlines()
    ok(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("dbt: "), name,
       "status %d, stderr %r" % (r.returncode, lines))


def out_asm_files(elf, tmp):
    def scratch_files():
        return {f for f in os.listdir("/tmp") if f.startswith("dbt-out-asm-")}
    before = scratch_files()
    env = dict(os.environ, DBT_LOG_MAX="100000")
    p, _ = start(["-bios", "none", "-d", "out_asm", "-D", os.path.join(tmp, "oa.log"), elf],
                 env=env)
    time.sleep(1)
    p.kill()                                   # SIGKILL: no chance to clean up
    p.wait()
    left = scratch_files() - before
    ok(not left, "-d out_asm killed with SIGKILL leaves no scratch file in /tmp", left)


def main():
    if not shutil.which(CC[0]):
        print("1..0 # SKIP %s not installed" % CC[0])
        return
    if not os.access(DBT, os.X_OK):
        print("1..0 # SKIP %s is not built" % DBT)
        return
    print("1..%d" % (3 * len(GUESTS) + 2 + 2 + 4 + 2 + 1))
    with tempfile.TemporaryDirectory(prefix="dbt-limits-") as tmp:
        elfs = {}
        for name, src in GUESTS.items():
            path = os.path.join(tmp, name)
            with open(path + ".S", "w") as f:
                f.write("    .text\n    .globl _start\n" + src)
            subprocess.run(CC + ["-Wl,--no-warn-rwx-segments", "-o", path + ".elf", path + ".S"],
                           check=True)
            elfs[name] = path + ".elf"
        for name in GUESTS:
            bounded(name, elfs[name])
        stopped_by_signal(elfs["spin"], signal.SIGINT, 130)
        stopped_by_signal(elfs["spin"], signal.SIGTERM, 143)
        on_a_terminal(elfs["flood"], lambda p, m: os.write(m, b"\x01x"), "flood, Ctrl-A x")
        on_a_terminal(elfs["spin"], lambda p, m: p.send_signal(signal.SIGINT), "spin, SIGINT")
        log_cap(elfs["spin"], tmp)
        user_error("DBT_LOG_MAX=lots: a user error", ["-bios", "none", "-D", os.path.join(tmp, "l"),
                   elfs["spin"]], env=dict(os.environ, DBT_LOG_MAX="lots"))
        user_error("-D in a directory that does not exist: a user error",
                   ["-bios", "none", "-D", os.path.join(tmp, "no", "such", "log"), elfs["spin"]])
        out_asm_files(elfs["spin"], tmp)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
