//! Guest memory access: the bus interface to the machine, the software TLB and the load/store
//! helpers every memory instruction uses.
//!
//! A hit in the TLB costs a compare and a host load/store. A miss translates the address (with the
//! MMU off, VA = PA within the 44-bit physical range; `TODO(FEAT_MMU)`: stage-1 walks), asks the bus
//! for the RAM page behind the physical address and refills; anything that is not RAM goes to the
//! bus as MMIO. Pages that hold decoded code never get a write entry, so that every store to them
//! reaches [`CodePages`](super::block::CodePages) and invalidates the stale blocks.

use std::ptr::NonNull;

use super::block::Env;
use super::exception::Trap;
use super::state::Cpu;

/// Size of a guest page as the TLB and the block cache see it.
pub const PAGE_SIZE: u64 = 4096;
/// Mask of the offset within a page.
pub const PAGE_MASK: u64 = PAGE_SIZE - 1;
/// Physical address bits implemented (ID_AA64MMFR0_EL1.PARange = 44 bits, as Cortex-A57).
pub const PA_BITS: u32 = 44;
const TLB_ENTRIES: usize = 256;
const INVALID_PAGE: u64 = 1;

/// The machine as the core sees it.
///
/// # Safety
/// A pointer returned by [`Bus::ram_page`] must stay valid for reads (and writes when `write` was
/// asked) of [`PAGE_SIZE`] bytes for as long as the bus lives: the core keeps it in its TLB.
pub unsafe trait Bus {
    /// Host pointer to the start of the guest-physical page at `page` (page aligned) when that page
    /// is RAM (or ROM, for reads), `None` otherwise.
    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>>;
    /// Read `size` bytes (1, 2, 4 or 8) of device memory at `pa`.
    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault>;
    /// Write `size` bytes (1, 2, 4 or 8) of device memory at `pa`.
    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault>;
    /// MRS of a register the machine implements (`Storage::Machine`: the GICv3 CPU interface)
    /// by vCPU `cpu`; `enc` as in [`super::sysreg::enc`].
    fn sysreg_read(&mut self, cpu: u32, enc: u32) -> u64 {
        let _ = (cpu, enc);
        0
    }
    /// MSR of a register the machine implements.
    fn sysreg_write(&mut self, cpu: u32, enc: u32, value: u64) {
        let _ = (cpu, enc, value);
    }
}

/// Nothing answers at this physical address: the access becomes a synchronous external abort.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no device at physical address {0:#x}")]
pub struct BusFault(pub u64);

#[derive(Clone, Copy)]
struct TlbEntry {
    /// Virtual page, or `INVALID_PAGE`.
    page: u64,
    /// Host address of the page.
    host: usize,
    /// Physical page (instruction fetch keys blocks by physical address).
    pa: u64,
}

const EMPTY: TlbEntry = TlbEntry {
    pa: 0,
    page: INVALID_PAGE,
    host: 0,
};

/// One direct-mapped table per access kind.
pub struct Tlb {
    read: Box<[TlbEntry; TLB_ENTRIES]>,
    write: Box<[TlbEntry; TLB_ENTRIES]>,
    exec: Box<[TlbEntry; TLB_ENTRIES]>,
}

impl Default for Tlb {
    fn default() -> Self {
        Tlb {
            read: Box::new([EMPTY; TLB_ENTRIES]),
            write: Box::new([EMPTY; TLB_ENTRIES]),
            exec: Box::new([EMPTY; TLB_ENTRIES]),
        }
    }
}

impl Tlb {
    /// Forget every translation (TLBI ALL, SCTLR/TTBR/TCR changes).
    pub fn flush(&mut self) {
        self.read.fill(EMPTY);
        self.write.fill(EMPTY);
        self.exec.fill(EMPTY);
    }

    /// Forget the write entries only (a page became code).
    pub fn flush_writes(&mut self) {
        self.write.fill(EMPTY);
    }
}

#[inline(always)]
fn slot(va: u64) -> usize {
    (va >> 12) as usize & (TLB_ENTRIES - 1)
}

/// What an access is for, as translation and fault reporting need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Data read.
    Read,
    /// Data write.
    Write,
    /// Instruction fetch.
    Exec,
}

impl Cpu {
    /// Translate a virtual address for `access` at the current EL.
    pub fn translate(&mut self, va: u64, access: Access) -> Result<u64, Trap> {
        // TODO(FEAT_MMU): stage-1 translation when SCTLR_ELx.M is set.
        if va >> PA_BITS != 0 {
            // Address size fault, level 0.
            return Err(Trap::abort(access, va, 0x00));
        }
        Ok(va)
    }

    /// Load `N` bytes (1, 2, 4, 8) little-endian from `va`, zero-extended.
    #[inline(always)]
    pub fn load<const N: usize>(&mut self, env: &mut Env, va: u64) -> Result<u64, Trap> {
        let e = self.tlb.read[slot(va)];
        let off = (va & PAGE_MASK) as usize;
        if e.page == va & !PAGE_MASK && off + N <= PAGE_SIZE as usize {
            let mut b = [0u8; 8];
            // SAFETY: the entry came from `Bus::ram_page`, valid for PAGE_SIZE bytes, and
            // off + N <= PAGE_SIZE.
            unsafe {
                std::ptr::copy_nonoverlapping((e.host + off) as *const u8, b.as_mut_ptr(), N)
            };
            Ok(u64::from_le_bytes(b))
        } else {
            self.load_slow(env, va, N)
        }
    }

    /// Store the low `N` bytes (1, 2, 4, 8) of `value` little-endian at `va`.
    #[inline(always)]
    pub fn store<const N: usize>(
        &mut self,
        env: &mut Env,
        va: u64,
        value: u64,
    ) -> Result<(), Trap> {
        let e = self.tlb.write[slot(va)];
        let off = (va & PAGE_MASK) as usize;
        if e.page == va & !PAGE_MASK && off + N <= PAGE_SIZE as usize {
            let b = value.to_le_bytes();
            // SAFETY: as in `load`; write entries come from `ram_page(_, true)`.
            unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), (e.host + off) as *mut u8, N) };
            Ok(())
        } else {
            self.store_slow(env, va, N, value)
        }
    }

    /// Load of a runtime size, for handlers whose size is an operand.
    #[inline]
    pub fn load_sized(&mut self, env: &mut Env, va: u64, size: u8) -> Result<u64, Trap> {
        match size {
            1 => self.load::<1>(env, va),
            2 => self.load::<2>(env, va),
            4 => self.load::<4>(env, va),
            _ => self.load::<8>(env, va),
        }
    }

    /// Store of a runtime size, for handlers whose size is an operand.
    #[inline]
    pub fn store_sized(
        &mut self,
        env: &mut Env,
        va: u64,
        size: u8,
        value: u64,
    ) -> Result<(), Trap> {
        match size {
            1 => self.store::<1>(env, va, value),
            2 => self.store::<2>(env, va, value),
            4 => self.store::<4>(env, va, value),
            _ => self.store::<8>(env, va, value),
        }
    }

    /// Alignment fault unless `va` is aligned to `size` bytes (exclusives, acquire/release).
    #[inline]
    pub fn check_aligned(&self, va: u64, size: u64, write: bool) -> Result<(), Trap> {
        if va & (size - 1) != 0 {
            let access = if write { Access::Write } else { Access::Read };
            Err(Trap::abort(access, va, 0x21))
        } else {
            Ok(())
        }
    }

    #[cold]
    fn load_slow(&mut self, env: &mut Env, va: u64, size: usize) -> Result<u64, Trap> {
        if (va & PAGE_MASK) as usize + size > PAGE_SIZE as usize {
            // Crosses a page: byte by byte, each with its own translation.
            let mut v = 0u64;
            for i in 0..size {
                v |= self.load::<1>(env, va.wrapping_add(i as u64))? << (8 * i);
            }
            return Ok(v);
        }
        let pa = self.translate(va, Access::Read)?;
        if let Some(host) = env.bus.ram_page(pa & !PAGE_MASK, false) {
            let e = TlbEntry {
                page: va & !PAGE_MASK,
                host: host.as_ptr() as usize,
                pa: pa & !PAGE_MASK,
            };
            self.tlb.read[slot(va)] = e;
            return self.load_from(e, va, size);
        }
        env.bus
            .mmio_read(pa, size as u8)
            .map_err(|_| Trap::abort(Access::Read, va, 0x10))
    }

    fn load_from(&self, e: TlbEntry, va: u64, size: usize) -> Result<u64, Trap> {
        let mut b = [0u8; 8];
        let off = (va & PAGE_MASK) as usize;
        // SAFETY: the page is valid for PAGE_SIZE bytes and off + size <= PAGE_SIZE (checked by
        // the caller).
        unsafe { std::ptr::copy_nonoverlapping((e.host + off) as *const u8, b.as_mut_ptr(), size) };
        Ok(u64::from_le_bytes(b))
    }

    #[cold]
    fn store_slow(&mut self, env: &mut Env, va: u64, size: usize, value: u64) -> Result<(), Trap> {
        if (va & PAGE_MASK) as usize + size > PAGE_SIZE as usize {
            // Check every byte's translation first so that a fault leaves memory unchanged.
            for i in 0..size {
                self.translate(va.wrapping_add(i as u64), Access::Write)?;
            }
            for i in 0..size {
                self.store::<1>(env, va.wrapping_add(i as u64), value >> (8 * i))?;
            }
            return Ok(());
        }
        let pa = self.translate(va, Access::Write)?;
        let page = pa & !PAGE_MASK;
        if env.code.contains(page) {
            env.code.invalidate(page);
            self.code_written = true;
        }
        if let Some(host) = env.bus.ram_page(page, true) {
            let e = TlbEntry {
                page: va & !PAGE_MASK,
                host: host.as_ptr() as usize,
                pa: page,
            };
            self.tlb.write[slot(va)] = e;
            let b = value.to_le_bytes();
            let off = (va & PAGE_MASK) as usize;
            // SAFETY: as in `load_from`, for a page handed out writable.
            unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), (e.host + off) as *mut u8, size) };
            return Ok(());
        }
        env.bus
            .mmio_write(pa, size as u8, value)
            .map_err(|_| Trap::abort(Access::Write, va, 0x10))
    }

    /// Physical address of the instruction at `va` and a host pointer to its RAM page.
    #[inline]
    pub fn fetch_page(&mut self, bus: &mut dyn Bus, va: u64) -> Result<(u64, NonNull<u8>), Trap> {
        let e = self.tlb.exec[slot(va)];
        if e.page == va & !PAGE_MASK {
            if let Some(host) = NonNull::new(e.host as *mut u8) {
                return Ok((e.pa | (va & PAGE_MASK), host));
            }
        }
        self.fetch_page_slow(bus, va)
    }

    #[cold]
    fn fetch_page_slow(&mut self, bus: &mut dyn Bus, va: u64) -> Result<(u64, NonNull<u8>), Trap> {
        let pa = self.translate(va, Access::Exec)?;
        match bus.ram_page(pa & !PAGE_MASK, false) {
            Some(host) => {
                self.tlb.exec[slot(va)] = TlbEntry {
                    page: va & !PAGE_MASK,
                    host: host.as_ptr() as usize,
                    pa: pa & !PAGE_MASK,
                };
                Ok((pa, host))
            }
            None => Err(Trap::abort(Access::Exec, va, 0x10)),
        }
    }
}
