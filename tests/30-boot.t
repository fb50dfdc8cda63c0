#!/usr/bin/env python3
"""tests/30-boot.t -- boot Debian's riscv64 kernel and the initramfs of
images/ and drive the guest's console: shell, fork+exec, pipes, signals, an
ext4 disk across a reboot, poweroff, two harts, and a boot through OpenSBI.
Prints TAP.

Four boots, since each is slow under an interpreter:
  main     one hart, a 16 MiB ext4 disk and a read-only second disk: most
           checks, early console, reboot, poweroff leaving ext4 clean
  (and a -m 64M run that panics at once, for dbt's panic report)
  smp      -smp 2
  opensbi  -bios fw_jump.bin (Debian's opensbi package)
  dynamic  -bios fw_dynamic.bin -smp 2 (the next stage found through a2)

Environment:
  DBT_BOOT_EMU       the emulator command, split like a shell would; default
                     ./dbt.  The test appends -kernel/-initrd/-append and, as
                     needed, -smp 2, -bios FILE and a disk.  For QEMU
                     (recognised by its name), e.g.
                       DBT_BOOT_EMU="qemu-system-riscv64 -M virt -m 512M -nographic -bios default"
  DBT_BOOT_TIMEOUT   seconds from start to the shell (default 600)
  DBT_CMD_TIMEOUT    seconds for any one command (default 300)
  DBT_BOOT_APPEND    more kernel command line after "console=ttyS0"
  DBT_SKIP_BOOT      set: skip (the fast tier, e.g. make asan in CI)
  DBT_OPENSBI        the firmware for the OpenSBI boot (default: Debian's
                     fw_jump.bin)
Console logs go to tests/tmp/30-boot-*.log.
"""

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.dont_write_bytecode = True          # no __pycache__ in the tree
from console import Console, ConsoleError, Exited  # noqa: E402

BOOT_TIMEOUT = float(os.environ.get("DBT_BOOT_TIMEOUT", 600))
CMD_TIMEOUT = float(os.environ.get("DBT_CMD_TIMEOUT", 300))
APPEND = ("console=ttyS0 " + os.environ.get("DBT_BOOT_APPEND", "")).strip()
READY = r"dbt-init: shell ready \((\w+)\) at ([0-9.]+) s"
OPENSBI = [os.environ.get("DBT_OPENSBI", ""),
           "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin",
           "/usr/lib/riscv-firmware/opensbi/generic/fw_jump.bin"]
FW_DYNAMIC = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
LOGDIR = os.path.join(HERE, "tmp")

# The file written to the guest's disk: 108894 bytes, known on both sides.
PATTERN = "".join("%d\n" % i for i in range(1, 20001)).encode()
PATTERN2 = "".join("after reboot %d\n" % i for i in range(1, 501)).encode()

TESTS = [
    # main boot
    "boots to a shell prompt",
    "uname -a shows riscv64 and the packaged kernel release",
    "early console: kernel output from the start (earlycon=sbi by default)",
    "second disk (-drive if=none + -device): /dev/vdb, its size, read-only, its bytes",
    "busybox sh: 200 fork+exec iterations",
    "bash: 200 fork+exec iterations",
    "bash: 100 $(...) command substitutions",
    "pipeline seq 1 1000 | grep 7 | wc -l prints 271 (sh and bash)",
    "trap on USR1 runs the handler (sh and bash)",
    "kill -TERM of a background sleep: wait gives 143 (sh and bash)",
    "Ctrl-C on the console interrupts a foreground sleep: status 130",
    "ext4 on /dev/vda: mount, write, sync, umount",
    "reboot (busybox init, no -f): back at a shell",
    "ext4 data is still there after the reboot",
    "poweroff (no -f) with /dev/vda mounted and in use: the emulator exits with status 0",
    "the ext4 disk is clean after poweroff (not needs_recovery)",
    "the guest's files are in the disk image on the host",
    "-m 64M: the kernel's early panic is reported in one line, exit status 1",
    # smp boot
    "-smp 2: boots to a shell prompt",
    "-smp 2: /proc/cpuinfo lists processors 0 and 1",
    "-smp 2: two fork+exec loops run in parallel",
    "-smp 2: halt exits with status 0 (on RISC-V Linux halts by powering off)",
    # opensbi boot
    "OpenSBI fw_jump: boots to a shell prompt",
    "OpenSBI fw_jump: the kernel runs on OpenSBI (SBI implementation ID 0x1)",
    "OpenSBI fw_jump: exit from the shell powers off, status 0",
    # fw_dynamic boot
    "OpenSBI fw_dynamic -smp 2: boots to a shell prompt",
    "OpenSBI fw_dynamic -smp 2: both harts online, kernel on OpenSBI",
    "OpenSBI fw_dynamic -smp 2: poweroff -f exits with status 0",
]


class Tap:
    """TAP lines, numbered in the order of TESTS; each test is reported once."""

    def __init__(self):
        self.done = 0
        print("1..%d" % len(TESTS), flush=True)

    def _line(self, name, text):
        assert TESTS[self.done] == name, (TESTS[self.done], name)
        self.done += 1
        print(text, flush=True)

    def ok(self, name, cond, diag=""):
        self._line(name, "%s %d - %s" % ("ok" if cond else "not ok", self.done + 1, name))
        if diag and not cond:
            self.diag(diag)
        return cond

    def skip(self, name, reason):
        self._line(name, "ok %d - %s # SKIP %s" % (self.done + 1, name, reason))

    def fail_rest(self, names, reason):
        for n in names:
            if TESTS.index(n) >= self.done:
                self.ok(n, False, reason)
                reason = ""                      # say it once

    def diag(self, text):
        for line in str(text).rstrip().split("\n"):
            print("# " + line, flush=True)


def emulator():
    """The emulator command as a list, and whether it is QEMU."""
    env = os.environ.get("DBT_BOOT_EMU")
    argv = shlex.split(env) if env else [os.path.join(ROOT, os.environ.get("DBT", "dbt"))]
    return argv, "qemu" in os.path.basename(argv[0])


def fetch():
    """((kernel, initrd, release), None) from images/fetch, or (None, the
    reason it failed).  The first run shows the fetch's own progress."""
    tool = os.path.join(ROOT, "images", "fetch")
    first = subprocess.run([tool], stdout=sys.stderr).returncode
    out = []
    for what in ("kernel", "initrd", "release"):
        p = subprocess.run([tool, "--print", what], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if first != 0 or p.returncode != 0:
            lines = p.stderr.strip().splitlines() or ["images/fetch failed"]
            return None, lines[-1].replace("images: ", "", 1)
        out.append(p.stdout.strip())
    return out, None


class Machine:
    """One boot's command line; start() gives a fresh Console on it."""

    def __init__(self, name, kernel, initrd, smp=None, bios=None, disk=None, disk2=None,
                 extra=()):
        argv, qemu = emulator()
        if bios and qemu:
            # Our -bios replaces one given in DBT_BOOT_EMU.
            i = argv.index("-bios") if "-bios" in argv else -1
            if i >= 0:
                argv = argv[:i] + argv[i + 2:]
        argv = argv + ["-kernel", kernel, "-initrd", initrd, "-append", APPEND]
        if smp:
            argv += ["-smp", str(smp)]
        if bios:
            argv += ["-bios", bios]
        if disk and qemu:
            argv += ["-drive", "file=%s,if=none,format=raw,id=d0" % disk,
                     "-device", "virtio-blk-device,drive=d0"]
        elif disk:
            argv += ["-drive", "file=%s,format=raw" % disk]
        if disk2:
            argv += ["-drive", "file=%s,if=none,format=raw,id=d1,readonly=on" % disk2,
                     "-device", "virtio-blk-device,drive=d1"]
        self.argv = argv + list(extra)
        self.log = os.path.join(LOGDIR, "30-boot-%s.log" % name)
        if os.path.exists(self.log):
            os.unlink(self.log)

    def start(self):
        return Console(self.argv, self.log)


def boot(t, c, name, what):
    """Wait for the shell; report it as test `name`.  False if it failed."""
    try:
        m = c.expect(READY, BOOT_TIMEOUT)
        wall = c.elapsed()
        rc, out = c.run("echo $((6 * 7))", CMD_TIMEOUT)
        good = rc == 0 and "42" in out
    except ConsoleError as e:
        t.ok(name, False, "%s\nconsole log: %s\nlast output:\n%s"
             % (e, c.log.name, tail(c)))
        return False
    t.ok(name, good, "the shell does not compute: %r" % out)
    t.diag("%s: shell prompt after %.1f s wall clock (guest uptime %s s)"
           % (what, wall, m.group(2).decode()))
    return good


def tail(c, n=25):
    return "\n".join(c.tail.decode(errors="replace").rstrip().split("\n")[-n:])


def check(t, c, name, cmd, want, timeout=None):
    """Run cmd; ok when it exits 0 and every string in want is in its output."""
    rc, out = c.run(cmd, timeout or CMD_TIMEOUT)
    good = rc == 0 and all(w in out for w in want)
    return t.ok(name, good, "exit status %d, output:\n%s" % (rc, out.strip()))


def poweroff(t, c, name, how="poweroff -f"):
    c.send(how + "\n")
    status = c.wait_exit(CMD_TIMEOUT)
    t.ok(name, status == 0, "the emulator %s" % (
        "is still running" if status is None else "exited with status %d" % status))


# -- The main boot ---------------------------------------------------------------------

def main_boot(t, kernel, initrd, release, tmp):
    names = TESTS[0:17]
    tools = [shutil.which(p) or shutil.which(p, path="/sbin:/usr/sbin")
             for p in ("mkfs.ext4", "debugfs")]
    disk = None
    if all(tools):
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(16 << 20)
        subprocess.run([tools[0], "-F", "-q", disk], check=True)
    nodisk = "mkfs.ext4/debugfs not found (apt-get install e2fsprogs)"
    md5 = hashlib.md5(PATTERN).hexdigest()

    disk2 = os.path.join(tmp, "disk2.img")
    with open(disk2, "wb") as f:
        f.write(PATTERN2 * 40)
    sectors2 = len(PATTERN2 * 40) // 512     # a partial last sector is not seen
    md5_2 = hashlib.md5((PATTERN2 * 40)[:sectors2 * 512]).hexdigest()
    m = Machine("main", kernel, initrd, disk=disk, disk2=disk2)
    c = m.start()
    try:
        if not boot(t, c, names[0], "main boot"):
            t.fail_rest(names, "no shell")
            return False
        check(t, c, names[1], "uname -a", ["riscv64", release])
        if emulator()[1]:
            t.skip(names[2], "dbt's default, not QEMU's")
        else:
            with open(m.log, "rb") as f:
                early = f.read().split(b"dbt-init")[0]
            t.ok(names[2], b"earlycon: sbi0" in early and b"Linux version" in early,
                 "no 'earlycon: sbi0' before the shell")
        check(t, c, names[3], "cat /sys/block/vdb/size /sys/block/vdb/ro; "
              "head -c %d /dev/vdb | md5sum" % (sectors2 * 512), ["%d\n1\n" % sectors2, md5_2])
        loop = 'i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done; echo done-$i'
        check(t, c, names[4], loop, ["done-200"])
        check(t, c, names[5], "bash -c '%s'" % loop, ["done-200"])
        check(t, c, names[6], "bash -c 's=0; for i in $(seq 1 100); do "
              "s=$((s + $(echo $i))); done; echo sum-$s'", ["sum-5050"])
        rc, out = c.run("seq 1 1000 | grep 7 | wc -l; "
                        "bash -c 'seq 1 1000 | grep 7 | wc -l'", CMD_TIMEOUT)
        t.ok(names[7], rc == 0 and out.split() == ["271", "271"], "output: %r" % out)
        check(t, c, names[8], "trap 'echo sh-caught-usr1' USR1; kill -USR1 $$; trap - USR1; "
              "bash -c 'trap \"echo bash-caught-usr1\" USR1; kill -USR1 $$'",
              ["sh-caught-usr1", "bash-caught-usr1"])
        check(t, c, names[9], "sleep 100 & p=$!; kill -TERM $p; wait $p; echo sh-$?; "
              "bash -c 'sleep 100 & p=$!; kill -TERM $p; wait $p; echo bash-$?'",
              ["sh-143", "bash-143"])
        ctrl_c(t, c, names[10])

        if disk:
            check(t, c, names[11], "mount -t ext4 /dev/vda /mnt && cd /mnt && "
                  "seq 1 20000 >pattern && sync && md5sum pattern && cd / && umount /mnt",
                  [md5])
        else:
            t.skip(names[11], nodisk)
        c, how = reboot(c, m)
        if not t.ok(names[12], how is not None, "no shell after reboot -f"):
            t.fail_rest(names, "no shell after the reboot")
            return True
        t.diag("reboot: " + how)
        if disk:
            # Read the first file back; write a second one for the host to see.
            check(t, c, names[13], "mount -t ext4 /dev/vda /mnt && md5sum /mnt/pattern && "
                  "i=1; while [ $i -le 500 ]; do echo \"after reboot $i\"; i=$((i+1)); "
                  "done >/mnt/pattern2 && sync && umount /mnt", [md5])
        else:
            t.skip(names[13], nodisk)
        if disk:
            c.run("mount -t ext4 /dev/vda /mnt && cd /mnt && echo busy >busy", CMD_TIMEOUT)
        poweroff(t, c, names[14], "poweroff")
        if disk:
            state = subprocess.run([tools[1], "-R", "stats", disk], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True).stdout
            clean = re.search(r"state:\s+clean\n", state) is not None
            t.ok(names[15], clean and "needs_recovery" not in state,
                 "\n".join(l for l in state.split("\n") if "state" in l or "features" in l))
        else:
            t.skip(names[15], nodisk)
        if disk:
            got = [subprocess.run([tools[1], "-R", "cat /" + f, disk], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL).stdout
                   for f in ("pattern", "pattern2")]
            t.ok(names[16], got == [PATTERN, PATTERN2],
                 "debugfs read %d and %d bytes" % (len(got[0]), len(got[1])))
        else:
            t.skip(names[16], nodisk)
    except ConsoleError as e:
        t.fail_rest(names, "%s\nconsole log: %s\nlast output:\n%s" % (e, m.log, tail(c)))
    finally:
        c.kill()
    return True


def ctrl_c(t, c, name):
    """A subshell in the foreground prints a marker and becomes sleep; the
    0x03 we then send must reach it as SIGINT through the guest's tty."""
    c.send('(echo "@@SLEEPING""@@"; exec sleep 100)\n')
    c.expect(r"@@SLEEPING@@", CMD_TIMEOUT)
    time.sleep(1)
    start = time.monotonic()
    c.send("\x03")
    c.expect(r"\^C", CMD_TIMEOUT)            # the tty saw it (echoctl)
    c.send('echo "@@INT:$?""@@"\n')
    m = c.expect(r"@@INT:(\d+)@@", CMD_TIMEOUT)
    rc = int(m.group(1))
    t.ok(name, rc == 130, "status %d after %.1f s" % (rc, time.monotonic() - start))


def reboot(c, m):
    """reboot -f: the emulator either resets the machine (QEMU's habit) and
    we see a new boot, or exits and we start it again on the same disk.
    Returns the console to go on with and how it went (None: no shell)."""
    c.send("reboot\n")
    try:
        c.expect(READY, BOOT_TIMEOUT)
        return c, "the machine reset and booted again"
    except Exited:
        status = c.wait_exit(CMD_TIMEOUT)
        c.kill()
    how = "the emulator exited (status %s) and was started again" % status
    c = m.start()
    try:
        c.expect(READY, BOOT_TIMEOUT)
        return c, how
    except ConsoleError:
        return c, None


# -- The other boots -----------------------------------------------------------------

def side_boot(t, m, names, what, steps):
    """Boot machine m; when it reaches a shell, steps(c) checks names[1:]."""
    c = m.start()
    try:
        if not boot(t, c, names[0], what):
            t.fail_rest(names, "no shell")
            return
        steps(c)
    except ConsoleError as e:
        t.fail_rest(names, "%s\nconsole log: %s\nlast output:\n%s" % (e, m.log, tail(c)))
    finally:
        c.kill()


def early_panic(t, kernel, initrd):
    """64 MiB is too little for Debian's kernel: it panics at once, before
    its serial driver runs.  dbt must say so, and exit as asked."""
    name = TESTS[17]
    if emulator()[1]:
        t.skip(name, "dbt's -action panic=exit-failure")
        return
    argv = emulator()[0] + ["-m", "64M", "-kernel", kernel, "-initrd", initrd, "-append", APPEND,
                            "-action", "panic=exit-failure"]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=CMD_TIMEOUT)
        err = p.stderr.decode(errors="replace")
        t.ok(name, p.returncode == 1 and err.count("\n") == 1 and
             err.startswith("dbt: the guest kernel panicked: \"Kernel panic - not syncing"),
             "status %d, stderr %r" % (p.returncode, err))
    except subprocess.TimeoutExpired:
        t.ok(name, False, "still running after %d s" % CMD_TIMEOUT)


def smp_boot(t, kernel, initrd):
    names = TESTS[18:22]

    def steps(c):
        rc, out = c.run("grep ^processor /proc/cpuinfo", CMD_TIMEOUT)
        procs = [l.split(":")[1].strip() for l in out.split("\n") if ":" in l]
        t.ok(names[1], rc == 0 and procs == ["0", "1"], "processors: %r" % procs)
        loop = 'i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done'
        check(t, c, names[2], "(%s; echo a-$i) & (%s; echo b-$i) & wait" % (loop, loop),
              ["a-100", "b-100"])
        poweroff(t, c, names[3], "halt")
    side_boot(t, Machine("smp", kernel, initrd, smp=2), names, "-smp 2 boot", steps)


def opensbi_boot(t, kernel, initrd):
    names = TESTS[22:25]
    fw = next((f for f in OPENSBI if f and os.path.exists(f)), None)
    if not fw:
        for n in names:
            t.skip(n, "no fw_jump.bin (apt-get install opensbi, or set DBT_OPENSBI)")
        return

    def steps(c):
        check(t, c, names[1], "dmesg | grep 'SBI implementation ID'", ["ID=0x1 "])
        poweroff(t, c, names[2], "exit")
    side_boot(t, Machine("opensbi", kernel, initrd, bios=fw), names, "OpenSBI boot", steps)


def fw_dynamic_boot(t, kernel, initrd):
    names = TESTS[25:28]
    if not os.path.exists(FW_DYNAMIC):
        for n in names:
            t.skip(n, "no %s (apt-get install opensbi)" % FW_DYNAMIC)
        return

    def steps(c):
        rc, out = c.run("grep -c ^processor /proc/cpuinfo; dmesg | grep 'SBI implementation ID'",
                        CMD_TIMEOUT)
        first = out.strip().split("\n")[0].strip()
        t.ok(names[1], rc == 0 and first == "2" and "ID=0x1 " in out,
             "exit status %d, output:\n%s" % (rc, out.strip()))
        poweroff(t, c, names[2])
    side_boot(t, Machine("dynamic", kernel, initrd, smp=2, bios=FW_DYNAMIC), names,
              "OpenSBI fw_dynamic boot", steps)


def main():
    if os.environ.get("DBT_SKIP_BOOT"):
        print("1..0 # SKIP DBT_SKIP_BOOT is set (the fast tier: no Linux boots)")
        return
    argv, _ = emulator()
    if not os.environ.get("DBT_BOOT_EMU") and not os.access(argv[0], os.X_OK):
        print("1..0 # SKIP %s is not built (make), and DBT_BOOT_EMU is not set" % argv[0])
        return
    if not shutil.which(argv[0]) and not os.access(argv[0], os.X_OK):
        print("1..0 # SKIP emulator %s not found" % argv[0])
        return
    images, why = fetch()
    if not images:
        print("1..0 # SKIP cannot fetch guest images: %s" % why)
        return
    kernel, initrd, release = images
    os.makedirs(LOGDIR, exist_ok=True)
    t = Tap()
    t.diag("emulator: %s; kernel %s" % (" ".join(argv), release))
    with tempfile.TemporaryDirectory(prefix="dbt-boot-") as tmp:
        booted = main_boot(t, kernel, initrd, release, tmp)
    if not booted:
        # The other boots would most likely wait out their timeouts too.
        t.fail_rest(TESTS, "not tried: the main boot reached no shell")
        return
    early_panic(t, kernel, initrd)
    smp_boot(t, kernel, initrd)
    opensbi_boot(t, kernel, initrd)
    fw_dynamic_boot(t, kernel, initrd)


if __name__ == "__main__":
    main()
