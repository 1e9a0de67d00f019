//! Guest memory: one anonymous host mapping (`memmap2::MmapMut::map_anon`) per RAM or ROM region.
//!
//! Every host access is bounds-checked against the region it came from, so a guest address can
//! never reach host memory outside its mapping. Pages are handed to the CPU core as host pointers
//! (see `bootemu_cpu::aarch64::Bus::ram_page`); the mappings are never resized or moved, which
//! keeps those pointers valid for the life of the machine.

use std::ptr::NonNull;

use bootemu_cpu::aarch64::mem::PAGE_SIZE;
use memmap2::MmapMut;

use crate::profile::{Profile, RegionKind};

/// Errors of guest memory set-up and host-side copies.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The host refused the mapping.
    #[error("cannot map {size:#x} bytes of guest {name}")]
    Map {
        /// Region name.
        name: &'static str,
        /// Size asked for.
        size: u64,
        /// Host error.
        #[source]
        source: std::io::Error,
    },
    /// A host-side copy does not lie inside one memory region.
    #[error("guest range {addr:#x}+{len:#x} is not inside one memory region")]
    OutOfRange {
        /// First address.
        addr: u64,
        /// Length.
        len: u64,
    },
}

struct Backed {
    name: &'static str,
    base: u64,
    writable: bool,
    map: MmapMut,
}

impl Backed {
    /// Host offset of `addr..addr+len` inside this region.
    fn offset(&self, addr: u64, len: u64) -> Option<usize> {
        let off = addr.checked_sub(self.base)?;
        (off.checked_add(len)? <= self.map.len() as u64).then_some(off as usize)
    }
}

impl crate::devices::DmaMemory for GuestMemory {
    fn read(&self, addr: u64, buf: &mut [u8]) -> bool {
        match self.find(addr, buf.len() as u64) {
            Some((i, off)) if self.regions[i].writable => {
                buf.copy_from_slice(&self.regions[i].map[off..off + buf.len()]);
                true
            }
            _ => false,
        }
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> bool {
        match self.find(addr, data.len() as u64) {
            Some((i, off)) if self.regions[i].writable => {
                self.regions[i].map[off..off + data.len()].copy_from_slice(data);
                true
            }
            _ => false,
        }
    }
}

/// The host-backed regions of a machine.
pub struct GuestMemory {
    regions: Vec<Backed>,
}

/// A zero-filled anonymous mapping of `size` bytes for region `name`, backed by transparent huge
/// pages where the host offers them (as QEMU asks for its guest RAM): fewer host page faults on
/// first touch and fewer host TLB misses on the interpreter's accesses. The advice is only a
/// hint; the mapping behaves the same without it.
fn map_anon(name: &'static str, size: u64) -> Result<MmapMut, MemoryError> {
    let map = MmapMut::map_anon(size as usize).map_err(|source| MemoryError::Map {
        name,
        size,
        source,
    })?;
    let _ = map.advise(memmap2::Advice::HugePage);
    Ok(map)
}

impl GuestMemory {
    /// Map every RAM and ROM region of `profile`, zero-filled.
    pub fn new(profile: &Profile) -> Result<GuestMemory, MemoryError> {
        let mut regions = Vec::new();
        for r in &profile.regions {
            let writable = match r.kind {
                RegionKind::Ram => true,
                RegionKind::Rom => false,
                _ => continue,
            };
            let map = map_anon(r.name, r.size)?;
            regions.push(Backed {
                name: r.name,
                base: r.base,
                writable,
                map,
            });
        }
        Ok(GuestMemory { regions })
    }

    /// Map `ram` regions (name, base, size), RAM, zero-filled: a machine whose memory map is
    /// not a [`Profile`] (the x86 machine's RAM from 0 with its holes).
    pub fn ram(ram: &[(&'static str, u64, u64)]) -> Result<GuestMemory, MemoryError> {
        let mut regions = Vec::new();
        for &(name, base, size) in ram {
            let map = map_anon(name, size)?;
            regions.push(Backed {
                name,
                base,
                writable: true,
                map,
            });
        }
        Ok(GuestMemory { regions })
    }

    fn find(&self, addr: u64, len: u64) -> Option<(usize, usize)> {
        self.regions
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.offset(addr, len).map(|off| (i, off)))
    }

    /// Copy `bytes` to guest-physical `addr` from the host side (loading; ROM included).
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), MemoryError> {
        let len = bytes.len() as u64;
        let (i, off) = self
            .find(addr, len)
            .ok_or(MemoryError::OutOfRange { addr, len })?;
        self.regions[i].map[off..off + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    /// The guest bytes at `addr..addr+len`, when inside one region.
    pub fn read(&self, addr: u64, len: u64) -> Result<&[u8], MemoryError> {
        let (i, off) = self
            .find(addr, len)
            .ok_or(MemoryError::OutOfRange { addr, len })?;
        Ok(&self.regions[i].map[off..off + len as usize])
    }

    /// Host pointer to the guest page at `page`; `None` when not backed, or for a write to ROM.
    pub fn page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>> {
        let (i, off) = self.find(page, PAGE_SIZE)?;
        let r = &mut self.regions[i];
        if write && !r.writable {
            return None;
        }
        NonNull::new(r.map[off..].as_mut_ptr())
    }

    /// Whether `pa` is in a read-only region (writes there are ignored).
    pub fn is_rom(&self, pa: u64) -> bool {
        self.find(pa, 1)
            .is_some_and(|(i, _)| !self.regions[i].writable)
    }

    /// Name of the region holding `pa`.
    pub fn region_name(&self, pa: u64) -> Option<&'static str> {
        self.find(pa, 1).map(|(i, _)| self.regions[i].name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::MIB;

    fn mem() -> GuestMemory {
        GuestMemory::new(&Profile::virt(64 * MIB).unwrap()).unwrap()
    }

    #[test]
    fn write_read_back_and_bounds() {
        let mut m = mem();
        m.write(0x4000_1000, &[1, 2, 3]).unwrap();
        assert_eq!(m.read(0x4000_1000, 3).unwrap(), &[1, 2, 3]);
        let end = 0x4000_0000 + 64 * MIB;
        assert!(m.write(end - 2, &[0; 2]).is_ok());
        assert!(matches!(
            m.write(end - 2, &[0; 3]),
            Err(MemoryError::OutOfRange { .. })
        ));
        assert!(m.read(0x0900_0000, 4).is_err());
    }

    #[test]
    fn pages_of_ram_and_rom() {
        let mut p = Profile::virt(64 * MIB).unwrap();
        p.regions.insert(
            0,
            crate::profile::Region {
                name: "rom",
                base: 0,
                size: 64 * 1024,
                kind: RegionKind::Rom,
                spi: None,
            },
        );
        let mut m = GuestMemory::new(&p).unwrap();
        assert!(m.page(0x4000_0000, true).is_some());
        assert!(m.page(0, false).is_some());
        assert!(m.page(0, true).is_none(), "ROM is not writable");
        assert!(m.is_rom(0x10));
        assert!(m.page(0x0900_0000, false).is_none());
        assert!(m.page(0x4000_0000 + 64 * MIB, false).is_none());
        assert!(
            m.page(0x10_0000, false).is_none(),
            "flash is a device, not memory"
        );
        assert_eq!(m.region_name(0x4000_0000), Some("ram"));
    }

    #[test]
    fn dma_reaches_ram_only() {
        use crate::devices::DmaMemory;
        let mut m = mem();
        assert!(DmaMemory::write(&mut m, 0x4000_0010, &[9, 8]));
        let mut b = [0u8; 2];
        assert!(DmaMemory::read(&m, 0x4000_0010, &mut b));
        assert_eq!(b, [9, 8]);
        let end = 0x4000_0000 + 64 * MIB;
        assert!(
            !DmaMemory::write(&mut m, end - 1, &[1, 2]),
            "past the end of RAM"
        );
        assert!(!DmaMemory::read(&m, 0x0900_0000, &mut b));
    }
}
