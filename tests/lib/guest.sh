# tests/lib/guest.sh — sourced by the shell tests that build a small
# bare-metal guest of their own (22-log.t, 24-htif.t).
#
#   need_rv_gcc          print a TAP skip and exit when there is no cross gcc
#   rv_link SRC ELF      assemble and link SRC at 0x80000000 (text, data and
#                        an HTIF mailbox: SRC must not define tohost itself)

need_rv_gcc() {
    if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
        echo "1..0 # SKIP riscv64-unknown-elf-gcc not installed"
        exit 0
    fi
}

rv_link() {
    {
        cat "$1"
        printf '%s\n' '    .section .tohost, "aw"' '    .align 12' '    .globl tohost' \
            'tohost: .dword 0'
    } >"$1.full.S"
    riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
        -Wl,-Ttext=0x80000000 -Wl,-N -o "$2" "$1.full.S" 2>/dev/null
}
