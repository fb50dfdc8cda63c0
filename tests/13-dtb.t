#!/bin/sh
# 13-dtb.t — the device tree dbt builds (fdt.c).  `./dbt -dumpdtb FILE` with a
# few option sets; each blob must decompile with dtc without a warning and say
# what the options asked for: RAM size (-m), one cpu node per hart (-smp),
# bootargs (-append), the initrd range (-initrd), the disk (-drive), and the
# fixed QEMU-virt map of DESIGN.md §1.  Values are read with fdtget.
# Needs: device-tree-compiler (dtc, fdtget).
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)

if ! command -v dtc >/dev/null 2>&1 || ! command -v fdtget >/dev/null 2>&1; then
    echo "1..0 # SKIP dtc/fdtget missing (apt-get install device-tree-compiler)"
    exit 0
fi

n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# is GOT WANT NAME
is() {
    if [ "$1" = "$2" ]; then
        pass "$3"
    else
        fail "$3"
        echo "#   got:  '$1'"
        echo "#   want: '$2'"
    fi
}
# ok COMMAND... : passes when the command succeeds; the name is the command.
ok() { if "$@" >/dev/null 2>&1; then pass "$*"; else fail "$*"; fi; }
not() { ! "$@"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbt-dtb.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# -- fdt.c alone: tests/unit/fdt_dump.c fakes a machine; it also checks that
# every buffer smaller than the blob is refused (fdt_build returns 0). ------
if ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude \
        tests/unit/fdt_dump.c fdt.c -o "$tmp/fdt_dump" 2>"$tmp/cc.err"; then
    pass "tests/unit/fdt_dump.c builds with fdt.c"
    "$tmp/fdt_dump" "$tmp/unit.dtb" 8 256 "a b" 0x88000000 0x88001000 drive
    is "$?" 0 "fdt_dump: 8 harts, every smaller buffer refused"
    dtc -I dtb -O dts -o /dev/null "$tmp/unit.dtb" 2>"$tmp/unit.dtc"
    is "$?/$(cat "$tmp/unit.dtc")" "0/" "fdt_dump: dtc takes it without a warning"
else
    fail "tests/unit/fdt_dump.c builds with fdt.c"
    sed 's/^/# /' "$tmp/cc.err"
fi

if [ ! -x "$DBT" ]; then
    fail "$DBT exists (run make first)"
    echo "1..$n"
    exit 1
fi

# dump NAME OPTIONS...: write $tmp/NAME.dtb, check dbt's status, the header
# and that dtc decompiles it without a word on stderr.
dump() {
    name=$1
    shift
    dtb=$tmp/$name.dtb
    echo "# $name: $DBT $* -dumpdtb FILE"
    $DBT "$@" -dumpdtb "$dtb" 2>"$tmp/$name.err"
    is "$?" 0 "$name: dbt -dumpdtb exits 0"
    is "$(cat "$tmp/$name.err")" "" "$name: dbt prints nothing"
    is "$(od -An -tx1 -N4 "$dtb" | tr -d ' \n')" d00dfeed "$name: magic"
    is "$(od -An -tx1 -j20 -N8 "$dtb" | tr -d ' \n')" 0000001100000010 \
        "$name: version 17, last compatible 16"
    is "$(od -An -tu4 --endian=big -j4 -N4 "$dtb" | tr -d ' \n')" "$(wc -c <"$dtb" | tr -d ' ')" \
        "$name: totalsize is the file size"
    dtc -I dtb -O dts -o "$tmp/$name.dts" "$dtb" 2>"$tmp/$name.dtc"
    is "$?" 0 "$name: dtc decompiles it"
    is "$(cat "$tmp/$name.dtc")" "" "$name: dtc has no warnings"
}

# get [TYPE] PATH PROP: the value as fdtget prints it ("" when absent).
get() {
    if [ $# = 3 ]; then
        fdtget -t "$1" "$dtb" "$2" "$3" 2>/dev/null
    else
        fdtget "$dtb" "$1" "$2" 2>/dev/null
    fi
}
has_prop() { fdtget -p "$dtb" "$1" 2>/dev/null | grep -qx "$2"; }
has_node() { fdtget -l "$dtb" "$(dirname "$1")" 2>/dev/null | grep -qx "$(basename "$1")"; }

# The parts every tree has, for a machine of $1 harts.
check_fixed() {
    name=$1
    harts=$2
    is "$(get s / compatible)" riscv-virtio "$name: / compatible"
    is "$(get u / '#address-cells') $(get u / '#size-cells')" "2 2" "$name: / cells"
    is "$(get s /chosen stdout-path)" /soc/serial@10000000 "$name: stdout-path"
    is "$(get bx /chosen rng-seed | wc -w | tr -d ' ')" 64 "$name: rng-seed is 64 bytes"

    # cpus
    is "$(get u /cpus timebase-frequency)" 10000000 "$name: timebase 10 MHz"
    is "$(fdtget -l "$dtb" /cpus | grep -c '^cpu@')" "$harts" "$name: $harts cpu nodes"
    clint= plic=
    i=0
    while [ $i -lt "$harts" ]; do
        cpu=/cpus/cpu@$i
        is "$(get u $cpu reg)/$(get s $cpu device_type)/$(get s $cpu status)" "$i/cpu/okay" \
            "$name: $cpu reg, device_type, status"
        intc=$(get u $cpu/interrupt-controller phandle)
        clint="$clint $intc 3 $intc 7"
        plic="$plic $intc 11 $intc 9"
        i=$((i + 1))
    done
    cpu=/cpus/cpu@0
    is "$(get s $cpu compatible)" riscv "$name: cpu compatible"
    is "$(get s $cpu riscv,isa-base)" rv64i "$name: isa-base"
    is "$(get s $cpu riscv,isa-extensions)" "i m a f d c zicntr zicsr zifencei sstc" \
        "$name: isa-extensions: what we implement"
    is "$(get s $cpu riscv,isa)" rv64imafdc_zicntr_zicsr_zifencei_sstc "$name: riscv,isa"
    is "$(get s $cpu mmu-type)" riscv,sv48 "$name: mmu-type"
    is "$(get s $cpu/interrupt-controller compatible)" riscv,cpu-intc "$name: cpu-intc"
    is "$(get u $cpu/interrupt-controller '#interrupt-cells')" 1 "$name: cpu-intc cells"
    ok has_prop $cpu/interrupt-controller interrupt-controller

    # soc
    is "$(get s /soc compatible)" simple-bus "$name: soc simple-bus"
    ok has_prop /soc ranges
    is "$(get x /soc/clint@2000000 reg)" "0 2000000 0 10000" "$name: clint reg"
    is "$(get s /soc/clint@2000000 compatible)" "sifive,clint0 riscv,clint0" "$name: clint compatible"
    is "$(get u /soc/clint@2000000 interrupts-extended)" "${clint# }" \
        "$name: clint: MSI, MTI of each hart"
    p=/soc/plic@c000000
    is "$(get x $p reg)" "0 c000000 0 600000" "$name: plic reg"
    is "$(get s $p compatible)" "sifive,plic-1.0.0 riscv,plic0" "$name: plic compatible"
    is "$(get u $p riscv,ndev)" 95 "$name: plic ndev"
    is "$(get u $p '#interrupt-cells')" 1 "$name: plic cells"
    ok has_prop $p interrupt-controller
    is "$(get u $p interrupts-extended)" "${plic# }" \
        "$name: plic contexts: M then S of each hart"
    plic_ph=$(get u $p phandle)
    s=/soc/serial@10000000
    is "$(get s $s compatible)/$(get x $s reg)" "ns16550a/0 10000000 0 100" "$name: serial"
    is "$(get u $s clock-frequency)" 3686400 "$name: serial clock"
    is "$(get u $s interrupts)/$(get u $s interrupt-parent)" "10/$plic_ph" "$name: serial irq 10"
    r=/soc/rtc@101000
    is "$(get s $r compatible)/$(get x $r reg)" "google,goldfish-rtc/0 101000 0 1000" "$name: rtc"
    is "$(get u $r interrupts)/$(get u $r interrupt-parent)" "11/$plic_ph" "$name: rtc irq 11"
    t=/soc/test@100000
    is "$(get s $t compatible)/$(get x $t reg)" "sifive,test1 sifive,test0 syscon/0 100000 0 1000" \
        "$name: test device"
    test_ph=$(get u $t phandle)
    is "$(get s /poweroff compatible) $(get u /poweroff regmap) $(get x /poweroff offset) $(get x /poweroff value)" \
        "syscon-poweroff $test_ph 0 5555" "$name: poweroff"
    is "$(get s /reboot compatible) $(get u /reboot regmap) $(get x /reboot offset) $(get x /reboot value)" \
        "syscon-reboot $test_ph 0 7777" "$name: reboot"
}

# -- Defaults: 512 MiB, one hart, nothing else ---------------------------------
dump default
check_fixed default 1
is "$(get x /memory@80000000 reg)/$(get s /memory@80000000 device_type)" \
    "0 80000000 0 20000000/memory" "default: 512 MiB of RAM at 0x80000000"
is "$(get s /chosen bootargs)" "earlycon=sbi" "default: bootargs earlycon=sbi (early console)"
ok not has_prop /chosen linux,initrd-start
ok not has_prop /chosen linux,initrd-end
ok has_node /soc/virtio_mmio@10001000
seed1=$(get bx /chosen rng-seed)

dump again
seed2=$(get bx /chosen rng-seed)
if [ -n "$seed1" ] && [ "$seed1" != "$seed2" ]; then
    pass "rng-seed differs between runs"
else
    fail "rng-seed differs between runs"
fi

# -- Everything: more RAM, 4 harts, bootargs, initrd, disk ----------------------
head -c 12345 /dev/zero >"$tmp/initrd"
head -c 65536 /dev/zero >"$tmp/disk.img"
args="console=ttyS0 earlycon=sbi root=/dev/vda rw init=/bin/sh"
dump full -m 1G -smp 4 -append "$args" -initrd "$tmp/initrd" \
    -drive "file=$tmp/disk.img,format=raw"
check_fixed full 4
is "$(get x /memory@80000000 reg)" "0 80000000 0 40000000" "full: -m 1G"
is "$(get s /chosen bootargs)" "$args" "full: bootargs = -append"
start=$(get bx /chosen linux,initrd-start | wc -w | tr -d ' ')
is "$start $(get bx /chosen linux,initrd-end | wc -w | tr -d ' ')" "8 8" \
    "full: initrd-start/end are 64-bit"
start=$(get u /chosen linux,initrd-start | awk '{ printf "%.0f", $1 * 4294967296 + $2 }')
end=$(get u /chosen linux,initrd-end | awk '{ printf "%.0f", $1 * 4294967296 + $2 }')
is "$((end - start))" 12345 "full: initrd range is the file's size"
if [ "$start" -ge $((0x80000000)) ] && [ "$end" -le $((0x80000000 + (1 << 30))) ]; then
    pass "full: initrd inside RAM"
else
    fail "full: initrd inside RAM ($start..$end)"
fi
v=/soc/virtio_mmio@10001000
is "$(get s $v compatible)/$(get x $v reg)/$(get u $v interrupts)" \
    "virtio,mmio/0 10001000 0 1000/1" "full: virtio-mmio with -drive"
is "$(get u $v interrupt-parent)" "$(get u /soc/plic@c000000 phandle)" "full: virtio irq on the plic"
v=/soc/virtio_mmio@10008000
is "$(get s $v compatible)/$(get x $v reg)/$(get u $v interrupts)" \
    "virtio,mmio/0 10008000 0 1000/8" "full: eight virtio-mmio slots, the last at 0x10008000, irq 8"

# -- Biggest: 8 harts, RAM above 4 GiB needs the high size cell -----------------
dump big -m 4G -smp 8
check_fixed big 8
is "$(get x /memory@80000000 reg)" "0 80000000 1 0" "big: -m 4G"

echo "1..$n"
[ "$failed" = 0 ]
