// timer_gicv3: the generic timer's virtual (PPI 27) and physical (PPI 30) EL1 timers through a GICv3
// (IHI 0069: distributor at 0x0800_0000, redistributors from 0x080A_0000, CPU interface in the
// ICC_* system registers, interrupts in Group 1). The checks are in timer.inc. Runs on
// `qemu-system-aarch64 -M virt,gic-version=3` and `bootemu --gic v3`.
        .include "common.inc"
        GUEST_ENTRY
        SYS_HELPERS

        .macro  GIC_SETUP
        bl      gicv3_init_dist
        MOV32   w0, 0x48000000          // PPIs 27 and 30
        bl      gicv3_init_cpu
        mov     x25, x0                 // GICR_ISPENDR0 etc. in this CPU's SGI/PPI frame
        mrs     x0, icc_sre_el1
        and     x0, x0, #1
        CHECK   x0, 1                   // system-register interface enabled
        .endm
        .macro  GIC_ACK n
        mrs     x\n, icc_iar1_el1
        .endm
        .macro  GIC_EOI n
        msr     icc_eoir1_el1, x\n
        .endm
        .macro  GIC_RPR n
        mrs     x\n, icc_rpr_el1
        .endm
        .macro  GIC_PMR n
        msr     icc_pmr_el1, x\n
        .endm

        .include "timer.inc"
        GUEST_END timer_gicv3
