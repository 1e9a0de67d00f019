//! 4-level x86-64 page tables (Intel SDM Vol. 3A §4.5 "4-Level Paging"): the identity map a
//! loader builds for the 64-bit boot protocol ([`identity_tables`]: PML4, PDPT and one page
//! directory per GiB of 2 MiB pages, as Cloud Hypervisor and Firecracker build theirs) and a
//! walker that translates through tables read from memory ([`translate`], [`check_identity`]),
//! which the handoff checks use without trusting the builder.
//!
//! Entries: bit 0 P, bit 1 R/W, bit 7 PS (in a PDPTE: 1 GiB page; in a PDE: 2 MiB page), the
//! next table's or the page's physical address in bits 51:12 (page-size aligned for large pages).

/// Entry bit: present.
pub const PRESENT: u64 = 1 << 0;
/// Entry bit: writable.
pub const WRITABLE: u64 = 1 << 1;
/// Entry bit: a large page (1 GiB in a PDPTE, 2 MiB in a PDE).
pub const PAGE_SIZE: u64 = 1 << 7;
/// Physical address bits of an entry (MAXPHYADDR 52).
pub const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
/// A table is one 4 KiB page of 512 entries.
pub const TABLE_SIZE: u64 = 0x1000;
/// Bytes one page directory maps with 2 MiB pages.
pub const GIB: u64 = 1 << 30;
/// A 2 MiB page.
pub const MIB2: u64 = 2 << 20;

/// The tables that identity-map `0..gib` GiB with 2 MiB pages, laid out from `at` (4 KiB
/// aligned): the PML4 at `at`, the PDPT at `at + 0x1000`, page directory `i` at
/// `at + 0x2000 + i * 0x1000`. Every entry present and writable. `gib` is 1..=512.
pub fn identity_tables(at: u64, gib: u64) -> Vec<u8> {
    let gib = gib.clamp(1, 512);
    let mut b = vec![0u8; ((2 + gib) * TABLE_SIZE) as usize];
    let mut put = |table: u64, index: u64, v: u64| {
        let off = (table * TABLE_SIZE + index * 8) as usize;
        b[off..off + 8].copy_from_slice(&v.to_le_bytes());
    };
    let pdpt = at + TABLE_SIZE;
    put(0, 0, pdpt | PRESENT | WRITABLE);
    for g in 0..gib {
        let pd = at + (2 + g) * TABLE_SIZE;
        put(1, g, pd | PRESENT | WRITABLE);
        for e in 0..512 {
            put(
                2 + g,
                e,
                (g * GIB + e * MIB2) | PRESENT | WRITABLE | PAGE_SIZE,
            );
        }
    }
    b
}

/// A successful translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The physical address.
    pub phys: u64,
    /// Size of the page that maps it (4 KiB, 2 MiB or 1 GiB).
    pub page: u64,
    /// Writable at every level.
    pub writable: bool,
}

/// Why a linear address does not translate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkFault {
    /// Not canonical for 48-bit linear addresses.
    NonCanonical,
    /// The table entry at `entry` (level 4 = PML4 … 1 = PT) cannot be read from memory.
    Unreadable {
        /// Level of the table.
        level: u8,
        /// Physical address of the entry.
        entry: u64,
    },
    /// The entry at `entry` is not present.
    NotPresent {
        /// Level of the table.
        level: u8,
        /// Physical address of the entry.
        entry: u64,
    },
}

impl std::fmt::Display for WalkFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |l: &u8| match l {
            4 => "PML4E",
            3 => "PDPTE",
            2 => "PDE",
            _ => "PTE",
        };
        match self {
            WalkFault::NonCanonical => f.write_str("not canonical"),
            WalkFault::Unreadable { level, entry } => {
                write!(f, "{} at {entry:#x} is not in memory", name(level))
            }
            WalkFault::NotPresent { level, entry } => {
                write!(f, "{} at {entry:#x} is not present", name(level))
            }
        }
    }
}

/// Memory as the walker reads it: `len` bytes at a physical address, `None` outside memory.
pub type Read<'a> = &'a dyn Fn(u64, u64) -> Option<Vec<u8>>;

/// Translate `linear` through the 4-level tables at `cr3` (bits 51:12), reading entries with
/// `read`.
pub fn translate(read: Read, cr3: u64, linear: u64) -> Result<Translation, WalkFault> {
    let top = linear >> 47;
    if top != 0 && top != 0x1_ffff {
        return Err(WalkFault::NonCanonical);
    }
    let mut table = cr3 & ADDR_MASK;
    let mut writable = true;
    for level in (1..=4u8).rev() {
        let shift = 12 + 9 * (level as u32 - 1);
        let entry = table + ((linear >> shift) & 0x1ff) * 8;
        let e = read(entry, 8)
            .and_then(|b| Some(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)))
            .ok_or(WalkFault::Unreadable { level, entry })?;
        if e & PRESENT == 0 {
            return Err(WalkFault::NotPresent { level, entry });
        }
        writable &= e & WRITABLE != 0;
        let page = 1u64 << shift;
        if level == 1 || ((level == 2 || level == 3) && e & PAGE_SIZE != 0) {
            let base = e & ADDR_MASK & !(page - 1);
            return Ok(Translation {
                phys: base | (linear & (page - 1)),
                page,
                writable,
            });
        }
        table = e & ADDR_MASK;
    }
    unreachable!("level 1 always returns")
}

/// Check that every byte of `start..end` is identity-mapped and writable: the first address
/// that is not, and why, as one line.
pub fn check_identity(read: Read, cr3: u64, start: u64, end: u64) -> Result<(), String> {
    let mut at = start;
    while at < end {
        let t = translate(read, cr3, at).map_err(|f| format!("{at:#x}: {f}"))?;
        if t.phys != at {
            return Err(format!("{at:#x} maps to {:#x}", t.phys));
        }
        if !t.writable {
            return Err(format!("{at:#x} is mapped read-only"));
        }
        // The next page: the rest of this one maps identically.
        match (at | (t.page - 1)).checked_add(1) {
            Some(next) => at = next,
            None => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mem(at: u64, b: Vec<u8>) -> impl Fn(u64, u64) -> Option<Vec<u8>> {
        move |a, l| {
            let off = a.checked_sub(at)? as usize;
            b.get(off..off + l as usize).map(<[u8]>::to_vec)
        }
    }

    #[test]
    fn identity_tables_map_what_they_say() {
        let t = identity_tables(0x9000, 4);
        assert_eq!(t.len(), 6 * 0x1000);
        // PML4[0] → PDPT, PDPT[3] → the fourth directory, its last entry maps 4 GiB - 2 MiB.
        assert_eq!(&t[..8], &(0xa000u64 | 3).to_le_bytes());
        assert_eq!(&t[0x1018..0x1020], &(0xe000u64 | 3).to_le_bytes());
        let last = 0x5000 + 511 * 8;
        assert_eq!(&t[last..last + 8], &(0xffe0_0000u64 | 0x83).to_le_bytes());
        let read = mem(0x9000, t);
        let tr = translate(&read, 0x9000, 0x1234_5678).unwrap();
        assert_eq!(
            tr,
            Translation {
                phys: 0x1234_5678,
                page: MIB2,
                writable: true
            }
        );
        assert_eq!(check_identity(&read, 0x9000, 0, 4 * GIB), Ok(()));
        let e = check_identity(&read, 0x9000, 0xffff_f000, 4 * GIB + 1).unwrap_err();
        assert!(
            e.starts_with("0x100000000: PDPTE at 0xa020 is not present"),
            "{e}"
        );
        assert_eq!(
            translate(&read, 0x9000, 1 << 47),
            Err(WalkFault::NonCanonical)
        );
        assert_eq!(
            translate(&read, 0x8000, 0),
            Err(WalkFault::Unreadable {
                level: 4,
                entry: 0x8000
            })
        );
    }

    #[test]
    fn four_kib_and_one_gib_pages_and_a_shifted_map() {
        // PML4 at 0, PDPT at 0x1000 with a 1 GiB page at GiB 1 mapping to 2 GiB, and GiB 0
        // through a PD at 0x2000 whose entry 0 points at a PT at 0x3000 (4 KiB pages,
        // read-only page 1).
        let mut b = vec![0u8; 0x4000];
        let mut put = |off: usize, v: u64| b[off..off + 8].copy_from_slice(&v.to_le_bytes());
        put(0, 0x1000 | 3);
        put(0x1000, 0x2000 | 3);
        put(0x1008, 0x8000_0000 | 0x83);
        put(0x2000, 0x3000 | 3);
        put(0x3000, 3);
        put(0x3008, 0x1000 | 1);
        let read = mem(0, b);
        assert_eq!(translate(&read, 0, 0x4000_0010).unwrap().phys, 0x8000_0010);
        assert_eq!(translate(&read, 0, 0x4000_0010).unwrap().page, GIB);
        assert_eq!(translate(&read, 0, 0x123).unwrap().page, 0x1000);
        assert_eq!(check_identity(&read, 0, 0, 0x1000), Ok(()));
        assert_eq!(
            check_identity(&read, 0, 0x800, 0x1800),
            Err("0x1000 is mapped read-only".into())
        );
        assert_eq!(
            check_identity(&read, 0, 0x4000_0000, 0x4000_0001),
            Err("0x40000000 maps to 0x80000000".into())
        );
        assert!(check_identity(&read, 0, 0x2000, 0x2001)
            .unwrap_err()
            .contains("PTE at 0x3010 is not present"));
    }
}
