// Test firmware that dies quietly: it prints one line on the PL011 and then spins forever with
// every interrupt masked, the way a firmware's panic path ends (EDK2's CpuDeadLoop, U-Boot's
// hang()). bootemu must end such a run as a hang at once, not at the instruction budget.
//
// Variants (testdata/build.sh, --defsym):
//   MEM=0  `b .` (a branch to itself)
//   MEM=1  a load loop on a stack word that nothing will ever change (EDK2's CpuDeadLoop shape)
// Linked at 0 and position independent: it runs from flash bank 0 on virt.

    .ifndef MEM
    .equ MEM, 0
    .endif
    .equ UART_BASE, 0x09000000
    .equ UARTFR, 0x18
    .equ UARTFR_TXFF, 5

    .text
    .globl _start
_start:
    msr     daifset, #0xf
    ldr     x1, =UART_BASE
    adr     x2, msg
1:  ldrb    w3, [x2], #1
    cbz     w3, 3f
2:  ldr     w4, [x1, #UARTFR]
    tbnz    w4, #UARTFR_TXFF, 2b
    strb    w3, [x1]
    b       1b
3:
    .if MEM
    ldr     x5, =0x40001000         // a RAM word nothing writes
    str     xzr, [x5]
4:  ldr     x6, [x5]
    cbz     x6, 4b
    .else
4:  b       4b
    .endif


msg:
    .asciz  "bootemu test firmware: dying quietly with interrupts masked\r\n"
    .balign 8
    .ltorg
