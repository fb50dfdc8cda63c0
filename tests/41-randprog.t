#!/bin/sh
# 41-randprog.t — random RV64GC programs (tests/randprog.py: integer, memory,
# branches, CSRs, F/D in every rounding mode, AMOs and LR/SC, traps of every
# kind, M/S/U, Sv39 page-table changes) under `dbt -check`: the JIT and the
# interpreter must agree after every block of each.  A fixed batch of seeds
# (RANDPROG_SEEDS, default 150); a failure is shrunk to a minimal program and
# shown; first, a JIT with a bug put in on purpose must fail and shrink to
# one item.  `make diff-fuzz` runs many more seeds.
cd "$(dirname "$0")/.." || exit 1
exec tests/randprog.py --tap --selftest --seeds "${RANDPROG_SEEDS:-150}" --first 1
