#!/usr/bin/env python3
"""tests/32-debug-boot.t -- the debugging features on Debian's kernel, in
four short boots (about 2 s each under the JIT):

  syscall  -d syscall while `bash -c 'ls /; true'` runs: bash's execve, its
           mmaps (ld.so), clone, the child's execve of ls, brk, exit_group,
           then bash's wait4 collecting it, in this order, with pids and
           decoded arguments, flags and errno names
  record   -icount -record, typed commands (ls, date, /proc/uptime)
  replay   -replay of it: the same console transcript, the same count of
           retired instructions, the same -d int log (every trap and
           interrupt with its pc), though stdin says nothing
  changed  -replay with a changed initrd: refused, naming -initrd

Prints TAP.  Console logs go to tests/tmp/32-debug-boot-*.log.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.dont_write_bytecode = True
from console import Console, ConsoleError  # noqa: E402
from dbttest import ok_now as ok  # noqa: E402

DBT = os.path.join(ROOT, "dbt")
LOGDIR = os.path.join(HERE, "tmp")
READY = r"dbt-init: shell ready"
TIMEOUT = float(os.environ.get("DBT_BOOT_TIMEOUT", 300))
N = 8


def images():
    out = []
    for what in ("kernel", "initrd"):
        p = subprocess.run([os.path.join(ROOT, "images", "fetch"), "--print", what],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            return None
        out.append(p.stdout.strip())
    return out if all(os.path.exists(f) for f in out) else None


def run(name, argv, steps):
    """Boot with argv, run steps(c), power off; returns the console output
    (stdout and stderr, as the Console merges them) or None."""
    log = os.path.join(LOGDIR, "32-debug-boot-%s.log" % name)
    if os.path.exists(log):
        os.unlink(log)
    c = Console(argv, log)
    try:
        c.expect(READY, timeout=TIMEOUT)
        steps(c)
        c.send("poweroff -f\n")
        status = c.wait_exit(120)
    except ConsoleError as e:
        c.kill()
        print("# %s boot: %s" % (name, e))
        return None
    with open(log, "rb") as f:
        text = f.read().split(b"\n", 2)[2]   # after the "==== argv" line
    return status, text


# -- -d syscall ---------------------------------------------------------------

def find(lines, start, pattern):
    """Index of the first line at or after start matching pattern, or -1."""
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i, rx.search(lines[i])
    return -1, None


def syscall_boot(kernel, initrd, tmp):
    log = os.path.join(tmp, "syscall.log")
    argv = [DBT, "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0",
            "-d", "syscall", "-D", log]
    r = run("syscall", argv, lambda c: c.run("bash -c 'ls /; true'", timeout=120))
    if not r or not os.path.exists(log):
        for _ in range(3):
            ok(False, "-d syscall boot", "no boot")
        return
    lines = open(log, errors="replace").read().splitlines()
    ok(r[0] == 0 and any(" pid " in l for l in lines) and
       all(l.startswith("syscall: hart ") for l in lines),
       "-d syscall: %d lines, one per call, processes named by pid" % len(lines))
    # The story of one command, in order.
    steps = [
        ("bash's execve", r'pid (\d+) execve\("/bin/bash", \["bash", "-c", "ls /; true"\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0$'),
        ("mmap by ld.so", r'pid {B} mmap\(NULL, \d+, PROT_READ\|PROT_EXEC, MAP_PRIVATE\|MAP_DENYWRITE, 3, 0\) = 0x[0-9a-f]+$'),
        ("clone", r'pid {B} clone\(CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD, NULL, NULL, NULL, 0x[0-9a-f]+\) = (\d+)$'),
        ("the child's execve of ls", r'pid {L} execve\("/bin/ls", \["ls", "/"\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0$'),
        ("brk", r'pid {L} brk\(NULL\) = 0x[0-9a-f]+$'),
        ("ls writes the listing", r'pid {L} write\(1, "bin +'),
        ("exit_group", r'pid {L} exit_group\(0\) = \?$'),
        ("bash's wait4", r'pid {B} wait4\(-1, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 0\}\], 0, NULL\) = {L}'),
        ("bash's exit_group", r'pid {B} exit_group\(0\) = \?$'),
    ]
    # A call is logged when it returns, and after a fork either process may
    # run first: the child's execve may come before or after the parent's
    # clone line, so it is looked for from where the clone was made.
    at, got, seen, before_clone = 0, {}, [], 0
    for what, pattern in steps:
        pattern = pattern.replace("{B}", got.get("B", "X")).replace("{L}", got.get("L", "X"))
        if what == "clone":
            before_clone = at
        i, m = find(lines, before_clone if what == "the child's execve of ls" else at, pattern)
        if i < 0:
            break
        if what == "bash's execve":
            got["B"] = m.group(1)
        if what == "clone":
            got["L"] = m.group(1)
        seen.append(what)
        at = i + 1
    ok(len(seen) == len(steps),
       "-d syscall: %s in order" % ", ".join(w for w, _ in steps),
       "found only: %s; next missing: %s" % (", ".join(seen), steps[len(seen)][0]
                                            if len(seen) < len(steps) else ""))
    ok(any(re.search(r'openat\(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY\|O_CLOEXEC\) = -1 ENOENT \(No such file or directory\)$', l)
           for l in lines),
       "-d syscall: open flags and errno names (ld.so.cache: ENOENT)")


# -- record and replay ----------------------------------------------------------

def typed(c):
    c.run("ls /", timeout=60)
    c.run("date; cat /proc/uptime", timeout=60)
    c.send("echo typed-at-the-end\n")
    c.expect("typed-at-the-end\r?\n", timeout=60)


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def transcript(text):
    """Console output without the line of host timing -stats prints."""
    return re.sub(rb"dbt: [0-9.]+ s, [0-9.]+ million guest instructions per second\r?\n", b"", text)


def replay_boots(kernel, initrd, tmp):
    rec = os.path.join(tmp, "run.rec")
    base = [DBT, "-icount", "-stats", "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyS0", "-d", "int"]
    r1 = run("record", base + ["-record", rec, "-D", os.path.join(tmp, "int1")], typed)
    r2 = run("replay", base + ["-replay", rec, "-D", os.path.join(tmp, "int2")], lambda c: None)
    if not r1 or not r2:
        for _ in range(4):
            ok(False, "record and replay boots", "no boot")
        return
    inputs = sum(1 for l in open(rec) if l.startswith("I "))
    ok(r1[0] == 0 and r2[0] == 0 and inputs >= 3,
       "recorded a boot with %d console inputs; its replay exits 0 too" % inputs)
    t1, t2 = transcript(r1[1]), transcript(r2[1])
    ok(t1 == t2 and b"typed-at-the-end" in t2,
       "replay: the console transcript is the same (%d bytes)" % len(t1))
    ret1 = re.findall(rb"hart 0: (\d+) instructions retired", r1[1])
    ret2 = re.findall(rb"hart 0: (\d+) instructions retired", r2[1])
    ok(ret1 and ret1 == ret2,
       "replay: the same instructions retired (%s)" % (ret1[0].decode() if ret1 else "?"),
       "record %s, replay %s" % (ret1, ret2))
    d1, d2 = digest(os.path.join(tmp, "int1")), digest(os.path.join(tmp, "int2"))
    ints = sum(1 for _ in open(os.path.join(tmp, "int1"), "rb"))
    ok(d1 == d2, "replay: the -d int logs are identical (%d traps and interrupts, sha256 %s)"
       % (ints, d1))
    # A changed input file is refused.
    other = os.path.join(tmp, "initrd.gz")
    shutil.copy(initrd, other)
    with open(other, "ab") as f:
        f.write(b"\0")
    p = subprocess.run([DBT, "-icount", "-kernel", kernel, "-initrd", other, "-append",
                        "console=ttyS0", "-replay", rec], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    ok(p.returncode == 2 and re.match(r"dbt: replay: .*: -initrd differs from the recording",
                                      p.stderr),
       "a replay with a changed initrd is refused: %s" % p.stderr.strip()[:100],
       "status %d: %s" % (p.returncode, p.stderr))


def main():
    if not os.access(DBT, os.X_OK):
        print("1..0 # SKIP ./dbt not built")
        return
    imgs = images()
    if not imgs:
        print("1..0 # SKIP no guest images (images/fetch; 30-boot.t fetches them)")
        return
    os.makedirs(LOGDIR, exist_ok=True)
    print("1..%d" % N)
    with tempfile.TemporaryDirectory(prefix="dbt-debug-boot-") as tmp:
        syscall_boot(imgs[0], imgs[1], tmp)
        replay_boots(imgs[0], imgs[1], tmp)


if __name__ == "__main__":
    main()
