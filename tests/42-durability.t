#!/bin/sh
# 42-durability.t — SIGKILL of dbt while the guest writes and syncs files on
# an ext4 disk: after each kill the host finds the filesystem clean (e2fsck
# -fn after the journal replay) and every file whose sync had returned
# intact (tests/durability.py).  DURABILITY_TRIALS trials (default 3) with a
# new random seed each run (printed); `make durability` runs 20.
cd "$(dirname "$0")/.." || exit 1
exec nice -n 10 tests/durability.py --tap --trials "${DURABILITY_TRIALS:-3}"
