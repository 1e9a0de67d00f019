// Test firmware: the aarch64 direct kernel boot protocol of rust-hypervisor-firmware, as
// bootemu's --firmware implements the VMM side (boot/src/firmware.rs), and its broken variants.
//
// Protocol (Linux Documentation/arch/arm64/booting.rst for the hand-off):
//   1. x0 = the device tree (FDT, big-endian, Devicetree Specification v0.4 ch. 5);
//   2. walk the structure block, find /chosen: linux,kernel-start, linux,kernel-size,
//      linux,initrd-start/end and bootargs;
//   3. read the kernel's Image header (text_offset at 8, image_size at 16, magic at 56);
//   4. copy the kernel file to a 2 MiB-aligned base + text_offset above the FDT and this
//      firmware, below the kernel file and the initrd (refuse when it does not fit);
//   5. x0 = FDT, x1 = x2 = x3 = 0, DAIF masked, MMU and D-cache off (never turned on here),
//      jump to image offset 0.
// Position independent (adr only): it runs from the flash at 0x0 (virt) and from RAM at
// 0x4040_0000 + text_offset (cloud-hypervisor). MMU off: data accesses are Device memory, so
// every access is naturally aligned. No stack: leaf routines clobber x0-x8 and x30 only.
//
// Variants (testdata/build.sh, --defsym):
//   CH=1      prepend an arm64 Image header (Cloud Hypervisor loads the firmware as an Image)
//   BREAK=n   violate exactly one hand-off rule:
//     1 image.base-aligned  kernel base 64 KiB past the 2 MiB boundary
//     2 regs.x0-fdt         x0 = 0
//     3 regs.x1-x3-zero     x1 = 1
//     4 regs.daif-masked    DAIF unmasked before the jump
//     5 regs.dcache-off     SCTLR_ELx.C = 1 (MMU still off)
//     6 fdt.bootargs        the last character of /chosen/bootargs replaced by 'X'

    .ifndef CH
    .equ CH, 0
    .endif
    .ifndef BREAK
    .equ BREAK, 0
    .endif

    .equ UART_BASE, 0x09000000      // PL011 on both machines
    .equ UARTFR, 0x18
    .equ UARTFR_TXFF, 5
    .equ FDT_MAGIC, 0xd00dfeed
    .equ FDT_BEGIN_NODE, 1
    .equ FDT_END_NODE, 2
    .equ FDT_PROP, 3
    .equ FDT_NOP, 4
    .equ FDT_END, 9
    .equ IMAGE_MAGIC, 0x644d5241    // "ARM\x64"
    .equ PSCI_SYSTEM_OFF, 0x84000008
    .equ SCTLR_C, 1 << 2

    .text
    .globl _start
_start:
    .if CH
    // arm64 Image header (booting.rst §3): text_offset 0, image_size, flags LE | 4K pages.
    b       start                   // code0
    .long   0                       // code1
    .quad   0                       // text_offset
    .quad   fw_end - _start         // image_size
    .quad   0xa                     // flags
    .quad   0, 0, 0                 // res2..res4
    .long   IMAGE_MAGIC             // magic
    .long   0                       // res5
    .endif

start:
    msr     daifset, #0xf
    mov     x19, x0                 // x19: FDT
    adr     x0, msg_hello
    bl      puts

    // --- FDT header ---
    ldr     w1, [x19]
    rev     w1, w1
    movz    w2, #(FDT_MAGIC & 0xffff)
    movk    w2, #(FDT_MAGIC >> 16), lsl #16
    cmp     w1, w2
    b.ne    fail_fdt
    ldr     w20, [x19, #4]
    rev     w20, w20                // x20: totalsize
    ldr     w1, [x19, #8]
    rev     w1, w1
    add     x21, x19, x1            // x21: structure block cursor
    ldr     w1, [x19, #12]
    rev     w1, w1
    add     x22, x19, x1            // x22: strings block
    mov     x23, #0                 // x23: node depth (root = 1)
    mov     x24, #0                 // x24: inside /chosen
    mov     x25, #0                 // x25: linux,kernel-start
    mov     x26, #0                 // x26: linux,kernel-size
    mov     x27, #0                 // x27: linux,initrd-start
    mov     x28, #0                 // x28: linux,initrd-end
    mov     x14, #0                 // x14: bootargs value
    mov     x15, #0                 // x15: bootargs length (with the NUL)

walk:
    ldr     w1, [x21], #4
    rev     w1, w1
    cmp     w1, #FDT_BEGIN_NODE
    b.eq    begin_node
    cmp     w1, #FDT_END_NODE
    b.eq    end_node
    cmp     w1, #FDT_PROP
    b.eq    prop
    cmp     w1, #FDT_NOP
    b.eq    walk
    cmp     w1, #FDT_END
    b.eq    walk_done
    b       fail_fdt

begin_node:
    add     x23, x23, #1
    cmp     x23, #2                 // a child of the root?
    b.ne    skip_name
    mov     x0, x21
    adr     x1, str_chosen
    bl      streq
    cbz     x0, skip_name
    mov     x24, #1
skip_name:
    ldrb    w1, [x21], #1
    cbnz    w1, skip_name
    add     x21, x21, #3
    and     x21, x21, #~3
    b       walk

end_node:
    cmp     x23, #2
    csel    x24, xzr, x24, eq       // leaving a child of the root: not in /chosen any more
    sub     x23, x23, #1
    b       walk

prop:
    ldr     w9, [x21], #4
    rev     w9, w9                  // x9: value length
    ldr     w10, [x21], #4
    rev     w10, w10                // x10: name offset
    mov     x11, x21                // x11: value
    add     x21, x21, x9
    add     x21, x21, #3
    and     x21, x21, #~3
    cbz     x24, walk
    cmp     x23, #2                 // a property of /chosen itself
    b.ne    walk
    add     x12, x22, x10           // x12: name
    mov     x0, x12
    adr     x1, str_kstart
    bl      streq
    cbnz    x0, 1f
    mov     x0, x12
    adr     x1, str_ksize
    bl      streq
    cbnz    x0, 2f
    mov     x0, x12
    adr     x1, str_istart
    bl      streq
    cbnz    x0, 3f
    mov     x0, x12
    adr     x1, str_iend
    bl      streq
    cbnz    x0, 4f
    mov     x0, x12
    adr     x1, str_bootargs
    bl      streq
    cbz     x0, walk
    mov     x14, x11
    mov     x15, x9
    b       walk
1:  bl      getval
    mov     x25, x0
    b       walk
2:  bl      getval
    mov     x26, x0
    b       walk
3:  bl      getval
    mov     x27, x0
    b       walk
4:  bl      getval
    mov     x28, x0
    b       walk

walk_done:
    cbz     x26, fail_nokernel
    cbz     x14, fail_nobootargs
    // --- the kernel's Image header ---
    ldr     w1, [x25, #56]
    movz    w2, #(IMAGE_MAGIC & 0xffff)
    movk    w2, #(IMAGE_MAGIC >> 16), lsl #16
    cmp     w1, w2
    b.ne    fail_image
    ldr     x10, [x25, #8]          // x10: text_offset
    ldr     x11, [x25, #16]         // x11: image_size
    cmp     x11, x26
    csel    x11, x26, x11, lo       // at least the file

    // --- destination: 2 MiB aligned above the FDT and this firmware ---
    add     x1, x19, x20            // FDT end
    adr     x2, fw_end
    cmp     x1, x2
    csel    x1, x1, x2, hi
    movz    x3, #0x1f, lsl #16
    movk    x3, #0xffff             // 2 MiB - 1
    add     x1, x1, x3
    bic     x1, x1, x3              // x1: 2 MiB-aligned base
    .if BREAK == 1
    add     x1, x1, #0x10, lsl #12  // 64 KiB past the boundary
    .endif
    add     x13, x1, x10            // x13: image start
    add     x2, x13, x11            // image end (with BSS)
    cmp     x2, x25
    b.hi    fail_room               // would overlap the kernel file
    cbz     x28, 5f
    cmp     x2, x27
    b.hi    fail_room               // would overlap the initrd
5:
    // --- copy the file, 16 bytes at a time (both ends are 16-byte aligned) ---
    mov     x1, x25
    mov     x2, x13
    add     x3, x26, #15
    and     x3, x3, #~15
6:  ldp     x4, x5, [x1], #16
    stp     x4, x5, [x2], #16
    subs    x3, x3, #16
    b.hi    6b
    dsb     sy
    ic      iallu
    dsb     sy
    isb

    .if BREAK == 6
    add     x1, x14, x15
    mov     w2, #'X'
    sturb   w2, [x1, #-2]           // last character before the NUL
    .endif

    adr     x0, msg_kernel
    bl      puts
    mov     x0, x13
    bl      puthex
    adr     x0, msg_nl
    bl      puts

    .if BREAK == 5
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.eq    7f
    mrs     x1, sctlr_el1
    orr     x1, x1, #SCTLR_C
    msr     sctlr_el1, x1
    b       8f
7:  mrs     x1, sctlr_el2
    orr     x1, x1, #SCTLR_C
    msr     sctlr_el2, x1
8:  isb
    .endif
    .if BREAK == 4
    msr     daifclr, #0xf
    .endif

    // --- hand-off (booting.rst §4) ---
    .if BREAK == 2
    mov     x0, #0
    .else
    mov     x0, x19
    .endif
    .if BREAK == 3
    mov     x1, #1
    .else
    mov     x1, #0
    .endif
    mov     x2, #0
    mov     x3, #0
    br      x13

// --- failures: say why, then PSCI SYSTEM_OFF (HVC at EL1, SMC at EL2) ---
fail_fdt:
    adr     x0, msg_fdt
    b       fail
fail_nokernel:
    adr     x0, msg_nokernel
    b       fail
fail_nobootargs:
    adr     x0, msg_nobootargs
    b       fail
fail_image:
    adr     x0, msg_image
    b       fail
fail_room:
    adr     x0, msg_room
fail:
    bl      puts
    movz    x0, #(PSCI_SYSTEM_OFF & 0xffff)
    movk    x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.eq    1f
    hvc     #0
    b       .
1:  smc     #0
    b       .

// streq: x0, x1 NUL-terminated strings; x0 = 1 when equal, else 0. Clobbers x6, x7.
streq:
    ldrb    w6, [x0], #1
    ldrb    w7, [x1], #1
    cmp     w6, w7
    b.ne    1f
    cbnz    w6, streq
    mov     x0, #1
    ret
1:  mov     x0, #0
    ret

// getval: the big-endian cell(s) at x11 of length x9 (4 or 8 bytes) in x0. Clobbers x6.
getval:
    ldr     w0, [x11]
    rev     w0, w0
    cmp     x9, #8
    b.ne    1f
    ldr     w6, [x11, #4]
    rev     w6, w6
    orr     x0, x6, x0, lsl #32
1:  ret

// puts: the NUL-terminated string at x0 to the PL011. Clobbers x0, x6-x8.
puts:
    movz    x6, #(UART_BASE >> 16), lsl #16
1:  ldrb    w7, [x0], #1
    cbz     w7, 3f
2:  ldr     w8, [x6, #UARTFR]
    tbnz    w8, #UARTFR_TXFF, 2b
    str     w7, [x6]
    b       1b
3:  ret

// puthex: x0 as 0x + 16 hex digits. Clobbers x0-x8.
puthex:
    movz    x6, #(UART_BASE >> 16), lsl #16
    mov     w7, #'0'
    str     w7, [x6]
    mov     w7, #'x'
    str     w7, [x6]
    mov     x1, #60
1:  lsr     x7, x0, x1
    and     x7, x7, #0xf
    cmp     x7, #10
    add     x8, x7, #'0'
    add     x7, x7, #('a' - 10)
    csel    x7, x8, x7, lo
2:  ldr     w8, [x6, #UARTFR]
    tbnz    w8, #UARTFR_TXFF, 2b
    str     w7, [x6]
    subs    x1, x1, #4
    b.pl    1b
    ret

msg_hello:       .asciz "bootemu test firmware: FDT at x0\n"
msg_kernel:      .asciz "bootemu test firmware: jumping to the kernel at "
msg_nl:          .asciz "\n"
msg_fdt:         .asciz "bootemu test firmware: no valid FDT at x0\n"
msg_nokernel:    .asciz "bootemu test firmware: no linux,kernel-start/size in /chosen\n"
msg_nobootargs:  .asciz "bootemu test firmware: no bootargs in /chosen\n"
msg_image:       .asciz "bootemu test firmware: the kernel is not an arm64 Image\n"
msg_room:        .asciz "bootemu test firmware: no room to place the kernel\n"
str_chosen:      .asciz "chosen"
str_kstart:      .asciz "linux,kernel-start"
str_ksize:       .asciz "linux,kernel-size"
str_istart:      .asciz "linux,initrd-start"
str_iend:        .asciz "linux,initrd-end"
str_bootargs:    .asciz "bootargs"
    .balign 16
fw_end:
