/* sbi.h — the built-in SBI v2.0 firmware: ECALLs from S-mode served in C. */
#ifndef SBI_H
#define SBI_H

#include <stdbool.h>

struct hart;

/* Extension IDs (a7) we serve; RISC-V SBI spec v2.0. */
enum sbi_eid {
    SBI_EXT_LEGACY_SET_TIMER = 0x00,
    SBI_EXT_LEGACY_PUTCHAR = 0x01,
    SBI_EXT_LEGACY_GETCHAR = 0x02,
    SBI_EXT_LEGACY_SHUTDOWN = 0x08,
    SBI_EXT_BASE = 0x10,
    SBI_EXT_TIME = 0x54494D45,   /* "TIME" */
    SBI_EXT_IPI = 0x735049,      /* "sPI" */
    SBI_EXT_RFENCE = 0x52464E43, /* "RFNC" */
    SBI_EXT_HSM = 0x48534D,      /* "HSM" */
    SBI_EXT_SRST = 0x53525354,   /* "SRST" */
    SBI_EXT_DBCN = 0x4442434E,   /* "DBCN" */
};

/* Standard error codes, returned in a0. */
enum sbi_error {
    SBI_SUCCESS = 0,
    SBI_ERR_FAILED = -1,
    SBI_ERR_NOT_SUPPORTED = -2,
    SBI_ERR_INVALID_PARAM = -3,
    SBI_ERR_DENIED = -4,
    SBI_ERR_INVALID_ADDRESS = -5,
    SBI_ERR_ALREADY_AVAILABLE = -6,
};

/* HSM hart states (hart_get_status). */
enum sbi_hart_state { SBI_HART_STARTED = 0, SBI_HART_STOPPED = 1 };

/* get_impl_id: "dbt" in ASCII, far from the spec's registered IDs (0..11). */
#define SBI_IMPL_ID_DBT 0x646274
#define SBI_IMPL_VERSION 1

/* Serve the ECALL h just executed in S-mode (a7 = EID, a6 = FID, a0..a5
 * arguments; a0 = error, a1 = value on return).  Always true: the caller
 * then moves pc past the ecall. */
bool sbi_ecall(struct hart *h);
/* What the firmware would have set up before entering S-mode on h: Sstc on,
 * counters readable, exceptions and S interrupts delegated. */
void sbi_prepare_hart_for_s_mode(struct hart *h);

#endif
