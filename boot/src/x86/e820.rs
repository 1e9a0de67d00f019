//! The e820 memory map an x86 loader hands the kernel: in the zero page (`e820_table`, 20-byte
//! entries, Linux `Documentation/arch/x86/zero-page.rst`) and, with the same types, in PVH's
//! `hvm_start_info` memory map (24-byte entries). Owns the entry type, the map of an x86 guest's
//! RAM ([`guest_map`]) and the range questions the handoff checks ask of a map.

use crate::Ram;

/// e820 type: usable RAM.
pub const E820_RAM: u32 = 1;
/// e820 type: reserved.
pub const E820_RESERVED: u32 = 2;
/// e820 type: ACPI reclaimable.
pub const E820_ACPI: u32 = 3;
/// e820 type: ACPI NVS.
pub const E820_NVS: u32 = 4;
/// e820 type: unusable.
pub const E820_UNUSABLE: u32 = 5;
/// e820 type: persistent memory.
pub const E820_PMEM: u32 = 7;

/// Start of the EBDA: low RAM ends here (the layout KVM VMMs give their guests).
pub const EBDA_START: u64 = 0x9_fc00;
/// The legacy VGA/ROM hole starts at 640 KiB…
pub const LEGACY_HOLE_START: u64 = 0xa_0000;
/// …and the BIOS area (reserved in the map) from 0xf0000…
pub const BIOS_START: u64 = 0xf_0000;
/// …up to 1 MiB, where high RAM starts.
pub const HIGH_RAM_START: u64 = 0x10_0000;
/// The 32-bit MMIO hole (devices, LAPIC/IOAPIC) starts at 3 GiB; RAM above it moves to 4 GiB.
pub const MMIO_HOLE_START: u64 = 0xc000_0000;
/// RAM beyond the hole continues at 4 GiB.
pub const HIGH_RAM_4G: u64 = 1 << 32;

/// One e820 entry: `[addr, addr + size)` of `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct E820Entry {
    /// First byte.
    pub addr: u64,
    /// Size in bytes.
    pub size: u64,
    /// Type (`E820_RAM`, `E820_RESERVED`, …).
    pub kind: u32,
}

impl E820Entry {
    /// One past the last byte (saturating).
    pub fn end(&self) -> u64 {
        self.addr.saturating_add(self.size)
    }
}

/// The RAM regions of an x86 guest with `size` bytes of memory: low RAM up to the EBDA, high
/// RAM from 1 MiB up to the 3 GiB hole, the rest from 4 GiB.
pub fn guest_ram(size: u64) -> Vec<Ram> {
    let mut r = vec![Ram {
        base: 0,
        size: size.min(EBDA_START),
    }];
    if size > HIGH_RAM_START {
        let below = size.min(MMIO_HOLE_START);
        r.push(Ram {
            base: HIGH_RAM_START,
            size: below - HIGH_RAM_START,
        });
        if size > MMIO_HOLE_START {
            r.push(Ram {
                base: HIGH_RAM_4G,
                size: size - MMIO_HOLE_START,
            });
        }
    }
    r
}

/// The e820 map of [`guest_ram`]: its RAM regions, the EBDA (up to 640 KiB) and the BIOS area
/// (0xf0000..1 MiB) reserved. Sorted by address.
pub fn guest_map(size: u64) -> Vec<E820Entry> {
    let mut m: Vec<E820Entry> = guest_ram(size)
        .into_iter()
        .map(|r| E820Entry {
            addr: r.base,
            size: r.size,
            kind: E820_RAM,
        })
        .collect();
    m.push(E820Entry {
        addr: EBDA_START,
        size: LEGACY_HOLE_START - EBDA_START,
        kind: E820_RESERVED,
    });
    m.push(E820Entry {
        addr: BIOS_START,
        size: HIGH_RAM_START - BIOS_START,
        kind: E820_RESERVED,
    });
    m.sort_by_key(|e| e.addr);
    m
}

/// Whether `start..end` lies inside the RAM entries of `map` (adjacent RAM entries count as one
/// range). An empty range is covered when its start is.
pub fn covered_as_ram(map: &[E820Entry], start: u64, end: u64) -> bool {
    let mut ram: Vec<(u64, u64)> = map
        .iter()
        .filter(|e| e.kind == E820_RAM && e.size > 0)
        .map(|e| (e.addr, e.end()))
        .collect();
    ram.sort_unstable();
    let mut at = start;
    for (s, e) in ram {
        if s <= at && at < e {
            if end <= e {
                return true;
            }
            at = e;
        }
    }
    false
}

/// The first pair of entries of `map` that overlap, by index.
pub fn first_overlap(map: &[E820Entry]) -> Option<(usize, usize)> {
    for (i, a) in map.iter().enumerate() {
        for (j, b) in map.iter().enumerate().skip(i + 1) {
            if a.addr < b.end() && b.addr < a.end() {
                return Some((i, j));
            }
        }
    }
    None
}

/// The first entry of `map` that is not RAM and overlaps `start..end`.
pub fn reserved_overlap(map: &[E820Entry], start: u64, end: u64) -> Option<E820Entry> {
    map.iter()
        .copied()
        .find(|e| e.kind != E820_RAM && e.addr < end && start < e.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_of_512m() {
        let m = guest_map(512 << 20);
        assert_eq!(
            m,
            [
                E820Entry {
                    addr: 0,
                    size: 0x9_fc00,
                    kind: E820_RAM
                },
                E820Entry {
                    addr: 0x9_fc00,
                    size: 0x400,
                    kind: E820_RESERVED
                },
                E820Entry {
                    addr: 0xf_0000,
                    size: 0x1_0000,
                    kind: E820_RESERVED
                },
                E820Entry {
                    addr: 0x10_0000,
                    size: (512 << 20) - 0x10_0000,
                    kind: E820_RAM
                },
            ]
        );
        assert_eq!(first_overlap(&m), None);
        assert!(covered_as_ram(&m, 0x7000, 0x8000));
        assert!(!covered_as_ram(&m, 0x9_f000, 0xa_0000));
        assert!(covered_as_ram(&m, 0x100_0000, 0x200_0000));
        assert!(!covered_as_ram(&m, 0x1fff_f000, 0x2000_1000));
        assert_eq!(
            reserved_overlap(&m, 0x9_f000, 0xa_0000).map(|e| e.addr),
            Some(0x9_fc00)
        );
    }

    #[test]
    fn large_memory_skips_the_mmio_hole() {
        let r = guest_ram(4 << 30);
        assert_eq!(r.len(), 3);
        assert_eq!((r[2].base, r[2].size), (4 << 30, 1 << 30));
        // Adjacent RAM entries are one range.
        let m = [
            E820Entry {
                addr: 0,
                size: 0x1000,
                kind: E820_RAM,
            },
            E820Entry {
                addr: 0x1000,
                size: 0x1000,
                kind: E820_RAM,
            },
        ];
        assert!(covered_as_ram(&m, 0x800, 0x1800));
        assert!(!covered_as_ram(&m, 0x800, 0x2001));
        assert_eq!(first_overlap(&m), None);
    }
}
