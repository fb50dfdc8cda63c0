#!/bin/sh
# 24-htif.t — HTIF, the riscv-tests convention dbt follows with -bios none:
# tohost = (code << 1) | 1 ends the run with status code (255 if code > 255,
# so no failure reads as 0), whether written as one doubleword or as two
# 32-bit halves (as the riscv-tests' write_tohost does); device 1 command 1
# prints a character.  Guests are built here.
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# guest NAME BODY: an ELF whose _start runs BODY with t5 = &tohost.
guest() {
    cat > "$tmp/$1.S" <<ASM
    .option norelax
    .text
    .globl _start
_start:
    la      t5, tohost
$2
1:  j       1b
ASM
    rv_link "$tmp/$1.S" "$tmp/$1.elf"
}
guest pass "    li t0, 1
    sd t0, 0(t5)"
guest halves "    li t0, (7 << 1) | 1
    sw t0, 0(t5)
    sw zero, 4(t5)"
guest putchar "    li t0, (1 << 56) | (1 << 48) | 'h'
    sd t0, 0(t5)
    li t0, (1 << 56) | (1 << 48) | 'i'
    sd t0, 0(t5)
    li t0, (3 << 1) | 1
    sd t0, 0(t5)"
guest big "    li t0, (256 << 1) | 1
    sd t0, 0(t5)"

echo "1..4"
timeout 20 $DBT -bios none "$tmp/pass.elf" >/dev/null 2>&1
s=$?; [ $s = 0 ] && echo "ok 1 - tohost = 1 (sd): exit status 0" || echo "not ok 1 - status $s"
timeout 20 $DBT -bios none "$tmp/halves.elf" >/dev/null 2>&1
s=$?; [ $s = 7 ] && echo "ok 2 - tohost = 15 as two sw halves: exit status 7" || echo "not ok 2 - status $s"
out=$(timeout 20 $DBT -bios none "$tmp/putchar.elf" 2>/dev/null)
s=$?; [ $s = 3 ] && [ "$out" = hi ] && echo "ok 3 - HTIF console prints 'hi', then exit status 3" \
    || echo "not ok 3 - status $s, output '$out'"
timeout 20 $DBT -bios none "$tmp/big.elf" >/dev/null 2>&1
s=$?; [ $s = 255 ] && echo "ok 4 - tohost = (256 << 1) | 1: exit status 255, never 0" || echo "not ok 4 - status $s"
