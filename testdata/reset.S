// reset: PSCI SYSTEM_RESET (DEN0022D 5.11) restarts the machine. The first boot writes a marker to
// RAM outside the image, at 0x5800_0000 (not 0x4800_0000: QEMU puts the DTB there and reloads it on
// reset), changes a word of its own .data, prints "reset: first boot" and calls SYSTEM_RESET.
// QEMU's reset (run without -no-reboot) keeps RAM contents but loads the images again (kernel, DTB)
// and restarts the boot CPU at the entry point, at EL1 with the MMU off and interrupts masked;
// bootemu's SYSTEM_RESET must do the same. So the second boot finds the marker, finds its .data
// word back at its initial value, prints "reset: second boot", clears the marker and passes.
        .include "common.inc"
        GUEST_ENTRY

        .equ    MARKER_ADDR, 0x58000000
        .equ    MARKER, 0x5245534554424f4f  // "RESETBOO"

main:
        mrs     x0, currentel
        CHECK   x0, 4
        mrs     x0, daif
        CHECK   x0, 0x3c0
        mrs     x0, sctlr_el1
        and     x0, x0, #1
        CHECK   x0, 0                   // MMU off
        mov     x19, #MARKER_ADDR
        ldr     x20, [x19]
        ldr     x1, =MARKER
        cmp     x20, x1
        b.eq    second_boot

        adr     x0, image_word
        ldr     w1, [x0]
        CHECK   x1, 0x11223344
        mov     w1, #0xdead
        str     w1, [x0]                // must be undone by the reload of the image
        ldr     x1, =MARKER
        str     x1, [x19]
        adr     x0, .Lfirst
        bl      puts
        MOV32   w0, PSCI_SYSTEM_RESET
        hvc     #0
        adr     x0, .Lreturned
        bl      puts
        b       poweroff

second_boot:
        adr     x0, .Lsecond
        bl      puts
        str     xzr, [x19]
        adr     x0, image_word
        ldr     w1, [x0]
        CHECK   x1, 0x11223344          // the image was loaded again
        b       pass

        .section .rodata
.Lfirst:        .asciz  "reset: first boot\n"
.Lsecond:       .asciz  "reset: second boot\n"
.Lreturned:     .asciz  "FAIL reset: SYSTEM_RESET returned\n"
        .data
        .balign 4
image_word:     .word   0x11223344

        GUEST_END reset
