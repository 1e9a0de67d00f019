// mmu: stage-1 translation of the EL1&0 regime (DDI 0487 D8: VMSAv8-64) with each granule in turn,
// 4K, 16K and 64K (T0SZ = T1SZ = 25: 39-bit VAs; walks start at level 1, 1 and 2). For each granule
// the guest builds its tables at run time (`map`), turns the MMU on and checks:
// - identity-mapped RAM (blocks, Normal write-back, EL1 only) and MMIO (Device-nGnRnE via MAIR, the
//   UART prints "mmu <granule> ok" with the MMU on); loads/stores through a level 3 page, the same
//   physical page read through TTBR1 (VA 0xffff_ff80_0000_0000);
// - translation faults at level 3, level 2 and the start level (DFSC 0x04 + level, FAR), and for a
//   VA outside both TTBR ranges (level 0); a store to a read-only page (permission fault, WnR); an
//   access flag fault (AF = 0, DFSC 0x0b), then the same page after setting AF;
// - instruction fetch: PXN page (instruction abort EC 0x21, IFSC 0x0f, FAR = ELR = the VA), an
//   executable page; from EL0: UXN page (EC 0x20), EL0-executable page, EL0 load of an EL1-only page
//   (permission fault, EC 0x24) and of an EL0 page;
// - Device memory (MAIR attr1 = 0x00) loads, and its attribute in PAR_EL1 (QEMU does not take
//   alignment faults on unaligned Device accesses, so those are not checked);
// - TLB maintenance: a page remapped to another physical page is seen after DSB + TLBI VAE1 / VALE1IS
//   / ASIDE1 / VMALLE1 + DSB + ISB;
// - AT S1E1R / S1E1W / S1E0R and PAR_EL1 (PA, MAIR attribute, shareability; F and FST on faults).
// The ID register must advertise all three granules. QEMU's cortex-a57 has no 16K granule, so the
// QEMU oracle for this guest runs with -cpu cortex-a76 (same VMSAv8-64 behaviour for all of the above).
// Handler registers: x17 = exception count, x18 = vector id (1 current EL, 2 lower EL), x14..x16 =
// ESR, ELR, FAR; resumes at x24 (current EL); from EL0: SVC resumes EL1 at x24, an instruction abort
// resumes EL0 at x30, anything else skips the instruction.
// Other registers: x19 = page shift S, x20 = start level, x21/x22 = TTBR0/TTBR1 roots, x23 = next
// free table, x25 = page size, x29 = granule number.
        .include "common.inc"
        GUEST_ENTRY

        .equ    TV, 0x100000000             // test pages: TV + k x page size
        .equ    TH, 0xffffff8000000000      // lowest TTBR1 VA with T1SZ = 25
        .equ    N_EL1RW, 0x700              // AttrIndx 0 (Normal WB), SH inner, AF, AP 00
        .equ    N_EL1RO, 0x780              // AP 10
        .equ    N_ALLRW, 0x740              // AP 01
        .equ    N_ALLRO, 0x7c0              // AP 11
        .equ    N_NOAF, 0x300               // AF = 0
        .equ    DEV, 0x404                  // AttrIndx 1 (Device-nGnRnE), AF
        .equ    PXN, 0x0020000000000000
        .equ    UXN, 0x0040000000000000
        .equ    XN, 0x0060000000000000
        .equ    SCTLR_OFF, 0x30d00800
        .equ    SCTLR_ON, 0x30d01805        // M, C, I

        .balign 2048
vectors:
        .rept   4
        b       unexpected_exception
        .balign 128
        .endr
        mrs     x14, esr_el1            // 0x200: current EL with SPx, synchronous
        mrs     x15, elr_el1
        mrs     x16, far_el1
        mov     x18, #1
        add     x17, x17, #1
        cbz     x24, unexpected_exception // x24 = 0: nobody expected it
        msr     elr_el1, x24
        mov     x24, #0
        eret
        .balign 128
        .rept   3
        b       unexpected_exception
        .balign 128
        .endr
        mrs     x14, esr_el1            // 0x400: lower EL, synchronous
        mrs     x15, elr_el1
        mrs     x16, far_el1
        mov     x18, #2
        add     x17, x17, #1
        b       lower
        .balign 128
        .rept   7
        b       unexpected_exception
        .balign 128
        .endr

lower:
        lsr     x9, x14, #26
        cmp     x9, #0x15
        b.eq    1f
        cmp     x9, #0x20
        b.eq    2f
        add     x9, x15, #4
        msr     elr_el1, x9
        eret
1:      cbz     x24, unexpected_exception
        mov     x9, #0x3c5
        msr     spsr_el1, x9
        msr     elr_el1, x24
        mov     x24, #0
        eret
2:      msr     elr_el1, x30
        eret

// map: x0 = VA, x1 = final descriptor, x2 = its level, x3 = root table. Walks from the start level,
// allocating zeroed tables from x23 (clobbers x0, x4-x11).
map:
        ubfx    x0, x0, #0, #39
        mov     x4, x20
        mov     x5, x3
1:      mov     x6, #3
        sub     x6, x6, x4
        sub     x7, x19, #3
        mul     x6, x6, x7
        add     x6, x6, x19             // shift = S + (3 - level) x (S - 3)
        lsr     x7, x0, x6
        sub     x8, x19, #3
        mov     x9, #1
        lsl     x9, x9, x8
        sub     x9, x9, #1
        and     x7, x7, x9
        add     x7, x5, x7, lsl #3      // the entry
        cmp     x4, x2
        b.eq    3f
        ldr     x8, [x7]
        tbnz    x8, #0, 2f
        mov     x8, x23                 // new table
        add     x23, x23, x25
        mov     x10, x8
4:      stp     xzr, xzr, [x10], #16
        cmp     x10, x23
        b.lo    4b
        orr     x11, x8, #3
        str     x11, [x7]
2:      and     x8, x8, #0x0000fffffffff000
        lsr     x8, x8, x19
        lsl     x5, x8, x19
        add     x4, x4, #1
        b       1b
3:      str     x1, [x7]
        ret

// MAP va, pa, attrs, level: x0-x11 clobbered; va/pa/attrs are registers or `=constants` via ldr.
        .macro  MAPR va, pa, attrs, level, root
        mov     x0, \va
        orr     x1, \pa, \attrs
        .if     \level == 3
        orr     x1, x1, #3
        .else
        orr     x1, x1, #1
        .endif
        mov     x2, #\level
        mov     x3, \root
        bl      map
        .endm

// PAGE_VA xd, k: xd = TV + k x page size.
        .macro  PAGE_VA xd, k
        mov     \xd, #\k
        mul     \xd, \xd, x25
        orr     \xd, \xd, #TV
        .endm

// DABT_CHECK dfsc, far, wnr: the last exception was a data abort at EL1 with that DFSC, FAR and WnR.
        .macro  DABT_CHECK dfsc, farreg, wnr=0
        lsr     x0, x14, #26
        CHECK   x0, 0x25
        and     x0, x14, #0x3f
        CHECK   x0, \dfsc
        ubfx    x0, x14, #6, #1
        CHECK   x0, \wnr
        CHECK_EQ x16, \farreg
        .endm

// LOAD_FAULT va_reg: load from va_reg expecting an exception (x17 counts it).
        .macro  LOAD_FAULT vreg
        adr     x24, .Lr\@
        mov     x16, #-1
        ldr     x0, [\vreg]
        mov     x14, #0                 // not reached when the load faults
.Lr\@:
        .endm

// REMAP pa: remap test page 0 to physical page x<pa> (not x0-x12) and DSB; the caller invalidates.
        .macro  REMAP pa
        PAGE_VA x12, 0
        ldr     x5, =(N_EL1RW | XN)
        MAPR    x12, \pa, x5, 3, x21
        dsb     ishst
        .endm

// DATA0_VAL xd / DATA1_VAL xd: the value stored at the start of DATA0 / DATA1 for this granule.
        .macro  DATA0_VAL xd
        ldr     \xd, =0x1111111111111111
        add     \xd, \xd, x29
        .endm
        .macro  DATA1_VAL xd
        ldr     \xd, =0x2222222222222222
        add     \xd, \xd, x29
        .endm

main:
        msr     daifset, #0xf
        mov     x24, #0
        adr     x0, vectors
        msr     vbar_el1, x0
        isb
        mrs     x0, id_aa64mmfr0_el1
        ubfx    x1, x0, #28, #4
        CHECK   x1, 0                   // TGran4: supported
        ubfx    x1, x0, #24, #4
        CHECK   x1, 0                   // TGran64: supported
        ubfx    x1, x0, #20, #4
        CHECK   x1, 1                   // TGran16: supported
        ldr     x0, =0x00ff             // MAIR: attr0 Normal WB RA WA, attr1 Device-nGnRnE
        msr     mair_el1, x0
        mov     x29, #0

granule:
        adr     x0, params
        add     x0, x0, x29, lsl #5
        ldp     x19, x20, [x0]          // page shift, start level
        ldr     x1, [x0, #16]
        msr     tcr_el1, x1
        mov     x25, #1
        lsl     x25, x25, x19
        adr     x23, pool
        mov     x21, x23                // roots
        add     x22, x21, x25
        add     x23, x22, x25
        mov     x0, x21
1:      stp     xzr, xzr, [x0], #16
        cmp     x0, x23
        b.lo    1b
        // data pages: DATA0 = 0x1111...+g, DATA1 = 0x2222...+g, DATA2 = 0x3333...+g
        adr     x0, data0
        ldr     x1, =0x1111111111111111
        add     x1, x1, x29
        str     x1, [x0]
        str     xzr, [x0, #8]
        adr     x0, data1
        ldr     x1, =0x2222222222222222
        add     x1, x1, x29
        str     x1, [x0]
        adr     x0, data2
        ldr     x1, =0x3333333333333333
        add     x1, x1, x29
        str     x1, [x0]

        // block size at level 2: 1 << (S + S - 3)
        add     x0, x19, x19
        sub     x0, x0, #3
        mov     x12, #1
        lsl     x12, x12, x0
        str     x12, [sp, #-16]!
        // MMIO 0x0800_0000 .. 0x0a00_0000: Device blocks
        mov     x13, #0x08000000
2:      ldr     x12, [sp]
        sub     x12, x12, #1
        bic     x0, x13, x12
        ldr     x5, =(DEV | XN)
        MAPR    x0, x0, x5, 2, x21
        ldr     x12, [sp]
        add     x13, x13, x12
        mov     x0, #0x0a000000
        cmp     x13, x0
        b.lo    2b
        // RAM 0x4000_0000 .. 0x6000_0000: Normal blocks, EL1 RW, executable
        mov     x13, #0x40000000
3:      mov     x5, #N_EL1RW
        MAPR    x13, x13, x5, 2, x21
        ldr     x12, [sp]
        add     x13, x13, x12
        mov     x0, #0x60000000
        cmp     x13, x0
        b.lo    3b
        // test pages
        adr     x13, data0
        PAGE_VA x12, 0
        ldr     x5, =(N_EL1RW | XN)
        MAPR    x12, x13, x5, 3, x21
        PAGE_VA x12, 1
        ldr     x5, =(N_EL1RO | XN)
        MAPR    x12, x13, x5, 3, x21
        PAGE_VA x12, 8
        ldr     x5, =(N_ALLRW | XN)
        MAPR    x12, x13, x5, 3, x21
        ldr     x12, =TH
        ldr     x5, =(N_EL1RW | XN)
        MAPR    x12, x13, x5, 3, x22
        adr     x13, data1
        PAGE_VA x12, 3
        ldr     x5, =(N_NOAF | XN)
        MAPR    x12, x13, x5, 3, x21
        adr     x13, xpage
        PAGE_VA x12, 4
        ldr     x5, =(N_EL1RW | PXN)
        MAPR    x12, x13, x5, 3, x21
        PAGE_VA x12, 5
        ldr     x5, =(N_ALLRO | UXN)
        MAPR    x12, x13, x5, 3, x21
        PAGE_VA x12, 6
        mov     x5, #N_ALLRO
        MAPR    x12, x13, x5, 3, x21
        adr     x13, data2
        PAGE_VA x12, 7
        ldr     x5, =(DEV | XN)
        MAPR    x12, x13, x5, 3, x21

        // MMU on
        msr     ttbr0_el1, x21
        msr     ttbr1_el1, x22
        dsb     sy
        tlbi    vmalle1
        dsb     nsh
        isb
        MOV32   w0, SCTLR_ON
        msr     sctlr_el1, x0
        isb
        mov     x17, #0

// ---- loads and stores through the tables ------------------------------------------------------------
        ldr     x9, =0x1111111111111111
        add     x9, x9, x29             // DATA0 value
        PAGE_VA x12, 0
        ldr     x0, [x12]
        CHECK_EQ x0, x9
        ldr     x1, =0xabcdef0123456789
        str     x1, [x12, #8]
        adr     x2, data0
        ldr     x0, [x2, #8]            // identity view of the same physical page
        CHECK   x0, 0xabcdef0123456789
        ldr     x12, =TH
        ldr     x0, [x12]               // TTBR1 view
        CHECK_EQ x0, x9
        ldr     x0, [x12, #8]
        CHECK   x0, 0xabcdef0123456789
        PAGE_VA x12, 1                  // read-only view: loads work
        ldr     x0, [x12]
        CHECK_EQ x0, x9

// ---- faults ---------------------------------------------------------------------------------------
        add     x12, x12, #16           // store to the read-only page: permission fault, level 3
        adr     x24, 1f
        str     x0, [x12]
1:      CHECK   x17, 1
        DABT_CHECK 0x0f, x12, 1
        PAGE_VA x12, 2                  // invalid level 3 entry
        add     x12, x12, #0x28
        LOAD_FAULT x12
        CHECK   x17, 2
        DABT_CHECK 0x07, x12
        ldr     x0, [sp]                // invalid level 2 entry: TV + 4 blocks
        lsl     x0, x0, #2
        orr     x12, x0, #TV
        LOAD_FAULT x12
        CHECK   x17, 3
        DABT_CHECK 0x06, x12
        mov     x12, #0x4000000000      // invalid entry at the start level
        LOAD_FAULT x12
        CHECK   x17, 4
        add     x11, x20, #4
        lsr     x0, x14, #26
        CHECK   x0, 0x25
        and     x0, x14, #0x3f
        CHECK_EQ x0, x11
        CHECK_EQ x16, x12
        mov     x12, #0x800000000000    // beyond 39 bits, not in the TTBR1 range: level 0
        LOAD_FAULT x12
        CHECK   x17, 5
        DABT_CHECK 0x04, x12
        PAGE_VA x12, 3                  // access flag
        LOAD_FAULT x12
        CHECK   x17, 6
        DABT_CHECK 0x0b, x12
        adr     x13, data1
        ldr     x5, =(N_EL1RW | XN)
        MAPR    x12, x13, x5, 3, x21
        dsb     ishst
        lsr     x0, x12, #12
        tlbi    vae1, x0
        dsb     ish
        isb
        ldr     x0, [x12]
        ldr     x1, =0x2222222222222222
        add     x1, x1, x29
        CHECK_EQ x0, x1
        CHECK   x17, 6

// ---- instruction fetch at EL1 ---------------------------------------------------------------------
        PAGE_VA x12, 4                  // PXN
        adr     x24, 1f
        mov     x0, #0
        blr     x12
1:      CHECK   x17, 7
        lsr     x0, x14, #26
        CHECK   x0, 0x21                // instruction abort, current EL
        and     x0, x14, #0x3f
        CHECK   x0, 0x0f                // permission fault, level 3
        CHECK_EQ x15, x12
        CHECK_EQ x16, x12
        PAGE_VA x12, 6                  // executable at EL1 (and EL0)
        mov     x0, #0
        blr     x12
        CHECK   x0, 0x5a
        CHECK   x17, 7

// ---- Device memory ---------------------------------------------------------------------------------
        PAGE_VA x12, 7
        ldr     x0, [x12]
        ldr     x1, =0x3333333333333333
        add     x1, x1, x29
        CHECK_EQ x0, x1

// ---- TLB maintenance: remap test page 0 between DATA0 and DATA1 ----------------------------------
        adr     x13, data1
        REMAP   x13
        PAGE_VA x12, 0
        lsr     x0, x12, #12
        tlbi    vae1, x0
        dsb     ish
        isb
        ldr     x0, [x12]
        DATA1_VAL x1
        CHECK_EQ x0, x1
        adr     x13, data0
        REMAP   x13
        PAGE_VA x12, 0
        lsr     x0, x12, #12
        tlbi    vale1is, x0
        dsb     ish
        isb
        ldr     x0, [x12]
        DATA0_VAL x1
        CHECK_EQ x0, x1
        adr     x13, data1
        REMAP   x13
        mov     x0, #0                  // ASID 0 (TTBR0_EL1.ASID)
        tlbi    aside1, x0
        dsb     ish
        isb
        PAGE_VA x12, 0
        ldr     x0, [x12]
        DATA1_VAL x1
        CHECK_EQ x0, x1
        adr     x13, data0
        REMAP   x13
        tlbi    vmalle1
        dsb     ish
        isb
        PAGE_VA x12, 0
        ldr     x0, [x12]
        DATA0_VAL x1
        CHECK_EQ x0, x1

// ---- AT and PAR_EL1 ---------------------------------------------------------------------------------
        PAGE_VA x12, 0
        at      s1e1r, x12
        isb
        mrs     x0, par_el1
        and     x1, x0, #0x0000fffffffff000
        adr     x2, data0
        CHECK_EQ x1, x2                 // PA
        lsr     x1, x0, #56
        CHECK   x1, 0xff                // MAIR attribute
        ubfx    x1, x0, #7, #2
        CHECK   x1, 3                   // inner shareable
        and     x1, x0, #1
        CHECK   x1, 0                   // F
        PAGE_VA x12, 2
        at      s1e1r, x12
        isb
        mrs     x0, par_el1
        and     x0, x0, #0x7f
        CHECK   x0, 0x0f                // F, FST = translation fault level 3
        PAGE_VA x12, 1
        at      s1e1w, x12
        isb
        mrs     x0, par_el1
        and     x0, x0, #0x7f
        CHECK   x0, 0x1f                // F, FST = permission fault level 3
        PAGE_VA x12, 0
        at      s1e0r, x12              // EL1-only page, EL0 read
        isb
        mrs     x0, par_el1
        and     x0, x0, #0x7f
        CHECK   x0, 0x1f
        PAGE_VA x12, 8
        at      s1e0r, x12
        isb
        mrs     x0, par_el1
        and     x1, x0, #0x0000fffffffff000
        adr     x2, data0
        CHECK_EQ x1, x2
        and     x1, x0, #1
        CHECK   x1, 0
        PAGE_VA x12, 7
        at      s1e1r, x12
        isb
        mrs     x0, par_el1
        lsr     x1, x0, #56
        CHECK   x1, 0x00                // Device-nGnRnE
        and     x1, x0, #0x0000fffffffff000
        adr     x2, data2
        CHECK_EQ x1, x2
        ldr     x12, =TH
        at      s1e1r, x12
        isb
        mrs     x0, par_el1
        and     x1, x0, #0x0000fffffffff000
        adr     x2, data0
        CHECK_EQ x1, x2
        CHECK   x17, 7

// ---- EL0 ----------------------------------------------------------------------------------------------
        mov     x0, #0x3c0              // EL0t, DAIF masked
        msr     spsr_el1, x0
        adr     x0, el0_code
        msr     elr_el1, x0
        mov     x5, #0
        mov     x6, #0
        mov     x7, #0
        mov     x8, #0
        mov     x11, #0
        mov     x13, #0
        adr     x24, back_at_el1
        eret

el0_code:
        PAGE_VA x12, 8
        ldr     x5, [x12]               // EL0 page
        PAGE_VA x12, 0
        ldr     x6, [x12]               // EL1-only page: permission fault, skipped
        mov     x7, x14
        mov     x8, x16
        PAGE_VA x12, 5
        blr     x12                     // UXN: instruction abort, resumes here
        mov     x11, x14
        PAGE_VA x12, 6
        mov     x0, #0
        blr     x12
        mov     x13, x0
        svc     #0
        b       .

back_at_el1:
        CHECK   x17, 10
        DATA0_VAL x1
        CHECK_EQ x5, x1
        CHECK   x6, 0
        lsr     x0, x7, #26
        CHECK   x0, 0x24                // data abort from a lower EL
        and     x0, x7, #0x3f
        CHECK   x0, 0x0f
        PAGE_VA x12, 0
        CHECK_EQ x8, x12
        lsr     x0, x11, #26
        CHECK   x0, 0x20                // instruction abort from a lower EL
        and     x0, x11, #0x3f
        CHECK   x0, 0x0f
        CHECK   x13, 0x5a

// ---- done with this granule: print through the Device mapping, MMU off ----------------------------
        adr     x0, .Lmmu_msg
        bl      puts
        adr     x0, params
        add     x0, x0, x29, lsl #5
        ldr     x0, [x0, #24]
        adr     x1, params
        add     x0, x0, x1
        bl      puts
        adr     x0, .Lok_msg
        bl      puts
        add     sp, sp, #16
        MOV32   w0, SCTLR_OFF
        msr     sctlr_el1, x0
        isb
        tlbi    vmalle1
        dsb     nsh
        isb
        add     x29, x29, #1
        cmp     x29, #3
        b.lo    granule
        b       pass

        .section .rodata
        .balign 8
// per granule: page shift, start level, TCR_EL1, name (offset from params)
// TCR: T0SZ = T1SZ = 25, IRGN/ORGN = WB RA WA, SH inner, IPS = 36 bits; TG0/TG1 per granule.
params:
        .quad   12, 1, 0x1b5193519, .Ln4k - params
        .quad   14, 1, 0x17519b519, .Ln16k - params
        .quad   16, 2, 0x1f5197519, .Ln64k - params
.Ln4k:  .asciz  "4K"
.Ln16k: .asciz  "16K"
.Ln64k: .asciz  "64K"
.Lmmu_msg:      .asciz  "mmu "
.Lok_msg:       .asciz  " ok\n"

// A page of code for the fetch tests, alone in its 64 KiB page.
        .text
        .balign 65536
xpage:
        mov     x0, #0x5a
        ret
        .balign 65536

        .bss
        .balign 65536
data0:  .space  65536
data1:  .space  65536
data2:  .space  65536
pool:   .space  65536 * 8

        GUEST_END mmu
