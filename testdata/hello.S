// hello: prints "hello from bootemu\n" on the PL011 UART, then powers off through PSCI SYSTEM_OFF.
// The smallest end-to-end guest: raw image at 0x4008_0000, EL1, MMU off.
        .text
        .globl  _start
_start:
        adr     x1, msg
        mov     x2, #0x09000000         // PL011 UARTDR
1:      ldrb    w0, [x1], #1
        cbz     w0, 2f
        strb    w0, [x2]
        b       1b
2:      movz    w0, #0x0008             // PSCI SYSTEM_OFF = 0x8400_0008
        movk    w0, #0x8400, lsl #16
        hvc     #0
3:      wfi
        b       3b

msg:    .asciz  "hello from bootemu\n"
