/* x64.c — the x86-64 encoder: turns "mov rax, [rbx+16]" into bytes.
 *
 * Called by the JIT's translator, which emits host code forward into one
 * struct x64_buf per block.  This room knows nothing about RISC-V.
 *
 * An instruction is (Intel SDM vol. 2, chapter 2, "Instruction Format"):
 *
 *   [66] [F2|F3] [REX] [0F [38]] opcode [ModRM [SIB] [disp8|disp32]] [imm]
 *
 *   REX    = 0100WRXB: W = 64-bit operand, R/X/B = bit 3 of ModRM.reg,
 *            SIB.index and ModRM.rm / SIB.base / the opcode's +r register
 *   ModRM  = mod(2) reg(3) rm(3): mod 11 = register, 00/01/10 = memory with
 *            no / 8-bit / 32-bit displacement
 *   SIB    = scale(2) index(3) base(3)
 *
 * Two functions do the hard part: op() writes prefixes, REX and opcode;
 * modrm_mem() writes ModRM, SIB and displacement with their special cases.
 * Every emitter is a few lines on top of them, and carries the AT&T text
 * objdump prints for it (tests/15-x64-encoder.t checks exactly that).
 */
#include <assert.h>
#include <stdint.h>

#include "x64.h"

/* Opcodes in the SDM's operand notation (E = ModRM.rm, G = ModRM.reg,
 * I = immediate, J = relative, Z = register in the opcode's low 3 bits;
 * b/w/v/z/y = byte/word/operand size/imm32/32-or-64), with the prefixes
 * and escape bytes they need OR-ed in as flags above bit 8. */
enum {
    P_0F = 0x100,   /* 0F escape: two-byte opcode */
    P_0F38 = 0x200, /* 0F 38 escape: three-byte opcode (VEX map 2) */
    P_66 = 0x400,   /* operand-size override / SSE "pd" prefix */
    P_F3 = 0x800,
    P_F2 = 0x1000,
    P_GB = 0x2000, /* ModRM.reg names a byte register */
    P_EB = 0x4000, /* ModRM.rm names a byte register (when it is a register) */

    OP_ALU_EvGv = 0x01, /* | alu << 3 */
    OP_ALU_GvEv = 0x03, /* | alu << 3 */
    OP_PUSH_Zv = 0x50,
    OP_POP_Zv = 0x58,
    OP_MOVSXD_GvEd = 0x63,
    OP_IMUL_GvEvIz = 0x69,
    OP_IMUL_GvEvIb = 0x6b,
    OP_JCC_Jb = 0x70, /* + cc */
    OP_GRP1_EvIz = 0x81,
    OP_GRP1_EvIb = 0x83,
    OP_TEST_EvGv = 0x85,
    OP_MOV_EbGb = 0x88 | P_GB | P_EB,
    OP_MOV_EvGv = 0x89,
    OP_MOV_GvEv = 0x8b,
    OP_LEA_GvM = 0x8d,
    OP_CDQ = 0x99, /* cqo with REX.W */
    OP_MOV_ZvIv = 0xb8,
    OP_GRP2_EvIb = 0xc1,
    OP_RET = 0xc3,
    OP_MOV_EbIb = 0xc6,
    OP_MOV_EvIz = 0xc7,
    OP_GRP2_Ev1 = 0xd1,
    OP_GRP2_EvCL = 0xd3,
    OP_CALL_Jz = 0xe8,
    OP_JMP_Jz = 0xe9,
    OP_JMP_Jb = 0xeb,
    OP_GRP3_Ev = 0xf7, /* /2 not, /3 neg, /0 test, /4 mul, /5 imul, /6 div, /7 idiv */
    OP_GRP5_Ev = 0xff, /* /2 call, /4 jmp, /6 push */
    OP_POP_Ev = 0x8f,  /* /0 */

    OP_UD2 = P_0F | 0x0b,
    OP_MOVSD_VxWx = P_F2 | P_0F | 0x10,
    OP_MOVSD_WxVx = P_F2 | P_0F | 0x11,
    OP_MOVSS_VxWx = P_F3 | P_0F | 0x10,
    OP_MOVSS_WxVx = P_F3 | P_0F | 0x11,
    OP_CVTSI2SD_VxEy = P_F2 | P_0F | 0x2a, /* F3 for ss */
    OP_CVTTSD2SI_GyWx = P_F2 | P_0F | 0x2c,
    OP_CVTSD2SI_GyWx = P_F2 | P_0F | 0x2d,
    OP_UCOMISS_VxWx = P_0F | 0x2e, /* 66 for sd */
    OP_COMISS_VxWx = P_0F | 0x2f,
    OP_CMOVCC_GvEv = P_0F | 0x40, /* + cc */
    OP_XORPS_VxWx = P_0F | 0x57,
    OP_MOVAPS_VxWx = P_0F | 0x28,
    OP_CVTSS2SD_VxWx = P_F3 | P_0F | 0x5a,
    OP_CVTSD2SS_VxWx = P_F2 | P_0F | 0x5a,
    OP_MOVD_VyEy = P_66 | P_0F | 0x6e,
    OP_MOVD_EyVy = P_66 | P_0F | 0x7e,
    OP_JCC_Jz = P_0F | 0x80,          /* + cc */
    OP_SETCC_Eb = P_0F | 0x90 | P_EB, /* + cc */
    OP_GRP15_M = P_0F | 0xae,         /* /2 ldmxcsr, /3 stmxcsr */
    OP_IMUL_GvEv = P_0F | 0xaf,
    OP_MOVZX_GvEb = P_0F | 0xb6 | P_EB,
    OP_MOVZX_GvEw = P_0F | 0xb7,
    OP_MOVSX_GvEb = P_0F | 0xbe | P_EB,
    OP_MOVSX_GvEw = P_0F | 0xbf,

    /* VEX-encoded: xd is ModRM.reg, xa VEX.vvvv, xb ModRM.rm */
    OP_VFMADD231_VxHxWx = P_66 | P_0F38 | 0xb9,
    OP_VFMSUB231_VxHxWx = P_66 | P_0F38 | 0xbb,
    OP_VFNMADD231_VxHxWx = P_66 | P_0F38 | 0xbd,
    OP_VFNMSUB231_VxHxWx = P_66 | P_0F38 | 0xbf,
};

/* The /digit in ModRM.reg that selects the operation of a group opcode. */
enum { GRP3_TEST = 0, GRP3_NOT = 2, GRP3_NEG = 3, GRP3_MUL = 4, GRP3_IMUL = 5 };
enum { GRP3_DIV = 6, GRP3_IDIV = 7, GRP5_CALL = 2, GRP5_JMP = 4, GRP5_PUSH = 6 };
enum { GRP15_LDMXCSR = 2, GRP15_STMXCSR = 3 };

/* -- Bytes ----------------------------------------------------------------- */

void x64_buf_init(struct x64_buf *b, void *mem, size_t size, intptr_t exec_delta)
{
    *b = (struct x64_buf){mem, mem, (uint8_t *)mem + size, false, exec_delta};
}

uint8_t *x64_here(struct x64_buf *b)
{
    return b->p;
}

/* Start an instruction: true when 16 bytes remain (the longest instruction
 * is 15).  Otherwise mark the buffer full; every later put is then dropped,
 * so an abandoned block never writes past the end. */
static bool room(struct x64_buf *b)
{
    if (b->end - b->p < 16)
        b->overflow = true;
    return !b->overflow;
}

static void put8(struct x64_buf *b, int v)
{
    if (!b->overflow)
        *b->p++ = (uint8_t)v;
}

static void put32(struct x64_buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put8(b, (uint8_t)(v >> 8 * i));
}

static bool fits8(int64_t v)
{
    return v == (int8_t)v;
}

static bool fits32(int64_t v)
{
    return v == (int32_t)v;
}

/* 1 for r8..r15 (and xmm8..15): the bit that goes into REX. RIP (16) and
 * "none" (-1) have none. */
static int hi(int reg)
{
    return reg >= 8 && reg < 16;
}

/* -- Encoder: prefixes, REX, opcode ---------------------------------------- */

/* Write the prefixes, REX and opcode bytes of opc.  r is ModRM.reg (a register
 * or a /digit), rm is ModRM.rm's register or the memory base (or the register
 * of a +r opcode), index the memory index or -1. */
static void op(struct x64_buf *b, int opc, bool w, int r, int rm, int index)
{
    if (!room(b))
        return;
    if (opc & P_66)
        put8(b, 0x66);
    if (opc & P_F3)
        put8(b, 0xf3);
    if (opc & P_F2)
        put8(b, 0xf2);
    int rex = w << 3 | hi(r) << 2 | hi(index) << 1 | hi(rm);
    /* Registers 4..7 as bytes are ah, ch, dh, bh without a REX prefix and
     * spl, bpl, sil, dil with one: those need a REX, even an empty 0x40. */
    bool byte_needs_rex = ((opc & P_GB) && r >= 4 && r < 8) || ((opc & P_EB) && rm >= 4 && rm < 8);
    if (rex || byte_needs_rex)
        put8(b, 0x40 | rex);
    if (opc & (P_0F | P_0F38))
        put8(b, 0x0f);
    if (opc & P_0F38)
        put8(b, 0x38);
    put8(b, opc & 0xff);
}

/* The VEX twin of op() for the three-operand AVX forms (SDM 2.3.5):
 *   C4  R'X'B'mmmmm  W vvvv' L pp   (' = inverted; mmmmm 2 = 0F38;
 *   pp 1 = 66, 2 = F3, 3 = F2; L = 0: scalar/128-bit)
 * The two-byte C5 form cannot encode map 0F38, so it is never used here. */
static void op_vex(struct x64_buf *b, int opc, bool w, int r, int v, int rm)
{
    if (!room(b))
        return;
    int map = opc & P_0F38 ? 2 : 1;
    int pp = opc & P_66 ? 1 : opc & P_F3 ? 2 : opc & P_F2 ? 3 : 0;
    put8(b, 0xc4);
    put8(b, (!hi(r)) << 7 | 1 << 6 /* no index */ | (!hi(rm)) << 5 | map);
    put8(b, w << 7 | (~v & 15) << 3 | pp);
    put8(b, opc & 0xff);
}

/* -- Encoder: ModRM, SIB, displacement ------------------------------------- */

/* Write ModRM (reg field r) and whatever addressing m needs (SDM tables 2-2,
 * 2-3 and 2-5).  The special cases, all from the 3-bit fields:
 *   rm = 100 (rsp, r12) means "SIB follows": those bases always need a SIB;
 *   mod 00 with rm = 101 (rbp, r13) means [rip+disp32], and with SIB base 101
 *   means "no base, disp32": those bases need mod 01 with a disp8 of 0;
 *   SIB index = 100 means "no index", so rsp cannot be an index (r12 can). */
static void modrm_mem(struct x64_buf *b, int r, struct x64_mem m)
{
    int reg = (r & 7) << 3;
    if (m.base == RIP) { /* 00 reg 101 disp32: relative to the next instruction */
        assert(m.index < 0);
        put8(b, 0x00 | reg | 5);
        put32(b, (uint32_t)m.disp);
        return;
    }
    assert(m.index != RSP);
    int scale = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
    assert(m.index < 0 || 1 << scale == m.scale);
    int index = m.index < 0 ? 4 : m.index & 7; /* 100: no index */
    if (m.base < 0) { /* 00 reg 100, SIB base 101: [index*scale + disp32] */
        put8(b, 0x00 | reg | 4);
        put8(b, scale << 6 | index << 3 | 5);
        put32(b, (uint32_t)m.disp);
        return;
    }
    int base = m.base & 7;
    int mod;
    if (m.disp == 0 && base != 5) /* rbp/r13 have no displacement-free form */
        mod = 0x00;
    else if (fits8(m.disp)) /* one byte instead of four */
        mod = 0x40;
    else
        mod = 0x80;
    if (m.index < 0 && base != 4) {
        put8(b, mod | reg | base);
    } else { /* rm 100: a SIB follows (any index, or an rsp/r12 base) */
        put8(b, mod | reg | 4);
        put8(b, scale << 6 | index << 3 | base);
    }
    if (mod == 0x40)
        put8(b, m.disp);
    else if (mod == 0x80)
        put32(b, (uint32_t)m.disp);
}

/* An instruction with a register operand in ModRM.rm (mod 11). */
static void op_rr(struct x64_buf *b, int opc, bool w, int r, int rm)
{
    op(b, opc, w, r, rm, -1);
    put8(b, 0xc0 | (r & 7) << 3 | (rm & 7));
}

/* An instruction with a memory operand in ModRM.rm (which then names no
 * byte register, so P_EB does not apply). */
static void op_rm(struct x64_buf *b, int opc, bool w, int r, struct x64_mem m)
{
    op(b, opc & ~P_EB, w, r, m.base, m.index);
    modrm_mem(b, r, m);
}

/* -- Moves ----------------------------------------------------------------- */

/* mov %src,%dst    (89 /r; w=false: 32-bit, zero-extends) */
void x64_mov_rr(struct x64_buf *b, bool w, int dst, int src)
{
    op_rr(b, OP_MOV_EvGv, w, src, dst);
}

/* mov 0x10(%rbx),%rax    (8B /r) */
void x64_mov_rm(struct x64_buf *b, bool w, int dst, struct x64_mem mem)
{
    op_rm(b, OP_MOV_GvEv, w, dst, mem);
}

/* mov %rax,0x10(%rbx)    (89 /r) */
void x64_mov_mr(struct x64_buf *b, bool w, struct x64_mem mem, int src)
{
    op_rm(b, OP_MOV_EvGv, w, src, mem);
}

/* mov $0x1,%eax / mov $0xffffffffffffffff,%rax / movabs $0x123456789,%rax.
 * Never xor: the caller may have flags live between a cmp and its jcc. */
void x64_mov_ri(struct x64_buf *b, int dst, uint64_t imm)
{
    if (imm <= UINT32_MAX) { /* B8+r id, 5 bytes: a 32-bit write zero-extends */
        op(b, OP_MOV_ZvIv | (dst & 7), false, 0, dst, -1);
        put32(b, (uint32_t)imm);
    } else if (fits32((int64_t)imm)) { /* REX.W C7 /0 id, 7 bytes: sign-extends */
        op_rr(b, OP_MOV_EvIz, true, 0, dst);
        put32(b, (uint32_t)imm);
    } else { /* REX.W B8+r io, 10 bytes */
        op(b, OP_MOV_ZvIv | (dst & 7), true, 0, dst, -1);
        put32(b, (uint32_t)imm);
        put32(b, (uint32_t)(imm >> 32));
    }
}

/* movb $0x1,(%rax) / movw / movl / movq $-1 (sign-extended imm32) */
void x64_mov_mi(struct x64_buf *b, int size, struct x64_mem mem, int32_t imm)
{
    switch (size) {
    case 1:
        op_rm(b, OP_MOV_EbIb, false, 0, mem);
        put8(b, imm);
        break;
    case 2:
        op_rm(b, OP_MOV_EvIz | P_66, false, 0, mem);
        put8(b, imm);
        put8(b, imm >> 8);
        break;
    default:
        assert(size == 4 || size == 8);
        op_rm(b, OP_MOV_EvIz, size == 8, 0, mem);
        put32(b, (uint32_t)imm);
    }
}

/* movzbl/movsbq, movzwl/movswq, mov (%rax),%eax / movslq, mov (%rax),%rax */
void x64_load(struct x64_buf *b, int dst, struct x64_mem mem, int size, bool sign)
{
    switch (size) {
    case 1: op_rm(b, sign ? OP_MOVSX_GvEb : OP_MOVZX_GvEb, sign, dst, mem); break;
    case 2: op_rm(b, sign ? OP_MOVSX_GvEw : OP_MOVZX_GvEw, sign, dst, mem); break;
    case 4: op_rm(b, sign ? OP_MOVSXD_GvEd : OP_MOV_GvEv, sign, dst, mem); break;
    default: assert(size == 8); op_rm(b, OP_MOV_GvEv, true, dst, mem);
    }
}

/* mov %sil,(%rax) / mov %ax,(%rax) / mov %eax,(%rax) / mov %rax,(%rax) */
void x64_store(struct x64_buf *b, struct x64_mem mem, int src, int size)
{
    switch (size) {
    case 1: op_rm(b, OP_MOV_EbGb, false, src, mem); break;
    case 2: op_rm(b, OP_MOV_EvGv | P_66, false, src, mem); break;
    default: assert(size == 4 || size == 8); op_rm(b, OP_MOV_EvGv, size == 8, src, mem);
    }
}

/* lea 0x10(%rax,%rcx,8),%rdx    (8D /r) */
void x64_lea(struct x64_buf *b, bool w, int dst, struct x64_mem mem)
{
    op_rm(b, OP_LEA_GvM, w, dst, mem);
}

/* movslq %eax,%rcx    (REX.W 63 /r) */
void x64_movsxd_rr(struct x64_buf *b, int dst, int src)
{
    op_rr(b, OP_MOVSXD_GvEd, true, dst, src);
}

/* movzbl %sil,%eax / movzwl %ax,%eax    (0F B6 / 0F B7) */
void x64_movzx_rr(struct x64_buf *b, int dst, int src, int size)
{
    assert(size == 1 || size == 2);
    op_rr(b, size == 1 ? OP_MOVZX_GvEb : OP_MOVZX_GvEw, false, dst, src);
}

/* movsbl %al,%eax / movsbq / movswl / movswq    (0F BE / 0F BF) */
void x64_movsx_rr(struct x64_buf *b, bool w, int dst, int src, int size)
{
    assert(size == 1 || size == 2);
    op_rr(b, size == 1 ? OP_MOVSX_GvEb : OP_MOVSX_GvEw, w, dst, src);
}

/* -- Arithmetic ------------------------------------------------------------ */

/* add %rcx,%rax    (01 /r, 09 or, ... 39 cmp) */
void x64_alu_rr(struct x64_buf *b, bool w, enum x64_alu alu, int dst, int src)
{
    op_rr(b, OP_ALU_EvGv | alu << 3, w, src, dst);
}

/* add $0x7f,%rax (83 /alu ib) / add $0x80,%rax (81 /alu id) */
void x64_alu_ri(struct x64_buf *b, bool w, enum x64_alu alu, int dst, int32_t imm)
{
    if (fits8(imm)) { /* imm8, sign-extended: 3 bytes shorter */
        op_rr(b, OP_GRP1_EvIb, w, alu, dst);
        put8(b, imm);
    } else {
        op_rr(b, OP_GRP1_EvIz, w, alu, dst);
        put32(b, (uint32_t)imm);
    }
}

/* add 0x10(%rbx),%rax    (03 /r) */
void x64_alu_rm(struct x64_buf *b, bool w, enum x64_alu alu, int dst, struct x64_mem mem)
{
    op_rm(b, OP_ALU_GvEv | alu << 3, w, dst, mem);
}

/* add %rax,0x10(%rbx)    (01 /r) */
void x64_alu_mr(struct x64_buf *b, bool w, enum x64_alu alu, struct x64_mem mem, int src)
{
    op_rm(b, OP_ALU_EvGv | alu << 3, w, src, mem);
}

/* addq $0x1,0x10(%rbx) (83 /alu ib) / addl $0x1000,(%rbx) (81 /alu id) */
void x64_alu_mi(struct x64_buf *b, bool w, enum x64_alu alu, struct x64_mem mem, int32_t imm)
{
    if (fits8(imm)) { /* imm8, sign-extended: 3 bytes shorter */
        op_rm(b, OP_GRP1_EvIb, w, alu, mem);
        put8(b, imm);
    } else {
        op_rm(b, OP_GRP1_EvIz, w, alu, mem);
        put32(b, (uint32_t)imm);
    }
}

/* test %rcx,%rax    (85 /r) */
void x64_test_rr(struct x64_buf *b, bool w, int a, int c)
{
    op_rr(b, OP_TEST_EvGv, w, c, a);
}

/* test $0x1,%eax    (F7 /0 id: test has no imm8 form) */
void x64_test_ri(struct x64_buf *b, bool w, int r, int32_t imm)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_TEST, r);
    put32(b, (uint32_t)imm);
}

/* shl %rax (D1 /op) / shl $0x3,%rax (C1 /op ib) */
void x64_shift_ri(struct x64_buf *b, bool w, enum x64_shift sh, int r, uint8_t count)
{
    if (count == 1) { /* no immediate byte */
        op_rr(b, OP_GRP2_Ev1, w, sh, r);
    } else {
        op_rr(b, OP_GRP2_EvIb, w, sh, r);
        put8(b, count);
    }
}

/* shl %cl,%rax    (D3 /op) */
void x64_shift_rcl(struct x64_buf *b, bool w, enum x64_shift sh, int r)
{
    op_rr(b, OP_GRP2_EvCL, w, sh, r);
}

/* imul %rcx,%rax    (0F AF /r) */
void x64_imul_rr(struct x64_buf *b, bool w, int dst, int src)
{
    op_rr(b, OP_IMUL_GvEv, w, dst, src);
}

/* imul $0x10,%rcx,%rax (6B /r ib) / imul $0x1000,%rcx,%rax (69 /r id) */
void x64_imul_rri(struct x64_buf *b, bool w, int dst, int src, int32_t imm)
{
    if (fits8(imm)) { /* imm8, sign-extended: 3 bytes shorter */
        op_rr(b, OP_IMUL_GvEvIb, w, dst, src);
        put8(b, imm);
    } else {
        op_rr(b, OP_IMUL_GvEvIz, w, dst, src);
        put32(b, (uint32_t)imm);
    }
}

/* mul %rcx    (F7 /4: rdx:rax = rax * rcx) */
void x64_mul_r(struct x64_buf *b, bool w, int src)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_MUL, src);
}

/* imul %rcx    (F7 /5) */
void x64_imul1_r(struct x64_buf *b, bool w, int src)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_IMUL, src);
}

/* div %rcx    (F7 /6) */
void x64_div_r(struct x64_buf *b, bool w, int src)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_DIV, src);
}

/* idiv %rcx    (F7 /7) */
void x64_idiv_r(struct x64_buf *b, bool w, int src)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_IDIV, src);
}

/* cqto    (REX.W 99) */
void x64_cqo(struct x64_buf *b)
{
    op(b, OP_CDQ, true, 0, -1, -1);
}

/* cltd    (99) */
void x64_cdq(struct x64_buf *b)
{
    op(b, OP_CDQ, false, 0, -1, -1);
}

/* neg %rax    (F7 /3) */
void x64_neg_r(struct x64_buf *b, bool w, int r)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_NEG, r);
}

/* not %rax    (F7 /2) */
void x64_not_r(struct x64_buf *b, bool w, int r)
{
    op_rr(b, OP_GRP3_Ev, w, GRP3_NOT, r);
}

/* sete %sil    (0F 94 /0; REX 40 for spl..dil) */
void x64_setcc(struct x64_buf *b, enum x64_cc cc, int r)
{
    op_rr(b, OP_SETCC_Eb + cc, false, 0, r);
}

/* cmove %rcx,%rax    (0F 44 /r) */
void x64_cmovcc(struct x64_buf *b, bool w, enum x64_cc cc, int dst, int src)
{
    op_rr(b, OP_CMOVCC_GvEv + cc, w, dst, src);
}

/* cmove 0x10(%rbx),%rax    (0F 40+cc /r) */
void x64_cmovcc_rm(struct x64_buf *b, bool w, enum x64_cc cc, int dst, struct x64_mem mem)
{
    op_rm(b, OP_CMOVCC_GvEv + cc, w, dst, mem);
}

/* -- Control --------------------------------------------------------------- */

/* Where field-returning emitters point when the buffer is full: callers may
 * patch it without writing out of bounds.  Its content is never read. */
static uint8_t scratch[8];

/* The field just written (size bytes before p), or scratch on overflow. */
static uint8_t *field(struct x64_buf *b, int size)
{
    return b->overflow ? scratch : b->p - size;
}

/* The rel32 from the end of an instruction of len bytes at the current
 * position to target, both execution addresses. */
static int64_t rel_from_here(struct x64_buf *b, int len, const void *target)
{
    return (intptr_t)target - ((intptr_t)b->p + b->exec_delta + len);
}

/* jmp 0x5    (E9 cd, 0 for now) */
uint8_t *x64_jmp_rel32(struct x64_buf *b)
{
    op(b, OP_JMP_Jz, false, 0, -1, -1);
    put32(b, 0);
    return field(b, 4);
}

/* je 0x6    (0F 84 cd, 0 for now) */
uint8_t *x64_jcc_rel32(struct x64_buf *b, enum x64_cc cc)
{
    op(b, OP_JCC_Jz + cc, false, 0, -1, -1);
    put32(b, 0);
    return field(b, 4);
}

/* jmp 0x2    (EB cb, 0 for now) */
uint8_t *x64_jmp_rel8(struct x64_buf *b)
{
    op(b, OP_JMP_Jb, false, 0, -1, -1);
    put8(b, 0);
    return field(b, 1);
}

/* je 0x2    (74 cb, 0 for now) */
uint8_t *x64_jcc_rel8(struct x64_buf *b, enum x64_cc cc)
{
    op(b, OP_JCC_Jb + cc, false, 0, -1, -1);
    put8(b, 0);
    return field(b, 1);
}

/* call 0x5    (E8 cd, 0 for now) */
uint8_t *x64_call_rel32(struct x64_buf *b)
{
    op(b, OP_CALL_Jz, false, 0, -1, -1);
    put32(b, 0);
    return field(b, 4);
}

void x64_patch_rel32_at(uint8_t *field_write, uintptr_t field_exec, uintptr_t target_exec)
{
    if (field_write == scratch) /* the jump of an abandoned block: aim it nowhere */
        return;
    int64_t rel = (int64_t)(target_exec - (field_exec + 4));
    assert(fits32(rel));
    for (int i = 0; i < 4; i++)
        field_write[i] = (uint8_t)((uint64_t)rel >> 8 * i);
}

void x64_patch_rel32(uint8_t *f, const void *target)
{
    x64_patch_rel32_at(f, (uintptr_t)f, (uintptr_t)target);
}

void x64_patch_rel8(uint8_t *f, const void *target)
{
    if (f == scratch) /* the jump of an abandoned block: aim it nowhere */
        return;
    intptr_t rel = (intptr_t)target - ((intptr_t)f + 1);
    assert(fits8(rel));
    f[0] = (uint8_t)rel;
}

bool x64_reaches(struct x64_buf *b, const void *target)
{
    return fits32(rel_from_here(b, 6, target)) && fits32(rel_from_here(b, 0, target));
}

/* jmp target    (E9 cd) */
void x64_jmp_to(struct x64_buf *b, const void *target)
{
    int64_t rel = rel_from_here(b, 5, target);
    assert(fits32(rel));
    op(b, OP_JMP_Jz, false, 0, -1, -1);
    put32(b, (uint32_t)rel);
}

/* je target    (0F 84 cd) */
void x64_jcc_to(struct x64_buf *b, enum x64_cc cc, const void *target)
{
    int64_t rel = rel_from_here(b, 6, target);
    assert(fits32(rel));
    op(b, OP_JCC_Jz + cc, false, 0, -1, -1);
    put32(b, (uint32_t)rel);
}

/* call target    (E8 cd) */
void x64_call_to(struct x64_buf *b, const void *target)
{
    int64_t rel = rel_from_here(b, 5, target);
    assert(fits32(rel));
    op(b, OP_CALL_Jz, false, 0, -1, -1);
    put32(b, (uint32_t)rel);
}

/* The disp32 of a [rip+disp32] operand is the last field of an instruction
 * without an immediate, and counts from that instruction's end: b->p. */
void x64_patch_rip(struct x64_buf *b, const void *target)
{
    if (b->overflow)
        return;
    x64_patch_rel32_at(b->p - 4, (uintptr_t)b->p - 4 + b->exec_delta, (uintptr_t)target);
}

/* jmp *%rax    (FF /4; 64-bit without REX.W) */
void x64_jmp_r(struct x64_buf *b, int r)
{
    op_rr(b, OP_GRP5_Ev, false, GRP5_JMP, r);
}

/* jmp *0x10(%rax)    (FF /4) */
void x64_jmp_m(struct x64_buf *b, struct x64_mem mem)
{
    op_rm(b, OP_GRP5_Ev, false, GRP5_JMP, mem);
}

/* call *%rax    (FF /2) */
void x64_call_r(struct x64_buf *b, int r)
{
    op_rr(b, OP_GRP5_Ev, false, GRP5_CALL, r);
}

/* call *0x10(%rax)    (FF /2) */
void x64_call_m(struct x64_buf *b, struct x64_mem mem)
{
    op_rm(b, OP_GRP5_Ev, false, GRP5_CALL, mem);
}

/* ret    (C3) */
void x64_ret(struct x64_buf *b)
{
    op(b, OP_RET, false, 0, -1, -1);
}

/* push %rbx    (50+r) */
void x64_push_r(struct x64_buf *b, int r)
{
    op(b, OP_PUSH_Zv | (r & 7), false, 0, r, -1);
}

/* pop %rbx    (58+r) */
void x64_pop_r(struct x64_buf *b, int r)
{
    op(b, OP_POP_Zv | (r & 7), false, 0, r, -1);
}

/* push 0x10(%rbx)    (FF /6: 64-bit without REX.W) */
void x64_push_m(struct x64_buf *b, struct x64_mem mem)
{
    op_rm(b, OP_GRP5_Ev, false, GRP5_PUSH, mem);
}

/* pop 0x10(%rbx)    (8F /0) */
void x64_pop_m(struct x64_buf *b, struct x64_mem mem)
{
    op_rm(b, OP_POP_Ev, false, 0, mem);
}

/* ud2    (0F 0B) */
void x64_ud2(struct x64_buf *b)
{
    op(b, OP_UD2, false, 0, -1, -1);
}

/* The SDM's "Recommended Multi-Byte Sequence of NOP Instruction" (NOP vol. 2B):
 *   nop / xchg %ax,%ax / nopl (%rax) / nopl 0x0(%rax) / nopl 0x0(%rax,%rax,1) /
 *   nopw 0x0(%rax,%rax,1) / nopl 0x0(%rax) (disp32) / nopl 0x0(%rax,%rax,1)
 *   (disp32) / nopw 0x0(%rax,%rax,1) (disp32).  More than 9 bytes: two of them. */
void x64_nop(struct x64_buf *b, int n)
{
    static const uint8_t nops[10][9] = {
        {0},
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    assert(n >= 1 && n <= 15);
    if (!room(b))
        return;
    for (int len; n > 0; n -= len) {
        len = n > 9 ? 9 : n;
        for (int i = 0; i < len; i++)
            put8(b, nops[len][i]);
    }
}

/* -- SSE, AVX FMA ---------------------------------------------------------- */

/* movsd 0x10(%rax),%xmm1    (F2 0F 10 /r) */
void x64_movsd_rm(struct x64_buf *b, int xmm, struct x64_mem mem)
{
    op_rm(b, OP_MOVSD_VxWx, false, xmm, mem);
}

/* movsd %xmm1,0x10(%rax)    (F2 0F 11 /r) */
void x64_movsd_mr(struct x64_buf *b, struct x64_mem mem, int xmm)
{
    op_rm(b, OP_MOVSD_WxVx, false, xmm, mem);
}

/* movss 0x10(%rax),%xmm1    (F3 0F 10 /r) */
void x64_movss_rm(struct x64_buf *b, int xmm, struct x64_mem mem)
{
    op_rm(b, OP_MOVSS_VxWx, false, xmm, mem);
}

/* movss %xmm1,0x10(%rax)    (F3 0F 11 /r) */
void x64_movss_mr(struct x64_buf *b, struct x64_mem mem, int xmm)
{
    op_rm(b, OP_MOVSS_WxVx, false, xmm, mem);
}

/* movq %rax,%xmm1    (66 REX.W 0F 6E /r) */
void x64_movq_xr(struct x64_buf *b, int xmm, int r)
{
    op_rr(b, OP_MOVD_VyEy, true, xmm, r);
}

/* movq %xmm1,%rax    (66 REX.W 0F 7E /r) */
void x64_movq_rx(struct x64_buf *b, int r, int xmm)
{
    op_rr(b, OP_MOVD_EyVy, true, xmm, r);
}

/* movd %eax,%xmm1    (66 0F 6E /r) */
void x64_movd_xr(struct x64_buf *b, int xmm, int r)
{
    op_rr(b, OP_MOVD_VyEy, false, xmm, r);
}

/* movd %xmm1,%eax    (66 0F 7E /r) */
void x64_movd_rx(struct x64_buf *b, int r, int xmm)
{
    op_rr(b, OP_MOVD_EyVy, false, xmm, r);
}

/* addsd %xmm1,%xmm0 (F2 0F 58 /r) / addss (F3) / sub mul div sqrt min max */
void x64_sse_rr(struct x64_buf *b, enum x64_sse sse, bool dbl, int dst, int src)
{
    op_rr(b, (dbl ? P_F2 : P_F3) | P_0F | sse, false, dst, src);
}

/* ucomisd %xmm1,%xmm0 (66 0F 2E /r) / ucomiss (0F 2E) */
void x64_ucomis(struct x64_buf *b, bool dbl, int xa, int xb)
{
    op_rr(b, OP_UCOMISS_VxWx | (dbl ? P_66 : 0), false, xa, xb);
}

/* comisd %xmm1,%xmm0 (66 0F 2F /r) / comiss (0F 2F) */
void x64_comis(struct x64_buf *b, bool dbl, int xa, int xb)
{
    op_rr(b, OP_COMISS_VxWx | (dbl ? P_66 : 0), false, xa, xb);
}

/* The scalar conversions' F2 (double) opcodes, as F3 for single. */
static int ss_or_sd(int opc_sd, bool dbl)
{
    return dbl ? opc_sd : (opc_sd & ~P_F2) | P_F3;
}

/* cvtsi2sd %rax,%xmm0 (F2 REX.W 0F 2A /r) / cvtsi2ss %eax,%xmm0 (F3 0F 2A) */
void x64_cvtsi2s(struct x64_buf *b, bool dbl, bool w64src, int xmm, int r)
{
    op_rr(b, ss_or_sd(OP_CVTSI2SD_VxEy, dbl), w64src, xmm, r);
}

/* cvttsd2si %xmm0,%rax (F2 REX.W 0F 2C /r) / cvtsd2si (2D) / cvt(t)ss2si (F3) */
void x64_cvts2si(struct x64_buf *b, bool dbl, bool w64dst, int r, int xmm, bool truncate)
{
    op_rr(b, ss_or_sd(truncate ? OP_CVTTSD2SI_GyWx : OP_CVTSD2SI_GyWx, dbl), w64dst, r, xmm);
}

/* cvtss2sd %xmm1,%xmm0    (F3 0F 5A /r) */
void x64_cvtss2sd(struct x64_buf *b, int xd, int xs)
{
    op_rr(b, OP_CVTSS2SD_VxWx, false, xd, xs);
}

/* cvtsd2ss %xmm1,%xmm0    (F2 0F 5A /r) */
void x64_cvtsd2ss(struct x64_buf *b, int xd, int xs)
{
    op_rr(b, OP_CVTSD2SS_VxWx, false, xd, xs);
}

/* ldmxcsr 0x10(%rbx)    (0F AE /2) */
void x64_ldmxcsr(struct x64_buf *b, struct x64_mem mem)
{
    op_rm(b, OP_GRP15_M, false, GRP15_LDMXCSR, mem);
}

/* stmxcsr 0x10(%rbx)    (0F AE /3) */
void x64_stmxcsr(struct x64_buf *b, struct x64_mem mem)
{
    op_rm(b, OP_GRP15_M, false, GRP15_STMXCSR, mem);
}

/* xorps %xmm1,%xmm0    (0F 57 /r) */
void x64_xorps(struct x64_buf *b, int xd, int xs)
{
    op_rr(b, OP_XORPS_VxWx, false, xd, xs);
}

void x64_movaps_rr(struct x64_buf *b, int xd, int xs)
{
    op_rr(b, OP_MOVAPS_VxWx, false, xd, xs);
}

/* A VEX instruction on three xmm registers: xd = ModRM.reg, xa = vvvv,
 * xb = rm (all the ones here are scalar: L = 0). */
static void vex_rrr(struct x64_buf *b, int opc, bool w, int xd, int xa, int xb)
{
    op_vex(b, opc, w, xd, xa, xb);
    put8(b, 0xc0 | (xd & 7) << 3 | (xb & 7));
}

/* VEX.LIG.66.0F38.W1 (sd) / W0 (ss) op /r */
static void vex_fma(struct x64_buf *b, int opc, bool dbl, int xd, int xa, int xb)
{
    vex_rrr(b, opc, dbl, xd, xa, xb);
}

/* vaddsd/vsubsd/vmulsd/vdivsd (and the ss forms) xd, xa, xb:
 * xd = xa op xb, AVX's three-operand form of x64_sse_rr (VEX.LIG.F2.0F.WIG
 * 58 /r and its kin), so xd needs no copy of xa first. */
void x64_vsse_rrr(struct x64_buf *b, enum x64_sse sse, bool dbl, int xd, int xa, int xb)
{
    vex_rrr(b, (dbl ? P_F2 : P_F3) | P_0F | sse, false, xd, xa, xb);
}

/* vfmadd231sd %xmm2,%xmm1,%xmm0    (B9: xmm0 = xmm1*xmm2 + xmm0) */
void x64_vfmadd231(struct x64_buf *b, bool dbl, int xd, int xa, int xb)
{
    vex_fma(b, OP_VFMADD231_VxHxWx, dbl, xd, xa, xb);
}

/* vfmsub231sd %xmm2,%xmm1,%xmm0    (BB: xmm0 = xmm1*xmm2 - xmm0) */
void x64_vfmsub231(struct x64_buf *b, bool dbl, int xd, int xa, int xb)
{
    vex_fma(b, OP_VFMSUB231_VxHxWx, dbl, xd, xa, xb);
}

/* vfnmadd231sd %xmm2,%xmm1,%xmm0    (BD: xmm0 = -(xmm1*xmm2) + xmm0) */
void x64_vfnmadd231(struct x64_buf *b, bool dbl, int xd, int xa, int xb)
{
    vex_fma(b, OP_VFNMADD231_VxHxWx, dbl, xd, xa, xb);
}

/* vfnmsub231sd %xmm2,%xmm1,%xmm0    (BF: xmm0 = -(xmm1*xmm2) - xmm0) */
void x64_vfnmsub231(struct x64_buf *b, bool dbl, int xd, int xa, int xb)
{
    vex_fma(b, OP_VFNMSUB231_VxHxWx, dbl, xd, xa, xb);
}
