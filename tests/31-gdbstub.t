#!/usr/bin/env python3
"""31-gdbstub.t -- the gdbstub (-s, -gdb, -S) as a user meets it through
gdb-multiarch in batch mode, and as a hostile client meets it through raw
RSP packets.  The guest, built here, calls `bump` (counter += 1) `limit`
times, then ends through HTIF with status `exitcode`; a second hart spins
incrementing `spins`.  Every session runs under the default engine (the
JIT): breakpoints and watchpoints must work with translated code.

Sessions:
  main      break, continue, registers (x, CSRs, priv, FP), memory read and
            write, stepi, watch/rwatch/awatch, hbreak, physical memory mode,
            unmapped addresses, the exit status reaching gdb
  kill      gdb's kill ends dbt
  detach    after detach the guest runs to its end
  smp       -smp 2: two threads, a breakpoint in hart 1, thread switching
  raw       Ctrl-C, attaching to a running machine, malformed packets
"""
import os
import random
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
from dbttest import build_guest, ok, report  # noqa: E402
from rsp import Rsp, RspError, free_port, frame, gdb  # noqa: E402

GUEST = r"""
    .option norelax
    .text
    .globl _start
_start:
    csrr    a0, mhartid
    bnez    a0, secondary
    la      sp, stack_top
    li      s0, 0
main_loop:
    mv      a0, s0
    call    bump
    addi    s0, s0, 1
    la      t0, limit
    ld      t1, 0(t0)
    blt     s0, t1, main_loop
    .globl done
done:
    la      t0, exitcode
    ld      t1, 0(t0)
    slli    t1, t1, 1
    ori     t1, t1, 1
    la      t0, tohost
    sd      t1, 0(t0)
1:  j       1b

    .globl bump
bump:
    la      t0, counter
    ld      t1, 0(t0)
    addi    t1, t1, 1
    sd      t1, 0(t0)
    ret

secondary:
    la      t0, spins
1:  ld      t1, 0(t0)
    addi    t1, t1, 1
    sd      t1, 0(t0)
    j       1b

    .data
    .align 12                       # not the page of the code: no SMC
    .globl counter, limit, exitcode, spins
counter:  .dword 0
limit:    .dword 200000
exitcode: .dword 0
spins:    .dword 0
    .align 4
    .space 1024
stack_top:
    .section .tohost, "aw"
    .align 12
    .globl tohost
tohost:   .dword 0
fromhost: .dword 0
"""

def start(elf, *extra):
    port = free_port()
    argv = [os.path.join(ROOT, "dbt"), "-bios", "none", "-gdb", "tcp::%d" % port,
            *extra, elf]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    return p, port


def finish(p, timeout=20):
    """dbt's exit status and output; kills it if it will not end."""
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        return None, out.decode("utf-8", "replace")


def session(elf, port, commands):
    return gdb(["file " + elf, "target remote :%d" % port] + commands)


def long_at(var):
    return "*(long *)&" + var


def main_session(elf):
    p, port = start(elf, "-S")
    _, out = session(elf, port, [
        "info registers pc",                     # 1: -S: stopped at the entry
        "break bump",
        "continue",                              # first call: a0 = 0
        "info registers a0",
        "continue",                              # second call: counter = 1
        "print %s" % long_at("counter"),
        "set var %s = 100" % long_at("counter"),
        "print %s" % long_at("counter"),
        "print/x $pc",
        "stepi",
        "print/x $pc",
        "delete",
        "watch %s" % long_at("counter"),
        "continue",
        "delete",
        "rwatch %s" % long_at("limit"),
        "continue",
        "delete",
        "awatch %s" % long_at("counter"),
        "continue",
        "delete",
        "hbreak done",
        "set var %s = 3" % long_at("limit"),
        "continue",
        "info registers priv mstatus mhartid misa",
        "print $fcsr",
        "print/x $sp",
        "set var $t2 = 0x1234",
        "print/x $t2",
        "x/2wx 0x80000000",
        "x/2wx 0x10000000",
        "x/2wx 0",
        "maintenance packet Qqemu.PhyMemMode:1",
        "x/2wx 0x80000000",
        "x/2wx 0x10000000",
        "maintenance packet Qqemu.PhyMemMode:0",
        "set var %s = 7" % long_at("exitcode"),
        "continue",
    ])
    status, dbt_out = finish(p)
    ok(re.search(r"pc\s+0x80000000\s+0x80000000 <_start>", out), "-S: stopped at the ELF entry", out)
    ok(out.count("Breakpoint 1, bump ()") == 2, "break bump; continue stops there twice", out)
    ok(re.search(r"a0\s+0x0\s+0\n", out), "reads x registers (a0 = 0 at the first call)", out)
    ok(re.search(r"\$1 = 1\n", out) and re.search(r"\$2 = 100\n", out),
       "reads memory (counter = 1) and writes it (counter = 100)", out)
    ok(re.search(r"\$3 = 0x8000004c\n.*\n\$4 = 0x80000050\n", out),
       "stepi moves the pc by one instruction", out)
    ok(re.search(r"Hardware watchpoint 2: .*\n\nOld value = 100\nNew value = 101\nbump \(\) at .*\n\d+\s+ret", out),
       "watch: stops after the store that changes it (old 100, new 101)", out)
    ok(re.search(r"Hardware read watchpoint 3: .*\n\nValue = 200000\nmain_loop \(\) at .*\n\d+\s+blt", out),
       "rwatch: stops after the load", out)
    ok(re.search(r"Hardware access \(read/write\) watchpoint 4: .*\n\nValue = 101\n", out),
       "awatch: stops on the read", out)
    ok(re.search(r"Breakpoint 5, done \(\)", out), "hbreak + a changed loop limit: stops at done", out)
    ok(re.search(r"priv\s+0x3\s+prv:3 \[Machine\]", out) and re.search(r"mhartid\s+0x0", out)
       and re.search(r"misa\s+0x800000000014112d", out), "priv and CSRs in the target description", out)
    ok(re.search(r"\$5 = 0\n", out) and re.search(r"\$7 = 0x1234\n", out),
       "fcsr reads; a register write sticks", out)
    ok(re.search(r"0x80000000 <_start>:\s+0xf1402573", out), "x/2wx of code through the MMU", out)
    ok(len(re.findall(r"0x10000000:\s+Cannot access memory", out)) == 2 and
       re.search(r"0x0:\s+Cannot access memory", out),
       "device and unmapped addresses are errors, virtual and physical", out)
    ok("received: \"OK\"" in out and len(re.findall(r"0x80000000 <_start>:\s+0xf1402573", out)) == 2,
       "maintenance packet Qqemu.PhyMemMode:1 then a physical read", out)
    ok("exited with code 07" in out and status == 7,
       "the guest's exit reaches gdb (code 07) and dbt exits with it",
       "status %s\n%s\n%s" % (status, out, dbt_out))


def kill_and_detach(elf):
    p, port = start(elf, "-S")
    _, out = session(elf, port, ["break bump", "continue", "kill"])
    status, _ = finish(p, 10)
    ok("killed" in out and status == 0, "kill: dbt exits with status 0", "status %s\n%s" % (status, out))

    p, port = start(elf, "-S")
    _, out = session(elf, port, ["break bump", "continue", "set var %s = 9" % long_at("exitcode"),
                                 "detach"])
    status, _ = finish(p, 20)
    ok("detached" in out and status == 9,
       "detach: breakpoints go, the guest runs to its end (status 9)", "status %s\n%s" % (status, out))


def smp_session(elf):
    p, port = start(elf, "-S", "-smp", "2")
    _, out = session(elf, port, [
        "info threads",
        "break secondary",
        "continue",
        "print $mhartid",
        "thread 1",
        "print $mhartid",
        "thread 2",
        "stepi",
        "print/x $pc",
        "delete",
        "watch %s" % long_at("spins"),
        "continue",
        "kill",
    ])
    finish(p, 10)
    ok(re.search(r"1\s+Thread 1 .*\n\s+2\s+Thread 2 ", out), "-smp 2: two threads", out)
    ok(re.search(r"Thread 2 hit Breakpoint 1, secondary", out) and re.search(r"\$1 = 1\n.*\n.*\n.*\n\$2 = 0\n", out),
       "a breakpoint hit by hart 1 is reported in thread 2; thread 1 is hart 0", out)
    ok(re.search(r"\$3 = 0x80000064", out) and re.search(r"Thread 2 hit Hardware watchpoint 2", out),
       "stepi and a watchpoint in thread 2", out)


def fuzz_payloads(rng, n):
    """Random packets that do not resume or end the machine."""
    alphabet = "gGpPmMHTZzqQv?s0123456789abcdefABCDEF,:;=-#$}*xX\x00\xff"
    words = ["qXfer:features:read:target.xml:", "qSupported:", "Qqemu.PhyMemMode:", "qRcmd,",
             "vCont;s:", "qThreadExtraInfo,", "Hg", "Hc", "Z2,", "z0,", "m", "M", "p", "P"]
    out = []
    while len(out) < n:
        s = rng.choice(words) if rng.random() < 0.6 else ""
        s += "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        if s and s[0] in "kDcCsS" or s.startswith("vCont;c") or s.startswith("vKill"):
            continue
        out.append(s)
    return out


def raw_session(elf, sym):
    p, port = start(elf, "-S", "-smp", "2")
    r = Rsp(port)
    try:
        stop = r.packet("?")
        ok(stop.startswith("T05thread:1;"), "? after -S: T05 in thread 1", stop)
        xml, off = "", 0
        while True:
            chunk = r.packet("qXfer:features:read:target.xml:%x,200" % off)
            xml += chunk[1:]
            off += len(chunk) - 1
            if chunk[0] == "l":
                break
        ok(all(s in xml for s in ['name="zero"', 'name="pc"', 'name="f31"', 'name="fcsr"',
                                  'name="mstatus"', 'name="satp"', 'name="scause"', 'name="priv"',
                                  "org.gnu.gdb.riscv.virtual"]) and xml.endswith("</target>\n"),
           "the target description, read in 0x200-byte pieces", xml[-300:])

        # Let the guest run for ever: limit = 2^62, then detach.
        limit, counter = sym["limit"], sym["counter"]
        r.packet("M%x,8:0000000000000040" % limit)
        ok(r.packet("D") == "OK", "D answers OK")
        r.close()
        time.sleep(0.3)

        r = Rsp(port)
        stop = r.packet("?")
        c1 = r.packet("m%x,8" % counter)
        time.sleep(0.3)
        c2 = r.packet("m%x,8" % counter)
        ok(stop.startswith("T05") and c1 == c2 and c1 != "0" * 16,
           "attaching to a running machine stops it", "%s %s %s" % (stop, c1, c2))

        r.send_raw(frame("c"))
        r.ack()
        time.sleep(0.3)
        r.send_raw(b"\x03")
        stop = r.reply()
        c3 = r.packet("m%x,8" % counter)
        ok(stop.startswith("T02thread:") and c3 != c2, "Ctrl-C interrupts a running guest: T02",
           "%s %s %s" % (stop, c2, c3))

        bad = [
            ("", ""),
            ("m" + "f" * 40 + ",10", "E01"),
            ("m80000000,ffffffffffffffff", None),
            ("mfffffffffffffff0,100", "E0e"),
            ("M80000000,1000:00", "E01"),
            ("M80000000,ffffffff:00", "E01"),
            ("M10000000,4:00000000", "E0e"),
            ("pffffffffff", "E01"),
            ("p2000", "E01"),
            ("p1000", "E0e"),
            ("P20=zz", "E01"),
            ("P1=00", "E01"),
            ("G00", "E01"),
            ("Z2,80000000,0", "E0e"),
            ("Z9,0,0", ""),
            ("Zx", "E01"),
            ("z0,", "E01"),
            ("qXfer:features:read:target.xml:ffffffff,10", "l"),
            ("qXfer:features:read:other.xml:0,10", "E00"),
            ("qXfer:features:read:target.xml:0,", "E00"),
            ("Hg99", "E01"),
            ("Hx1", "E01"),
            ("H", "E01"),
            ("T3", "E01"),
            ("vCont;x", "E01"),
            ("vCont;s:ffff", "E01"),
            ("vCont;", "E01"),
            ("qThreadExtraInfo,0", None),
            ("qRcmd,zz", "E01"),
            ("qRcmd," + "41" * 300, "E01"),
            ("Qqemu.PhyMemMode:2", "E01"),
            ("\x00\xff}}", ""),
        ]
        wrong = []
        for pkt, want in bad:
            got = r.packet(pkt)
            if want is not None and got != want:
                wrong.append("%r -> %r (want %r)" % (pkt, got, want))
        ok(not wrong, "malformed packets get errors or empty replies", "\n".join(wrong))

        r.send_raw(b"$g#00")
        nak = r.ack()
        r.send_raw(b"$" + b"m" * 10000 + b"#00")
        nak2 = r.ack()
        ok(nak == b"-" and nak2 == b"-", "a bad checksum and an overlong packet are refused with '-'")

        rng = random.Random(8)
        for payload in fuzz_payloads(rng, 3000):
            r.packet(payload)
        r.send_raw(bytes(rng.randrange(256) for _ in range(65536)))
        r.close()
        time.sleep(0.2)
        r = Rsp(port)
        stop = r.packet("?")
        regs = r.packet("g")
        ok(p.poll() is None and stop.startswith("T") and len(regs) == 33 * 16,
           "after 3000 random packets and 64 KiB of noise dbt still answers", "%r %r" % (stop, regs))
        done = r.packet("qRcmd," + b"help".hex())
        ok(done == "OK" and "info registers" in r.output,
           "qRcmd (gdb's monitor command): output in O packets, then OK", done + r.output)
        r.send_raw(frame("k"))
        r.ack()
    except (RspError, OSError) as e:
        ok(False, "raw RSP session", repr(e))
    status, out = finish(p, 10)
    ok(status == 0, "k ends dbt with status 0", "status %s %s" % (status, out))


def cli_errors(elf):
    dbt = os.path.join(ROOT, "dbt")
    r = subprocess.run([dbt, "-gdb", "tcp::70000", "-bios", "none", elf], capture_output=True,
                       timeout=10)
    ok(r.returncode == 2 and b"expected tcp::PORT" in r.stderr, "-gdb with a bad port", r.stderr)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    r = subprocess.run([dbt, "-gdb", "tcp::%d" % busy.getsockname()[1], "-bios", "none", elf],
                       capture_output=True, timeout=10)
    busy.close()
    ok(r.returncode == 2 and b"Address already in use" in r.stderr, "-gdb on a port in use", r.stderr)


def main():
    if not shutil.which("riscv64-unknown-elf-gcc"):
        print("1..0 # SKIP riscv64-unknown-elf-gcc not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        elf, sym = build_guest(GUEST, tmp, "prog", debug=True)
        if shutil.which("gdb-multiarch"):
            main_session(elf)
            kill_and_detach(elf)
            smp_session(elf)
        else:
            ok(False, "gdb-multiarch is installed (apt-get install gdb-multiarch)")
        raw_session(elf, sym)
        cli_errors(elf)
    report()

main()
