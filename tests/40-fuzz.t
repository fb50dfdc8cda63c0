#!/bin/sh
# 40-fuzz.t — the libFuzzer targets of tests/fuzz/ (virtio-blk queues, the
# loaders, the command line, the UART and PLIC register files), built with
# clang, ASan and UBSan: each replays its regression inputs (every crash
# fuzzing ever found, tests/fuzz/regress/TARGET/) and then fuzzes for
# FUZZ_SMOKE_SECONDS (default 3) from them.  `make fuzz` is the long run.
# Skipped without clang.
cd "$(dirname "$0")/.." || exit 1
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
    echo "1..0 # SKIP ${FUZZ_CC:-clang} not installed (apt-get install clang)"
    exit 0
fi
targets=$(sed -n 's/^FUZZ_TARGETS *:= *//p' tests/harden.mk)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
set -- $targets
echo "1..$((2 * $# + 1))"
n=1
if make -s fuzz-build >"$tmp/build.log" 2>&1; then
    echo "ok 1 - the fuzz targets build ($targets)"
else
    echo "not ok 1 - the fuzz targets build"
    sed 's/^/# /' "$tmp/build.log" | tail -20
fi
for t in $targets; do
    for mode in --replay smoke; do
        n=$((n + 1))
        if [ $mode = --replay ]; then
            name="$t: its regression inputs pass"
            out=$(tests/fuzz/run --replay "$t" 2>&1)
        else
            name="$t: fuzzes ${FUZZ_SMOKE_SECONDS:-3} s without a crash"
            out=$(FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-3} FUZZ_CORPUS=$tmp tests/fuzz/run "$t" 2>&1)
        fi
        status=$? # of the run, not of an assignment after it
        if [ $status -eq 0 ]; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
        echo "$out" | sed 's/^/# /'
    done
done
