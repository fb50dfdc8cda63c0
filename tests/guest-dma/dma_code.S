/* dma_code.S — a device writing into a page of translated code
 * (tests/26-dma-code.t builds and runs it with a disk image).
 *
 * The guest runs a function in code_page many times (so a JIT has it
 * translated and chained into the calling loop), then has the virtio-blk
 * device read a sector INTO that page, and calls the function again: the
 * new code must run.  The disk image, made by the .t script, holds
 * `addi a0, zero, 0x111; ret` in sector 0 and a function returning
 * 0x12345 in sector 1.
 *
 *   1     the old code runs: 1, 100 times from a loop.
 *   2     a minimal polled virtio-mmio (version 2) driver: magic, version,
 *         device ID, reset, ACKNOWLEDGE | DRIVER, VERSION_1 negotiated,
 *         FEATURES_OK, queue 0 of 8 entries, DRIVER_OK.
 *   3     sector 1 read into code_page (three descriptors: header, 512
 *         bytes, status; no interrupt; the used ring polled): status OK,
 *         used entry id 0 and length 513.
 *   4     the same loop calls code_page, no FENCE.I: 0x12345 each time.
 *   5-6   sector 0 read over it, FENCE.I this time: 0x111.
 */
#define TEST_AREA "dma_code"
#include "test.h"

#define VIRTIO 0x10001000
#define V_MAGIC 0x000
#define V_VERSION 0x004
#define V_DEVICE_ID 0x008
#define V_DEVICE_FEATURES 0x010
#define V_DEVICE_FEATURES_SEL 0x014
#define V_DRIVER_FEATURES 0x020
#define V_DRIVER_FEATURES_SEL 0x024
#define V_QUEUE_SEL 0x030
#define V_QUEUE_NUM_MAX 0x034
#define V_QUEUE_NUM 0x038
#define V_QUEUE_READY 0x044
#define V_QUEUE_NOTIFY 0x050
#define V_STATUS 0x070
#define V_QUEUE_DESC_LOW 0x080
#define V_QUEUE_DESC_HIGH 0x084
#define V_QUEUE_DRIVER_LOW 0x090
#define V_QUEUE_DRIVER_HIGH 0x094
#define V_QUEUE_DEVICE_LOW 0x0a0
#define V_QUEUE_DEVICE_HIGH 0x0a4
#define S_ACKNOWLEDGE 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define QSIZE 8
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define AVAIL_F_NO_INTERRUPT 1
/* Offsets in the queue page. */
#define Q_DESC 0                /* 8 x { le64 addr; le32 len; le16 flags, next } */
#define Q_AVAIL 128             /* le16 flags, idx, ring[8] */
#define Q_USED 256              /* le16 flags, idx; { le32 id, len } ring[8] */
#define Q_HDR 1024              /* le32 type, reserved; le64 sector */
#define Q_STATUS 1040

/* Case n: call code_page 100 times from a loop; every result must be v. */
#define RUN_LOOP(v)                                                            \
    li s1, 100; 8001: call code_page; CHECK(a0, v) addi s1, s1, -1;            \
    bnez s1, 8001b

main:
    li s0, VIRTIO
    la s2, queue
    CASE(1, "the old code runs")
    RUN_LOOP(1)

    CASE(2, "virtio-blk: probe and set up")
    lw a0, V_MAGIC(s0)
    CHECK(a0, 0x74726976)
    lw a0, V_VERSION(s0)
    CHECK(a0, 2)
    lw a0, V_DEVICE_ID(s0)
    CHECK(a0, 2)
    sw zero, V_STATUS(s0)
    li t0, S_ACKNOWLEDGE
    sw t0, V_STATUS(s0)
    li t0, S_ACKNOWLEDGE | S_DRIVER
    sw t0, V_STATUS(s0)
    li t0, 1
    sw t0, V_DEVICE_FEATURES_SEL(s0)
    lw a0, V_DEVICE_FEATURES(s0)
    andi a0, a0, 1              /* VERSION_1 is bit 32 */
    CHECK(a0, 1)
    li t0, 1
    sw t0, V_DRIVER_FEATURES_SEL(s0)
    sw t0, V_DRIVER_FEATURES(s0)
    sw zero, V_DRIVER_FEATURES_SEL(s0)
    sw zero, V_DRIVER_FEATURES(s0)
    li t0, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK
    sw t0, V_STATUS(s0)
    lw a0, V_STATUS(s0)
    andi a0, a0, S_FEATURES_OK
    CHECK(a0, S_FEATURES_OK)
    sw zero, V_QUEUE_SEL(s0)
    lw a0, V_QUEUE_NUM_MAX(s0)
    sltiu a0, a0, QSIZE
    CHECK(a0, 0)
    li t0, QSIZE
    sw t0, V_QUEUE_NUM(s0)
    addi t0, s2, Q_DESC
    sw t0, V_QUEUE_DESC_LOW(s0)
    srli t0, t0, 32
    sw t0, V_QUEUE_DESC_HIGH(s0)
    addi t0, s2, Q_AVAIL
    sw t0, V_QUEUE_DRIVER_LOW(s0)
    srli t0, t0, 32
    sw t0, V_QUEUE_DRIVER_HIGH(s0)
    addi t0, s2, Q_USED
    sw t0, V_QUEUE_DEVICE_LOW(s0)
    srli t0, t0, 32
    sw t0, V_QUEUE_DEVICE_HIGH(s0)
    li t0, 1
    sw t0, V_QUEUE_READY(s0)
    li t0, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
    sw t0, V_STATUS(s0)
    li t0, AVAIL_F_NO_INTERRUPT
    sh t0, Q_AVAIL(s2)

    CASE(3, "virtio-blk: sector 1 read into the code page")
    li a0, 1
    call read_sector
    lbu a0, Q_STATUS(s2)
    CHECK(a0, 0)
    lw a0, Q_USED + 4(s2)       /* used.ring[0].id */
    CHECK(a0, 0)
    lw a0, Q_USED + 8(s2)       /* used.ring[0].len */
    CHECK(a0, 513)

    CASE(4, "the new code runs, no FENCE.I")
    RUN_LOOP(0x12345)

    CASE(5, "sector 0 read over it")
    li a0, 0
    call read_sector
    lbu a0, Q_STATUS(s2)
    CHECK(a0, 0)
    lw a0, Q_USED + 12(s2)      /* used.ring[1].id */
    CHECK(a0, 0)
    CASE(6, "the newer code runs, FENCE.I")
    fence.i
    RUN_LOOP(0x111)
    j pass

/* read_sector: sector a0 into code_page through descriptors 0-2, polling
 * the used ring.  Clobbers t0-t2, a0. */
read_sector:
    li t0, 0                    /* the header: IN, sector a0 */
    sw t0, Q_HDR(s2)
    sw t0, Q_HDR + 4(s2)
    sd a0, Q_HDR + 8(s2)
    li t0, 0xff
    sb t0, Q_STATUS(s2)
    addi t0, s2, Q_HDR          /* desc 0: header, device-readable */
    sd t0, Q_DESC + 0(s2)
    li t0, 16
    sw t0, Q_DESC + 8(s2)
    li t0, DESC_F_NEXT
    sh t0, Q_DESC + 12(s2)
    li t0, 1
    sh t0, Q_DESC + 14(s2)
    la t0, code_page            /* desc 1: the data, device-writable */
    sd t0, Q_DESC + 16(s2)
    li t0, 512
    sw t0, Q_DESC + 24(s2)
    li t0, DESC_F_NEXT | DESC_F_WRITE
    sh t0, Q_DESC + 28(s2)
    li t0, 2
    sh t0, Q_DESC + 30(s2)
    addi t0, s2, Q_STATUS       /* desc 2: the status byte */
    sd t0, Q_DESC + 32(s2)
    li t0, 1
    sw t0, Q_DESC + 40(s2)
    li t0, DESC_F_WRITE
    sh t0, Q_DESC + 44(s2)
    sh zero, Q_DESC + 46(s2)
    lhu t1, Q_AVAIL + 2(s2)     /* avail.ring[idx % 8] = 0, then idx++ */
    andi t0, t1, QSIZE - 1
    slli t0, t0, 1
    add t0, t0, s2
    sh zero, Q_AVAIL + 4(t0)
    fence rw, rw
    addi t1, t1, 1
    sh t1, Q_AVAIL + 2(s2)
    fence rw, rw
    sw zero, V_QUEUE_NOTIFY(s0)
    li t2, 1000000              /* poll used.idx, bounded */
1:  fence rw, rw
    lhu t0, Q_USED + 2(s2)
    beq t0, t1, 2f
    addi t2, t2, -1
    bnez t2, 1b
    j fail
2:  ret

/* The page the device overwrites: a function returning 1. */
    .section .text.dma, "ax"
    .balign 4096
code_page:
    li a0, 1
    ret
    .balign 4096

    .bss
    .balign 4096
queue: .skip 4096
