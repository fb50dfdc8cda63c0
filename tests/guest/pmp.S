/* pmp.S — physical memory protection (privileged spec 1.12, section 3.7).
 *
 * dbt has 16 entries with 4-byte granularity (G = 0, as QEMU's virt).
 * Covered: the WARL reads of pmpaddr (54 bits), of pmpcfg (bits 6:5 zero;
 * W without R is reserved and reads as no W) and of the entries that do
 * not exist; with entries implemented and none matching, S-mode cannot
 * even fetch; NAPOT and NA4 grant S what their R/W/X say; a PMP write
 * takes effect at the next access although the page is in the TLB; an
 * entry that splits a 4 KiB page (NA4) is checked per access, and an
 * access it matches only in part fails; MPRV makes M's stores S's; the
 * page-table walk is checked as S (a denied root gives an access fault,
 * not a page fault); a locked entry binds M-mode and cannot be rewritten,
 * and a locked TOR entry locks the pmpaddr below it too.
 * The locking cases come last: nothing but a reset unlocks an entry.
 */
#define TEST_AREA "pmp"
#include "test.h"
#include "vm.h"

#define CFG_R 0x01
#define CFG_W 0x02
#define CFG_X 0x04
#define CFG_TOR 0x08
#define CFG_NA4 0x10
#define CFG_NAPOT 0x18
#define CFG_L 0x80

/* r = the NAPOT pmpaddr of the 4 KiB page at label. */
#define LA_NAPOT_4K(r, label) la r, label; srli r, r, 2; ori r, r, 0x1ff
/* Entries 0-14 off; entry 15 gives S and U every address, RWX. */
#define PMP_ALLOW_ALL                                                          \
    csrw pmpcfg0, zero; li t0, -1; csrw pmpaddr15, t0;                         \
    li t0, 0x1f << 56; csrw pmpcfg2, t0

main:
    /* -- WARL ---------------------------------------------------------------- */
    CASE(1, "pmpaddr0: all ones reads back bits 53:0 (G = 0)")
    li a1, -1
    csrw pmpaddr0, a1
    csrr a0, pmpaddr0
    CHECK(a0, 0x003fffffffffffff)
    CASE(2, "pmpcfg0: bits 6:5 of a cfg read as zero")
    li a1, 0x7f
    csrw pmpcfg0, a1
    csrr a0, pmpcfg0
    CHECK(a0, 0x1f)
    CASE(3, "pmpcfg0: W without R (reserved) reads back without W")
    li a1, CFG_NAPOT | CFG_X | CFG_W
    csrw pmpcfg0, a1
    csrr a0, pmpcfg0
    CHECK(a0, CFG_NAPOT | CFG_X)
    CASE(4, "pmpcfg2 holds entries 8-15; pmpaddr16 and pmpcfg4 read 0")
    li a1, 0x7f7f7f7f7f7f7f7f   /* L clear: they must stay writable */
    csrw pmpcfg2, a1
    csrr a0, pmpcfg2
    CHECK(a0, 0x1f1f1f1f1f1f1f1f)
    li a1, -1
    csrw pmpaddr16, a1
    csrr a0, pmpaddr16
    CHECK(a0, 0)
    csrw pmpcfg4, a1
    csrr a0, pmpcfg4
    CHECK(a0, 0)
    csrw pmpcfg2, zero

    /* -- S-mode accesses ------------------------------------------------------- */
    CASE(5, "S: no entry matches: instruction access fault")
    csrw pmpcfg0, zero
    csrw pmpcfg2, zero
    GOTO_PRIV(PRV_S, 10f, 11f)
10: nop
    ecall
11: CHECK_CAUSE(CAUSE_FETCH_ACCESS)
    CHECK_EPC(10b)

    CASE(6, "S: a NAPOT R-only page can be loaded")
    PMP_ALLOW_ALL
    LA_NAPOT_4K(t0, pmp_page)
    csrw pmpaddr0, t0
    li t0, CFG_NAPOT | CFG_R
    csrw pmpcfg0, t0
    la a1, pmp_page
    IN_S(ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)

    CASE(7, "S: a store to it faults, after a load entered the page")
    IN_S(ld a0, 0(a1); 10: sd a0, 0(a1))
    CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_EPC(10b)
    CHECK_TVAL_LABEL(pmp_page)

    CASE(8, "S: a PMP write takes effect with the page in the TLB")
    IN_S(ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    li t0, CFG_NAPOT            /* no R now */
    csrw pmpcfg0, t0
    IN_S(10: ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)

    CASE(9, "S: an NA4 word denies itself, not the rest of its page")
    addi t0, a1, 8
    srli t0, t0, 2
    csrw pmpaddr0, t0
    li t0, CFG_NA4
    csrw pmpcfg0, t0
    IN_S(ld a0, 0(a1); lw a0, 16(a1); sd a0, 0(a1); 10: lw a0, 8(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)
    IN_S(ld a0, 0(a1); 10: sw a0, 8(a1))
    CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_EPC(10b)

    CASE(10, "S: an access the NA4 entry matches in part faults")
    IN_S(10: ld a0, 8(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)
    IN_S(lw a0, 0(a1); 10: ld a0, 4(a1))
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)

    /* -- MPRV and the page walk ------------------------------------------------ */
    CASE(11, "MPRV with MPP = S: M's store is checked as S's")
    LA_NAPOT_4K(t0, pmp_page)
    csrw pmpaddr0, t0
    li t0, CFG_NAPOT | CFG_R
    csrw pmpcfg0, t0
    SET_MPP(PRV_S)
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    ld a0, 0(a1)                /* a load is allowed */
    TRAP_ARM(11f)
10: sd a0, 0(a1)
    j fail
11: li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_EPC(10b)

    CASE(12, "the page walk reads PTEs as S: a denied root is an access fault")
    PMP_ALLOW_ALL
    li a0, LEVELS_SV39
    call vm_setup
    ld t0, vm_root
    srli t0, t0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr0, t0
    li t0, CFG_NAPOT            /* the root: no access */
    csrw pmpcfg0, t0
    la a1, pmp_page
    TRAP_ARM(11f)               /* before MPRV: its stores must not walk */
    SET_MPP(PRV_S)
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
10: ld a0, 0(a1)
    j fail
11: li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_CAUSE(CAUSE_LOAD_ACCESS)
    CHECK_EPC(10b)
    CHECK_TVAL_LABEL(pmp_page)
    CASE(13, "... and a readable root lets the walk through")
    li t0, CFG_NAPOT | CFG_R
    csrw pmpcfg0, t0
    IN_S(ld a0, 0(a1))
    CHECK_CAUSE(CAUSE_ECALL_S)
    csrw satp, zero
    sfence.vma

    /* -- Locked entries (last: they stay locked) ---------------------------- */
    CASE(14, "a locked R-only entry binds M: M's store faults, its load works")
    LA_NAPOT_4K(t0, pmp_page)
    csrw pmpaddr0, t0
    li t0, CFG_L | CFG_NAPOT | CFG_R
    csrw pmpcfg0, t0
    ld a0, 0(a1)
    TRAP_ARM(11f)
10: sd a0, 0(a1)
    j fail
11: CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_EPC(10b)
    CASE(15, "a locked entry ignores writes to its cfg and pmpaddr")
    csrw pmpcfg0, zero
    csrr a0, pmpcfg0
    CHECK(a0, CFG_L | CFG_NAPOT | CFG_R)
    csrw pmpaddr0, zero
    csrr a0, pmpaddr0
    LA_NAPOT_4K(t0, pmp_page)
    CHECK_R(a0, t0)

    CASE(16, "a locked TOR entry binds M and locks the pmpaddr below it")
    la a1, pmp_page2
    srli t0, a1, 2
    csrw pmpaddr8, t0
    li t1, 4096
    add t0, a1, t1
    srli t0, t0, 2
    csrw pmpaddr9, t0
    li t0, (0x1f << 56) | ((CFG_L | CFG_TOR | CFG_R) << 8)
    csrw pmpcfg2, t0
    TRAP_ARM(11f)
10: sd zero, 8(a1)
    j fail
11: CHECK_CAUSE(CAUSE_STORE_ACCESS)
    CHECK_EPC(10b)
    csrw pmpaddr8, zero
    csrr a0, pmpaddr8
    srli t0, a1, 2
    CHECK_R(a0, t0)
    li t1, 4096                 /* above the TOR range: M, no entry: allowed */
    add t0, a1, t1
    ld a0, 0(t0)
    j pass

    .data
    .balign 4096
pmp_page: .skip 4096
pmp_page2: .skip 4096
    .skip 4096
