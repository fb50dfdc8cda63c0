/* disas_test.c — drives decode.c and disas.c for tests/10-decode-disas.t.
 *
 *   disas_test dis FILE   disassemble a raw little-endian code image; one
 *                         line per instruction: "offset<TAB>len<TAB>op<TAB>text"
 *   disas_test csrs       list the CSR names we know: "number<TAB>name"
 *   disas_test ops        list the ops of the OPS X-macro, one per line
 *   disas_test fields     check decoded fields and illegal encodings; prints
 *                         "ok - ..." / "not ok - ..." lines (numbered by the
 *                         .t script)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "disas.h"

static const char *const op_names[OP_COUNT] = {
#define X(name, mnemonic) #name,
    OPS(X)
#undef X
};

/* -- dis ------------------------------------------------------------------- */

static int cmd_dis(const char *path)
{
    FILE *f = fopen(path, "rb");
    static unsigned char code[1 << 20];
    size_t n, off = 0;

    if (!f) {
        perror(path);
        return 1;
    }
    n = fread(code, 1, sizeof code, f);
    fclose(f);
    while (off + 2 <= n) {
        uint32_t bits = code[off] | code[off + 1] << 8;
        struct insn in;
        char text[96];
        int len;

        if ((bits & 3) == 3 && off + 4 <= n)
            bits |= (uint32_t)code[off + 2] << 16 | (uint32_t)code[off + 3] << 24;
        else if ((bits & 3) != 3 && off + 4 <= n) /* garbage in the upper half */
            bits |= 0xa5a50000u;
        len = cpu_decode(bits, &in);
        disas_insn(text, sizeof text, off, &in);
        printf("%zx\t%d\t%s\t%s\n", off, len, op_names[in.op], text);
        off += (size_t)len;
    }
    return 0;
}

/* -- csrs ------------------------------------------------------------------ */

static int cmd_csrs(void)
{
    for (unsigned csr = 0; csr < 4096; csr++) {
        const char *name = disas_csr_name(csr);
        if (name)
            printf("%u\t%s\n", csr, name);
    }
    return 0;
}

/* -- fields ---------------------------------------------------------------- */

static int failures;

static void check(bool ok, const char *what, uint32_t bits)
{
    printf("%s - %s (0x%08x)\n", ok ? "ok" : "not ok", what, bits);
    if (!ok)
        failures++;
}

/* One expected decoding: every field of struct insn except raw. */
struct expect {
    uint32_t bits;
    const char *what;
    enum op op;
    uint8_t rd, rs1, rs2, rs3, len, rm;
    int64_t imm;
};

static const struct expect expects[] = {
    /* bits         what                           op          rd rs1 rs2 rs3 len rm imm */
    { 0x00c58533, "add a0,a1,a2",                 OP_ADD,     10, 11, 12, 0, 4, 0, 0 },
    { 0xfffff537, "lui a0,0xfffff: imm sign-extended",
                                                  OP_LUI,     10, 0, 0, 0, 4, 0, -4096 },
    { 0x80000037, "lui zero,0x80000",             OP_LUI,     0, 0, 0, 0, 4, 0, -2147483648LL },
    { 0xfffff517, "auipc a0,0xfffff",             OP_AUIPC,   10, 0, 0, 0, 4, 0, -4096 },
    { 0xfe0008e3, "beq zero,zero,.-16",           OP_BEQ,     0, 0, 0, 0, 4, 0, -16 },
    { 0x7ffff06f, "jal zero,.+0xffffe",           OP_JAL,     0, 0, 0, 0, 4, 0, 0xffffe },
    { 0x800000ef, "jal ra,.-0x100000",            OP_JAL,     1, 0, 0, 0, 4, 0, -0x100000 },
    { 0xffc08067, "jalr zero,-4(ra)",             OP_JALR,    0, 1, 0, 0, 4, 0, -4 },
    { 0x80a58023, "sb a0,-2048(a1)",              OP_SB,      0, 11, 10, 0, 4, 0, -2048 },
    { 0x7ea5afa7, "fsw fa0,2047(a1)",             OP_FSW,     0, 11, 10, 0, 4, 0, 2047 },
    { 0xfff58503, "lb a0,-1(a1)",                 OP_LB,      10, 11, 0, 0, 4, 0, -1 },
    { 0x43f5d513, "srai a0,a1,63: shamt in imm",  OP_SRAI,    10, 11, 0, 0, 4, 0, 63 },
    { 0x01f5951b, "slliw a0,a1,31",               OP_SLLIW,   10, 11, 0, 0, 4, 0, 31 },
    { 0x4015d51b, "sraiw a0,a1,1",                OP_SRAIW,   10, 11, 0, 0, 4, 0, 1 },
    { 0x1605a52f, "lr.w.aqrl a0,(a1): rm = aq|rl",
                                                  OP_LR_W,    10, 11, 0, 0, 4, 3, 0 },
    { 0x1cc5b52f, "sc.d.aq a0,a2,(a1)",           OP_SC_D,    10, 11, 12, 0, 4, 2, 0 },
    { 0x02c5a52f, "amoadd.w.rl a0,a2,(a1)",       OP_AMOADD_W, 10, 11, 12, 0, 4, 1, 0 },
    { 0xe600302f, "amomaxu.d.aqrl zero,zero,(zero)",
                                                  OP_AMOMAXU_D, 0, 0, 0, 0, 4, 3, 0 },
    { 0xc2051553, "fcvt.w.d a0,fa0,rtz: rm",      OP_FCVT_W_D, 10, 10, 0, 0, 4, 1, 0 },
    { 0x68c59543, "fmadd.s fa0,fa1,fa2,fa3,rtz: rs3",
                                                  OP_FMADD_S, 10, 11, 12, 13, 4, 1, 0 },
    { 0x20b59553, "fsgnjn.s: no rm field -> rm 0", OP_FSGNJN_S, 10, 11, 11, 0, 4, 0, 0 },
    { 0x02c5e553, "fadd.d rm=6 decodes (illegal only at run time)",
                                                  OP_FADD_D,  10, 11, 12, 0, 4, 6, 0 },
    { 0x0310000f, "fence rw,w: rm = pred<<4|succ", OP_FENCE,  0, 0, 0, 0, 4, 0x31, 0 },
    { 0x8330000f, "fence.tso: fm in imm",         OP_FENCE,   0, 0, 0, 0, 4, 0x33, 8 },
    { 0x300515f3, "csrrw a1,mstatus,a0: csr in imm",
                                                  OP_CSRRW,   11, 10, 0, 0, 4, 0, 0x300 },
    { 0xfff02573, "csrr a0,0xfff: csr unsigned",  OP_CSRRS,   10, 0, 0, 0, 4, 0, 0xfff },
    { 0x3002d573, "csrrwi a0,mstatus,5: uimm in rs1",
                                                  OP_CSRRWI,  10, 5, 0, 0, 4, 0, 0x300 },
    { 0x12b50073, "sfence.vma a0,a1",             OP_SFENCE_VMA, 0, 10, 11, 0, 4, 0, 0 },
    { 0x10500073, "wfi",                          OP_WFI,     0, 0, 0, 0, 4, 0, 0 },
    /* compressed: the expansion, len 2 */
    { 0x1fe8, "c.addi4spn a0,sp,1020",            OP_ADDI,    10, 2, 0, 0, 2, 0, 1020 },
    { 0x617d, "c.addi16sp sp,496",                OP_ADDI,    2, 2, 0, 0, 2, 0, 496 },
    { 0x7101, "c.addi16sp sp,-512",               OP_ADDI,    2, 2, 0, 0, 2, 0, -512 },
    { 0x7501, "c.lui a0,0xfffe0",                 OP_LUI,     10, 0, 0, 0, 2, 0, -0x20000 },
    { 0x6505, "c.lui a0,1",                       OP_LUI,     10, 0, 0, 0, 2, 0, 0x1000 },
    { 0x5501, "c.li a0,-32",                      OP_ADDI,    10, 0, 0, 0, 2, 0, -32 },
    { 0x357d, "c.addiw a0,-1",                    OP_ADDIW,   10, 10, 0, 0, 2, 0, -1 },
    { 0x9901, "c.andi a0,-32",                    OP_ANDI,    10, 10, 0, 0, 2, 0, -32 },
    { 0x957d, "c.srai a0,63",                     OP_SRAI,    10, 10, 0, 0, 2, 0, 63 },
    { 0x9d0d, "c.subw a0,a1",                     OP_SUBW,    10, 10, 11, 0, 2, 0, 0 },
    { 0xb001, "c.j .-2048",                       OP_JAL,     0, 0, 0, 0, 2, 0, -2048 },
    { 0xd101, "c.beqz a0,.-256",                  OP_BEQ,     0, 10, 0, 0, 2, 0, -256 },
    { 0x357e, "c.fldsp fa0,504(sp)",              OP_FLD,     10, 2, 0, 0, 2, 0, 504 },
    { 0xbfaa, "c.fsdsp fa0,504(sp)",              OP_FSD,     0, 2, 10, 0, 2, 0, 504 },
    { 0x557e, "c.lwsp a0,252(sp)",                OP_LW,      10, 2, 0, 0, 2, 0, 252 },
    { 0xdfaa, "c.swsp a0,252(sp)",                OP_SW,      0, 2, 10, 0, 2, 0, 252 },
    { 0x7de8, "c.ld a0,248(a1)",                  OP_LD,      10, 11, 0, 0, 2, 0, 248 },
    { 0x5de8, "c.lw a0,124(a1)",                  OP_LW,      10, 11, 0, 0, 2, 0, 124 },
    { 0x9502, "c.jalr a0",                        OP_JALR,    1, 10, 0, 0, 2, 0, 0 },
    { 0x8502, "c.jr a0",                          OP_JALR,    0, 10, 0, 0, 2, 0, 0 },
    { 0x852e, "c.mv a0,a1 = add a0,zero,a1",      OP_ADD,     10, 0, 11, 0, 2, 0, 0 },
    { 0x952e, "c.add a0,a1",                      OP_ADD,     10, 10, 11, 0, 2, 0, 0 },
    { 0x9002, "c.ebreak",                         OP_EBREAK,  0, 0, 0, 0, 2, 0, 0 },
    { 0xffff852e, "c.mv with the next parcel in the upper half",
                                                  OP_ADD,     10, 0, 11, 0, 2, 0, 0 },
};

/* Encodings the spec reserves (or gives to extensions we lack). */
static const struct {
    uint32_t bits;
    const char *what;
} illegals[] = {
    { 0x0000, "all-zero halfword" },
    { 0xffff0000, "all-zero halfword, next parcel in the upper half" },
    { 0x0004, "c.addi4spn nzuimm=0" },
    { 0x6101, "c.addi16sp nzimm=0" },
    { 0x6001, "c.lui zero,0" },
    { 0x6501, "c.lui a0,0" },
    { 0x2001, "c.addiw rd=0" },
    { 0x207d, "c.addiw rd=0 imm=-1" },
    { 0x4002, "c.lwsp rd=0" },
    { 0x6002, "c.ldsp rd=0" },
    { 0x8002, "c.jr rs1=0" },
    { 0x8000, "quadrant 0 funct3 100" },
    { 0x9c41, "c.subw/c.addw group, funct 10" },
    { 0x9c61, "c.subw/c.addw group, funct 11" },
    { 0xffffffff, "all ones (long encoding)" },
    { 0x0000001f, "48-bit encoding" },
    { 0x0000003f, "64-bit encoding" },
    { 0x0000007f, "long encoding, bits[6:0]=1111111" },
    { 0x0000000b, "custom-0" },
    { 0x0000005b, "custom-2" },
    { 0x00000057, "OP-V" },
    { 0x04059513, "slli with imm[11:6] != 0" },
    { 0x4405d513, "srai with imm[11:6] = 010001" },
    { 0x40059513, "slli with imm[11:6] = 010000" },
    { 0x0205951b, "slliw shamt 32" },
    { 0x4205d51b, "sraiw shamt 32" },
    { 0x0005a51b, "OP-IMM-32 funct3 2" },
    { 0x04c58533, "OP funct7 0000010" },
    { 0x40c59533, "OP funct7 0100000 funct3 1" },
    { 0x40c5e533, "OP funct7 0100000 funct3 6" },
    { 0x00c5a53b, "OP-32 funct3 2" },
    { 0x02c5953b, "OP-32 M funct3 1" },
    { 0x0005f503, "load funct3 7" },
    { 0x00a5c023, "store funct3 4" },
    { 0x00b52063, "branch funct3 2" },
    { 0x00b53063, "branch funct3 3" },
    { 0x00059567, "jalr funct3 1" },
    { 0x1015a52f, "lr.w with rs2 != 0" },
    { 0x02c5c52f, "AMO funct3 4" },
    { 0x28c5a52f, "AMO funct5 00101 (amocas)" },
    { 0x04c5f553, "fadd.h (fmt 10)" },
    { 0x06c5f553, "fadd.q (fmt 11)" },
    { 0x6cc5f543, "fmadd with fmt 10" },
    { 0xc0457553, "fcvt.?.s rs2=4" },
    { 0xd0457553, "fcvt.s.? rs2=4" },
    { 0x40057553, "fcvt.s.s (fmt S, rs2 0)" },
    { 0x42157553, "fcvt.d.d (fmt D, rs2 1)" },
    { 0x40257553, "fcvt.s.h" },
    { 0x5815f553, "fsqrt.s rs2 != 0" },
    { 0x20c5b553, "fsgnj funct3 3" },
    { 0x28c5a553, "fmin/fmax funct3 2" },
    { 0xa0c5b553, "fle/flt/feq funct3 3" },
    { 0xe0052553, "fmv.x.w funct3 2" },
    { 0xe0151553, "fclass rs2 != 0" },
    { 0xf0051553, "fmv.w.x funct3 1" },
    { 0xf0150553, "fmv.w.x rs2 != 0" },
    { 0x30c5f553, "OP-FP funct5 00110" },
    { 0x00051507, "flh (LOAD-FP funct3 1)" },
    { 0x00a54027, "fsq (STORE-FP funct3 4)" },
    { 0x00004073, "SYSTEM funct3 4" },
    { 0x00200073, "uret" },
    { 0x7b200073, "dret" },
    { 0x00000573, "ecall with rd != 0" },
    { 0x00100573, "ebreak with rd != 0" },
    { 0x10550073, "wfi with rs1 != 0" },
    { 0x12000573, "sfence.vma with rd != 0" },
    { 0x22000073, "hfence.vvma" },
    { 0x16000073, "sinval.vma" },
    { 0x0000200f, "MISC-MEM funct3 2 (cbo)" },
};

static void check_expect(const struct expect *e)
{
    struct insn in;
    int len = cpu_decode(e->bits, &in);
    uint32_t raw = e->len == 2 ? (e->bits & 0xffff) : e->bits;
    bool ok = in.op == e->op && in.rd == e->rd && in.rs1 == e->rs1 &&
              in.rs2 == e->rs2 && in.rs3 == e->rs3 && in.len == e->len &&
              in.rm == e->rm && in.imm == e->imm && in.raw == raw &&
              len == e->len;

    if (!ok)
        printf("# got op=%u rd=%u rs1=%u rs2=%u rs3=%u len=%u/%d rm=%u "
               "imm=%lld raw=0x%x\n", in.op, in.rd, in.rs1, in.rs2, in.rs3,
               in.len, len, in.rm, (long long)in.imm, (unsigned)in.raw);
    check(ok, e->what, e->bits);
}

/* disas_insn's buffer contract: truncated output stays terminated and the
 * return value is the full length. */
static void check_truncation(void)
{
    struct insn in;
    char small[8], big[64];
    int n, full;

    cpu_decode(0x00c58533, &in); /* add a0,a1,a2 */
    full = disas_insn(big, sizeof big, 0, &in);
    memset(small, 'x', sizeof small);
    n = disas_insn(small, sizeof small, 0, &in);
    check(n == full && n == (int)strlen(big) && small[7] == '\0' &&
          strncmp(small, big, 7) == 0, "disas_insn truncates and returns the full length",
          0x00c58533);
    check(disas_insn(NULL, 0, 0, &in) == full, "disas_insn with size 0", 0x00c58533);
}

/* Names the emulator's logs rely on. */
static void check_names(void)
{
    static const struct {
        unsigned csr;
        const char *name;
    } csrs[] = {
        { CSR_MSTATUS, "mstatus" }, { CSR_SSTATUS, "sstatus" }, { CSR_SATP, "satp" },
        { CSR_MEPC, "mepc" }, { CSR_FFLAGS, "fflags" }, { CSR_FRM, "frm" },
        { CSR_FCSR, "fcsr" }, { CSR_CYCLE, "cycle" }, { CSR_TIME, "time" },
        { CSR_INSTRET, "instret" }, { CSR_STIMECMP, "stimecmp" },
        { CSR_MENVCFG, "menvcfg" }, { CSR_PMPCFG0, "pmpcfg0" },
        { CSR_PMPADDR63, "pmpaddr63" }, { CSR_HPMCOUNTER31, "hpmcounter31" },
        { CSR_MHPMEVENT3, "mhpmevent3" }, { CSR_MHPMCOUNTER3, "mhpmcounter3" },
    };
    bool ok = true;

    for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++) {
        const char *got = disas_csr_name(csrs[i].csr);
        if (!got || strcmp(got, csrs[i].name) != 0) {
            printf("# csr 0x%x: got %s, want %s\n", csrs[i].csr, got ? got : "NULL",
                   csrs[i].name);
            ok = false;
        }
    }
    check(ok, "disas_csr_name knows the common CSRs", 0);
    check(disas_csr_name(0x7ff) == NULL && disas_csr_name(0xfff) == NULL,
          "disas_csr_name returns NULL for unknown CSRs", 0);
    check(strcmp(disas_reg_names[0], "zero") == 0 &&
          strcmp(disas_reg_names[2], "sp") == 0 &&
          strcmp(disas_reg_names[8], "s0") == 0 &&
          strcmp(disas_reg_names[31], "t6") == 0, "disas_reg_names", 0);
}

static int cmd_fields(void)
{
    for (size_t i = 0; i < sizeof expects / sizeof expects[0]; i++)
        check_expect(&expects[i]);
    for (size_t i = 0; i < sizeof illegals / sizeof illegals[0]; i++) {
        struct insn in;
        cpu_decode(illegals[i].bits, &in);
        check(in.op == OP_ILLEGAL, illegals[i].what, illegals[i].bits);
    }
    check_truncation();
    check_names();
    return failures != 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "dis") == 0)
        return cmd_dis(argv[2]);
    if (argc == 2 && strcmp(argv[1], "csrs") == 0)
        return cmd_csrs();
    if (argc == 2 && strcmp(argv[1], "ops") == 0) {
        for (int op = 1; op < OP_COUNT; op++) /* skip ILLEGAL */
            printf("%s\n", op_names[op]);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "fields") == 0)
        return cmd_fields();
    fprintf(stderr, "usage: disas_test dis FILE | csrs | ops | fields\n");
    return 2;
}
