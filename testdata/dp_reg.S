// dp_reg: data processing (register), DDI 0487 C4.1.95 / C6.2:
// ADD/SUB shifted and extended register (all shifts and extends, flag-setting forms, NEG/CMP/CMN),
// logical shifted register (AND/ORR/EOR/BIC/ORN/EON/ANDS/BICS with LSL/LSR/ASR/ROR, TST, MVN),
// ADC/ADCS/SBC/SBCS/NGC/NGCS with carry in 0 and 1, CCMP/CCMN (register and immediate, condition
// true and false), CSEL/CSINC/CSINV/CSNEG for every condition and their aliases, RBIT/REV/REV16/REV32/
// CLZ/CLS, UDIV/SDIV (division by zero, INT_MIN / -1, rounding toward zero), LSLV/LSRV/ASRV/RORV
// (amount modulo the register size), CRC32{B,H,W,X} and CRC32C{B,H,W,X}, MADD/MSUB/SMADDL/SMSUBL/
// UMADDL/UMSUBL/SMULH/UMULH and their MUL/MNEG/SMULL/UMULL aliases; 64- and 32-bit forms throughout.
// Expected values are computed from the Arm ARM pseudocode (AddWithCarry, ShiftReg, ExtendReg,
// ConditionHolds, the CRC32 polynomials 0x04C11DB7 / 0x1EDC6F41 bit-reflected) and confirmed on
// qemu-system-aarch64. Register inputs for every case:
//   x1 = 0x0123456789abcdef  x2 = 0xfedcba9876543210  x3 = 0x87654321  x4 = 1 << 63
//   x5 = 2^63 - 1  x6 = -1  x7 = 0  x8 = 1  x10 = 0x80000000  x11 = 0x7fffffff  x12 = 0xffffffff
        .include "common.inc"
        GUEST_ENTRY

main:
        ldr     x1, =0x0123456789abcdef
        ldr     x2, =0xfedcba9876543210
        ldr     x3, =0x87654321
        mov     x4, #0x8000000000000000
        mov     x5, #0x7fffffffffffffff
        mov     x6, #-1
        mov     x7, #0
        mov     x8, #1
        mov     x10, #0x80000000
        mov     x11, #0x7fffffff
        mov     x12, #0xffffffff

        // SP operands of the extended-register form.
        mov     x9, sp
        mov     x13, #0x30
        add     x0, sp, x13             // ADD (extended), Rn = SP, UXTX
        sub     x14, x0, x9
        CHECK   x14, 0x30
        sub     sp, sp, w13, uxtw #2
        mov     x0, sp
        sub     x14, x9, x0
        CHECK   x14, 0xc0
        add     sp, sp, w13, uxtb #2
        mov     x0, sp
        CHECK_EQ x0, x9
        cmp     sp, x9                  // SUBS XZR, SP, X9, UXTX
        CHECK_NZCV 0b0110
        adds    x0, sp, x13
        CHECK_NZCV 0b0000
        sub     x14, x0, x9
        CHECK   x14, 0x30
        mov     sp, x9

// ---- ADD/SUB (shifted register) ----------------------------------------------------------------
        add     x0, x1, x2
        CHECK   x0, 0xffffffffffffffff
        add     x0, x1, x2, lsl #4
        CHECK   x0, 0xeeeeeeeeeeeeeeef
        add     x0, x1, x2, lsr #36
        CHECK   x0, 0x123456799999998
        add     x0, x1, x2, asr #8
        CHECK   x0, 0x122222222222221
        add     x0, x2, x1, asr #63
        CHECK   x0, 0xfedcba9876543210
        add     x0, x5, x8
        CHECK   x0, 0x8000000000000000
        add     x0, x4, x8
        CHECK   x0, 0x8000000000000001
        add     x0, x6, x8
        CHECK   x0, 0x0
        add     x0, x1, x1
        CHECK   x0, 0x2468acf13579bde
        add     w0, w1, w3, lsl #3
        CHECK   x0, 0xc4d5e6f7
        add     w0, w3, w2, lsr #31
        CHECK   x0, 0x87654321
        add     w0, w11, w8
        CHECK   x0, 0x80000000
        add     w0, w10, w8
        CHECK   x0, 0x80000001
        add     w0, w12, w12, asr #31
        CHECK   x0, 0xfffffffe
        add     w0, w3, w3
        CHECK   x0, 0xeca8642
        sub     x0, x1, x2
        CHECK   x0, 0x2468acf13579bdf
        sub     x0, x1, x2, lsl #4
        CHECK   x0, 0x13579be02468acef
        sub     x0, x1, x2, lsr #36
        CHECK   x0, 0x123456779be0246
        sub     x0, x1, x2, asr #8
        CHECK   x0, 0x12468acf13579bd
        sub     x0, x2, x1, asr #63
        CHECK   x0, 0xfedcba9876543210
        sub     x0, x5, x8
        CHECK   x0, 0x7ffffffffffffffe
        sub     x0, x4, x8
        CHECK   x0, 0x7fffffffffffffff
        sub     x0, x6, x8
        CHECK   x0, 0xfffffffffffffffe
        sub     x0, x1, x1
        CHECK   x0, 0x0
        sub     w0, w1, w3, lsl #3
        CHECK   x0, 0x4e81b4e7
        sub     w0, w3, w2, lsr #31
        CHECK   x0, 0x87654321
        sub     w0, w11, w8
        CHECK   x0, 0x7ffffffe
        sub     w0, w10, w8
        CHECK   x0, 0x7fffffff
        sub     w0, w12, w12, asr #31
        CHECK   x0, 0x0
        sub     w0, w3, w3
        CHECK   x0, 0x0
        SET_NZCV 0b0101
        adds    x0, x1, x2
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b0101
        adds    x0, x1, x2, lsl #4
        CHECK_NZCV 0b1000
        CHECK   x0, 0xeeeeeeeeeeeeeeef
        SET_NZCV 0b0101
        adds    x0, x1, x2, lsr #36
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456799999998
        SET_NZCV 0b0101
        adds    x0, x1, x2, asr #8
        CHECK_NZCV 0b0010
        CHECK   x0, 0x122222222222221
        SET_NZCV 0b0101
        adds    x0, x2, x1, asr #63
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0101
        adds    x0, x5, x8
        CHECK_NZCV 0b1001
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b0101
        adds    x0, x4, x8
        CHECK_NZCV 0b1000
        CHECK   x0, 0x8000000000000001
        SET_NZCV 0b0101
        adds    x0, x6, x8
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0101
        adds    x0, x1, x1
        CHECK_NZCV 0b0000
        CHECK   x0, 0x2468acf13579bde
        SET_NZCV 0b0101
        adds    w0, w1, w3, lsl #3
        CHECK_NZCV 0b1000
        CHECK   x0, 0xc4d5e6f7
        SET_NZCV 0b0101
        adds    w0, w3, w2, lsr #31
        CHECK_NZCV 0b1000
        CHECK   x0, 0x87654321
        SET_NZCV 0b0101
        adds    w0, w11, w8
        CHECK_NZCV 0b1001
        CHECK   x0, 0x80000000
        SET_NZCV 0b0101
        adds    w0, w10, w8
        CHECK_NZCV 0b1000
        CHECK   x0, 0x80000001
        SET_NZCV 0b0101
        adds    w0, w12, w12, asr #31
        CHECK_NZCV 0b1010
        CHECK   x0, 0xfffffffe
        SET_NZCV 0b0101
        adds    w0, w3, w3
        CHECK_NZCV 0b0011
        CHECK   x0, 0xeca8642
        SET_NZCV 0b0101
        subs    x0, x1, x2
        CHECK_NZCV 0b0000
        CHECK   x0, 0x2468acf13579bdf
        SET_NZCV 0b0101
        subs    x0, x1, x2, lsl #4
        CHECK_NZCV 0b0000
        CHECK   x0, 0x13579be02468acef
        SET_NZCV 0b0101
        subs    x0, x1, x2, lsr #36
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123456779be0246
        SET_NZCV 0b0101
        subs    x0, x1, x2, asr #8
        CHECK_NZCV 0b0000
        CHECK   x0, 0x12468acf13579bd
        SET_NZCV 0b0101
        subs    x0, x2, x1, asr #63
        CHECK_NZCV 0b1010
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0101
        subs    x0, x5, x8
        CHECK_NZCV 0b0010
        CHECK   x0, 0x7ffffffffffffffe
        SET_NZCV 0b0101
        subs    x0, x4, x8
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b0101
        subs    x0, x6, x8
        CHECK_NZCV 0b1010
        CHECK   x0, 0xfffffffffffffffe
        SET_NZCV 0b0101
        subs    x0, x1, x1
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0101
        subs    w0, w1, w3, lsl #3
        CHECK_NZCV 0b0011
        CHECK   x0, 0x4e81b4e7
        SET_NZCV 0b0101
        subs    w0, w3, w2, lsr #31
        CHECK_NZCV 0b1010
        CHECK   x0, 0x87654321
        SET_NZCV 0b0101
        subs    w0, w11, w8
        CHECK_NZCV 0b0010
        CHECK   x0, 0x7ffffffe
        SET_NZCV 0b0101
        subs    w0, w10, w8
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b0101
        subs    w0, w12, w12, asr #31
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0101
        subs    w0, w3, w3
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        neg     x0, x1
        CHECK   x0, 0xfedcba9876543211
        negs    x0, x4
        CHECK_NZCV 0b1001
        CHECK   x0, 0x8000000000000000
        negs    x0, x7
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        neg     w0, w3, lsr #4
        CHECK   x0, 0xf789abce
        negs    w0, w10
        CHECK_NZCV 0b1001
        CHECK   x0, 0x80000000
        cmp     x1, x2
        CHECK_NZCV 0b0000
        cmp     x2, x1
        CHECK_NZCV 0b1010
        cmn     x5, x8
        CHECK_NZCV 0b1001
        cmp     w3, w12
        CHECK_NZCV 0b1000
        cmn     w12, w8
        CHECK_NZCV 0b0110
// ---- ADD/SUB (extended register) ---------------------------------------------------------------
        add     x0, x1, w2, uxtb
        CHECK   x0, 0x123456789abcdff
        add     x0, x1, w2, uxth #2
        CHECK   x0, 0x123456789ac962f
        add     x0, x1, w2, uxtw #4
        CHECK   x0, 0x123456eeeeeeeef
        add     x0, x1, x2, uxtx #1
        CHECK   x0, 0xfedcba987654320f
        add     x0, x1, w2, sxtb #3
        CHECK   x0, 0x123456789abce6f
        add     x0, x1, w3, sxth #1
        CHECK   x0, 0x123456789ac5431
        add     x0, x1, w3, sxtw
        CHECK   x0, 0x123456711111110
        add     x0, x1, w3, sxtw #4
        CHECK   x0, 0x123455fffffffff
        add     x0, x1, x2, sxtx #2
        CHECK   x0, 0xfc962fc962fc962f
        add     w0, w1, w3, uxtb #1
        CHECK   x0, 0x89abce31
        add     w0, w1, w3, sxtb
        CHECK   x0, 0x89abce10
        add     w0, w1, w2, sxth #4
        CHECK   x0, 0x89aeeeef
        add     w0, w3, w2, uxtw
        CHECK   x0, 0xfdb97531
        sub     x0, x1, w2, uxtb
        CHECK   x0, 0x123456789abcddf
        sub     x0, x1, w2, uxth #2
        CHECK   x0, 0x123456789ab05af
        sub     x0, x1, w2, uxtw #4
        CHECK   x0, 0x12345602468acef
        sub     x0, x1, x2, uxtx #1
        CHECK   x0, 0x369d0369d0369cf
        sub     x0, x1, w2, sxtb #3
        CHECK   x0, 0x123456789abcd6f
        sub     x0, x1, w3, sxth #1
        CHECK   x0, 0x123456789ab47ad
        sub     x0, x1, w3, sxtw
        CHECK   x0, 0x123456802468ace
        sub     x0, x1, w3, sxtw #4
        CHECK   x0, 0x123456f13579bdf
        sub     x0, x1, x2, sxtx #2
        CHECK   x0, 0x5b05b05b05b05af
        sub     w0, w1, w3, uxtb #1
        CHECK   x0, 0x89abcdad
        sub     w0, w1, w3, sxtb
        CHECK   x0, 0x89abcdce
        sub     w0, w1, w2, sxth #4
        CHECK   x0, 0x89a8acef
        sub     w0, w3, w2, uxtw
        CHECK   x0, 0x11111111
        SET_NZCV 0b0101
        adds    x0, x1, w2, uxtb
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456789abcdff
        SET_NZCV 0b0101
        adds    x0, x1, w2, uxth #2
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456789ac962f
        SET_NZCV 0b0101
        adds    x0, x1, w2, uxtw #4
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456eeeeeeeef
        SET_NZCV 0b0101
        adds    x0, x1, x2, uxtx #1
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfedcba987654320f
        SET_NZCV 0b0101
        adds    x0, x1, w2, sxtb #3
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456789abce6f
        SET_NZCV 0b0101
        adds    x0, x1, w3, sxth #1
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456789ac5431
        SET_NZCV 0b0101
        adds    x0, x1, w3, sxtw
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123456711111110
        SET_NZCV 0b0101
        adds    x0, x1, w3, sxtw #4
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123455fffffffff
        SET_NZCV 0b0101
        adds    x0, x1, x2, sxtx #2
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfc962fc962fc962f
        SET_NZCV 0b0101
        adds    w0, w1, w3, uxtb #1
        CHECK_NZCV 0b1000
        CHECK   x0, 0x89abce31
        SET_NZCV 0b0101
        adds    w0, w1, w3, sxtb
        CHECK_NZCV 0b1000
        CHECK   x0, 0x89abce10
        SET_NZCV 0b0101
        adds    w0, w1, w2, sxth #4
        CHECK_NZCV 0b1000
        CHECK   x0, 0x89aeeeef
        SET_NZCV 0b0101
        adds    w0, w3, w2, uxtw
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfdb97531
        SET_NZCV 0b0101
        subs    x0, x1, w2, uxtb
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123456789abcddf
        SET_NZCV 0b0101
        subs    x0, x1, w2, uxth #2
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123456789ab05af
        SET_NZCV 0b0101
        subs    x0, x1, w2, uxtw #4
        CHECK_NZCV 0b0010
        CHECK   x0, 0x12345602468acef
        SET_NZCV 0b0101
        subs    x0, x1, x2, uxtx #1
        CHECK_NZCV 0b0000
        CHECK   x0, 0x369d0369d0369cf
        SET_NZCV 0b0101
        subs    x0, x1, w2, sxtb #3
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123456789abcd6f
        SET_NZCV 0b0101
        subs    x0, x1, w3, sxth #1
        CHECK_NZCV 0b0010
        CHECK   x0, 0x123456789ab47ad
        SET_NZCV 0b0101
        subs    x0, x1, w3, sxtw
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456802468ace
        SET_NZCV 0b0101
        subs    x0, x1, w3, sxtw #4
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456f13579bdf
        SET_NZCV 0b0101
        subs    x0, x1, x2, sxtx #2
        CHECK_NZCV 0b0000
        CHECK   x0, 0x5b05b05b05b05af
        SET_NZCV 0b0101
        subs    w0, w1, w3, uxtb #1
        CHECK_NZCV 0b1010
        CHECK   x0, 0x89abcdad
        SET_NZCV 0b0101
        subs    w0, w1, w3, sxtb
        CHECK_NZCV 0b1010
        CHECK   x0, 0x89abcdce
        SET_NZCV 0b0101
        subs    w0, w1, w2, sxth #4
        CHECK_NZCV 0b1010
        CHECK   x0, 0x89a8acef
        SET_NZCV 0b0101
        subs    w0, w3, w2, uxtw
        CHECK_NZCV 0b0011
        CHECK   x0, 0x11111111
// ---- Logical (shifted register) ----------------------------------------------------------------
        and     x0, x1, x2
        CHECK   x0, 0x0
        and     x0, x1, x2, lsl #12
        CHECK   x0, 0x121056501210000
        and     x0, x1, x2, lsr #20
        CHECK   x0, 0x56589a98565
        and     x0, x2, x1, asr #60
        CHECK   x0, 0x0
        and     x0, x1, x2, ror #36
        CHECK   x0, 0x121412109a9c9a9
        and     x0, x2, x4, asr #63
        CHECK   x0, 0xfedcba9876543210
        and     w0, w3, w1, ror #8
        CHECK   x0, 0x87010301
        and     w0, w3, w2, asr #4
        CHECK   x0, 0x7654321
        and     w0, w1, w3, lsl #31
        CHECK   x0, 0x80000000
        orr     x0, x1, x2
        CHECK   x0, 0xffffffffffffffff
        orr     x0, x1, x2, lsl #12
        CHECK   x0, 0xcbabc767cbabcdef
        orr     x0, x1, x2, lsr #20
        CHECK   x0, 0x1234fefcbabcfef
        orr     x0, x2, x1, asr #60
        CHECK   x0, 0xfedcba9876543210
        orr     x0, x1, x2, ror #36
        CHECK   x0, 0x876747678fefcfef
        orr     x0, x2, x4, asr #63
        CHECK   x0, 0xffffffffffffffff
        orr     w0, w3, w1, ror #8
        CHECK   x0, 0xefedebed
        orr     w0, w3, w2, asr #4
        CHECK   x0, 0x87654321
        orr     w0, w1, w3, lsl #31
        CHECK   x0, 0x89abcdef
        eor     x0, x1, x2
        CHECK   x0, 0xffffffffffffffff
        eor     x0, x1, x2, lsl #12
        CHECK   x0, 0xca8ac202ca8acdef
        eor     x0, x1, x2, lsr #20
        CHECK   x0, 0x1234a8a42024a8a
        eor     x0, x2, x1, asr #60
        CHECK   x0, 0xfedcba9876543210
        eor     x0, x1, x2, ror #36
        CHECK   x0, 0x8646064686460646
        eor     x0, x2, x4, asr #63
        CHECK   x0, 0x123456789abcdef
        eor     w0, w3, w1, ror #8
        CHECK   x0, 0x68ece8ec
        eor     w0, w3, w2, asr #4
        CHECK   x0, 0x80000000
        eor     w0, w1, w3, lsl #31
        CHECK   x0, 0x9abcdef
        bic     x0, x1, x2
        CHECK   x0, 0x123456789abcdef
        bic     x0, x1, x2, lsl #12
        CHECK   x0, 0x24002888acdef
        bic     x0, x1, x2, lsr #20
        CHECK   x0, 0x12340020002488a
        bic     x0, x2, x1, asr #60
        CHECK   x0, 0xfedcba9876543210
        bic     x0, x1, x2, ror #36
        CHECK   x0, 0x2044680020446
        bic     x0, x2, x4, asr #63
        CHECK   x0, 0x0
        bic     w0, w3, w1, ror #8
        CHECK   x0, 0x644020
        bic     w0, w3, w2, asr #4
        CHECK   x0, 0x80000000
        bic     w0, w1, w3, lsl #31
        CHECK   x0, 0x9abcdef
        orn     x0, x1, x2
        CHECK   x0, 0x123456789abcdef
        orn     x0, x1, x2, lsl #12
        CHECK   x0, 0x35777dffbdffffff
        orn     x0, x1, x2, lsr #20
        CHECK   x0, 0xfffff577bdfffdff
        orn     x0, x2, x1, asr #60
        CHECK   x0, 0xffffffffffffffff
        orn     x0, x1, x2, ror #36
        CHECK   x0, 0x79bbfdfff9bbfdff
        orn     x0, x2, x4, asr #63
        CHECK   x0, 0xfedcba9876543210
        orn     w0, w3, w1, ror #8
        CHECK   x0, 0x97775733
        orn     w0, w3, w2, asr #4
        CHECK   x0, 0xffffffff
        orn     w0, w1, w3, lsl #31
        CHECK   x0, 0xffffffff
        eon     x0, x1, x2
        CHECK   x0, 0x0
        eon     x0, x1, x2, lsl #12
        CHECK   x0, 0x35753dfd35753210
        eon     x0, x1, x2, lsr #20
        CHECK   x0, 0xfedcb575bdfdb575
        eon     x0, x2, x1, asr #60
        CHECK   x0, 0x123456789abcdef
        eon     x0, x1, x2, ror #36
        CHECK   x0, 0x79b9f9b979b9f9b9
        eon     x0, x2, x4, asr #63
        CHECK   x0, 0xfedcba9876543210
        eon     w0, w3, w1, ror #8
        CHECK   x0, 0x97131713
        eon     w0, w3, w2, asr #4
        CHECK   x0, 0x7fffffff
        eon     w0, w1, w3, lsl #31
        CHECK   x0, 0xf6543210
        SET_NZCV 0b0011
        ands    x0, x1, x2
        CHECK_NZCV 0b0100
        CHECK   x0, 0x0
        SET_NZCV 0b0011
        ands    x0, x1, x2, lsl #12
        CHECK_NZCV 0b0000
        CHECK   x0, 0x121056501210000
        SET_NZCV 0b0011
        ands    x0, x1, x2, lsr #20
        CHECK_NZCV 0b0000
        CHECK   x0, 0x56589a98565
        SET_NZCV 0b0011
        ands    x0, x2, x1, asr #60
        CHECK_NZCV 0b0100
        CHECK   x0, 0x0
        SET_NZCV 0b0011
        ands    x0, x1, x2, ror #36
        CHECK_NZCV 0b0000
        CHECK   x0, 0x121412109a9c9a9
        SET_NZCV 0b0011
        ands    x0, x2, x4, asr #63
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0011
        ands    w0, w3, w1, ror #8
        CHECK_NZCV 0b1000
        CHECK   x0, 0x87010301
        SET_NZCV 0b0011
        ands    w0, w3, w2, asr #4
        CHECK_NZCV 0b0000
        CHECK   x0, 0x7654321
        SET_NZCV 0b0011
        ands    w0, w1, w3, lsl #31
        CHECK_NZCV 0b1000
        CHECK   x0, 0x80000000
        SET_NZCV 0b0011
        bics    x0, x1, x2
        CHECK_NZCV 0b0000
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        bics    x0, x1, x2, lsl #12
        CHECK_NZCV 0b0000
        CHECK   x0, 0x24002888acdef
        SET_NZCV 0b0011
        bics    x0, x1, x2, lsr #20
        CHECK_NZCV 0b0000
        CHECK   x0, 0x12340020002488a
        SET_NZCV 0b0011
        bics    x0, x2, x1, asr #60
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0011
        bics    x0, x1, x2, ror #36
        CHECK_NZCV 0b0000
        CHECK   x0, 0x2044680020446
        SET_NZCV 0b0011
        bics    x0, x2, x4, asr #63
        CHECK_NZCV 0b0100
        CHECK   x0, 0x0
        SET_NZCV 0b0011
        bics    w0, w3, w1, ror #8
        CHECK_NZCV 0b0000
        CHECK   x0, 0x644020
        SET_NZCV 0b0011
        bics    w0, w3, w2, asr #4
        CHECK_NZCV 0b1000
        CHECK   x0, 0x80000000
        SET_NZCV 0b0011
        bics    w0, w1, w3, lsl #31
        CHECK_NZCV 0b0000
        CHECK   x0, 0x9abcdef
        ands    x0, x1, x2, lsl #8
        CHECK_NZCV 0b0000
        CHECK   x0, 0x22006600220000
        tst     x1, x2
        CHECK_NZCV 0b0100
        tst     x4, x6
        CHECK_NZCV 0b1000
        tst     w3, w10, lsr #1
        CHECK_NZCV 0b0100
        mvn     x0, x1
        CHECK   x0, 0xfedcba9876543210
        mvn     w0, w3, ror #4
        CHECK   x0, 0xe789abcd
        mov     x0, x2
        CHECK   x0, 0xfedcba9876543210
        mov     w0, w2
        CHECK   x0, 0x76543210
// ---- ADC / ADCS / SBC / SBCS / NGC -------------------------------------------------------------
        SET_NZCV 0b1101
        adc     x0, x1, x2
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1101
        adc     x0, x5, x7
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b1101
        adc     x0, x6, x7
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1101
        adc     x0, x4, x6
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b1101
        adc     x0, x7, x7
        CHECK   x0, 0x0
        SET_NZCV 0b1101
        adc     w0, w3, w12
        CHECK   x0, 0x87654320
        SET_NZCV 0b1101
        adc     w0, w11, w7
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b1101
        adc     w0, w10, w8
        CHECK   x0, 0x80000001
        SET_NZCV 0b0010
        adc     x0, x1, x2
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        adc     x0, x5, x7
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b0010
        adc     x0, x6, x7
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        adc     x0, x4, x6
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b0010
        adc     x0, x7, x7
        CHECK   x0, 0x1
        SET_NZCV 0b0010
        adc     w0, w3, w12
        CHECK   x0, 0x87654321
        SET_NZCV 0b0010
        adc     w0, w11, w7
        CHECK   x0, 0x80000000
        SET_NZCV 0b0010
        adc     w0, w10, w8
        CHECK   x0, 0x80000002
        SET_NZCV 0b1101
        adcs    x0, x1, x2
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1101
        adcs    x0, x5, x7
        CHECK_NZCV 0b0000
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b1101
        adcs    x0, x6, x7
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1101
        adcs    x0, x4, x6
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b1101
        adcs    x0, x7, x7
        CHECK_NZCV 0b0100
        CHECK   x0, 0x0
        SET_NZCV 0b1101
        adcs    w0, w3, w12
        CHECK_NZCV 0b1010
        CHECK   x0, 0x87654320
        SET_NZCV 0b1101
        adcs    w0, w11, w7
        CHECK_NZCV 0b0000
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b1101
        adcs    w0, w10, w8
        CHECK_NZCV 0b1000
        CHECK   x0, 0x80000001
        SET_NZCV 0b0010
        adcs    x0, x1, x2
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        adcs    x0, x5, x7
        CHECK_NZCV 0b1001
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b0010
        adcs    x0, x6, x7
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        adcs    x0, x4, x6
        CHECK_NZCV 0b1010
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b0010
        adcs    x0, x7, x7
        CHECK_NZCV 0b0000
        CHECK   x0, 0x1
        SET_NZCV 0b0010
        adcs    w0, w3, w12
        CHECK_NZCV 0b1010
        CHECK   x0, 0x87654321
        SET_NZCV 0b0010
        adcs    w0, w11, w7
        CHECK_NZCV 0b1001
        CHECK   x0, 0x80000000
        SET_NZCV 0b0010
        adcs    w0, w10, w8
        CHECK_NZCV 0b1000
        CHECK   x0, 0x80000002
        SET_NZCV 0b1101
        sbc     x0, x1, x2
        CHECK   x0, 0x2468acf13579bde
        SET_NZCV 0b1101
        sbc     x0, x5, x7
        CHECK   x0, 0x7ffffffffffffffe
        SET_NZCV 0b1101
        sbc     x0, x6, x7
        CHECK   x0, 0xfffffffffffffffe
        SET_NZCV 0b1101
        sbc     x0, x4, x6
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b1101
        sbc     x0, x7, x7
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1101
        sbc     w0, w3, w12
        CHECK   x0, 0x87654321
        SET_NZCV 0b1101
        sbc     w0, w11, w7
        CHECK   x0, 0x7ffffffe
        SET_NZCV 0b1101
        sbc     w0, w10, w8
        CHECK   x0, 0x7ffffffe
        SET_NZCV 0b0010
        sbc     x0, x1, x2
        CHECK   x0, 0x2468acf13579bdf
        SET_NZCV 0b0010
        sbc     x0, x5, x7
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b0010
        sbc     x0, x6, x7
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b0010
        sbc     x0, x4, x6
        CHECK   x0, 0x8000000000000001
        SET_NZCV 0b0010
        sbc     x0, x7, x7
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        sbc     w0, w3, w12
        CHECK   x0, 0x87654322
        SET_NZCV 0b0010
        sbc     w0, w11, w7
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b0010
        sbc     w0, w10, w8
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b1101
        sbcs    x0, x1, x2
        CHECK_NZCV 0b0000
        CHECK   x0, 0x2468acf13579bde
        SET_NZCV 0b1101
        sbcs    x0, x5, x7
        CHECK_NZCV 0b0010
        CHECK   x0, 0x7ffffffffffffffe
        SET_NZCV 0b1101
        sbcs    x0, x6, x7
        CHECK_NZCV 0b1010
        CHECK   x0, 0xfffffffffffffffe
        SET_NZCV 0b1101
        sbcs    x0, x4, x6
        CHECK_NZCV 0b1000
        CHECK   x0, 0x8000000000000000
        SET_NZCV 0b1101
        sbcs    x0, x7, x7
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1101
        sbcs    w0, w3, w12
        CHECK_NZCV 0b1000
        CHECK   x0, 0x87654321
        SET_NZCV 0b1101
        sbcs    w0, w11, w7
        CHECK_NZCV 0b0010
        CHECK   x0, 0x7ffffffe
        SET_NZCV 0b1101
        sbcs    w0, w10, w8
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7ffffffe
        SET_NZCV 0b0010
        sbcs    x0, x1, x2
        CHECK_NZCV 0b0000
        CHECK   x0, 0x2468acf13579bdf
        SET_NZCV 0b0010
        sbcs    x0, x5, x7
        CHECK_NZCV 0b0010
        CHECK   x0, 0x7fffffffffffffff
        SET_NZCV 0b0010
        sbcs    x0, x6, x7
        CHECK_NZCV 0b1010
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b0010
        sbcs    x0, x4, x6
        CHECK_NZCV 0b1000
        CHECK   x0, 0x8000000000000001
        SET_NZCV 0b0010
        sbcs    x0, x7, x7
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        sbcs    w0, w3, w12
        CHECK_NZCV 0b1000
        CHECK   x0, 0x87654322
        SET_NZCV 0b0010
        sbcs    w0, w11, w7
        CHECK_NZCV 0b0010
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b0010
        sbcs    w0, w10, w8
        CHECK_NZCV 0b0011
        CHECK   x0, 0x7fffffff
        SET_NZCV 0b0000
        ngcs    x0, x1
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0000
        ngc     x0, x1
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0000
        ngcs    x0, x7
        CHECK_NZCV 0b1000
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b0000
        ngc     x0, x7
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b0000
        ngcs    w0, w3
        CHECK_NZCV 0b0000
        CHECK   x0, 0x789abcde
        SET_NZCV 0b0000
        ngc     w0, w3
        CHECK   x0, 0x789abcde
        SET_NZCV 0b0010
        ngcs    x0, x1
        CHECK_NZCV 0b1000
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0010
        ngc     x0, x1
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0010
        ngcs    x0, x7
        CHECK_NZCV 0b0110
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        ngc     x0, x7
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        ngcs    w0, w3
        CHECK_NZCV 0b0000
        CHECK   x0, 0x789abcdf
        SET_NZCV 0b0010
        ngc     w0, w3
        CHECK   x0, 0x789abcdf
// ---- CCMP / CCMN -------------------------------------------------------------------------------
        SET_NZCV 0b0100
        ccmp    x1, x2, #10, eq
        CHECK_NZCV 0b0000
        SET_NZCV 0b0000
        ccmp    x1, x2, #10, eq
        CHECK_NZCV 0b1010
        SET_NZCV 0b0010
        ccmp    x1, x1, #1, cs
        CHECK_NZCV 0b0110
        SET_NZCV 0b0000
        ccmp    x1, x1, #1, cs
        CHECK_NZCV 0b0001
        SET_NZCV 0b1000
        ccmn    x5, x8, #6, mi
        CHECK_NZCV 0b1001
        SET_NZCV 0b0000
        ccmn    x5, x8, #6, mi
        CHECK_NZCV 0b0110
        SET_NZCV 0b0001
        ccmp    w3, w12, #15, vs
        CHECK_NZCV 0b1000
        SET_NZCV 0b0001
        ccmn    w12, w8, #15, vs
        CHECK_NZCV 0b0110
        SET_NZCV 0b1001
        ccmp    x4, #1, #0, lt
        CHECK_NZCV 0b0000
        SET_NZCV 0b1000
        ccmp    x4, #1, #0, lt
        CHECK_NZCV 0b0011
        SET_NZCV 0b0000
        ccmn    w11, #1, #4, ge
        CHECK_NZCV 0b1001
        SET_NZCV 0b0110
        ccmp    x7, #31, #15, hi
        CHECK_NZCV 0b1111
        SET_NZCV 0b0010
        ccmp    x7, #31, #15, hi
        CHECK_NZCV 0b1000
        SET_NZCV 0b0000
        ccmp    x1, x2, #15, nv
        CHECK_NZCV 0b0000
        SET_NZCV 0b0000
        ccmp    x1, x2, #0, al
        CHECK_NZCV 0b0000
// ---- Conditional select ------------------------------------------------------------------------
        SET_NZCV 0b0000
        csel    x0, x1, x2, eq
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0110
        csel    x0, x1, x2, eq
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinc   x0, x1, x2, eq
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0000
        csinc   w0, w3, w12, eq
        CHECK   x0, 0x0
        SET_NZCV 0b0110
        csinc   x0, x1, x2, eq
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinc   w0, w3, w12, eq
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csinv   x0, x1, x2, eq
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinv   w0, w3, w12, eq
        CHECK   x0, 0x0
        SET_NZCV 0b0110
        csinv   x0, x1, x2, eq
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinv   w0, w3, w12, eq
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csneg   x0, x1, x2, eq
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0000
        csneg   w0, w3, w12, eq
        CHECK   x0, 0x1
        SET_NZCV 0b0110
        csneg   x0, x1, x2, eq
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csneg   w0, w3, w12, eq
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csel    x0, x1, x2, ne
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b1000
        csel    x0, x1, x2, ne
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0100
        csinc   x0, x1, x2, ne
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0100
        csinc   w0, w3, w12, ne
        CHECK   x0, 0x0
        SET_NZCV 0b1000
        csinc   x0, x1, x2, ne
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinc   w0, w3, w12, ne
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csinv   x0, x1, x2, ne
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0100
        csinv   w0, w3, w12, ne
        CHECK   x0, 0x0
        SET_NZCV 0b1000
        csinv   x0, x1, x2, ne
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinv   w0, w3, w12, ne
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csneg   x0, x1, x2, ne
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0100
        csneg   w0, w3, w12, ne
        CHECK   x0, 0x1
        SET_NZCV 0b1000
        csneg   x0, x1, x2, ne
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csneg   w0, w3, w12, ne
        CHECK   x0, 0x87654321
        SET_NZCV 0b0010
        csel    x0, x1, x2, cs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csel    x0, x1, x2, cs
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0010
        csinc   x0, x1, x2, cs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csinc   w0, w3, w12, cs
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csinc   x0, x1, x2, cs
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0001
        csinc   w0, w3, w12, cs
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csinv   x0, x1, x2, cs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csinv   w0, w3, w12, cs
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csinv   x0, x1, x2, cs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csinv   w0, w3, w12, cs
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csneg   x0, x1, x2, cs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csneg   w0, w3, w12, cs
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csneg   x0, x1, x2, cs
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0001
        csneg   w0, w3, w12, cs
        CHECK   x0, 0x1
        SET_NZCV 0b0110
        csel    x0, x1, x2, cc
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b1001
        csel    x0, x1, x2, cc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinc   x0, x1, x2, cc
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0110
        csinc   w0, w3, w12, cc
        CHECK   x0, 0x0
        SET_NZCV 0b1001
        csinc   x0, x1, x2, cc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csinc   w0, w3, w12, cc
        CHECK   x0, 0x87654321
        SET_NZCV 0b0110
        csinv   x0, x1, x2, cc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinv   w0, w3, w12, cc
        CHECK   x0, 0x0
        SET_NZCV 0b1001
        csinv   x0, x1, x2, cc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csinv   w0, w3, w12, cc
        CHECK   x0, 0x87654321
        SET_NZCV 0b0110
        csneg   x0, x1, x2, cc
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0110
        csneg   w0, w3, w12, cc
        CHECK   x0, 0x1
        SET_NZCV 0b1001
        csneg   x0, x1, x2, cc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csneg   w0, w3, w12, cc
        CHECK   x0, 0x87654321
        SET_NZCV 0b1000
        csel    x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csel    x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinc   x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinc   w0, w3, w12, mi
        CHECK   x0, 0x87654321
        SET_NZCV 0b1100
        csinc   x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csinc   w0, w3, w12, mi
        CHECK   x0, 0x87654321
        SET_NZCV 0b1000
        csinv   x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinv   w0, w3, w12, mi
        CHECK   x0, 0x87654321
        SET_NZCV 0b1100
        csinv   x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csinv   w0, w3, w12, mi
        CHECK   x0, 0x87654321
        SET_NZCV 0b1000
        csneg   x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csneg   w0, w3, w12, mi
        CHECK   x0, 0x87654321
        SET_NZCV 0b1100
        csneg   x0, x1, x2, mi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csneg   w0, w3, w12, mi
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csel    x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csel    x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csinc   x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csinc   w0, w3, w12, pl
        CHECK   x0, 0x87654321
        SET_NZCV 0b0011
        csinc   x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csinc   w0, w3, w12, pl
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csinv   x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csinv   w0, w3, w12, pl
        CHECK   x0, 0x87654321
        SET_NZCV 0b0011
        csinv   x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csinv   w0, w3, w12, pl
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csneg   x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csneg   w0, w3, w12, pl
        CHECK   x0, 0x87654321
        SET_NZCV 0b0011
        csneg   x0, x1, x2, pl
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csneg   w0, w3, w12, pl
        CHECK   x0, 0x87654321
        SET_NZCV 0b1001
        csel    x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1011
        csel    x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csinc   x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csinc   w0, w3, w12, vs
        CHECK   x0, 0x87654321
        SET_NZCV 0b1011
        csinc   x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1011
        csinc   w0, w3, w12, vs
        CHECK   x0, 0x87654321
        SET_NZCV 0b1001
        csinv   x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csinv   w0, w3, w12, vs
        CHECK   x0, 0x87654321
        SET_NZCV 0b1011
        csinv   x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1011
        csinv   w0, w3, w12, vs
        CHECK   x0, 0x87654321
        SET_NZCV 0b1001
        csneg   x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csneg   w0, w3, w12, vs
        CHECK   x0, 0x87654321
        SET_NZCV 0b1011
        csneg   x0, x1, x2, vs
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1011
        csneg   w0, w3, w12, vs
        CHECK   x0, 0x87654321
        SET_NZCV 0b1100
        csel    x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csel    x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csinc   x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csinc   w0, w3, w12, vc
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csinc   x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinc   w0, w3, w12, vc
        CHECK   x0, 0x87654321
        SET_NZCV 0b1100
        csinv   x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csinv   w0, w3, w12, vc
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csinv   x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinv   w0, w3, w12, vc
        CHECK   x0, 0x87654321
        SET_NZCV 0b1100
        csneg   x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1100
        csneg   w0, w3, w12, vc
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csneg   x0, x1, x2, vc
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csneg   w0, w3, w12, vc
        CHECK   x0, 0x87654321
        SET_NZCV 0b0011
        csel    x0, x1, x2, hi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0100
        csel    x0, x1, x2, hi
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0011
        csinc   x0, x1, x2, hi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csinc   w0, w3, w12, hi
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csinc   x0, x1, x2, hi
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0100
        csinc   w0, w3, w12, hi
        CHECK   x0, 0x0
        SET_NZCV 0b0011
        csinv   x0, x1, x2, hi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csinv   w0, w3, w12, hi
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csinv   x0, x1, x2, hi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0100
        csinv   w0, w3, w12, hi
        CHECK   x0, 0x0
        SET_NZCV 0b0011
        csneg   x0, x1, x2, hi
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0011
        csneg   w0, w3, w12, hi
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csneg   x0, x1, x2, hi
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0100
        csneg   w0, w3, w12, hi
        CHECK   x0, 0x1
        SET_NZCV 0b1011
        csel    x0, x1, x2, ls
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0010
        csel    x0, x1, x2, ls
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b1011
        csinc   x0, x1, x2, ls
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b1011
        csinc   w0, w3, w12, ls
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csinc   x0, x1, x2, ls
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0010
        csinc   w0, w3, w12, ls
        CHECK   x0, 0x0
        SET_NZCV 0b1011
        csinv   x0, x1, x2, ls
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1011
        csinv   w0, w3, w12, ls
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csinv   x0, x1, x2, ls
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csinv   w0, w3, w12, ls
        CHECK   x0, 0x0
        SET_NZCV 0b1011
        csneg   x0, x1, x2, ls
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b1011
        csneg   w0, w3, w12, ls
        CHECK   x0, 0x1
        SET_NZCV 0b0010
        csneg   x0, x1, x2, ls
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0010
        csneg   w0, w3, w12, ls
        CHECK   x0, 0x1
        SET_NZCV 0b0000
        csel    x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csel    x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinc   x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinc   w0, w3, w12, ge
        CHECK   x0, 0x87654321
        SET_NZCV 0b0110
        csinc   x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinc   w0, w3, w12, ge
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csinv   x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csinv   w0, w3, w12, ge
        CHECK   x0, 0x87654321
        SET_NZCV 0b0110
        csinv   x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinv   w0, w3, w12, ge
        CHECK   x0, 0x87654321
        SET_NZCV 0b0000
        csneg   x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0000
        csneg   w0, w3, w12, ge
        CHECK   x0, 0x87654321
        SET_NZCV 0b0110
        csneg   x0, x1, x2, ge
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csneg   w0, w3, w12, ge
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csel    x0, x1, x2, lt
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b1000
        csel    x0, x1, x2, lt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0100
        csinc   x0, x1, x2, lt
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0100
        csinc   w0, w3, w12, lt
        CHECK   x0, 0x0
        SET_NZCV 0b1000
        csinc   x0, x1, x2, lt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinc   w0, w3, w12, lt
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csinv   x0, x1, x2, lt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0100
        csinv   w0, w3, w12, lt
        CHECK   x0, 0x0
        SET_NZCV 0b1000
        csinv   x0, x1, x2, lt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csinv   w0, w3, w12, lt
        CHECK   x0, 0x87654321
        SET_NZCV 0b0100
        csneg   x0, x1, x2, lt
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0100
        csneg   w0, w3, w12, lt
        CHECK   x0, 0x1
        SET_NZCV 0b1000
        csneg   x0, x1, x2, lt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1000
        csneg   w0, w3, w12, lt
        CHECK   x0, 0x87654321
        SET_NZCV 0b0010
        csel    x0, x1, x2, gt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csel    x0, x1, x2, gt
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0010
        csinc   x0, x1, x2, gt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csinc   w0, w3, w12, gt
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csinc   x0, x1, x2, gt
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0001
        csinc   w0, w3, w12, gt
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csinv   x0, x1, x2, gt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csinv   w0, w3, w12, gt
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csinv   x0, x1, x2, gt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0001
        csinv   w0, w3, w12, gt
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csneg   x0, x1, x2, gt
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0010
        csneg   w0, w3, w12, gt
        CHECK   x0, 0x87654321
        SET_NZCV 0b0001
        csneg   x0, x1, x2, gt
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b0001
        csneg   w0, w3, w12, gt
        CHECK   x0, 0x1
        SET_NZCV 0b0110
        csel    x0, x1, x2, le
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csel    x0, x1, x2, le
        CHECK   x0, 0xfedcba9876543210
        SET_NZCV 0b0110
        csinc   x0, x1, x2, le
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinc   w0, w3, w12, le
        CHECK   x0, 0x87654321
        SET_NZCV 0b1001
        csinc   x0, x1, x2, le
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b1001
        csinc   w0, w3, w12, le
        CHECK   x0, 0x0
        SET_NZCV 0b0110
        csinv   x0, x1, x2, le
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csinv   w0, w3, w12, le
        CHECK   x0, 0x87654321
        SET_NZCV 0b1001
        csinv   x0, x1, x2, le
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b1001
        csinv   w0, w3, w12, le
        CHECK   x0, 0x0
        SET_NZCV 0b0110
        csneg   x0, x1, x2, le
        CHECK   x0, 0x123456789abcdef
        SET_NZCV 0b0110
        csneg   w0, w3, w12, le
        CHECK   x0, 0x87654321
        SET_NZCV 0b1001
        csneg   x0, x1, x2, le
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b1001
        csneg   w0, w3, w12, le
        CHECK   x0, 0x1
        SET_NZCV 0b0100
        cset    x0, eq
        CHECK   x0, 0x1
        SET_NZCV 0b0000
        cset    x0, eq
        CHECK   x0, 0x0
        SET_NZCV 0b0010
        csetm   x0, hi
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b0110
        csetm   w0, hi
        CHECK   x0, 0x0
        SET_NZCV 0b1001
        cinc    x0, x1, ge
        CHECK   x0, 0x123456789abcdf0
        SET_NZCV 0b1000
        cinc    x0, x6, ge
        CHECK   x0, 0xffffffffffffffff
        SET_NZCV 0b1000
        cinv    w0, w3, lt
        CHECK   x0, 0x789abcde
        SET_NZCV 0b0000
        cneg    x0, x1, vc
        CHECK   x0, 0xfedcba9876543211
        SET_NZCV 0b0000
        cneg    w0, w3, vs
        CHECK   x0, 0x87654321
// ---- RBIT / REV / REV16 / REV32 / CLZ / CLS ----------------------------------------------------
        rbit    x0, x1
        CHECK   x0, 0xf7b3d591e6a2c480
        rev     x0, x1
        CHECK   x0, 0xefcdab8967452301
        rev16   x0, x1
        CHECK   x0, 0x23016745ab89efcd
        rev32   x0, x1
        CHECK   x0, 0x67452301efcdab89
        clz     x0, x1
        CHECK   x0, 0x7
        cls     x0, x1
        CHECK   x0, 0x6
        rbit    w0, w1
        CHECK   x0, 0xf7b3d591
        rev     w0, w1
        CHECK   x0, 0xefcdab89
        rev16   w0, w1
        CHECK   x0, 0xab89efcd
        clz     w0, w1
        CHECK   x0, 0x0
        cls     w0, w1
        CHECK   x0, 0x0
        rbit    x0, x2
        CHECK   x0, 0x84c2a6e195d3b7f
        rev     x0, x2
        CHECK   x0, 0x1032547698badcfe
        rev16   x0, x2
        CHECK   x0, 0xdcfe98ba54761032
        rev32   x0, x2
        CHECK   x0, 0x98badcfe10325476
        clz     x0, x2
        CHECK   x0, 0x0
        cls     x0, x2
        CHECK   x0, 0x6
        rbit    w0, w2
        CHECK   x0, 0x84c2a6e
        rev     w0, w2
        CHECK   x0, 0x10325476
        rev16   w0, w2
        CHECK   x0, 0x54761032
        clz     w0, w2
        CHECK   x0, 0x1
        cls     w0, w2
        CHECK   x0, 0x0
        rbit    x0, x4
        CHECK   x0, 0x1
        rev     x0, x4
        CHECK   x0, 0x80
        rev16   x0, x4
        CHECK   x0, 0x80000000000000
        rev32   x0, x4
        CHECK   x0, 0x8000000000
        clz     x0, x4
        CHECK   x0, 0x0
        cls     x0, x4
        CHECK   x0, 0x0
        rbit    w0, w4
        CHECK   x0, 0x0
        rev     w0, w4
        CHECK   x0, 0x0
        rev16   w0, w4
        CHECK   x0, 0x0
        clz     w0, w4
        CHECK   x0, 0x20
        cls     w0, w4
        CHECK   x0, 0x1f
        rbit    x0, x7
        CHECK   x0, 0x0
        rev     x0, x7
        CHECK   x0, 0x0
        rev16   x0, x7
        CHECK   x0, 0x0
        rev32   x0, x7
        CHECK   x0, 0x0
        clz     x0, x7
        CHECK   x0, 0x40
        cls     x0, x7
        CHECK   x0, 0x3f
        rbit    w0, w7
        CHECK   x0, 0x0
        rev     w0, w7
        CHECK   x0, 0x0
        rev16   w0, w7
        CHECK   x0, 0x0
        clz     w0, w7
        CHECK   x0, 0x20
        cls     w0, w7
        CHECK   x0, 0x1f
        rbit    x0, x8
        CHECK   x0, 0x8000000000000000
        rev     x0, x8
        CHECK   x0, 0x100000000000000
        rev16   x0, x8
        CHECK   x0, 0x100
        rev32   x0, x8
        CHECK   x0, 0x1000000
        clz     x0, x8
        CHECK   x0, 0x3f
        cls     x0, x8
        CHECK   x0, 0x3e
        rbit    w0, w8
        CHECK   x0, 0x80000000
        rev     w0, w8
        CHECK   x0, 0x1000000
        rev16   w0, w8
        CHECK   x0, 0x100
        clz     w0, w8
        CHECK   x0, 0x1f
        cls     w0, w8
        CHECK   x0, 0x1e
        rbit    x0, x6
        CHECK   x0, 0xffffffffffffffff
        rev     x0, x6
        CHECK   x0, 0xffffffffffffffff
        rev16   x0, x6
        CHECK   x0, 0xffffffffffffffff
        rev32   x0, x6
        CHECK   x0, 0xffffffffffffffff
        clz     x0, x6
        CHECK   x0, 0x0
        cls     x0, x6
        CHECK   x0, 0x3f
        rbit    w0, w6
        CHECK   x0, 0xffffffff
        rev     w0, w6
        CHECK   x0, 0xffffffff
        rev16   w0, w6
        CHECK   x0, 0xffffffff
        clz     w0, w6
        CHECK   x0, 0x0
        cls     w0, w6
        CHECK   x0, 0x1f
        ldr     x9, =0x100000000
        clz     x0, x9
        CHECK   x0, 0x1f
        cls     x0, x9
        CHECK   x0, 0x1e
        clz     w0, w9
        CHECK   x0, 0x20
        cls     w0, w9
        CHECK   x0, 0x1f
        ldr     x9, =0xffff0000
        clz     x0, x9
        CHECK   x0, 0x20
        cls     x0, x9
        CHECK   x0, 0x1f
        clz     w0, w9
        CHECK   x0, 0x0
        cls     w0, w9
        CHECK   x0, 0xf
        ldr     x9, =0xfffffffffffff000
        clz     x0, x9
        CHECK   x0, 0x0
        cls     x0, x9
        CHECK   x0, 0x33
        clz     w0, w9
        CHECK   x0, 0x0
        cls     w0, w9
        CHECK   x0, 0x13
// ---- UDIV / SDIV -------------------------------------------------------------------------------
        udiv    x0, x1, x2
        CHECK   x0, 0x0
        sdiv    x0, x1, x2
        CHECK   x0, 0x0
        udiv    x0, x2, x1
        CHECK   x0, 0xe0
        sdiv    x0, x2, x1
        CHECK   x0, 0xffffffffffffffff
        udiv    x0, x2, x8
        CHECK   x0, 0xfedcba9876543210
        sdiv    x0, x2, x8
        CHECK   x0, 0xfedcba9876543210
        udiv    x0, x4, x6
        CHECK   x0, 0x0
        sdiv    x0, x4, x6
        CHECK   x0, 0x8000000000000000
        udiv    x0, x4, x8
        CHECK   x0, 0x8000000000000000
        sdiv    x0, x4, x8
        CHECK   x0, 0x8000000000000000
        udiv    x0, x1, x7
        CHECK   x0, 0x0
        sdiv    x0, x1, x7
        CHECK   x0, 0x0
        udiv    x0, x7, x1
        CHECK   x0, 0x0
        sdiv    x0, x7, x1
        CHECK   x0, 0x0
        udiv    x0, x6, x5
        CHECK   x0, 0x2
        sdiv    x0, x6, x5
        CHECK   x0, 0x0
        udiv    x0, x2, x3
        CHECK   x0, 0x1e1e1e1e1
        sdiv    x0, x2, x3
        CHECK   x0, 0xfffffffffdd946fe
        udiv    w0, w3, w8
        CHECK   x0, 0x87654321
        sdiv    w0, w3, w8
        CHECK   x0, 0x87654321
        udiv    w0, w10, w12
        CHECK   x0, 0x0
        sdiv    w0, w10, w12
        CHECK   x0, 0x80000000
        udiv    w0, w3, w7
        CHECK   x0, 0x0
        sdiv    w0, w3, w7
        CHECK   x0, 0x0
        udiv    w0, w12, w3
        CHECK   x0, 0x1
        sdiv    w0, w12, w3
        CHECK   x0, 0x0
        udiv    w0, w2, w11
        CHECK   x0, 0x0
        sdiv    w0, w2, w11
        CHECK   x0, 0x0
        ldr     x9, =-7
        mov     x13, #2
        sdiv    x0, x9, x13
        CHECK   x0, 0xfffffffffffffffd
        sdiv    w0, w9, w13
        CHECK   x0, 0xfffffffd
        neg     x14, x13
        sdiv    x0, x9, x14
        CHECK   x0, 0x3
        udiv    w0, w9, w13
        CHECK   x0, 0x7ffffffc
// ---- Variable shifts: LSLV / LSRV / ASRV / RORV ------------------------------------------------
        ldr     x9, =0x0
        lslv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        lslv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x1
        lslv    x0, x2, x9
        CHECK   x0, 0xfdb97530eca86420
        lslv    w0, w3, w9
        CHECK   x0, 0xeca8642
        ldr     x9, =0x4
        lslv    x0, x2, x9
        CHECK   x0, 0xedcba98765432100
        lslv    w0, w3, w9
        CHECK   x0, 0x76543210
        ldr     x9, =0x1f
        lslv    x0, x2, x9
        CHECK   x0, 0x3b2a190800000000
        lslv    w0, w3, w9
        CHECK   x0, 0x80000000
        ldr     x9, =0x20
        lslv    x0, x2, x9
        CHECK   x0, 0x7654321000000000
        lslv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x3f
        lslv    x0, x2, x9
        CHECK   x0, 0x0
        lslv    w0, w3, w9
        CHECK   x0, 0x80000000
        ldr     x9, =0x40
        lslv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        lslv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x41
        lslv    x0, x2, x9
        CHECK   x0, 0xfdb97530eca86420
        lslv    w0, w3, w9
        CHECK   x0, 0xeca8642
        ldr     x9, =0x7f
        lslv    x0, x2, x9
        CHECK   x0, 0x0
        lslv    w0, w3, w9
        CHECK   x0, 0x80000000
        ldr     x9, =0xffffffffffffff03
        lslv    x0, x2, x9
        CHECK   x0, 0xf6e5d4c3b2a19080
        lslv    w0, w3, w9
        CHECK   x0, 0x3b2a1908
        ldr     x9, =0x0
        lsrv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        lsrv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x1
        lsrv    x0, x2, x9
        CHECK   x0, 0x7f6e5d4c3b2a1908
        lsrv    w0, w3, w9
        CHECK   x0, 0x43b2a190
        ldr     x9, =0x4
        lsrv    x0, x2, x9
        CHECK   x0, 0xfedcba987654321
        lsrv    w0, w3, w9
        CHECK   x0, 0x8765432
        ldr     x9, =0x1f
        lsrv    x0, x2, x9
        CHECK   x0, 0x1fdb97530
        lsrv    w0, w3, w9
        CHECK   x0, 0x1
        ldr     x9, =0x20
        lsrv    x0, x2, x9
        CHECK   x0, 0xfedcba98
        lsrv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x3f
        lsrv    x0, x2, x9
        CHECK   x0, 0x1
        lsrv    w0, w3, w9
        CHECK   x0, 0x1
        ldr     x9, =0x40
        lsrv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        lsrv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x41
        lsrv    x0, x2, x9
        CHECK   x0, 0x7f6e5d4c3b2a1908
        lsrv    w0, w3, w9
        CHECK   x0, 0x43b2a190
        ldr     x9, =0x7f
        lsrv    x0, x2, x9
        CHECK   x0, 0x1
        lsrv    w0, w3, w9
        CHECK   x0, 0x1
        ldr     x9, =0xffffffffffffff03
        lsrv    x0, x2, x9
        CHECK   x0, 0x1fdb97530eca8642
        lsrv    w0, w3, w9
        CHECK   x0, 0x10eca864
        ldr     x9, =0x0
        asrv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        asrv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x1
        asrv    x0, x2, x9
        CHECK   x0, 0xff6e5d4c3b2a1908
        asrv    w0, w3, w9
        CHECK   x0, 0xc3b2a190
        ldr     x9, =0x4
        asrv    x0, x2, x9
        CHECK   x0, 0xffedcba987654321
        asrv    w0, w3, w9
        CHECK   x0, 0xf8765432
        ldr     x9, =0x1f
        asrv    x0, x2, x9
        CHECK   x0, 0xfffffffffdb97530
        asrv    w0, w3, w9
        CHECK   x0, 0xffffffff
        ldr     x9, =0x20
        asrv    x0, x2, x9
        CHECK   x0, 0xfffffffffedcba98
        asrv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x3f
        asrv    x0, x2, x9
        CHECK   x0, 0xffffffffffffffff
        asrv    w0, w3, w9
        CHECK   x0, 0xffffffff
        ldr     x9, =0x40
        asrv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        asrv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x41
        asrv    x0, x2, x9
        CHECK   x0, 0xff6e5d4c3b2a1908
        asrv    w0, w3, w9
        CHECK   x0, 0xc3b2a190
        ldr     x9, =0x7f
        asrv    x0, x2, x9
        CHECK   x0, 0xffffffffffffffff
        asrv    w0, w3, w9
        CHECK   x0, 0xffffffff
        ldr     x9, =0xffffffffffffff03
        asrv    x0, x2, x9
        CHECK   x0, 0xffdb97530eca8642
        asrv    w0, w3, w9
        CHECK   x0, 0xf0eca864
        ldr     x9, =0x0
        rorv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        rorv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x1
        rorv    x0, x2, x9
        CHECK   x0, 0x7f6e5d4c3b2a1908
        rorv    w0, w3, w9
        CHECK   x0, 0xc3b2a190
        ldr     x9, =0x4
        rorv    x0, x2, x9
        CHECK   x0, 0xfedcba987654321
        rorv    w0, w3, w9
        CHECK   x0, 0x18765432
        ldr     x9, =0x1f
        rorv    x0, x2, x9
        CHECK   x0, 0xeca86421fdb97530
        rorv    w0, w3, w9
        CHECK   x0, 0xeca8643
        ldr     x9, =0x20
        rorv    x0, x2, x9
        CHECK   x0, 0x76543210fedcba98
        rorv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x3f
        rorv    x0, x2, x9
        CHECK   x0, 0xfdb97530eca86421
        rorv    w0, w3, w9
        CHECK   x0, 0xeca8643
        ldr     x9, =0x40
        rorv    x0, x2, x9
        CHECK   x0, 0xfedcba9876543210
        rorv    w0, w3, w9
        CHECK   x0, 0x87654321
        ldr     x9, =0x41
        rorv    x0, x2, x9
        CHECK   x0, 0x7f6e5d4c3b2a1908
        rorv    w0, w3, w9
        CHECK   x0, 0xc3b2a190
        ldr     x9, =0x7f
        rorv    x0, x2, x9
        CHECK   x0, 0xfdb97530eca86421
        rorv    w0, w3, w9
        CHECK   x0, 0xeca8643
        ldr     x9, =0xffffffffffffff03
        rorv    x0, x2, x9
        CHECK   x0, 0x1fdb97530eca8642
        rorv    w0, w3, w9
        CHECK   x0, 0x30eca864
// ---- CRC32 / CRC32C ----------------------------------------------------------------------------
        ldr     x9, =0x0
        crc32b  w0, w9, w1
        CHECK   x0, 0x30b5ffe9
        crc32cb w0, w9, w1
        CHECK   x0, 0xbd23943e
        crc32h  w0, w9, w1
        CHECK   x0, 0x3c33512e
        crc32ch w0, w9, w1
        CHECK   x0, 0xe083bf15
        crc32w  w0, w9, w1
        CHECK   x0, 0xcefc0adb
        crc32cw w0, w9, w1
        CHECK   x0, 0x5914342a
        crc32x  w0, w9, x1
        CHECK   x0, 0x21193d2e
        crc32cx w0, w9, x1
        CHECK   x0, 0xe9986aa9
        ldr     x9, =0xffffffff
        crc32b  w0, w9, w1
        CHECK   x0, 0x1d48ef9b
        crc32cb w0, w9, w1
        CHECK   x0, 0x10a13890
        crc32h  w0, w9, w1
        CHECK   x0, 0x8215bc2e
        crc32ch w0, w9, w1
        CHECK   x0, 0xee1d3738
        crc32w  w0, w9, w1
        CHECK   x0, 0x10472a38
        crc32cw w0, w9, w1
        CHECK   x0, 0xee8c8012
        crc32x  w0, w9, x1
        CHECK   x0, 0xbbc41db8
        crc32cx w0, w9, x1
        CHECK   x0, 0x9a4f27dc
        ldr     x9, =0x87654321
        crc32b  w0, w9, w1
        CHECK   x0, 0x7c5b8af4
        crc32cb w0, w9, w1
        CHECK   x0, 0x6f72fca0
        crc32h  w0, w9, w1
        CHECK   x0, 0x5f79d382
        crc32ch w0, w9, w1
        CHECK   x0, 0xde81ad4d
        crc32w  w0, w9, w1
        CHECK   x0, 0xcff87878
        crc32cw w0, w9, w1
        CHECK   x0, 0xf5b7498d
        crc32x  w0, w9, x1
        CHECK   x0, 0x3ad9c269
        crc32cx w0, w9, x1
        CHECK   x0, 0x7ff7ca25
// ---- Multiply: MADD / MSUB / SMADDL / SMSUBL / UMADDL / UMSUBL / SMULH / UMULH -----------------
        madd    x0, x1, x2, x3
        CHECK   x0, 0x2236d8906cc6d011
        msub    x0, x1, x2, x3
        CHECK   x0, 0xddc92770a203b631
        mul     x0, x1, x2
        CHECK   x0, 0x2236d88fe5618cf0
        mneg    x0, x1, x2
        CHECK   x0, 0xddc927701a9e7310
        smulh   x0, x1, x2
        CHECK   x0, 0xfffeb49923cc0953
        umulh   x0, x1, x2
        CHECK   x0, 0x121fa00ad77d742
        madd    w0, w1, w2, w3
        CHECK   x0, 0x6cc6d011
        msub    w0, w1, w2, w3
        CHECK   x0, 0xa203b631
        smaddl  x0, w1, w2, x3
        CHECK   x0, 0xc94e46286cc6d011
        smsubl  x0, w1, w2, x3
        CHECK   x0, 0x36b1b9d8a203b631
        umaddl  x0, w1, w2, x3
        CHECK   x0, 0x3fa278386cc6d011
        umsubl  x0, w1, w2, x3
        CHECK   x0, 0xc05d87c8a203b631
        smull   x0, w1, w2
        CHECK   x0, 0xc94e4627e5618cf0
        umull   x0, w1, w2
        CHECK   x0, 0x3fa27837e5618cf0
        smnegl  x0, w1, w2
        CHECK   x0, 0x36b1b9d81a9e7310
        umnegl  x0, w1, w2
        CHECK   x0, 0xc05d87c81a9e7310
        madd    x0, x2, x2, x1
        CHECK   x0, 0xe00fb23f2df60eef
        msub    x0, x2, x2, x1
        CHECK   x0, 0x2236d88fe5618cef
        mul     x0, x2, x2
        CHECK   x0, 0xdeec6cd7a44a4100
        mneg    x0, x2, x2
        CHECK   x0, 0x211393285bb5bf00
        smulh   x0, x2, x2
        CHECK   x0, 0x14b66dc33f6ac
        umulh   x0, x2, x2
        CHECK   x0, 0xfdbac097c8dc5acc
        madd    w0, w2, w2, w1
        CHECK   x0, 0x2df60eef
        msub    w0, w2, w2, w1
        CHECK   x0, 0xe5618cef
        smaddl  x0, w2, w2, x1
        CHECK   x0, 0x37d4ff3f2df60eef
        smsubl  x0, w2, w2, x1
        CHECK   x0, 0xca718b8fe5618cef
        umaddl  x0, w2, w2, x1
        CHECK   x0, 0x37d4ff3f2df60eef
        umsubl  x0, w2, w2, x1
        CHECK   x0, 0xca718b8fe5618cef
        smull   x0, w2, w2
        CHECK   x0, 0x36b1b9d7a44a4100
        umull   x0, w2, w2
        CHECK   x0, 0x36b1b9d7a44a4100
        smnegl  x0, w2, w2
        CHECK   x0, 0xc94e46285bb5bf00
        umnegl  x0, w2, w2
        CHECK   x0, 0xc94e46285bb5bf00
        madd    x0, x6, x6, x7
        CHECK   x0, 0x1
        msub    x0, x6, x6, x7
        CHECK   x0, 0xffffffffffffffff
        mul     x0, x6, x6
        CHECK   x0, 0x1
        mneg    x0, x6, x6
        CHECK   x0, 0xffffffffffffffff
        smulh   x0, x6, x6
        CHECK   x0, 0x0
        umulh   x0, x6, x6
        CHECK   x0, 0xfffffffffffffffe
        madd    w0, w6, w6, w7
        CHECK   x0, 0x1
        msub    w0, w6, w6, w7
        CHECK   x0, 0xffffffff
        smaddl  x0, w6, w6, x7
        CHECK   x0, 0x1
        smsubl  x0, w6, w6, x7
        CHECK   x0, 0xffffffffffffffff
        umaddl  x0, w6, w6, x7
        CHECK   x0, 0xfffffffe00000001
        umsubl  x0, w6, w6, x7
        CHECK   x0, 0x1ffffffff
        smull   x0, w6, w6
        CHECK   x0, 0x1
        umull   x0, w6, w6
        CHECK   x0, 0xfffffffe00000001
        smnegl  x0, w6, w6
        CHECK   x0, 0xffffffffffffffff
        umnegl  x0, w6, w6
        CHECK   x0, 0x1ffffffff
        madd    x0, x4, x6, x5
        CHECK   x0, 0xffffffffffffffff
        msub    x0, x4, x6, x5
        CHECK   x0, 0xffffffffffffffff
        mul     x0, x4, x6
        CHECK   x0, 0x8000000000000000
        mneg    x0, x4, x6
        CHECK   x0, 0x8000000000000000
        smulh   x0, x4, x6
        CHECK   x0, 0x0
        umulh   x0, x4, x6
        CHECK   x0, 0x7fffffffffffffff
        madd    w0, w4, w6, w5
        CHECK   x0, 0xffffffff
        msub    w0, w4, w6, w5
        CHECK   x0, 0xffffffff
        smaddl  x0, w4, w6, x5
        CHECK   x0, 0x7fffffffffffffff
        smsubl  x0, w4, w6, x5
        CHECK   x0, 0x7fffffffffffffff
        umaddl  x0, w4, w6, x5
        CHECK   x0, 0x7fffffffffffffff
        umsubl  x0, w4, w6, x5
        CHECK   x0, 0x7fffffffffffffff
        smull   x0, w4, w6
        CHECK   x0, 0x0
        umull   x0, w4, w6
        CHECK   x0, 0x0
        smnegl  x0, w4, w6
        CHECK   x0, 0x0
        umnegl  x0, w4, w6
        CHECK   x0, 0x0
        madd    x0, x5, x5, x8
        CHECK   x0, 0x2
        msub    x0, x5, x5, x8
        CHECK   x0, 0x0
        mul     x0, x5, x5
        CHECK   x0, 0x1
        mneg    x0, x5, x5
        CHECK   x0, 0xffffffffffffffff
        smulh   x0, x5, x5
        CHECK   x0, 0x3fffffffffffffff
        umulh   x0, x5, x5
        CHECK   x0, 0x3fffffffffffffff
        madd    w0, w5, w5, w8
        CHECK   x0, 0x2
        msub    w0, w5, w5, w8
        CHECK   x0, 0x0
        smaddl  x0, w5, w5, x8
        CHECK   x0, 0x2
        smsubl  x0, w5, w5, x8
        CHECK   x0, 0x0
        umaddl  x0, w5, w5, x8
        CHECK   x0, 0xfffffffe00000002
        umsubl  x0, w5, w5, x8
        CHECK   x0, 0x200000000
        smull   x0, w5, w5
        CHECK   x0, 0x1
        umull   x0, w5, w5
        CHECK   x0, 0xfffffffe00000001
        smnegl  x0, w5, w5
        CHECK   x0, 0xffffffffffffffff
        umnegl  x0, w5, w5
        CHECK   x0, 0x1ffffffff

        b       pass

        GUEST_END dp_reg
