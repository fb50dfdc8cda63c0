#!/bin/sh
# 27-jit-cache.t — a code-cache flush under load.
#
# tests/guest/jit_cache.S writes 4000 distinct small functions, calls each
# of them in several orders and rewrites them all: with a small code cache
# the JIT must fill and flush it many times, also while a hot caller is
# chained into it, and every result must stay right.  When `./dbt -h`
# lists -jit-cache, the program runs with `-jit-cache 64K`; before the
# option exists it runs with the default cache.  It always runs under
# -interp too.  The program is built here (20-guest.t also runs it, from
# make guests, at the default size).
#
# Environment:
#   DBT_TIMEOUT  seconds per run (default 60)
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)
. tests/lib/guest.sh
need_rv_gcc

timeout=${DBT_TIMEOUT:-60}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbt-cache.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if $DBT -h 2>&1 | grep -q -- '-jit-cache'; then
    small="-jit-cache 64K"
else
    small=""
fi

echo "1..3"
elf=$tmp/jit_cache.elf
if riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
    -Itests/guest -T tests/guest/link.ld -o "$elf" tests/guest/jit_cache.S 2>"$tmp/err"; then
    echo "ok 1 - jit_cache.elf built"
else
    echo "not ok 1 - jit_cache.elf built"
    sed 's/^/# /' "$tmp/err"
fi

n=1
for opts in "$small" "-interp"; do
    n=$((n + 1))
    label=${opts:-"default cache: this dbt has no -jit-cache"}
    cmd="$DBT $opts -bios none $elf"
    # $cmd is split on purpose.
    timeout "$timeout" $cmd </dev/null >"$tmp/out" 2>&1
    status=$?
    if [ $status -eq 0 ]; then
        echo "ok $n - 4000 functions ($label)"
        continue
    fi
    echo "not ok $n - 4000 functions ($label)"
    case $status in
    124) echo "# timed out after $timeout s: $cmd" ;;
    *)   echo "# exit status $status (the number of the failing case): $cmd" ;;
    esac
    sed 's/^/#   /' "$tmp/out" | head -n 40
done
