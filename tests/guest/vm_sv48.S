/* vm_sv48.S — Sv48 paging (four levels).
 *
 * satp mode 9 reads back; S-mode code runs through a 1 GiB page (now at
 * the second level) and U-mode code through 4 KiB pages (a four-level
 * walk); a 512 GiB page at the top level, and a misaligned one faulting;
 * a 2 MiB page; a 4 KiB page above the Sv39 range (bit 46) and one in the
 * upper canonical half (0xffff8...); non-canonical addresses (bits 63:48
 * not copies of bit 47) fault; U/S protection and fetch faults as in Sv39;
 * switching satp between an Sv48 and an Sv39 root.
 */
#define TEST_AREA "vm_sv48"
#include "test.h"
#include "vm.h"

#define L LEVELS_SV48
#define VA_S_RW 0x20000000
#define VA_512G 0x0000008000000000      /* level-3 index 1 */
#define VA_512G_BAD 0x0000010000000000  /* level-3 index 2 */
#define VA_2M 0x20200000
#define VA_HIGH 0x0000400000001000      /* bit 46: beyond Sv39 */
#define VA_UPPER 0xffff800000002000     /* upper canonical half */
#define VA_NONCANON1 0x0000800000000000 /* bit 47 set, 63:48 clear */
#define VA_NONCANON2 0xffff000000000000 /* bit 47 clear, 63:48 set */
#define MAGIC1 0x1111111111111111
#define MAGIC_RAM 0x5a5a5a5a12345678

main:
    li a0, L
    call vm_setup
    MAP_LABEL(VA_S_RW, tpage, PTE_LEAF | PTE_R | PTE_W, 0, L)
    MAP(VA_512G, 0, PTE_LEAF | PTE_R | PTE_W, 3, L)
    MAP(VA_512G_BAD, 0x80000000, PTE_LEAF | PTE_R | PTE_W, 3, L)
    MAP(VA_2M, 0x80200000, PTE_LEAF | PTE_R | PTE_W, 1, L)
    MAP_LABEL(VA_HIGH, tpage, PTE_LEAF | PTE_R | PTE_W | PTE_U, 0, L)
    MAP_LABEL(VA_UPPER, tpage, PTE_LEAF | PTE_R | PTE_W, 0, L)
    sfence.vma
    li a0, MAGIC_RAM            /* physical data behind the big pages */
    li a1, 0x80201238
    sd a0, 0(a1)

    CASE(1, "satp reads back mode Sv48")
    csrr a0, satp
    srli a0, a0, 60
    CHECK(a0, 9)
    CASE(2, "S-mode runs through a 1 GiB page at level 2")
    la a1, tpage
    li a0, 0
    RUN_S(s_load, 1f)
1:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CASE(3, "U-mode runs through 4 KiB pages (four-level walk)")
    li a0, 0
    RUN_U(u_data, 2f)
2:  CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, 0x6666)
    CASE(4, "S load through a 4 KiB page")
    li a1, VA_S_RW
    li a0, 0
    RUN_S(s_load, 3f)
3:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC1)
    CASE(5, "S load through a 512 GiB page")
    li a1, VA_512G + 0x80201238
    li a0, 0
    RUN_S(s_load, 4f)
4:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_RAM)
    CASE(6, "a misaligned 512 GiB page faults")
    li a1, VA_512G_BAD + 0x1238
    RUN_S(s_load, 5f)
5:  CHECK_FAULT(CAUSE_LOAD_PAGE, VA_512G_BAD + 0x1238)
    CASE(7, "S load through a 2 MiB page")
    li a1, VA_2M + 0x1238
    li a0, 0
    RUN_S(s_load, 6f)
6:  CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_RAM)
    CASE(8, "U load through a page above the Sv39 range")
    li a1, VA_HIGH
    li a0, 0
    RUN_U(u_load, 7f)
7:  CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, MAGIC1)
    CASE(9, "S store through a page in the upper half")
    li a1, VA_UPPER + 8
    li a2, 0xabc
    RUN_S(s_store, 8f)
8:  CHECK_CAUSE(CAUSE_ECALL_S)
    ld a0, tpage + 8
    CHECK(a0, 0xabc)
    CASE(10, "non-canonical (bit 47 set alone): fault")
    li a1, VA_NONCANON1
    RUN_S(s_load, 9f)
9:  CHECK_FAULT(CAUSE_LOAD_PAGE, VA_NONCANON1)
    CASE(11, "non-canonical (bits 63:48 set alone): fault")
    li a1, VA_NONCANON2 + 0x40
    RUN_S(s_store, 10f)
10: CHECK_FAULT(CAUSE_STORE_PAGE, VA_NONCANON2 + 0x40)
    CASE(12, "U load from an S page: fault")
    li a1, VA_S_RW
    RUN_U(u_load, 11f)
11: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_S_RW)
    CASE(13, "U jump to an unmapped page: fetch fault")
    li a1, 0x30000000
    RUN_U(u_jump, 12f)
12: CHECK_FAULT(CAUSE_FETCH_PAGE, 0x30000000)
    CHECK_MEM(trap_epc, 0x30000000)

    CASE(14, "switch to an Sv39 root: the Sv48-only page is gone")
    ld s0, vm_root              /* keep the Sv48 root; new tables for Sv39 */
    li a0, LEVELS_SV39
    call vm_setup
    li a1, VA_HIGH              /* bit 46: non-canonical for Sv39 */
    RUN_U(u_load, 13f)
13: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_HIGH)
    CASE(15, "and back to Sv48: it is there again")
    srli a0, s0, 12
    li t0, SATP_SV48
    or a0, a0, t0
    csrw satp, a0
    sfence.vma
    li a1, VA_HIGH
    li a0, 0
    RUN_U(u_load, 14f)
14: CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, MAGIC1)

    csrw satp, zero
    sfence.vma
    j pass

s_load:
    ld a0, 0(a1)
    ecall
s_store:
    sd a2, 0(a1)
    ecall

    .section .utext, "ax"
    .balign 4096
u_load:
    ld a0, 0(a1)
    ecall
u_jump:
    jalr a1
    ecall
u_data:
    ld a0, udata_word
    ecall

    .section .udata, "aw"
    .balign 4096
udata_word: .dword 0x6666

    .data
    .balign 4096
tpage: .dword MAGIC1, 0
    .balign 4096
