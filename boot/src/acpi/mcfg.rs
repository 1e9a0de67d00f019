//! The MCFG (PCI Firmware Specification 3.2 §4.1.2): the ECAM window of PCI segment 0, buses
//! 0 to the last one the window covers.

use super::style::Style;
use super::Table;
use crate::fdt::PciDesc;

/// ECAM space of one bus (32 devices x 8 functions x 4 KiB).
pub const ECAM_BUS_SIZE: u64 = 1 << 20;

/// The MCFG for `p`.
pub(crate) fn build(p: &PciDesc, style: &Style) -> Table {
    let mut t = style.sdt(*b"MCFG", style.rev.mcfg, 44);
    t.append(p.ecam.0);
    t.append(0u16); // PCI segment group
    t.append(0u8); // start bus
    t.append((p.buses() - 1) as u8); // end bus
    t.append(0u32);
    t.into()
}
