/* x64_test.c — the x86-64 encoder (x64.c) against GNU objdump, printing TAP.
 * Built and run by tests/15-x64-encoder.t:
 *
 *   cc -std=c11 -D_GNU_SOURCE -Iinclude -o x64_test tests/unit/x64_test.c x64.c
 *   ./x64_test /tmp/x64.bin
 *
 * Every emitter runs over many operand shapes into one buffer, and each
 * emit records the AT&T text objdump should print for it (and, where the
 * text cannot show an encoding choice such as imm8 vs imm32 or disp8 vs
 * disp32, the length it should have).  The buffer is written to the file
 * named on the command line, disassembled with
 *   objdump -D -b binary -mi386:x86-64
 * and compared instruction by instruction: one TAP line per group, with
 * both texts and the bytes shown for each difference.  The room checks
 * (overflow) are tested directly at the end.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x64.h"

/* -- Names as objdump prints them ------------------------------------------ */

static const char *Q[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *L[] = {"eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
                          "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *W[] = {"ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
                          "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *B[] = {"al",  "cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
                          "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *CC[] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                           "s", "ns", "p", "np", "l", "ge", "le", "g"};
static const char *ALU[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
static const char *SHIFT[] = {"rol", "ror", "", "", "shl", "shr", "", "sar"};

static const char *reg(bool w, int r)
{
    return w ? Q[r] : L[r];
}

/* A rotating set of string buffers, so several can sit in one printf. */
static char *strbuf(void)
{
    static char bufs[8][80];
    static int k;
    return bufs[k++ & 7];
}

/* "$0x.." for an immediate as objdump shows it: sign-extended to the
 * operand's size, printed unsigned. */
static const char *imm(int64_t v, int bytes)
{
    char *s = strbuf();
    uint64_t mask = bytes == 8 ? UINT64_MAX : (1ull << 8 * bytes) - 1;
    snprintf(s, 80, "$0x%" PRIx64, (uint64_t)v & mask);
    return s;
}

static const char *hex_signed(int64_t v)
{
    char *s = strbuf();
    snprintf(s, 80, "%s0x%" PRIx64, v < 0 ? "-" : "", v < 0 ? (uint64_t)-v : (uint64_t)v);
    return s;
}

/* "0x10(%rbx,%rcx,4)" and friends.  rbp and r13 as a base always show a
 * displacement (their encoding needs one); so do RIP and no-base forms. */
static const char *M(struct x64_mem m)
{
    char *s = strbuf();
    bool show_disp = m.disp != 0 || m.base < 0 || m.base == RIP || (m.base & 7) == RBP;
    const char *d = show_disp ? hex_signed(m.disp) : "";
    if (m.base == RIP)
        snprintf(s, 80, "%s(%%rip)", d);
    else if (m.base < 0 && m.index < 0)
        snprintf(s, 80, "%s", d);
    else if (m.index < 0)
        snprintf(s, 80, "%s(%%%s)", d, Q[m.base]);
    else
        snprintf(s, 80, "%s(%s%s,%%%s,%d)", d, m.base < 0 ? "" : "%", m.base < 0 ? "" : Q[m.base],
                 Q[m.index], m.scale);
    return s;
}

/* -- Expected lengths (where the text hides the choice) -------------------- */

static bool hi(int r)
{
    return r >= 8 && r < 16;
}

static bool fits8(int64_t v)
{
    return v >= -128 && v <= 127;
}

/* Bytes after the opcode for a memory operand: ModRM, SIB, displacement. */
static int mem_len(struct x64_mem m)
{
    if (m.base == RIP)
        return 1 + 4;
    if (m.base < 0)
        return 1 + 1 + 4;
    bool sib = m.index >= 0 || (m.base & 7) == RSP;
    int disp = m.disp == 0 && (m.base & 7) != RBP ? 0 : fits8(m.disp) ? 1 : 4;
    return 1 + sib + disp;
}

/* Whether an instruction with these operands needs a REX prefix. */
static bool rex(bool w, int r, struct x64_mem m)
{
    return w || hi(r) || hi(m.base) || hi(m.index);
}

/* -- Recording what we expect ---------------------------------------------- */

static uint8_t code[1 << 20];
static struct x64_buf b;

struct check {
    int group, len, line;
    size_t start, end;
    char want[160];
};
static struct check checks[40000];
static int nchecks;
static const char *groups[128];
static int ngroups;

static void group(const char *name)
{
    groups[ngroups++] = name;
}

static void expect(size_t start, int len, int line, const char *fmt, ...)
{
    struct check *c = &checks[nchecks++];
    *c = (struct check){ngroups - 1, len, line, start, (size_t)(b.p - b.start), ""};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->want, sizeof c->want, fmt, ap);
    va_end(ap);
}

/* Run stmt (one emitter call); objdump should print the text (several
 * instructions separated by "; "), and the bytes should number len (0:
 * not checked). */
#define T(len, stmt, ...)                                                                          \
    do {                                                                                           \
        size_t start_ = (size_t)(b.p - b.start);                                                   \
        stmt;                                                                                      \
        expect(start_, len, __LINE__, __VA_ARGS__);                                                \
    } while (0)

/* The offset of the next instruction, as objdump prints branch targets. */
static size_t off(void)
{
    return (size_t)(b.p - b.start);
}

/* Where code at offset o executes. */
static const void *exec_at(size_t o)
{
    return b.start + o + b.exec_delta;
}

/* -- Operand shapes -------------------------------------------------------- */

static struct x64_mem mems[400];
static int nmems;

static void make_mems(void)
{
    static const int32_t disps[] = {0,     0x10,  -0x10,      0x7f,        0x80,
                                    -0x80, -0x81, 0x12345678, -0x12345678, INT32_MIN};
    for (int base = 0; base < 16; base++)
        for (size_t d = 0; d < sizeof disps / sizeof *disps; d++)
            mems[nmems++] = x64_at(base, disps[d]);
    static const int bases[] = {RAX, RSP, RBP, R12, R13, R15};
    static const int indexes[] = {RAX, RCX, RBP, R12, R13, R15};
    static const int32_t idisps[] = {0, 8, -0x80, 0x1000};
    int k = 0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            for (int s = 1; s <= 8; s *= 2)
                mems[nmems++] = x64_at_idx(bases[i], indexes[j], s, idisps[k++ % 4]);
    mems[nmems++] = x64_at(RIP, 0);
    mems[nmems++] = x64_at(RIP, 0x10);
    mems[nmems++] = x64_at(RIP, -0x10);
    mems[nmems++] = x64_at(RIP, 0x12345678);
    mems[nmems++] = x64_at_idx(-1, RAX, 8, 0x100);
    mems[nmems++] = x64_at_idx(-1, R13, 2, -0x10);
    mems[nmems++] = x64_at(-1, 0x1000);
}

/* A short list of memory operands that still hits every special case. */
static const struct x64_mem *few(int i)
{
    static struct x64_mem f[12];
    f[0] = x64_at(RAX, 0);
    f[1] = x64_at(RSP, 8);
    f[2] = x64_at(RBP, 0);
    f[3] = x64_at(R12, -0x80);
    f[4] = x64_at(R13, 0);
    f[5] = x64_at(R15, 0x1000);
    f[6] = x64_at_idx(RBX, R12, 8, 0x10);
    f[7] = x64_at_idx(R13, RBP, 4, 0);
    f[8] = x64_at_idx(RSP, R9, 1, -4);
    f[9] = x64_at(RIP, 0x40);
    f[10] = x64_at(RDI, 0x12345678);
    f[11] = x64_at(R11, -0x81);
    return &f[i % 12];
}
#define NFEW 12

static const int32_t imms[] = {0, 1, 127, 128, -128, -129, 0x7fffffff, INT32_MIN, -1, 0x1234};
#define NIMMS (int)(sizeof imms / sizeof *imms)

/* -- The emitters ---------------------------------------------------------- */

static void emit_moves(void)
{
    group("mov_rr");
    for (int w = 0; w < 2; w++)
        for (int d = 0; d < 16; d++)
            for (int s = 0; s < 16; s++)
                T(2 + (w || hi(d) || hi(s)), x64_mov_rr(&b, w, d, s), "mov %%%s,%%%s", reg(w, s),
                  reg(w, d));

    group("mov_rm");
    for (int i = 0; i < nmems; i++) {
        int r = i % 16;
        bool w = i % 3 != 0;
        T(rex(w, r, mems[i]) + 1 + mem_len(mems[i]), x64_mov_rm(&b, w, r, mems[i]), "mov %s,%%%s",
          M(mems[i]), reg(w, r));
    }

    group("mov_mr");
    for (int i = 0; i < nmems; i++) {
        int r = (i * 7) % 16;
        bool w = i % 3 != 1;
        T(rex(w, r, mems[i]) + 1 + mem_len(mems[i]), x64_mov_mr(&b, w, mems[i], r), "mov %%%s,%s",
          reg(w, r), M(mems[i]));
    }

    group("mov_ri");
    static const uint64_t vals[] = {0,
                                    1,
                                    0x7f,
                                    0x80,
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff,
                                    0x100000000,
                                    0xffffffff80000000,
                                    0xffffffff7fffffff,
                                    UINT64_MAX,
                                    0x123456789abcdef0,
                                    0x8000000000000000};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        for (int r = 0; r < 16; r++) {
            uint64_t v = vals[i];
            if (v <= UINT32_MAX) /* mov r32, imm32 */
                T(5 + hi(r), x64_mov_ri(&b, r, v), "mov $0x%" PRIx64 ",%%%s", v, L[r]);
            else if ((int64_t)v == (int32_t)v) /* REX.W C7 /0 */
                T(7, x64_mov_ri(&b, r, v), "mov $0x%" PRIx64 ",%%%s", v, Q[r]);
            else
                T(10, x64_mov_ri(&b, r, v), "movabs $0x%" PRIx64 ",%%%s", v, Q[r]);
        }
    }

    group("mov_mi");
    static const char sfx[] = " bw l   q";
    for (int size = 1; size <= 8; size *= 2)
        for (int i = 0; i < NIMMS; i++)
            for (int k = 0; k < 3; k++) {
                const struct x64_mem *m = few(i * 3 + k);
                int ib = size == 8 ? 4 : size;
                T(rex(size == 8, 0, *m) + (size == 2) + 1 + mem_len(*m) + ib,
                  x64_mov_mi(&b, size, *m, imms[i]), "mov%c %s,%s", sfx[size],
                  imm(size == 8 ? (int64_t)imms[i] : imms[i], size), M(*m));
            }

    group("load");
    static const char *zx[] = {"", "movzbl", "movzwl", "", "mov"};
    static const char *sx[] = {"", "movsbq", "movswq", "", "movslq"};
    for (int size = 1; size <= 8; size *= 2)
        for (int sign = 0; sign < 2; sign++)
            for (int i = 0; i < 32; i++) {
                int r = (i * 5) % 16;
                const struct x64_mem *m = few(i);
                bool w = sign || size == 8;
                const char *mn = size == 8 ? "mov" : sign ? sx[size] : zx[size];
                T(0, x64_load(&b, r, *m, size, sign), "%s %s,%%%s", mn, M(*m), reg(w, r));
            }

    group("store");
    for (int size = 1; size <= 8; size *= 2)
        for (int r = 0; r < 16; r++)
            for (int i = 0; i < NFEW; i += 2) {
                const struct x64_mem *m = few(i + r);
                const char *name = size == 1 ? B[r] : size == 2 ? W[r] : reg(size == 8, r);
                /* spl, bpl, sil, dil need a REX byte, even an empty one */
                bool need_rex = rex(size == 8, r, *m) || (size == 1 && r >= 4 && r < 8);
                T(need_rex + (size == 2) + 1 + mem_len(*m), x64_store(&b, *m, r, size),
                  "mov %%%s,%s", name, M(*m));
            }

    group("lea");
    for (int i = 0; i < nmems; i++) {
        int r = (i * 3) % 16;
        bool w = i % 2;
        T(0, x64_lea(&b, w, r, mems[i]), "lea %s,%%%s", M(mems[i]), reg(w, r));
    }

    group("movsxd_rr movzx_rr movsx_rr");
    for (int d = 0; d < 16; d++)
        for (int s = 0; s < 16; s++) {
            T(0, x64_movsxd_rr(&b, d, s), "movslq %%%s,%%%s", L[s], Q[d]);
            T(3 + (hi(d) || hi(s) || (s >= 4 && s < 8)), x64_movzx_rr(&b, d, s, 1),
              "movzbl %%%s,%%%s", B[s], L[d]);
            T(0, x64_movzx_rr(&b, d, s, 2), "movzwl %%%s,%%%s", W[s], L[d]);
            T(0, x64_movsx_rr(&b, false, d, s, 1), "movsbl %%%s,%%%s", B[s], L[d]);
            T(4, x64_movsx_rr(&b, true, d, s, 1), "movsbq %%%s,%%%s", B[s], Q[d]);
            T(0, x64_movsx_rr(&b, false, d, s, 2), "movswl %%%s,%%%s", W[s], L[d]);
            T(0, x64_movsx_rr(&b, true, d, s, 2), "movswq %%%s,%%%s", W[s], Q[d]);
        }
}

static void emit_arith(void)
{
    group("alu_rr");
    for (int op = 0; op < 8; op++)
        for (int w = 0; w < 2; w++)
            for (int d = 0; d < 16; d++)
                for (int s = (d + op) % 4; s < 16; s += 4)
                    T(0, x64_alu_rr(&b, w, op, d, s), "%s %%%s,%%%s", ALU[op], reg(w, s),
                      reg(w, d));

    group("alu_ri");
    for (int op = 0; op < 8; op++)
        for (int w = 0; w < 2; w++)
            for (int i = 0; i < NIMMS; i++)
                for (int r = (op + i) % 3; r < 16; r += 3)
                    T((w || hi(r)) + 2 + (fits8(imms[i]) ? 1 : 4),
                      x64_alu_ri(&b, w, op, r, imms[i]), "%s %s,%%%s", ALU[op],
                      imm(imms[i], w ? 8 : 4), reg(w, r));

    group("alu_rm alu_mr");
    for (int op = 0; op < 8; op++)
        for (int w = 0; w < 2; w++)
            for (int i = 0; i < NFEW; i++) {
                int r = (op * 5 + i) % 16;
                T(0, x64_alu_rm(&b, w, op, r, *few(i)), "%s %s,%%%s", ALU[op], M(*few(i)),
                  reg(w, r));
                T(0, x64_alu_mr(&b, w, op, *few(i), r), "%s %%%s,%s", ALU[op], reg(w, r),
                  M(*few(i)));
            }

    group("alu_mi");
    for (int op = 0; op < 8; op++)
        for (int w = 0; w < 2; w++)
            for (int i = 0; i < NIMMS; i++) {
                const struct x64_mem *m = few(op + i);
                T(rex(w, 0, *m) + 1 + mem_len(*m) + (fits8(imms[i]) ? 1 : 4),
                  x64_alu_mi(&b, w, op, *m, imms[i]), "%s%c %s,%s", ALU[op], w ? 'q' : 'l',
                  imm(imms[i], w ? 8 : 4), M(*m));
            }

    group("test_rr test_ri");
    for (int w = 0; w < 2; w++)
        for (int a = 0; a < 16; a++) {
            for (int c = a % 3; c < 16; c += 3)
                T(0, x64_test_rr(&b, w, a, c), "test %%%s,%%%s", reg(w, c), reg(w, a));
            for (int i = 0; i < NIMMS; i += 2)
                T((w || hi(a)) + 6, x64_test_ri(&b, w, a, imms[(i + a) % NIMMS]), "test %s,%%%s",
                  imm(imms[(i + a) % NIMMS], w ? 8 : 4), reg(w, a));
        }

    group("shift_ri shift_rcl");
    static const int shifts[] = {SHIFT_ROL, SHIFT_ROR, SHIFT_SHL, SHIFT_SHR, SHIFT_SAR};
    static const uint8_t counts[] = {1, 2, 31, 32, 63};
    for (int k = 0; k < 5; k++)
        for (int w = 0; w < 2; w++)
            for (int r = 0; r < 16; r++) {
                int sh = shifts[k];
                for (int c = 0; c < 5; c++) {
                    if (counts[c] == 1)
                        T((w || hi(r)) + 2, x64_shift_ri(&b, w, sh, r, 1), "%s %%%s", SHIFT[sh],
                          reg(w, r));
                    else
                        T((w || hi(r)) + 3, x64_shift_ri(&b, w, sh, r, counts[c]), "%s $0x%x,%%%s",
                          SHIFT[sh], counts[c], reg(w, r));
                }
                T(0, x64_shift_rcl(&b, w, sh, r), "%s %%cl,%%%s", SHIFT[sh], reg(w, r));
            }

    group("imul_rr imul_rri");
    for (int w = 0; w < 2; w++)
        for (int d = 0; d < 16; d++)
            for (int s = d % 4; s < 16; s += 4)
                T(0, x64_imul_rr(&b, w, d, s), "imul %%%s,%%%s", reg(w, s), reg(w, d));
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < NIMMS; i++)
            for (int d = 0; d < 16; d++) {
                int s = (d * 3 + i) % 16;
                T((w || hi(d) || hi(s)) + 2 + (fits8(imms[i]) ? 1 : 4),
                  x64_imul_rri(&b, w, d, s, imms[i]), "imul %s,%%%s,%%%s", imm(imms[i], w ? 8 : 4),
                  reg(w, s), reg(w, d));
            }

    group("mul_r imul1_r div_r idiv_r neg_r not_r cqo cdq");
    for (int w = 0; w < 2; w++)
        for (int r = 0; r < 16; r++) {
            T(0, x64_mul_r(&b, w, r), "mul %%%s", reg(w, r));
            T(0, x64_imul1_r(&b, w, r), "imul %%%s", reg(w, r));
            T(0, x64_div_r(&b, w, r), "div %%%s", reg(w, r));
            T(0, x64_idiv_r(&b, w, r), "idiv %%%s", reg(w, r));
            T(0, x64_neg_r(&b, w, r), "neg %%%s", reg(w, r));
            T(0, x64_not_r(&b, w, r), "not %%%s", reg(w, r));
        }
    T(2, x64_cqo(&b), "cqto");
    T(1, x64_cdq(&b), "cltd");

    group("setcc cmovcc cmovcc_rm");
    for (int cc = 0; cc < 16; cc++)
        for (int r = 0; r < 16; r++) {
            T(3 + (r >= 4), x64_setcc(&b, cc, r), "set%s %%%s", CC[cc], B[r]);
            int s = (r + cc) % 16;
            T(0, x64_cmovcc(&b, r & 1, cc, r, s), "cmov%s %%%s,%%%s", CC[cc], reg(r & 1, s),
              reg(r & 1, r));
            T(0, x64_cmovcc_rm(&b, r & 1, cc, r, *few(r + cc)), "cmov%s %s,%%%s", CC[cc],
              M(*few(r + cc)), reg(r & 1, r));
        }
}

static void emit_control(void)
{
    group("jmp_rel32 jcc_rel32 jmp_rel8 jcc_rel8 call_rel32");
    uint8_t *f;
    T(5, x64_jmp_rel32(&b), "jmp 0x%zx", off());
    T(5, x64_call_rel32(&b), "call 0x%zx", off()); /* off() is read after the emit */
    for (int cc = 0; cc < 16; cc++) {
        T(6, x64_jcc_rel32(&b, cc), "j%s 0x%zx", CC[cc], off());
        T(2, x64_jcc_rel8(&b, cc), "j%s 0x%zx", CC[cc], off());
    }
    T(2, x64_jmp_rel8(&b), "jmp 0x%zx", off());

    group("patch_rel32 patch_rel8 patch_rel32_at");
    size_t back = off();
    for (int cc = 0; cc < 16; cc++) {
        size_t at = off();
        f = x64_jcc_rel32(&b, cc);
        x64_patch_rel32(f, b.start + back);
        expect(at, 6, __LINE__, "j%s 0x%zx", CC[cc], back);
        at = off();
        f = x64_jcc_rel8(&b, cc);
        x64_patch_rel8(f, b.start + back + 2 * cc);
        expect(at, 2, __LINE__, "j%s 0x%zx", CC[cc], back + 2 * cc);
    }
    size_t at = off();
    f = x64_jmp_rel8(&b);
    x64_patch_rel8(f, b.start + at + 2 + 127); /* the longest forward reach */
    expect(at, 2, __LINE__, "jmp 0x%zx", at + 2 + 127);
    at = off();
    f = x64_jmp_rel8(&b);
    x64_patch_rel8(f, b.start + at + 2 - 128);
    expect(at, 2, __LINE__, "jmp 0x%zx", at + 2 - 128);
    at = off();
    f = x64_jmp_rel32(&b);
    x64_patch_rel32_at(f, (uintptr_t)exec_at(at + 1), (uintptr_t)exec_at(0x100000));
    expect(at, 5, __LINE__, "jmp 0x100000");
    at = off();
    f = x64_call_rel32(&b);
    x64_patch_rel32(f, b.start + 0x40);
    expect(at, 5, __LINE__, "call 0x40");

    group("jmp_to jcc_to call_to (exec_delta)");
    for (int cc = 0; cc < 16; cc++) {
        T(6, x64_jcc_to(&b, cc, exec_at(0x1000 * cc)), "j%s 0x%x", CC[cc], 0x1000 * cc);
        T(5, x64_jmp_to(&b, exec_at(off() + 5)), "jmp 0x%zx", off());
        T(5, x64_call_to(&b, exec_at(0x7ff00)), "call 0x7ff00");
    }

    group("patch_rip");
    for (int r = 0; r < 16; r++) {
        at = off();
        x64_lea(&b, true, r, x64_at(RIP, 0));
        x64_patch_rip(&b, exec_at(0x2000 + r));
        expect(at, 7, __LINE__, "lea %s(%%rip),%%%s", hex_signed(0x2000 + r - (int64_t)off()),
               Q[r]);
        at = off();
        x64_movsd_rm(&b, r, x64_at(RIP, 0));
        x64_patch_rip(&b, exec_at(8));
        expect(at, 0, __LINE__, "movsd %s(%%rip),%%xmm%d", hex_signed(8 - (int64_t)off()), r);
    }

    group("jmp_r jmp_m call_r call_m");
    for (int r = 0; r < 16; r++) {
        T(2 + hi(r), x64_jmp_r(&b, r), "jmp *%%%s", Q[r]);
        T(2 + hi(r), x64_call_r(&b, r), "call *%%%s", Q[r]);
        T(0, x64_jmp_m(&b, *few(r)), "jmp *%s", M(*few(r)));
        T(0, x64_call_m(&b, *few(r + 3)), "call *%s", M(*few(r + 3)));
    }

    group("ret push_r pop_r push_m pop_m ud2");
    T(1, x64_ret(&b), "ret");
    T(2, x64_ud2(&b), "ud2");
    for (int r = 0; r < 16; r++) {
        T(1 + hi(r), x64_push_r(&b, r), "push %%%s", Q[r]);
        T(1 + hi(r), x64_pop_r(&b, r), "pop %%%s", Q[r]);
        T(0, x64_push_m(&b, *few(r)), "push %s", M(*few(r)));
        T(0, x64_pop_m(&b, *few(r + 5)), "pop %s", M(*few(r + 5)));
    }

    group("nop");
    static const char *nops[] = {
        "",
        "nop",
        "xchg %ax,%ax",
        "nopl (%rax)",
        "nopl 0x0(%rax)",
        "nopl 0x0(%rax,%rax,1)",
        "nopw 0x0(%rax,%rax,1)",
        "nopl 0x0(%rax)",
        "nopl 0x0(%rax,%rax,1)",
        "nopw 0x0(%rax,%rax,1)",
    };
    for (int n = 1; n <= 15; n++) {
        if (n <= 9)
            T(n, x64_nop(&b, n), "%s", nops[n]);
        else
            T(n, x64_nop(&b, n), "%s; %s", nops[9], nops[n - 9]);
    }
}

static void emit_sse(void)
{
    group("movsd movss (memory)");
    for (int x = 0; x < 16; x++)
        for (int k = 0; k < 2; k++) {
            const struct x64_mem *m = few(x * 2 + k);
            T(0, x64_movsd_rm(&b, x, *m), "movsd %s,%%xmm%d", M(*m), x);
            T(0, x64_movsd_mr(&b, *m, x), "movsd %%xmm%d,%s", x, M(*m));
            T(0, x64_movss_rm(&b, x, *m), "movss %s,%%xmm%d", M(*m), x);
            T(0, x64_movss_mr(&b, *m, x), "movss %%xmm%d,%s", x, M(*m));
        }

    group("movq movd");
    for (int x = 0; x < 16; x++)
        for (int r = x % 3; r < 16; r += 3) {
            T(5, x64_movq_xr(&b, x, r), "movq %%%s,%%xmm%d", Q[r], x);
            T(5, x64_movq_rx(&b, r, x), "movq %%xmm%d,%%%s", x, Q[r]);
            T(4 + (hi(x) || hi(r)), x64_movd_xr(&b, x, r), "movd %%%s,%%xmm%d", L[r], x);
            T(4 + (hi(x) || hi(r)), x64_movd_rx(&b, r, x), "movd %%xmm%d,%%%s", x, L[r]);
        }

    group("sse_rr");
    static const struct {
        enum x64_sse op;
        const char *name;
    } ops[] = {
        {SSE_ADD, "add"},   {SSE_SUB, "sub"}, {SSE_MUL, "mul"}, {SSE_DIV, "div"},
        {SSE_SQRT, "sqrt"}, {SSE_MIN, "min"}, {SSE_MAX, "max"},
    };
    for (int i = 0; i < 7; i++)
        for (int dbl = 0; dbl < 2; dbl++)
            for (int d = 0; d < 16; d++)
                for (int s = (d + i) % 5; s < 16; s += 5)
                    T(0, x64_sse_rr(&b, ops[i].op, dbl, d, s), "%ss%c %%xmm%d,%%xmm%d", ops[i].name,
                      dbl ? 'd' : 's', s, d);

    group("ucomis comis xorps movaps cvtss2sd cvtsd2ss");
    for (int a = 0; a < 16; a++)
        for (int c = a % 4; c < 16; c += 4) {
            for (int dbl = 0; dbl < 2; dbl++) {
                T(0, x64_ucomis(&b, dbl, a, c), "ucomis%c %%xmm%d,%%xmm%d", dbl ? 'd' : 's', c, a);
                T(0, x64_comis(&b, dbl, a, c), "comis%c %%xmm%d,%%xmm%d", dbl ? 'd' : 's', c, a);
            }
            T(0, x64_xorps(&b, a, c), "xorps %%xmm%d,%%xmm%d", c, a);
            T(0, x64_movaps_rr(&b, a, c), "movaps %%xmm%d,%%xmm%d", c, a);
            T(0, x64_cvtss2sd(&b, a, c), "cvtss2sd %%xmm%d,%%xmm%d", c, a);
            T(0, x64_cvtsd2ss(&b, a, c), "cvtsd2ss %%xmm%d,%%xmm%d", c, a);
        }

    group("cvtsi2s cvts2si");
    for (int x = 0; x < 16; x++)
        for (int r = (x * 7) % 16, n = 0; n < 4; n++, r = (r + 5) % 16)
            for (int dbl = 0; dbl < 2; dbl++)
                for (int w = 0; w < 2; w++) {
                    char c = dbl ? 'd' : 's';
                    T(0, x64_cvtsi2s(&b, dbl, w, x, r), "cvtsi2s%c %%%s,%%xmm%d", c, reg(w, r), x);
                    T(0, x64_cvts2si(&b, dbl, w, r, x, false), "cvts%c2si %%xmm%d,%%%s", c, x,
                      reg(w, r));
                    T(0, x64_cvts2si(&b, dbl, w, r, x, true), "cvtts%c2si %%xmm%d,%%%s", c, x,
                      reg(w, r));
                }

    group("ldmxcsr stmxcsr");
    for (int i = 0; i < NFEW; i++) {
        T(0, x64_ldmxcsr(&b, *few(i)), "ldmxcsr %s", M(*few(i)));
        T(0, x64_stmxcsr(&b, *few(i)), "stmxcsr %s", M(*few(i)));
    }

    group("vaddsd vsubsd vmulsd vdivsd vminsd vmaxsd (and ss)");
    for (int i = 0; i < 7; i++)
        for (int dbl = 0; dbl < 2 && ops[i].op != SSE_SQRT; dbl++)
            for (int d = 0; d < 16; d++)
                for (int a = (d + i) % 3; a < 16; a += 3) {
                    int x = (d * 7 + a) % 16;
                    T(5, x64_vsse_rrr(&b, ops[i].op, dbl, d, a, x), "v%ss%c %%xmm%d,%%xmm%d,%%xmm%d",
                      ops[i].name, dbl ? 'd' : 's', x, a, d);
                }

    group("vfmadd231 vfmsub231 vfnmadd231 vfnmsub231");
    static const struct {
        void (*emit)(struct x64_buf *, bool, int, int, int);
        const char *name;
    } fmas[] = {{x64_vfmadd231, "vfmadd231"},
                {x64_vfmsub231, "vfmsub231"},
                {x64_vfnmadd231, "vfnmadd231"},
                {x64_vfnmsub231, "vfnmsub231"}};
    for (int i = 0; i < 4; i++)
        for (int dbl = 0; dbl < 2; dbl++)
            for (int d = 0; d < 16; d++)
                for (int a = (d + i) % 3; a < 16; a += 3) {
                    int x = (d * 5 + a) % 16;
                    T(5, fmas[i].emit(&b, dbl, d, a, x), "%ss%c %%xmm%d,%%xmm%d,%%xmm%d",
                      fmas[i].name, dbl ? 'd' : 's', x, a, d);
                }
}

/* -- Comparing with objdump ------------------------------------------------ */

struct insn {
    size_t off;
    char text[160];
};
static struct insn insns[60000];
static int ninsns;

/* One instruction's text as both sides are compared: no comment, single spaces. */
static void norm(char *s)
{
    char *hash = strchr(s, '#');
    if (hash)
        *hash = 0;
    char *out = s;
    bool space = false;
    for (char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n') {
            space = out != s;
        } else {
            if (space)
                *out++ = ' ';
            space = false;
            *out++ = *p;
        }
    }
    *out = 0;
}

/* objdump's lines "   1a:\t48 89 c3 \tmov    %rax,%rbx"; a long instruction
 * continues on a line of bytes with no text, which is skipped. */
static bool disassemble(const char *bin)
{
    char cmd[512], line[512];
    snprintf(cmd, sizeof cmd, "objdump -D -b binary -mi386:x86-64 '%s'", bin);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    while (fgets(line, sizeof line, p)) {
        char *s = line, *end;
        while (*s == ' ')
            s++;
        unsigned long o = strtoul(s, &end, 16);
        if (end == s || end[0] != ':' || end[1] != '\t')
            continue;
        char *text = strchr(end + 2, '\t');
        if (!text)
            continue;
        struct insn *in = &insns[ninsns++];
        in->off = o;
        snprintf(in->text, sizeof in->text, "%s", text + 1);
        norm(in->text);
    }
    return pclose(p) == 0 && ninsns > 0;
}

static int ntest, nfail;

static void ok(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - ", pass ? "" : "not ", ++ntest);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    nfail += !pass;
}

static void compare(void)
{
    int k = 0, c = 0;
    for (int g = 0; g < ngroups; g++) {
        int n = 0, bad = 0;
        for (; c < nchecks && checks[c].group == g; c++, n++) {
            struct check *ch = &checks[c];
            char got[400] = "";
            while (k < ninsns && insns[k].off < ch->start)
                k++;
            bool boundary = k < ninsns && insns[k].off == ch->start;
            for (; k < ninsns && insns[k].off < ch->end; k++) {
                if (got[0])
                    strcat(got, "; ");
                strncat(got, insns[k].text, sizeof got - strlen(got) - 3);
            }
            char want[160];
            snprintf(want, sizeof want, "%s", ch->want);
            norm(want);
            size_t len = ch->end - ch->start;
            bool len_ok = ch->len == 0 || (size_t)ch->len == len;
            if (boundary && strcmp(want, got) == 0 && len_ok)
                continue;
            if (++bad > 20)
                continue;
            char bytes[64] = "";
            for (size_t i = ch->start; i < ch->end && i < ch->start + 15; i++)
                snprintf(bytes + strlen(bytes), 4, "%02x ", b.start[i]);
            printf("# %s (x64_test.c:%d) at 0x%zx: %s\n", groups[g], ch->line, ch->start, bytes);
            printf("#   want '%s'", want);
            if (!len_ok)
                printf(" in %d bytes", ch->len);
            printf("\n#   got  '%s' in %zu bytes\n", got, len);
        }
        ok(bad == 0, "%s: %d/%d as objdump reads them", groups[g], n - bad, n);
    }
}

/* -- Room checks ----------------------------------------------------------- */

static void overflow(void)
{
    uint8_t small[40];
    memset(small, 0xcc, sizeof small);
    struct x64_buf s;
    x64_buf_init(&s, small, 24, 0);
    x64_mov_ri(&s, RAX, 0x123456789abcdef0); /* 10 bytes: 14 left, < 16 */
    ok(!s.overflow && s.p == small + 10, "overflow: an emit with 16 bytes left fits");
    x64_ret(&s);
    ok(s.overflow && s.p == small + 10, "overflow: an emit with fewer than 16 left sets overflow");
    x64_mov_rr(&s, true, RAX, RBX);
    x64_nop(&s, 15);
    uint8_t *f1 = x64_jmp_rel32(&s), *f2 = x64_jcc_rel8(&s, CC_E);
    bool untouched = true;
    for (int i = 10; i < 40; i++)
        untouched &= small[i] == 0xcc;
    ok(s.p == small + 10 && untouched, "overflow: later emits write nothing");
    ok(f1 != s.p && (f1 < small || f1 >= small + 40) && (f2 < small || f2 >= small + 40),
       "overflow: field pointers point outside the buffer");
    x64_patch_rel32(f1, small);
    x64_patch_rel8(f2, f2);
    ok(true, "overflow: patching a scratch field is harmless");
    ok(x64_here(&s) == s.p, "x64_here is b->p");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: x64_test FILE.bin\n");
        return 2;
    }
    /* Pretend the code runs 1 MiB + 0x1234 above where it is written. */
    x64_buf_init(&b, code, sizeof code, 0x101234);
    make_mems();
    emit_moves();
    emit_arith();
    emit_control();
    emit_sse();
    if (b.overflow || nchecks >= (int)(sizeof checks / sizeof *checks)) {
        printf("Bail out! test buffer too small\n");
        return 1;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(b.start, 1, off(), f) != off() || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", argv[1]);
        return 1;
    }
    if (!disassemble(argv[1])) {
        printf("Bail out! objdump -D -b binary -mi386:x86-64 %s failed\n", argv[1]);
        return 1;
    }
    compare();
    overflow();
    printf("1..%d\n", ntest);
    return nfail != 0;
}
