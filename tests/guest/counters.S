/* counters.S — cycle, instret and their enables.
 *
 * In M-mode cycle/instret and mcycle/minstret read; cycle moves forward; instret counts retired instructions exactly: the
 * difference of two reads is the number of instructions from the first
 * read up to the second (straight-line code, compressed instructions, a
 * counted loop with taken and untaken branches, calls); instret and
 * minstret are the same counter; a written minstret counts on from the
 * written value (see dbt_only.S for the exact first read: QEMU 7.2 adds
 * one).  mcounteren gates S- and U-mode reads, scounteren additionally
 * gates U-mode, one bit per counter (CY, IR); counting is exact in U-mode
 * too.  The time CSR is in dbt_only.S: QEMU's spike machine does not
 * implement it (reads trap, for M-mode firmware to emulate).  (QEMU counts
 * instructions only with -icount; without it, instret follows the host's
 * cycle counter and this test fails there.)
 */
#define TEST_AREA "counters"
#include "test.h"

#define CY 1
#define TM 2
#define IR 4

main:
    CASE(1, "instret: two reads around 3 instructions differ by 4")
    csrr a0, instret
    addi a2, a2, 1
    xor a3, a3, a2
    slli a4, a3, 2
    csrr a1, instret
    sub a1, a1, a0
    CHECK(a1, 4)
    CASE(2, "instret: compressed instructions count one each")
    csrr a0, instret
    c.addi a2, 1
    c.nop
    c.mv a3, a2
    c.slli a3, 2
    c.nop
    csrr a1, instret
    sub a1, a1, a0
    CHECK(a1, 6)
    CASE(3, "instret: a counted loop, 100 times round")
    csrr a0, instret
    li a2, 100                  /* 1 */
1:  addi a2, a2, -1             /* 100 */
    bnez a2, 1b                 /* 99 taken, 1 not */
    csrr a1, instret
    sub a1, a1, a0
    CHECK(a1, 202)
    CASE(4, "instret: calls, returns, jumps")
    csrr a0, instret            /* 1 */
    jal ra, three               /* 1 + nop, ret */
    j 2f                        /* 1 */
    nop
2:  jal ra, three               /* 1 + 2 */
    csrr a1, instret
    sub a1, a1, a0
    CHECK(a1, 8)
    CASE(5, "instret and minstret are one counter")
    csrr a0, minstret
    csrr a1, instret
    sub a1, a1, a0
    CHECK(a1, 1)
    CASE(6, "minstret counts on from a written value")
    li a2, 1000000
    csrw minstret, a2
    nop
    nop
    csrr a0, instret
    sub a0, a0, a2              /* spec: 2; QEMU 7.2: 3 */
    addi a0, a0, -2
    srli a0, a0, 1
    CHECK(a0, 0)
    CASE(7, "minstret holds 64 bits")
    li a2, 0xfffffffffffffff0
    csrw minstret, a2
    nop
    csrr a0, minstret
    sub a0, a0, a2
    addi a0, a0, -1
    srli a0, a0, 1
    CHECK(a0, 0)
    CASE(8, "minstret wraps to 0")
    li a2, -2
    csrw minstret, a2
    nop
    nop
    nop
    nop
    csrr a0, minstret
    sltiu a0, a0, 4             /* 2 or 3 */
    CHECK(a0, 1)
    CASE(9, "cycle moves forward")
    csrr s0, cycle
    csrr s2, mcycle
    li a2, 20000
3:  addi a2, a2, -1
    bnez a2, 3b
    csrr a0, cycle
    sltu a0, s0, a0
    CHECK(a0, 1)
    csrr a0, mcycle
    sltu a0, s2, a0
    CHECK(a0, 1)

    /* -- enables ------------------------------------------------------------- */
    csrw mcounteren, zero
    csrw scounteren, zero
    TEST_ILLEGAL_IN(20, PRV_S, "S cycle, mcounteren = 0", csrr a0, cycle)
    TEST_ILLEGAL_IN(22, PRV_S, "S instret, mcounteren = 0", csrr a0, instret)
    TEST_ILLEGAL_IN(23, PRV_U, "U cycle, mcounteren = 0", csrr a0, cycle)
    TEST_ILLEGAL_IN(24, PRV_U, "U instret, mcounteren = 0", rdinstret a0)
    li t0, CY
    csrw mcounteren, t0
    TEST_LEGAL_IN(25, PRV_S, "S cycle, mcounteren.CY", rdcycle a0)
    TEST_ILLEGAL_IN(27, PRV_S, "S instret, mcounteren.CY only", rdinstret a0)
    TEST_ILLEGAL_IN(28, PRV_U, "U cycle, mcounteren.CY but scounteren = 0", rdcycle a0)
    li t0, CY | TM | IR
    csrw mcounteren, t0
    TEST_LEGAL_IN(29, PRV_S, "S cycle and instret, mcounteren = 7", rdcycle a0; rdinstret a0)
    TEST_ILLEGAL_IN(30, PRV_U, "U cycle, scounteren = 0", rdcycle a0)
    li t0, CY
    csrw scounteren, t0
    TEST_LEGAL_IN(31, PRV_U, "U cycle, scounteren.CY", rdcycle a0)
    TEST_ILLEGAL_IN(32, PRV_U, "U instret, scounteren.CY only", rdinstret a0)
    li t0, CY | TM | IR
    csrw scounteren, t0
    TEST_LEGAL_IN(33, PRV_U, "U cycle and instret", rdcycle a0; rdinstret a0)
    li t0, TM | IR
    csrw mcounteren, t0
    TEST_ILLEGAL_IN(34, PRV_U, "U cycle, mcounteren.CY clear, scounteren set", rdcycle a0)
    li t0, CY | TM | IR
    csrw mcounteren, t0
    TEST_ILLEGAL_IN(35, PRV_S, "S reads mcounteren", csrr a0, mcounteren)
    TEST_LEGAL_IN(36, PRV_S, "S reads and writes scounteren", csrr a0, scounteren; csrw scounteren, a0)
    CASE(37, "instret is exact in U-mode")
    GOTO_PRIV(PRV_U, u_count, 4f)
4:  CHECK_CAUSE(CAUSE_ECALL_U)
    sub a0, a1, a0
    CHECK(a0, 5)
    CASE(38, "instret is exact in S-mode")
    GOTO_PRIV(PRV_S, u_count, 5f)
5:  CHECK_CAUSE(CAUSE_ECALL_S)
    sub a0, a1, a0
    CHECK(a0, 5)
    csrw mcounteren, zero
    csrw scounteren, zero

    j pass

three:
    nop
    ret

u_count:
    rdinstret a0
    addi a2, a2, 1
    addi a2, a2, 1
    c.addi a2, 1
    c.nop
    rdinstret a1
    ecall
