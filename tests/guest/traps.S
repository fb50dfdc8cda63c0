/* traps.S — synchronous exceptions taken into M-mode.
 *
 * For each cause: mcause, mepc (the faulting instruction) and mtval, and
 * that the faulting instruction has no effect.
 *   2  illegal instruction: mtval = the instruction bits (32-bit encodings
 *      from several opcode groups; the 16-bit all-zero word)
 *   3  breakpoint: ebreak, mtval = its pc or 0, resuming past it
 *   8, 9, 11  ecall from U, S and M, mtval = 0
 *   1  instruction access fault: a jump to an address with nothing behind
 *      it, mepc = mtval = that address
 *   5  load access fault, 7 store/AMO access fault: loads, stores and LR
 *      to physical addresses without memory, mtval = the address; a load
 *      into x0 still faults; the destination register is unchanged.  (An
 *      AMO there must raise 7; QEMU 7.2 raises 5, see dbt_only.S.)
 * The trap entry itself: mcause has no interrupt bit, mstatus.MPP holds the
 * previous privilege, MPIE the old MIE, and MIE is cleared; mtvec in direct
 * mode sends every exception to its base.
 */
#define TEST_AREA "traps"
#include "test.h"

/* Case n: the load/store/AMO `insn` (address in a1 = addr) must raise
 * `cause` with mtval = addr and leave a0 = 0x5a5a unchanged. */
#define TEST_ACCESS(n, cause, addr, desc, ...)                                 \
    CASE(n, desc) li a1, addr; li a0, 0x5a5a; li a2, 0x1234;                   \
    TRAP_ARM(8003f); 8004: __VA_ARGS__; j fail;                                \
8003: CHECK_CAUSE(cause) CHECK_EPC(8004b) CHECK_TVAL(addr) CHECK(a0, 0x5a5a)

main:
    /* -- illegal instruction ----------------------------------------------- */
    TEST_ILLEGAL(1, "OP with funct7 0x7f", .word 0xfe000033)
    TEST_ILLEGAL(2, "slliw with shamt[5] set", .word 0x0205151b)
    TEST_ILLEGAL(3, "custom-0 opcode", .word 0x0000000b)
    TEST_ILLEGAL(4, "BRANCH with funct3 2", .word 0x00002063)
    TEST_ILLEGAL(5, "LOAD with funct3 7", .word 0x00007503)
    TEST_ILLEGAL(6, "STORE with funct3 4", .word 0x00004023)
    TEST_ILLEGAL(7, "AMO with funct5 0x1f", .word 0xf8a5a52f)
    TEST_ILLEGAL(8, "the 16-bit all-zero word", .hword 0)
    TEST_ILLEGAL(9, "OP with every field all ones", .word 0xffffffb3)
    CASE(10, "illegal instruction: mstatus.MPP = M, MIE cleared, MPIE = old MIE")
    li t0, MSTATUS_MIE
    csrs mstatus, t0            /* no interrupt is enabled in mie */
    TRAP_ARM(1f)
    .word 0xfe000033
    j fail
1:  ld a0, trap_status
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
    and a0, a0, t0
    CHECK(a0, MSTATUS_MPIE | MSTATUS_MPP)
    CASE(11, "mcause of an exception has no interrupt bit")
    csrr a0, mcause
    CHECK(a0, CAUSE_ILLEGAL)

    /* -- breakpoint ------------------------------------------------------------ */
    CASE(12, "ebreak")
    TRAP_ARM(3f)
    .option push
    .option norvc
2:  ebreak
    .option pop
    j fail
3:  CHECK_CAUSE(CAUSE_BREAKPOINT)
    CHECK_EPC(2b)
    ld t6, trap_tval            /* the pc of the ebreak, or 0 */
    beqz t6, 4f
    CHECK_TVAL_LABEL(2b)
4:  CASE(13, "resuming after ebreak at mepc + 4")
    TRAP_CLEAR
    TRAP_SKIP(4)
    li a0, 1
    .option push
    .option norvc
    ebreak
    .option pop
    addi a0, a0, 1
    TRAP_SKIP(0)
    CHECK(a0, 2)
    CHECK_COUNT(1)

    /* -- ecall from each privilege ------------------------------------------ */
    CASE(14, "ecall from M: cause 11, mtval 0")
    TRAP_ARM(6f)
5:  ecall
    j fail
6:  CHECK_CAUSE(CAUSE_ECALL_M)
    CHECK_EPC(5b)
    CHECK_TVAL(0)
    CASE(15, "ecall from S: cause 9")
    GOTO_PRIV(PRV_S, s_ecall, 7f)
7:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_EPC(s_ecall)
    CHECK_TVAL(0)
    ld a0, trap_status
    li t0, MSTATUS_MPP
    and a0, a0, t0
    CHECK(a0, PRV_S << 11)
    CASE(16, "ecall from U: cause 8")
    GOTO_PRIV(PRV_U, u_ecall, 8f)
8:  CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK_EPC(u_ecall)
    CHECK_TVAL(0)
    ld a0, trap_status
    li t0, MSTATUS_MPP
    and a0, a0, t0
    CHECK(a0, PRV_U << 11)

    /* -- instruction access fault ------------------------------------------- */
    CASE(17, "jump to 0x40000000: instruction access fault")
    TRAP_ARM(9f)
    li a1, NO_MEMORY_1
    jalr ra, 0(a1)
    j fail
9:  CHECK_CAUSE(CAUSE_FETCH_ACCESS)
    CHECK_TVAL(NO_MEMORY_1)
    CHECK_MEM(trap_epc, NO_MEMORY_1)
    CASE(18, "jump to 0x0: instruction access fault")
    TRAP_ARM(10f)
    jr zero
    j fail
10: CHECK_CAUSE(CAUSE_FETCH_ACCESS)
    CHECK_TVAL(0)
    CHECK_MEM(trap_epc, 0)

    /* -- load and store access faults -------------------------------------- */
    TEST_ACCESS(19, CAUSE_LOAD_ACCESS, NO_MEMORY_1, "ld from 0x40000000", ld a0, 0(a1))
    TEST_ACCESS(20, CAUSE_LOAD_ACCESS, NO_MEMORY_1 + 0x10, "lw from 0x40000010", lw a0, 0(a1))
    TEST_ACCESS(21, CAUSE_LOAD_ACCESS, NO_MEMORY_1 + 3, "lbu from 0x40000003", lbu a0, 0(a1))
    TEST_ACCESS(22, CAUSE_LOAD_ACCESS, NO_MEMORY_0, "lh from 0x0", lh a0, 0(a1))
    CASE(23, "ld with an offset: mtval is the effective address")
    li a1, NO_MEMORY_1
    TRAP_ARM(11f)
    ld a0, 24(a1)
    j fail
11: CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_TVAL(NO_MEMORY_1 + 24)
    TEST_ACCESS(24, CAUSE_LOAD_ACCESS, NO_MEMORY_1, "ld into x0 still faults", ld zero, 0(a1))
    TEST_ACCESS(25, CAUSE_LOAD_ACCESS, NO_MEMORY_1, "c.ld", c.ld a0, 0(a1))
    TEST_ACCESS(26, CAUSE_LOAD_ACCESS, NO_MEMORY_1, "fld", fld fa0, 0(a1))
    TEST_ACCESS(27, CAUSE_LOAD_ACCESS, NO_MEMORY_1, "lr.d", lr.d a0, (a1))
    TEST_ACCESS(28, CAUSE_STORE_ACCESS, NO_MEMORY_1, "sd to 0x40000000", sd a2, 0(a1))
    TEST_ACCESS(29, CAUSE_STORE_ACCESS, NO_MEMORY_1 + 1, "sb to 0x40000001", sb a2, 0(a1))
    TEST_ACCESS(30, CAUSE_STORE_ACCESS, NO_MEMORY_0, "sw to 0x0", sw a2, 0(a1))
    TEST_ACCESS(31, CAUSE_STORE_ACCESS, NO_MEMORY_1, "fsw", fsw fa0, 0(a1))

    j pass

/* Lower-privilege code: just an ecall (no paging, so any address works). */
s_ecall:
    ecall
    j s_ecall
u_ecall:
    ecall
    j u_ecall
