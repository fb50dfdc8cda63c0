#!/usr/bin/env python3
"""33-monitor.t -- the (dbt) monitor, as a script meets it on -monitor
unix:PATH,server,nowait and as a person meets it with Ctrl-A c on a
terminal.  The guest, built here, prints "guest ready", then echoes each
byte from the UART as <c> while counting loop turns in `count`; 'q' powers
off.  (info mem on a real page table is checked on Linux in 32-gdb-linux.t.)"""
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.dont_write_bytecode = True
from dbttest import build_guest, ok, read_until, report  # noqa: E402
from rsp import free_port  # noqa: E402

GUEST = r"""
    .option norelax
    .text
    .globl _start
_start:
    li      s0, 0x10000000          # UART
    li      s1, 0x100000            # sifive,test finisher
    la      s2, count
    la      a0, hello
1:  lbu     a1, 0(a0)
    beqz    a1, 2f
    sb      a1, 0(s0)
    addi    a0, a0, 1
    j       1b
2:  ld      t0, 0(s2)               # count the turns of the loop
    addi    t0, t0, 1
    sd      t0, 0(s2)
    lbu     t0, 5(s0)               # LSR: data ready?
    andi    t0, t0, 1
    beqz    t0, 2b
    lbu     t1, 0(s0)
    li      t2, 'q'
    beq     t1, t2, 3f
    li      t2, '<'
    sb      t2, 0(s0)
    sb      t1, 0(s0)
    li      t2, '>'
    sb      t2, 0(s0)
    j       2b
3:  li      t0, 0x5555
    sw      t0, 0(s1)
4:  j       4b
hello: .asciz "guest ready\n"
    .data
    .align 12
    .globl count
count: .dword 0
"""

class Client:
    """A monitor client on the unix socket: command in, text up to the
    next prompt out."""

    def __init__(self, path, timeout=10):
        end = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.s.settimeout(timeout)
        self.banner = self.until_prompt()

    def until_prompt(self):
        buf = b""
        while not buf.endswith(b"(dbt) "):
            chunk = self.s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf.decode("utf-8", "replace")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self.until_prompt()


def count_value(c, count):
    out = c.cmd("xp/1xg 0x%x" % count)
    m = re.search(r": 0x([0-9a-f]{16})", out)
    return int(m.group(1), 16) if m else None


def socket_session(elf, count, tmp):
    path = os.path.join(tmp, "mon.sock")
    p = subprocess.Popen([os.path.join(ROOT, "dbt"), "-bios", "none", "-smp", "2",
                          "-monitor", "unix:%s,server,nowait" % path, elf],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        c = Client(path)
        ok("dbt monitor" in c.banner and c.banner.endswith("(dbt) "), "banner and prompt", c.banner)
        out = c.cmd("help")
        ok(all(w in out for w in ["info registers", "info mem", "x/FMT", "xp/FMT", "stop", "cont",
                                  "system_reset", "quit"]), "help lists the commands", out)
        out = c.cmd("info registers")
        ok(re.search(r"^ pc +00000000800000[0-9a-f]{2}$", out, re.M) and
           re.search(r"^ mhartid +0{16}$", out, re.M) and "x10/a0" in out and "priv     M" in out,
           "info registers: pc, priv, CSRs and x registers of hart 0", out)
        out = c.cmd("info registers -a")
        ok(out.count("hart ") == 2 and re.search(r"^ mhartid +0{15}1$", out, re.M),
           "info registers -a: both harts", out)
        out = c.cmd("x/2x 0x80000000")
        ok(re.search(r"^0000000080000000: 0x10000437 0x001004b7$", out, re.M),
           "x/2x: memory as 32-bit words (lui s0; lui s1)", out)
        out = c.cmd("x/3i 0x80000000")
        ok(re.search(r"80000000:  10000437  lui +s0,0x10000\n.*80000004:  001004b7  lui +s1,0x100\n", out),
           "x/3i: disassembly", out)
        out = c.cmd("xp/2xg 0x80000000")
        ok(re.search(r"^0000000080000000: 0x001004b710000437 0x", out, re.M),
           "xp/2xg: physical memory in 64-bit units", out)
        out = c.cmd("x/2xb 0x10000000") + c.cmd("xp/1x 0x0")
        ok(out.count("Cannot access memory") == 2, "device and unmapped addresses: Cannot access memory", out)
        out = c.cmd("info mem")
        ok("No translation or protection" in out, "info mem with satp Bare", out)
        out = c.cmd("x/0x 1") + c.cmd("x/4z 0x80000000") + c.cmd("x/2x") + c.cmd("bogus") + \
            c.cmd("info") + c.cmd("cpu 9") + c.cmd("x" * 1000)
        ok(out.count("bad format") == 2 and "expected an address" in out and "unknown command" in out
           and "cpu: expected" in out and "line too long" in out, "bad commands are explained", out)

        ok(c.cmd("stop").strip() == "(dbt)", "stop says nothing")
        a = count_value(c, count)
        time.sleep(0.3)
        b = count_value(c, count)
        out = c.cmd("info cpus")
        c.cmd("cont")
        time.sleep(0.3)
        d = count_value(c, count)
        ok(a is not None and a == b and d > b, "stop holds the harts, cont lets them go",
           "%s %s %s" % (a, b, d))
        ok("CPU #0" in out and "CPU #1" in out, "info cpus lists both harts", out)

        c.cmd("stop")
        c.cmd("system_reset")
        e = count_value(c, count)
        c.cmd("cont")
        ok(e is not None and e < d, "system_reset: RAM and harts start again", "%s %s" % (d, e))
        out = c.cmd("quit")
        status = p.wait(timeout=10)
        ok(status == 0, "quit ends dbt with status 0", "status %s %s" % (status, out))
    except (OSError, subprocess.TimeoutExpired) as e:
        ok(False, "monitor socket session", repr(e))
        p.kill()
        p.wait()


def cont_after_dash_s(elf, count, tmp, with_gdb):
    path = os.path.join(tmp, "mon2.sock")
    gdb = ["-gdb", "tcp::%d" % free_port()] if with_gdb else []
    p = subprocess.Popen([os.path.join(ROOT, "dbt"), "-bios", "none", "-S", *gdb,
                          "-monitor", "unix:%s,server,nowait" % path, elf],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    what = "-S -gdb (no debugger came)" if with_gdb else "-S alone"
    try:
        c = Client(path)
        a = count_value(c, count)
        time.sleep(0.2)
        b = count_value(c, count)
        c.cmd("cont")
        time.sleep(0.3)
        d = count_value(c, count)
        ok(a == b == 0 and d > 0, "%s holds the harts until the monitor's cont" % what,
           "%s %s %s" % (a, b, d))
        c.cmd("quit")
        p.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        ok(False, what + " then cont", repr(e))
        p.kill()
        p.wait()


def refusals(elf, tmp):
    target = os.path.join(tmp, "precious")
    with open(target, "w") as f:
        f.write("keep me\n")
    link = os.path.join(tmp, "link")
    os.symlink(target, link)
    for path, what in [(target, "a regular file"), (link, "a symlink")]:
        r = subprocess.run([os.path.join(ROOT, "dbt"), "-bios", "none", "-monitor",
                            "unix:%s,server,nowait" % path, elf], capture_output=True, timeout=10)
        ok(r.returncode == 2 and b"not a socket" in r.stderr and open(target).read() == "keep me\n"
           and os.path.lexists(path), "-monitor refuses to replace %s" % what, r.stderr)
    r = subprocess.run([os.path.join(ROOT, "dbt"), "-bios", "none", "-monitor", "tcp::4444", elf],
                       capture_output=True, timeout=10)
    ok(r.returncode == 2 and b"unix:PATH" in r.stderr, "-monitor with a bad spec is a user error", r.stderr)


def console_session(elf):
    master, slave = pty.openpty()
    p = subprocess.Popen([os.path.join(ROOT, "dbt"), "-bios", "none", elf],
                         stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    try:
        read_until(master, rb"guest ready")
        os.write(master, b"\x01c")
        out = read_until(master, rb"\(dbt\) $")
        ok(b"dbt monitor" in out and out.endswith(b"(dbt) "), "Ctrl-A c: the monitor prompt", repr(out))
        os.write(master, b"info registers\r")
        out = read_until(master, rb"fcsr.*\n\(dbt\) $")
        ok(b"info registers" in out and re.search(rb" pc +00000000800000", out),
           "typed command echoed and run: info registers", repr(out[:300]))
        os.write(master, b"x/1i 0x80000000\r")
        out = read_until(master, rb"\(dbt\) $")
        ok(re.search(rb"lui +s0,0x10000", out), "x/1i on the console", repr(out))
        os.write(master, b"zz\x7f\x7f")
        os.write(master, b"\x01c")
        time.sleep(0.2)
        os.write(master, b"a")
        out = read_until(master, rb"<a>")
        ok(b"<a>" in out and b"<z>" not in out,
           "Ctrl-A c again: keys go to the guest, none typed at the monitor did", repr(out))
        os.write(master, b"\x01cquit\r")
        status = p.wait(timeout=10)
        ok(status == 0, "quit at the console monitor ends dbt with status 0", "status %s" % status)
    except (OSError, subprocess.TimeoutExpired) as e:
        ok(False, "console monitor session", repr(e))
        p.kill()
        p.wait()
    os.close(master)
    os.close(slave)


def main():
    if not shutil.which("riscv64-unknown-elf-gcc"):
        print("1..0 # SKIP riscv64-unknown-elf-gcc not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        elf, sym = build_guest(GUEST, tmp, "mon")
        count = sym["count"]
        socket_session(elf, count, tmp)
        cont_after_dash_s(elf, count, tmp, with_gdb=True)
        cont_after_dash_s(elf, count, tmp, with_gdb=False)
        refusals(elf, tmp)
        console_session(elf)
    report()

main()
