/* rv64i_control.S — RV64I control transfer.
 *
 * beq bne blt bge bltu bgeu, each taken and not taken, signed against
 * unsigned comparison, backward branches (a counted loop) and a branch near
 * the ends of its +-4 KiB range; jal and jalr link values (pc + 4), jalr
 * clearing bit 0 of the target, jalr with rd == rs1 (the old rs1 is the
 * base), jal/jalr with rd = x0, a jal over more than 4 KiB, and
 * fence/fence.i executing as plain instructions; and each branch with x0
 * as its first operand (bgtz, blez: the JIT compares the other way round).  Everything here is
 * assembled without RVC so that lengths are 4 bytes.
 */
#define TEST_AREA "rv64i_control"
#include "test.h"

/* Case n: `op a, b` must be taken (want = 1) or not (want = 0). */
#define TEST_BR(n, op, want, a, b)                                             \
    NAME_BEGIN(n) .ascii #op, " ", #a, ", ", #b; NAME_END;                     \
    li a1, a; li a2, b; li a0, -1;                                             \
    op a1, a2, 8001f;                                                          \
    li a0, 0; j 8002f;                                                         \
8001: li a0, 1;                                                                \
8002: CHECK(a0, want)

/* Case n: `op x0, b`, taken (want = 1) or not. */
#define TEST_BR0(n, op, want, b)                                               \
    NAME_BEGIN(n) .ascii #op, " zero, ", #b; NAME_END;                         \
    li a2, b; li a0, -1;                                                       \
    op zero, a2, 8001f;                                                        \
    li a0, 0; j 8002f;                                                         \
8001: li a0, 1;                                                                \
8002: CHECK(a0, want)

    .option norvc
main:
    TEST_BR(1, beq, 1, 0, 0)
    TEST_BR(2, beq, 0, 0, 1)
    TEST_BR(3, beq, 1, -1, 0xffffffffffffffff)
    TEST_BR(4, beq, 0, 0x100000000, 0)            /* all 64 bits compare */
    TEST_BR(5, bne, 0, 7, 7)
    TEST_BR(6, bne, 1, 7, 8)
    TEST_BR(7, bne, 1, 0x8000000000000000, 0)
    TEST_BR(8, blt, 1, -1, 0)
    TEST_BR(9, blt, 0, 0, -1)
    TEST_BR(10, blt, 0, 5, 5)
    TEST_BR(11, blt, 1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR(12, bge, 1, 5, 5)
    TEST_BR(13, bge, 1, 0, -1)
    TEST_BR(14, bge, 0, -1, 0)
    TEST_BR(15, bge, 1, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_BR(16, bltu, 0, -1, 0)
    TEST_BR(17, bltu, 1, 0, -1)
    TEST_BR(18, bltu, 0, 5, 5)
    TEST_BR(19, bltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR(20, bgeu, 1, -1, 0)
    TEST_BR(21, bgeu, 0, 0, -1)
    TEST_BR(22, bgeu, 1, 5, 5)
    TEST_BR(23, bgeu, 1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR0(40, beq, 0, -1)
    TEST_BR0(41, beq, 1, 0)
    TEST_BR0(42, bne, 1, 1)
    TEST_BR0(43, bne, 0, 0)
    TEST_BR0(44, blt, 1, 1)                       /* bgtz */
    TEST_BR0(45, blt, 0, 0)
    TEST_BR0(46, blt, 0, -1)
    TEST_BR0(47, blt, 0, 0x8000000000000000)
    TEST_BR0(48, bge, 0, 1)                       /* blez */
    TEST_BR0(49, bge, 1, 0)
    TEST_BR0(50, bge, 1, -1)
    TEST_BR0(51, bge, 1, 0x8000000000000000)
    TEST_BR0(52, bltu, 1, 1)                      /* bnez, unsigned */
    TEST_BR0(53, bltu, 1, -1)
    TEST_BR0(54, bltu, 0, 0)
    TEST_BR0(55, bgeu, 0, 1)                      /* beqz, unsigned */
    TEST_BR0(56, bgeu, 0, -1)
    TEST_BR0(57, bgeu, 1, 0)

    CASE(24, "backward bne: a loop of 10")
    li a1, 10
    li a0, 0
1:  addi a0, a0, 3
    addi a1, a1, -1
    bnez a1, 1b
    CHECK(a0, 30)

    CASE(25, "branch forward near +4 KiB")
    li a0, 0
    beqz zero, 2f
    li a0, 1
    .skip 4080
2:  CHECK(a0, 0)

    CASE(26, "branch backward near -4 KiB")
    li a0, 0
    j 4f
3:  li a0, 7
    j 5f
    .skip 4072
4:  beqz zero, 3b
    li a0, 1
5:  CHECK(a0, 7)

    /* -- jal ------------------------------------------------------------ */
    CASE(27, "jal links pc + 4")
    li ra, 0
10: jal ra, 11f
    j fail                      /* returned here: the jump was not taken */
11: la a1, 10b
    addi a1, a1, 4
    CHECK_R(ra, a1)

    CASE(28, "jal with rd = t0")
    li t0, 0
12: jal t0, 13f
    j fail
13: la a1, 12b
    addi a1, a1, 4
    CHECK_R(t0, a1)

    CASE(29, "j (jal x0) leaves x0 zero")
    j 14f
    j fail
14: mv a0, zero
    CHECK(a0, 0)

    CASE(30, "jal backward")
    li a0, 0
    j 16f
15: li a0, 5
    j 17f
16: jal zero, 15b
    j fail
17: CHECK(a0, 5)

    CASE(31, "jal over 8 KiB")
    li a0, 0
    jal ra, 18f
    .skip 8192
18: li a0, 1
    CHECK(a0, 1)

    /* -- jalr ----------------------------------------------------------- */
    CASE(32, "jalr links pc + 4")
    la a1, 21f
20: jalr ra, 0(a1)
    j fail
21: la a2, 20b
    addi a2, a2, 4
    CHECK_R(ra, a2)

    CASE(33, "jalr adds the immediate")
    la a1, 23f
    addi a1, a1, -16
    jalr ra, 16(a1)
    j fail
23: la a2, 23b
    addi a2, a2, -4
    CHECK_R(ra, a2)

    CASE(34, "jalr with a negative immediate")
    la a1, 24f
    addi a1, a1, 100
    jalr ra, -100(a1)
    j fail
24: nop
    CASE(35, "jalr clears bit 0 of the target")
    la a1, 25f
    addi a1, a1, 1
    jalr ra, 0(a1)
    j fail
25: nop
    CASE(36, "jalr rd == rs1 uses the old rs1")
    la t1, 27f
26: jalr t1, 0(t1)
    j fail
27: la a2, 26b
    addi a2, a2, 4
    CHECK_R(t1, a2)

    CASE(37, "jalr x0 (ret) does not write x0")
    la a1, 28f
    jalr zero, 0(a1)
    j fail
28: mv a0, zero
    CHECK(a0, 0)

    CASE(38, "call/ret through a subroutine")
    li a0, 5
    call double_it
    call double_it
    CHECK(a0, 20)

    /* -- fence, fence.i ---------------------------------------------------- */
    CASE(39, "fence and fence.i run as no-ops")
    li a0, 9
    fence
    fence rw, rw
    fence.i
    fence.tso
    addi a0, a0, 1
    CHECK(a0, 10)

    j pass

double_it:
    add a0, a0, a0
    ret
