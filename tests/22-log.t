#!/bin/sh
# 22-log.t — the -d logs a learner reads: in_asm shows each block once with
# standard mnemonics and ABI register names, int shows every trap with its
# cause, pc, tval and mode change, exec shows each block run; -D sends the
# log to a file; out_asm shows the JIT's host code under each guest
# instruction.  The guest is built here: an ecall from M-mode, handled, a
# return with mret, then an HTIF exit.
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.S" <<'ASM'
    .option norelax
    .text
    .globl _start
_start:
    la      t0, handler
    csrw    mtvec, t0
    li      a0, 42
    ecall                       # cause 11, back at the next instruction
    addi    a0, a0, 1
    la      t1, tohost
    li      t2, 1
    sd      t2, 0(t1)
1:  j       1b
    .align  2                   # mtvec's low two bits are the mode
handler:
    csrr    t0, mepc
    addi    t0, t0, 4
    csrw    mepc, t0
    mret
ASM
rv_link "$tmp/t.S" "$tmp/t.elf"

echo "1..12"
n=0
check() { # check DESCRIPTION PATTERN FILE
    n=$((n + 1))
    if grep -Eq -- "$2" "$3"; then echo "ok $n - $1"
    else echo "not ok $n - $1"; sed 's/^/# /' "$3" | head -40; fi
}
timeout 20 $DBT -bios none -d in_asm,int,exec -D "$tmp/log" "$tmp/t.elf" >"$tmp/out" 2>"$tmp/err"
status=$?
n=$((n + 1))
if [ $status = 0 ] && [ ! -s "$tmp/err" ]; then echo "ok $n - with -D the log goes to the file, not stderr"
else echo "not ok $n - status $status, stderr: $(head -c 200 "$tmp/err")"; fi
check "in_asm shows the first block with its address and bits" \
    '^0x0000000080000000:  [0-9a-f]{8}  auipc +t0,0x0$' "$tmp/log"
check "in_asm uses ABI names" 'csrw +mtvec,t0$' "$tmp/log"
check "in_asm shows ecall" ' ecall$' "$tmp/log"
check "int shows the ecall: cause 11, pc, M -> M" \
    '^int: hart 0 exception 11 at pc 0x80000010 tval 0x0, M -> M$' "$tmp/log"
check "exec shows the handler block run" '^exec: hart 0 pc 0x8000002[0-9a-f] priv M$' "$tmp/log"
n=$((n + 1))
blocks=$(grep -c '^IN:' "$tmp/log")
starts=$(grep '^0x' "$tmp/log" | awk '{print $1}' | sort | uniq -d | wc -l)
if [ "$starts" = 0 ] && [ "$blocks" -ge 3 ]; then echo "ok $n - each block is shown once ($blocks blocks)"
else echo "not ok $n - $blocks blocks, $starts addresses shown twice"; fi

timeout 20 $DBT -bios none -d int "$tmp/t.elf" 2>"$tmp/err2" >/dev/null
check "without -D the log goes to stderr" '^int: hart 0 exception 11' "$tmp/err2"
timeout 20 $DBT -bios none -d bogus "$tmp/t.elf" 2>"$tmp/err3" >/dev/null
status=$?
n=$((n + 1))
if [ $status = 2 ] && grep -q '^dbt: -d bogus: unknown log item' "$tmp/err3"; then
    echo "ok $n - an unknown log item is a clear error"
else echo "not ok $n - status $status: $(cat "$tmp/err3")"; fi

# out_asm: each block's guest instructions, each with the x86-64 it became
timeout 20 $DBT -bios none -d out_asm -D "$tmp/out_asm" "$tmp/t.elf" >/dev/null 2>&1
check "out_asm names each block by physical and virtual pc" \
    '^OUT: block pa 0x80000000 va 0x80000000, [0-9]+ guest instructions' "$tmp/out_asm"
check "out_asm lists the guest instruction" '^  0x0000000080000000:  auipc +t0,0x0$' "$tmp/out_asm"
if command -v objdump >/dev/null 2>&1; then
    check "out_asm disassembles the host code under it (objdump)" \
        '^    0x[0-9a-f]+:  lea +\(%r12\),%rax$' "$tmp/out_asm"
else
    n=$((n + 1)); echo "ok $n # SKIP objdump is not installed"
fi
