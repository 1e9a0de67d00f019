// bench_mpi_far: bench_mpi with the result buffer 1 MiB after the source buffer, so that the two
// streams of the loop fall in the same set of a 256-set TLB (the pages differ by a multiple of
// 256): a direct-mapped data TLB misses on every access, a 2-way one keeps both. Same loop and
// instruction count as bench_mpi (testdata/bench_mpi.S, whose header describes it); the result
// buffer starts zeroed instead of filled, hence another checksum (confirmed on
// qemu-system-aarch64).
        .include "common.inc"
        GUEST_ENTRY

        .equ    LIMBS, 64
        .equ    CALLS, 312500

main:
        adr     x20, s1_buf
        add     x21, x20, #0x100, lsl #12       // res 1 MiB after s1
        // Fill s1 and the unused res_buf after it from the LCG.
        ldr     x10, =0x0123456789abcdef        // LCG state
        ldr     x11, =6364136223846793005
        ldr     x12, =1442695040888963407
        mov     x0, x20
        mov     x2, #(2 * LIMBS)
1:      madd    x10, x10, x11, x12
        str     x10, [x0], #8
        subs    x2, x2, #1
        b.ne    1b

        ldr     x3, =0x9e3779b97f4a7c15         // the multiplier limb
        mov     x22, #0                         // sum of the returned carries
        ldr     x19, =CALLS
outer:
        mov     x0, x21                         // res_ptr
        mov     x1, x20                         // s1_ptr
        mov     x2, #LIMBS                      // s1_size
        mov     x4, #0                          // cy_limb
limb:
        ldr     x5, [x1], #8
        mul     x6, x5, x3                      // prod_low
        umulh   x7, x5, x3                      // prod_high
        adds    x6, x6, x4                      // prod_low += cy_limb
        adc     x7, x7, xzr                     // cy_limb = prod_high + carry
        ldr     x8, [x0]
        subs    x9, x8, x6                      // x - prod_low
        cinc    x4, x7, cc                      // + borrow
        str     x9, [x0], #8
        sub     x2, x2, #1
        cbnz    x2, limb
        add     x22, x22, x4
        subs    x19, x19, #1
        b.ne    outer

        // checksum = fold of (ror(sum, 13) ^ limb) over the result buffer.
        mov     x23, x22
        mov     x0, x21
        mov     x2, #LIMBS
1:      ldr     x5, [x0], #8
        ror     x23, x23, #13
        eor     x23, x23, x5
        subs    x2, x2, #1
        b.ne    1b
        adr     x0, msg
        bl      puts
        mov     x0, x23
        bl      puthex
        mov     w0, #'\n'
        bl      putc
        CHECK   x23, EXPECTED_CHECKSUM
        b       pass

        .equ    EXPECTED_CHECKSUM, 0xe9ffc692dc90c8ec
msg:    .asciz  "bench_mpi checksum 0x"

        .data
        .balign 64
s1_buf: .space  8 * LIMBS
res_buf: .space 8 * LIMBS                       // filled, unused: the loop uses x20 + 1 MiB

        GUEST_END bench_mpi_far
