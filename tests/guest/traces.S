/* traces.S — superblock traces: hot paths over several blocks and pages.
 *
 * Each loop here runs far more often than dbt's trace threshold (1000 by
 * default; tests/20-guest.t also runs every program with 1), so its path
 * becomes a trace; then the path changes under it.  Expected values are
 * sums with a closed form, given beside each case.
 *
 *   1  a loop over several blocks, with an if-else and a call to another
 *      page: sum over i < 3000 of (i odd ? 3i : i / 2)
 *        = 3 * 1500^2 + 1499 * 1500 / 2 = 7874250
 *   2  the loop's path changes half-way: a branch that was not taken is
 *      taken (a side exit), a branch that was taken is not, and an
 *      indirect call goes to another function (the jalr guard):
 *      sum over i < 3000 of (i < 1500 ? i + 1 : 2i + 7)
 *        = 1125750 + (2 * 3374250 + 10500) = 7884750
 *   3  a load faults in the second iteration of a loop that is a trace
 *      (after 400 good runs of it): mcause, mepc, mtval, and the loop's
 *      registers are exactly those of the faulting iteration
 *   4  a store (and fence.i) into the code of a function a trace calls,
 *      on another page than the trace's head: the next run sees the new
 *      code: 1500 calls returning 5, then 1500 returning 9
 *   5  a machine timer interrupt reaches a hart spinning in a loop trace
 *      of three blocks, and mepc lies in the loop
 *   6  Sv39, S-mode: a trace calls a function on another virtual page;
 *      the page is remapped to other code and fenced: the trace's page
 *      guard must notice (1500 * 0x111, then 1500 * 0x222)
 *   7  Sv39, S-mode: a loop loads from and stores to a data page (one
 *      block: a loop block, and a trace at -trace-threshold 1); the page is
 *      remapped to another one (the sum must come from the new one: 1500 *
 *      7, then 1500 * 9), then to a read-only one: the trace's store must
 *      fault
 *   8  an FP loop trace (traces keep FP registers in xmm registers): a
 *      double sum over i = 1..3000 of (i odd ? i * 0.5 : -(i * 0.25))
 *        = 1125000 - 562875 = 562125.0, a single count to 3000.0f, and an
 *      fcvt.w.d (run by a helper, which clobbers xmm) every iteration
 *   9  case 7 without leaving S-mode: S-mode code remaps the data page and
 *      fences, then makes it read-only and fences; the loop trace's probe
 *      slots (they outlive a run of the trace) must follow each sfence.vma
 *  10  a loop trace stores into a page (1100 runs of 8 iterations: a trace
 *      at the default threshold), code on that page is run, and the
 *      loop stores new code there: the stores must reach the translation
 *      (a probe slot must not keep the page's write permission once it
 *      holds code): 5, then 9
 *  11  Sv39, S-mode: a loop calls a function mapped 64 GiB away, too far
 *      for a trace to reach: the trace ends with the call (a jalr), which
 *      leaves through the jump cache (1500 * 0x111)
 *  12  a loop trace's first iteration is translated apart from the loop
 *      (peeled), and the loop trusts that it set mstatus.FS dirty.  With FS
 *      made clean before each run: 1100 runs that add in the loop leave FS
 *      dirty; a run that leaves before its first FP write leaves it clean;
 *      a run whose first iteration goes back to the head by a side exit
 *      before its FP write must still set FS (the loop copy may be entered
 *      only by finishing the first iteration).  The sum: 1100 * 8 + 8 =
 *      8808.0
 *  13  case 9 again, each remapping fenced by its address only
 *      (sfence.vma va): a probe slot of that page must be emptied, one of
 *      another page (fenced first) may stay
 *  14  Sv39: a loop trace reads a 2 MiB page (1500 * 7); the page is
 *      remapped and fenced by its first address, not the page the loop
 *      reads (Linux fences a huge page by one address): the loop's probe
 *      slot must go too (1500 * 9)
 *  15  an FP loop trace keeps its results in xmm registers only (stored
 *      into the hart on the way out).  400 good runs of 4 iterations: the
 *      sum 0.5 * (1 + 2 + 3 + 4) = 5.0.  Then the third pointer has no
 *      memory: the fault comes in the trace's loop, and the f registers
 *      are exactly those the second iteration left
 *  16  an FP loop trace with more FP registers than xmm registers: a
 *      register written in the loop loses its xmm register to another and
 *      must reach the hart first.  Sum over i = 1..3000 of 136 i
 *        = 136 * 4501500 = 612204000
 *  17  a double left in an xmm register, then a single op of it: the
 *      fadd.s must see the double (not NaN-boxed: the canonical NaN), not
 *      the boxed 0.0f the hart still holds from the iteration before.
 *      3000 iterations, each checked
 *  18  a trace that is no loop (the outer loop's path ends at the inner
 *      loop, a trace of its own) over an if-else: the side exit goes on in
 *      a continuation that joins the path again, and counts in a register
 *      the path only read before the branch (the join must store it, the
 *      path thinking it clean).  Sum over i < 3000 of (i % 4 ? 12 + 2i :
 *      13) = 2250 * 12 + 2 * 3375000 + 750 * 13 = 6786750, plus that count
 *      before each i, i - ceil(i / 4): 3372750, in all 10159500; and
 *      minstret counts exactly the instructions run: 2250 * 20 + 750 * 16
 *      + 5 in loop18, and 4 around it (csrr, li, call's auipc and jalr)
 *      = 57009
 *  19  a fault in a continuation of a trace that is no loop: 20 runs make
 *      loop19's path (its flag 0: the if-part skipped), a run with the
 *      flag set takes the side exit and its continuation (with more
 *      registers than the host keeps) loads through a good pointer
 *      (100 * (5 + 1)), then through one with no memory: mcause, mepc,
 *      mtval and the registers of the faulting iteration
 *  20  FP state at a join: loop20's path (its flag 0) writes ft0 from fs1
 *      between a branch and the label its side exit joins, so there the
 *      path holds fs1 in an xmm register and trusts that mstatus.FS is
 *      dirty.  A run with the flag set and FS clean joins without either:
 *      the join must load fs1 (fa0 = 100 * 1.5 = 150.0) and the add after
 *      the label must make FS dirty
 *  21  continuations that return: loop21's path calls pick21, whose
 *      early returns (one per i % 3) are side exits; each goes on in a
 *      continuation whose ret joins the path after the call.  Sum over
 *      i < 3000 of (i % 3 + 1 + 6) = 24000, and minstret: 1000 * (20 +
 *      22 + 22) + 6 in loop21, and 4 around it = 64010
 *  22  NaN results in a loop trace, whose fixes wait until the bits are
 *      seen: x86 makes 0xfff8... of inf - inf, inf / inf and sqrt(-1),
 *      and keeps a payload (0x7ff8...0123 + 1.0), where RISC-V makes
 *      0x7ff8000000000000.  Each of 3000 iterations checks an fsd of a
 *      product of such a NaN, an fmv.x.d and an fsgnj.d of them, and
 *      compares (feq of such a NaN, fle and flt of copies); two more
 *      NaNs are seen only after the loop, stored on the way out.  And an
 *      fld of the payload NaN into a register that held such a NaN keeps
 *      its payload: a load's bits are not fixed
 */

#define TEST_AREA "traces"
#include "test.h"
#include "vm.h"

#define CLINT_MTIMECMP0 0x02004000
#define CLINT_MTIME 0x0200bff8
#define MIP_MTIP (1 << IRQ_MTI)
#define VA_FN 0x7fff0000 /* near the code: a trace may span 1 GiB at most */
#define VA_DATA 0x7ffe0000
#define VA_FAR 0x1000000000 /* 64 GiB: farther than a trace reaches */
#define VA_MEGA 0x40000000  /* a 2 MiB page, at MEGA_A or MEGA_B */
#define MEGA_A 0x80400000
#define MEGA_B 0x80600000

/* Point the leaf PTE at address pte at label's page (clobbers t0). */
#define POINT_PTE(pte, label, flags)                                           \
    la t0, label; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, flags;        \
    sd t0, 0(pte)

/* Sv39, S-mode: loop8 sums VA_DATA, mapped to data_a (1500 * 7 in s2);
 * the PTE is pointed at data_b, then `fence_b` (1500 * 9 in s4); then the
 * page is made read-only, then `fence_ro`: loop8's store must fault.
 * s1: the PTE (identity-mapped for S), s3: the PTE's next value. */
#define REMAP_UNDER_LOOP8(fence_b, fence_ro)                                   \
    li a0, LEVELS_SV39;                                                        \
    call vm_setup;                                                             \
    MAP_LABEL(VA_DATA, data_a, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39);      \
    mv s1, a0;                                                                 \
    la s3, data_b;                                                             \
    srli s3, s3, 2;                                                            \
    ori s3, s3, PTE_LEAF | PTE_R | PTE_W;                                      \
    IN_S(sfence.vma; li a0, 1500; call loop8; mv s2, a0;                       \
         sd s3, 0(s1); fence_b; li a0, 1500; call loop8; mv s4, a0;            \
         xori s3, s3, PTE_W; sd s3, 0(s1); fence_ro; li a0, 1500; call loop8); \
    CHECK_CAUSE(CAUSE_STORE_PAGE);                                             \
    CHECK_TVAL(VA_DATA + 8);                                                   \
    CHECK(s2, 1500 * 7);                                                       \
    CHECK(s4, 1500 * 9);                                                       \
    csrw satp, zero;                                                           \
    sfence.vma

/* mstatus.FS = Clean; then check what it is (clobbers t0, t1). */
#define FS_CLEAN li t0, MSTATUS_FS; csrc mstatus, t0; li t0, MSTATUS_FS_CLEAN; csrs mstatus, t0
#define CHECK_FS(v) csrr t0, mstatus; li t1, MSTATUS_FS; and t0, t0, t1; CHECK(t0, v)

/* In S-mode, a0 = fn(1500) after a fresh sfence.vma; back in M, it must be
 * `sum` (and the way back an ecall, not a trap). */
#define S_RUN_1500(fn, sum)                                                    \
    IN_S(sfence.vma; li a0, 1500; call fn; mv s2, a0);                        \
    CHECK_CAUSE(CAUSE_ECALL_S); CHECK(s2, sum)

main:
    CASE(1, "a loop trace over blocks and pages")
    li a0, 3000
    call loop1
    CHECK(a0, 7874250)

    CASE(2, "side exits: branches both ways, an indirect call elsewhere")
    li a0, 3000
    li a1, 1500
    call loop2
    CHECK(a0, 7884750)

    CASE(3, "a fault in the second iteration of a loop trace")
    li s4, 400
1:  la a0, good_ptrs            /* warm: every pointer good */
    li a1, 4
    call loop3
    CHECK(a0, 10)               /* 1 + 2 + 3 + 4 */
    addi s4, s4, -1
    bnez s4, 1b
    TRAP_ARM(2f)
    la a0, bad_ptrs             /* the second pointer has no memory */
    li a1, 4
    call loop3
    j fail
2:  CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(loop3_load)
    CHECK_TVAL(NO_MEMORY_1)
    CHECK(s1, 1)                /* i of the faulting iteration */
    CHECK(s2, 1)                /* the sum of the first one */

    CASE(4, "a store into code a trace covers, on its second page")
    li a0, 1500
    call loop4
    CHECK(a0, 7500)             /* 1500 * 5 */
    la t0, get_val
    lw t1, 0(t0)                /* li a0, 5  ->  li a0, 9 */
    li t2, (9 - 5) << 20
    add t1, t1, t2
    sw t1, 0(t0)
    fence.i
    li a0, 1500
    call loop4
    CHECK(a0, 13500)            /* 1500 * 9 */

    CASE(5, "a timer interrupt in a long loop trace")
    la t0, irq_handler
    csrw mtvec, t0
    la t0, irq_rec
    sd zero, 0(t0)
    la t1, 1f
    sd t1, 16(t0)
    li t0, MIP_MTIP
    csrw mie, t0
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 100000               /* 10 ms at 10 MHz: well inside the trace */
    add t1, t1, t2
    li t0, CLINT_MTIMECMP0
    sd t1, 0(t0)
    li a0, 0
    li a1, 2000000000
    csrsi mstatus, MSTATUS_MIE
spin_head:
    andi t2, a0, 7
    beqz t2, 3f
    addi a0, a0, 1
    j 4f
3:  addi a0, a0, 3
4:  addi a1, a1, -1
spin_last:
    bnez a1, spin_head
    j fail                      /* the interrupt never came */
1:  la t0, m_trap_entry
    csrw mtvec, t0
    CHECK_MEM(irq_cause, INTERRUPT | IRQ_MTI)
    ld t0, irq_epc
    la t1, spin_head
    bltu t0, t1, fail
    la t1, spin_last
    bgtu t0, t1, fail
    li t1, 4000
    bltu a0, t1, fail           /* it ran 1000 iterations (a trace) first */

    CASE(6, "Sv39: a trace's second page remapped")
    li a0, LEVELS_SV39
    call vm_setup
    MAP_LABEL(VA_FN, fn_a, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    mv s1, a0                   /* s1: the PTE */
    S_RUN_1500(loop6, 1500 * 0x111)
    POINT_PTE(s1, fn_b, PTE_LEAF | PTE_R | PTE_X)
    S_RUN_1500(loop6, 1500 * 0x222)
    CASE(7, "Sv39: a trace's data page remapped, then read-only")
    MAP_LABEL(VA_DATA, data_a, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39)
    mv s1, a0                   /* s1: the PTE */
    S_RUN_1500(loop8, 1500 * 7)
    POINT_PTE(s1, data_b, PTE_LEAF | PTE_R | PTE_W)
    S_RUN_1500(loop8, 1500 * 9)
    ld t0, 0(s1)
    andi t0, t0, ~PTE_W
    sd t0, 0(s1)
    IN_S(sfence.vma; li a0, 1500; call loop8; mv s2, a0)
    CHECK_CAUSE(CAUSE_STORE_PAGE)
    CHECK_TVAL(VA_DATA + 8)
    csrw satp, zero
    sfence.vma

    CASE(8, "an FP loop trace: a double sum, a single count, a helper")
    li a0, 3000
    call loop7
    fmv.x.d t0, fa0
    CHECK(t0, 0x4121279a00000000) /* 562125.0 */
    fmv.x.w t0, fs1
    li t1, 0xffffffff
    and t0, t0, t1
    CHECK(t0, 0x453b8000)       /* 3000.0f */
    CHECK(t4, 562125)           /* the last fcvt.w.d */

    CASE(9, "Sv39: S-mode remaps a loop trace's data page, then read-only")
    REMAP_UNDER_LOOP8(sfence.vma, sfence.vma)

    CASE(10, "a loop trace's stores into a page that came to hold code")
    li s4, 1100                 /* enough entries for a trace */
1:  li a0, 0x00500513           /* li a0, 5 */
    call loop10
    addi s4, s4, -1
    bnez s4, 1b
    call code_page              /* run enough to be translated */
    call code_page
    call code_page
    CHECK(a0, 5)
    li a0, 0x00900513           /* li a0, 9 */
    call loop10
    call code_page
    CHECK(a0, 9)

    CASE(11, "Sv39: a trace ends with a call too far away")
    li a0, LEVELS_SV39
    call vm_setup
    MAP_LABEL(VA_FAR, fn_a, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    S_RUN_1500(loop11, 1500 * 0x111)
    csrw satp, zero
    sfence.vma

    CASE(12, "a peeled loop trace and mstatus.FS")
    li t0, MSTATUS_FS
    csrs mstatus, t0            /* FP on (dirty) */
    fmv.d.x fa0, zero
    li t0, 0x3ff0000000000000   /* 1.0 */
    fmv.d.x fa1, t0
    li s4, 1100                 /* enough runs for a trace */
1:  FS_CLEAN
    li a0, 8
    li a1, 0
    call loop12
    CHECK_FS(MSTATUS_FS_DIRTY)  /* the loop's adds made FS dirty */
    addi s4, s4, -1
    bnez s4, 1b
    FS_CLEAN
    li a0, 0                    /* leave before the first add */
    li a1, 0
    call loop12
    CHECK_FS(MSTATUS_FS_CLEAN)
    FS_CLEAN
    li a0, 8
    li a1, 1                    /* back to the head before the first add */
    call loop12
    CHECK_FS(MSTATUS_FS_DIRTY)
    fcvt.l.d t0, fa0
    CHECK(t0, 8808)

    CASE(13, "Sv39: case 9 with fences of the one page (sfence.vma va)")
    li s5, VA_DATA
    li s6, VA_FN                /* another page: its fence must change nothing */
    REMAP_UNDER_LOOP8(sfence.vma s6; sfence.vma s5, sfence.vma s5)

    CASE(14, "Sv39: a loop trace's data in a 2 MiB page, fenced by another address in it")
    li t0, MEGA_A + 0x3000
    li t1, 7
    sd t1, 0(t0)
    li t0, MEGA_B + 0x3000
    li t1, 9
    sd t1, 0(t0)
    li a0, LEVELS_SV39
    call vm_setup
    MAP(VA_MEGA, MEGA_A, PTE_LEAF | PTE_R | PTE_W, 1, LEVELS_SV39)
    mv s1, a0
    li s3, (MEGA_B >> 2) | PTE_LEAF | PTE_R | PTE_W
    li s5, VA_MEGA              /* not the page the loop reads */
    IN_S(sfence.vma; li a0, 1500; li a1, VA_MEGA + 0x3000; call loop14; mv s2, a0;
         sd s3, 0(s1); sfence.vma s5; li a0, 1500; li a1, VA_MEGA + 0x3000; call loop14;
         mv s4, a0)
    CHECK(s2, 1500 * 7)
    CHECK(s4, 1500 * 9)
    csrw satp, zero
    sfence.vma

    CASE(15, "FP results only in xmm: a fault in the loop")
    li s4, 400
1:  la a0, good_fptrs
    li a1, 4
    call loop15
    fmv.x.d t0, fa0
    CHECK(t0, 0x4014000000000000)   /* 5.0 */
    addi s4, s4, -1
    bnez s4, 1b
    TRAP_ARM(2f)
    la a0, bad_fptrs            /* the third pointer has no memory */
    li a1, 4
    call loop15
    j fail
2:  CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(loop15_load)
    CHECK_TVAL(NO_MEMORY_1)
    CHECK(s1, 2)                /* i of the faulting iteration */
    fmv.x.d t0, fa0
    CHECK(t0, 0x3ff8000000000000)   /* 1.5: the sum of the first two */
    fmv.x.d t0, ft1
    CHECK(t0, 0x3ff0000000000000)   /* 2.0 * 0.5 */
    fmv.x.d t0, ft0
    CHECK(t0, 0x4000000000000000)   /* 2.0: the faulting fld left it */
    fmv.x.d t0, ft4
    CHECK(t0, 0x4000000000000000)   /* 1.0 + 1.0 */

    CASE(16, "an FP loop trace with more FP registers than xmm registers")
    li a0, 3000
    call loop16
    fcvt.l.d t0, fs0
    CHECK(t0, 612204000)

    CASE(17, "a single op of a double still in an xmm register")
    li a0, 3000
    call loop17
    CHECK(a0, 3000)

    CASE(18, "a continuation joins the path of a trace that is no loop")
    csrr s5, minstret
    li a0, 3000
    call loop18
    csrr s6, minstret
    CHECK(a0, 10159500)
    sub s6, s6, s5
    CHECK(s6, 57009)

    CASE(19, "a fault in a continuation of a trace that is no loop")
    li s4, 20
1:  li a0, 100
    li a2, 0
    call loop19
    CHECK(a0, 100)
    addi s4, s4, -1
    bnez s4, 1b
    li a0, 100
    la a1, good_val             /* holds 5 */
    li a2, 1
    call loop19
    CHECK(a0, 600)
    TRAP_ARM(2f)
    li a0, 100
    li a1, NO_MEMORY_1
    li a2, 1
    call loop19
    j fail
2:  CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(loop19_load)
    CHECK_TVAL(NO_MEMORY_1)
    CHECK(s1, 99)               /* counted down once */
    CHECK(s2, 0)                /* nothing summed yet */

    CASE(21, "continuations that return to the path")
    csrr s5, minstret
    li a0, 3000
    call loop21
    csrr s6, minstret
    CHECK(a0, 24000)
    sub s6, s6, s5
    CHECK(s6, 64010)

    CASE(20, "FP copies and mstatus.FS at a join")
    li t0, MSTATUS_FS
    csrs mstatus, t0            /* FP on (dirty) */
    li t0, 0x3ff8000000000000   /* 1.5 */
    fmv.d.x fs1, t0
    li s4, 20
1:  li a0, 100
    li a1, 0
    call loop20
    addi s4, s4, -1
    bnez s4, 1b
    fmv.d.x fa0, zero
    FS_CLEAN
    li a0, 100
    li a1, 1                    /* the side exit, to the join */
    call loop20
    CHECK_FS(MSTATUS_FS_DIRTY)
    fmv.x.d t0, fa0
    CHECK(t0, 0x4062c00000000000)   /* 150.0 */

    CASE(22, "NaN results in a loop trace are canonical where seen")
    li a0, 3000
    call loop22
    CHECK(a0, 3000)
    li t1, 0x7ff8000000000000
    fmv.x.d t0, ft4             /* inf / inf, left in the loop */
    CHECK(t0, 0x7ff8000000000000)
    fmv.x.d t0, ft5             /* sqrt(-1.0), left in the loop */
    CHECK(t0, 0x7ff8000000000000)
    fmv.x.d t0, ft1             /* the payload's sum, seen in the loop */
    CHECK(t0, 0x7ff8000000000000)
    fmv.x.d t0, ft6             /* loaded over inf / inf: as loaded */
    CHECK(t0, 0x7ff8000000000123)

    j pass

/* a0 = how many of a0 iterations found only canonical NaNs (case 22);
 * leaves NaNs in ft4 and ft5 that the loop never looks at */
loop22:
    la t0, nan_consts
    fld fs2, 0(t0)              /* inf */
    fld fs3, 8(t0)              /* a quiet NaN with a payload */
    fld fs4, 16(t0)             /* 1.0 */
    fsgnjn.d fs5, fs4, fs4      /* -1.0 */
    li t1, 0x7ff8000000000000
    li t2, 0
    mv s1, a0
1:  fsub.d ft0, fs2, fs2        /* inf - inf */
    fadd.d ft1, fs3, fs4        /* the payload NaN + 1.0 */
    fmul.d ft2, ft0, fs4        /* a NaN times 1.0 */
    fdiv.d ft4, fs2, fs2        /* inf / inf */
    fsqrt.d ft5, fs5            /* sqrt(-1.0) */
    fdiv.d ft6, fs2, fs2        /* inf / inf, */
    fld ft6, 8(t0)              /* then the payload NaN itself */
    fsd ft2, 24(t0)
    ld t3, 24(t0)
    bne t3, t1, 2f
    fmv.x.d t3, ft1
    bne t3, t1, 2f
    fmv.d ft3, ft0              /* fsgnj.d: the bits as they are */
    fmv.x.d t3, ft3
    bne t3, t1, 2f
    feq.d t3, ft1, ft1          /* a NaN equals nothing */
    bnez t3, 2f
    fle.d t3, fs4, fs2          /* 1.0 <= inf */
    beqz t3, 2f
    flt.d t3, fs4, fs4          /* 1.0 < 1.0 */
    bnez t3, 2f
    addi t2, t2, 1
2:  addi s1, s1, -1
    bnez s1, 1b
    mv a0, t2
    ret

/* fa0 = the sum over a1 pointers at a0 of 0.5 times the double each
 * points to; ft4 = twice the last term */
loop15:
    la t0, fp_consts
    fld fs2, 0(t0)              /* 0.5 */
    fmv.d.x fa0, zero
    li s1, 0
1:  slli t2, s1, 3
    add t2, t2, a0
    ld t3, 0(t2)
loop15_load:
    fld ft0, 0(t3)
    fmul.d ft1, ft0, fs2
    fadd.d fa0, fa0, ft1
    fadd.d ft4, ft1, ft1
    addi s1, s1, 1
    bltu s1, a1, 1b
    ret

/* a0 = the sum over i < a0 of (i % 4 ? 12 + 2i : 13) and of a5, the
 * then-parts run before i: an if-else, then an inner loop of 3
 * iterations (+ 3 + 2 + 1) that is a trace head */
loop18:
    li t0, 0
    li t1, 0
    li a5, 0
1:  add t0, t0, a5
    andi t2, t1, 3
    beqz t2, 2f
    addi a5, a5, 1
    slli t4, t1, 1
    add t0, t0, t4
    addi t0, t0, 6              /* 6 + 2i */
    j 3f
2:  addi t0, t0, 7
3:  li t3, 3
4:  add t0, t0, t3
    addi t3, t3, -1
    bnez t3, 4b
    addi t1, t1, 1
    blt t1, a0, 1b
    mv a0, t0
    ret

/* a0 = the sum over a0 iterations of 1, plus [a1] when a2 is set (by way
 * of 7 registers); an inner loop (a trace head) ends the outer loop's
 * path */
loop19:
    li s2, 0
    mv s1, a0
1:  addi s1, s1, -1
    beqz a2, 2f
loop19_load:
    ld t5, 0(a1)
    slli t4, t5, 1              /* 2v */
    add t6, t4, t5              /* 3v */
    sub a3, t6, t4              /* v */
    add a4, a3, s1
    sub a4, a4, s1              /* v */
    xor a6, a4, t5              /* 0 */
    add a7, a6, t6              /* 3v */
    sub t5, a7, t4              /* v */
    add s2, s2, t5
2:  addi s2, s2, 1
    li t3, 2
3:  addi t3, t3, -1
    bnez t3, 3b
    bnez s1, 1b
    mv a0, s2
    ret

/* a0 = the sum over i < a0 of pick21(i) = i % 3 + 1, and of an inner
 * loop's 3 + 2 + 1 (a trace head: it ends the outer loop's path) */
loop21:
    mv s4, ra
    mv s1, a0
    li s2, 0
    li s3, 0
1:  mv a0, s3
    jal pick21
    add s2, s2, a0
    li t3, 3
2:  add s2, s2, t3
    addi t3, t3, -1
    bnez t3, 2b
    addi s3, s3, 1
    bltu s3, s1, 1b
    mv a0, s2
    jr s4

/* a0 = a0 % 3 + 1, by an early return for each */
pick21:
    li t0, 3
    remu t1, a0, t0
    bnez t1, 1f
    li a0, 1
    ret
1:  addi t1, t1, -1
    bnez t1, 2f
    li a0, 2
    ret
2:  li a0, 3
    ret

/* fa0 += fs1, a0 times; each time also ft0 = fs1 + fs1 unless a1 is set.
 * An inner loop (a trace head) ends the outer loop's path. */
loop20:
1:  addi a0, a0, -1
    bnez a1, 2f
    fadd.d ft0, fs1, fs1
2:  fadd.d fa0, fa0, fs1
    li t3, 2
3:  addi t3, t3, -1
    bnez t3, 3b
    bnez a0, 1b
    ret

/* a0 = how many of a0 iterations found the canonical NaN in ft3 = ft4 +
 * ft4 (single) after ft4 = i + i (double) */
loop17:
    li s1, 0
    li t2, 0
    li t3, 0x7fc00000
1:  fcvt.d.l ft1, s1
    fadd.d ft4, ft1, ft1
    fadd.s ft3, ft4, ft4
    fmv.w.x ft4, zero           /* a boxed 0.0f, in the hart */
    fmv.x.w t0, ft3
    bne t0, t3, 2f
    addi t2, t2, 1
2:  addi s1, s1, 1
    bltu s1, a0, 1b
    mv a0, t2
    ret

/* fs0 = the sum over i = 1..a0 of i + 2i + ... + 16i, each multiple in
 * a register of its own */
loop16:
    fmv.d.x fs0, zero
    li s1, 1
1:  fcvt.d.l ft0, s1
    fadd.d ft1, ft0, ft0
    fadd.d ft2, ft1, ft0
    fadd.d ft3, ft2, ft0
    fadd.d ft4, ft3, ft0
    fadd.d ft5, ft4, ft0
    fadd.d ft6, ft5, ft0
    fadd.d ft7, ft6, ft0
    fadd.d ft8, ft7, ft0
    fadd.d ft9, ft8, ft0
    fadd.d ft10, ft9, ft0
    fadd.d ft11, ft10, ft0
    fadd.d fa1, ft11, ft0
    fadd.d fa2, fa1, ft0
    fadd.d fa3, fa2, ft0
    fadd.d fa4, fa3, ft0
    fadd.d fs0, fs0, ft0
    fadd.d fs0, fs0, ft1
    fadd.d fs0, fs0, ft2
    fadd.d fs0, fs0, ft3
    fadd.d fs0, fs0, ft4
    fadd.d fs0, fs0, ft5
    fadd.d fs0, fs0, ft6
    fadd.d fs0, fs0, ft7
    fadd.d fs0, fs0, ft8
    fadd.d fs0, fs0, ft9
    fadd.d fs0, fs0, ft10
    fadd.d fs0, fs0, ft11
    fadd.d fs0, fs0, fa1
    fadd.d fs0, fs0, fa2
    fadd.d fs0, fs0, fa3
    fadd.d fs0, fs0, fa4
    addi s1, s1, 1
    ble s1, a0, 1b
    ret

/* a0 = the sum of a0 loads from a1 */
loop14:
    li t5, 0
1:  ld t4, 0(a1)
    add t5, t5, t4
    addi a0, a0, -1
    bnez a0, 1b
    mv a0, t5
    ret

/* fa0 += fa1, a0 times, after going round a1 times without adding. */
loop12:
1:  beqz a0, 2f
    addi a1, a1, -1
    bgez a1, 1b
    fadd.d fa0, fa0, fa1
    addi a0, a0, -1
    j 1b
2:  ret

/* Write the instruction a0 and a ret to code_page, 8 times over. */
loop10:
    la t3, code_page
    li t4, 0x00008067           /* ret */
    li t5, 8
    j 1f                        /* the first store too is the trace's */
1:  sw a0, 0(t3)
    sw t4, 4(t3)
    addi t5, t5, -1
    bnez t5, 1b
    ret

/* a0 = sum over i < a0 of (i odd ? 3i : i / 2), with a call per odd i */
loop1:
    addi sp, sp, -16
    sd ra, 0(sp)
    mv s0, a0                   /* s0: n */
    li s1, 0                    /* s1: i */
    li s2, 0                    /* s2: sum */
1:  andi t2, s1, 1
    beqz t2, 2f
    mv a0, s1
    call triple                 /* on another page */
    add s2, s2, a0
    j 3f
2:  srli t2, s1, 1
    add s2, s2, t2
3:  addi t3, s1, 1              /* i + 1 by way of t3: an addi with rd != rs1 */
    mv s1, t3
    bltu s1, s0, 1b
    mv a0, s2
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* a0 = sum over i < a0 of (i < a1 ? i + 1 : 2i + 7) */
loop2:
    addi sp, sp, -16
    sd ra, 0(sp)
    mv s0, a0                   /* s0: n */
    mv s3, a1                   /* s3: where the path changes */
    li s1, 0
    li s2, 0
1:  bgeu s1, s3, 2f             /* not taken while i < a1 */
    addi s2, s2, 1
    la t3, plus_i
    j 3f
2:  addi s2, s2, 7
    la t3, plus_2i
3:  mv a0, s1
    jalr t3                     /* a0 = i or 2i */
    add s2, s2, a0
    addi s1, s1, 1
    bltu s1, s0, 1b
    mv a0, s2
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* a0 = sum of *p[i] for i < a1, p = a0 (s1: i, s2: the sum) */
loop3:
    li s1, 0
    li s2, 0
1:  slli t2, s1, 3
    add t2, t2, a0
    ld t3, 0(t2)
loop3_load:
    ld t4, 0(t3)
    add s2, s2, t4
    addi s1, s1, 1
    bltu s1, a1, 1b
    mv a0, s2
    ret

/* a0 = the sum of a0 calls of get_val */
loop4:
    addi sp, sp, -16
    sd ra, 0(sp)
    mv s0, a0
    li s2, 0
1:  call get_val
    add s2, s2, a0
    addi s0, s0, -1
    bnez s0, 1b
    mv a0, s2
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* fa0 = sum over i = 1..a0 of (i odd ? i * 0.5 : -(i * 0.25)); fs1 = a0
 * as a float; t4 = fa0 as an integer, converted every iteration */
loop7:
    la t0, fp_consts
    fld fs2, 0(t0)              /* 0.5 */
    fld fs3, 8(t0)              /* 0.25 */
    flw fs4, 16(t0)             /* 1.0f */
    fmv.d.x fa0, zero
    fmv.w.x fs1, zero
    li t1, 1
1:  fcvt.d.l ft0, t1
    andi t2, t1, 1
    beqz t2, 2f
    fmul.d ft1, ft0, fs2
    fadd.d fa0, fa0, ft1
    j 3f
2:  fmul.d ft1, ft0, fs3
    fsub.d fa0, fa0, ft1
3:  fadd.s fs1, fs1, fs4
    fcvt.w.d t4, fa0, rtz
    addi t1, t1, 1
    ble t1, a0, 1b
    ret

/* S-mode: a0 = the sum of a0 loads from VA_DATA, each sum stored next
 * to it */
loop8:
    li t3, VA_DATA
    li t5, 0
1:  ld t4, 0(t3)
    add t5, t5, t4
    sd t5, 8(t3)
    addi a0, a0, -1
    bnez a0, 1b
    mv a0, t5
    ret

/* S-mode: a0 = the sum of a0 calls of the function at VA_FN */
loop6:
    mv t6, ra                   /* the calls below overwrite ra */
    mv t4, a0
    li t5, 0
    li t3, VA_FN
1:  jalr t3
    add t5, t5, a0
    addi t4, t4, -1
    bnez t4, 1b
    mv a0, t5
    jr t6

/* S-mode: a0 = the sum of a0 calls of the function at VA_FAR */
loop11:
    mv t6, ra
    mv t4, a0
    li t5, 0
    li a0, 0
    li t3, VA_FAR
1:  add t5, t5, a0              /* the last call's result */
    addi t4, t4, -1
    xori t2, t4, 1              /* a third instruction before the call */
    jalr t3
    bnez t4, 1b
    add t5, t5, a0
    mv a0, t5
    jr t6

    .balign 4                   /* mtvec holds a 4-byte aligned base */
irq_handler:
    csrr t0, mcause
    sd t0, irq_cause, t1
    csrr t0, mepc
    sd t0, irq_epc, t1
    csrw mie, zero
    li t0, CLINT_MTIMECMP0
    li t1, -1
    sd t1, 0(t0)
    ld t0, irq_resume
    jr t0

/* Functions on pages of their own, so that traces calling them cross. */
    .balign 4096
triple:
    slli t0, a0, 1
    add a0, a0, t0
    ret
plus_i:
    ret
plus_2i:
    slli a0, a0, 1
    ret
    .balign 4
    .option push
    .option norvc               /* a 32-bit addi, so case 4 can patch it */
get_val:
    li a0, 5                    /* case 4 rewrites the immediate */
    ret
    .option pop
    .balign 4096
fn_a:
    li a0, 0x111
    ret
    .balign 4096
fn_b:
    li a0, 0x222
    ret
    .balign 4096

    .data
    .balign 4096
data_a: .dword 7, 0
    .balign 4096
data_b: .dword 9, 0
    .balign 4096
code_page: .word 0, 0           /* loop10 writes code here */
    .balign 4096
values: .dword 1, 2, 3, 4
good_ptrs: .dword values, values + 8, values + 16, values + 24
good_val: .dword 5
bad_ptrs: .dword values, NO_MEMORY_1, values + 16, values + 24
good_fptrs: .dword fvalues, fvalues + 8, fvalues + 16, fvalues + 24
bad_fptrs: .dword fvalues, fvalues + 8, NO_MEMORY_1, fvalues + 24
fvalues: .double 1.0, 2.0, 3.0, 4.0
nan_consts: .dword 0x7ff0000000000000, 0x7ff8000000000123, 0x3ff0000000000000, 0
fp_consts: .double 0.5, 0.25
    .float 1.0
    .balign 8
irq_rec:
irq_cause: .dword 0
irq_epc: .dword 0
irq_resume: .dword 0
