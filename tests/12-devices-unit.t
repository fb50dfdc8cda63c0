#!/bin/sh
# 12-devices-unit.t — builds tests/unit/devices_test.c with the device files
# alone (CLINT, PLIC, UART, virtio-blk, RTC, finisher, console; replay.c,
# which the console and RTC ask about -record/-replay) and passes
# its TAP through: each device driven through its MMIO callbacks, with stubs
# for the bus, the harts and the clock, and a real temporary disk image.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Iinclude \
        tests/unit/devices_test.c devices.c clint.c plic.c uart.c virtio_blk.c console.c replay.c \
        -o "$tmp/devices_test"; then
    echo "Bail out! cannot build tests/unit/devices_test.c"
    exit 1
fi
TMPDIR="$tmp" "$tmp/devices_test" </dev/null
