// virtio_hostile: a virtio-blk driver that breaks the rules on purpose, over either transport, and
// checks that the device answers as VIRTIO 1.2 (OASIS virtio-v1.2-cs01) says: an error status
// where a request is well formed but cannot be served, DEVICE_NEEDS_RESET where the driver broke a
// rule of the virtqueue, and a working device again after a reset. Run with one disk:
//   bootemu run --kernel virtio_hostile.bin --disk IMG,if=mmio     (virtio-mmio slot 31)
//   bootemu run --kernel virtio_hostile.bin --disk IMG             (virtio-pci 00:01.0)
// The transport is found at run time: 00:01.0 in the ECAM at 0x40_1000_0000 answering 1af4:1042
// (a modern virtio-blk-pci function, §4.1.2.1) means PCI, otherwise virtio-mmio slot 31 at
// 0x0a00_3e00 must hold a version 2 block device (§4.2.2). So one binary serves both.
//
// One line per scenario, the same on both transports (the device status reads back the same bits,
// and "isr" is what the driver sees when it takes the interrupt status: InterruptStatus +
// InterruptACK on virtio-mmio, a read of the ISR status on PCI, which clears it, §4.1.4.5):
//   1 queue size 3 (§2.7: "Queue Size value is always a power of 2"; §4.1.4.3.2: the driver MUST
//     NOT write another value): enabling it sets DEVICE_NEEDS_RESET (status 0x4b = ACKNOWLEDGE |
//     DRIVER | FEATURES_OK | NEEDS_RESET), the queue stays disabled, and no configuration change
//     interrupt because DRIVER_OK was not set (§2.1.2 asks for one only after DRIVER_OK); writing 0
//     to the status resets the device and the status reads 0 again (§2.4.1, §2.4.2).
//   2 a descriptor loop 0 -> 1 -> 0 (both with NEXT) in a read request after DRIVER_OK (§2.7.5.2:
//     loops are forbidden): status 0x4f (DRIVER_OK | NEEDS_RESET ...), isr 0x2 (configuration
//     change, §2.1.2 and §3.2.1), nothing in the used ring.
//   3 one ring at 0x7_0000_0000, outside RAM (the descriptor table, then the available ring, then
//     the used ring): the rings are aligned, so the device accepts the queue at enable (queue ready
//     1, status 0xb: bootemu checks only size and alignment there); the notification then finds
//     the ring unreachable: status 0x4f, isr 0x2.
//   4 a well-formed read of sector 0 whose data buffer is at 0x7_0000_0000: the device uses the
//     chain (used id 0, used length 1: the status byte only) with VIRTIO_BLK_S_IOERR (§5.2.6:
//     "IOERR for device or driver error"), no reset (status 0xf), isr 0x1 (used buffer).
//   5 a read whose data descriptor claims 0xffff_f000 bytes: bootemu answers VIRTIO_BLK_S_IOERR
//     (the length runs past the disk's capacity, §5.2.6.1), used length 1, no reset, and none of
//     the buffer's bytes written (its first 8 bytes keep their 0x5a pattern).
//   6 reads past the capacity (§5.2.6.1: "A driver MUST NOT submit a request which would cause a
//     read or write beyond capacity"): sector = capacity (512 bytes) and sector = capacity - 1
//     (1024 bytes) get VIRTIO_BLK_S_IOERR; sector = capacity - 1 (512 bytes), the last sector, is
//     read with VIRTIO_BLK_S_OK (no off-by-one).
//   7 reset, initialize again (§3.1.1) and read sector 0: VIRTIO_BLK_S_OK, used length 513; the
//     line ends with the sector's first 16 bytes in hex, which tests/virtio_hostile.rs compares
//     with the disk file's own bytes.
// Then "PASS virtio-hostile" and PSCI SYSTEM_OFF. Nothing waits without bound: the device status
// and the used ring are polled at most POLL_MAX times, then "FAIL virtio-hostile <n> timeout: ..."
// (n = the last CHECK passed) ends the run. A failed CHECK prints the usual FAIL line after the
// scenario's line, which shows what was observed.
//
// QEMU 10.0 answers scenarios 1, 3, 4 and 5 differently (testdata/README.md says how), so this
// guest is not compared with QEMU: its expectations come from the specification and, where the
// specification leaves the device a choice (scenario 1's missing interrupt, scenario 3's "at the
// notification", scenarios 4 and 5's IOERR rather than a reset), from bootemu's documented one
// (machine/src/virtio/mod.rs, queue.rs, blk.rs).
//
// Registers: x24 = the queue memory (`ring`) and x25 = the transport state (`vt`) throughout;
// x19-x23 (and x16-x18 in scenarios 5-7) hold observed values between a helper's return and the
// CHECKs; helpers clobber x0-x15. The driver itself (capability walk, initialization, the queue,
// read requests, bounded waits) is the shared one of virtio.inc; what breaks the rules is here.
        .include "common.inc"
        .include "virtio.inc"
        GUEST_ENTRY

// Where to find the device.
        .equ    ECAM_DEV1, 0x4010000000 + (1 << 15)    // 00:01.0 configuration space
        .equ    BAR4_ADDR, 0x10000000       // where the guest puts BAR 4: virt's 32-bit window
        .equ    MMIO_SLOT31, 0x0a003e00     // the last virtio-mmio slot (the first if=mmio disk)
        .equ    FAR_AWAY, 0x700000000       // 28 GiB: no device, and past the default 512 MiB
                                            // of RAM (0x4000_0000..0x6000_0000)
        .equ    HUGE_LEN, 0xfffff000
        .equ    CMD_MEM_MASTER, 0x6         // PCI command: MEMORY | BUS_MASTER

main:
        adr     x25, vt
        adr     x24, ring
// ---- Probe ---------------------------------------------------------------------------------------
        mov     x19, #ECAM_DEV1 & 0xffff
        movk    x19, #(ECAM_DEV1 >> 16) & 0xffff, lsl #16
        movk    x19, #(ECAM_DEV1 >> 32) & 0xffff, lsl #32
        ldr     w0, [x19]
        MOV32   w1, PCI_ID_BLK
        cmp     w0, w1
        b.eq    probe_pci
        MOV32   w19, MMIO_SLOT31
        str     xzr, [x25, #VT_KIND]
        str     x19, [x25, #VT_BASE]
        ldr     w0, [x19, #M_MAGIC]
        CHECK   x0, 0x74726976              // "virt" (§4.2.2.1)
        ldr     w0, [x19, #M_VERSION]
        CHECK   x0, 2
        ldr     w0, [x19, #M_DEVICE_ID]
        CHECK   x0, 2                       // block device (§5.2.1)
        SAY     "virtio-hostile: virtio-mmio at "
        SAYX    x19
        b       probed
probe_pci:
        mov     x28, #3                     // check n is the n-th CHECK of the file: skip the
                                            // virtio-mmio probe's three
        ldrh    w0, [x19, #PCI_STATUS]
        and     x0, x0, #1 << PCI_STATUS_CAP_LIST
        CHECK   x0, 1 << PCI_STATUS_CAP_LIST
        // The capability list (§4.1.4): where each structure is in BAR 4.
        mov     x0, x19
        mov     x1, #BAR4_ADDR
        bl      vt_pci_caps
        CHECK   x0, VT_CAPS_ALL             // all four found on BAR 4
        // Place BAR 4 (64-bit: BAR 5 holds the high half) and turn on memory decoding and DMA.
        mov     w0, #BAR4_ADDR
        str     w0, [x19, #PCI_BAR4]
        str     wzr, [x19, #PCI_BAR5]
        mov     w0, #CMD_MEM_MASTER
        strh    w0, [x19, #PCI_COMMAND]
        ldr     w0, [x19, #PCI_BAR4]
        CHECK   x0, BAR4_ADDR | 0xc         // memory, 64-bit (type 2), prefetchable
        SAY     "virtio-hostile: virtio-pci 00:01.0, BAR 4 at "
        ldr     x0, [x25, #VT_BASE]
        mov     x26, x0                     // (free until the next CHECK)
        bl      putx
        SAY     ": common +"
        ldr     x0, [x25, #VT_COMMON]
        sub     x0, x0, x26
        bl      putx
        SAY     " isr +"
        ldr     x0, [x25, #VT_ISR]
        sub     x0, x0, x26
        bl      putx
        SAY     " device +"
        ldr     x0, [x25, #VT_DEVICE]
        sub     x0, x0, x26
        bl      putx
        SAY     " notify +"
        ldr     x0, [x25, #VT_NOTIFY]
        sub     x0, x0, x26
        bl      putx
        SAY     " x"
        ldr     x0, [x25, #VT_MULT]
        bl      putdec
probed:
        mov     x28, #6                     // after either probe, as if both had run
        mov     w0, #1
        bl      vt_features
        and     x0, x0, #1                  // VIRTIO_F_VERSION_1 (bit 32)
        CHECK   x0, 1
        bl      vt_capacity
        mov     x23, x0
        SAY     ", capacity "
        mov     x0, x23
        bl      putdec
        SAY     " sectors\n"

// ---- 1: queue size 3 -----------------------------------------------------------------------------
        bl      dev_negotiate
        CHECK   x0, S_ACK | S_DRIVER | S_FEATURES_OK
        bl      vt_queue_max
        mov     x19, x0
        mov     w0, #3
        add     x1, x24, #R_DESC
        add     x2, x24, #R_AVAIL
        add     x3, x24, #R_USED
        bl      vt_queue_setup
        bl      vt_status
        mov     x20, x0
        bl      vt_queue_ready
        mov     x21, x0
        bl      vt_isr
        mov     x22, x0
        bl      dev_reset
        bl      vt_status
        mov     x23, x0
        SAY     "1 queue size 3 (max "
        mov     x0, x19
        bl      putdec
        SAY     "): status "
        SAYX    x20
        SAY     ", queue ready "
        mov     x0, x21
        bl      putdec
        SAY     ", isr "
        SAYX    x22
        SAY     "; after reset: status "
        SAYX    x23
        SAY     "\n"
        CHECK   x19, 1024                   // QueueNumMax: a power of 2 (bootemu's, QEMU's 1024)
        CHECK   x20, S_ACK | S_DRIVER | S_FEATURES_OK | S_NEEDS_RESET
        CHECK   x21, 0
        CHECK   x22, 0
        CHECK   x23, 0

// ---- 2: descriptor loop --------------------------------------------------------------------------
        bl      dev_start
        CHECK   x0, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        mov     x0, #0
        bl      put_header
        mov     w0, #0                      // 0: the header, NEXT -> 1
        add     x1, x24, #R_HDR
        mov     w2, #16
        mov     w3, #VIRTQ_DESC_F_NEXT
        mov     w4, #1
        bl      set_desc
        mov     w0, #1                      // 1: 512 device-readable bytes, NEXT -> 0
        add     x1, x24, #R_DATA
        mov     w2, #512
        mov     w3, #VIRTQ_DESC_F_NEXT
        mov     w4, #0
        bl      set_desc
        mov     w0, #0
        bl      submit
        bl      wait_needs_reset
        mov     x20, x0
        bl      vt_isr
        mov     x21, x0
        ldrh    w22, [x24, #R_USED + 2]
        SAY     "2 descriptor loop 0->1->0: status "
        SAYX    x20
        SAY     ", isr "
        SAYX    x21
        SAY     ", used idx "
        mov     x0, x22
        bl      putdec
        SAY     "\n"
        CHECK   x20, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_NEEDS_RESET
        CHECK   x21, 2                      // configuration change only
        CHECK   x22, 0

// ---- 3: a ring outside RAM -----------------------------------------------------------------------
        mov     x0, #FAR_AWAY
        add     x1, x24, #R_AVAIL
        add     x2, x24, #R_USED
        adr     x3, .Lname_desc
        bl      far_ring
        CHECK   x20, 1
        CHECK   x21, S_ACK | S_DRIVER | S_FEATURES_OK
        CHECK   x22, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_NEEDS_RESET
        CHECK   x23, 2
        add     x0, x24, #R_DESC
        mov     x1, #FAR_AWAY
        add     x2, x24, #R_USED
        adr     x3, .Lname_avail
        bl      far_ring
        CHECK   x20, 1
        CHECK   x21, S_ACK | S_DRIVER | S_FEATURES_OK
        CHECK   x22, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_NEEDS_RESET
        CHECK   x23, 2
        add     x0, x24, #R_DESC
        add     x1, x24, #R_AVAIL
        mov     x2, #FAR_AWAY
        adr     x3, .Lname_used
        bl      far_ring
        CHECK   x20, 1
        CHECK   x21, S_ACK | S_DRIVER | S_FEATURES_OK
        CHECK   x22, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_NEEDS_RESET
        CHECK   x23, 2

// ---- 4: data buffer outside RAM ------------------------------------------------------------------
        bl      dev_start
        CHECK   x0, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        mov     x0, #0
        mov     x1, #FAR_AWAY
        mov     w2, #512
        bl      blk_read
        SAY     "4 data buffer at 0x700000000: "
        bl      say_result
        SAY     "\n"
        CHECK   x19, 0                      // used id: the head
        CHECK   x20, 1                      // used length: the status byte
        CHECK   x21, 1                      // VIRTIO_BLK_S_IOERR
        CHECK   x22, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        CHECK   x23, 1                      // used buffer

// ---- 5: a huge data length -----------------------------------------------------------------------
        MOV32   w0, 0x5a5a5a5a
        orr     x0, x0, x0, lsl #32
        str     x0, [x24, #R_DATA]
        mov     x0, #0
        add     x1, x24, #R_DATA
        MOV32   w2, HUGE_LEN
        bl      blk_read
        SAY     "5 data length 0xfffff000: "
        bl      say_result
        ldr     x18, [x24, #R_DATA]
        SAY     ", buffer "
        SAYX    x18
        SAY     "\n"
        CHECK   x19, 0
        CHECK   x20, 1
        CHECK   x21, 1                      // VIRTIO_BLK_S_IOERR
        CHECK   x22, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        CHECK   x23, 1
        CHECK   x18, 0x5a5a5a5a5a5a5a5a     // untouched

// ---- 6: past the capacity ------------------------------------------------------------------------
        bl      vt_capacity
        mov     x18, x0                     // (blk_read returns in x19-x23)
        mov     x0, x18
        add     x1, x24, #R_DATA
        mov     w2, #512
        bl      blk_read                    // sector = capacity
        mov     x16, x21
        sub     x0, x18, #1
        add     x1, x24, #R_DATA
        mov     w2, #1024
        bl      blk_read                    // capacity - 1, two sectors
        mov     x17, x21
        sub     x0, x18, #1
        add     x1, x24, #R_DATA
        mov     w2, #512
        bl      blk_read                    // the last sector
        SAY     "6 capacity "
        mov     x0, x18
        bl      putdec
        SAY     ": read of sector capacity: blk status "
        SAYX    x16
        SAY     ", of 2 sectors from capacity - 1: "
        SAYX    x17
        SAY     ", of the last sector: "
        SAYX    x21
        SAY     "\n"
        CHECK   x16, 1                      // VIRTIO_BLK_S_IOERR
        CHECK   x17, 1
        CHECK   x21, 0                      // VIRTIO_BLK_S_OK

// ---- 7: reset, then a good read ------------------------------------------------------------------
        bl      dev_start
        CHECK   x0, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        str     xzr, [x24, #R_DATA]
        str     xzr, [x24, #R_DATA + 8]
        mov     x0, #0
        add     x1, x24, #R_DATA
        mov     w2, #512
        bl      blk_read
        SAY     "7 read of sector 0: "
        bl      say_result
        SAY     ", bytes "
        mov     x18, #0
        add     x17, x24, #R_DATA
1:      ldrb    w0, [x17, x18]
        bl      puthex2
        add     x18, x18, #1
        cmp     x18, #16
        b.lo    1b
        SAY     "\n"
        CHECK   x19, 0
        CHECK   x20, 513                    // 512 bytes and the status byte
        CHECK   x21, 0                      // VIRTIO_BLK_S_OK
        CHECK   x22, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        CHECK   x23, 1
        bl      dev_reset
        b       pass

// ---- Scenario helpers (the driver is virtio.inc's) -----------------------------------------------

// far_ring: scenario 3 with the rings at x0 (descriptor table), x1 (available), x2 (used), named by
// the string at x3. Prints its line; returns x20 = queue ready and x21 = status after enabling,
// x22 = status and x23 = isr after the notification.
far_ring:
        stp     x29, x30, [sp, #-16]!
        stp     x0, x1, [sp, #-32]!
        stp     x2, x3, [sp, #16]
        bl      dev_negotiate
        mov     w0, #QSIZE
        ldp     x1, x2, [sp]
        ldr     x3, [sp, #16]
        bl      vt_queue_setup
        bl      vt_queue_ready
        mov     x20, x0
        bl      vt_status
        mov     x21, x0
        mov     w0, #S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        bl      vt_set_status
        mov     x0, #0                      // a good read of sector 0 in the RAM the rings leave
        bl      put_header
        mov     w0, #0
        add     x1, x24, #R_HDR
        mov     w2, #16
        mov     w3, #VIRTQ_DESC_F_NEXT
        mov     w4, #1
        bl      set_desc_at
        mov     w0, #1
        add     x1, x24, #R_DATA
        mov     w2, #512
        mov     w3, #VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE
        mov     w4, #2
        bl      set_desc_at
        mov     w0, #2
        add     x1, x24, #R_STATUS
        mov     w2, #1
        mov     w3, #VIRTQ_DESC_F_WRITE
        mov     w4, #0
        bl      set_desc_at
        ldr     x1, [sp, #8]
        bl      submit_at
        bl      wait_needs_reset
        mov     x22, x0
        bl      vt_isr
        mov     x23, x0
        SAY     "3 "
        ldr     x0, [sp, #24]
        bl      puts
        SAY     " at 0x700000000: at enable queue ready "
        mov     x0, x20
        bl      putdec
        SAY     ", status "
        SAYX    x21
        SAY     "; after the notification status "
        SAYX    x22
        SAY     ", isr "
        SAYX    x23
        SAY     "\n"
        add     sp, sp, #32
        ldp     x29, x30, [sp], #16
        ret

// say_result: prints blk_read's results (x19-x23).
say_result:
        stp     x29, x30, [sp, #-16]!
        SAY     "used id "
        mov     x0, x19
        bl      putdec
        SAY     " len "
        mov     x0, x20
        bl      putdec
        SAY     ", blk status "
        SAYX    x21
        SAY     ", status "
        SAYX    x22
        SAY     ", isr "
        SAYX    x23
        ldp     x29, x30, [sp], #16
        ret

// set_desc_at: set_desc in the table at [sp] (far_ring's saved x0); nothing is written when the
// table is not in RAM.
set_desc_at:
        ldr     x5, [sp]
        mov     x6, #FAR_AWAY
        cmp     x5, x6
        b.ne    set_desc_in
        ret

// submit_at: make head 0 available in the ring at x1 and notify; only the notification when the
// ring is not in RAM.
submit_at:
        mov     w0, #0
        mov     x6, #FAR_AWAY
        cmp     x1, x6
        b.ne    submit_ring
        b       vt_kick

// ---- Output --------------------------------------------------------------------------------------

// fail_timeout: "FAIL virtio-hostile <n> timeout: <the string at x0>", power off.
fail_timeout:
        mov     x19, x0
        bl      fail_prefix
        SAY     " timeout: "
        mov     x0, x19
        bl      puts
        SAY     "\n"
        b       poweroff

        VIRTIO_DRIVER
        PRINT_HELPERS

        .section .rodata
.Lname_desc:    .asciz  "descriptor table"
.Lname_avail:   .asciz  "available ring"
.Lname_used:    .asciz  "used ring"

        GUEST_END virtio-hostile
