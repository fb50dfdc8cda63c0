#!/bin/sh
# 11-fpu-unit.t — builds tests/unit/fpu_test.c with fpu.c alone and passes
# its TAP through: F/D semantics checked without booting anything.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude \
        tests/unit/fpu_test.c fpu.c -lm -o "$tmp/fpu_test"; then
    echo "Bail out! cannot build tests/unit/fpu_test.c"
    exit 1
fi
"$tmp/fpu_test"
