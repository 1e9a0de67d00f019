// bench_submul: the kernel's own hot loop as a benchmark guest. Debian's arm64 6.1 kernel spends
// about half of its boot in mpihelp_submul_1 (lib/crypto/mpi/generic_mpih-mul2.c built without an
// assembly multiply: 32x32-bit partial products). Its inner loop is one 25-instruction block; the
// loop below is that block word for word as the kernel's Image has it (mpihelp_submul_1+0x30 ..
// +0x90 of the bookworm 6.1.0 generic kernel, read from `--trace insn --trace-range
// mpihelp_submul_1`), with the function's prologue, on the same inputs as bench_mpi.S: 64-limb
// buffers from the same LCG, 312500 calls of res[j] -= s1[j] * limb, carries summed. The
// arithmetic is the same as bench_mpi's, so the checksum must be too: 0x5eda5bb2108a82c7, from
// bench_mpi's Python model, and printed by qemu-system-aarch64 on this guest.
        .include "common.inc"
        .include "mpi.inc"
        GUEST_ENTRY

main:
        adr     x20, s1_buf
        adr     x21, res_buf
        MPI_FILL x20                            // s1, then res_buf (consecutive)

        mov     x22, #0                         // sum of the returned carries
        ldr     x19, =CALLS
outer:
        mov     x0, x21                         // res_ptr
        mov     x1, x20                         // s1_ptr
        mov     w2, #LIMBS                      // s1_size
        ldr     x3, =MULTIPLIER                 // s2_limb
        bl      submul_1
        add     x22, x22, x0
        subs    x19, x19, #1
        b.ne    outer

        MPI_CHECKSUM x21, x22, msg
        CHECK   x23, 0x5eda5bb2108a82c7
        b       pass

// mpihelp_submul_1(res_ptr x0, s1_ptr x1, s1_size w2, s2_limb x3) -> borrow limb in x0, as the
// kernel's (less its PAC and ftrace NOPs; x9 is then free, so the return uses x30 directly).
        .balign 64
submul_1:
        neg     w2, w2
        mov     x11, x0
        lsr     x12, x3, #32
        and     x10, x3, #0xffffffff
        sxtw    x5, w2
        mov     x0, #0
        mov     x14, x5
        mov     x13, #0x100000000
        b       2f
1:      sxtw    x5, w2
2:      sub     x5, x5, x14
        ldr     x3, [x1, x5, lsl #3]
        ldr     x7, [x11, x5, lsl #3]
        and     x6, x3, #0xffffffff
        lsr     x3, x3, #32
        mul     x4, x6, x10
        mul     x9, x3, x10
        madd    x8, x12, x6, x9
        mul     x3, x12, x3
        add     x6, x0, w4, uxtw
        add     x4, x8, x4, lsr #32
        add     x8, x3, x13
        cmp     x4, x9
        add     x6, x6, x4, lsl #32
        csel    x3, x8, x3, lo
        lsr     x4, x4, #32
        cmp     x6, x0
        cinc    x4, x4, lo
        subs    x7, x7, x6
        str     x7, [x11, x5, lsl #3]
        cinc    x3, x3, lo
        add     x0, x3, x4
        adds    w2, w2, #1
        b.ne    1b
        ret

msg:    .asciz  "bench_submul checksum 0x"

        .data
        .balign 64
s1_buf: .space  8 * LIMBS
res_buf: .space 8 * LIMBS

        GUEST_END bench_submul
