#!/bin/sh
# 31-replay.t — -record / -replay on a bare-metal guest that polls the UART
# for input while a timer interrupts it: the -d exec,int logs and the output
# of a recorded run and of its replay are identical, though the input came
# at host-chosen moments; a replay with a changed image, other options or a
# tampered recording is refused with a clear error.  (tests/32-debug-boot.t
# does the same on a Linux boot.)
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/echo.S" <<'ASM'
    .option norelax
    .text
    .globl _start
_start:
    la      t0, trap
    csrw    mtvec, t0
    li      s3, 0x2004000           # CLINT mtimecmp, hart 0
    li      t0, 0x200bff8           # mtime
    ld      t1, 0(t0)
    addi    t1, t1, 500
    sd      t1, 0(s3)
    li      t0, 0x80                # MTIE
    csrs    mie, t0
    csrsi   mstatus, 8              # MIE
    li      s1, 0x10000000          # UART
1:  lbu     t0, 5(s1)               # LSR: data ready?
    andi    t0, t0, 1
    beqz    t0, 1b
    lbu     a0, 0(s1)
    sb      a0, 0(s1)               # echo it
    li      t0, 'q'
    bne     a0, t0, 1b
    li      t0, '0'                 # then the number of ticks, mod 10
    li      t1, 10
    remu    t2, s2, t1
    add     t0, t0, t2
    sb      t0, 0(s1)
    la      t1, tohost
    li      t2, 1
    sd      t2, 0(t1)
2:  j       2b
    .align  2
trap:                               # timer: count, and again in 500 ticks
    addi    s2, s2, 1
    ld      t4, 0(s3)
    addi    t4, t4, 500
    sd      t4, 0(s3)
    mret
ASM
rv_link "$tmp/echo.S" "$tmp/echo.elf"

echo "1..8"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
# Input in three bursts, at moments only the host's scheduler decides.
feed() { printf 'ab'; sleep 0.05; printf 'cd\n'; sleep 0.05; printf 'q'; sleep 0.2; }

feed | timeout 20 ./dbt -icount -bios none -record "$tmp/rec" -d exec,int -D "$tmp/log1" \
    "$tmp/echo.elf" >"$tmp/out1" 2>"$tmp/err1"
status=$?
events=$(grep -c '^I ' "$tmp/rec")
if [ $status = 0 ] && [ "$events" -ge 1 ] && grep -q '^abcd$' "$tmp/out1"; then
    ok "recorded: $events input events, $(wc -l <"$tmp/log1") log lines, output $(tr '\n' ' ' <"$tmp/out1")"
else nok "record: status $status, $(cat "$tmp/err1"), output $(cat "$tmp/out1")"; fi

# Replay: stdin is ignored (here it says something else entirely).
echo zzzz | timeout 20 ./dbt -icount -bios none -replay "$tmp/rec" -d exec,int -D "$tmp/log2" \
    "$tmp/echo.elf" >"$tmp/out2" 2>"$tmp/err2"
status=$?
if [ $status = 0 ] && cmp -s "$tmp/out1" "$tmp/out2"; then ok "replay: same output, stdin ignored"
else nok "replay: status $status, $(cat "$tmp/err2"), output $(cat "$tmp/out2")"; fi
if cmp -s "$tmp/log1" "$tmp/log2" && grep -q '^int: hart 0 interrupt 7' "$tmp/log1"; then
    ok "replay: -d exec,int logs identical ($(grep -c '^int:' "$tmp/log1") timer interrupts)"
else nok "logs differ: $(cmp "$tmp/log1" "$tmp/log2" 2>&1)"; fi

# The recording does not depend on logging: record without -d, replay with it.
feed | timeout 20 ./dbt -icount -bios none -record "$tmp/rec3" "$tmp/echo.elf" >/dev/null 2>&1
timeout 20 ./dbt -icount -bios none -replay "$tmp/rec3" -d exec -D "$tmp/log3" "$tmp/echo.elf" \
    </dev/null >/dev/null 2>&1
timeout 20 ./dbt -icount -bios none -replay "$tmp/rec3" -d exec -D "$tmp/log4" "$tmp/echo.elf" \
    </dev/null >/dev/null 2>&1
if [ -s "$tmp/log3" ] && cmp -s "$tmp/log3" "$tmp/log4"; then ok "a recording made without logs replays the same twice"
else nok "replays of one recording differ"; fi

# A changed image is refused, naming what changed.
cp "$tmp/echo.elf" "$tmp/other.elf"; printf 'x' >>"$tmp/other.elf"
timeout 20 ./dbt -icount -bios none -replay "$tmp/rec" "$tmp/other.elf" </dev/null >/dev/null 2>"$tmp/err"
status=$?
if [ $status = 2 ] && grep -q '^dbt: replay: .*: -kernel differs from the recording (now "[0-9]* [0-9a-f]*", recorded' "$tmp/err"; then
    ok "a changed kernel file is refused: $(cut -c1-90 "$tmp/err")..."
else nok "status $status: $(cat "$tmp/err")"; fi
timeout 20 ./dbt -icount -m 256M -bios none -replay "$tmp/rec" "$tmp/echo.elf" </dev/null >/dev/null 2>"$tmp/err"
status=$?
if [ $status = 2 ] && grep -q '^dbt: replay: .*: -m differs from the recording' "$tmp/err"; then
    ok "another -m is refused"
else nok "status $status: $(cat "$tmp/err")"; fi

# A recording whose input came at another instruction: diverged, loudly.
awk '$1 == "I" && !done { $3 = $3 + 1; done = 1 } { print }' "$tmp/rec" >"$tmp/bad"
timeout 20 ./dbt -icount -bios none -replay "$tmp/bad" "$tmp/echo.elf" </dev/null >/dev/null 2>"$tmp/err"
status=$?
if [ $status = 2 ] && grep -q '^dbt: replay: .*: diverged: console read [0-9]* at instruction [0-9]*, recorded at [0-9]*$' "$tmp/err"; then
    ok "an input at another instruction count stops the replay: $(cat "$tmp/err")"
else nok "status $status: $(cat "$tmp/err")"; fi

timeout 20 ./dbt -bios none -record "$tmp/x" "$tmp/echo.elf" </dev/null >/dev/null 2>"$tmp/err"
status=$?
if [ $status = 2 ] && grep -q '^dbt: -record: needs -icount' "$tmp/err"; then ok "-record without -icount is refused"
else nok "status $status: $(cat "$tmp/err")"; fi
