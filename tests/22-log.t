#!/bin/sh
# 22-log.t — the -d logs a learner reads: in_asm shows each block once with
# standard mnemonics and ABI register names (and every block, however many),
# int shows every trap with its
# cause, pc, tval and mode change, exec shows each block run; -D sends the
# log to a file, flushed when a signal ends dbt; out_asm shows the JIT's host
# code under each guest instruction; mmu shows satp writes, walks, TLB fills,
# faults and sfence.vma (on tests/guest/vm_sv39.elf); cpu dumps the registers
# at each block start.  The guest is built here: an ecall from M-mode, handled, a
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

# Issue 9: many blocks (40001, past the 32768 where in_asm used to stop in
# silence), and a -D log whose buffered tail must survive SIGTERM and SIGHUP.
{
    printf '    .text\n    .globl _start\n_start:\n'
    printf '    .rept 40000\n    j 1f\n1:\n    .endr\n'
    printf '    la t1, tohost\n    li t2, 1\n    sd t2, 0(t1)\n2:  j 2b\n'
} >"$tmp/many.S"
rv_link "$tmp/many.S" "$tmp/many.elf"
printf '    .text\n    .globl _start\n_start:\n    li a0, 1\n1:  addi a0, a0, 1\n    j 1b\n' \
    >"$tmp/loop.S"
rv_link "$tmp/loop.S" "$tmp/loop.elf"

echo "1..27"
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

# -dfilter: one block of the handler alone (0x8000002c, after its csrr),
# by each of QEMU's three spellings of a range
for range in 0x8000002c..0x8000002f 0x8000002c+4 0x8000002f-4; do
    timeout 20 $DBT -bios none -d in_asm,exec -dfilter $range -D "$tmp/filtered" "$tmp/t.elf" \
        >/dev/null 2>&1
    n=$((n + 1))
    if grep -q '^exec: hart 0 pc 0x8000002c priv M$' "$tmp/filtered" &&
       grep -q '^0x000000008000002c: ' "$tmp/filtered" &&
       ! grep '^exec:' "$tmp/filtered" | grep -vq ' pc 0x8000002c ' &&
       [ "$(grep -c '^IN:' "$tmp/filtered")" = 1 ]; then
        echo "ok $n - -dfilter $range logs the block at 0x8000002c and no other"
    else echo "not ok $n - -dfilter $range:"; sed 's/^/# /' "$tmp/filtered" | head -20; fi
done
timeout 20 $DBT -bios none -d out_asm -dfilter 0x8000002c+4 -D "$tmp/out_filtered" "$tmp/t.elf" \
    >/dev/null 2>&1
n=$((n + 1))
if [ "$(grep '^OUT:' "$tmp/out_filtered" | sed 's/,.*//' | sort -u)" = "OUT: block pa 0x8000002c va 0x8000002c" ]; then
    echo "ok $n - -dfilter keeps out_asm to the blocks in its range"
else echo "not ok $n - out_asm blocks: $(grep '^OUT:' "$tmp/out_filtered" | head -5)"; fi
timeout 20 $DBT -bios none -d in_asm -dfilter 0x80000030..0x80000010 "$tmp/t.elf" >/dev/null 2>"$tmp/err4"
status=$?
n=$((n + 1))
if [ $status = 2 ] && grep -q "^dbt: -dfilter 0x80000030..0x80000010: '0x80000030..0x80000010' is not a range" "$tmp/err4"; then
    echo "ok $n - a range that ends before it starts is a clear error"
else echo "not ok $n - status $status: $(cat "$tmp/err4")"; fi

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

timeout 60 $DBT -bios none -d in_asm -D "$tmp/many.log" "$tmp/many.elf" >/dev/null 2>"$tmp/many.err"
status=$?
blocks=$(grep -c '^IN:' "$tmp/many.log")
n=$((n + 1))
if [ $status = 0 ] && [ "$blocks" -ge 40001 ]; then echo "ok $n - in_asm shows all $blocks blocks"
else echo "not ok $n - status $status, $blocks blocks of 40001 shown"; fi

# ignored_here N: is signal N ignored by this shell (and so by what it
# starts)?  SIGHUP is, under nohup, and dbt then keeps it ignored.
ignored_here() {
    mask=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status)
    [ -n "$mask" ] && [ $(((0x$mask >> ($1 - 1)) & 1)) = 1 ]
}

# signal_log SIG: dbt -D, ended by SIG after a second: status 128+N, the log
# has its tail, stderr says which signal.  A dbt still running 10 s after
# the signal is killed (status 137), so the case fails instead of hanging.
signal_log() {
    if ignored_here $(($2 - 128)); then
        for what in "the -D log has its buffered tail" "one line on stderr says so"; do
            n=$((n + 1))
            echo "ok $n # skip SIG$1: $what (SIG$1 is ignored here, so in dbt too)"
        done
        return
    fi
    $DBT -bios none -d in_asm -D "$tmp/sig.log" "$tmp/loop.elf" </dev/null >/dev/null \
        2>"$tmp/sig.err" &
    pid=$!
    sleep 1
    kill -"$1" $pid
    tries=0
    while kill -0 $pid 2>/dev/null && [ $tries -lt 100 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    kill -9 $pid 2>/dev/null
    wait $pid
    status=$?
    n=$((n + 1))
    if [ $status = "$2" ] && grep -q 'a0,a0,1$' "$tmp/sig.log"; then
        echo "ok $n - SIG$1: status $status, the -D log has its buffered tail"
    else
        echo "not ok $n - SIG$1: status $status (want $2), log: $(head -c 300 "$tmp/sig.log")"
    fi
    n=$((n + 1))
    if [ "$(cat "$tmp/sig.err")" = "dbt: terminated by signal $(($2 - 128))" ]; then
        echo "ok $n - SIG$1: one line on stderr says so"
    else echo "not ok $n - SIG$1: stderr: $(cat "$tmp/sig.err")"; fi
}
signal_log TERM 143
signal_log HUP 129
# mmu: the paging test program writes satp, walks, fills, faults, fences
timeout 20 $DBT -bios none -d mmu -D "$tmp/mmu" tests/guest/vm_sv39.elf >/dev/null 2>&1
check "mmu shows the satp write with mode and root" \
    '^mmu: hart 0 satp = 0x8[0-9a-f]+ \(sv39, asid [0-9]+, root 0x[0-9a-f]+\)$' "$tmp/mmu"
check "mmu shows each level of a walk" '^mmu: hart 0 walk va 0x[0-9a-f]+ level 0 pte@0x[0-9a-f]+ = 0x[0-9a-f]+$' "$tmp/mmu"
check "mmu shows TLB fills with their permissions" \
    '^mmu: hart 0 fill ctx [1-8] va 0x[0-9a-f]+ -> pa 0x[0-9a-f]+ [r-][w-][x-]$' "$tmp/mmu"
check "mmu shows sfence.vma" '^mmu: hart 0 pc 0x[0-9a-f]+ sfence.vma (all|va 0x[0-9a-f]+) ' "$tmp/mmu"

# cpu: a register dump under each exec line (the interpreter draws blocks)
timeout 20 $DBT -bios none -d exec,cpu -D "$tmp/cpu" "$tmp/t.elf" >/dev/null 2>&1
n=$((n + 1))
execs=$(grep -c '^exec:' "$tmp/cpu"); dumps=$(grep -c '^ pc       [0-9a-f]\{16\}$' "$tmp/cpu")
if [ "$execs" -ge 3 ] && [ "$execs" = "$dumps" ] &&
   grep -q '^ x8/s0    [0-9a-f]\{16\} x9/s1    [0-9a-f]\{16\} x10/a0   000000000000002a x11/a1 ' "$tmp/cpu"; then
    echo "ok $n - cpu dumps pc, CSRs and x0-x31 at each of $execs block starts (a0 = 42 seen)"
else echo "not ok $n - $execs blocks, $dumps dumps"; head -40 "$tmp/cpu" | sed 's/^/# /'; fi
