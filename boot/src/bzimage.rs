//! The x86 `bzImage` format: its real-mode setup header and the placement rules of a loader
//! using the 64-bit boot protocol, from Linux `Documentation/arch/x86/boot.rst`
//! (<https://docs.kernel.org/arch/x86/boot.html>), "The Real-Mode Kernel Header", "Details of
//! Header Fields", "Loading The Rest of The Kernel" and "64-bit Boot Protocol".
//!
//! The file: a boot sector and `setup_sects` sectors of real-mode setup code (512-byte
//! sectors; `setup_sects` 0 means 4), whose header starts at [`SETUP_HEADER_OFFSET`] (0x1f1) and
//! ends at `0x202 +` the byte at 0x201 (the short jump over it); then the protected-mode code,
//! from file offset `(setup_sects + 1) * 512` to the end, which holds the compressed kernel at
//! `payload_offset` for `payload_length` bytes.
//!
//! Placement follows rust-vmm linux-loader's `BzImage` loader (its documentation and the boot
//! protocol are the reference): the protected-mode code goes to an absolute address, the
//! `kernel_offset` when one is given, otherwise the header's `code32_start`; `code32_start` must
//! not be below high memory (1 MiB). bootemu adds the boot protocol's own rules: the 64-bit entry
//! (load + 0x200) needs `XLF_KERNEL_64`; a kernel that is not relocatable must be loaded at a
//! multiple of `kernel_alignment` (a relocatable one is only reported: it realigns itself); the
//! kernel above 4 GiB needs `XLF_CAN_BE_LOADED_ABOVE_4G`.
//!
//! Every offset in the header is untrusted and checked against the file: a bad one is an
//! [`Error`] naming it, never a panic.

use crate::{check_in_ram, Blob, Format, MapEntry, Plan, Ram};

/// boot.rst: "a sector" is 512 bytes, whatever the medium.
pub const SECTOR: u64 = 512;
/// Where the setup header starts in the file (and in `boot_params`).
pub const SETUP_HEADER_OFFSET: usize = 0x1f1;
/// `boot_flag` (u16 at 0x1fe): "Contains 0xAA55".
pub const BOOT_FLAG: u16 = 0xaa55;
/// Offset of `boot_flag`.
pub const BOOT_FLAG_OFFSET: usize = 0x1fe;
/// Offset of the `jump` instruction whose 8-bit displacement (at 0x201) gives the header's end.
pub const JUMP_OFFSET: usize = 0x200;
/// `header` (u32 at 0x202): the magic "HdrS".
pub const HDRS_OFFSET: usize = 0x202;
/// The magic "HdrS".
pub const HDRS: [u8; 4] = *b"HdrS";
/// "If this field is 0, the real value is 4."
pub const SETUP_SECTS_DEFAULT: u8 = 4;
/// `loadflags` bit 0 (read) LOADED_HIGH: the protected-mode code is loaded at 0x100000.
pub const LOADED_HIGH: u8 = 1 << 0;
/// `loadflags` bit 5 (write) QUIET_FLAG.
pub const QUIET_FLAG: u8 = 1 << 5;
/// `loadflags` bit 6 (obsolete) KEEP_SEGMENTS.
pub const KEEP_SEGMENTS: u8 = 1 << 6;
/// `loadflags` bit 7 (write) CAN_USE_HEAP: `heap_end_ptr` is valid.
pub const CAN_USE_HEAP: u8 = 1 << 7;
/// `xloadflags` bit 0: the legacy 64-bit entry point at 0x200.
pub const XLF_KERNEL_64: u16 = 1 << 0;
/// `xloadflags` bit 1: kernel, boot_params, command line and ramdisk can be above 4 GiB.
pub const XLF_CAN_BE_LOADED_ABOVE_4G: u16 = 1 << 1;
/// `xloadflags` bit 2: the 32-bit EFI handover entry.
pub const XLF_EFI_HANDOVER_32: u16 = 1 << 2;
/// `xloadflags` bit 3: the 64-bit EFI handover entry.
pub const XLF_EFI_HANDOVER_64: u16 = 1 << 3;
/// `xloadflags` bit 4: kexec EFI boot with EFI runtime support.
pub const XLF_EFI_KEXEC: u16 = 1 << 4;
/// "Loading The Rest of The Kernel": a bzImage's protected-mode code goes to 0x100000.
pub const BZIMAGE_LOAD_ADDRESS: u64 = 0x10_0000;
/// High memory starts at 1 MiB: linux-loader refuses a `code32_start` below it.
pub const HIMEM_START: u64 = 0x10_0000;
/// "64-bit Boot Protocol": the entry is the load address plus 0x200.
pub const KERNEL_64_ENTRY_OFFSET: u64 = 0x200;
/// `initrd_addr_max` before protocol 2.03.
pub const INITRD_ADDR_MAX_DEFAULT: u32 = 0x37ff_ffff;
/// `cmdline_size` before protocol 2.06: "the maximum size was 255".
pub const CMDLINE_SIZE_DEFAULT: u32 = 255;
/// The lowest protocol a bzImage has (2.00).
pub const PROTOCOL_2_00: u16 = 0x0200;
/// Protocol 2.12: `xloadflags`, the 64-bit entry flag.
pub const PROTOCOL_2_12: u16 = 0x020c;
/// One past the highest address a 32-bit field reaches.
pub const FOUR_GIB: u64 = 1 << 32;

/// Rule: where the protected-mode code goes (linux-loader).
pub const RULE_LOAD_ADDRESS: &str = "linux-loader: the bzImage's protected-mode code is loaded \
     at the kernel_offset (an absolute address) or, without one, at the header's code32_start, \
     which must not be below high memory (0x100000)";
/// Rule: a kernel that is not relocatable is placed at a multiple of `kernel_alignment`.
pub const RULE_ALIGNMENT: &str = "boot.rst kernel_alignment: only a relocatable kernel realigns \
     itself when loaded off its kernel_alignment, so one that is not relocatable must be loaded \
     at a multiple of it, and not below its pref_address";
/// Rule: the protected-mode code lies in RAM.
pub const RULE_IN_RAM: &str =
    "boot.rst: the protected-mode code (the file from (setup_sects + 1) * 512 on) lies in RAM";
/// Rule: the 64-bit entry needs `XLF_KERNEL_64`.
pub const RULE_KERNEL_64: &str = "boot.rst 64-bit Boot Protocol: the entry at load + 0x200 \
     exists when xloadflags has XLF_KERNEL_64 (protocol 2.12+)";
/// Rule: above 4 GiB only with `XLF_CAN_BE_LOADED_ABOVE_4G`.
pub const RULE_ABOVE_4G: &str = "boot.rst: the kernel may lie above 4 GiB only when xloadflags \
     has XLF_CAN_BE_LOADED_ABOVE_4G";

/// The compression of the payload, from its magic number (boot.rst, `payload_offset`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip: 1F 8B or 1F 9E.
    Gzip,
    /// bzip2: 42 5A.
    Bzip2,
    /// LZMA: 5D 00.
    Lzma,
    /// XZ: FD 37 (the whole magic is FD 37 7A 58 5A 00).
    Xz,
    /// LZ4: 02 21.
    Lz4,
    /// Zstandard: 28 B5.
    Zstd,
    /// An ELF file (an uncompressed payload): 7F 45 4C 46.
    Elf,
    /// None of the above: the first two bytes.
    Unknown([u8; 2]),
}

impl Compression {
    /// Recognise the payload's first bytes.
    pub fn of(payload: &[u8]) -> Compression {
        match payload {
            [0x7f, b'E', b'L', b'F', ..] => Compression::Elf,
            [0x1f, 0x8b, ..] | [0x1f, 0x9e, ..] => Compression::Gzip,
            [0x42, 0x5a, ..] => Compression::Bzip2,
            [0x5d, 0x00, ..] => Compression::Lzma,
            [0xfd, 0x37, ..] => Compression::Xz,
            [0x02, 0x21, ..] => Compression::Lz4,
            [0x28, 0xb5, ..] => Compression::Zstd,
            [a, b, ..] => Compression::Unknown([*a, *b]),
            [a] => Compression::Unknown([*a, 0]),
            [] => Compression::Unknown([0, 0]),
        }
    }

    /// The name boot.rst gives it.
    pub fn name(self) -> String {
        match self {
            Compression::Gzip => "gzip".into(),
            Compression::Bzip2 => "bzip2".into(),
            Compression::Lzma => "LZMA".into(),
            Compression::Xz => "XZ".into(),
            Compression::Lz4 => "LZ4".into(),
            Compression::Zstd => "ZSTD".into(),
            Compression::Elf => "uncompressed ELF".into(),
            Compression::Unknown([a, b]) => format!("unknown (magic {a:02x} {b:02x})"),
        }
    }
}

/// Why a bzImage header cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// `boot_flag` is not 0xAA55.
    #[error("bzImage: boot_flag at 0x1fe is {0:#06x}, not 0xaa55")]
    BootFlag(u16),
    /// "HdrS" with a version below 2.00.
    #[error("bzImage: boot protocol version {0:#06x} is below 2.00 (no bzImage support)")]
    OldProtocol(u16),
    /// LOADED_HIGH clear: a zImage, loaded at 0x10000 by the 16-bit protocol.
    #[error("bzImage: loadflags {0:#04x} lack LOADED_HIGH (bit 0): a zImage, not supported")]
    NotLoadedHigh(u8),
    /// The header (up to its end, `0x202 + jump displacement`) runs past the end of the file.
    #[error("truncated bzImage: the setup header ends at {end:#x}, past the end of the file ({len:#x} bytes)")]
    HeaderOutsideFile {
        /// One past the header's last byte.
        end: u64,
        /// The file's size.
        len: u64,
    },
    /// The header is shorter than the fields its version declares.
    #[error(
        "bzImage: protocol {version:#06x} has fields up to {need:#x} but the setup header ends \
         at {end:#x} (jump displacement at 0x201)"
    )]
    HeaderTooShort {
        /// The protocol version.
        version: u16,
        /// One past the header's last byte.
        end: u64,
        /// One past the last field the version declares.
        need: u64,
    },
    /// The setup code (`(setup_sects + 1) * 512` bytes) is longer than the file.
    #[error(
        "truncated bzImage: setup_sects {setup_sects} puts the protected-mode code at \
         {setup_size:#x}, past the end of the file ({len:#x} bytes)"
    )]
    SetupOutsideFile {
        /// The header's `setup_sects` (0 read as 4).
        setup_sects: u8,
        /// `(setup_sects + 1) * 512`.
        setup_size: u64,
        /// The file's size.
        len: u64,
    },
    /// The `kernel_version` pointer is outside the setup code or its string is unterminated.
    #[error(
        "bzImage: kernel_version {ptr:#x} (+0x200) is outside the setup code ({setup_size:#x} \
         bytes) or not NUL-terminated in it"
    )]
    KernelVersionOutside {
        /// The header's `kernel_version`.
        ptr: u16,
        /// `(setup_sects + 1) * 512`.
        setup_size: u64,
    },
    /// The payload (`payload_offset`, `payload_length`) is outside the protected-mode code.
    #[error(
        "bzImage: payload at {offset:#x}+{length:#x} of the protected-mode code runs past its \
         end ({code_len:#x} bytes)"
    )]
    PayloadOutsideFile {
        /// `payload_offset`.
        offset: u32,
        /// `payload_length`.
        length: u32,
        /// Size of the protected-mode code in the file.
        code_len: u64,
    },
    /// The 64-bit entry is not announced.
    #[error(
        "bzImage: protocol {version:#06x}, xloadflags {xloadflags:#x}: no 64-bit entry \
         (rule: {RULE_KERNEL_64})"
    )]
    No64BitEntry {
        /// The protocol version.
        version: u16,
        /// `xloadflags` (0 before 2.12).
        xloadflags: u16,
    },
    /// `code32_start` below high memory.
    #[error("bzImage: code32_start {0:#x} is below high memory (rule: {RULE_LOAD_ADDRESS})")]
    BelowHighMemory(u32),
    /// A non-relocatable kernel at an address that is not a multiple of `kernel_alignment`.
    #[error(
        "bzImage: load address {addr:#x} is not a multiple of kernel_alignment {align:#x} and \
         the kernel is not relocatable (rule: {RULE_ALIGNMENT})"
    )]
    Misaligned {
        /// The load address.
        addr: u64,
        /// `kernel_alignment`.
        align: u32,
    },
    /// A non-relocatable kernel below its `pref_address`.
    #[error(
        "bzImage: load address {addr:#x} is below pref_address {pref:#x} and the kernel is not \
         relocatable (rule: {RULE_ALIGNMENT})"
    )]
    BelowPrefAddress {
        /// The load address.
        addr: u64,
        /// `pref_address`.
        pref: u64,
    },
    /// Above 4 GiB without `XLF_CAN_BE_LOADED_ABOVE_4G`.
    #[error("bzImage: kernel at {start:#x}..{end:#x} crosses 4 GiB (rule: {RULE_ABOVE_4G})")]
    Above4G {
        /// Load address.
        start: u64,
        /// One past the last byte (saturating).
        end: u64,
    },
}

/// The setup header of a bzImage, as read from the file (every field the protocol version
/// has; the later ones hold their boot.rst defaults or 0 for older versions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// `setup_sects` as stored (0 means 4).
    pub setup_sects: u8,
    /// `syssize`: the protected-mode code's size in 16-byte paragraphs.
    pub syssize: u32,
    /// `boot_flag`.
    pub boot_flag: u16,
    /// `version`: the boot protocol, `(major << 8) | minor`.
    pub version: u16,
    /// `kernel_version`: the version string, when the pointer is set.
    pub kernel_version: Option<String>,
    /// `type_of_loader` as stored in the file.
    pub type_of_loader: u8,
    /// `loadflags`.
    pub loadflags: u8,
    /// `code32_start`: the default load address.
    pub code32_start: u32,
    /// `initrd_addr_max`: the highest byte an initrd may occupy.
    pub initrd_addr_max: u32,
    /// `kernel_alignment`.
    pub kernel_alignment: u32,
    /// `relocatable_kernel` is nonzero.
    pub relocatable: bool,
    /// `min_alignment` (a power of two).
    pub min_alignment: u8,
    /// `xloadflags`.
    pub xloadflags: u16,
    /// `cmdline_size`: the longest command line, without its NUL.
    pub cmdline_size: u32,
    /// `payload_offset`, from the start of the protected-mode code.
    pub payload_offset: u32,
    /// `payload_length`.
    pub payload_length: u32,
    /// `pref_address`.
    pub pref_address: u64,
    /// `init_size`: memory the kernel needs from its runtime start.
    pub init_size: u32,
    /// `handover_offset`.
    pub handover_offset: u32,
    /// `kernel_info_offset`.
    pub kernel_info_offset: u32,
    /// The payload's format, from its magic (protocol 2.08+ with a payload).
    pub payload: Option<Compression>,
    /// The header bytes, file offsets 0x1f1 up to its end: what a loader copies into
    /// `boot_params`.
    pub raw: Vec<u8>,
}

/// The header fields after `version`: (name, offset, size, protocol that introduced it).
const FIELDS: &[(&str, usize, usize, u16)] = &[
    ("kernel_version", 0x20e, 2, 0x0200),
    ("type_of_loader", 0x210, 1, 0x0200),
    ("loadflags", 0x211, 1, 0x0200),
    ("code32_start", 0x214, 4, 0x0200),
    ("initrd_addr_max", 0x22c, 4, 0x0203),
    ("kernel_alignment", 0x230, 4, 0x0205),
    ("relocatable_kernel", 0x234, 1, 0x0205),
    ("min_alignment", 0x235, 1, 0x020a),
    ("xloadflags", 0x236, 2, 0x020c),
    ("cmdline_size", 0x238, 4, 0x0206),
    ("payload_offset", 0x248, 4, 0x0208),
    ("payload_length", 0x24c, 4, 0x0208),
    ("pref_address", 0x258, 8, 0x020a),
    ("init_size", 0x260, 4, 0x020a),
    ("handover_offset", 0x264, 4, 0x020b),
    ("kernel_info_offset", 0x268, 4, 0x020f),
];

fn le(bytes: &[u8], off: usize, size: usize) -> u64 {
    bytes
        .get(off..off + size)
        .map_or(0, |b| b.iter().rev().fold(0, |v, &x| (v << 8) | x as u64))
}

impl Header {
    /// Parse the header: `None` when the file has no "HdrS" at 0x202 (not a bzImage),
    /// `Some(Err)` when it has one but the header is unusable.
    pub fn parse(bytes: &[u8]) -> Option<Result<Header, Error>> {
        if bytes.get(HDRS_OFFSET..HDRS_OFFSET + 4)? != HDRS {
            return None;
        }
        Some(Header::parse_hdrs(bytes))
    }

    fn parse_hdrs(bytes: &[u8]) -> Result<Header, Error> {
        let len = bytes.len() as u64;
        let boot_flag = le(bytes, BOOT_FLAG_OFFSET, 2) as u16;
        if boot_flag != BOOT_FLAG {
            return Err(Error::BootFlag(boot_flag));
        }
        // The version word follows the magic: 0x206..0x208.
        if bytes.len() < 0x208 {
            return Err(Error::HeaderOutsideFile { end: 0x208, len });
        }
        let version = le(bytes, 0x206, 2) as u16;
        if version < PROTOCOL_2_00 {
            return Err(Error::OldProtocol(version));
        }
        let end = HDRS_OFFSET + bytes[JUMP_OFFSET + 1] as usize;
        if end as u64 > len {
            return Err(Error::HeaderOutsideFile {
                end: end as u64,
                len,
            });
        }
        let need = FIELDS
            .iter()
            .filter(|f| f.3 <= version)
            .map(|f| f.1 + f.2)
            .max()
            .unwrap_or(0x208);
        if end < need {
            return Err(Error::HeaderTooShort {
                version,
                end: end as u64,
                need: need as u64,
            });
        }
        let field = |name: &str| -> u64 {
            FIELDS
                .iter()
                .find(|f| f.0 == name && f.3 <= version)
                .map_or(0, |f| le(bytes, f.1, f.2))
        };
        let setup_sects = bytes[SETUP_HEADER_OFFSET];
        let setup_size = setup_size(setup_sects);
        if setup_size > len {
            return Err(Error::SetupOutsideFile {
                setup_sects: effective_sects(setup_sects),
                setup_size,
                len,
            });
        }
        let loadflags = field("loadflags") as u8;
        if loadflags & LOADED_HIGH == 0 {
            return Err(Error::NotLoadedHigh(loadflags));
        }
        let kv = field("kernel_version") as u16;
        let kernel_version = if kv == 0 {
            None
        } else {
            let at = kv as usize + 0x200;
            let setup = &bytes[..setup_size as usize];
            let s = setup
                .get(at..)
                .and_then(|s| s.iter().position(|&b| b == 0).map(|n| &s[..n]))
                .ok_or(Error::KernelVersionOutside {
                    ptr: kv,
                    setup_size,
                })?;
            Some(String::from_utf8_lossy(s).into_owned())
        };
        let (payload_offset, payload_length) = (
            field("payload_offset") as u32,
            field("payload_length") as u32,
        );
        let code = &bytes[setup_size as usize..];
        let payload = if version >= 0x0208 && payload_length > 0 {
            let p = (payload_offset as u64)
                .checked_add(payload_length as u64)
                .filter(|&e| e <= code.len() as u64)
                .map(|e| &code[payload_offset as usize..e as usize])
                .ok_or(Error::PayloadOutsideFile {
                    offset: payload_offset,
                    length: payload_length,
                    code_len: code.len() as u64,
                })?;
            Some(Compression::of(p))
        } else {
            None
        };
        Ok(Header {
            setup_sects,
            syssize: le(bytes, 0x1f4, if version >= 0x0204 { 4 } else { 2 }) as u32,
            boot_flag,
            version,
            kernel_version,
            type_of_loader: field("type_of_loader") as u8,
            loadflags,
            code32_start: field("code32_start") as u32,
            initrd_addr_max: if version >= 0x0203 {
                field("initrd_addr_max") as u32
            } else {
                INITRD_ADDR_MAX_DEFAULT
            },
            kernel_alignment: field("kernel_alignment") as u32,
            relocatable: field("relocatable_kernel") != 0,
            min_alignment: field("min_alignment") as u8,
            xloadflags: field("xloadflags") as u16,
            cmdline_size: if version >= 0x0206 {
                field("cmdline_size") as u32
            } else {
                CMDLINE_SIZE_DEFAULT
            },
            payload_offset,
            payload_length,
            pref_address: field("pref_address"),
            init_size: field("init_size") as u32,
            handover_offset: field("handover_offset") as u32,
            kernel_info_offset: field("kernel_info_offset") as u32,
            payload,
            raw: bytes[SETUP_HEADER_OFFSET..end].to_vec(),
        })
    }

    /// `(setup_sects + 1) * 512` (0 read as 4): where the protected-mode code starts in the file.
    pub fn setup_size(&self) -> u64 {
        setup_size(self.setup_sects)
    }

    /// The protocol version as "2.15".
    pub fn version_string(&self) -> String {
        format!("{}.{:02}", self.version >> 8, self.version & 0xff)
    }

    /// The kernel's runtime start when loaded at `load` (boot.rst, `init_size`): relocatable,
    /// `load` rounded up to `kernel_alignment`; otherwise `pref_address`.
    pub fn runtime_start(&self, load: u64) -> u64 {
        if self.relocatable {
            match self.kernel_alignment {
                0 => load,
                a => load.checked_next_multiple_of(a as u64).unwrap_or(load),
            }
        } else {
            self.pref_address
        }
    }
}

fn effective_sects(setup_sects: u8) -> u8 {
    if setup_sects == 0 {
        SETUP_SECTS_DEFAULT
    } else {
        setup_sects
    }
}

fn setup_size(setup_sects: u8) -> u64 {
    (effective_sects(setup_sects) as u64 + 1) * SECTOR
}

/// The facts of a planned bzImage, for the plan's format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BzImageFacts {
    /// The header as read from the file.
    pub header: Box<Header>,
    /// Where the protected-mode code goes.
    pub load: u64,
    /// The load address came from `--kernel-offset` (otherwise `code32_start`).
    pub from_offset: bool,
}

/// Plan a bzImage: the protected-mode code at `kernel_offset` or `code32_start`, entered
/// through the 64-bit boot protocol at load + 0x200.
pub fn plan_at(
    h: &Header,
    bytes: &[u8],
    ram: Ram,
    kernel_offset: Option<u64>,
) -> Result<Plan, crate::Error> {
    if h.version < PROTOCOL_2_12 || h.xloadflags & XLF_KERNEL_64 == 0 {
        return Err(Error::No64BitEntry {
            version: h.version,
            xloadflags: h.xloadflags,
        }
        .into());
    }
    if (h.code32_start as u64) < HIMEM_START {
        return Err(Error::BelowHighMemory(h.code32_start).into());
    }
    let load = kernel_offset.unwrap_or(h.code32_start as u64);
    let align = h.kernel_alignment as u64;
    if !h.relocatable && align != 0 && !load.is_multiple_of(align) {
        return Err(Error::Misaligned {
            addr: load,
            align: h.kernel_alignment,
        }
        .into());
    }
    if !h.relocatable && load < h.pref_address {
        return Err(Error::BelowPrefAddress {
            addr: load,
            pref: h.pref_address,
        }
        .into());
    }
    // parse() checked that the setup code lies in the file; `h` may come from other bytes.
    let code = bytes
        .get(h.setup_size() as usize..)
        .ok_or(Error::SetupOutsideFile {
            setup_sects: effective_sects(h.setup_sects),
            setup_size: h.setup_size(),
            len: bytes.len() as u64,
        })?;
    let size = code.len() as u64;
    let end = load.saturating_add(size);
    if end > FOUR_GIB && h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G == 0 {
        return Err(Error::Above4G { start: load, end }.into());
    }
    check_in_ram(ram, "bzImage protected-mode code", load, size, RULE_IN_RAM)?;
    let map = vec![MapEntry {
        start: load,
        size,
        what: format!(
            "bzImage protected-mode code (file offset {:#x}, {})",
            h.setup_size(),
            if kernel_offset.is_some() {
                "--kernel-offset"
            } else {
                "code32_start"
            }
        ),
    }];
    Ok(Plan {
        format: Format::BzImage(BzImageFacts {
            header: Box::new(h.clone()),
            load,
            from_offset: kernel_offset.is_some(),
        }),
        blobs: vec![Blob {
            addr: load,
            bytes: code.to_vec(),
        }],
        entry: load.saturating_add(KERNEL_64_ENTRY_OFFSET),
        regs: [0; 4],
        map,
    })
}

/// A minimal bzImage for tests and fuzz seeds: protocol `version`, `setup_sects` sectors of
/// setup, a header of every field up to 2.15, and `code` as the protected-mode code (whose
/// first bytes are the payload). Relocatable, 2 MiB alignment, 64-bit entry, a kernel version
/// string in the setup code.
#[doc(hidden)]
pub fn synthetic(version: u16, setup_sects: u8, code: &[u8]) -> Vec<u8> {
    let setup = setup_size(setup_sects) as usize;
    let mut b = vec![0u8; setup];
    let put = |b: &mut Vec<u8>, off: usize, v: u64, size: usize| {
        b[off..off + size].copy_from_slice(&v.to_le_bytes()[..size]);
    };
    put(&mut b, SETUP_HEADER_OFFSET, setup_sects as u64, 1);
    put(&mut b, 0x1f4, code.len().div_ceil(16) as u64, 4);
    put(&mut b, BOOT_FLAG_OFFSET, BOOT_FLAG as u64, 2);
    b[JUMP_OFFSET] = 0xeb;
    b[JUMP_OFFSET + 1] = 0x6a; // header ends at 0x26c
    b[HDRS_OFFSET..HDRS_OFFSET + 4].copy_from_slice(&HDRS);
    put(&mut b, 0x206, version as u64, 2);
    put(&mut b, 0x20e, 0x300, 2); // kernel_version: "6.1.0-synthetic" at 0x500
    b[0x500..0x50f].copy_from_slice(b"6.1.0-synthetic");
    put(&mut b, 0x211, LOADED_HIGH as u64, 1);
    put(&mut b, 0x214, BZIMAGE_LOAD_ADDRESS, 4);
    put(&mut b, 0x22c, 0x7fff_ffff, 4);
    put(&mut b, 0x230, 0x20_0000, 4);
    put(&mut b, 0x234, 1, 1);
    put(&mut b, 0x235, 21, 1);
    put(
        &mut b,
        0x236,
        (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G) as u64,
        2,
    );
    put(&mut b, 0x238, 2047, 4);
    put(&mut b, 0x248, 0, 4);
    put(&mut b, 0x24c, code.len().min(16) as u64, 4);
    put(&mut b, 0x258, 0x100_0000, 8);
    put(&mut b, 0x260, 0x40_0000, 4);
    b.extend_from_slice(code);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAM: Ram = Ram {
        base: 0,
        size: 0x2000_0000,
    };

    /// A synthetic 2.15 image with 0x20 setup sectors and an XZ "payload".
    fn image() -> Vec<u8> {
        let mut code = vec![0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
        code.resize(0x3000, 0x90);
        synthetic(0x020f, 0x20, &code)
    }

    #[test]
    fn header_fields_are_read() {
        let h = Header::parse(&image()).unwrap().unwrap();
        assert_eq!(h.version, 0x020f);
        assert_eq!(h.version_string(), "2.15");
        assert_eq!(h.setup_size(), 0x21 * 512);
        assert_eq!(h.kernel_version.as_deref(), Some("6.1.0-synthetic"));
        assert_eq!(h.code32_start, 0x10_0000);
        assert_eq!(h.kernel_alignment, 0x20_0000);
        assert!(h.relocatable);
        assert_eq!(h.min_alignment, 21);
        assert_eq!(h.cmdline_size, 2047);
        assert_eq!(h.pref_address, 0x100_0000);
        assert_eq!(h.init_size, 0x40_0000);
        assert_eq!(h.payload, Some(Compression::Xz));
        assert_eq!(h.raw.len(), 0x26c - 0x1f1);
        assert_eq!(h.runtime_start(0x10_0000), 0x20_0000);
        assert_eq!(h.runtime_start(0x20_0000), 0x20_0000);
    }

    #[test]
    fn not_a_bzimage_is_none() {
        assert_eq!(Header::parse(&[0u8; 0x100]), None);
        assert_eq!(Header::parse(&[0u8; 0x1000]), None);
    }

    #[test]
    fn older_protocol_fields_take_their_defaults() {
        // 2.02: no initrd_addr_max, cmdline_size, xloadflags...
        let mut b = image();
        b[0x206..0x208].copy_from_slice(&0x0202u16.to_le_bytes());
        let h = Header::parse(&b).unwrap().unwrap();
        assert_eq!(h.initrd_addr_max, INITRD_ADDR_MAX_DEFAULT);
        assert_eq!(h.cmdline_size, CMDLINE_SIZE_DEFAULT);
        assert_eq!((h.xloadflags, h.kernel_alignment, h.init_size), (0, 0, 0));
        assert!(!h.relocatable);
        assert_eq!(h.payload, None);
        // ...and no 64-bit entry to plan.
        assert_eq!(
            crate::plan(&b, RAM),
            Err(Error::No64BitEntry {
                version: 0x0202,
                xloadflags: 0
            }
            .into())
        );
    }

    #[test]
    fn broken_headers_are_errors_naming_the_field() {
        let good = image();
        let case = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            Header::parse(&b).unwrap().unwrap_err()
        };
        assert_eq!(case(&|b| b[0x1fe] = 0), Error::BootFlag(0xaa00));
        assert_eq!(
            case(&|b| b[0x206..0x208].copy_from_slice(&[0x01, 0x01])),
            Error::OldProtocol(0x0101)
        );
        assert_eq!(case(&|b| b[0x211] = 0), Error::NotLoadedHigh(0));
        assert_eq!(
            case(&|b| b.truncate(0x250)),
            Error::HeaderOutsideFile {
                end: 0x26c,
                len: 0x250
            }
        );
        assert_eq!(
            case(&|b| b[0x201] = 0x40),
            Error::HeaderTooShort {
                version: 0x020f,
                end: 0x242,
                need: 0x26c
            }
        );
        assert_eq!(
            case(&|b| b.truncate(0x2000)),
            Error::SetupOutsideFile {
                setup_sects: 0x20,
                setup_size: 0x4200,
                len: 0x2000
            }
        );
        // setup_sects 0 reads as 4: 0xa00 bytes of setup, the version string at 0x500 inside.
        let mut b = good.clone();
        b[0x1f1] = 0;
        assert_eq!(Header::parse(&b).unwrap().unwrap().setup_size(), 0xa00);
        assert_eq!(
            case(&|b| b[0x20e..0x210].copy_from_slice(&0xff00u16.to_le_bytes())),
            Error::KernelVersionOutside {
                ptr: 0xff00,
                setup_size: 0x4200
            }
        );
        assert_eq!(
            case(&|b| b[0x248..0x24c].copy_from_slice(&0xffff_fff0u32.to_le_bytes())),
            Error::PayloadOutsideFile {
                offset: 0xffff_fff0,
                length: 16,
                code_len: 0x3000
            }
        );
        // Every truncation is an error or "not a bzImage", never a panic.
        // (The payload is the first 16 bytes after the 0x4200 bytes of setup.)
        for n in 0..0x4210 {
            if let Some(Ok(_)) = Header::parse(&good[..n]) {
                panic!("a {n}-byte prefix parsed");
            }
        }
    }

    #[test]
    fn plan_loads_at_code32_start_or_the_offset() {
        let b = image();
        let p = crate::plan(&b, RAM).unwrap();
        assert_eq!(p.blobs[0].addr, 0x10_0000);
        assert_eq!(p.blobs[0].bytes, b[0x4200..]);
        assert_eq!(p.entry, 0x10_0200);
        let p = crate::plan_at(&b, RAM, Some(0x40_0000)).unwrap();
        assert_eq!((p.blobs[0].addr, p.entry), (0x40_0000, 0x40_0200));
        match &p.format {
            Format::BzImage(f) => assert!(f.from_offset),
            other => panic!("{other:?}"),
        }
        // Relocatable: a misaligned address is planned (the kernel realigns itself).
        assert!(crate::plan_at(&b, RAM, Some(0x30_1000)).is_ok());
        // Not relocatable: refused, naming the rule.
        let mut nr = b.clone();
        nr[0x234] = 0;
        let e = crate::plan_at(&nr, RAM, Some(0x30_1000)).unwrap_err();
        assert_eq!(
            e,
            Error::Misaligned {
                addr: 0x30_1000,
                align: 0x20_0000
            }
            .into()
        );
        assert!(e.to_string().contains(RULE_ALIGNMENT));
        assert_eq!(
            crate::plan_at(&nr, RAM, Some(0x40_0000)),
            Err(Error::BelowPrefAddress {
                addr: 0x40_0000,
                pref: 0x100_0000
            }
            .into())
        );
        assert!(crate::plan_at(&nr, RAM, Some(0x100_0000)).is_ok());
    }

    #[test]
    fn plan_refuses_what_linux_loader_and_boot_rst_refuse() {
        let b = image();
        let mut low = b.clone();
        low[0x214..0x218].copy_from_slice(&0x1_0000u32.to_le_bytes());
        assert_eq!(
            crate::plan(&low, RAM),
            Err(Error::BelowHighMemory(0x1_0000).into())
        );
        let mut no64 = b.clone();
        no64[0x236] = 0;
        assert!(matches!(
            crate::plan(&no64, RAM),
            Err(crate::Error::BzImage(Error::No64BitEntry { .. }))
        ));
        let big = Ram {
            base: 0,
            size: 8 << 30,
        };
        let mut low4g = b.clone();
        low4g[0x236] = XLF_KERNEL_64 as u8;
        assert_eq!(
            crate::plan_at(&low4g, big, Some(FOUR_GIB - 0x1000)),
            Err(Error::Above4G {
                start: FOUR_GIB - 0x1000,
                end: FOUR_GIB + 0x2000
            }
            .into())
        );
        assert!(crate::plan_at(&b, big, Some(FOUR_GIB - 0x1000)).is_ok());
        match crate::plan_at(&b, RAM, Some(RAM.size - 0x1000)) {
            Err(crate::Error::Placement(e)) => assert_eq!(e.rule, RULE_IN_RAM),
            other => panic!("{other:?}"),
        }
        // An offset near 2^64 saturates into a placement error, not a wrap.
        match crate::plan_at(&b, RAM, Some(u64::MAX - 0x100)) {
            Err(crate::Error::Placement(e)) => assert_eq!(e.end, u64::MAX),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            crate::plan_at(&low4g, RAM, Some(u64::MAX - 0x100)),
            Err(crate::Error::BzImage(Error::Above4G { .. }))
        ));
    }

    #[test]
    fn compression_magics() {
        assert_eq!(Compression::of(&[0x1f, 0x8b]), Compression::Gzip);
        assert_eq!(Compression::of(&[0x1f, 0x9e]), Compression::Gzip);
        assert_eq!(
            Compression::of(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::of(b"\x7fELF"), Compression::Elf);
        assert_eq!(Compression::of(&[1]), Compression::Unknown([1, 0]));
        assert_eq!(Compression::Xz.name(), "XZ");
    }
}
