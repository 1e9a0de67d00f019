// timer_long: arms the virtual timer (PPI 27, GICv2) 10 virtual seconds ahead (CVAL = count +
// 10 x CNTFRQ_EL0) and waits for it with WFI (IRQs masked: WFI wakes on the pending interrupt, DDI
// 0487 D1.16.2). Checks that the interrupt is the virtual timer's and that at least 10 s of virtual
// time passed. On QEMU this takes 10 s of host time; bootemu skips idle time (WFI jumps to the next
// deadline), so tests/system.rs expects it to finish quickly.
        .include "common.inc"
        GUEST_ENTRY
        SYS_HELPERS

main:
        msr     daifset, #0xf
        bl      gicv2_init_dist
        mov     w0, #(1 << 27)
        bl      gicv2_init_cpu
        mrs     x19, cntfrq_el0
        mov     x0, #10
        mul     x20, x19, x0            // 10 s in ticks
        mrs     x21, cntvct_el0
        add     x22, x21, x20
        msr     cntv_cval_el0, x22
        mov     x0, #1
        msr     cntv_ctl_el0, x0
        isb
        mov     x23, #0                 // WFI count
1:      add     x23, x23, #1
        wfi
        mrs     x0, isr_el1
        tbz     x0, #7, 1b              // woken without an IRQ pending: wait again
        mov     x1, #GICC_BASE
        ldr     w24, [x1, #GICC_IAR]
        mov     x0, #3
        msr     cntv_ctl_el0, x0        // IMASK
        isb
        str     w24, [x1, #GICC_EOIR]
        and     x0, x24, #0x3ff
        CHECK   x0, 27
        mrs     x0, cntvct_el0
        sub     x0, x0, x21
        cmp     x0, x20
        cset    x0, hs
        CHECK   x0, 1                   // 10 virtual seconds have passed
        mrs     x0, cntv_ctl_el0
        CHECK   x0, 7
        msr     cntv_ctl_el0, xzr
        b       pass

        GUEST_END timer_long
