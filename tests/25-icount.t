#!/bin/sh
# 25-icount.t — with -icount, mtime follows retired instructions, so a run
# is deterministic: a guest that spins, then prints the time CSR, prints the
# same value every time, and a longer spin reads a later time.  While the
# guest waits in WFI, time jumps to the next timer (sleep=off, the default)
# or passes at real speed (sleep=on); either way no host CPU is burnt.
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

# sleeper DELTA MIE NAME: an ELF that arms mtimecmp DELTA ticks ahead, sets
# mie to MIE (0x80: the timer wakes WFI; 0: nothing does) and waits in WFI
# until mtime passes it, then exits 0.
sleeper() {
    cat > "$tmp/$3.S" <<ASM
    .text
    .globl _start
_start:
    li      t0, 0x200bff8           # CLINT mtime
    ld      t1, 0(t0)
    li      t2, $1
    add     t1, t1, t2
    li      t3, 0x2004000           # mtimecmp of hart 0
    sd      t1, 0(t3)
    li      t4, $2
    csrw    mie, t4
1:  wfi
    ld      t5, 0(t0)
    bltu    t5, t1, 1b
    la      t5, tohost
    li      t2, 1
    sd      t2, 0(t5)
2:  j       2b
ASM
    rv_link "$tmp/$3.S" "$tmp/$3.elf"
}
sleeper 100000000000000 0x80 months  # 10^14 ticks: 116 days of guest time
sleeper 5000000 0x80 half           # half a second
sleeper 1 0 never                   # nothing can wake it

# cpu_ms CMD...: run CMD, print the host CPU its children used, in ms.
cpu_ms() {
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((r.ru_utime + r.ru_stime) * 1000))' "$@"
}

echo "1..6"
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

# Issue 9: idle under -icount.  sleep=off (bare -icount): time jumps to the
# next deadline, so an hour of WFI takes no time; with nothing armed, waiting
# costs no CPU.  sleep=on: idle time passes at real speed.
start=$(date +%s%N)
timeout 20 $DBT -icount -bios none "$tmp/months.elf" >/dev/null
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $status = 0 ] && [ $ms -lt 2000 ]; then
    echo "ok 4 - -icount: 116 days of guest WFI pass in ${ms} ms (time jumps to the deadline)"
else echo "not ok 4 - -icount: status $status after ${ms} ms"; fi
# Two seconds more of waiting, not the start (an ASan build spends most
# of a second setting up its shadow memory), must cost no CPU.
short=$(cpu_ms timeout 1.5 $DBT -icount -bios none "$tmp/never.elf")
long=$(cpu_ms timeout 3.5 $DBT -icount -bios none "$tmp/never.elf")
if [ $((long - short)) -lt 300 ]; then
    echo "ok 5 - -icount: 2 s more in WFI with no timer armed cost $((long - short)) ms more host CPU ($short ms in 1.5 s, $long ms in 3.5 s)"
else echo "not ok 5 - -icount: 2 s more in WFI with no timer cost $((long - short)) ms more host CPU ($short ms in 1.5 s, $long ms in 3.5 s)"; fi
start=$(date +%s%N)
timeout 20 $DBT -icount shift=3,sleep=on -bios none "$tmp/half.elf" >/dev/null
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $status = 0 ] && [ $ms -ge 450 ] && [ $ms -lt 5000 ]; then
    echo "ok 6 - -icount shift=3,sleep=on: half a second of guest WFI takes ${ms} ms"
else echo "not ok 6 - -icount sleep=on: status $status after ${ms} ms (want 0.5 s)"; fi
