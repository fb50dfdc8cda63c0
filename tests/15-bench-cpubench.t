#!/bin/sh
# 15-bench-cpubench.t — bench/cpu/cpubench.c, the CPU benchmark bench/guest
# runs in the guest, built natively as bench/guest builds it: each kernel's
# checksum at -s 1 and the md5 of `cpubench gen` are the pinned values, which
# every engine must reproduce in the guest (bench/guest compares them).  The
# checksums do not depend on the host: cpubench's doubles use only exactly
# rounded operations and no fused multiply-add.  About a second.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbt-cpubench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "1..3"

if ${CC:-cc} -O2 -ffp-contract=off -fno-math-errno -Wall -Wextra -Werror \
    -o "$tmp/cpubench" bench/cpu/cpubench.c -lm 2>"$tmp/err"; then
    echo "ok 1 - cpubench builds without warnings"
else
    echo "not ok 1 - cpubench builds without warnings"
    sed 's/^/#   /' "$tmp/err" | head -n 20
fi

"$tmp/cpubench" -s 1 | cut -d' ' -f2,4 >"$tmp/sums"
cat >"$tmp/want" <<'END'
cpu.sort 54ff81c101965b25
cpu.crc32 00000000f11f2eb2
cpu.matmul 921775d41437f33a
cpu.fsm 892e4c7fb6235f35
cpu.nbody bfc5a2466f1bb075
cpu.mandel aad045357aa5d05b
cpu b6450c351863a6e8
END
if cmp -s "$tmp/sums" "$tmp/want"; then
    echo "ok 2 - every kernel's checksum at -s 1 is the pinned one"
else
    echo "not ok 2 - every kernel's checksum at -s 1 is the pinned one"
    diff "$tmp/want" "$tmp/sums" | sed 's/^/#   /'
fi

sum=$("$tmp/cpubench" gen 1048576 | md5sum | cut -d' ' -f1)
if [ "$sum" = 00bec5ac1908095e51bbf30d64b9718a ]; then
    echo "ok 3 - cpubench gen 1048576 makes the pinned bytes"
else
    echo "not ok 3 - cpubench gen 1048576 makes the pinned bytes (md5 $sum)"
fi
