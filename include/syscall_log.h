/* syscall_log.h — -d syscall: Linux system calls of guest user processes,
 * strace-style (syscall_log.c). */
#ifndef SYSCALL_LOG_H
#define SYSCALL_LOG_H

struct hart;

/* A U-mode ecall is trapping: remember the call (h->pc is the ecall). */
void syscall_log_enter(struct hart *h);
/* An sret is about to go back to U-mode at h->sepc: if it ends a call of
 * the current thread, write its line with a0 as the result. */
void syscall_log_return(struct hart *h);

#endif
