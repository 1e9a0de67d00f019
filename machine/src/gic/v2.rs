//! GICv2 register maps (Arm IHI 0048B): the distributor (§4.3) and the memory-mapped CPU
//! interface (§4.4), in the view of a GIC without the Security Extensions, as QEMU's `virt`
//! without EL3 presents it.
//!
//! Distributor: GICD_CTLR (EnableGrp0/EnableGrp1), TYPER (ITLinesNumber 8 = 288 interrupts,
//! CPUNumber, no SecurityExtn), IIDR, the per-interrupt banks ([`super::dist`]; SGIs and PPIs
//! banked per accessing CPU), SGIR (target list, all-but-self, self), CPENDSGIR/SPENDSGIR
//! (per-source SGI pending bits), identification registers (GIC-400 values, PIDR2 ArchRev 2).
//!
//! CPU interface: GICC_CTLR (group enables, AckCtl, FIQEn, CBPR; EOImodeS splits priority drop
//! and deactivation for every interrupt — without the Security Extensions every access is
//! Secure, so EOImodeNS is stored but governs nothing, as in QEMU), PMR, BPR, ABPR, IAR, EOIR, RPR, HPPIR, AIAR/AEOIR/AHPPIR (group 1 aliases), APR0–3
//! (group 0 active priorities) and NSAPR0–3 (group 1), IIDR, DIR. Word accesses only; other
//! sizes or offsets are RAZ/WI.

use super::dist::{self, Frame, BANKS_END, IGROUPR};
use super::{Gic, Hppi, NUM_IRQS, SPURIOUS, SPURIOUS_GROUP1};

/// Smallest GICC_BPR (8 priority bits: group priority in bits 7:1).
pub const MIN_BPR: u8 = 0;

/// GICD_CTLR.
pub const GICD_CTLR: u64 = 0x000;
/// GICD_TYPER.
pub const GICD_TYPER: u64 = 0x004;
/// GICD_IIDR.
pub const GICD_IIDR: u64 = 0x008;
/// GICD_SGIR.
pub const GICD_SGIR: u64 = 0xf00;
/// GICD_CPENDSGIR0.
pub const GICD_CPENDSGIR: u64 = 0xf10;
/// GICD_SPENDSGIR0.
pub const GICD_SPENDSGIR: u64 = 0xf20;
/// GICD_PIDR4, first of the identification registers (PIDR4–7, PIDR0–3, CIDR0–3).
pub const GICD_ID: u64 = 0xfd0;
/// Identification register values (GIC-400, as QEMU's `gic_id_gicv2`).
pub const ID: [u8; 12] = [
    0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
];
/// GICD_IIDR: implementer Arm (0x43B), product 0x02 (GIC-400), revision 1.
pub const DIST_IIDR: u32 = 0x0200_143b;

/// GICC_CTLR.
pub const GICC_CTLR: u64 = 0x00;
/// GICC_PMR.
pub const GICC_PMR: u64 = 0x04;
/// GICC_BPR.
pub const GICC_BPR: u64 = 0x08;
/// GICC_IAR.
pub const GICC_IAR: u64 = 0x0c;
/// GICC_EOIR.
pub const GICC_EOIR: u64 = 0x10;
/// GICC_RPR.
pub const GICC_RPR: u64 = 0x14;
/// GICC_HPPIR.
pub const GICC_HPPIR: u64 = 0x18;
/// GICC_ABPR.
pub const GICC_ABPR: u64 = 0x1c;
/// GICC_AIAR.
pub const GICC_AIAR: u64 = 0x20;
/// GICC_AEOIR.
pub const GICC_AEOIR: u64 = 0x24;
/// GICC_AHPPIR.
pub const GICC_AHPPIR: u64 = 0x28;
/// GICC_APR0..3.
pub const GICC_APR: u64 = 0xd0;
/// GICC_NSAPR0..3.
pub const GICC_NSAPR: u64 = 0xe0;
/// GICC_IIDR.
pub const GICC_IIDR: u64 = 0xfc;
/// GICC_DIR.
pub const GICC_DIR: u64 = 0x1000;
/// GICC_IIDR value: Arm, GIC-400 (product 0x02), architecture version 2.
pub const CPU_IIDR: u32 = 0x0202_143b;

/// GICC_CTLR.EnableGrp0.
pub const CTLR_ENABLE_GRP0: u32 = 1 << 0;
/// GICC_CTLR.EnableGrp1.
pub const CTLR_ENABLE_GRP1: u32 = 1 << 1;
/// GICC_CTLR.AckCtl.
pub const CTLR_ACKCTL: u32 = 1 << 2;
/// GICC_CTLR.FIQEn.
pub const CTLR_FIQEN: u32 = 1 << 3;
/// GICC_CTLR.CBPR.
pub const CTLR_CBPR: u32 = 1 << 4;
/// GICC_CTLR.EOImodeS (the bit Linux sets as `GICC_CTLR_EOImodeNS` on a GIC without the
/// Security Extensions).
pub const CTLR_EOIMODE_S: u32 = 1 << 9;
/// Implemented GICC_CTLR bits (bypass disables 8:5 are stored, no bypass is modelled).
const CTLR_MASK: u32 = 0x7ff;

/// GICD_SGIR target list filter: use the list.
const SGIR_LIST: u32 = 0;
/// GICD_SGIR target list filter: every CPU but the requester.
const SGIR_OTHERS: u32 = 1;
/// GICD_SGIR target list filter: the requester only.
const SGIR_SELF: u32 = 2;

fn frame(cpu: usize) -> Frame {
    Frame {
        cpu,
        private: true,
        shared: true,
    }
}

fn dist_byte(g: &Gic, cpu: usize, off: u64) -> u8 {
    let word = |v: u32| (v >> (8 * (off & 3))) as u8; // registers 0x0-0xb are word aligned
    match off {
        0x000..=0x003 => word(g.ctlr),
        0x004..=0x007 => word(typer(g)),
        0x008..=0x00b => word(DIST_IIDR),
        IGROUPR..BANKS_END => dist::read_byte(g, frame(cpu), off),
        0xf10..=0xf1f => g.sgi_src[cpu][(off - GICD_CPENDSGIR) as usize],
        0xf20..=0xf2f => g.sgi_src[cpu][(off - GICD_SPENDSGIR) as usize],
        0xfd0..=0xfff if off & 3 == 0 => ID[((off - GICD_ID) / 4) as usize],
        _ => 0,
    }
}

/// GICD_TYPER: ITLinesNumber, CPUNumber; SecurityExtn = 0.
fn typer(g: &Gic) -> u32 {
    (NUM_IRQS / 32 - 1) as u32 | ((g.ncpu() - 1) as u32) << 5
}

/// Distributor read by `cpu`.
pub fn dist_read(g: &mut Gic, cpu: usize, off: u64, size: u8) -> u64 {
    dist::read_bytes(off, size, |o| dist_byte(g, cpu, o))
}

/// Distributor write by `cpu`.
pub fn dist_write(g: &mut Gic, cpu: usize, off: u64, size: u8, value: u64) {
    if off == GICD_SGIR {
        sgir(g, cpu, value as u32);
        return;
    }
    dist::write_bytes(off, size, value, |o, b| match o {
        GICD_CTLR => g.ctlr = b as u32 & 3,
        IGROUPR..BANKS_END => dist::write_byte(g, frame(cpu), o, b),
        0xf10..=0xf1f => g.sgi_src[cpu][(o - GICD_CPENDSGIR) as usize] &= !b,
        0xf20..=0xf2f => {
            let cpus = ((1u32 << g.ncpu()) - 1) as u8;
            g.sgi_src[cpu][(o - GICD_SPENDSGIR) as usize] |= b & cpus;
        }
        _ => {}
    });
}

/// GICD_SGIR: SGIINTID 3:0, CPUTargetList 23:16, TargetListFilter 25:24.
fn sgir(g: &mut Gic, cpu: usize, v: u32) {
    let all = (1u32 << g.ncpu()) - 1;
    let targets = match (v >> 24) & 3 {
        SGIR_LIST => (v >> 16) & 0xff,
        SGIR_OTHERS => all & !(1 << cpu),
        SGIR_SELF => 1 << cpu,
        _ => return,
    };
    g.send_sgi(cpu, targets & all, (v & 0xf) as usize);
}

/// The interrupt GICC_IAR (`alias` false) or GICC_AIAR (true) would acknowledge, with the
/// value to return when it cannot be acknowledged.
fn ackable(g: &Gic, cpu: usize, alias: bool) -> Result<Hppi, u32> {
    let h = g.hppi(cpu).ok_or(SPURIOUS)?;
    if alias && h.group == 0 {
        return Err(SPURIOUS);
    }
    if !alias && h.group == 1 && g.cpus[cpu].ctlr & CTLR_ACKCTL == 0 {
        return Err(SPURIOUS_GROUP1);
    }
    Ok(h)
}

/// HPPIR value: the INTID (with the source CPU for SGIs) of what IAR would see, priority masks
/// aside.
fn hppir(g: &Gic, cpu: usize, alias: bool) -> u32 {
    match ackable(g, cpu, alias) {
        Ok(h) if h.intid < 16 => h.intid | g.sgi_src[cpu][h.intid as usize].trailing_zeros() << 10,
        Ok(h) => h.intid,
        Err(v) => v,
    }
}

fn iar(g: &mut Gic, cpu: usize, alias: bool) -> u32 {
    match ackable(g, cpu, alias) {
        Ok(h) if g.can_signal(cpu, h) => g.activate(cpu, h),
        Ok(_) => SPURIOUS,
        Err(v) => v,
    }
}

fn apr_word(ap: u128, n: u64) -> u32 {
    (ap >> (32 * n)) as u32
}

fn set_apr_word(ap: &mut u128, n: u64, v: u32) {
    let shift = 32 * n;
    *ap = (*ap & !((u32::MAX as u128) << shift)) | (v as u128) << shift;
}

/// CPU interface read by `cpu`.
pub fn cpu_read(g: &mut Gic, cpu: usize, off: u64, size: u8) -> u64 {
    if size != 4 {
        log::warn!("gicv2: {size}-byte read of GICC offset {off:#x}");
        return 0;
    }
    let c = &g.cpus[cpu];
    let v = match off {
        GICC_CTLR => c.ctlr,
        GICC_PMR => c.pmr as u32,
        GICC_BPR => c.bpr[0] as u32,
        GICC_ABPR => c.bpr[1] as u32,
        GICC_IAR => iar(g, cpu, false),
        GICC_AIAR => iar(g, cpu, true),
        GICC_RPR => g.running_prio(cpu) as u32,
        GICC_HPPIR => hppir(g, cpu, false),
        GICC_AHPPIR => hppir(g, cpu, true),
        0xd0..=0xdc if off & 3 == 0 => apr_word(c.ap[0], (off - GICC_APR) / 4),
        0xe0..=0xec if off & 3 == 0 => apr_word(c.ap[1], (off - GICC_NSAPR) / 4),
        GICC_IIDR => CPU_IIDR,
        _ => 0,
    };
    v as u64
}

/// CPU interface write by `cpu`.
pub fn cpu_write(g: &mut Gic, cpu: usize, off: u64, size: u8, value: u64) {
    if size != 4 {
        log::warn!("gicv2: {size}-byte write of GICC offset {off:#x}");
        return;
    }
    let v = value as u32;
    match off {
        GICC_CTLR => {
            let c = &mut g.cpus[cpu];
            c.ctlr = v & CTLR_MASK;
            c.grpen = [v & CTLR_ENABLE_GRP0 != 0, v & CTLR_ENABLE_GRP1 != 0];
            c.eoimode = [v & CTLR_EOIMODE_S != 0; 2];
        }
        GICC_PMR => g.cpus[cpu].pmr = v as u8,
        // MIN_BPR is 0: every value is implemented.
        GICC_BPR => g.cpus[cpu].bpr[0] = v as u8 & 7,
        GICC_ABPR => g.cpus[cpu].bpr[1] = (v as u8 & 7).max(MIN_BPR + 1),
        GICC_EOIR | GICC_AEOIR => {
            let intid = v & 0x3ff;
            let group = if off == GICC_AEOIR {
                1
            } else if (intid as usize) < NUM_IRQS {
                g.irq(cpu, intid as usize).group1 as usize
            } else {
                0
            };
            g.eoi(cpu, intid, group);
        }
        GICC_DIR => g.deactivate(cpu, v & 0x3ff),
        0xd0..=0xdc if off & 3 == 0 => {
            set_apr_word(&mut g.cpus[cpu].ap[0], (off - GICC_APR) / 4, v)
        }
        0xe0..=0xec if off & 3 == 0 => {
            set_apr_word(&mut g.cpus[cpu].ap[1], (off - GICC_NSAPR) / 4, v)
        }
        _ => log::debug!("gicv2: write of {v:#x} to read-only or unknown GICC offset {off:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::gic;
    use super::super::{GicFrame, GicVersion, PPI_VIRT_TIMER};
    use super::*;
    use bootemu_cpu::aarch64::IrqLines;

    /// A GICv2 with `n` CPUs, distributor group 0 on and every CPU interface enabled for group
    /// 0 with PMR 0xf0 (Linux's set-up).
    fn ready(n: usize) -> (Gic, Vec<std::sync::Arc<IrqLines>>) {
        let (mut g, l) = gic(GicVersion::V2, n);
        g.mmio_write(0, GicFrame::Dist, GICD_CTLR, 4, 1);
        for c in 0..n {
            g.mmio_write(c, GicFrame::Cpu, GICC_CTLR, 4, 1);
            g.mmio_write(c, GicFrame::Cpu, GICC_PMR, 4, 0xf0);
        }
        (g, l)
    }

    fn d(g: &mut Gic, cpu: usize, off: u64, v: u32) {
        g.mmio_write(cpu, GicFrame::Dist, off, 4, v as u64);
    }

    fn c_rd(g: &mut Gic, cpu: usize, off: u64) -> u32 {
        g.mmio_read(cpu, GicFrame::Cpu, off, 4) as u32
    }

    fn c_wr(g: &mut Gic, cpu: usize, off: u64, v: u32) {
        g.mmio_write(cpu, GicFrame::Cpu, off, 4, v as u64);
    }

    /// SPI 32+k enabled, priority `prio`, targeting CPU 0.
    fn spi(g: &mut Gic, k: u32, prio: u8) {
        g.mmio_write(
            0,
            GicFrame::Dist,
            dist::IPRIORITYR + 32 + k as u64,
            1,
            prio as u64,
        );
        g.mmio_write(0, GicFrame::Dist, dist::ITARGETSR + 32 + k as u64, 1, 1);
        d(g, 0, dist::ISENABLER + 4, 1 << k);
    }

    #[test]
    fn typer_iidr_and_id() {
        let (mut g, _) = gic(GicVersion::V2, 2);
        assert_eq!(g.mmio_read(0, GicFrame::Dist, GICD_TYPER, 4), 0x28);
        assert_eq!(g.mmio_read(0, GicFrame::Dist, GICD_IIDR, 4), 0x0200_143b);
        assert_eq!(
            g.mmio_read(0, GicFrame::Dist, 0xfe8, 4),
            0x2b,
            "PIDR2: GICv2"
        );
        assert_eq!(c_rd(&mut g, 0, GICC_IIDR), 0x0202_143b);
    }

    #[test]
    fn disabled_interrupt_is_not_signalled_until_enabled() {
        let (mut g, l) = ready(1);
        g.set_level(0, 33, true);
        assert_eq!(l[0].get(), 0);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), SPURIOUS);
        spi(&mut g, 1, 0xa0);
        assert_eq!(l[0].get(), IrqLines::IRQ);
    }

    #[test]
    fn distributor_and_cpu_enables_gate_delivery() {
        let (mut g, l) = ready(1);
        spi(&mut g, 0, 0xa0);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(l[0].get(), IrqLines::IRQ);
        d(&mut g, 0, GICD_CTLR, 0);
        assert_eq!(l[0].get(), 0);
        d(&mut g, 0, GICD_CTLR, 1);
        c_wr(&mut g, 0, GICC_CTLR, 0);
        assert_eq!(l[0].get(), 0);
    }

    #[test]
    fn priority_mask_blocks_lower_priorities() {
        let (mut g, l) = ready(1);
        spi(&mut g, 0, 0xf0);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(l[0].get(), 0, "priority 0xf0 is not higher than PMR 0xf0");
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), SPURIOUS);
        assert_eq!(c_rd(&mut g, 0, GICC_HPPIR), 32, "HPPIR ignores the mask");
        c_wr(&mut g, 0, GICC_PMR, 0xf8);
        assert_eq!(l[0].get(), IrqLines::IRQ);
    }

    #[test]
    fn iar_eoi_cycle_with_running_priority() {
        let (mut g, l) = ready(1);
        spi(&mut g, 0, 0xa0);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 32);
        assert_eq!(l[0].get(), 0);
        assert_eq!(c_rd(&mut g, 0, GICC_RPR), 0xa0);
        // Group priority 0xa0 is preemption level 0x50: bit 16 of GICC_APR2.
        assert_eq!(c_rd(&mut g, 0, GICC_APR + 8), 1 << 16);
        assert_eq!(g.mmio_read(0, GicFrame::Dist, dist::ISACTIVER + 4, 4), 1);
        assert_eq!(g.mmio_read(0, GicFrame::Dist, dist::ISPENDR + 4, 4), 0);
        c_wr(&mut g, 0, GICC_EOIR, 32);
        assert_eq!(c_rd(&mut g, 0, GICC_RPR), 0xff);
        assert_eq!(g.mmio_read(0, GicFrame::Dist, dist::ISACTIVER + 4, 4), 0);
    }

    #[test]
    fn preemption_needs_higher_group_priority() {
        let (mut g, l) = ready(1);
        spi(&mut g, 0, 0xa0);
        spi(&mut g, 1, 0xa1);
        spi(&mut g, 2, 0x80);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 32);
        d(&mut g, 0, dist::ISPENDR + 4, 2);
        assert_eq!(
            l[0].get(),
            0,
            "0xa1 has the same group priority as 0xa0 (BPR 0)"
        );
        d(&mut g, 0, dist::ISPENDR + 4, 4);
        assert_eq!(l[0].get(), IrqLines::IRQ, "0x80 preempts");
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 34);
        assert_eq!(c_rd(&mut g, 0, GICC_RPR), 0x80);
        c_wr(&mut g, 0, GICC_EOIR, 34);
        assert_eq!(c_rd(&mut g, 0, GICC_RPR), 0xa0);
    }

    #[test]
    fn eoimode_splits_priority_drop_and_deactivation() {
        let (mut g, _) = ready(1);
        c_wr(&mut g, 0, GICC_CTLR, 1 | CTLR_EOIMODE_S);
        spi(&mut g, 0, 0xa0);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 32);
        c_wr(&mut g, 0, GICC_EOIR, 32);
        assert_eq!(c_rd(&mut g, 0, GICC_RPR), 0xff);
        assert!(g.spis[0].active, "still active until DIR");
        c_wr(&mut g, 0, GICC_DIR, 32);
        assert!(!g.spis[0].active);
    }

    #[test]
    fn level_interrupt_stays_pending_while_high() {
        let (mut g, l) = ready(1);
        spi(&mut g, 0, 0xa0);
        g.set_level(0, 32, true);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 32);
        assert!(g.pending(0, 32) && g.spis[0].active, "active and pending");
        c_wr(&mut g, 0, GICC_EOIR, 32);
        assert_eq!(
            l[0].get(),
            IrqLines::IRQ,
            "line still high: signalled again"
        );
        g.set_level(0, 32, false);
        assert_eq!(l[0].get(), 0);
    }

    #[test]
    fn edge_interrupt_is_consumed_by_ack() {
        let (mut g, l) = ready(1);
        spi(&mut g, 0, 0xa0);
        d(&mut g, 0, dist::ICFGR + 8, 2);
        g.set_level(0, 32, true);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 32);
        c_wr(&mut g, 0, GICC_EOIR, 32);
        assert_eq!(
            l[0].get(),
            0,
            "the edge was consumed though the line is high"
        );
        g.set_level(0, 32, false);
        g.set_level(0, 32, true);
        assert_eq!(l[0].get(), IrqLines::IRQ);
    }

    #[test]
    fn sgi_target_list_filters_and_source() {
        let (mut g, l) = ready(4);
        d(&mut g, 0, dist::ISENABLER, 0xffff);
        for c in 1..4 {
            d(&mut g, c, dist::ISENABLER, 0xffff);
        }
        // CPU 1 sends SGI 3 to the list {2, 3}.
        d(&mut g, 1, GICD_SGIR, 0x000c_0003);
        assert_eq!(l.iter().map(|x| x.get()).collect::<Vec<_>>(), [0, 0, 1, 1]);
        assert_eq!(c_rd(&mut g, 2, GICC_IAR), 3 | 1 << 10, "source CPU 1");
        c_wr(&mut g, 2, GICC_EOIR, 3 | 1 << 10);
        // CPU 0: all but self.
        d(&mut g, 0, GICD_SGIR, 0x0100_0005);
        assert_eq!(g.sgi_src[0][5], 0);
        assert_eq!(g.sgi_src[1][5], 1);
        assert_eq!(
            g.mmio_read(3, GicFrame::Dist, GICD_SPENDSGIR + 4, 4),
            0x0000_0100
        );
        // CPU 3: self only; then clear through CPENDSGIR.
        d(&mut g, 3, GICD_SGIR, 0x0200_0007);
        assert_eq!(g.sgi_src[3][7], 1 << 3);
        g.mmio_write(3, GicFrame::Dist, GICD_CPENDSGIR + 7, 1, 0xff);
        assert_eq!(g.sgi_src[3][7], 0);
    }

    #[test]
    fn sgi_from_two_sources_is_acknowledged_twice() {
        let (mut g, _) = ready(3);
        d(&mut g, 0, dist::ISENABLER, 1);
        d(&mut g, 1, GICD_SGIR, 0x0001_0000);
        d(&mut g, 2, GICD_SGIR, 0x0001_0000);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 1 << 10);
        c_wr(&mut g, 0, GICC_EOIR, 1 << 10);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), 2 << 10);
    }

    #[test]
    fn spi_targets_select_the_cpu() {
        let (mut g, l) = ready(2);
        spi(&mut g, 0, 0xa0);
        g.mmio_write(0, GicFrame::Dist, dist::ITARGETSR + 32, 1, 2);
        g.set_level(0, 32, true);
        assert_eq!((l[0].get(), l[1].get()), (0, IrqLines::IRQ));
    }

    #[test]
    fn ppis_are_banked_per_cpu() {
        let (mut g, l) = ready(2);
        d(&mut g, 1, dist::ISENABLER, 1 << PPI_VIRT_TIMER);
        g.set_level(0, PPI_VIRT_TIMER, true);
        assert_eq!(l[0].get(), 0, "CPU 0's PPI 27 is disabled");
        g.set_level(1, PPI_VIRT_TIMER, true);
        assert_eq!(l[1].get(), IrqLines::IRQ);
        assert_eq!(c_rd(&mut g, 1, GICC_IAR), PPI_VIRT_TIMER);
    }

    #[test]
    fn group1_needs_ackctl_and_fiqen_moves_group0_to_fiq() {
        let (mut g, l) = ready(1);
        d(&mut g, 0, GICD_CTLR, 3);
        c_wr(&mut g, 0, GICC_CTLR, 3);
        spi(&mut g, 0, 0xa0);
        d(&mut g, 0, dist::IGROUPR + 4, 1);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(l[0].get(), IrqLines::IRQ);
        assert_eq!(c_rd(&mut g, 0, GICC_IAR), SPURIOUS_GROUP1);
        assert_eq!(c_rd(&mut g, 0, GICC_AIAR), 32);
        c_wr(&mut g, 0, GICC_AEOIR, 32);
        d(&mut g, 0, dist::IGROUPR + 4, 0);
        c_wr(&mut g, 0, GICC_CTLR, 3 | CTLR_FIQEN);
        d(&mut g, 0, dist::ISPENDR + 4, 1);
        assert_eq!(l[0].get(), IrqLines::FIQ);
    }
}
