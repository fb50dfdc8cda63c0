#!/bin/sh
# 28-jit.t — the JIT's own machinery, seen through -stats and its errors:
# blocks are translated and chained, stores into code undo chains and
# invalidate pages, a tiny code cache is flushed under load and the program
# still passes, -interp creates no JIT, and -check both passes a correct
# program and catches a JIT that is wrong on purpose (DBT_JIT_SELFTEST_BUG
# mistranslates addi), naming the instruction; DBT_JIT_MPROTECT=1 runs the
# W^X fallback (one mapping, mprotect around writes); a trace's accesses on
# both sides of a page boundary stay out of C; -stats lists the top traces;
# an S-mode loop becomes a trace only with -trace-kernel; a loop trace's
# peeled iteration and its loop share each access site's probe slot; a
# loop with more registers than fit keeps the one it carries in a host
# register; interrupt-enable writes with nothing to take stay in generated
# code; and FP in traces without AVX or FMA3.  The guest programs are
# tests/guest/*.elf, built by `make guests`.
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for g in rv64i_control smc jit_cache rv64i_mem rv64i_arith straddle traces rvd rvf; do
    if [ ! -f tests/guest/$g.elf ]; then
        echo "1..0 # SKIP tests/guest/$g.elf is not built (make guests)"
        exit 0
    fi
done

echo "1..28"
n=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$2" | head -30; }
# stat FILE TEXT: the number on the -stats line that says TEXT
stat() { grep -F "jit: $2" "$1" | awk '{print $NF}' | head -1; }
# more_than FILE TEXT N DESCRIPTION
more_than() {
    v=$(stat "$1" "$2")
    if [ -n "$v" ] && [ "$v" -gt "$3" ]; then pass "$4 ($2: $v)"; else fail "$4 ($2: '$v')" "$1"; fi
}

$DBT -stats -bios none tests/guest/rv64i_control.elf >"$tmp/ctl" 2>&1
more_than "$tmp/ctl" "blocks translated" 10 "control flow runs as translated blocks"
more_than "$tmp/ctl" "chain patches" 10 "direct branches are chained"

$DBT -stats -bios none tests/guest/smc.elf >"$tmp/smc" 2>&1
more_than "$tmp/smc" "pages invalidated by guest stores" 100 "stores into code invalidate its page"
more_than "$tmp/smc" "chains undone" 0 "invalidated blocks are unlinked from their callers"

if $DBT -stats -jit-cache 64K -bios none tests/guest/jit_cache.elf >"$tmp/cache" 2>&1; then
    more_than "$tmp/cache" "code cache flushes" 5 "a 64 KiB code cache is flushed under load, and the program passes"
else
    fail "jit_cache.elf with -jit-cache 64K" "$tmp/cache"
fi

$DBT -interp -stats -bios none tests/guest/rv64i_control.elf >"$tmp/interp" 2>&1
if grep -q "retired" "$tmp/interp" && ! grep -q "jit:" "$tmp/interp"; then
    pass "-interp runs no JIT at all"
else
    fail "-interp runs no JIT at all" "$tmp/interp"
fi

if grep -q "W^X, two mappings" "$tmp/ctl"; then pass "the code cache is W^X: written and executed through two mappings"
else fail "W^X code cache" "$tmp/ctl"; fi

if $DBT -check -stats -bios none tests/guest/rv64i_mem.elf >"$tmp/check" 2>&1; then
    more_than "$tmp/check" "blocks checked (-check)" 50 "-check runs loads and stores under both executors and agrees"
else
    fail "-check of rv64i_mem.elf" "$tmp/check"
fi

DBT_JIT_SELFTEST_BUG=1 $DBT -check -bios none tests/guest/rv64i_arith.elf >"$tmp/bug" 2>&1
status=$?
if [ $status = 3 ] && grep -q "the JIT and the interpreter differ" "$tmp/bug" &&
    grep -Eq "^  0x[0-9a-f]+:  add .*<-- the first instruction whose results differ" "$tmp/bug"; then
    pass "-check catches a mistranslated addi and names it (exit 3)"
else
    fail "-check catches a mistranslated addi (status $status)" "$tmp/bug"
fi
if grep -Eq "^  (a[0-7]|t[0-6]|s[0-9]+|sp|ra|gp|tp) +0x[0-9a-f]+ +0x[0-9a-f]+ +<--$" "$tmp/bug"; then
    pass "-check shows both register files with the difference marked"
else
    fail "-check register files" "$tmp/bug"
fi

# The same inside traces only: the report shows the trace's path.
DBT_JIT_SELFTEST_BUG=trace $DBT -check -trace-threshold 1 -bios none tests/guest/traces.elf \
    >"$tmp/tbug" 2>&1
status=$?
if [ $status = 3 ] && grep -q "^  (a trace of [0-9]* instructions" "$tmp/tbug" &&
    grep -Eq "^  0x[0-9a-f]+:  add .*<-- the first instruction whose results differ" "$tmp/tbug"; then
    pass "-check catches a mistranslated addi in a trace and names it (exit 3)"
else
    fail "-check catches a mistranslated addi in a trace (status $status)" "$tmp/tbug"
fi
if DBT_JIT_SELFTEST_BUG=trace $DBT -no-traces -check -bios none tests/guest/traces.elf \
    >"$tmp/tnobug" 2>&1; then
    pass "the trace-only bug is in traces only (-no-traces -check agrees)"
else
    fail "-no-traces -check with the trace-only bug" "$tmp/tnobug"
fi

# A trace reuses one TLB probe for accesses through the same base; one on
# the next page (a frame across a page boundary) is probed out of line, not
# sent to C: nearly every probe hits.  (Sent to C, a third of them missed.)
if $DBT -stats -trace-threshold 1 -bios none tests/guest/straddle.elf >"$tmp/straddle" 2>&1; then
    pass "straddle.elf passes in traces"
else
    fail "straddle.elf in traces" "$tmp/straddle"
fi
rate=$(grep -F "data TLB hit rate" "$tmp/straddle" | awk '{print $(NF-2)}' | tr -d %)
if [ -n "$rate" ] && awk -v r="$rate" 'BEGIN { exit !(r >= 99) }'; then
    pass "accesses on both sides of a page boundary hit the TLB in a trace ($rate%)"
else
    fail "TLB hit rate across a page boundary in a trace: '$rate'" "$tmp/straddle"
fi
# An instruction across a page boundary runs in a block of its own (a
# straddler), not in the interpreter: of its 9000 runs (3000 in each of
# cases 4-6) only one in each of case 6's 1500 pairs (at the address whose
# second page the straddler is not for) may be interpreted.  (Before
# straddlers: all 9000.)
steps=$(grep -F "instructions interpreted" "$tmp/straddle" | awk '{print $NF}')
if [ -n "$steps" ] && [ "$steps" -lt 2000 ]; then
    pass "a page-straddling instruction runs in generated code ($steps interpreted)"
else
    fail "page-straddling instructions interpreted: '$steps'" "$tmp/straddle"
fi

# -stats names the traces that ran the most: here a 3-instruction loop,
# called 300 times, that runs nearly every instruction.  The same loop runs
# in M-mode and, below, in S-mode.
calls='    li      s0, 300
1:  call    inner
    addi    s0, s0, -1
    bnez    s0, 1b'
inner='inner:
    li      t0, 1000
    .globl loop_head
loop_head:
    mul     t3, t0, t0
    addi    t0, t0, -1
    bnez    t0, loop_head
    ret'
tohost='    la      t1, tohost
    li      t2, 1
    sd      t2, 0(t1)
2:  j       2b'
# the exit status is s1's low 7 bits (HTIF: tohost = status << 1 | 1)
exit_s1='    andi    s1, s1, 0x7f
    slli    s1, s1, 1
    ori     s1, s1, 1
    la      t1, tohost
    sd      s1, 0(t1)
3:  j       3b'
# loop_elf NAME CODE: $tmp/NAME.elf from CODE (from _start on); head is
# then the address of its loop_head, as -stats prints it
loop_elf() {
    printf '    .option norelax\n    .text\n    .globl _start\n_start:\n%s\n' "$2" >"$tmp/$1.S"
    rv_link "$tmp/$1.S" "$tmp/$1.elf"
    head=$(riscv64-unknown-elf-nm "$tmp/$1.elf" | awk '$3 == "loop_head" { print $1 }' | sed 's/^0*//')
}
# interp_status NAME: the exit status of $tmp/NAME.elf under the interpreter
interp_status() { $DBT -interp -bios none "$tmp/$1.elf" >/dev/null 2>&1; echo $?; }
# loop_stats NAME OUT [OPTION...]: -stats of $tmp/NAME.elf, traced at 10 runs, into $tmp/OUT
loop_stats() {
    elf=$1 out=$2
    shift 2
    $DBT -stats -trace-threshold 10 "$@" -bios none "$tmp/$elf.elf" >"$tmp/$out" 2>&1
}
# top_trace OUT: the -stats line, in $tmp/OUT, of the trace that ran the most
top_trace() { grep -A1 "trace: the .* that ran the most guest instructions" "$tmp/$1" | tail -1; }
loop_elf loop "$calls
$tohost
$inner"
loop_stats loop top
line=$(top_trace top)
share=$(echo "$line" | sed -n 's/.*insns: \([0-9.]*\)%.*/\1/p')
if echo "$line" | grep -q "trace:   0x$head (pa 0x$head) loop, 3 insns: " &&
   awk -v s="$share" 'BEGIN { exit !(s >= 90) }'; then
    pass "-stats: the top trace is the loop at 0x$head ($share% of trace instructions)"
else
    fail "-stats top traces: '$line' (head 0x$head)" "$tmp/top"
fi

# Kernel code gets traces only with -trace-kernel: the same loop in S-mode.
loop_elf loop_s "    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f                /* NAPOT, RWX: S-mode may use all */
    csrw    pmpcfg0, t0
    la      t0, m_trap
    csrw    mtvec, t0
    li      t0, 3 << 11
    csrc    mstatus, t0
    li      t0, 1 << 11             /* MPP = S */
    csrs    mstatus, t0
    la      t0, s_entry
    csrw    mepc, t0
    mret
s_entry:
$calls
    ecall
m_trap:
$tohost
$inner"
loop_stats loop_s s_off
loop_stats loop_s s_on -trace-kernel
if ! grep -q "trace:   0x$head " "$tmp/s_off" && grep -q "^dbt: jit: traces formed  *0$" "$tmp/s_off" &&
   top_trace s_on | grep -q "trace:   0x$head (pa 0x$head) loop, 3 insns: "; then
    pass "an S-mode loop becomes a trace with -trace-kernel only"
else
    cat "$tmp/s_off" "$tmp/s_on" >"$tmp/s_both"
    fail "S-mode traces and -trace-kernel (head 0x$head)" "$tmp/s_both"
fi

# Load and store windows: a loop stepping two pointers 16 bytes at a time
# loads four words around one and stores them around the other (in
# another order); the first access of each probes, the others use its
# window, which -check turns off for stores (they all go to C there).
# The walk starts 8 bytes into a page, so at each page boundary a window
# straddles two pages (it is off: the others probe the TLB themselves),
# and the first round meets every page cold in the TLB (the first load
# goes to C, which turns the window off too).  -check runs both
# executors in lockstep; the sum's low byte is the exit status, which must
# be the interpreter's.
loop_elf window "    la      a0, buffer
    li      t0, 3072
    li      t1, 0x9e3779b9
    li      t2, 0
1:  sw      t2, 0(a0)
    add     t2, t2, t1
    addi    a0, a0, 4
    addi    t0, t0, -1
    bnez    t0, 1b
    li      s0, 30
    li      s1, 0
2:  la      a0, buffer + 8
    la      a1, copy + 4088
    li      t0, 767
    .globl loop_head
loop_head:
    lw      t1, 0(a0)
    lw      t2, 4(a0)
    addi    a0, a0, 16
    lw      t3, -8(a0)
    lw      t4, -4(a0)
    sw      t4, 0(a1)
    sw      t3, 4(a1)
    addi    a1, a1, 16
    sw      t2, -8(a1)
    sw      t1, -4(a1)
    add     s1, s1, t1
    xor     s1, s1, t2
    add     s1, s1, t3
    sub     s1, s1, t4
    slli    t5, s1, 7
    add     s1, s1, t5
    addi    t0, t0, -1
    bnez    t0, loop_head
    addi    s0, s0, -1
    bnez    s0, 2b
    la      a1, copy + 4088
    li      t0, 3068
4:  lw      t1, 0(a1)
    add     s1, s1, t1
    slli    t5, s1, 5
    xor     s1, s1, t5
    addi    a1, a1, 4
    addi    t0, t0, -1
    bnez    t0, 4b
$exit_s1
    .data
    .balign 4096
buffer: .zero 12288
copy:   .zero 16384"
want=$(interp_status window)
loop_stats window win -check
got=$?
windows=$(sed -n 's/^dbt: jit: load\/store windows in traces.* \([0-9][0-9]*\)$/\1/p' "$tmp/win")
if [ "$got" = "$want" ] && [ "$want" -gt 0 ] && [ "${windows:-0}" -ge 1 ]; then
    pass "load and store windows: -check agrees across page boundaries and TLB misses (sum $want, $windows windows)"
else
    fail "load and store windows: status $got, the interpreter's $want, ${windows:-no} windows" "$tmp/win"
fi
loop_stats window win_fast
got=$?
rate=$(sed -n 's/^dbt: jit: load\/store window hit rate (no probe) *\([0-9.]*\)% of .*/\1/p' "$tmp/win_fast")
if [ "$got" = "$want" ] && grep -q "trace:   0x$head (pa 0x$head) loop, 18 insns: " "$tmp/win_fast" &&
   awk -v r="${rate:-100}" 'BEGIN { exit !(r >= 90 && r < 100) }'; then
    pass "load and store windows: the loop trace's sum is the interpreter's (status $got); $rate% of its accesses used a window, the rest probed"
else
    fail "load and store windows without -check: status $got, want $want" "$tmp/win_fast"
fi

# A load that overwrites its own base (a list's next) opens no window: the
# loads after it go through the new pointer.  (The Debian boot under
# -check caught the first version of windows taking them from the old.)
loop_elf chase "    li      s0, 3000
    la      a4, node0
    li      s1, 0
    .globl loop_head
loop_head:
    ld      a4, 0(a4)
    ld      t1, 8(a4)
    ld      t2, 16(a4)
    ld      t3, 24(a4)
    add     s1, s1, t1
    xor     s1, s1, t2
    sub     s1, s1, t3
    slli    t5, s1, 3
    add     s1, s1, t5
    addi    s0, s0, -1
    bnez    s0, loop_head
$exit_s1
    .data
    .balign 64
node0:  .dword node1, 3, 5, 7
node1:  .dword node2, 11, 13, 17
node2:  .dword node0, 19, 23, 29"
want=$(interp_status chase)
loop_stats chase chase_check -check
got=$?
loop_stats chase chase_fast
fast=$?
if [ "$got" = "$want" ] && [ "$fast" = "$want" ] && [ "$want" -gt 0 ]; then
    pass "a load overwriting its own base: later loads use the new pointer (status $want, -check too)"
else
    cat "$tmp/chase_check" "$tmp/chase_fast" >"$tmp/chase_both"
    fail "a list walk: status $fast, under -check $got, the interpreter's $want" "$tmp/chase_both"
fi

# A loop trace's first iteration is translated apart from the loop (peeled);
# the two copies of an access site share its probe slot, so the loop's
# first access finds the page the peeled one filled in: in -d out_asm, the
# loop compares only with slots the peeled iteration compares with too.
loop_elf walk "    li      s0, 300
1:  la      a0, buffer
    li      t0, 8
    .globl loop_head
loop_head:
    ld      t1, 0(a0)
    addi    t1, t1, 1
    sd      t1, 8(a0)
    addi    a0, a0, 8
    addi    t0, t0, -1
    bnez    t0, loop_head
    addi    s0, s0, -1
    bnez    s0, 1b
$tohost
    .data
    .balign 4096                    /* not on the code's page */
buffer: .zero 80"
$DBT -trace-threshold 10 -d out_asm -D "$tmp/walk.asm" -bios none "$tmp/walk.elf" >"$tmp/walk" 2>&1
if python3 - "$tmp/walk.asm" "$head" >>"$tmp/walk" 2>&1 <<'PY'
import re, sys
text, head = open(sys.argv[1]).read(), sys.argv[2]
slot = re.compile(r"cmp +0x([0-9a-f]+)\(%rbx\),%rcx")
for sec in re.split(r"(?m)^(?=OUT: )", text):
    if sec.startswith("OUT: trace (loop) pa 0x%s " % head):
        peeled, _, loop = sec.partition("  -- the loop\n")
        a, b = set(slot.findall(peeled)), set(slot.findall(loop))
        print("peeled iteration's slots", sorted(a), "loop's", sorted(b))
        sys.exit(0 if len(b) >= 2 and b <= a else 1)
print("no loop trace at 0x" + head)
sys.exit(1)
PY
then
    pass "a loop trace's peeled iteration and loop share each site's probe slot"
else
    fail "probe slots of the peeled iteration and the loop" "$tmp/walk"
fi

# -stats counts the loop's slot probes (about 290 entries of 8 iterations,
# a load and a store each) and how many found their slot: all but the first
# ones (the slots start empty).
$DBT -stats -trace-threshold 10 -bios none "$tmp/walk.elf" >"$tmp/walk_stats" 2>&1
line=$(grep -F "probe slot hit rate (loop traces)" "$tmp/walk_stats")
rate=$(echo "$line" | awk '{print $(NF-2)}' | tr -d %)
probes=$(echo "$line" | awk '{print $NF}')
if [ -n "$rate" ] && awk -v r="$rate" -v p="$probes" 'BEGIN { exit !(r >= 99.9 && r < 100 && p >= 4000 && p <= 4800) }'; then
    pass "-stats: the loop's probe slots ($probes probes, $rate% found their slot)"
else
    fail "-stats probe slot hit rate: '$line'" "$tmp/walk_stats"
fi

# A loop naming more registers than the six host registers hold keeps
# some across iterations: a2, which an iteration reads and then writes (a
# hash chain walk, a2 = prev[a2 & mask], as in gzip's longest_match), is
# loaded from the hart by the peeled first iteration and never by the
# loop.  -check runs it beside the interpreter (s3 sums the links).
loop_elf chain "    li      s2, 200
    la      a7, window
    la      t6, prev
    li      s1, 0x7ff
    li      t0, 0x55
    li      t1, 3
    li      t5, 0
    li      s3, 0
1:  li      a2, 123
    li      t4, 40
    .globl loop_head
loop_head:
    add     a3, a7, a2
    add     a5, a3, t1
    lbu     s8, 0(a5)
    bne     s8, t0, 2f
    lbu     a5, -1(a5)
2:  and     a2, a2, s1
    sll     a2, a2, 1
    add     a2, a2, t6
    lhu     a2, 0(a2)
    add     s3, s3, a2
    bgeu    t5, a2, 3f
    addw    t4, t4, -1
    bnez    t4, loop_head
3:  addi    s2, s2, -1
    bnez    s2, 1b
$tohost
    .data
    .balign 4096
window: .zero 4096
prev:
    .rept 2048
    .hword (. - prev) * 7919 % 2039 + 1
    .endr"
$DBT -trace-threshold 10 -d out_asm -D "$tmp/chain.asm" -bios none "$tmp/chain.elf" >"$tmp/chain" 2>&1
status=$?
$DBT -check -trace-threshold 10 -bios none "$tmp/chain.elf" >>"$tmp/chain" 2>&1
cstatus=$?
if [ $status = 0 ] && [ $cstatus = 0 ] && python3 - "$tmp/chain.asm" "$head" >>"$tmp/chain" 2>&1 <<'PY'
import re, sys
text, head = open(sys.argv[1]).read(), sys.argv[2]
load = re.compile(r"mov +(-?0x[0-9a-f]+)\(%rbx\),%\w+")
for sec in re.split(r"(?m)^(?=OUT: )", text):
    if sec.startswith("OUT: trace (loop) pa 0x%s " % head):
        peeled, _, loop = sec.partition("  -- the loop\n")
        loop = loop.partition("  -- exits and slow paths")[0]
        # the peeled iteration's first instruction, add a3,a7,a2, loads a7
        # and a2; a2 (x12) lies 40 bytes below a7 (x17) in the hart
        first = peeled.partition("add     a3,a7,a2\n")[2].split("\n  0x")[0]
        offs = sorted(int(o, 16) for o in load.findall(first))
        in_loop = [int(o, 16) for o in load.findall(loop)]
        print("peeled iteration loads", offs, "; the loop loads", in_loop)
        sys.exit(0 if len(offs) == 2 and offs[1] - offs[0] == 40 and in_loop
                 and offs[0] not in in_loop else 1)
print("no loop trace at 0x" + head)
sys.exit(1)
PY
then
    pass "a loop whose registers do not fit keeps the one it carries (a2) in a host register"
else
    fail "a loop that keeps some registers (status $status, -check $cstatus)" "$tmp/chain"
fi

# A tokenizer's loop (cpubench's fsm): three states, four character
# classes drawn from an LCG, so a dozen ways through the loop, and more
# registers than fit.  The trace's side exits go on in continuations,
# planned from the guest page, also from the continuations' own branches:
# few leave the trace.  Registers the loop does not keep take the free
# host register in turn there: `and s2, s5, s6` reads two of them (the
# first version of this evicted s5 to load s6, and -check caught it).
loop_elf fsm "    li      s0, 6000
    li      a4, 0
    li      s1, 0
    li      s2, 1
    li      s3, 2
    li      s4, 3
    li      s5, 0x35
    li      s6, 0x5a
    li      s7, 0x0f
    li      a6, 12345
    li      a5, 1103515245
    .globl loop_head
loop_head:
    mul     a6, a6, a5
    addi    a6, a6, 1013
    srli    t0, a6, 17
    andi    t0, t0, 3
    beqz    a4, 10f
    li      t1, 1
    beq     a4, t1, 20f
    beqz    t0, 30f
    and     s2, s5, s6
    add     s1, s1, s2
    li      a4, 1
    j       90f
30: xor     s3, s3, s7
    add     s1, s1, s3
    li      a4, 0
    j       90f
10: bnez    t0, 11f
    add     s4, s4, s5
    li      a4, 2
    j       90f
11: addi    t1, t0, -2
    bgez    t1, 12f
    or      s2, s6, s7
    sub     s1, s1, s2
    li      a4, 1
    j       90f
12: add     s1, s1, s4
    li      a4, 2
    j       90f
20: andi    t1, t0, 1
    beqz    t1, 21f
    xor     s1, s1, s5
    li      a4, 0
    j       90f
21: slli    s3, s3, 1
    add     s3, s3, s6
    add     s1, s1, s3
    li      a4, 2
90: slli    t2, s1, 5
    srli    t3, s1, 7
    xor     s1, s1, t2
    add     s1, s1, t3
    addi    s0, s0, -1
    bnez    s0, loop_head
    add     s1, s1, s2
    add     s1, s1, s3
    add     s1, s1, s4
$exit_s1"
want=$(interp_status fsm)
loop_stats fsm fsm_check -check
got=$?
loop_stats fsm fsm_fast
fast=$?
exits=$(top_trace fsm_fast | sed -n "s/.*trace:   0x$head (pa 0x$head) loop, .* \([0-9.]*\)% side exits$/\1/p")
if [ "$got" = "$want" ] && [ "$fast" = "$want" ] && [ "$want" -gt 0 ] && [ -n "$exits" ] &&
   awk -v e="$exits" 'BEGIN { exit !(e < 5) }'; then
    pass "a loop with many ways and registers that do not fit stays in its trace ($exits% side exits; status $want, -check too)"
else
    cat "$tmp/fsm_check" "$tmp/fsm_fast" >"$tmp/fsm_both"
    fail "the tokenizer loop: status $fast, under -check $got, the interpreter's $want; side exits '${exits}'" "$tmp/fsm_both"
fi

# Writes that decide which interrupts are taken leave generated code only
# when one is to be taken: Linux toggles sstatus.SIE around every spinlock.
# Here 100000 rounds of clearing and setting mstatus.MIE, with a software
# interrupt pending (CLINT msip) but not enabled in mie, must not return to
# C each time (the slices' ends alone are about 30).  tests/guest/jit_irq.S
# checks the other side: an enabled one is taken at the next instruction.
loop_elf irqoff "    li      t0, 0x2000000
    li      t1, 1
    sw      t1, 0(t0)               /* msip: pending */
    csrw    mie, zero               /* and not enabled */
    li      s0, 100000
1:  csrci   mstatus, 8
    csrsi   mstatus, 8
    addi    s0, s0, -1
    bnez    s0, 1b
    csrr    s1, mip
    srli    s1, s1, 3
    andi    s1, s1, 1               /* exit status: MSIP, still pending */
$exit_s1"
$DBT -stats -bios none "$tmp/irqoff.elf" >"$tmp/irqoff" 2>&1
status=$?
kicks=$(stat "$tmp/irqoff" "returns to C: slice over or kicked")
if [ $status = 1 ] && [ -n "$kicks" ] && [ "$kicks" -lt 1000 ]; then
    pass "200000 writes to mstatus.MIE with nothing to take stay in generated code ($kicks returns to C)"
else
    fail "mstatus.MIE writes: status $status, '$kicks' returns to C for the slice or a kick" "$tmp/irqoff"
fi

$DBT -jit-cache 1K -bios none tests/guest/rv64i_control.elf >"$tmp/small" 2>&1
status=$?
if [ $status = 2 ] && grep -q "^dbt: -jit-cache 1K: the code cache must be" "$tmp/small"; then
    pass "a code cache too small to hold a block is a clear error"
else
    fail "-jit-cache 1K (status $status)" "$tmp/small"
fi

DBT_JIT_MPROTECT=1 $DBT -stats -bios none tests/guest/smc.elf >"$tmp/mprot" 2>&1
status=$?
if [ $status = 0 ] && grep -q "W^X by mprotect" "$tmp/mprot"; then
    pass "without a second mapping, W^X by mprotect runs self-modifying code"
else
    fail "DBT_JIT_MPROTECT=1 smc.elf (status $status)" "$tmp/mprot"
fi

# The FP paths for hosts without AVX or FMA3 (two-operand SSE arithmetic
# in traces, fused multiply-adds by fpu.c): every FP guest program, in
# traces from their first run, checked against the interpreter.
ok=1
for g in rvd rvf traces; do
    if ! DBT_NO_AVX=1 DBT_NO_FMA=1 $DBT -check -trace-threshold 1 -bios none \
            tests/guest/$g.elf >"$tmp/noavx" 2>&1; then
        ok=0
        break
    fi
done
if [ $ok = 1 ]; then
    pass "without AVX and FMA3: rvd, rvf and traces pass under -check -trace-threshold 1"
else
    fail "DBT_NO_AVX=1 DBT_NO_FMA=1 $g.elf under -check" "$tmp/noavx"
fi
