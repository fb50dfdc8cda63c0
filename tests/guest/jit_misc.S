/* jit_misc.S — things a translator gets wrong that an interpreter rarely
 * does.
 *
 *   1-9     x0 as the destination of loads, AMOs, LR, CSR reads, jal and
 *           jalr, lui and auipc, ALU, M and FP-to-integer instructions: the
 *           instruction's other effects happen, and x0 reads 0 right after
 *           (in the same block).
 *   10-12   jalr with rd == rs1 (with an offset, and c.jalr ra).
 *   13-16   branches and jumps at the very end of a page: a taken and a
 *           not-taken bne whose target / fall-through is on the next
 *           page, a c.j in the last halfword.
 *   17-19   position dependence: a function using auipc and jal copied to
 *           two other pages: auipc and the link give the NEW addresses,
 *           also after the other copies ran.
 *   20-47   sign extension of every W operation (upper source bits
 *           ignored, 32-bit results sign-extended) and of lw/lh/lb (and
 *           zero extension of lwu/lhu/lbu); compressed W ops.
 *   50-59   shift amounts >= 32 and >= 64 are masked (register shifts).
 *   60-79   div/rem corner cases: INT_MIN / -1 and x / 0 for the 64- and
 *           32-bit forms, signed and unsigned.
 *   80-89   mulh, mulhsu, mulhu with negative operands; operand aliasing.
 *   90-94   misaligned loads and stores spanning a 4 KiB boundary.
 *   100-106 LR/SC: success, SC without a reservation, SC to another
 *           address, a second SC, SC after a trap whose handler executed
 *           an SC (the failing SC writes nothing and returns nonzero).
 */
#define TEST_AREA "jit_misc"
#include "test.h"

/* Fail unless x0 reads 0 (in the same block as the instruction before). */
#define CHECK_X0 add a0, zero, zero; CHECK(a0, 0) CHECK(zero, 0)

main:
    /* -- x0 as a destination --------------------------------------------- */
    la s0, mdata
    li t0, 0x8877665544332211
    sd t0, 0(s0)
    sd t0, 8(s0)
    CASE(1, "loads into x0")
    ld zero, 0(s0)
    CHECK_X0
    lw zero, 0(s0)
    lbu zero, 1(s0)
    lh zero, 2(s0)
    CHECK_X0
    c.lw a0, 0(s0)              /* not x0, but the next reads x0 */
    add a1, zero, zero
    CHECK(a1, 0)
    CASE(2, "AMOs into x0 still update memory")
    li a1, 5
    amoadd.d zero, a1, (s0)
    CHECK_X0
    ld a0, 0(s0)
    CHECK(a0, 0x8877665544332216)
    li a1, 0x11
    amoswap.w zero, a1, (s0)
    CHECK_X0
    ld a0, 0(s0)
    CHECK(a0, 0x8877665500000011)
    lr.w zero, (s0)
    CHECK_X0
    CASE(3, "CSR reads into x0")
    li a1, 0x1234
    csrrw zero, sscratch, a1
    CHECK_X0
    csrrs zero, sscratch, zero
    csrrs zero, minstret, zero
    csrrsi zero, sscratch, 1
    CHECK_X0
    csrr a0, sscratch
    CHECK(a0, 0x1235)
    CASE(4, "jal and jalr with rd = x0")
    jal zero, 1f
    j fail
1:  CHECK_X0
    la a1, 2f
    jalr zero, 0(a1)
    j fail
2:  CHECK_X0
    CASE(5, "lui and auipc into x0")
    .option push
    .option norvc
    lui zero, 0x12345
    CHECK_X0
    auipc zero, 0x54321
    CHECK_X0
    .option pop
    CASE(6, "ALU into x0")
    li a1, 7
    li a2, 9
    add zero, a1, a2
    CHECK_X0
    addi zero, a1, 3
    slli zero, a1, 3
    sub zero, a1, a2
    sltu zero, a1, a2
    addiw zero, a1, 1
    CHECK_X0
    CASE(7, "M into x0")
    mul zero, a1, a2
    div zero, a1, a2
    remuw zero, a1, a2
    mulh zero, a1, a2
    CHECK_X0
    CASE(8, "FP to integer into x0")
    li t0, 0x4000000000000000   /* 2.0 */
    fmv.d.x fa0, t0
    fmv.x.d zero, fa0
    CHECK_X0
    fcvt.l.d zero, fa0
    feq.d zero, fa0, fa0
    fclass.d zero, fa0
    CHECK_X0
    CASE(9, "x0 as a source after all that")
    addi a0, zero, 42
    CHECK(a0, 42)

    /* -- jalr with rd == rs1 ------------------------------------------------ */
    CASE(10, "jalr a1, 0(a1)")
    la a1, 1f
    jalr a1, 0(a1)
3:  j fail
1:  la a2, 3b
    CHECK_R(a1, a2)
    CASE(11, "jalr a1, 8(a1)")
    la a1, 1f
    jalr a1, 8(a1)
3:  j fail
1:  .word 0                     /* illegal: skipped by the offset */
    .word 0
    la a2, 3b
    CHECK_R(a1, a2)
    CASE(12, "c.jalr ra (rd == rs1 == ra)")
    la ra, jr_fn
    c.jalr ra
3:  la a2, 3b
    CHECK_R(s1, a2)             /* jr_fn saw ra = the return address */

    /* -- control transfer at a page end ----------------------------------- */
    CASE(13, "bne at a page end, taken, to the next page")
    li a1, 1
    call pe_fn
    CHECK(a0, 101)
    CASE(14, "bne at a page end, not taken, falls into the next page")
    li a1, 0
    call pe_fn
    CHECK(a0, 111)
    CASE(15, "both again, alternating")
    li s1, 10
    li s2, 0
1:  andi a1, s1, 1
    call pe_fn
    add s2, s2, a0
    addi s1, s1, -1
    bnez s1, 1b
    CHECK(s2, 5 * 101 + 5 * 111)
    CASE(16, "c.j in the last halfword of a page")
    call pe_fn2
    CHECK(a0, 9)
    call pe_fn2
    CHECK(a0, 9)

    /* -- position dependence ---------------------------------------------- */
    CASE(17, "auipc/jal function at its own address")
    call pd_fn
    la a2, pd_fn
    CHECK_R(a0, a2)
    addi a2, a2, 8
    CHECK_R(a1, a2)
    CASE(18, "copied to another page: auipc gives the new address")
    la a0, pd_page1
    call pd_copy
    call pd_page1
    la a2, pd_page1
    CHECK_R(a0, a2)
    addi a2, a2, 8
    CHECK_R(a1, a2)
    CASE(19, "a second copy, then the first again")
    la a0, pd_page2
    call pd_copy
    call pd_page2
    la a2, pd_page2
    CHECK_R(a0, a2)
    call pd_page1
    la a2, pd_page1
    CHECK_R(a0, a2)
    call pd_fn
    la a2, pd_fn
    CHECK_R(a0, a2)

    /* -- sign extension ------------------------------------------------------ */
    TEST_RR(20, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(21, addw, 2, 0x1234567800000001, 0xabcdef0000000001)
    TEST_RR(22, subw, 0x7fffffff, 0x80000000, 1)
    TEST_RR(23, subw, 0xffffffffffffffff, 0x100000000, 1)
    TEST_RR(24, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(25, srlw, 0xffffffff80000000, 0xffffffff80000000, 0)
    TEST_RR(26, srlw, 0x40000000, 0x80000000, 1)
    TEST_RR(27, sraw, 0xffffffffc0000000, 0x80000000, 1)
    TEST_RR(28, sraw, 0x40000000, 0xffffffff40000000, 0)
    TEST_RR(29, mulw, 0xffffffff80000000, 0x10000, 0x8000)
    TEST_RR(30, mulw, 0x1, 0x100000001, 0x200000001)
    TEST_RR(31, divw, 0xfffffffffffffffe, 0x00000000fffffffc, 2)
    TEST_RR(32, divuw, 0x7ffffffe, 0xfffffffc, 2)
    TEST_RR(33, divuw, 0xffffffff80000000, 0x80000000, 1)
    TEST_RR(34, remw, 0xffffffffffffffff, 0xfffffffd, 2)
    TEST_RR(35, remuw, 0xffffffff80000001, 0xffffffff80000001, 0x90000000)
    TEST_RI(36, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(37, addiw, 0x7fffffff, 0xffffffff80000000, -1)
    TEST_RI(38, slliw, 0xffffffff80000000, 0x1, 31)
    TEST_RI(39, srliw, 0x1, 0xffffffff80000000, 31)
    TEST_RI(40, srliw, 0xffffffff80000000, 0x1180000000, 0)
    TEST_RI(41, sraiw, 0xffffffffffffffff, 0x80000000, 31)
    CASE(42, "lw lh lb sign-extend, lwu lhu lbu zero-extend")
    li t0, 0x80808080
    sw t0, 0(s0)
    lw a0, 0(s0)
    CHECK(a0, 0xffffffff80808080)
    lh a0, 0(s0)
    CHECK(a0, 0xffffffffffff8080)
    lb a0, 0(s0)
    CHECK(a0, 0xffffffffffffff80)
    lwu a0, 0(s0)
    CHECK(a0, 0x80808080)
    lhu a0, 0(s0)
    CHECK(a0, 0x8080)
    lbu a0, 0(s0)
    CHECK(a0, 0x80)
    c.lw a0, 0(s0)
    CHECK(a0, 0xffffffff80808080)
    CASE(43, "c.addw c.subw c.addiw sign-extend")
    li a0, 0x7fffffff
    li a1, 1
    c.addw a0, a1
    CHECK(a0, 0xffffffff80000000)
    li a0, 0x180000000
    c.subw a0, a1
    CHECK(a0, 0x7fffffff)
    li a0, 0x7fffffff
    c.addiw a0, 1
    CHECK(a0, 0xffffffff80000000)
    li a0, 0x123456789
    c.addiw a0, 0               /* sext.w */
    CHECK(a0, 0x23456789)

    /* -- shift amounts are masked ------------------------------------------- */
    TEST_RR(50, sll, 0x5, 0x5, 64)
    TEST_RR(51, sll, 0xa, 0x5, 65)
    TEST_RR(52, srl, 0x1, 0x8000000000000000, 127)
    TEST_RR(53, sra, 0xffffffffffffffff, 0x8000000000000000, -1)
    TEST_RR(54, sllw, 0x5, 0x5, 32)
    TEST_RR(55, sllw, 0xa, 0x5, 33)
    TEST_RR(56, srlw, 0x7fffffff, 0xfffffffe, 33)
    TEST_RR(57, sraw, 0xffffffffc0000000, 0x80000000, 33)
    TEST_RR(58, sraw, 0xffffffff80000000, 0x80000000, 64)
    TEST_RR_SRC2_EQ_DEST(59, sll, 0x800, 0x1, 75)

    /* -- div/rem corner cases -------------------------------------------------- */
    TEST_RR(60, div, 0x8000000000000000, 0x8000000000000000, -1)
    TEST_RR(61, rem, 0, 0x8000000000000000, -1)
    TEST_RR(62, div, -1, 1234, 0)
    TEST_RR(63, divu, -1, 1234, 0)
    TEST_RR(64, rem, -1234, -1234, 0)
    TEST_RR(65, remu, -1234, -1234, 0)
    TEST_RR(66, divu, 0, 0x8000000000000000, -1)
    TEST_RR(67, remu, 0x8000000000000000, 0x8000000000000000, -1)
    TEST_RR(68, div, -3, 7, -2)
    TEST_RR(69, rem, 1, 7, -2)
    TEST_RR(70, divw, 0xffffffff80000000, 0x80000000, -1)
    TEST_RR(71, remw, 0, 0x80000000, -1)
    TEST_RR(72, divw, -1, 1234, 0)
    TEST_RR(73, divuw, -1, 1234, 0)
    TEST_RR(74, remw, 0xffffffff80000005, 0x1280000005, 0)
    TEST_RR(75, remuw, 0xffffffff80000005, 0x80000005, 0x100000000)
    TEST_RR(76, divw, 0xffffffff80000000, 0x7fffffff80000000, 0xffffffff)
    TEST_RR(77, divuw, 0, 0x80000000, 0xffffffff)
    TEST_RR(78, remw, -1, -7, 2)
    TEST_RR_SRC1_EQ_DEST(79, div, 0x8000000000000000, 0x8000000000000000, -1)

    /* -- high multiplies -------------------------------------------------- */
    TEST_RR(80, mulh, 0, -1, -1)
    TEST_RR(81, mulh, -1, -2, 3)
    TEST_RR(82, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(83, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR(84, mulhu, 1, 0x8000000000000000, 2)
    TEST_RR(85, mulhsu, -1, -1, -1)
    TEST_RR(86, mulhsu, -1, -2, 3)
    TEST_RR(87, mulhsu, 1, 2, -1)
    TEST_RR(88, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)
    CASE(89, "aliasing: mulh a0, a0, a0; sub a0, a0, a0; sltu a0, a0, a0")
    li a0, -3
    mulh a0, a0, a0
    CHECK(a0, 0)
    li a0, 5
    sub a0, a0, a0
    CHECK(a0, 0)
    li a0, 5
    sltu a0, a0, a0
    CHECK(a0, 0)
    li a0, 0x8000000000000000
    mulhu a0, a0, a0
    CHECK(a0, 0x4000000000000000)

    /* -- misaligned accesses across a page boundary --------------------------- */
    CASE(90, "sd across a page boundary, bytes on both sides")
    la s1, xpage + 4096         /* the boundary */
    sd zero, -8(s1)
    sd zero, 0(s1)
    li t0, 0x0807060504030201
    sd t0, -3(s1)
    ld a0, -8(s1)
    CHECK(a0, 0x0302010000000000)
    ld a0, 0(s1)
    CHECK(a0, 0x0000000807060504)
    CASE(91, "ld across the boundary")
    ld a0, -3(s1)
    CHECK(a0, 0x0807060504030201)
    CASE(92, "lw and lh across the boundary, sign-extended")
    lw a0, -2(s1)
    CHECK(a0, 0x05040302)
    li t0, 0x8899
    sh t0, -1(s1)
    lh a0, -1(s1)
    CHECK(a0, 0xffffffffffff8899)
    lbu a0, -1(s1)
    CHECK(a0, 0x99)
    lbu a0, 0(s1)
    CHECK(a0, 0x88)
    CASE(93, "sw across the boundary, lwu")
    li t0, 0xfedcba98
    sw t0, -1(s1)
    lwu a0, -1(s1)
    CHECK(a0, 0xfedcba98)
    lw a0, -1(s1)
    CHECK(a0, 0xfffffffffedcba98)
    CASE(94, "fld and fsd across the boundary")
    li t0, 0x400921fb54442d18
    fmv.d.x fa1, t0
    fsd fa1, -5(s1)
    fld fa2, -5(s1)
    fmv.x.d a0, fa2
    CHECK(a0, 0x400921fb54442d18)

    /* -- LR/SC ------------------------------------------------------------------ */
    la s2, rsv
    la s3, rsv + 64             /* another reservation granule */
    CASE(100, "lr.w/sc.w succeeds (retried at most 100 times)")
    li t0, 0x11
    sd t0, 0(s2)
    li s4, 100
1:  lr.w a0, (s2)
    addi a1, a0, 1
    sc.w a2, a1, (s2)
    beqz a2, 2f
    addi s4, s4, -1
    bnez s4, 1b
2:  CHECK(a2, 0)
    CHECK(a0, 0x11)
    ld a0, 0(s2)
    CHECK(a0, 0x12)
    CASE(101, "a second sc.w fails and writes nothing")
    li a1, 0x77
    sc.w a2, a1, (s2)
    beqz a2, fail
    ld a0, 0(s2)
    CHECK(a0, 0x12)
    CASE(102, "sc.d without any lr fails")
    li a1, 0x77
    sc.d a2, a1, (s2)
    beqz a2, fail
    ld a0, 0(s2)
    CHECK(a0, 0x12)
    CASE(103, "sc.w to another address than the lr fails")
    sd zero, 0(s3)
    lr.w a0, (s2)
    li a1, 0x55
    sc.w a2, a1, (s3)
    beqz a2, fail
    ld a0, 0(s3)
    CHECK(a0, 0)
    CASE(104, "and leaves no reservation for the lr's address")
    sc.w a2, a1, (s2)
    beqz a2, fail
    ld a0, 0(s2)
    CHECK(a0, 0x12)
    CASE(105, "lr.d; trap whose handler does an sc; sc.d fails")
    la t0, sc_handler
    csrw mtvec, t0
    lr.d a0, (s2)
    ecall
    li a1, 0x99
    sc.d a2, a1, (s2)
    la t0, m_trap_entry
    csrw mtvec, t0
    beqz a2, fail
    ld a0, 0(s2)
    CHECK(a0, 0x12)
    ld a0, sc_dummy
    CHECK(a0, 0)                /* the handler's sc failed too */
    CASE(106, "sc.w with rd == rs2 after a fresh lr.w")
    li s4, 100
1:  lr.w a0, (s2)
    li a1, 0x33
    sc.w a1, a1, (s2)
    beqz a1, 2f
    addi s4, s4, -1
    bnez s4, 1b
2:  CHECK(a1, 0)
    ld a0, 0(s2)
    CHECK(a0, 0x33)
    j pass

/* jr_fn: s1 = ra, then return through it. */
jr_fn:
    mv s1, ra
    ret

/* pd_copy: copy pd_fn (4 words) to a0, fence.i.  Clobbers t0-t2. */
pd_copy:
    la t0, pd_fn
    la t1, pd_fn_end
1:  lw t2, 0(t0)
    sw t2, 0(a0)
    addi t0, t0, 4
    addi a0, a0, 4
    bltu t0, t1, 1b
    fence.i
    ret

/* sc_handler: an sc.d to another word (which fails: the reservation is
 * for rsv), then resume past the ecall. */
    .balign 4
sc_handler:
    la t0, sc_dummy
    li t1, 0x5a
    sc.d t1, t1, (t0)
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret

    .option push
    .option norvc
    .balign 4
pd_fn:
    auipc a0, 0                 /* a0 = where this runs */
    jal a1, 1f                  /* a1 = that + 8 */
    addi a0, a0, 1000
1:  ret
pd_fn_end:
    .option pop

/* Code at page ends. */
    .section .text.pageend, "ax"
    .balign 4096
    .skip 4096 - 8
    .option push
    .option norvc
pe_fn:                          /* a1 != 0: 101, a1 == 0: 111 */
    addi a0, zero, 1
    bnez a1, 1f                 /* the last word of the page */
    addi a0, a0, 10             /* the first of the next */
1:  addi a0, a0, 100
    ret
    .option pop
    .balign 4096
    .skip 4096 - 6
pe_fn2:
    .option push
    .option norvc
    addi a0, zero, 2
    .option pop
    c.j 1f                      /* the last halfword */
    addi a0, a0, 50
1:  addi a0, a0, 7
    ret

    .data
    .balign 8
mdata: .dword 0, 0
sc_dummy: .dword 0
    .balign 64
rsv: .fill 16, 8, 0

    .bss
    .balign 4096
pd_page1: .skip 4096
pd_page2: .skip 4096
xpage: .skip 8192
