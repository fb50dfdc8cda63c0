/* rv64i_arith.S — RV64I integer computation.
 *
 * Register-register: add sub sll slt sltu xor srl sra or and, and the W
 * forms addw subw sllw srlw sraw (32-bit result sign-extended, shift amount
 * from the low 5 bits).  Register-immediate: addi slti sltiu xori ori andi
 * slli srli srai (6-bit shamt) and addiw slliw srliw sraiw.  lui and auipc.
 * Operand aliasing (rd == rs1, rd == rs2), x0 as a source reads 0 and as a
 * destination stays 0.
 */
#define TEST_AREA "rv64i_arith"
#include "test.h"

main:
    /* -- add, sub ------------------------------------------------------ */
    TEST_RR(1, add, 3, 1, 2)
    TEST_RR(2, add, 0, -1, 1)
    TEST_RR(3, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(4, add, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(5, add, 0x100000000, 0xffffffff, 1)
    TEST_RR(6, sub, -1, 0, 1)
    TEST_RR(7, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
    TEST_RR(8, sub, 0, 0x123456789abcdef0, 0x123456789abcdef0)
    TEST_RR_SRC1_EQ_DEST(9, add, 24, 13, 11)
    TEST_RR_SRC2_EQ_DEST(10, sub, 2, 13, 11)

    /* -- addw, subw: 32-bit results, sign-extended --------------------- */
    TEST_RR(11, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(12, addw, 0, 0xffffffff, 1)
    TEST_RR(13, addw, 3, 0x1234567800000001, 0x0000000100000002)
    TEST_RR(14, subw, 0x7fffffff, 0x80000000, 1)
    TEST_RR(15, subw, 0xffffffffffffffff, 0x100000000, 1)

    /* -- shifts: the amount is rs2[5:0] (rs2[4:0] for W) --------------- */
    TEST_RR(16, sll, 0x8000000000000000, 1, 63)
    TEST_RR(17, sll, 2, 1, 65)                          /* 65 & 63 = 1 */
    TEST_RR(18, sll, 0x123456789abcdef0, 0x123456789abcdef0, 0)
    TEST_RR(19, srl, 1, 0x8000000000000000, 63)
    TEST_RR(20, srl, 0x0000ffffffffffff, -1, 16)
    TEST_RR(21, sra, -1, 0x8000000000000000, 63)
    TEST_RR(22, sra, 0xffff800000000000, 0x8000000000000000, 16)
    TEST_RR(23, sra, 0x0000400000000000, 0x4000000000000000, 0xffffffffffffff10) /* & 63 = 16 */
    TEST_RR(24, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(25, sllw, 2, 1, 33)                         /* 33 & 31 = 1 */
    TEST_RR(26, sllw, 0x0000000012345678, 0xffffffff12345678, 0)
    TEST_RR(27, srlw, 0x000000007fffffff, 0xffffffffffffffff, 1)
    TEST_RR(28, srlw, 0xffffffff80000000, 0x1234567880000000, 0)  /* shift 0 still sign-extends */
    TEST_RR(29, srlw, 1, 0x80000000, 31)
    TEST_RR(30, sraw, 0xffffffffffffffff, 0x80000000, 31)
    TEST_RR(31, sraw, 0xfffffffff8000000, 0x0000000080000000, 4)
    TEST_RR(32, sraw, 0x0000000000000001, 0xffffffff7fffffff, 62) /* & 31 = 30 */

    /* -- slt, sltu ------------------------------------------------------ */
    TEST_RR(33, slt, 1, -1, 0)
    TEST_RR(34, slt, 0, 0, -1)
    TEST_RR(35, slt, 0, 5, 5)
    TEST_RR(36, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(37, sltu, 0, -1, 0)
    TEST_RR(38, sltu, 1, 0, -1)
    TEST_RR(39, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(40, sltu, 1, 0x7fffffffffffffff, 0x8000000000000000)

    /* -- logic ---------------------------------------------------------- */
    TEST_RR(41, xor, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
    TEST_RR(42, or, 0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
    TEST_RR(43, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
    TEST_RR_SRC2_EQ_DEST(44, and, 0x00f0, 0x0ff0, 0xf0f0)

    /* -- register-immediate --------------------------------------------- */
    TEST_RI(45, addi, 0x800, 0x7ff, 1)
    TEST_RI(46, addi, 0xfffffffffffff800, 0, -2048)
    TEST_RI(47, addi, 0x7ffffffffffff7ff, 0x7fffffffffffffff, -2048)
    TEST_RI(48, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RI_SRC1_EQ_DEST(49, addi, 24, 13, 11)
    TEST_RI(50, slti, 1, -2048, 0)
    TEST_RI(51, slti, 0, 0, -1)
    TEST_RI(52, slti, 1, 0x8000000000000000, -2048)
    TEST_RI(53, sltiu, 1, 0, -1)                        /* imm is sign-extended, then unsigned */
    TEST_RI(54, sltiu, 0, -1, -1)
    TEST_RI(55, sltiu, 1, 0xfffffffffffff7ff, -2048)
    TEST_RI(56, sltiu, 1, 0, 1)                         /* seqz */
    TEST_RI(57, xori, 0xffffffffff00f00f, 0x0000000000ff0ff0, -1)                  /* not */
    TEST_RI(58, xori, 0x00ff0f00, 0x00ff0ff0, 0x0f0)
    TEST_RI(59, xori, 0xffffffffff00f7f0, 0x00ff0ff0, -2048)
    TEST_RI(60, ori, 0xffffffffffffff0f, 0x00ff0f00, -241)               /* imm 0x...ff0f */
    TEST_RI(61, ori, 0x0ff00ff0, 0x0ff00ff0, 0)
    TEST_RI(62, andi, 0xff00ff0f, 0xff00ff0f, -241)
    TEST_RI(63, andi, 0x00000000000000f0, 0xff00fff0, 0x0f0)
    TEST_RI(64, slli, 0x8000000000000000, 1, 63)
    TEST_RI(65, slli, 0x23456789abcdef00, 0x123456789abcdef0, 4)
    TEST_RI(66, srli, 1, 0x8000000000000000, 63)
    TEST_RI(67, srli, 0x0000ffffffffffff, -1, 16)
    TEST_RI(68, srai, -1, 0x8000000000000000, 63)
    TEST_RI(69, srai, 0xffffff8000000000, 0x8000000000000000, 24)
    TEST_RI(70, srai, 0x0000000000007fff, 0x7fff000000000000, 48)

    /* -- W immediates ----------------------------------------------------- */
    TEST_RI(71, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(72, addiw, 0xffffffffffffffff, 0x0000000100000000, -1)
    TEST_RI(73, addiw, 0x000000007ffff800, 0xffffffff7fffffff, -2047)
    TEST_RI(74, addiw, 0x0000000012345678, 0xabcdef0112345678, 0)  /* sext.w */
    TEST_RI(75, slliw, 0xffffffff80000000, 1, 31)
    TEST_RI(76, slliw, 0x0000000023456780, 0xf123456712345678, 4)
    TEST_RI(77, srliw, 0x0000000000000001, 0x80000000, 31)
    TEST_RI(78, srliw, 0x000000000fffffff, 0xffffffffffffffff, 4)
    TEST_RI(79, srliw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RI(80, sraiw, 0xffffffffffffffff, 0x80000000, 31)
    TEST_RI(81, sraiw, 0xfffffffff8000000, 0x0000000080000000, 4)
    TEST_RI(82, sraiw, 0x0000000000000fff, 0xf00000007fff0000, 19)

    /* -- lui, auipc ------------------------------------------------------- */
    CASE(83, "lui sign-extends bit 31")
    lui a0, 0x80000
    CHECK(a0, 0xffffffff80000000)
    CASE(84, "lui 0x7ffff")
    lui a0, 0x7ffff
    CHECK(a0, 0x7ffff000)
    CASE(85, "lui 0")
    li a0, -1
    lui a0, 0
    CHECK(a0, 0)
    CASE(86, "auipc 0 gives its own pc")
    .option push
    .option norvc
1:  auipc a0, 0
    la a1, 1b
    CHECK_R(a0, a1)
    CASE(87, "auipc with an offset")
2:  auipc a0, 0x1
    la a1, 2b
    li a2, 0x1000
    add a1, a1, a2
    CHECK_R(a0, a1)
    CASE(88, "auipc with a negative offset")
3:  auipc a0, 0xfffff
    la a1, 3b
    li a2, -0x1000
    add a1, a1, a2
    CHECK_R(a0, a1)
    .option pop

    /* -- x0 ---------------------------------------------------------------- */
    CASE(89, "x0 as destination stays 0")
    li a1, 5
    li a2, 7
    add x0, a1, a2
    addi x0, a1, 1
    lui x0, 0x12345
    mv a0, x0
    CHECK(a0, 0)
    CASE(90, "x0 as source reads 0")
    li a1, 123
    add a0, x0, a1
    CHECK(a0, 123)
    sub a0, x0, a1
    CHECK(a0, -123)
    CASE(91, "sltu rd, x0, rs (snez)")
    li a1, 17
    sltu a0, x0, a1
    CHECK(a0, 1)
    sltu a0, x0, x0
    CHECK(a0, 0)

    j pass
