//! The MADT (signature `APIC`, ACPI 6.5 §5.2.12): the GIC as Linux and the firmwares find it.
//!
//! One GIC CPU interface (GICC, 80 bytes: the ACPI 6.3 layout both Cloud Hypervisor and QEMU
//! write) per CPU with its MPIDR, processor UID = CPU index = PPTT leaf ID; the distributor
//! (GICD) with the GIC version; a redistributor range (GICR) for a GICv3. Not written, because
//! the machine has none: performance (PMU) and VGIC maintenance interrupts, the GICv2 virtual
//! interface frames, GIC MSI frames and ITSs.

use super::style::Style;
use super::Table;
use crate::fdt::{GicDesc, MachineDesc};

/// Offset of the first interrupt controller structure (after Local Interrupt Controller
/// Address and Flags, both 0).
pub const ENTRIES: u32 = 44;
/// Structure type: GIC CPU interface.
pub const GICC: u8 = 0x0b;
/// Structure type: GIC distributor.
pub const GICD: u8 = 0x0c;
/// Structure type: GIC redistributor.
pub const GICR: u8 = 0x0e;
/// GICC flag: enabled.
pub const GICC_ENABLED: u32 = 1;

/// Little-endian fields appended in order.
struct Le(Vec<u8>);

impl Le {
    fn new(kind: u8, len: u8) -> Le {
        let mut v = Vec::with_capacity(len.into());
        v.extend([kind, len, 0, 0]);
        Le(v)
    }
    fn u8(mut self, v: u8) -> Le {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> Le {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn u32(mut self, v: u32) -> Le {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn u64(mut self, v: u64) -> Le {
        self.0.extend(v.to_le_bytes());
        self
    }
}

/// The MADT of `m`.
pub(crate) fn build(m: &MachineDesc, style: &Style) -> Table {
    let mut t = style.sdt(*b"APIC", style.rev.madt, ENTRIES);
    let (dist, version, cpu_if, redist) = match m.gic {
        GicDesc::V2 { dist, cpu } => (dist.0, 2, cpu.0, None),
        GicDesc::V3 { dist, redist } => (dist.0, 3, 0, Some(redist)),
    };
    let gicd = Le::new(GICD, 24)
        .u32(0) // GIC ID
        .u64(dist)
        .u32(0) // System Vector Base
        .u8(version)
        .u8(0)
        .u16(0);
    // Collected first: every append recomputes the table's checksum.
    let mut body = Vec::with_capacity(24 + 80 * m.cpus.len() + 16);
    if style.gicd_first {
        body.extend(&gicd.0);
    }
    for (i, &mpidr) in m.cpus.iter().enumerate() {
        let gicc = Le::new(GICC, 80)
            .u32(i as u32) // CPU Interface Number
            .u32(i as u32) // ACPI Processor UID
            .u32(GICC_ENABLED)
            .u32(0) // Parking Protocol Version
            .u32(0) // Performance Interrupt GSIV
            .u64(0) // Parked Address
            .u64(cpu_if) // Physical Base Address (GICv2 CPU interface)
            .u64(0) // GICV
            .u64(0) // GICH
            .u32(0) // VGIC Maintenance Interrupt
            .u64(0) // GICR Base Address (the GICR structure describes them)
            .u64(mpidr & style.mpidr_mask)
            .u8(0) // Processor Power Efficiency Class
            .u8(0)
            .u16(0); // SPE overflow interrupt
        body.extend(&gicc.0);
    }
    if !style.gicd_first {
        body.extend(&gicd.0);
    }
    if let Some((base, len)) = redist {
        // Checked to fit 32 bits by `acpi::check`.
        let gicr = Le::new(GICR, 16).u64(base).u32(len as u32);
        body.extend(&gicr.0);
    }
    t.append_slice(&body);
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;
    use crate::fdt::test_desc;
    use crate::Ram;

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 0x2000_0000,
    };

    /// (type, length) of each structure.
    fn entries(b: &[u8]) -> Vec<(u8, u8)> {
        let mut out = Vec::new();
        let mut at = ENTRIES as usize;
        while at < b.len() {
            out.push((b[at], b[at + 1]));
            at += b[at + 1] as usize;
        }
        out
    }

    #[test]
    fn structure_order_per_flavor() {
        let m = test_desc(
            RAM,
            2,
            GicDesc::V3 {
                dist: (0x08ff_0000, 0x1_0000),
                redist: (0x08fb_0000, 0x4_0000),
            },
        );
        let ch = build(&m, Style::of(Flavor::CloudHypervisor)).sdt;
        assert_eq!(
            entries(ch.as_slice()),
            [(0xb, 80), (0xb, 80), (0xc, 24), (0xe, 16)]
        );
        let virt = build(&m, Style::of(Flavor::Virt)).sdt;
        assert_eq!(
            entries(virt.as_slice()),
            [(0xc, 24), (0xb, 80), (0xb, 80), (0xe, 16)]
        );
        assert_eq!(ch.as_slice()[8], 5);
        assert_eq!(virt.as_slice()[8], 4);
    }

    #[test]
    fn gicv2_has_the_cpu_interface_and_no_redistributors() {
        let m = test_desc(
            RAM,
            1,
            GicDesc::V2 {
                dist: (0x0800_0000, 0x1_0000),
                cpu: (0x0801_0000, 0x1_0000),
            },
        );
        let t = build(&m, Style::of(Flavor::Virt)).sdt;
        let b = t.as_slice();
        assert_eq!(entries(b), [(0xc, 24), (0xb, 80)]);
        assert_eq!(b[44 + 20], 2, "GIC version");
        let gicc = 44 + 24;
        assert_eq!(
            u64::from_le_bytes(b[gicc + 32..gicc + 40].try_into().unwrap()),
            0x0801_0000
        );
    }
}
