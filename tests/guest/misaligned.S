/* misaligned.S — misaligned loads and stores are performed, not trapped.
 *
 * M-mode, physical: lh lhu lw lwu ld at every misaligned offset (with sign
 * and zero extension), sh sw sd at misaligned offsets (neighbouring bytes
 * untouched), accesses crossing an 8-byte boundary and a 4 KiB boundary,
 * misaligned fld/fsd/flw/fsw and compressed c.lw/c.sd.  With Sv39 paging
 * in S- and U-mode: an access across two virtual pages that map to
 * physical pages in the opposite order (the bytes must come from the right
 * place), a store across them; when the second page is unmapped or
 * read-only the access faults (13 or 15) with mtval either the start of
 * the access or the page boundary (the address of the faulting part; both
 * are allowed); when the first page is unmapped, mtval is the start.
 */
#define TEST_AREA "misaligned"
#include "test.h"
#include "vm.h"

/* Case n: `op a0, off(buf)` with buf[i] = 0x80 + i must give want. */
#define TEST_MLD(n, op, want, off)                                             \
    NAME_BEGIN(n) .ascii #op, " at +", #off; NAME_END;                         \
    la a1, buf; op a0, off(a1); CHECK(a0, want)
/* Case n: over 16 bytes of 0xee, `op` of 0x8877665544332211 at +off must
 * leave the two doublewords lo, hi. */
#define TEST_MST(n, op, off, lo, hi)                                           \
    NAME_BEGIN(n) .ascii #op, " at +", #off; NAME_END;                         \
    la a1, sbuf; li a2, 0xeeeeeeeeeeeeeeee; sd a2, 0(a1); sd a2, 8(a1);        \
    li a3, 0x8877665544332211; op a3, off(a1);                                 \
    ld a0, 0(a1); CHECK(a0, lo) ld a0, 8(a1); CHECK(a0, hi)
/* Fail unless mtval is va or the page boundary after it. */
#define CHECK_TVAL_SPLIT(va)                                                   \
    ld t6, trap_tval; li t5, va; beq t6, t5, 8006f;                            \
    li t5, ((va) + 4096) & ~4095; beq t6, t5, 8006f; j fail_cmp; 8006:

#define VA_X 0x20000000         /* -> mpage2, +4 KiB -> mpage1 */
#define VA_Y 0x20010000         /* -> mpage1, +4 KiB unmapped */
#define VA_Z 0x20020000         /* -> mpage1, +4 KiB -> mpage2 read-only */
#define VA_W 0x20030000         /* unmapped, +4 KiB -> mpage1 */
#define VA_U 0x20040000         /* like VA_X, user pages */

main:
    /* -- M-mode, physical ------------------------------------------------ */
    TEST_MLD(1, lh, 0xffffffffffff8281, 1)
    TEST_MLD(2, lh, 0xffffffffffff8483, 3)
    TEST_MLD(3, lh, 0xffffffffffff8685, 5)
    TEST_MLD(4, lh, 0xffffffffffff8887, 7)
    TEST_MLD(5, lhu, 0x8281, 1)
    TEST_MLD(6, lhu, 0x8483, 3)
    TEST_MLD(7, lhu, 0x8685, 5)
    TEST_MLD(8, lhu, 0x8887, 7)
    TEST_MLD(9, lw, 0xffffffff84838281, 1)
    TEST_MLD(10, lw, 0xffffffff85848382, 2)
    TEST_MLD(11, lw, 0xffffffff86858483, 3)
    TEST_MLD(12, lw, 0xffffffff88878685, 5)
    TEST_MLD(13, lw, 0xffffffff89888786, 6)
    TEST_MLD(14, lw, 0xffffffff8a898887, 7)
    TEST_MLD(15, lwu, 0x84838281, 1)
    TEST_MLD(16, lwu, 0x85848382, 2)
    TEST_MLD(17, lwu, 0x86858483, 3)
    TEST_MLD(18, lwu, 0x88878685, 5)
    TEST_MLD(19, lwu, 0x89888786, 6)
    TEST_MLD(20, lwu, 0x8a898887, 7)
    TEST_MLD(21, ld, 0x8887868584838281, 1)
    TEST_MLD(22, ld, 0x8988878685848382, 2)
    TEST_MLD(23, ld, 0x8a89888786858483, 3)
    TEST_MLD(24, ld, 0x8b8a898887868584, 4)
    TEST_MLD(25, ld, 0x8c8b8a8988878685, 5)
    TEST_MLD(26, ld, 0x8d8c8b8a89888786, 6)
    TEST_MLD(27, ld, 0x8e8d8c8b8a898887, 7)
    TEST_MLD(28, ld, 0x908f8e8d8c8b8a89, 9)

    TEST_MST(30, sh, 1, 0xeeeeeeeeee2211ee, 0xeeeeeeeeeeeeeeee)
    TEST_MST(31, sh, 3, 0xeeeeee2211eeeeee, 0xeeeeeeeeeeeeeeee)
    TEST_MST(32, sh, 7, 0x11eeeeeeeeeeeeee, 0xeeeeeeeeeeeeee22)
    TEST_MST(33, sw, 1, 0xeeeeee44332211ee, 0xeeeeeeeeeeeeeeee)
    TEST_MST(34, sw, 2, 0xeeee44332211eeee, 0xeeeeeeeeeeeeeeee)
    TEST_MST(35, sw, 3, 0xee44332211eeeeee, 0xeeeeeeeeeeeeeeee)
    TEST_MST(36, sw, 5, 0x332211eeeeeeeeee, 0xeeeeeeeeeeeeee44)
    TEST_MST(37, sw, 7, 0x11eeeeeeeeeeeeee, 0xeeeeeeeeee443322)
    TEST_MST(38, sd, 1, 0x77665544332211ee, 0xeeeeeeeeeeeeee88)
    TEST_MST(39, sd, 3, 0x5544332211eeeeee, 0xeeeeeeeeee887766)
    TEST_MST(40, sd, 4, 0x44332211eeeeeeee, 0xeeeeeeee88776655)
    TEST_MST(41, sd, 7, 0x11eeeeeeeeeeeeee, 0xee88776655443322)
    CASE(42, "fsd at +5")
    la a1, sbuf
    li a2, 0xeeeeeeeeeeeeeeee
    sd a2, 0(a1)
    sd a2, 8(a1)
    li a3, 0x8877665544332211
    fmv.d.x fa3, a3
    fsd fa3, 5(a1)
    ld a0, 0(a1)
    CHECK(a0, 0x332211eeeeeeeeee)
    ld a0, 8(a1)
    CHECK(a0, 0xeeeeee8877665544)
    CASE(43, "c.sd at +3")
    sd a2, 0(a1)
    sd a2, 8(a1)
    addi a4, a1, 3
    c.sd a3, 0(a4)
    ld a0, 0(a1)
    CHECK(a0, 0x5544332211eeeeee)
    ld a0, 8(a1)
    CHECK(a0, 0xeeeeeeeeee887766)

    CASE(44, "fld / flw at misaligned addresses")
    la a1, buf
    fld fa0, 3(a1)
    fmv.x.d a0, fa0
    CHECK(a0, 0x8a89888786858483)
    flw fa0, 1(a1)
    fmv.x.w a0, fa0
    CHECK(a0, 0xffffffff84838281)
    CASE(45, "fsw at +2")
    la a1, sbuf
    li a2, -1
    sd a2, 0(a1)
    li a3, 0x12345678
    fmv.w.x fa0, a3
    fsw fa0, 2(a1)
    ld a0, 0(a1)
    CHECK(a0, 0xffff12345678ffff)
    CASE(46, "c.lw at +1, c.ld at +5")
    la a1, buf + 1
    c.lw a0, 0(a1)
    CHECK(a0, 0xffffffff84838281)
    la a1, buf + 5
    c.ld a0, 0(a1)
    CHECK(a0, 0x8c8b8a8988878685)

    /* fill the two test pages: mpage1[i] = 3i + 0x41, mpage2[i] = 5i + 0x17 */
    la a1, mpage1
    la a2, mpage2
    li a3, 0
    li a4, 4096
1:  slli a5, a3, 1
    add a5, a5, a3
    addi a5, a5, 0x41
    add t0, a1, a3
    sb a5, 0(t0)
    slli a5, a3, 2
    add a5, a5, a3
    addi a5, a5, 0x17
    add t0, a2, a3
    sb a5, 0(t0)
    addi a3, a3, 1
    bltu a3, a4, 1b
    CASE(47, "M-mode ld across a physical 4 KiB boundary")
    la a1, mpage1 + 4093
    ld a0, 0(a1)
    CHECK(a0, 0x2b26211c173e3b38)

    /* -- paging ----------------------------------------------------------- */
    li a0, LEVELS_SV39
    call vm_setup
    MAP_LABEL(VA_X, mpage2, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39)
    MAP_LABEL(VA_X + 4096, mpage1, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39)
    MAP_LABEL(VA_Y, mpage1, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39)
    MAP_LABEL(VA_Z, mpage1, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39)
    MAP_LABEL(VA_Z + 4096, mpage2, PTE_LEAF | PTE_R, 0, LEVELS_SV39)
    MAP_LABEL(VA_W + 4096, mpage1, PTE_LEAF | PTE_R | PTE_W, 0, LEVELS_SV39)
    MAP_LABEL(VA_U, mpage2, PTE_LEAF | PTE_R | PTE_W | PTE_U, 0, LEVELS_SV39)
    MAP_LABEL(VA_U + 4096, mpage1, PTE_LEAF | PTE_R | PTE_W | PTE_U, 0, LEVELS_SV39)
    sfence.vma

    CASE(50, "S ld across two pages mapped in reverse order")
    li a1, VA_X + 4093
    li a0, 0
    RUN_S(s_ld, 50f)
50: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, 0x4d4a474441120d08)
    CASE(51, "S lw and lwu across the pages")
    li a1, VA_X + 4094
    RUN_S(s_lw, 51f)
51: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, 0x4441120d)
    li a1, VA_X + 4093
    RUN_S(s_lwu, 52f)
52: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, 0x41120d08)
    CASE(52, "S lhu across the pages")
    li a1, VA_X + 4095
    RUN_S(s_lhu, 53f)
53: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, 0x4112)
    CASE(53, "S sd across the pages lands in both physical pages")
    li a1, VA_X + 4092
    li a2, 0x8877665544332211
    RUN_S(s_sd, 54f)
54: CHECK_CAUSE(CAUSE_ECALL_S)
    lwu a0, mpage2 + 4092
    CHECK(a0, 0x44332211)
    lwu a0, mpage1
    CHECK(a0, 0x88776655)
    CASE(54, "S lw across the pages into a read-only page works")
    li a1, VA_Z + 4094
    li a0, 0
    RUN_S(s_lw, 55f)
55: CHECK_CAUSE(CAUSE_ECALL_S)
    CHECK(a0, 0x1c173e3b)
    CASE(55, "S ld running into an unmapped page: load page fault")
    li a1, VA_Y + 4092
    li a0, 0x5a
    RUN_S(s_ld, 57f)
57: CHECK_CAUSE(CAUSE_LOAD_PAGE)
    CHECK_TVAL_SPLIT(VA_Y + 4092)
    CHECK(a0, 0x5a)
    CASE(56, "S sd running into an unmapped page: store page fault")
    li a1, VA_Y + 4093
    RUN_S(s_sd, 58f)
58: CHECK_CAUSE(CAUSE_STORE_PAGE)
    CHECK_TVAL_SPLIT(VA_Y + 4093)
    CASE(57, "S sw running into a read-only page: store page fault")
    li a1, VA_Z + 4094
    RUN_S(s_sw, 59f)
59: CHECK_CAUSE(CAUSE_STORE_PAGE)
    CHECK_TVAL_SPLIT(VA_Z + 4094)
    CASE(58, "S ld starting in an unmapped page: mtval is the start")
    li a1, VA_W + 4093
    RUN_S(s_ld, 60f)
60: CHECK_FAULT(CAUSE_LOAD_PAGE, VA_W + 4093)
    CASE(59, "U ld across two user pages")
    li a1, VA_U + 4093
    li a0, 0
    RUN_U(u_ld, 61f)
61: CHECK_CAUSE(CAUSE_ECALL_U)
    CHECK(a0, 0x4d88776655443322) /* the bytes case 53 stored, and one more */
    CASE(60, "U sh across two user pages")
    li a1, VA_U + 4095
    li a2, 0xbeef
    RUN_U(u_sh, 62f)
62: CHECK_CAUSE(CAUSE_ECALL_U)
    lbu a0, mpage2 + 4095
    CHECK(a0, 0xef)
    lbu a0, mpage1
    CHECK(a0, 0xbe)

    csrw satp, zero
    sfence.vma
    j pass

s_ld:
    ld a0, 0(a1)
    ecall
s_lw:
    lw a0, 0(a1)
    ecall
s_lwu:
    lwu a0, 0(a1)
    ecall
s_lhu:
    lhu a0, 0(a1)
    ecall
s_sd:
    sd a2, 0(a1)
    ecall
s_sw:
    sw a2, 0(a1)
    ecall

    .section .utext, "ax"
u_ld:
    ld a0, 0(a1)
    ecall
u_sh:
    sh a2, 0(a1)
    ecall

    .data
    .balign 16
buf:
    .set i, 0
    .rept 32
    .byte 0x80 + i
    .set i, i + 1
    .endr
sbuf: .dword 0, 0
    .balign 4096
mpage1: .skip 4096
mpage2: .skip 4096
