"""tests/lib/dbttest.py -- what the python TAP tests share: the plan and
results (ok, report; or ok_now, for a test that prints its plan first and
each result as it comes), a bare-metal guest built from assembly text
(build_guest), and waiting for terminal output (read_until).

    from dbttest import ok, report, build_guest
    elf, symbols = build_guest(GUEST, tmpdir, "prog", debug=True)
    ok(status == 0, "the guest passes", diagnostics)
    report()
"""

import os
import re
import select
import subprocess
import sys
import time

_results = []
_printed = 0


def ok(cond, name, diag=""):
    """Record one test; diag is printed (last 60 lines) when it fails."""
    _results.append((bool(cond), name, diag))


def report():
    """Print the TAP plan and every result."""
    print("1..%d" % len(_results))
    for i, (good, name, diag) in enumerate(_results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, name))
        if not good and diag:
            for line in str(diag).splitlines()[-60:]:
                print("# " + line)


def ok_now(cond, name, diag=""):
    """Print one result at once (the plan was printed first), with the
    first 30 lines of diag when it fails; returns cond."""
    global _printed
    _printed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _printed, name))
    if not cond and diag:
        for line in str(diag).splitlines()[:30]:
            print("#   " + line)
    sys.stdout.flush()
    return cond


def build_guest(source, tmp, name, debug=False):
    """Assemble and link source at 0x80000000 (one segment, text first);
    returns the ELF's path and its symbols (name -> address)."""
    src, elf = os.path.join(tmp, name + ".S"), os.path.join(tmp, name + ".elf")
    with open(src, "w") as f:
        f.write(source)
    subprocess.run(["riscv64-unknown-elf-gcc"] + (["-g"] if debug else []) +
                   ["-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles", "-static",
                    "-Wl,-Ttext=0x80000000", "-Wl,-N", "-Wl,--no-warn-rwx-segments",
                    "-o", elf, src], check=True)
    nm = subprocess.run(["riscv64-unknown-elf-nm", elf], capture_output=True, text=True).stdout
    fields = [line.split() for line in nm.splitlines()]
    return elf, {f[2]: int(f[0], 16) for f in fields if len(f) == 3}


def read_until(fd, pattern, timeout=20):
    """Read fd until the bytes regex pattern matches what came, or timeout;
    returns everything read."""
    buf, end = b"", time.time() + timeout
    while time.time() < end and not re.search(pattern, buf):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf
