// timer_gicv2: the generic timer's virtual (PPI 27) and physical (PPI 30) EL1 timers through a GICv2
// (IHI 0048B: distributor at 0x0800_0000, CPU interface at 0x0801_0000 on virt). The checks are in
// timer.inc. Runs on `qemu-system-aarch64 -M virt` (GICv2 is virt's default) and `bootemu --gic v2`.
        .include "common.inc"
        GUEST_ENTRY
        SYS_HELPERS

        .macro  GIC_SETUP
        bl      gicv2_init_dist
        MOV32   w0, 0x48000000          // PPIs 27 and 30
        bl      gicv2_init_cpu
        mov     x25, #GICD_BASE         // GICD_ISPENDR0 etc. are banked per CPU
        .endm
        .macro  GIC_ACK n
        mov     x\n, #GICC_BASE
        ldr     w\n, [x\n, #GICC_IAR]
        .endm
        .macro  GIC_EOI n
        mov     x15, #GICC_BASE
        str     w\n, [x15, #GICC_EOIR]
        .endm
        .macro  GIC_RPR n
        mov     x\n, #GICC_BASE
        ldr     w\n, [x\n, #GICC_RPR]
        .endm
        .macro  GIC_PMR n
        mov     x15, #GICC_BASE
        str     w\n, [x15, #GICC_PMR]
        .endm

        .include "timer.inc"
        GUEST_END timer_gicv2
