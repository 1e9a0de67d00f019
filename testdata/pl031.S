// pl031: the PL031 real-time clock at 0x0901_0000 (ARM DDI 0224, "PrimeCell Real Time Clock"):
// RTCDR counts seconds from the configured epoch: bootemu --rtc-epoch 1700000000, QEMU
// -rtc base=2023-11-14T22:13:20 (the same instant); the check allows 5 s of drift for QEMU, whose
// clock runs with the host's. Then the peripheral and PrimeCell ID registers, RTCCR (always started
// on virt), RTCLR (load: RTCDR continues from the loaded value), RTCMR and RTCIMSC read back.
        .include "common.inc"
        GUEST_ENTRY

        .equ    RTCDR, 0x00
        .equ    RTCMR, 0x04
        .equ    RTCLR, 0x08
        .equ    RTCCR, 0x0c
        .equ    RTCIMSC, 0x10
        .equ    RTCRIS, 0x14
        .equ    EPOCH, 1700000000

main:
        mov     x19, #RTC_BASE
        ldr     w0, [x19, #RTCDR]
        CHECK_RANGE x0, EPOCH, EPOCH + 5
        ldr     w0, [x19, #0xfe0]       // RTCPeriphID0-3: part 0x031, designer 0x41, revision 1
        CHECK   x0, 0x31
        ldr     w0, [x19, #0xfe4]
        CHECK   x0, 0x10
        ldr     w0, [x19, #0xfe8]
        CHECK   x0, 0x14
        ldr     w0, [x19, #0xfec]
        CHECK   x0, 0x00
        ldr     w0, [x19, #0xff0]       // RTCPCellID0-3: 0xb105f00d
        CHECK   x0, 0x0d
        ldr     w0, [x19, #0xff4]
        CHECK   x0, 0xf0
        ldr     w0, [x19, #0xff8]
        CHECK   x0, 0x05
        ldr     w0, [x19, #0xffc]
        CHECK   x0, 0xb1
        ldr     w0, [x19, #RTCCR]
        CHECK   x0, 1                   // started
        MOV32   w1, 1234567890
        str     w1, [x19, #RTCLR]
        ldr     w0, [x19, #RTCLR]
        CHECK   x0, 1234567890
        ldr     w0, [x19, #RTCDR]
        CHECK_RANGE x0, 1234567890, 1234567892
        MOV32   w1, 0x7fffffff
        str     w1, [x19, #RTCMR]
        ldr     w0, [x19, #RTCMR]
        CHECK   x0, 0x7fffffff
        mov     w1, #1
        str     w1, [x19, #RTCIMSC]
        ldr     w0, [x19, #RTCIMSC]
        CHECK   x0, 1
        str     wzr, [x19, #RTCIMSC]
        ldr     w0, [x19, #RTCIMSC]
        CHECK   x0, 0
        ldr     w0, [x19, #RTCRIS]
        CHECK   x0, 0                   // no match
        b       pass

        GUEST_END pl031
