#!/bin/sh
# 14-sbi-unit.t — builds tests/unit/sbi_test.c with sbi.c and stubs, and
# passes its TAP through: the built-in SBI's calls checked without a kernel.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude \
        tests/unit/sbi_test.c sbi.c -o "$tmp/sbi_test"; then
    echo "Bail out! cannot build tests/unit/sbi_test.c"
    exit 1
fi
"$tmp/sbi_test"
