// smp: 2 to 8 vCPUs (QEMU -smp N, bootemu --smp N) brought up with PSCI CPU_ON, SGIs between every
// pair through a GICv2 (GICD_SGIR with a CPU target list and with the "all but self" filter; the
// IAR's CPUID field names the sender), LDAXR/STLXR counters shared by all CPUs, CPU_OFF and
// AFFINITY_INFO. The protocol and checks are in smp.inc; prints "smp: <N> cpus".
        .include "common.inc"
        GUEST_ENTRY
        SYS_HELPERS

        .macro  GIC_DIST_INIT
        bl      gicv2_init_dist
        .endm
        .macro  GIC_CPU_INIT
        mov     w0, #0xffff             // SGIs 0-15
        bl      gicv2_init_cpu
        .endm
        .macro  GIC_ACK n
        mov     x\n, #GICC_BASE
        ldr     w\n, [x\n, #GICC_IAR]
        .endm
        .macro  GIC_EOI n
        mov     x15, #GICC_BASE
        str     w\n, [x15, #GICC_EOIR]  // with the CPUID field, as read from IAR
        .endm
        // SGI i < 8 comes from CPU i, SGIs 8 and 15 from CPU 0 (IAR bits 12:10: source CPU).
        .macro  GIC_SRC_CHECK n
        ubfx    x11, x\n, #10, #3
        cmp     x10, #8
        csel    x12, x10, xzr, lo
        cmp     x11, x12
        cset    x11, ne
        .endm
        .macro  SGI_TO n, m
        mov     x6, #(1 << 16)
        lsl     x6, x6, x\m             // CPUTargetList bit = target CPU interface
        orr     x6, x6, x\n
        mov     x7, #GICD_BASE
        dsb     sy
        str     w6, [x7, #GICD_SGIR]
        .endm
        .macro  SGI_OTHERS intid
        MOV32   w6, ((1 << 24) | \intid) // TargetListFilter = all but the requesting CPU
        mov     x7, #GICD_BASE
        dsb     sy
        str     w6, [x7, #GICD_SGIR]
        .endm

        .include "smp.inc"
        GUEST_END smp
