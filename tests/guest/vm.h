/* vm.h — the address space shared by the paging tests (vm_sv39.S,
 * vm_sv48.S, misaligned.S).  Include after test.h.
 *
 * vm_setup(a0 = levels: 3 for Sv39, 4 for Sv48) builds a fresh root table
 * and turns translation on:
 *
 *   VA 0x8000_0000 .. +1 GiB    -> PA the same: one 1 GiB page, RWX, not U.
 *                                  S-mode code, data, the S handler and the
 *                                  page tables themselves live here.
 *   VA = PA + UDELTA for .utext -> 4 KiB pages U R X
 *                    and .udata -> 4 KiB pages U R W
 *                                  (0x8000_xxxx appears at 0x1000_xxxx, so
 *                                  PC-relative `la` works in user code)
 *
 * All leaves have A and D set unless a test says otherwise.  The root is
 * left in vm_root; tests add their own mappings with pt_map.
 */

#define UDELTA (-0x70000000)
#define LEVELS_SV39 3
#define LEVELS_SV48 4

/* r = the user VA of a label in .utext/.udata (clobbers t1). */
#define LA_USER(r, label) la r, label; li t1, UDELTA; add r, r, t1
/* mret to U-mode at the user VA of `label`; the next trap into M resumes
 * at `back`. */
#define RUN_U(label, back)                                                     \
    TRAP_ARM(back); SET_MPP(PRV_U); LA_USER(t0, label); csrw mepc, t0; mret
/* mret to S-mode at `label` (identity-mapped). */
#define RUN_S(label, back) GOTO_PRIV(PRV_S, label, back)
/* Map one page (clobbers a0-a5, t0-t4; a0 = the PTE's address after). */
#define MAP(va, pa, flags, level, levels)                                      \
    ld a0, vm_root; li a1, va; li a2, pa; li a3, flags; li a4, level;          \
    li a5, levels; call pt_map
#define MAP_LABEL(va, label, flags, level, levels)                             \
    ld a0, vm_root; li a1, va; la a2, label; li a3, flags; li a4, level;       \
    li a5, levels; call pt_map
/* Fail unless the last trap was a page fault `cause` at `va`. */
#define CHECK_FAULT(cause, va) CHECK_CAUSE(cause) CHECK_TVAL(va)

    .text
vm_setup:
    addi sp, sp, -48
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    mv s1, a0                   /* s1: levels */
    call pt_alloc
    mv s0, a0                   /* s0: root */
    sd s0, vm_root, t0
    li a1, 0x80000000           /* RAM: one 1 GiB page */
    mv a2, a1
    li a3, PTE_LEAF | PTE_RWX
    li a4, 2
    mv a5, s1
    call pt_map
    la s2, user_text_start      /* user code */
    la s3, user_text_end
1:  bgeu s2, s3, 2f
    mv a0, s0
    li t0, UDELTA
    add a1, s2, t0
    mv a2, s2
    li a3, PTE_LEAF | PTE_R | PTE_X | PTE_U
    li a4, 0
    mv a5, s1
    call pt_map
    li t0, 4096
    add s2, s2, t0
    j 1b
2:  la s2, user_data_start      /* user data */
    la s3, user_data_end
3:  bgeu s2, s3, 4f
    mv a0, s0
    li t0, UDELTA
    add a1, s2, t0
    mv a2, s2
    li a3, PTE_LEAF | PTE_R | PTE_W | PTE_U
    li a4, 0
    mv a5, s1
    call pt_map
    li t0, 4096
    add s2, s2, t0
    j 3b
4:  addi t0, s1, 5              /* mode 8 (Sv39) or 9 (Sv48) */
    slli t0, t0, 60
    srli a0, s0, 12
    or a0, a0, t0
    csrw satp, a0
    sfence.vma
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    addi sp, sp, 48
    ret

    .data
    .balign 8
vm_root: .dword 0
    .text
