/* test.h — the runtime and macros of dbt's bare-metal guest tests.
 *
 * A test program defines its area name and includes this file:
 *
 *     #define TEST_AREA "rv64i"
 *     #include "test.h"
 *     main:
 *         TEST_RR(1, add, 3, 1, 2)        // case 1: add 1, 2 must give 3
 *         ...
 *         j pass
 *
 * _start (below) puts the hart in a known state and jumps to `main` in
 * M-mode.  The run ends through HTIF: `pass` stores 1 to tohost (exit status
 * 0); `fail` prints one line on the HTIF console and stores (n << 1) | 1,
 * where n is the current case number, so the exit status names the case:
 *
 *     FAIL: rv64i case 7: sub 0, 1 (got 0x0000000000000001, expected 0xffffffffffffffff)
 *
 * Register conventions of every test:
 *   gp (TESTNUM)  the current case number, set by CASE(); never touch it.
 *   t5, t6        the expected and actual value of the CHECK macros.
 *   t0, t1        scratch of the macros below, and t0 is clobbered when a
 *                 trap resumes at a label (see TRAP_ARM).
 *
 * Traps.  mtvec points at m_trap_entry.  Every trap into M-mode is recorded
 * in trap_count/trap_cause/trap_epc/trap_tval/trap_status (mstatus as the
 * trap left it).  Then, in this order:
 *   - an ecall with a7 == FAIL_MAGIC is a failure report from any privilege
 *     (UCHECK, UFAIL): the handler goes to fail_cmp in M-mode;
 *   - if trap_resume holds a label (TRAP_ARM), it is cleared and the hart
 *     continues there in M-mode (mstatus as the trap left it; t0 lost);
 *   - if trap_skip is nonzero, mepc += trap_skip and mret (the test knows
 *     the length of the instruction it expects to trap);
 *   - otherwise the trap was unexpected: the case fails, printing mcause,
 *     mepc and mtval.
 * stvec points at s_trap_entry, which does the same for traps delegated to
 * S-mode with strap_* records (an unexpected one is reported through M).
 *
 * Other helpers: TEST_ILLEGAL / TEST_ILLEGAL_IN / TEST_LEGAL_IN (one
 * instruction, in M or a lower mode), GOTO_PRIV (mret into S or U), and
 * pt_alloc / pt_map to build page tables (vm.h builds a whole space).
 *
 * The .S files go through cpp: comments are C style, and numeric labels
 * 8001-8006 and 9001-9002 belong to the macros.
 */
#ifndef TEST_AREA
#error "define TEST_AREA before including test.h"
#endif

#define TESTNUM gp
#define FAIL_MAGIC 0xfa11

/* -- Encodings (privileged spec 1.12) -------------------------------------- */

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE (1 << 1)
#define MSTATUS_MIE (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP (1 << 8)
#define MSTATUS_MPP (3 << 11)
#define MSTATUS_FS (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_CLEAN (2 << 13)
#define MSTATUS_FS_DIRTY (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM (1 << 18)
#define MSTATUS_MXR (1 << 19)
#define MSTATUS_TVM (1 << 20)
#define MSTATUS_TW (1 << 21)
#define MSTATUS_TSR (1 << 22)
#define MSTATUS_UXL (3 << 32)
#define MSTATUS_SXL (3 << 34)
#define MSTATUS_SD (1 << 63)

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_SEIP (1 << IRQ_SEI)
#define INTERRUPT (1 << 63) /* mcause bit of an interrupt */

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PAGE 12
#define CAUSE_LOAD_PAGE 13
#define CAUSE_STORE_PAGE 15

#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)
#define SATP_SV57 (10 << 60)

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_LEAF (PTE_V | PTE_A | PTE_D) /* add R/W/X/U to taste */

/* Physical addresses with nothing behind them on either machine (dbt's
 * `virt` layout, QEMU's spike): accesses there raise access faults. */
#define NO_MEMORY_0 0x0
#define NO_MEMORY_1 0x40000000

/* -- Cases and checks ----------------------------------------------------- */

/* Start case n.  The name lands in .testnames/.teststr so that `fail` can
 * print it; NAME_BEGIN/NAME_END bracket any .ascii pieces. */
#define NAME_BEGIN(n)                                                          \
    li TESTNUM, n;                                                             \
    .pushsection .testnames, "a"; .balign 8; .dword n, 9001f; .popsection;     \
    .pushsection .teststr, "a"; 9001:
#define NAME_END .byte 0; .popsection
#define CASE(n, desc) NAME_BEGIN(n) .ascii desc; NAME_END;

/* Fail the case unless register r holds the constant v. */
#define CHECK(r, v)                                                            \
    mv t6, r; li t5, v; beq t6, t5, 9002f; j fail_cmp; 9002:
/* Fail the case unless r equals register e. */
#define CHECK_R(r, e)                                                          \
    mv t5, e; mv t6, r; beq t6, t5, 9002f; j fail_cmp; 9002:
/* Fail the case unless the doubleword at symbol s holds v. */
#define CHECK_MEM(s, v)                                                        \
    ld t6, s; li t5, v; beq t6, t5, 9002f; j fail_cmp; 9002:
/* The same checks for code running in S- or U-mode: a failure is an ecall
 * that the M-mode handler turns into the report. */
#define UCHECK(r, v)                                                           \
    mv t6, r; li t5, v; beq t6, t5, 9002f; li a7, FAIL_MAGIC; ecall; 9002:
#define UCHECK_R(r, e)                                                         \
    mv t5, e; mv t6, r; beq t6, t5, 9002f; li a7, FAIL_MAGIC; ecall; 9002:
#define UFAIL li t5, 0; li t6, 0; li a7, FAIL_MAGIC; ecall

/* -- Instruction cases ------------------------------------------------------- */

/* rd = op rs1, rs2 with rs1 = a, rs2 = b; rd must be want. */
#define TEST_RR(n, op, want, a, b)                                             \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #b; NAME_END;                     \
    li a1, a; li a2, b; op a0, a1, a2; CHECK(a0, want)
/* rd = op rs1, imm with rs1 = a. */
#define TEST_RI(n, op, want, a, imm)                                           \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #imm; NAME_END;                   \
    li a1, a; op a0, a1, imm; CHECK(a0, want)
/* The same with rd == rs1 and with rd == rs2 (operand aliasing). */
#define TEST_RR_SRC1_EQ_DEST(n, op, want, a, b)                                \
    NAME_BEGIN(n) .ascii #op, " rd=rs1 ", #a, ", ", #b; NAME_END;              \
    li a1, a; li a2, b; op a1, a1, a2; CHECK(a1, want)
#define TEST_RR_SRC2_EQ_DEST(n, op, want, a, b)                                \
    NAME_BEGIN(n) .ascii #op, " rd=rs2 ", #a, ", ", #b; NAME_END;              \
    li a1, a; li a2, b; op a2, a1, a2; CHECK(a2, want)
#define TEST_RI_SRC1_EQ_DEST(n, op, want, a, imm)                              \
    NAME_BEGIN(n) .ascii #op, " rd=rs1 ", #a, ", ", #imm; NAME_END;            \
    li a1, a; op a1, a1, imm; CHECK(a1, want)

/* -- Traps and privilege -------------------------------------------------- */

/* Offsets in m_ctx / s_ctx. */
#define CTX_T0 0
#define CTX_T1 8
#define CTX_COUNT 16
#define CTX_CAUSE 24
#define CTX_EPC 32
#define CTX_TVAL 40
#define CTX_STATUS 48
#define CTX_RESUME 56
#define CTX_SKIP 64
#define CTX_UNEXPECTED 72
#define CTX_VEC 80 /* free for the tests' own vector stubs */
#define CTX_SIZE 88

/* Poison the M trap records and continue at `resume` after the next trap
 * into M-mode.  Clobbers t0, t1. */
#define TRAP_ARM(resume)                                                       \
    la t0, m_ctx; li t1, -1;                                                   \
    sd zero, CTX_COUNT(t0); sd t1, CTX_CAUSE(t0); sd t1, CTX_EPC(t0);          \
    sd t1, CTX_TVAL(t0); la t1, resume; sd t1, CTX_RESUME(t0)
/* The same for the S-mode handler (the S records). */
#define STRAP_ARM(resume)                                                      \
    la t0, s_ctx; li t1, -1;                                                   \
    sd zero, CTX_COUNT(t0); sd t1, CTX_CAUSE(t0); sd t1, CTX_EPC(t0);          \
    sd t1, CTX_TVAL(t0); la t1, resume; sd t1, CTX_RESUME(t0)
/* Poison the records without arming a resume label. */
#define TRAP_CLEAR                                                             \
    la t0, m_ctx; li t1, -1; sd zero, CTX_COUNT(t0); sd t1, CTX_CAUSE(t0);     \
    sd t1, CTX_EPC(t0); sd t1, CTX_TVAL(t0); sd zero, CTX_RESUME(t0)
#define STRAP_CLEAR                                                            \
    la t0, s_ctx; li t1, -1; sd zero, CTX_COUNT(t0); sd t1, CTX_CAUSE(t0);     \
    sd t1, CTX_EPC(t0); sd t1, CTX_TVAL(t0); sd zero, CTX_RESUME(t0)
/* Make traps return past the trapping instruction of `len` bytes (0: off). */
#define TRAP_SKIP(len) la t0, m_ctx; li t1, len; sd t1, CTX_SKIP(t0)
#define STRAP_SKIP(len) la t0, s_ctx; li t1, len; sd t1, CTX_SKIP(t0)

/* Checks of the recorded trap. */
#define CHECK_CAUSE(c) CHECK_MEM(trap_cause, c)
#define CHECK_TVAL(v) CHECK_MEM(trap_tval, v)
#define CHECK_COUNT(v) CHECK_MEM(trap_count, v)
#define CHECK_EPC(label) ld t6, trap_epc; la t5, label; beq t6, t5, 9002f; j fail_cmp; 9002:
#define CHECK_TVAL_LABEL(label) ld t6, trap_tval; la t5, label; beq t6, t5, 9002f; j fail_cmp; 9002:
/* Fail unless the doubleword at symbol s holds the address of `label`. */
#define CHECK_MEM_LABEL(s, label) ld t6, s; la t5, label; beq t6, t5, 9002f; j fail_cmp; 9002:

/* Fail unless trap_tval holds the bits of the instruction at `label`; for
 * a 16-bit instruction 0 is accepted too (the spec allows mtval = 0).
 * Clobbers a0, ra, t0, t1, t5, t6. */
#define CHECK_TVAL_INSN(label) la a0, label; call check_tval_insn
/* Case n: the instruction given must raise illegal instruction with mepc
 * at it and mtval = its bits. */
#define TEST_ILLEGAL(n, desc, ...)                                             \
    CASE(n, desc) TRAP_ARM(8003f); 8004: __VA_ARGS__; j fail;                  \
8003: CHECK_CAUSE(CAUSE_ILLEGAL) CHECK_EPC(8004b) CHECK_TVAL_INSN(8004b)

/* Case n: executed in privilege prv (PRV_U or PRV_S, no paging), the
 * instruction given must raise illegal instruction into M-mode. */
#define TEST_ILLEGAL_IN(n, prv, desc, ...)                                     \
    CASE(n, desc) GOTO_PRIV(prv, 8004f, 8003f);                                \
8004: __VA_ARGS__; ecall;                                                      \
8003: CHECK_CAUSE(CAUSE_ILLEGAL) CHECK_EPC(8004b) CHECK_TVAL_INSN(8004b)
/* Case n: executed in privilege prv, the instruction must not trap (the
 * ecall after it must be the first trap). */
#define TEST_LEGAL_IN(n, prv, desc, ...)                                       \
    CASE(n, desc) GOTO_PRIV(prv, 8004f, 8003f);                                \
8004: __VA_ARGS__; 8005: ecall;                                                \
8003: CHECK_CAUSE(CAUSE_ECALL_U + (prv)) CHECK_EPC(8005b)

/* Set mstatus.MPP to prv (clobbers t0). */
#define SET_MPP(prv)                                                           \
    li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, (prv) << 11; csrs mstatus, t0
/* mret into privilege prv at `target`; the next trap into M continues at
 * `back` in M-mode.  Lower-mode code usually ends with an ecall. */
#define GOTO_PRIV(prv, target, back)                                           \
    TRAP_ARM(back); SET_MPP(prv); la t0, target; csrw mepc, t0; mret
/* In S-mode (satp as it is), run the instructions; the ecall after them
 * comes back to M.  Any trap resumes at the next check in M. */
#define IN_S(...) GOTO_PRIV(PRV_S, 8004f, 8003f); 8004: __VA_ARGS__; ecall; 8003:

/* -- The runtime ----------------------------------------------------------- */

    .section .text.init, "ax"
    .globl _start
_start:
    /* PMP first, with traps pointed past it: on a machine without PMP
     * the writes are ignored.  dbt and QEMU's spike have 16 entries and
     * deny S/U accesses until one matches, so allow all: pmpaddr0 = all
     * ones is a NAPOT region covering every address. */
    la t0, 1f
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f                 /* A=NAPOT, X, W, R */
    csrw pmpcfg0, t0
    .balign 4
1:  la t0, m_trap_entry
    csrw mtvec, t0
    la t0, s_trap_entry
    csrw stvec, t0
    la t0, m_ctx
    csrw mscratch, t0
    la t0, s_ctx
    csrw sscratch, t0
    csrw medeleg, zero
    csrw mideleg, zero
    csrw mie, zero
    csrw satp, zero
    li t0, MSTATUS_FS_INITIAL   /* FP usable; everything else off */
    csrw mstatus, t0
    csrw fcsr, zero
    la sp, m_stack_top
    li TESTNUM, 0
    j main

/* pass: the run ends with exit status 0. */
    .globl pass
pass:
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
1:  j 1b

/* fail_cmp, fail, fail_trap: report case TESTNUM and end the run with its
 * number as the exit status (255 if it does not fit a status byte).
 * fail_cmp prints t6 (got) and t5 (expected); fail_trap the M trap CSRs. */
    .globl fail_cmp, fail, fail_trap
fail_cmp:
    li s1, 1
    j 1f
fail:
    li s1, 0
    j 1f
fail_trap:
    li s1, 2
1:  li t0, MSTATUS_MPRV         /* our loads must not be translated */
    csrc mstatus, t0
    la sp, m_stack_top
    mv s2, t6
    mv s3, t5
    la a0, str_fail
    call puts
    la a0, test_area
    call puts
    la a0, str_case
    call puts
    mv a0, TESTNUM
    call putdec
    /* The case name, from the .testnames table. */
    la t0, testnames_start
    la t1, testnames_end
2:  bgeu t0, t1, 4f
    ld t2, 0(t0)
    addi t0, t0, 16
    bne t2, TESTNUM, 2b
    ld s4, -8(t0)
    la a0, str_colon
    call puts
    mv a0, s4
    call puts
4:  li t0, 1
    bne s1, t0, 5f
    la a0, str_got
    call puts
    mv a0, s2
    call puthex
    la a0, str_expected
    call puts
    mv a0, s3
    call puthex
    la a0, str_close
    call puts
5:  li t0, 2
    bne s1, t0, 6f
    la a0, str_mtrap
    call puts
    csrr a0, mcause
    call puthex
    la a0, str_mepc
    call puts
    csrr a0, mepc
    call puthex
    la a0, str_mtval
    call puts
    csrr a0, mtval
    call puthex
6:  ld t0, s_ctx + CTX_UNEXPECTED
    beqz t0, 7f
    la a0, str_strap
    call puts
    ld a0, s_ctx + CTX_CAUSE
    call puthex
    la a0, str_mepc
    call puts
    ld a0, s_ctx + CTX_EPC
    call puthex
    la a0, str_mtval
    call puts
    ld a0, s_ctx + CTX_TVAL
    call puthex
7:  li a0, '\n'
    call putchar
    mv a0, TESTNUM
    li t0, 255
    beqz a0, 8f
    bleu a0, t0, 9f
8:  mv a0, t0
9:  slli a0, a0, 1
    ori a0, a0, 1
    la t1, tohost
    sd a0, 0(t1)
1:  j 1b

/* check_tval_insn(a0 = address of an instruction): see CHECK_TVAL_INSN. */
check_tval_insn:
    ld t6, trap_tval
    lhu t5, 0(a0)
    andi t0, t5, 3
    li t1, 3
    beq t0, t1, 1f
    beqz t6, 2f                 /* 16-bit: 0 is allowed */
    bne t6, t5, fail_cmp
    ret
1:  lwu t5, 0(a0)
    bne t6, t5, fail_cmp
2:  ret

/* putchar(a0): one byte to the HTIF console (device 1, command 1).  The host
 * acknowledges by clearing tohost. */
putchar:
    la t0, tohost
1:  ld t1, 0(t0)
    bnez t1, 1b
    andi a0, a0, 0xff
    li t1, (1 << 56) | (1 << 48)
    or t1, t1, a0
    sd t1, 0(t0)
2:  ld t1, 0(t0)
    bnez t1, 2b
    ret

/* puts(a0): a NUL-terminated string. */
puts:
    addi sp, sp, -16
    sd ra, 0(sp)
    sd s0, 8(sp)
    mv s0, a0
1:  lbu a0, 0(s0)
    beqz a0, 2f
    call putchar
    addi s0, s0, 1
    j 1b
2:  ld ra, 0(sp)
    ld s0, 8(sp)
    addi sp, sp, 16
    ret

/* puthex(a0): 0x and 16 hex digits. */
puthex:
    addi sp, sp, -32
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    mv s0, a0
    li a0, '0'
    call putchar
    li a0, 'x'
    call putchar
    li s1, 60
1:  srl a0, s0, s1
    andi a0, a0, 15
    li t0, 10
    blt a0, t0, 2f
    addi a0, a0, 'a' - '0' - 10
2:  addi a0, a0, '0'
    call putchar
    addi s1, s1, -4
    bgez s1, 1b
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    addi sp, sp, 32
    ret

/* putdec(a0): unsigned decimal. */
putdec:
    addi sp, sp, -48
    sd ra, 0(sp)
    sd s0, 8(sp)
    addi s0, sp, 47             /* digits are built backwards */
    sb zero, 0(s0)
    li t1, 10
1:  remu t0, a0, t1
    divu a0, a0, t1
    addi t0, t0, '0'
    addi s0, s0, -1
    sb t0, 0(s0)
    bnez a0, 1b
    mv a0, s0
    call puts
    ld ra, 0(sp)
    ld s0, 8(sp)
    addi sp, sp, 48
    ret

/* The M-mode trap handler.  mscratch holds &m_ctx; only t0/t1 are used and
 * they are restored, except on the resume path (t0 = the label). */
    .balign 4
    .globl m_trap_entry
m_trap_entry:
    csrrw sp, mscratch, sp
    sd t0, CTX_T0(sp)
    sd t1, CTX_T1(sp)
    csrr t0, mcause
    sd t0, CTX_CAUSE(sp)
    csrr t1, mepc
    sd t1, CTX_EPC(sp)
    csrr t1, mtval
    sd t1, CTX_TVAL(sp)
    csrr t1, mstatus
    sd t1, CTX_STATUS(sp)
    ld t1, CTX_COUNT(sp)
    addi t1, t1, 1
    sd t1, CTX_COUNT(sp)
    /* A failure report by ecall (cause 8, 9 or 11 with a7 == FAIL_MAGIC)? */
    addi t1, t0, -CAUSE_ECALL_U /* unsigned: interrupts are huge */
    li t0, 3
    bgeu t1, t0, 1f
    li t0, 2                    /* cause 10 is reserved */
    beq t1, t0, 1f
    li t0, FAIL_MAGIC
    bne a7, t0, 1f
    ld t0, CTX_T0(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, mscratch, sp
    j fail_cmp
1:  ld t0, CTX_RESUME(sp)
    beqz t0, 2f
    sd zero, CTX_RESUME(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, mscratch, sp
    jr t0
2:  ld t0, CTX_SKIP(sp)
    beqz t0, 3f
    csrr t1, mepc
    add t1, t1, t0
    csrw mepc, t1
    ld t0, CTX_T0(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, mscratch, sp
    mret
3:  ld t0, CTX_T0(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, mscratch, sp
    j fail_trap

/* The S-mode trap handler: the same with sscratch = &s_ctx.  It runs at the
 * address it was linked at, so paging tests map it (and s_ctx) 1:1. */
    .balign 4
    .globl s_trap_entry
s_trap_entry:
    csrrw sp, sscratch, sp
    sd t0, CTX_T0(sp)
    sd t1, CTX_T1(sp)
    csrr t0, scause
    sd t0, CTX_CAUSE(sp)
    csrr t1, sepc
    sd t1, CTX_EPC(sp)
    csrr t1, stval
    sd t1, CTX_TVAL(sp)
    csrr t1, sstatus
    sd t1, CTX_STATUS(sp)
    ld t1, CTX_COUNT(sp)
    addi t1, t1, 1
    sd t1, CTX_COUNT(sp)
    /* A failure report from U-mode delegated here: pass it on to M. */
    li t1, CAUSE_ECALL_U
    bne t0, t1, 1f
    li t1, FAIL_MAGIC
    bne a7, t1, 1f
    ld t0, CTX_T0(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, sscratch, sp
    ecall
1:  ld t0, CTX_RESUME(sp)
    beqz t0, 2f
    sd zero, CTX_RESUME(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, sscratch, sp
    jr t0
2:  ld t0, CTX_SKIP(sp)
    beqz t0, 3f
    csrr t1, sepc
    add t1, t1, t0
    csrw sepc, t1
    ld t0, CTX_T0(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, sscratch, sp
    sret
3:  li t0, 1
    sd t0, CTX_UNEXPECTED(sp)
    ld t0, CTX_T0(sp)
    ld t1, CTX_T1(sp)
    csrrw sp, sscratch, sp
    li a7, FAIL_MAGIC
    ecall

/* pt_alloc: a0 = a fresh zeroed 4 KiB page from the page-table pool.
 * Clobbers t1, t2 only. */
    .globl pt_alloc
pt_alloc:
    ld a0, pt_next
    bnez a0, 1f
    la a0, pt_pool
1:  li t2, 4096
    add t2, a0, t2
    la t1, pt_pool_end
    bgtu t2, t1, fail           /* pool exhausted: a bug in the test */
    la t1, pt_next
    sd t2, 0(t1)
    ret

/* pt_map: a0 = root table, a1 = va, a2 = pa, a3 = PTE flags, a4 = level of
 * the leaf (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB), a5 = levels (3 for
 * Sv39, 4 for Sv48).  Intermediate tables come from pt_alloc.  Returns
 * a0 = the address of the leaf PTE, so the test can change it later.
 * Clobbers t0-t4. */
    .globl pt_map
pt_map:
    addi sp, sp, -16
    sd ra, 0(sp)
    mv t3, a0                   /* t3: current table */
    addi t4, a5, -1             /* t4: current level */
1:  li t0, 9                    /* index = va >> (12 + 9 * level) & 511 */
    mul t0, t0, t4
    addi t0, t0, 12
    srl t0, a1, t0
    andi t0, t0, 511
    slli t0, t0, 3
    add t3, t3, t0              /* t3: address of the PTE */
    beq t4, a4, 3f
    ld t0, 0(t3)
    andi t1, t0, PTE_V
    bnez t1, 2f
    mv t0, t3                   /* no table yet: allocate one */
    call pt_alloc
    srli t1, a0, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V
    sd t1, 0(t0)
    mv t0, t1
2:  srli t0, t0, 10             /* next table = PTE.PPN << 12 */
    slli t3, t0, 12
    addi t4, t4, -1
    j 1b
3:  srli t0, a2, 12
    slli t0, t0, 10
    or t0, t0, a3
    sd t0, 0(t3)
    mv a0, t3
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

    .section .rodata
test_area: .asciz TEST_AREA
str_fail: .asciz "FAIL: "
str_case: .asciz " case "
str_colon: .asciz ": "
str_got: .asciz " (got "
str_expected: .asciz ", expected "
str_close: .asciz ")"
str_mtrap: .asciz " unexpected trap: mcause "
str_strap: .asciz " unexpected S-mode trap: scause "
str_mepc: .asciz " epc "
str_mtval: .asciz " tval "

/* The HTIF mailbox.  QEMU insists that tohost is 8 bytes. */
    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost, fromhost
tohost: .dword 0
    .size tohost, 8
    .balign 64
fromhost: .dword 0
    .size fromhost, 8

    .data
    .balign 8
    .globl m_ctx, s_ctx, trap_count, trap_cause, trap_epc, trap_tval
    .globl trap_status, trap_resume, trap_skip, trap_vec
    .globl strap_count, strap_cause, strap_epc, strap_tval, strap_status
    .globl strap_vec
m_ctx:
    .dword 0, 0
trap_count: .dword 0
trap_cause: .dword 0
trap_epc: .dword 0
trap_tval: .dword 0
trap_status: .dword 0
trap_resume: .dword 0
trap_skip: .dword 0
    .dword 0
trap_vec: .dword 0
s_ctx:
    .dword 0, 0
strap_count: .dword 0
strap_cause: .dword 0
strap_epc: .dword 0
strap_tval: .dword 0
strap_status: .dword 0
strap_resume: .dword 0
strap_skip: .dword 0
    .dword 0
strap_vec: .dword 0
pt_next: .dword 0

    .bss
    .balign 4096
    .globl pt_pool, pt_pool_end
pt_pool: .skip 64 * 4096
pt_pool_end:
    .balign 16
    .skip 4096
m_stack_top:

    .text
