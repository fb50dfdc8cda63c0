/* mmu.h — the physical bus (RAM + MMIO), Sv39/Sv48 page walks and the
 * software TLB in front of them. */
#ifndef MMU_H
#define MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"

struct machine;

enum access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

/* An MMIO device window.  read/write get the offset inside the window and
 * an access size of 1, 2, 4 or 8; they return false for an access fault. */
struct mmio_region {
    uint64_t base, size;
    void *opaque;
    bool (*read)(void *opaque, uint64_t offset, int size, uint64_t *value);
    bool (*write)(void *opaque, uint64_t offset, int size, uint64_t value);
};

/* Register an MMIO window on the bus. */
void mmu_add_region(struct machine *m, const struct mmio_region *r);
/* Host pointer for [paddr, paddr+len) when it lies wholly in RAM, else NULL. */
uint8_t *mmu_ram_ptr(struct machine *m, uint64_t paddr, uint64_t len);
/* Physical accesses: false on an access fault (no RAM or device there). */
bool mmu_phys_read(struct machine *m, uint64_t paddr, int size, uint64_t *value)
    __attribute__((warn_unused_result));
bool mmu_phys_write(struct machine *m, uint64_t paddr, int size, uint64_t value)
    __attribute__((warn_unused_result));

/* Translate va for an access; on failure sets h->trap_cause/trap_tval. */
bool mmu_translate(struct hart *h, uint64_t va, enum access acc, uint64_t *pa)
    __attribute__((warn_unused_result));
/* The physical address of code at vpc, through the fetch TLB when it can
 * (the JIT's lookups by pc); false, the fault recorded in h, when it
 * cannot be fetched. */
bool mmu_code_pa(struct hart *h, uint64_t vpc, uint64_t *pa)
    __attribute__((warn_unused_result));

/* The same for an access of size bytes: PMP must grant all of them. */
bool mmu_translate_sized(struct hart *h, uint64_t va, enum access acc, int size,
                         uint64_t *pa) __attribute__((warn_unused_result));

/* Copy up to len bytes of guest virtual memory at va (through satp, as
 * the kernel sees it) into buf without side effects: no A/D bits, no TLB
 * fill, no fault, no device read.  Returns the bytes copied; for logs. */
size_t mmu_peek(struct hart *h, uint64_t va, void *buf, size_t len);

/* PMP CSRs (pmpcfg0..15, pmpaddr0..63): the value read, and a WARL write
 * that flushes every TLB context the change affects. */
uint64_t mmu_pmp_read(const struct hart *h, unsigned csr);
void mmu_pmp_write(struct hart *h, unsigned csr, uint64_t value);

/* Little-endian host memory of 1, 2, 4 or 8 bytes (the host is x86-64). */
static inline uint64_t mmu_host_load(const void *p, int size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void mmu_host_store(void *p, int size, uint64_t v)
{
    memcpy(p, &v, (size_t)size);
}

/* The TLB misses: translate, then go to the bus (mmu.c). */
bool mmu_load_slow(struct hart *h, uint64_t va, int size, uint64_t *value)
    __attribute__((warn_unused_result));
bool mmu_store_slow(struct hart *h, uint64_t va, int size, uint64_t value)
    __attribute__((warn_unused_result));

/* Virtual loads and stores of 1, 2, 4 or 8 bytes, any alignment.  On a fault
 * they return false with h->trap_cause/trap_tval set; nothing is written.
 * The TLB probe is inline, the same test generated code will make: a
 * misaligned address never equals a tag, so it takes the slow path. */
static inline __attribute__((warn_unused_result)) bool
mmu_load(struct hart *h, uint64_t va, int size, uint64_t *value)
{
    struct tlb_entry *e = &h->dtlb[(va >> 12) & (TLB_SIZE - 1)];
    if ((va & (~0xfffULL | (uint64_t)(size - 1))) == e->tag_read) {
        *value = mmu_host_load((const void *)(uintptr_t)(va + e->addend), size);
        return true;
    }
    return mmu_load_slow(h, va, size, value);
}

static inline __attribute__((warn_unused_result)) bool
mmu_store(struct hart *h, uint64_t va, int size, uint64_t value)
{
    struct tlb_entry *e = &h->dtlb[(va >> 12) & (TLB_SIZE - 1)];
    if ((va & (~0xfffULL | (uint64_t)(size - 1))) == e->tag_write) {
        mmu_host_store((void *)(uintptr_t)(va + e->addend), size, value);
        return true;
    }
    return mmu_store_slow(h, va, size, value);
}
/* Fetch 16 or 32 instruction bits at va (a 32-bit instruction may straddle
 * two pages). */
bool mmu_fetch(struct hart *h, uint64_t va, uint32_t *bits)
    __attribute__((warn_unused_result));

/* -- Watched pages (see mmu.c) */
#define WATCH_CODE 1u   /* holds translated code: the JIT invalidates */
#define WATCH_HTIF 2u   /* holds HTIF's tohost */
#define MMU_WATCHERS 8
typedef void (*mmu_watch_fn)(void *opaque, uint64_t paddr, uint64_t len);
/* Call fn for every write into a page watched with bit `what`. */
void mmu_set_watcher(struct machine *m, unsigned what, mmu_watch_fn fn, void *opaque);
/* Watch the RAM page holding paddr for `what`; revokes TLB write tags. */
void mmu_watch_page(struct machine *m, uint64_t paddr, unsigned what);
/* Stop watching the page of paddr for `what`. */
void mmu_unwatch_page(struct machine *m, uint64_t paddr, unsigned what);
/* Is the page of paddr watched for anything? */
bool mmu_page_watched(struct machine *m, uint64_t paddr);
/* A device wrote [paddr, paddr+len) of RAM directly: tell the watchers. */
void mmu_ram_written(struct machine *m, uint64_t paddr, uint64_t len);
/* -check: record one RAM store in m->wlog. */
void mmu_wlog_record(struct machine *m, uint64_t paddr, int size, uint64_t old,
                     uint64_t value);

/* Flush the translated TLB sets (satp write, SFENCE.VMA); va_all true for
 * all addresses, else only the page of va. */
void mmu_tlb_flush(struct hart *h, bool all, uint64_t va);
/* The same for every address but global mappings (a satp write). */
void mmu_tlb_flush_nonglobal(struct hart *h);
/* Is va's page in the fetch TLB, entered from a global mapping? */
bool mmu_code_global(const struct hart *h, uint64_t va);
void mmu_lslots_clear(struct hart *h);

/* -- The debugger's view (gdbstub.c, monitor.c): no side effects on the guest */
/* va to pa as hart h sees it now, ignoring permissions; false if unmapped. */
bool mmu_debug_translate(struct hart *h, uint64_t va, uint64_t *pa);
/* Copy len bytes of RAM at addr, virtual for hart h or physical when h is
 * NULL, to or from buf; returns the bytes done before an unmapped or non-RAM
 * address.  Writes invalidate translated code as a store would. */
size_t mmu_debug_access(struct machine *m, struct hart *h, uint64_t addr, void *buf,
                        size_t len, bool write);

#endif
