/* rvc.S — the C extension (RV64C), one or more cases per instruction.
 *
 * Quadrant 0: c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd.
 * Quadrant 1: c.nop c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai
 *             c.andi c.sub c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez.
 * Quadrant 2: c.slli c.fldsp c.lwsp c.ldsp c.jr c.mv c.ebreak c.jalr c.add
 *             c.fsdsp c.swsp c.sdsp.
 * Immediates at their extremes (sign extension, scaling), c.jalr linking
 * pc + 2, c.ebreak raising a breakpoint with mepc at it, the all-zero
 * halfword (defined illegal) and the reserved encodings c.addi4spn 0,
 * c.lui 0, c.addi16sp 0, c.jr x0, c.lwsp/c.ldsp x0 raising illegal
 * instruction (the spec reserves them; dbt and QEMU both trap), 32-bit
 * instructions at 2-byte aligned addresses and one straddling a 4 KiB page.
 * Every instruction is written with its c. mnemonic so the assembler must
 * produce the compressed encoding.
 */
#define TEST_AREA "rvc"
#include "test.h"

/* mtval of a breakpoint is the pc of the ebreak or 0 (both allowed). */
#define CHECK_TVAL_PC_OR_0(label)                                              \
    ld t6, trap_tval; beqz t6, 9002f; la t5, label; beq t6, t5, 9002f;         \
    j fail_cmp; 9002:

main:
    mv s11, sp                  /* sp is an operand below; restored at the end */

    /* -- constants and immediate arithmetic ------------------------------ */
    CASE(1, "c.li -32 / 31")
    c.li a0, -32
    CHECK(a0, -32)
    c.li a0, 31
    CHECK(a0, 31)
    CASE(2, "c.addi -32 / 31")
    li a0, 100
    c.addi a0, -32
    CHECK(a0, 68)
    c.addi a0, 31
    CHECK(a0, 99)
    CASE(3, "c.addi wraps at 64 bits")
    li a0, -1
    c.addi a0, 1
    CHECK(a0, 0)
    CASE(4, "c.addiw")
    li a0, 0x7fffffff
    c.addiw a0, 1
    CHECK(a0, 0xffffffff80000000)
    li a0, 0x123456789
    c.addiw a0, 0               /* sext.w */
    CHECK(a0, 0x23456789)
    li a0, 0
    c.addiw a0, -1
    CHECK(a0, -1)
    CASE(5, "c.addi16sp -512 / 496")
    li sp, 0x10000
    c.addi16sp sp, -512
    CHECK(sp, 0x10000 - 512)
    c.addi16sp sp, 496
    CHECK(sp, 0x10000 - 16)
    CASE(6, "c.addi4spn 4 / 1020")
    li sp, 0x20000
    c.addi4spn a0, sp, 1020
    CHECK(a0, 0x20000 + 1020)
    c.addi4spn s1, sp, 4
    CHECK(s1, 0x20004)
    CASE(7, "c.lui")
    c.lui a0, 1
    CHECK(a0, 0x1000)
    c.lui a0, 31
    CHECK(a0, 0x1f000)
    c.lui a0, 0xfffff           /* nzimm = -1: sign-extended */
    CHECK(a0, 0xfffffffffffff000)
    c.lui a0, 0xfffe0           /* nzimm = -32 */
    CHECK(a0, 0xfffffffffffe0000)
    CASE(8, "c.srli / c.srai / c.slli shamt 1 and 63")
    li a0, 0x8000000000000001
    c.srli a0, 1
    CHECK(a0, 0x4000000000000000)
    li a0, 0x8000000000000001
    c.srli a0, 63
    CHECK(a0, 1)
    li a0, 0x8000000000000000
    c.srai a0, 1
    CHECK(a0, 0xc000000000000000)
    li a0, 0x8000000000000000
    c.srai a0, 63
    CHECK(a0, -1)
    li a0, 0x4000000000000001
    c.slli a0, 1
    CHECK(a0, 0x8000000000000002)
    li a0, 3
    c.slli a0, 63
    CHECK(a0, 0x8000000000000000)
    li t3, 5                    /* c.slli takes any rd, not only x8-x15 */
    c.slli t3, 4
    CHECK(t3, 80)
    CASE(9, "c.andi")
    li a0, 0xff
    c.andi a0, -32
    CHECK(a0, 0xe0)
    li a0, -1
    c.andi a0, 31
    CHECK(a0, 31)
    li a0, -1
    c.andi a0, -1
    CHECK(a0, -1)

    /* -- register-register ---------------------------------------------------- */
    CASE(10, "c.sub")
    li a0, 5
    li a1, 7
    c.sub a0, a1
    CHECK(a0, -2)
    CASE(11, "c.xor / c.or / c.and")
    li a0, 0xff00ff00
    li a1, 0x0ff00ff0
    c.xor a0, a1
    CHECK(a0, 0xf0f0f0f0)
    li a0, 0xff00ff00
    c.or a0, a1
    CHECK(a0, 0xfff0fff0)
    li a0, 0xff00ff00
    c.and a0, a1
    CHECK(a0, 0x0f000f00)
    CASE(12, "c.subw / c.addw sign-extend")
    li a0, 0x80000000
    li a1, 1
    c.subw a0, a1
    CHECK(a0, 0x7fffffff)
    li a0, 0x7fffffff
    c.addw a0, a1
    CHECK(a0, 0xffffffff80000000)
    li s0, 0x100000005
    li s1, 0x200000006
    c.addw s0, s1
    CHECK(s0, 11)
    CASE(13, "c.mv / c.add use any register")
    li t4, 0x1234
    c.mv t3, t4
    CHECK(t3, 0x1234)
    li a0, -5
    c.add t3, a0
    CHECK(t3, 0x1234 - 5)
    CASE(14, "c.nop changes nothing")
    li a0, 77
    c.nop
    CHECK(a0, 77)

    /* -- control transfer ---------------------------------------------------- */
    CASE(15, "c.j forward and backward")
    li a0, 0
    c.j 2f
1:  li a0, 1
    c.j 3f
2:  c.j 1b
3:  CHECK(a0, 1)
    CASE(16, "c.beqz taken / not taken")
    li a0, 0
    li s0, 0
    c.beqz s0, 4f
    li a0, 1
4:  CHECK(a0, 0)
    li s0, 1
    c.beqz s0, 5f
    li a0, 2
5:  CHECK(a0, 2)
    CASE(17, "c.bnez taken / not taken, backward loop")
    li a5, 4
    li a0, 0
6:  addi a0, a0, 10
    c.addi a5, -1
    c.bnez a5, 6b
    CHECK(a0, 40)
    li a5, 0
    c.bnez a5, 7f
    li a0, 3
7:  CHECK(a0, 3)
    CASE(18, "c.jr")
    la a1, 8f
    li a0, 0
    c.jr a1
    li a0, 1
8:  CHECK(a0, 0)
    CASE(19, "c.jalr links pc + 2")
    la a1, 10f
    li ra, 0
9:  c.jalr a1
    j fail
10: la a2, 9b
    addi a2, a2, 2
    CHECK_R(ra, a2)
    CASE(20, "c.jalr ra uses the old ra as target")
    la ra, 11f
    c.jalr ra
    j fail
11: nop

    /* -- loads and stores ------------------------------------------------------ */
    CASE(21, "c.lw sign-extends, c.ld, largest offsets")
    la a1, cdata
    c.lw a0, 0(a1)
    CHECK(a0, 0xfffffffff1f2f3f4)
    c.lw a0, 124(a1)
    CHECK(a0, 0x7c7c7c7c)
    c.ld a0, 8(a1)
    CHECK(a0, 0x0807060504030201)
    c.ld a0, 248(a1)
    CHECK(a0, 0xf8f8f8f8f8f8f8f8)
    CASE(22, "c.sw / c.sd")
    la a1, cbuf
    li a0, -1
    c.sd a0, 0(a1)
    li a2, 0x12345678
    c.sw a2, 4(a1)
    ld a3, 0(a1)
    CHECK(a3, 0x12345678ffffffff)
    li a2, 0x1122334455667788
    c.sd a2, 248(a1)
    ld a3, 248(a1)
    CHECK(a3, 0x1122334455667788)
    c.sw a2, 124(a1)
    lw a3, 124(a1)
    CHECK(a3, 0x55667788)
    CASE(23, "c.lwsp / c.ldsp / c.swsp / c.sdsp")
    la sp, cbuf
    li t3, 0xabcdef0187654321
    c.sdsp t3, 504(sp)
    c.ldsp t4, 504(sp)
    CHECK(t4, 0xabcdef0187654321)
    c.swsp t3, 252(sp)
    c.lwsp t4, 252(sp)
    CHECK(t4, 0xffffffff87654321)
    c.sdsp t3, 0(sp)
    c.lwsp t4, 4(sp)
    CHECK(t4, 0xffffffffabcdef01)
    ld t4, 0(sp)
    CHECK(t4, 0xabcdef0187654321)
    CASE(24, "c.fsd / c.fld")
    la a1, cbuf
    la a2, cdata
    fld fa0, 8(a2)
    c.fsd fa0, 248(a1)
    ld a0, 248(a1)
    CHECK(a0, 0x0807060504030201)
    li a0, 0x400921fb54442d18   /* pi */
    sd a0, 16(a1)
    c.fld fs1, 16(a1)
    fmv.x.d a3, fs1
    CHECK(a3, 0x400921fb54442d18)
    CASE(25, "c.fsdsp / c.fldsp")
    la sp, cbuf
    li a0, 0xc000000000000000   /* -2.0 */
    fmv.d.x ft5, a0
    c.fsdsp ft5, 504(sp)
    c.fldsp ft6, 504(sp)
    fmv.x.d a3, ft6
    CHECK(a3, 0xc000000000000000)
    ld a3, 504(sp)
    CHECK(a3, 0xc000000000000000)

    /* -- 32-bit instructions at 2-byte alignment ---------------------------- */
    CASE(26, "32-bit instructions after a 16-bit one")
    .balign 4
    li a0, 1
    c.nop
    addi a0, a0, 0x100          /* at pc % 4 == 2 */
    c.nop
    lui a1, 0x12345
    CHECK(a0, 0x101)
    CHECK(a1, 0x12345000)
    CASE(27, "a 32-bit instruction straddling a 4 KiB page")
    li a0, 5
    call straddle
    CHECK(a0, 5 + 0x123)

    /* -- traps ------------------------------------------------------------------- */
    CASE(28, "c.ebreak: breakpoint, mepc at it")
    TRAP_ARM(13f)
12: c.ebreak
    j fail
13: CHECK_CAUSE(CAUSE_BREAKPOINT)
    CHECK_EPC(12b)
    CHECK_TVAL_PC_OR_0(12b)
    CASE(29, "resuming after c.ebreak at mepc + 2")
    TRAP_CLEAR
    TRAP_SKIP(2)
    li a0, 0
    c.ebreak
    c.addi a0, 1
    TRAP_SKIP(0)
    CHECK(a0, 1)
    CHECK_COUNT(1)
    TEST_ILLEGAL(30, "the all-zero halfword", .hword 0x0000)
    TEST_ILLEGAL(31, "c.addi4spn with nzuimm 0", .hword 0x0008)
    TEST_ILLEGAL(32, "c.lui a0 with nzimm 0", .hword 0x6501)
    TEST_ILLEGAL(33, "c.addi16sp with nzimm 0", .hword 0x6101)
    TEST_ILLEGAL(34, "c.jr x0", .hword 0x8002)
    TEST_ILLEGAL(35, "c.lwsp x0", .hword 0x4002)
    TEST_ILLEGAL(36, "c.ldsp x0", .hword 0x6002)

    mv sp, s11
    j pass

/* straddle: adds 0x123 to a0 with an addi whose two halves lie on two
 * pages: 2047 c.nops fill the first page up to its last halfword. */
    .section .text.straddle, "ax"
    .balign 4096
straddle:
    .rept 2047
    c.nop
    .endr
    .option push
    .option norvc
    addi a0, a0, 0x123
    .option pop
    ret

    .data
    .balign 8
cdata:
    .dword 0x00000000f1f2f3f4
    .dword 0x0807060504030201
    .fill 13, 8, 0
    .word 0, 0x7c7c7c7c         /* at 120, 124 */
    .fill 15, 8, 0
    .dword 0xf8f8f8f8f8f8f8f8   /* at 248 */
cbuf:
    .fill 64, 8, 0
