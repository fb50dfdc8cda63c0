#!/bin/sh
# 15-x64-encoder.t — builds tests/unit/x64_test.c with x64.c alone and passes
# its TAP through: every emitter of the x86-64 encoder, over many operand
# shapes, disassembled by the host's objdump and compared with the text the
# test expects.
cd "$(dirname "$0")/.." || exit 1
OBJDUMP=/usr/bin/objdump
if ! [ -x "$OBJDUMP" ] || ! "$OBJDUMP" --help 2>/dev/null | grep -q x86-64; then
    echo "1..0 # SKIP host objdump with x86-64 support not installed (binutils)"
    exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Iinclude \
        tests/unit/x64_test.c x64.c -o "$tmp/x64_test"; then
    echo "Bail out! cannot build tests/unit/x64_test.c"
    exit 1
fi
PATH=/usr/bin:$PATH "$tmp/x64_test" "$tmp/x64.bin"
