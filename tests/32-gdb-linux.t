#!/usr/bin/env python3
"""32-gdb-linux.t -- gdb-multiarch against a Linux kernel running in dbt:
break on a kernel function, continue, read registers and memory, step,
watch a kernel variable, the monitor's info mem on the kernel's page table
(gdb's "monitor" command), physical memory mode.  One boot (about 40 s).

Debian's kernel Image has no symbols, so the test reads the addresses it
needs from /proc/kallsyms in the guest (as root, kptr_restrict allows it):
__riscv_sys_newuname (the uname system call), jiffies_64 (the tick count)
and _start (the first byte of the Image, which sits at physical 0x80200000).
A background loop in the guest keeps calling uname, so the breakpoint is
hit at once; the timer tick keeps jiffies moving.

Environment: DBT_BOOT_TIMEOUT (default 600) seconds to the shell.
Console log: tests/tmp/32-gdb-linux.log.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.dont_write_bytecode = True
from console import Console, ConsoleError  # noqa: E402
from dbttest import ok, report  # noqa: E402
from rsp import free_port, gdb  # noqa: E402

BOOT_TIMEOUT = float(os.environ.get("DBT_BOOT_TIMEOUT", 600))
READY = r"dbt-init: shell ready"
SYMBOLS = ["__riscv_sys_newuname", "jiffies_64", "_start"]

def kernel_symbols(c):
    """name -> address from the guest's /proc/kallsyms."""
    pattern = "|".join(SYMBOLS)
    _, out = c.run("grep -E ' (%s)$' /proc/kallsyms" % pattern, 60)
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] in SYMBOLS:
            syms[f[2]] = int(f[0], 16)
    return syms, out


def debug_session(port, syms):
    fn, jiffies, start = syms["__riscv_sys_newuname"], syms["jiffies_64"], syms["_start"]
    return gdb([
        "set architecture riscv:rv64",
        "target remote :%d" % port,
        "break *0x%x" % fn,
        "continue",
        "info registers pc priv satp",
        "print/x $sp",
        "print/x $a0",
        "x/2i $pc",
        "stepi",
        "print/x $pc",
        "delete",
        "x/2xg $sp",
        "x/2xw 0x8",
        "print *(unsigned long *)0x%x" % jiffies,
        "watch *(unsigned long *)0x%x" % jiffies,
        "continue",
        "delete",
        "monitor info mem",
        "x/2xw 0x%x" % start,
        "maintenance packet Qqemu.PhyMemMode:1",
        "x/2xw 0x80200000",
        "maintenance packet Qqemu.PhyMemMode:0",
        "info threads",
        "detach",
    ], timeout=300)


def check_session(out, syms):
    fn = syms["__riscv_sys_newuname"]
    ok(re.search(r"Breakpoint 1, 0x0*%x in \?\? \(\)" % fn, out),
       "break on __riscv_sys_newuname: continue stops there", out)
    ok(re.search(r"pc\s+0x%x" % fn, out) and re.search(r"priv\s+0x1\s+prv:1 \[Supervisor\]", out)
       and re.search(r"satp\s+0x[89a-f][0-9a-f]{15}", out),
       "registers at the breakpoint: pc, priv S, satp with paging on", out)
    ok(re.search(r"\$1 = 0xff[0-9a-f]{14}\n", out), "sp is a kernel stack address", out)
    steps = re.search(r"=> 0x%x:\s+(\S+).*\n\s+0x([0-9a-f]+):" % fn, out)
    after = re.search(r"\$3 = 0x([0-9a-f]+)", out)
    ok(steps and after and int(after.group(1), 16) == int(steps.group(2), 16),
       "stepi goes to the next instruction x/2i showed", out)
    ok(re.search(r"0x[0-9a-f]+:\s+0x[0-9a-f]{16}\s+0x[0-9a-f]{16}\n", out),
       "memory at the kernel stack reads (x/2xg $sp)", out)
    ok(re.search(r"0x8:\s+Cannot access memory at address 0x8", out),
       "an unmapped virtual address is an error", out)
    w = re.search(r"Hardware watchpoint 2: .*\n\nOld value = (\d+)\nNew value = (\d+)\n", out)
    # by one, or by a few when the host was busy: a late tick adds the
    # ticks it missed (tick_do_update_jiffies64)
    ok(w and 1 <= int(w.group(2)) - int(w.group(1)) <= 100,
       "watch jiffies_64: the tick moves it on", out)
    ok(re.search(r"^ffffffff80000000 00000000802000\d\d [0-9a-f]{16} r.x", out, re.M) or
       re.search(r"^ffffffff8[0-9a-f]{7} 0000000080[0-9a-f]{6} [0-9a-f]{16} r[w-]x", out, re.M),
       "monitor info mem: the kernel image mapping, executable", out[-3000:])
    words = re.findall(r"0x[0-9a-f]+(?: <[^>]*>)?:\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{8})\n", out)
    virt = [w for w in words]
    ok(len(virt) >= 2 and virt[-2] == virt[-1],
       "_start through the MMU equals physical 0x80200000 (PhyMemMode)", str(words))
    ok("Thread 1" in out and "[Inferior 1 (Remote target) detached]" in out,
       "one thread per hart; detach", out[-500:])


def main():
    if not shutil.which("gdb-multiarch"):
        print("1..0 # SKIP gdb-multiarch not installed (apt-get install gdb-multiarch)")
        return
    try:
        kernel = subprocess.run([os.path.join(ROOT, "images", "fetch"), "--print", "kernel"],
                                capture_output=True, text=True, check=True).stdout.strip()
        initrd = subprocess.run([os.path.join(ROOT, "images", "fetch"), "--print", "initrd"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, OSError) as e:
        print("1..0 # SKIP no kernel image (images/fetch): %s" % e)
        return
    os.makedirs(os.path.join(HERE, "tmp"), exist_ok=True)
    port = free_port()
    c = Console([os.path.join(ROOT, "dbt"), "-gdb", "tcp::%d" % port, "-kernel", kernel,
                 "-initrd", initrd, "-append", "console=ttyS0 dbt.modules=0"],
                os.path.join(HERE, "tmp", "32-gdb-linux.log"))
    try:
        c.expect(READY, BOOT_TIMEOUT)
        syms, listing = kernel_symbols(c)
        ok(all(s in syms for s in SYMBOLS), "kernel symbols found in /proc/kallsyms", listing)
        if len(syms) == len(SYMBOLS):
            c.run("(while :; do uname >/dev/null; done) & true", 60)
            _, out = debug_session(port, syms)
            check_session(out, syms)
            status, text = c.run("echo alive after detach", 120)
            ok(status == 0 and "alive after detach" in text, "the guest runs on after detach", text)
        c.send("poweroff -f\n")
        ok(c.wait_exit(60) == 0, "poweroff -f: dbt exits with status 0")
    except ConsoleError as e:
        ok(False, "boot and debug Linux", "%s\n%s" % (e, c.tail.decode(errors="replace")))
    finally:
        c.kill()
    report()

main()
