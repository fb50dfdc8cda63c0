#!/bin/sh
# 15-bench-count.t — bench/count's reading of callgrind dumps and its
# ratios, without valgrind or a guest: bench/count is loaded as a module
# and given a small dump written here and made-up runs.  The per-file
# split must count each instruction once (a call's inclusive cost is not
# the caller's own), and the ratio must pair run i with run i.  Under a
# second.
cd "$(dirname "$0")/.." || exit 1
exec python3 - <<'PY'
import os, sys, tempfile
sys.path.insert(0, "tests/lib")
from scripttest import check, load_script  # noqa: E402

c = load_script("bench_count", "bench/count")

print("1..7")

# A dump as callgrind writes it with --compress-strings=no and
# --compress-pos=no: mmu.c's translate runs 100 instructions of its own,
# 40 of them inlined from mmu.h, and calls the generated code, whose 1000
# instructions are its own cost, not translate's.
DUMP = """version: 1
creator: callgrind-3.19.0
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
ob=/work/dbt
fl=/work/mmu.c
fn=translate
10 50 0 0 2 1 0 0 0 0 5 1
11 10
fi=/work/mmu.h
3 40 0 0 0 0 1
fe=/work/mmu.c
cob=???
cfi=???
cfn=0x0000000000401000
calls=7 0
12 1000 0 0 9 9 9 0 0 0 0 0 50 5
ob=???
fl=???
fn=0x0000000000401000
0 1000 0 0 9 9 9 0 0 0 0 0 50 5

totals: 1100 0 0 11 10 10 0 0 0 5 1 50 5
"""
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "cg.out.2")
    with open(path, "w") as f:
        f.write(DUMP)
    counts, files = c.read_dump(path)
    check(counts["Ir"] == 1100 and counts["I1mr"] == 11 and counts["Bim"] == 5,
          "totals come from the totals line", counts)
    check(files.get("mmu.c") == 60 and files.get("mmu.h") == 40,
          "fi= moves cost to the inlined file, fe= back", files)
    check(files.get("(generated)") == 1000, "code with no file is the generated code", files)
    check(sum(files.values()) == counts["Ir"],
          "a call's inclusive cost is not counted again for the caller", files)
    check(counts["estimate"] == 1100 + 12 * (11 + 10 + 10) + 15 * (1 + 5),
          "the estimate weighs misses and mispredicts", counts)

# Run by run, the guest does different work (bash's heap grows), the same
# in both engines: the ratio pairs run i with run i, and skips run 1.
def runs(*irs):
    return [({"Ir": x}, {}) for x in irs]
dbt = runs(5000, 1300, 1000, 800)
notraces = runs(4000, 1350, 1050, 830)
r = c.paired_ratio(notraces, dbt, "Ir")
check(abs(r - 1.0385) < 0.001, "the ratio is the median of run-by-run ratios over runs 2..", r)
check(c.dump_index(0, 0, 4) == 2 and c.dump_index(1, 2, 4) == 8,
      "dump 1 is the boot; command k's run i follows the runs before it")
PY
