/* syscall_log.c — -d syscall: the Linux system calls of guest user processes,
 * strace-style, one line per call.  cpu.c calls syscall_log_enter() when a
 * U-mode ecall traps and syscall_log_return() when an sret goes back to
 * U-mode; nothing else knows this room exists.
 *
 *   syscall: hart 0 pid 61 openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   syscall: hart 0 pid 61 brk(NULL) = 0x2aaab000
 *   syscall: hart 0 pid 61 openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
 *   syscall: hart 0 pid 61 exit_group(0) = ?
 *
 * Which call returns.  On riscv Linux sscratch holds `current` (the
 * task_struct of the running thread) whenever the hart is in U-mode, and
 * the kernel sets it again just before the sret back: so the task pointer
 * identifies the thread at both ends, even when the call blocks, other
 * processes run in between, or the thread comes back on another hart.  A
 * pending call is remembered per task; an sret to U-mode of that task
 * prints the line with a0 as the result.  The line is written at the
 * return, so arguments are decoded then (read() shows what it read); only
 * execve's are decoded at the ecall, since a successful execve leaves no
 * trace of them.  exit and exit_group never return and print "= ?" at once.
 * An sret that does not come back to the ecall (a signal handler, a
 * restarted call) prints "= ? <resumed at PC>".
 *
 * Which process.  The pid lives in task_struct at an offset that depends on
 * the kernel's configuration, so it is found by looking: set_tid_address
 * and gettid return the caller's thread id, so the offsets in its task_struct
 * holding that id are candidates; the candidates of two threads with
 * different ids intersect in pid (and tgid right after it, which equals pid
 * for a process's first thread: the lower of the two is pid).  Until then a
 * process is named by its address space, the physical root of its page
 * table ("as 0x8f2c1000"); in practice the first two programs run by init
 * settle it.  Memory is read with mmu_peek(): no A/D bits, no TLB fills, no
 * faults, so logging never changes what the guest sees. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"
#include "syscall_log.h"

#define PENDING_MAX 256       /* threads inside a system call at once */
#define STR_MAX 32            /* bytes of data shown, as strace's -s 32 */
#define PATH_SHOW 256         /* strings (paths, argv) are shown whole up to this */
#define ARGV_MAX 16           /* argv entries shown */
#define TASK_SCAN 0x1800      /* bytes of task_struct searched for the pid */
#define LINE_MAX_ 1024

struct pending {
    uint64_t task;            /* sscratch at the ecall: the thread, 0 if free */
    uint64_t nr, a[6], pc;
    char entry_text[LINE_MAX_]; /* execve: arguments decoded at the ecall */
};

struct syscall_log {
    struct pending pending[PENDING_MAX];
    /* pid discovery: candidate offsets (4-byte units) in task_struct */
    uint8_t candidate[TASK_SCAN / 4];
    int samples;
    uint32_t first_tid;
    bool distinct;            /* two different thread ids were seen */
    long pid_offset;          /* -1 until known */
};

/* -- Tables ------------------------------------------------------------------
 * Names of the riscv64 (asm-generic) system calls, generated from Linux's
 * include/uapi/asm-generic/unistd.h (64-bit names: newfstatat, fstat, mmap)
 * plus riscv's arch calls 258-259 and the calls up to mseal (462). */
static const char *const names[] = {
    [0] = "io_setup", [1] = "io_destroy", [2] = "io_submit", [3] = "io_cancel", [4] =
    "io_getevents", [5] = "setxattr", [6] = "lsetxattr", [7] = "fsetxattr", [8] =
    "getxattr", [9] = "lgetxattr", [10] = "fgetxattr", [11] = "listxattr", [12] =
    "llistxattr", [13] = "flistxattr", [14] = "removexattr", [15] = "lremovexattr",
    [16] = "fremovexattr", [17] = "getcwd", [18] = "lookup_dcookie", [19] = "eventfd2",
    [20] = "epoll_create1", [21] = "epoll_ctl", [22] = "epoll_pwait", [23] = "dup",
    [24] = "dup3", [25] = "fcntl", [26] = "inotify_init1", [27] = "inotify_add_watch",
    [28] = "inotify_rm_watch", [29] = "ioctl", [30] = "ioprio_set", [31] =
    "ioprio_get", [32] = "flock", [33] = "mknodat", [34] = "mkdirat", [35] =
    "unlinkat", [36] = "symlinkat", [37] = "linkat", [38] = "renameat", [39] =
    "umount2", [40] = "mount", [41] = "pivot_root", [42] = "nfsservctl", [43] =
    "statfs", [44] = "fstatfs", [45] = "truncate", [46] = "ftruncate", [47] =
    "fallocate", [48] = "faccessat", [49] = "chdir", [50] = "fchdir", [51] = "chroot",
    [52] = "fchmod", [53] = "fchmodat", [54] = "fchownat", [55] = "fchown", [56] =
    "openat", [57] = "close", [58] = "vhangup", [59] = "pipe2", [60] = "quotactl", [61]
    = "getdents64", [62] = "lseek", [63] = "read", [64] = "write", [65] = "readv", [66]
    = "writev", [67] = "pread64", [68] = "pwrite64", [69] = "preadv", [70] = "pwritev",
    [71] = "sendfile", [72] = "pselect6", [73] = "ppoll", [74] = "signalfd4", [75] =
    "vmsplice", [76] = "splice", [77] = "tee", [78] = "readlinkat", [79] =
    "newfstatat", [80] = "fstat", [81] = "sync", [82] = "fsync", [83] = "fdatasync",
    [84] = "sync_file_range2", [85] = "timerfd_create", [86] = "timerfd_settime", [87]
    = "timerfd_gettime", [88] = "utimensat", [89] = "acct", [90] = "capget", [91] =
    "capset", [92] = "personality", [93] = "exit", [94] = "exit_group", [95] =
    "waitid", [96] = "set_tid_address", [97] = "unshare", [98] = "futex", [99] =
    "set_robust_list", [100] = "get_robust_list", [101] = "nanosleep", [102] =
    "getitimer", [103] = "setitimer", [104] = "kexec_load", [105] = "init_module",
    [106] = "delete_module", [107] = "timer_create", [108] = "timer_gettime", [109] =
    "timer_getoverrun", [110] = "timer_settime", [111] = "timer_delete", [112] =
    "clock_settime", [113] = "clock_gettime", [114] = "clock_getres", [115] =
    "clock_nanosleep", [116] = "syslog", [117] = "ptrace", [118] = "sched_setparam",
    [119] = "sched_setscheduler", [120] = "sched_getscheduler", [121] =
    "sched_getparam", [122] = "sched_setaffinity", [123] = "sched_getaffinity", [124] =
    "sched_yield", [125] = "sched_get_priority_max", [126] = "sched_get_priority_min",
    [127] = "sched_rr_get_interval", [128] = "restart_syscall", [129] = "kill", [130] =
    "tkill", [131] = "tgkill", [132] = "sigaltstack", [133] = "rt_sigsuspend", [134] =
    "rt_sigaction", [135] = "rt_sigprocmask", [136] = "rt_sigpending", [137] =
    "rt_sigtimedwait", [138] = "rt_sigqueueinfo", [139] = "rt_sigreturn", [140] =
    "setpriority", [141] = "getpriority", [142] = "reboot", [143] = "setregid", [144] =
    "setgid", [145] = "setreuid", [146] = "setuid", [147] = "setresuid", [148] =
    "getresuid", [149] = "setresgid", [150] = "getresgid", [151] = "setfsuid", [152] =
    "setfsgid", [153] = "times", [154] = "setpgid", [155] = "getpgid", [156] =
    "getsid", [157] = "setsid", [158] = "getgroups", [159] = "setgroups", [160] =
    "uname", [161] = "sethostname", [162] = "setdomainname", [163] = "getrlimit", [164]
    = "setrlimit", [165] = "getrusage", [166] = "umask", [167] = "prctl", [168] =
    "getcpu", [169] = "gettimeofday", [170] = "settimeofday", [171] = "adjtimex", [172]
    = "getpid", [173] = "getppid", [174] = "getuid", [175] = "geteuid", [176] =
    "getgid", [177] = "getegid", [178] = "gettid", [179] = "sysinfo", [180] =
    "mq_open", [181] = "mq_unlink", [182] = "mq_timedsend", [183] = "mq_timedreceive",
    [184] = "mq_notify", [185] = "mq_getsetattr", [186] = "msgget", [187] = "msgctl",
    [188] = "msgrcv", [189] = "msgsnd", [190] = "semget", [191] = "semctl", [192] =
    "semtimedop", [193] = "semop", [194] = "shmget", [195] = "shmctl", [196] = "shmat",
    [197] = "shmdt", [198] = "socket", [199] = "socketpair", [200] = "bind", [201] =
    "listen", [202] = "accept", [203] = "connect", [204] = "getsockname", [205] =
    "getpeername", [206] = "sendto", [207] = "recvfrom", [208] = "setsockopt", [209] =
    "getsockopt", [210] = "shutdown", [211] = "sendmsg", [212] = "recvmsg", [213] =
    "readahead", [214] = "brk", [215] = "munmap", [216] = "mremap", [217] = "add_key",
    [218] = "request_key", [219] = "keyctl", [220] = "clone", [221] = "execve", [222] =
    "mmap", [223] = "fadvise64", [224] = "swapon", [225] = "swapoff", [226] =
    "mprotect", [227] = "msync", [228] = "mlock", [229] = "munlock", [230] =
    "mlockall", [231] = "munlockall", [232] = "mincore", [233] = "madvise", [234] =
    "remap_file_pages", [235] = "mbind", [236] = "get_mempolicy", [237] =
    "set_mempolicy", [238] = "migrate_pages", [239] = "move_pages", [240] =
    "rt_tgsigqueueinfo", [241] = "perf_event_open", [242] = "accept4", [243] =
    "recvmmsg", [244] = "arch_specific_syscall", [258] = "riscv_hwprobe", [259] =
    "riscv_flush_icache", [260] = "wait4", [261] = "prlimit64", [262] =
    "fanotify_init", [263] = "fanotify_mark", [266] = "clock_adjtime", [267] =
    "syncfs", [268] = "setns", [269] = "sendmmsg", [270] = "process_vm_readv", [271] =
    "process_vm_writev", [272] = "kcmp", [273] = "finit_module", [274] =
    "sched_setattr", [275] = "sched_getattr", [276] = "renameat2", [277] = "seccomp",
    [278] = "getrandom", [279] = "memfd_create", [280] = "bpf", [281] = "execveat",
    [282] = "userfaultfd", [283] = "membarrier", [284] = "mlock2", [285] =
    "copy_file_range", [286] = "preadv2", [287] = "pwritev2", [288] = "pkey_mprotect",
    [289] = "pkey_alloc", [290] = "pkey_free", [291] = "statx", [292] =
    "io_pgetevents", [293] = "rseq", [294] = "kexec_file_load", [403] =
    "clock_gettime64", [404] = "clock_settime64", [405] = "clock_adjtime64", [406] =
    "clock_getres_time64", [407] = "clock_nanosleep_time64", [408] = "timer_gettime64",
    [409] = "timer_settime64", [410] = "timerfd_gettime64", [411] =
    "timerfd_settime64", [412] = "utimensat_time64", [413] = "pselect6_time64", [414] =
    "ppoll_time64", [416] = "io_pgetevents_time64", [417] = "recvmmsg_time64", [418] =
    "mq_timedsend_time64", [419] = "mq_timedreceive_time64", [420] =
    "semtimedop_time64", [421] = "rt_sigtimedwait_time64", [422] = "futex_time64",
    [423] = "sched_rr_get_interval_time64", [424] = "pidfd_send_signal", [425] =
    "io_uring_setup", [426] = "io_uring_enter", [427] = "io_uring_register", [428] =
    "open_tree", [429] = "move_mount", [430] = "fsopen", [431] = "fsconfig", [432] =
    "fsmount", [433] = "fspick", [434] = "pidfd_open", [435] = "clone3", [436] =
    "close_range", [437] = "openat2", [438] = "pidfd_getfd", [439] = "faccessat2",
    [440] = "process_madvise", [441] = "epoll_pwait2", [442] = "mount_setattr", [443] =
    "quotactl_fd", [444] = "landlock_create_ruleset", [445] = "landlock_add_rule",
    [446] = "landlock_restrict_self", [447] = "memfd_secret", [448] =
    "process_mrelease", [449] = "futex_waitv", [450] = "set_mempolicy_home_node", [451]
    = "syscalls", [452] = "fchmodat2", [453] = "map_shadow_stack", [454] =
    "futex_wake", [455] = "futex_wait", [456] = "futex_requeue", [457] = "statmount",
    [458] = "listmount", [459] = "lsm_get_self_attr", [460] = "lsm_set_self_attr",
    [461] = "lsm_list_modules", [462] = "mseal",
};

/* asm-generic/errno-base.h and errno.h: riscv64 and x86-64 share them, so
 * the host's strerror() gives the text. */
static const char *const errnos[] = {
    [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] =
    "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] =
    "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK", [16] =
    "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR", [21] =
    "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [26] =
    "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS", [31] =
    "EMLINK", [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK", [36] =
    "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY", [40] = "ELOOP",
    [42] = "ENOMSG", [43] = "EIDRM", [44] = "ECHRNG", [45] = "EL2NSYNC", [46] = "EL3HLT",
    [47] = "EL3RST", [48] = "ELNRNG", [49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT",
    [52] = "EBADE", [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO", [56] = "EBADRQC",
    [57] = "EBADSLT", [59] = "EBFONT", [60] = "ENOSTR", [61] = "ENODATA", [62] = "ETIME",
    [63] = "ENOSR", [64] = "ENONET", [65] = "ENOPKG", [66] = "EREMOTE", [67] = "ENOLINK",
    [68] = "EADV", [69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP",
    [73] = "EDOTDOT", [74] = "EBADMSG", [75] = "EOVERFLOW", [76] = "ENOTUNIQ", [77] =
    "EBADFD", [78] = "EREMCHG", [79] = "ELIBACC", [80] = "ELIBBAD", [81] = "ELIBSCN", [82]
    = "ELIBMAX", [83] = "ELIBEXEC", [84] = "EILSEQ", [85] = "ERESTART", [86] = "ESTRPIPE",
    [87] = "EUSERS", [88] = "ENOTSOCK", [89] = "EDESTADDRREQ", [90] = "EMSGSIZE", [91] =
    "EPROTOTYPE", [92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT",
    [95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE",
    [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH", [102] = "ENETRESET",
    [103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS", [106] = "EISCONN",
    [107] = "ENOTCONN", [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS", [110] = "ETIMEDOUT",
    [111] = "ECONNREFUSED", [112] = "EHOSTDOWN", [113] = "EHOSTUNREACH", [114] =
    "EALREADY", [115] = "EINPROGRESS", [116] = "ESTALE", [117] = "EUCLEAN", [118] =
    "ENOTNAM", [119] = "ENAVAIL", [120] = "EISNAM", [121] = "EREMOTEIO", [122] = "EDQUOT",
    [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE", [125] = "ECANCELED", [126] = "ENOKEY",
    [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED", [129] = "EKEYREJECTED", [130] =
    "EOWNERDEAD", [131] = "ENOTRECOVERABLE", [132] = "ERFKILL", [133] = "EHWPOISON",
};

/* How each argument of the common calls is shown, one letter per argument:
 *   d int     u unsigned  x hex      p pointer (NULL)   s string
 *   f fd      D dirfd (AT_FDCWD)     o open flags       m mode (octal)
 *   P mmap prot           M mmap flags                  C clone flags
 *   v argv    e envp      w wait options                W wait status (out)
 *   S signal  A sigaction h sigprocmask how   a AT_* flags   i ioctl request
 *   b data of the next argument's length (write)        B what was read (read)
 * and the result: d decimal, x hex (addresses), n never returns. */
struct signature {
    uint16_t nr;
    char ret;
    const char *args;
};

static const struct signature signatures[] = {
    {17, 'd', "pu"},      /* getcwd */
    {23, 'd', "f"},       /* dup */
    {24, 'd', "ffo"},     /* dup3 */
    {25, 'd', "fdx"},     /* fcntl */
    {29, 'd', "fip"},     /* ioctl */
    {34, 'd', "Dsm"},     /* mkdirat */
    {35, 'd', "Dsa"},     /* unlinkat */
    {38, 'd', "DsDs"},    /* renameat */
    {39, 'd', "sx"},      /* umount2 */
    {40, 'd', "sssxp"},   /* mount */
    {48, 'd', "Dsd"},     /* faccessat */
    {49, 'd', "s"},       /* chdir */
    {56, 'd', "Dsom"},    /* openat */
    {57, 'd', "f"},       /* close */
    {59, 'd', "px"},      /* pipe2 */
    {61, 'd', "fpu"},     /* getdents64 */
    {62, 'd', "fdd"},     /* lseek */
    {63, 'd', "fBu"},     /* read */
    {64, 'd', "fbu"},     /* write */
    {65, 'd', "fpd"},     /* readv */
    {66, 'd', "fpd"},     /* writev */
    {67, 'd', "fBud"},    /* pread64 */
    {78, 'd', "Dspu"},    /* readlinkat */
    {79, 'd', "Dspa"},    /* newfstatat */
    {80, 'd', "fp"},      /* fstat */
    {81, 'd', ""},        /* sync */
    {93, 'n', "d"},       /* exit */
    {94, 'n', "d"},       /* exit_group */
    {96, 'd', "p"},       /* set_tid_address */
    {98, 'd', "pdupp"},   /* futex */
    {99, 'd', "pu"},      /* set_robust_list */
    {101, 'd', "pp"},     /* nanosleep */
    {113, 'd', "dp"},     /* clock_gettime */
    {115, 'd', "ddpp"},   /* clock_nanosleep */
    {124, 'd', ""},       /* sched_yield */
    {129, 'd', "dS"},     /* kill */
    {131, 'd', "ddS"},    /* tgkill */
    {134, 'd', "SAAu"},   /* rt_sigaction */
    {135, 'd', "hppu"},   /* rt_sigprocmask */
    {139, 'd', ""},       /* rt_sigreturn */
    {142, 'd', "xxxp"},   /* reboot */
    {154, 'd', "dd"},     /* setpgid */
    {155, 'd', "d"},      /* getpgid */
    {157, 'd', ""},       /* setsid */
    {160, 'd', "p"},      /* uname */
    {166, 'd', "m"},      /* umask */
    {167, 'd', "dxxxx"},  /* prctl */
    {172, 'd', ""},       /* getpid */
    {173, 'd', ""},       /* getppid */
    {174, 'd', ""},       /* getuid */
    {175, 'd', ""},       /* geteuid */
    {176, 'd', ""},       /* getgid */
    {177, 'd', ""},       /* getegid */
    {178, 'd', ""},       /* gettid */
    {214, 'x', "p"},      /* brk */
    {215, 'd', "pu"},     /* munmap */
    {216, 'x', "puuxp"},  /* mremap */
    {220, 'd', "Cpppp"},  /* clone */
    {221, 'd', "sve"},    /* execve */
    {222, 'x', "puPMfx"}, /* mmap */
    {226, 'd', "puP"},    /* mprotect */
    {233, 'd', "pud"},    /* madvise */
    {260, 'd', "dWwp"},   /* wait4 */
    {261, 'd', "ddpp"},   /* prlimit64 */
    {273, 'd', "fsx"},    /* finit_module */
    {278, 'd', "Bux"},    /* getrandom */
    {291, 'd', "Dsaxp"},  /* statx */
    {293, 'd', "pux"},    /* rseq */
    {435, 'd', "pu"},     /* clone3 */
    {439, 'd', "Dsdx"},   /* faccessat2 */
};

static const struct signature *signature_of(uint64_t nr)
{
    for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++)
        if (signatures[i].nr == nr)
            return &signatures[i];
    return NULL;
}

struct flag {
    uint64_t bit;
    const char *name;
};

static const struct flag open_flags[] = {
    {0100, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"}, {01000, "O_TRUNC"},
    {02000, "O_APPEND"}, {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"},
    {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"}, {0200000, "O_DIRECTORY"},
    {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
    {04000000, "__O_SYNC"}, {010000000, "O_PATH"}, {020000000, "__O_TMPFILE"}, {0, NULL},
};
static const struct flag prot_flags[] = {
    {1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}, {0, NULL},
};
static const struct flag map_flags[] = {
    {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"}, {0x80000, "MAP_SYNC"},
    {0x100000, "MAP_FIXED_NOREPLACE"}, {0, NULL},
};
static const struct flag clone_flags[] = {
    {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"},
    {0x800, "CLONE_SIGHAND"}, {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"},
    {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"}, {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"},
    {0x400000, "CLONE_DETACHED"}, {0x800000, "CLONE_UNTRACED"},
    {0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"}, {0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"}, {0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"},
    {0, NULL},
};
static const struct flag wait_flags[] = {
    {1, "WNOHANG"}, {2, "WUNTRACED"}, {8, "WCONTINUED"}, {0x20000000, "__WNOTHREAD"},
    {0x40000000, "__WALL"}, {0x80000000, "__WCLONE"}, {0, NULL},
};
static const struct flag sa_flags[] = {
    {1, "SA_NOCLDSTOP"}, {2, "SA_NOCLDWAIT"}, {4, "SA_SIGINFO"}, {0x04000000, "SA_RESTORER"},
    {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"}, {0x40000000, "SA_NODEFER"},
    {0x80000000, "SA_RESETHAND"}, {0, NULL},
};

static const struct flag at_flags[] = {
    {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"}, {0x400, "AT_SYMLINK_FOLLOW"},
    {0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"}, {0, NULL},
};
/* The terminal ioctls a shell makes (asm-generic/ioctls.h). */
static const struct flag ioctls[] = {
    {0x5401, "TCGETS"}, {0x5402, "TCSETS"}, {0x5403, "TCSETSW"}, {0x5404, "TCSETSF"},
    {0x540f, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"}, {0x5413, "TIOCGWINSZ"},
    {0x5414, "TIOCSWINSZ"}, {0x541b, "FIONREAD"}, {0x5421, "FIONBIO"}, {0, NULL},
};

static const char *const signals[] = {
    NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

/* -- Formatting into a line ------------------------------------------------------ */

struct line {
    char buf[LINE_MAX_];
    size_t len;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
    if (l->len >= sizeof l->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof l->buf - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len = l->len + (size_t)n < sizeof l->buf ? l->len + (size_t)n : sizeof l->buf - 1;
}

/* v as NAME|NAME|0xrest, or `zero` when v is 0. */
static void put_flags(struct line *l, uint64_t v, const struct flag *f, const char *zero)
{
    if (!v) {
        put(l, "%s", zero);
        return;
    }
    bool any = false;
    for (; f->name; f++) {
        if (v & f->bit) {
            put(l, "%s%s", any ? "|" : "", f->name);
            v &= ~f->bit;
            any = true;
        }
    }
    if (v)
        put(l, any ? "|%#llx" : "%#llx", (unsigned long long)v);
}

/* A two-bit field named by `low` (open's access mode, mmap's sharing),
 * then the flags above it: O_RDONLY|O_CLOEXEC. */
static void put_field_flags(struct line *l, uint64_t v, const char *const low[4],
                            const struct flag *f)
{
    put(l, "%s", low[v & 3]);
    if (v & ~3ULL) {
        put(l, "|");
        put_flags(l, v & ~3ULL, f, "");
    }
}

static void put_signal(struct line *l, uint64_t sig)
{
    if (sig && sig < sizeof signals / sizeof signals[0])
        put(l, "%s", signals[sig]);
    else if (sig >= 32 && sig <= 64)
        put(l, "SIGRT_%llu", (unsigned long long)sig - 32);
    else
        put(l, "%lld", (long long)sig);
}

/* len bytes at va (a NUL-terminated string with to_nul) as a C string
 * literal, "..." when cut short: data at STR_MAX, strings at PATH_SHOW. */
static void put_bytes(struct line *l, struct hart *h, uint64_t va, size_t len, bool to_nul)
{
    uint8_t b[PATH_SHOW + 1];
    size_t max = to_nul ? PATH_SHOW : STR_MAX;
    size_t want = len < max + 1 ? len : max + 1;
    size_t got = mmu_peek(h, va, b, want);
    if (!got && want) {
        put(l, "%#llx", (unsigned long long)va);
        return;
    }
    put(l, "\"");
    size_t i;
    for (i = 0; i < got && i < max; i++) {
        uint8_t c = b[i];
        if (to_nul && !c)
            break;
        if (c == '"' || c == '\\') put(l, "\\%c", c);
        else if (c == '\n') put(l, "\\n");
        else if (c == '\t') put(l, "\\t");
        else if (c < 32 || c >= 127) put(l, "\\%o", c);
        else put(l, "%c", c);
    }
    put(l, "\"");
    bool more = to_nul ? (i == max && got > max && b[max]) : len > max;
    if (more)
        put(l, "...");
}

static void put_ptr(struct line *l, uint64_t p)
{
    if (p) put(l, "%#llx", (unsigned long long)p);
    else put(l, "NULL");
}

static bool peek_u64(struct hart *h, uint64_t va, uint64_t *v)
{
    return mmu_peek(h, va, v, 8) == 8;
}

/* ["ls", "-l"], or for envp only the count. */
static void put_argv(struct line *l, struct hart *h, uint64_t va, bool count_only)
{
    uint64_t p;
    int n = 0;
    if (!va) {
        put(l, "NULL");
        return;
    }
    if (count_only) {
        while (n < 4096 && peek_u64(h, va + 8 * (uint64_t)n, &p) && p)
            n++;
        put(l, "%#llx /* %d vars */", (unsigned long long)va, n);
        return;
    }
    put(l, "[");
    for (; n < ARGV_MAX && peek_u64(h, va + 8 * (uint64_t)n, &p) && p; n++) {
        put(l, n ? ", " : "");
        put_bytes(l, h, p, PATH_SHOW + 1, true);
    }
    if (n == ARGV_MAX && peek_u64(h, va + 8 * (uint64_t)n, &p) && p)
        put(l, ", ...");
    put(l, "]");
}

/* The status wait4 stored: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}]. */
static void put_wait_status(struct line *l, struct hart *h, uint64_t va, bool returned)
{
    uint32_t s;
    if (!va || !returned || mmu_peek(h, va, &s, 4) != 4) {
        put_ptr(l, va);
        return;
    }
    if ((s & 0x7f) == 0)
        put(l, "[{WIFEXITED(s) && WEXITSTATUS(s) == %u}]", (s >> 8) & 0xff);
    else if ((s & 0xff) == 0x7f) {
        put(l, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
        put_signal(l, (s >> 8) & 0xff);
        put(l, "}]");
    } else {
        put(l, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
        put_signal(l, s & 0x7f);
        put(l, "%s}]", (s & 0x80) ? " && WCOREDUMP(s)" : "");
    }
}

/* struct sigaction on riscv64: handler, flags, mask (no sa_restorer). */
static void put_sigaction(struct line *l, struct hart *h, uint64_t va)
{
    uint64_t sa[3];
    if (!va || mmu_peek(h, va, sa, sizeof sa) != sizeof sa) {
        put_ptr(l, va);
        return;
    }
    put(l, "{sa_handler=");
    if (sa[0] == 0) put(l, "SIG_DFL");
    else if (sa[0] == 1) put(l, "SIG_IGN");
    else put(l, "%#llx", (unsigned long long)sa[0]);
    put(l, ", sa_mask=%#llx, sa_flags=", (unsigned long long)sa[2]);
    put_flags(l, sa[1], sa_flags, "0");
    put(l, "}");
}

/* One argument of type t; `returned` says the call is over (out buffers). */
static void put_arg(struct line *l, struct hart *h, char t, const uint64_t *a, int i,
                    int64_t ret, bool returned)
{
    uint64_t v = a[i];
    switch (t) {
    case 'd': put(l, "%d", (int)v); break;
    case 'u': put(l, "%llu", (unsigned long long)v); break;
    case 'f': put(l, "%d", (int)v); break;
    case 'D':
        if ((int)v == -100) put(l, "AT_FDCWD");
        else put(l, "%d", (int)v);
        break;
    case 'p': put_ptr(l, v); break;
    case 's': put_bytes(l, h, v, PATH_SHOW + 1, true); break;
    case 'm': put(l, "0%llo", (unsigned long long)v); break;
    case 'o': {
        static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        put_field_flags(l, v, acc, open_flags);
        break;
    }
    case 'M': {
        static const char *const share[] = {"0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
        put_field_flags(l, v, share, map_flags);
        break;
    }
    case 'P': put_flags(l, v, prot_flags, "PROT_NONE"); break;
    case 'C': /* flags, and the exit signal in the low byte */
        put_flags(l, v & ~0xffULL, clone_flags, (v & 0xff) ? "" : "0");
        if (v & 0xff) {
            put(l, (v & ~0xffULL) ? "|" : "");
            put_signal(l, v & 0xff);
        }
        break;
    case 'w': put_flags(l, v, wait_flags, "0"); break;
    case 'a': put_flags(l, v, at_flags, "0"); break;
    case 'i': {
        const struct flag *f = ioctls;
        while (f->name && f->bit != (uint32_t)v)
            f++;
        if (f->name) put(l, "%s", f->name);
        else put(l, "%#llx", (unsigned long long)v);
        break;
    }
    case 'W': put_wait_status(l, h, v, returned && ret > 0); break;
    case 'S': put_signal(l, v); break;
    case 'A': put_sigaction(l, h, v); break;
    case 'h': {
        static const char *const how[] = {"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"};
        if (v < 3) put(l, "%s", how[v]);
        else put(l, "%llu", (unsigned long long)v);
        break;
    }
    case 'v': put_argv(l, h, v, false); break;
    case 'e': put_argv(l, h, v, true); break;
    case 'b': put_bytes(l, h, v, a[i + 1], false); break;
    case 'B':
        if (returned && ret >= 0)
            put_bytes(l, h, v, (size_t)ret < a[i + 1] ? (size_t)ret : a[i + 1], false);
        else
            put_ptr(l, v);
        break;
    default: put(l, "%#llx", (unsigned long long)v); break;
    }
}

/* -- Which process ----------------------------------------------------------------- */

/* A thread with this task_struct has thread id tid: narrow down where the
 * pid field is (see the top of the file). */
static void learn_pid(struct hart *h, struct syscall_log *s, uint64_t task, uint32_t tid)
{
    uint32_t words[TASK_SCAN / 4];
    if (s->pid_offset >= 0 || !task || mmu_peek(h, task, words, sizeof words) != sizeof words)
        return;
    int left = 0;
    for (size_t i = 0; i < TASK_SCAN / 4; i++) {
        bool match = words[i] == tid;
        s->candidate[i] = s->samples ? s->candidate[i] && match : match;
        left += s->candidate[i];
    }
    if (!s->samples)
        s->first_tid = tid;
    s->distinct |= tid != s->first_tid;
    s->samples++;
    if (!left) { /* nothing agrees: start again */
        s->samples = 0;
        s->distinct = false;
        return;
    }
    if (!s->distinct || left > 2)
        return;
    size_t first = 0;
    while (!s->candidate[first])
        first++;
    /* Two left: pid and tgid side by side (the lower one is pid). */
    if (left == 2 && !(first + 1 < TASK_SCAN / 4 && s->candidate[first + 1]))
        return;
    s->pid_offset = (long)first * 4;
}

static void put_process(struct line *l, struct hart *h, struct syscall_log *s, uint64_t task)
{
    uint32_t pid;
    if (s->pid_offset >= 0 && task &&
        mmu_peek(h, task + (uint64_t)s->pid_offset, &pid, 4) == 4)
        put(l, "pid %u", pid);
    else
        put(l, "as %#llx", (unsigned long long)((h->satp & SATP_PPN_MASK) << 12));
}

/* -- The two ends of a call ----------------------------------------------------------- */

static struct syscall_log *state(struct machine *m)
{
    if (!m->syscalls) {
        m->syscalls = calloc(1, sizeof *m->syscalls);
        if (!m->syscalls) {
            fprintf(stderr, "dbt: out of memory\n");
            exit(2);
        }
        m->syscalls->pid_offset = -1;
    }
    return m->syscalls;
}

/* The thread in U-mode: sscratch holds Linux's `current` (never 0 there).
 * Other guests may leave it 0: then the address space stands in. */
static uint64_t current_task(const struct hart *h)
{
    return h->sscratch ? h->sscratch : (h->satp << 1) | 1;
}

static void put_call(struct line *l, struct hart *h, const struct pending *p, int64_t ret,
                     bool returned)
{
    const char *name = p->nr < sizeof names / sizeof names[0] ? names[p->nr] : NULL;
    if (name)
        put(l, "%s(", name);
    else
        put(l, "syscall_%llu(", (unsigned long long)p->nr);
    const struct signature *sig = signature_of(p->nr);
    if (p->entry_text[0]) {
        put(l, "%s", p->entry_text);
    } else if (sig) {
        for (int i = 0; sig->args[i] && i < 6; i++) {
            /* open's mode only matters when it creates */
            if (sig->args[i] == 'm' && i && sig->args[i - 1] == 'o' &&
                !(p->a[i - 1] & (0100 | 020000000)))
                break;
            put(l, i ? ", " : "");
            put_arg(l, h, sig->args[i], p->a, i, ret, returned);
        }
    } else { /* unknown shape: the first three registers */
        put(l, "%#llx, %#llx, %#llx", (unsigned long long)p->a[0],
            (unsigned long long)p->a[1], (unsigned long long)p->a[2]);
    }
    put(l, ")");
}

static void put_result(struct line *l, const struct pending *p, int64_t ret)
{
    const struct signature *sig = signature_of(p->nr);
    if (ret < 0 && ret >= -4095) {
        uint64_t e = (uint64_t)-ret;
        const char *name = e < sizeof errnos / sizeof errnos[0] ? errnos[e] : NULL;
        put(l, " = -1 %s (%s)", name ? name : "E?", strerror((int)e));
    } else if (sig && sig->ret == 'x') {
        put(l, " = %#llx", (unsigned long long)ret);
    } else {
        put(l, " = %lld", (long long)ret);
    }
}

static void emit(struct hart *h, struct syscall_log *s, uint64_t task, const struct line *body)
{
    struct line l = {.len = 0};
    put(&l, "syscall: hart %llu ", (unsigned long long)h->hartid);
    put_process(&l, h, s, task);
    fprintf(h->m->logf, "%s %s\n", l.buf, body->buf);
}

void syscall_log_enter(struct hart *h)
{
    struct syscall_log *s = state(h->m);
    uint64_t task = current_task(h);
    struct pending *p = NULL, *free_slot = NULL;
    for (int i = 0; i < PENDING_MAX && !p; i++) {
        if (s->pending[i].task == task)
            p = &s->pending[i];
        else if (!s->pending[i].task && !free_slot)
            free_slot = &s->pending[i];
    }
    if (p) { /* the last call never came back to U-mode (killed?) */
        struct line l = {.len = 0};
        put_call(&l, h, p, 0, false);
        put(&l, " = ? <unfinished>");
        emit(h, s, task, &l);
    } else {
        p = free_slot ? free_slot : &s->pending[0];
    }
    p->task = task;
    p->nr = h->x[17];
    p->pc = h->pc;
    for (int i = 0; i < 6; i++)
        p->a[i] = h->x[10 + i];
    p->entry_text[0] = 0;

    const struct signature *sig = signature_of(p->nr);
    if (sig && sig->ret == 'n') {
        struct line l = {.len = 0};
        put_call(&l, h, p, 0, false);
        put(&l, " = ?");
        emit(h, s, task, &l);
        p->task = 0;
    } else if (p->nr == 221) { /* execve: its arguments vanish if it works */
        struct line l = {.len = 0};
        for (int i = 0; sig->args[i]; i++) {
            put(&l, i ? ", " : "");
            put_arg(&l, h, sig->args[i], p->a, i, 0, false);
        }
        snprintf(p->entry_text, sizeof p->entry_text, "%s", l.buf);
    }
}

/* The sret enters a signal handler instead of coming back from the call:
 * the call's result is in the signal frame at the new sp.  riscv64's
 * struct rt_sigframe: siginfo (128 bytes), then the ucontext, whose
 * uc_mcontext starts at 176 with the registers pc, ra, sp, ... a0 (x10).
 * The saved pc must be the one after the ecall, or the frame is not ours. */
#define FRAME_SAVED_PC (128 + 176)
#define FRAME_SAVED_A0 (128 + 176 + 8 * 10)

static bool signal_frame_result(struct hart *h, const struct pending *p, int64_t *ret)
{
    uint64_t pc, a0;
    if (!peek_u64(h, h->x[2] + FRAME_SAVED_PC, &pc) || pc != p->pc + 4 ||
        !peek_u64(h, h->x[2] + FRAME_SAVED_A0, &a0))
        return false;
    *ret = (int64_t)a0;
    return true;
}

void syscall_log_return(struct hart *h)
{
    struct machine *m = h->m;
    if (!m->syscalls)
        return;
    struct syscall_log *s = m->syscalls;
    uint64_t task = current_task(h);
    struct pending *p = NULL;
    for (int i = 0; i < PENDING_MAX && !p; i++)
        if (s->pending[i].task == task)
            p = &s->pending[i];
    if (!p)
        return; /* an interrupt or a fault returning, or a new thread */
    int64_t ret = (int64_t)h->x[10];
    /* execve starts the new program; rt_sigreturn resumes the old pc. */
    bool back = h->sepc == p->pc + 4 || p->nr == 221 || p->nr == 139;
    bool handler = !back && h->sepc != p->pc && signal_frame_result(h, p, &ret);
    struct line l = {.len = 0};
    put_call(&l, h, p, ret, back || handler);
    if (back || handler)
        put_result(&l, p, ret);
    if (handler)
        put(&l, " <signal handler at %#llx>", (unsigned long long)h->sepc);
    else if (h->sepc == p->pc)
        put(&l, " = ? <restarted>");
    else if (!back)
        put(&l, " = ? <resumed at %#llx>", (unsigned long long)h->sepc);
    emit(h, s, task, &l);
    if ((p->nr == 96 || p->nr == 178) && ret > 0 && back)
        learn_pid(h, s, task, (uint32_t)ret);
    p->task = 0;
}
