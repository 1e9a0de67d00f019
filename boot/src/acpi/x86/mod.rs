//! ACPI tables for the x86 machine (`--machine microvm`): the same builder as the aarch64
//! tables (one module per table, headers from the QEMU style, laid out by `link` with
//! the RSDP first and the XSDT last), for an [`X86MachineDesc`].
//!
//! Tables, in order: DSDT (`dsdt`: COM1, the CMOS RTC and `\_S5_`), FACP (`fadt`: hardware-reduced, the
//! sleep and reset registers of [`power`]), APIC (`madt`: the local APICs, the I/O APIC, the
//! LINT1 NMI), then the XSDT. Modelled on QEMU's `microvm` (`hw/i386/acpi-microvm.c`, which Linux
//! sees as a hardware-reduced platform without an 8259: it never programs one) and Cloud
//! Hypervisor's x86 tables (`vmm/src/acpi.rs`, the shutdown device of `devices/src/acpi.rs`).
//!
//! Where they go ([`ACPI_ADDR`]): the RSDP at 0xf_0000, the tables after it, all inside the BIOS
//! area 0xf_0000..1 MiB that the e820 map reserves ([`crate::x86::e820::BIOS_START`]). Linux finds
//! the RSDP through `boot_params.acpi_rsdp_addr` (64-bit protocol) or `hvm_start_info.rsdp_paddr`
//! (PVH), and a kernel that reads neither finds it by its scan of 0xe_0000..0xf_ffff on 16-byte
//! boundaries. The machine must back 0xf_0000..1 MiB with memory and copy the blob there.
//!
//! Left out, and why: the PM timer, PM1 event/control blocks, GPEs, SCI and FACS (a
//! hardware-reduced platform has none; Linux then uses the TSC and the local APIC timer); the
//! GED and its power button (QEMU microvm's `ACPI0013`, an MMIO device bootemu does not model);
//! the second I/O APIC (QEMU's `ioapic2`, for virtio-mmio lines the machine lacks); processor
//! devices in the DSDT (Linux takes the CPUs from the MADT); HPET, MCFG, SRAT (no such hardware).

mod dsdt;
mod fadt;
mod madt;
pub mod power;

#[cfg(test)]
mod conformance;

use super::style::Style;
use super::{link, rsdp, AcpiTables, Flavor, RSDP_LEN};

pub use power::{POWER_PORT, RESET_VALUE, S5_SLEEP_VALUE};

/// Where the RSDP goes; the tables follow it.
pub const ACPI_ADDR: u64 = 0xf_0000;
/// Bytes available from [`ACPI_ADDR`]: up to 1 MiB.
pub const ACPI_AREA: u64 = 0x1_0000;
/// The local APIC's MMIO page (`APIC_DEFAULT_PHYS_BASE`).
pub const LAPIC_ADDR: u32 = 0xfee0_0000;
/// The I/O APIC's MMIO page (`IO_APIC_DEFAULT_PHYS_BASE`).
pub const IOAPIC_ADDR: u32 = 0xfec0_0000;
/// The I/O APIC's ID.
pub const IOAPIC_ID: u8 = 0;
/// The I/O APIC's first GSI.
pub const IOAPIC_GSI_BASE: u32 = 0;
/// COM1's I/O ports (8 registers from here).
pub const COM1_PORT: u16 = 0x3f8;
/// COM1's ISA IRQ (= its GSI: no interrupt source override).
pub const COM1_IRQ: u32 = 4;
/// The CMOS RTC's first I/O port (index; data at +1).
pub const RTC_PORT: u16 = 0x70;
/// I/O ports the DSDT reserves for the RTC: 8, as QEMU's `rtc_build_aml` and physical
/// hardware do, although only the first two decode (Linux's rtc-cmos then reports 242 bytes
/// of NVRAM, the second bank at 0x72/0x73 reading all ones on both machines).
pub const RTC_PORTS: u8 = 8;
/// The CMOS RTC's ISA IRQ (= its GSI: no interrupt source override).
pub const RTC_IRQ: u32 = 8;
/// Largest xAPIC ID: 0xff is the broadcast ID, so CPUs with an APIC ID of 255 or more get
/// x2APIC structures (ACPI 6.5 §5.2.12.12).
pub const MAX_XAPIC_ID: u32 = 254;

/// The x86 machine as the tables describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86MachineDesc {
    /// The APIC ID of each CPU, in processor UID order (UID = index).
    pub apic_ids: Vec<u32>,
    /// COM1 (a 16550 at [`COM1_PORT`], IRQ [`COM1_IRQ`]) is present.
    pub com1: bool,
    /// The CMOS RTC (an MC146818 at [`RTC_PORT`], IRQ [`RTC_IRQ`]) is present.
    pub rtc: bool,
}

impl X86MachineDesc {
    /// The microvm machine with `cpus` CPUs (APIC IDs 0..cpus), COM1 and the CMOS RTC.
    pub fn microvm(cpus: usize) -> X86MachineDesc {
        X86MachineDesc {
            apic_ids: (0..cpus as u32).collect(),
            com1: true,
            rtc: true,
        }
    }
}

/// An x86 machine description the tables cannot describe.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The MADT needs at least one CPU.
    #[error("no CPUs: the MADT needs at least one local APIC")]
    NoCpus,
    /// Two CPUs with one APIC ID.
    #[error("APIC ID {0} is given to two CPUs")]
    DuplicateApicId(u32),
    /// The tables do not fit the ACPI area.
    #[error(
        "{len:#x} bytes of ACPI tables do not fit the {ACPI_AREA:#x}-byte area at {ACPI_ADDR:#x}"
    )]
    TooLarge {
        /// Their size.
        len: u64,
    },
}

/// The header style: QEMU's (OEM "BOCHS ", table ID "BXPC    ", creator "BXPC"), as microvm
/// writes it.
fn style() -> &'static Style {
    Style::of(Flavor::Virt)
}

/// Build the tables of `m`, laid out to be written at [`ACPI_ADDR`]: the RSDP first, the tables
/// after it, the XSDT last.
pub fn build(m: &X86MachineDesc) -> Result<AcpiTables, Error> {
    if m.apic_ids.is_empty() {
        return Err(Error::NoCpus);
    }
    let mut seen = m.apic_ids.clone();
    seen.sort_unstable();
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::DuplicateApicId(w[0]));
    }
    let style = style();
    let tables = vec![
        dsdt::build(m, style),
        fadt::build(style),
        madt::build(m, style),
    ];
    let origin = ACPI_ADDR + RSDP_LEN as u64;
    let too_large = |len: u64| Error::TooLarge { len };
    let linked = link(tables, origin, style).map_err(|_| too_large(u64::MAX))?;
    let mut blob = rsdp(style, origin + linked.xsdt as u64);
    blob.extend_from_slice(&linked.bytes);
    if blob.len() as u64 > ACPI_AREA {
        return Err(too_large(blob.len() as u64));
    }
    let tables = linked.infos(origin);
    Ok(AcpiTables {
        blob,
        rsdp: ACPI_ADDR,
        tables,
    })
}
