//! A bus with one flat RAM region and no devices, for unit tests, oracle harnesses and tools
//! that run guest code without a board.

use std::ptr::NonNull;

use super::mem::{Bus, BusFault, BusId, PAGE_MASK, PAGE_SIZE};

/// RAM of `size` bytes at guest-physical `base`; every other address faults.
///
/// The RAM is held through a raw pointer, never re-borrowed whole to hand out a page: a
/// reference to all of it, taken for each [`Bus::ram_page`], would invalidate the pointers
/// the core holds from earlier pages (the aliasing rules Miri checks).
pub struct FlatBus {
    base: u64,
    /// The RAM, from `Box::into_raw`; freed on drop.
    ram: NonNull<[u8]>,
    id: BusId,
}

// SAFETY: the bus owns its RAM alone, as a `Box<[u8]>` would.
unsafe impl Send for FlatBus {}

impl Drop for FlatBus {
    fn drop(&mut self) {
        // SAFETY: `ram` came from `Box::into_raw` and is freed only here.
        drop(unsafe { Box::from_raw(self.ram.as_ptr()) });
    }
}

impl FlatBus {
    /// Zeroed RAM at `base` (page aligned) of `size` bytes (rounded up to pages).
    pub fn new(base: u64, size: usize) -> Self {
        assert_eq!(base & PAGE_MASK, 0, "RAM base must be page aligned");
        let size = (size + PAGE_SIZE as usize - 1) & !(PAGE_SIZE as usize - 1);
        FlatBus {
            base,
            ram: NonNull::from(Box::leak(vec![0u8; size].into_boxed_slice())),
            id: BusId::fresh(),
        }
    }

    /// Guest-physical base.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The RAM bytes.
    pub fn ram(&self) -> &[u8] {
        // SAFETY: `ram` is a live allocation owned by the bus; the core writes through its
        // pointers only while it runs, which needs `&mut self`.
        unsafe { self.ram.as_ref() }
    }

    /// The RAM bytes, writable. Write code here only before it runs, or invalidate the block
    /// cache afterwards.
    pub fn ram_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `ram`, and `&mut self` excludes any other use.
        unsafe { self.ram.as_mut() }
    }

    /// Copy `bytes` to guest-physical `addr`; panics when outside RAM (test set-up only).
    pub fn load(&mut self, addr: u64, bytes: &[u8]) {
        let off = (addr - self.base) as usize;
        self.ram_mut()[off..off + bytes.len()].copy_from_slice(bytes);
    }

    /// Copy instruction words to `addr`.
    pub fn load_words(&mut self, addr: u64, words: &[u32]) {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.load(addr, &bytes);
    }
}

// SAFETY: pages point into `ram`, which is never resized after construction and lives as long
// as the bus; the identity is the bus's own (the bus is not `Clone`).
unsafe impl Bus for FlatBus {
    fn id(&self) -> BusId {
        self.id
    }

    fn ram_page(&mut self, page: u64, _write: bool) -> Option<NonNull<u8>> {
        let off = page.checked_sub(self.base)? as usize;
        if off.checked_add(PAGE_SIZE as usize)? <= self.ram.len() {
            // SAFETY: `off + PAGE_SIZE` is within the allocation.
            Some(unsafe { self.ram.cast::<u8>().add(off) })
        } else {
            None
        }
    }

    fn mmio_read(&mut self, pa: u64, _size: u8) -> Result<u64, BusFault> {
        Err(BusFault(pa))
    }

    fn mmio_write(&mut self, pa: u64, _size: u8, _value: u64) -> Result<(), BusFault> {
        Err(BusFault(pa))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aarch64::{BlockCache, Cpu, Exit};

    /// A loop of ADD/SUBS/B.NE would need B.cond; this one counts with ADD and stops at HVC.
    #[test]
    fn runs_a_block_and_exits_on_hvc() {
        let mut bus = FlatBus::new(0x4000_0000, 0x10000);
        bus.load_words(
            0x4000_0000,
            &[
                0x9100_0420, // add x0, x1, #1
                0x9100_0400, // add x0, x0, #1
                0xd400_0002, // hvc #0
            ],
        );
        let mut cpu = Cpu::new(1);
        cpu.pc = 0x4000_0000;
        cpu.x[1] = 40;
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 42);
        assert_eq!(cpu.insns, 3);
        assert_eq!(cpu.pc, 0x4000_000c);
    }

    #[test]
    fn budget_stops_exactly() {
        let mut bus = FlatBus::new(0x4000_0000, 0x10000);
        bus.load_words(
            0x4000_0000,
            &[0x9100_0400, 0x9100_0400, 0x9100_0400, 0x17ff_fffd],
        );
        let mut cpu = Cpu::new(1);
        cpu.pc = 0x4000_0000;
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Budget);
        assert_eq!(cpu.insns, 10);
        assert_eq!(cpu.x[0], 8); // 3 adds per loop of 4 instructions: 2 loops + 2 adds
    }

    #[test]
    fn fetch_outside_ram_takes_an_instruction_abort() {
        let mut bus = FlatBus::new(0x4000_0000, 0x10000);
        let mut cpu = Cpu::new(1);
        cpu.pc = 0x1000;
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 1), Exit::Budget);
        let esr = cpu.sys.get(crate::aarch64::sysreg::Reg::EsrEl1);
        assert_eq!(esr >> 26, 0x21);
        assert_eq!(cpu.sys.get(crate::aarch64::sysreg::Reg::FarEl1), 0x1000);
        assert_eq!(cpu.pc, 0x200); // VBAR_EL1 = 0, current EL with SPx
    }

    /// A watched block start exits before anything of it runs; `pass` lets it run once.
    #[test]
    fn watch_exits_before_the_watched_block() {
        let mut bus = FlatBus::new(0x4000_0000, 0x10000);
        bus.load_words(
            0x4000_0000,
            &[
                0x1400_0002, // b #8
                0xd400_0002, // hvc #0 (skipped)
                0x9100_0400, // add x0, x0, #1   <- watched
                0xd400_0022, // hvc #1
            ],
        );
        let mut cpu = Cpu::new(1);
        cpu.pc = 0x4000_0000;
        cpu.watch.mask = (2 << 20) - 1;
        cpu.watch.value = 8; // offset 8 in any 2 MiB region
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Watch);
        assert_eq!((cpu.pc, cpu.insns, cpu.x[0]), (0x4000_0008, 1, 0));
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Watch, "no pass");
        cpu.watch.pass = true;
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(1));
        assert_eq!((cpu.insns, cpu.x[0]), (3, 1));
    }
}
