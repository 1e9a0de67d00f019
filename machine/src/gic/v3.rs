//! GICv3 register maps (Arm IHI 0069): distributor (§12.9), redistributors (§12.10–12.11) and
//! the System register CPU interface (§12.2), with one Security state (`GICD_CTLR.DS` = 1) and
//! affinity routing always on, as QEMU's `virt` without EL3 presents them.
//!
//! Distributor: GICD_CTLR (EnableGrp0, EnableGrp1; ARE and DS read as one, writes ignored;
//! RWP reads 0), TYPER (288 interrupts, 16 INTID bits, A3V), TYPER2, IIDR, SETSPI_NSR /
//! CLRSPI_NSR, the per-interrupt banks for SPIs ([`super::dist`]; INTIDs 0–31 are RAZ/WI here),
//! IGRPMODR (RAZ/WI with DS = 1), IROUTER (affinity or IRM = any CPU), identification (PIDR2
//! ArchRev 3).
//!
//! Redistributors: one RD_base + SGI_base pair (128 KiB) per CPU from the region base:
//! GICR_CTLR (no LPIs: 0), IIDR, TYPER (affinity, processor number, Last), WAKER
//! (ProcessorSleep; ChildrenAsleep follows it at once), identification; SGI_base: the banks for
//! INTIDs 0–31 of that CPU. Frames of CPUs that do not exist are RAZ/WI.
//!
//! CPU interface (ICC_*): PMR, IAR0/1, EOIR0/1, HPPIR0/1, BPR0/1, AP0R0/AP1R0 (5 priority bits
//! = 32 preemption levels: only the first APR of each group exists), DIR, RPR, CTLR (CBPR,
//! EOImode; PRIbits 4, IDbits 16, A3V), IGRPEN0/1, SGI0R/SGI1R/ASGI1R (affinity target list or
//! IRM = all but self). ICC_SRE_EL1/EL2 live in the core (SRE, DFB, DIB and Enable read as one:
//! no legacy operation, IHI 0069 §12.2.{32,33}); the core makes every ICC_* register UNDEFINED
//! when the board has a GICv2.
//!
//! ICH_* (virtualization control, §12.4): HCR, VMCR, AP0R0, AP1R0 and four list registers are
//! storage; ELRSR is computed from the list registers; VTR, MISR and EISR are constants in the
//! core. No virtual interrupt is ever signalled (`TODO(GICV3_VIRT)`).

use bootemu_cpu::aarch64::sysreg::enc;

use super::dist::{self, Frame, BANKS_END, IGROUPR};
use super::{affinity, Gic, NUM_IRQS, SPURIOUS};

/// Priority bits implemented: 5 (QEMU's GICv3 CPU interface).
pub const PRI_MASK: u8 = 0xf8;
/// Smallest ICC_BPR0_EL1 with 5 priority bits.
pub const MIN_BPR0: u8 = 2;
/// GICD_IROUTER.Interrupt_Routing_Mode: any participating CPU.
pub const IROUTER_IRM: u64 = 1 << 31;
/// Writable bits of GICD_IROUTER: Aff3, IRM, Aff2..Aff0.
const IROUTER_MASK: u64 = 0xff_80ff_ffff;

/// GICD_CTLR.
pub const GICD_CTLR: u64 = 0x0000;
/// GICD_TYPER.
pub const GICD_TYPER: u64 = 0x0004;
/// GICD_IIDR.
pub const GICD_IIDR: u64 = 0x0008;
/// GICD_SETSPI_NSR.
pub const GICD_SETSPI_NSR: u64 = 0x0040;
/// GICD_CLRSPI_NSR.
pub const GICD_CLRSPI_NSR: u64 = 0x0048;
/// GICD_IROUTER<n> is at this offset + 8 n (n ≥ 32).
pub const GICD_IROUTER: u64 = 0x6000;
/// First identification register (PIDR4); PIDR2 is at 0xFFE8.
pub const ID_BASE: u64 = 0xffd0;
/// GICD_CTLR.ARE (with DS = 1).
pub const CTLR_ARE: u32 = 1 << 4;
/// GICD_CTLR.DS.
pub const CTLR_DS: u32 = 1 << 6;
/// IIDR of distributor and redistributors: implementer Arm, revision 0.
pub const IIDR: u32 = 0x0000_043b;
/// Distributor identification registers (QEMU's `gicd_ids`).
pub const DIST_ID: [u8; 12] = [
    0x44, 0x00, 0x00, 0x00, 0x92, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
];
/// Redistributor identification registers (QEMU's `gicr_ids`).
pub const REDIST_ID: [u8; 12] = [
    0x44, 0x00, 0x00, 0x00, 0x93, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
];

/// Size of one CPU's redistributor (RD_base + SGI_base).
pub const REDIST_STRIDE: u64 = 0x2_0000;
/// Offset of SGI_base within a redistributor.
pub const SGI_BASE: u64 = 0x1_0000;
/// GICR_CTLR.
pub const GICR_CTLR: u64 = 0x0000;
/// GICR_IIDR.
pub const GICR_IIDR: u64 = 0x0004;
/// GICR_TYPER (64-bit).
pub const GICR_TYPER: u64 = 0x0008;
/// GICR_WAKER.
pub const GICR_WAKER: u64 = 0x0014;
/// GICR_WAKER.ProcessorSleep.
pub const WAKER_PS: u8 = 1 << 1;
/// GICR_WAKER.ChildrenAsleep.
pub const WAKER_CA: u8 = 1 << 2;
/// GICR_TYPER.Last.
pub const TYPER_LAST: u64 = 1 << 4;

/// ICC_CTLR_EL1.CBPR.
pub const CTLR_CBPR: u32 = 1 << 0;
/// ICC_CTLR_EL1.EOImode.
pub const CTLR_EOIMODE: u32 = 1 << 1;
/// ICC_CTLR_EL1 read-only fields: PRIbits = 4 (5 bits), IDbits = 0 (16 bits), A3V.
pub const CTLR_RO: u64 = 4 << 8 | 1 << 15;

/// ICC_PMR_EL1.
pub const ICC_PMR_EL1: u32 = enc(3, 0, 4, 6, 0);
/// ICC_IAR0_EL1.
pub const ICC_IAR0_EL1: u32 = enc(3, 0, 12, 8, 0);
/// ICC_EOIR0_EL1.
pub const ICC_EOIR0_EL1: u32 = enc(3, 0, 12, 8, 1);
/// ICC_HPPIR0_EL1.
pub const ICC_HPPIR0_EL1: u32 = enc(3, 0, 12, 8, 2);
/// ICC_BPR0_EL1.
pub const ICC_BPR0_EL1: u32 = enc(3, 0, 12, 8, 3);
/// ICC_AP0R0_EL1.
pub const ICC_AP0R0_EL1: u32 = enc(3, 0, 12, 8, 4);
/// ICC_AP1R0_EL1.
pub const ICC_AP1R0_EL1: u32 = enc(3, 0, 12, 9, 0);
/// ICC_DIR_EL1.
pub const ICC_DIR_EL1: u32 = enc(3, 0, 12, 11, 1);
/// ICC_RPR_EL1.
pub const ICC_RPR_EL1: u32 = enc(3, 0, 12, 11, 3);
/// ICC_SGI1R_EL1.
pub const ICC_SGI1R_EL1: u32 = enc(3, 0, 12, 11, 5);
/// ICC_ASGI1R_EL1.
pub const ICC_ASGI1R_EL1: u32 = enc(3, 0, 12, 11, 6);
/// ICC_SGI0R_EL1.
pub const ICC_SGI0R_EL1: u32 = enc(3, 0, 12, 11, 7);
/// ICC_IAR1_EL1.
pub const ICC_IAR1_EL1: u32 = enc(3, 0, 12, 12, 0);
/// ICC_EOIR1_EL1.
pub const ICC_EOIR1_EL1: u32 = enc(3, 0, 12, 12, 1);
/// ICC_HPPIR1_EL1.
pub const ICC_HPPIR1_EL1: u32 = enc(3, 0, 12, 12, 2);
/// ICC_BPR1_EL1.
pub const ICC_BPR1_EL1: u32 = enc(3, 0, 12, 12, 3);
/// ICC_CTLR_EL1.
pub const ICC_CTLR_EL1: u32 = enc(3, 0, 12, 12, 4);
/// ICC_IGRPEN0_EL1.
pub const ICC_IGRPEN0_EL1: u32 = enc(3, 0, 12, 12, 6);
/// ICC_IGRPEN1_EL1.
pub const ICC_IGRPEN1_EL1: u32 = enc(3, 0, 12, 12, 7);
/// ICH_AP0R0_EL2.
pub const ICH_AP0R0_EL2: u32 = enc(3, 4, 12, 8, 0);
/// ICH_AP1R0_EL2.
pub const ICH_AP1R0_EL2: u32 = enc(3, 4, 12, 9, 0);
/// ICH_HCR_EL2.
pub const ICH_HCR_EL2: u32 = enc(3, 4, 12, 11, 0);
/// ICH_ELRSR_EL2.
pub const ICH_ELRSR_EL2: u32 = enc(3, 4, 12, 11, 5);
/// ICH_VMCR_EL2.
pub const ICH_VMCR_EL2: u32 = enc(3, 4, 12, 11, 7);
/// ICH_LR0_EL2 (LR1–LR3 follow in op2).
pub const ICH_LR0_EL2: u32 = enc(3, 4, 12, 12, 0);
/// List registers implemented (ICH_VTR_EL2.ListRegs + 1).
pub const ICH_LRS: usize = 4;
/// ICH_* registers with storage: HCR, VMCR, AP0R0, AP1R0, LR0–LR3.
pub const ICH_REGS: usize = 4 + ICH_LRS;

/// Byte `i` of a register value.
fn byte(v: u64, i: u64) -> u8 {
    (v >> (8 * i)) as u8
}

fn dist_ctlr(g: &Gic) -> u32 {
    g.ctlr | CTLR_ARE | CTLR_DS
}

/// GICD_TYPER: ITLinesNumber 8, CPUNumber, IDbits 15 (16 bits), A3V.
fn dist_typer(g: &Gic) -> u32 {
    (NUM_IRQS / 32 - 1) as u32 | ((g.ncpu() - 1) as u32) << 5 | 15 << 19 | 1 << 24
}

const DIST_FRAME: Frame = Frame {
    cpu: 0,
    private: false,
    shared: true,
};

fn irouter_index(off: u64) -> Option<usize> {
    let n = ((off - GICD_IROUTER) / 8) as usize;
    (32..NUM_IRQS).contains(&n).then_some(n - 32)
}

fn dist_byte(g: &Gic, off: u64) -> u8 {
    match off {
        0x0..=0x3 => byte(dist_ctlr(g) as u64, off),
        0x4..=0x7 => byte(dist_typer(g) as u64, off - GICD_TYPER),
        0x8..=0xb => byte(IIDR as u64, off - GICD_IIDR),
        IGROUPR..BANKS_END => dist::read_byte(g, DIST_FRAME, off),
        0x6000..=0x7fff => irouter_index(off).map_or(0, |i| byte(g.route[i], off & 7)),
        0xffd0..=0xffff if off & 3 == 0 => DIST_ID[((off - ID_BASE) / 4) as usize],
        _ => 0,
    }
}

/// Distributor read.
pub fn dist_read(g: &mut Gic, off: u64, size: u8) -> u64 {
    dist::read_bytes(off, size, |o| dist_byte(g, o))
}

/// Distributor write.
pub fn dist_write(g: &mut Gic, off: u64, size: u8, value: u64) {
    if off == GICD_SETSPI_NSR || off == GICD_CLRSPI_NSR {
        let n = (value & 0x3ff) as usize;
        if (32..NUM_IRQS).contains(&n) {
            g.spis[n - 32].latch = off == GICD_SETSPI_NSR;
        }
        return;
    }
    dist::write_bytes(off, size, value, |o, b| match o {
        GICD_CTLR => g.ctlr = b as u32 & 3,
        IGROUPR..BANKS_END => dist::write_byte(g, DIST_FRAME, o, b),
        0x6000..=0x7fff => {
            if let Some(i) = irouter_index(o) {
                let shift = 8 * (o & 7);
                let r = (g.route[i] & !(0xff << shift)) | (b as u64) << shift;
                g.route[i] = r & IROUTER_MASK;
            }
        }
        _ => {}
    });
}

fn redist_byte(g: &Gic, off: u64) -> u8 {
    let r = (off / REDIST_STRIDE) as usize;
    let o = off % REDIST_STRIDE;
    if r >= g.ncpu() {
        return 0;
    }
    if o >= SGI_BASE {
        let f = Frame {
            cpu: r,
            private: true,
            shared: false,
        };
        return match o - SGI_BASE {
            x @ IGROUPR..BANKS_END => dist::read_byte(g, f, x),
            _ => 0,
        };
    }
    match o {
        0x4..=0x7 => byte(IIDR as u64, o - GICR_IIDR),
        0x8..=0xf => {
            let last = if r + 1 == g.ncpu() { TYPER_LAST } else { 0 };
            byte(affinity(r) << 32 | (r as u64) << 8 | last, o - GICR_TYPER)
        }
        0x14 if g.cpus[r].sleep => WAKER_PS | WAKER_CA,
        0xffd0..=0xffff if o & 3 == 0 => REDIST_ID[((o - ID_BASE) / 4) as usize],
        _ => 0,
    }
}

/// Read from the redistributor region (offset from its base).
pub fn redist_read(g: &mut Gic, off: u64, size: u8) -> u64 {
    dist::read_bytes(off, size, |o| redist_byte(g, o))
}

/// Write to the redistributor region.
pub fn redist_write(g: &mut Gic, off: u64, size: u8, value: u64) {
    dist::write_bytes(off, size, value, |o, b| {
        let r = (o / REDIST_STRIDE) as usize;
        let x = o % REDIST_STRIDE;
        if r >= g.ncpu() {
            return;
        }
        if x >= SGI_BASE {
            let f = Frame {
                cpu: r,
                private: true,
                shared: false,
            };
            if (IGROUPR..BANKS_END).contains(&(x - SGI_BASE)) {
                dist::write_byte(g, f, x - SGI_BASE, b);
            }
        } else if x == GICR_WAKER {
            g.cpus[r].sleep = b & WAKER_PS != 0;
        }
    });
}

/// ICC_AP{0,1}R0_EL1 view of the active priorities: bit k for group priority k << 3.
fn apr0(ap: u128) -> u64 {
    (0..32)
        .filter(|k| ap & (1u128 << (k * 4)) != 0)
        .fold(0, |acc, k| acc | 1 << k)
}

fn set_apr0(v: u64) -> u128 {
    (0..32)
        .filter(|k| v & (1 << k) != 0)
        .fold(0, |acc, k| acc | 1u128 << (k * 4))
}

/// Index of an ICH_* register with storage.
fn ich_index(e: u32) -> Option<usize> {
    match e {
        ICH_HCR_EL2 => Some(0),
        ICH_VMCR_EL2 => Some(1),
        ICH_AP0R0_EL2 => Some(2),
        ICH_AP1R0_EL2 => Some(3),
        _ if (ICH_LR0_EL2..ICH_LR0_EL2 + ICH_LRS as u32).contains(&e) => {
            Some(4 + (e - ICH_LR0_EL2) as usize)
        }
        _ => None,
    }
}

fn ack(g: &mut Gic, cpu: usize, group: usize) -> u64 {
    match g.hppi(cpu) {
        Some(h) if h.group == group && g.can_signal(cpu, h) => g.activate(cpu, h) as u64,
        _ => SPURIOUS as u64,
    }
}

fn hppir(g: &Gic, cpu: usize, group: usize) -> u64 {
    match g.hppi(cpu) {
        Some(h) if h.group == group => h.intid as u64,
        _ => SPURIOUS as u64,
    }
}

/// MRS of an ICC_*/ICH_* register.
pub fn sysreg_read(g: &mut Gic, cpu: usize, e: u32) -> u64 {
    let c = &g.cpus[cpu];
    match e {
        ICC_PMR_EL1 => c.pmr as u64,
        ICC_IAR0_EL1 => ack(g, cpu, 0),
        ICC_IAR1_EL1 => ack(g, cpu, 1),
        ICC_HPPIR0_EL1 => hppir(g, cpu, 0),
        ICC_HPPIR1_EL1 => hppir(g, cpu, 1),
        ICC_BPR0_EL1 => c.bpr[0] as u64,
        ICC_BPR1_EL1 if g.cbpr(cpu) => (c.bpr[0] + 1).min(7) as u64,
        ICC_BPR1_EL1 => c.bpr[1] as u64,
        ICC_AP0R0_EL1 => apr0(c.ap[0]),
        ICC_AP1R0_EL1 => apr0(c.ap[1]),
        ICC_RPR_EL1 => g.running_prio(cpu) as u64,
        ICC_CTLR_EL1 => c.ctlr as u64 | CTLR_RO,
        ICC_IGRPEN0_EL1 => c.grpen[0] as u64,
        ICC_IGRPEN1_EL1 => c.grpen[1] as u64,
        ICH_ELRSR_EL2 => (0..ICH_LRS)
            .filter(|&i| c.ich[4 + i] >> 62 == 0)
            .fold(0, |acc, i| acc | 1 << i),
        _ => ich_index(e).map_or(0, |i| c.ich[i]),
    }
}

/// MSR of an ICC_*/ICH_* register.
pub fn sysreg_write(g: &mut Gic, cpu: usize, e: u32, v: u64) {
    match e {
        ICC_PMR_EL1 => g.cpus[cpu].pmr = v as u8 & PRI_MASK,
        ICC_EOIR0_EL1 => g.eoi(cpu, v as u32 & 0xff_ffff, 0),
        ICC_EOIR1_EL1 => g.eoi(cpu, v as u32 & 0xff_ffff, 1),
        ICC_DIR_EL1 => g.deactivate(cpu, v as u32 & 0xff_ffff),
        ICC_BPR0_EL1 => g.cpus[cpu].bpr[0] = (v as u8 & 7).max(MIN_BPR0),
        ICC_BPR1_EL1 if !g.cbpr(cpu) => g.cpus[cpu].bpr[1] = (v as u8 & 7).max(MIN_BPR0 + 1),
        ICC_AP0R0_EL1 => g.cpus[cpu].ap[0] = set_apr0(v),
        ICC_AP1R0_EL1 => g.cpus[cpu].ap[1] = set_apr0(v),
        ICC_CTLR_EL1 => {
            let c = &mut g.cpus[cpu];
            c.ctlr = v as u32 & (CTLR_CBPR | CTLR_EOIMODE);
            c.eoimode = [v as u32 & CTLR_EOIMODE != 0; 2];
        }
        ICC_IGRPEN0_EL1 => g.cpus[cpu].grpen[0] = v & 1 != 0,
        ICC_IGRPEN1_EL1 => g.cpus[cpu].grpen[1] = v & 1 != 0,
        ICC_SGI0R_EL1 | ICC_SGI1R_EL1 | ICC_ASGI1R_EL1 => sgi(g, cpu, v),
        _ => {
            if let Some(i) = ich_index(e) {
                g.cpus[cpu].ich[i] = v;
            }
        }
    }
}

/// ICC_SGI{0,1}R_EL1: TargetList 15:0, Aff1 23:16, INTID 27:24, Aff2 39:32, IRM 40, RS 47:44,
/// Aff3 55:48.
fn sgi(g: &mut Gic, cpu: usize, v: u64) {
    let intid = ((v >> 24) & 0xf) as usize;
    let all = (1u32 << g.ncpu()) - 1;
    let targets = if v & (1 << 40) != 0 {
        all & !(1 << cpu)
    } else {
        let upper = (v >> 48 & 0xff) << 32 | (v >> 32 & 0xff) << 16 | (v >> 16 & 0xff) << 8;
        let rs = (v >> 44) & 0xf;
        (0..g.ncpu())
            .filter(|&t| {
                let a = affinity(t);
                let aff0 = a & 0xff;
                a & !0xff == upper && aff0 >> 4 == rs && v & (1 << (aff0 & 0xf)) != 0
            })
            .fold(0, |acc, t| acc | 1 << t)
    };
    g.send_sgi(cpu, targets, intid);
}

#[cfg(test)]
mod tests {
    use super::super::testutil::gic;
    use super::super::{GicFrame, GicVersion, PPI_PHYS_TIMER};
    use super::*;
    use bootemu_cpu::aarch64::IrqLines;

    /// A GICv3 with `n` CPUs set up as Linux does: distributor groups on, redistributors awake,
    /// group 1 enabled at each CPU interface, PMR 0xf0.
    fn ready(n: usize) -> (Gic, Vec<std::sync::Arc<IrqLines>>) {
        let (mut g, l) = gic(GicVersion::V3, n);
        g.mmio_write(0, GicFrame::Dist, GICD_CTLR, 4, 3);
        for c in 0..n {
            let rd = c as u64 * REDIST_STRIDE;
            g.mmio_write(c, GicFrame::Redist, rd + GICR_WAKER, 4, 0);
            g.sysreg_write(c, ICC_IGRPEN1_EL1, 1);
            g.sysreg_write(c, ICC_PMR_EL1, 0xf0);
            // All SGIs/PPIs group 1, enabled, priority 0xa0.
            g.mmio_write(c, GicFrame::Redist, rd + SGI_BASE + dist::IGROUPR, 4, !0);
            g.mmio_write(c, GicFrame::Redist, rd + SGI_BASE + dist::ISENABLER, 4, !0);
            for i in 0..8 {
                let o = rd + SGI_BASE + dist::IPRIORITYR + 4 * i;
                g.mmio_write(c, GicFrame::Redist, o, 4, 0xa0a0_a0a0);
            }
        }
        (g, l)
    }

    #[test]
    fn distributor_identification() {
        let (mut g, _) = gic(GicVersion::V3, 2);
        let rd = |g: &mut Gic, o| g.mmio_read(0, GicFrame::Dist, o, 4);
        assert_eq!(rd(&mut g, GICD_CTLR), 0x50, "ARE and DS read as one");
        assert_eq!(rd(&mut g, GICD_TYPER), 0x0178_0028);
        assert_eq!(rd(&mut g, 0xffe8) & 0xf0, 0x30, "PIDR2.ArchRev = 3");
        g.mmio_write(0, GicFrame::Dist, GICD_CTLR, 4, 0x13);
        assert_eq!(rd(&mut g, GICD_CTLR), 0x53);
    }

    #[test]
    fn redistributor_typer_and_last() {
        let (mut g, _) = gic(GicVersion::V3, 3);
        let typer = |g: &mut Gic, r: u64| {
            g.mmio_read(0, GicFrame::Redist, r * REDIST_STRIDE + GICR_TYPER, 8)
        };
        assert_eq!(typer(&mut g, 0), 0);
        assert_eq!(typer(&mut g, 1), 1 << 32 | 1 << 8);
        assert_eq!(typer(&mut g, 2), 2 << 32 | 2 << 8 | TYPER_LAST);
        assert_eq!(
            g.mmio_read(0, GicFrame::Redist, 2 * REDIST_STRIDE + GICR_TYPER + 4, 4),
            2,
            "upper half alone"
        );
        assert_eq!(typer(&mut g, 3), 0, "no fourth redistributor");
        assert_eq!(
            g.mmio_read(0, GicFrame::Redist, REDIST_STRIDE + 0xffe8, 4) & 0xf0,
            0x30
        );
    }

    #[test]
    fn waker_handshake() {
        let (mut g, _) = gic(GicVersion::V3, 2);
        let w = REDIST_STRIDE + GICR_WAKER;
        assert_eq!(g.mmio_read(1, GicFrame::Redist, w, 4), 6, "asleep at reset");
        g.mmio_write(1, GicFrame::Redist, w, 4, 0);
        assert_eq!(g.mmio_read(1, GicFrame::Redist, w, 4), 0, "children awake");
        assert_eq!(
            g.mmio_read(0, GicFrame::Redist, GICR_WAKER, 4),
            6,
            "CPU 0 untouched"
        );
        g.mmio_write(1, GicFrame::Redist, w, 4, 2);
        assert_eq!(g.mmio_read(1, GicFrame::Redist, w, 4), 6);
    }

    #[test]
    fn iar1_eoir1_cycle_and_rpr() {
        let (mut g, l) = ready(1);
        g.set_level(0, PPI_PHYS_TIMER, true);
        assert_eq!(l[0].get(), IrqLines::IRQ);
        assert_eq!(g.sysreg_read(0, ICC_HPPIR1_EL1), 30);
        assert_eq!(
            g.sysreg_read(0, ICC_IAR0_EL1),
            SPURIOUS as u64,
            "not group 0"
        );
        assert_eq!(g.sysreg_read(0, ICC_IAR1_EL1), 30);
        assert_eq!(l[0].get(), 0);
        assert_eq!(g.sysreg_read(0, ICC_RPR_EL1), 0xa0);
        assert_eq!(g.sysreg_read(0, ICC_AP1R0_EL1), 1 << (0xa0 >> 3));
        g.set_level(0, PPI_PHYS_TIMER, false);
        g.sysreg_write(0, ICC_EOIR1_EL1, 30);
        assert_eq!(g.sysreg_read(0, ICC_RPR_EL1), 0xff);
        assert_eq!(g.sysreg_read(0, ICC_AP1R0_EL1), 0);
        assert!(!g.private[0][30].active);
    }

    #[test]
    fn eoimode_and_dir() {
        let (mut g, _) = ready(1);
        g.sysreg_write(0, ICC_CTLR_EL1, CTLR_EOIMODE as u64);
        assert_eq!(g.sysreg_read(0, ICC_CTLR_EL1), 2 | 4 << 8 | 1 << 15);
        g.sysreg_write(0, ICC_SGI1R_EL1, 1 << 24 | 1);
        assert_eq!(g.sysreg_read(0, ICC_IAR1_EL1), 1);
        g.sysreg_write(0, ICC_EOIR1_EL1, 1);
        assert!(g.private[0][1].active);
        assert_eq!(g.sysreg_read(0, ICC_RPR_EL1), 0xff);
        g.sysreg_write(0, ICC_DIR_EL1, 1);
        assert!(!g.private[0][1].active);
    }

    #[test]
    fn pmr_and_bpr_implemented_bits() {
        let (mut g, _) = gic(GicVersion::V3, 1);
        g.sysreg_write(0, ICC_PMR_EL1, 0xff);
        assert_eq!(g.sysreg_read(0, ICC_PMR_EL1), 0xf8);
        g.sysreg_write(0, ICC_PMR_EL1, 0x08);
        assert_eq!(g.sysreg_read(0, ICC_PMR_EL1), 0x08, "Linux's group 0 probe");
        g.sysreg_write(0, ICC_BPR1_EL1, 0);
        assert_eq!(g.sysreg_read(0, ICC_BPR1_EL1), 3);
        g.sysreg_write(0, ICC_BPR0_EL1, 0);
        assert_eq!(g.sysreg_read(0, ICC_BPR0_EL1), 2);
        g.sysreg_write(0, ICC_CTLR_EL1, 1);
        assert_eq!(g.sysreg_read(0, ICC_BPR1_EL1), 3, "CBPR: BPR0 + 1");
    }

    #[test]
    fn sgi1r_routes_by_affinity_and_irm() {
        let (mut g, l) = ready(4);
        // CPU 0 sends SGI 2 to Aff0 1 and 3 of cluster 0.0.0.
        g.sysreg_write(0, ICC_SGI1R_EL1, 2 << 24 | 0b1010);
        assert_eq!(l.iter().map(|x| x.get()).collect::<Vec<_>>(), [0, 1, 0, 1]);
        assert_eq!(g.sysreg_read(3, ICC_IAR1_EL1), 2, "no source CPU in v3");
        // Another cluster (Aff1 = 1) or range selector reaches nobody.
        g.sysreg_write(0, ICC_SGI1R_EL1, 4 << 24 | 1 << 16 | 0xffff);
        g.sysreg_write(0, ICC_SGI1R_EL1, 4 << 24 | 1 << 44 | 0xffff);
        assert!((0..4).all(|c| !g.pending(c, 4)));
        // IRM: everyone but the sender.
        g.sysreg_write(2, ICC_SGI1R_EL1, 1 << 40 | 5 << 24);
        assert_eq!(
            (0..4).map(|c| g.pending(c, 5)).collect::<Vec<_>>(),
            [true, true, false, true]
        );
    }

    #[test]
    fn irouter_selects_cpu_or_any() {
        let (mut g, l) = ready(2);
        let n = 40u64;
        g.mmio_write(0, GicFrame::Dist, dist::IPRIORITYR + n, 1, 0x80);
        g.mmio_write(0, GicFrame::Dist, dist::IGROUPR + 4, 4, 1 << 8);
        g.mmio_write(0, GicFrame::Dist, dist::ISENABLER + 4, 4, 1 << 8);
        g.mmio_write(0, GicFrame::Dist, GICD_IROUTER + 8 * n, 8, 1);
        assert_eq!(g.mmio_read(0, GicFrame::Dist, GICD_IROUTER + 8 * n, 8), 1);
        g.mmio_write(0, GicFrame::Dist, GICD_SETSPI_NSR, 4, n);
        assert_eq!((l[0].get(), l[1].get()), (0, IrqLines::IRQ));
        g.mmio_write(0, GicFrame::Dist, GICD_IROUTER + 8 * n, 8, IROUTER_IRM);
        assert_eq!((l[0].get(), l[1].get()), (IrqLines::IRQ, IrqLines::IRQ));
        assert_eq!(g.sysreg_read(0, ICC_IAR1_EL1), n);
        assert_eq!(l[1].get(), 0, "taken by CPU 0");
        g.mmio_write(0, GicFrame::Dist, GICD_CLRSPI_NSR, 4, n);
    }

    #[test]
    fn group0_signals_fiq() {
        let (mut g, l) = ready(1);
        g.sysreg_write(0, ICC_IGRPEN0_EL1, 1);
        g.mmio_write(0, GicFrame::Redist, SGI_BASE + dist::IGROUPR, 4, 0);
        g.sysreg_write(0, ICC_SGI0R_EL1, 3 << 24 | 1);
        assert_eq!(l[0].get(), IrqLines::FIQ);
        assert_eq!(g.sysreg_read(0, ICC_IAR1_EL1), SPURIOUS as u64);
        assert_eq!(g.sysreg_read(0, ICC_IAR0_EL1), 3);
        g.sysreg_write(0, ICC_EOIR0_EL1, 3);
        assert_eq!(g.sysreg_read(0, ICC_AP0R0_EL1), 0);
    }

    #[test]
    fn ich_storage_and_elrsr() {
        let (mut g, _) = gic(GicVersion::V3, 1);
        assert_eq!(g.sysreg_read(0, ICH_ELRSR_EL2), 0xf);
        g.sysreg_write(0, ICH_LR0_EL2 + 2, 1 << 62 | 27);
        assert_eq!(g.sysreg_read(0, ICH_LR0_EL2 + 2), 1 << 62 | 27);
        assert_eq!(g.sysreg_read(0, ICH_ELRSR_EL2), 0xb);
        g.sysreg_write(0, ICH_HCR_EL2, 1);
        assert_eq!(g.sysreg_read(0, ICH_HCR_EL2), 1);
    }
}
