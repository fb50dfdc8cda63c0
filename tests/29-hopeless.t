#!/bin/sh
# 29-hopeless.t — a guest that can never get anywhere is said in one line,
# not left to run in silence (issue 9): a kernel panic (Linux's "Kernel panic
# - not syncing" on the console), a hart that traps at the same place over
# and over without retiring an instruction (here a blob of 0xff bytes run as
# -bios).  By default dbt then keeps running, as QEMU does; -action
# panic=exit-failure exits 1, panic=shutdown exits 0.  -no-reboot turns a
# guest reboot into an exit.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/panic.S" <<'ASM'
    .text
    .globl _start
_start:
    li      s0, 0x10000000          # UART
    la      a0, msg
1:  lbu     a1, 0(a0)
    beqz    a1, 2f
    sb      a1, 0(s0)
    addi    a0, a0, 1
    j       1b
2:  j       2b
msg: .asciz "[    0.000000] Kernel panic - not syncing: test panic\n"
ASM
rv_link "$tmp/panic.S" "$tmp/panic.elf"
cat >"$tmp/reboot.S" <<'ASM'
    .text
    .globl _start
_start:
    li      t0, 0x100000            # sifive,test: reset
    li      t1, 0x7777
    sw      t1, 0(t0)
1:  j       1b
ASM
rv_link "$tmp/reboot.S" "$tmp/reboot.elf"
head -c 4096 /dev/zero | tr '\0' '\377' >"$tmp/blob.bin"

n=0
echo "1..8"
# expect NAME STATUS REGEX ARGS...: ./dbt ARGS (stopped after 3 s) exits with
# STATUS and stderr is one line matching REGEX (and, when timeout ended it,
# the line saying so).
expect() {
    name=$1 want=$2 re=$3
    shift 3
    timeout 3 ./dbt "$@" </dev/null >/dev/null 2>"$tmp/err.all"
    status=$?
    grep -v '^dbt: terminated by signal 15$' "$tmp/err.all" >"$tmp/err"
    n=$((n + 1))
    if [ $status = "$want" ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -Eq -- "$re" "$tmp/err"
    then echo "ok $n - $name"
    else echo "not ok $n - $name: status $status (want $want)"; sed 's/^/# /' "$tmp/err" | head; fi
}
said='^dbt: the guest kernel panicked: "Kernel panic - not syncing: test panic"$'
expect "kernel panic: said once, then it keeps running (QEMU's default)" 124 "$said" \
    -bios none "$tmp/panic.elf"
expect "kernel panic, -action panic=exit-failure: exits 1" 1 "$said" \
    -action panic=exit-failure -bios none "$tmp/panic.elf"
expect "kernel panic, -action panic=shutdown: exits 0" 0 "$said" \
    -action panic=shutdown -bios none "$tmp/panic.elf"
stuck='^dbt: hart 0 is stuck: trap after trap at pc 0x0 .*no instruction retired$'
expect "a blob of 0xff as -bios: the stuck hart is said once, it keeps running" 124 "$stuck" \
    -bios "$tmp/blob.bin"
expect "a blob of 0xff as -bios, -action panic=exit-failure: exits 1" 1 "$stuck" \
    -action panic=exit-failure -bios "$tmp/blob.bin"
expect "the same under -interp" 1 "$stuck" -interp -action panic=exit-failure \
    -bios "$tmp/blob.bin"
expect "-action panic=pause is refused by name" 2 "panic=pause" -action panic=pause \
    -bios none "$tmp/panic.elf"

timeout 5 ./dbt -no-reboot -bios none "$tmp/reboot.elf" </dev/null >/dev/null 2>&1
status=$?
n=$((n + 1))
if [ $status = 0 ]; then echo "ok $n - -no-reboot: a guest reboot ends the run, status 0"
else echo "not ok $n - -no-reboot: status $status"; fi
