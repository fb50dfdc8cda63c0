#!/bin/sh
# 26-dma-code.t — a device writing into a page of translated code.
#
# tests/guest-dma/dma_code.S runs a function in a page, has the virtio-blk
# device read a sector into that same page, and calls it again: the new
# code must run (no FENCE.I the first time).  The disk image is made here:
# sector 0 and sector 1 each hold a small function, assembled with the
# cross binutils, returning 0x111 and 0x12345.
#
# The guest runs once per engine mode, like 20-guest.t: `./dbt -bios none
# -drive ...` (the default engine) and `./dbt -interp ...`.
#
# Environment:
#   DBT_MODES    the engine modes to run (default "default -interp -check
#                traces1"; traces1 is -trace-threshold 1, any other mode
#                but "default" is passed as an option)
#   DBT_TIMEOUT  seconds per run (default 60)
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)
. tests/lib/guest.sh
need_rv_gcc

timeout=${DBT_TIMEOUT:-60}
modes=${DBT_MODES:-"default -interp -check traces1"}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbt-dma.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "1..$((2 + $(echo $modes | wc -w)))"

elf=$tmp/dma_code.elf
if riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
    -Itests/guest -T tests/guest/link.ld -o "$elf" tests/guest-dma/dma_code.S 2>"$tmp/err"; then
    echo "ok 1 - dma_code.elf built"
else
    echo "not ok 1 - dma_code.elf built"
    sed 's/^/# /' "$tmp/err"
fi

# The image: two sectors of code, then zeros up to 4 KiB.
cat >"$tmp/disk.S" <<'ASM'
    .option norvc
    .text
sector0:
    addi a0, zero, 0x111
    ret
    .balign 512, 0
sector1:
    addi a0, zero, 0x123
    slli a0, a0, 8
    addi a0, a0, 0x45
    ret
    .balign 512, 0
ASM
img=$tmp/disk.img
if riscv64-unknown-elf-as -march=rv64gc -o "$tmp/disk.o" "$tmp/disk.S" 2>"$tmp/err" &&
    riscv64-unknown-elf-objcopy -O binary -j .text "$tmp/disk.o" "$img" 2>>"$tmp/err" &&
    [ "$(wc -c <"$img")" -eq 1024 ] && truncate -s 4096 "$img"; then
    echo "ok 2 - disk image with two sectors of code"
else
    echo "not ok 2 - disk image with two sectors of code"
    sed 's/^/# /' "$tmp/err"
fi

n=2
for mode in $modes; do
    n=$((n + 1))
    case $mode in
    default) opt="" ;;
    traces1) opt="-trace-threshold 1" ;; # the calling loop a trace over both pages
    *)       opt=$mode ;;
    esac
    cmd="$DBT $opt -bios none -drive file=$img,format=raw $elf"
    # $cmd is split on purpose.
    timeout "$timeout" $cmd </dev/null >"$tmp/out" 2>&1
    status=$?
    if [ $status -eq 0 ]; then
        echo "ok $n - device read into a code page ($mode)"
        continue
    fi
    echo "not ok $n - device read into a code page ($mode)"
    case $status in
    124) echo "# timed out after $timeout s: $cmd" ;;
    *)   echo "# exit status $status (the number of the failing case): $cmd" ;;
    esac
    sed 's/^/#   /' "$tmp/out" | head -n 40
done
