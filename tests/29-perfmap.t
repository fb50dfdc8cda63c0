#!/bin/sh
# 29-perfmap.t — -perfmap writes /tmp/perf-PID.map: one line per translated
# block, "START SIZE name" in hex, the name holding the guest pc and the
# ELF symbol it lies in; every block inside the code cache; after a cache
# flush the reused addresses get new lines further down; the cache keeps
# its writable and executable views (no mprotect); the file is never
# created through a symlink, and a stale map of ours is replaced.  When the
# host's perf can record, perf report names the guest function where the
# time went (skipped otherwise: the test does not need perf).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
need_rv_gcc
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/hot.S" <<'ASM'
    .option norelax
    .text
    .globl _start
_start:
    li      s0, 300000
1:  call    hot_loop
    addi    s0, s0, -1
    bnez    s0, 1b
    la      t1, tohost
    li      t2, 1
    sd      t2, 0(t1)
2:  j       2b
    .globl hot_loop
    .type hot_loop, @function
hot_loop:
    li      t0, 20
3:  mul     t3, t0, t0
    addi    t0, t0, -1
    bnez    t0, 3b
    ret
    .size hot_loop, . - hot_loop
ASM
rv_link "$tmp/hot.S" "$tmp/hot.elf"

echo "1..10"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }

# The map is named by the pid; exec keeps the shell's.
sh -c 'echo $$ > "$1/pid"; exec ./dbt -perfmap -bios none "$1/hot.elf"' sh "$tmp" >/dev/null 2>"$tmp/err"
status=$?
map=/tmp/perf-$(cat "$tmp/pid").map
[ -f "$map" ] && mv "$map" "$tmp/map"
if [ $status = 0 ] && [ -s "$tmp/map" ]; then ok "the run writes $map ($(wc -l <"$tmp/map") lines)"
else nok "status $status, map $map: $(cat "$tmp/err")"; fi

if grep -Eq '^[0-9a-f]+ [0-9a-f]+ guest 0x80000000 _start$' "$tmp/map" &&
   grep -Eq '^[0-9a-f]+ [0-9a-f]+ guest 0x8000002[0-9a-f] hot_loop(\+0x[0-9a-f]+)?$' "$tmp/map"; then
    ok "blocks are named by guest pc and symbol (_start, hot_loop+off)"
else nok "no named blocks"; sed 's/^/# /' "$tmp/map" | head; fi

if grep -Eq '^[0-9a-f]+ [0-9a-f]+ guest trace 0x8000002[0-9a-f] hot_loop(\+0x[0-9a-f]+)?$' "$tmp/map"; then
    ok "the loop's trace is named as one (guest trace PC symbol)"
else nok "no trace in the map"; grep -v ' guest 0x' "$tmp/map" | sed 's/^/# /' | head; fi

# Every block lies inside the cache: after the trampolines, within 256 MiB (the default size).
inside=yes; first=yes
while read -r start size name rest; do
    if [ $first = yes ]; then
        first=no; base=$((0x$start)); [ "$name" = "dbt:" ] || inside=no; continue
    fi
    a=$((0x$start)); s=$((0x$size))
    if [ $s -le 0 ] || [ $a -lt $base ] || [ $((a + s)) -gt $((base + 256 * 1048576)) ]; then
        inside=no; echo "# outside: $start $size $name $rest"
    fi
done <"$tmp/map"
if [ $inside = yes ]; then ok "trampolines first, then every block inside the 256 MiB cache, sizes > 0"
else nok "an entry outside the cache"; head -3 "$tmp/map" | sed 's/^/# /'; fi

# A flush reuses addresses: a later line for the same start address.
sh -c 'echo $$ > "$1/pid"; exec ./dbt -perfmap -jit-cache 64K -bios none tests/guest/jit_cache.elf' \
    sh "$tmp" >/dev/null 2>&1
map=/tmp/perf-$(cat "$tmp/pid").map
[ -f "$map" ] && mv "$map" "$tmp/map2"
dups=$(awk '{print $1}' "$tmp/map2" 2>/dev/null | sort | uniq -d | wc -l)
if [ "$dups" -gt 0 ]; then ok "after flushes of a 64K cache, reused addresses get new lines ($dups)"
else nok "no address appears twice in $(wc -l <"$tmp/map2") lines"; fi

# Never through a symlink; the target stays untouched.
sh -c 'ln -s "$1/target" /tmp/perf-$$.map; exec ./dbt -perfmap -bios none "$1/hot.elf"' \
    sh "$tmp" >/dev/null 2>"$tmp/err"
status=$?
if [ $status = 2 ] && [ ! -e "$tmp/target" ] && grep -q '^dbt: -perfmap: /tmp/perf-[0-9]*.map: File exists' "$tmp/err"; then
    ok "a symlink at the map's path is refused: $(cat "$tmp/err")"
else nok "status $status, target $(ls "$tmp/target" 2>&1), $(cat "$tmp/err")"; fi
for l in /tmp/perf-*.map; do # the symlink we planted
    [ -L "$l" ] && [ "$(readlink "$l")" = "$tmp/target" ] && rm -f "$l"
done

# A stale map of ours (an earlier process with this pid) is replaced.
sh -c 'echo stale > /tmp/perf-$$.map; echo $$ > "$1/pid"; exec ./dbt -perfmap -bios none "$1/hot.elf"' \
    sh "$tmp" >/dev/null 2>&1
map=/tmp/perf-$(cat "$tmp/pid").map
if [ -f "$map" ] && ! grep -q stale "$map" && grep -q hot_loop "$map"; then ok "a stale map of ours is replaced"
else nok "stale map: $(head -2 "$map" 2>&1)"; fi
rm -f "$map"

# The cache keeps its two views under -perfmap (shared anonymous memory,
# which perf reads the map for): no mprotect around every write, which made
# a boot twice as slow
sh -c 'echo $$ > "$1/pid"; exec ./dbt -perfmap -stats -bios none "$1/hot.elf"' sh "$tmp" >/dev/null 2>"$tmp/stats"
rm -f "/tmp/perf-$(cat "$tmp/pid").map"
if grep -q 'code cache used .*(W^X, two mappings)' "$tmp/stats"; then
    ok "-perfmap keeps the cache's two mappings"
else nok "-perfmap: $(grep 'code cache used' "$tmp/stats")"; fi

# -h says what it does
if ./dbt -h | grep -q -- '-perfmap'; then ok "-h lists -perfmap"; else nok "-h lists -perfmap"; fi

# perf itself, when the host lets us record
if command -v perf >/dev/null 2>&1 &&
   perf record -q -o "$tmp/perf.data" ./dbt -perfmap -bios none "$tmp/hot.elf" >/dev/null 2>&1; then
    perf report -i "$tmp/perf.data" --stdio --sort pid,sym 2>/dev/null >"$tmp/report"
    # the map of the dbt perf started: its pid is in the report
    for pid in $(grep -o '[0-9]*:dbt' "$tmp/report" | grep -o '^[0-9]*' | sort -u); do
        rm -f "/tmp/perf-$pid.map"
    done
    if grep -Eq 'guest (trace )?0x8000002[0-9a-f] hot_loop' "$tmp/report"; then
        ok "perf report attributes time to guest hot_loop: $(grep -m1 hot_loop "$tmp/report" | tr -s ' ')"
    else nok "perf report has no hot_loop"; grep -v '^#' "$tmp/report" | head -8 | sed 's/^/# /'; fi
else
    n=$((n + 1)); echo "ok $n # SKIP perf cannot record here"
fi
