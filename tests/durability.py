#!/usr/bin/env python3
"""tests/durability.py -- what the guest flushed survives dbt's SIGKILL.

    tests/durability.py [--trials N] [--seed S] [--tap]

Each trial boots Debian's kernel and the initramfs of images/ with a fresh
32 MiB ext4 disk, and runs in the guest a loop that, for i = 1, 2, ...:
writes /mnt/f$i (seq 1 37*i: its size grows with i), runs sync, prints
"FLUSHED i", then writes 256 KiB of /dev/urandom into /mnt/junk and does
not sync it.  At a random moment of the loop (0.2 to 5 s in) dbt gets
SIGKILL.  Then, on the host, on a copy of the image:

  - the journal is replayed (e2fsck -E journal_only), as the next mount
    would, and `e2fsck -fn` must find the filesystem clean;
  - every f$i whose FLUSHED line the guest printed must read back through
    debugfs with exactly its contents (files written later may be missing or
    short: they were never flushed).

One boot per trial: the kernel reaches its shell in about 2 s here, so a
trial costs some 5-10 s.  Prints a summary line, or TAP with --tap (one test
per trial; tests/42-durability.t runs 3, `make durability` 20).

Environment: DBT (the binary, default ./dbt), DBT_SKIP_BOOT (skip).
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.dont_write_bytecode = True
from console import Console, ConsoleError  # noqa: E402

LOGDIR = os.path.join(HERE, "tmp")
DISK_MB = 32
GUEST_LOOP = (
    "mount -t ext4 /dev/vda /mnt && i=1 && echo LOOP-START && "
    "while :; do seq 1 $((37 * i)) > /mnt/f$i; sync; echo FLUSHED $i; "
    "dd if=/dev/urandom of=/mnt/junk bs=4k count=64 2>/dev/null; i=$((i + 1)); done\n")


def expected(i):
    return "".join("%d\n" % k for k in range(1, 37 * i + 1)).encode()


def images():
    """(kernel, initrd) paths from images/fetch, or None."""
    tool = os.path.join(ROOT, "images", "fetch")
    paths = []
    for what in ("kernel", "initrd"):
        r = subprocess.run([tool, "--print", what], capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(r.stdout.strip()):
            return None
        paths.append(r.stdout.strip())
    return paths


def make_disk(path):
    with open(path, "wb") as f:
        f.truncate(DISK_MB << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0",
                    path], check=True, capture_output=True)


def debugfs_cat(image, name):
    r = subprocess.run(["debugfs", "-R", "cat /%s" % name, image], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def check_disk(image, flushed):
    """A list of problems found on the host after the kill (empty: none)."""
    copy = image + ".check"
    shutil.copyfile(image, copy)
    problems = []
    r = subprocess.run(["e2fsck", "-E", "journal_only", "-y", copy], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        problems.append("journal replay: e2fsck status %d: %s" % (r.returncode, r.stdout[-500:]))
    r = subprocess.run(["e2fsck", "-fn", copy], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append("e2fsck -fn: status %d: %s" % (r.returncode, r.stdout[-800:]))
    for i in range(1, flushed + 1):
        got = debugfs_cat(copy, "f%d" % i)
        if got != expected(i):
            problems.append("f%d (flushed) reads back %s bytes, want %d" %
                            (i, "no" if got is None else len(got), len(expected(i))))
    os.unlink(copy)
    return problems


def trial(n, rng, kernel, initrd, tmp, dbt):
    """(flushed count, kill delay, problems) of one trial."""
    image = os.path.join(tmp, "disk.img")
    make_disk(image)
    argv = [dbt, "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 dbt.loglevel=1",
            "-drive", "file=%s,format=raw" % image]
    c = Console(argv, os.path.join(LOGDIR, "durability.log"))
    delay = rng.uniform(0.2, 5.0)
    try:
        c.expect(r"dbt-init: shell ready", 300)
        c.send(GUEST_LOOP)
        c.expect(r"LOOP-START\n", 60)
        end = time.monotonic() + delay
        while time.monotonic() < end and not c.eof:
            c._read(end)
    except ConsoleError as e:
        c.kill()
        return 0, delay, ["trial %d did not get to its loop: %s" % (n, e)]
    os.killpg(c.proc.pid, 9)                  # SIGKILL, at this moment
    c.wait_exit(10)                           # the rest of what it printed
    flushed = [int(k) for k in re.findall(rb"FLUSHED (\d+)\n", c.buf)]
    c.kill()
    last = max(flushed, default=0)
    return last, delay, check_disk(image, last)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--tap", action="store_true")
    args = ap.parse_args()
    dbt = os.path.join(ROOT, os.environ.get("DBT", "dbt"))
    why = None
    if os.environ.get("DBT_SKIP_BOOT"):
        why = "DBT_SKIP_BOOT is set"
    elif not all(shutil.which(t) for t in ("mkfs.ext4", "e2fsck", "debugfs")):
        why = "e2fsprogs (mkfs.ext4, e2fsck, debugfs) not installed"
    elif not os.access(dbt, os.X_OK):
        why = "%s is not built" % dbt
    paths = None if why else images()
    if not why and not paths:
        why = "no guest images (images/fetch)"
    if why:
        print("1..0 # SKIP %s" % why if args.tap else "durability: skipped: %s" % why)
        return 0
    os.makedirs(LOGDIR, exist_ok=True)
    rng = random.Random(args.seed)
    if args.tap:
        print("1..%d" % args.trials)
        print("# seed %d" % args.seed)
    failed, total_flushed = 0, 0
    with tempfile.TemporaryDirectory(prefix="dbt-durability-") as tmp:
        for n in range(1, args.trials + 1):
            flushed, delay, problems = trial(n, rng, paths[0], paths[1], tmp, dbt)
            total_flushed += flushed
            failed += bool(problems)
            line = "trial %d: SIGKILL %.2f s into the loop, %d flushed files: %s" % (
                n, delay, flushed, "all intact, fsck clean" if not problems else "LOST")
            if args.tap:
                print("%sok %d - %s" % ("not " if problems else "", n, line))
            else:
                print(line)
            for p in problems:
                print("#   " + p)
            sys.stdout.flush()
    summary = "durability: %d trials (seed %d), %d flushed files checked, %d trials lost data" % (
        args.trials, args.seed, total_flushed, failed)
    print(("# " if args.tap else "") + summary)
    return 1 if failed and not args.tap else 0


if __name__ == "__main__":
    sys.exit(main())
