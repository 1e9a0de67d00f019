//! The Generic Interrupt Controller of the `virt` board: GICv2 (Arm IHI 0048B) or GICv3 (Arm
//! IHI 0069), as QEMU presents them without EL3 — one Security state, no Security Extensions
//! (v2), `GICD_CTLR.DS` = 1 (v3).
//!
//! This file holds the interrupt state both versions share and the CPU interface logic:
//! - per interrupt: enable, group, priority, edge/level configuration, the input level, a pending
//!   latch (an edge seen, or pending set by software) and the active state. A level-sensitive
//!   interrupt is pending while its input is high or its latch is set (IHI 0048B §3.2.4,
//!   IHI 0069 §4.1.2); acknowledging it clears the latch, so it becomes active *and* pending
//!   when the line stays high. SGIs and PPIs (INTID 0–31) are banked per CPU; SPIs 32–287 are
//!   shared (256 SPIs, QEMU's `NUM_IRQS`).
//! - per CPU interface: group enables, priority mask, binary points, EOI mode and the active
//!   priorities (one bit per group priority, as the `APR` registers show them). The running
//!   priority is the highest active priority; an interrupt is signalled when it is the highest
//!   priority pending one that targets the CPU, its priority is higher than the mask and its
//!   group priority higher than the running priority. EOI drops the highest active priority of
//!   the group (and deactivates unless EOImode is set); DIR deactivates.
//! - outputs: each CPU's IRQ/FIQ lines ([`IrqLines`]) are recomputed after every change
//!   ([`Gic::update`]). Group 0 signals FIQ on v3 and, on v2, when `GICC_CTLR.FIQEn` is set;
//!   group 1 signals IRQ.
//!
//! Register maps: [`v2`] (distributor and memory-mapped CPU interface) and [`v3`] (distributor,
//! redistributors, ICC_* system registers); [`dist`] has the per-interrupt register banks both
//! distributors (and the v3 redistributor SGI frame) share.
//!
//! Not modelled: the GICv2 virtualization extensions, the v2m MSI frame, the v3 ITS and LPIs,
//! the v3 virtual CPU interface (ICH_* registers are storage only, ICV_* are not redirected:
//! `TODO(GICV3_VIRT)`), legacy (non-affinity-routed) v3 operation, interrupt bypass.

pub mod dist;
pub mod v2;
pub mod v3;

use std::sync::Arc;

use bootemu_cpu::aarch64::IrqLines;

/// Shared peripheral interrupts (QEMU `virt`: `NUM_IRQS` = 256).
pub const NUM_SPIS: usize = 256;
/// Interrupt IDs implemented: SGIs 0–15, PPIs 16–31, SPIs 32–287.
pub const NUM_IRQS: usize = 32 + NUM_SPIS;
/// The INTID read from an acknowledge register when nothing can be acknowledged.
pub const SPURIOUS: u32 = 1023;
/// GICv2 `GICC_IAR` without security: a group 1 interrupt is pending but `AckCtl` is clear.
pub const SPURIOUS_GROUP1: u32 = 1022;
/// PPI of the EL2 physical timer.
pub const PPI_HYP_TIMER: u32 = 26;
/// PPI of the EL1 virtual timer.
pub const PPI_VIRT_TIMER: u32 = 27;
/// PPI of the EL1 physical timer (non-secure).
pub const PPI_PHYS_TIMER: u32 = 30;
/// Most CPUs a GICv2 can serve (8-bit target lists); the machine's limit too.
pub const MAX_CPUS: usize = 8;

/// Which architecture version the board has (`--gic`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GicVersion {
    /// GICv2: memory-mapped CPU interface.
    V2,
    /// GICv3: redistributors and the ICC_* system register CPU interface.
    V3,
}

/// State of one interrupt (for one CPU, for SGIs and PPIs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Irq {
    pub enabled: bool,
    /// Pending not held by the input level: an edge was seen, or software set it.
    pub latch: bool,
    pub active: bool,
    /// Input line level.
    pub level: bool,
    /// Edge-triggered (ICFGR bit 1 of the field).
    pub edge: bool,
    /// Group 1 (IGROUPR bit).
    pub group1: bool,
    pub prio: u8,
}

/// One CPU interface.
#[derive(Clone, Debug)]
pub(crate) struct CpuIf {
    /// v2 `GICC_CTLR`, or the writable bits of v3 `ICC_CTLR_EL1` (CBPR, EOImode).
    pub ctlr: u32,
    pub pmr: u8,
    /// Binary points of group 0 and group 1 (v2: `GICC_BPR`, `GICC_ABPR`).
    pub bpr: [u8; 2],
    /// Group enables at the CPU interface.
    pub grpen: [bool; 2],
    /// EOI mode per group: EOI only drops the priority, DIR deactivates.
    pub eoimode: [bool; 2],
    /// Active priorities per group: bit `g >> 1` for each active group priority `g`.
    pub ap: [u128; 2],
    /// v3 `GICR_WAKER.ProcessorSleep`.
    pub sleep: bool,
    /// v3 ICH_* storage (see [`v3`]).
    pub ich: [u64; v3::ICH_REGS],
}

/// The highest priority pending interrupt of a CPU interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hppi {
    pub intid: u32,
    pub prio: u8,
    pub group: usize,
}

/// The interrupt controller.
pub struct Gic {
    version: GicVersion,
    ncpu: usize,
    /// Distributor group enables: bit 0 group 0, bit 1 group 1.
    pub(crate) ctlr: u32,
    pub(crate) private: Vec<[Irq; 32]>,
    pub(crate) spis: Vec<Irq>,
    /// v2 `GICD_ITARGETSR` of each SPI.
    pub(crate) targets: Vec<u8>,
    /// v3 `GICD_IROUTER` of each SPI.
    pub(crate) route: Vec<u64>,
    /// v2: source CPUs of each pending SGI, per target CPU.
    pub(crate) sgi_src: Vec<[u8; 16]>,
    pub(crate) cpus: Vec<CpuIf>,
    lines: Vec<Arc<IrqLines>>,
}

/// Affinity (MPIDR Aff3..Aff0 without the other bits) of CPU `i` on `virt` with at most 8 CPUs:
/// one cluster, Aff0 = index (QEMU's `virt_cpu_mp_affinity`).
pub fn affinity(i: usize) -> u64 {
    i as u64
}

/// MPIDR_EL1 of CPU `i`: bit 31 RES1, U = 0, MT = 0, the affinity.
pub fn mpidr(i: usize) -> u64 {
    1 << 31 | affinity(i)
}

/// Mask of the affinity fields of an MPIDR (Aff3 in 39:32, Aff2..Aff0 in 23:0).
pub const MPIDR_AFF_MASK: u64 = 0xff_00ff_ffff;

impl Gic {
    /// A controller in its reset state, driving `lines` (one per CPU, at most [`MAX_CPUS`]).
    pub fn new(version: GicVersion, lines: Vec<Arc<IrqLines>>) -> Gic {
        let ncpu = lines.len().clamp(1, MAX_CPUS);
        let mut g = Gic {
            version,
            ncpu,
            ctlr: 0,
            private: Vec::new(),
            spis: Vec::new(),
            targets: Vec::new(),
            route: Vec::new(),
            sgi_src: Vec::new(),
            cpus: Vec::new(),
            lines,
        };
        g.reset();
        g
    }

    /// Back to the reset state (input levels are kept: they belong to the sources).
    pub fn reset(&mut self) {
        let n = self.ncpu;
        let keep_private: Vec<[bool; 32]> = (0..n)
            .map(|c| {
                let mut l = [false; 32];
                if let Some(p) = self.private.get(c) {
                    for (i, irq) in p.iter().enumerate() {
                        l[i] = irq.level;
                    }
                }
                l
            })
            .collect();
        let keep_spi: Vec<bool> = (0..NUM_SPIS)
            .map(|i| self.spis.get(i).is_some_and(|s| s.level))
            .collect();
        self.ctlr = 0;
        let mut private = [Irq::default(); 32];
        for irq in &mut private[..16] {
            // SGIs are edge-triggered; every enable resets to 0 (IHI 0069 §12.9.18).
            irq.edge = true;
        }
        self.private = keep_private
            .iter()
            .map(|l| {
                let mut p = private;
                for (i, irq) in p.iter_mut().enumerate() {
                    irq.level = l[i];
                }
                p
            })
            .collect();
        self.spis = keep_spi
            .iter()
            .map(|&level| Irq {
                level,
                ..Irq::default()
            })
            .collect();
        self.targets = vec![0; NUM_SPIS];
        self.route = vec![0; NUM_SPIS];
        self.sgi_src = vec![[0; 16]; n];
        let (bpr, sleep) = match self.version {
            GicVersion::V2 => ([v2::MIN_BPR, v2::MIN_BPR + 1], false),
            GicVersion::V3 => ([v3::MIN_BPR0, v3::MIN_BPR0 + 1], true),
        };
        self.cpus = vec![
            CpuIf {
                ctlr: 0,
                pmr: 0,
                bpr,
                grpen: [false; 2],
                eoimode: [false; 2],
                ap: [0; 2],
                sleep,
                ich: [0; v3::ICH_REGS],
            };
            n
        ];
        self.update();
    }

    /// The version.
    pub fn version(&self) -> GicVersion {
        self.version
    }

    /// Number of CPU interfaces.
    pub fn ncpu(&self) -> usize {
        self.ncpu
    }

    /// Priority bits implemented (v2: 8; v3: 5, as QEMU's GICv3 CPU interface).
    pub(crate) fn pri_mask(&self) -> u8 {
        match self.version {
            GicVersion::V2 => 0xff,
            GicVersion::V3 => v3::PRI_MASK,
        }
    }

    pub(crate) fn irq(&self, cpu: usize, n: usize) -> &Irq {
        if n < 32 {
            &self.private[cpu][n]
        } else {
            &self.spis[n - 32]
        }
    }

    pub(crate) fn irq_mut(&mut self, cpu: usize, n: usize) -> &mut Irq {
        if n < 32 {
            &mut self.private[cpu][n]
        } else {
            &mut self.spis[n - 32]
        }
    }

    /// Whether interrupt `n` is pending for `cpu` (banked for SGIs and PPIs).
    pub(crate) fn pending(&self, cpu: usize, n: usize) -> bool {
        if n < 16 && self.version == GicVersion::V2 {
            return self.sgi_src[cpu][n] != 0;
        }
        let irq = self.irq(cpu, n);
        irq.latch || (!irq.edge && irq.level)
    }

    /// Whether SPI or private interrupt `n` is routed to `cpu`.
    fn targets(&self, cpu: usize, n: usize) -> bool {
        if n < 32 {
            return true;
        }
        match self.version {
            GicVersion::V2 => self.targets[n - 32] & (1 << cpu) != 0,
            GicVersion::V3 => {
                let r = self.route[n - 32];
                r & v3::IROUTER_IRM != 0 || r & MPIDR_AFF_MASK == affinity(cpu)
            }
        }
    }

    fn group_enabled(&self, cpu: usize, group: usize) -> bool {
        self.ctlr & (1 << group) != 0 && self.cpus[cpu].grpen[group]
    }

    /// The highest priority pending interrupt that can reach `cpu`'s interface (enabled, its
    /// group enabled, targeting it, not active); ties go to the lowest INTID.
    pub(crate) fn hppi(&self, cpu: usize) -> Option<Hppi> {
        let mut best: Option<Hppi> = None;
        for n in 0..NUM_IRQS {
            let irq = self.irq(cpu, n);
            if !irq.enabled || irq.active || !self.pending(cpu, n) {
                continue;
            }
            let group = irq.group1 as usize;
            if !self.group_enabled(cpu, group) || !self.targets(cpu, n) {
                continue;
            }
            if best.is_none_or(|b| irq.prio < b.prio) {
                best = Some(Hppi {
                    intid: n as u32,
                    prio: irq.prio,
                    group,
                });
            }
        }
        best
    }

    /// The group priority of `prio` for `group` on `cpu`: the bits above the binary point.
    pub(crate) fn group_prio(&self, cpu: usize, prio: u8, group: usize) -> u8 {
        let c = &self.cpus[cpu];
        let shift = if group == 0 || self.cbpr(cpu) {
            c.bpr[0] as u32 + 1
        } else {
            c.bpr[1] as u32
        };
        ((0xffu32 << shift) as u8) & prio & self.pri_mask()
    }

    /// Whether group 1 uses the group 0 binary point.
    pub(crate) fn cbpr(&self, cpu: usize) -> bool {
        let bit = match self.version {
            GicVersion::V2 => v2::CTLR_CBPR,
            GicVersion::V3 => v3::CTLR_CBPR,
        };
        self.cpus[cpu].ctlr & bit != 0
    }

    /// Running priority: the highest active group priority, 0xff when idle.
    pub(crate) fn running_prio(&self, cpu: usize) -> u8 {
        let ap = self.cpus[cpu].ap[0] | self.cpus[cpu].ap[1];
        if ap == 0 {
            0xff
        } else {
            (ap.trailing_zeros() << 1) as u8
        }
    }

    /// Whether `h` has enough priority to be signalled (and acknowledged) on `cpu`.
    pub(crate) fn can_signal(&self, cpu: usize, h: Hppi) -> bool {
        h.prio < self.cpus[cpu].pmr
            && self.group_prio(cpu, h.prio, h.group) < self.running_prio(cpu)
    }

    /// Acknowledge `h` on `cpu`: it becomes active, its latch clears, its group priority
    /// becomes active. Returns the INTID as the acknowledge register shows it (v2 SGIs carry
    /// the source CPU in bits 12:10).
    pub(crate) fn activate(&mut self, cpu: usize, h: Hppi) -> u32 {
        let n = h.intid as usize;
        let mut value = h.intid;
        if n < 16 && self.version == GicVersion::V2 {
            let src = self.sgi_src[cpu][n].trailing_zeros();
            self.sgi_src[cpu][n] &= !(1 << src);
            value |= src << 10;
        }
        let irq = self.irq_mut(cpu, n);
        irq.active = true;
        irq.latch = false;
        let g = self.group_prio(cpu, h.prio, h.group);
        self.cpus[cpu].ap[h.group] |= 1u128 << (g >> 1);
        self.update();
        value
    }

    /// Priority drop of `group` on `cpu`: clear its highest active priority.
    pub(crate) fn drop_priority(&mut self, cpu: usize, group: usize) {
        let ap = &mut self.cpus[cpu].ap[group];
        *ap &= ap.wrapping_sub(1);
    }

    /// End of interrupt `intid` of `group`: drop the priority and, unless EOImode is set for
    /// the group, deactivate. Special INTIDs (1020–1023) are ignored.
    pub(crate) fn eoi(&mut self, cpu: usize, intid: u32, group: usize) {
        if (1020..=1023).contains(&intid) {
            return;
        }
        self.drop_priority(cpu, group);
        if !self.cpus[cpu].eoimode[group] {
            self.deactivate(cpu, intid);
        }
        self.update();
    }

    /// Deactivate `intid` (DIR, or EOI with EOImode clear).
    pub(crate) fn deactivate(&mut self, cpu: usize, intid: u32) {
        if (intid as usize) < NUM_IRQS {
            self.irq_mut(cpu, intid as usize).active = false;
        }
        self.update();
    }

    /// Make SGI `sgi` pending on every CPU in the bit set `targets`, from CPU `from`.
    pub(crate) fn send_sgi(&mut self, from: usize, targets: u32, sgi: usize) {
        for t in 0..self.ncpu {
            if targets & (1 << t) == 0 {
                continue;
            }
            match self.version {
                GicVersion::V2 => self.sgi_src[t][sgi] |= 1 << from,
                GicVersion::V3 => self.private[t][sgi].latch = true,
            }
        }
        self.update();
    }

    /// Drive the input of interrupt `intid` (a PPI of `cpu`, or an SPI; `cpu` is ignored for
    /// SPIs). A rising edge latches an edge-triggered interrupt pending.
    pub fn set_level(&mut self, cpu: usize, intid: u32, level: bool) {
        let n = intid as usize;
        if !(16..NUM_IRQS).contains(&n) || cpu >= self.ncpu {
            return;
        }
        let irq = self.irq_mut(cpu, n);
        if irq.level == level {
            return;
        }
        if level && irq.edge {
            irq.latch = true;
        }
        irq.level = level;
        self.update();
    }

    /// Recompute every CPU's IRQ/FIQ outputs.
    pub fn update(&mut self) {
        for cpu in 0..self.ncpu {
            let mut levels = 0;
            if let Some(h) = self.hppi(cpu).filter(|&h| self.can_signal(cpu, h)) {
                let fiq = h.group == 0
                    && match self.version {
                        GicVersion::V2 => self.cpus[cpu].ctlr & v2::CTLR_FIQEN != 0,
                        GicVersion::V3 => true,
                    };
                levels = if fiq { IrqLines::FIQ } else { IrqLines::IRQ };
            }
            if let Some(l) = self.lines.get(cpu) {
                l.set(levels);
            }
        }
    }

    /// MMIO read of the distributor (v2, v3), CPU interface (v2) or redistributors (v3) on
    /// behalf of `cpu`.
    pub fn mmio_read(&mut self, cpu: usize, frame: GicFrame, off: u64, size: u8) -> u64 {
        let cpu = cpu.min(self.ncpu - 1);
        match (self.version, frame) {
            (GicVersion::V2, GicFrame::Dist) => v2::dist_read(self, cpu, off, size),
            (GicVersion::V2, GicFrame::Cpu) => v2::cpu_read(self, cpu, off, size),
            (GicVersion::V3, GicFrame::Dist) => v3::dist_read(self, off, size),
            (GicVersion::V3, GicFrame::Redist) => v3::redist_read(self, off, size),
            _ => 0,
        }
    }

    /// MMIO write, as [`Gic::mmio_read`].
    pub fn mmio_write(&mut self, cpu: usize, frame: GicFrame, off: u64, size: u8, value: u64) {
        let cpu = cpu.min(self.ncpu - 1);
        match (self.version, frame) {
            (GicVersion::V2, GicFrame::Dist) => v2::dist_write(self, cpu, off, size, value),
            (GicVersion::V2, GicFrame::Cpu) => v2::cpu_write(self, cpu, off, size, value),
            (GicVersion::V3, GicFrame::Dist) => v3::dist_write(self, off, size, value),
            (GicVersion::V3, GicFrame::Redist) => v3::redist_write(self, off, size, value),
            _ => {}
        }
        self.update();
    }

    /// MRS of an ICC_*/ICH_* register by `cpu` (GICv3; the core refuses them with GICv2).
    pub fn sysreg_read(&mut self, cpu: usize, enc: u32) -> u64 {
        if self.version != GicVersion::V3 {
            return 0;
        }
        let cpu = cpu.min(self.ncpu - 1);
        v3::sysreg_read(self, cpu, enc)
    }

    /// MSR of an ICC_*/ICH_* register by `cpu`.
    pub fn sysreg_write(&mut self, cpu: usize, enc: u32, value: u64) {
        if self.version != GicVersion::V3 {
            return;
        }
        let cpu = cpu.min(self.ncpu - 1);
        v3::sysreg_write(self, cpu, enc, value);
        self.update();
    }
}

/// The register frames of a GIC on the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GicFrame {
    /// Distributor (`GICD_*`).
    Dist,
    /// GICv2 CPU interface (`GICC_*`).
    Cpu,
    /// GICv3 redistributors (`GICR_*`), one 128 KiB pair of frames per CPU.
    Redist,
}

impl GicFrame {
    /// The frame's name in traces.
    pub fn name(self) -> &'static str {
        match self {
            GicFrame::Dist => "gicd",
            GicFrame::Cpu => "gicc",
            GicFrame::Redist => "gicr",
        }
    }

    /// The name of the register at `off` within the frame, for traces (banked arrays by
    /// their base name).
    pub fn reg_name(self, off: u64) -> Option<&'static str> {
        use dist::*;
        Some(match self {
            GicFrame::Dist => match off {
                v2::GICD_CTLR => "GICD_CTLR",
                v2::GICD_TYPER => "GICD_TYPER",
                v2::GICD_IIDR => "GICD_IIDR",
                v3::GICD_SETSPI_NSR => "GICD_SETSPI_NSR",
                v3::GICD_CLRSPI_NSR => "GICD_CLRSPI_NSR",
                IGROUPR..ISENABLER => "GICD_IGROUPR",
                ISENABLER..ICENABLER => "GICD_ISENABLER",
                ICENABLER..ISPENDR => "GICD_ICENABLER",
                ISPENDR..ICPENDR => "GICD_ISPENDR",
                ICPENDR..ISACTIVER => "GICD_ICPENDR",
                ISACTIVER..ICACTIVER => "GICD_ISACTIVER",
                ICACTIVER..IPRIORITYR => "GICD_ICACTIVER",
                IPRIORITYR..ITARGETSR => "GICD_IPRIORITYR",
                ITARGETSR..ICFGR => "GICD_ITARGETSR",
                ICFGR..BANKS_END => "GICD_ICFGR",
                v2::GICD_SGIR => "GICD_SGIR",
                v2::GICD_CPENDSGIR..v2::GICD_SPENDSGIR => "GICD_CPENDSGIR",
                v2::GICD_SPENDSGIR..0xf30 => "GICD_SPENDSGIR",
                v2::GICD_ID..0x1000 => "GICD_PIDR/CIDR",
                v3::GICD_IROUTER..0x8000 => "GICD_IROUTER",
                v3::ID_BASE..0x1_0000 => "GICD_PIDR/CIDR",
                _ => return None,
            },
            GicFrame::Cpu => match off {
                v2::GICC_CTLR => "GICC_CTLR",
                v2::GICC_PMR => "GICC_PMR",
                v2::GICC_BPR => "GICC_BPR",
                v2::GICC_IAR => "GICC_IAR",
                v2::GICC_EOIR => "GICC_EOIR",
                v2::GICC_RPR => "GICC_RPR",
                v2::GICC_HPPIR => "GICC_HPPIR",
                v2::GICC_ABPR => "GICC_ABPR",
                v2::GICC_AIAR => "GICC_AIAR",
                v2::GICC_AEOIR => "GICC_AEOIR",
                v2::GICC_AHPPIR => "GICC_AHPPIR",
                v2::GICC_APR..v2::GICC_NSAPR => "GICC_APR",
                v2::GICC_NSAPR..0xf0 => "GICC_NSAPR",
                v2::GICC_IIDR => "GICC_IIDR",
                v2::GICC_DIR => "GICC_DIR",
                _ => return None,
            },
            GicFrame::Redist => {
                let off = off % v3::REDIST_STRIDE;
                match off {
                    v3::GICR_CTLR => "GICR_CTLR",
                    v3::GICR_IIDR => "GICR_IIDR",
                    v3::GICR_TYPER => "GICR_TYPER",
                    v3::GICR_WAKER => "GICR_WAKER",
                    _ if off >= v3::SGI_BASE => match off - v3::SGI_BASE {
                        IGROUPR..ISENABLER => "GICR_IGROUPR0",
                        ISENABLER..ICENABLER => "GICR_ISENABLER0",
                        ICENABLER..ISPENDR => "GICR_ICENABLER0",
                        ISPENDR..ICPENDR => "GICR_ISPENDR0",
                        ICPENDR..ISACTIVER => "GICR_ICPENDR0",
                        ISACTIVER..ICACTIVER => "GICR_ISACTIVER0",
                        ICACTIVER..IPRIORITYR => "GICR_ICACTIVER0",
                        IPRIORITYR..ITARGETSR => "GICR_IPRIORITYR",
                        ICFGR..BANKS_END => "GICR_ICFGR",
                        _ => return None,
                    },
                    _ => return None,
                }
            }
        })
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// A controller with `n` CPUs and the lines it drives.
    pub fn gic(version: GicVersion, n: usize) -> (Gic, Vec<Arc<IrqLines>>) {
        let lines: Vec<Arc<IrqLines>> = (0..n).map(|_| Arc::default()).collect();
        (Gic::new(version, lines.clone()), lines)
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::gic;
    use super::*;

    #[test]
    fn mpidr_values_as_qemu_virt() {
        assert_eq!(mpidr(0), 0x8000_0000);
        assert_eq!(mpidr(3), 0x8000_0003);
        assert_eq!(affinity(7), 7);
    }

    #[test]
    fn edge_input_latches_level_input_follows() {
        let (mut g, _) = gic(GicVersion::V3, 1);
        g.spis[0].edge = true;
        g.set_level(0, 32, true);
        g.set_level(0, 32, false);
        assert!(
            g.pending(0, 32),
            "an edge stays pending after the line drops"
        );
        g.set_level(0, 33, true);
        assert!(g.pending(0, 33));
        g.set_level(0, 33, false);
        assert!(!g.pending(0, 33), "a level interrupt follows its line");
    }

    #[test]
    fn running_priority_and_drop() {
        let (mut g, _) = gic(GicVersion::V2, 1);
        g.cpus[0].ap[0] = 1 << (0x40 >> 1) | 1 << (0xa0 >> 1);
        assert_eq!(g.running_prio(0), 0x40);
        g.drop_priority(0, 0);
        assert_eq!(g.running_prio(0), 0xa0);
        g.drop_priority(0, 0);
        assert_eq!(g.running_prio(0), 0xff);
    }

    #[test]
    fn reset_keeps_input_levels() {
        let (mut g, _) = gic(GicVersion::V2, 2);
        g.set_level(1, PPI_VIRT_TIMER, true);
        g.private[1][27].enabled = true;
        g.reset();
        assert!(g.private[1][27].level);
        assert!(!g.private[1][27].enabled);
    }
}
