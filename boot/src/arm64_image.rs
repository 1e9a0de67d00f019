//! The arm64 Linux `Image` format and its placement rules, from Linux
//! `Documentation/arch/arm64/booting.rst` §4 "Call the kernel image"
//! (<https://docs.kernel.org/arch/arm64/booting.html>).
//!
//! The 64-byte header: `code0`/`code1` (u32 at 0 and 4; "MZ" at 0 when the EFI stub is built in),
//! `text_offset` (u64 LE at 8), `image_size` (u64 at 16), `flags` (u64 at 24), three reserved
//! u64, `magic` = "ARM\x64" (u32 at 56), `res5` (PE header offset, u32 at 60).
//!
//! Placement: the Image goes `text_offset` bytes above a 2 MiB-aligned base in RAM, with
//! `image_size` bytes free from there (the BSS follows the file). bootemu uses the base
//! RAM base + 2 MiB ([`KERNEL_BASE_OFFSET`]): for today's kernels (`text_offset` 0) this is
//! 0x4020_0000 on `virt`, where QEMU puts them, and it keeps the first 2 MiB of RAM free for a
//! boot stub and the device tree. For pre-3.17 kernels (`image_size` 0) QEMU instead uses
//! RAM base + 0x80000 with no 2 MiB gap; bootemu keeps one rule for all Images.

use std::borrow::Cow;

use crate::{check_in_ram, Blob, Format, MapEntry, Plan, Ram};

/// Size of the header.
pub const HEADER_SIZE: usize = 64;
/// Offset of the magic number.
pub const MAGIC_OFFSET: usize = 56;
/// The magic number, "ARM\x64" little-endian.
pub const MAGIC: u32 = 0x644d_5241;
/// Bytes at offset 0 of an Image with the EFI stub (PE/COFF "MZ").
pub const EFI_STUB_MAGIC: [u8; 2] = *b"MZ";
/// booting.rst: "The Image must be placed text_offset bytes from a 2MB aligned base address".
pub const BASE_ALIGN: u64 = 2 << 20;
/// booting.rst: "Prior to v3.17 ... image_size is zero ... text_offset can be assumed to be
/// 0x80000".
pub const LEGACY_TEXT_OFFSET: u64 = 0x8_0000;
/// bootemu's choice of base above the start of RAM (a multiple of [`BASE_ALIGN`]).
pub const KERNEL_BASE_OFFSET: u64 = 2 << 20;
/// `flags` bit 0: kernel endianness, 1 = big-endian.
pub const FLAG_BE: u64 = 1;

/// Rule: the whole image (file and BSS, `image_size` bytes) must fit in RAM.
pub const RULE_IMAGE_IN_RAM: &str = "booting.rst: the Image is placed text_offset bytes above a \
     2 MiB-aligned base in usable RAM with image_size bytes free";

/// Rule broken by a `--kernel-offset` that is not a 2 MiB-aligned base.
pub const RULE_BASE_ALIGNED: &str =
    "booting.rst: the Image must be placed text_offset bytes from a 2 MiB aligned base address";

/// Why an Image header cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The requested base (`kernel_offset`) is not 2 MiB aligned.
    #[error("kernel offset {base:#x} is not 2 MiB aligned (rule: {RULE_BASE_ALIGNED})")]
    Misaligned {
        /// The requested base.
        base: u64,
    },
    /// The EFI stub's PE section table describes more file than there is.
    #[error(
        "truncated: the file has {len:#x} bytes but its PE section table describes {needs:#x} \
         (the EFI stub's sections end past the end of the file)"
    )]
    Truncated {
        /// The file's size.
        len: u64,
        /// Where its last PE section ends in the file.
        needs: u64,
    },
    /// The base + `text_offset` passes 2^64: there is no address to place the Image at.
    #[error(
        "text_offset {text_offset:#x} above base {base:#x} runs past 2^64 \
         (rule: {RULE_IMAGE_IN_RAM})"
    )]
    TextOffsetOverflow {
        /// The 2 MiB-aligned base.
        base: u64,
        /// The header's `text_offset`.
        text_offset: u64,
    },
    /// `flags` bit 0 says big-endian; bootemu runs little-endian guests only.
    #[error("arm64 Image is big-endian (flags {flags:#x} bit 0); only little-endian kernels are supported")]
    BigEndian {
        /// The header's flags.
        flags: u64,
    },
}

/// The decoded header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// First instruction (or "MZ" + an instruction with the EFI stub).
    pub code0: u32,
    /// Second instruction (the branch to the kernel with the EFI stub).
    pub code1: u32,
    /// `text_offset` after the legacy default.
    pub text_offset: u64,
    /// `image_size` after the legacy default (file size).
    pub image_size: u64,
    /// `flags` as in the file.
    pub flags: u64,
    /// EFI stub present.
    pub efi_stub: bool,
    /// `image_size` was 0 in the file.
    pub legacy: bool,
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap_or_default())
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap_or_default())
}

impl Header {
    /// `None` when `bytes` is not an Image (too short or no magic); otherwise the checked header.
    pub fn parse(bytes: &[u8]) -> Option<Result<Header, Error>> {
        if bytes.len() < HEADER_SIZE || u32_at(bytes, MAGIC_OFFSET) != MAGIC {
            return None;
        }
        let flags = u64_at(bytes, 24);
        if flags & FLAG_BE != 0 {
            return Some(Err(Error::BigEndian { flags }));
        }
        let efi_stub = bytes.starts_with(&EFI_STUB_MAGIC);
        if efi_stub {
            if let Some(needs) = pe_file_end(bytes).filter(|&n| n > bytes.len() as u64) {
                return Some(Err(Error::Truncated {
                    len: bytes.len() as u64,
                    needs,
                }));
            }
        }
        let image_size = u64_at(bytes, 16);
        let legacy = image_size == 0;
        Some(Ok(Header {
            code0: u32_at(bytes, 0),
            code1: u32_at(bytes, 4),
            text_offset: if legacy {
                LEGACY_TEXT_OFFSET
            } else {
                u64_at(bytes, 8)
            },
            image_size: if legacy {
                bytes.len() as u64
            } else {
                image_size
            },
            flags,
            efi_stub,
            legacy,
        }))
    }

    /// Kernel page size from `flags` bits 2:1, in bytes (`None` = unspecified).
    pub fn page_size(&self) -> Option<u64> {
        match (self.flags >> 1) & 3 {
            1 => Some(4 << 10),
            2 => Some(16 << 10),
            3 => Some(64 << 10),
            _ => None,
        }
    }
}

/// Offset of the PE header's offset in the DOS header (`e_lfanew`; the Image header's `res5`).
pub const PE_HEADER_POINTER: usize = 0x3c;
/// Size of one PE section header (PE/COFF specification, "Section Table").
const PE_SECTION_HEADER: usize = 40;
/// Size of the COFF file header after the "PE\0\0" signature.
const COFF_HEADER: usize = 20;

/// Where the file data of the EFI stub's PE sections ends (the largest `PointerToRawData +
/// SizeOfRawData` of the section table), when the PE headers are there to read. A PE header
/// pointing past the end of the file also means the file was cut short: that is the header's
/// own end. Per the PE/COFF specification (signature, COFF header, section table).
pub fn pe_file_end(bytes: &[u8]) -> Option<u64> {
    let pe = u32::from_le_bytes(
        bytes
            .get(PE_HEADER_POINTER..PE_HEADER_POINTER + 4)?
            .try_into()
            .ok()?,
    ) as usize;
    let coff = pe.checked_add(4)?;
    let Some(h) = bytes.get(coff..coff + COFF_HEADER) else {
        return Some((coff + COFF_HEADER) as u64);
    };
    if bytes.get(pe..pe + 4) != Some(b"PE\0\0".as_slice()) {
        return None;
    }
    let sections = u16::from_le_bytes([h[2], h[3]]) as usize;
    let optional = u16::from_le_bytes([h[16], h[17]]) as usize;
    let table = coff + COFF_HEADER + optional;
    let mut end = (table + sections * PE_SECTION_HEADER) as u64;
    for i in 0..sections {
        let at = table + i * PE_SECTION_HEADER;
        let Some(sh) = bytes.get(at..at + PE_SECTION_HEADER) else {
            break;
        };
        let raw_size = u32::from_le_bytes(sh[16..20].try_into().ok()?) as u64;
        let raw_ptr = u32::from_le_bytes(sh[20..24].try_into().ok()?) as u64;
        end = end.max(raw_ptr + raw_size);
    }
    Some(end)
}

/// Plan an Image: copy the file to RAM base + [`KERNEL_BASE_OFFSET`] + `text_offset` and enter
/// at its first byte with x0–x3 = 0 ([`crate::linux::complete`] adds the initrd and the device tree).
pub fn plan(h: &Header, bytes: &[u8], ram: Ram) -> Result<Plan, crate::Error> {
    plan_at(h, Cow::Borrowed(bytes), ram, None)
}

/// Plan an Image at `kernel_offset` (linux-loader's arm64 `PE` loader: the base, which must
/// be 2 MiB aligned; the image goes at base + `text_offset`), or at the default base. The
/// bytes become the plan's blob (copied only when borrowed).
pub fn plan_at(
    h: &Header,
    bytes: Cow<[u8]>,
    ram: Ram,
    kernel_offset: Option<u64>,
) -> Result<Plan, crate::Error> {
    let base = match kernel_offset {
        Some(b) if !b.is_multiple_of(BASE_ALIGN) => {
            return Err(Error::Misaligned { base: b }.into())
        }
        Some(b) => b,
        None => (ram.base + KERNEL_BASE_OFFSET).next_multiple_of(BASE_ALIGN),
    };
    let addr = base
        .checked_add(h.text_offset)
        .ok_or(Error::TextOffsetOverflow {
            base,
            text_offset: h.text_offset,
        })?;
    let reserve = h.image_size.max(bytes.len() as u64);
    check_in_ram(ram, "kernel Image", addr, reserve, RULE_IMAGE_IN_RAM)?;
    let mut map = vec![MapEntry {
        start: addr,
        size: bytes.len() as u64,
        what: "kernel Image (file)".into(),
    }];
    if reserve > bytes.len() as u64 {
        map.push(MapEntry {
            start: addr + bytes.len() as u64,
            size: reserve - bytes.len() as u64,
            what: "kernel Image (BSS up to image_size)".into(),
        });
    }
    Ok(Plan {
        format: Format::Arm64Image {
            text_offset: h.text_offset,
            image_size: h.image_size,
            flags: h.flags,
            efi_stub: h.efi_stub,
            legacy: h.legacy,
        },
        blobs: vec![Blob {
            addr,
            bytes: bytes.into_owned(),
        }],
        entry: addr,
        regs: [0; 4],
        map,
    })
}

/// A synthetic Image header for tests: `code0`, `text_offset`, `image_size`, `flags`, magic.
pub(crate) fn synthetic(text_offset: u64, image_size: u64, flags: u64, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len.max(HEADER_SIZE)];
    b[0..4].copy_from_slice(&0x1400_0010u32.to_le_bytes()); // b #0x40
    b[8..16].copy_from_slice(&text_offset.to_le_bytes());
    b[16..24].copy_from_slice(&image_size.to_le_bytes());
    b[24..32].copy_from_slice(&flags.to_le_bytes());
    b[56..60].copy_from_slice(&MAGIC.to_le_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 512 << 20,
    };

    /// An EFI-stub Image whose one PE section holds file bytes 0x1000..0x2000.
    fn pe_image(len: usize) -> Vec<u8> {
        let mut b = synthetic(0, 0x10_0000, 0b1010, len.max(0x100));
        b[0..2].copy_from_slice(b"MZ");
        b[PE_HEADER_POINTER..PE_HEADER_POINTER + 4].copy_from_slice(&0x40u32.to_le_bytes());
        b[0x40..0x44].copy_from_slice(b"PE\0\0");
        b[0x46..0x48].copy_from_slice(&1u16.to_le_bytes()); // NumberOfSections
        let sh = 0x44 + COFF_HEADER; // no optional header
        b[sh + 16..sh + 20].copy_from_slice(&0x1000u32.to_le_bytes()); // SizeOfRawData
        b[sh + 20..sh + 24].copy_from_slice(&0x1000u32.to_le_bytes()); // PointerToRawData
        b.truncate(len);
        b
    }

    #[test]
    fn truncated_efi_stub_image_is_refused() {
        assert_eq!(pe_file_end(&pe_image(0x2000)), Some(0x2000));
        assert!(Header::parse(&pe_image(0x2000)).unwrap().is_ok());
        assert_eq!(
            Header::parse(&pe_image(0x1800)),
            Some(Err(Error::Truncated {
                len: 0x1800,
                needs: 0x2000
            }))
        );
        let mut no_pe = pe_image(0x2000);
        no_pe[0x40] = b'X';
        assert_eq!(
            pe_file_end(&no_pe),
            None,
            "not a PE header: nothing to judge"
        );
    }

    #[test]
    fn modern_image_goes_to_base_plus_2m() {
        let img = synthetic(0, 0x10_0000, 0b1010, 0x1000);
        let p = crate::plan(&img, RAM).unwrap();
        assert_eq!(p.entry, 0x4020_0000);
        assert_eq!(p.blobs[0].addr, 0x4020_0000);
        assert_eq!(p.blobs[0].bytes.len(), 0x1000);
        assert_eq!(p.map[1].start, 0x4020_1000);
        assert_eq!(p.map[1].size, 0x10_0000 - 0x1000);
        assert_eq!(
            p.format,
            Format::Arm64Image {
                text_offset: 0,
                image_size: 0x10_0000,
                flags: 0b1010,
                efi_stub: false,
                legacy: false
            }
        );
        let h = Header::parse(&img).unwrap().unwrap();
        assert_eq!(h.page_size(), Some(4096));
        assert_eq!(h.code0, 0x1400_0010);
    }

    #[test]
    fn text_offset_is_added_to_the_base() {
        let img = synthetic(0x8_0000, 0x1000, 0, 64);
        assert_eq!(crate::plan(&img, RAM).unwrap().entry, 0x4028_0000);
    }

    #[test]
    fn legacy_image_defaults() {
        let img = synthetic(0x1234, 0, 0, 0x200);
        let h = Header::parse(&img).unwrap().unwrap();
        assert!(h.legacy);
        assert_eq!(h.text_offset, LEGACY_TEXT_OFFSET);
        assert_eq!(h.image_size, 0x200);
        assert_eq!(crate::plan(&img, RAM).unwrap().entry, 0x4028_0000);
    }

    #[test]
    fn efi_stub_is_recognised() {
        let mut img = synthetic(0, 0x1000, 0, 64);
        img[0..2].copy_from_slice(b"MZ");
        assert!(Header::parse(&img).unwrap().unwrap().efi_stub);
    }

    #[test]
    fn big_endian_is_refused() {
        let img = synthetic(0, 0x1000, 1, 64);
        assert_eq!(
            crate::plan(&img, RAM),
            Err(crate::Error::Image(Error::BigEndian { flags: 1 }))
        );
    }

    #[test]
    fn image_size_beyond_ram_names_the_rule() {
        let img = synthetic(0, RAM.size, 0, 64);
        match crate::plan(&img, RAM) {
            Err(crate::Error::Placement(e)) => {
                assert_eq!(e.rule, RULE_IMAGE_IN_RAM);
                assert_eq!(e.start, 0x4020_0000);
                assert_eq!(e.end, 0x4020_0000 + RAM.size);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn text_offset_past_2_64_is_refused_not_wrapped_into_ram() {
        // 0x4020_0000 + 0xffff_ffff_fff0_0000 wraps to 0x4010_0000, in RAM, and the handoff's
        // start - text_offset would give back the 2 MiB-aligned base.
        let img = synthetic(0xffff_ffff_fff0_0000, 0x1000, 0, 64);
        let err = || Error::TextOffsetOverflow {
            base: 0x4020_0000,
            text_offset: 0xffff_ffff_fff0_0000,
        };
        assert_eq!(crate::plan(&img, RAM), Err(err().into()));
        assert!(err().to_string().contains("runs past 2^64"));
        // The same with a --kernel-offset base.
        assert!(matches!(
            crate::plan_at(&img, RAM, Some(0x4040_0000)),
            Err(crate::Error::Image(Error::TextOffsetOverflow {
                base: 0x4040_0000,
                ..
            }))
        ));
        // A text_offset that stays below 2^64 but leaves RAM is the RAM rule's.
        let img = synthetic(0x8000_0000_0000_0000, 0x1000, 0, 64);
        assert!(matches!(
            crate::plan(&img, RAM),
            Err(crate::Error::Placement(_))
        ));
    }

    #[test]
    fn short_or_magicless_files_are_not_images() {
        assert!(Header::parse(&[0; 63]).is_none());
        assert!(Header::parse(&[0; 64]).is_none());
        let mut img = synthetic(0, 0, 0, 64);
        img.truncate(60);
        assert!(Header::parse(&img).is_none());
    }
}
