#!/bin/sh
# 34-gdbstub-unit.t — builds tests/unit/gdbstub_test.c with every room but
# dbt.c and passes its TAP through: gdb_handle_packet() on a detached stub,
# known replies first, then 300000 random packets.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
srcs=$(ls *.c | grep -v '^dbt\.c$')
if ! ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Iinclude \
        tests/unit/gdbstub_test.c $srcs -lm -o "$tmp/gdbstub_test"; then
    echo "Bail out! cannot build tests/unit/gdbstub_test.c"
    exit 1
fi
"$tmp/gdbstub_test" </dev/null
