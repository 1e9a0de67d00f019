// smp_gicv3: smp.S through a GICv3 (QEMU -M virt,gic-version=3 -smp N, bootemu --gic v3 --smp N):
// SGIs sent with ICC_SGI1R_EL1 (Aff0 target list, and IRM = 1 for "all but self"), acknowledged with
// ICC_IAR1_EL1; each CPU wakes its own redistributor. The protocol and checks are in smp.inc.
        .include "common.inc"
        GUEST_ENTRY
        SYS_HELPERS

        .macro  GIC_DIST_INIT
        bl      gicv3_init_dist
        .endm
        .macro  GIC_CPU_INIT
        mov     w0, #0xffff             // SGIs 0-15
        bl      gicv3_init_cpu
        .endm
        .macro  GIC_ACK n
        mrs     x\n, icc_iar1_el1
        .endm
        .macro  GIC_EOI n
        msr     icc_eoir1_el1, x\n
        .endm
        .macro  GIC_SRC_CHECK n         // no sender in a GICv3 IAR
        mov     x11, #0
        .endm
        .macro  SGI_TO n, m
        mov     x6, #1
        lsl     x6, x6, x\m             // TargetList bit = Aff0 (Aff1-3 = 0)
        orr     x6, x6, x\n, lsl #24    // INTID
        dsb     sy
        msr     icc_sgi1r_el1, x6
        isb
        .endm
        .macro  SGI_OTHERS intid
        mov     x6, #(\intid << 24)
        orr     x6, x6, #(1 << 40)      // IRM: every PE but this one
        dsb     sy
        msr     icc_sgi1r_el1, x6
        isb
        .endm

        .include "smp.inc"
        GUEST_END smp_gicv3
