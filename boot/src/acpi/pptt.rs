//! The PPTT (ACPI 6.5 §5.2.30): the processor topology Linux builds its scheduling domains
//! from. One package holding one core per CPU (the device tree's `socket0/cluster0/coreN`);
//! each core is a leaf whose ACPI processor ID is its MADT GICC UID. No cache nodes.
//!
//! The nodes are laid out by the `acpi_tables` crate's PPTT builder (which computes the parent
//! references); the header is the flavor's.

use acpi_tables::pptt::{ProcessorNode, PPTT};
use acpi_tables::Aml;

use super::style::{Style, HEADER_LEN, PPTT_ID_VALID, PPTT_LEAF};
use super::Table;
use crate::fdt::MachineDesc;

/// The PPTT of `m`.
pub(crate) fn build(m: &MachineDesc, style: &Style) -> Table {
    let mut nodes = PPTT::new(style.oem_id, style.table_id(*b"PPTT"), style.oem_revision);
    let mut package = ProcessorNode::new(None, 0);
    package.flags = style.pptt_package_flags;
    let package = nodes.add_processor(package);
    for i in 0..m.cpus.len() {
        let mut core = ProcessorNode::new(Some(&package), i as u32);
        core.flags = PPTT_ID_VALID | PPTT_LEAF;
        nodes.add_processor(core);
    }
    let mut bytes = Vec::new();
    nodes.to_aml_bytes(&mut bytes);
    let mut t = style.sdt(*b"PPTT", style.rev.pptt, HEADER_LEN);
    t.append_slice(&bytes[HEADER_LEN as usize..]);
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;
    use crate::fdt::{test_desc, GicDesc};
    use crate::Ram;

    #[test]
    fn one_package_and_a_leaf_per_cpu() {
        let m = test_desc(
            Ram {
                base: 0x4000_0000,
                size: 0x2000_0000,
            },
            3,
            GicDesc::V3 {
                dist: (0x0800_0000, 0x1_0000),
                redist: (0x080a_0000, 0xf6_0000),
            },
        );
        let t = build(&m, Style::of(Flavor::Virt)).sdt;
        let b = t.as_slice();
        let u32_at = |off: usize| u32::from_le_bytes(b[off..off + 4].try_into().unwrap());
        // ACPI 6.5 table 5.157: type 0, length 20, flags at 4, parent at 8, ID at 12.
        assert_eq!(b.len(), 36 + 4 * 20);
        assert_eq!((b[36], b[37]), (0, 20));
        assert_eq!(u32_at(36 + 4), 0x11, "QEMU: physical package, identical");
        for i in 0..3 {
            let n = 56 + 20 * i;
            assert_eq!(u32_at(n + 4), 0x0a, "ID valid, leaf");
            assert_eq!(u32_at(n + 8), 36, "parent: the package node");
            assert_eq!(u32_at(n + 12), i as u32);
        }
        let ch = build(&m, Style::of(Flavor::CloudHypervisor)).sdt;
        assert_eq!(
            u32::from_le_bytes(ch.as_slice()[40..44].try_into().unwrap()),
            2
        );
    }
}
