/* virtio_blk.c (fuzz target) — the virtio-blk device driven by a guest that
 * may do anything: the input is a list of operations, each a register access
 * at VIRTIO_BASE, a write of arbitrary bytes or descriptors into a 64 KiB
 * RAM, a queue set up at arbitrary (also out-of-RAM) addresses, a notify or
 * a reset at any moment.  Descriptor loops, huge lengths, wrapped ring
 * indices and rings that hang over the end of RAM all come out of these.
 * The first byte picks the disk: the image written through, or -snapshot. */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define RAM_SIZE 0x10000
#define DISK_SIZE 0x10000

/* virtio-mmio registers and values (VIRTIO 1.2, 4.2.2, 2.1, 2.7) */
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INTERRUPT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC 0x080
#define R_QUEUE_DRIVER 0x090
#define R_QUEUE_DEVICE 0x0a0
#define S_DRIVER_READY 0xf /* ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK */

struct queue {
    uint64_t desc, avail, used;
    uint32_t num;
    uint16_t avail_idx;
};

static void reg_write(struct machine *m, uint64_t offset, uint32_t v)
{
    fuzz_write(m, VIRTIO_BASE + offset, 4, v);
}

/* An address: mostly inside RAM, sometimes anywhere at all. */
static uint64_t guest_addr(struct fuzz_input *in)
{
    uint8_t how = fuzz_u8(in);
    if (how < 0xf0)
        return RAM_BASE + fuzz_u16(in);
    return how & 1 ? fuzz_u64(in) : RAM_BASE + RAM_SIZE - (fuzz_u8(in) & 0x3f);
}

static void ram_store(struct machine *m, uint64_t addr, const uint8_t *src, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fuzz_write(m, addr + i, 1, src[i]);
}

static void set_up_queue(struct machine *m, struct queue *q, struct fuzz_input *in)
{
    q->num = fuzz_u8(in) % 8 == 0 ? fuzz_u32(in) : fuzz_u8(in) + 1u;
    q->desc = guest_addr(in);
    q->avail = guest_addr(in);
    q->used = guest_addr(in);
    q->avail_idx = 0;
    reg_write(m, R_STATUS, S_DRIVER_READY);
    reg_write(m, R_QUEUE_NUM, q->num);
    for (int half = 0; half < 2; half++) {
        reg_write(m, R_QUEUE_DESC + 4 * half, (uint32_t)(q->desc >> 32 * half));
        reg_write(m, R_QUEUE_DRIVER + 4 * half, (uint32_t)(q->avail >> 32 * half));
        reg_write(m, R_QUEUE_DEVICE + 4 * half, (uint32_t)(q->used >> 32 * half));
    }
    reg_write(m, R_QUEUE_READY, 1);
}

/* Descriptor i of the table: addr, len, flags, next. */
static void put_desc(struct machine *m, const struct queue *q, struct fuzz_input *in)
{
    uint64_t at = q->desc + 16 * (uint64_t)(fuzz_u8(in) % (q->num ? q->num : 1));
    fuzz_write(m, at, 8, guest_addr(in));
    fuzz_write(m, at + 8, 4, fuzz_u8(in) < 0xe0 ? fuzz_u16(in) : fuzz_u32(in));
    fuzz_write(m, at + 12, 2, fuzz_u8(in) & 7);
    fuzz_write(m, at + 14, 2, fuzz_u8(in));
}

/* A request header { type, reserved, sector } at an address. */
static void put_header(struct machine *m, struct fuzz_input *in)
{
    uint64_t at = guest_addr(in);
    fuzz_write(m, at, 4, fuzz_u8(in) % 10);
    fuzz_write(m, at + 8, 8, fuzz_u8(in) < 0xf0 ? fuzz_u8(in) : fuzz_u64(in));
}

static void push_avail(struct machine *m, struct queue *q, struct fuzz_input *in)
{
    uint32_t num = q->num ? q->num : 1;
    fuzz_write(m, q->avail + 4 + 2 * (uint64_t)(q->avail_idx % num), 2, fuzz_u8(in));
    q->avail_idx = (uint16_t)(q->avail_idx + (fuzz_u8(in) < 0xf8 ? 1 : fuzz_u16(in)));
    fuzz_write(m, q->avail, 2, fuzz_u8(in) & 1); /* flags: NO_INTERRUPT */
    fuzz_write(m, q->avail + 2, 2, q->avail_idx);
}

static void run_op(struct machine *m, struct queue *q, struct fuzz_input *in)
{
    size_t got;
    switch (fuzz_u8(in) % 10) {
    case 0: reg_write(m, (fuzz_u8(in) & 0x3f) * 4u, fuzz_u32(in)); break;
    case 1: fuzz_read(m, VIRTIO_BASE + (fuzz_u16(in) & 0x1ff), 1 << (fuzz_u8(in) & 3)); break;
    case 2: {
        uint64_t at = guest_addr(in);
        const uint8_t *src = fuzz_bytes(in, fuzz_u8(in), &got);
        ram_store(m, at, src, got);
        break;
    }
    case 3: set_up_queue(m, q, in); break;
    case 4: put_desc(m, q, in); break;
    case 5: put_header(m, in); break;
    case 6: push_avail(m, q, in); break;
    case 7: reg_write(m, R_QUEUE_NOTIFY, fuzz_u8(in) < 0xf0 ? 0 : fuzz_u32(in)); break;
    case 8: reg_write(m, R_STATUS, 0); break; /* reset, perhaps mid-request */
    case 9: reg_write(m, R_INTERRUPT_ACK, fuzz_u32(in)); break;
    }
}

static struct machine *make_machine(bool snapshot)
{
    static char path[64];
    int fd = fuzz_memfd("disk", path);
    if (ftruncate(fd, DISK_SIZE) != 0)
        return NULL;
    struct devices_config cfg = {.drive[0] = {.path = path, .snapshot = snapshot}};
    return fuzz_machine(RAM_SIZE, 1, &cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine *plain, *snap;
    if (!plain) {
        plain = make_machine(false);
        snap = make_machine(true);
    }
    struct fuzz_input in = {data, size};
    struct machine *m = fuzz_u8(&in) & 1 ? snap : plain;
    struct queue q = {0};
    memset(m->ram, 0, m->ram_size);
    devices_reset(m);
    for (int ops = 0; in.n && ops < 4096; ops++)
        run_op(m, &q, &in);
    return 0;
}
