/* decode.c — turn one RISC-V instruction (16 or 32 bits) into a struct insn.
 *
 * Called by the interpreter on every fetch, by the JIT's translator for every
 * guest instruction it compiles, and by the disassembler's users (logs, the
 * decode/disassembly test).  It covers RV64 I M A F D C, Zicsr, Zifencei and
 * the privileged sret/mret/wfi/sfence.vma.  Anything else is OP_ILLEGAL.
 *
 * It is a hot path: one switch on the major opcode, then a switch or a small
 * array indexed by funct3/funct7.  No searching.
 *
 * The 32-bit formats (unprivileged spec, "Base Instruction Formats"):
 *
 *   31       25 24   20 19   15 14  12 11        7 6      0
 *  | funct7    | rs2   | rs1   |funct3| rd        | opcode |  R
 *  | imm[11:0]         | rs1   |funct3| rd        | opcode |  I
 *  | imm[11:5] | rs2   | rs1   |funct3| imm[4:0]  | opcode |  S
 *  |12|10:5    | rs2   | rs1   |funct3|4:1  |11   | opcode |  B
 *  | imm[31:12]                       | rd        | opcode |  U
 *  |20|10:1         |11|19:12         | rd        | opcode |  J
 *  | rs3  |fmt | rs2   | rs1   |  rm  | rd        | opcode |  R4 (fused FP)
 */
#include <string.h>

#include "cpu.h"

/* -- Bit helpers ------------------------------------------------------------ */

/* Bits hi..lo of x, right-justified. */
static inline uint32_t bits(uint32_t x, int hi, int lo)
{
    return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Sign-extend the low `width` bits of x. */
static inline int64_t sext(uint64_t x, int width)
{
    return (int64_t)(x << (64 - width)) >> (64 - width);
}

static int illegal(struct insn *in)
{
    in->op = OP_ILLEGAL;
    return in->len;
}

/* -- 32-bit immediates -------------------------------------------------------- */

static int64_t imm_i(uint32_t b) { return sext(b >> 20, 12); }

static int64_t imm_s(uint32_t b)
{
    return sext(bits(b, 31, 25) << 5 | bits(b, 11, 7), 12);
}

static int64_t imm_b(uint32_t b)
{
    return sext(bits(b, 31, 31) << 12 | bits(b, 7, 7) << 11 |
                bits(b, 30, 25) << 5 | bits(b, 11, 8) << 1, 13);
}

static int64_t imm_u(uint32_t b) { return sext(b & 0xfffff000u, 32); }

static int64_t imm_j(uint32_t b)
{
    return sext(bits(b, 31, 31) << 20 | bits(b, 19, 12) << 12 |
                bits(b, 20, 20) << 11 | bits(b, 30, 21) << 1, 21);
}

/* -- 32-bit: integer ------------------------------------------------------------ */

/* LOAD (0x03), funct3 = width; 7 would be ldu (RV128). */
static int dec_load(uint32_t b, struct insn *in)
{
    static const uint16_t ops[8] = {
        OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL,
    };
    in->op = ops[bits(b, 14, 12)];
    in->imm = imm_i(b);
    return 4;
}

/* STORE (0x23), funct3 = width 0..3. */
static int dec_store(uint32_t b, struct insn *in)
{
    static const uint16_t ops[8] = {
        OP_SB, OP_SH, OP_SW, OP_SD,
        OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
    };
    in->op = ops[bits(b, 14, 12)];
    in->imm = imm_s(b);
    return 4;
}

/* OP-IMM (0x13).  Shifts: imm[11:6] is 000000 (logical) or 010000
 * (arithmetic, right only); imm[5:0] is the shamt. */
static int dec_op_imm(uint32_t b, struct insn *in)
{
    static const uint16_t ops[8] = {
        OP_ADDI, OP_SLLI, OP_SLTI, OP_SLTIU,
        OP_XORI, OP_SRLI, OP_ORI, OP_ANDI,
    };
    uint32_t funct3 = bits(b, 14, 12), hi6 = bits(b, 31, 26);

    in->op = ops[funct3];
    in->imm = imm_i(b);
    if (funct3 == 1 || funct3 == 5) {
        in->imm = bits(b, 25, 20);
        if (funct3 == 5 && hi6 == 0x10)
            in->op = OP_SRAI;
        else if (hi6 != 0)
            return illegal(in);
    }
    return 4;
}

/* OP-IMM-32 (0x1b): addiw and the W shifts, whose shamt is 5 bits
 * (imm[5] set is reserved). */
static int dec_op_imm32(uint32_t b, struct insn *in)
{
    uint32_t funct7 = bits(b, 31, 25);

    switch (bits(b, 14, 12)) {
    case 0:
        in->op = OP_ADDIW;
        in->imm = imm_i(b);
        return 4;
    case 1:
        in->op = funct7 == 0 ? OP_SLLIW : OP_ILLEGAL;
        break;
    case 5:
        in->op = funct7 == 0 ? OP_SRLIW : funct7 == 0x20 ? OP_SRAIW : OP_ILLEGAL;
        break;
    default:
        return illegal(in);
    }
    in->imm = bits(b, 24, 20);
    return 4;
}

/* OP (0x33): funct7 0x00 base, 0x20 sub/sra, 0x01 M extension. */
static int dec_op(uint32_t b, struct insn *in)
{
    static const uint16_t base[8] = {
        OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND,
    };
    static const uint16_t alt[8] = {
        OP_SUB, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
        OP_ILLEGAL, OP_SRA, OP_ILLEGAL, OP_ILLEGAL,
    };
    static const uint16_t mul[8] = {
        OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU,
    };
    uint32_t funct3 = bits(b, 14, 12);

    switch (bits(b, 31, 25)) {
    case 0x00: in->op = base[funct3]; break;
    case 0x20: in->op = alt[funct3]; break;
    case 0x01: in->op = mul[funct3]; break;
    default: return illegal(in);
    }
    return 4;
}

/* OP-32 (0x3b): the W forms of OP. */
static int dec_op32(uint32_t b, struct insn *in)
{
    static const uint16_t base[8] = {
        OP_ADDW, OP_SLLW, OP_ILLEGAL, OP_ILLEGAL,
        OP_ILLEGAL, OP_SRLW, OP_ILLEGAL, OP_ILLEGAL,
    };
    static const uint16_t alt[8] = {
        OP_SUBW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
        OP_ILLEGAL, OP_SRAW, OP_ILLEGAL, OP_ILLEGAL,
    };
    static const uint16_t mul[8] = {
        OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
        OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
    };
    uint32_t funct3 = bits(b, 14, 12);

    switch (bits(b, 31, 25)) {
    case 0x00: in->op = base[funct3]; break;
    case 0x20: in->op = alt[funct3]; break;
    case 0x01: in->op = mul[funct3]; break;
    default: return illegal(in);
    }
    return 4;
}

/* BRANCH (0x63); funct3 2 and 3 are reserved. */
static int dec_branch(uint32_t b, struct insn *in)
{
    static const uint16_t ops[8] = {
        OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
        OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
    };
    in->op = ops[bits(b, 14, 12)];
    in->imm = imm_b(b);
    return 4;
}

/* MISC-MEM (0x0f).
 *   31  28 27 24 23 20 19 15 14 12 11 7
 *  |  fm  | pred | succ| rs1 | 000 | rd |  fence
 *  |     imm[11:0]     | rs1 | 001 | rd |  fence.i
 * rs1, rd (and fence.i's imm) are reserved for finer-grained fences and
 * must be ignored; so must unknown fm values (treated as fm = 0). */
static int dec_misc_mem(uint32_t b, struct insn *in)
{
    in->rd = in->rs1 = in->rs2 = 0;
    switch (bits(b, 14, 12)) {
    case 0:
        in->op = OP_FENCE;
        in->rm = bits(b, 27, 20);
        in->imm = bits(b, 31, 28);
        return 4;
    case 1:
        in->op = OP_FENCE_I;
        return 4;
    default:
        return illegal(in);
    }
}

/* SYSTEM (0x73): funct3 0 is the privileged group, told apart by the whole
 * word except for sfence.vma (funct7 0001001, rs1 and rs2 operands). */
static int dec_system(uint32_t b, struct insn *in)
{
    static const uint16_t csr_ops[8] = {
        OP_ILLEGAL, OP_CSRRW, OP_CSRRS, OP_CSRRC,
        OP_ILLEGAL, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
    };
    uint32_t funct3 = bits(b, 14, 12);

    if (funct3 != 0) {
        in->op = csr_ops[funct3];
        in->rs2 = 0;
        in->imm = b >> 20;
        return 4;
    }
    in->rd = in->rs1 = in->rs2 = 0;
    switch (b) {
    case 0x00000073: in->op = OP_ECALL; return 4;
    case 0x00100073: in->op = OP_EBREAK; return 4;
    case 0x10200073: in->op = OP_SRET; return 4;
    case 0x30200073: in->op = OP_MRET; return 4;
    case 0x10500073: in->op = OP_WFI; return 4;
    }
    if ((b & 0xfe007fffu) == 0x12000073u) {
        in->op = OP_SFENCE_VMA;
        in->rs1 = bits(b, 19, 15);
        in->rs2 = bits(b, 24, 20);
        return 4;
    }
    return illegal(in);
}

/* AMO (0x2f).
 *   31   27 26 25 24 20 19 15 14 12 11 7
 *  | funct5 |aq|rl| rs2 | rs1 |width| rd |    width 010 = .w, 011 = .d
 * lr requires rs2 = 0. */
static int dec_amo(uint32_t b, struct insn *in)
{
    static const uint16_t ops_w[32] = {
        [0x00] = OP_AMOADD_W, [0x01] = OP_AMOSWAP_W, [0x02] = OP_LR_W,
        [0x03] = OP_SC_W,     [0x04] = OP_AMOXOR_W,  [0x08] = OP_AMOOR_W,
        [0x0c] = OP_AMOAND_W, [0x10] = OP_AMOMIN_W,  [0x14] = OP_AMOMAX_W,
        [0x18] = OP_AMOMINU_W, [0x1c] = OP_AMOMAXU_W,
    };
    static const uint16_t ops_d[32] = {
        [0x00] = OP_AMOADD_D, [0x01] = OP_AMOSWAP_D, [0x02] = OP_LR_D,
        [0x03] = OP_SC_D,     [0x04] = OP_AMOXOR_D,  [0x08] = OP_AMOOR_D,
        [0x0c] = OP_AMOAND_D, [0x10] = OP_AMOMIN_D,  [0x14] = OP_AMOMAX_D,
        [0x18] = OP_AMOMINU_D, [0x1c] = OP_AMOMAXU_D,
    };
    uint32_t funct5 = bits(b, 31, 27);

    switch (bits(b, 14, 12)) {
    case 2: in->op = ops_w[funct5]; break; /* unlisted entries are 0 = ILLEGAL */
    case 3: in->op = ops_d[funct5]; break;
    default: return illegal(in);
    }
    if (funct5 == 0x02 && in->rs2 != 0)
        return illegal(in);
    in->rm = bits(b, 26, 25);
    return 4;
}

/* -- 32-bit: floating point ------------------------------------------------- */

/* LOAD-FP (0x07) and STORE-FP (0x27): width 010 = single, 011 = double.
 * Other widths are H, Q and the vector loads/stores: not ours. */
static int dec_fp_mem(uint32_t b, struct insn *in, bool store)
{
    switch (bits(b, 14, 12)) {
    case 2: in->op = store ? OP_FSW : OP_FLW; break;
    case 3: in->op = store ? OP_FSD : OP_FLD; break;
    default: return illegal(in);
    }
    in->imm = store ? imm_s(b) : imm_i(b);
    return 4;
}

/* MADD/MSUB/NMSUB/NMADD (0x43/47/4b/4f), R4 format; fmt 00 = S, 01 = D. */
static int dec_fma(uint32_t b, struct insn *in)
{
    static const uint16_t ops[4][2] = {
        { OP_FMADD_S, OP_FMADD_D },   { OP_FMSUB_S, OP_FMSUB_D },
        { OP_FNMSUB_S, OP_FNMSUB_D }, { OP_FNMADD_S, OP_FNMADD_D },
    };
    uint32_t fmt = bits(b, 26, 25);

    if (fmt > 1)
        return illegal(in);
    in->op = ops[bits(b, 3, 2)][fmt];
    in->rs3 = bits(b, 31, 27);
    in->rm = bits(b, 14, 12);
    return 4;
}

/* OP-FP (0x53).
 *   31   27 26 25 24 20 19 15 14 12 11 7
 *  | funct5 | fmt | rs2 | rs1 |  rm | rd |     fmt 00 = S, 01 = D
 * funct5 names the operation; rs2 and rm double as sub-opcodes for the
 * conversions, sign injections, min/max, compares, fclass and moves.
 * Every table below is indexed [sub-opcode][fmt]. */
static int dec_op_fp(uint32_t b, struct insn *in)
{
    static const uint16_t arith[4][2] = {     /* funct5 0..3 */
        { OP_FADD_S, OP_FADD_D }, { OP_FSUB_S, OP_FSUB_D },
        { OP_FMUL_S, OP_FMUL_D }, { OP_FDIV_S, OP_FDIV_D },
    };
    static const uint16_t to_int[4][2] = {    /* fcvt.{w,wu,l,lu}.fmt */
        { OP_FCVT_W_S, OP_FCVT_W_D },   { OP_FCVT_WU_S, OP_FCVT_WU_D },
        { OP_FCVT_L_S, OP_FCVT_L_D },   { OP_FCVT_LU_S, OP_FCVT_LU_D },
    };
    static const uint16_t from_int[4][2] = {  /* fcvt.fmt.{w,wu,l,lu} */
        { OP_FCVT_S_W, OP_FCVT_D_W },   { OP_FCVT_S_WU, OP_FCVT_D_WU },
        { OP_FCVT_S_L, OP_FCVT_D_L },   { OP_FCVT_S_LU, OP_FCVT_D_LU },
    };
    static const uint16_t sgnj[4][2] = {      /* by rm */
        { OP_FSGNJ_S, OP_FSGNJ_D }, { OP_FSGNJN_S, OP_FSGNJN_D },
        { OP_FSGNJX_S, OP_FSGNJX_D }, { OP_ILLEGAL, OP_ILLEGAL },
    };
    static const uint16_t cmp[4][2] = {       /* by rm */
        { OP_FLE_S, OP_FLE_D }, { OP_FLT_S, OP_FLT_D },
        { OP_FEQ_S, OP_FEQ_D }, { OP_ILLEGAL, OP_ILLEGAL },
    };
    uint32_t funct5 = bits(b, 31, 27), fmt = bits(b, 26, 25);
    uint32_t rm = bits(b, 14, 12), rs2 = in->rs2;
    bool unary = funct5 == 0x08 || funct5 == 0x0b || funct5 >= 0x18;

    if (fmt > 1)   /* H and Q: not ours */
        return illegal(in);
    if (unary)     /* rs2 is a sub-opcode in fsqrt, fcvt, fmv and fclass */
        in->rs2 = 0;
    in->rm = rm;
    switch (funct5) {
    case 0x00: case 0x01: case 0x02: case 0x03:
        in->op = arith[funct5][fmt];
        return 4;
    case 0x0b: /* fsqrt: rs2 = 0 */
        if (rs2 != 0)
            return illegal(in);
        in->op = fmt ? OP_FSQRT_D : OP_FSQRT_S;
        return 4;
    case 0x08: /* fcvt.s.d is fmt S with rs2 = 1; fcvt.d.s is fmt D, rs2 = 0 */
        if (rs2 != (fmt ^ 1))
            return illegal(in);
        in->op = fmt ? OP_FCVT_D_S : OP_FCVT_S_D;
        return 4;
    case 0x18:
        if (rs2 > 3)
            return illegal(in);
        in->op = to_int[rs2][fmt];
        return 4;
    case 0x1a:
        if (rs2 > 3)
            return illegal(in);
        in->op = from_int[rs2][fmt];
        return 4;
    }

    /* The rest have no rounding mode: rm is a sub-opcode, and the
     * unary ones want rs2 = 0. */
    in->rm = 0;
    switch (funct5) {
    case 0x04:
        in->op = sgnj[rm & 3][fmt];
        return rm > 3 ? illegal(in) : 4;
    case 0x05: /* fmin (rm 0), fmax (rm 1) */
        if (rm > 1)
            return illegal(in);
        in->op = rm ? (fmt ? OP_FMAX_D : OP_FMAX_S) : (fmt ? OP_FMIN_D : OP_FMIN_S);
        return 4;
    case 0x14:
        in->op = cmp[rm & 3][fmt];
        return rm > 3 ? illegal(in) : 4;
    case 0x1c: /* fmv.x.w / fmv.x.d (rm 0), fclass (rm 1) */
        if (rs2 != 0 || rm > 1)
            return illegal(in);
        if (rm)
            in->op = fmt ? OP_FCLASS_D : OP_FCLASS_S;
        else
            in->op = fmt ? OP_FMV_X_D : OP_FMV_X_W;
        return 4;
    case 0x1e: /* fmv.w.x / fmv.d.x */
        if (rs2 != 0 || rm != 0)
            return illegal(in);
        in->op = fmt ? OP_FMV_D_X : OP_FMV_W_X;
        return 4;
    }
    return illegal(in);
}

/* -- 32-bit: dispatch ----------------------------------------------------------- */

static int decode32(uint32_t b, struct insn *in)
{
    in->len = 4;
    in->rd = bits(b, 11, 7);
    in->rs1 = bits(b, 19, 15);
    in->rs2 = bits(b, 24, 20);

    /* Register fields a format lacks are cleared, so unused fields read
     * as 0: I-type has no rs2, S and B no rd, U and J neither rs. */
    switch (bits(b, 6, 0)) {
    case 0x03: in->rs2 = 0; return dec_load(b, in);
    case 0x07: in->rs2 = 0; return dec_fp_mem(b, in, false);
    case 0x0f: return dec_misc_mem(b, in);
    case 0x13: in->rs2 = 0; return dec_op_imm(b, in);
    case 0x17:
        in->op = OP_AUIPC;
        in->rs1 = in->rs2 = 0;
        in->imm = imm_u(b);
        return 4;
    case 0x1b: in->rs2 = 0; return dec_op_imm32(b, in);
    case 0x23: in->rd = 0; return dec_store(b, in);
    case 0x27: in->rd = 0; return dec_fp_mem(b, in, true);
    case 0x2f: return dec_amo(b, in);
    case 0x33: return dec_op(b, in);
    case 0x37:
        in->op = OP_LUI;
        in->rs1 = in->rs2 = 0;
        in->imm = imm_u(b);
        return 4;
    case 0x3b: return dec_op32(b, in);
    case 0x43: case 0x47: case 0x4b: case 0x4f: return dec_fma(b, in);
    case 0x53: return dec_op_fp(b, in);
    case 0x63: in->rd = 0; return dec_branch(b, in);
    case 0x67:
        if (bits(b, 14, 12) != 0)
            return illegal(in);
        in->op = OP_JALR;
        in->rs2 = 0;
        in->imm = imm_i(b);
        return 4;
    case 0x6f:
        in->op = OP_JAL;
        in->rs1 = in->rs2 = 0;
        in->imm = imm_j(b);
        return 4;
    case 0x73: return dec_system(b, in);
    default: /* custom, reserved, and the 48-bit+ lengths (bits[4:2] = 111) */
        return illegal(in);
    }
}

/* -- 16-bit: RVC --------------------------------------------------------------
 * Each compressed form becomes the 32-bit instruction it expands to.  Layout:
 *   15  13 12  11 10  7 6  5 4  2 1 0
 *  |funct3| imm / rd, rs1 / rs2 fields | op |
 * rd', rs1', rs2' are 3-bit fields naming x8..x15 (or f8..f15). */

#define C_RD_FULL(c) bits(c, 11, 7)     /* rd / rs1, full 5 bits */
#define C_RS2_FULL(c) bits(c, 6, 2)     /* rs2, full 5 bits */
#define C_RS1P(c) (bits(c, 9, 7) + 8)   /* rs1' / rd' at 9:7 */
#define C_RS2P(c) (bits(c, 4, 2) + 8)   /* rs2' / rd' at 4:2 */

/* The 6-bit signed immediate of c.addi/c.li/c.andi...: imm[5] = 12, [4:0] = 6:2. */
static int64_t c_imm6(uint32_t c)
{
    return sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
}

/* The 6-bit shift amount of c.slli/c.srli/c.srai (same bits, unsigned). */
static uint32_t c_shamt(uint32_t c)
{
    return bits(c, 12, 12) << 5 | bits(c, 6, 2);
}

/* Offsets of the register-based loads/stores (c.lw/c.sw: word scaled;
 * c.ld/c.sd/c.fld/c.fsd: doubleword scaled). */
static int64_t c_off_w(uint32_t c)   /* uimm[5:3] = 12:10, [2] = 6, [6] = 5 */
{
    return bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6;
}

static int64_t c_off_d(uint32_t c)   /* uimm[5:3] = 12:10, [7:6] = 6:5 */
{
    return bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
}

/* Jump offset of c.j: imm[11|4|9:8|10|6|7|3:1|5] in bits 12:2. */
static int64_t c_off_j(uint32_t c)
{
    return sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 |
                bits(c, 10, 9) << 8 | bits(c, 8, 8) << 10 |
                bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
                bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5, 12);
}

/* Branch offset of c.beqz/c.bnez: imm[8|4:3] = 12:10, imm[7:6|2:1|5] = 6:2. */
static int64_t c_off_b(uint32_t c)
{
    return sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 |
                bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 |
                bits(c, 2, 2) << 5, 9);
}

/* Fill one expansion: op rd, rs1, rs2, imm. */
static int c_expand(struct insn *in, enum op op, unsigned rd, unsigned rs1,
                    unsigned rs2, int64_t imm)
{
    in->op = op;
    in->rd = rd;
    in->rs1 = rs1;
    in->rs2 = rs2;
    in->imm = imm;
    return 2;
}

/* Quadrant 0: stack-pointer based addi and the rd'/rs1' loads and stores. */
static int dec_c0(uint32_t c, struct insn *in)
{
    unsigned rs1 = C_RS1P(c), r = C_RS2P(c);

    switch (bits(c, 15, 13)) {
    case 0: { /* c.addi4spn: nzuimm[5:4|9:6|2|3] = 12:5; 0 is reserved */
        int64_t nzuimm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 |
                         bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
        if (nzuimm == 0)
            return illegal(in);
        return c_expand(in, OP_ADDI, r, 2, 0, nzuimm);
    }
    case 1: return c_expand(in, OP_FLD, r, rs1, 0, c_off_d(c));
    case 2: return c_expand(in, OP_LW, r, rs1, 0, c_off_w(c));
    case 3: return c_expand(in, OP_LD, r, rs1, 0, c_off_d(c));
    case 5: return c_expand(in, OP_FSD, 0, rs1, r, c_off_d(c));
    case 6: return c_expand(in, OP_SW, 0, rs1, r, c_off_w(c));
    case 7: return c_expand(in, OP_SD, 0, rs1, r, c_off_d(c));
    default: /* 4 is reserved */
        return illegal(in);
    }
}

/* Quadrant 1, funct3 100: shifts, andi and the register-register ALU ops
 * on rd' (bits 11:10 choose; for 11, bit 12 and bits 6:5 choose). */
static int dec_c1_alu(uint32_t c, struct insn *in)
{
    static const uint16_t rr[8] = {
        OP_SUB, OP_XOR, OP_OR, OP_AND, OP_SUBW, OP_ADDW, OP_ILLEGAL, OP_ILLEGAL,
    };
    unsigned rd = C_RS1P(c);

    switch (bits(c, 11, 10)) {
    case 0: return c_expand(in, OP_SRLI, rd, rd, 0, c_shamt(c));
    case 1: return c_expand(in, OP_SRAI, rd, rd, 0, c_shamt(c));
    case 2: return c_expand(in, OP_ANDI, rd, rd, 0, c_imm6(c));
    default: {
        enum op op = rr[bits(c, 12, 12) << 2 | bits(c, 6, 5)];
        if (op == OP_ILLEGAL)
            return illegal(in);
        return c_expand(in, op, rd, rd, C_RS2P(c), 0);
    }
    }
}

/* Quadrant 1: immediates, jumps and branches. */
static int dec_c1(uint32_t c, struct insn *in)
{
    unsigned rd = C_RD_FULL(c);

    switch (bits(c, 15, 13)) {
    case 0: /* c.addi (rd = 0: c.nop and hints) */
        return c_expand(in, OP_ADDI, rd, rd, 0, c_imm6(c));
    case 1: /* c.addiw; rd = 0 reserved */
        if (rd == 0)
            return illegal(in);
        return c_expand(in, OP_ADDIW, rd, rd, 0, c_imm6(c));
    case 2: /* c.li */
        return c_expand(in, OP_ADDI, rd, 0, 0, c_imm6(c));
    case 3:
        if (rd == 2) { /* c.addi16sp: nzimm[9] = 12, [4|6|8:7|5] = 6:2 */
            int64_t nzimm = sext(bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 |
                                 bits(c, 5, 5) << 6 | bits(c, 4, 3) << 7 |
                                 bits(c, 2, 2) << 5, 10);
            if (nzimm == 0)
                return illegal(in);
            return c_expand(in, OP_ADDI, 2, 2, 0, nzimm);
        }
        /* c.lui: nzimm[17] = 12, [16:12] = 6:2; nzimm = 0 reserved */
        if (c_imm6(c) == 0)
            return illegal(in);
        return c_expand(in, OP_LUI, rd, 0, 0, c_imm6(c) * 4096);
    case 4: return dec_c1_alu(c, in);
    case 5: return c_expand(in, OP_JAL, 0, 0, 0, c_off_j(c));
    case 6: return c_expand(in, OP_BEQ, 0, C_RS1P(c), 0, c_off_b(c));
    default: return c_expand(in, OP_BNE, 0, C_RS1P(c), 0, c_off_b(c));
    }
}

/* Quadrant 2, funct3 100: c.jr, c.mv, c.ebreak, c.jalr, c.add. */
static int dec_c2_misc(uint32_t c, struct insn *in)
{
    unsigned rd = C_RD_FULL(c), rs2 = C_RS2_FULL(c);

    if (bits(c, 12, 12) == 0) {
        if (rs2 != 0) /* c.mv = add rd, x0, rs2 */
            return c_expand(in, OP_ADD, rd, 0, rs2, 0);
        if (rd == 0) /* c.jr with rs1 = 0 is reserved */
            return illegal(in);
        return c_expand(in, OP_JALR, 0, rd, 0, 0);
    }
    if (rs2 != 0) /* c.add */
        return c_expand(in, OP_ADD, rd, rd, rs2, 0);
    if (rd == 0)
        return c_expand(in, OP_EBREAK, 0, 0, 0, 0);
    return c_expand(in, OP_JALR, 1, rd, 0, 0); /* c.jalr */
}

/* Quadrant 2: c.slli, the sp-based loads/stores, and the misc group. */
static int dec_c2(uint32_t c, struct insn *in)
{
    unsigned rd = C_RD_FULL(c), rs2 = C_RS2_FULL(c);
    /* c.lwsp uimm[5] = 12, [4:2] = 6:4, [7:6] = 3:2
     * c.ldsp/c.fldsp uimm[5] = 12, [4:3] = 6:5, [8:6] = 4:2 */
    int64_t lwsp = bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
    int64_t ldsp = bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
    /* c.swsp uimm[5:2] = 12:9, [7:6] = 8:7
     * c.sdsp/c.fsdsp uimm[5:3] = 12:10, [8:6] = 9:7 */
    int64_t swsp = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;
    int64_t sdsp = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;

    switch (bits(c, 15, 13)) {
    case 0: return c_expand(in, OP_SLLI, rd, rd, 0, c_shamt(c));
    case 1: return c_expand(in, OP_FLD, rd, 2, 0, ldsp);
    case 2: /* c.lwsp; rd = 0 reserved */
        if (rd == 0)
            return illegal(in);
        return c_expand(in, OP_LW, rd, 2, 0, lwsp);
    case 3: /* c.ldsp; rd = 0 reserved */
        if (rd == 0)
            return illegal(in);
        return c_expand(in, OP_LD, rd, 2, 0, ldsp);
    case 4: return dec_c2_misc(c, in);
    case 5: return c_expand(in, OP_FSD, 0, 2, rs2, sdsp);
    case 6: return c_expand(in, OP_SW, 0, 2, rs2, swsp);
    default: return c_expand(in, OP_SD, 0, 2, rs2, sdsp);
    }
}

/* -- Entry point ---------------------------------------------------------------- */

int cpu_decode(uint32_t bits32, struct insn *in)
{
    memset(in, 0, sizeof *in);
    if ((bits32 & 3) == 3) {
        in->raw = bits32;
        return decode32(bits32, in);
    }

    uint32_t c = bits32 & 0xffff;
    in->raw = c;
    in->len = 2;
    switch (c & 3) {
    case 0: return dec_c0(c, in);
    case 1: return dec_c1(c, in);
    default: return dec_c2(c, in);
    }
}
