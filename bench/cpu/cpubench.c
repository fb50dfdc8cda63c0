/* bench/cpu/cpubench.c -- a CPU benchmark that runs the same work in the
 * guest (riscv64-linux-gnu-gcc -O2 -static) and on the host (gcc -O2), so
 * bench/guest can put an emulator's time next to native time.
 *
 *     cpubench [-s SCALE] [KERNEL...]   run kernels (default: all), SCALE
 *                                       times the unit of work (default 1)
 *     cpubench gen BYTES                write BYTES of text-like data to
 *                                       stdout (the input of gzip, bzip2 and
 *                                       md5sum in bench/guest)
 *     cpubench nop                      exit 0 at once
 *
 * For each kernel it prints one line
 *     BENCH cpu.NAME MICROSECONDS CHECKSUM
 * and at the end
 *     BENCH cpu MICROSECONDS CHECKSUM
 * (the format of bench/guest's workload script).  A checksum depends only on
 * the kernel and SCALE: it is the same under every emulator and natively, so
 * a wrong translation shows up as a different number.  For that the double
 * kernels use only +, -, *, / and sqrt, which IEEE 754 rounds exactly, and
 * are built with -ffp-contract=off (a fused multiply-add rounds once, not
 * twice, and gcc fuses on riscv64 but not on plain x86-64).
 *
 * The kernels, each a kind of code an emulator meets in real programs:
 *   sort    merge sort of a linked list: pointer chasing, unpredictable branches
 *   crc32   table-driven CRC-32: loads, shifts, xors in a tight loop
 *   matmul  double matrix multiply: FP multiply-add, strided loads
 *   fsm     a tokenizer's state machine: a switch (indirect jump) per byte
 *   nbody   the n-body simulation: FP divide and square root
 *   mandel  the Mandelbrot set: FP compare and branch in short loops
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng_state;

static void rng_seed(uint64_t s) { rng_state = s ? s : 1; }

static uint64_t rng(void)               /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "cpubench: out of memory\n");
        exit(1);
    }
    return p;
}

/* -- The text the fsm kernel reads and `gen` writes ------------------------ */

static const char *const words[] = {
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was",
    "with", "be", "by", "on", "not", "he", "this", "are", "or", "his", "from",
    "at", "which", "but", "have", "an", "had", "they", "you", "were", "their",
    "one", "all", "we", "can", "her", "has", "there", "been", "if", "more",
    "when", "will", "would", "who", "so", "no", "emulator", "register",
    "instruction", "translation", "block", "page", "kernel", "interrupt",
    "memory", "cache", "branch", "compiler", "function", "pointer", "value",
};
#define NWORDS (sizeof words / sizeof words[0])

/* Fill buf with n bytes of text: words with a skewed frequency, numbers,
 * punctuation and line breaks; compresses about 3:1 like English text. */
static void gen_text(char *buf, size_t n, uint64_t seed)
{
    size_t i = 0, col = 0;
    rng_seed(seed);
    while (i < n) {
        uint64_t r = rng();
        char tmp[32];
        const char *s;
        size_t len;
        if ((r & 15) == 0) {
            len = (size_t)snprintf(tmp, sizeof tmp, "%u", (unsigned)(r >> 40) % 100000);
            s = tmp;
        } else {
            /* min of two draws: the first words are the most frequent */
            unsigned a = (unsigned)(r >> 8) % NWORDS, b = (unsigned)(r >> 24) % NWORDS;
            s = words[a < b ? a : b];
            len = strlen(s);
        }
        for (size_t k = 0; k < len && i < n; k++)
            buf[i++] = s[k];
        col += len + 1;
        if (i < n) {
            unsigned p = (unsigned)(r >> 56);
            buf[i++] = col > 64 ? (col = 0, '\n') : p < 20 ? ',' : p < 28 ? '.' : ' ';
        }
    }
}

static int gen(long long bytes)
{
    enum { CHUNK = 1 << 16 };
    char *buf = xmalloc(CHUNK);
    uint64_t seed = 1;
    while (bytes > 0) {
        size_t n = bytes < CHUNK ? (size_t)bytes : CHUNK;
        gen_text(buf, n, seed++);
        for (size_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, n - off);
            if (w <= 0) {
                perror("cpubench: write");
                return 1;
            }
            off += (size_t)w;
        }
        bytes -= (long long)n;
    }
    free(buf);
    return 0;
}

/* -- sort: bottom-up merge sort of a singly linked list -------------------- */

struct node {
    struct node *next;
    uint64_t key;
};

static struct node *merge(struct node *a, struct node *b)
{
    struct node head, *t = &head;
    while (a && b) {
        if (a->key <= b->key) {
            t->next = a;
            a = a->next;
        } else {
            t->next = b;
            b = b->next;
        }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static struct node *msort(struct node *list)
{
    struct node *bins[64] = {0};
    int top = 0;
    while (list) {
        struct node *one = list;
        list = list->next;
        one->next = NULL;
        int i = 0;
        for (; i < top && bins[i]; i++) {
            one = merge(bins[i], one);
            bins[i] = NULL;
        }
        if (i == top)
            top++;
        bins[i] = one;
    }
    struct node *r = NULL;
    for (int i = 0; i < top; i++)
        if (bins[i])
            r = merge(bins[i], r);
    return r;
}

static uint64_t k_sort(int scale)
{
    enum { N = 50000 };
    struct node *nodes = xmalloc(N * sizeof *nodes);
    uint64_t sum = 0;
    rng_seed(42);
    for (int rep = 0; rep < 3 * scale; rep++) {
        /* link in a scrambled order so the list walks all over memory */
        struct node *list = NULL;
        for (int i = 0; i < N; i++) {
            struct node *n = &nodes[(uint64_t)i * 7919 % N];
            n->key = rng() >> 16;
            n->next = list;
            list = n;
        }
        list = msort(list);
        uint64_t pos = 0, prev = 0;
        for (struct node *n = list; n; n = n->next, pos++) {
            if (n->key < prev) {
                fprintf(stderr, "cpubench: sort: not sorted\n");
                exit(1);
            }
            prev = n->key;
            sum = mix(sum, n->key ^ pos);
        }
    }
    free(nodes);
    return sum;
}

/* -- crc32: the reflected CRC-32 of zlib and Ethernet, a byte at a time ----- */

static uint64_t k_crc32(int scale)
{
    enum { LEN = 1 << 16 };
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    unsigned char *buf = xmalloc(LEN);
    rng_seed(7);
    for (int i = 0; i < LEN; i++)
        buf[i] = (unsigned char)(rng() >> 56);
    uint32_t crc = 0;
    for (int rep = 0; rep < 40 * scale; rep++) {
        uint32_t c = ~crc;
        for (int i = 0; i < LEN; i++)
            c = table[(c ^ buf[i]) & 0xFF] ^ (c >> 8);
        crc = ~c;
        buf[rep % LEN] ^= (unsigned char)crc;   /* each pass differs */
    }
    free(buf);
    return crc;
}

/* -- matmul: C = A * B, doubles, i-k-j order ---------------------------------- */

static uint64_t k_matmul(int scale)
{
    enum { N = 120 };
    double *a = xmalloc(N * N * sizeof *a), *b = xmalloc(N * N * sizeof *b);
    double *c = xmalloc(N * N * sizeof *c);
    rng_seed(3);
    for (int i = 0; i < N * N; i++) {
        a[i] = (double)(int64_t)(rng() >> 44) / 1048576.0 - 0.5;
        b[i] = (double)(int64_t)(rng() >> 44) / 1048576.0 - 0.5;
    }
    uint64_t sum = 0;
    for (int rep = 0; rep < 4 * scale; rep++) {
        for (int i = 0; i < N * N; i++)
            c[i] = 0;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i * N + k];
                for (int j = 0; j < N; j++)
                    c[i * N + j] += aik * b[k * N + j];
            }
        double t = 0;
        for (int i = 0; i < N * N; i++)
            t += c[i];
        sum = mix(sum, dbits(t));
        a[rep % (N * N)] = t / (N * N);      /* the next product differs */
    }
    free(a);
    free(b);
    free(c);
    return sum;
}

/* -- fsm: a tokenizer's state machine over generated text ------------------- */

enum cls { C_SPACE, C_ALPHA, C_DIGIT, C_PUNCT, C_NL };
enum state { S_START, S_WORD, S_NUMBER, S_PUNCT, S_LINE };

static uint64_t k_fsm(int scale)
{
    enum { LEN = 1 << 18 };
    char *text = xmalloc(LEN);
    gen_text(text, LEN, 99);
    unsigned char cls[256];
    for (int ch = 0; ch < 256; ch++)
        cls[ch] = ch == '\n' ? C_NL : ch == ' ' ? C_SPACE
                : (ch >= 'a' && ch <= 'z') ? C_ALPHA : (ch >= '0' && ch <= '9') ? C_DIGIT
                : C_PUNCT;
    uint64_t h = 0, words = 0, numbers = 0, lines = 0, value = 0, wordhash = 0;
    for (int rep = 0; rep < 4 * scale; rep++) {
        enum state s = S_START;
        for (int i = 0; i < LEN; i++) {
            unsigned char ch = (unsigned char)text[i];
            switch (s) {
            case S_START:
            case S_PUNCT:
            case S_LINE:
                switch (cls[ch]) {
                case C_ALPHA: s = S_WORD; wordhash = ch; break;
                case C_DIGIT: s = S_NUMBER; value = ch - '0'; break;
                case C_PUNCT: s = S_PUNCT; h = mix(h, ch); break;
                case C_NL: s = S_LINE; lines++; break;
                default: s = S_START; break;
                }
                break;
            case S_WORD:
                switch (cls[ch]) {
                case C_ALPHA: wordhash = wordhash * 31 + ch; break;
                case C_DIGIT: s = S_NUMBER; value = ch - '0'; words++; break;
                case C_NL: s = S_LINE; lines++; words++; h = mix(h, wordhash); break;
                default: s = S_START; words++; h = mix(h, wordhash); break;
                }
                break;
            case S_NUMBER:
                switch (cls[ch]) {
                case C_DIGIT: value = value * 10 + (ch - '0'); break;
                case C_ALPHA: s = S_WORD; wordhash = ch; numbers++; break;
                case C_NL: s = S_LINE; lines++; numbers++; h = mix(h, value); break;
                default: s = S_START; numbers++; h = mix(h, value); break;
                }
                break;
            }
        }
        text[(rep * 4099) % LEN] = (char)('a' + rep % 26);
    }
    free(text);
    return mix(mix(mix(h, words), numbers), lines);
}

/* -- nbody: five bodies under gravity, the classic benchmark ---------------- */

static uint64_t k_nbody(int scale)
{
    enum { NB = 5 };
    const double pi = 3.141592653589793, days = 365.24;
    const double solar = 4 * pi * pi;
    double x[NB][3] = {
        {0, 0, 0},
        {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01},
        {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01},
        {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01},
        {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01}};
    double v[NB][3] = {
        {0, 0, 0},
        {1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05},
        {-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05},
        {2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05},
        {2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05}};
    double m[NB] = {1, 9.54791938424326609e-04, 2.85885980666130812e-04,
                    4.36624404335156298e-05, 5.15138902046611451e-05};
    for (int i = 0; i < NB; i++) {
        m[i] *= solar;
        for (int k = 0; k < 3; k++)
            v[i][k] *= days;
    }
    for (int i = 1; i < NB; i++)            /* the sun takes the momentum */
        for (int k = 0; k < 3; k++)
            v[0][k] -= v[i][k] * m[i] / solar;
    const double dt = 0.01;
    for (int step = 0; step < 60000 * scale; step++) {
        for (int i = 0; i < NB; i++)
            for (int j = i + 1; j < NB; j++) {
                double dx = x[i][0] - x[j][0], dy = x[i][1] - x[j][1], dz = x[i][2] - x[j][2];
                double d2 = dx * dx + dy * dy + dz * dz;
                double mag = dt / (d2 * sqrt(d2));
                v[i][0] -= dx * m[j] * mag;
                v[i][1] -= dy * m[j] * mag;
                v[i][2] -= dz * m[j] * mag;
                v[j][0] += dx * m[i] * mag;
                v[j][1] += dy * m[i] * mag;
                v[j][2] += dz * m[i] * mag;
            }
        for (int i = 0; i < NB; i++)
            for (int k = 0; k < 3; k++)
                x[i][k] += dt * v[i][k];
    }
    double e = 0;                           /* the energy, which must not drift */
    for (int i = 0; i < NB; i++) {
        e += 0.5 * m[i] * (v[i][0] * v[i][0] + v[i][1] * v[i][1] + v[i][2] * v[i][2]);
        for (int j = i + 1; j < NB; j++) {
            double dx = x[i][0] - x[j][0], dy = x[i][1] - x[j][1], dz = x[i][2] - x[j][2];
            e -= m[i] * m[j] / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return dbits(e);
}

/* -- mandel: escape-time iteration counts over a grid ----------------------- */

static uint64_t k_mandel(int scale)
{
    enum { W = 160, H = 120, MAXIT = 200 };
    uint64_t h = 0;
    for (int rep = 0; rep < scale; rep++) {
        double zoom = 1.0 / (1 + rep);
        for (int py = 0; py < H; py++) {
            double ci = (py - H / 2) * 2.4 / H * zoom;
            uint64_t row = 0;
            for (int px = 0; px < W; px++) {
                double cr = -0.745 + (px - W / 2) * 3.2 / W * zoom;
                double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
                int it = 0;
                while (it < MAXIT && zr2 + zi2 <= 4.0) {
                    zi = 2 * zr * zi + ci;
                    zr = zr2 - zi2 + cr;
                    zr2 = zr * zr;
                    zi2 = zi * zi;
                    it++;
                }
                row = row * 131 + (uint64_t)it;
            }
            h = mix(h, row);
        }
    }
    return h;
}

/* -- The driver ------------------------------------------------------------ */

static const struct kernel {
    const char *name;
    uint64_t (*run)(int scale);
} kernels[] = {
    {"sort", k_sort}, {"crc32", k_crc32}, {"matmul", k_matmul},
    {"fsm", k_fsm},   {"nbody", k_nbody}, {"mandel", k_mandel},
};
#define NKERNELS (sizeof kernels / sizeof kernels[0])

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int usage(void)
{
    fprintf(stderr, "usage: cpubench [-s SCALE] [sort|crc32|matmul|fsm|nbody|mandel...]\n"
                    "       cpubench gen BYTES\n"
                    "       cpubench nop\n");
    return 2;
}

int main(int argc, char **argv)
{
    int scale = 1, first = 1;
    if (argc >= 2 && !strcmp(argv[1], "nop"))
        return 0;
    if (argc == 3 && !strcmp(argv[1], "gen"))
        return gen(atoll(argv[2]));
    if (argc >= 3 && !strcmp(argv[1], "-s")) {
        scale = atoi(argv[2]);
        first = 3;
        if (scale < 1)
            return usage();
    }
    int want[NKERNELS] = {0}, any = 0;
    for (int a = first; a < argc; a++) {
        size_t k = 0;
        while (k < NKERNELS && strcmp(argv[a], kernels[k].name))
            k++;
        if (k == NKERNELS)
            return usage();
        want[k] = any = 1;
    }
    uint64_t total = 0;
    long long t_all = 0;
    for (size_t k = 0; k < NKERNELS; k++) {
        if (any && !want[k])
            continue;
        long long t0 = now_us();
        uint64_t sum = kernels[k].run(scale);
        long long us = now_us() - t0;
        t_all += us;
        total = mix(total, sum);
        printf("BENCH cpu.%s %lld %016llx\n", kernels[k].name, us, (unsigned long long)sum);
        fflush(stdout);
    }
    printf("BENCH cpu %lld %016llx\n", t_all, (unsigned long long)total);
    return 0;
}
