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
// CHECKs; helpers clobber x0-x15.
        .include "common.inc"
        GUEST_ENTRY

// Where to find the device.
        .equ    ECAM_DEV1, 0x4010000000 + (1 << 15)    // 00:01.0 configuration space
        .equ    PCI_ID_BLK, 0x10421af4      // device 0x1040 + 2 (block), vendor 0x1af4 (§4.1.2.1)
        .equ    BAR4_ADDR, 0x10000000       // where the guest puts BAR 4: virt's 32-bit window
        .equ    MMIO_SLOT31, 0x0a003e00     // the last virtio-mmio slot (the first if=mmio disk)
        .equ    FAR_AWAY, 0x700000000       // 28 GiB: no device, and past the default 512 MiB
                                            // of RAM (0x4000_0000..0x6000_0000)
        .equ    POLL_MAX, 100000
        .equ    QSIZE, 8
        .equ    HUGE_LEN, 0xfffff000

// PCI configuration header (PCI Local Bus 3.0 §6.1) and virtio capabilities (§4.1.4).
        .equ    PCI_COMMAND, 0x04
        .equ    PCI_STATUS, 0x06
        .equ    PCI_BAR4, 0x20
        .equ    PCI_BAR5, 0x24
        .equ    PCI_CAP_PTR, 0x34
        .equ    CAP_VNDR, 0x09
        .equ    CMD_MEM_MASTER, 0x6         // MEMORY | BUS_MASTER
// virtio_pci_common_cfg (§4.1.4.3), byte offsets.
        .equ    C_DFSELECT, 0x00
        .equ    C_DF, 0x04
        .equ    C_GFSELECT, 0x08
        .equ    C_GF, 0x0c
        .equ    C_STATUS, 0x14
        .equ    C_Q_SELECT, 0x16
        .equ    C_Q_SIZE, 0x18
        .equ    C_Q_ENABLE, 0x1c
        .equ    C_Q_NOFF, 0x1e
        .equ    C_Q_DESCLO, 0x20
        .equ    C_Q_AVAILLO, 0x28
        .equ    C_Q_USEDLO, 0x30
// virtio-mmio version 2 registers (§4.2.2).
        .equ    M_MAGIC, 0x000
        .equ    M_VERSION, 0x004
        .equ    M_DEVICE_ID, 0x008
        .equ    M_DF, 0x010
        .equ    M_DFSEL, 0x014
        .equ    M_GF, 0x020
        .equ    M_GFSEL, 0x024
        .equ    M_Q_SEL, 0x030
        .equ    M_Q_NUM_MAX, 0x034
        .equ    M_Q_NUM, 0x038
        .equ    M_Q_READY, 0x044
        .equ    M_Q_NOTIFY, 0x050
        .equ    M_ISR, 0x060
        .equ    M_ISR_ACK, 0x064
        .equ    M_STATUS, 0x070
        .equ    M_Q_DESCLO, 0x080
        .equ    M_Q_AVAILLO, 0x090
        .equ    M_Q_USEDLO, 0x0a0
        .equ    M_CONFIG, 0x100
// Device status bits (§2.1), virtio-blk (§5.2.6).
        .equ    S_ACK, 1
        .equ    S_DRIVER, 2
        .equ    S_DRIVER_OK, 4
        .equ    S_FEATURES_OK, 8
        .equ    S_NEEDS_RESET, 0x40
        .equ    VIRTQ_DESC_F_NEXT, 1
        .equ    VIRTQ_DESC_F_WRITE, 2
        .equ    BLK_T_IN, 0
// `vt`: what the probe found, and the driver's ring positions.
        .equ    VT_KIND, 0                  // 0 virtio-mmio, 1 virtio-pci
        .equ    VT_BASE, 8                  // virtio-mmio registers, or BAR 4
        .equ    VT_COMMON, 16               // PCI: the structures the capabilities point at
        .equ    VT_ISR, 24
        .equ    VT_DEVICE, 32
        .equ    VT_NOTIFY, 40
        .equ    VT_MULT, 48                 // notify_off_multiplier
        .equ    VT_AVAIL_NEXT, 56           // the driver's next available index
        .equ    VT_USED_SEEN, 64            // used entries taken so far
        .equ    VT_CAPS, 72                 // PCI: bit n = a cfg_type n capability on BAR 4 found
// Queue memory (in .bss, page aligned): rings, request header, status byte, data buffer.
        .equ    R_DESC, 0x000               // 16-byte aligned, 16 * QSIZE
        .equ    R_AVAIL, 0x100              // 2-byte aligned, 6 + 2 * QSIZE
        .equ    R_USED, 0x200               // 4-byte aligned, 6 + 8 * QSIZE
        .equ    R_HDR, 0x400                // struct virtio_blk_req header, 16 bytes
        .equ    R_STATUS, 0x410             // its status byte
        .equ    R_DATA, 0x1000              // 1024 bytes of data

// SAY "text": print a string (clobbers x0-x2).
        .macro  SAY str
        adr     x0, .Lsay\@
        bl      puts
        .pushsection .rodata
.Lsay\@: .asciz "\str"
        .popsection
        .endm

// SAYX reg: print x<reg> as 0x<hex> (clobbers x0-x6).
        .macro  SAYX reg
        mov     x0, \reg
        bl      putx
        .endm

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
        // The capability list (§4.1.4): record where each structure is in BAR 4.
        ldrh    w0, [x19, #PCI_STATUS]
        and     x0, x0, #0x10               // capabilities list
        CHECK   x0, 0x10
        mov     x0, #1
        str     x0, [x25, #VT_KIND]
        mov     x0, #BAR4_ADDR
        str     x0, [x25, #VT_BASE]
        ldrb    w20, [x19, #PCI_CAP_PTR]
        mov     x21, #48                    // at most 48 capabilities fit in 192 bytes
1:      and     x20, x20, #0xfc
        cbz     x20, 3f
        add     x22, x19, x20
        ldrb    w0, [x22]                   // cap_vndr
        cmp     w0, #CAP_VNDR
        b.ne    2f
        ldrb    w1, [x22, #3]               // cfg_type
        ldrb    w2, [x22, #4]               // bar
        cmp     w2, #4
        b.ne    2f
        sub     w3, w1, #1
        cmp     w3, #3
        b.hi    2f                          // only common (1), notify (2), ISR (3), device (4)
        ldr     w4, [x22, #8]               // offset
        mov     x5, #BAR4_ADDR
        add     x4, x4, x5
        adr     x5, cap_slot
        ldrb    w5, [x5, x3]
        str     x4, [x25, x5]
        ldr     x6, [x25, #VT_CAPS]
        mov     x7, #1
        lsl     x7, x7, x1
        orr     x6, x6, x7
        str     x6, [x25, #VT_CAPS]
        cmp     w1, #2
        b.ne    2f
        ldr     w4, [x22, #16]              // notify_off_multiplier
        str     x4, [x25, #VT_MULT]
2:      ldrb    w20, [x22, #1]              // cap_next
        subs    x21, x21, #1
        b.ne    1b
3:      ldr     x0, [x25, #VT_CAPS]
        CHECK   x0, 0x1e                    // all four found on BAR 4
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

// ---- Driver --------------------------------------------------------------------------------------

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

// blk_read: a read of x2 bytes at sector x0 into x1 (header, data, status byte: three descriptors),
// on the queue dev_start set up; waits for the used ring. Returns x19 = used id, x20 = used length,
// x21 = the request's status byte, x22 = device status, x23 = isr.
blk_read:
        stp     x29, x30, [sp, #-16]!
        stp     x1, x2, [sp, #-16]!
        bl      put_header
        mov     w0, #0xff
        strb    w0, [x24, #R_STATUS]
        mov     w0, #0
        add     x1, x24, #R_HDR
        mov     w2, #16
        mov     w3, #VIRTQ_DESC_F_NEXT
        mov     w4, #1
        bl      set_desc
        mov     w0, #1
        ldp     x1, x2, [sp], #16
        mov     w3, #VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE
        mov     w4, #2
        bl      set_desc
        mov     w0, #2
        add     x1, x24, #R_STATUS
        mov     w2, #1
        mov     w3, #VIRTQ_DESC_F_WRITE
        mov     w4, #0
        bl      set_desc
        mov     w0, #0
        bl      submit
        bl      wait_used
        mov     x19, x0
        mov     x20, x1
        ldrb    w21, [x24, #R_STATUS]
        bl      vt_status
        mov     x22, x0
        bl      vt_isr
        mov     x23, x0
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

// put_header: a VIRTIO_BLK_T_IN header for sector x0 (§5.2.6: le32 type, le32 reserved, le64 sector).
put_header:
        str     wzr, [x24, #R_HDR]          // BLK_T_IN
        str     wzr, [x24, #R_HDR + 4]
        str     x0, [x24, #R_HDR + 8]
        ret

// set_desc: descriptor w0 of the in-RAM table = { addr x1, len w2, flags w3, next w4 } (§2.7.5).
// set_desc_at: the same in the table at [sp] (far_ring's saved x0).
set_desc:
        add     x5, x24, #R_DESC
        b       1f
set_desc_at:
        ldr     x5, [sp]
        mov     x6, #FAR_AWAY
        cmp     x5, x6
        b.eq    2f                          // nothing to write: the table is not in RAM
1:      add     x5, x5, x0, lsl #4
        str     x1, [x5]
        str     w2, [x5, #8]
        strh    w3, [x5, #12]
        strh    w4, [x5, #14]
2:      ret

// submit: make chain w0 available in the in-RAM available ring and notify (§2.7.13);
// submit_at: head 0 in the ring at x1 (nothing is written when it is not in RAM).
submit:
        add     x1, x24, #R_AVAIL
        b       1f
submit_at:
        mov     w0, #0
        mov     x6, #FAR_AWAY
        cmp     x1, x6
        b.eq    2f
1:      ldr     x2, [x25, #VT_AVAIL_NEXT]
        and     x3, x2, #QSIZE - 1
        add     x3, x1, x3, lsl #1
        strh    w0, [x3, #4]                // ring[idx % size] = head
        add     x2, x2, #1
        str     x2, [x25, #VT_AVAIL_NEXT]
        dmb     sy                          // the entry before idx (§2.7.13.3.1)
        strh    w2, [x1, #2]                // idx
2:      dmb     sy                          // idx before the notification (§2.7.13.4)
        b       vt_notify

// wait_used: poll the used ring until the device returns a chain; x0 = its id, x1 = its length.
wait_used:
        MOV32   w10, POLL_MAX
        ldr     x11, [x25, #VT_USED_SEEN]
1:      ldrh    w0, [x24, #R_USED + 2]
        cmp     w0, w11, uxth
        b.ne    2f
        subs    w10, w10, #1
        b.ne    1b
        adr     x0, .Ltimeout_used
        b       fail_timeout
2:      dmb     sy                          // idx before the entry (§2.7.14)
        and     x12, x11, #QSIZE - 1
        add     x12, x24, x12, lsl #3
        ldr     w0, [x12, #R_USED + 4]
        ldr     w1, [x12, #R_USED + 8]
        add     x11, x11, #1
        str     x11, [x25, #VT_USED_SEEN]
        ret

// wait_needs_reset: poll the status until DEVICE_NEEDS_RESET; x0 = the status.
wait_needs_reset:
        stp     x29, x30, [sp, #-16]!
        MOV32   w10, POLL_MAX
1:      bl      vt_status
        tbnz    w0, #6, 2f
        subs    w10, w10, #1
        b.ne    1b
        adr     x0, .Ltimeout_reset
        b       fail_timeout
2:      ldp     x29, x30, [sp], #16
        ret

// dev_reset: write 0 to the status and wait for it to read 0 (§2.4.2, §4.1.4.3.2); the
// driver's ring positions start again at 0, the rings are cleared.
dev_reset:
        stp     x29, x30, [sp, #-16]!
        mov     w0, #0
        bl      vt_set_status
        MOV32   w10, POLL_MAX
1:      bl      vt_status
        cbz     w0, 2f
        subs    w10, w10, #1
        b.ne    1b
        adr     x0, .Ltimeout_zero
        b       fail_timeout
2:      str     xzr, [x25, #VT_AVAIL_NEXT]
        str     xzr, [x25, #VT_USED_SEEN]
        add     x0, x24, #R_DESC
        add     x1, x24, #R_HDR
3:      str     xzr, [x0], #8
        cmp     x0, x1
        b.lo    3b
        ldp     x29, x30, [sp], #16
        ret

// dev_negotiate: §3.1.1 steps 1-6 with VIRTIO_F_VERSION_1 only; x0 = the status read back.
dev_negotiate:
        stp     x29, x30, [sp, #-16]!
        bl      dev_reset
        mov     w0, #S_ACK
        bl      vt_set_status
        mov     w0, #S_ACK | S_DRIVER
        bl      vt_set_status
        mov     w0, #0
        mov     w1, #0
        bl      vt_set_features
        mov     w0, #1
        mov     w1, #1                      // bit 32: VIRTIO_F_VERSION_1
        bl      vt_set_features
        mov     w0, #S_ACK | S_DRIVER | S_FEATURES_OK
        bl      vt_set_status
        bl      vt_status
        ldp     x29, x30, [sp], #16
        ret

// dev_start: dev_negotiate, queue 0 of QSIZE in RAM, DRIVER_OK; x0 = the status read back.
dev_start:
        stp     x29, x30, [sp, #-16]!
        bl      dev_negotiate
        mov     w0, #QSIZE
        add     x1, x24, #R_DESC
        add     x2, x24, #R_AVAIL
        add     x3, x24, #R_USED
        bl      vt_queue_setup
        mov     w0, #S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        bl      vt_set_status
        bl      vt_status
        ldp     x29, x30, [sp], #16
        ret

// ---- Transport: the same operations over virtio-mmio (§4.2.2) or virtio-pci (§4.1.4.3) -----------
// 64-bit fields are written as two 32-bit halves, low first (§4.1.3.1, §4.2.2.2). Clobber x0-x7.

// vt_status: w0 = device status.
vt_status:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        ldr     w0, [x1, #M_STATUS]
        ret
1:      ldr     x1, [x25, #VT_COMMON]
        ldrb    w0, [x1, #C_STATUS]
        ret

// vt_set_status: device status = w0.
vt_set_status:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        str     w0, [x1, #M_STATUS]
        ret
1:      ldr     x1, [x25, #VT_COMMON]
        strb    w0, [x1, #C_STATUS]
        ret

// vt_isr: w0 = the interrupt status, acknowledged (MMIO: InterruptACK; PCI: the read clears it).
vt_isr:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        ldr     w0, [x1, #M_ISR]
        str     w0, [x1, #M_ISR_ACK]
        ret
1:      ldr     x1, [x25, #VT_ISR]
        ldrb    w0, [x1]
        ret

// vt_features: w0 = device feature word w0.
vt_features:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        str     w0, [x1, #M_DFSEL]
        ldr     w0, [x1, #M_DF]
        ret
1:      ldr     x1, [x25, #VT_COMMON]
        str     w0, [x1, #C_DFSELECT]
        ldr     w0, [x1, #C_DF]
        ret

// vt_set_features: driver feature word w0 = w1.
vt_set_features:
        ldr     x2, [x25, #VT_KIND]
        cbnz    x2, 1f
        ldr     x2, [x25, #VT_BASE]
        str     w0, [x2, #M_GFSEL]
        str     w1, [x2, #M_GF]
        ret
1:      ldr     x2, [x25, #VT_COMMON]
        str     w0, [x2, #C_GFSELECT]
        str     w1, [x2, #C_GF]
        ret

// vt_queue_max: w0 = the largest size of queue 0 (selects it).
vt_queue_max:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        str     wzr, [x1, #M_Q_SEL]
        ldr     w0, [x1, #M_Q_NUM_MAX]
        ret
1:      ldr     x1, [x25, #VT_COMMON]
        strh    wzr, [x1, #C_Q_SELECT]
        ldrh    w0, [x1, #C_Q_SIZE]         // reads the maximum until written (§4.1.4.3)
        ret

// vt_queue_setup: queue 0 of size w0 with the descriptor table at x1, the available ring at x2 and
// the used ring at x3, then enabled (§4.2.3.2, §4.1.5.1.3).
vt_queue_setup:
        ldr     x4, [x25, #VT_KIND]
        cbnz    x4, 1f
        ldr     x4, [x25, #VT_BASE]
        str     wzr, [x4, #M_Q_SEL]
        str     w0, [x4, #M_Q_NUM]
        add     x5, x4, #M_Q_DESCLO
        mov     w6, #1
        b       2f
1:      ldr     x4, [x25, #VT_COMMON]
        strh    wzr, [x4, #C_Q_SELECT]
        strh    w0, [x4, #C_Q_SIZE]
        add     x5, x4, #C_Q_DESCLO
        mov     w6, #0
2:      str     w1, [x5]                    // the three addresses: 8 bytes apart on PCI,
        lsr     x7, x1, #32                 // 16 on virtio-mmio
        str     w7, [x5, #4]
        add     x5, x5, #8
        add     x5, x5, x6, lsl #3
        str     w2, [x5]
        lsr     x7, x2, #32
        str     w7, [x5, #4]
        add     x5, x5, #8
        add     x5, x5, x6, lsl #3
        str     w3, [x5]
        lsr     x7, x3, #32
        str     w7, [x5, #4]
        mov     w7, #1
        cbz     w6, 3f
        str     w7, [x4, #M_Q_READY]
        ret
3:      strh    w7, [x4, #C_Q_ENABLE]
        ret

// vt_queue_ready: w0 = queue 0 is enabled.
vt_queue_ready:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        ldr     w0, [x1, #M_Q_READY]
        ret
1:      ldr     x1, [x25, #VT_COMMON]
        ldrh    w0, [x1, #C_Q_ENABLE]
        ret

// vt_notify: an available buffer notification for queue 0 (MMIO: QueueNotify; PCI: the 16-bit
// queue index at notify + queue_notify_off * notify_off_multiplier, §4.1.4.4).
vt_notify:
        ldr     x1, [x25, #VT_KIND]
        cbnz    x1, 1f
        ldr     x1, [x25, #VT_BASE]
        str     wzr, [x1, #M_Q_NOTIFY]
        ret
1:      ldr     x1, [x25, #VT_COMMON]
        ldrh    w2, [x1, #C_Q_NOFF]
        ldr     x3, [x25, #VT_MULT]
        ldr     x4, [x25, #VT_NOTIFY]
        madd    x4, x2, x3, x4
        strh    wzr, [x4]
        ret

// vt_capacity: x0 = the disk's capacity in 512-byte sectors (le64 at 0 of the virtio-blk
// configuration, §5.2.4), read as two 32-bit halves (§4.1.3.1, §4.2.2.2).
vt_capacity:
        ldr     x1, [x25, #VT_KIND]
        ldr     x2, [x25, #VT_BASE]
        add     x2, x2, #M_CONFIG
        cbz     x1, 1f
        ldr     x2, [x25, #VT_DEVICE]
1:      ldr     w0, [x2]
        ldr     w1, [x2, #4]
        orr     x0, x0, x1, lsl #32
        ret

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

// putx: print x0 as 0x and its hex digits without leading zeros (clobbers x0-x6).
putx:
        mov     x2, #UART_DR
        mov     w4, #'0'
        strb    w4, [x2]
        mov     w4, #'x'
        strb    w4, [x2]
        orr     x3, x0, #1
        clz     x3, x3
        mov     x4, #63
        sub     x3, x4, x3
        bic     x3, x3, #3                  // shift of the top non-zero digit
        b       hex_digits

// puthex2: print the byte w0 as two hex digits (clobbers x0-x6).
puthex2:
        and     x0, x0, #0xff
        mov     x2, #UART_DR
        mov     x3, #4
hex_digits:                                 // x0 from digit x3 / 4 down, to x2
        lsr     x4, x0, x3
        and     x4, x4, #0xf
        add     x5, x4, #'0'
        add     x6, x4, #('a' - 10)
        cmp     x4, #10
        csel    x4, x6, x5, hs
        strb    w4, [x2]
        subs    x3, x3, #4
        b.pl    hex_digits
        ret

        .section .rodata
.Lname_desc:    .asciz  "descriptor table"
.Lname_avail:   .asciz  "available ring"
.Lname_used:    .asciz  "used ring"
.Ltimeout_used: .asciz  "the used ring"
.Ltimeout_reset: .asciz "DEVICE_NEEDS_RESET"
.Ltimeout_zero: .asciz  "the status to read 0 after a reset"
        .balign 4
cap_slot:       .byte   VT_COMMON, VT_NOTIFY, VT_ISR, VT_DEVICE    // cfg_type 1..4

        .bss
        .balign 8
vt:     .space  80
        .balign 4096
ring:   .space  0x2000

        GUEST_END virtio-hostile
