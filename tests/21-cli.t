#!/bin/sh
# 21-cli.t — dbt's command line: a user error is exactly one line on stderr
# starting "dbt: " and exit status 2 (STYLE.md, Errors).  Cases: a kernel
# file that does not exist, a directory, an empty file, an ELF cut in the
# middle of its program headers, an x86-64 ELF (/bin/true), an ELF whose
# segment lies outside RAM (linked at 0x1000_0000, the UART), an image larger
# than -m 1 (1 MiB), a bad -m value, an unknown option, an option without its
# argument, a disk image that cannot be opened or has another format, -smp
# out of range, an unknown -d item, a missing firmware.  And what works: -h prints usage and exits 0; a small HTIF test
# program exits 0 with -m 512, -m 512M, -m 1G and the default.
# The ELF cases need riscv64-unknown-elf-gcc; without it they are skipped.
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbt-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# show FILE: a file's first lines as TAP diagnostics
show() { sed 's/^/#   /' "$1" | head -n 10; }

# user_error NAME ARGS...: ./dbt ARGS must exit 2 with one "dbt: " line on
# stderr.
user_error() {
    name=$1
    shift
    timeout 20 $DBT "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
    lines=$(wc -l <"$tmp/err")
    if [ $status -eq 2 ] && [ "$lines" -eq 1 ] && grep -q '^dbt: ' "$tmp/err"; then
        ok "$name"
        show "$tmp/err"         # the message, for a reader of prove -v
    else
        not_ok "$name"
        echo "# $DBT $*: exit status $status (want 2), $lines line(s) on stderr (want 1, 'dbt: ...')"
        show "$tmp/err"
    fi
}
# runs NAME ARGS...: ./dbt ARGS must exit 0.
runs() {
    name=$1
    shift
    timeout 60 $DBT "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ $status -eq 0 ]; then
        ok "$name"
    else
        not_ok "$name"
        echo "# $DBT $*: exit status $status (want 0)"
        show "$tmp/out"
        show "$tmp/err"
    fi
}

echo "1..21"

if [ ! -x "$DBT" ]; then
    echo "# $DBT is not built (make dbt)"
fi

# -- no cross compiler needed ------------------------------------------------
user_error "missing kernel file" -bios none "$tmp/no-such-file.elf"
user_error "kernel is a directory" -bios none "$tmp"
: >"$tmp/empty"
user_error "empty kernel file" -bios none "$tmp/empty"
user_error "x86-64 ELF (/bin/true)" -bios none /bin/true
user_error "unknown option" -no-such-option
user_error "-m without its argument" -m
user_error "-bios without its argument" -bios
user_error "-m with a bad size" -m lots -bios none "$tmp/empty"

timeout 20 $DBT -h </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 0 ] && grep -qi 'usage' "$tmp/out"; then
    ok "-h prints usage and exits 0"
else
    not_ok "-h prints usage and exits 0"
    echo "# exit status $status, stdout:"
    show "$tmp/out"
fi

# -- ELF files built here ---------------------------------------------------
if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
    for what in "truncated ELF" "segment outside RAM" "image larger than -m 1" \
                "valid ELF runs" "-m 512" "-m 512M" "-m 1G"; do
        skip "$what: riscv64-unknown-elf-gcc not installed"
    done
    exit 0
fi

# A program that passes at once through HTIF, and one carrying 2 MiB of data.
cat >"$tmp/pass.S" <<'EOF'
    .text
    .globl _start
_start:
    la t0, tohost
    li t1, 1
    sd t1, 0(t0)
1:  j 1b
    .data
    .balign 64
    .globl tohost, fromhost
tohost: .dword 0
    .size tohost, 8
fromhost: .dword 0
    .size fromhost, 8
EOF
printf '%s\n' '    .section .bigdata, "aw"' '    .fill 2 * 1024 * 1024, 1, 0x5a' >"$tmp/big.S"
cat "$tmp/pass.S" >>"$tmp/big.S"
# A linker script per base address, so that the ELF headers stay out of the
# loaded segments (the default script would load them one page below).
for base in 0x80000000 0x10000000; do
    cat >"$tmp/$base.ld" <<EOF
ENTRY(_start)
PHDRS { text PT_LOAD; data PT_LOAD; }
SECTIONS {
    . = $base;
    .text : { *(.text*) } :text
    . = ALIGN(0x1000);
    .data : { *(.data*) *(.bigdata) } :data
}
EOF
done
cc="riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static"
built=true
$cc -T "$tmp/0x80000000.ld" -o "$tmp/pass.elf" "$tmp/pass.S" 2>"$tmp/cc.err" &&
$cc -T "$tmp/0x10000000.ld" -o "$tmp/low.elf" "$tmp/pass.S" 2>>"$tmp/cc.err" &&
$cc -T "$tmp/0x80000000.ld" -o "$tmp/big.elf" "$tmp/big.S" 2>>"$tmp/cc.err" || built=false
if ! $built; then
    echo "# cannot build the test ELFs:"
    show "$tmp/cc.err"
fi

# Cut pass.elf in the middle of its first program header (e_phoff is the
# little-endian doubleword at offset 32 of the ELF header).
phoff=$(od -An -t u8 -j 32 -N 8 "$tmp/pass.elf" 2>/dev/null | tr -d ' ')
head -c $((${phoff:-64} + 28)) "$tmp/pass.elf" >"$tmp/cut.elf" 2>/dev/null

user_error "truncated ELF (cut inside the program headers)" -bios none "$tmp/cut.elf"
user_error "ELF segment outside RAM (0x10000000)" -bios none "$tmp/low.elf"
user_error "image larger than RAM (2 MiB of data, -m 1)" -m 1 -bios none "$tmp/big.elf"
user_error "-drive with a disk image that does not exist" \
    -drive file="$tmp/no-such-disk.img",format=raw -bios none "$tmp/pass.elf"
user_error "-drive with an unsupported format" -drive file="$tmp/empty",format=qcow2 -bios none "$tmp/pass.elf"
user_error "-smp 9 (more harts than the machine has)" -smp 9 -bios none "$tmp/pass.elf"
user_error "-d with an unknown item" -d nonsense -bios none "$tmp/pass.elf"
user_error "-bios with a firmware file that does not exist" -bios "$tmp/no-such-fw.bin"
runs "a valid ELF runs and exits 0" -bios none "$tmp/pass.elf"
runs "-m 512" -m 512 -bios none "$tmp/pass.elf"
runs "-m 512M" -m 512M -bios none "$tmp/pass.elf"
runs "-m 1G" -m 1G -bios none "$tmp/pass.elf"
