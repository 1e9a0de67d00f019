// bootemu's built-in demo guest: what runs when `bootemu run` is given no kernel or firmware.
//
// A raw binary entered at 0x40080000 (RAM base + 0x80000, where a raw kernel goes on `virt`)
// at EL1 with the MMU off. It prints over the PL011 UART at 0x09000000, computes the first 20
// Fibonacci numbers and their sum in decimal, and powers the machine off with PSCI SYSTEM_OFF
// over HVC. No stack, no memory writes besides the UART.
//
// Built (src/demo.rs holds the bytes, and a test re-checks them):
//   aarch64-linux-gnu-as testdata/demo.S -o demo.o
//   aarch64-linux-gnu-ld -Ttext=0x40080000 demo.o -o demo.elf
//   aarch64-linux-gnu-objcopy -O binary demo.elf demo.bin

        .equ    UART_BASE, 0x09000000
        .equ    UART_DR, 0x00
        .equ    UART_FR, 0x18
        .equ    FR_TXFF, 5              // transmit FIFO full
        .equ    PSCI_SYSTEM_OFF, 0x84000008
        .equ    COUNT, 20

        .text
        .global _start
_start:
        movz    x19, #(UART_BASE >> 16), lsl #16

        adr     x0, banner
        bl      puts

        adr     x0, fib_label
        bl      puts
        mov     x20, #0                 // F(n)
        mov     x21, #1                 // F(n+1)
        mov     x22, #0                 // sum
        mov     x23, #COUNT             // numbers left to print
1:      mov     x0, x20
        bl      print_dec
        add     x22, x22, x20
        add     x24, x20, x21
        mov     x20, x21
        mov     x21, x24
        subs    x23, x23, #1
        b.eq    2f
        mov     w0, #' '
        bl      putc
        b       1b
2:      mov     w0, #'\n'
        bl      putc

        adr     x0, sum_label
        bl      puts
        mov     x0, x22
        bl      print_dec
        mov     w0, #'\n'
        bl      putc

        adr     x0, bye
        bl      puts
        movz    w0, #(PSCI_SYSTEM_OFF & 0xffff)
        movk    w0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
        hvc     #0
3:      wfi                             // not reached: SYSTEM_OFF does not return
        b       3b

// putc: write w0 to the UART once the transmit FIFO has room. Clobbers w9.
putc:
        ldr     w9, [x19, #UART_FR]
        tbnz    w9, #FR_TXFF, putc
        str     w0, [x19, #UART_DR]
        ret

// puts: write the NUL-terminated string at x0. Clobbers x0, x10, w9, x11.
puts:
        mov     x11, x30
        mov     x10, x0
1:      ldrb    w0, [x10], #1
        cbz     w0, 2f
        bl      putc
        b       1b
2:      ret     x11

// print_dec: write x0 in decimal. Clobbers x0, x12-x16, w9.
print_dec:
        mov     x15, x30
        mov     x12, #1                 // largest power of ten <= x0 (1 for 0)
        mov     x13, #10
1:      mul     x14, x12, x13
        cmp     x14, x0
        b.hi    2f
        mov     x12, x14
        b       1b
2:      udiv    x14, x0, x12            // leading digit
        msub    x16, x14, x12, x0       // the rest, kept in x16 across putc
        add     w0, w14, #'0'
        bl      putc
        mov     x0, x16
        udiv    x12, x12, x13
        cbnz    x12, 2b
        ret     x15

banner: .asciz  "bootemu demo guest: A64 code at EL1 on the virt machine, printing over the PL011 at 0x09000000\n"
fib_label:
        .asciz  "First 20 Fibonacci numbers: "
sum_label:
        .asciz  "Their sum: "
bye:    .asciz  "Powering off with PSCI SYSTEM_OFF over HVC.\n"
        .balign 4
