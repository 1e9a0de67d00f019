//! The x86 MADT (signature `APIC`, ACPI 6.5 §5.2.12, revision 3 as QEMU writes it): the
//! interrupt controllers Linux uses instead of an MP table.
//!
//! Written (what QEMU 10's microvm with `pic=off,ioapic2=off` writes, byte for byte: the test
//! `our_x86_acpi_tables_describe_what_qemu_microvm_describes` reads its MADT out of a running
//! guest): Local Interrupt Controller Address = [`super::LAPIC_ADDR`], Flags = 0 (PCAT_COMPAT
//! clear: no dual 8259); one Processor Local APIC
//! (type 0, 8 bytes: UID = CPU index, APIC ID, enabled) per CPU whose APIC ID is at most
//! [`super::MAX_XAPIC_ID`], a Processor Local x2APIC (type 9, 16 bytes) for the others; the I/O
//! APIC (type 1, 12 bytes: ID [`super::IOAPIC_ID`], [`super::IOAPIC_ADDR`], GSI base 0); no
//! Interrupt Source Overrides (microvm writes none: ISA IRQ n is GSI n, edge-triggered, active
//! high, the ISA default, which is how COM1's IRQ 4 arrives); the Local APIC NMI on LINT1 for
//! all processors (type 4, UID 0xff), or the Local x2APIC NMI (type 0xa, UID 0xffff_ffff)
//! when an x2APIC structure was written.

use super::super::style::Style;
use super::super::Table;
use super::{X86MachineDesc, IOAPIC_ADDR, IOAPIC_GSI_BASE, IOAPIC_ID, LAPIC_ADDR, MAX_XAPIC_ID};

/// Offset of the Local Interrupt Controller Address.
pub const LAPIC_ADDRESS: usize = 36;
/// Offset of the first interrupt controller structure.
pub const ENTRIES: u32 = 44;
/// Structure type: Processor Local APIC.
pub const LOCAL_APIC: u8 = 0;
/// Structure type: I/O APIC.
pub const IO_APIC: u8 = 1;
/// Structure type: Local APIC NMI.
pub const LOCAL_APIC_NMI: u8 = 4;
/// Structure type: Processor Local x2APIC.
pub const LOCAL_X2APIC: u8 = 9;
/// Structure type: Local x2APIC NMI.
pub const LOCAL_X2APIC_NMI: u8 = 0xa;
/// Local APIC flags: enabled.
pub const ENABLED: u32 = 1;
/// The NMI's local APIC input (LINT1).
pub const NMI_LINT: u8 = 1;

/// The x86 MADT of `m`.
pub(crate) fn build(m: &X86MachineDesc, style: &Style) -> Table {
    let mut t = style.sdt(*b"APIC", 3, ENTRIES);
    t.write_u32(LAPIC_ADDRESS, LAPIC_ADDR);
    // Collected first: every append recomputes the table's checksum.
    let mut body = Vec::new();
    let mut x2apic = false;
    for (uid, &id) in m.apic_ids.iter().enumerate() {
        if id <= MAX_XAPIC_ID {
            body.extend([LOCAL_APIC, 8, uid as u8, id as u8]);
            body.extend(ENABLED.to_le_bytes());
        } else {
            x2apic = true;
            body.extend([LOCAL_X2APIC, 16, 0, 0]);
            body.extend(id.to_le_bytes());
            body.extend(ENABLED.to_le_bytes());
            body.extend((uid as u32).to_le_bytes());
        }
    }
    body.extend([IO_APIC, 12, IOAPIC_ID, 0]);
    body.extend(IOAPIC_ADDR.to_le_bytes());
    body.extend(IOAPIC_GSI_BASE.to_le_bytes());
    if x2apic {
        body.extend([LOCAL_X2APIC_NMI, 12, 0, 0]);
        body.extend(u32::MAX.to_le_bytes());
        body.extend([NMI_LINT, 0, 0, 0]);
    } else {
        body.extend([LOCAL_APIC_NMI, 6, 0xff, 0, 0, NMI_LINT]);
    }
    t.append_slice(&body);
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;

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
    fn structures_as_qemu_writes_them() {
        let style = Style::of(Flavor::Virt);
        let t = build(&X86MachineDesc::microvm(2), style).sdt;
        assert_eq!(entries(t.as_slice()), [(0, 8), (0, 8), (1, 12), (4, 6)]);
        // The dmesg of QEMU microvm: "ACPI: LAPIC_NMI (acpi_id[0xff] dfl dfl lint[0x1])".
        assert_eq!(&t.as_slice()[t.len() - 6..], &[4, 6, 0xff, 0, 0, 1]);
        let mut m = X86MachineDesc::microvm(1);
        m.apic_ids.push(300);
        let t = build(&m, style).sdt;
        assert_eq!(entries(t.as_slice()), [(0, 8), (9, 16), (1, 12), (0xa, 12)]);
    }
}
