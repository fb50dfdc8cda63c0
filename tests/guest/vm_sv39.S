/* vm_sv39.S — Sv39 paging, from S- and U-mode.
 *
 * Page tables are built here (vm.h, pt_map).  Covered: a 1 GiB page (all
 * S code and data run through one), 2 MiB and 4 KiB pages, misaligned
 * superpages (PPN bits below the level not zero) fault; the U bit (U may
 * not touch S pages; S may touch U pages only with SUM, and may never
 * execute them); MXR makes execute-only pages readable; a read-only page
 * refuses stores; W without R is reserved; reserved PTE bits 60:54 fault;
 * V = 0 faults; a pointer PTE at the last level faults; a non-canonical VA
 * (bits 63:39 not copies of bit 38) faults; hardware sets A on a load or
 * fetch and D on a store; sfence.vma (all, and one address) after a PTE
 * change; page faults 12/13/15 carry the VA in mtval and are delegated to
 * S with medeleg; an instruction straddling into an unmapped page faults
 * with mepc at its start and mtval at the page boundary; satp reads back,
 * and writes with a reserved mode (1, 15) leave it unchanged.
 */
#define TEST_AREA "vm_sv39"
#include "test.h"
#include "vm.h"

#define L LEVELS_SV39
#define VA_S_RW 0x20000000
#define VA_U_RW 0x20001000
#define VA_U_RO 0x20002000
#define VA_S_XO 0x20003000
#define VA_U_XO 0x20004000
#define VA_WO 0x20005000
#define VA_RSV54 0x20006000
#define VA_RSV60 0x20007000
#define VA_AD 0x20008000
#define VA_INV 0x20009000
#define VA_SF 0x2000a000
#define VA_PTR0 0x2000b000
#define VA_ACODE 0x2000c000
#define VA_UNMAPPED 0x20010000
#define VA_2M 0x20200000
#define VA_2M_BAD 0x20400000
#define VA_1G_BAD 0x40000000
#define VA_NONCANON 0x4000000000 /* bit 38 set, bits 63:39 clear */
#define MAGIC1 0x1111111111111111
#define MAGIC2 0x2222222222222222
#define MAGIC_2M 0x2020202020202020

main:
    li a0, L
    call vm_setup
    MAP_LABEL(VA_S_RW, tpage, PTE_LEAF | PTE_R | PTE_W, 0, L)
    MAP_LABEL(VA_U_RW, tpage, PTE_LEAF | PTE_R | PTE_W | PTE_U, 0, L)
    MAP_LABEL(VA_U_RO, tpage, PTE_LEAF | PTE_R | PTE_U, 0, L)
    MAP_LABEL(VA_S_XO, tpage, PTE_LEAF | PTE_X, 0, L)
    MAP_LABEL(VA_U_XO, tpage, PTE_LEAF | PTE_X | PTE_U, 0, L)
    MAP_LABEL(VA_WO, tpage, PTE_LEAF | PTE_W, 0, L)
    MAP_LABEL(VA_RSV54, tpage, PTE_LEAF | PTE_R | PTE_W | (1 << 54), 0, L)
    MAP_LABEL(VA_RSV60, tpage, PTE_LEAF | PTE_R | PTE_W | (1 << 60), 0, L)
    MAP_LABEL(VA_AD, tpage, PTE_V | PTE_R | PTE_W, 0, L)
    mv s4, a0                   /* s4: the PTE of VA_AD */
    MAP_LABEL(VA_INV, tpage, PTE_R | PTE_W | PTE_A | PTE_D, 0, L)
    MAP_LABEL(VA_SF, tpage, PTE_LEAF | PTE_R | PTE_W, 0, L)
    mv s5, a0                   /* s5: the PTE of VA_SF */
    MAP(VA_PTR0, 0, PTE_V, 0, L)
    MAP_LABEL(VA_ACODE, code_page, PTE_V | PTE_X, 0, L)
    mv s6, a0                   /* s6: the PTE of VA_ACODE */
    MAP(VA_2M, 0x80200000, PTE_LEAF | PTE_R | PTE_W, 1, L)
    MAP(VA_2M_BAD, 0x80201000, PTE_LEAF | PTE_R | PTE_W, 1, L)
    MAP(VA_1G_BAD, 0x80200000, PTE_LEAF | PTE_R | PTE_W, 2, L)
    /* The third page of .utext is left unmapped (u_straddle_bad). */
    la a1, user_text_start + 2 * 4096
    li t1, UDELTA
    add a1, a1, t1
    ld a0, vm_root
    li a2, 0
    li a3, 0
    li a4, 0
    li a5, L
    call pt_map
    sfence.vma
    li a0, MAGIC_2M             /* data behind the 2 MiB page, physically */
    li a1, 0x80201238
    sd a0, 0(a1)

    CASE(1, "satp reads back mode Sv39 and the root")
    csrr a0, satp
    srli a1, a0, 60
    CHECK(a1, 8)
    ld a2, vm_root
    srli a2, a2, 12
    slli a0, a0, 20             /* PPN: bits 43:0 */
    srli a0, a0, 20
    CHECK_R(a0, a2)

    CASE(8, "satp writes with a reserved mode are ignored")
    csrr a1, satp
    li a0, (1 << 60) | 0x12345
    csrw satp, a0
    csrr a0, satp
    CHECK_R(a0, a1)
    li a0, (15 << 60) | 0x12345
    csrw satp, a0
    csrr a0, satp
    CHECK_R(a0, a1)

    /* -- S-mode through the 1 GiB page, U-mode through 4 KiB pages -------- */
    CASE(2, "S-mode runs and loads through the 1 GiB page")
    la a1, tpage
    li a0, 0
    RUN_S(s_load, 1f)
1:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CASE(3, "U-mode runs from user pages and uses user data")
    li a0, 0
    RUN_U(u_data, 2f)
2:  CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, 0x5555)
    ld a0, udata_word
    CHECK(a0, 0x5556)
    CASE(4, "S load through a 4 KiB page")
    li a1, VA_S_RW
    RUN_S(s_load, 3f)
3:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CASE(5, "S load through a 2 MiB page")
    li a1, VA_2M + 0x1238
    RUN_S(s_load, 4f)
4:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_2M)
    CASE(6, "misaligned 2 MiB page: load page fault")
    li a1, VA_2M_BAD + 8
    RUN_S(s_load, 5f)
5:  CHECK_FAULT(CAUSE_LOAD_PAGE, VA_2M_BAD + 8)
    CASE(7, "misaligned 1 GiB page: store page fault")
    li a1, VA_1G_BAD
    RUN_S(s_store, 6f)
6:  CHECK_FAULT(CAUSE_STORE_PAGE, VA_1G_BAD)

    /* -- the U bit, SUM, MXR --------------------------------------------- */
    CASE(10, "U load from an S page: fault")
    li a1, VA_S_RW + 16
    RUN_U(u_load, 10f)
10: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_S_RW + 16)
    CHECK_MEM_LABEL(trap_epc, u_load + UDELTA)
    CASE(11, "U store to an S page: fault")
    li a1, VA_S_RW
    RUN_U(u_store, 11f)
11: CHECK_FAULT(CAUSE_STORE_PAGE, VA_S_RW)
    CASE(12, "U jump to an S page: fetch fault")
    la a1, code_page            /* identity-mapped, not U */
    RUN_U(u_jump, 12f)
12: CHECK_CAUSE(CAUSE_FETCH_PAGE)
    CHECK_TVAL_LABEL(code_page)
    CHECK_EPC(code_page)
    CASE(13, "U load and store through a user page")
    li a1, VA_U_RW + 8
    li a2, 0x77
    RUN_U(u_store, 13f)
13: CHECK_CAUSE(CAUSE_ECALL_U)
    ld a0, tpage + 8
    CHECK(a0, 0x77)
    CASE(14, "U store to a read-only page: fault; load works")
    li a1, VA_U_RO
    RUN_U(u_store, 14f)
14: CHECK_FAULT(CAUSE_STORE_PAGE, VA_U_RO)
    RUN_U(u_load, 15f)
15: CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, MAGIC1)
    CASE(15, "U jump to a non-executable user page: fetch fault")
    LA_USER(a1, udata_word)
    RUN_U(u_jump, 16f)
16: CHECK_CAUSE(CAUSE_FETCH_PAGE)
    LA_USER(t2, udata_word)
    ld t6, trap_tval
    CHECK_R(t6, t2)
    CASE(16, "S load from a U page with SUM = 0: fault")
    li a1, VA_U_RW
    RUN_S(s_load, 18f)
18: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_U_RW)
    CASE(17, "S store to a U page with SUM = 0: fault")
    RUN_S(s_store, 19f)
19: CHECK_FAULT(CAUSE_STORE_PAGE, VA_U_RW)
    li t0, MSTATUS_SUM
    csrs mstatus, t0
    CASE(18, "S load from a U page with SUM = 1")
    li a1, VA_U_RW
    li a0, 0
    RUN_S(s_load, 20f)
20: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CASE(19, "S store to a U page with SUM = 1")
    li a2, 0x99
    li a1, VA_U_RW + 8
    RUN_S(s_store, 21f)
21: CHECK_CAUSE(CAUSE_ECALL_S)
    ld a0, tpage + 8
    CHECK(a0, 0x99)
    CASE(20, "S may not execute a U page, even with SUM = 1")
    LA_USER(a1, u_load)
    RUN_S(s_jump, 22f)
22: CHECK_CAUSE(CAUSE_FETCH_PAGE)
    LA_USER(t2, u_load)
    ld t6, trap_tval
    CHECK_R(t6, t2)
    li t0, MSTATUS_SUM
    csrc mstatus, t0
    CASE(21, "S load from an execute-only page: fault")
    li a1, VA_S_XO
    RUN_S(s_load, 23f)
23: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_S_XO)
    CASE(22, "U load from an execute-only page: fault")
    li a1, VA_U_XO
    RUN_U(u_load, 24f)
24: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_U_XO)
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    CASE(23, "MXR = 1: S load from an execute-only page")
    li a1, VA_S_XO
    li a0, 0
    RUN_S(s_load, 25f)
25: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CASE(24, "MXR = 1: U load from an execute-only user page")
    li a1, VA_U_XO
    li a0, 0
    RUN_U(u_load, 26f)
26: CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, MAGIC1)
    CASE(25, "MXR = 1 does not allow stores")
    li a1, VA_S_XO
    RUN_S(s_store, 27f)
27: CHECK_FAULT(CAUSE_STORE_PAGE, VA_S_XO)
    li t0, MSTATUS_MXR
    csrc mstatus, t0

    /* -- malformed and missing PTEs ------------------------------------------ */
    CASE(30, "W without R: load fault")
    li a1, VA_WO
    RUN_S(s_load, 30f)
30: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_WO)
    CASE(31, "W without R: store fault")
    RUN_S(s_store, 31f)
31: CHECK_FAULT(CAUSE_STORE_PAGE, VA_WO)
    CASE(32, "reserved PTE bit 54: fault")
    li a1, VA_RSV54
    RUN_S(s_load, 32f)
32: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_RSV54)
    CASE(33, "reserved PTE bit 60: fault")
    li a1, VA_RSV60
    RUN_S(s_store, 33f)
33: CHECK_FAULT(CAUSE_STORE_PAGE, VA_RSV60)
    CASE(34, "V = 0: fault")
    li a1, VA_INV
    RUN_S(s_load, 34f)
34: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_INV)
    CASE(35, "a pointer PTE at the last level: fault")
    li a1, VA_PTR0
    RUN_S(s_load, 35f)
35: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_PTR0)
    CASE(36, "unmapped: load, store and fetch faults")
    li a1, VA_UNMAPPED + 0x10
    RUN_S(s_load, 36f)
36: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_UNMAPPED + 0x10)
    RUN_S(s_store, 37f)
37: CHECK_FAULT(CAUSE_STORE_PAGE, VA_UNMAPPED + 0x10)
    RUN_S(s_jump, 38f)
38: CHECK_FAULT(CAUSE_FETCH_PAGE, VA_UNMAPPED + 0x10)
    CHECK_MEM(trap_epc, VA_UNMAPPED + 0x10)
    CASE(37, "non-canonical address: fault")
    li a1, VA_NONCANON
    RUN_S(s_load, 39f)
39: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_NONCANON)
    CASE(38, "non-canonical address with the high bits set: fault")
    li a1, 0xffffff8000000100   /* bits 63:39 set, bit 38 clear */
    RUN_S(s_store, 40f)
40: CHECK_FAULT(CAUSE_STORE_PAGE, 0xffffff8000000100)

    /* -- accessed and dirty ----------------------------------------------------- */
    /* A/D change only for an access the PTE allows: the store below is
     * refused (U to an S page), so nothing of the PTE may change. */
    CASE(39, "a refused U store to the A/D page sets neither A nor D")
    li a1, VA_AD
    RUN_U(u_store, 39f)
39: CHECK_FAULT(CAUSE_STORE_PAGE, VA_AD)
    ld a0, 0(s4)
    andi a0, a0, PTE_A | PTE_D
    CHECK(a0, 0)
    CASE(40, "A/D clear before the first access")
    ld a0, 0(s4)
    andi a0, a0, PTE_A | PTE_D
    CHECK(a0, 0)
    CASE(41, "a load sets A, not D")
    li a1, VA_AD
    RUN_S(s_load, 41f)
41: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    ld a0, 0(s4)
    andi a0, a0, PTE_A | PTE_D
    CHECK(a0, PTE_A)
    CASE(42, "a store sets D")
    li a1, VA_AD + 16
    li a2, 0x42
    RUN_S(s_store, 42f)
42: CHECK_CAUSE(CAUSE_ECALL_S)
    ld a0, 0(s4)
    andi a0, a0, PTE_A | PTE_D
    CHECK(a0, PTE_A | PTE_D)
    CASE(43, "a store to a fresh page sets A and D")
    li t0, PTE_A | PTE_D
    ld a0, 0(s4)
    not t0, t0
    and a0, a0, t0
    sd a0, 0(s4)
    sfence.vma
    li a1, VA_AD + 16
    RUN_S(s_store, 43f)
43: CHECK_CAUSE(CAUSE_ECALL_S)
    ld a0, 0(s4)
    andi a0, a0, PTE_A | PTE_D
    CHECK(a0, PTE_A | PTE_D)
    CASE(44, "an instruction fetch sets A")
    li a1, VA_ACODE
    RUN_S(s_jump, 44f)
44: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(trap_epc, VA_ACODE)
    ld a0, 0(s6)
    andi a0, a0, PTE_A
    CHECK(a0, PTE_A)

    /* -- sfence.vma -------------------------------------------------------------- */
    CASE(50, "a PTE change and sfence.vma: the new page is seen")
    li a1, VA_SF
    mv a2, s5
    la a3, tpage2
    srli a3, a3, 12
    slli a3, a3, 10
    ori a3, a3, PTE_LEAF | PTE_R | PTE_W
    RUN_S(s_remap, 50f)
50: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CHECK(a4, MAGIC2)
    CASE(51, "sfence.vma with an address")
    li a1, VA_SF
    mv a2, s5
    la a3, tpage
    srli a3, a3, 12
    slli a3, a3, 10
    ori a3, a3, PTE_LEAF | PTE_R | PTE_W
    RUN_S(s_remap_va, 51f)
51: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC2)
    CHECK(a4, MAGIC1)
    CASE(52, "a PTE made invalid and sfence.vma: fault")
    li a1, VA_SF
    mv a2, s5
    li a3, 0
    RUN_S(s_remap, 52f)
52: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_SF)
    CHECK(a0, MAGIC1)           /* the first load, before the change */

    /* -- delegation and the straddling fetch ----------------------------------- */
    CASE(60, "page fault delegated to S: scause and stval")
    li t0, (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE) | (1 << CAUSE_FETCH_PAGE)
    csrw medeleg, t0
    STRAP_ARM(s_ecall)
    li a1, VA_S_RW + 0x28
    RUN_U(u_load, 60f)
60: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK_MEM(strap_cause, CAUSE_LOAD_PAGE)
    CHECK_MEM(strap_tval, VA_S_RW + 0x28)
    LA_USER(t2, u_load)
    ld t6, strap_epc
    CHECK_R(t6, t2)
    csrw medeleg, zero
    CASE(61, "a 32-bit instruction across two mapped pages")
    li a0, 1
    RUN_U(u_straddle_ok, 61f)
61: CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, 2)
    CASE(62, "a 32-bit instruction running into an unmapped page")
    li a0, 1
    RUN_U(u_straddle_bad, 62f)
62: CHECK_CAUSE(CAUSE_FETCH_PAGE)
    LA_USER(t2, u_straddle_bad)
    ld t6, trap_epc
    CHECK_R(t6, t2)
    addi t2, t2, 2              /* the second half: the page boundary */
    ld t6, trap_tval
    CHECK_R(t6, t2)
    CHECK(a0, 1)

    csrw satp, zero
    sfence.vma
    j pass

/* -- S-mode routines (identity-mapped); each ends with an ecall to M ------- */
s_load:
    ld a0, 0(a1)
    ecall
s_store:
    sd a2, 0(a1)
    ecall
s_jump:
    jalr a1
    ecall
s_ecall:
    ecall
/* load a1, set the PTE at a2 to a3, sfence.vma, load a1 again into a4 */
s_remap:
    ld a0, 0(a1)
    sd a3, 0(a2)
    sfence.vma
    ld a4, 0(a1)
    ecall
s_remap_va:
    ld a0, 0(a1)
    sd a3, 0(a2)
    sfence.vma a1, zero
    ld a4, 0(a1)
    ecall

/* A page of code reached through VA_ACODE. */
    .balign 4096
code_page:
    ecall
    .balign 4096

/* -- U-mode routines, run through their user VAs ---------------------------- */
    .section .utext, "ax"
    .option push
    .option norvc               /* fixed sizes for the .org below */
    .option norelax
    .balign 4096
u_load:
    ld a0, 0(a1)
    ecall
u_store:
    sd a2, 0(a1)
    ecall
u_jump:
    jalr a1
    ecall
u_data:
    ld a0, udata_word           /* PC-relative: works at the user VA */
    addi a1, a0, 1
    sd a1, udata_word, t0
    ecall
    .org 4096 - 2
u_straddle_ok:                  /* pages 0 and 1 of .utext */
    addi a0, a0, 1
    ecall
    .org 2 * 4096 - 2
u_straddle_bad:                 /* page 2 is unmapped */
    addi a0, a0, 1
    ecall
    .option pop

    .section .udata, "aw"
    .balign 4096
udata_word: .dword 0x5555

    .data
    .balign 4096
tpage: .dword MAGIC1, 0
    .balign 4096
tpage2: .dword MAGIC2, 0
    .balign 4096
