//! ELF64 AArch64 and x86-64 executables (System V gABI, "Program Header"; AArch64 ELF ABI,
//! `EM_AARCH64` = 183; x86-64 psABI, `EM_X86_64` = 62): every `PT_LOAD` segment is placed at its physical address `p_paddr`, `p_filesz` bytes
//! copied from the file and `p_memsz - p_filesz` bytes zeroed; the CPU enters at `e_entry`, which
//! must lie inside a loaded segment (the MMU is off at entry, so it is a physical address).
//! An x86 `vmlinux` is linked at virtual addresses (and has a segment whose virtual address is
//! 0, `.data..percpu`): it is loaded by `p_paddr` like everything else, and its `e_entry` is
//! physical (`startup_64`'s load address).
//!
//! `kernel_offset`, as rust-vmm linux-loader defines it (`src/loader/x86_64/elf/mod.rs`): each
//! `PT_LOAD` goes to `kernel_offset + p_paddr`, the entry is `kernel_offset + e_entry`, and the
//! PVH entry note (`XEN_ELFNOTE_PHYS32_ENTRY`, name "Xen", in a `PT_NOTE`) is only looked for
//! without an offset: with one it is reported as ignored ([`Pvh`]).
//!
//! Header values are untrusted: `kernel_offset + p_paddr` (or `+ e_entry`) past 2^64 is refused
//! rather than wrapped ([`Error::SegmentAddressOverflow`], [`Error::EntryAddressOverflow`]), and
//! every segment's `p_paddr..p_paddr+p_memsz` is checked against RAM before any memory is
//! allocated for it (the BSS zero-fill is sized by `p_memsz`).

use goblin::elf::header::{EI_CLASS, EI_DATA, ELFCLASS64, ELFDATA2LSB, EM_AARCH64, EM_X86_64};
use goblin::elf::program_header::{PT_LOAD, PT_NOTE};

use crate::{check_in_ram, Arch, Blob, Format, MapEntry, Plan, Ram};

/// The ELF magic.
pub const MAGIC: [u8; 4] = *b"\x7fELF";

/// Xen ELF note type of the PVH 32-bit physical entry point (Xen `include/public/elfnote.h`).
pub const XEN_ELFNOTE_PHYS32_ENTRY: u32 = 18;
/// Name of Xen's ELF notes, with its terminating NUL.
pub const XEN_NOTE_NAME: &[u8] = b"Xen\0";

/// The PVH entry note of an ELF kernel, in linux-loader's three states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pvh {
    /// A `XEN_ELFNOTE_PHYS32_ENTRY` note with this entry point.
    Present(u64),
    /// No such note.
    NotPresent,
    /// A `PT_NOTE` was not searched because a `kernel_offset` was given (linux-loader:
    /// PVH requires the kernel at its link-time physical address).
    Ignored,
}

impl std::fmt::Display for Pvh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pvh::Present(e) => write!(f, "present (entry {e:#x})"),
            Pvh::NotPresent => write!(f, "not present"),
            Pvh::Ignored => write!(f, "ignored because an offset was given"),
        }
    }
}

/// Find a `XEN_ELFNOTE_PHYS32_ENTRY` note named "Xen" in a `PT_NOTE` segment's bytes (notes are
/// 4-byte aligned: gABI "Note Section"); its descriptor's first 4 bytes are the entry.
pub fn find_pvh_note(notes: &[u8]) -> Option<u64> {
    let u32_at = |o: usize| -> Option<u32> {
        Some(u32::from_le_bytes(notes.get(o..o + 4)?.try_into().ok()?))
    };
    let mut at = 0usize;
    while at + 12 <= notes.len() {
        let (namesz, descsz, ty) = (
            u32_at(at)? as usize,
            u32_at(at + 4)? as usize,
            u32_at(at + 8)?,
        );
        let name_at = at + 12;
        let desc_at = name_at.checked_add(namesz.next_multiple_of(4))?;
        if ty == XEN_ELFNOTE_PHYS32_ENTRY
            && notes.get(name_at..name_at + namesz) == Some(XEN_NOTE_NAME)
            && descsz >= 4
        {
            return u32_at(desc_at).map(u64::from);
        }
        at = desc_at.checked_add(descsz.next_multiple_of(4))?;
    }
    None
}

/// Rule: every loadable segment lies in RAM.
pub const RULE_SEGMENT_IN_RAM: &str =
    "ELF: every PT_LOAD segment is loaded at p_paddr..p_paddr+p_memsz and must lie in RAM";

/// Why an ELF file cannot be booted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// goblin could not parse it.
    #[error("malformed ELF: {0}")]
    Malformed(String),
    /// Not ELFCLASS64 little-endian.
    #[error("ELF is not 64-bit little-endian (EI_CLASS {class}, EI_DATA {data})")]
    NotElf64Le {
        /// `e_ident[EI_CLASS]`.
        class: u8,
        /// `e_ident[EI_DATA]`.
        data: u8,
    },
    /// `e_machine` is neither AArch64 nor x86-64.
    #[error("ELF is for machine {0}, not AArch64 ({EM_AARCH64}) or x86-64 ({EM_X86_64})")]
    UnsupportedMachine(u16),
    /// No `PT_LOAD` segment with memory.
    #[error("ELF has no PT_LOAD segment")]
    NoLoadSegment,
    /// A segment's file bytes lie beyond the end of the file.
    #[error("ELF PT_LOAD #{index}: file bytes {offset:#x}+{filesz:#x} beyond end of file ({file_len:#x})")]
    SegmentOutsideFile {
        /// Program header index.
        index: usize,
        /// `p_offset`.
        offset: u64,
        /// `p_filesz`.
        filesz: u64,
        /// File length.
        file_len: u64,
    },
    /// `p_memsz < p_filesz`.
    #[error("ELF PT_LOAD #{index}: p_memsz {memsz:#x} < p_filesz {filesz:#x}")]
    MemszBelowFilesz {
        /// Program header index.
        index: usize,
        /// `p_filesz`.
        filesz: u64,
        /// `p_memsz`.
        memsz: u64,
    },
    /// `e_entry` is not inside any loaded segment.
    #[error("ELF entry point {0:#x} is not inside any PT_LOAD segment")]
    EntryNotLoaded(u64),
    /// `kernel_offset + p_paddr` passes 2^64: there is no address to load the segment at.
    #[error(
        "ELF PT_LOAD #{index}: kernel offset {kernel_offset:#x} + p_paddr {paddr:#x} runs past \
         2^64 (rule: {RULE_SEGMENT_IN_RAM})"
    )]
    SegmentAddressOverflow {
        /// Program header index.
        index: usize,
        /// `p_paddr`.
        paddr: u64,
        /// The kernel offset.
        kernel_offset: u64,
    },
    /// `kernel_offset + e_entry` passes 2^64.
    #[error(
        "ELF entry point: kernel offset {kernel_offset:#x} + e_entry {entry:#x} runs past 2^64"
    )]
    EntryAddressOverflow {
        /// `e_entry`.
        entry: u64,
        /// The kernel offset.
        kernel_offset: u64,
    },
}

/// Plan an ELF file at its physical addresses.
pub fn plan(bytes: &[u8], ram: Ram) -> Result<Plan, crate::Error> {
    plan_at(bytes, ram, None)
}

/// Plan an ELF file, each `PT_LOAD` at `kernel_offset + p_paddr` when an offset is given.
pub fn plan_at(bytes: &[u8], ram: Ram, kernel_offset: Option<u64>) -> Result<Plan, crate::Error> {
    let off = kernel_offset.unwrap_or(0);
    let (class, data) = (bytes.get(EI_CLASS), bytes.get(EI_DATA));
    if class != Some(&ELFCLASS64) || data != Some(&ELFDATA2LSB) {
        return Err(Error::NotElf64Le {
            class: class.copied().unwrap_or(0),
            data: data.copied().unwrap_or(0),
        }
        .into());
    }
    let elf = goblin::elf::Elf::parse(bytes).map_err(|e| Error::Malformed(e.to_string()))?;
    let arch = match elf.header.e_machine {
        EM_AARCH64 => Arch::Aarch64,
        EM_X86_64 => Arch::X86_64,
        m => return Err(Error::UnsupportedMachine(m).into()),
    };
    // First every segment is checked (file bytes, address, RAM), then memory is allocated:
    // p_memsz is untrusted, and nothing is sized by it before it is known to fit in RAM.
    let mut segments = Vec::new();
    let mut pvh = if kernel_offset.is_some() {
        Pvh::Ignored
    } else {
        Pvh::NotPresent
    };
    for (index, ph) in elf.program_headers.iter().enumerate() {
        if ph.p_type == PT_NOTE && kernel_offset.is_none() && pvh == Pvh::NotPresent {
            let notes = ph
                .p_offset
                .checked_add(ph.p_filesz)
                .and_then(|end| bytes.get(ph.p_offset as usize..end as usize))
                .unwrap_or_default();
            if let Some(e) = find_pvh_note(notes) {
                pvh = Pvh::Present(e);
            }
        }
        if ph.p_type != PT_LOAD || ph.p_memsz == 0 {
            continue;
        }
        let (offset, filesz, memsz) = (ph.p_offset, ph.p_filesz, ph.p_memsz);
        if memsz < filesz {
            return Err(Error::MemszBelowFilesz {
                index,
                filesz,
                memsz,
            }
            .into());
        }
        let file_bytes = offset
            .checked_add(filesz)
            .filter(|&end| end <= bytes.len() as u64)
            .map(|end| &bytes[offset as usize..end as usize])
            .ok_or(Error::SegmentOutsideFile {
                index,
                offset,
                filesz,
                file_len: bytes.len() as u64,
            })?;
        let what = format!("ELF PT_LOAD #{index} (filesz {filesz:#x}, memsz {memsz:#x})");
        let addr = ph
            .p_paddr
            .checked_add(off)
            .ok_or(Error::SegmentAddressOverflow {
                index,
                paddr: ph.p_paddr,
                kernel_offset: off,
            })?;
        check_in_ram(ram, what.clone(), addr, memsz, RULE_SEGMENT_IN_RAM)?;
        segments.push((
            addr,
            file_bytes,
            MapEntry {
                start: addr,
                size: memsz,
                what,
            },
        ));
    }
    if segments.is_empty() {
        return Err(Error::NoLoadSegment.into());
    }
    let entry = elf
        .header
        .e_entry
        .checked_add(off)
        .ok_or(Error::EntryAddressOverflow {
            entry: elf.header.e_entry,
            kernel_offset: off,
        })?;
    if !segments
        .iter()
        .any(|(addr, _, m)| entry >= *addr && entry - addr < m.size)
    {
        return Err(Error::EntryNotLoaded(entry).into());
    }
    let mut blobs = Vec::with_capacity(segments.len());
    let mut map = Vec::with_capacity(segments.len());
    for (addr, file_bytes, m) in segments {
        // In RAM (checked above), so the host can hold it.
        let mut bytes = Vec::with_capacity(m.size as usize);
        bytes.extend_from_slice(file_bytes);
        bytes.resize(m.size as usize, 0);
        blobs.push(Blob { addr, bytes });
        map.push(m);
    }
    Ok(Plan {
        format: Format::Elf {
            arch,
            segments: blobs.len(),
            pvh,
        },
        blobs,
        entry,
        regs: [0; 4],
        map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: Ram = Ram {
        base: 0x4000_0000,
        size: 0x100_0000,
    };

    /// One program header: (p_type, p_offset, p_paddr, p_filesz, p_memsz).
    type Ph = (u32, u64, u64, u64, u64);

    /// A minimal ELF64 LE executable: header, program headers, then `payload` at offset 0x100.
    fn elf(machine: u16, entry: u64, phs: &[Ph], payload: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; 0x100];
        b[0..4].copy_from_slice(&MAGIC);
        b[4] = ELFCLASS64;
        b[5] = ELFDATA2LSB;
        b[6] = 1;
        b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        b[18..20].copy_from_slice(&machine.to_le_bytes());
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        b[24..32].copy_from_slice(&entry.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        b[52..54].copy_from_slice(&64u16.to_le_bytes());
        b[54..56].copy_from_slice(&56u16.to_le_bytes());
        b[56..58].copy_from_slice(&(phs.len() as u16).to_le_bytes());
        for (i, &(ty, off, paddr, filesz, memsz)) in phs.iter().enumerate() {
            let p = 64 + 56 * i;
            b[p..p + 4].copy_from_slice(&ty.to_le_bytes());
            b[p + 8..p + 16].copy_from_slice(&off.to_le_bytes());
            b[p + 16..p + 24].copy_from_slice(&paddr.to_le_bytes());
            b[p + 24..p + 32].copy_from_slice(&paddr.to_le_bytes());
            b[p + 32..p + 40].copy_from_slice(&filesz.to_le_bytes());
            b[p + 40..p + 48].copy_from_slice(&memsz.to_le_bytes());
        }
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn loads_segments_and_zero_fills() {
        let f = elf(
            EM_AARCH64,
            0x4010_0004,
            &[
                (PT_LOAD, 0x100, 0x4010_0000, 8, 16),
                (4, 0, 0, 0, 0), // PT_NOTE: ignored
                (PT_LOAD, 0x104, 0x4020_0000, 4, 4),
            ],
            &[1, 2, 3, 4, 5, 6, 7, 8],
        );
        let p = crate::plan(&f, RAM).unwrap();
        assert_eq!(
            p.format,
            Format::Elf {
                arch: Arch::Aarch64,
                segments: 2,
                pvh: Pvh::NotPresent
            }
        );
        assert_eq!(p.entry, 0x4010_0004);
        assert_eq!(p.blobs[0].addr, 0x4010_0000);
        assert_eq!(
            p.blobs[0].bytes,
            [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(p.blobs[1].bytes, [5, 6, 7, 8]);
    }

    #[test]
    fn segment_outside_ram_names_the_rule() {
        let f = elf(
            EM_AARCH64,
            0x1000,
            &[(PT_LOAD, 0x100, 0x1000, 4, 4)],
            &[0; 4],
        );
        match crate::plan(&f, RAM) {
            Err(crate::Error::Placement(e)) => {
                assert_eq!(e.rule, RULE_SEGMENT_IN_RAM);
                assert_eq!((e.start, e.end), (0x1000, 0x1004));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn kernel_offset_past_2_64_is_refused_not_wrapped_into_ram() {
        // 0xffff_ffff_ffff_0000 + 0x4008_0000 wraps to 0x4007_0000, inside RAM.
        let off = 0xffff_ffff_ffff_0000;
        let f = elf(
            EM_AARCH64,
            0x4008_0000,
            &[(PT_LOAD, 0x100, 0x4008_0000, 4, 4)],
            &[0; 4],
        );
        assert_eq!(
            crate::plan_at(&f, RAM, Some(off)),
            Err(Error::SegmentAddressOverflow {
                index: 0,
                paddr: 0x4008_0000,
                kernel_offset: off
            }
            .into())
        );
        let msg = crate::plan_at(&f, RAM, Some(off)).unwrap_err().to_string();
        assert!(msg.contains("PT_LOAD #0"), "{msg}");
        // The segment fits once offset, but the entry point runs past 2^64.
        let f = elf(
            EM_AARCH64,
            u64::MAX - 0x10,
            &[(PT_LOAD, 0x100, 0x0008_0000, 4, 4)],
            &[0; 4],
        );
        assert_eq!(
            crate::plan_at(&f, RAM, Some(0x4000_0000)),
            Err(Error::EntryAddressOverflow {
                entry: u64::MAX - 0x10,
                kernel_offset: 0x4000_0000
            }
            .into())
        );
        // An offset that does not overflow still works.
        let f = elf(
            EM_AARCH64,
            0x0008_0000,
            &[(PT_LOAD, 0x100, 0x0008_0000, 4, 4)],
            &[0; 4],
        );
        let p = crate::plan_at(&f, RAM, Some(0x4000_0000)).unwrap();
        assert_eq!((p.entry, p.blobs[0].addr), (0x4008_0000, 0x4008_0000));
    }

    #[test]
    fn huge_bss_is_refused_before_anything_is_allocated() {
        // p_memsz = 1 TiB: the RAM check refuses it; a zero-fill first would need 1 TiB.
        let f = elf(
            EM_AARCH64,
            0x4000_0000,
            &[(PT_LOAD, 0x100, 0x4000_0000, 4, 1 << 40)],
            &[0; 4],
        );
        match crate::plan(&f, RAM) {
            Err(crate::Error::Placement(e)) => {
                assert_eq!(e.rule, RULE_SEGMENT_IN_RAM);
                assert_eq!((e.start, e.end), (0x4000_0000, 0x4000_0000 + (1 << 40)));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Every segment is checked before any is allocated: a bad second segment refuses the
        // file whatever the first one holds.
        let f = elf(
            EM_AARCH64,
            0x4000_0000,
            &[
                (PT_LOAD, 0x100, 0x4000_0000, 4, RAM.size),
                (PT_LOAD, 0x100, 0x4000_0000, 4, u64::MAX),
            ],
            &[0; 4],
        );
        assert!(matches!(
            crate::plan(&f, RAM),
            Err(crate::Error::Placement(_))
        ));
    }

    #[test]
    fn wrong_machine() {
        // EM_ARM (40): 32-bit Arm.
        let f = elf(40, 0, &[], &[]);
        assert_eq!(
            crate::plan(&f, RAM),
            Err(Error::UnsupportedMachine(40).into())
        );
    }

    /// One note: namesz, descsz, type, name (padded to 4), desc (padded to 4).
    fn note(name: &[u8], ty: u32, desc: &[u8]) -> Vec<u8> {
        let mut n = Vec::new();
        n.extend((name.len() as u32).to_le_bytes());
        n.extend((desc.len() as u32).to_le_bytes());
        n.extend(ty.to_le_bytes());
        n.extend(name);
        n.resize(n.len().next_multiple_of(4), 0);
        n.extend(desc);
        n.resize(n.len().next_multiple_of(4), 0);
        n
    }

    #[test]
    fn x86_64_vmlinux_shape_loads_by_paddr_with_its_pvh_note() {
        // Like Debian's amd64 vmlinux: text at paddr 0x100_0000 (vaddr 0xffffffff81000000),
        // a percpu segment whose vaddr is 0, and a Xen PHYS32_ENTRY note in a PT_NOTE.
        let x86_ram = Ram {
            base: 0,
            size: 0x400_0000,
        };
        let notes = [
            note(b"Xen\0", 6, b"linux\0"),
            note(
                b"Xen\0",
                XEN_ELFNOTE_PHYS32_ENTRY,
                &0x100_0850u64.to_le_bytes(),
            ),
        ]
        .concat();
        let n = notes.len() as u64;
        let mut payload = vec![0xccu8; 0x40];
        payload.extend_from_slice(&notes);
        let mut f = elf(
            EM_X86_64,
            0x100_0000,
            &[
                (PT_LOAD, 0x100, 0x100_0000, 0x20, 0x1000),
                (PT_LOAD, 0x120, 0x200_0000, 0x20, 0x20),
                (PT_NOTE, 0x140, 0x100_0040, n, n),
            ],
            &payload,
        );
        // The second segment's p_vaddr is 0 (p_paddr stays 0x200_0000).
        f[64 + 56 + 16..64 + 56 + 24].copy_from_slice(&0u64.to_le_bytes());
        let p = crate::plan(&f, x86_ram).unwrap();
        assert_eq!(
            p.format,
            Format::Elf {
                arch: Arch::X86_64,
                segments: 2,
                pvh: Pvh::Present(0x100_0850)
            }
        );
        assert_eq!(p.format.arch(), Some(Arch::X86_64));
        assert_eq!(p.blobs[1].addr, 0x200_0000);
        assert_eq!(p.entry, 0x100_0000);
        assert!(p.to_string().contains("ELF64 x86-64, 2 PT_LOAD"), "{p}");
        // With an offset: moved, PVH ignored.
        let p = crate::plan_at(&f, x86_ram, Some(0x100_0000)).unwrap();
        assert_eq!((p.blobs[0].addr, p.entry), (0x200_0000, 0x200_0000));
        assert!(matches!(
            p.format,
            Format::Elf {
                pvh: Pvh::Ignored,
                ..
            }
        ));
    }

    #[test]
    fn not_64_bit() {
        let mut f = elf(EM_AARCH64, 0, &[], &[]);
        f[EI_CLASS] = 1;
        assert_eq!(
            crate::plan(&f, RAM),
            Err(Error::NotElf64Le { class: 1, data: 1 }.into())
        );
    }

    #[test]
    fn no_segments() {
        let f = elf(EM_AARCH64, 0, &[], &[]);
        assert_eq!(crate::plan(&f, RAM), Err(Error::NoLoadSegment.into()));
    }

    #[test]
    fn truncated_segment() {
        let f = elf(
            EM_AARCH64,
            0,
            &[(PT_LOAD, 0x100, 0x4000_0000, 8, 8)],
            &[0; 4],
        );
        assert_eq!(
            crate::plan(&f, RAM),
            Err(Error::SegmentOutsideFile {
                index: 0,
                offset: 0x100,
                filesz: 8,
                file_len: 0x104
            }
            .into())
        );
    }

    #[test]
    fn memsz_below_filesz() {
        let f = elf(
            EM_AARCH64,
            0,
            &[(PT_LOAD, 0x100, 0x4000_0000, 4, 2)],
            &[0; 4],
        );
        assert_eq!(
            crate::plan(&f, RAM),
            Err(Error::MemszBelowFilesz {
                index: 0,
                filesz: 4,
                memsz: 2
            }
            .into())
        );
    }

    #[test]
    fn entry_outside_segments() {
        let f = elf(
            EM_AARCH64,
            0x4000_1000,
            &[(PT_LOAD, 0x100, 0x4000_0000, 4, 4)],
            &[0; 4],
        );
        assert_eq!(
            crate::plan(&f, RAM),
            Err(Error::EntryNotLoaded(0x4000_1000).into())
        );
    }
}
