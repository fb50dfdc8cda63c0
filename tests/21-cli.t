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
# Issue 9 (a new user's first hour): messages that say what is wrong (-m 1T
# too large, -smp/-icount in QEMU's syntax, p_filesz > p_memsz, ranges that
# do not wrap), files checked before they are read (a FIFO, a 4 GiB initrd),
# -bios and -kernel that overlap, a too long -append, and -drive/-device:
# several disks, QEMU's spellings, and what cannot be.
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
# says NAME REGEX: the last run's stderr matches REGEX.
says() {
    if grep -Eq -- "$2" "$tmp/err"; then ok "$1"; else not_ok "$1"; show "$tmp/err"; fi
}

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

echo "1..58"

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

user_error "-m 1T" -m 1T -bios none "$tmp/empty"
says "-m 1T: says too large, not 'not a size'" 'too large'
user_error "-m 1.5X" -m 1.5X -bios none "$tmp/empty"
user_error "-m 7.5e5E (no exponents)" -m 7.5e5E -bios none "$tmp/empty"
user_error "-smp 4,maxcpus=8" -smp 4,maxcpus=8 -bios none "$tmp/empty"
says "-smp 4,maxcpus=8: names maxcpus" 'maxcpus'
user_error "-smp 2,sockets=2,cores=2 (4 is not 2)" -smp 2,sockets=2,cores=2 -bios none "$tmp/empty"
user_error "-icount shift=auto" -icount shift=auto -bios none "$tmp/empty"
says "-icount shift=auto: names shift=auto" 'shift=auto'
mkfifo "$tmp/fifo"
user_error "a FIFO as -kernel: refused, open() does not hang" -bios none "$tmp/fifo"
says "a FIFO as -kernel: not a regular file" 'not a regular file'
user_error "nine -drive options (8 slots)" $(for i in 1 2 3 4 5 6 7 8 9; do
    echo -drive "file=$tmp/empty"; done) -bios none "$tmp/empty"
says "nine -drive options: says there are 8 slots" '8 virtio-mmio slots'
user_error "-drive if=none without a -device" -drive "file=$tmp/empty,if=none,id=d0" -bios none "$tmp/empty"
says "-drive if=none without a -device: says so" 'no -device virtio-blk-device,drive=d0'
user_error "-device virtio-blk-pci" -drive "file=$tmp/empty,if=none,id=d0" \
    -device virtio-blk-pci,drive=d0 -bios none "$tmp/empty"
says "-device virtio-blk-pci: no PCI bus" 'no PCI bus'
user_error "-device with an unknown drive" -device virtio-blk-device,drive=nope -bios none "$tmp/empty"
user_error "-drive if=ide" -drive "file=$tmp/empty,if=ide" -bios none "$tmp/empty"

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
    while [ $n -lt 57 ]; do
        skip "riscv64-unknown-elf-gcc not installed"
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

# -- Issue 9 with ELF files ---------------------------------------------------
runs "-m 1.5G (a fraction, as QEMU)" -m 1.5G -bios none "$tmp/pass.elf"
runs "-smp cpus=2" -smp cpus=2 -bios none "$tmp/pass.elf"
runs "-smp 4,sockets=1" -smp 4,sockets=1 -bios none "$tmp/pass.elf"
runs "-smp 2,sockets=1,cores=2,threads=1" -smp 2,sockets=1,cores=2,threads=1 -bios none "$tmp/pass.elf"
runs "-icount shift=3" -icount shift=3 -bios none "$tmp/pass.elf"
runs "-icount shift=0,sleep=off" -icount shift=0,sleep=off -bios none "$tmp/pass.elf"
head -c 65536 /dev/zero >"$tmp/d1.img"
head -c 65536 /dev/zero >"$tmp/d2.img"
runs "two disks, -drive if=virtio and if=none + -device" \
    -drive "file=$tmp/d1.img,format=raw,if=virtio" -drive "file=$tmp/d2.img,if=none,id=x" \
    -device virtio-blk-device,drive=x -bios none "$tmp/pass.elf"
user_error "a missing file in the first of two -drive" -drive "file=$tmp/no-such-disk.img" \
    -drive "file=$tmp/d1.img" -bios none "$tmp/pass.elf"
says "a missing file in the first of two -drive: named" 'no-such-disk.img'

# patch FILE OUT FIELD VALUE: pass.elf with one field of its first PT_LOAD
# program header (p_paddr at 24, p_filesz at 32, p_memsz at 40) changed.
patch() {
    python3 - "$1" "$2" "$3" "$4" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
ph = struct.unpack_from("<Q", data, 32)[0]
while struct.unpack_from("<I", data, ph)[0] != 1:    # the first PT_LOAD
    ph += 56
struct.pack_into("<Q", data, ph + int(sys.argv[3]), int(sys.argv[4], 0))
open(sys.argv[2], "wb").write(data)
PY
}
patch "$tmp/pass.elf" "$tmp/memsz.elf" 40 1
user_error "p_filesz > p_memsz" -bios none "$tmp/memsz.elf"
says "p_filesz > p_memsz: its own message" 'p_filesz .* larger than p_memsz'
patch "$tmp/pass.elf" "$tmp/high.elf" 24 0xfffffffffffff000
user_error "a segment at 0xfffffffffffff000" -bios none "$tmp/high.elf"
says "a segment at 0xfffffffffffff000: the range does not wrap" 'bytes at 0xfffffffffffff000'
truncate -s 4G "$tmp/huge"
start=$(date +%s)
# (a sanitizer build reserves terabytes of address space: no ulimit -v then)
limit=3000000; [ "$DBT" = ./dbt ] || limit=unlimited
(ulimit -v $limit; timeout 20 $DBT -initrd "$tmp/huge" -bios none "$tmp/pass.elf" \
    </dev/null >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/status")
took=$(($(date +%s) - start))
if [ "$(cat "$tmp/status")" = 2 ] && [ "$took" -le 3 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; then
    ok "a 4 GiB -initrd is refused within ${took}s, in 3 GB of address space"
else
    not_ok "a 4 GiB -initrd is refused quickly: status $(cat "$tmp/status"), ${took}s"
fi
says "a 4 GiB -initrd: larger than the RAM" 'larger than the RAM'
head -c 3145728 /dev/zero >"$tmp/fw.bin"
user_error "-bios and -kernel overlapping" -bios "$tmp/fw.bin" -kernel "$tmp/pass.elf"
says "-bios and -kernel overlapping: as QEMU says" 'ROM regions are overlapping'
long=$(head -c 1100 /dev/zero | tr '\0' x)
timeout 20 $DBT -append "$long" -bios none "$tmp/pass.elf" </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status = 0 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'dbt: warning: .*1023' "$tmp/err"
then ok "-append of 1100 bytes: one warning, and the run goes on"
else not_ok "-append of 1100 bytes: status $status"; show "$tmp/err"; fi
