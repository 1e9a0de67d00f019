// dp_imm: data processing (immediate), DDI 0487 C4.1.92 / C6.2:
// ADD/SUB (immediate, shifted, with SP, flag-setting forms and their NZCV), logical with bitmask
// immediates (every element size, rotations, 32-bit forms, ANDS/TST flags, SP destination),
// MOVZ/MOVN/MOVK, bitfield SBFM/UBFM/BFM and their aliases, EXTR/ROR, ADR/ADRP.
// Expected values are computed from the Arm ARM pseudocode and confirmed on qemu-system-aarch64.
        .include "common.inc"
        GUEST_ENTRY

main:
        ldr     x1, =0x0123456789abcdef
        ldr     x2, =0xfedcba9876543210
        ldr     x3, =0x87654321

// ---- ADD/SUB immediate -------------------------------------------------------------------
        add     x0, x1, #0xfff
        CHECK   x0, 0x0123456789abddee
        add     x0, x1, #0xabc, lsl #12
        CHECK   x0, 0x012345678a578def
        sub     x0, x1, #1
        CHECK   x0, 0x0123456789abcdee
        sub     x0, x1, #0xfff, lsl #12
        CHECK   x0, 0x0123456788abddef
        add     w0, w1, #1              // 32-bit: result zero-extended
        CHECK   x0, 0x89abcdf0
        sub     w0, w3, #0x765, lsl #12
        CHECK   x0, 0x86eef321
        // SP as source and destination.
        mov     x9, sp
        add     x0, sp, #0x10
        sub     x4, x0, x9
        CHECK   x4, 0x10
        sub     sp, sp, #0x100
        mov     x0, sp
        sub     x4, x9, x0
        CHECK   x4, 0x100
        add     sp, sp, #0x1, lsl #12
        mov     x0, sp
        sub     x4, x0, x9
        CHECK   x4, 0xf00
        mov     sp, x9
        add     w0, wsp, #4             // 32-bit with WSP source
        add     x5, x9, #4
        mov     w5, w5
        CHECK_EQ x0, x5
        // ADDS/SUBS flags, 64-bit.
        ldr     x4, =0x7fffffffffffffff
        adds    x0, x4, #1
        CHECK_NZCV 0b1001
        CHECK   x0, 0x8000000000000000
        mov     x4, #-1
        adds    x0, x4, #1
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        adds    x0, x4, #2
        CHECK_NZCV 0b0010
        CHECK   x0, 1
        mov     x4, #0
        subs    x0, x4, #1
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffffffffffff
        mov     x4, #0x8000000000000000
        subs    x0, x4, #1
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffffffffffff
        mov     x4, #5
        subs    x0, x4, #5
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        subs    x0, x4, #3
        CHECK_NZCV 0b0010
        CHECK   x0, 2
        adds    x0, x1, #0
        CHECK_NZCV 0b0000
        cmp     x4, #6                  // SUBS XZR
        CHECK_NZCV 0b1000
        cmn     x4, #0x1, lsl #12       // ADDS XZR
        CHECK_NZCV 0b0000
        ldr     x4, =0xfffffffffffff000
        cmn     x4, #0x1, lsl #12
        CHECK_NZCV 0b0110
        adds    x0, sp, #0              // ADDS with SP source
        CHECK_NZCV 0b0000
        CHECK_EQ x0, x9
        // ADDS/SUBS flags, 32-bit (flags from bit 31; upper half ignored and cleared).
        ldr     x4, =0xffffffff7fffffff
        adds    w0, w4, #1
        CHECK_NZCV 0b1001
        CHECK   x0, 0x80000000
        ldr     x4, =0x00000000ffffffff
        adds    w0, w4, #1
        CHECK_NZCV 0b0110
        CHECK   x0, 0
        ldr     x4, =0x1234567800000000
        subs    w0, w4, #1
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffff
        ldr     x4, =0x80000000
        subs    w0, w4, #1
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffff
        cmn     w3, #0x789, lsl #12
        CHECK_NZCV 0b1000
        mov     w4, #-1
        cmn     w4, #1
        CHECK_NZCV 0b0110
        cmp     w3, #0x321
        CHECK_NZCV 0b1010

// ---- Logical (immediate) -----------------------------------------------------------------
        and     x0, x1, #0x5555555555555555     // element size 2
        CHECK   x0, 0x0101454501014545
        orr     x0, x1, #0x3333333333333333     // element size 4
        CHECK   x0, 0x33337777bbbbffff
        eor     x0, x1, #0x0f0f0f0f0f0f0f0f     // element size 8
        CHECK   x0, 0x0e2c4a6886a4c2e0
        and     x0, x1, #0x7e7e7e7e7e7e7e7e     // element size 8, rotated
        CHECK   x0, 0x00224466082a4c6e
        and     x0, x1, #0x00ff00ff00ff00ff     // element size 16
        CHECK   x0, 0x0023006700ab00ef
        orr     x0, x1, #0x00000ff000000ff0     // element size 32
        CHECK   x0, 0x01234ff789abcfff
        eor     x0, x1, #0x0ffffff00ffffff0     // element size 32, rotated
        CHECK   x0, 0x0edcba978654321f
        eor     x0, x1, #0x00000000ffffffff     // element size 64
        CHECK   x0, 0x0123456776543210
        and     x0, x1, #0xfffffffffffffffe     // element size 64, 63 ones
        CHECK   x0, 0x0123456789abcdee
        orr     x0, x1, #0x8000000000000001     // element size 64, wrapping run
        CHECK   x0, 0x8123456789abcdef
        and     x0, x1, #0xfffffffffff00000
        CHECK   x0, 0x0123456789a00000
        and     w0, w1, #0xff0000ff             // 32-bit, wrapping run
        CHECK   x0, 0x890000ef
        eor     w0, w1, #0x55555555
        CHECK   x0, 0xdcfe98ba
        orr     w0, w1, #0x000ffc00
        CHECK   x0, 0x89affdef
        orr     w0, wzr, #0x1e1e1e1e            // MOV (bitmask immediate), 32-bit
        CHECK   x0, 0x1e1e1e1e
        mov     x0, #0x0000ffff0000ffff         // MOV (bitmask immediate), 64-bit
        CHECK   x0, 0x0000ffff0000ffff
        // ANDS / TST: N and Z from the result, C and V cleared.
        SET_NZCV 0b0011
        ands    x0, x1, #0xff00000000000000
        CHECK_NZCV 0b0000
        CHECK   x0, 0x0100000000000000
        SET_NZCV 0b0111
        ands    x0, x2, #0x8000000000000000
        CHECK_NZCV 0b1000
        CHECK   x0, 0x8000000000000000
        ands    x0, x1, #0x8000000000000000
        CHECK_NZCV 0b0100
        CHECK   x0, 0
        SET_NZCV 0b0011
        ands    w0, w3, #0xf0000000
        CHECK_NZCV 0b1000
        CHECK   x0, 0x80000000
        tst     w3, #0x8
        CHECK_NZCV 0b0100
        tst     x2, #0x10
        CHECK_NZCV 0b0000
        // AND with SP destination.
        mov     x9, sp
        add     x4, x9, #0x1f
        and     sp, x4, #0xfffffffffffffff0
        mov     x0, sp
        mov     sp, x9
        add     x5, x9, #0x10
        CHECK_EQ x0, x5

// ---- MOVZ / MOVN / MOVK ------------------------------------------------------------------
        movz    x0, #0x1234, lsl #48
        CHECK   x0, 0x1234000000000000
        movz    x0, #0xbeef, lsl #32
        CHECK   x0, 0x0000beef00000000
        movz    w0, #0xffff, lsl #16
        CHECK   x0, 0xffff0000
        movn    x0, #0
        CHECK   x0, 0xffffffffffffffff
        movn    x0, #0x1234, lsl #16
        CHECK   x0, 0xffffffffedcbffff
        movn    x0, #0x8000, lsl #48
        CHECK   x0, 0x7fffffffffffffff
        movn    w0, #0
        CHECK   x0, 0xffffffff
        movn    w0, #0x1234, lsl #16
        CHECK   x0, 0xedcbffff
        mov     x0, x1
        movk    x0, #0xaaaa
        CHECK   x0, 0x0123456789abaaaa
        movk    x0, #0xbbbb, lsl #16
        CHECK   x0, 0x01234567bbbbaaaa
        movk    x0, #0xcccc, lsl #32
        CHECK   x0, 0x0123ccccbbbbaaaa
        movk    x0, #0xdddd, lsl #48
        CHECK   x0, 0xddddccccbbbbaaaa
        mov     x0, #-1
        movk    w0, #0x1234             // 32-bit MOVK clears bits 63:32
        CHECK   x0, 0x00000000ffff1234
        movk    w0, #0x5678, lsl #16
        CHECK   x0, 0x56781234

// ---- Bitfield: SBFM / UBFM / BFM and aliases ---------------------------------------------
        lsl     x0, x2, #4
        CHECK   x0, 0xedcba98765432100
        lsl     x0, x2, #63
        CHECK   x0, 0
        lsl     x0, x1, #63
        CHECK   x0, 0x8000000000000000
        lsr     x0, x2, #60
        CHECK   x0, 0xf
        lsr     x0, x2, #0
        CHECK   x0, 0xfedcba9876543210
        asr     x0, x2, #8
        CHECK   x0, 0xfffedcba98765432
        asr     x0, x2, #63
        CHECK   x0, 0xffffffffffffffff
        asr     x0, x1, #63
        CHECK   x0, 0
        lsl     w0, w3, #8
        CHECK   x0, 0x65432100
        lsr     w0, w3, #28
        CHECK   x0, 0x8
        asr     w0, w3, #4
        CHECK   x0, 0xf8765432
        asr     w0, w3, #31
        CHECK   x0, 0xffffffff
        ubfx    x0, x2, #4, #8
        CHECK   x0, 0x21
        ubfx    x0, x2, #0, #64
        CHECK   x0, 0xfedcba9876543210
        ubfx    x0, x2, #63, #1
        CHECK   x0, 1
        sbfx    x0, x2, #56, #8
        CHECK   x0, 0xfffffffffffffffe
        sbfx    x0, x2, #60, #4
        CHECK   x0, 0xffffffffffffffff
        sbfx    x0, x1, #4, #8
        CHECK   x0, 0xffffffffffffffde
        sbfx    x0, x1, #8, #8
        CHECK   x0, 0xffffffffffffffcd
        sbfx    x0, x1, #12, #8
        CHECK   x0, 0xffffffffffffffbc
        sbfx    x0, x1, #16, #4
        CHECK   x0, 0xfffffffffffffffb
        sbfx    x0, x1, #20, #4
        CHECK   x0, 0xfffffffffffffffa
        sbfx    x0, x1, #32, #4
        CHECK   x0, 0x7
        ubfiz   x0, x2, #16, #12
        CHECK   x0, 0x2100000
        sbfiz   x0, x2, #40, #12
        CHECK   x0, 0x0002100000000000
        sbfiz   x0, x1, #52, #12
        CHECK   x0, 0xdef0000000000000
        sbfiz   x0, x1, #8, #12
        CHECK   x0, 0xfffffffffffdef00
        sbfm    x0, x1, #60, #7         // raw form, imms < immr: sbfiz x0, x1, #4, #8
        CHECK   x0, 0xfffffffffffffef0
        ubfm    x0, x1, #60, #7         // ubfiz x0, x1, #4, #8
        CHECK   x0, 0xef0
        ubfx    w0, w3, #12, #8
        CHECK   x0, 0x54
        sbfx    w0, w3, #24, #8
        CHECK   x0, 0xffffff87
        ubfiz   w0, w3, #20, #12
        CHECK   x0, 0x32100000
        sbfiz   w0, w3, #4, #4
        CHECK   x0, 0x10
        sbfiz   w0, w3, #24, #8
        CHECK   x0, 0x21000000
        sbfiz   w0, w3, #28, #4
        CHECK   x0, 0x10000000
        sbfiz   w0, w3, #4, #8          // 0x21 positive
        CHECK   x0, 0x210
        mov     w4, #0xf0
        sbfiz   w0, w4, #8, #8
        CHECK   x0, 0xfffff000
        sxtb    x0, w3
        CHECK   x0, 0x21
        sxth    x0, w3
        CHECK   x0, 0x4321
        sxtw    x0, w3
        CHECK   x0, 0xffffffff87654321
        mov     w4, #0x80
        sxtb    x0, w4
        CHECK   x0, 0xffffffffffffff80
        sxtb    w0, w4
        CHECK   x0, 0xffffff80
        mov     w4, #0x8001
        sxth    w0, w4
        CHECK   x0, 0xffff8001
        sxth    x0, w4
        CHECK   x0, 0xffffffffffff8001
        uxtb    w0, w3
        CHECK   x0, 0x21
        uxth    w0, w3
        CHECK   x0, 0x4321
        mov     x0, x1
        bfi     x0, x2, #8, #16
        CHECK   x0, 0x01234567893210ef
        mov     x0, x1
        mov     x4, #5
        bfi     x0, x4, #60, #4
        CHECK   x0, 0x5123456789abcdef
        mov     x0, x1
        bfxil   x0, x2, #20, #12
        CHECK   x0, 0x0123456789abc765
        mov     x0, x1
        bfxil   x0, x2, #0, #64         // BFM #0, #63: whole register
        CHECK   x0, 0xfedcba9876543210
        mov     x0, x1
        bfi     x0, xzr, #12, #8        // BFC
        CHECK   x0, 0x0123456789a00def
        mov     x0, x1
        bfi     w0, w2, #28, #4
        CHECK   x0, 0x09abcdef
        mov     x0, x1
        bfxil   w0, w2, #16, #16
        CHECK   x0, 0x89ab7654
        mov     x0, x1
        bfm     x0, x2, #4, #3          // imms < immr: bfi x0, x2, #60, #4
        CHECK   x0, 0x0123456789abcdef
        mov     x0, x2
        bfm     x0, x1, #4, #3
        CHECK   x0, 0xfedcba9876543210
        mov     x0, x2
        bfm     x0, x1, #8, #11         // bfxil x0, x1, #8, #4
        CHECK   x0, 0xfedcba987654321d

// ---- EXTR / ROR (immediate) --------------------------------------------------------------
        extr    x0, x1, x2, #16
        CHECK   x0, 0xcdeffedcba987654
        extr    x0, x1, x2, #63
        CHECK   x0, 0x02468acf13579bdf
        extr    x0, x1, x2, #0
        CHECK   x0, 0xfedcba9876543210
        ror     x0, x1, #12
        CHECK   x0, 0xdef0123456789abc
        extr    w0, w1, w2, #8
        CHECK   x0, 0xef765432
        extr    w0, w1, w2, #31
        CHECK   x0, 0x13579bde
        ror     w0, w3, #4
        CHECK   x0, 0x18765432
        ror     w0, w3, #0
        CHECK   x0, 0x87654321

// ---- ADR / ADRP --------------------------------------------------------------------------
back_label:
        adr     x0, back_label
        ldr     x4, =back_label
        CHECK_EQ x0, x4
        adr     x0, fwd_label
        ldr     x4, =fwd_label
        CHECK_EQ x0, x4
        adr     x0, .
        adr     x5, .
        sub     x5, x5, x0
        CHECK   x5, 4
        adrp    x0, fwd_label
        ldr     x4, =fwd_label
        and     x4, x4, #~0xfff
        CHECK_EQ x0, x4
        adrp    x0, far_page_label      // far forward page (see the .data section)
        ldr     x4, =far_page_label
        and     x4, x4, #~0xfff
        CHECK_EQ x0, x4
        adrp    x0, _start
        CHECK   x0, 0x40080000
        adrp    x0, low_abs             // far backward: below the image
        CHECK   x0, 0x00123000
        adrp    x0, high_abs            // far forward: 2 GiB above
        CHECK   x0, 0xc0345000
        b       fwd_label
        .skip   64
fwd_label:
        b       pass

        .equ    low_abs, 0x00123abc
        .equ    high_abs, 0xc0345678
        .data
        .balign 4096
        .skip   0x21000
far_page_label:
        .quad   0

        GUEST_END dp_imm
