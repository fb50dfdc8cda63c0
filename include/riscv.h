/* riscv.h — guest encodings: privilege levels, CSR numbers, trap causes and
 * the bit layouts of mstatus, mip/mie and satp (privileged spec 1.12). */
#ifndef RISCV_H
#define RISCV_H

#include <stdint.h>

enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* -- Trap causes (mcause/scause; interrupts have bit 63 set) -------------- */
enum exc_cause {
    EXC_INSN_MISALIGNED = 0,
    EXC_INSN_ACCESS = 1,
    EXC_ILLEGAL_INSN = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INSN_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13,
    EXC_STORE_PAGE_FAULT = 15,
};

enum irq_num {
    IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11,
};
#define CAUSE_INTERRUPT (1ULL << 63)

#define MIP_SSIP (1ULL << IRQ_SSI)
#define MIP_MSIP (1ULL << IRQ_MSI)
#define MIP_STIP (1ULL << IRQ_STI)
#define MIP_MTIP (1ULL << IRQ_MTI)
#define MIP_SEIP (1ULL << IRQ_SEI)
#define MIP_MEIP (1ULL << IRQ_MEI)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* -- mstatus / sstatus bits ----------------------------------------------- */
#define MSTATUS_SIE (1ULL << 1)
#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP (1ULL << 8)
#define MSTATUS_VS (3ULL << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ULL << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ULL << 13)
#define MSTATUS_XS (3ULL << 15)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM (1ULL << 18)
#define MSTATUS_MXR (1ULL << 19)
#define MSTATUS_TVM (1ULL << 20)
#define MSTATUS_TW (1ULL << 21)
#define MSTATUS_TSR (1ULL << 22)
#define MSTATUS_UXL (3ULL << 32)
#define MSTATUS_SXL (3ULL << 34)
#define MSTATUS_SBE (1ULL << 36)
#define MSTATUS_MBE (1ULL << 37)
#define MSTATUS_SD (1ULL << 63)

#define FS_OFF 0
#define FS_INITIAL 1
#define FS_CLEAN 2
#define FS_DIRTY 3

/* The bits of mstatus that sstatus shows. */
#define SSTATUS_MASK                                                            \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS |      \
     MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL |        \
     MSTATUS_SD)

/* -- satp ------------------------------------------------------------------ */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10
#define SATP_ASID_SHIFT 44
#define SATP_PPN_MASK ((1ULL << 44) - 1)

/* -- Page table entries ------------------------------------------------------ */
#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1ULL << 44) - 1) << 10)
#define PTE_RESERVED_MASK (0x7fULL << 54) /* bits 60:54 must be zero */
#define PTE_PBMT_MASK (3ULL << 61)
#define PTE_N (1ULL << 63)

/* -- CSR numbers --------------------------------------------------------------- */
enum csr_num {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,

    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
    CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a,
    CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_STIMECMP = 0x14d,
    CSR_SATP = 0x180,

    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
    CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
    CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a, CSR_MCOUNTINHIBIT = 0x320,
    CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343, CSR_MIP = 0x344, CSR_MTINST = 0x34a, CSR_MTVAL2 = 0x34b,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG2 = 0x3a2, CSR_PMPCFG15 = 0x3af,
    CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02,
    CSR_MHPMCOUNTER3 = 0xb03, CSR_MHPMCOUNTER31 = 0xb1f,
    CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2,
    CSR_TDATA3 = 0x7a3,
};

/* menvcfg bits */
#define MENVCFG_FIOM (1ULL << 0)
#define MENVCFG_STCE (1ULL << 63)

/* fflags bits */
#define FFLAG_NX 0x01 /* inexact */
#define FFLAG_UF 0x02 /* underflow */
#define FFLAG_OF 0x04 /* overflow */
#define FFLAG_DZ 0x08 /* divide by zero */
#define FFLAG_NV 0x10 /* invalid */

/* rounding modes (frm and the rm field) */
enum rounding_mode {
    RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4, RM_DYN = 7,
};

#endif
