/* disas.c — print a decoded instruction the way GNU objdump does.
 *
 * Called by the emulator's logs and traces (with disas_reg_names and
 * disas_csr_name for register and CSR dumps) and by the decode/disassembly
 * test, which compares us line by line with riscv64-unknown-elf-objdump.
 *
 * The reference is the objdump of Debian's binutils-riscv64-unknown-elf
 * (2.40) with its default options: ABI register names and its aliases.
 * That objdump prefers an alias to the canonical name wherever it has one,
 * including a few that look odd but are its real output: `add a0,a1,5` for
 * addi, `sll a0,a1,0x3` for slli, `csrw mstatus,5` for csrwi.  A compressed
 * instruction prints as its expansion, except the HINT encodings, which keep
 * their c. names (`c.nop 3`, `c.slli64 a0`).  Illegal encodings print the way
 * that objdump prints unknown ones: `.4byte 0x...`, `.2byte 0x...`, and
 * `unimp` for the all-zero halfword.
 *
 * The order of work: illegal words, compressed HINTs, aliases, and then
 * the plain form, chosen by the operand shape of the op.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "disas.h"

/* -- Names ------------------------------------------------------------------ */

const char *const disas_reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *const mnemonics[OP_COUNT] = {
#define X(name, mnemonic) mnemonic,
    OPS(X)
#undef X
};

/* Rounding-mode operand, as objdump appends it; dynamic (7) is omitted and
 * the reserved 5 and 6 print as "unknown". */
static const char *const rm_names[8] = {
    ",rne", ",rtz", ",rdn", ",rup", ",rmm", ",unknown", ",unknown", "",
};

#define XR(r) disas_reg_names[r]
#define FR(r) fpr_names[r]

/* -- CSR names ----------------------------------------------------------------
 * The CSRs of an RV64 M/S/U hart (privileged spec 1.12 plus Sstc and the
 * debug/trigger module), by number.  Numbered families come from tables made
 * with NUMS_x_y, which calls M(n) for every n in the range. */

#define NUMS_3_15(M)                                                           \
    M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define NUMS_3_31(M)                                                           \
    NUMS_3_15(M) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24) M(25)   \
    M(26) M(27) M(28) M(29) M(30) M(31)
#define NUMS_0_15(M) M(0) M(1) M(2) NUMS_3_15(M)
#define NUMS_0_63(M)                                                           \
    M(0) M(1) M(2) NUMS_3_31(M) M(32) M(33) M(34) M(35) M(36) M(37) M(38)      \
    M(39) M(40) M(41) M(42) M(43) M(44) M(45) M(46) M(47) M(48) M(49) M(50)    \
    M(51) M(52) M(53) M(54) M(55) M(56) M(57) M(58) M(59) M(60) M(61) M(62)    \
    M(63)

#define HPMCOUNTER(n) [n] = "hpmcounter" #n,
#define MHPMCOUNTER(n) [n] = "mhpmcounter" #n,
#define MHPMEVENT(n) [n] = "mhpmevent" #n,
#define PMPCFG(n) [n] = "pmpcfg" #n,
#define PMPADDR(n) [n] = "pmpaddr" #n,

static const char *const hpmcounter[32] = { NUMS_3_31(HPMCOUNTER) };
static const char *const mhpmcounter[32] = { NUMS_3_31(MHPMCOUNTER) };
static const char *const mhpmevent[32] = { NUMS_3_31(MHPMEVENT) };
static const char *const pmpcfg[16] = { NUMS_0_15(PMPCFG) };
static const char *const pmpaddr[64] = { NUMS_0_63(PMPADDR) };

const char *disas_csr_name(unsigned csr)
{
    switch (csr) {
    /* unprivileged */
    case CSR_FFLAGS: return "fflags";
    case CSR_FRM: return "frm";
    case CSR_FCSR: return "fcsr";
    case CSR_CYCLE: return "cycle";
    case CSR_TIME: return "time";
    case CSR_INSTRET: return "instret";
    /* supervisor */
    case CSR_SSTATUS: return "sstatus";
    case CSR_SIE: return "sie";
    case CSR_STVEC: return "stvec";
    case CSR_SCOUNTEREN: return "scounteren";
    case CSR_SENVCFG: return "senvcfg";
    case CSR_SSCRATCH: return "sscratch";
    case CSR_SEPC: return "sepc";
    case CSR_SCAUSE: return "scause";
    case CSR_STVAL: return "stval";
    case CSR_SIP: return "sip";
    case CSR_STIMECMP: return "stimecmp";
    case CSR_SATP: return "satp";
    case 0x5a8: return "scontext";
    /* machine */
    case CSR_MVENDORID: return "mvendorid";
    case CSR_MARCHID: return "marchid";
    case CSR_MIMPID: return "mimpid";
    case CSR_MHARTID: return "mhartid";
    case CSR_MCONFIGPTR: return "mconfigptr";
    case CSR_MSTATUS: return "mstatus";
    case CSR_MISA: return "misa";
    case CSR_MEDELEG: return "medeleg";
    case CSR_MIDELEG: return "mideleg";
    case CSR_MIE: return "mie";
    case CSR_MTVEC: return "mtvec";
    case CSR_MCOUNTEREN: return "mcounteren";
    case CSR_MENVCFG: return "menvcfg";
    case CSR_MCOUNTINHIBIT: return "mcountinhibit";
    case CSR_MSCRATCH: return "mscratch";
    case CSR_MEPC: return "mepc";
    case CSR_MCAUSE: return "mcause";
    case CSR_MTVAL: return "mtval";
    case CSR_MIP: return "mip";
    case CSR_MTINST: return "mtinst";
    case CSR_MTVAL2: return "mtval2";
    case 0x747: return "mseccfg";
    case CSR_MCYCLE: return "mcycle";
    case CSR_MINSTRET: return "minstret";
    /* debug and trigger module */
    case CSR_TSELECT: return "tselect";
    case CSR_TDATA1: return "tdata1";
    case CSR_TDATA2: return "tdata2";
    case CSR_TDATA3: return "tdata3";
    case 0x7a4: return "tinfo";
    case 0x7a5: return "tcontrol";
    case 0x7a8: return "mcontext";
    case 0x7b0: return "dcsr";
    case 0x7b1: return "dpc";
    case 0x7b2: return "dscratch0";
    case 0x7b3: return "dscratch1";
    }
    if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31)
        return hpmcounter[csr - CSR_CYCLE];
    if (csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31)
        return mhpmcounter[csr - CSR_MCYCLE];
    if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)
        return mhpmevent[csr - CSR_MCOUNTINHIBIT];
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15)
        return pmpcfg[csr - CSR_PMPCFG0];
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63)
        return pmpaddr[csr - CSR_PMPADDR0];
    return NULL;
}

/* -- Output ------------------------------------------------------------------
 * An snprintf that keeps going: `len` counts what would have been written,
 * so the caller learns the full length even when buf is too small. */

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void vput(struct out *o, const char *fmt, va_list ap)
{
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);

    if (n > 0)
        o->len += (size_t)n;
}

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
}

/* "name    operands": the mnemonic padded to 8 columns (at least one
 * space), as objdump's tab shows it; no padding when there are no operands. */
static void emit(struct out *o, const char *name, const char *fmt, ...)
{
    va_list ap;
    int pad = 8 - (int)strlen(name);

    put(o, "%s", name);
    if (*fmt == '\0')
        return;
    put(o, "%*s", pad > 0 ? pad : 1, "");
    va_start(ap, fmt);
    vput(o, fmt, ap);
    va_end(ap);
}

/* A CSR operand: its name, or its number in hex. */
static const char *csr_str(unsigned csr, char tmp[8])
{
    const char *name = disas_csr_name(csr);

    if (name)
        return name;
    snprintf(tmp, 8, "0x%x", csr & 0xfff);
    return tmp;
}

/* The absolute target of a branch or jump at pc. */
static uint64_t target(uint64_t pc, const struct insn *in)
{
    return pc + (uint64_t)in->imm;
}

/* The 20-bit field of lui/auipc, as written in assembly. */
static unsigned imm20(const struct insn *in)
{
    return (unsigned)(in->imm >> 12) & 0xfffff;
}

/* -- Compressed HINTs ------------------------------------------------------------
 * HINT encodings decode to instructions writing x0 (or shifting by zero);
 * objdump prints them by their compressed names.  Which compressed form it
 * was is only in the raw bits: quadrant = raw[1:0], funct3 = raw[15:13].
 * Returns false when `in` is no HINT. */
static bool disas_rvc_hint(struct out *o, const struct insn *in)
{
    unsigned quadrant = in->raw & 3, funct3 = (in->raw >> 13) & 7;
    unsigned group = quadrant << 3 | funct3;
    bool bit12 = (in->raw >> 12) & 1;

    switch (group) {
    case 1 << 3 | 0: /* c.addi x0, nzimm; c.addi rd, 0 */
        if (in->rd != 0 && in->imm == 0)
            emit(o, "add", "%s,%s,0", XR(in->rd), XR(in->rd));
        else if (in->rd == 0 && in->imm != 0)
            emit(o, "c.nop", "%" PRId64, in->imm);
        else
            return false;
        return true;
    case 1 << 3 | 2: /* c.li x0, imm */
        if (in->rd != 0)
            return false;
        emit(o, "c.li", "zero,%" PRId64, in->imm);
        return true;
    case 1 << 3 | 3: /* c.lui x0, nzimm (rd = 2 is c.addi16sp) */
        if (in->op != OP_LUI || in->rd != 0)
            return false;
        emit(o, "c.lui", "zero,0x%x", imm20(in));
        return true;
    case 1 << 3 | 4: /* c.srli / c.srai by 0 */
        if ((in->op != OP_SRLI && in->op != OP_SRAI) || in->imm != 0)
            return false;
        emit(o, in->op == OP_SRLI ? "c.srli64" : "c.srai64", "%s", XR(in->rd));
        return true;
    case 2 << 3 | 0: /* c.slli: by 0, or into x0 */
        if (in->imm == 0) {
            emit(o, "c.slli64", "%s", XR(in->rd));
            return true;
        }
        if (in->rd != 0)
            return false;
        emit(o, "c.slli", "zero,0x%x", (unsigned)in->imm);
        return true;
    case 2 << 3 | 4: /* c.mv / c.add into x0 */
        if (in->op != OP_ADD || in->rd != 0)
            return false;
        emit(o, bit12 ? "c.add" : "c.mv", "zero,%s", XR(in->rs2));
        return true;
    }
    return false;
}

/* -- Aliases ------------------------------------------------------------------------
 * objdump's preferred spellings.  Returns false to fall back to the plain
 * form. */

/* Zicsr aliases: csrr/csrw/csrs/csrc, the counter reads and the FP CSR
 * accessors. */
static bool disas_csr_alias(struct out *o, const struct insn *in)
{
    char tmp[8];
    const char *csr = csr_str((unsigned)in->imm, tmp);
    const char *rd = XR(in->rd), *rs1 = XR(in->rs1);
    unsigned num = (unsigned)in->imm;

    switch (in->op) {
    case OP_CSRRS:
        if (in->rs1 == 0) {
            switch (num) {
            case CSR_CYCLE: emit(o, "rdcycle", "%s", rd); return true;
            case CSR_TIME: emit(o, "rdtime", "%s", rd); return true;
            case CSR_INSTRET: emit(o, "rdinstret", "%s", rd); return true;
            case CSR_FCSR: emit(o, "frcsr", "%s", rd); return true;
            case CSR_FRM: emit(o, "frrm", "%s", rd); return true;
            case CSR_FFLAGS: emit(o, "frflags", "%s", rd); return true;
            }
            emit(o, "csrr", "%s,%s", rd, csr);
            return true;
        }
        if (in->rd != 0)
            return false;
        emit(o, "csrs", "%s,%s", csr, rs1);
        return true;
    case OP_CSRRW:
        if (in->raw == 0xc0001073) { /* csrw cycle, zero: the canonical unimp */
            emit(o, "unimp", "");
            return true;
        }
        if (num == CSR_FCSR || num == CSR_FRM || num == CSR_FFLAGS) {
            const char *name = num == CSR_FCSR ? "fscsr"
                             : num == CSR_FRM ? "fsrm" : "fsflags";
            if (in->rd == 0)
                emit(o, name, "%s", rs1);
            else
                emit(o, name, "%s,%s", rd, rs1);
            return true;
        }
        if (in->rd != 0)
            return false;
        emit(o, "csrw", "%s,%s", csr, rs1);
        return true;
    case OP_CSRRC:
        if (in->rd != 0)
            return false;
        emit(o, "csrc", "%s,%s", csr, rs1);
        return true;
    case OP_CSRRWI:
        if (num == CSR_FRM || num == CSR_FFLAGS) {
            emit(o, num == CSR_FRM ? "fsrmi" : "fsflagsi", "%s,%u", rd, in->rs1);
            return true;
        }
        /* fall through */
    case OP_CSRRSI:
    case OP_CSRRCI: {
        /* objdump spells the immediate forms without their "i" */
        static const char *const names[3][2] = {
            { "csrrw", "csrw" }, { "csrrs", "csrs" }, { "csrrc", "csrc" },
        };
        const char *const *name = names[in->op - OP_CSRRWI];
        if (in->rd == 0)
            emit(o, name[1], "%s,%u", csr, in->rs1);
        else
            emit(o, name[0], "%s,%s,%u", rd, csr, in->rs1);
        return true;
    }
    default:
        return false;
    }
}

/* Branch aliases against zero: beqz, bnez, bltz, bgtz, bgez, blez. */
static bool disas_branch_alias(struct out *o, uint64_t pc, const struct insn *in)
{
    const char *name = NULL;
    unsigned reg = 0;

    switch (in->op) {
    case OP_BEQ: if (in->rs2 == 0) name = "beqz", reg = in->rs1; break;
    case OP_BNE: if (in->rs2 == 0) name = "bnez", reg = in->rs1; break;
    case OP_BLT:
        if (in->rs2 == 0)
            name = "bltz", reg = in->rs1;
        else if (in->rs1 == 0)
            name = "bgtz", reg = in->rs2;
        break;
    case OP_BGE:
        if (in->rs1 == 0)
            name = "blez", reg = in->rs2;
        else if (in->rs2 == 0)
            name = "bgez", reg = in->rs1;
        break;
    default:
        break;
    }
    if (!name)
        return false;
    emit(o, name, "%s,0x%" PRIx64, XR(reg), target(pc, in));
    return true;
}

/* jal and jalr: j, jal <target>, jr, ret, jalr <rs1>. */
static bool disas_jump_alias(struct out *o, uint64_t pc, const struct insn *in)
{
    const char *rs1 = XR(in->rs1);

    if (in->op == OP_JAL) {
        if (in->rd > 1)
            return false;
        emit(o, in->rd ? "jal" : "j", "0x%" PRIx64, target(pc, in));
        return true;
    }
    if (in->op != OP_JALR)
        return false;
    if (in->rd == 0 && in->rs1 == 1 && in->imm == 0)
        emit(o, "ret", "");
    else if (in->rd > 1 && in->imm == 0)
        emit(o, "jalr", "%s,%s", XR(in->rd), rs1);
    else if (in->rd > 1)
        return false;
    else if (in->imm == 0)
        emit(o, in->rd ? "jalr" : "jr", "%s", rs1);
    else
        emit(o, in->rd ? "jalr" : "jr", "%" PRId64 "(%s)", in->imm, rs1);
    return true;
}

/* Integer ALU aliases.  objdump names an immediate form by its register
 * form when the operand is plainly a number: "add a0,a1,5". */
static bool disas_alu_alias(struct out *o, const struct insn *in)
{
    const char *rd = XR(in->rd), *rs1 = XR(in->rs1), *rs2 = XR(in->rs2);
    const char *name = NULL;

    switch (in->op) {
    case OP_ADDI:
        if (in->rd == 0 && in->rs1 == 0 && in->imm == 0)
            emit(o, "nop", "");
        else if (in->rs1 == 0)
            emit(o, "li", "%s,%" PRId64, rd, in->imm);
        else if (in->imm == 0)
            emit(o, "mv", "%s,%s", rd, rs1);
        else
            emit(o, "add", "%s,%s,%" PRId64, rd, rs1, in->imm);
        return true;
    case OP_ADDIW:
        if (in->imm == 0)
            emit(o, "sext.w", "%s,%s", rd, rs1);
        else
            emit(o, "addw", "%s,%s,%" PRId64, rd, rs1, in->imm);
        return true;
    case OP_XORI:
        if (in->imm == -1) {
            emit(o, "not", "%s,%s", rd, rs1);
            return true;
        }
        name = "xor";
        break;
    case OP_ORI: name = "or"; break;
    case OP_ANDI: name = "and"; break;
    case OP_SLTIU:
        if (in->imm != 1)
            return false;
        emit(o, "seqz", "%s,%s", rd, rs1);
        return true;
    case OP_SLLI: case OP_SRLI: case OP_SRAI: {   /* consecutive in OPS */
        static const char *const shifts[3] = { "sll", "srl", "sra" };
        emit(o, shifts[in->op - OP_SLLI], "%s,%s,0x%x", rd, rs1,
             (unsigned)in->imm);
        return true;
    }
    case OP_SLLIW: case OP_SRLIW: case OP_SRAIW: {
        static const char *const shifts[3] = { "sllw", "srlw", "sraw" };
        emit(o, shifts[in->op - OP_SLLIW], "%s,%s,0x%x", rd, rs1,
             (unsigned)in->imm);
        return true;
    }
    case OP_SUB: case OP_SUBW:
        if (in->rs1 != 0)
            return false;
        emit(o, in->op == OP_SUB ? "neg" : "negw", "%s,%s", rd, rs2);
        return true;
    case OP_SLTU:
        if (in->rs1 != 0)
            return false;
        emit(o, "snez", "%s,%s", rd, rs2);
        return true;
    case OP_SLT:
        if (in->rs2 == 0)
            emit(o, "sltz", "%s,%s", rd, rs1);
        else if (in->rs1 == 0)
            emit(o, "sgtz", "%s,%s", rd, rs2);
        else
            return false;
        return true;
    default:
        return false;
    }
    emit(o, name, "%s,%s,%" PRId64, rd, rs1, in->imm);
    return true;
}

/* fmv/fneg/fabs: the sign injections with rs1 = rs2 (ops consecutive). */
static bool disas_fp_alias(struct out *o, const struct insn *in)
{
    static const char *const s_names[3] = { "fmv.s", "fneg.s", "fabs.s" };
    static const char *const d_names[3] = { "fmv.d", "fneg.d", "fabs.d" };
    const char *name;

    if (in->rs1 != in->rs2)
        return false;
    if (in->op >= OP_FSGNJ_S && in->op <= OP_FSGNJX_S)
        name = s_names[in->op - OP_FSGNJ_S];
    else if (in->op >= OP_FSGNJ_D && in->op <= OP_FSGNJX_D)
        name = d_names[in->op - OP_FSGNJ_D];
    else
        return false;
    emit(o, name, "%s,%s", FR(in->rd), FR(in->rs1));
    return true;
}

static bool disas_alias(struct out *o, uint64_t pc, const struct insn *in)
{
    if (in->len == 2 && disas_rvc_hint(o, in))
        return true;
    /* c.mv is add rd, x0, rs2; the 32-bit add keeps its name */
    if (in->len == 2 && in->op == OP_ADD && in->rs1 == 0) {
        emit(o, "mv", "%s,%s", XR(in->rd), XR(in->rs2));
        return true;
    }
    return disas_csr_alias(o, in) || disas_branch_alias(o, pc, in) ||
           disas_jump_alias(o, pc, in) || disas_alu_alias(o, in) ||
           disas_fp_alias(o, in);
}

/* -- Plain forms ----------------------------------------------------------------- */

/* FENCE's predecessor or successor set: some of "iorw", or "unknown". */
static const char *fence_set(unsigned set, char tmp[5])
{
    char *p = tmp;

    if (set == 0)
        return "unknown";
    if (set & 8) *p++ = 'i';
    if (set & 4) *p++ = 'o';
    if (set & 2) *p++ = 'r';
    if (set & 1) *p++ = 'w';
    *p = '\0';
    return tmp;
}

static void disas_fence(struct out *o, const struct insn *in)
{
    char pred[5], succ[5];

    if (in->imm == 8 && in->rm == 0x33)
        emit(o, "fence.tso", "");
    else if (in->rm == 0xff)
        emit(o, "fence", "");
    else
        emit(o, "fence", "%s,%s", fence_set(in->rm >> 4, pred),
             fence_set(in->rm & 15, succ));
}

/* lr/sc/amo*: the aq and rl bits become a suffix, "amoadd.w.aqrl". */
static void disas_amo(struct out *o, const struct insn *in)
{
    static const char *const order[4] = { "", ".rl", ".aq", ".aqrl" };
    char name[24];

    snprintf(name, sizeof name, "%s%s", mnemonics[in->op], order[in->rm & 3]);
    if (in->op == OP_LR_W || in->op == OP_LR_D)
        emit(o, name, "%s,(%s)", XR(in->rd), XR(in->rs1));
    else
        emit(o, name, "%s,%s,(%s)", XR(in->rd), XR(in->rs2), XR(in->rs1));
}

/* The FP ops, by which register file each operand lives in. */
static void disas_fp(struct out *o, const struct insn *in)
{
    const char *name = mnemonics[in->op], *rm = rm_names[in->rm & 7];

    switch (in->op) {
    case OP_FLW: case OP_FLD:
        emit(o, name, "%s,%" PRId64 "(%s)", FR(in->rd), in->imm, XR(in->rs1));
        return;
    case OP_FSW: case OP_FSD:
        emit(o, name, "%s,%" PRId64 "(%s)", FR(in->rs2), in->imm, XR(in->rs1));
        return;
    case OP_FMADD_S: case OP_FMSUB_S: case OP_FNMSUB_S: case OP_FNMADD_S:
    case OP_FMADD_D: case OP_FMSUB_D: case OP_FNMSUB_D: case OP_FNMADD_D:
        emit(o, name, "%s,%s,%s,%s%s", FR(in->rd), FR(in->rs1), FR(in->rs2),
             FR(in->rs3), rm);
        return;
    case OP_FADD_S: case OP_FSUB_S: case OP_FMUL_S: case OP_FDIV_S:
    case OP_FADD_D: case OP_FSUB_D: case OP_FMUL_D: case OP_FDIV_D:
        emit(o, name, "%s,%s,%s%s", FR(in->rd), FR(in->rs1), FR(in->rs2), rm);
        return;
    case OP_FSGNJ_S: case OP_FSGNJN_S: case OP_FSGNJX_S:
    case OP_FMIN_S: case OP_FMAX_S:
    case OP_FSGNJ_D: case OP_FSGNJN_D: case OP_FSGNJX_D:
    case OP_FMIN_D: case OP_FMAX_D:
        emit(o, name, "%s,%s,%s", FR(in->rd), FR(in->rs1), FR(in->rs2));
        return;
    case OP_FSQRT_S: case OP_FSQRT_D: case OP_FCVT_S_D:
        emit(o, name, "%s,%s%s", FR(in->rd), FR(in->rs1), rm);
        return;
    case OP_FCVT_D_S:
        /* exact conversion: objdump shows rm only when it isn't 0 */
        emit(o, name, "%s,%s%s", FR(in->rd), FR(in->rs1), in->rm ? rm : "");
        return;
    case OP_FCVT_W_S: case OP_FCVT_WU_S: case OP_FCVT_L_S: case OP_FCVT_LU_S:
    case OP_FCVT_W_D: case OP_FCVT_WU_D: case OP_FCVT_L_D: case OP_FCVT_LU_D:
        emit(o, name, "%s,%s%s", XR(in->rd), FR(in->rs1), rm);
        return;
    case OP_FCVT_S_W: case OP_FCVT_S_WU: case OP_FCVT_S_L: case OP_FCVT_S_LU:
    case OP_FCVT_D_L: case OP_FCVT_D_LU:
        emit(o, name, "%s,%s%s", FR(in->rd), XR(in->rs1), rm);
        return;
    case OP_FCVT_D_W: case OP_FCVT_D_WU:
        /* exact conversions, as fcvt.d.s */
        emit(o, name, "%s,%s%s", FR(in->rd), XR(in->rs1), in->rm ? rm : "");
        return;
    case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S:
    case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D:
        emit(o, name, "%s,%s,%s", XR(in->rd), FR(in->rs1), FR(in->rs2));
        return;
    case OP_FCLASS_S: case OP_FCLASS_D: case OP_FMV_X_W: case OP_FMV_X_D:
        emit(o, name, "%s,%s", XR(in->rd), FR(in->rs1));
        return;
    case OP_FMV_W_X: case OP_FMV_D_X:
        emit(o, name, "%s,%s", FR(in->rd), XR(in->rs1));
        return;
    default:
        put(o, "%s", name); /* not reached: every FP op is listed above */
        return;
    }
}

static void disas_plain(struct out *o, uint64_t pc, const struct insn *in)
{
    const char *name = mnemonics[in->op];
    const char *rd = XR(in->rd), *rs1 = XR(in->rs1), *rs2 = XR(in->rs2);
    char tmp[8];

    /* OPS lists F and D last and the A ops right before them */
    if (in->op >= OP_FLW) {
        disas_fp(o, in);
        return;
    }
    if (in->op >= OP_LR_W) {
        disas_amo(o, in);
        return;
    }
    switch (in->op) {
    case OP_LUI: case OP_AUIPC:
        emit(o, name, "%s,0x%x", rd, imm20(in));
        return;
    case OP_JAL:
        emit(o, name, "%s,0x%" PRIx64, rd, target(pc, in));
        return;
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
        emit(o, name, "%s,%s,0x%" PRIx64, rs1, rs2, target(pc, in));
        return;
    case OP_JALR:
    case OP_LB: case OP_LH: case OP_LW: case OP_LD:
    case OP_LBU: case OP_LHU: case OP_LWU:
        emit(o, name, "%s,%" PRId64 "(%s)", rd, in->imm, rs1);
        return;
    case OP_SB: case OP_SH: case OP_SW: case OP_SD:
        emit(o, name, "%s,%" PRId64 "(%s)", rs2, in->imm, rs1);
        return;
    case OP_ADDI: case OP_SLTI: case OP_SLTIU: case OP_XORI: case OP_ORI:
    case OP_ANDI: case OP_ADDIW:
        emit(o, name, "%s,%s,%" PRId64, rd, rs1, in->imm);
        return;
    case OP_SLLI: case OP_SRLI: case OP_SRAI:
    case OP_SLLIW: case OP_SRLIW: case OP_SRAIW:
        emit(o, name, "%s,%s,0x%x", rd, rs1, (unsigned)in->imm);
        return;
    case OP_FENCE:
        disas_fence(o, in);
        return;
    case OP_FENCE_I: case OP_ECALL: case OP_EBREAK:
    case OP_SRET: case OP_MRET: case OP_WFI:
        emit(o, name, "");
        return;
    case OP_SFENCE_VMA:
        if (in->rs2 != 0)
            emit(o, name, "%s,%s", rs1, rs2);
        else if (in->rs1 != 0)
            emit(o, name, "%s", rs1);
        else
            emit(o, name, "");
        return;
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
        emit(o, name, "%s,%s,%s", rd, csr_str((unsigned)in->imm, tmp), rs1);
        return;
    case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
        emit(o, name, "%s,%s,%u", rd, csr_str((unsigned)in->imm, tmp), in->rs1);
        return;
    default: /* the register-register ops: add ... remuw */
        emit(o, name, "%s,%s,%s", rd, rs1, rs2);
        return;
    }
}

/* -- Entry point ----------------------------------------------------------------- */

int disas_insn(char *buf, size_t size, uint64_t pc, const struct insn *in)
{
    struct out o = { buf, size, 0 };

    if (size > 0)
        buf[0] = '\0';
    if (in->op == OP_ILLEGAL || in->op >= OP_COUNT) {
        /* objdump: "unimp" for the all-zero halfword, else the raw bits */
        if (in->len == 2 && in->raw == 0)
            emit(&o, "unimp", "");
        else if (in->len == 2)
            emit(&o, ".2byte", "0x%x", (unsigned)in->raw & 0xffff);
        else
            emit(&o, ".4byte", "0x%x", (unsigned)in->raw);
    } else if (!disas_alias(&o, pc, in)) {
        disas_plain(&o, pc, in);
    }
    return (int)o.len;
}
