//! Boot planning for bootemu: pure functions over bytes that recognise a kernel or firmware file
//! and decide what goes where in guest memory and how the boot CPU starts ([`Plan`]).
//!
//! Nothing here runs guest code. One module per format:
//! - [`arm64_image`]: the arm64 `Image` (with or without the EFI stub), Linux
//!   `Documentation/arch/arm64/booting.rst`;
//! - [`elf`]: ELF64 AArch64 and x86-64 executables (firmware, bare-metal tests, an x86
//!   `vmlinux` with its PVH note), every `PT_LOAD` at its physical address;
//! - [`bzimage`]: the x86 bzImage (setup header, 64-bit boot protocol placement), Linux
//!   `Documentation/arch/x86/boot.rst`;
//! - [`raw`]: anything else, a flat binary entered at its first byte;
//! - gzip streams (an `Image.gz`) are inflated and recognised again ([`inflate`]).
//!
//! Linux direct boot ([`plan_linux`], [`linux`]) adds the initrd and the device tree ([`fdt`])
//! to an Image's plan, as QEMU lays them out. A firmware boot ([`firmware`]) loads a firmware
//! and leaves the kernel file to it, described in the device tree.
//!
//! [`kallsyms`] reads the kernel's own symbol table from an Image, and [`symbols`] holds symbol
//! tables (that one, an ELF's, a `System.map`'s) for naming guest addresses.
//!
//! [`x86`] builds what an x86 loader hands the kernel besides the image: the zero page
//! (`boot_params` with its e820 map) for the 64-bit boot protocol and `hvm_start_info` for PVH,
//! and the CPU state it enters with (registers, GDT, identity-mapped page tables).
//!
//! [`acpi`] describes the same machine in ACPI tables, as Cloud Hypervisor writes them into
//! guest memory or as QEMU's `virt` hands them to EDK2 over fw_cfg.
//!
//! Known gaps, one greppable convention: `TODO(BOOT_x)`.
//! - `TODO(BOOT_ELF_KERNEL_OFFSET)`: `vmlinux` (linked at virtual addresses) is refused by the
//!   RAM rule; it needs linux-loader's `kernel_offset` placement.
//! - `TODO(BOOT_X86_MACHINE)`: [`x86::complete`] lays out an x86 boot (its entry state with the
//!   64-bit protocol's GDT and identity map or PVH's flat segments, [`x86::entry`]; its ACPI
//!   tables, [`acpi::x86`]) and the `bootparams.*`, `e820.*`, `kernel.*`, `entry64.*`, `pvh.*`
//!   and `pvh-entry.*` rules judge it, but no machine loads it yet.
#![deny(missing_docs)]

pub mod acpi;
pub mod arm64_image;
pub mod bzimage;
pub mod efi;
pub mod elf;
pub mod fdt;
pub mod firmware;
#[doc(hidden)]
pub mod fuzz_targets;
pub mod handoff;
pub mod kallsyms;
pub mod linux;
mod plan;
pub mod raw;
pub mod symbols;
pub mod x86;

pub use plan::{Blob, Format, MapEntry, Plan, Ram};

use std::borrow::Cow;

/// Why a file cannot be booted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The file is empty.
    #[error("empty file")]
    Empty,
    /// The file is a known format this version cannot boot.
    #[error("{0}: not supported yet")]
    Unsupported(&'static str),
    /// The arm64 Image header is unusable.
    #[error(transparent)]
    Image(#[from] arm64_image::Error),
    /// The ELF file is unusable.
    #[error(transparent)]
    Elf(#[from] elf::Error),
    /// The bzImage header is unusable or its placement breaks a rule.
    #[error(transparent)]
    BzImage(#[from] bzimage::Error),
    /// An x86 boot cannot be laid out.
    #[error(transparent)]
    X86(#[from] x86::Error),
    /// Something would be placed outside RAM.
    #[error(transparent)]
    Placement(#[from] PlacementError),
    /// The device tree cannot be built or used.
    #[error(transparent)]
    Fdt(#[from] fdt::Error),
    /// The ACPI tables cannot be built.
    #[error(transparent)]
    Acpi(#[from] acpi::Error),
    /// A gzip stream does not inflate.
    #[error("gzip: {0}")]
    Gzip(String),
    /// An initrd, a command line or a device tree was given for a kernel that is not an arm64
    /// Image.
    #[error("--initrd, --append and --dtb need an arm64 Linux Image (or a gzip'd one)")]
    NotLinux,
    /// ACPI tables larger than the area the machine keeps for them.
    #[error("ACPI tables of {len:#x} bytes do not fit the ACPI area ({max:#x} bytes)")]
    AcpiTooLarge {
        /// The tables' size.
        len: u64,
        /// The area's size.
        max: u64,
    },
    /// A `virt` firmware larger than flash bank 0.
    #[error("{len:#x} bytes: larger than flash bank 0 ({bank:#x} bytes), where the firmware goes")]
    FirmwareTooLarge {
        /// The firmware's size.
        len: u64,
        /// The bank's size.
        bank: u64,
    },
    /// A Cloud Hypervisor firmware without an arm64 Image header.
    #[error(
        "--machine cloud-hypervisor: the firmware must carry an arm64 Image header \
         (text_offset, image_size, magic \"ARM\\x64\"): Cloud Hypervisor loads it at \
         0x4040_0000 + text_offset"
    )]
    FirmwareNotImage,
}

/// A blob or reservation that does not lie inside guest RAM.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{what} at {start:#x}..{end:#x} is outside RAM {ram_start:#x}..{ram_end:#x} (rule: {rule})"
)]
pub struct PlacementError {
    /// What was being placed.
    pub what: String,
    /// First guest-physical byte.
    pub start: u64,
    /// One past the last byte (saturating).
    pub end: u64,
    /// First byte of RAM.
    pub ram_start: u64,
    /// One past the last byte of RAM.
    pub ram_end: u64,
    /// The rule that requires it.
    pub rule: &'static str,
}

/// The architecture a kernel or firmware file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// AArch64 (arm64 Image, ELF `EM_AARCH64`).
    Aarch64,
    /// x86-64 (bzImage, ELF `EM_X86_64`).
    X86_64,
}

impl Arch {
    /// The name `readelf` gives the machine.
    pub fn elf_name(self) -> &'static str {
        match self {
            Arch::Aarch64 => "AArch64",
            Arch::X86_64 => "x86-64",
        }
    }
}

/// The architecture a kernel file announces without being planned: an ELF's `e_machine`, an
/// arm64 Image's magic, a bzImage's "HdrS" (`None`: anything else, gzip included).
pub fn arch_of(bytes: &[u8]) -> Option<Arch> {
    if bytes.starts_with(&elf::MAGIC) {
        return match bytes.get(18..20).map(|m| u16::from_le_bytes([m[0], m[1]])) {
            Some(goblin::elf::header::EM_AARCH64) => Some(Arch::Aarch64),
            Some(goblin::elf::header::EM_X86_64) => Some(Arch::X86_64),
            _ => None,
        };
    }
    if arm64_image::Header::parse(bytes).is_some() {
        return Some(Arch::Aarch64);
    }
    if bzimage::Header::parse(bytes).is_some() {
        return Some(Arch::X86_64);
    }
    None
}

/// The load-map name of the initrd (`MapEntry::what`), which the handoff checks look for.
pub const MAP_INITRD: &str = "initrd";

/// Magic of gzip streams (RFC 1952 §2.3.1).
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Recognise `bytes` and plan where everything goes in `ram` (an Image gets no device tree:
/// x0 = 0; see [`plan_linux`]).
///
/// Order: gzip (inflated, then recognised again, once), the ELF magic, the arm64 Image magic,
/// the bzImage "HdrS" ([`bzimage`]), and finally a raw binary.
pub fn plan(bytes: &[u8], ram: Ram) -> Result<Plan, Error> {
    plan_at(bytes, ram, None)
}

/// [`plan`] with a `kernel_offset` as rust-vmm linux-loader defines it: an arm64 Image's
/// 2 MiB-aligned base ([`arm64_image::plan_at`]), or the offset added to every ELF `PT_LOAD`'s
/// `p_paddr` and to the entry ([`elf::plan_at`]). Raw binaries refuse an offset.
pub fn plan_at(bytes: &[u8], ram: Ram, kernel_offset: Option<u64>) -> Result<Plan, Error> {
    plan_cow(Cow::Borrowed(bytes), ram, kernel_offset)
}

/// [`plan_at`] of bytes the caller may give away: an owned arm64 Image (the usual kernel, tens
/// of MiB) becomes the plan's blob without a copy.
pub fn plan_cow(bytes: Cow<[u8]>, ram: Ram, kernel_offset: Option<u64>) -> Result<Plan, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.starts_with(&GZIP_MAGIC) {
        let inner = inflate(&bytes, ram.size)?;
        if inner.starts_with(&GZIP_MAGIC) {
            return Err(Error::Unsupported("gzip inside gzip"));
        }
        let compressed = bytes.len() as u64;
        drop(bytes);
        let mut p = plan_cow(Cow::Owned(inner), ram, kernel_offset)?;
        p.format = Format::Gzip {
            compressed,
            inner: Box::new(p.format),
        };
        return Ok(p);
    }
    if bytes.starts_with(&elf::MAGIC) {
        return elf::plan_at(&bytes, ram, kernel_offset);
    }
    if let Some(header) = arm64_image::Header::parse(&bytes) {
        return arm64_image::plan_at(&header?, bytes, ram, kernel_offset);
    }
    if let Some(header) = bzimage::Header::parse(&bytes) {
        return bzimage::plan_at(&header?, &bytes, ram, kernel_offset);
    }
    if kernel_offset.is_some() {
        return Err(Error::Unsupported("--kernel-offset for a raw binary"));
    }
    raw::plan(&bytes, ram)
}

/// Plan a Linux direct boot: the kernel (an arm64 Image, possibly gzip'd) as [`plan`] does,
/// then the initrd and the device tree ([`linux::complete`]).
pub fn plan_linux(kernel: &[u8], ram: Ram, boot: &linux::LinuxBoot) -> Result<Plan, Error> {
    let p = plan(kernel, ram)?;
    linux::complete(p, ram, boot)
}

/// Inflate a gzip stream of at most `limit` bytes inflated (RFC 1952).
pub fn inflate(bytes: &[u8], limit: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| Error::Gzip(e.to_string()))?;
    if out.len() as u64 > limit {
        return Err(Error::Gzip(format!(
            "inflates to more than {limit:#x} bytes (the RAM size)"
        )));
    }
    Ok(out)
}

/// Check that `start..start+len` lies inside `ram`, naming what and the rule otherwise.
pub(crate) fn check_in_ram(
    ram: Ram,
    what: impl Into<String>,
    start: u64,
    len: u64,
    rule: &'static str,
) -> Result<(), PlacementError> {
    let end = start.checked_add(len);
    match end {
        Some(end) if start >= ram.base && end <= ram.end() => Ok(()),
        _ => Err(PlacementError {
            what: what.into(),
            start,
            end: end.unwrap_or(u64::MAX),
            ram_start: ram.base,
            ram_end: ram.end(),
            rule,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 0x2000_0000,
    };

    #[test]
    fn empty_file_is_refused() {
        assert_eq!(plan(&[], RAM), Err(Error::Empty));
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_image_is_inflated() {
        let img = arm64_image::synthetic(0, 0x10_0000, 0xa, 0x1000);
        let gz = gzip(&img);
        let p = plan(&gz, RAM).unwrap();
        assert_eq!(p.blobs[0].bytes, img);
        assert_eq!(p.entry, 0x4020_0000);
        match &p.format {
            Format::Gzip { compressed, inner } => {
                assert_eq!(*compressed, gz.len() as u64);
                assert!(matches!(**inner, Format::Arm64Image { .. }));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(p.format.image(), Some(Format::Arm64Image { .. })));
    }

    #[test]
    fn bad_or_nested_or_huge_gzip_is_refused() {
        assert!(matches!(
            plan(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0], RAM),
            Err(Error::Gzip(_))
        ));
        assert!(matches!(
            plan(&gzip(&gzip(b"x")), RAM),
            Err(Error::Unsupported(_))
        ));
        let small = Ram {
            base: RAM.base,
            size: 0x1000,
        };
        assert!(matches!(
            plan(&gzip(&[0u8; 0x1001]), small),
            Err(Error::Gzip(_))
        ));
    }

    #[test]
    fn arch_of_files() {
        let img = arm64_image::synthetic(0, 0x10_0000, 0xa, 0x1000);
        assert_eq!(arch_of(&img), Some(Arch::Aarch64));
        assert_eq!(
            arch_of(&bzimage::synthetic(0x020f, 4, &[0; 16])),
            Some(Arch::X86_64)
        );
        let mut elf = vec![0u8; 64];
        elf[..4].copy_from_slice(&elf::MAGIC);
        elf[18] = 62;
        assert_eq!(arch_of(&elf), Some(Arch::X86_64));
        elf[18] = 183;
        assert_eq!(arch_of(&elf), Some(Arch::Aarch64));
        elf[18] = 40;
        assert_eq!(arch_of(&elf), None);
        assert_eq!(arch_of(&[0u8; 16]), None);
        assert_eq!(arch_of(&elf::MAGIC), None);
    }

    #[test]
    fn unknown_bytes_are_raw() {
        let p = plan(&[0u8; 16], RAM).unwrap();
        assert_eq!(p.format, Format::Raw);
    }

    #[test]
    fn placement_check_bounds() {
        assert!(check_in_ram(RAM, "x", RAM.base, RAM.size, "r").is_ok());
        let e = check_in_ram(RAM, "x", RAM.base, RAM.size + 1, "r").unwrap_err();
        assert_eq!(e.end, RAM.end() + 1);
        let e = check_in_ram(RAM, "x", u64::MAX, 2, "r").unwrap_err();
        assert_eq!(e.end, u64::MAX);
        assert!(check_in_ram(RAM, "x", RAM.base - 1, 1, "r").is_err());
    }
}
