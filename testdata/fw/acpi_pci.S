// Test firmware for the cloud-hypervisor profile: finds the machine through ACPI as a firmware
// there must (rust-hypervisor-firmware reads Cloud Hypervisor's tables from guest memory), then
// reads sector 0 of the first disk through PCI.
//
//   bootemu run --machine cloud-hypervisor --firmware ch-acpi-pci.bin --disk IMG
//
// Loaded as an arm64 Image (header below; booting.rst §3) at 0x4040_0000 and entered at EL1 with
// the MMU off, x0 = the device tree (printed, not read). PL011 at 0x0900_0000, PSCI over HVC.
//
// 1. RSDP at 0x4020_0000, where Cloud Hypervisor writes it (`layout::RSDP_POINTER`, RAM + 2 MiB)
//    and rust-hypervisor-firmware looks (ACPI 6.5 §5.2.5.3): signature "RSD PTR ", the checksum
//    over the first 20 bytes, revision 2 or later, length 36 or more, the extended checksum over
//    the length, a non-zero XSDT address; anything else is "FAIL rsdp: ...".
// 2. The XSDT (§5.2.8): signature "XSDT", length 36 + 8 n (n at most XSDT_MAX). Each table it
//    lists, and the DSDT the FADT points at (X_DSDT, or DSDT when X_DSDT is 0 or the FADT too
//    short; §5.2.9), gets one line "acpi SIG at ADDR length LEN checksum ok|bad" (§5.2.6: all
//    bytes of the table sum to 0 modulo 256); a signature must be four upper-case letters, digits
//    or '_' (the XSDT's "XSDT", the DSDT's "DSDT"), a length 36..TABLE_MAX. The XSDT's line ends
//    with its entry count, the DSDT's with where it was found. Then FACP and MCFG must have been
//    listed and every checksum must be ok.
// 3. The MCFG (PCI Firmware 3.2 §4.1.2): the first allocation must be segment 0 from bus 0; its
//    ECAM base is printed and must be the profile's 0x3000_0000 (Cloud Hypervisor's
//    `PCI_MMCONFIG_START`).
// 4. ECAM bus 0, slots 0..31 (functions 1..7 of multi-function devices too): one line
//    "pci 00:DD.F vvvv:dddd class cccccc" per function present (vendor not 0xffff).
// 5. The first 1af4:1042 (virtio-blk-pci, modern) function: a memory BAR 4 (64-bit: BAR 5 holds
//    the high half) that the machine assigned (non-zero) with memory decoding on in the command
//    register, which is left as the machine set it (Cloud Hypervisor assigns BARs itself and does
//    not check bus mastering). Its virtio structures come from the vendor capabilities; the device
//    is initialized with VIRTIO_F_VERSION_1 and one queue, and a read of sector 0 must complete
//    with VIRTIO_BLK_S_OK and 513 bytes used (virtio.inc, shared with virtio_hostile.S). The line
//    "sector 0: ..." gives its first 32 bytes in hex; tests/firmware.rs compares them with the file.
// 6. "PASS ch-acpi-pci", PSCI SYSTEM_OFF.
//
// Any failure prints "FAIL <what>: ..." and powers off (an unexpected exception: common.inc's
// "FAIL ch-acpi-pci 0 exception ESR ..."). Every loop is bounded: the XSDT entries, each table's
// length, the capability list, the slots and functions, every wait for the device (POLL_MAX).
// Tables are read a byte at a time: with the MMU off memory is Device memory, where an unaligned
// access faults, and ACPI fields need not be aligned.
//
// Built by testdata/build.sh with fw.ld (linked at 0, position independent: adr only) into
// build/fw/ch-acpi-pci.bin. Registers: x24 = `ring`, x25 = `vt` (virtio.inc); the steps keep what
// they found in x16-x23; helpers clobber x0-x15.

        .include "common.inc"
        .include "virtio.inc"

        .equ    RSDP_ADDR, 0x40200000
        .equ    RSDP_SIG_LO, 0x20445352     // "RSD " (little-endian)
        .equ    RSDP_SIG_HI, 0x20525450     // "PTR "
        .equ    RSDP_V1_LEN, 20             // the part the first checksum covers
        .equ    RSDP_LEN, 36                // revision 2
        .equ    RSDP_MAX, 4096              // bound on the length field
        .equ    HDR_LEN, 36                 // system description table header
        .equ    TABLE_MAX, 0x200000         // 2 MiB: the ACPI area below the firmware
        .equ    XSDT_MAX, 64                // entries
        .equ    SIG_XSDT, 0x54445358
        .equ    SIG_DSDT, 0x54445344
        .equ    SIG_FACP, 0x50434146
        .equ    SIG_MCFG, 0x4746434d
        .equ    FADT_DSDT, 40               // 32-bit DSDT address
        .equ    FADT_X_DSDT, 140            // 64-bit DSDT address (FADT 148 bytes or more)
        .equ    MCFG_ALLOC, 44              // first allocation: base 8, segment 2, buses 1 + 1
        .equ    MCFG_ALLOC_LEN, 16
        .equ    ECAM_EXPECTED, 0x30000000
        .equ    ECAM_SLOTS, 32
        .equ    ECAM_FUNCS, 8
        .equ    IMAGE_MAGIC, 0x644d5241     // "ARM\x64"

// FAIL "what: text": the start of a failure line (finish it, then `b fail_end`).
        .macro  FAIL str
        SAY     "FAIL \str"
        .endm

        .section .text.head, "ax"
        .globl  _start
_start:
        // arm64 Image header (booting.rst §3): text_offset 0, image_size with the .bss,
        // flags little-endian | 4 KiB pages | anywhere in RAM.
        b       start                       // code0
        .long   0                           // code1
        .quad   0                           // text_offset
        .quad   fw_end                      // image_size (linked at 0: the address is the size)
        .quad   0xa                         // flags
        .quad   0, 0, 0                     // res2..res4
        .long   IMAGE_MAGIC                 // magic
        .long   0                           // res5

        .text
start:
        msr     daifset, #0xf
        mov     x19, x0
        adr     x0, fw_bss                  // .bss (vt, ring, stack): zero, nothing else will
        adr     x1, fw_end
1:      stp     xzr, xzr, [x0], #16
        cmp     x0, x1
        b.lo    1b
        adr     x0, stack_top
        mov     sp, x0
        adr     x0, default_vectors
        msr     vbar_el1, x0
        isb
        mov     x28, #0
        adr     x25, vt
        adr     x24, ring
        SAY     "ch-acpi-pci: at "
        adr     x0, _start
        bl      putx
        SAY     ", EL"
        mrs     x0, CurrentEL
        lsr     x0, x0, #2
        bl      putdec
        SAY     ", x0 "
        SAYX    x19
        SAY     "\n"

// ---- 1: RSDP -----------------------------------------------------------------------------------
        MOV32   w19, RSDP_ADDR
        mov     x0, x19
        mov     x1, #8
        bl      ld_le
        mov     x20, x0
        MOV32   w1, RSDP_SIG_LO
        MOV32   w2, RSDP_SIG_HI
        orr     x1, x1, x2, lsl #32
        cmp     x0, x1
        b.eq    1f
        FAIL    "rsdp: no RSD PTR signature at "
        SAYX    x19
        SAY     " (found "
        SAYX    x20
        SAY     ")"
        b       fail_end
1:      mov     x0, x19
        mov     x1, #RSDP_V1_LEN
        bl      sum8
        cbz     w0, 2f
        mov     x20, x0
        FAIL    "rsdp: the first 20 bytes sum to "
        SAYX    x20
        b       fail_end
2:      ldrb    w20, [x19, #15]             // revision
        cmp     w20, #2
        b.hs    3f
        FAIL    "rsdp: revision "
        mov     x0, x20
        bl      putdec
        SAY     ", no XSDT"
        b       fail_end
3:      add     x0, x19, #20
        mov     x1, #4
        bl      ld_le
        mov     x21, x0                     // length
        cmp     x21, #RSDP_LEN
        b.lo    4f
        cmp     x21, #RSDP_MAX
        b.ls    5f
4:      FAIL    "rsdp: length "
        mov     x0, x21
        bl      putdec
        b       fail_end
5:      mov     x0, x19
        mov     x1, x21
        bl      sum8
        cbz     w0, 6f
        mov     x20, x0
        FAIL    "rsdp: the extended checksum: the bytes sum to "
        SAYX    x20
        b       fail_end
6:      add     x0, x19, #24
        mov     x1, #8
        bl      ld_le
        mov     x22, x0                     // XSDT
        cbnz    x22, 7f
        FAIL    "rsdp: XSDT address 0"
        b       fail_end
7:      SAY     "RSDP at "
        SAYX    x19
        SAY     ": revision "
        mov     x0, x20
        bl      putdec
        SAY     ", OEM "
        add     x0, x19, #9
        mov     x1, #6
        bl      put_chars
        SAY     ", length "
        mov     x0, x21
        bl      putdec
        SAY     ", checksum ok, extended checksum ok, XSDT at "
        SAYX    x22
        SAY     "\n"

// ---- 2: XSDT and the tables ----------------------------------------------------------------------
        mov     x20, x22                    // x20: XSDT
        mov     x16, #0                     // x16: FACP
        mov     x17, #0                     // x17: MCFG
        mov     x23, #0                     // x23: tables with a bad checksum
        mov     x0, x20
        MOV32   w1, SIG_XSDT
        bl      check_table
        add     x23, x23, x0
        sub     x21, x2, #HDR_LEN
        tst     x21, #7
        b.eq    1f
        SAY     "\n"
        FAIL    "xsdt: length "
        mov     x0, x21
        add     x0, x0, #HDR_LEN
        bl      putdec
        SAY     " is not 36 + 8 n"
        b       fail_end
1:      lsr     x21, x21, #3                // x21: entries
        cmp     x21, #XSDT_MAX
        b.ls    2f
        SAY     "\n"
        FAIL    "xsdt: more than 64 entries: "
        mov     x0, x21
        bl      putdec
        b       fail_end
2:      SAY     " ("
        mov     x0, x21
        bl      putdec
        SAY     " entries)\n"
        mov     x22, #0                     // x22: entry
entry:
        cmp     x22, x21
        b.hs    entries_done
        add     x0, x20, #HDR_LEN
        add     x0, x0, x22, lsl #3
        mov     x1, #8
        bl      ld_le
        mov     x19, x0                     // x19: the table
        mov     w1, #0
        bl      check_table
        add     x23, x23, x0
        mov     w15, w1                     // signature
        mov     x14, x2                     // length
        SAY     "\n"
        add     x22, x22, #1
        MOV32   w0, SIG_MCFG
        cmp     w15, w0
        b.ne    1f
        cbnz    x17, entry
        mov     x17, x19
        b       entry
1:      MOV32   w0, SIG_FACP
        cmp     w15, w0
        b.ne    entry
        cbnz    x16, entry
        mov     x16, x19
        // The DSDT: X_DSDT when the FADT has it and it is not 0, else DSDT.
        mov     x0, #FADT_X_DSDT + 8
        cmp     x14, x0
        b.lo    2f
        add     x0, x19, #FADT_X_DSDT
        mov     x1, #8
        bl      ld_le
        cbz     x0, 2f
        mov     x19, x0
        adr     x18, .Lvia_x_dsdt
        b       3f
2:      add     x0, x16, #FADT_DSDT
        mov     x1, #4
        bl      ld_le
        mov     x19, x0
        adr     x18, .Lvia_dsdt
3:      mov     x0, x19
        MOV32   w1, SIG_DSDT
        bl      check_table
        add     x23, x23, x0
        mov     x0, x18
        bl      puts
        b       entry
entries_done:
        cbnz    x16, 1f
        FAIL    "acpi: no FACP in the XSDT"
        b       fail_end
1:      cbnz    x17, 2f
        FAIL    "acpi: no MCFG in the XSDT"
        b       fail_end
2:      cbz     x23, 3f
        FAIL    "acpi: tables with a bad checksum: "
        mov     x0, x23
        bl      putdec
        b       fail_end
3:

// ---- 3: MCFG -------------------------------------------------------------------------------------
        add     x0, x17, #4
        mov     x1, #4
        bl      ld_le
        mov     x21, x0
        cmp     x21, #MCFG_ALLOC + MCFG_ALLOC_LEN
        b.hs    1f
        FAIL    "mcfg: length "
        mov     x0, x21
        bl      putdec
        SAY     ", no allocation"
        b       fail_end
1:      add     x0, x17, #MCFG_ALLOC
        mov     x1, #8
        bl      ld_le
        mov     x20, x0                     // x20: ECAM base
        add     x0, x17, #MCFG_ALLOC + 8
        mov     x1, #2
        bl      ld_le
        mov     x22, x0                     // segment
        ldrb    w18, [x17, #MCFG_ALLOC + 10] // start bus
        ldrb    w19, [x17, #MCFG_ALLOC + 11] // end bus
        SAY     "MCFG: ECAM at "
        SAYX    x20
        SAY     ", segment "
        mov     x0, x22
        bl      putdec
        SAY     ", buses "
        mov     x0, x18
        bl      putdec
        SAY     "-"
        mov     x0, x19
        bl      putdec
        SAY     "\n"
        cbnz    x22, 2f
        cbz     x18, 3f
2:      FAIL    "mcfg: the first allocation is not segment 0 from bus 0"
        b       fail_end
3:      MOV32   w0, ECAM_EXPECTED
        cmp     x20, x0
        b.eq    4f
        FAIL    "ecam: MCFG gives "
        SAYX    x20
        SAY     ", the cloud-hypervisor profile has 0x30000000"
        b       fail_end
4:

// ---- 4: ECAM bus 0 -------------------------------------------------------------------------------
        mov     x18, #0                     // x18: the virtio-blk function's configuration space
        mov     x21, #0                     // x21: slot
slot:
        mov     x22, #0                     // x22: function
        mov     x23, #1                     // x23: functions to look at in this slot
func:
        lsl     x19, x21, #15
        add     x19, x19, x22, lsl #12
        add     x19, x19, x20               // x19: configuration space
        ldr     w16, [x19]                  // device:vendor
        and     w0, w16, #0xffff
        mov     w1, #0xffff
        cmp     w0, w1
        b.eq    next_func                   // nothing there (a master abort reads all ones)
        cbnz    x22, 1f
        ldrb    w0, [x19, #PCI_HEADER_TYPE]
        tbz     w0, #7, 1f
        mov     x23, #ECAM_FUNCS            // multi-function
1:      SAY     "pci 00:"
        mov     x0, x21
        bl      puthex2
        SAY     "."
        add     w0, w22, #'0'
        bl      putc
        SAY     " "
        lsr     w0, w16, #8
        bl      puthex2
        mov     w0, w16
        bl      puthex2
        SAY     ":"
        lsr     w0, w16, #24
        bl      puthex2
        lsr     w0, w16, #16
        bl      puthex2
        SAY     " class "
        ldr     w17, [x19, #8]              // class code << 8 | revision
        lsr     w0, w17, #24
        bl      puthex2
        lsr     w0, w17, #16
        bl      puthex2
        lsr     w0, w17, #8
        bl      puthex2
        SAY     "\n"
        MOV32   w0, PCI_ID_BLK
        cmp     w16, w0
        b.ne    next_func
        cbnz    x18, next_func
        mov     x18, x19
next_func:
        add     x22, x22, #1
        cmp     x22, x23
        b.lo    func
        add     x21, x21, #1
        cmp     x21, #ECAM_SLOTS
        b.lo    slot
        cbnz    x18, 1f
        FAIL    "virtio-blk: no 1af4:1042 function on bus 0"
        b       fail_end
1:

// ---- 5: virtio-blk -------------------------------------------------------------------------------
        sub     x21, x18, x20
        lsr     x21, x21, #12               // x21: slot << 3 | function
        ldrh    w22, [x18, #PCI_COMMAND]    // x22: command
        ldr     w19, [x18, #PCI_BAR4]
        tbz     w19, #0, 1f
        FAIL    "bar: BAR 4 is an I/O BAR: "
        SAYX    x19
        b       fail_end
1:      ubfx    w0, w19, #1, #2             // type: 0 32-bit, 2 64-bit
        mov     x23, #32
        cmp     w0, #2
        b.ne    2f
        ldr     w0, [x18, #PCI_BAR5]
        orr     x19, x19, x0, lsl #32
        mov     x23, #64
2:      and     x19, x19, #~0xf             // x19: BAR 4
        cbnz    x19, 3f
        FAIL    "bar: BAR 4 is not assigned (0)"
        b       fail_end
3:      tbnz    w22, #1, 4f                 // MEMORY
        FAIL    "bar: memory decoding is off, command "
        SAYX    x22
        b       fail_end
4:      mov     x0, x18
        mov     x1, x19
        bl      vt_pci_caps
        mov     x16, x0
        cmp     x16, #VT_CAPS_ALL
        b.eq    5f
        FAIL    "virtio: capabilities found on BAR 4 (bit n: cfg_type n) "
        SAYX    x16
        SAY     ", want 0x1e"
        b       fail_end
5:      SAY     "virtio-blk 00:"
        lsr     x0, x21, #3
        bl      puthex2
        SAY     "."
        and     x0, x21, #7
        add     w0, w0, #'0'
        bl      putc
        SAY     ": BAR 4 at "
        SAYX    x19
        SAY     " ("
        mov     x0, x23
        bl      putdec
        SAY     "-bit), command "
        SAYX    x22
        SAY     ": common +"
        ldr     x0, [x25, #VT_COMMON]
        sub     x0, x0, x19
        bl      putx
        SAY     " isr +"
        ldr     x0, [x25, #VT_ISR]
        sub     x0, x0, x19
        bl      putx
        SAY     " device +"
        ldr     x0, [x25, #VT_DEVICE]
        sub     x0, x0, x19
        bl      putx
        SAY     " notify +"
        ldr     x0, [x25, #VT_NOTIFY]
        sub     x0, x0, x19
        bl      putx
        SAY     " x"
        ldr     x0, [x25, #VT_MULT]
        bl      putdec
        mov     w0, #1
        bl      vt_features
        tbnz    w0, #0, 6f                  // VIRTIO_F_VERSION_1 (bit 32)
        SAY     "\n"
        FAIL    "virtio: no VIRTIO_F_VERSION_1"
        b       fail_end
6:      bl      vt_capacity
        mov     x16, x0
        SAY     ", capacity "
        mov     x0, x16
        bl      putdec
        SAY     " sectors\n"
        cbnz    x16, 7f
        FAIL    "virtio-blk: capacity 0"
        b       fail_end
7:      bl      dev_start
        mov     x16, x0
        cmp     x16, #S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK
        b.eq    8f
        FAIL    "virtio: device status after DRIVER_OK "
        SAYX    x16
        SAY     ", want 0xf"
        b       fail_end
8:      mov     x0, #0
        add     x1, x24, #R_DATA
        mov     w2, #512
        bl      blk_read                    // x19 used id, x20 length, x21 blk status
        cbnz    x19, 9f
        cmp     x20, #513
        b.ne    9f
        cbz     x21, 10f
9:      FAIL    "virtio-blk: read of sector 0: used id "
        mov     x0, x19
        bl      putdec
        SAY     " len "
        mov     x0, x20
        bl      putdec
        SAY     " (want 513), blk status "
        SAYX    x21
        SAY     ", status "
        SAYX    x22
        b       fail_end
10:     SAY     "sector 0: "
        mov     x19, #0
        add     x20, x24, #R_DATA
11:     ldrb    w0, [x20, x19]
        bl      puthex2
        add     x19, x19, #1
        cmp     x19, #32
        b.lo    11b
        SAY     "\n"
        bl      dev_reset
        b       pass

// ---- Helpers -------------------------------------------------------------------------------------

// check_table: the table at x0, whose signature must be w1 (0: any ACPI name), gets its line
// "acpi SIG at ADDR length LEN checksum ok|bad" (without the newline). Returns x0 = 0 when the
// checksum is ok, 1 when bad; w1 = the signature, x2 = the length. A table at 0, a signature
// that is not an ACPI name (or not w1) and a length outside 36..TABLE_MAX end the run.
check_table:
        stp     x29, x30, [sp, #-16]!
        mov     x9, x0                      // x9: address
        mov     w11, w1                     // x11: the signature wanted
        cbnz    x9, 1f
        FAIL    "acpi: a table at 0"
        b       fail_end
1:      mov     x1, #4
        bl      ld_le
        mov     w12, w0                     // x12: signature
        mov     x13, #4
        mov     w14, w12
2:      and     w0, w14, #0xff              // 'A'..'Z', '0'..'9' or '_'
        sub     w1, w0, #'A'
        cmp     w1, #25
        b.ls    3f
        sub     w1, w0, #'0'
        cmp     w1, #9
        b.ls    3f
        cmp     w0, #'_'
        b.ne    4f
3:      lsr     w14, w14, #8
        subs    x13, x13, #1
        b.ne    2b
        cbz     w11, 5f
        cmp     w12, w11
        b.eq    5f
4:      FAIL    "acpi: the table at "
        SAYX    x9
        SAY     " has signature "
        SAYX    x12
        cbz     w11, 41f
        SAY     ", want "
        SAYX    x11
41:     b       fail_end
5:      add     x0, x9, #4
        mov     x1, #4
        bl      ld_le
        mov     x10, x0                     // x10: length
        SAY     "acpi "
        mov     x0, x9
        mov     x1, #4
        bl      put_chars
        SAY     " at "
        SAYX    x9
        SAY     " length "
        mov     x0, x10
        bl      putdec
        cmp     x10, #HDR_LEN
        b.lo    6f
        MOV32   w0, TABLE_MAX
        cmp     x10, x0
        b.ls    7f
6:      SAY     "\n"
        FAIL    "acpi: length out of 36.."
        MOV32   w0, TABLE_MAX
        bl      putdec
        b       fail_end
7:      mov     x0, x9
        mov     x1, x10
        bl      sum8
        mov     x13, x0
        cbnz    x13, 8f
        SAY     " checksum ok"
        mov     x0, #0
        b       9f
8:      SAY     " checksum bad"
        mov     x0, #1
9:      mov     w1, w12
        mov     x2, x10
        ldp     x29, x30, [sp], #16
        ret

// ld_le: x0 = the little-endian value of the x1 bytes (1..8) at x0, read a byte at a time
// (clobbers x0-x4).
ld_le:
        mov     x2, x0
        mov     x0, #0
        mov     x3, #0
1:      ldrb    w4, [x2], #1
        lsl     x4, x4, x3
        orr     x0, x0, x4
        add     x3, x3, #8
        subs    x1, x1, #1
        b.ne    1b
        ret

// sum8: w0 = the sum of the x1 bytes at x0 modulo 256 (x1 > 0; clobbers x0-x3).
sum8:
        mov     x2, x0
        mov     w0, #0
1:      ldrb    w3, [x2], #1
        add     w0, w0, w3
        subs    x1, x1, #1
        b.ne    1b
        and     w0, w0, #0xff
        ret

// put_chars: print the x1 bytes at x0, '?' for a byte that is not printable ASCII
// (clobbers x0-x5).
put_chars:
        mov     x3, x0
        mov     x4, x1
        mov     x5, #UART_DR
1:      ldrb    w0, [x3], #1
        sub     w1, w0, #0x20
        cmp     w1, #0x5e
        mov     w1, #'?'
        csel    w0, w0, w1, ls
        strb    w0, [x5]
        subs    x4, x4, #1
        b.ne    1b
        ret

// fail_timeout: virtio.inc's bounded waits end here with x0 = what was waited for.
fail_timeout:
        mov     x19, x0
        FAIL    "virtio: timeout waiting for "
        mov     x0, x19
        bl      puts
// fail_end: end the FAIL line, power off.
fail_end:
        SAY     "\n"
        b       poweroff

        VIRTIO_DRIVER
        PRINT_HELPERS

        .section .rodata
.Lvia_x_dsdt:   .asciz  " (FACP X_DSDT)\n"
.Lvia_dsdt:     .asciz  " (FACP DSDT)\n"

        GUEST_END ch-acpi-pci
