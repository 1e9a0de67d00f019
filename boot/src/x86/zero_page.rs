//! The zero page (`struct boot_params`, 4 KiB) of the 64-bit boot protocol, Linux
//! `Documentation/arch/x86/zero-page.rst` and `boot.rst` "64-bit Boot Protocol": the loader
//! zeroes it, copies the image's setup header to 0x1f1, and writes the command line pointer,
//! the initrd fields, its loader type and the e820 map. Owns the builder ([`build`]) and the
//! reading back ([`ZeroPage::read`]) the handoff checks judge.

use super::e820::E820Entry;
use crate::bzimage::{self, Header, CAN_USE_HEAP, XLF_CAN_BE_LOADED_ABOVE_4G};

/// `sizeof(struct boot_params)`.
pub const ZERO_PAGE_SIZE: usize = 4096;
/// `acpi_rsdp_addr` (u64, zero-page.rst "070/008 ALL acpi_rsdp_addr"): where the kernel finds
/// the RSDP (0: it searches for it).
pub const ACPI_RSDP_ADDR: usize = 0x070;
/// `ext_ramdisk_image` (u32): bits 63:32 of the initrd address.
pub const EXT_RAMDISK_IMAGE: usize = 0x0c0;
/// `ext_ramdisk_size` (u32): bits 63:32 of the initrd size.
pub const EXT_RAMDISK_SIZE: usize = 0x0c4;
/// `ext_cmd_line_ptr` (u32): bits 63:32 of the command line address.
pub const EXT_CMD_LINE_PTR: usize = 0x0c8;
/// `e820_entries` (u8).
pub const E820_ENTRIES: usize = 0x1e8;
/// `sentinel` (u8): nonzero means a loader copied more than the setup header; the kernel then
/// clears the fields it cannot trust.
pub const SENTINEL: usize = 0x1ef;
/// `hdr`: the setup header, as in the image.
pub const HDR: usize = bzimage::SETUP_HEADER_OFFSET;
/// `e820_table`: up to [`E820_MAX`] entries of [`E820_ENTRY_SIZE`] bytes.
pub const E820_TABLE: usize = 0x2d0;
/// `E820_MAX_ENTRIES_ZEROPAGE`.
pub const E820_MAX: usize = 128;
/// `struct boot_e820_entry`: addr u64, size u64, type u32.
pub const E820_ENTRY_SIZE: usize = 20;
/// `hdr.type_of_loader`.
pub const TYPE_OF_LOADER: usize = 0x210;
/// `hdr.loadflags`.
pub const LOADFLAGS: usize = 0x211;
/// `hdr.code32_start`.
pub const CODE32_START: usize = 0x214;
/// `hdr.ramdisk_image`.
pub const RAMDISK_IMAGE: usize = 0x218;
/// `hdr.ramdisk_size`.
pub const RAMDISK_SIZE: usize = 0x21c;
/// `hdr.cmd_line_ptr`.
pub const CMD_LINE_PTR: usize = 0x228;
/// `hdr.cmdline_size`.
pub const CMDLINE_SIZE: usize = 0x238;
/// boot.rst `type_of_loader`: "Otherwise, enter 0xFF here" (no assigned id).
pub const LOADER_UNDEFINED: u8 = 0xff;
/// x86 `COMMAND_LINE_SIZE` (arch/x86/include/asm/setup.h): the kernel's buffer, NUL included;
/// used as `cmdline_size + 1` when there is no setup header (an ELF kernel).
pub const COMMAND_LINE_SIZE: u32 = 2048;

/// Why a zero page cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The command line is longer than the kernel's `cmdline_size`.
    #[error("command line of {len} bytes is longer than the kernel's cmdline_size ({max})")]
    CmdlineTooLong {
        /// Its length without the NUL.
        len: u64,
        /// `cmdline_size`.
        max: u32,
    },
    /// The initrd ends above `initrd_addr_max`.
    #[error("initrd at {start:#x}..{end:#x} ends above the kernel's initrd_addr_max {max:#x}")]
    InitrdAboveMax {
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
        /// `initrd_addr_max` (highest byte allowed).
        max: u32,
    },
    /// More e820 entries than the zero page holds.
    #[error("{0} e820 entries: the zero page holds {E820_MAX}")]
    TooManyE820(usize),
    /// An address needs 64 bits and the kernel does not take them.
    #[error("{what} at {addr:#x} is above 4 GiB and the kernel lacks XLF_CAN_BE_LOADED_ABOVE_4G")]
    Above4G {
        /// What.
        what: &'static str,
        /// Its address.
        addr: u64,
    },
}

/// What the loader writes into the zero page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZeroPageIn<'a> {
    /// The image's setup header (`None`: an ELF kernel, which has none; a minimal header is
    /// written: boot flag, "HdrS", LOADED_HIGH, `cmdline_size`).
    pub header: Option<&'a Header>,
    /// Where the kernel was loaded (becomes `code32_start`).
    pub load: u64,
    /// The command line's address and length (without its NUL).
    pub cmdline: (u64, u64),
    /// The initrd's address and size.
    pub initrd: Option<(u64, u64)>,
    /// The memory map.
    pub e820: &'a [E820Entry],
    /// The RSDP's address (0: no ACPI tables).
    pub rsdp: u64,
}

fn put(b: &mut [u8], off: usize, v: u64, size: usize) {
    b[off..off + size].copy_from_slice(&v.to_le_bytes()[..size]);
}

fn get(b: &[u8], off: usize, size: usize) -> u64 {
    b.get(off..off + size)
        .map_or(0, |s| s.iter().rev().fold(0, |v, &x| (v << 8) | x as u64))
}

/// Build the zero page: all zero, the setup header copied from the image, then the loader's
/// fields: `type_of_loader` 0xff, `loadflags` without CAN_USE_HEAP (no real-mode heap),
/// `code32_start` = load address, `cmd_line_ptr`, `ramdisk_image`/`ramdisk_size` (and their
/// `ext_` high halves), `acpi_rsdp_addr`, the e820 table.
pub fn build(z: &ZeroPageIn) -> Result<Vec<u8>, Error> {
    let mut b = vec![0u8; ZERO_PAGE_SIZE];
    let (cmdline_max, above_4g, initrd_max) = match z.header {
        Some(h) => {
            b[HDR..HDR + h.raw.len()].copy_from_slice(&h.raw);
            b[LOADFLAGS] &= !CAN_USE_HEAP;
            (
                h.cmdline_size,
                h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G != 0,
                Some(h.initrd_addr_max),
            )
        }
        None => {
            put(
                &mut b,
                bzimage::BOOT_FLAG_OFFSET,
                bzimage::BOOT_FLAG as u64,
                2,
            );
            b[bzimage::HDRS_OFFSET..bzimage::HDRS_OFFSET + 4].copy_from_slice(&bzimage::HDRS);
            put(&mut b, CMDLINE_SIZE, COMMAND_LINE_SIZE as u64 - 1, 4);
            // The kernel is loaded high (by p_paddr, above 1 MiB).
            b[LOADFLAGS] = bzimage::LOADED_HIGH;
            (COMMAND_LINE_SIZE - 1, true, None)
        }
    };
    let (cmd_addr, cmd_len) = z.cmdline;
    if cmd_len > cmdline_max as u64 {
        return Err(Error::CmdlineTooLong {
            len: cmd_len,
            max: cmdline_max,
        });
    }
    let high = |what, addr: u64| {
        if addr >> 32 != 0 && !above_4g {
            Err(Error::Above4G { what, addr })
        } else {
            Ok(())
        }
    };
    high("the command line", cmd_addr)?;
    b[TYPE_OF_LOADER] = LOADER_UNDEFINED;
    put(&mut b, ACPI_RSDP_ADDR, z.rsdp, 8);
    put(&mut b, CODE32_START, z.load, 4);
    put(&mut b, CMD_LINE_PTR, cmd_addr, 4);
    put(&mut b, EXT_CMD_LINE_PTR, cmd_addr >> 32, 4);
    if let Some((addr, size)) = z.initrd {
        let end = addr.saturating_add(size);
        if let Some(max) = initrd_max {
            if size > 0 && end - 1 > max as u64 {
                return Err(Error::InitrdAboveMax {
                    start: addr,
                    end,
                    max,
                });
            }
        }
        high("the initrd", addr)?;
        put(&mut b, RAMDISK_IMAGE, addr, 4);
        put(&mut b, RAMDISK_SIZE, size, 4);
        put(&mut b, EXT_RAMDISK_IMAGE, addr >> 32, 4);
        put(&mut b, EXT_RAMDISK_SIZE, size >> 32, 4);
    }
    if z.e820.len() > E820_MAX {
        return Err(Error::TooManyE820(z.e820.len()));
    }
    b[E820_ENTRIES] = z.e820.len() as u8;
    for (i, e) in z.e820.iter().enumerate() {
        let at = E820_TABLE + i * E820_ENTRY_SIZE;
        put(&mut b, at, e.addr, 8);
        put(&mut b, at + 8, e.size, 8);
        put(&mut b, at + 16, e.kind as u64, 4);
    }
    Ok(b)
}

/// A zero page read back (from guest memory or a builder): the fields the checks judge. Bytes
/// missing from a short read count as zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZeroPage {
    /// The raw bytes (up to 4 KiB).
    pub bytes: Vec<u8>,
}

impl ZeroPage {
    /// Wrap the bytes read at the zero page's address.
    pub fn read(bytes: &[u8]) -> ZeroPage {
        ZeroPage {
            bytes: bytes[..bytes.len().min(ZERO_PAGE_SIZE)].to_vec(),
        }
    }

    /// A little-endian field of `size` bytes at `off` (0 when not read).
    pub fn field(&self, off: usize, size: usize) -> u64 {
        get(&self.bytes, off, size)
    }

    /// `hdr.version`.
    pub fn version(&self) -> u16 {
        self.field(0x206, 2) as u16
    }

    /// `hdr.xloadflags` (0 before protocol 2.12).
    pub fn xloadflags(&self) -> u16 {
        if self.version() >= bzimage::PROTOCOL_2_12 {
            self.field(0x236, 2) as u16
        } else {
            0
        }
    }

    /// `hdr.cmdline_size`.
    pub fn cmdline_size(&self) -> u32 {
        self.field(CMDLINE_SIZE, 4) as u32
    }

    /// `cmd_line_ptr | ext_cmd_line_ptr << 32`.
    pub fn cmd_line_ptr(&self) -> u64 {
        self.field(CMD_LINE_PTR, 4) | self.field(EXT_CMD_LINE_PTR, 4) << 32
    }

    /// `(ramdisk_image | ext << 32, ramdisk_size | ext << 32)`.
    pub fn ramdisk(&self) -> (u64, u64) {
        (
            self.field(RAMDISK_IMAGE, 4) | self.field(EXT_RAMDISK_IMAGE, 4) << 32,
            self.field(RAMDISK_SIZE, 4) | self.field(EXT_RAMDISK_SIZE, 4) << 32,
        )
    }

    /// `acpi_rsdp_addr`.
    pub fn acpi_rsdp_addr(&self) -> u64 {
        self.field(ACPI_RSDP_ADDR, 8)
    }

    /// `hdr.initrd_addr_max`.
    pub fn initrd_addr_max(&self) -> u32 {
        self.field(0x22c, 4) as u32
    }

    /// The e820 table (`e820_entries` entries, at most [`E820_MAX`]) and the count as stored.
    pub fn e820(&self) -> (Vec<E820Entry>, u8) {
        let n = self.field(E820_ENTRIES, 1) as u8;
        let map = (0..(n as usize).min(E820_MAX))
            .map(|i| {
                let at = E820_TABLE + i * E820_ENTRY_SIZE;
                E820Entry {
                    addr: self.field(at, 8),
                    size: self.field(at + 8, 8),
                    kind: self.field(at + 16, 4) as u32,
                }
            })
            .collect();
        (map, n)
    }
}

#[cfg(test)]
mod tests {
    use super::super::e820::guest_map;
    use super::*;

    fn header() -> Header {
        let mut code = vec![0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
        code.resize(0x1000, 0);
        Header::parse(&bzimage::synthetic(0x020f, 0x1f, &code))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn build_and_read_back() {
        let h = header();
        let map = guest_map(512 << 20);
        let zp = build(&ZeroPageIn {
            header: Some(&h),
            load: 0x100_0000,
            cmdline: (0x2_0000, 20),
            initrd: Some((0x1f00_0000, 0x12345)),
            e820: &map,
            rsdp: 0xf_0000,
        })
        .unwrap();
        assert_eq!(zp.len(), 4096);
        // The header is the image's but for what the loader writes.
        assert_eq!(zp[0x1f1], h.raw[0]);
        assert_eq!(&zp[0x202..0x206], b"HdrS");
        let z = ZeroPage::read(&zp);
        assert_eq!(z.version(), 0x020f);
        assert_eq!(z.cmd_line_ptr(), 0x2_0000);
        assert_eq!(z.ramdisk(), (0x1f00_0000, 0x12345));
        assert_eq!(z.field(TYPE_OF_LOADER, 1), 0xff);
        assert_eq!(z.field(CODE32_START, 4), 0x100_0000);
        assert_eq!(z.e820(), (map.clone(), 4));
        assert_eq!(z.field(SENTINEL, 1), 0);
        assert_eq!(z.acpi_rsdp_addr(), 0xf_0000);
        assert_eq!(&zp[0x70..0x78], &0xf_0000u64.to_le_bytes());
    }

    #[test]
    fn builder_refuses_what_the_header_forbids() {
        let h = header();
        let map = guest_map(512 << 20);
        let z = |cmdline, initrd| ZeroPageIn {
            header: Some(&h),
            load: 0x100_0000,
            cmdline,
            initrd,
            e820: &map,
            rsdp: 0,
        };
        assert_eq!(
            build(&z((0x2_0000, 2048), None)),
            Err(Error::CmdlineTooLong {
                len: 2048,
                max: 2047
            })
        );
        assert_eq!(
            build(&z((0x2_0000, 1), Some((0x7fff_f000, 0x2000)))),
            Err(Error::InitrdAboveMax {
                start: 0x7fff_f000,
                end: 0x8000_1000,
                max: 0x7fff_ffff
            })
        );
        let many = vec![map[0]; 129];
        assert_eq!(
            build(&ZeroPageIn {
                e820: &many,
                ..z((0x2_0000, 1), None)
            }),
            Err(Error::TooManyE820(129))
        );
        // Without a header (an ELF kernel): the minimal one.
        let zp = build(&ZeroPageIn {
            header: None,
            ..z((0x1_0000_0000, 1), None)
        })
        .unwrap();
        let r = ZeroPage::read(&zp);
        assert_eq!(r.cmd_line_ptr(), 0x1_0000_0000);
        assert_eq!(r.cmdline_size(), 2047);
        assert_eq!(r.field(0x1fe, 2), 0xaa55);
    }
}
