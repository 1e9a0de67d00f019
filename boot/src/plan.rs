//! The load plan: what goes where in guest memory and the boot CPU's initial state.

use std::fmt;

/// A guest RAM range the plan must fit in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ram {
    /// Guest-physical base.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
}

impl Ram {
    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.base.saturating_add(self.size)
    }
}

/// Bytes to copy to a guest-physical address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    /// Guest-physical address of the first byte.
    pub addr: u64,
    /// The bytes (zero fill included where the format asks for it, e.g. ELF `.bss`).
    pub bytes: Vec<u8>,
}

/// One line of the load map, for printing and reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    /// Guest-physical start.
    pub start: u64,
    /// Size in bytes (may exceed the bytes copied: reserved memory such as an Image's BSS).
    pub size: u64,
    /// What it is.
    pub what: String,
}

/// The recognised format and the header facts worth printing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// arm64 Linux Image.
    Arm64Image {
        /// The header's `text_offset` as used (0x80000 for legacy images).
        text_offset: u64,
        /// The header's `image_size` as used (file size for legacy images).
        image_size: u64,
        /// The header's `flags`.
        flags: u64,
        /// The file starts with the EFI stub's "MZ".
        efi_stub: bool,
        /// `image_size` was 0: a pre-3.17 kernel, legacy defaults applied.
        legacy: bool,
    },
    /// ELF64 executable (AArch64 or x86-64).
    Elf {
        /// The architecture of `e_machine`.
        arch: crate::Arch,
        /// Number of `PT_LOAD` segments loaded.
        segments: usize,
        /// The PVH entry note.
        pvh: crate::elf::Pvh,
    },
    /// x86 bzImage, entered through the 64-bit boot protocol.
    BzImage(crate::bzimage::BzImageFacts),
    /// Flat binary.
    Raw,
    /// A gzip stream holding another format.
    Gzip {
        /// Size of the compressed file.
        compressed: u64,
        /// What it inflated to.
        inner: Box<Format>,
    },
}

impl Format {
    /// The format of what is loaded, through any compression.
    pub fn image(&self) -> Option<&Format> {
        match self {
            Format::Gzip { inner, .. } => inner.image(),
            f => Some(f),
        }
    }

    /// The architecture the loaded image is for (`None`: a raw binary, which does not say).
    pub fn arch(&self) -> Option<crate::Arch> {
        match self.image()? {
            Format::Arm64Image { .. } => Some(crate::Arch::Aarch64),
            Format::Elf { arch, .. } => Some(*arch),
            Format::BzImage(_) => Some(crate::Arch::X86_64),
            Format::Raw | Format::Gzip { .. } => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Arm64Image {
                text_offset,
                image_size,
                flags,
                efi_stub,
                legacy,
            } => {
                write!(
                    f,
                    "arm64 Image{}: text_offset {text_offset:#x}, image_size {image_size:#x}, \
                     flags {flags:#x}",
                    if *efi_stub { " with EFI stub" } else { "" }
                )?;
                if *legacy {
                    write!(f, " (legacy header: image_size 0, defaults applied)")?;
                }
                Ok(())
            }
            Format::Elf {
                arch,
                segments,
                pvh,
            } => write!(
                f,
                "ELF64 {}, {segments} PT_LOAD segment(s), PVH entry note: {pvh}",
                arch.elf_name()
            ),
            Format::BzImage(b) => {
                let h = &b.header;
                write!(
                    f,
                    "x86 bzImage, boot protocol {}, {}, kernel_alignment {:#x}, pref_address \
                     {:#x}, init_size {:#x}, payload {}",
                    h.version_string(),
                    if h.relocatable {
                        "relocatable"
                    } else {
                        "not relocatable"
                    },
                    h.kernel_alignment,
                    h.pref_address,
                    h.init_size,
                    h.payload.map_or("none".to_string(), |c| c.name())
                )
            }
            Format::Raw => write!(f, "raw binary"),
            Format::Gzip { compressed, inner } => {
                write!(f, "gzip ({compressed} bytes) of {inner}")
            }
        }
    }
}

/// Everything the machine needs to start the guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// What the file was recognised as.
    pub format: Format,
    /// Bytes to copy into guest memory.
    pub blobs: Vec<Blob>,
    /// Guest-physical address of the first instruction.
    pub entry: u64,
    /// X0–X3 at entry (booting.rst: x0 = FDT address, x1–x3 = 0).
    pub regs: [u64; 4],
    /// The load map, for printing.
    pub map: Vec<MapEntry>,
}

impl Plan {
    /// Put `bytes` at `addr`, named `what` in the load map.
    pub fn place(&mut self, addr: u64, bytes: Vec<u8>, what: impl Into<String>) {
        self.map.push(MapEntry {
            start: addr,
            size: bytes.len() as u64,
            what: what.into(),
        });
        self.blobs.push(Blob { addr, bytes });
    }
}

impl fmt::Display for Plan {
    /// A human description: format, load map, entry and registers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "format: {}", self.format)?;
        for m in &self.map {
            writeln!(
                f,
                "  {:#012x}..{:#012x}  {}",
                m.start,
                m.start.saturating_add(m.size),
                m.what
            )?;
        }
        if self.format.arch() == Some(crate::Arch::X86_64) {
            // The x86 entry registers (RSI = boot_params, or EBX = hvm_start_info) are the
            // x86 loader's ([`crate::x86`]), not the plan's.
            return write!(f, "entry: {:#x}", self.entry);
        }
        writeln!(f, "entry: {:#x}", self.entry)?;
        let [x0, x1, x2, x3] = self.regs;
        write!(f, "x0..x3: {x0:#x} {x1:#x} {x2:#x} {x3:#x}")
    }
}
