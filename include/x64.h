/* x64.h — the x86-64 host encoder (x64.c): one function per instruction
 * shape the JIT emits, each writing machine code forward into a buffer.
 *
 * Operand order is Intel's (destination first); the comments in x64.c show
 * the AT&T text objdump prints for each emitter.  `w` selects the operand
 * size: true = 64-bit (REX.W), false = 32-bit (which zero-extends into the
 * full register).  Load/store sizes are in bytes: 1, 2, 4 or 8. */
#ifndef X64_H
#define X64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x64_reg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
    RIP = 16 /* only as a base: RIP-relative */
};
/* xmm registers are numbered 0..15 and passed as int */

/* Condition codes in the order of their encoding (Jcc = 0F 80+cc). */
enum x64_cc {
    CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
    CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G
};

/* The eight classic ALU operations: the /digit of 81/83 and bits 5:3 of
 * their 00-3F opcodes. */
enum x64_alu {
    ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3,
    ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7
};

/* Shifts and rotates: the /digit of C1/D1/D3. */
enum x64_shift { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };

/* Scalar SSE arithmetic: the second opcode byte after F2/F3 0F. */
enum x64_sse {
    SSE_SQRT = 0x51, SSE_ADD = 0x58, SSE_MUL = 0x59, SSE_SUB = 0x5c,
    SSE_MIN = 0x5d, SSE_DIV = 0x5e, SSE_MAX = 0x5f
};

/* The output buffer.  Every emitter first checks that at least 16 bytes
 * remain (an instruction is at most 15); if not it sets overflow and writes
 * nothing, so callers check overflow once per guest instruction.  Code is
 * written at p but may run from another mapping: execution address = write
 * address + exec_delta (0 when both are the same). */
struct x64_buf {
    uint8_t *start, *p, *end;
    bool overflow; /* set when an emit did not fit; emitters then write nothing */
    intptr_t exec_delta;
};

/* A memory operand [base + index*scale + disp]; index = -1 for none; base RIP
 * means [rip+disp] (disp relative to the end of the instruction); base -1
 * means no base register ([index*scale + disp32] or absolute [disp32]). */
struct x64_mem {
    int base, index, scale;
    int32_t disp;
};

static inline struct x64_mem x64_at(int base, int32_t disp)
{
    return (struct x64_mem){base, -1, 1, disp};
}

static inline struct x64_mem x64_at_idx(int base, int index, int scale, int32_t disp)
{
    return (struct x64_mem){base, index, scale, disp};
}

/* The condition that is true exactly when cc is false. */
static inline enum x64_cc x64_cc_not(enum x64_cc cc)
{
    return (enum x64_cc)(cc ^ 1);
}

/* -- Buffer ---------------------------------------------------------------- */

/* Point b at size bytes of mem, executed at mem + exec_delta. */
void x64_buf_init(struct x64_buf *b, void *mem, size_t size, intptr_t exec_delta);
/* The current write position (b->p). */
uint8_t *x64_here(struct x64_buf *b);

/* -- Moves ----------------------------------------------------------------- */

/* mov dst, src (w=false: 32-bit, zero-extends; this is also mov32). */
void x64_mov_rr(struct x64_buf *b, bool w, int dst, int src);
/* mov dst, [mem] (load of 4 or 8 bytes). */
void x64_mov_rm(struct x64_buf *b, bool w, int dst, struct x64_mem mem);
/* mov [mem], src (store of 4 or 8 bytes). */
void x64_mov_mr(struct x64_buf *b, bool w, struct x64_mem mem, int src);
/* dst = imm in the shortest form that leaves the flags alone. */
void x64_mov_ri(struct x64_buf *b, int dst, uint64_t imm);
/* mov size [mem], imm for size 1, 2, 4 or 8 (8: imm sign-extended). */
void x64_mov_mi(struct x64_buf *b, int size, struct x64_mem mem, int32_t imm);
/* dst = size bytes at mem, zero- or sign-extended to 64 bits. */
void x64_load(struct x64_buf *b, int dst, struct x64_mem mem, int size, bool sign);
/* Store the low size bytes of src at mem. */
void x64_store(struct x64_buf *b, struct x64_mem mem, int src, int size);
/* lea dst, [mem]. */
void x64_lea(struct x64_buf *b, bool w, int dst, struct x64_mem mem);
/* movsxd dst, src32: sign-extend 32 to 64 bits (movslq). */
void x64_movsxd_rr(struct x64_buf *b, int dst, int src);
/* movzx dst32, src8/src16 for size 1 or 2 (zero-extends to 64 bits). */
void x64_movzx_rr(struct x64_buf *b, int dst, int src, int size);
/* movsx dst, src8/src16 for size 1 or 2, into 32 or 64 bits. */
void x64_movsx_rr(struct x64_buf *b, bool w, int dst, int src, int size);

/* -- Arithmetic ------------------------------------------------------------ */

/* op dst, src. */
void x64_alu_rr(struct x64_buf *b, bool w, enum x64_alu op, int dst, int src);
/* op dst, imm (imm8 form when it fits). */
void x64_alu_ri(struct x64_buf *b, bool w, enum x64_alu op, int dst, int32_t imm);
/* op dst, [mem]. */
void x64_alu_rm(struct x64_buf *b, bool w, enum x64_alu op, int dst, struct x64_mem mem);
/* op [mem], src. */
void x64_alu_mr(struct x64_buf *b, bool w, enum x64_alu op, struct x64_mem mem, int src);
/* op [mem], imm (imm8 form when it fits). */
void x64_alu_mi(struct x64_buf *b, bool w, enum x64_alu op, struct x64_mem mem, int32_t imm);
/* test a, c. */
void x64_test_rr(struct x64_buf *b, bool w, int a, int c);
/* test r, imm. */
void x64_test_ri(struct x64_buf *b, bool w, int r, int32_t imm);
/* op r, count (count taken mod 32 or 64 by the CPU). */
void x64_shift_ri(struct x64_buf *b, bool w, enum x64_shift op, int r, uint8_t count);
/* op r, cl. */
void x64_shift_rcl(struct x64_buf *b, bool w, enum x64_shift op, int r);
/* imul dst, src (low half). */
void x64_imul_rr(struct x64_buf *b, bool w, int dst, int src);
/* imul dst, src, imm. */
void x64_imul_rri(struct x64_buf *b, bool w, int dst, int src, int32_t imm);
/* mul src: rdx:rax = rax * src, unsigned. */
void x64_mul_r(struct x64_buf *b, bool w, int src);
/* imul src: rdx:rax = rax * src, signed. */
void x64_imul1_r(struct x64_buf *b, bool w, int src);
/* div src: rax = rdx:rax / src, rdx = remainder, unsigned. */
void x64_div_r(struct x64_buf *b, bool w, int src);
/* idiv src: signed division of rdx:rax. */
void x64_idiv_r(struct x64_buf *b, bool w, int src);
/* cqo: rdx = sign of rax. */
void x64_cqo(struct x64_buf *b);
/* cdq: edx = sign of eax. */
void x64_cdq(struct x64_buf *b);
/* neg r. */
void x64_neg_r(struct x64_buf *b, bool w, int r);
/* not r. */
void x64_not_r(struct x64_buf *b, bool w, int r);
/* setcc r8 (any of the 16 byte registers). */
void x64_setcc(struct x64_buf *b, enum x64_cc cc, int r);
/* cmovcc dst, src. */
void x64_cmovcc(struct x64_buf *b, bool w, enum x64_cc cc, int dst, int src);
/* cmovcc mem, dst. */
void x64_cmovcc_rm(struct x64_buf *b, bool w, enum x64_cc cc, int dst, struct x64_mem mem);

/* -- Control --------------------------------------------------------------- */
/* Emitters returning a field return a pointer to its first byte for later
 * patching; on overflow they return a static scratch area instead, so a
 * caller may patch it without writing out of bounds. */

/* jmp rel32 (0 for now); returns the rel32 field. */
uint8_t *x64_jmp_rel32(struct x64_buf *b);
/* jcc rel32 (0 for now); returns the rel32 field. */
uint8_t *x64_jcc_rel32(struct x64_buf *b, enum x64_cc cc);
/* jmp rel8 (0 for now); returns the rel8 field. */
uint8_t *x64_jmp_rel8(struct x64_buf *b);
/* jcc rel8 (0 for now); returns the rel8 field. */
uint8_t *x64_jcc_rel8(struct x64_buf *b, enum x64_cc cc);
/* call rel32 (0 for now); returns the rel32 field. */
uint8_t *x64_call_rel32(struct x64_buf *b);
/* Aim a rel32 field at target; field and target in the same mapping. */
void x64_patch_rel32(uint8_t *field, const void *target);
/* Aim the rel32 field written at field_write, executed at field_exec, at target_exec. */
void x64_patch_rel32_at(uint8_t *field_write, uintptr_t field_exec, uintptr_t target_exec);
/* Aim a rel8 field at target (asserts that it reaches). */
void x64_patch_rel8(uint8_t *field, const void *target);
/* Whether a rel32 at the current position reaches target (an execution address). */
bool x64_reaches(struct x64_buf *b, const void *target);
/* jmp target (an execution address; asserts that rel32 reaches). */
void x64_jmp_to(struct x64_buf *b, const void *target);
/* jcc target (an execution address; asserts that rel32 reaches). */
void x64_jcc_to(struct x64_buf *b, enum x64_cc cc, const void *target);
/* call target (an execution address; asserts that rel32 reaches). */
void x64_call_to(struct x64_buf *b, const void *target);
/* Aim the [rip+disp32] of the instruction just emitted (no immediate after it) at target. */
void x64_patch_rip(struct x64_buf *b, const void *target);
/* jmp *r. */
void x64_jmp_r(struct x64_buf *b, int r);
/* jmp *[mem]. */
void x64_jmp_m(struct x64_buf *b, struct x64_mem mem);
/* call *r. */
void x64_call_r(struct x64_buf *b, int r);
/* call *[mem]. */
void x64_call_m(struct x64_buf *b, struct x64_mem mem);
/* ret. */
void x64_ret(struct x64_buf *b);
/* push r (64-bit). */
void x64_push_r(struct x64_buf *b, int r);
/* pop r (64-bit). */
void x64_pop_r(struct x64_buf *b, int r);
/* push / pop a 64-bit memory operand. */
void x64_push_m(struct x64_buf *b, struct x64_mem mem);
void x64_pop_m(struct x64_buf *b, struct x64_mem mem);
/* ud2: a guaranteed invalid-opcode trap. */
void x64_ud2(struct x64_buf *b);
/* n bytes (1..15) of no-ops, in as few instructions as the SDM's table allows. */
void x64_nop(struct x64_buf *b, int n);

/* -- SSE, AVX FMA ---------------------------------------------------------- */

/* movsd xmm, [mem] (clears the upper half). */
void x64_movsd_rm(struct x64_buf *b, int xmm, struct x64_mem mem);
/* movsd [mem], xmm. */
void x64_movsd_mr(struct x64_buf *b, struct x64_mem mem, int xmm);
/* movss xmm, [mem] (clears the upper bits). */
void x64_movss_rm(struct x64_buf *b, int xmm, struct x64_mem mem);
/* movss [mem], xmm. */
void x64_movss_mr(struct x64_buf *b, struct x64_mem mem, int xmm);
/* movaps xd, xs: copy a whole xmm register. */
void x64_movaps_rr(struct x64_buf *b, int xd, int xs);
/* movq xmm, r64. */
void x64_movq_xr(struct x64_buf *b, int xmm, int r);
/* movq r64, xmm. */
void x64_movq_rx(struct x64_buf *b, int r, int xmm);
/* movd xmm, r32. */
void x64_movd_xr(struct x64_buf *b, int xmm, int r);
/* movd r32, xmm. */
void x64_movd_rx(struct x64_buf *b, int r, int xmm);
/* op{sd,ss} dst, src (dbl selects sd). */
void x64_sse_rr(struct x64_buf *b, enum x64_sse op, bool dbl, int dst, int src);
/* ucomis{d,s} xa, xb: quiet compare into ZF/PF/CF. */
void x64_ucomis(struct x64_buf *b, bool dbl, int xa, int xb);
/* comis{d,s} xa, xb: signalling compare into ZF/PF/CF. */
void x64_comis(struct x64_buf *b, bool dbl, int xa, int xb);
/* cvtsi2s{d,s} xmm, r32/r64. */
void x64_cvtsi2s(struct x64_buf *b, bool dbl, bool w64src, int xmm, int r);
/* cvt(t)s{d,s}2si r32/r64, xmm (truncate: round toward zero, else by MXCSR). */
void x64_cvts2si(struct x64_buf *b, bool dbl, bool w64dst, int r, int xmm, bool truncate);
/* cvtss2sd xd, xs. */
void x64_cvtss2sd(struct x64_buf *b, int xd, int xs);
/* cvtsd2ss xd, xs. */
void x64_cvtsd2ss(struct x64_buf *b, int xd, int xs);
/* ldmxcsr [mem]. */
void x64_ldmxcsr(struct x64_buf *b, struct x64_mem mem);
/* stmxcsr [mem]. */
void x64_stmxcsr(struct x64_buf *b, struct x64_mem mem);
/* xorps xd, xs. */
void x64_xorps(struct x64_buf *b, int xd, int xs);
/* xd = xa op xb (vaddsd and kin, AVX; not SSE_SQRT, whose xa would be
 * merged in). */
void x64_vsse_rrr(struct x64_buf *b, enum x64_sse sse, bool dbl, int xd, int xa, int xb);
/* xd = xa*xb + xd, one rounding (vfmadd231sd/ss). */
void x64_vfmadd231(struct x64_buf *b, bool dbl, int xd, int xa, int xb);
/* xd = xa*xb - xd (vfmsub231sd/ss). */
void x64_vfmsub231(struct x64_buf *b, bool dbl, int xd, int xa, int xb);
/* xd = -(xa*xb) + xd (vfnmadd231sd/ss). */
void x64_vfnmadd231(struct x64_buf *b, bool dbl, int xd, int xa, int xb);
/* xd = -(xa*xb) - xd (vfnmsub231sd/ss). */
void x64_vfnmsub231(struct x64_buf *b, bool dbl, int xd, int xa, int xb);

#endif
