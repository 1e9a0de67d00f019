//! What a kernel started through its EFI stub is told by UEFI: the `/chosen` `linux,uefi-*`
//! properties of the stub's device tree (Linux `Documentation/arch/arm/uefi.rst`), the UEFI
//! memory map they point at (UEFI 2.10 §7.2 `EFI_MEMORY_DESCRIPTOR`), and the configuration
//! tables of the system table (§4.3 `EFI_SYSTEM_TABLE`, §4.6 `EFI_CONFIGURATION_TABLE`), where
//! the stub leaves the initrd it loaded (`LINUX_EFI_INITRD_MEDIA_GUID`, Linux
//! `include/linux/efi.h` `struct linux_efi_initrd { unsigned long base, size; }`).
//!
//! Pure functions over bytes; guest memory is read through a caller's closure. After
//! `SetVirtualAddressMap` (which the arm64 stub calls before entering the kernel) the system
//! table's `ConfigurationTable` pointer is a virtual address of a runtime region: it is
//! translated through the memory map's `VirtualStart`/`PhysicalStart`.

use fdt::Fdt;

/// `EFI_SYSTEM_TABLE.Hdr.Signature`: "IBI SYST".
pub const SYSTEM_TABLE_SIGNATURE: u64 = 0x5453_5953_2049_4249;
/// Offset of `NumberOfTableEntries` in the 64-bit system table.
pub const ST_TABLE_ENTRIES: u64 = 104;
/// Offset of `ConfigurationTable` in the 64-bit system table.
pub const ST_CONFIG_TABLE: u64 = 112;
/// Size of one `EFI_CONFIGURATION_TABLE` entry (GUID + pointer).
pub const CONFIG_ENTRY_SIZE: u64 = 24;
/// `LINUX_EFI_INITRD_MEDIA_GUID` 5568e427-68fc-4f3d-ac74-ca555231cc68, in memory order.
pub const LINUX_EFI_INITRD_MEDIA_GUID: [u8; 16] = [
    0x27, 0xe4, 0x68, 0x55, 0xfc, 0x68, 0x3d, 0x4f, 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68,
];
/// `EFI_MEMORY_RUNTIME` attribute bit.
pub const MEMORY_RUNTIME: u64 = 1 << 63;
/// UEFI page size.
pub const EFI_PAGE: u64 = 4096;
/// Most configuration-table entries looked at.
pub const MAX_CONFIG_ENTRIES: u64 = 1024;
/// Largest memory map read (bytes).
pub const MAX_MMAP: u64 = 1 << 20;

/// Memory types the kernel may use as RAM once boot services are gone (UEFI 2.10 Table 7.10,
/// and Linux `is_usable_memory`): loader code/data, boot services code/data, conventional.
pub const USABLE_TYPES: [u32; 5] = [1, 2, 3, 4, 7];

/// The `/chosen` properties the EFI stub writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UefiChosen {
    /// `linux,uefi-system-table`: physical address of the system table.
    pub system_table: u64,
    /// `linux,uefi-mmap-start`.
    pub mmap_start: u64,
    /// `linux,uefi-mmap-size`.
    pub mmap_size: u64,
    /// `linux,uefi-mmap-desc-size`.
    pub desc_size: u64,
    /// `linux,uefi-mmap-desc-ver`.
    pub desc_ver: u64,
}

/// One `EFI_MEMORY_DESCRIPTOR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemDesc {
    /// `Type`.
    pub ty: u32,
    /// `PhysicalStart`.
    pub phys: u64,
    /// `VirtualStart`.
    pub virt: u64,
    /// `NumberOfPages` (4 KiB).
    pub pages: u64,
    /// `Attribute`.
    pub attr: u64,
}

impl MemDesc {
    /// One past the last physical byte.
    pub fn phys_end(&self) -> u64 {
        self.phys
            .saturating_add(self.pages.saturating_mul(EFI_PAGE))
    }

    /// Its size in bytes, `None` when `NumberOfPages` × 4 KiB passes 2^64.
    pub fn size(&self) -> Option<u64> {
        self.pages.checked_mul(EFI_PAGE)
    }

    /// One past the last physical byte, `None` when it would pass 2^64 (a broken map).
    pub fn checked_end(&self) -> Option<u64> {
        self.phys.checked_add(self.size()?)
    }

    /// Whether the kernel may use it as RAM.
    pub fn usable(&self) -> bool {
        USABLE_TYPES.contains(&self.ty)
    }
}

/// What the kernel is told by UEFI, as captured at its entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EfiFacts {
    /// The `/chosen` properties.
    pub chosen: UefiChosen,
    /// The memory map (empty when unreadable).
    pub mmap: Vec<MemDesc>,
    /// The `LINUX_EFI_INITRD_MEDIA_GUID` table's range `base..base+size`, if installed.
    pub initrd: Option<(u64, u64)>,
}

/// The `linux,uefi-*` properties of `/chosen`, when the tree has them (a stub-booted kernel).
pub fn uefi_chosen(blob: &[u8]) -> Option<UefiChosen> {
    let blob = &*crate::fdt::prepare(blob).ok()?;
    std::panic::catch_unwind(|| {
        let t = Fdt::new(blob).ok()?;
        let c = t.find_node("/chosen")?;
        let u = |n| {
            c.property(n).and_then(|p| match p.value.len() {
                4 => Some(u32::from_be_bytes(p.value.try_into().ok()?) as u64),
                8 => Some(u64::from_be_bytes(p.value.try_into().ok()?)),
                _ => None,
            })
        };
        Some(UefiChosen {
            system_table: u("linux,uefi-system-table")?,
            mmap_start: u("linux,uefi-mmap-start")?,
            mmap_size: u("linux,uefi-mmap-size")?,
            desc_size: u("linux,uefi-mmap-desc-size")?,
            desc_ver: u("linux,uefi-mmap-desc-ver").unwrap_or(0),
        })
    })
    .ok()
    .flatten()
}

fn le64(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

/// Decode a memory map of `desc_size`-byte descriptors (at least the 40 bytes of version 1).
pub fn parse_mmap(bytes: &[u8], desc_size: u64) -> Vec<MemDesc> {
    if desc_size < 40 {
        return Vec::new();
    }
    bytes
        .chunks_exact(desc_size as usize)
        .filter_map(|d| {
            Some(MemDesc {
                ty: u32::from_le_bytes(d.get(0..4)?.try_into().ok()?),
                phys: le64(d, 8)?,
                virt: le64(d, 16)?,
                pages: le64(d, 24)?,
                attr: le64(d, 32)?,
            })
        })
        .collect()
}

/// The physical address of `va`, a pointer the firmware converted with `SetVirtualAddressMap`
/// (runtime regions), or `va` itself when no runtime region maps it (no virtual map was set);
/// `None` when the region's physical address + the offset passes 2^64 (a broken map).
pub fn to_phys(mmap: &[MemDesc], va: u64) -> Option<u64> {
    match mmap
        .iter()
        .filter(|d| d.attr & MEMORY_RUNTIME != 0 && d.virt != 0)
        .find(|d| va >= d.virt && va - d.virt < d.pages.saturating_mul(EFI_PAGE))
    {
        Some(d) => d.phys.checked_add(va - d.virt),
        None => Some(va),
    }
}

/// Read the UEFI facts of a stub-booted kernel: `read(addr, len)` reads guest physical memory.
pub fn capture(blob: &[u8], read: &dyn Fn(u64, u64) -> Option<Vec<u8>>) -> Option<EfiFacts> {
    let chosen = uefi_chosen(blob)?;
    let mmap = if chosen.mmap_size <= MAX_MMAP {
        read(chosen.mmap_start, chosen.mmap_size)
            .map(|b| parse_mmap(&b, chosen.desc_size))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let initrd = find_table(&chosen, &mmap, read, &LINUX_EFI_INITRD_MEDIA_GUID)
        .and_then(|t| read(t, 16))
        .and_then(|b| Some((le64(&b, 0)?, le64(&b, 8)?)))
        .map(|(base, size)| (base, base.saturating_add(size)));
    Some(EfiFacts {
        chosen,
        mmap,
        initrd,
    })
}

/// The physical address of the configuration table with `guid`.
fn find_table(
    chosen: &UefiChosen,
    mmap: &[MemDesc],
    read: &dyn Fn(u64, u64) -> Option<Vec<u8>>,
    guid: &[u8; 16],
) -> Option<u64> {
    let st = read(chosen.system_table, ST_CONFIG_TABLE + 8)?;
    if le64(&st, 0)? != SYSTEM_TABLE_SIGNATURE {
        return None;
    }
    let n = le64(&st, ST_TABLE_ENTRIES as usize)?.min(MAX_CONFIG_ENTRIES);
    let tables = to_phys(mmap, le64(&st, ST_CONFIG_TABLE as usize)?)?;
    let entries = read(tables, n * CONFIG_ENTRY_SIZE)?;
    entries
        .chunks_exact(CONFIG_ENTRY_SIZE as usize)
        .find(|e| e[..16] == guid[..])
        .and_then(|e| le64(e, 16))
        .and_then(|p| to_phys(mmap, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A sparse guest memory.
    struct Mem(BTreeMap<u64, Vec<u8>>);

    impl Mem {
        fn read(&self, addr: u64, len: u64) -> Option<Vec<u8>> {
            self.0.iter().find_map(|(&base, bytes)| {
                let off = addr.checked_sub(base)? as usize;
                bytes.get(off..off + len as usize).map(<[u8]>::to_vec)
            })
        }
    }

    fn desc(ty: u32, phys: u64, virt: u64, pages: u64, attr: u64) -> Vec<u8> {
        let mut d = vec![0u8; 48];
        d[0..4].copy_from_slice(&ty.to_le_bytes());
        d[8..16].copy_from_slice(&phys.to_le_bytes());
        d[16..24].copy_from_slice(&virt.to_le_bytes());
        d[24..32].copy_from_slice(&pages.to_le_bytes());
        d[32..40].copy_from_slice(&attr.to_le_bytes());
        d
    }

    fn tree(chosen: &UefiChosen) -> Vec<u8> {
        let mut w = vm_fdt::FdtWriter::new().unwrap();
        let root = w.begin_node("").unwrap();
        let c = w.begin_node("chosen").unwrap();
        w.property_u64("linux,uefi-system-table", chosen.system_table)
            .unwrap();
        w.property_u64("linux,uefi-mmap-start", chosen.mmap_start)
            .unwrap();
        w.property_u32("linux,uefi-mmap-size", chosen.mmap_size as u32)
            .unwrap();
        w.property_u32("linux,uefi-mmap-desc-size", chosen.desc_size as u32)
            .unwrap();
        w.property_u32("linux,uefi-mmap-desc-ver", 1).unwrap();
        w.end_node(c).unwrap();
        w.end_node(root).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn finds_the_initrd_table_through_the_virtual_map() {
        // Runtime data at PA 0x5f00_0000 mapped at VA 0x2000_0000 holds the system table
        // (offset 0) and the configuration tables (offset 0x100, pointer converted).
        let mut rt = vec![0u8; 0x1000];
        rt[0..8].copy_from_slice(&SYSTEM_TABLE_SIGNATURE.to_le_bytes());
        rt[104..112].copy_from_slice(&2u64.to_le_bytes());
        rt[112..120].copy_from_slice(&0x2000_0100u64.to_le_bytes());
        rt[0x118..0x128].copy_from_slice(&LINUX_EFI_INITRD_MEDIA_GUID);
        rt[0x128..0x130].copy_from_slice(&0x5e00_0000u64.to_le_bytes());
        let mut initrd_table = vec![0u8; 16];
        initrd_table[0..8].copy_from_slice(&0x5d00_0000u64.to_le_bytes());
        initrd_table[8..16].copy_from_slice(&0x1234u64.to_le_bytes());
        let mut mmap = desc(7, 0x4000_0000, 0, 0x1000, 0);
        mmap.extend(desc(6, 0x5f00_0000, 0x2000_0000, 1, MEMORY_RUNTIME));
        let chosen = UefiChosen {
            system_table: 0x5f00_0000,
            mmap_start: 0x5c00_0000,
            mmap_size: mmap.len() as u64,
            desc_size: 48,
            desc_ver: 1,
        };
        let mem = Mem(BTreeMap::from([
            (0x5f00_0000, rt),
            (0x5e00_0000, initrd_table),
            (0x5c00_0000, mmap),
        ]));
        let f = capture(&tree(&chosen), &|a, l| mem.read(a, l)).unwrap();
        assert_eq!(f.chosen, chosen);
        assert_eq!(f.mmap.len(), 2);
        assert!(f.mmap[0].usable() && !f.mmap[1].usable());
        assert_eq!(f.mmap[0].phys_end(), 0x4100_0000);
        assert_eq!(f.initrd, Some((0x5d00_0000, 0x5d00_1234)));
    }

    #[test]
    fn no_uefi_properties_no_facts() {
        let mut w = vm_fdt::FdtWriter::new().unwrap();
        let root = w.begin_node("").unwrap();
        w.end_node(root).unwrap();
        let blob = w.finish().unwrap();
        assert_eq!(capture(&blob, &|_, _| None), None);
        assert_eq!(capture(b"garbage", &|_, _| None), None);
    }

    #[test]
    fn a_translation_past_2_64_is_refused() {
        let d = MemDesc {
            ty: 6,
            phys: u64::MAX - 0xfff,
            virt: 0x2000_0000,
            pages: 2,
            attr: MEMORY_RUNTIME,
        };
        assert_eq!(to_phys(&[d], 0x2000_0800), Some(u64::MAX - 0x7ff));
        assert_eq!(to_phys(&[d], 0x2000_1000), None, "would wrap to 0");
        assert_eq!(d.size(), Some(0x2000));
        assert_eq!(d.checked_end(), None);
        assert_eq!(d.phys_end(), u64::MAX);
    }

    #[test]
    fn unmapped_pointers_are_physical() {
        assert_eq!(to_phys(&[], 0x4000_1000), Some(0x4000_1000));
        assert!(
            parse_mmap(&[0u8; 80], 8).is_empty(),
            "descriptor size too small"
        );
    }
}
