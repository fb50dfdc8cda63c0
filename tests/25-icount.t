#!/bin/sh
# 25-icount.t — with -icount, mtime follows retired instructions, so a run
# is deterministic: a guest that spins, then prints the time CSR, prints the
# same value every time, and a longer spin reads a later time.
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# spin N: an ELF that runs N loop iterations, prints `time` in hex, exits 0.
spin() {
    cat > "$tmp/spin$1.S" <<ASM
    .option norelax
    .text
    .globl _start
_start:
    li      t0, $1
1:  addi    t0, t0, -1
    bnez    t0, 1b
    rdtime  a0
    la      t5, tohost
    li      t1, 60                  # 16 hex digits, most significant first
2:  srl     t2, a0, t1
    andi    t2, t2, 15
    addi    t2, t2, '0'
    li      t3, '9'
    ble     t2, t3, 3f
    addi    t2, t2, 'a' - '9' - 1
3:  li      t3, (1 << 56) | (1 << 48)
    or      t2, t2, t3
    sd      t2, 0(t5)
    addi    t1, t1, -4
    bgez    t1, 2b
    li      t2, 1
    sd      t2, 0(t5)
4:  j       4b
ASM
    rv_link "$tmp/spin$1.S" "$tmp/spin$1.elf"
}
spin 100000
spin 1000000

echo "1..3"
a=$(timeout 20 $DBT -icount -bios none "$tmp/spin100000.elf")
b=$(timeout 20 $DBT -icount -bios none "$tmp/spin100000.elf")
c=$(timeout 20 $DBT -icount -bios none "$tmp/spin1000000.elf")
if [ -n "$a" ] && [ "$a" = "$b" ]; then echo "ok 1 - two runs read the same time ($a)"
else echo "not ok 1 - '$a' then '$b'"; fi
# 200000 instructions at 8 per tick is about 25000 ticks.
if [ -n "$a" ] && [ $((0x$a)) -ge 20000 ] && [ $((0x$a)) -le 30000 ]; then
    echo "ok 2 - time follows the instructions retired ($((0x$a)) ticks)"
else echo "not ok 2 - time 0x$a"; fi
if [ -n "$c" ] && [ $((0x$c)) -gt $((0x$a * 5)) ]; then
    echo "ok 3 - ten times the spin reads a later time ($((0x$c)) ticks)"
else echo "not ok 3 - '$c' after '$a'"; fi
