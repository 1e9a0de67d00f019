//! The x86 DSDT (ACPI 6.5 §5.2.11.1): what the static tables cannot say, in AML built with the
//! `acpi_tables` crate.
//!
//! - `\_SB_.COM1`: the 16550 (`_HID` EISA `PNP0501`, `_UID` 0, `_DDN` "COM1"), `_CRS` with its
//!   eight I/O ports from [`super::COM1_PORT`] (16-bit decode) and its interrupt, ISA IRQ
//!   [`super::COM1_IRQ`] edge-triggered active-high exclusive (the ISA default, which the MADT
//!   does not override): Cloud Hypervisor's x86 serial device (`vmm/src/device_manager.rs`);
//!   QEMU's `COM1` has the same ports and IRQ in the short `IRQNoFlags` form.
//! - `\_SB_.RTC_`: the CMOS RTC (`_HID` EISA `PNP0B00`), `_CRS` with eight I/O ports from
//!   [`super::RTC_PORT`] (16-bit decode, alignment 1) and ISA IRQ [`super::RTC_IRQ`]
//!   edge-triggered active-high exclusive: QEMU's `rtc_build_aml` (`hw/rtc/mc146818rtc.c`, the
//!   same ports, IRQ 8 in the short `IRQNoFlags` form, which means the same). Linux binds
//!   rtc-cmos to it through PNP, which maps GSI 8 through the I/O APIC; without it Linux
//!   registers its fallback platform device, whose IRQ 8 has no mapping on a machine without
//!   an 8259, and the probe fails with -EINVAL.
//! - `\_S5_`: the soft-off sleep type, `Package { 5, 5, 0, 0 }` (SLP_TYPa, SLP_TYPb, reserved):
//!   the 5 Linux shifts into SLP_TYPx of the FADT's sleep control register
//!   ([`super::power::S5_SLP_TYP`]). Without `\_S5_` Linux installs no ACPI power-off.

use acpi_tables::aml::{
    self, Device, EISAName, Interrupt, Name, Package, Path, ResourceTemplate, IO,
};
use acpi_tables::Aml;

use super::super::style::Style;
use super::super::Table;
use super::power::S5_SLP_TYP;
use super::{X86MachineDesc, COM1_IRQ, COM1_PORT, RTC_IRQ, RTC_PORT, RTC_PORTS};

/// Number of a 16550's I/O ports.
pub const UART_PORTS: u8 = 8;

/// The x86 DSDT of `m`.
pub(crate) fn build(m: &X86MachineDesc, style: &Style) -> Table {
    let mut aml = Vec::new();
    if m.com1 {
        let hid = Name::new(Path::new("_HID"), &EISAName::new("PNP0501"));
        let uid = Name::new(Path::new("_UID"), &aml::ZERO);
        let ddn = Name::new(Path::new("_DDN"), &"COM1");
        let io = IO::new(COM1_PORT, COM1_PORT, 0, UART_PORTS);
        // Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 4 }.
        let irq = Interrupt::new(true, true, false, false, COM1_IRQ);
        let crs = Name::new(Path::new("_CRS"), &ResourceTemplate::new(vec![&io, &irq]));
        Device::new(Path::new("\\_SB_.COM1"), vec![&hid, &uid, &ddn, &crs]).to_aml_bytes(&mut aml);
    }
    if m.rtc {
        let hid = Name::new(Path::new("_HID"), &EISAName::new("PNP0B00"));
        let io = IO::new(RTC_PORT, RTC_PORT, 1, RTC_PORTS);
        // Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 8 }.
        let irq = Interrupt::new(true, true, false, false, RTC_IRQ);
        let crs = Name::new(Path::new("_CRS"), &ResourceTemplate::new(vec![&io, &irq]));
        Device::new(Path::new("\\_SB_.RTC_"), vec![&hid, &crs]).to_aml_bytes(&mut aml);
    }
    let s5 = Package::new(vec![&S5_SLP_TYP, &S5_SLP_TYP, &0u8, &0u8]);
    Name::new(Path::new("\\_S5_"), &s5).to_aml_bytes(&mut aml);
    // One append: `Sdt` recomputes its checksum on every write.
    let mut t = style.sdt(*b"DSDT", 2, super::super::style::HEADER_LEN);
    t.append_slice(&aml);
    t.into()
}
