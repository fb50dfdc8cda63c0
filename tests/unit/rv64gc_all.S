# rv64gc_all.S — every RV64GC instruction, for tests/10-decode-disas.t.
# Assembled with riscv64-unknown-elf-as and turned into a raw image; the
# test disassembles the image with our decoder and with objdump and wants
# the same text line for line.  Operands are chosen to exercise the
# immediate encodings (signs, extremes) and objdump's aliases.

        .text
        .option norelax
        .option norvc

# -- RV64I --------------------------------------------------------------
        lui     a0, 0x12345
        lui     t6, 0xfffff
        lui     zero, 0x80000
        auipc   s11, 0x7ffff
        auipc   a5, 0
        jal     ra, 1f
1:      jal     zero, 1b
        jal     a0, .+0xffffe
        jal     t0, .-0x100000
        jalr    ra, 0(a0)
        jalr    zero, 0(ra)
        jalr    a1, -2048(a2)
        jalr    zero, 2047(t1)
        jalr    ra, 12(s0)
        beq     a0, a1, .+4094
        bne     a0, zero, .-4096
        blt     s1, s2, .+8
        bge     t0, t1, .-8
        bltu    a2, a3, .+16
        bgeu    a4, a5, .-16
        beq     zero, a0, .
        blt     zero, a3, .
        bge     zero, a3, .
        lb      a0, -2048(sp)
        lh      a1, 2047(sp)
        lw      a2, 0(a3)
        ld      a4, 8(s0)
        lbu     a5, -1(t0)
        lhu     a6, 100(gp)
        lwu     a7, -100(tp)
        sb      a0, -2048(sp)
        sh      a1, 2047(sp)
        sw      a2, 0(a3)
        sd      a4, -8(s0)
        addi    a0, a1, 2047
        addi    a0, a1, -2048
        addi    a0, zero, 5
        addi    a0, a1, 0
        addi    zero, zero, 0
        slti    a0, a1, -1
        sltiu   a0, a1, 1
        sltiu   a0, a1, 77
        xori    a0, a1, -1
        xori    a0, a1, 0x7ff
        ori     s0, s1, 1
        andi    t3, t4, -256
        slli    a0, a1, 0
        slli    a0, a1, 63
        srli    a0, a1, 32
        srai    a0, a1, 1
        add     a0, a1, a2
        sub     a0, a1, a2
        sub     a0, zero, a2
        sll     t0, t1, t2
        slt     s2, s3, s4
        slt     a0, a1, zero
        slt     a0, zero, a1
        sltu    s5, s6, s7
        sltu    a0, zero, a1
        xor     s8, s9, s10
        srl     s11, t3, t4
        sra     t5, t6, ra
        or      gp, tp, sp
        and     a0, a0, a0
        addiw   a0, a1, -1
        addiw   a0, a1, 0
        slliw   a0, a1, 31
        srliw   a0, a1, 0
        sraiw   a0, a1, 17
        addw    a0, a1, a2
        subw    a0, a1, a2
        subw    a0, zero, a2
        sllw    a0, a1, a2
        srlw    a0, a1, a2
        sraw    a0, a1, a2
        fence
        fence   rw, w
        fence   i, o
        fence   iorw, r
        fence.tso
        fence.i
        ecall
        ebreak

# -- Privileged ---------------------------------------------------------
        sret
        mret
        wfi
        sfence.vma
        sfence.vma a0
        sfence.vma a0, a1
        sfence.vma zero, t0

# -- Zicsr --------------------------------------------------------------
        csrrw   a0, mstatus, a1
        csrrs   a0, sstatus, a1
        csrrc   a0, satp, a1
        csrrwi  a0, mepc, 31
        csrrsi  a0, stimecmp, 1
        csrrci  a0, menvcfg, 0
        csrr    a0, mhartid
        csrw    mtvec, a0
        csrs    mie, a0
        csrc    mip, a0
        csrwi   sie, 5
        csrsi   sip, 2
        csrci   scause, 3
        csrr    a0, pmpcfg0
        csrr    a0, pmpaddr63
        csrr    a0, mhpmcounter17
        csrr    a0, hpmcounter3
        csrr    a0, 0x7ff
        csrrs   a0, 0xfff, a1
        frflags a0
        fsflags a0
        fsflags a1, a0
        frrm    a0
        fsrm    a0
        fsrm    a1, a0
        frcsr   a0
        fscsr   a0
        fscsr   a1, a0
        fsflagsi a0, 3
        fsrmi   a0, 1
        rdcycle a0
        rdtime  a0
        rdinstret a0
        unimp

# -- M ------------------------------------------------------------------
        mul     a0, a1, a2
        mulh    a0, a1, a2
        mulhsu  a0, a1, a2
        mulhu   a0, a1, a2
        div     a0, a1, a2
        divu    a0, a1, a2
        rem     a0, a1, a2
        remu    a0, a1, a2
        mulw    a0, a1, a2
        divw    a0, a1, a2
        divuw   a0, a1, a2
        remw    a0, a1, a2
        remuw   a0, a1, a2

# -- A ------------------------------------------------------------------
        lr.w    a0, (a1)
        lr.w.aq a0, (a1)
        sc.w    a0, a2, (a1)
        sc.w.rl a0, a2, (a1)
        amoswap.w a0, a2, (a1)
        amoadd.w.aqrl a0, a2, (a1)
        amoxor.w a0, a2, (a1)
        amoand.w a0, a2, (a1)
        amoor.w a0, a2, (a1)
        amomin.w a0, a2, (a1)
        amomax.w a0, a2, (a1)
        amominu.w a0, a2, (a1)
        amomaxu.w a0, a2, (a1)
        lr.d.aqrl a0, (a1)
        sc.d.aq a0, a2, (a1)
        amoswap.d.rl a0, a2, (a1)
        amoadd.d a0, a2, (a1)
        amoxor.d a0, a2, (a1)
        amoand.d a0, a2, (a1)
        amoor.d a0, a2, (a1)
        amomin.d a0, a2, (a1)
        amomax.d a0, a2, (a1)
        amominu.d a0, a2, (a1)
        amomaxu.d zero, zero, (zero)

# -- F ------------------------------------------------------------------
        flw     fa0, -4(a1)
        fsw     ft11, 2047(sp)
        fmadd.s fa0, fa1, fa2, fa3
        fmadd.s fa0, fa1, fa2, fa3, rne
        fmsub.s fs0, fs1, fs2, fs3, rtz
        fnmsub.s ft0, ft1, ft2, ft3, rdn
        fnmadd.s ft8, ft9, ft10, ft11, rup
        fadd.s  fa0, fa1, fa2
        fadd.s  fa0, fa1, fa2, rmm
        fsub.s  fa0, fa1, fa2, rtz
        fmul.s  fa0, fa1, fa2
        fdiv.s  fa0, fa1, fa2, rne
        fsqrt.s fa0, fa1
        fsqrt.s fa0, fa1, rup
        fsgnj.s fa0, fa1, fa2
        fsgnjn.s fa0, fa1, fa2
        fsgnjx.s fa0, fa1, fa2
        fmv.s   fa0, fa1
        fneg.s  fa0, fa1
        fabs.s  fa0, fa1
        fmin.s  fa0, fa1, fa2
        fmax.s  fa0, fa1, fa2
        fcvt.w.s a0, fa0
        fcvt.w.s a0, fa0, rtz
        fcvt.wu.s a0, fa0, rne
        fcvt.l.s a0, fa0, rdn
        fcvt.lu.s a0, fa0
        fmv.x.w a0, fa0
        feq.s   a0, fa0, fa1
        flt.s   a0, fa0, fa1
        fle.s   a0, fa0, fa1
        fclass.s a0, fa0
        fcvt.s.w fa0, a0
        fcvt.s.wu fa0, a0, rtz
        fcvt.s.l fa0, a0, rmm
        fcvt.s.lu fa0, a0
        fmv.w.x fa0, a0

# -- D ------------------------------------------------------------------
        fld     fa0, 8(sp)
        fsd     fs11, -2048(t0)
        fmadd.d fa0, fa1, fa2, fa3
        fmsub.d fa0, fa1, fa2, fa3, rtz
        fnmsub.d fa0, fa1, fa2, fa3
        fnmadd.d fa0, fa1, fa2, fa3, rmm
        fadd.d  fa0, fa1, fa2
        fsub.d  fa0, fa1, fa2, rdn
        fmul.d  fa0, fa1, fa2, rup
        fdiv.d  fa0, fa1, fa2
        fsqrt.d fa0, fa1
        fsgnj.d fa0, fa1, fa2
        fsgnjn.d fa0, fa1, fa2
        fsgnjx.d fa0, fa1, fa2
        fmv.d   fa0, fa1
        fneg.d  fa0, fa1
        fabs.d  fa0, fa1
        fmin.d  fa0, fa1, fa2
        fmax.d  fa0, fa1, fa2
        fcvt.s.d fa0, fa1
        fcvt.s.d fa0, fa1, rtz
        fcvt.d.s fa0, fa1
        fcvt.w.d a0, fa0, rtz
        fcvt.wu.d a0, fa0
        fcvt.l.d a0, fa0, rne
        fcvt.lu.d a0, fa0
        fmv.x.d a0, fa0
        feq.d   a0, fa0, fa1
        flt.d   a0, fa0, fa1
        fle.d   a0, fa0, fa1
        fclass.d a0, fa0
        fcvt.d.w fa0, a0
        fcvt.d.wu fa0, a0
        fcvt.d.l fa0, a0, rtz
        fcvt.d.lu fa0, a0
        fmv.d.x fa0, a0

# -- C (RV64C), every form and the operand extremes ------------------------
        .option rvc
        c.addi4spn a0, sp, 4
        c.addi4spn s1, sp, 1020
        c.fld   fa0, 0(a1)
        c.fld   fs1, 248(a5)
        c.lw    a0, 4(a1)
        c.lw    s0, 124(a5)
        c.ld    a0, 8(a1)
        c.ld    a5, 248(s0)
        c.fsd   fa0, 0(a1)
        c.fsd   fa5, 248(s1)
        c.sw    a0, 124(a1)
        c.sd    a0, 248(a1)
        c.nop
        c.addi  a0, 1
        c.addi  sp, -32
        c.addi  t6, 31
        c.addiw a0, 0
        c.addiw a0, -32
        c.li    a0, 31
        c.li    ra, -32
        c.addi16sp sp, 16
        c.addi16sp sp, -512
        c.addi16sp sp, 496
        c.lui   a0, 1
        c.lui   t6, 0x1f
        c.lui   s0, 0xfffe0
        c.lui   a1, 0xfffff
        c.srli  a0, 1
        c.srli  s1, 63
        c.srai  a5, 32
        c.andi  a0, -32
        c.andi  a0, 31
        c.sub   a0, a1
        c.xor   s0, s1
        c.or    a4, a5
        c.and   a2, a3
        c.subw  a0, a1
        c.addw  a0, a1
        c.j     .+2046
        c.j     .-2048
        c.beqz  a0, .+254
        c.bnez  s1, .-256
        c.slli  a0, 1
        c.slli  t6, 63
        c.fldsp fa0, 0(sp)
        c.fldsp ft11, 504(sp)
        c.lwsp  a0, 252(sp)
        c.ldsp  ra, 504(sp)
        c.jr    a0
        c.jr    ra
        c.mv    a0, a1
        c.ebreak
        c.jalr  a0
        c.jalr  ra
        c.add   a0, a1
        c.fsdsp fa0, 504(sp)
        c.swsp  a0, 252(sp)
        c.sdsp  s11, 0(sp)
        # HINTs: valid encodings that objdump prints by their c. names
        .2byte  0x0005          # c.nop 1
        .2byte  0x4001          # c.li zero, 0
        .2byte  0x607d          # c.lui zero, 0x1f
        .2byte  0x0002          # c.slli64 zero
        .2byte  0x1002          # c.slli zero, 0x20
        .2byte  0x8006          # c.mv zero, ra
        .2byte  0x9006          # c.add zero, ra
        .2byte  0x8401          # c.srai64 s0
        .2byte  0x8001          # c.srli64 s0
        .2byte  0x0081          # c.addi ra, 0
