// sp_align: SP alignment checking (DDI 0487 D1.8.2): with SCTLR_EL1.SA = 1 a load or store that uses
// SP as its base while SP is not 16-byte aligned takes an SP alignment fault (ESR EC 0x26, ISS 0,
// IL; ELR = the access); with SA = 0 it does not. Expected values come from the Arm ARM only: QEMU
// (10.0) does not implement SP alignment checking, so this guest prints FAIL there (check 2) and
// tests/system.rs runs it on bootemu only.
        .include "common.inc"
        GUEST_ENTRY

        .balign 2048
vectors:
        .rept   4
        b       unexpected_exception
        .balign 128
        .endr
        mrs     x20, esr_el1            // 0x200: current EL with SPx, synchronous
        mrs     x21, elr_el1
        add     x19, x19, #1
        cbz     x24, unexpected_exception // x24 = 0: nobody expected it
        msr     elr_el1, x24
        mov     x24, #0
        eret
        .balign 128
        .rept   11
        b       unexpected_exception
        .balign 128
        .endr

main:
        msr     daifset, #0xf
        mov     x24, #0
        adr     x0, vectors
        msr     vbar_el1, x0
        mov     x19, #0
        mov     x9, sp
        MOV32   w0, 0x30d00800          // SCTLR_EL1 RES1 bits, SA = 0
        msr     sctlr_el1, x0
        isb
        add     x0, x9, #8
        mov     sp, x0
        ldr     x0, [sp]                // no check with SA = 0
        mov     sp, x9
        CHECK   x19, 0
        MOV32   w0, 0x30d00808          // SA = 1
        msr     sctlr_el1, x0
        isb
        add     x0, x9, #8
        adr     x24, 1f
        mov     sp, x0
2:      ldr     x0, [sp, #8]            // SP misaligned, address aligned: still faults
        b       1f                      // no fault: check 2 fails
1:      mov     sp, x9
        CHECK   x19, 1
        CHECK   x20, 0x9a000000         // EC 0x26, IL
        adr     x0, 2b
        CHECK_EQ x21, x0
        add     x0, x9, #4
        adr     x24, 1f
        mov     sp, x0
2:      stp     x1, x2, [sp, #-16]!
        b       1f
1:      mov     sp, x9
        CHECK   x19, 2
        CHECK   x20, 0x9a000000
        adr     x0, 2b
        CHECK_EQ x21, x0
        ldr     x0, [x9]                // SP aligned again: no fault
        str     x0, [sp]
        CHECK   x19, 2
        b       pass

        GUEST_END sp_align
