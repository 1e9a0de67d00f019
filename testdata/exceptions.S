// exceptions: exception entry and return at EL1 and from EL0, DDI 0487 D1.10-D1.11 (exception
// entry, vector offsets, ESR_EL1 encodings D17.2.37), C5.2 (PSTATE access: NZCV, DAIF, SPSel).
// - a vector table at VBAR_EL1 (2 KiB aligned) with recording handlers for "current EL with SP0",
//   "current EL with SPx" and "lower EL using AArch64" synchronous exceptions;
// - SVC from EL1h: ESR (EC 0x15, IL, imm16), ELR (next instruction), SPSR (NZCV, DAIF, M = EL1h),
//   PSTATE on entry (DAIF all masked, SP_EL1 selected), and ERET restoring NZCV and DAIF;
// - SVC from EL1t (SPSel = 0): taken to the SP0 vector with SPSR.M = EL1t;
// - BRK (EC 0x3c, ELR = the BRK), UDF #0 (EC 0, ISS 0), a data abort on an unmapped physical
//   address with the MMU off, for a load and for a store (EC 0x25, WnR, FAR, ELR = the access);
// - ERET to EL0 (SPSR.M = EL0t, flags and SP_EL0 as set up), an UNDEFINED MRS CurrentEL at EL0 taken
//   to the lower-EL vector and resumed at EL0, then SVC from EL0 (EC 0x15, SPSR.M = EL0t) and back;
// - MSR/MRS of TPIDR_EL0, TPIDRRO_EL0, TPIDR_EL1, ELR_EL1, SPSR_EL1, VBAR_EL1, SP_EL0, NZCV, DAIF
//   (and DAIFSet/DAIFClr), SPSel (and SP switching), CurrentEL.
// Expected values come from the Arm ARM and are confirmed on qemu-system-aarch64.
// Handler registers: x18 = which vector (1 SP0, 2 SPx, 3 lower EL), x19 = exception count,
// x20..x23 = ESR, ELR, SPSR, FAR at entry, x16 = SP in the handler, x17 = DAIF in the handler,
// x24 = where the handler resumes at EL1.
        .include "common.inc"
        GUEST_ENTRY

        .macro  RECORD id
        mrs     x20, esr_el1
        mrs     x21, elr_el1
        mrs     x22, spsr_el1
        mrs     x23, far_el1
        mrs     x17, daif
        mov     x16, sp
        mov     x18, #\id
        add     x19, x19, #1
        cmp     xzr, xzr                // clobber NZCV: ERET must restore it from SPSR
        .endm

        .balign 2048
vectors:
        RECORD  1                       // 0x000: current EL, SP0, synchronous
        b       resume_el1
        .balign 128
        b       unexpected_exception    // 0x080: IRQ
        .balign 128
        b       unexpected_exception    // 0x100: FIQ
        .balign 128
        b       unexpected_exception    // 0x180: SError
        .balign 128
        RECORD  2                       // 0x200: current EL, SPx, synchronous
        b       resume_el1
        .balign 128
        b       unexpected_exception
        .balign 128
        b       unexpected_exception
        .balign 128
        b       unexpected_exception
        .balign 128
        RECORD  3                       // 0x400: lower EL, AArch64, synchronous
        b       lower_el_dispatch
        .balign 128
        b       unexpected_exception
        .balign 128
        b       unexpected_exception
        .balign 128
        b       unexpected_exception
        .balign 128
        .rept   4                       // 0x600: lower EL, AArch32
        b       unexpected_exception
        .balign 128
        .endr

// Back to EL1 at x24 with the SPSR of the exception (the interrupted EL1 state).
resume_el1:
        msr     elr_el1, x24
        eret

// From EL0: an SVC returns to EL1h at x24 (DAIF masked); anything else is skipped and EL0 resumes.
lower_el_dispatch:
        lsr     x4, x20, #26
        cmp     x4, #0x15
        b.eq    1f
        add     x4, x21, #4
        msr     elr_el1, x4
        eret
1:      mov     x4, #0x3c5
        msr     spsr_el1, x4
        msr     elr_el1, x24
        eret

main:
        msr     daifset, #0xf
        mov     x19, #0
        adr     x0, vectors
        msr     vbar_el1, x0
        isb
        mrs     x1, vbar_el1
        CHECK_EQ x1, x0
        mrs     x0, currentel
        CHECK   x0, 0x4                 // EL1
        mrs     x0, spsel
        CHECK   x0, 1

// ---- SVC from EL1h --------------------------------------------------------------------------------
        mov     x9, sp
        mov     x0, #0x2c0              // D, I, F masked; A unmasked
        msr     daif, x0
        adr     x24, 1f
        SET_NZCV 0b1010
        svc     #0x1234
svc_next:
        nop                             // skipped: the handler resumes at 1f
1:      CHECK_NZCV 0b1010               // restored from SPSR by ERET
        mrs     x0, daif
        CHECK   x0, 0x2c0               // restored from SPSR by ERET
        msr     daifset, #0xf
        CHECK   x19, 1
        CHECK   x18, 2                  // current EL with SPx
        CHECK   x20, 0x56001234         // EC 0x15, IL, imm16
        adr     x0, svc_next
        CHECK_EQ x21, x0                // preferred return: the next instruction
        CHECK   x22, 0xa00002c5         // N, C; D I F masked; EL1h
        CHECK   x17, 0x3c0              // all masked on entry
        CHECK_EQ x16, x9                // SP_EL1
        mov     x0, sp
        CHECK_EQ x0, x9
        adr     x24, 1f
        svc     #0                      // imm16 = 0
1:      CHECK   x20, 0x56000000
        adr     x24, 1f
        svc     #0xffff
1:      CHECK   x20, 0x5600ffff
        CHECK   x19, 3

// ---- BRK -------------------------------------------------------------------------------------------
        adr     x24, 1f
brk_insn:
        brk     #0x77
        nop
1:      CHECK   x19, 4
        CHECK   x20, 0xf2000077         // EC 0x3c, IL, comment 0x77
        adr     x0, brk_insn
        CHECK_EQ x21, x0                // preferred return: the BRK itself
        CHECK   x22, 0x600003c5         // Z, C left by the last CHECK (CMP of equal values)

// ---- UNDEFINED (UDF #0) ----------------------------------------------------------------------------
        adr     x24, 1f
        SET_NZCV 0b0101
udf_insn:
        udf     #0
        nop
1:      CHECK_NZCV 0b0101
        CHECK   x19, 5
        CHECK   x20, 0x02000000         // EC 0 (unknown reason), IL
        adr     x0, udf_insn
        CHECK_EQ x21, x0
        CHECK   x22, 0x500003c5
        adr     x24, 1f
udf2_insn:
        .inst   0x0000ffff              // UDF #0xffff
1:      CHECK   x19, 6
        CHECK   x20, 0x02000000
        adr     x0, udf2_insn
        CHECK_EQ x21, x0

// ---- Data abort on an unmapped physical address (MMU off) ------------------------------------------
        mov     x10, #0x100000000
        adr     x24, 1f
ld_abort:
        ldr     x0, [x10, #8]
        nop
1:      CHECK   x19, 7
        lsr     x0, x20, #26
        CHECK   x0, 0x25                // data abort, current EL
        ubfx    x0, x20, #6, #1
        CHECK   x0, 0                   // WnR: read
        ubfx    x0, x20, #25, #1
        CHECK   x0, 1                   // IL
        CHECK   x23, 0x100000008        // FAR: the faulting address
        adr     x0, ld_abort
        CHECK_EQ x21, x0
        adr     x24, 1f
st_abort:
        strb    w0, [x10, #0x123]
        nop
1:      CHECK   x19, 8
        lsr     x0, x20, #26
        CHECK   x0, 0x25
        ubfx    x0, x20, #6, #1
        CHECK   x0, 1                   // WnR: write
        CHECK   x23, 0x100000123
        adr     x0, st_abort
        CHECK_EQ x21, x0

// ---- SVC from EL1t (SPSel = 0) ---------------------------------------------------------------------
        adr     x0, el0_stack_top
        msr     sp_el0, x0
        mrs     x1, sp_el0
        CHECK_EQ x1, x0
        mov     x9, sp
        msr     spsel, #0
        mrs     x0, spsel
        CHECK   x0, 0
        mov     x1, sp                  // now SP_EL0
        adr     x2, el0_stack_top
        CHECK_EQ x1, x2
        adr     x24, 1f
        svc     #0x5
1:      mrs     x0, spsel               // ERET restored SPSel = 0 (M = EL1t)
        msr     spsel, #1
        CHECK   x0, 0
        mov     x1, sp
        CHECK_EQ x1, x9                 // SP_EL1 unchanged
        CHECK   x19, 9
        CHECK   x18, 1                  // current EL with SP0
        CHECK   x20, 0x56000005
        CHECK   x22, 0x600003c4         // EL1t; Z, C from the last CHECK
        CHECK_EQ x16, x9                // the handler runs on SP_EL1

// ---- ERET to EL0 and back with SVC -----------------------------------------------------------------
        ldr     x0, =0x1122334455667788
        msr     tpidr_el0, x0
        ldr     x0, =0x99aabbccddeeff00
        msr     tpidrro_el0, x0
        adr     x0, el0_stack_top
        msr     sp_el0, x0
        adr     x0, el0_code
        msr     elr_el1, x0
        ldr     x0, =0x600003c0         // Z, C; DAIF masked; EL0t
        msr     spsr_el1, x0
        mov     x5, #0
        mov     x6, #0
        mov     x7, #0
        mov     x8, #0
        mov     x9, #0
        adr     x24, back_at_el1
        eret

el0_code:
        mrs     x5, nzcv                // allowed at EL0
        mov     x6, sp                  // SP_EL0
        mrs     x7, tpidr_el0
        mrs     x11, tpidrro_el0
        mrs     x8, currentel           // UNDEFINED at EL0: recorded, skipped
        mov     x9, x20                 // ESR of that
        mov     x12, x21                // ELR of that
        mov     x13, x22                // SPSR of that
        svc     #0x99
el0_svc_next:
        b       .                       // never reached

back_at_el1:
        mrs     x0, currentel
        CHECK   x0, 0x4
        CHECK   x19, 11
        CHECK   x18, 3                  // lower EL, AArch64
        CHECK   x5, 0x60000000
        adr     x0, el0_stack_top
        CHECK_EQ x6, x0
        CHECK   x7, 0x1122334455667788
        CHECK   x11, 0x99aabbccddeeff00
        CHECK   x8, 0                   // not written by the UNDEFINED MRS
        CHECK   x9, 0x02000000          // EC 0 from EL0
        CHECK   x13, 0x600003c0         // SPSR of the UNDEFINED: EL0t
        adr     x0, el0_code
        add     x0, x0, #16
        CHECK_EQ x12, x0                // ELR: the MRS itself
        CHECK   x20, 0x56000099         // SVC from EL0
        adr     x0, el0_svc_next
        CHECK_EQ x21, x0
        CHECK   x22, 0x600003c0
        mrs     x0, spsel
        CHECK   x0, 1

// ---- MSR / MRS -------------------------------------------------------------------------------------
        ldr     x1, =0xfedcba9876543210
        msr     tpidr_el0, x1
        mrs     x0, tpidr_el0
        CHECK   x0, 0xfedcba9876543210
        ldr     x1, =0x0123456789abcdef
        msr     tpidr_el1, x1
        mrs     x0, tpidr_el1
        CHECK   x0, 0x0123456789abcdef
        mrs     x0, tpidr_el0
        CHECK   x0, 0xfedcba9876543210
        msr     tpidrro_el0, xzr
        mrs     x0, tpidrro_el0
        CHECK   x0, 0
        ldr     x1, =0x40081234
        msr     elr_el1, x1
        mrs     x0, elr_el1
        CHECK   x0, 0x40081234
        ldr     x1, =0xf00003c5
        msr     spsr_el1, x1
        mrs     x0, spsr_el1
        CHECK   x0, 0xf00003c5
        mov     x1, #-1
        msr     nzcv, x1                // only bits 31:28 exist
        mrs     x0, nzcv
        CHECK   x0, 0xf0000000
        msr     nzcv, xzr
        mrs     x0, nzcv
        CHECK   x0, 0
        mov     x1, #0x40000000
        msr     nzcv, x1
        CHECK_NZCV 0b0100
        msr     daif, x1                // bits 9:6 only
        mrs     x0, daif
        CHECK   x0, 0
        mov     x1, #-1
        msr     daif, x1
        mrs     x0, daif
        CHECK   x0, 0x3c0
        msr     daifclr, #0x3           // I and F
        mrs     x0, daif
        CHECK   x0, 0x300
        msr     daifclr, #0xc           // D and A
        mrs     x0, daif
        CHECK   x0, 0
        msr     daifset, #0x4           // A
        mrs     x0, daif
        CHECK   x0, 0x100
        msr     daifset, #0xb           // D, I, F
        mrs     x0, daif
        CHECK   x0, 0x3c0
        mov     x14, sp
        msr     spsel, #0
        mov     x1, #0x7ff0
        mov     sp, x1                  // writes SP_EL0
        msr     spsel, #1
        mrs     x0, sp_el0
        CHECK   x0, 0x7ff0
        mov     x0, sp
        CHECK_EQ x0, x14
        mov     x0, #0
        msr     spsel, x0               // MSR (register) form of SPSel
        mrs     x0, spsel
        mov     x1, #1
        msr     spsel, x1
        CHECK   x0, 0
        mrs     x0, spsel
        CHECK   x0, 1
        CHECK   x19, 11                 // no unexpected exception counted

        b       pass

        .bss
        .balign 16
        .space  1024
el0_stack_top:

        GUEST_END exceptions
