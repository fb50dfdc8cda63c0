#!/bin/sh
# 15-bench-guest.t — bench/guest's arithmetic, without a guest: bench/guest
# is loaded as a module and given made-up rounds.  With --interleave the
# ratios are the median of each round's ratio (runs seconds apart), which
# can differ from the ratio of the fastest times: one lucky run of one
# engine must not decide the table; each such ratio comes with a 95%
# interval for that median, from the order of the rounds' ratios; --base
# adds another build of dbt as an engine; the rounds that boot fresh guests
# take turns at which engine goes first.  Under a second.
cd "$(dirname "$0")/.." || exit 1
exec python3 - <<'PY'
import sys
sys.path.insert(0, "tests/lib")
from scripttest import check, load_script  # noqa: E402

g = load_script("bench_guest", "bench/guest")

print("1..18")

o = g.parse(["--interleave", "--repeat", "3", "--engines", "dbt,notraces", "--only", "fib"])
check(o["interleave"] and o["repeat"] == 3 and o["engines"] == ["dbt", "notraces"]
      and o["only"] == ["fib"], "--interleave parses with --repeat, --engines, --only", o)
check(not g.parse(["--engines", "dbt"])["interleave"], "without --interleave, whole rounds")
o = g.parse(["--interleave", "--repeat", "4", "--fresh", "2"])
check(o["fresh"] == 2 and g.parse(["--interleave"])["fresh"] == 0,
      "--fresh K parses; without it one guest per engine throughout", o)

check(g.rotated(["a", "b", "c"], 4) == ["b", "c", "a"], "round 4 of three engines starts with the second")
# --fresh: the rounds that boot the guests take turns at going first too
for n, fresh in ((2, 4), (3, 3)):
    engines = ["a", "b", "c"][:n]
    firsts = [g.rotated(engines, r, fresh)[0] for r in range(0, 2 * n * fresh, fresh)]
    check(all(firsts.count(e) == 2 for e in engines),
          "--fresh %d, %d engines: each starts as many fresh rounds" % (fresh, n), firsts)

# --base: another build of dbt as the engine base, run with no options.
o = g.parse(["--interleave", "--engines", "dbt", "--base", sys.executable])
argv = g.engine_argv("base", "K", "I", o["base"])
check(o["engines"] == ["dbt", "base"] and argv[0] == sys.executable and argv[1:3] == ["-m", "1G"],
      "--base PATH adds the engine base, which runs PATH with no options", (o, argv))
try:
    g.parse(["--base", "/nonexistent/dbt"])
    refused = False
except SystemExit as e:
    refused = e.code != 0
check(refused, "--base refuses a path that is no executable")

# Three rounds of fib: notraces' one fast run (round 3) is faster than
# any of dbt's, yet dbt won each round it was measured beside.
runs = {
    "dbt": {"fib": [(1.00, "2584"), (1.20, "2584"), (0.90, "2584")]},
    "notraces": {"fib": [(1.10, "2584"), (1.50, "2584"), (0.80, "2584")]},
}
med = g.paired_ratio(runs, "notraces", "dbt", "fib", slice(None))
check(abs(med - 1.10) < 1e-9, "the ratio is the median of the rounds' ratios (1.10, 1.25, 0.89)", med)
first = g.paired_ratio(runs, "notraces", "dbt", "fib", slice(0, 1))
check(abs(first - 1.10) < 1e-9, "the first column is round one's ratio alone", first)

results = {e: {} for e in runs}
for e in runs:
    for v in runs[e]["fib"]:
        g.keep_fastest(results[e], {"fib": v})
text, bad = g.table(["fib"], results, ["dbt", "notraces"], g.SIZES["full"], "", runs)
row = [l for l in text.splitlines() if l.startswith("bash: recursive fib")]
want = ["0.900", "0.800", "1.10x", "-", "1.10x", "2/3", "ok"]
check(row and row[0].split()[-7:] == want and not bad,
      "the table shows the fastest times and the paired ratios", text)

# With --fresh 2 the "first" column is the median over rounds 1 and 3,
# the rounds that start in a freshly booted guest: 1.10 and 0.89.
text, bad = g.table(["fib"], results, ["dbt", "notraces"], g.SIZES["full"], "", runs, 2)
row = [l for l in text.splitlines() if l.startswith("bash: recursive fib")]
want = ["0.900", "0.800", "1.10x", "-", "0.99x", "2/3", "ok"]
check(row and row[0].split()[-7:] == want and "every 2" in text,
      "with --fresh 2 the first column is the median over rounds 1 and 3", text)

# gen runs three times a round (md5sum, gzip, bzip2 read its data): with
# --fresh 2 over 4 rounds, the first column takes rounds 1 and 3's first.
gruns = {e: {"boot": [(1.0, "")] * 4,
             "gen": [(t, "x") for t in ([1.0, 9, 9, 1.0, 9, 9, 1.0, 9, 9, 1.0, 9, 9] if e == "dbt"
                                        else [2.0, 9, 9, 4.0, 9, 9, 2.0, 9, 9, 4.0, 9, 9])]}
         for e in ("dbt", "notraces")}
gres = {e: {} for e in gruns}
for e in gruns:
    for v in gruns[e]["gen"]:
        g.keep_fastest(gres[e], {"gen": v})
text, bad = g.table(["gen"], gres, ["dbt", "notraces"], g.SIZES["full"], "x", gruns, 2)
row = [l for l in text.splitlines() if l.startswith("cpubench gen")]
check(row and row[0].split()[-3] == "2.00x", "with --fresh, gen's first column takes the first run of each fresh round", text)

# The 95% interval of the median: of 9 ratios the 2nd smallest and 2nd
# largest (P(Binomial(9, 1/2) <= 1) = 10/512, twice that is under 5%); of
# 20 the 6th of each end; of 5 none (twice 1/32 is over 5%).
nine = [1.3, 0.7, 1.0, 1.1, 0.9, 1.05, 0.95, 1.2, 0.8]
check(g.median_interval(nine) == (0.8, 1.2), "9 rounds: the interval is the 2nd smallest to the 2nd largest",
      g.median_interval(nine))
twenty = [i / 10 for i in range(1, 21)]
check(g.median_interval(twenty) == (0.6, 1.5) and g.median_interval(nine[:5]) is None,
      "20 rounds: the 6th of each end; 5 rounds: no 95% interval", g.median_interval(twenty))
truns = {"dbt": {"fib": [(1.0, "1")] * 9}, "notraces": {"fib": [(v, "1") for v in nine]}}
tres = {e: {"fib": (min(v[0] for v in truns[e]["fib"]), "1")} for e in truns}
text, bad = g.table(["fib"], tres, ["dbt", "notraces"], g.SIZES["full"], "", truns)
row = [l for l in text.splitlines() if l.startswith("bash: recursive fib")]
check(row and row[0].split()[-4] == "0.80-1.20" and "notraces/dbt 95%" in text
      and "cannot tell from noise" in text, "the table gives each paired ratio's interval", text)

check(g.rounds_won(runs, "notraces", "dbt", "fib") == (2, 3),
      "won vs: dbt was faster in rounds 1 and 2 of 3")

runs["notraces"]["fib"][1] = (None, "FAIL 1")
check(g.paired_ratio(runs, "notraces", "dbt", "fib", slice(None)) is None,
      "a round with a failed run gives no ratio")
PY
