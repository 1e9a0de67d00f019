//! Boot planning for bootemu: pure functions over bytes that recognise a kernel or firmware file
//! and decide what goes where in guest memory and how the boot CPU starts ([`Plan`]).
//!
//! Nothing here runs guest code. One module per format:
//! - [`arm64_image`]: the arm64 `Image` (with or without the EFI stub), Linux
//!   `Documentation/arch/arm64/booting.rst`;
//! - [`elf`]: ELF64 AArch64 executables (firmware, bare-metal tests), every `PT_LOAD` at its
//!   physical address;
//! - [`raw`]: anything else, a flat binary entered at its first byte.
//!
//! Known gaps, one greppable convention: `TODO(BOOT_x)`.
//! - `TODO(BOOT_GZIP)`: gzip-compressed Images (Debian's `vmlinuz`) are recognised and refused.
//! - `TODO(BOOT_FDT)`: no device tree yet, so `x0` is 0 at entry.
//! - `TODO(BOOT_ELF_KERNEL_OFFSET)`: `vmlinux` (linked at virtual addresses) is refused by the
//!   RAM rule; it needs linux-loader's `kernel_offset` placement.
#![deny(missing_docs)]

pub mod arm64_image;
pub mod elf;
mod plan;
pub mod raw;

pub use plan::{Blob, Format, MapEntry, Plan, Ram};

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
    /// Something would be placed outside RAM.
    #[error(transparent)]
    Placement(#[from] PlacementError),
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

/// Magic of gzip streams (RFC 1952 §2.3.1).
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Recognise `bytes` and plan where everything goes in `ram`.
///
/// Order: ELF magic, then the arm64 Image magic, then known-but-unsupported containers (gzip),
/// and finally a raw binary.
pub fn plan(bytes: &[u8], ram: Ram) -> Result<Plan, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.starts_with(&elf::MAGIC) {
        return elf::plan(bytes, ram);
    }
    if let Some(header) = arm64_image::Header::parse(bytes) {
        return arm64_image::plan(&header?, bytes, ram);
    }
    if bytes.starts_with(&GZIP_MAGIC) {
        // TODO(BOOT_GZIP): inflate and recurse.
        return Err(Error::Unsupported(
            "gzip-compressed kernel (decompress it first)",
        ));
    }
    raw::plan(bytes, ram)
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

    #[test]
    fn gzip_is_recognised_and_refused() {
        let bytes = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0];
        assert!(matches!(plan(&bytes, RAM), Err(Error::Unsupported(_))));
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
