#!/usr/bin/env python3
"""tests/randprog.py -- random RV64GC programs run under `dbt -check`, which
runs every translated block under the JIT and then the interpreter from the
same state and stops (exit status 3) at the first difference.

    tests/randprog.py [--seeds N] [--first S] [--items K] [--keep DIR]

Each seed makes one bare-metal program (M-mode at 0x8000_0000, HTIF exit):
a list of *blocks*, each run in one privilege mode (M, S, or U) and made of
*items*, each a few instructions that are valid wherever they land:

  integer ALU (RV64IM, compressed forms chosen by the assembler), loads and
  stores of every width, aligned and not, into a data region reached by
  physical address (s0) and by the Sv39 virtual address 0xc000_0000 (s1),
  forward branches and jumps, jalr (also to unmapped code: a fetch fault),
  CSR reads and writes (also illegal ones), F and D arithmetic, conversions
  and fused ops with every static rounding mode, the dynamic one under every
  frm (the invalid ones included), AMOs and LR/SC (also misaligned), ecall,
  ebreak, illegal encodings, mstatus.FS/SUM/MXR/MPRV flips, page-table
  entries rewritten with random permissions, satp on and off, sfence.vma,
  and sret in any mode.

Traps of every kind go to one M-mode handler that resumes at the address in
t6 (every item sets it to its own end first), keeps the cause in t6, and
returns to M-mode after an ecall or a fetch fault (so that nothing loops).

A failing program (any exit status but 0) is shrunk by delta debugging,
first over blocks, then over the items of each block, to a minimal program
that fails the same way; it is printed and kept in --keep DIR.  Prints TAP
when --tap is given (tests/41-randprog.t).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CC = ["riscv64-unknown-elf-gcc", "-march=rv64gc", "-mabi=lp64d", "-nostdlib",
      "-nostartfiles", "-static", "-Wl,-Ttext=0x80000000", "-Wl,-N"]

# Registers the items may use freely; s0, s1 and t6 belong to the frame,
# t4 and t5 are the items' scratch.
XREGS = [r for r in range(32) if r not in (8, 9, 29, 30, 31)]  # t4-t6: scratch
DATA_SIZE = 8192          # two pages, mapped at VA 0xc000_0000 by the PTEs
VA_DATA = 0xC0000000

PROLOGUE = """
    .text
    .globl _start
_start:
    la t6, trap
    csrw mtvec, t6
    li t6, -1
    csrw pmpaddr0, t6
    li t6, 0x1f                 /* NAPOT, RWX: S and U may touch everything */
    csrw pmpcfg0, t6
    li t6, 0x2000               /* FS = initial */
    csrs mstatus, t6
    la s0, data
    li s1, 0xc0000000
    /* Sv39: 0x8000_0000 is a 1 GiB identity page (RWX, AD), 0xc000_0000
     * maps the two data pages (the first also U and X) */
    la t5, pt_root
    li t4, (0x80000 << 10) | 0xcf
    sd t4, 16(t5)
    la t4, pt_l1
    srli t4, t4, 12
    slli t4, t4, 10
    ori t4, t4, 1
    sd t4, 24(t5)
    la t5, pt_l1
    la t4, pt_l0
    srli t4, t4, 12
    slli t4, t4, 10
    ori t4, t4, 1
    sd t4, 0(t5)
    la t5, pt_l0
    srli t4, s0, 12
    slli t4, t4, 10
    ori t4, t4, 0xdf
    sd t4, 0(t5)
    addi t4, t4, 1 << 10
    xori t4, t4, 0x10
    sd t4, 8(t5)
    la t6, fpinit
    fld f0, 0(t6)
    fld f1, 8(t6)
    fld f2, 16(t6)
    fld f3, 24(t6)
    flw f4, 32(t6)
    flw f5, 36(t6)
    flw f6, 40(t6)
    fld f7, 48(t6)
"""

EPILOGUE = """
finish:
    la t6, 1f
    ecall                       /* back to M from wherever we are */
1:  li t6, 1 << 17
    csrc mstatus, t6            /* MPRV off: tohost is physical */
    la t5, tohost
    li t6, 1
    sd t6, 0(t5)
2:  j 2b

/* Every trap: resume at t6, leave the cause in t6.  An ecall or a fetch
 * fault (1: access, 12: page) returns to M-mode, anything else to the mode
 * it came from.  Uses no memory, so MPRV cannot get in its way. */
    .balign 4
trap:
    csrw mepc, t6
    csrr t6, mcause
    addi t6, t6, -8
    sltiu t6, t6, 4             /* 8, 9, 11: ecall from U, S, M */
    bnez t6, 1f
    csrr t6, mcause
    addi t6, t6, -1
    beqz t6, 1f
    addi t6, t6, -11
    bnez t6, 2f
1:  li t6, 0x1800
    csrs mstatus, t6
2:  csrr t6, mcause
    mret

    .data
    .balign 4096
pt_root:
    .fill 512, 8, 0
pt_l1:
    .fill 512, 8, 0
pt_l0:
    .fill 512, 8, 0
data:
    .fill %d, 1, 0x5a
fpinit:
    .dword 0x3ff8000000000000, 0x7ff8000000000000, 0x8000000000000000, 0x7ff0000000000000
    .word 0x3fc00000, 0x7f800001, 0x00000001
    .balign 8
    .dword 0x43e0000000000000
    .section .tohost, "aw"
    .balign 64
    .globl tohost
tohost: .dword 0
fromhost: .dword 0
"""

ALU_RR = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
          "addw", "subw", "sllw", "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu",
          "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw"]
ALU_RI = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"]
SHIFTS = [("slli", 63), ("srli", 63), ("srai", 63), ("slliw", 31), ("srliw", 31), ("sraiw", 31)]
LOADS = ["lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "flw", "fld"]
STORES = ["sb", "sh", "sw", "sd", "fsw", "fsd"]
BRANCHES = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]
ROUNDING = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]
FP3 = ["fadd", "fsub", "fmul", "fdiv"]
FP4 = ["fmadd", "fmsub", "fnmadd", "fnmsub"]
FP2 = ["fsgnj", "fsgnjn", "fsgnjx", "fmin", "fmax"]
FCMP = ["feq", "flt", "fle"]
AMOS = ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu",
        "amomaxu"]
CSRS = ["mscratch", "sscratch", "fflags", "frm", "fcsr", "mepc", "sepc", "mtval", "stval",
        "scause", "mcause", "stvec", "satp", "mstatus", "sstatus", "mie", "sie", "mip",
        "medeleg", "mideleg", "mhartid", "misa", "mcounteren", "scounteren", "0x7c0",
        "cycle", "instret", "0x5c0"]
ILLEGAL = [".word 0", ".word 0xffffffff", ".half 0", ".word 0x0000707f", ".word 0xfe000033",
           "csrr x0, 0x7ff",                         # a debug-mode CSR
           ".insn r 0x53, 5, 0, f1, f2, f3",         # fadd.s with rm 5, 6: reserved
           ".insn r 0x53, 6, 1, f1, f2, f3"]


def x(r):
    return "x%d" % r


class Gen:
    """Items as lists of assembly lines; the label of an item's end is 9f."""

    def __init__(self, rng):
        self.r = rng

    def reg(self):
        return x(self.r.choice(XREGS))

    def freg(self):
        return "f%d" % self.r.randrange(32)

    def imm12(self):
        return self.r.choice([0, 1, -1, 2047, -2048, self.r.randrange(-2048, 2048)])

    def value(self):
        r = self.r
        return r.choice([0, 1, -1, 0x7fffffffffffffff, -0x8000000000000000, 0x80000000,
                         0xffffffff, r.getrandbits(64) - (1 << 63), r.randrange(-100, 100)])

    def offset(self, size):
        off = self.r.randrange(0, DATA_SIZE - 8)
        return off if self.r.random() < 0.2 else off & ~(size - 1)

    # -- item kinds ---------------------------------------------------------
    def li(self):
        return ["li %s, %d" % (self.reg(), self.value())]

    def alu(self):
        r = self.r
        k = r.randrange(5)
        if k == 0:
            return ["%s %s, %s, %s" % (r.choice(ALU_RR), self.reg(), self.reg(), self.reg())]
        if k == 1:
            return ["%s %s, %s, %d" % (r.choice(ALU_RI), self.reg(), self.reg(), self.imm12())]
        if k == 2:
            op, top = r.choice(SHIFTS)
            return ["%s %s, %s, %d" % (op, self.reg(), self.reg(), r.randrange(top + 1))]
        if k == 3:
            return ["%s %s, %d" % (r.choice(["lui", "auipc"]), self.reg(), r.randrange(1 << 20))]
        return self.li()

    def mem(self):
        r = self.r
        base = r.choice(["s0", "s0", "s1", "x0"])
        op = r.choice(LOADS + STORES)
        size = {"b": 1, "h": 2, "w": 4, "d": 8}[op.rstrip("u")[-1]]
        off = self.offset(size)
        lines = []
        if off > 2047:
            lines.append("addi t5, %s, 2047" % base)
            lines.append("addi t5, t5, %d" % min(off - 2047, 2047))
            base, off = "t5", 0
        dst = self.freg() if op[0] == "f" else self.reg()
        lines.append("%s %s, %d(%s)" % (op, dst, off, base))
        return lines

    def branch(self):
        r = self.r
        body = [l for _ in range(r.randrange(1, 4)) for l in self.alu()]
        return ["%s %s, %s, 8f" % (r.choice(BRANCHES), self.reg(), self.reg())] + body + ["8:"]

    def jump(self):
        r = self.r
        body = self.alu()
        if r.random() < 0.5:
            return ["jal %s, 8f" % self.reg()] + body + ["8:"]
        target = self.reg()
        while target in ("x0",):
            target = self.reg()
        if r.random() < 0.3:   # to nowhere: an instruction access fault
            return ["li %s, %d" % (target, r.choice([0x1000, 0x40000000, 0x10000000])),
                    "jalr %s, %d(%s)" % (self.reg(), r.randrange(-8, 8), target)]
        return ["la %s, 8f" % target, "jalr %s, 0(%s)" % (self.reg(), target)] + body + ["8:"]

    def loop(self):
        n = self.r.randrange(1, 6)
        body = [l for _ in range(self.r.randrange(1, 3)) for l in self.alu()]
        return ["li t5, %d" % n, "7:"] + body + ["addi t5, t5, -1", "bnez t5, 7b"]

    def csr(self):
        r = self.r
        name = r.choice(CSRS)
        k = r.randrange(4)
        if k == 0:
            return ["csrr %s, %s" % (self.reg(), name)]
        if name in ("mstatus", "mtvec", "satp", "medeleg", "mideleg", "mie", "sie", "mip",
                    "stvec", "mcounteren"):
            # writes that would change the frame: only reads, and clears of
            # a few safe bits (mstatus) go below
            return ["csrr %s, %s" % (self.reg(), name)]
        op = r.choice(["csrrw", "csrrs", "csrrc"])
        if k == 1:
            return ["%si %s, %s, %d" % (op, self.reg(), name, r.randrange(32))]
        return ["%s %s, %s, %s" % (op, self.reg(), name, self.reg())]

    def status_flip(self):
        bit = self.r.choice([(1 << 13) | (1 << 14), 1 << 13, 1 << 14, 1 << 18, 1 << 19,
                             1 << 17, 3 << 11, 1 << 8])
        op = self.r.choice(["csrs", "csrc"])
        if bit == (1 << 17) and op == "csrs" and self.r.random() < 0.5:
            return ["li t5, %d" % (3 << 11), "csrc mstatus, t5", "li t5, %d" % bit,
                    "csrs mstatus, t5"]    # MPRV with MPP = U
        return ["li t5, %d" % bit, "%s mstatus, t5" % op]

    def frm(self):
        return ["csrwi frm, %d" % self.r.randrange(8)]

    def fp(self):
        r = self.r
        p = r.choice([".s", ".d"])
        rm = r.choice(ROUNDING + [None])
        sfx = (", " + rm) if rm else ""
        k = r.randrange(8)
        if k == 0:
            return ["%s%s %s, %s, %s%s" % (r.choice(FP3), p, self.freg(), self.freg(), self.freg(), sfx)]
        if k == 1:
            return ["%s%s %s, %s, %s, %s%s" % (r.choice(FP4), p, self.freg(), self.freg(),
                                               self.freg(), self.freg(), sfx)]
        if k == 2:
            return ["fsqrt%s %s, %s%s" % (p, self.freg(), self.freg(), sfx)]
        if k == 3:
            return ["%s%s %s, %s, %s" % (r.choice(FP2), p, self.freg(), self.freg(), self.freg())]
        if k == 4:
            return ["%s%s %s, %s, %s" % (r.choice(FCMP), p, self.reg(), self.freg(), self.freg())]
        if k == 5:
            i = r.choice([".w", ".wu", ".l", ".lu"])
            if r.random() < 0.5:
                return ["fcvt%s%s %s, %s%s" % (i, p, self.reg(), self.freg(), sfx)]
            exact = p == ".d" and i in (".w", ".wu")
            return ["fcvt%s%s %s, %s%s" % (p, i, self.freg(), self.reg(), "" if exact else sfx)]
        if k == 6:
            q = ".d" if p == ".s" else ".s"
            exact = p == ".d"    # fcvt.d.s is exact: the assembler takes no rm
            return ["fcvt%s%s %s, %s%s" % (p, q, self.freg(), self.freg(), "" if exact else sfx)]
        w = "w" if p == ".s" else "d"
        if r.random() < 0.5:
            return ["fmv.x.%s %s, %s" % (w, self.reg(), self.freg()),
                    "fclass%s %s, %s" % (p, self.reg(), self.freg())]
        return ["fmv.%s.x %s, %s" % (w, self.freg(), self.reg())]

    def amo(self):
        r = self.r
        w = r.choice([".w", ".d"])
        size = 4 if w == ".w" else 8
        off = r.randrange(0, 2040) & ~(size - 1)
        if r.random() < 0.1:
            off |= 2                          # misaligned: a trap
        base = r.choice(["s0", "s0", "s1"])
        ordering = r.choice(["", ".aq", ".rl", ".aqrl"])
        lines = ["addi t5, %s, %d" % (base, off)]
        k = r.randrange(3)
        if k == 0:
            lines.append("%s%s%s %s, %s, (t5)" % (r.choice(AMOS), w, ordering, self.reg(), self.reg()))
        elif k == 1:
            lines += ["lr%s%s %s, (t5)" % (w, ordering, self.reg())]
            lines += self.alu() if r.random() < 0.5 else []
            lines += ["sc%s%s %s, %s, (t5)" % (w, ordering, self.reg(), self.reg())]
        else:
            lines.append("sc%s %s, %s, (t5)" % (w, self.reg(), self.reg()))
        return lines

    def trap(self):
        r = self.r
        k = r.choice(["ecall", "ebreak", "c.ebreak", "illegal", "sret", "mret_u"])
        if k == "illegal":
            return [r.choice(ILLEGAL)]
        if k == "sret":
            return ["csrw sepc, t6", "sret"]      # to 9f, in the mode SPP says
        if k == "mret_u":
            return ["csrw mepc, t6", "mret"]      # from M: to MPP's mode; else illegal
        return [k]

    def pte(self):
        r = self.r
        page = r.randrange(2)
        perms = r.getrandbits(8) | 1 if r.random() < 0.9 else r.getrandbits(8)
        lines = ["la t6, 8f", "ecall", "8:",  # page tables change in M-mode
                 "la t5, pt_l0", "la t4, data + %d" % (4096 * page),
                 "srli t4, t4, 12", "slli t4, t4, 10", "ori t4, t4, %d" % perms,
                 "sd t4, %d(t5)" % (8 * page)]
        return lines + [r.choice(["sfence.vma", "sfence.vma s1", "sfence.vma s1, x0"])]

    def satp(self):
        lines = ["la t6, 8f", "ecall", "8:"]
        if self.r.random() < 0.7:
            lines += ["la t5, pt_root", "srli t5, t5, 12", "li t4, 8 << 60", "or t5, t5, t4",
                      "csrw satp, t5"]
        else:
            lines += ["csrw satp, x0"]
        return lines + ["sfence.vma"]

    def fence(self):
        return [self.r.choice(["fence", "fence.i", "fence rw, rw", "sfence.vma"])]

    KINDS = [(alu, 20), (li, 5), (mem, 15), (branch, 5), (jump, 4), (loop, 2), (csr, 6),
             (status_flip, 3), (frm, 2), (fp, 14), (amo, 6), (trap, 5), (pte, 3), (satp, 2),
             (fence, 2)]

    def item(self):
        fns = [f for f, _ in self.KINDS]
        weights = [w for _, w in self.KINDS]
        return self.r.choices(fns, weights)[0](self)

    def block(self, nitems):
        mode = self.r.choice(["M", "S", "U"])
        return (mode, [self.item() for _ in range(nitems)])


def enter(mode):
    """Lines that switch from M to mode (S with the current satp; U bare)."""
    if mode == "M":
        return []
    lines = ["la t6, 8f", "ecall", "8:"]              # be in M first
    if mode == "U":
        lines += ["csrw satp, x0", "sfence.vma"]       # U code pages are not mapped
    mpp = 1 if mode == "S" else 0
    lines += ["li t6, 0x1800", "csrc mstatus, t6", "li t6, %d" % (mpp << 11),
              "csrs mstatus, t6", "la t6, 9f", "csrw mepc, t6", "mret"]
    return lines


def item_lines(lines):
    """An item's lines with t6 = its end before each instruction that does
    not follow a write of t6 (so every trap resumes there), and its end."""
    out, t6_set = [], False
    for l in lines:
        if l.endswith(":"):
            out.append(l)
            t6_set = False
            continue
        if not t6_set:
            out.append("    la t6, 9f")
        out.append("    " + l)
        t6_set = l.startswith(("la t6,", "li t6,"))
    return out + ["9:"] if lines else []


def render(blocks):
    out = [PROLOGUE]
    for mode, items in blocks:
        out.append("    /* -- block in %s-mode */" % mode)
        for lines in [enter(mode)] + items:
            out += item_lines(lines)
    out.append(EPILOGUE % DATA_SIZE)
    return "\n".join(out) + "\n"


# -- running -------------------------------------------------------------------

def build(src, path):
    with open(path + ".S", "w") as f:
        f.write(src)
    r = subprocess.run(CC + ["-o", path, path + ".S"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("assembler: %s" % r.stderr[-2000:])


def run(dbt, elf, timeout):
    """(exit status or 'timeout', output) of dbt -check on elf."""
    try:
        r = subprocess.run([dbt, "-check", "-bios", "none", elf], capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, (r.stdout + r.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


def outcome(dbt, blocks, tmp, timeout):
    elf = os.path.join(tmp, "p.elf")
    build(render(blocks), elf)
    return run(dbt, elf, timeout)


def ddmin(items, failing):
    """A 1-minimal sublist of items for which failing() holds (Zeller)."""
    n = 2
    while len(items) >= 2:
        chunk = max(1, len(items) // n)
        parts = [items[i:i + chunk] for i in range(0, len(items), chunk)]
        reduced = False
        for i in range(len(parts)):
            rest = [it for j, p in enumerate(parts) if j != i for it in p]
            if failing(rest):
                items, n, reduced = rest, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), 2 * n)
    return items


def shrink(dbt, blocks, status, tmp, timeout):
    """The smallest program that still fails with status."""
    def fails(bs):
        try:
            return outcome(dbt, bs, tmp, timeout)[0] == status
        except RuntimeError:
            return False
    blocks = ddmin(blocks, fails)
    for i in range(len(blocks)):
        mode, items = blocks[i]
        def fails_items(its, i=i, mode=mode):
            return fails(blocks[:i] + [(mode, its)] + blocks[i + 1:])
        blocks[i] = (mode, ddmin(items, fails_items))
    return blocks


def selftest(dbt, tmp, timeout):
    """With a JIT that mistranslates addi on purpose, a program fails under
    -check and shrinks to one item: the whole machinery works."""
    os.environ["DBT_JIT_SELFTEST_BUG"] = "1"
    try:
        g = Gen(random.Random(7))
        blocks = [g.block(25) for _ in range(12)]
        status = outcome(dbt, blocks, tmp, timeout)[0]
        small = shrink(dbt, blocks, status, tmp, timeout) if status == 3 else blocks
    finally:
        del os.environ["DBT_JIT_SELFTEST_BUG"]
    nitems = sum(len(items) for _, items in small)
    print("%sok 1 - a JIT bug injected on purpose (DBT_JIT_SELFTEST_BUG) is caught "
          "(status %s) and shrunk to one item (%d)" % ("" if status == 3 and nitems == 1 else "not ",
                                                       status, nitems))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--blocks", type=int, default=12)
    ap.add_argument("--items", type=int, default=25)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--keep", default=os.path.join(ROOT, "tests", "tmp", "randprog"))
    ap.add_argument("--tap", action="store_true")
    ap.add_argument("--selftest", action="store_true", help="first, with a JIT bug on purpose")
    args = ap.parse_args()
    dbt = os.path.join(ROOT, os.environ.get("DBT", "dbt"))
    if not shutil.which(CC[0]):
        print("1..0 # SKIP %s not installed" % CC[0])
        return 0
    if args.tap:
        print("1..%d" % (args.seeds + args.selftest))
    failures = 0
    with tempfile.TemporaryDirectory(prefix="dbt-randprog-") as tmp:
        if args.selftest:
            selftest(dbt, tmp, args.timeout)
        for n, seed in enumerate(range(args.first, args.first + args.seeds), 1):
            g = Gen(random.Random(seed))
            blocks = [g.block(args.items) for _ in range(args.blocks)]
            status, out = outcome(dbt, blocks, tmp, args.timeout)
            n += args.selftest
            name = "seed %d: %d blocks of %d items agree under -check" % (seed, args.blocks, args.items)
            if status == 0:
                if args.tap:
                    print("ok %d - %s" % (n, name))
                continue
            failures += 1
            small = shrink(dbt, blocks, status, tmp, args.timeout)
            os.makedirs(args.keep, exist_ok=True)
            path = os.path.join(args.keep, "seed-%d.S" % seed)
            with open(path, "w") as f:
                f.write(render(small))
            _, small_out = outcome(dbt, small, tmp, args.timeout)
            nitems = sum(len(items) for _, items in small)
            report = ["seed %d: exit status %s; shrunk to %d item(s), kept in %s:" %
                      (seed, status, nitems, path)] + \
                     ["  [%s] %s" % (m, " ; ".join(it)) for m, its in small for it in its] + \
                     small_out.strip().splitlines()[:40]
            if args.tap:
                print("not ok %d - %s" % (n, name))
                print("\n".join("# " + l for l in report))
            else:
                print("\n".join(report))
    if not args.tap:
        print("randprog: %d programs, %d failed" % (args.seeds, failures))
    return 1 if failures and not args.tap else 0


if __name__ == "__main__":
    sys.exit(main())
