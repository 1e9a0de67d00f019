//! The per-interrupt register banks at offsets 0x080–0xCFF, laid out the same way in the GICv2
//! distributor (IHI 0048B §4.3, table 4-1), the GICv3 distributor and the GICv3 redistributor's
//! SGI_base frame (IHI 0069 §12.8, §12.10): IGROUPR, ISENABLER/ICENABLER, ISPENDR/ICPENDR,
//! ISACTIVER/ICACTIVER, IPRIORITYR, ITARGETSR (v2), ICFGR.
//!
//! Accesses are handled a byte at a time (every register here is byte-addressable as a bit
//! field, a byte per interrupt, or 2 bits per interrupt), so any access size works.
//!
//! Choices: SGIs are always edge-triggered (their ICFGR field is read-only 0b10); PPI
//! configuration is writable; on GICv2 the SGI bits of ISPENDR0/ICPENDR0 are read-only (SGIs
//! are made pending through GICD_SGIR/SPENDSGIR, IHI 0048B §4.3.7); interrupts outside the
//! frame's reach (SPIs from a redistributor, SGIs/PPIs from the v3 distributor with affinity
//! routing) and beyond INTID 287 are RAZ/WI.

use super::{Gic, GicVersion, NUM_IRQS};

/// IGROUPR.
pub const IGROUPR: u64 = 0x080;
/// ISENABLER.
pub const ISENABLER: u64 = 0x100;
/// ICENABLER.
pub const ICENABLER: u64 = 0x180;
/// ISPENDR.
pub const ISPENDR: u64 = 0x200;
/// ICPENDR.
pub const ICPENDR: u64 = 0x280;
/// ISACTIVER.
pub const ISACTIVER: u64 = 0x300;
/// ICACTIVER.
pub const ICACTIVER: u64 = 0x380;
/// IPRIORITYR.
pub const IPRIORITYR: u64 = 0x400;
/// ITARGETSR (GICv2).
pub const ITARGETSR: u64 = 0x800;
/// ICFGR.
pub const ICFGR: u64 = 0xc00;
/// End of the banks.
pub const BANKS_END: u64 = 0xd00;

/// Which interrupts a frame reaches and for which CPU the banked ones are.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// CPU whose SGIs and PPIs are seen.
    pub cpu: usize,
    /// SGIs and PPIs are reachable.
    pub private: bool,
    /// SPIs are reachable.
    pub shared: bool,
}

impl Frame {
    fn reaches(&self, n: usize) -> bool {
        n < NUM_IRQS && if n < 32 { self.private } else { self.shared }
    }
}

/// A register kind and the first interrupt of the byte at `off`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Group,
    SetEnable,
    ClearEnable,
    SetPending,
    ClearPending,
    SetActive,
    ClearActive,
    Priority,
    Targets,
    Config,
}

fn decode(off: u64) -> Option<(Kind, usize)> {
    let bits = |base: u64| ((off - base) * 8) as usize;
    Some(match off {
        IGROUPR..ISENABLER => (Kind::Group, bits(IGROUPR)),
        ISENABLER..ICENABLER => (Kind::SetEnable, bits(ISENABLER)),
        ICENABLER..ISPENDR => (Kind::ClearEnable, bits(ICENABLER)),
        ISPENDR..ICPENDR => (Kind::SetPending, bits(ISPENDR)),
        ICPENDR..ISACTIVER => (Kind::ClearPending, bits(ICPENDR)),
        ISACTIVER..ICACTIVER => (Kind::SetActive, bits(ISACTIVER)),
        ICACTIVER..IPRIORITYR => (Kind::ClearActive, bits(ICACTIVER)),
        IPRIORITYR..ITARGETSR => (Kind::Priority, (off - IPRIORITYR) as usize),
        ITARGETSR..ICFGR => (Kind::Targets, (off - ITARGETSR) as usize),
        ICFGR..BANKS_END => (Kind::Config, ((off - ICFGR) * 4) as usize),
        _ => return None,
    })
}

/// Read the byte at `off` (0x080..0xD00) of a bank frame.
pub fn read_byte(g: &Gic, f: Frame, off: u64) -> u8 {
    let Some((kind, first)) = decode(off) else {
        return 0;
    };
    let c = f.cpu;
    let bit_field = |get: &dyn Fn(usize) -> bool| {
        (0..8)
            .filter(|&i| f.reaches(first + i) && get(first + i))
            .fold(0u8, |acc, i| acc | 1 << i)
    };
    match kind {
        Kind::Group => bit_field(&|n| g.irq(c, n).group1),
        Kind::SetEnable | Kind::ClearEnable => bit_field(&|n| g.irq(c, n).enabled),
        Kind::SetPending | Kind::ClearPending => bit_field(&|n| g.pending(c, n)),
        Kind::SetActive | Kind::ClearActive => bit_field(&|n| g.irq(c, n).active),
        Kind::Priority if f.reaches(first) => g.irq(c, first).prio,
        Kind::Targets if f.reaches(first) && g.version() == GicVersion::V2 => {
            if first < 32 {
                1 << c
            } else {
                g.targets[first - 32]
            }
        }
        Kind::Config => (0..4)
            .filter(|&i| f.reaches(first + i) && g.irq(c, first + i).edge)
            .fold(0u8, |acc, i| acc | 2 << (2 * i)),
        _ => 0,
    }
}

/// Write the byte at `off` (0x080..0xD00) of a bank frame.
pub fn write_byte(g: &mut Gic, f: Frame, off: u64, v: u8) {
    let Some((kind, first)) = decode(off) else {
        return;
    };
    let c = f.cpu;
    let v2 = g.version() == GicVersion::V2;
    match kind {
        Kind::Priority | Kind::Targets => {
            if !f.reaches(first) {
                return;
            }
            if kind == Kind::Priority {
                let mask = g.pri_mask();
                g.irq_mut(c, first).prio = v & mask;
            } else if v2 && first >= 32 {
                let cpus = ((1u32 << g.ncpu()) - 1) as u8;
                g.targets[first - 32] = v & cpus;
            }
        }
        Kind::Config => {
            for i in 0..4 {
                let n = first + i;
                if f.reaches(n) && n >= 16 {
                    g.irq_mut(c, n).edge = v & (2 << (2 * i)) != 0;
                }
            }
        }
        _ => {
            for i in 0..8 {
                let n = first + i;
                let one = v & (1 << i) != 0;
                if !f.reaches(n) || (!one && kind != Kind::Group) {
                    continue;
                }
                let sgi_v2 = v2 && n < 16;
                let irq = g.irq_mut(c, n);
                match kind {
                    Kind::Group => irq.group1 = one,
                    Kind::SetEnable => irq.enabled = true,
                    Kind::ClearEnable => irq.enabled = false,
                    Kind::SetPending if !sgi_v2 => irq.latch = true,
                    Kind::ClearPending if !sgi_v2 => irq.latch = false,
                    Kind::SetActive => irq.active = true,
                    Kind::ClearActive => irq.active = false,
                    _ => {}
                }
            }
        }
    }
}

/// Read `size` bytes at `off` through `byte`, little-endian.
pub fn read_bytes(off: u64, size: u8, mut byte: impl FnMut(u64) -> u8) -> u64 {
    (0..size as u64).fold(0, |acc, i| acc | (byte(off + i) as u64) << (8 * i))
}

/// Write `size` bytes of `value` at `off` through `byte`.
pub fn write_bytes(off: u64, size: u8, value: u64, mut byte: impl FnMut(u64, u8)) {
    for i in 0..size as u64 {
        byte(off + i, (value >> (8 * i)) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::gic;
    use super::*;

    const ALL: Frame = Frame {
        cpu: 0,
        private: true,
        shared: true,
    };

    fn rd(g: &Gic, f: Frame, off: u64) -> u32 {
        read_bytes(off, 4, |o| read_byte(g, f, o)) as u32
    }

    fn wr(g: &mut Gic, f: Frame, off: u64, v: u32) {
        write_bytes(off, 4, v as u64, |o, b| write_byte(g, f, o, b));
    }

    #[test]
    fn set_and_clear_enable() {
        let (mut g, _) = gic(GicVersion::V2, 1);
        wr(&mut g, ALL, ISENABLER + 4, 0x8000_0001);
        assert!(g.spis[0].enabled && g.spis[31].enabled && !g.spis[1].enabled);
        assert_eq!(rd(&g, ALL, ICENABLER + 4), 0x8000_0001);
        wr(&mut g, ALL, ICENABLER + 4, 1);
        assert_eq!(rd(&g, ALL, ISENABLER + 4), 0x8000_0000);
        wr(&mut g, ALL, ISENABLER + 4, 0);
        assert_eq!(
            rd(&g, ALL, ISENABLER + 4),
            0x8000_0000,
            "zeros have no effect"
        );
    }

    #[test]
    fn priority_bytes_and_v3_implemented_bits() {
        let (mut g, _) = gic(GicVersion::V2, 1);
        write_byte(&mut g, ALL, IPRIORITYR + 33, 0xa5);
        assert_eq!(rd(&g, ALL, IPRIORITYR + 32), 0x0000_a500);
        let (mut g3, _) = gic(GicVersion::V3, 1);
        write_byte(&mut g3, ALL, IPRIORITYR + 40, 0xa5);
        assert_eq!(
            read_byte(&g3, ALL, IPRIORITYR + 40),
            0xa0,
            "5 priority bits"
        );
    }

    #[test]
    fn config_sgis_edge_read_only() {
        let (mut g, _) = gic(GicVersion::V2, 1);
        assert_eq!(rd(&g, ALL, ICFGR), 0xaaaa_aaaa);
        wr(&mut g, ALL, ICFGR, 0);
        assert_eq!(rd(&g, ALL, ICFGR), 0xaaaa_aaaa);
        wr(&mut g, ALL, ICFGR + 8, 0x0000_0002);
        assert!(g.spis[0].edge && !g.spis[1].edge);
    }

    #[test]
    fn targets_of_private_interrupts_read_as_self() {
        let (mut g, _) = gic(GicVersion::V2, 4);
        let f = Frame { cpu: 2, ..ALL };
        assert_eq!(rd(&g, f, ITARGETSR), 0x0404_0404);
        wr(&mut g, f, ITARGETSR + 32, 0xff);
        assert_eq!(g.targets[0], 0x0f, "only implemented CPUs");
    }

    #[test]
    fn frames_limit_their_reach() {
        let (mut g, _) = gic(GicVersion::V3, 2);
        let dist = Frame {
            cpu: 0,
            private: false,
            shared: true,
        };
        wr(&mut g, dist, ISENABLER, 0xffff_ffff);
        assert!(
            !g.private[0][0].enabled,
            "SGIs are RAZ/WI at the v3 distributor"
        );
        let redist1 = Frame {
            cpu: 1,
            private: true,
            shared: false,
        };
        wr(&mut g, redist1, ISENABLER, 0x1);
        assert!(g.private[1][0].enabled && !g.private[0][0].enabled);
        assert_eq!(
            rd(&g, redist1, ISENABLER + 4),
            0,
            "no SPIs in a redistributor"
        );
    }

    #[test]
    fn pending_and_active_set_clear() {
        let (mut g, _) = gic(GicVersion::V3, 1);
        wr(&mut g, ALL, ISPENDR + 4, 0x4);
        assert!(g.pending(0, 34));
        wr(&mut g, ALL, ICPENDR + 4, 0x4);
        assert!(!g.pending(0, 34));
        wr(&mut g, ALL, ISACTIVER + 4, 0x4);
        assert_eq!(rd(&g, ALL, ICACTIVER + 4), 0x4);
        wr(&mut g, ALL, ICACTIVER + 4, 0x4);
        assert!(!g.spis[2].active);
    }
}
