// exc_el2: exception round trips between EL0, EL1 and EL2 (started at EL2: QEMU
// -M virt,virtualization=on, bootemu --el2; PSCI then goes over SMC). DDI 0487 D1.10-D1.11
// (exception entry, routing, vector offsets), D17.2.37/D17.2.40 (ESR_ELx encodings), D1.8.1 (PC
// alignment), D1.13 (IRQ routing with HCR_EL2.IMO).
// - at EL2 and at EL1 (the same suite, EXC_SUITE): SVC (EC 0x15), BRK (EC 0x3c), UDF (EC 0), a data
//   abort on an unmapped physical address with the MMU off (EC 0x25, DFSC 0x10 external abort,
//   FAR), a PC alignment fault after BR to a misaligned address (EC 0x22, FAR = ELR = the
//   address); ESR, ELR, SPSR.M and FAR are checked in the ELx registers of the EL that took the
//   exception (SP alignment faults are in sp_align.S: QEMU does not implement them);
// - ERET EL2 -> EL1 (HCR_EL2.RW = 1) -> EL0 and back with SVC; HVC from EL1 to EL2 (EC 0x16);
//   MRS of an EL2 register at EL1 and of an EL1 register at EL0, HVC at EL0: UNDEFINED (EC 0);
//   a data abort from EL0 (EC 0x24) taken to EL1;
// - the EL1 physical timer (PPI 30, GICv2) taken at EL1 with HCR_EL2.IMO = 0, then taken at EL2 from
//   EL1 with HCR_EL2.IMO = 1 although PSTATE.I is set at EL1 (an interrupt routed to a higher EL
//   is not masked by the lower EL's PSTATE.I).
// Handlers record x18 = vector id (11 EL1 current SPx sync, 12 EL1 lower sync, 13 EL1 current IRQ,
// 21 EL2 current SPx sync, 22 EL2 lower sync, 23 EL2 lower IRQ), x19 = exception count, x20..x23 =
// ESR, ELR, SPSR, FAR of the EL that took it; x14 = INTID for IRQs. They resume at x24: at the same
// EL for current-EL exceptions; for lower-EL ones at the lower EL, except SVC from EL0 (resumes at
// EL1h) and HVC #0x100 from EL1 (resumes at EL2h).
        .equ    GUEST_EL2, 1
        .include "common.inc"
        GUEST_ENTRY
        SYS_HELPERS

        .macro  RECORD el, id
        mrs     x20, esr_el\el
        mrs     x21, elr_el\el
        mrs     x22, spsr_el\el
        mrs     x23, far_el\el
        mov     x18, #\id
        add     x19, x19, #1
        .endm

// IRQ body: acknowledge (GICv2), mask the physical timer if it fired, EOI; x14 = INTID.
        .macro  IRQ_BODY
        mov     x9, #GICC_BASE
        ldr     w10, [x9, #GICC_IAR]
        and     x14, x10, #0x3ff
        mov     x11, #3
        cmp     x14, #30
        b.ne    .Lnt\@
        msr     cntp_ctl_el0, x11
        isb
.Lnt\@: str     w10, [x9, #GICC_EOIR]
        .endm

        .balign 2048
el2_vectors:
        .rept   4
        b       unexpected_el2          // 0x000-0x180: current EL with SP0
        .balign 128
        .endr
        RECORD  2, 21                   // 0x200: current EL with SPx, synchronous
        b       resume_el2
        .balign 128
        .rept   3
        b       unexpected_el2
        .balign 128
        .endr
        RECORD  2, 22                   // 0x400: lower EL (AArch64), synchronous
        b       lower_el2
        .balign 128
        RECORD  2, 23                   // 0x480: lower EL, IRQ
        IRQ_BODY
        b       resume_el2
        .balign 128
        .rept   6
        b       unexpected_el2
        .balign 128
        .endr

// x24 = 0: nobody expected this exception. Each expected one consumes x24.
resume_el2:
        cbz     x24, unexpected_el2
        msr     elr_el2, x24
        mov     x24, #0
        eret

lower_el2:
        lsr     x9, x20, #26
        cmp     x9, #0x16               // HVC #0x100: continue at EL2h
        b.ne    resume_el2
        and     x9, x20, #0xffff
        cmp     x9, #0x100
        b.ne    resume_el2
        mov     x9, #0x3c9
        msr     spsr_el2, x9
        b       resume_el2

unexpected_el2:
        bl      fail_prefix
        adr     x0, .Lel2_msg
        bl      puts
        adr     x0, .Lexc_msg2
        bl      puts
        mrs     x0, esr_el2
        bl      puthex
        adr     x0, .Lelr_msg2
        bl      puts
        mrs     x0, elr_el2
        bl      puthex
        adr     x0, .Lfar_msg2
        bl      puts
        mrs     x0, far_el2
        bl      puthex
        mov     w0, #'\n'
        bl      putc
        b       poweroff

        .balign 2048
el1_vectors:
        .rept   4
        b       unexpected_exception
        .balign 128
        .endr
        RECORD  1, 11                   // 0x200: current EL with SPx, synchronous
        b       resume_el1
        .balign 128
        RECORD  1, 13                   // 0x280: current EL with SPx, IRQ
        IRQ_BODY
        b       resume_el1
        .balign 128
        .rept   2
        b       unexpected_exception
        .balign 128
        .endr
        RECORD  1, 12                   // 0x400: lower EL (AArch64), synchronous
        b       lower_el1
        .balign 128
        .rept   7
        b       unexpected_exception
        .balign 128
        .endr

resume_el1:
        cbz     x24, unexpected_exception
        msr     elr_el1, x24
        mov     x24, #0
        eret

// From EL0: SVC resumes at EL1h at x24; anything else skips the instruction and resumes EL0.
lower_el1:
        lsr     x9, x20, #26
        cmp     x9, #0x15
        b.eq    1f
        add     x9, x21, #4
        msr     elr_el1, x9
        eret
1:      mov     x9, #0x3c5
        msr     spsr_el1, x9
        b       resume_el1

// EXC_SUITE el, id, mode: synchronous exceptions taken at the current EL (el), whose current-EL
// synchronous vector has id `id`, with SPSR.M = mode.
        .macro  EXC_SUITE el, id, mode
        mov     x19, #0
        // SVC
        adr     x24, 1f
        svc     #0x42
2:      b       .
1:      CHECK   x19, 1
        CHECK   x18, \id
        CHECK   x20, 0x56000042
        adr     x0, 2b
        CHECK_EQ x21, x0
        and     x0, x22, #0x1f
        CHECK   x0, \mode
        // BRK
        adr     x24, 1f
2:      brk     #0x44
        b       .
1:      CHECK   x19, 2
        CHECK   x20, 0xf2000044
        adr     x0, 2b
        CHECK_EQ x21, x0
        // UDF
        adr     x24, 1f
2:      udf     #7
        b       .
1:      CHECK   x19, 3
        CHECK   x20, 0x02000000
        adr     x0, 2b
        CHECK_EQ x21, x0
        // data abort: load from an unmapped physical address
        mov     x10, #0x100000000
        adr     x24, 1f
2:      ldr     x0, [x10, #0x18]
        b       .
1:      CHECK   x19, 4
        lsr     x0, x20, #26
        CHECK   x0, 0x25
        and     x0, x20, #0x3f
        CHECK   x0, 0x10                // synchronous external abort
        ubfx    x0, x20, #6, #1
        CHECK   x0, 0                   // WnR
        CHECK   x23, 0x100000018
        adr     x0, 2b
        CHECK_EQ x21, x0
        // store: WnR
        adr     x24, 1f
2:      str     w0, [x10, #0x24]
        b       .
1:      CHECK   x19, 5
        ubfx    x0, x20, #6, #1
        CHECK   x0, 1
        CHECK   x23, 0x100000024
        // PC alignment fault: BR to an address with bit 1 set
        adr     x24, 1f
        adr     x8, 2f
        add     x8, x8, #2
        br      x8
        b       .
2:      b       .
        b       .
1:      CHECK   x19, 6
        CHECK   x20, 0x8a000000         // EC 0x22, IL
        CHECK_EQ x21, x8                // preferred return: the misaligned address
        CHECK_EQ x23, x8                // FAR: the same
        .endm

main:
        msr     daifset, #0xf
        mov     x24, #0
        mrs     x0, currentel
        CHECK   x0, 8                   // started at EL2
        adr     x0, el2_vectors
        msr     vbar_el2, x0
        MOV32   w0, 0x30c50838          // SCTLR_EL2: RES1 bits, SA; MMU, caches, A off
        msr     sctlr_el2, x0
        mov     x0, #(1 << 31)          // HCR_EL2.RW: EL1 is AArch64; no traps, no routing
        msr     hcr_el2, x0
        isb
        mrs     x1, hcr_el2
        CHECK   x1, 0x80000000
        mov     x0, #3                  // CNTHCTL_EL2: EL1 may use the physical counter and timer
        msr     cnthctl_el2, x0
        msr     cntvoff_el2, xzr
        isb

// ---- EL2 ---------------------------------------------------------------------------------------
        EXC_SUITE 2, 21, 0x9
        adr     x24, 1f
2:      hvc     #0x77                   // HVC at EL2: taken to EL2
        b       .
1:      CHECK   x18, 21
        CHECK   x20, 0x5a000077         // EC 0x16, IL, imm16
        adr     x0, 2b
        add     x0, x0, #4
        CHECK_EQ x21, x0                // preferred return: the next instruction

// ---- EL2 -> EL1 ----------------------------------------------------------------------------------
        adr     x0, el1_stack_top
        msr     sp_el1, x0
        MOV32   w0, 0x30d00808          // SCTLR_EL1: RES1 bits, SA; MMU, caches, A off
        msr     sctlr_el1, x0
        mov     x0, #0x3c5              // EL1h, DAIF masked
        msr     spsr_el2, x0
        adr     x0, el1_entry
        msr     elr_el2, x0
        eret

el1_entry:
        mrs     x0, currentel
        CHECK   x0, 4
        mov     x0, sp
        adr     x1, el1_stack_top
        CHECK_EQ x0, x1
        adr     x0, el1_vectors
        msr     vbar_el1, x0
        isb
        EXC_SUITE 1, 11, 0x5
        // HVC from EL1: taken to EL2, back to EL1
        mov     x19, #0
        adr     x24, 1f
        SET_NZCV 0b0110
2:      hvc     #0x43
        b       .
1:      CHECK   x19, 1
        CHECK   x18, 22
        CHECK   x20, 0x5a000043
        adr     x0, 2b
        add     x0, x0, #4
        CHECK_EQ x21, x0
        CHECK   x22, 0x600003c5         // SPSR_EL2: Z, C; DAIF masked; EL1h
        mrs     x0, currentel
        CHECK   x0, 4
        // EL2 registers are UNDEFINED at EL1
        adr     x24, 1f
2:      mrs     x0, hcr_el2
        b       .
1:      CHECK   x19, 2
        CHECK   x18, 11
        CHECK   x20, 0x02000000
        adr     x0, 2b
        CHECK_EQ x21, x0

// ---- EL1 -> EL0 and back ---------------------------------------------------------------------------
        adr     x0, el0_stack_top
        msr     sp_el0, x0
        mov     x0, #0x3c0              // EL0t, DAIF masked
        msr     spsr_el1, x0
        adr     x0, el0_code
        msr     elr_el1, x0
        mov     x19, #0
        adr     x24, back_at_el1
        eret

el0_code:
        mrs     x5, currentel           // UNDEFINED at EL0: skipped
        mov     x6, x20
        mov     x7, x18
        hvc     #0                      // UNDEFINED at EL0
        mov     x8, x20
        mov     x10, #0x100000000
        ldr     x0, [x10, #0x30]        // data abort from EL0, taken to EL1
        mov     x11, x20
        mov     x12, x23
        svc     #0x45
        b       .

back_at_el1:
        mrs     x0, currentel
        CHECK   x0, 4
        CHECK   x19, 4
        CHECK   x18, 12
        CHECK   x20, 0x56000045
        CHECK   x22, 0x3c0              // SPSR_EL1 of the SVC: EL0t
        CHECK   x6, 0x02000000          // MRS CurrentEL at EL0
        CHECK   x7, 12
        CHECK   x8, 0x02000000          // HVC at EL0
        lsr     x0, x11, #26
        CHECK   x0, 0x24                // data abort from a lower EL
        and     x0, x11, #0x3f
        CHECK   x0, 0x10
        CHECK   x12, 0x100000030

// ---- IRQ at EL1 (HCR_EL2.IMO = 0) ------------------------------------------------------------------
        bl      gicv2_init_dist
        mov     w0, #(1 << 30)
        bl      gicv2_init_cpu
        mov     x19, #0
        adr     x24, 1f
        mov     x0, #1000
        msr     cntp_tval_el0, x0
        mov     x0, #1
        msr     cntp_ctl_el0, x0
        isb
        msr     daifclr, #2
2:      wfi
        b       2b
1:      msr     daifset, #2
        CHECK   x19, 1
        CHECK   x18, 13                 // EL1, current EL with SPx, IRQ
        CHECK   x14, 30
        and     x0, x22, #0x3ff
        CHECK   x0, 0x345               // interrupted at EL1h with I clear
        mrs     x0, cntp_ctl_el0
        CHECK   x0, 7

// ---- back to EL2 ------------------------------------------------------------------------------------
        adr     x24, el2_again
        hvc     #0x100
        b       .

el2_again:
        mrs     x0, currentel
        CHECK   x0, 8
        MOV32   w0, 0x80000010          // RW, IMO: physical IRQs to EL2
        msr     hcr_el2, x0
        isb
        mov     x0, #0x3c5              // EL1h with PSTATE.I set
        msr     spsr_el2, x0
        adr     x0, el1_masked
        msr     elr_el2, x0
        mov     x19, #0
        eret

el1_masked:
        adr     x24, 1f
        mov     x0, #1000
        msr     cntp_tval_el0, x0
        mov     x0, #1
        msr     cntp_ctl_el0, x0
        isb
2:      wfi
        b       2b
1:      mov     x5, x18                 // the IRQ's records, before the HVC overwrites them
        mov     x6, x19
        mov     x7, x22
        mov     x8, x14
        adr     x24, el2_after_irq
        hvc     #0x100
        b       .

el2_after_irq:
        mrs     x0, currentel
        CHECK   x0, 8
        CHECK   x6, 1
        CHECK   x5, 23                  // EL2, lower EL, IRQ
        CHECK   x8, 30
        and     x0, x7, #0x3ff
        CHECK   x0, 0x3c5               // taken from EL1h with PSTATE.I set
        mrs     x0, cntp_ctl_el0
        CHECK   x0, 7
        msr     cntp_ctl_el0, xzr
        mov     x0, #(1 << 31)
        msr     hcr_el2, x0
        isb
        b       pass

        .section .rodata
.Lel2_msg:      .asciz  "EL2"
.Lexc_msg2:     .asciz  " exception ESR 0x"
.Lelr_msg2:     .asciz  " ELR 0x"
.Lfar_msg2:     .asciz  " FAR 0x"

        .bss
        .balign 16
        .space  4096
el1_stack_top:
        .space  4096
el0_stack_top:

        GUEST_END exc_el2
