/* tlb.S — what a software TLB must not remember (Sv39, S-mode).
 *
 * 1-2  MXR: a fetch from an execute-only page while MXR is set must not
 *      leave the page readable once MXR is clear.  (An emulator that keys
 *      its TLB by privilege/SUM/MXR must not take an entry's read right
 *      from the MXR of the moment it was filled: the S code context and the
 *      S data context with SUM = MXR = 0 may be one and the same set.)
 * 3-4  sfence.vma with one address inside a 2 MiB page flushes the whole
 *      page: after the leaf is pointed elsewhere and the base is fenced,
 *      another 4 KiB part of it reads the new memory.
 * 5    the same for a 1 GiB page, fenced at an address in its middle and
 *      pointed at an address without memory: the load must fault.
 * 6-11 two address spaces (two roots, ASIDs 1 and 2) and satp writes with
 *      no sfence.vma between them, as Linux switches: a page that is not
 *      global (data, then code) maps anew after each switch; a global one
 *      stays the same in both; sfence.vma x0, x0 drops global entries,
 *      sfence.vma x0, asid the ASID's others; a satp write to Bare leaves
 *      no global entry behind.  (An emulator may keep global entries
 *      across satp writes; these check it keeps nothing else.)
 * 12   code remapped and its page fenced (sfence.vma va): the jump cache
 *      must not keep the old code for that pc.
 * 13-15 two pages 16 MiB apart, which share a slot of a direct-mapped TLB
 *      of 4096 entries (and so of its victim TLB): used in turn, each reads
 *      and writes its own memory; one of them remapped while the other
 *      holds the slot, and fenced by its address, reads its new memory;
 *      one that may only be read faults on a store, also when it was
 *      pushed out of its slot by the other.
 */
#define TEST_AREA "tlb"
#include "test.h"
#include "vm.h"

#define L LEVELS_SV39
#define VA_XO 0x20003000
#define VA_2M 0x20200000
#define PA_2M_A 0x80400000 /* two 2 MiB-aligned RAM regions the image */
#define PA_2M_B 0x80600000 /* does not use */
#define VA_1G 0x40000000
#define PA_1G_A 0x80000000
#define MAGIC_A 0xaaaa
#define MAGIC_B 0xbbbb
#define VA_AS 0x30000000   /* data: PA_2M_A + 0x5000 in root 1, _B in root 2 */
#define VA_AS_CODE 0x30001000 /* code: returns 1 in root 1, 2 in root 2 */
#define VA_G 0x30002000    /* global code, the same in both */
#define VA_GD 0x30003000   /* global data, the same in both */
#define VA_S1 0x31000000  /* VA_S1 and VA_S2: one TLB slot (16 MiB apart) */
#define VA_S2 0x32000000
#define SATP_SV39 (8 << 60)
#define ASID(n) ((n) << 44)

/* Map in root 2 (clobbers a0-a5, t0-t4; a0 = the PTE's address after). */
#define MAP2(va, pa, flags, level)                                             \
    ld a0, root2; li a1, va; li a2, pa; li a3, flags; li a4, level;            \
    li a5, L; call pt_map
#define MAP2_LABEL(va, label, flags, level)                                    \
    ld a0, root2; li a1, va; la a2, label; li a3, flags; li a4, level;         \
    li a5, L; call pt_map
/* s2, s3 = satp for root 1 with ASID 1, root 2 with ASID 2 */
#define TO_ROOT1 csrw satp, s2
#define TO_ROOT2 csrw satp, s3

/* In S-mode run the instructions; their ecall (or trap) resumes in M. */
#define IN_S(...) GOTO_PRIV(PRV_S, 8004f, 8003f); 8004: __VA_ARGS__; ecall; 8003:

main:
    li a0, L
    call vm_setup
    MAP_LABEL(VA_XO, xo_page, PTE_LEAF | PTE_X, 0, L)

    CASE(1, "MXR: S reads an execute-only page, and runs code from it")
    li a1, VA_XO
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    IN_S(ld a0, 0(a1); jalr a1)
    CHECK_CAUSE(CAUSE_ECALL_S)

    CASE(2, "MXR cleared: the execute-only page is not readable any more")
    IN_S(jalr a1; li t0, MSTATUS_MXR; csrc sstatus, t0; 10: ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_LOAD_PAGE)
    CHECK_EPC(10b)
    CHECK_TVAL(VA_XO)

    CASE(3, "a 2 MiB page reads its memory through a 4 KiB part")
    li t0, PA_2M_A + 0x5000
    li t1, MAGIC_A
    sd t1, 0(t0)
    li t0, PA_2M_B + 0x5000
    li t1, MAGIC_B
    sd t1, 0(t0)
    MAP(VA_2M, PA_2M_A, PTE_LEAF | PTE_R | PTE_W, 1, L)
    mv s1, a0                   /* s1: the leaf PTE */
    li a1, VA_2M + 0x5000
    IN_S(sfence.vma; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_A)

    CASE(4, "remapped, sfence.vma of its base flushes the other parts too")
    li t0, (PA_2M_B >> 12) << 10 | PTE_LEAF | PTE_R | PTE_W
    sd t0, 0(s1)
    li a2, VA_2M
    IN_S(sfence.vma a2; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_B)

    CASE(5, "a 1 GiB page remapped, fenced at an address in its middle")
    MAP(VA_1G, PA_1G_A, PTE_LEAF | PTE_R | PTE_W, 2, L)
    mv s1, a0
    li a1, VA_1G + PA_2M_A - PA_1G_A + 0x5000 /* reads MAGIC_A */
    IN_S(sfence.vma; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_A)
    li t0, (NO_MEMORY_0 >> 12) << 10 | PTE_LEAF | PTE_R | PTE_W
    sd t0, 0(s1)                /* now nothing is behind the same VA */
    li a2, VA_1G + 0x12345000
    IN_S(sfence.vma a2; 10: ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)

    /* Root 2: RAM as in root 1 (so S code runs in both), and its own pages. */
    call pt_alloc
    sd a0, root2, t0
    MAP2(0x80000000, 0x80000000, PTE_LEAF | PTE_RWX, 2)
    MAP(VA_AS, PA_2M_A + 0x5000, PTE_LEAF | PTE_R | PTE_W, 0, L)
    MAP2(VA_AS, PA_2M_B + 0x5000, PTE_LEAF | PTE_R | PTE_W, 0)
    mv s4, a0                   /* s4: root 2's leaf for VA_AS */
    MAP_LABEL(VA_AS_CODE, code_1, PTE_LEAF | PTE_X, 0, L)
    MAP2_LABEL(VA_AS_CODE, code_2, PTE_LEAF | PTE_X, 0)
    MAP_LABEL(VA_G, code_3, PTE_LEAF | PTE_X | PTE_G, 0, L)
    mv s5, a0                   /* s5, s6: the two leaves for VA_G */
    MAP2_LABEL(VA_G, code_3, PTE_LEAF | PTE_X | PTE_G, 0)
    mv s6, a0
    MAP(VA_GD, PA_2M_A + 0x5000, PTE_LEAF | PTE_R | PTE_G, 0, L)
    MAP2(VA_GD, PA_2M_A + 0x5000, PTE_LEAF | PTE_R | PTE_G, 0)
    ld t0, vm_root
    srli t0, t0, 12
    li t1, SATP_SV39 | ASID(1)
    or s2, t0, t1
    ld t0, root2
    srli t0, t0, 12
    li t1, SATP_SV39 | ASID(2)
    or s3, t0, t1

    CASE(6, "satp to another ASID, no sfence.vma: a page maps anew, and back")
    li a1, VA_AS
    IN_S(TO_ROOT1; sfence.vma; ld a0, 0(a1); TO_ROOT2; ld a2, 0(a1); TO_ROOT1; ld a3, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_A)
    CHECK(a2, MAGIC_B)
    CHECK(a3, MAGIC_A)

    CASE(7, "the same for code: each switch runs the other space's code")
    li a1, VA_AS_CODE
    li s7, 0
    IN_S(li s8, 3; 1: TO_ROOT1; jalr a1; slli s7, s7, 4; add s7, s7, a0;
         TO_ROOT2; jalr a1; slli s7, s7, 4; add s7, s7, a0; addi s8, s8, -1;
         bnez s8, 1b)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s7, 0x121212)

    CASE(8, "a global page is the same in both spaces")
    li a1, VA_G
    li a2, VA_GD
    IN_S(TO_ROOT1; jalr a1; mv s7, a0; ld s8, 0(a2); TO_ROOT2; jalr a1; slli s7, s7, 4;
         add s7, s7, a0; ld a3, 0(a2); add s8, s8, a3)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s7, 0x33)
    CHECK(s8, 2 * MAGIC_A)

    CASE(9, "sfence.vma x0, x0 drops a global page's entries")
    la t0, code_4
    srli t0, t0, 12
    slli t0, t0, 10
    ori t0, t0, PTE_LEAF | PTE_X | PTE_G
    sd t0, 0(s5)
    sd t0, 0(s6)
    li a1, VA_G
    IN_S(sfence.vma; jalr a1; mv s7, a0; TO_ROOT1; jalr a1; slli s7, s7, 4; add s7, s7, a0)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s7, 0x44)

    CASE(10, "sfence.vma x0, asid drops that ASID's pages")
    li t0, (PA_2M_A >> 12) << 10 | PTE_LEAF | PTE_R | PTE_W
    li t1, 5 << 10
    add t0, t0, t1              /* root 2's VA_AS now at PA_2M_A + 0x5000 */
    sd t0, 0(s4)
    li a1, VA_AS
    li a2, 2
    IN_S(TO_ROOT2; sfence.vma x0, a2; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_A)

    CASE(11, "satp to Bare: no global entry is left behind")
    li a1, VA_GD
    li a2, VA_G
    IN_S(TO_ROOT1; ld a0, 0(a1); jalr a2; csrw satp, zero; 10: ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)
    CHECK_TVAL(VA_GD)
    li a2, VA_G
    IN_S(TO_ROOT1; jalr a2; csrw satp, zero; 10: jalr a2)
    CHECK_CAUSE(CAUSE_FETCH_ACCESS)
    CHECK_TVAL(VA_G)

    CASE(12, "code remapped, sfence.vma of its page: the new code runs")
    li a1, VA_AS_CODE
    IN_S(TO_ROOT1; sfence.vma; jalr a1; mv s7, a0; jalr a1; slli s7, s7, 4; add s7, s7, a0)
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s7, 0x11)
    MAP_LABEL(VA_AS_CODE, code_2, PTE_LEAF | PTE_X, 0, L)
    li a1, VA_AS_CODE
    IN_S(sfence.vma a1; jalr a1; mv s7, a0) /* root 1 still: no satp write */
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s7, 2)

    CASE(13, "two pages in one TLB slot, used in turn, each its own memory")
    MAP(VA_S1, PA_2M_A + 0x5000, PTE_LEAF | PTE_R | PTE_W, 0, L)
    mv s1, a0                   /* s1: VA_S1's leaf */
    MAP(VA_S2, PA_2M_B + 0x5000, PTE_LEAF | PTE_R | PTE_W, 0, L)
    li a1, VA_S1
    li a2, VA_S2
    li s7, 0
    IN_S(TO_ROOT1; sfence.vma; li s8, 3;
         1: ld a0, 0(a1); add s7, s7, a0; ld a0, 0(a2); add s7, s7, a0;
         addi s8, s8, -1; bnez s8, 1b;
         sd s8, 8(a1); li a3, 7; sd a3, 8(a2); ld a4, 8(a1); ld a5, 8(a2))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(s7, 3 * (MAGIC_A + MAGIC_B))
    CHECK(a4, 0)
    CHECK(a5, 7)

    CASE(14, "one of them remapped while the other holds the slot, fenced")
    li t0, (PA_2M_B >> 12) << 10 | PTE_LEAF | PTE_R | PTE_W
    li t1, 5 << 10
    add t0, t0, t1              /* VA_S1 now at PA_2M_B + 0x5000 too */
    sd t0, 0(s1)
    li a1, VA_S1
    li a2, VA_S2
    IN_S(ld a0, 0(a1); ld a0, 0(a2); sfence.vma a1; ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, MAGIC_B)

    CASE(15, "a read-only one pushed out of the slot faults on a store")
    li t0, (PA_2M_A >> 12) << 10 | PTE_LEAF | PTE_R | PTE_A
    li t1, 5 << 10
    add t0, t0, t1              /* VA_S1 at PA_2M_A + 0x5000, read only */
    sd t0, 0(s1)
    li a1, VA_S1
    li a2, VA_S2
    IN_S(sfence.vma a1; ld a0, 0(a1); ld a3, 0(a2); ld a4, 0(a1); ld a3, 0(a2);
         10: sd a0, 0(a1))
    CHECK_CAUSE(CAUSE_STORE_PAGE)
    CHECK_EPC(10b)
    CHECK_TVAL(VA_S1)
    CHECK(a4, MAGIC_A)
    j pass

    .data
    .balign 8
root2: .dword 0

/* One page of code that S-mode may execute but not read (without MXR). */
    .text
    .balign 4096
xo_page:
    ret
    .balign 4096
/* Code pages of cases 7-9, each on its own page. */
code_1: li a0, 1; ret
    .balign 4096
code_2: li a0, 2; ret
    .balign 4096
code_3: li a0, 3; ret
    .balign 4096
code_4: li a0, 4; ret
    .balign 4096
