//! PVH's start-of-day structure, `hvm_start_info` (Xen `include/public/arch-x86/hvm/start_info.h`,
//! which Linux carries as `include/xen/interface/hvm/start_info.h`): handed to a PVH kernel in
//! EBX, entered at the ELF note `XEN_ELFNOTE_PHYS32_ENTRY` in 32-bit flat protected mode.
//! Owns the builder ([`build`]: start_info, the module list and the memory map in one blob) and
//! the reading back ([`StartInfo::read`]) the handoff checks judge.
//!
//! Layout (all little-endian): magic u32 @0, version u32 @4, flags u32 @8, nr_modules u32 @12,
//! modlist_paddr u64 @16, cmdline_paddr u64 @24, rsdp_paddr u64 @32; version 1 adds
//! memmap_paddr u64 @40, memmap_entries u32 @48, reserved u32 @52 (56 bytes). A module entry is
//! paddr, size, cmdline_paddr, reserved (u64 each, 32 bytes); a memory map entry is addr u64,
//! size u64, type u32 (the e820 types), reserved u32 (24 bytes). An address 0 means "not
//! present".

use super::e820::E820Entry;

/// `XEN_HVM_START_MAGIC_VALUE`: "xEn3" with the 0x80 bit of the "E" set.
pub const MAGIC: u32 = 0x336e_c578;
/// The version with the memory map fields.
pub const VERSION: u32 = 1;
/// `sizeof(struct hvm_start_info)` in version 1.
pub const START_INFO_SIZE: usize = 56;
/// `sizeof(struct hvm_modlist_entry)`.
pub const MODLIST_ENTRY_SIZE: usize = 32;
/// `sizeof(struct hvm_memmap_table_entry)`.
pub const MEMMAP_ENTRY_SIZE: usize = 24;
/// At most this many memory map entries are built or read (as many as the zero page holds).
pub const MEMMAP_MAX: usize = 128;

/// Why a start_info cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// More memory map entries than [`MEMMAP_MAX`].
    #[error("{0} memory map entries: at most {MEMMAP_MAX}")]
    TooManyEntries(usize),
}

/// What the loader puts in `hvm_start_info`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartInfoIn<'a> {
    /// Guest address of the blob (start_info first).
    pub at: u64,
    /// The command line's address (0: none).
    pub cmdline: u64,
    /// The initrd's address and size: the one module.
    pub initrd: Option<(u64, u64)>,
    /// The memory map.
    pub memmap: &'a [E820Entry],
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

/// Offset of the module list in the blob.
pub const MODLIST_OFFSET: usize = START_INFO_SIZE;
/// Offset of the memory map in the blob (after one module entry).
pub const MEMMAP_OFFSET: usize = MODLIST_OFFSET + MODLIST_ENTRY_SIZE;

/// Build the blob at `at`: start_info (version 1, `rsdp_paddr` set), one module entry (the initrd; zeros and
/// `nr_modules` 0 without one), then the memory map.
pub fn build(s: &StartInfoIn) -> Result<Vec<u8>, Error> {
    build_modules(s, s.initrd.as_slice())
}

/// [`build`] with the module list `modules` (`(paddr, size)` each, in order) instead of the
/// initrd alone: the list takes room for at least one entry, the memory map follows it.
/// A firmware boot hands its loader the kernel file and the initrd this way.
pub fn build_modules(s: &StartInfoIn, modules: &[(u64, u64)]) -> Result<Vec<u8>, Error> {
    if s.memmap.len() > MEMMAP_MAX {
        return Err(Error::TooManyEntries(s.memmap.len()));
    }
    let memmap_at = MODLIST_OFFSET + modules.len().max(1) * MODLIST_ENTRY_SIZE;
    let mut b = vec![0u8; memmap_at + s.memmap.len() * MEMMAP_ENTRY_SIZE];
    put(&mut b, 0, MAGIC as u64, 4);
    put(&mut b, 4, VERSION as u64, 4);
    put(&mut b, 24, s.cmdline, 8);
    put(&mut b, 32, s.rsdp, 8);
    if !modules.is_empty() {
        put(&mut b, 12, modules.len() as u64, 4);
        put(&mut b, 16, s.at + MODLIST_OFFSET as u64, 8);
    }
    for (i, &(addr, size)) in modules.iter().enumerate() {
        let at = MODLIST_OFFSET + i * MODLIST_ENTRY_SIZE;
        put(&mut b, at, addr, 8);
        put(&mut b, at + 8, size, 8);
    }
    put(&mut b, 40, s.at + memmap_at as u64, 8);
    put(&mut b, 48, s.memmap.len() as u64, 4);
    for (i, e) in s.memmap.iter().enumerate() {
        let at = memmap_at + i * MEMMAP_ENTRY_SIZE;
        put(&mut b, at, e.addr, 8);
        put(&mut b, at + 8, e.size, 8);
        put(&mut b, at + 16, e.kind as u64, 4);
    }
    Ok(b)
}

/// `hvm_start_info` read back. Bytes missing from a short read count as zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StartInfo {
    /// `magic`.
    pub magic: u32,
    /// `version`.
    pub version: u32,
    /// `flags`.
    pub flags: u32,
    /// `nr_modules`.
    pub nr_modules: u32,
    /// `modlist_paddr`.
    pub modlist_paddr: u64,
    /// `cmdline_paddr`.
    pub cmdline_paddr: u64,
    /// `rsdp_paddr`.
    pub rsdp_paddr: u64,
    /// `memmap_paddr` (version 1).
    pub memmap_paddr: u64,
    /// `memmap_entries` (version 1).
    pub memmap_entries: u32,
}

impl StartInfo {
    /// Read the structure from its bytes.
    pub fn read(b: &[u8]) -> StartInfo {
        StartInfo {
            magic: get(b, 0, 4) as u32,
            version: get(b, 4, 4) as u32,
            flags: get(b, 8, 4) as u32,
            nr_modules: get(b, 12, 4) as u32,
            modlist_paddr: get(b, 16, 8),
            cmdline_paddr: get(b, 24, 8),
            rsdp_paddr: get(b, 32, 8),
            memmap_paddr: get(b, 40, 8),
            memmap_entries: get(b, 48, 4) as u32,
        }
    }
}

/// A module entry's `(paddr, size)` from its 32 bytes.
pub fn read_module(b: &[u8]) -> (u64, u64) {
    (get(b, 0, 8), get(b, 8, 8))
}

/// Memory map entries from their bytes (as many whole entries as there are, at most
/// [`MEMMAP_MAX`]).
pub fn read_memmap(b: &[u8]) -> Vec<E820Entry> {
    b.chunks_exact(MEMMAP_ENTRY_SIZE)
        .take(MEMMAP_MAX)
        .map(|e| E820Entry {
            addr: get(e, 0, 8),
            size: get(e, 8, 8),
            kind: get(e, 16, 4) as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::e820::guest_map;
    use super::*;

    #[test]
    fn build_and_read_back() {
        let map = guest_map(512 << 20);
        let b = build(&StartInfoIn {
            at: 0x6000,
            cmdline: 0x2_0000,
            initrd: Some((0x1f00_0000, 0x1000)),
            memmap: &map,
            rsdp: 0xf_0000,
        })
        .unwrap();
        // "xEn3" with the 0x80 bit of the "E" set.
        assert_eq!(&b[..4], &[b'x', b'E' | 0x80, b'n', b'3']);
        let s = StartInfo::read(&b);
        assert_eq!(s.magic, MAGIC);
        assert_eq!(s.version, 1);
        assert_eq!((s.nr_modules, s.modlist_paddr), (1, 0x6000 + 56));
        assert_eq!(s.cmdline_paddr, 0x2_0000);
        assert_eq!(s.rsdp_paddr, 0xf_0000);
        assert_eq!((s.memmap_paddr, s.memmap_entries), (0x6000 + 88, 4));
        assert_eq!(read_module(&b[56..88]), (0x1f00_0000, 0x1000));
        assert_eq!(read_memmap(&b[88..]), map);
        let none = build(&StartInfoIn {
            at: 0x6000,
            cmdline: 0,
            initrd: None,
            memmap: &map,
            rsdp: 0,
        })
        .unwrap();
        let s = StartInfo::read(&none);
        assert_eq!((s.nr_modules, s.modlist_paddr), (0, 0));
        assert_eq!(
            build(&StartInfoIn {
                at: 0,
                cmdline: 0,
                initrd: None,
                memmap: &vec![map[0]; 129],
                rsdp: 0,
            }),
            Err(Error::TooManyEntries(129))
        );
    }

    #[test]
    fn two_modules_in_order_and_the_memory_map_after_them() {
        let map = guest_map(512 << 20);
        let s = StartInfoIn {
            at: 0x6000,
            cmdline: 0x2_0000,
            initrd: None,
            memmap: &map,
            rsdp: 0,
        };
        let b = build_modules(&s, &[(0x1e00_0000, 0x80_0000), (0x1f00_0000, 0x1000)]).unwrap();
        let si = StartInfo::read(&b);
        assert_eq!((si.nr_modules, si.modlist_paddr), (2, 0x6000 + 56));
        assert_eq!(read_module(&b[56..88]), (0x1e00_0000, 0x80_0000));
        assert_eq!(read_module(&b[88..120]), (0x1f00_0000, 0x1000));
        assert_eq!((si.memmap_paddr, si.memmap_entries), (0x6000 + 120, 4));
        assert_eq!(read_memmap(&b[120..]), map);
        // One module or none: the layout of `build`.
        assert_eq!(build_modules(&s, &[]).unwrap(), build(&s).unwrap());
    }
}
