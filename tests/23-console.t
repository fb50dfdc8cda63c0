#!/usr/bin/env python3
"""23-console.t -- the console as a person at a terminal meets it: dbt runs
on a pseudo-terminal, puts it in raw mode, and restores it on every way out
(Ctrl-A x, SIGTERM, the guest powering off) and while stopped by Ctrl-Z
(SIGTSTP), raw again after fg (SIGCONT); Ctrl-A h prints help; keys
reach the guest's UART one by one.  The guest is built here: it echoes each
byte from the UART back (as "<c>"), and powers off on 'q'."""
import os, pty, shutil, signal, subprocess, sys, tempfile, termios, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from dbttest import ok, report, build_guest, read_until
GUEST = r"""
    .option norelax
    .text
    .globl _start
_start:
    li      s0, 0x10000000          # UART
    li      s1, 0x100000            # sifive,test finisher
    la      a0, hello
1:  lbu     a1, 0(a0)               # print the greeting
    beqz    a1, 2f
    sb      a1, 0(s0)
    addi    a0, a0, 1
    j       1b
2:  lbu     t0, 5(s0)               # LSR: data ready?
    andi    t0, t0, 1
    beqz    t0, 2b
    lbu     t1, 0(s0)
    li      t2, 'q'
    beq     t1, t2, 3f
    li      t2, 's'                 # stop reading input for good
    beq     t1, t2, 5f
    li      t2, '<'
    sb      t2, 0(s0)
    sb      t1, 0(s0)
    li      t2, '>'
    sb      t2, 0(s0)
    j       2b
3:  li      t0, 0x5555              # poweroff
    sw      t0, 0(s1)
4:  j       4b
5:  j       5b
hello: .asciz "guest ready\n"
"""

def start(elf, new_session=True):
    """dbt on a new pty.  new_session=False: in a process group of its own
    in our session, so that (not orphaned) SIGTSTP can stop it."""
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    where = {"start_new_session": True} if new_session else {"process_group": 0}
    p = subprocess.Popen([os.path.join(ROOT, os.environ.get("DBT", "dbt")), "-bios", "none", elf],
                         stdin=slave, stdout=slave, stderr=slave, **where)
    return p, master, slave, before

def raw_while_running(slave):
    attrs = termios.tcgetattr(slave)
    return not (attrs[3] & (termios.ICANON | termios.ECHO))

def finish(p, master, slave, before, name):
    try:
        status = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill(); status = None
    after = termios.tcgetattr(slave)
    ok(after == before, name + ": terminal settings restored")
    os.close(master); os.close(slave)
    return status

def main():
    if not shutil.which("riscv64-unknown-elf-gcc"):
        print("1..0 # SKIP riscv64-unknown-elf-gcc not installed"); return
    tmp = tempfile.mkdtemp()
    try:
        elf, _ = build_guest(GUEST, tmp, "echo")

        # 1. keys reach the guest; Ctrl-A h helps; Ctrl-A x quits with status 0
        p, master, slave, before = start(elf)
        out = read_until(master, b"guest ready")
        ok(b"guest ready" in out, "guest output reaches the terminal", out[-200:])
        ok(raw_while_running(slave), "terminal is in raw mode while dbt runs")
        os.write(master, b"ab\x03")
        out = read_until(master, b"<\x03>")
        ok(b"<a><b><\x03>" in out, "keys, Ctrl-C included, reach the guest one by one", repr(out))
        os.write(master, b"\x01h")
        out = read_until(master, b"C-a x")
        ok(b"C-a x" in out, "Ctrl-A h prints the escape keys", repr(out))
        os.write(master, b"\x01x")
        out = read_until(master, b"terminated")
        status = finish(p, master, slave, before, "Ctrl-A x")
        ok(status == 0 and b"dbt: terminated" in out, "Ctrl-A x ends dbt with status 0",
           "status %r, %r" % (status, out[-200:]))

        # 2. a guest that stops reading input: Ctrl-A x still quits
        p, master, slave, before = start(elf)
        read_until(master, b"guest ready")
        os.write(master, b"s" + b"z" * 100)
        time.sleep(0.5)
        os.write(master, b"\x01x")
        out = read_until(master, b"terminated")
        status = finish(p, master, slave, before, "Ctrl-A x, guest not reading")
        ok(status == 0, "Ctrl-A x quits even when the guest reads no input",
           "status %r, %r" % (status, out[-200:]))

        # 3. SIGTERM: terminal restored, status 128 + 15
        p, master, slave, before = start(elf)
        read_until(master, b"guest ready")
        p.send_signal(signal.SIGTERM)
        status = finish(p, master, slave, before, "SIGTERM")
        ok(status == 143, "SIGTERM ends dbt with status 143", "status %r" % status)

        # 4. the guest powers off: status 0, terminal restored
        p, master, slave, before = start(elf)
        read_until(master, b"guest ready")
        os.write(master, b"q")
        status = finish(p, master, slave, before, "poweroff")
        ok(status == 0, "guest poweroff ends dbt with status 0", "status %r" % status)

        # 5. stdin from /dev/null: end of input is no reason to stop
        r = subprocess.run(["timeout", "5", os.path.join(ROOT, os.environ.get("DBT", "dbt")), "-bios", "none", elf],
                           stdin=subprocess.DEVNULL, capture_output=True)
        ok(r.returncode == 124 and b"guest ready" in r.stdout,
           "stdin at EOF (/dev/null): dbt keeps running the guest, no error", "status %d" % r.returncode)

        # 6. Ctrl-Z (SIGTSTP): the shell gets a cooked terminal back while
        # dbt is stopped; fg (SIGCONT): raw again, keys reach the guest.
        p, master, slave, before = start(elf, new_session=False)
        read_until(master, b"guest ready")
        p.send_signal(signal.SIGTSTP)
        _, st = os.waitpid(p.pid, os.WUNTRACED)
        ok(os.WIFSTOPPED(st) and termios.tcgetattr(slave) == before,
           "SIGTSTP: dbt stops, the terminal is back in its own settings",
           "stopped %r" % os.WIFSTOPPED(st))
        p.send_signal(signal.SIGCONT)
        time.sleep(0.5)
        ok(raw_while_running(slave), "SIGCONT: raw mode again")
        os.write(master, b"k")
        out = read_until(master, b"<k>")
        ok(b"<k>" in out and b"k<k>" not in out, "SIGCONT: keys reach the guest, no echo",
           repr(out))
        os.write(master, b"\x01x")
        read_until(master, b"terminated")
        finish(p, master, slave, before, "Ctrl-A x after SIGTSTP/SIGCONT")
    finally:
        shutil.rmtree(tmp)
    report()

main()
