#!/bin/sh
# 26-uart-irq.t — tests/guest/uart_thre.S (xv6's way with the UART's
# THR-empty interrupt: IIR never read) at -smp 1 and -smp 2, under the
# default engine and -interp.  20-guest.t runs it at -smp 1 too; here the
# second hart also takes the interrupt.  A storm shows as a timeout (the
# hart never gets past the instruction after enabling interrupts) or as
# exit status 2.
cd "$(dirname "$0")/.." || exit 1
DBT=${DBT:-./dbt}   # the binary under test (make asan: build/asan/dbt)

if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
    echo "1..0 # SKIP riscv64-unknown-elf-gcc not installed"
    exit 0
fi
elf=tests/guest/uart_thre.elf
timeout=${DBT_TIMEOUT:-20}
echo "1..4"
n=0
for smp in 1 2; do
    for mode in "" -interp; do
        n=$((n + 1))
        label="uart_thre -smp $smp${mode:+ ($mode)}"
        if [ ! -f "$elf" ]; then
            echo "not ok $n - $label"
            echo "# $elf is missing: run make guests"
            continue
        fi
        timeout "$timeout" $DBT $mode -smp $smp -bios none "$elf" </dev/null >/dev/null 2>&1
        status=$?
        if [ $status -eq 0 ]; then
            echo "ok $n - $label"
        else
            echo "not ok $n - $label"
            case $status in
            124) echo "# timed out after $timeout s: an interrupt storm" ;;
            1) echo "# no interrupt was taken" ;;
            2) echo "# more interrupts than claims can explain: a storm" ;;
            *) echo "# exit status $status" ;;
            esac
        fi
    done
done
