/* rv64m.S — the M extension on RV64.
 *
 * mul mulh mulhsu mulhu (signed, mixed and unsigned high halves), div divu
 * rem remu with truncation toward zero, division by zero (quotient all
 * ones, remainder the dividend) and the overflow case -2^63 / -1 (quotient
 * -2^63, remainder 0), and the W forms mulw divw divuw remw remuw, which use
 * the low 32 bits of their operands and sign-extend a 32-bit result (also
 * for the unsigned ones).
 */
#define TEST_AREA "rv64m"
#include "test.h"

#define MIN64 0x8000000000000000
#define MAX64 0x7fffffffffffffff

main:
    /* -- mul: the low 64 bits --------------------------------------------- */
    TEST_RR(1, mul, 21, 3, 7)
    TEST_RR(2, mul, 1, -1, -1)
    TEST_RR(3, mul, MIN64, MIN64, -1)
    TEST_RR(4, mul, 0x236d88fe5618cf00, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR(5, mul, 0, 0x123456789, 0)
    TEST_RR_SRC1_EQ_DEST(6, mul, -12, 3, -4)

    /* -- high halves -------------------------------------------------------- */
    TEST_RR(7, mulh, 0, -1, -1)
    TEST_RR(8, mulh, 0x4000000000000000, MIN64, MIN64)
    TEST_RR(9, mulh, -1, -1, 1)
    TEST_RR(10, mulh, 0x3fffffffffffffff, MAX64, MAX64)
    TEST_RR(11, mulh, 0xffeb49923cc09532, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR(12, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR(13, mulhu, 0x4000000000000000, MIN64, MIN64)
    TEST_RR(14, mulhu, 0, -1, 1)
    TEST_RR(15, mulhu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR(16, mulhu, 1, MIN64, 2)
    TEST_RR(17, mulhsu, -1, -1, -1)          /* -1 * (2^64 - 1) */
    TEST_RR(18, mulhsu, -2, -2, -1)
    TEST_RR(19, mulhsu, 0, 1, -1)
    TEST_RR(20, mulhsu, 0xc000000000000000, MIN64, MIN64)
    TEST_RR(21, mulhsu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR_SRC2_EQ_DEST(22, mulhu, 1, MIN64, 2)

    /* -- div, divu ------------------------------------------------------------- */
    TEST_RR(23, div, 3, 20, 6)
    TEST_RR(24, div, -3, -20, 6)
    TEST_RR(25, div, -3, 20, -6)
    TEST_RR(26, div, 3, -20, -6)
    TEST_RR(27, div, -1, 20, 0)              /* by zero: all ones */
    TEST_RR(28, div, -1, -20, 0)
    TEST_RR(29, div, MIN64, MIN64, -1)       /* overflow: the dividend */
    TEST_RR(30, div, MIN64, MIN64, 1)
    TEST_RR(31, divu, 3, 20, 6)
    TEST_RR(32, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
    TEST_RR(33, divu, 0xffffffffffffffff, 20, 0)
    TEST_RR(34, divu, 0, MIN64, -1)
    TEST_RR(35, divu, 1, -1, -1)

    /* -- rem, remu ------------------------------------------------------------ */
    TEST_RR(36, rem, 2, 20, 6)
    TEST_RR(37, rem, -2, -20, 6)             /* sign of the dividend */
    TEST_RR(38, rem, 2, 20, -6)
    TEST_RR(39, rem, -2, -20, -6)
    TEST_RR(40, rem, 20, 20, 0)              /* by zero: the dividend */
    TEST_RR(41, rem, -20, -20, 0)
    TEST_RR(42, rem, 0, MIN64, -1)           /* overflow: 0 */
    TEST_RR(43, remu, 2, 20, 6)
    TEST_RR(44, remu, 2, -20, 6)
    TEST_RR(45, remu, -20, -20, 0)
    TEST_RR(46, remu, MIN64, MIN64, -1)

    /* -- W forms ---------------------------------------------------------------- */
    TEST_RR(47, mulw, 0xfffffffffffffffe, 0x7fffffff, 2)
    TEST_RR(48, mulw, 15, 0x100000003, 5)    /* upper halves ignored */
    TEST_RR(49, mulw, 0xffffffff80000000, 0x80000000, 1)
    TEST_RR(50, mulw, 1, -1, -1)
    TEST_RR(51, divw, 3, 20, 6)
    TEST_RR(52, divw, -3, -20, 6)
    TEST_RR(53, divw, 3, 0x100000014, 6)     /* 20 / 6 */
    TEST_RR(54, divw, -1, 20, 0)
    TEST_RR(55, divw, 0xffffffff80000000, 0x80000000, -1)  /* 32-bit overflow */
    TEST_RR(56, divw, -1, 20, 0x100000000)   /* divisor's low word is 0 */
    TEST_RR(57, divuw, 0x2aaaaaa7, -20, 6)
    TEST_RR(58, divuw, -1, 20, 0)            /* 0xffffffff, sign-extended */
    TEST_RR(59, divuw, 0xffffffff80000000, 0x80000000, 1)
    TEST_RR(60, remw, 2, 20, 6)
    TEST_RR(61, remw, -2, -20, 6)
    TEST_RR(62, remw, 0, 0x80000000, -1)     /* 32-bit overflow: 0 */
    TEST_RR(63, remw, 0xffffffff80000000, 0x80000000, 0)   /* by zero */
    TEST_RR(64, remw, 0x12345678, 0xabcdef0012345678, 0)
    TEST_RR(65, remuw, 2, -20, 6)
    TEST_RR(66, remuw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RR(67, remuw, 0xffffffff80000001, 0x80000001, 0x80000002)

    CASE(68, "rd = x0 discards the result")
    li a1, 6
    li a2, 7
    mul zero, a1, a2
    div zero, a1, zero
    mv a0, zero
    CHECK(a0, 0)

    j pass
