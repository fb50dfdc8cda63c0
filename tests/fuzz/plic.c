/* plic.c (fuzz target) — the PLIC's register file with two harts: priority,
 * pending, enable, threshold and claim/complete registers, in range and out,
 * written and read with any value, while devices raise and drop their lines.
 * Checks: a claim returns 0 or a real source that was pending and enabled
 * for that context, and completion of anything never breaks the state. */
#include <assert.h>
#include <string.h>

#include "fuzz.h"

#define NHARTS 2
#define CONTEXT_BASE 0x200000
#define CONTEXT_STRIDE 0x1000
#define CLAIM 4

/* An offset in the PLIC window, aimed at its registers most of the time. */
static uint64_t plic_offset(struct fuzz_input *in)
{
    uint8_t kind = fuzz_u8(in), i = fuzz_u8(in);
    unsigned ctx = i % (2 * NHARTS + 2); /* and two contexts with no hart */
    switch (kind % 6) {
    case 0: return 4u * (i % (PLIC_NDEV + 4));                      /* priority */
    case 1: return 0x1000 + 4u * (i % 8);                           /* pending */
    case 2: return 0x2000 + 0x80u * ctx + 4u * (fuzz_u8(in) % 8);  /* enable */
    case 3: return CONTEXT_BASE + CONTEXT_STRIDE * ctx;             /* threshold */
    case 4: return CONTEXT_BASE + CONTEXT_STRIDE * ctx + CLAIM;     /* claim */
    default: return fuzz_u32(in) % PLIC_SIZE;
    }
}

static bool bit_set(const uint32_t *words, uint64_t n)
{
    return (words[n / 32] >> (n % 32)) & 1;
}

static void claim(struct machine *m, unsigned ctx)
{
    struct plic *p = &m->dev->plic;
    uint32_t pending[PLIC_WORDS];
    memcpy(pending, p->pending, sizeof pending);
    uint64_t src = fuzz_read(m, PLIC_BASE + CONTEXT_BASE + CONTEXT_STRIDE * ctx + CLAIM, 4);
    assert(src <= PLIC_NDEV);
    if (src)
        assert(bit_set(pending, src) && bit_set(p->enable[ctx], src));
}

static void run_op(struct machine *m, struct fuzz_input *in)
{
    switch (fuzz_u8(in) % 5) {
    case 0: fuzz_write(m, PLIC_BASE + plic_offset(in), 4, fuzz_u32(in)); break;
    case 1: fuzz_read(m, PLIC_BASE + plic_offset(in), 4); break;
    case 2: plic_set_irq(m, 1 + fuzz_u8(in) % PLIC_NDEV, fuzz_u8(in) & 1); break;
    case 3: claim(m, fuzz_u8(in) % (2 * NHARTS)); break;
    case 4: { /* odd sizes and alignments */
        uint64_t at = PLIC_BASE + plic_offset(in) + (fuzz_u8(in) & 7);
        int size = 1 << (fuzz_u8(in) & 3);
        if (fuzz_u8(in) & 1)
            fuzz_write(m, at, size, fuzz_u64(in));
        else
            fuzz_read(m, at, size);
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine *m;
    if (!m)
        m = fuzz_machine(4096, NHARTS, NULL);
    struct fuzz_input in = {data, size};
    devices_reset(m);
    while (in.n)
        run_op(m, &in);
    return 0;
}
