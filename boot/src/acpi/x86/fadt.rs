//! The x86 FADT (signature `FACP`, ACPI 6.5 §5.2.9, revision 6): a hardware-reduced platform
//! (Flags.HW_REDUCED_ACPI) whose power-off and reset go through the [`super::power`] register.
//!
//! Written: Flags = HW_REDUCED_ACPI | RESET_REG_SUP (QEMU 10 microvm's value, read from a
//! running guest by a test; Cloud Hypervisor adds TMR_VAL_EXT for its PM timer, which this
//! machine does not have), IAPC_BOOT_ARCH = 0 as QEMU microvm writes it (the 8042 bit clear:
//! no keyboard controller, so Linux does not probe one; "CMOS RTC not present" clear: the machine
//! has one; "VGA not present" clear although there is no VGA: Linux reads that bit only to
//! recognise a Xen PVH guest), RESET_REG/RESET_VALUE, SLEEP_CONTROL_REG
//! and SLEEP_STATUS_REG (8-bit system I/O at [`super::POWER_PORT`]; QEMU microvm has them as
//! MMIO registers of its GED at 0xfea0_0200, a device bootemu does not model), X_DSDT (filled in by the
//! layout), the minor version 5 (ACPI 6.5) and the hypervisor vendor.
//!
//! CENTURY = [`CMOS_CENTURY`] (0x32): the CMOS register holding the century, which the
//! machine's RTC keeps there (`machine/src/x86/cmos.rs`, `reg::CENTURY`); Linux's
//! `mc146818_get_time` reads it when the field is not 0. QEMU's `pc` writes the same; its
//! microvm writes 0.
//!
//! Zero, and why: FIRMWARE_CTRL/X_FIRMWARE_CTRL (no FACS on a hardware-reduced platform), the
//! SCI, SMI command, PM1/PM2/GPE blocks and the PM timer (none: ACPI 6.5 §4.1 "Hardware-Reduced
//! ACPI"), the 32-bit DSDT field (X_DSDT is used).

use acpi_tables::sdt::GenericAddress;

use super::super::style::Style;
use super::super::{Pointer, Table};
use super::power::{POWER_PORT, RESET_VALUE};

/// Length of a revision 6 FADT.
pub const LEN: u32 = 276;
/// Offset of `CENTURY`: the CMOS RAM index of the century.
pub const CENTURY: usize = 108;
/// The CMOS RTC's century register (the IBM AT/MC146818 convention, QEMU's `RTC_CENTURY`).
pub const CMOS_CENTURY: u8 = 0x32;
/// Offset of `IAPC_BOOT_ARCH` (u16).
pub const IAPC_BOOT_ARCH: usize = 109;
/// Offset of `Flags`.
pub const FLAGS: usize = 112;
/// Offset of `RESET_REG` (GAS).
pub const RESET_REG: usize = 116;
/// Offset of `RESET_VALUE`.
pub const RESET_VALUE_OFFSET: usize = 128;
/// Offset of `FADT Minor Version`.
pub const MINOR_VERSION: usize = 131;
/// Offset of `X_DSDT` (u64).
pub const X_DSDT: usize = 140;
/// Offset of `SLEEP_CONTROL_REG` (GAS).
pub const SLEEP_CONTROL_REG: usize = 244;
/// Offset of `SLEEP_STATUS_REG` (GAS).
pub const SLEEP_STATUS_REG: usize = 256;
/// Offset of `Hypervisor Vendor Identity` (8 bytes).
pub const HYPERVISOR_VENDOR: usize = 268;
/// Flags: RESET_REG_SUP (bit 10).
pub const RESET_REG_SUP: u32 = 1 << 10;
/// Flags: HW_REDUCED_ACPI (bit 20).
pub const HW_REDUCED_ACPI: u32 = 1 << 20;
/// The revision 6 FADT of ACPI 6.5.
pub const MINOR: u8 = 5;

/// The x86 FADT.
pub(crate) fn build(style: &Style) -> Table {
    let mut t = style.sdt(*b"FACP", 6, LEN);
    t.write_u8(CENTURY, CMOS_CENTURY);
    t.write_u16(IAPC_BOOT_ARCH, 0);
    t.write_u32(FLAGS, HW_REDUCED_ACPI | RESET_REG_SUP);
    let port = GenericAddress::io_port_address::<u8>(POWER_PORT);
    t.write(RESET_REG, port);
    t.write_u8(RESET_VALUE_OFFSET, RESET_VALUE);
    t.write_u8(MINOR_VERSION, MINOR);
    t.write(SLEEP_CONTROL_REG, port);
    t.write(SLEEP_STATUS_REG, port);
    t.write_bytes(HYPERVISOR_VENDOR, &style.hypervisor_vendor);
    Table {
        sdt: t,
        pointers: vec![Pointer {
            at: X_DSDT,
            to: *b"DSDT",
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acpi::Flavor;

    #[test]
    fn registers_are_the_power_port() {
        let t = build(Style::of(Flavor::Virt)).sdt;
        let b = t.as_slice();
        assert_eq!(b.len(), 276);
        // GAS: system I/O (1), 8 bits, offset 0, byte access (1), port 0x600.
        let gas = [1u8, 8, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
        assert_eq!(&b[116..128], &gas);
        assert_eq!(&b[244..256], &gas);
        assert_eq!(&b[256..268], &gas);
        assert_eq!(b[128], 1);
        assert_eq!(b[108], 0x32);
        assert_eq!(&b[112..116], &0x0010_0400u32.to_le_bytes());
    }
}
