/* jit_faults.S — precise exceptions at every position of a block.
 *
 * One straight-line block of 11 instructions, each writing its own register
 * (or memory, or fflags), with a faulting instruction placed before
 * instruction 0, 1, ..., or after the last (positions 0-11):
 *
 *   I0  addi s2, zero, 101          I6  sw s3, 16(s4)
 *   I1  sd s2, 0(s4)                I7  c.li a3, 7
 *   I2  fdiv.d ft2, ft0, ft1  (NX)  I8  slli s6, s3, 4
 *   I3  addi s3, s2, 1              I9  amoadd.d s9, s10, (s1)
 *   I4  ld s5, 8(s4)                I10 fdiv.d ft5, ft0, ft6  (DZ)
 *   I5  fsqrt.d ft3, ft4      (NV)
 *
 * After the trap every register, memory word and fflags bit written before
 * the fault holds its new value and every one after its old value, the
 * faulting instruction wrote nothing, mepc is the faulting instruction,
 * mcause and mtval are exact, and minstret counted exactly the
 * instructions before it (the trap handler reads it first thing).
 *
 * Case kind * 16 + position, kinds:
 *   1  load access fault        ld from NO_MEMORY_1              (5)
 *   2  store access fault       sd to NO_MEMORY_1                (7)
 *   3  misaligned AMO           amoadd.w at an odd address       (6)
 *   4  illegal instruction      a 32-bit reserved encoding       (2)
 *   5  ecall                                                     (11)
 *   6  ebreak                   mtval = its pc (dbt's choice)    (3)
 *   7  illegal compressed       the all-zero halfword, mtval 0   (2)
 *   8  c.ebreak                                                  (3)
 * and in S-mode with Sv39, the fault delegated to S (scause, sepc, stval
 * and instret through mcounteren.IR):
 *   9  load page fault          ld from an unmapped VA           (13)
 *  10  store page fault         sd to an unmapped VA             (15)
 * Cases 200-201: a block that runs off the end of a mapped page into an
 * unmapped one (fetch page fault at the boundary, the instructions before
 * it retired), and a 32-bit instruction whose second half is on the
 * unmapped page (sepc at its start, stval the boundary).
 *
 * QEMU 7.2 raises 4 instead of 6 for a misaligned AMO (see dbt_only.S),
 * writes 0 to mtval for ebreak and counts an illegal instruction, ecall or
 * ebreak as retired in minstret: build with -DQEMU_CAUSES to validate the
 * rest there (QEMU needs -icount shift=0 for minstret).
 */
#define TEST_AREA "jit_faults"
#include "test.h"
#include "vm.h"

#ifdef QEMU_CAUSES
#define CAUSE_AMO_MISALIGNED CAUSE_MISALIGNED_LOAD
#define EBREAK_TVAL_IS_PC 0
#else
#define CAUSE_AMO_MISALIGNED CAUSE_MISALIGNED_STORE
#define EBREAK_TVAL_IS_PC 1
#endif

#define OLD(i) (0x0bad0000+(i))         /* the old value of register i */
#define VA_NONE 0x20000010              /* unmapped under vm_setup */
#define VA_EDGE_A 0x30000000            /* -> edge_a, +4 KiB unmapped */
#define VA_EDGE_B 0x30010000            /* -> edge_b, +4 KiB unmapped */
#define D_INIT 1000                     /* the AMO's word before I9 */
#define FFLAGS_NX 1
#define FFLAGS_DZ 8
#define FFLAGS_NV 16

/* Fail unless register r holds new if \pos > i, else old. */
.macro EXPECT r, i, pos, new, old
    .if \pos > \i
    CHECK(\r, \new)
    .else
    CHECK(\r, \old)
    .endif
.endm
.macro EXPECT_MEM off, i, pos, new, old
    ld a0, \off(s4)
    EXPECT a0, \i, \pos, \new, \old
.endm
.macro EXPECT_F f, i, pos, new, old
    fmv.x.d a0, \f
    EXPECT a0, \i, \pos, \new, \old
.endm

/* The faulting instruction of kind k. */
.macro FAULT k
    .if \k == 1 || \k == 9
    ld t3, 0(s7)
    .elseif \k == 2 || \k == 10
    sd t3, 0(s7)
    .elseif \k == 3
    amoadd.w t3, s10, (s8)
    .elseif \k == 4
    .word 0xfe000033
    .elseif \k == 5
    ecall
    .elseif \k == 6
    .option push
    .option norvc
    ebreak
    .option pop
    .elseif \k == 7
    .hword 0
    .elseif \k == 8
    c.ebreak
    .endif
.endm

/* Instruction i of the block, with the fault before it when i == pos. */
.macro SLOT i, pos, k, insn:vararg
    .if \i == \pos
jf_fault_\k\()_\pos:
    FAULT \k
    .endif
    \insn
.endm

/* The block with the fault at pos. */
.macro BLOCK pos, k
    SLOT 0, \pos, \k, addi s2, zero, 101
    SLOT 1, \pos, \k, sd s2, 0(s4)
    SLOT 2, \pos, \k, fdiv.d ft2, ft0, ft1
    SLOT 3, \pos, \k, addi s3, s2, 1
    SLOT 4, \pos, \k, ld s5, 8(s4)
    SLOT 5, \pos, \k, fsqrt.d ft3, ft4
    SLOT 6, \pos, \k, sw s3, 16(s4)
    SLOT 7, \pos, \k, c.li a3, 7
    SLOT 8, \pos, \k, slli s6, s3, 4
    SLOT 9, \pos, \k, amoadd.d s9, s10, (s1)
    SLOT 10, \pos, \k, fdiv.d ft5, ft0, ft6
    SLOT 11, \pos, \k, nop
.endm

/* Checks of everything the block may have written, fault at pos. */
.macro CHECK_STATE pos
    EXPECT s2, 0, \pos, 101, OLD(18)
    EXPECT_MEM 0, 1, \pos, 101, 0
    EXPECT_F ft2, 2, \pos, 0x3fd5555555555555, OLD(34)
    EXPECT s3, 3, \pos, 102, OLD(19)
    EXPECT s5, 4, \pos, 0x5555, OLD(21)
    EXPECT_F ft3, 5, \pos, 0x7ff8000000000000, OLD(35)
    EXPECT_MEM 16, 6, \pos, 102, 0
    EXPECT a3, 7, \pos, 7, OLD(13)
    EXPECT s6, 8, \pos, 1632, OLD(22)
    EXPECT s9, 9, \pos, D_INIT, OLD(25)
    EXPECT_MEM 24, 9, \pos, 1007, D_INIT
    EXPECT_F ft5, 10, \pos, 0x7ff0000000000000, OLD(37)
    CHECK(t3, OLD(28))          /* the faulting instruction wrote nothing */
    ld a0, 32(s4)
    CHECK(a0, 0)
    ld a0, 40(s4)
    CHECK(a0, 0)
    ld a0, jf_fflags
    .if \pos > 10
    CHECK(a0, FFLAGS_NX | FFLAGS_NV | FFLAGS_DZ)
    .elseif \pos > 5
    CHECK(a0, FFLAGS_NX | FFLAGS_NV)
    .elseif \pos > 2
    CHECK(a0, FFLAGS_NX)
    .else
    CHECK(a0, 0)
    .endif
.endm

/* One M-mode case: kind k, fault at pos, expected cause and tval. */
.macro MCASE k, pos, cause, tval
    NAME_BEGIN(\k * 16 + \pos) .ascii "M kind \k, fault at \pos"; NAME_END
    call jf_setup
    la t0, 1f
    sd t0, jf_resume, t1
    csrr s11, minstret
    BLOCK \pos, \k
    j fail
1:  ld a0, jf_instret
    sub a0, a0, s11
#ifdef QEMU_CAUSES
    .if \k >= 4                 /* QEMU counts these as retired */
    addi a0, a0, -1
    .endif
#endif
    CHECK(a0, 1 + \pos)
    CHECK_MEM(jf_cause, \cause)
    ld a0, jf_epc
    la a1, jf_fault_\k\()_\pos
    CHECK_R(a0, a1)
    ld a0, jf_tval
    .if \tval == -1
    CHECK_R(a0, a1)             /* the pc of the instruction */
    .elseif \tval == -2
    CHECK_R(a0, s8)             /* the misaligned address */
    .else
    CHECK(a0, \tval)
    .endif
    CHECK_STATE \pos
.endm

/* The same in S-mode, translated, the fault delegated to S. */
.macro SCASE k, pos, cause
    NAME_BEGIN(\k * 16 + \pos) .ascii "S kind \k, fault at \pos"; NAME_END
    call jf_setup
    li s7, VA_NONE
    GOTO_PRIV(PRV_S, 2f, 1f)
2:  csrr s11, instret
    BLOCK \pos, \k
    ecall                       /* no fault: the checks below fail */
1:  CHECK_CAUSE(CAUSE_ECALL_S)  /* the S handler's way back to M */
    ld a0, jf_instret
    sub a0, a0, s11
    CHECK(a0, 1 + \pos)
    CHECK_MEM(jf_cause, \cause)
    ld a0, jf_epc
    la a1, jf_fault_\k\()_\pos
    CHECK_R(a0, a1)
    CHECK_MEM(jf_tval, VA_NONE)
    CHECK_STATE \pos
.endm

.macro ALL_M k, cause, tval
    .irp p, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    MCASE \k, \p, \cause, \tval
    .endr
.endm
.macro ALL_S k, cause
    .irp p, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    SCASE \k, \p, \cause
    .endr
.endm

main:
    la t0, jf_mhandler
    csrw mtvec, t0
    ALL_M 1, CAUSE_LOAD_ACCESS, NO_MEMORY_1
    ALL_M 2, CAUSE_STORE_ACCESS, NO_MEMORY_1
    ALL_M 3, CAUSE_AMO_MISALIGNED, -2
    ALL_M 4, CAUSE_ILLEGAL, 0xfe000033
    ALL_M 5, CAUSE_ECALL_M, 0
#if EBREAK_TVAL_IS_PC
    ALL_M 6, CAUSE_BREAKPOINT, -1
    ALL_M 8, CAUSE_BREAKPOINT, -1
#else
    ALL_M 6, CAUSE_BREAKPOINT, 0
    ALL_M 8, CAUSE_BREAKPOINT, 0
#endif
    ALL_M 7, CAUSE_ILLEGAL, 0

    /* -- S-mode, Sv39 ------------------------------------------------------ */
    la t0, m_trap_entry
    csrw mtvec, t0
    la t0, jf_shandler
    csrw stvec, t0
    li t0, 4                    /* mcounteren.IR: S reads instret */
    csrw mcounteren, t0
    li t0, (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE)
    csrw medeleg, t0
    li a0, LEVELS_SV39
    call vm_setup
    MAP_LABEL(VA_EDGE_A, edge_a, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    MAP_LABEL(VA_EDGE_B, edge_b, PTE_LEAF | PTE_R | PTE_X, 0, LEVELS_SV39)
    ALL_S 9, CAUSE_LOAD_PAGE
    ALL_S 10, CAUSE_STORE_PAGE

    CASE(200, "S: a block runs off its page into an unmapped one")
    call jf_setup
    GOTO_PRIV(PRV_S, 2f, 1f)
2:  li a0, VA_EDGE_A + 4096 - 16
    csrr s11, instret
    jr a0
1:  CHECK_CAUSE(CAUSE_ECALL_S)
    ld a0, jf_instret
    sub a0, a0, s11
    CHECK(a0, 2 + 5)
    CHECK_MEM(jf_cause, CAUSE_FETCH_PAGE)
    CHECK_MEM(jf_epc, VA_EDGE_A + 4096)
    CHECK_MEM(jf_tval, VA_EDGE_A + 4096)
    CHECK(s2, 101)
    CHECK(s3, 102)
    CHECK(a3, 7)
    CHECK(s6, 5)
    CHECK(s5, OLD(21))
    ld a0, 0(s4)
    CHECK(a0, 101)
    CASE(201, "S: a 32-bit instruction whose second half is unmapped")
    call jf_setup
    GOTO_PRIV(PRV_S, 2f, 1f)
2:  li a0, VA_EDGE_B + 4096 - 10
    csrr s11, instret
    jr a0
1:  CHECK_CAUSE(CAUSE_ECALL_S)
    ld a0, jf_instret
    sub a0, a0, s11
    CHECK(a0, 2 + 3)
    CHECK_MEM(jf_cause, CAUSE_FETCH_PAGE)
    CHECK_MEM(jf_epc, VA_EDGE_B + 4096 - 2)
    CHECK_MEM(jf_tval, VA_EDGE_B + 4096)
    CHECK(s2, 101)
    CHECK(a3, 7)
    CHECK(s6, 5)
    CHECK(s3, OLD(19))
    csrw satp, zero
    sfence.vma
    j pass

/* jf_setup: the old values of everything the block writes, its inputs,
 * fflags = 0.  s4 = jf_mem (zeroed, B = 0x5555, D = D_INIT). */
jf_setup:
    la s4, jf_mem
    sd zero, 0(s4)
    li t0, 0x5555
    sd t0, 8(s4)
    sd zero, 16(s4)
    li t0, D_INIT
    sd t0, 24(s4)
    sd zero, 32(s4)
    sd zero, 40(s4)
    addi s1, s4, 24             /* the AMO's word */
    addi s8, s4, 33             /* the misaligned AMO's address */
    li s7, NO_MEMORY_1
    li s10, 7
    li s2, OLD(18)
    li s3, OLD(19)
    li s5, OLD(21)
    li s6, OLD(22)
    li s9, OLD(25)
    li a3, OLD(13)
    li t3, OLD(28)
    li t0, OLD(34)
    fmv.d.x ft2, t0
    li t0, OLD(35)
    fmv.d.x ft3, t0
    li t0, OLD(37)
    fmv.d.x ft5, t0
    li t0, 0x3ff0000000000000   /* 1.0 */
    fmv.d.x ft0, t0
    li t0, 0x4008000000000000   /* 3.0 */
    fmv.d.x ft1, t0
    li t0, 0xbff0000000000000   /* -1.0 */
    fmv.d.x ft4, t0
    fmv.d.x ft6, zero
    la t0, jf_rec
    li t1, -1
    sd t1, 0(t0)
    sd t1, 8(t0)
    sd t1, 16(t0)
    sd t1, 24(t0)
    sd t1, 32(t0)
    csrw fflags, zero
    ret

/* The trap handlers: minstret first, then the trap CSRs and fflags into
 * jf_rec.  Only t0 and t1 are touched.  M: continue at jf_resume.  S: ecall
 * to M, whose handler continues at the label the case armed. */
    .balign 4
jf_mhandler:
    csrr t0, minstret
    la t1, jf_rec
    sd t0, 0(t1)
    csrr t0, mcause
    sd t0, 8(t1)
    csrr t0, mepc
    sd t0, 16(t1)
    csrr t0, mtval
    sd t0, 24(t1)
    csrr t0, fflags
    sd t0, 32(t1)
    ld t0, 40(t1)
    jr t0
    .balign 4
jf_shandler:
    csrr t0, instret
    la t1, jf_rec
    sd t0, 0(t1)
    csrr t0, scause
    sd t0, 8(t1)
    csrr t0, sepc
    sd t0, 16(t1)
    csrr t0, stval
    sd t0, 24(t1)
    csrr t0, fflags
    sd t0, 32(t1)
    ecall

/* Two code pages mapped at VA_EDGE_A/B with nothing mapped after them. */
    .section .text.edge, "ax"
    .balign 4096
edge_a:
    .skip 4096 - 16
    addi s2, zero, 101          /* VA_EDGE_A + 4080 */
    addi s3, zero, 102
    c.li a3, 7
    sd s2, 0(s4)
    c.li s6, 5                  /* ends at the page end: fetch fault next */
    .balign 4096
edge_b:
    .skip 4096 - 10
    addi s2, zero, 101          /* VA_EDGE_B + 4086 */
    c.li a3, 7
    c.li s6, 5
    .option push
    .option norvc
    addi s3, zero, 102          /* VA_EDGE_B + 4094: straddles */
    .option pop

    .data
    .balign 8
jf_rec:
jf_instret: .dword 0
jf_cause: .dword 0
jf_epc: .dword 0
jf_tval: .dword 0
jf_fflags: .dword 0
jf_resume: .dword 0
jf_mem: .fill 8, 8, 0
