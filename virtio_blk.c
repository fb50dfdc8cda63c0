/* virtio_blk.c — a virtio block device on the virtio-mmio transport
 * (version 2, "modern"), backed by a raw disk image.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2 (OASIS): 2.1 status, 2.2
 * feature bits, 2.7 split virtqueues (2.7.5 descriptor table, 2.7.5.3
 * indirect descriptors, 2.7.6 available ring, 2.7.8 used ring), 4.2.2 the
 * MMIO register layout, 5.2 the block device.
 *
 * One queue (0) of up to 256 entries.  A QueueNotify write serves every new
 * available entry at once, synchronously: each request goes to the image
 * with pread/pwrite (or the in-memory overlay under -snapshot), its status
 * byte and a used-ring entry are written, and then one used-buffer
 * interrupt is raised (InterruptStatus bit 0, PLIC source 1) unless the
 * driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
 *
 * A request is a descriptor chain: device-readable bytes (the 16-byte header
 * { le32 type; le32 reserved; le64 sector; } then, for OUT, the data) and
 * device-writable bytes (for IN and GET_ID the data, then the status byte,
 * always the last byte of the chain).  Buffers may be cut anywhere
 * (VIRTIO_F_ANY_LAYOUT is implied by VERSION_1), so the code walks the
 * chain's segments instead of assuming three descriptors.
 *
 * What the guest can get wrong, and what it gets:
 *   - a sector range outside the disk, a length that is not whole sectors,
 *     a data buffer outside RAM, a host I/O error: status IOERR (1);
 *   - an unknown request type: status UNSUPP (2);
 *   - a chain we cannot follow (a descriptor index past the table, a loop,
 *     more than BLK_MAX_SEGS buffers, a bad indirect table, no writable status
 *     byte in RAM) or rings outside RAM: DEVICE_NEEDS_RESET is set, a
 *     configuration-change interrupt raised, and the queue stops until the
 *     driver resets the device.  Nothing the guest writes can crash or hang
 *     dbt: every walk is bounded and every address checked with mmu_ram_ptr.
 *
 * -snapshot keeps modified 4 KiB blocks in a hash in memory and never writes
 * the image, which is opened read-only.  Without -drive the transport is
 * still there with device ID 0, as QEMU virt leaves its empty slots.
 *
 * Each -drive is one such device on its own slot (devices.c creates eight,
 * as QEMU's virt has).  A host write error is the guest's I/O error, and is
 * said once per disk on stderr too: a full host disk should not go unseen. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"

/* -- virtio-mmio registers (4.2.2) -------------------------------------------- */
#define VIRTIO_MAGIC_VALUE 0x000         /* R  "virt" */
#define VIRTIO_VERSION 0x004             /* R  2 */
#define VIRTIO_DEVICE_ID 0x008           /* R  2 = block, 0 = nothing here */
#define VIRTIO_VENDOR_ID 0x00c           /* R */
#define VIRTIO_DEVICE_FEATURES 0x010     /* R  32 bits, chosen by ..._SEL */
#define VIRTIO_DEVICE_FEATURES_SEL 0x014 /* W */
#define VIRTIO_DRIVER_FEATURES 0x020     /* W */
#define VIRTIO_DRIVER_FEATURES_SEL 0x024 /* W */
#define VIRTIO_QUEUE_SEL 0x030           /* W */
#define VIRTIO_QUEUE_NUM_MAX 0x034       /* R  0: no such queue */
#define VIRTIO_QUEUE_NUM 0x038           /* W */
#define VIRTIO_QUEUE_READY 0x044         /* RW */
#define VIRTIO_QUEUE_NOTIFY 0x050        /* W  queue index */
#define VIRTIO_INTERRUPT_STATUS 0x060    /* R */
#define VIRTIO_INTERRUPT_ACK 0x064       /* W */
#define VIRTIO_STATUS 0x070              /* RW, 0 resets */
#define VIRTIO_QUEUE_DESC_LOW 0x080      /* W  descriptor table */
#define VIRTIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_QUEUE_DRIVER_LOW 0x090 /* W  available ring */
#define VIRTIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_QUEUE_DEVICE_LOW 0x0a0 /* W  used ring */
#define VIRTIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_SHM_SEL 0x0ac     /* W  shared memory regions: none */
#define VIRTIO_SHM_LEN_LOW 0x0b0 /* R  -1: no such region */
#define VIRTIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_CONFIG_GENERATION 0x0fc /* R */
#define VIRTIO_CONFIG 0x100            /* device configuration space */

#define VIRTIO_MAGIC 0x74726976  /* "virt", little-endian */
#define VIRTIO_VENDOR 0x554d4551 /* "QEMU": what guests built for virt expect */
#define VIRTIO_ID_BLOCK 2

/* Device status (2.1) */
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_NEEDS_RESET 64
#define STATUS_FAILED 128

/* InterruptStatus bits */
#define INT_USED_BUFFER 1
#define INT_CONFIG 2

/* Feature bits (2.2, 5.2.3, 6) */
#define F_BLK_SEG_MAX (1ULL << 2)
#define F_BLK_RO (1ULL << 5)
#define F_BLK_BLK_SIZE (1ULL << 6)
#define F_BLK_FLUSH (1ULL << 9)
#define F_RING_INDIRECT_DESC (1ULL << 28)
#define F_VERSION_1 (1ULL << 32)

/* Split virtqueue layout (2.7): all fields little-endian */
#define DESC_SIZE 16 /* le64 addr; le32 len; le16 flags; le16 next */
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2         /* device-writable */
#define DESC_F_INDIRECT 4      /* addr/len is a table of descriptors */
#define AVAIL_F_NO_INTERRUPT 1 /* avail: le16 flags; le16 idx; le16 ring[num] */
#define USED_ELEM_SIZE 8       /* used: le16 flags; le16 idx; {le32 id; le32 len} ring[num] */

/* Block device configuration (5.2.4) */
#define CFG_CAPACITY 0x00 /* le64, in 512-byte sectors */
#define CFG_SEG_MAX 0x0c  /* le32 */
#define CFG_BLK_SIZE 0x14 /* le32 */
#define CFG_SIZE 0x24     /* through num_queues; the rest reads as zero */

/* Requests (5.2.6) */
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2
#define REQ_HEADER_SIZE 16
#define BLK_ID_BYTES 20

#define SECTOR_SIZE 512
#define BLK_SEG_MAX (BLK_QUEUE_MAX - 2) /* data buffers besides header and status */
#define OVERLAY_BLOCK 4096
#define BLK_SERIAL "dbt-virtio-blk"

/* -- Little-endian guest memory --------------------------------------------------- */

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Every store of the device into guest RAM passes here.  The JIT must hear
 * of it once it tracks pages that hold translated code (a disk read can load
 * a program over old code): see the header changes asked of mmu.h. */
/* Device writes into guest RAM are reported to the page watchers (code the
 * JIT translated from a page a read lands in must be invalidated). */
static void ram_written(struct virtio_blk *b, uint64_t paddr, uint64_t len)
{
    mmu_ram_written(b->m, paddr, len);
}

/* -- The image and the snapshot overlay ------------------------------------------ */

/* pread until len bytes or end of file; the count read, or -1. */
static ssize_t pread_all(int fd, uint8_t *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static bool pwrite_all(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(fd, buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = EIO; /* no progress and no reason given */
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* Open addressing with linear probing; cap is a power of two, at most half full. */
static size_t overlay_slot(const struct overlay *o, uint64_t block)
{
    int bits = __builtin_ctzll(o->cap);
    size_t i = (size_t)((block * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
    while (o->keys[i] && o->keys[i] != block + 1)
        i = (i + 1) & (o->cap - 1);
    return i;
}

static uint8_t *overlay_find(const struct overlay *o, uint64_t block)
{
    if (!o->count)
        return NULL;
    size_t i = overlay_slot(o, block);
    return o->keys[i] ? o->blocks[i] : NULL;
}

static bool overlay_grow(struct overlay *o)
{
    struct overlay n = {.cap = o->cap ? 2 * o->cap : 1024, .count = o->count};
    n.keys = calloc(n.cap, sizeof *n.keys);
    n.blocks = calloc(n.cap, sizeof *n.blocks);
    if (!n.keys || !n.blocks) {
        free(n.keys);
        free(n.blocks);
        return false;
    }
    for (size_t i = 0; i < o->cap; i++) {
        if (o->keys[i]) {
            size_t j = overlay_slot(&n, o->keys[i] - 1);
            n.keys[j] = o->keys[i];
            n.blocks[j] = o->blocks[i];
        }
    }
    free(o->keys);
    free(o->blocks);
    *o = n;
    return true;
}

/* A private copy of an image block, made on its first write; NULL when out
 * of memory or the image cannot be read. */
static uint8_t *overlay_add(struct disk *d, uint64_t block)
{
    struct overlay *o = &d->overlay;
    if (2 * (o->count + 1) > o->cap && !overlay_grow(o))
        return NULL;
    uint8_t *data = malloc(OVERLAY_BLOCK);
    if (!data)
        return NULL;
    ssize_t n = pread_all(d->fd, data, OVERLAY_BLOCK, block * OVERLAY_BLOCK);
    if (n < 0) {
        free(data);
        return NULL;
    }
    memset(data + n, 0, OVERLAY_BLOCK - (size_t)n); /* a partial last block */
    size_t i = overlay_slot(o, block);
    o->keys[i] = block + 1;
    o->blocks[i] = data;
    o->count++;
    return data;
}

static void overlay_free(struct overlay *o)
{
    for (size_t i = 0; i < o->cap; i++)
        free(o->blocks[i]);
    free(o->keys);
    free(o->blocks);
    memset(o, 0, sizeof *o);
}

static bool disk_read(struct disk *d, uint64_t off, uint8_t *buf, size_t len)
{
    if (!d->overlay.count)
        return pread_all(d->fd, buf, len, off) == (ssize_t)len;
    while (len) {
        size_t in = (size_t)(off % OVERLAY_BLOCK);
        size_t piece = len < OVERLAY_BLOCK - in ? len : OVERLAY_BLOCK - in;
        const uint8_t *mine = overlay_find(&d->overlay, off / OVERLAY_BLOCK);
        if (mine)
            memcpy(buf, mine + in, piece);
        else if (pread_all(d->fd, buf, piece, off) != (ssize_t)piece)
            return false;
        off += piece, buf += piece, len -= piece;
    }
    return true;
}

/* A host I/O error while writing: the guest gets IOERR, the user hears of
 * it once per disk (the guest may well keep quiet about it). */
static bool disk_host_error(struct disk *d, const char *what)
{
    if (!d->write_error_reported) {
        d->write_error_reported = true;
        fprintf(stderr, "dbt: -drive file=%s: %s: %s (the guest gets an I/O error)\n",
                d->path ? d->path : "?", what, strerror(errno));
        fflush(stderr);
    }
    return false;
}

static bool disk_write(struct disk *d, uint64_t off, uint8_t *buf, size_t len)
{
    if (d->readonly)
        return false;
    if (!d->snapshot)
        return pwrite_all(d->fd, buf, len, off) || disk_host_error(d, "host write error");
    while (len) {
        size_t in = (size_t)(off % OVERLAY_BLOCK);
        size_t piece = len < OVERLAY_BLOCK - in ? len : OVERLAY_BLOCK - in;
        uint8_t *mine = overlay_find(&d->overlay, off / OVERLAY_BLOCK);
        if (!mine && !(mine = overlay_add(d, off / OVERLAY_BLOCK)))
            return false;
        memcpy(mine + in, buf, piece);
        off += piece, buf += piece, len -= piece;
    }
    return true;
}

static bool disk_flush(struct disk *d)
{
    if (d->readonly || d->snapshot)
        return true;
    /* A file system that cannot sync (EINVAL, EROFS) has nothing to flush. */
    return fdatasync(d->fd) == 0 || errno == EINVAL || errno == EROFS ||
           disk_host_error(d, "host flush error");
}

static bool disk_in_range(const struct disk *d, uint64_t sector, uint64_t len)
{
    uint64_t sectors = d->size / SECTOR_SIZE;
    return len % SECTOR_SIZE == 0 && sector <= sectors && len / SECTOR_SIZE <= sectors - sector;
}

static bool disk_fail(struct disk *d, const char *path, const char *why)
{
    fprintf(stderr, "dbt: -drive file=%s: %s\n", path, why);
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    return false;
}

static bool disk_open(struct disk *d, const struct drive_config *cfg)
{
    const char *path = cfg->path;
    d->path = path;
    d->readonly = cfg->readonly;
    d->snapshot = cfg->snapshot;
    bool writes = !d->readonly && !d->snapshot;
    d->fd = open(path, (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (d->fd < 0)
        return disk_fail(d, path, strerror(errno));
    struct stat st;
    if (fstat(d->fd, &st) < 0)
        return disk_fail(d, path, strerror(errno));
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return disk_fail(d, path, "not a regular file or block device");
    /* Two emulators writing one image would corrupt it: lock it as QEMU does. */
    if (flock(d->fd, (writes ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0 && errno == EWOULDBLOCK)
        return disk_fail(d, path, "in use by another process (locked)");
    off_t end = lseek(d->fd, 0, SEEK_END);
    if (end < 0)
        return disk_fail(d, path, strerror(errno));
    d->size = (uint64_t)end / SECTOR_SIZE * SECTOR_SIZE; /* a partial last sector is unseen */
    return true;
}

/* -- Descriptor chains ----------------------------------------------------------- */

/* A request's buffers, in b->segs[0..n). */
struct chain {
    int n;
    uint64_t rlen, wlen; /* device-readable and device-writable bytes */
    bool bad;            /* a buffer outside RAM, or readable after writable */
};

static bool chain_add(struct virtio_blk *b, struct chain *c, uint64_t addr, uint32_t len,
                      bool write)
{
    if (c->n >= BLK_MAX_SEGS)
        return false;
    struct blk_seg *s = &b->segs[c->n++];
    s->addr = addr;
    s->len = len;
    s->write = write;
    s->p = mmu_ram_ptr(b->m, addr, len);
    if (!s->p)
        c->bad = true;
    if (write) {
        c->wlen += len;
    } else {
        c->bad |= c->wlen != 0; /* 2.7.4.2: readable buffers come first */
        c->rlen += len;
    }
    return true;
}

/* Follow the chain from `head` (2.7.5), through at most one indirect table
 * (whose descriptor's own NEXT flag is ignored: the chain ends with the
 * table).  False if it cannot be followed.  Each table is walked at most as
 * many steps as it has entries, so a loop ends the walk. */
static bool chain_walk(struct virtio_blk *b, const uint8_t *desc, uint16_t head, struct chain *c)
{
    const uint8_t *table = desc;
    uint32_t entries = b->q.num, steps = 0, i = head;
    bool indirect = false;
    memset(c, 0, sizeof *c);
    for (;;) {
        if (i >= entries || ++steps > entries)
            return false;
        const uint8_t *d = table + (size_t)DESC_SIZE * i;
        uint64_t addr = get64(d);
        uint32_t len = get32(d + 8);
        uint16_t flags = get16(d + 12), next = get16(d + 14);
        if (flags & DESC_F_INDIRECT) {
            /* 2.7.5.3.1: not inside an indirect table; whole entries */
            if (indirect || len < DESC_SIZE || len % DESC_SIZE)
                return false;
            if (!(table = mmu_ram_ptr(b->m, addr, len)))
                return false;
            entries = len / DESC_SIZE;
            steps = i = 0;
            indirect = true;
            continue;
        }
        if (!chain_add(b, c, addr, len, flags & DESC_F_WRITE))
            return false;
        if (!(flags & DESC_F_NEXT))
            return true;
        i = next;
    }
}

/* Copy len device-readable bytes, starting skip bytes in, to dst. */
static void chain_gather(const struct virtio_blk *b, const struct chain *c, uint64_t skip,
                         uint8_t *dst, size_t len)
{
    for (int i = 0; i < c->n && len; i++) {
        const struct blk_seg *s = &b->segs[i];
        if (s->write)
            continue;
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        size_t piece = s->len - skip < len ? (size_t)(s->len - skip) : len;
        memcpy(dst, s->p + skip, piece);
        dst += piece, len -= piece, skip = 0;
    }
}

/* Move len bytes between the disk at off and the chain's buffers on one side
 * (device-writable for IN, device-readable for OUT), starting skip bytes in. */
static bool chain_io(struct virtio_blk *b, const struct chain *c, bool in, uint64_t skip,
                     uint64_t len, uint64_t off)
{
    for (int i = 0; i < c->n && len; i++) {
        struct blk_seg *s = &b->segs[i];
        if (s->write != in)
            continue;
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        size_t piece = s->len - skip < len ? (size_t)(s->len - skip) : (size_t)len;
        bool ok = in ? disk_read(&b->disk, off, s->p + skip, piece)
                     : disk_write(&b->disk, off, s->p + skip, piece);
        if (in)
            ram_written(b, s->addr + skip, piece);
        if (!ok)
            return false;
        off += piece, len -= piece, skip = 0;
    }
    return true;
}

/* -- Requests (5.2.6) --------------------------------------------------------------- */

/* Data: the writable bytes before the status byte. */
static uint8_t blk_in(struct virtio_blk *b, const struct chain *c, uint64_t sector,
                      uint32_t *written)
{
    uint64_t len = c->wlen - 1;
    if (!disk_in_range(&b->disk, sector, len))
        return S_IOERR;
    *written = (uint32_t)len;
    return chain_io(b, c, true, 0, len, sector * SECTOR_SIZE) ? S_OK : S_IOERR;
}

/* Data: the readable bytes after the header. */
static uint8_t blk_out(struct virtio_blk *b, const struct chain *c, uint64_t sector)
{
    uint64_t len = c->rlen - REQ_HEADER_SIZE;
    if (b->disk.readonly || !disk_in_range(&b->disk, sector, len))
        return S_IOERR;
    return chain_io(b, c, false, REQ_HEADER_SIZE, len, sector * SECTOR_SIZE) ? S_OK : S_IOERR;
}

/* The serial number: 20 bytes, NUL-padded, into the writable data. */
static uint8_t blk_get_id(struct virtio_blk *b, const struct chain *c, uint32_t *written)
{
    uint8_t id[BLK_ID_BYTES] = {0};
    memcpy(id, BLK_SERIAL, sizeof BLK_SERIAL - 1);
    uint64_t len = c->wlen - 1 < BLK_ID_BYTES ? c->wlen - 1 : BLK_ID_BYTES;
    const uint8_t *src = id;
    for (int i = 0; i < c->n && len; i++) {
        struct blk_seg *s = &b->segs[i];
        if (!s->write)
            continue;
        size_t piece = s->len < len ? s->len : (size_t)len;
        memcpy(s->p, src, piece);
        ram_written(b, s->addr, piece);
        src += piece, len -= piece;
        *written += (uint32_t)piece;
    }
    return S_OK;
}

static uint8_t blk_execute(struct virtio_blk *b, const struct chain *c, uint32_t *written)
{
    uint8_t header[REQ_HEADER_SIZE];
    if (c->bad || c->rlen < REQ_HEADER_SIZE)
        return S_IOERR;
    chain_gather(b, c, 0, header, sizeof header);
    uint32_t type = get32(header);
    uint64_t sector = get64(header + 8);
    switch (type) {
    case T_IN: return blk_in(b, c, sector, written);
    case T_OUT: return blk_out(b, c, sector);
    case T_FLUSH: return disk_flush(&b->disk) ? S_OK : S_IOERR;
    case T_GET_ID: return blk_get_id(b, c, written);
    default: return S_UNSUPP;
    }
}

/* Serve the chain at head; false if it is malformed.  *used_len gets the
 * bytes written into the chain, status byte included. */
static bool blk_serve(struct virtio_blk *b, const uint8_t *desc, uint16_t head, uint32_t *used_len)
{
    struct chain c;
    if (!chain_walk(b, desc, head, &c) || c.n == 0)
        return false;
    struct blk_seg *last = &b->segs[c.n - 1];
    if (!last->write || last->len == 0 || !last->p)
        return false; /* nowhere to say how it went */
    uint32_t written = 0;
    uint8_t status = blk_execute(b, &c, &written);
    last->p[last->len - 1] = status;
    ram_written(b, last->addr + last->len - 1, 1);
    *used_len = written + 1;
    return true;
}

/* -- The transport ---------------------------------------------------------------- */

static void blk_update_irq(struct virtio_blk *b)
{
    plic_set_irq(b->m, b->irq, b->interrupt_status != 0);
}

/* 2.1.2: the device is broken until the driver resets it. */
static void blk_needs_reset(struct virtio_blk *b)
{
    b->status |= STATUS_NEEDS_RESET;
    if (b->status & STATUS_DRIVER_OK) {
        b->interrupt_status |= INT_CONFIG;
        blk_update_irq(b);
    }
}

static uint64_t blk_features(const struct virtio_blk *b)
{
    uint64_t f = F_VERSION_1 | F_RING_INDIRECT_DESC | F_BLK_SEG_MAX | F_BLK_BLK_SIZE | F_BLK_FLUSH;
    return b->disk.readonly ? f | F_BLK_RO : f;
}

static void used_push(struct virtio_blk *b, uint8_t *used, uint64_t used_addr, uint16_t id,
                      uint32_t len)
{
    uint16_t idx = get16(used + 2);
    size_t at = 4 + (size_t)USED_ELEM_SIZE * (idx % b->q.num);
    put32(used + at, id);
    put32(used + at + 4, len);
    put16(used + 2, (uint16_t)(idx + 1));
    ram_written(b, used_addr + at, USED_ELEM_SIZE);
    ram_written(b, used_addr + 2, 2);
}

static void blk_notify(struct virtio_blk *b, uint32_t queue)
{
    struct virtq *q = &b->q;
    if (queue != 0 || !q->ready || !(b->status & STATUS_DRIVER_OK) ||
        (b->status & STATUS_NEEDS_RESET))
        return;
    if (q->num == 0 || q->num > BLK_QUEUE_MAX) {
        blk_needs_reset(b); /* QueueNum rewritten after QueueReady */
        return;
    }
    uint8_t *desc = mmu_ram_ptr(b->m, q->desc, (uint64_t)DESC_SIZE * q->num);
    uint8_t *avail = mmu_ram_ptr(b->m, q->driver, 4 + 2ULL * q->num);
    uint8_t *used = mmu_ram_ptr(b->m, q->device, 4 + (uint64_t)USED_ELEM_SIZE * q->num);
    if (!desc || !avail || !used) {
        blk_needs_reset(b);
        return;
    }
    uint16_t avail_idx = get16(avail + 2);
    if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
        blk_needs_reset(b); /* more new entries than the ring holds */
        return;
    }
    bool served = false;
    while (q->last_avail != avail_idx) {
        uint16_t head = get16(avail + 4 + 2 * (q->last_avail % q->num));
        uint32_t len = 0;
        if (!blk_serve(b, desc, head, &len)) {
            blk_needs_reset(b);
            break;
        }
        used_push(b, used, q->device, head, len);
        q->last_avail++;
        served = true;
    }
    if (served && !(get16(avail) & AVAIL_F_NO_INTERRUPT)) {
        b->interrupt_status |= INT_USED_BUFFER;
        blk_update_irq(b);
    }
}

/* Status write (3.1.1): 0 resets; FEATURES_OK only sticks for features we
 * offer.  A driver that never sets VERSION_1 (it read only the low word,
 * like xv6) is served as a modern one all the same. */
static void blk_set_status(struct virtio_blk *b, uint32_t value)
{
    if (value == 0) {
        virtio_blk_reset(b);
        return;
    }
    uint32_t status = value & 0xff & ~(uint32_t)STATUS_NEEDS_RESET;
    if ((status & STATUS_FEATURES_OK) && !(b->status & STATUS_FEATURES_OK) &&
        (b->driver_features & ~blk_features(b)))
        status &= ~(uint32_t)STATUS_FEATURES_OK;
    b->status = status | (b->status & STATUS_NEEDS_RESET);
}

static void blk_set_ready(struct virtio_blk *b, bool ready)
{
    struct virtq *q = &b->q;
    if (ready && !q->ready) {
        if (q->num == 0 || q->num > BLK_QUEUE_MAX) {
            blk_needs_reset(b);
            return;
        }
        q->last_avail = 0;
    }
    q->ready = ready;
}

static uint64_t set_half(uint64_t reg, bool high, uint32_t value)
{
    return high ? (reg & 0xffffffffULL) | (uint64_t)value << 32 : (reg & ~0xffffffffULL) | value;
}

static uint32_t blk_config_byte(const struct virtio_blk *b, uint64_t offset)
{
    uint8_t cfg[CFG_SIZE] = {0};
    put64(cfg + CFG_CAPACITY, b->disk.size / SECTOR_SIZE);
    put32(cfg + CFG_SEG_MAX, BLK_SEG_MAX);
    put32(cfg + CFG_BLK_SIZE, SECTOR_SIZE);
    return offset < CFG_SIZE ? cfg[offset] : 0;
}

static uint32_t blk_read32(struct virtio_blk *b, uint64_t offset)
{
    bool q0 = b->queue_sel == 0;
    switch (offset) {
    case VIRTIO_MAGIC_VALUE: return VIRTIO_MAGIC;
    case VIRTIO_VERSION: return 2;
    case VIRTIO_DEVICE_ID: return b->present ? VIRTIO_ID_BLOCK : 0;
    case VIRTIO_VENDOR_ID: return VIRTIO_VENDOR;
    }
    if (!b->present)
        return 0;
    switch (offset) {
    case VIRTIO_DEVICE_FEATURES:
        return b->device_features_sel < 2
                   ? (uint32_t)(blk_features(b) >> (32 * b->device_features_sel))
                   : 0;
    case VIRTIO_QUEUE_NUM_MAX: return q0 ? BLK_QUEUE_MAX : 0;
    case VIRTIO_QUEUE_NUM: return q0 ? b->q.num : 0;
    case VIRTIO_QUEUE_READY: return q0 && b->q.ready;
    case VIRTIO_INTERRUPT_STATUS: return b->interrupt_status;
    case VIRTIO_STATUS: return b->status;
    case VIRTIO_QUEUE_DESC_LOW: return q0 ? (uint32_t)b->q.desc : 0;
    case VIRTIO_QUEUE_DESC_HIGH: return q0 ? (uint32_t)(b->q.desc >> 32) : 0;
    case VIRTIO_QUEUE_DRIVER_LOW: return q0 ? (uint32_t)b->q.driver : 0;
    case VIRTIO_QUEUE_DRIVER_HIGH: return q0 ? (uint32_t)(b->q.driver >> 32) : 0;
    case VIRTIO_QUEUE_DEVICE_LOW: return q0 ? (uint32_t)b->q.device : 0;
    case VIRTIO_QUEUE_DEVICE_HIGH: return q0 ? (uint32_t)(b->q.device >> 32) : 0;
    case VIRTIO_SHM_LEN_LOW:
    case VIRTIO_SHM_LEN_HIGH:
    case VIRTIO_SHM_BASE_LOW:
    case VIRTIO_SHM_BASE_HIGH: return 0xffffffff;
    case VIRTIO_CONFIG_GENERATION: return 0; /* the configuration never changes */
    default: return 0;
    }
}

static void blk_write32(struct virtio_blk *b, uint64_t offset, uint32_t value)
{
    struct virtq *q = &b->q;
    bool q0 = b->queue_sel == 0;
    if (!b->present)
        return;
    switch (offset) {
    case VIRTIO_DEVICE_FEATURES_SEL: b->device_features_sel = value; break;
    case VIRTIO_DRIVER_FEATURES:
        if (b->driver_features_sel < 2)
            b->driver_features = set_half(b->driver_features, b->driver_features_sel, value);
        break;
    case VIRTIO_DRIVER_FEATURES_SEL: b->driver_features_sel = value; break;
    case VIRTIO_QUEUE_SEL: b->queue_sel = value; break;
    case VIRTIO_QUEUE_NUM:
        if (q0)
            q->num = value;
        break;
    case VIRTIO_QUEUE_READY:
        if (q0)
            blk_set_ready(b, value & 1);
        break;
    case VIRTIO_QUEUE_NOTIFY: blk_notify(b, value & 0xffff); break;
    case VIRTIO_INTERRUPT_ACK:
        b->interrupt_status &= ~value;
        blk_update_irq(b);
        break;
    case VIRTIO_STATUS: blk_set_status(b, value); break;
    case VIRTIO_QUEUE_DESC_LOW:
    case VIRTIO_QUEUE_DESC_HIGH:
        if (q0)
            q->desc = set_half(q->desc, offset == VIRTIO_QUEUE_DESC_HIGH, value);
        break;
    case VIRTIO_QUEUE_DRIVER_LOW:
    case VIRTIO_QUEUE_DRIVER_HIGH:
        if (q0)
            q->driver = set_half(q->driver, offset == VIRTIO_QUEUE_DRIVER_HIGH, value);
        break;
    case VIRTIO_QUEUE_DEVICE_LOW:
    case VIRTIO_QUEUE_DEVICE_HIGH:
        if (q0)
            q->device = set_half(q->device, offset == VIRTIO_QUEUE_DEVICE_HIGH, value);
        break;
    case VIRTIO_SHM_SEL: b->shm_sel = value; break;
    default: break; /* read-only, legacy (GuestPageSize, QueuePFN) or unknown */
    }
}

/* Registers are 32-bit (4.2.2.2); the configuration space takes any size. */
static bool blk_read(void *opaque, uint64_t offset, int size, uint64_t *value)
{
    struct virtio_blk *b = opaque;
    uint64_t v = 0;
    if (offset >= VIRTIO_CONFIG) {
        for (int i = size - 1; i >= 0; i--)
            v = v << 8 |
                (b->present ? blk_config_byte(b, offset - VIRTIO_CONFIG + (uint64_t)i) : 0);
    } else {
        v = blk_read32(b, offset & ~3ULL) >> (8 * (offset & 3));
        if (size < 4)
            v &= (1ULL << (8 * size)) - 1;
    }
    *value = v;
    return true;
}

static bool blk_write(void *opaque, uint64_t offset, int size, uint64_t value)
{
    struct virtio_blk *b = opaque;
    if (offset < VIRTIO_CONFIG && size == 4 && (offset & 3) == 0)
        blk_write32(b, offset, (uint32_t)value);
    /* configuration writes: nothing is writable (no CONFIG_WCE) */
    return true;
}

/* -- Life cycle --------------------------------------------------------------------- */

/* Device reset (status 0 or a machine reset): the queue and the negotiation
 * are forgotten; the disk and its snapshot overlay are not. */
void virtio_blk_reset(struct virtio_blk *b)
{
    b->status = 0;
    b->device_features_sel = b->driver_features_sel = 0;
    b->driver_features = 0;
    b->queue_sel = 0;
    b->shm_sel = 0;
    memset(&b->q, 0, sizeof b->q);
    b->interrupt_status = 0;
    blk_update_irq(b);
}

bool virtio_blk_create(struct machine *m, struct virtio_blk *b, int slot,
                       const struct drive_config *drive)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    b->irq = IRQ_VIRTIO + slot;
    b->disk.fd = -1;
    if (drive && drive->path) {
        if (!disk_open(&b->disk, drive))
            return false;
        b->present = true;
    }
    virtio_blk_reset(b);
    uint64_t base = VIRTIO_BASE + (uint64_t)slot * VIRTIO_SIZE;
    mmu_add_region(m, &(struct mmio_region){base, VIRTIO_SIZE, b, blk_read, blk_write});
    return true;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
    if (b->disk.fd >= 0)
        close(b->disk.fd); /* writes went out with pwrite: nothing buffered here */
    b->disk.fd = -1;
    overlay_free(&b->disk.overlay);
}
