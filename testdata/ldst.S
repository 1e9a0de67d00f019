// ldst: loads and stores, DDI 0487 C4.1.94 / C6.2:
// every size with zero and sign extension (LDRB/LDRSB/LDRH/LDRSH/LDR/LDRSW, W and X destinations),
// every addressing mode (scaled unsigned offset up to its maximum, unscaled LDUR*/STUR*, pre-index
// and post-index with writeback, register offset with LSL/UXTW/SXTW/SXTX and with and without the
// scale, PC-relative literal, SP as the base), XZR/WZR as load destination and store source, pairs
// (LDP/STP/LDPSW/LDNP/STNP, W and X, all index modes), exclusives (LDXR/STXR in every size, a failing
// STXR after CLREX and with an open monitor, LDXP/STXP, LDAXR/STLXR, LDAXP/STLXP), load-acquire/
// store-release (LDAR*/STLR*), unprivileged LDTR*/STTR*, and PRFM/PRFUM (including to an unmapped
// address and an unallocated prefetch operation, which must not fault).
// With the MMU off every data access is Device memory, so all accesses here are naturally aligned.
// Expected values are computed from the Arm ARM semantics over the `buf` byte table (byte i =
// (0x25 * i + 0x81) mod 256) and confirmed on qemu-system-aarch64.
// Registers: x1 = buf (512 bytes, read-only), x2 = scratch (512 bytes), x17 = 0x0123456789abcdef,
// x18 = 0xfedcba9876543210.
        .include "common.inc"
        GUEST_ENTRY

        .balign 8
lit_back:
        .quad   0x0102030405060708

main:
        adr     x1, buf
        adr     x2, scratch
        ldr     x17, =0x0123456789abcdef
        ldr     x18, =0xfedcba9876543210

// ---- Loads: unsigned scaled offset, every size and sign extension ------------------------------
        ldrb    w0, [x1, #0]
        CHECK   x0, 0x81
        ldrb    w0, [x1, #1]
        CHECK   x0, 0xa6
        ldrb    w0, [x1, #3]
        CHECK   x0, 0xf0
        ldrb    w0, [x1, #7]
        CHECK   x0, 0x84
        mov     x9, #4090
        sub     x9, x1, x9
        ldrb    w0, [x9, #4095]
        CHECK   x0, 0x3a
        ldrsb   w0, [x1, #0]
        CHECK   x0, 0xffffff81
        ldrsb   w0, [x1, #1]
        CHECK   x0, 0xffffffa6
        ldrsb   w0, [x1, #3]
        CHECK   x0, 0xfffffff0
        ldrsb   w0, [x1, #7]
        CHECK   x0, 0xffffff84
        mov     x9, #4090
        sub     x9, x1, x9
        ldrsb   w0, [x9, #4095]
        CHECK   x0, 0x3a
        ldrsb   x0, [x1, #0]
        CHECK   x0, 0xffffffffffffff81
        ldrsb   x0, [x1, #1]
        CHECK   x0, 0xffffffffffffffa6
        ldrsb   x0, [x1, #3]
        CHECK   x0, 0xfffffffffffffff0
        ldrsb   x0, [x1, #7]
        CHECK   x0, 0xffffffffffffff84
        mov     x9, #4090
        sub     x9, x1, x9
        ldrsb   x0, [x9, #4095]
        CHECK   x0, 0x3a
        ldrh    w0, [x1, #0]
        CHECK   x0, 0xa681
        ldrh    w0, [x1, #2]
        CHECK   x0, 0xf0cb
        ldrh    w0, [x1, #6]
        CHECK   x0, 0x845f
        ldrh    w0, [x1, #14]
        CHECK   x0, 0xac87
        mov     x9, #8180
        sub     x9, x1, x9
        ldrh    w0, [x9, #8190]
        CHECK   x0, 0x18f3
        ldrsh   w0, [x1, #0]
        CHECK   x0, 0xffffa681
        ldrsh   w0, [x1, #2]
        CHECK   x0, 0xfffff0cb
        ldrsh   w0, [x1, #6]
        CHECK   x0, 0xffff845f
        ldrsh   w0, [x1, #14]
        CHECK   x0, 0xffffac87
        mov     x9, #8180
        sub     x9, x1, x9
        ldrsh   w0, [x9, #8190]
        CHECK   x0, 0x18f3
        ldrsh   x0, [x1, #0]
        CHECK   x0, 0xffffffffffffa681
        ldrsh   x0, [x1, #2]
        CHECK   x0, 0xfffffffffffff0cb
        ldrsh   x0, [x1, #6]
        CHECK   x0, 0xffffffffffff845f
        ldrsh   x0, [x1, #14]
        CHECK   x0, 0xffffffffffffac87
        mov     x9, #8180
        sub     x9, x1, x9
        ldrsh   x0, [x9, #8190]
        CHECK   x0, 0x18f3
        ldr     w0, [x1, #0]
        CHECK   x0, 0xf0cba681
        ldr     w0, [x1, #4]
        CHECK   x0, 0x845f3a15
        ldr     w0, [x1, #12]
        CHECK   x0, 0xac87623d
        ldr     w0, [x1, #28]
        CHECK   x0, 0xfcd7b28d
        mov     x9, #16360
        sub     x9, x1, x9
        ldr     w0, [x9, #16380]
        CHECK   x0, 0xd4af8a65
        ldrsw   x0, [x1, #0]
        CHECK   x0, 0xfffffffff0cba681
        ldrsw   x0, [x1, #4]
        CHECK   x0, 0xffffffff845f3a15
        ldrsw   x0, [x1, #12]
        CHECK   x0, 0xffffffffac87623d
        ldrsw   x0, [x1, #28]
        CHECK   x0, 0xfffffffffcd7b28d
        mov     x9, #16360
        sub     x9, x1, x9
        ldrsw   x0, [x9, #16380]
        CHECK   x0, 0xffffffffd4af8a65
        ldr     x0, [x1, #0]
        CHECK   x0, 0x845f3a15f0cba681
        ldr     x0, [x1, #8]
        CHECK   x0, 0xac87623d18f3cea9
        ldr     x0, [x1, #24]
        CHECK   x0, 0xfcd7b28d68431ef9
        ldr     x0, [x1, #56]
        CHECK   x0, 0x9c77522d08e3be99
        mov     x9, #32720
        sub     x9, x1, x9
        ldr     x0, [x9, #32760]
        CHECK   x0, 0x4c2702ddb8936e49
// ---- Loads: unscaled offset (LDUR*), negative and odd multiples --------------------------------
        add     x9, x1, #256
        ldurb   w0, [x9, #-256]
        CHECK   x0, 0x81
        ldurb   w0, [x9, #-3]
        CHECK   x0, 0x12
        ldurb   w0, [x9, #0]
        CHECK   x0, 0x81
        ldurb   w0, [x9, #1]
        CHECK   x0, 0xa6
        ldurb   w0, [x9, #255]
        CHECK   x0, 0x5c
        ldursb  w0, [x9, #-256]
        CHECK   x0, 0xffffff81
        ldursb  w0, [x9, #-3]
        CHECK   x0, 0x12
        ldursb  w0, [x9, #0]
        CHECK   x0, 0xffffff81
        ldursb  w0, [x9, #1]
        CHECK   x0, 0xffffffa6
        ldursb  w0, [x9, #255]
        CHECK   x0, 0x5c
        ldursb  x0, [x9, #-256]
        CHECK   x0, 0xffffffffffffff81
        ldursb  x0, [x9, #-3]
        CHECK   x0, 0x12
        ldursb  x0, [x9, #0]
        CHECK   x0, 0xffffffffffffff81
        ldursb  x0, [x9, #1]
        CHECK   x0, 0xffffffffffffffa6
        ldursb  x0, [x9, #255]
        CHECK   x0, 0x5c
        ldurh   w0, [x9, #-256]
        CHECK   x0, 0xa681
        ldurh   w0, [x9, #-6]
        CHECK   x0, 0xc8a3
        ldurh   w0, [x9, #0]
        CHECK   x0, 0xa681
        ldurh   w0, [x9, #2]
        CHECK   x0, 0xf0cb
        ldurh   w0, [x9, #254]
        CHECK   x0, 0x5c37
        ldursh  w0, [x9, #-256]
        CHECK   x0, 0xffffa681
        ldursh  w0, [x9, #-6]
        CHECK   x0, 0xffffc8a3
        ldursh  w0, [x9, #0]
        CHECK   x0, 0xffffa681
        ldursh  w0, [x9, #2]
        CHECK   x0, 0xfffff0cb
        ldursh  w0, [x9, #254]
        CHECK   x0, 0x5c37
        ldursh  x0, [x9, #-256]
        CHECK   x0, 0xffffffffffffa681
        ldursh  x0, [x9, #-6]
        CHECK   x0, 0xffffffffffffc8a3
        ldursh  x0, [x9, #0]
        CHECK   x0, 0xffffffffffffa681
        ldursh  x0, [x9, #2]
        CHECK   x0, 0xfffffffffffff0cb
        ldursh  x0, [x9, #254]
        CHECK   x0, 0x5c37
        ldur    w0, [x9, #-256]
        CHECK   x0, 0xf0cba681
        ldur    w0, [x9, #-12]
        CHECK   x0, 0x340feac5
        ldur    w0, [x9, #0]
        CHECK   x0, 0xf0cba681
        ldur    w0, [x9, #4]
        CHECK   x0, 0x845f3a15
        ldur    w0, [x9, #252]
        CHECK   x0, 0x5c3712ed
        ldursw  x0, [x9, #-256]
        CHECK   x0, 0xfffffffff0cba681
        ldursw  x0, [x9, #-12]
        CHECK   x0, 0x340feac5
        ldursw  x0, [x9, #0]
        CHECK   x0, 0xfffffffff0cba681
        ldursw  x0, [x9, #4]
        CHECK   x0, 0xffffffff845f3a15
        ldursw  x0, [x9, #252]
        CHECK   x0, 0x5c3712ed
        ldur    x0, [x9, #-256]
        CHECK   x0, 0x845f3a15f0cba681
        ldur    x0, [x9, #-24]
        CHECK   x0, 0xce7c29d78532e09
        ldur    x0, [x9, #0]
        CHECK   x0, 0x845f3a15f0cba681
        ldur    x0, [x9, #8]
        CHECK   x0, 0xac87623d18f3cea9
        ldur    x0, [x9, #248]
        CHECK   x0, 0x5c3712edc8a37e59
// ---- Loads: pre-index and post-index with writeback --------------------------------------------
        add     x9, x1, #64
        ldrb    w0, [x9, #2]!
        CHECK   x0, 0xb
        sub     x10, x9, x1
        CHECK   x10, 0x42
        add     x9, x1, #64
        ldrb    w0, [x9], #2
        CHECK   x0, 0xc1
        sub     x10, x9, x1
        CHECK   x10, 0x42
        add     x9, x1, #64
        ldrb    w0, [x9, #-4]!
        CHECK   x0, 0x2d
        sub     x10, x9, x1
        CHECK   x10, 0x3c
        add     x9, x1, #64
        ldrb    w0, [x9], #-4
        CHECK   x0, 0xc1
        sub     x10, x9, x1
        CHECK   x10, 0x3c
        add     x9, x1, #16
        ldrb    w0, [x9, #255]!
        CHECK   x0, 0xac
        add     x9, x1, #64
        ldrsb   w0, [x9, #2]!
        CHECK   x0, 0xb
        sub     x10, x9, x1
        CHECK   x10, 0x42
        add     x9, x1, #64
        ldrsb   w0, [x9], #2
        CHECK   x0, 0xffffffc1
        sub     x10, x9, x1
        CHECK   x10, 0x42
        add     x9, x1, #64
        ldrsb   w0, [x9, #-4]!
        CHECK   x0, 0x2d
        sub     x10, x9, x1
        CHECK   x10, 0x3c
        add     x9, x1, #64
        ldrsb   w0, [x9], #-4
        CHECK   x0, 0xffffffc1
        sub     x10, x9, x1
        CHECK   x10, 0x3c
        add     x9, x1, #16
        ldrsb   w0, [x9, #255]!
        CHECK   x0, 0xffffffac
        add     x9, x1, #64
        ldrsb   x0, [x9, #2]!
        CHECK   x0, 0xb
        sub     x10, x9, x1
        CHECK   x10, 0x42
        add     x9, x1, #64
        ldrsb   x0, [x9], #2
        CHECK   x0, 0xffffffffffffffc1
        sub     x10, x9, x1
        CHECK   x10, 0x42
        add     x9, x1, #64
        ldrsb   x0, [x9, #-4]!
        CHECK   x0, 0x2d
        sub     x10, x9, x1
        CHECK   x10, 0x3c
        add     x9, x1, #64
        ldrsb   x0, [x9], #-4
        CHECK   x0, 0xffffffffffffffc1
        sub     x10, x9, x1
        CHECK   x10, 0x3c
        add     x9, x1, #16
        ldrsb   x0, [x9, #255]!
        CHECK   x0, 0xffffffffffffffac
        add     x9, x1, #64
        ldrh    w0, [x9, #4]!
        CHECK   x0, 0x7a55
        sub     x10, x9, x1
        CHECK   x10, 0x44
        add     x9, x1, #64
        ldrh    w0, [x9], #4
        CHECK   x0, 0xe6c1
        sub     x10, x9, x1
        CHECK   x10, 0x44
        add     x9, x1, #64
        ldrh    w0, [x9, #-8]!
        CHECK   x0, 0xbe99
        sub     x10, x9, x1
        CHECK   x10, 0x38
        add     x9, x1, #64
        ldrh    w0, [x9], #-8
        CHECK   x0, 0xe6c1
        sub     x10, x9, x1
        CHECK   x10, 0x38
        add     x9, x1, #16
        ldrh    w0, [x9, #16]!
        CHECK   x0, 0x4621
        add     x9, x1, #64
        ldrsh   w0, [x9, #4]!
        CHECK   x0, 0x7a55
        sub     x10, x9, x1
        CHECK   x10, 0x44
        add     x9, x1, #64
        ldrsh   w0, [x9], #4
        CHECK   x0, 0xffffe6c1
        sub     x10, x9, x1
        CHECK   x10, 0x44
        add     x9, x1, #64
        ldrsh   w0, [x9, #-8]!
        CHECK   x0, 0xffffbe99
        sub     x10, x9, x1
        CHECK   x10, 0x38
        add     x9, x1, #64
        ldrsh   w0, [x9], #-8
        CHECK   x0, 0xffffe6c1
        sub     x10, x9, x1
        CHECK   x10, 0x38
        add     x9, x1, #16
        ldrsh   w0, [x9, #16]!
        CHECK   x0, 0x4621
        add     x9, x1, #64
        ldrsh   x0, [x9, #4]!
        CHECK   x0, 0x7a55
        sub     x10, x9, x1
        CHECK   x10, 0x44
        add     x9, x1, #64
        ldrsh   x0, [x9], #4
        CHECK   x0, 0xffffffffffffe6c1
        sub     x10, x9, x1
        CHECK   x10, 0x44
        add     x9, x1, #64
        ldrsh   x0, [x9, #-8]!
        CHECK   x0, 0xffffffffffffbe99
        sub     x10, x9, x1
        CHECK   x10, 0x38
        add     x9, x1, #64
        ldrsh   x0, [x9], #-8
        CHECK   x0, 0xffffffffffffe6c1
        sub     x10, x9, x1
        CHECK   x10, 0x38
        add     x9, x1, #16
        ldrsh   x0, [x9, #16]!
        CHECK   x0, 0x4621
        add     x9, x1, #64
        ldr     w0, [x9, #8]!
        CHECK   x0, 0x58330ee9
        sub     x10, x9, x1
        CHECK   x10, 0x48
        add     x9, x1, #64
        ldr     w0, [x9], #8
        CHECK   x0, 0x300be6c1
        sub     x10, x9, x1
        CHECK   x10, 0x48
        add     x9, x1, #64
        ldr     w0, [x9, #-16]!
        CHECK   x0, 0xe0bb9671
        sub     x10, x9, x1
        CHECK   x10, 0x30
        add     x9, x1, #64
        ldr     w0, [x9], #-16
        CHECK   x0, 0x300be6c1
        sub     x10, x9, x1
        CHECK   x10, 0x30
        add     x9, x1, #16
        ldr     w0, [x9, #32]!
        CHECK   x0, 0xe0bb9671
        add     x9, x1, #64
        ldrsw   x0, [x9, #8]!
        CHECK   x0, 0x58330ee9
        sub     x10, x9, x1
        CHECK   x10, 0x48
        add     x9, x1, #64
        ldrsw   x0, [x9], #8
        CHECK   x0, 0x300be6c1
        sub     x10, x9, x1
        CHECK   x10, 0x48
        add     x9, x1, #64
        ldrsw   x0, [x9, #-16]!
        CHECK   x0, 0xffffffffe0bb9671
        sub     x10, x9, x1
        CHECK   x10, 0x30
        add     x9, x1, #64
        ldrsw   x0, [x9], #-16
        CHECK   x0, 0x300be6c1
        sub     x10, x9, x1
        CHECK   x10, 0x30
        add     x9, x1, #16
        ldrsw   x0, [x9, #32]!
        CHECK   x0, 0xffffffffe0bb9671
        add     x9, x1, #64
        ldr     x0, [x9, #16]!
        CHECK   x0, 0x14efcaa5805b3611
        sub     x10, x9, x1
        CHECK   x10, 0x50
        add     x9, x1, #64
        ldr     x0, [x9], #16
        CHECK   x0, 0xc49f7a55300be6c1
        sub     x10, x9, x1
        CHECK   x10, 0x50
        add     x9, x1, #64
        ldr     x0, [x9, #-32]!
        CHECK   x0, 0x24ffdab5906b4621
        sub     x10, x9, x1
        CHECK   x10, 0x20
        add     x9, x1, #64
        ldr     x0, [x9], #-32
        CHECK   x0, 0xc49f7a55300be6c1
        sub     x10, x9, x1
        CHECK   x10, 0x20
        add     x9, x1, #16
        ldr     x0, [x9, #64]!
        CHECK   x0, 0x14efcaa5805b3611
// ---- Loads: register offset, every extend and shift --------------------------------------------
        add     x9, x1, #128
        ldr     x11, =0x5
        ldrb    w0, [x9, x11]
        CHECK   x0, 0xba
        ldr     x11, =0x5
        ldrb    w0, [x9, x11, lsl #0]
        CHECK   x0, 0xba
        ldr     x11, =0xfffffffffffffffd
        ldrb    w0, [x9, x11, sxtx]
        CHECK   x0, 0x92
        ldr     x11, =0xfffffffffffffffd
        ldrb    w0, [x9, x11, sxtx #0]
        CHECK   x0, 0x92
        ldr     x11, =0xffffffff00000006
        ldrb    w0, [x9, w11, uxtw]
        CHECK   x0, 0xdf
        ldr     x11, =0xffffffff00000006
        ldrb    w0, [x9, w11, uxtw #0]
        CHECK   x0, 0xdf
        ldr     x11, =0xfffffffffffffff9
        ldrb    w0, [x9, w11, sxtw]
        CHECK   x0, 0xfe
        ldr     x11, =0xfffffffffffffff9
        ldrb    w0, [x9, w11, sxtw #0]
        CHECK   x0, 0xfe
        ldr     x11, =0x5
        ldrsb   w0, [x9, x11]
        CHECK   x0, 0xffffffba
        ldr     x11, =0x5
        ldrsb   w0, [x9, x11, lsl #0]
        CHECK   x0, 0xffffffba
        ldr     x11, =0xfffffffffffffffd
        ldrsb   w0, [x9, x11, sxtx]
        CHECK   x0, 0xffffff92
        ldr     x11, =0xfffffffffffffffd
        ldrsb   w0, [x9, x11, sxtx #0]
        CHECK   x0, 0xffffff92
        ldr     x11, =0xffffffff00000006
        ldrsb   w0, [x9, w11, uxtw]
        CHECK   x0, 0xffffffdf
        ldr     x11, =0xffffffff00000006
        ldrsb   w0, [x9, w11, uxtw #0]
        CHECK   x0, 0xffffffdf
        ldr     x11, =0xfffffffffffffff9
        ldrsb   w0, [x9, w11, sxtw]
        CHECK   x0, 0xfffffffe
        ldr     x11, =0xfffffffffffffff9
        ldrsb   w0, [x9, w11, sxtw #0]
        CHECK   x0, 0xfffffffe
        ldr     x11, =0x5
        ldrsb   x0, [x9, x11]
        CHECK   x0, 0xffffffffffffffba
        ldr     x11, =0x5
        ldrsb   x0, [x9, x11, lsl #0]
        CHECK   x0, 0xffffffffffffffba
        ldr     x11, =0xfffffffffffffffd
        ldrsb   x0, [x9, x11, sxtx]
        CHECK   x0, 0xffffffffffffff92
        ldr     x11, =0xfffffffffffffffd
        ldrsb   x0, [x9, x11, sxtx #0]
        CHECK   x0, 0xffffffffffffff92
        ldr     x11, =0xffffffff00000006
        ldrsb   x0, [x9, w11, uxtw]
        CHECK   x0, 0xffffffffffffffdf
        ldr     x11, =0xffffffff00000006
        ldrsb   x0, [x9, w11, uxtw #0]
        CHECK   x0, 0xffffffffffffffdf
        ldr     x11, =0xfffffffffffffff9
        ldrsb   x0, [x9, w11, sxtw]
        CHECK   x0, 0xfffffffffffffffe
        ldr     x11, =0xfffffffffffffff9
        ldrsb   x0, [x9, w11, sxtw #0]
        CHECK   x0, 0xfffffffffffffffe
        ldr     x11, =0xa
        ldrh    w0, [x9, x11]
        CHECK   x0, 0x9873
        ldr     x11, =0x5
        ldrh    w0, [x9, x11, lsl #1]
        CHECK   x0, 0x9873
        ldr     x11, =0xfffffffffffffffa
        ldrh    w0, [x9, x11, sxtx]
        CHECK   x0, 0x4823
        ldr     x11, =0xfffffffffffffffd
        ldrh    w0, [x9, x11, sxtx #1]
        CHECK   x0, 0x4823
        ldr     x11, =0xffffffff0000000c
        ldrh    w0, [x9, w11, uxtw]
        CHECK   x0, 0xe2bd
        ldr     x11, =0xffffffff00000006
        ldrh    w0, [x9, w11, uxtw #1]
        CHECK   x0, 0xe2bd
        ldr     x11, =0xfffffffffffffff2
        ldrh    w0, [x9, w11, sxtw]
        CHECK   x0, 0x20fb
        ldr     x11, =0xfffffffffffffff9
        ldrh    w0, [x9, w11, sxtw #1]
        CHECK   x0, 0x20fb
        ldr     x11, =0xa
        ldrsh   w0, [x9, x11]
        CHECK   x0, 0xffff9873
        ldr     x11, =0x5
        ldrsh   w0, [x9, x11, lsl #1]
        CHECK   x0, 0xffff9873
        ldr     x11, =0xfffffffffffffffa
        ldrsh   w0, [x9, x11, sxtx]
        CHECK   x0, 0x4823
        ldr     x11, =0xfffffffffffffffd
        ldrsh   w0, [x9, x11, sxtx #1]
        CHECK   x0, 0x4823
        ldr     x11, =0xffffffff0000000c
        ldrsh   w0, [x9, w11, uxtw]
        CHECK   x0, 0xffffe2bd
        ldr     x11, =0xffffffff00000006
        ldrsh   w0, [x9, w11, uxtw #1]
        CHECK   x0, 0xffffe2bd
        ldr     x11, =0xfffffffffffffff2
        ldrsh   w0, [x9, w11, sxtw]
        CHECK   x0, 0x20fb
        ldr     x11, =0xfffffffffffffff9
        ldrsh   w0, [x9, w11, sxtw #1]
        CHECK   x0, 0x20fb
        ldr     x11, =0xa
        ldrsh   x0, [x9, x11]
        CHECK   x0, 0xffffffffffff9873
        ldr     x11, =0x5
        ldrsh   x0, [x9, x11, lsl #1]
        CHECK   x0, 0xffffffffffff9873
        ldr     x11, =0xfffffffffffffffa
        ldrsh   x0, [x9, x11, sxtx]
        CHECK   x0, 0x4823
        ldr     x11, =0xfffffffffffffffd
        ldrsh   x0, [x9, x11, sxtx #1]
        CHECK   x0, 0x4823
        ldr     x11, =0xffffffff0000000c
        ldrsh   x0, [x9, w11, uxtw]
        CHECK   x0, 0xffffffffffffe2bd
        ldr     x11, =0xffffffff00000006
        ldrsh   x0, [x9, w11, uxtw #1]
        CHECK   x0, 0xffffffffffffe2bd
        ldr     x11, =0xfffffffffffffff2
        ldrsh   x0, [x9, w11, sxtw]
        CHECK   x0, 0x20fb
        ldr     x11, =0xfffffffffffffff9
        ldrsh   x0, [x9, w11, sxtw #1]
        CHECK   x0, 0x20fb
        ldr     x11, =0x14
        ldr     w0, [x9, x11]
        CHECK   x0, 0x542f0ae5
        ldr     x11, =0x5
        ldr     w0, [x9, x11, lsl #2]
        CHECK   x0, 0x542f0ae5
        ldr     x11, =0xfffffffffffffff4
        ldr     w0, [x9, x11, sxtx]
        CHECK   x0, 0xb48f6a45
        ldr     x11, =0xfffffffffffffffd
        ldr     w0, [x9, x11, sxtx #2]
        CHECK   x0, 0xb48f6a45
        ldr     x11, =0xffffffff00000018
        ldr     w0, [x9, w11, uxtw]
        CHECK   x0, 0xe8c39e79
        ldr     x11, =0xffffffff00000006
        ldr     w0, [x9, w11, uxtw #2]
        CHECK   x0, 0xe8c39e79
        ldr     x11, =0xffffffffffffffe4
        ldr     w0, [x9, w11, sxtw]
        CHECK   x0, 0x643f1af5
        ldr     x11, =0xfffffffffffffff9
        ldr     w0, [x9, w11, sxtw #2]
        CHECK   x0, 0x643f1af5
        ldr     x11, =0x14
        ldrsw   x0, [x9, x11]
        CHECK   x0, 0x542f0ae5
        ldr     x11, =0x5
        ldrsw   x0, [x9, x11, lsl #2]
        CHECK   x0, 0x542f0ae5
        ldr     x11, =0xfffffffffffffff4
        ldrsw   x0, [x9, x11, sxtx]
        CHECK   x0, 0xffffffffb48f6a45
        ldr     x11, =0xfffffffffffffffd
        ldrsw   x0, [x9, x11, sxtx #2]
        CHECK   x0, 0xffffffffb48f6a45
        ldr     x11, =0xffffffff00000018
        ldrsw   x0, [x9, w11, uxtw]
        CHECK   x0, 0xffffffffe8c39e79
        ldr     x11, =0xffffffff00000006
        ldrsw   x0, [x9, w11, uxtw #2]
        CHECK   x0, 0xffffffffe8c39e79
        ldr     x11, =0xffffffffffffffe4
        ldrsw   x0, [x9, w11, sxtw]
        CHECK   x0, 0x643f1af5
        ldr     x11, =0xfffffffffffffff9
        ldrsw   x0, [x9, w11, sxtw #2]
        CHECK   x0, 0x643f1af5
        ldr     x11, =0x28
        ldr     x0, [x9, x11]
        CHECK   x0, 0xcca7825d3813eec9
        ldr     x11, =0x5
        ldr     x0, [x9, x11, lsl #3]
        CHECK   x0, 0xcca7825d3813eec9
        ldr     x11, =0xffffffffffffffe8
        ldr     x0, [x9, x11, sxtx]
        CHECK   x0, 0x8c67421df8d3ae89
        ldr     x11, =0xfffffffffffffffd
        ldr     x0, [x9, x11, sxtx #3]
        CHECK   x0, 0x8c67421df8d3ae89
        ldr     x11, =0xffffffff00000030
        ldr     x0, [x9, w11, uxtw]
        CHECK   x0, 0xf4cfaa85603b16f1
        ldr     x11, =0xffffffff00000006
        ldr     x0, [x9, w11, uxtw #3]
        CHECK   x0, 0xf4cfaa85603b16f1
        ldr     x11, =0xffffffffffffffc8
        ldr     x0, [x9, w11, sxtw]
        CHECK   x0, 0xecc7a27d58330ee9
        ldr     x11, =0xfffffffffffffff9
        ldr     x0, [x9, w11, sxtw #3]
        CHECK   x0, 0xecc7a27d58330ee9
// ---- Loads: literal (PC-relative) --------------------------------------------------------------
        ldr     x0, lit_q
        CHECK   x0, 0x8899aabbccddeeff
        ldr     w0, lit_w
        CHECK   x0, 0xf1e2d3c4
        ldrsw   x0, lit_w
        CHECK   x0, 0xfffffffff1e2d3c4
        ldrsw   x0, lit_w2
        CHECK   x0, 0x71e2d3c4
        ldr     x0, lit_back
        CHECK   x0, 0x102030405060708
        prfm    pldl1keep, lit_q
        prfm    pstl2strm, lit_back
// ---- Loads to XZR are discarded; stores of XZR/WZR store zero ----------------------------------
        ldr     xzr, [x1]
        ldrb    wzr, [x1, #1]
// ---- Stores: every size and addressing mode, read back as whole doublewords --------------------
        ldr     x16, =0xa5a5a5a5a5a5a5a5
        ldr     x17, =0x0123456789abcdef
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        strb    w17, [x2, #1]
        strb    w17, [x2, #3]
        ldr     x0, [x2, #0]
        CHECK   x0, 0xa5a5a5a5efa5efa5
        ldr     x0, [x2, #8]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #64]
        str     x16, [x2, #72]
        str     x16, [x2, #80]
        str     x16, [x2, #88]
        add     x9, x2, #96
        sturb   w17, [x9, #-31]
        sturb   w17, [x9, #-2]
        ldr     x0, [x2, #64]
        CHECK   x0, 0xa5a5a5a5a5a5efa5
        ldr     x0, [x2, #72]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #80]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #88]
        CHECK   x0, 0xa5efa5a5a5a5a5a5
        str     x16, [x2, #128]
        str     x16, [x2, #136]
        str     x16, [x2, #144]
        str     x16, [x2, #152]
        add     x9, x2, #144
        strb    w17, [x9, #-1]!
        sub     x10, x9, x2
        CHECK   x10, 0x8f
        strb    w17, [x9], #3
        sub     x10, x9, x2
        CHECK   x10, 0x92
        strb    w17, [x9]
        ldr     x0, [x2, #128]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #136]
        CHECK   x0, 0xefa5a5a5a5a5a5a5
        ldr     x0, [x2, #144]
        CHECK   x0, 0xa5a5a5a5a5efa5a5
        ldr     x0, [x2, #152]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #192]
        str     x16, [x2, #200]
        str     x16, [x2, #208]
        str     x16, [x2, #216]
        add     x9, x2, #208
        mov     x11, #2
        strb    w17, [x9, x11]
        mov     x11, #-3
        strb    w17, [x9, w11, sxtw]
        ldr     x11, =0xffffffff00000004
        strb    w17, [x9, w11, uxtw]
        ldr     x0, [x2, #192]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #200]
        CHECK   x0, 0xa5a5efa5a5a5a5a5
        ldr     x0, [x2, #208]
        CHECK   x0, 0xa5a5a5efa5efa5a5
        ldr     x0, [x2, #216]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #224]
        str     x16, [x2, #232]
        str     x16, [x2, #240]
        str     x16, [x2, #248]
        strb    wzr, [x2, #225]
        strb    wzr, [x2, #248]
        ldr     x0, [x2, #224]
        CHECK   x0, 0xa5a5a5a5a5a500a5
        ldr     x0, [x2, #232]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #240]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #248]
        CHECK   x0, 0xa5a5a5a5a5a5a500
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        strh    w17, [x2, #2]
        strh    w17, [x2, #6]
        ldr     x0, [x2, #0]
        CHECK   x0, 0xcdefa5a5cdefa5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #64]
        str     x16, [x2, #72]
        str     x16, [x2, #80]
        str     x16, [x2, #88]
        add     x9, x2, #96
        sturh   w17, [x9, #-30]
        sturh   w17, [x9, #-4]
        ldr     x0, [x2, #64]
        CHECK   x0, 0xa5a5a5a5cdefa5a5
        ldr     x0, [x2, #72]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #80]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #88]
        CHECK   x0, 0xa5a5cdefa5a5a5a5
        str     x16, [x2, #128]
        str     x16, [x2, #136]
        str     x16, [x2, #144]
        str     x16, [x2, #152]
        add     x9, x2, #144
        strh    w17, [x9, #-2]!
        sub     x10, x9, x2
        CHECK   x10, 0x8e
        strh    w17, [x9], #6
        sub     x10, x9, x2
        CHECK   x10, 0x94
        strh    w17, [x9]
        ldr     x0, [x2, #128]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #136]
        CHECK   x0, 0xcdefa5a5a5a5a5a5
        ldr     x0, [x2, #144]
        CHECK   x0, 0xa5a5cdefa5a5a5a5
        ldr     x0, [x2, #152]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #192]
        str     x16, [x2, #200]
        str     x16, [x2, #208]
        str     x16, [x2, #216]
        add     x9, x2, #208
        mov     x11, #2
        strh    w17, [x9, x11, lsl #1]
        mov     x11, #-3
        strh    w17, [x9, w11, sxtw #1]
        ldr     x11, =0xffffffff00000008
        strh    w17, [x9, w11, uxtw]
        ldr     x0, [x2, #192]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #200]
        CHECK   x0, 0xa5a5a5a5cdefa5a5
        ldr     x0, [x2, #208]
        CHECK   x0, 0xa5a5cdefa5a5a5a5
        ldr     x0, [x2, #216]
        CHECK   x0, 0xa5a5a5a5a5a5cdef
        str     x16, [x2, #224]
        str     x16, [x2, #232]
        str     x16, [x2, #240]
        str     x16, [x2, #248]
        strh    wzr, [x2, #226]
        strh    wzr, [x2, #248]
        ldr     x0, [x2, #224]
        CHECK   x0, 0xa5a5a5a50000a5a5
        ldr     x0, [x2, #232]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #240]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #248]
        CHECK   x0, 0xa5a5a5a5a5a50000
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        str     w17, [x2, #4]
        str     w17, [x2, #12]
        ldr     x0, [x2, #0]
        CHECK   x0, 0x89abcdefa5a5a5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0x89abcdefa5a5a5a5
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #64]
        str     x16, [x2, #72]
        str     x16, [x2, #80]
        str     x16, [x2, #88]
        add     x9, x2, #96
        stur    w17, [x9, #-28]
        stur    w17, [x9, #-8]
        ldr     x0, [x2, #64]
        CHECK   x0, 0x89abcdefa5a5a5a5
        ldr     x0, [x2, #72]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #80]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #88]
        CHECK   x0, 0xa5a5a5a589abcdef
        str     x16, [x2, #128]
        str     x16, [x2, #136]
        str     x16, [x2, #144]
        str     x16, [x2, #152]
        add     x9, x2, #144
        str     w17, [x9, #-4]!
        sub     x10, x9, x2
        CHECK   x10, 0x8c
        str     w17, [x9], #12
        sub     x10, x9, x2
        CHECK   x10, 0x98
        str     w17, [x9]
        ldr     x0, [x2, #128]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #136]
        CHECK   x0, 0x89abcdefa5a5a5a5
        ldr     x0, [x2, #144]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #152]
        CHECK   x0, 0xa5a5a5a589abcdef
        str     x16, [x2, #192]
        str     x16, [x2, #200]
        str     x16, [x2, #208]
        str     x16, [x2, #216]
        add     x9, x2, #208
        mov     x11, #2
        str     w17, [x9, x11, lsl #2]
        mov     x11, #-3
        str     w17, [x9, w11, sxtw #2]
        ldr     x11, =0xffffffff00000010
        str     w17, [x9, w11, uxtw]
        ldr     x0, [x2, #192]
        CHECK   x0, 0x89abcdefa5a5a5a5
        ldr     x0, [x2, #200]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #208]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #216]
        CHECK   x0, 0xa5a5a5a589abcdef
        str     x16, [x2, #224]
        str     x16, [x2, #232]
        str     x16, [x2, #240]
        str     x16, [x2, #248]
        str     wzr, [x2, #228]
        str     wzr, [x2, #248]
        ldr     x0, [x2, #224]
        CHECK   x0, 0xa5a5a5a5
        ldr     x0, [x2, #232]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #240]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #248]
        CHECK   x0, 0xa5a5a5a500000000
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        str     x17, [x2, #8]
        str     x17, [x2, #24]
        ldr     x0, [x2, #0]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0x123456789abcdef
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0x123456789abcdef
        str     x16, [x2, #64]
        str     x16, [x2, #72]
        str     x16, [x2, #80]
        str     x16, [x2, #88]
        add     x9, x2, #96
        stur    x17, [x9, #-24]
        stur    x17, [x9, #-16]
        ldr     x0, [x2, #64]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #72]
        CHECK   x0, 0x123456789abcdef
        ldr     x0, [x2, #80]
        CHECK   x0, 0x123456789abcdef
        ldr     x0, [x2, #88]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #128]
        str     x16, [x2, #136]
        str     x16, [x2, #144]
        str     x16, [x2, #152]
        add     x9, x2, #144
        str     x17, [x9, #-8]!
        sub     x10, x9, x2
        CHECK   x10, 0x88
        str     x17, [x9], #24
        sub     x10, x9, x2
        CHECK   x10, 0xa0
        str     x17, [x9]
        ldr     x0, [x2, #128]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #136]
        CHECK   x0, 0x123456789abcdef
        ldr     x0, [x2, #144]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #152]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #192]
        str     x16, [x2, #200]
        str     x16, [x2, #208]
        str     x16, [x2, #216]
        add     x9, x2, #208
        mov     x11, #2
        str     x17, [x9, x11, lsl #3]
        mov     x11, #-3
        str     x17, [x9, w11, sxtw #3]
        ldr     x11, =0xffffffff00000020
        str     x17, [x9, w11, uxtw]
        ldr     x0, [x2, #192]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #200]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #208]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #216]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #224]
        str     x16, [x2, #232]
        str     x16, [x2, #240]
        str     x16, [x2, #248]
        str     xzr, [x2, #232]
        str     xzr, [x2, #248]
        ldr     x0, [x2, #224]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #232]
        CHECK   x0, 0x0
        ldr     x0, [x2, #240]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #248]
        CHECK   x0, 0x0
// ---- Pairs: LDP/STP (W and X), LDPSW, LDNP/STNP; offset, pre-index, post-index -----------------
        add     x9, x1, #256
        ldp     x0, x3, [x9, #0]
        CHECK   x0, 0x845f3a15f0cba681
        CHECK   x3, 0xac87623d18f3cea9
        ldp     x0, x3, [x9, #16]
        CHECK   x0, 0xd4af8a65401bf6d1
        CHECK   x3, 0xfcd7b28d68431ef9
        ldp     x0, x3, [x9, #-32]
        CHECK   x0, 0xe4bf9a75502b06e1
        CHECK   x3, 0xce7c29d78532e09
        ldp     x0, x3, [x9, #240]
        CHECK   x0, 0x340feac5a07b5631
        CHECK   x3, 0x5c3712edc8a37e59
        ldp     x0, x3, [x9, #-256]
        CHECK   x0, 0x845f3a15f0cba681
        CHECK   x3, 0xac87623d18f3cea9
        add     x9, x1, #256
        ldp     x0, x3, [x9, #16]!
        CHECK   x0, 0xd4af8a65401bf6d1
        CHECK   x3, 0xfcd7b28d68431ef9
        sub     x10, x9, x1
        CHECK   x10, 0x110
        add     x9, x1, #256
        ldp     x0, x3, [x9], #16
        CHECK   x0, 0x845f3a15f0cba681
        CHECK   x3, 0xac87623d18f3cea9
        sub     x10, x9, x1
        CHECK   x10, 0x110
        add     x9, x1, #256
        ldp     x0, x3, [x9, #-48]!
        CHECK   x0, 0x946f4a2500dbb691
        CHECK   x3, 0xbc97724d2803deb9
        sub     x10, x9, x1
        CHECK   x10, 0xd0
        add     x9, x1, #256
        ldp     x0, x3, [x9], #-48
        CHECK   x0, 0x845f3a15f0cba681
        CHECK   x3, 0xac87623d18f3cea9
        sub     x10, x9, x1
        CHECK   x10, 0xd0
        add     x9, x1, #256
        ldp     w0, w3, [x9, #0]
        CHECK   x0, 0xf0cba681
        CHECK   x3, 0x845f3a15
        ldp     w0, w3, [x9, #8]
        CHECK   x0, 0x18f3cea9
        CHECK   x3, 0xac87623d
        ldp     w0, w3, [x9, #-16]
        CHECK   x0, 0xa07b5631
        CHECK   x3, 0x340feac5
        ldp     w0, w3, [x9, #120]
        CHECK   x0, 0x4823fed9
        CHECK   x3, 0xdcb7926d
        ldp     w0, w3, [x9, #-128]
        CHECK   x0, 0x704b2601
        CHECK   x3, 0x4dfba95
        add     x9, x1, #256
        ldp     w0, w3, [x9, #8]!
        CHECK   x0, 0x18f3cea9
        CHECK   x3, 0xac87623d
        sub     x10, x9, x1
        CHECK   x10, 0x108
        add     x9, x1, #256
        ldp     w0, w3, [x9], #8
        CHECK   x0, 0xf0cba681
        CHECK   x3, 0x845f3a15
        sub     x10, x9, x1
        CHECK   x10, 0x108
        add     x9, x1, #256
        ldp     w0, w3, [x9, #-24]!
        CHECK   x0, 0x78532e09
        CHECK   x3, 0xce7c29d
        sub     x10, x9, x1
        CHECK   x10, 0xe8
        add     x9, x1, #256
        ldp     w0, w3, [x9], #-24
        CHECK   x0, 0xf0cba681
        CHECK   x3, 0x845f3a15
        sub     x10, x9, x1
        CHECK   x10, 0xe8
        add     x9, x1, #256
        ldpsw   x0, x3, [x9, #0]
        CHECK   x0, 0xfffffffff0cba681
        CHECK   x3, 0xffffffff845f3a15
        ldpsw   x0, x3, [x9, #8]
        CHECK   x0, 0x18f3cea9
        CHECK   x3, 0xffffffffac87623d
        ldpsw   x0, x3, [x9, #-16]
        CHECK   x0, 0xffffffffa07b5631
        CHECK   x3, 0x340feac5
        ldpsw   x0, x3, [x9, #120]
        CHECK   x0, 0x4823fed9
        CHECK   x3, 0xffffffffdcb7926d
        ldpsw   x0, x3, [x9, #-128]
        CHECK   x0, 0x704b2601
        CHECK   x3, 0x4dfba95
        add     x9, x1, #256
        ldpsw   x0, x3, [x9, #8]!
        CHECK   x0, 0x18f3cea9
        CHECK   x3, 0xffffffffac87623d
        sub     x10, x9, x1
        CHECK   x10, 0x108
        add     x9, x1, #256
        ldpsw   x0, x3, [x9], #8
        CHECK   x0, 0xfffffffff0cba681
        CHECK   x3, 0xffffffff845f3a15
        sub     x10, x9, x1
        CHECK   x10, 0x108
        add     x9, x1, #256
        ldpsw   x0, x3, [x9, #-24]!
        CHECK   x0, 0x78532e09
        CHECK   x3, 0xce7c29d
        sub     x10, x9, x1
        CHECK   x10, 0xe8
        add     x9, x1, #256
        ldpsw   x0, x3, [x9], #-24
        CHECK   x0, 0xfffffffff0cba681
        CHECK   x3, 0xffffffff845f3a15
        sub     x10, x9, x1
        CHECK   x10, 0xe8
        add     x9, x1, #256
        ldnp    x0, x3, [x9, #0]
        CHECK   x0, 0x845f3a15f0cba681
        CHECK   x3, 0xac87623d18f3cea9
        ldnp    x0, x3, [x9, #16]
        CHECK   x0, 0xd4af8a65401bf6d1
        CHECK   x3, 0xfcd7b28d68431ef9
        ldnp    x0, x3, [x9, #-32]
        CHECK   x0, 0xe4bf9a75502b06e1
        CHECK   x3, 0xce7c29d78532e09
        ldnp    x0, x3, [x9, #240]
        CHECK   x0, 0x340feac5a07b5631
        CHECK   x3, 0x5c3712edc8a37e59
        ldnp    x0, x3, [x9, #-256]
        CHECK   x0, 0x845f3a15f0cba681
        CHECK   x3, 0xac87623d18f3cea9
        add     x9, x1, #256
        ldnp    w0, w3, [x9, #0]
        CHECK   x0, 0xf0cba681
        CHECK   x3, 0x845f3a15
        ldnp    w0, w3, [x9, #8]
        CHECK   x0, 0x18f3cea9
        CHECK   x3, 0xac87623d
        ldnp    w0, w3, [x9, #-16]
        CHECK   x0, 0xa07b5631
        CHECK   x3, 0x340feac5
        ldnp    w0, w3, [x9, #120]
        CHECK   x0, 0x4823fed9
        CHECK   x3, 0xdcb7926d
        ldnp    w0, w3, [x9, #-128]
        CHECK   x0, 0x704b2601
        CHECK   x3, 0x4dfba95
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        add     x9, x2, #16
        stp     x17, x18, [x9, #-16]
        stp     x18, xzr, [x9, #8]
        ldr     x0, [x2, #0]
        CHECK   x0, 0x123456789abcdef
        ldr     x0, [x2, #8]
        CHECK   x0, 0xfedcba9876543210
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xfedcba9876543210
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        add     x9, x2, #16
        stp     x17, x18, [x9, #16]!
        sub     x10, x9, x2
        CHECK   x10, 0x20
        stp     x18, x17, [x9], #-32
        sub     x10, x9, x2
        CHECK   x10, 0x0
        ldr     x0, [x2, #0]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        add     x9, x2, #16
        stp     w17, w18, [x9, #-8]
        stp     w18, wzr, [x9, #4]
        ldr     x0, [x2, #0]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0x7654321089abcdef
        ldr     x0, [x2, #16]
        CHECK   x0, 0x76543210a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xa5a5a5a500000000
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        add     x9, x2, #16
        stp     w17, w18, [x9, #8]!
        sub     x10, x9, x2
        CHECK   x10, 0x18
        stp     w18, w17, [x9], #-16
        sub     x10, x9, x2
        CHECK   x10, 0x8
        ldr     x0, [x2, #0]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0x89abcdef76543210
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        add     x9, x2, #16
        stnp    x17, x18, [x9, #-16]
        stnp    x18, xzr, [x9, #8]
        ldr     x0, [x2, #0]
        CHECK   x0, 0x123456789abcdef
        ldr     x0, [x2, #8]
        CHECK   x0, 0xfedcba9876543210
        ldr     x0, [x2, #16]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xfedcba9876543210
        str     x16, [x2, #0]
        str     x16, [x2, #8]
        str     x16, [x2, #16]
        str     x16, [x2, #24]
        add     x9, x2, #16
        stnp    w17, w18, [x9, #-8]
        stnp    w18, wzr, [x9, #4]
        ldr     x0, [x2, #0]
        CHECK   x0, 0xa5a5a5a5a5a5a5a5
        ldr     x0, [x2, #8]
        CHECK   x0, 0x7654321089abcdef
        ldr     x0, [x2, #16]
        CHECK   x0, 0x76543210a5a5a5a5
        ldr     x0, [x2, #24]
        CHECK   x0, 0xa5a5a5a500000000

// ---- SP as the base register -----------------------------------------------------------------
        mov     x9, sp
        str     x17, [sp, #-16]!
        mov     x10, sp
        sub     x10, x9, x10
        CHECK   x10, 16
        ldr     x0, [sp]
        CHECK   x0, 0x0123456789abcdef
        stp     x17, x18, [sp, #-32]!
        ldp     x0, x3, [sp], #32
        CHECK   x0, 0x0123456789abcdef
        CHECK   x3, 0xfedcba9876543210
        ldr     x0, [sp], #16
        CHECK   x0, 0x0123456789abcdef
        mov     x10, sp
        CHECK_EQ x10, x9
        strb    w18, [sp, #-16]!
        ldrb    w0, [sp], #16
        CHECK   x0, 0x10
        sub     sp, sp, #32
        str     w17, [sp, #12]
        ldrsw   x0, [sp, #12]
        CHECK   x0, 0xffffffff89abcdef
        mov     x11, #3
        ldr     w0, [sp, x11, lsl #2]
        CHECK   x0, 0x89abcdef
        add     sp, sp, #32

// ---- Exclusives ----------------------------------------------------------------------------------
        add     x9, x2, #0x100
        str     x17, [x9]
        ldxr    x0, [x9]
        CHECK   x0, 0x0123456789abcdef
        add     x3, x0, #1
        stxr    w4, x3, [x9]
        CHECK   x4, 0
        ldr     x0, [x9]
        CHECK   x0, 0x0123456789abcdf0
        ldxr    x0, [x9]                // CLREX clears the monitor: the store must fail
        clrex
        stxr    w4, x18, [x9]
        CHECK   x4, 1
        ldr     x0, [x9]
        CHECK   x0, 0x0123456789abcdf0
        stxr    w4, x18, [x9]           // monitor in Open Access state: fails again
        CHECK   x4, 1
        ldr     x0, [x9]
        CHECK   x0, 0x0123456789abcdf0
        ldxrb   w0, [x9]
        CHECK   x0, 0xf0
        stxrb   w4, w18, [x9]
        CHECK   x4, 0
        ldxrh   w0, [x9]
        CHECK   x0, 0xcd10
        stxrh   w4, w17, [x9]
        CHECK   x4, 0
        ldxr    w0, [x9]
        CHECK   x0, 0x89abcdef
        stxr    w4, w18, [x9]
        CHECK   x4, 0
        ldr     x0, [x9]
        CHECK   x0, 0x0123456776543210
        ldaxr   x0, [x9]
        CHECK   x0, 0x0123456776543210
        stlxr   w4, x17, [x9]
        CHECK   x4, 0
        ldaxrb  w0, [x9]
        CHECK   x0, 0xef
        stlxrb  w4, wzr, [x9]
        CHECK   x4, 0
        ldaxrh  w0, [x9]
        CHECK   x0, 0xcd00
        stlxrh  w4, w18, [x9]
        CHECK   x4, 0
        ldaxr   w0, [x9]
        CHECK   x0, 0x89ab3210
        stlxr   w4, wzr, [x9]
        CHECK   x4, 0
        ldr     x0, [x9]
        CHECK   x0, 0x0123456700000000
        // Exclusive pairs.
        add     x10, x2, #0x110
        stp     x17, x18, [x10]
        ldxp    x0, x3, [x10]
        CHECK   x0, 0x0123456789abcdef
        CHECK   x3, 0xfedcba9876543210
        stxp    w4, x18, x17, [x10]
        CHECK   x4, 0
        ldp     x0, x3, [x10]
        CHECK   x0, 0xfedcba9876543210
        CHECK   x3, 0x0123456789abcdef
        ldaxp   w0, w3, [x10]
        CHECK   x0, 0x76543210
        CHECK   x3, 0xfedcba98
        stlxp   w4, w17, w18, [x10]
        CHECK   x4, 0
        ldr     x0, [x10]
        CHECK   x0, 0x7654321089abcdef
        ldxp    x0, x3, [x10]
        clrex
        stxp    w4, xzr, xzr, [x10]
        CHECK   x4, 1
        ldaxp   x0, x3, [x10]
        CHECK   x0, 0x7654321089abcdef
        CHECK   x3, 0x0123456789abcdef
        stlxp   w4, xzr, x18, [x10]
        CHECK   x4, 0
        ldp     x0, x3, [x10]
        CHECK   x0, 0
        CHECK   x3, 0xfedcba9876543210

// ---- Load-acquire / store-release ----------------------------------------------------------------
        add     x10, x2, #0x120
        stlr    x17, [x10]
        ldar    x0, [x10]
        CHECK   x0, 0x0123456789abcdef
        stlrb   w18, [x10]
        ldarb   w0, [x10]
        CHECK   x0, 0x10
        ldar    x0, [x10]
        CHECK   x0, 0x0123456789abcd10
        stlrh   w18, [x10]
        ldarh   w0, [x10]
        CHECK   x0, 0x3210
        stlr    w18, [x10]
        ldar    w0, [x10]
        CHECK   x0, 0x76543210
        ldar    x0, [x10]
        CHECK   x0, 0x0123456776543210

// ---- Unprivileged loads and stores (at EL1 with the MMU off they behave as plain accesses) -------
        ldtr    x0, [x1, #8]
        CHECK   x0, 0xac87623d18f3cea9
        ldtrb   w0, [x1, #1]
        CHECK   x0, 0xa6
        ldtrsb  x0, [x1, #1]
        CHECK   x0, 0xffffffffffffffa6
        ldtrsh  w0, [x1, #2]
        CHECK   x0, 0xfffff0cb
        ldtrsw  x0, [x1, #4]
        CHECK   x0, 0xffffffff845f3a15
        sttr    x17, [x10, #8]
        ldr     x0, [x10, #8]
        CHECK   x0, 0x0123456789abcdef
        sttrh   w18, [x10, #8]
        ldr     x0, [x10, #8]
        CHECK   x0, 0x0123456789ab3210

// ---- Prefetch: a hint, never faults ---------------------------------------------------------------
        prfm    pldl1keep, [x1]
        prfm    pldl3strm, [x1, #32760]
        mov     x11, #5
        prfm    pstl1keep, [x1, x11, lsl #3]
        prfum   pldl2keep, [x1, #-1]
        prfm    plil1strm, lit_q
        mov     x10, #0x100000000       // unmapped physical address
        prfm    pldl1keep, [x10]
        prfm    pstl3keep, [x10, #8]
        prfm    #0x18, [x10]            // unallocated prefetch operation: NOP
        prfm    #0x07, [x1]

        b       pass

        .balign 8
lit_q:  .quad   0x8899aabbccddeeff
lit_w:  .word   0xf1e2d3c4
lit_w2: .word   0x71e2d3c4

        .data
        .balign 64
buf:
        .byte   0x81, 0xa6, 0xcb, 0xf0, 0x15, 0x3a, 0x5f, 0x84, 0xa9, 0xce, 0xf3, 0x18, 0x3d, 0x62, 0x87, 0xac
        .byte   0xd1, 0xf6, 0x1b, 0x40, 0x65, 0x8a, 0xaf, 0xd4, 0xf9, 0x1e, 0x43, 0x68, 0x8d, 0xb2, 0xd7, 0xfc
        .byte   0x21, 0x46, 0x6b, 0x90, 0xb5, 0xda, 0xff, 0x24, 0x49, 0x6e, 0x93, 0xb8, 0xdd, 0x2, 0x27, 0x4c
        .byte   0x71, 0x96, 0xbb, 0xe0, 0x5, 0x2a, 0x4f, 0x74, 0x99, 0xbe, 0xe3, 0x8, 0x2d, 0x52, 0x77, 0x9c
        .byte   0xc1, 0xe6, 0xb, 0x30, 0x55, 0x7a, 0x9f, 0xc4, 0xe9, 0xe, 0x33, 0x58, 0x7d, 0xa2, 0xc7, 0xec
        .byte   0x11, 0x36, 0x5b, 0x80, 0xa5, 0xca, 0xef, 0x14, 0x39, 0x5e, 0x83, 0xa8, 0xcd, 0xf2, 0x17, 0x3c
        .byte   0x61, 0x86, 0xab, 0xd0, 0xf5, 0x1a, 0x3f, 0x64, 0x89, 0xae, 0xd3, 0xf8, 0x1d, 0x42, 0x67, 0x8c
        .byte   0xb1, 0xd6, 0xfb, 0x20, 0x45, 0x6a, 0x8f, 0xb4, 0xd9, 0xfe, 0x23, 0x48, 0x6d, 0x92, 0xb7, 0xdc
        .byte   0x1, 0x26, 0x4b, 0x70, 0x95, 0xba, 0xdf, 0x4, 0x29, 0x4e, 0x73, 0x98, 0xbd, 0xe2, 0x7, 0x2c
        .byte   0x51, 0x76, 0x9b, 0xc0, 0xe5, 0xa, 0x2f, 0x54, 0x79, 0x9e, 0xc3, 0xe8, 0xd, 0x32, 0x57, 0x7c
        .byte   0xa1, 0xc6, 0xeb, 0x10, 0x35, 0x5a, 0x7f, 0xa4, 0xc9, 0xee, 0x13, 0x38, 0x5d, 0x82, 0xa7, 0xcc
        .byte   0xf1, 0x16, 0x3b, 0x60, 0x85, 0xaa, 0xcf, 0xf4, 0x19, 0x3e, 0x63, 0x88, 0xad, 0xd2, 0xf7, 0x1c
        .byte   0x41, 0x66, 0x8b, 0xb0, 0xd5, 0xfa, 0x1f, 0x44, 0x69, 0x8e, 0xb3, 0xd8, 0xfd, 0x22, 0x47, 0x6c
        .byte   0x91, 0xb6, 0xdb, 0x0, 0x25, 0x4a, 0x6f, 0x94, 0xb9, 0xde, 0x3, 0x28, 0x4d, 0x72, 0x97, 0xbc
        .byte   0xe1, 0x6, 0x2b, 0x50, 0x75, 0x9a, 0xbf, 0xe4, 0x9, 0x2e, 0x53, 0x78, 0x9d, 0xc2, 0xe7, 0xc
        .byte   0x31, 0x56, 0x7b, 0xa0, 0xc5, 0xea, 0xf, 0x34, 0x59, 0x7e, 0xa3, 0xc8, 0xed, 0x12, 0x37, 0x5c
        .byte   0x81, 0xa6, 0xcb, 0xf0, 0x15, 0x3a, 0x5f, 0x84, 0xa9, 0xce, 0xf3, 0x18, 0x3d, 0x62, 0x87, 0xac
        .byte   0xd1, 0xf6, 0x1b, 0x40, 0x65, 0x8a, 0xaf, 0xd4, 0xf9, 0x1e, 0x43, 0x68, 0x8d, 0xb2, 0xd7, 0xfc
        .byte   0x21, 0x46, 0x6b, 0x90, 0xb5, 0xda, 0xff, 0x24, 0x49, 0x6e, 0x93, 0xb8, 0xdd, 0x2, 0x27, 0x4c
        .byte   0x71, 0x96, 0xbb, 0xe0, 0x5, 0x2a, 0x4f, 0x74, 0x99, 0xbe, 0xe3, 0x8, 0x2d, 0x52, 0x77, 0x9c
        .byte   0xc1, 0xe6, 0xb, 0x30, 0x55, 0x7a, 0x9f, 0xc4, 0xe9, 0xe, 0x33, 0x58, 0x7d, 0xa2, 0xc7, 0xec
        .byte   0x11, 0x36, 0x5b, 0x80, 0xa5, 0xca, 0xef, 0x14, 0x39, 0x5e, 0x83, 0xa8, 0xcd, 0xf2, 0x17, 0x3c
        .byte   0x61, 0x86, 0xab, 0xd0, 0xf5, 0x1a, 0x3f, 0x64, 0x89, 0xae, 0xd3, 0xf8, 0x1d, 0x42, 0x67, 0x8c
        .byte   0xb1, 0xd6, 0xfb, 0x20, 0x45, 0x6a, 0x8f, 0xb4, 0xd9, 0xfe, 0x23, 0x48, 0x6d, 0x92, 0xb7, 0xdc
        .byte   0x1, 0x26, 0x4b, 0x70, 0x95, 0xba, 0xdf, 0x4, 0x29, 0x4e, 0x73, 0x98, 0xbd, 0xe2, 0x7, 0x2c
        .byte   0x51, 0x76, 0x9b, 0xc0, 0xe5, 0xa, 0x2f, 0x54, 0x79, 0x9e, 0xc3, 0xe8, 0xd, 0x32, 0x57, 0x7c
        .byte   0xa1, 0xc6, 0xeb, 0x10, 0x35, 0x5a, 0x7f, 0xa4, 0xc9, 0xee, 0x13, 0x38, 0x5d, 0x82, 0xa7, 0xcc
        .byte   0xf1, 0x16, 0x3b, 0x60, 0x85, 0xaa, 0xcf, 0xf4, 0x19, 0x3e, 0x63, 0x88, 0xad, 0xd2, 0xf7, 0x1c
        .byte   0x41, 0x66, 0x8b, 0xb0, 0xd5, 0xfa, 0x1f, 0x44, 0x69, 0x8e, 0xb3, 0xd8, 0xfd, 0x22, 0x47, 0x6c
        .byte   0x91, 0xb6, 0xdb, 0x0, 0x25, 0x4a, 0x6f, 0x94, 0xb9, 0xde, 0x3, 0x28, 0x4d, 0x72, 0x97, 0xbc
        .byte   0xe1, 0x6, 0x2b, 0x50, 0x75, 0x9a, 0xbf, 0xe4, 0x9, 0x2e, 0x53, 0x78, 0x9d, 0xc2, 0xe7, 0xc
        .byte   0x31, 0x56, 0x7b, 0xa0, 0xc5, 0xea, 0xf, 0x34, 0x59, 0x7e, 0xa3, 0xc8, 0xed, 0x12, 0x37, 0x5c
        .balign 64
scratch:
        .space  512

        GUEST_END ldst
