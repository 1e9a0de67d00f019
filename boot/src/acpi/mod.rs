//! ACPI tables for a [`MachineDesc`]: one builder, two flavors, two deliveries.
//!
//! This module owns the public API, the checks on the machine description, the list of tables
//! and their layout in one blob: RSDP first, then the tables, the XSDT last, as Cloud
//! Hypervisor's `create_acpi_tables` writes them at `layout::RSDP_POINTER` (RAM + 2 MiB). The
//! tables themselves are built by one module each ([`fadt`], [`madt`], [`pptt`], [`gtdt`],
//! [`mcfg`], [`serial`] for SPCR and DBG2, [`dsdt`]); what differs between the flavors is data
//! in [`style`]. [`loader`] hands the same tables to a firmware the way QEMU does (fw_cfg files
//! and the BIOS linker/loader commands EDK2 runs).
//!
//! [`x86`] builds the x86 machine's tables (FADT, MADT, DSDT of its own) with the same layout.
//!
//! Tables, in order, for both flavors: DSDT, FACP (FADT), APIC (MADT), PPTT, GTDT, MCFG (when
//! the machine has a PCIe host), SPCR, DBG2, then the XSDT. The specification is ACPI 6.5
//! (<https://uefi.org/specs/ACPI/6.5/>), SPCR and DBG2 are Microsoft's (SPCR rev 2, DBG2 rev 0).
//!
//! `Flavor::CloudHypervisor` follows Cloud Hypervisor's aarch64 tables; `Flavor::Virt` follows
//! QEMU 10's `virt`. The machine description decides which devices are described (a device the
//! machine lacks is never described), the flavor decides how (IDs, revisions, names, order).
//!
//! Left out, and why:
//! - IORT (both): it maps PCI requester IDs to an ITS for MSIs; the machine has no ITS. Neither
//!   rust-hypervisor-firmware nor EDK2 reads it, and Linux only needs it for MSIs and SMMUs.
//! - GIC ITS / GICv2m MSI frame in the MADT: not in the description.
//! - SRAT, SLIT, TPM2, VIOT, HEST (both): no NUMA, TPM, IOMMU or RAS in the machine.
//! - Cloud Hypervisor's ACPI hot-plug and event devices (`\_SB_.PHPR` with the PCI slot devices
//!   `S000`..`S031` that eject through it, `\_SB_.MHPC`, `\_SB_.GEC_`), QEMU's GPIO power
//!   button (`GPO0`, a PL061), GED, error device (`PNP0C33`) and PCI hot-plug AML: each needs an
//!   MMIO device bootemu does not model; AML touching it would fault the guest.
//! - The PL031 RTC: neither Cloud Hypervisor nor QEMU describes it (the firmware owns the RTC
//!   and Linux has no ACPI match for a PL031; time comes from the UEFI runtime services).
//! - Cache nodes in the PPTT: Cloud Hypervisor copies the host's caches; the guest reads the
//!   caches of bootemu's CPU from CLIDR/CCSIDR instead.
//! - QEMU pads `etc/acpi/tables` to a multiple of 128 KiB for migration; nothing reads the
//!   padding.
//!
//! Deviations kept on purpose: interrupts are described level-triggered in both flavors (Cloud
//! Hypervisor writes its PL011 as edge-triggered), as bootemu's device tree and devices have
//! them; the PSCI conduit in the FADT follows the description in both flavors (Cloud Hypervisor
//! always runs its guest at EL1 and writes HVC); bus ranges follow the ECAM window (Cloud
//! Hypervisor's is one bus per segment, so it writes bus 0..0); the objects inside one DSDT
//! device follow one order for both flavors. Kept from Cloud Hypervisor although iasl warns:
//! `_ADR` beside `_HID` on its PCI root bridge.

mod dsdt;
mod fadt;
mod gtdt;
pub mod loader;
mod madt;
mod mcfg;
mod pptt;
mod serial;
mod style;
pub mod x86;

#[cfg(test)]
mod conformance;

use acpi_tables::sdt::Sdt;
use acpi_tables::Aml;

use crate::fdt::{GicDesc, MachineDesc};
use style::Style;

pub use loader::{fw_cfg_files, FwCfgAcpi};

/// Which hypervisor's tables to reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// What Cloud Hypervisor builds for an aarch64 guest (`vmm/src/acpi.rs`), read by
    /// rust-hypervisor-firmware and Linux from guest memory.
    CloudHypervisor,
    /// What QEMU's `virt` gives EDK2 (`hw/arm/virt-acpi-build.c`).
    Virt,
}

/// One table in the blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// Its signature (`b"FACP"`).
    pub signature: [u8; 4],
    /// Its guest-physical address.
    pub addr: u64,
    /// Its length in bytes.
    pub len: u32,
}

/// The tables laid out in one blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcpiTables {
    /// Everything, to be written at the `base` given to [`build`].
    pub blob: Vec<u8>,
    /// Guest-physical address of the RSDP (the blob's first byte).
    pub rsdp: u64,
    /// The tables after the RSDP, in blob order (the XSDT last).
    pub tables: Vec<TableInfo>,
}

/// A machine description the tables cannot describe.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The MADT needs at least one GIC CPU interface.
    #[error("no CPUs: the MADT needs at least one GIC CPU interface")]
    NoCpus,
    /// More CPUs than processor device names (`C000`..`CFFF`).
    #[error("{count} CPUs: at most {MAX_CPUS} (processor devices C000..CFFF)")]
    TooManyCpus {
        /// How many.
        count: usize,
    },
    /// More virtio-mmio transports than device names (`VR00`..`VR99`).
    #[error("{count} virtio-mmio transports: at most {MAX_VIRTIO} (devices VR00..VR99)")]
    TooManyVirtio {
        /// How many.
        count: usize,
    },
    /// An interrupt that is not a GIC SPI.
    #[error("{what}: SPI {spi} is not a GIC SPI (at most {MAX_SPI}, INTID 1019)")]
    BadSpi {
        /// Whose.
        what: &'static str,
        /// The SPI number (INTID - 32).
        spi: u64,
    },
    /// A PCI host whose INTx lines the tables cannot route.
    #[error("{lines} PCI INTx lines: 1 to {MAX_INTX_LINES} (link devices GSI0..GSIF)")]
    BadIntxLines {
        /// How many.
        lines: u32,
    },
    /// A window that is empty, wraps around or is too large for its field.
    #[error("{what}: window {base:#x} + {size:#x} is empty, wraps or is too large")]
    BadWindow {
        /// Whose.
        what: &'static str,
        /// Base.
        base: u64,
        /// Size.
        size: u64,
    },
    /// A window described with a 32-bit descriptor that does not lie below 4 GiB.
    #[error("{what}: window {base:#x} + {size:#x} must lie below 4 GiB (32-bit descriptor)")]
    Above4G {
        /// Whose.
        what: &'static str,
        /// Base.
        base: u64,
        /// Size.
        size: u64,
    },
    /// The tables do not fit at `base`.
    #[error("{len:#x} bytes of ACPI tables at {base:#x}: past the end of the address space or of the {max:#x}-byte ACPI area")]
    DoesNotFit {
        /// Where they go.
        base: u64,
        /// Their size.
        len: u64,
        /// The area's size.
        max: u64,
    },
}

/// Most CPUs: processor device names are `C` and three hex digits.
pub const MAX_CPUS: usize = 0x1000;
/// Most virtio-mmio transports: device names are `VR` and two decimal digits.
pub const MAX_VIRTIO: usize = 100;
/// Most PCI INTx lines: QEMU-style link devices are `GSI` and one hex digit.
pub const MAX_INTX_LINES: u32 = 16;
/// Largest SPI number (INTID 1019, the last SPI of a GIC, minus 32).
pub const MAX_SPI: u32 = 1019 - SPI_BASE;
/// GSIV of SPI 0 (GIC INTIDs of SPIs start at 32).
pub const SPI_BASE: u32 = 32;
/// GSIV of PPI 0.
pub const PPI_BASE: u32 = 16;

pub(crate) type Result<T> = std::result::Result<T, Error>;

/// A table before it is placed: its bytes and the 8-byte fields in it that hold the address of
/// another table.
pub(crate) struct Table {
    pub sdt: Sdt,
    pub pointers: Vec<Pointer>,
}

/// An 8-byte field at `at` in a table that holds the address of the table `to`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pointer {
    pub at: usize,
    pub to: [u8; 4],
}

impl From<Sdt> for Table {
    fn from(sdt: Sdt) -> Self {
        Table {
            sdt,
            pointers: Vec::new(),
        }
    }
}

impl Table {
    fn signature(&self) -> [u8; 4] {
        let b = self.sdt.as_slice();
        [b[0], b[1], b[2], b[3]]
    }
}

/// GSIV of SPI `spi` (checked by [`check`]).
pub(crate) fn gsiv(spi: u32) -> u32 {
    spi + SPI_BASE
}

/// Check what the tables rely on.
fn check(m: &MachineDesc) -> Result<()> {
    if m.cpus.is_empty() {
        return Err(Error::NoCpus);
    }
    if m.cpus.len() > MAX_CPUS {
        return Err(Error::TooManyCpus {
            count: m.cpus.len(),
        });
    }
    if m.virtio_mmio.len() > MAX_VIRTIO {
        return Err(Error::TooManyVirtio {
            count: m.virtio_mmio.len(),
        });
    }
    spi("uart", m.uart.spi.into())?;
    window32("uart", m.uart.base, m.uart.size)?;
    for t in &m.virtio_mmio {
        spi("virtio-mmio", t.spi.into())?;
        window32("virtio-mmio", t.base, t.size)?;
    }
    if let Some((base, size)) = m.fw_cfg {
        window32("fw_cfg", base, size)?;
    }
    match m.gic {
        GicDesc::V2 { dist, cpu } => {
            window("GIC distributor", dist)?;
            window("GIC CPU interface", cpu)?;
        }
        GicDesc::V3 { dist, redist } => {
            window("GIC distributor", dist)?;
            window("GIC redistributors", redist)?;
            if redist.1 > u32::MAX.into() {
                return Err(Error::BadWindow {
                    what: "GIC redistributors",
                    base: redist.0,
                    size: redist.1,
                });
            }
        }
    }
    if let Some(p) = &m.pci {
        window("PCI ECAM", p.ecam)?;
        if p.ecam.1 < mcfg::ECAM_BUS_SIZE {
            return Err(Error::BadWindow {
                what: "PCI ECAM",
                base: p.ecam.0,
                size: p.ecam.1,
            });
        }
        window("PCI 32-bit memory", p.mmio32)?;
        if let Some(w) = p.mmio64 {
            window("PCI 64-bit memory", w)?;
        }
        if let Some(w) = p.io {
            window("PCI I/O", w)?;
        }
        if let Some(s) = p.intx_spi {
            if p.intx_lines == 0 || p.intx_lines > MAX_INTX_LINES {
                return Err(Error::BadIntxLines {
                    lines: p.intx_lines,
                });
            }
            spi("PCI INTx", u64::from(s) + u64::from(p.intx_lines) - 1)?;
        }
    }
    Ok(())
}

fn spi(what: &'static str, spi: u64) -> Result<()> {
    if spi > MAX_SPI.into() {
        return Err(Error::BadSpi { what, spi });
    }
    Ok(())
}

/// A window that is not empty and does not wrap; returns its last byte.
pub(crate) fn window(what: &'static str, (base, size): (u64, u64)) -> Result<u64> {
    match size.checked_sub(1).and_then(|s| base.checked_add(s)) {
        Some(last) => Ok(last),
        None => Err(Error::BadWindow { what, base, size }),
    }
}

/// A window below 4 GiB, as (base, size) of a 32-bit descriptor.
pub(crate) fn window32(what: &'static str, base: u64, size: u64) -> Result<(u32, u32)> {
    let last = window(what, (base, size))?;
    match (
        u32::try_from(last),
        u32::try_from(base),
        u32::try_from(size),
    ) {
        (Ok(_), Ok(b), Ok(s)) => Ok((b, s)),
        _ => Err(Error::Above4G { what, base, size }),
    }
}

/// The tables of `m` in `style`, in order, without the XSDT.
fn tables(m: &MachineDesc, style: &Style) -> Result<Vec<Table>> {
    check(m)?;
    let mut out = vec![
        dsdt::build(m, style)?,
        fadt::build(m, style),
        madt::build(m, style),
        pptt::build(m, style),
        gtdt::build(style),
    ];
    if let Some(p) = &m.pci {
        out.push(mcfg::build(p, style));
    }
    out.push(serial::spcr(m, style));
    out.push(serial::dbg2(m, style)?);
    Ok(out)
}

/// The tables linked for addresses `origin + offset`: the bytes (the XSDT last), where each
/// table starts, and the offsets of every pointer field in the bytes.
pub(crate) struct Linked {
    pub bytes: Vec<u8>,
    pub tables: Vec<([u8; 4], usize, usize)>,
    pub pointers: Vec<usize>,
    pub xsdt: usize,
}

impl Linked {
    /// Where each table lands when the blob starts at `origin`.
    pub(crate) fn infos(&self, origin: u64) -> Vec<TableInfo> {
        self.tables
            .iter()
            .map(|&(signature, off, len)| TableInfo {
                signature,
                addr: origin + off as u64,
                len: len as u32,
            })
            .collect()
    }
}

/// Lay `tables` out one after the other, then the XSDT listing all but the DSDT, with every
/// address `origin + offset` (checksums valid).
fn link(mut tables: Vec<Table>, origin: u64, style: &Style) -> Result<Linked> {
    let mut offsets = Vec::with_capacity(tables.len());
    let mut at = 0usize;
    for t in &tables {
        offsets.push(at);
        at += t.sdt.len();
    }
    let addr = |off: usize| {
        origin.checked_add(off as u64).ok_or(Error::DoesNotFit {
            base: origin,
            len: off as u64,
            max: u64::MAX,
        })
    };
    let sigs: Vec<[u8; 4]> = tables.iter().map(Table::signature).collect();
    let mut pointers = Vec::new();
    for (i, t) in tables.iter_mut().enumerate() {
        for p in std::mem::take(&mut t.pointers) {
            let Some(target) = sigs.iter().position(|s| *s == p.to) else {
                continue;
            };
            t.sdt.write_u64(p.at, addr(offsets[target])?);
            pointers.push(offsets[i] + p.at);
        }
    }
    let mut xsdt = style.sdt(*b"XSDT", style.rev.xsdt, style::HEADER_LEN);
    for (i, s) in sigs.iter().enumerate() {
        if s != b"DSDT" {
            pointers.push(at + xsdt.len());
            xsdt.append(addr(offsets[i])?);
        }
    }
    let mut bytes = Vec::with_capacity(at + xsdt.len());
    let mut placed = Vec::with_capacity(tables.len() + 1);
    for (t, off) in tables.iter().zip(&offsets) {
        placed.push((t.signature(), *off, t.sdt.len()));
        bytes.extend_from_slice(t.sdt.as_slice());
    }
    placed.push((*b"XSDT", at, xsdt.len()));
    bytes.extend_from_slice(xsdt.as_slice());
    addr(bytes.len())?;
    Ok(Linked {
        bytes,
        tables: placed,
        pointers,
        xsdt: at,
    })
}

/// The RSDP (revision 2, no RSDT) pointing at the XSDT at `xsdt`.
fn rsdp(style: &Style, xsdt: u64) -> Vec<u8> {
    let mut b = Vec::with_capacity(RSDP_LEN);
    acpi_tables::rsdp::Rsdp::new(style.oem_id, xsdt).to_aml_bytes(&mut b);
    b
}

/// Length of a revision 2 RSDP.
pub const RSDP_LEN: usize = 36;

/// Build the tables of `m` in `flavor`, laid out to be written at guest-physical `base`: the
/// RSDP at `base`, the tables right after it, the XSDT last (Cloud Hypervisor's
/// `create_acpi_tables`).
pub fn build(m: &MachineDesc, flavor: Flavor, base: u64) -> std::result::Result<AcpiTables, Error> {
    let style = Style::of(flavor);
    let origin = base.checked_add(RSDP_LEN as u64).ok_or(Error::DoesNotFit {
        base,
        len: RSDP_LEN as u64,
        max: u64::MAX,
    })?;
    let linked = link(tables(m, style)?, origin, style)?;
    let mut blob = rsdp(style, origin + linked.xsdt as u64);
    blob.extend_from_slice(&linked.bytes);
    let max = style.area.unwrap_or(u64::MAX);
    if blob.len() as u64 > max {
        return Err(Error::DoesNotFit {
            base,
            len: blob.len() as u64,
            max,
        });
    }
    let tables = linked.infos(origin);
    Ok(AcpiTables {
        blob,
        rsdp: base,
        tables,
    })
}
