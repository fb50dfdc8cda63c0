# bench/loop.S — a simple guest loop for measuring raw execution speed:
# 5 instructions per iteration (load, add, store, count, branch), then an
# HTIF exit.  Built and run by bench/run.
    .option norelax
    .section .text
    .globl _start
_start:
    li      t0, 40000000        # iterations
    la      t1, counter
1:  ld      t2, 0(t1)
    addi    t2, t2, 1
    sd      t2, 0(t1)
    addi    t0, t0, -1
    bnez    t0, 1b
    li      a0, 1               # HTIF: exit status 0
    la      t1, tohost
    sd      a0, 0(t1)
2:  j       2b

    .data
    .align  12                  # not on the code page: a translator would see
counter: .dword 0               # self-modifying code on every store
    .section .tohost, "aw"
    .align  12                  # its own page: HTIF stores take the slow path
    .globl  tohost, fromhost
tohost:   .dword 0
    .size   tohost, 8           # QEMU's HTIF wants to see the size
fromhost: .dword 0
    .size   fromhost, 8
