// bench_mpi: the hot loop of a Linux boot, as a benchmark guest. Linux spends about half of its boot
// instructions in multiprecision multiply loops (lib/crypto/mpi, mpihelp_submul_1 and friends; see
// /work/shared/reference/hotfuncs-direct-a57-nokaslr.txt). This guest runs a loop with the same shape
// as mpihelp_submul_1 (res[j] -= s1[j] * limb, carry propagated: LDR post-index, MUL, UMULH, ADDS,
// ADC, LDR, SUBS, CINC, STR post-index, SUB, CBNZ) over 64-limb buffers, 312500 calls = 20 M limbs
// (about 221 M instructions), then prints a checksum of the result buffer and the summed carries,
// checks it and powers off. Buffers are filled from a 64-bit LCG (Knuth MMIX constants).
// The expected checksum was computed with an independent model of the loop (Python big integers)
// and confirmed on qemu-system-aarch64.
        .include "common.inc"
        .include "mpi.inc"
        GUEST_ENTRY

main:
        adr     x20, s1_buf
.ifdef FAR
        add     x21, x20, #0x100, lsl #12       // res 1 MiB after s1 (bench_mpi_far)
.else
        adr     x21, res_buf
.endif
        MPI_FILL x20                            // s1, then res_buf (consecutive)

        ldr     x3, =MULTIPLIER
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

        MPI_CHECKSUM x21, x22, msg
        CHECK   x23, EXPECTED_CHECKSUM
        b       pass

.ifdef FAR
        .equ    EXPECTED_CHECKSUM, 0xe9ffc692dc90c8ec
.else
        .equ    EXPECTED_CHECKSUM, 0x5eda5bb2108a82c7
.endif
msg:    .asciz  "bench_mpi checksum 0x"

        .data
        .balign 64
s1_buf: .space  8 * LIMBS
res_buf: .space 8 * LIMBS

.ifdef FAR
        GUEST_END bench_mpi_far
.else
        GUEST_END bench_mpi
.endif
