#!/bin/sh
# 20-guest.t — runs the bare-metal guest test programs (tests/guest/*.S, built
# into *.elf by `make guests`, which `make check` does first).  Each program
# runs in M-mode from its ELF entry and ends through HTIF with exit status 0
# (pass) or the number of its failing case, having printed a FAIL line.
#
# Every program runs five times: `./dbt -bios none` (the default engine, the
# JIT), `./dbt -interp -bios none` (the interpreter alone), `./dbt -check
# -bios none` (both in lockstep), and the JIT and -check again with
# `-trace-threshold 1 -trace-kernel` (every loop head a trace at once, S-mode
# code's too), one TAP line per run; a failing run's output is passed on as diagnostics.  Nothing is built here: a program whose .elf is
# missing is a failure that says so.
#
# Environment:
#   DBT_EMU      another emulator command to validate the programs with; the
#                ELF path is appended and each program runs once.  QEMU:
#                  DBT_EMU="qemu-system-riscv64 -M spike -bios none -nographic -icount shift=0 -kernel"
#                (-icount makes instret count instructions, for counters.S).
#                dbt_only.S checks where dbt and QEMU 7.2 differ, and so
#                do virt_irq.S (no PLIC/UART on spike), smc_self.S (a block
#                rewriting itself without FENCE.I) and jit_faults.S (QEMU's
#                cause for a misaligned AMO, ebreak mtval and minstret on
#                traps; build it with -DQEMU_CAUSES to check the rest);
#                under DBT_EMU their results are reported as TODO.
#   DBT_TIMEOUT  seconds per run (default 60)
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)

if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
    echo "1..0 # SKIP riscv64-unknown-elf-gcc not installed"
    exit 0
fi

timeout=${DBT_TIMEOUT:-60}
if [ -n "$DBT_EMU" ]; then
    modes="emu"
else
    modes="default -interp -check traces1 check-traces1"
fi
# Programs that test dbt's own choices (see the comment atop each).
dbt_only="dbt_only virt_irq smc_self jit_faults uart_thre"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbt-guest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

set -- tests/guest/*.S
nmodes=$(echo $modes | wc -w)
echo "1..$(($# * nmodes))"

n=0
for src in "$@"; do
    name=$(basename "$src" .S)
    elf=tests/guest/$name.elf
    todo=""
    if [ -n "$DBT_EMU" ]; then
        for d in $dbt_only; do
            [ "$d" = "$name" ] && todo=" # TODO dbt's behaviour, not this emulator's"
        done
    fi
    for mode in $modes; do
        n=$((n + 1))
        case $mode in
        emu)     label="$name"; cmd="$DBT_EMU $elf" ;;
        default) label="$name"; cmd="$DBT -bios none $elf" ;;
        traces1) label="$name (-trace-threshold 1 -trace-kernel)"
                 cmd="$DBT -trace-threshold 1 -trace-kernel -bios none $elf" ;;
        check-traces1) label="$name (-check -trace-threshold 1 -trace-kernel)"
                 cmd="$DBT -check -trace-threshold 1 -trace-kernel -bios none $elf" ;;
        *)       label="$name ($mode)"; cmd="$DBT $mode -bios none $elf" ;;
        esac
        if [ ! -f "$elf" ]; then
            echo "not ok $n - $label$todo"
            echo "# $elf is missing: run make guests"
            continue
        fi
        # $cmd is split on purpose: DBT_EMU is a command line.
        timeout "$timeout" $cmd </dev/null >"$tmp/out" 2>&1
        status=$?
        if [ $status -eq 0 ]; then
            echo "ok $n - $label$todo"
            continue
        fi
        echo "not ok $n - $label$todo"
        case $status in
        124) echo "# timed out after $timeout s: $cmd" ;;
        *)   echo "# exit status $status (the number of the failing case): $cmd" ;;
        esac
        sed 's/^/#   /' "$tmp/out" | head -n 40
    done
    for dep in "$src" tests/guest/*.h tests/guest/link.ld; do
        if [ -f "$elf" ] && [ "$dep" -nt "$elf" ]; then
            echo "# note: $elf is older than $dep (make guests)"
            break
        fi
    done
done
