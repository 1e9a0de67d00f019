//! Guest memory access: the bus interface to the machine, the software TLB and the load/store
//! helpers every memory instruction uses (DDI 0487 D8.13 for the TLB maintenance model, B2.5 and
//! D8.5 for alignment and the Device memory type).
//!
//! The TLB keeps one set per translation regime and privilege ([`super::mmu::IDX_EL0`],
//! [`IDX_EL1`](super::mmu::IDX_EL1), [`IDX_EL2`](super::mmu::IDX_EL2)); the set of the current one
//! is live and the others are parked, so an exception level change swaps two boxes and flushes
//! nothing. Each set holds one table per access kind, filled only with pages that the regime
//! permits for that kind of access: the read and write tables are 2-way set-associative (two
//! data streams a multiple of 512 KiB apart, as a multiprecision loop's source and destination
//! can be, would evict each other at every access in a direct-mapped table), the instruction
//! table is direct-mapped.
//!
//! A data access hits when the tag equals the address with its low bits below the access size
//! kept (`va & !(PAGE_MASK ^ (N - 1))`): aligned accesses compare equal to the page, unaligned
//! ones never do and take the slow path, which performs them directly when the entry says Normal
//! memory, and otherwise checks SCTLR.A and the memory type (alignment faults) before
//! translating. A hit is one compare and a host load/store. A miss translates the address
//! ([`super::mmu`]), asks the bus for the RAM page behind the physical address and refills;
//! anything that is not RAM goes to the bus as MMIO. Pages that hold decoded code never get a
//! write entry, so that every store to them reaches [`CodePages`](super::block::CodePages) and
//! invalidates the stale blocks.

use std::num::NonZeroU64;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use super::block::Env;
use super::exception::Trap;
use super::mmu::{fsc, IDX_EL0, IDX_EL1, IDX_EL2};
use super::state::Cpu;
use super::trace::{kind, DeviceReg, Event};

/// Size of a guest page as the TLB and the block cache see it.
pub const PAGE_SIZE: u64 = 4096;
/// Mask of the offset within a page.
pub const PAGE_MASK: u64 = PAGE_SIZE - 1;
/// Physical address bits implemented (ID_AA64MMFR0_EL1.PARange = 44 bits, as Cortex-A57).
pub const PA_BITS: u32 = 44;
const TLB_ENTRIES: usize = 256;
/// Sets of the data (read, write) tables: as many as the instruction table has entries (with
/// 128 sets of 2 ways, pages 512 KiB apart would share a set with the stack or the code's data
/// and the 1 MiB-apart loop of `bench_mpi_far` ran 25% slower than with 256).
const DATA_SETS: usize = TLB_ENTRIES;
/// Ways of each set of the data tables; the instruction table is direct-mapped.
const DATA_WAYS: usize = 2;
/// Tag of an empty entry: bits 11:3 set, so it never equals an access key (see [`Cpu::load`]).
const INVALID_PAGE: u64 = u64::MAX;
/// VA bits a TLBI by address compares (55:12; the top byte is a tag under TBI).
const TLBI_VA_MASK: u64 = 0x00ff_ffff_ffff_f000;

/// The identity of one [`Bus`]: what the host pointers a vCPU caches (its TLB) and the blocks a
/// [`BlockCache`](super::block::BlockCache) decodes were taken from. Every call of
/// [`BusId::fresh`] returns a value no other call in the process returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusId(NonZeroU64);

impl BusId {
    /// A new identity, never handed out before: take one when a bus is created.
    pub fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        BusId(NonZeroU64::new(n).expect("bus identities exhausted"))
    }
}

/// The machine as the core sees it.
///
/// # Safety
/// A pointer returned by [`Bus::ram_page`] must stay valid for reads (and writes when `write` was
/// asked) of [`PAGE_SIZE`] bytes for as long as the bus lives: the core keeps it in its TLB.
///
/// [`Bus::id`] must return the same [`BusId`] for the whole life of the bus, taken from
/// [`BusId::fresh`] for this bus alone (a clone of a bus takes a fresh one): a vCPU keeps the
/// pointers it got from a bus only while it is run against a bus of the same identity, and
/// forgets them all when it sees another. Whatever can free or move the memory behind the
/// pointers (the bus's RAM, its flash banks) must be reachable only through the bus, or change
/// its identity: replacing the memory under the same identity would leave the pointers dangling.
pub unsafe trait Bus {
    /// This bus's identity (see the safety contract).
    fn id(&self) -> BusId;
    /// Host pointer to the start of the guest-physical page at `page` (page aligned) when that page
    /// is RAM (or ROM, for reads), `None` otherwise.
    fn ram_page(&mut self, page: u64, write: bool) -> Option<NonNull<u8>>;
    /// Read `size` bytes (1, 2, 4 or 8) of device memory at `pa`.
    fn mmio_read(&mut self, pa: u64, size: u8) -> Result<u64, BusFault>;
    /// Write `size` bytes (1, 2, 4 or 8) of device memory at `pa`.
    fn mmio_write(&mut self, pa: u64, size: u8, value: u64) -> Result<(), BusFault>;
    /// Whether the pages [`Bus::ram_page`] hands out changed since the last call (a flash bank
    /// left or entered read-array mode): the core then forgets every translation it holds.
    /// Asked after each MMIO write.
    fn take_remapped(&mut self) -> bool {
        false
    }
    /// Guest-physical ranges `start..end` a device wrote by DMA since the last call (asked after
    /// each MMIO write): decoded code there is dropped.
    fn take_dma_written(&mut self) -> Vec<(u64, u64)> {
        Vec::new()
    }
    /// The device (and register) at physical address `pa`, for traces; asked only while
    /// device accesses are traced.
    fn describe(&self, pa: u64) -> Option<DeviceReg> {
        let _ = pa;
        None
    }
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
    /// Virtual page (with its top byte), or `INVALID_PAGE`.
    page: u64,
    /// Host address of the page (null in an empty entry).
    host: *mut u8,
    /// Physical page (instruction fetch keys blocks by physical address).
    pa: u64,
}

const EMPTY: TlbEntry = TlbEntry {
    pa: 0,
    page: INVALID_PAGE,
    host: std::ptr::null_mut(),
};

type Table = Box<[TlbEntry; TLB_ENTRIES]>;

/// A data (read or write) TLB entry: 16 bytes, so that a set of two is one 32-byte slot.
#[derive(Clone, Copy)]
struct DataEntry {
    /// Virtual page (with its top byte), or `INVALID_PAGE`.
    page: u64,
    /// The host address of the page minus the page's virtual address (`host.wrapping_sub(page)`),
    /// so that a virtual address `va` in the page is at `addend.wrapping_add(va)` (one add per
    /// access, no offset mask); null in an empty entry.
    addend: *mut u8,
}

const EMPTY_DATA: DataEntry = DataEntry {
    page: INVALID_PAGE,
    addend: std::ptr::null_mut(),
};

impl DataEntry {
    /// The entry mapping virtual page `page` to the host page `host`.
    fn new(page: u64, host: *mut u8) -> Self {
        DataEntry {
            page,
            addend: host.wrapping_sub(page as usize),
        }
    }

    /// The host address of `va`, a virtual address in the entry's page.
    #[inline(always)]
    fn at(&self, va: u64) -> *mut u8 {
        self.addend.wrapping_add(va as usize)
    }
}

/// The ways of a set of a data table, most recently filled first.
type Ways = [DataEntry; DATA_WAYS];

const EMPTY_WAYS: Ways = [EMPTY_DATA; DATA_WAYS];

/// A data table: [`DATA_SETS`] sets of [`DATA_WAYS`] ways, so that two streams whose pages
/// share a set both stay mapped.
type DataTable = Box<[Ways; DATA_SETS]>;

/// Which ways of each set of a data table map Device memory (bit `w`: way `w`), where an
/// unaligned access takes an alignment fault (aligned accesses hit the entry as usual). Apart
/// from the table, so that a set stays 32 bytes; only the slow path reads it.
type StrictBits = Box<[u8; DATA_SETS]>;

/// The entry of `ways` whose tag is `key`. Way 0 is tested and taken on its own (no way index
/// to scale), so that a hit there is a compare, a branch and the entry's own fields; way 1 is the
/// second test.
#[inline(always)]
fn find(ways: &Ways, key: u64) -> Option<&DataEntry> {
    if ways[0].page == key {
        Some(&ways[0])
    } else if ways[1].page == key {
        Some(&ways[1])
    } else {
        None
    }
}

/// The way of `ways` whose tag is `key`.
#[inline(always)]
fn find_way(ways: &Ways, key: u64) -> Option<usize> {
    if ways[0].page == key {
        Some(0)
    } else if ways[1].page == key {
        Some(1)
    } else {
        None
    }
}

/// Fill `e` (Device memory when `strict`) into `ways` (whose Device bits are `bits`) as the
/// most recent entry; the older one is evicted, unless `e` replaces the entry of its own page.
#[inline]
fn fill(ways: &mut Ways, bits: &mut u8, e: DataEntry, strict: bool) {
    if ways[0].page != e.page {
        ways[1] = ways[0];
        *bits <<= 1;
    }
    ways[0] = e;
    *bits = (*bits & 2) | strict as u8;
}

/// The tables of one translation regime and privilege.
struct TlbSet {
    read: DataTable,
    write: DataTable,
    read_strict: StrictBits,
    write_strict: StrictBits,
    exec: Table,
    /// OR of (size - 1) of every mapping larger than a page that an entry came from since the
    /// last flush: a TLBI by address then drops every entry within such a region around it.
    big: u64,
    /// Where those mappings are, so that a TLBI elsewhere drops only its own page's entries.
    block_regions: BlockRegions,
}

/// How many regions a [`BlockRegions`] holds before it coarsens.
const BLOCK_REGIONS: usize = 16;

/// The VA regions (bits 55:12 as a TLBI compares them) holding mappings larger than a page: 2 MiB
/// regions for mappings up to 2 MiB (contiguous runs, level 2 blocks of the 4 KiB granule), 1 GiB
/// regions for larger ones up to 1 GiB; blocks are aligned to their size, so each lies within
/// its region. When more regions are seen than fit, all are coarsened to 1 GiB; past that, or
/// for a mapping above 1 GiB, every address counts as covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BlockRegions {
    /// (shift, VA >> shift) of each region.
    keys: [(u8, u64); BLOCK_REGIONS],
    len: usize,
    all: bool,
}

impl BlockRegions {
    const EMPTY: BlockRegions = BlockRegions {
        keys: [(0, 0); BLOCK_REGIONS],
        len: 0,
        all: false,
    };

    /// Whether `va` may lie in a mapping larger than a page.
    #[inline]
    fn covers(&self, va: u64) -> bool {
        let va = va & TLBI_VA_MASK;
        self.all || self.keys[..self.len].iter().any(|&(s, k)| va >> s == k)
    }

    /// Note a mapping of 2^`span` bytes around `va`.
    fn note(&mut self, va: u64, span: u8) {
        let va = va & TLBI_VA_MASK;
        let shift = match span {
            ..=21 => 21,
            22..=30 => 30,
            _ => {
                self.all = true;
                return;
            }
        };
        let known = |r: &BlockRegions| {
            r.keys[..r.len]
                .iter()
                .any(|&(s, k)| s >= shift && va >> s == k)
        };
        if self.all || known(self) {
            return;
        }
        if self.len == BLOCK_REGIONS {
            // Coarsen everything to 1 GiB regions, dropping duplicates.
            let mut coarse = BlockRegions::EMPTY;
            for &(s, k) in &self.keys {
                let key = (30, k >> (30 - s));
                if !coarse.keys[..coarse.len].contains(&key) {
                    coarse.keys[coarse.len] = key;
                    coarse.len += 1;
                }
            }
            *self = coarse;
            if known(self) {
                return;
            }
            if self.len == BLOCK_REGIONS {
                self.all = true;
                return;
            }
        }
        self.keys[self.len] = (shift, va >> shift);
        self.len += 1;
    }
}

/// Drop the entries of `entries` whose page equals `va` under `mask`; whether there were any.
#[inline(always)]
fn drop_matching(entries: &mut [TlbEntry], va: u64, mask: u64) -> bool {
    let mut dropped = false;
    for e in entries {
        if (e.page ^ va) & mask == 0 {
            *e = EMPTY;
            dropped = true;
        }
    }
    dropped
}

/// [`drop_matching`] for the sets of a data table and their Device bits.
#[inline(always)]
fn drop_data(sets: &mut [Ways], strict: &mut [u8], va: u64, mask: u64) {
    for (ways, bits) in sets.iter_mut().zip(strict) {
        for (w, e) in ways.iter_mut().enumerate() {
            if (e.page ^ va) & mask == 0 {
                *e = EMPTY_DATA;
                *bits &= !(1 << w);
            }
        }
    }
}

/// A boxed array of `N` copies of `v`, built in place (a `Box::new` of an array literal builds
/// it on the stack and copies it: 30 KB per set, four sets per vCPU, at every start).
fn on_heap<T: Clone, const N: usize>(v: T) -> Box<[T; N]> {
    match vec![v; N].into_boxed_slice().try_into() {
        Ok(b) => b,
        Err(_) => unreachable!("a vec of N elements"),
    }
}

impl TlbSet {
    fn new() -> Self {
        TlbSet {
            read: on_heap(EMPTY_WAYS),
            write: on_heap(EMPTY_WAYS),
            read_strict: on_heap(0),
            write_strict: on_heap(0),
            exec: on_heap(EMPTY),
            big: 0,
            block_regions: BlockRegions::EMPTY,
        }
    }

    fn flush(&mut self) {
        self.read.fill(EMPTY_WAYS);
        self.write.fill(EMPTY_WAYS);
        self.read_strict.fill(0);
        self.write_strict.fill(0);
        self.exec.fill(EMPTY);
        self.big = 0;
        self.block_regions = BlockRegions::EMPTY;
    }

    /// Drop the entries that translate `va` (bits 55:12 compared, every ASID); whether an
    /// instruction-fetch entry was among them.
    fn flush_va(&mut self, va: u64) -> bool {
        let va = va & TLBI_VA_MASK;
        let in_big = self.big != 0 && self.block_regions.covers(va);
        if in_big {
            // Entries of a block mapping around `va` may sit in any set.
            let mask = TLBI_VA_MASK & !self.big;
            drop_data(&mut self.read[..], &mut self.read_strict[..], va, mask);
            drop_data(&mut self.write[..], &mut self.write_strict[..], va, mask);
            drop_matching(&mut self.exec[..], va, mask)
        } else {
            let i = set(va);
            let (r, rs) = (&mut self.read[i..=i], &mut self.read_strict[i..=i]);
            drop_data(r, rs, va, TLBI_VA_MASK);
            let (w, ws) = (&mut self.write[i..=i], &mut self.write_strict[i..=i]);
            drop_data(w, ws, va, TLBI_VA_MASK);
            drop_matching(
                std::slice::from_mut(&mut self.exec[slot(va)]),
                va,
                TLBI_VA_MASK,
            )
        }
    }

    /// Remember the size of the mapping an entry for `va` came from.
    #[inline]
    fn note_span(&mut self, span: u8, va: u64) {
        if span as u32 > PAGE_SIZE.trailing_zeros() {
            self.big |= (1u64 << span) - 1;
            self.block_regions.note(va, span);
        }
    }
}

/// Translation regimes as a set of TLB indexes: the EL1&0 regime (EL0 and EL1 sets).
pub const REGIME_EL10: u8 = 1 << IDX_EL0 | 1 << IDX_EL1;
/// The EL2 regime.
pub const REGIME_EL2: u8 = 1 << IDX_EL2;

/// The software TLB: one [`TlbSet`] per translation regime and privilege, the current one live.
pub struct Tlb {
    live: TlbSet,
    idx: usize,
    /// The sets not in use; `parked[idx]` is a spare.
    parked: [TlbSet; 3],
    /// The bus every host pointer in the sets came from (`None`: the sets are empty). Kept
    /// with the sets, so that moving a TLB between vCPUs moves its owner along.
    bus: Option<BusId>,
    /// The generation of instruction-fetch translations (bumped whenever one may have been
    /// dropped) shifted left by two, with `idx` in the low two bits: what the executor's
    /// VA-keyed jump cache is valid for ([`Tlb::exec_tag`]), kept whole so that the executor
    /// reads it with one load per block.
    exec_tag: u64,
}

impl Default for Tlb {
    fn default() -> Self {
        Tlb {
            live: TlbSet::new(),
            idx: IDX_EL1,
            parked: [TlbSet::new(), TlbSet::new(), TlbSet::new()],
            bus: None,
            exec_tag: IDX_EL1 as u64,
        }
    }
}

impl Tlb {
    /// Make the TLB the one of `bus`: when its entries came from another bus, forget them all.
    /// Called before any access through the TLB (on entry to [`Cpu::run`]), so that a hit
    /// only ever uses a pointer of the bus the access goes to.
    #[inline]
    pub fn bind(&mut self, bus: BusId) {
        if self.bus != Some(bus) {
            self.flush();
            self.bus = Some(bus);
        }
    }

    /// The regime and privilege whose set is live ([`IDX_EL0`], [`IDX_EL1`], [`IDX_EL2`]): the
    /// translation every access uses.
    #[inline]
    pub fn idx(&self) -> usize {
        self.idx
    }

    /// Make the set of `idx` live (an exception level change, or an unprivileged access at
    /// EL1): two swaps, nothing flushed.
    #[inline]
    pub fn switch(&mut self, idx: usize) {
        if idx != self.idx {
            std::mem::swap(&mut self.live, &mut self.parked[self.idx]);
            std::mem::swap(&mut self.live, &mut self.parked[idx]);
            self.idx = idx;
            self.exec_tag = self.exec_tag & !3 | idx as u64;
        }
    }

    fn set(&mut self, idx: usize) -> &mut TlbSet {
        if idx == self.idx {
            &mut self.live
        } else {
            &mut self.parked[idx]
        }
    }

    /// Forget every translation of every regime.
    pub fn flush(&mut self) {
        self.flush_regimes(REGIME_EL10 | REGIME_EL2);
    }

    /// Forget every translation of the regimes in `mask` (TLBI VMALLE1, ALLE2, a change of
    /// SCTLR/TCR/TTBR/MAIR).
    pub fn flush_regimes(&mut self, mask: u8) {
        self.exec_tag += 4;
        for idx in 0..3 {
            if mask & (1 << idx) != 0 {
                self.set(idx).flush();
            }
        }
    }

    /// Forget the translations of `va` in the regimes in `mask`, for every ASID (TLBI VAE1…).
    pub fn flush_va(&mut self, mask: u8, va: u64) {
        for idx in 0..3 {
            if mask & (1 << idx) != 0 && self.set(idx).flush_va(va) {
                self.exec_tag += 4;
            }
        }
    }

    /// A number that changes whenever a translation for instruction fetch may have been dropped
    /// (a flush, a TLBI that hit an instruction entry, another bus): a VA -> block mapping
    /// cached under one generation and set index ([`Tlb::idx`]) holds while both stay the same.
    #[inline(always)]
    pub fn exec_generation(&self) -> u64 {
        self.exec_tag >> 2
    }

    /// [`Tlb::exec_generation`] and [`Tlb::idx`] in one word (the generation shifted left by
    /// two, the index in the low bits): a VA -> block mapping cached under one tag holds while
    /// the tag stays the same.
    #[inline(always)]
    pub fn exec_tag(&self) -> u64 {
        self.exec_tag
    }

    /// Forget the write entries only (a page became code).
    pub fn flush_writes(&mut self) {
        self.live.write.fill(EMPTY_WAYS);
        self.live.write_strict.fill(0);
        for s in self.parked.iter_mut() {
            s.write.fill(EMPTY_WAYS);
            s.write_strict.fill(0);
        }
    }
}

#[inline(always)]
fn slot(va: u64) -> usize {
    (va >> 12) as usize & (TLB_ENTRIES - 1)
}

/// The set of a data table that holds `va`.
#[inline(always)]
fn set(va: u64) -> usize {
    (va >> 12) as usize & (DATA_SETS - 1)
}

/// The tag an `N`-byte access at `va` hits: the page when aligned, never a page otherwise.
#[inline(always)]
const fn key(va: u64, n: usize) -> u64 {
    va & !(PAGE_MASK ^ (n as u64 - 1))
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

/// Read `size` (<= 8) bytes little-endian at `p`.
///
/// # Safety
/// `p` is within a RAM page of PAGE_SIZE bytes (Bus contract) with `size` bytes to its end.
#[inline(always)]
unsafe fn read_at(p: *const u8, size: usize) -> u64 {
    let mut b = [0u8; 8];
    // SAFETY: the caller's contract.
    unsafe { std::ptr::copy_nonoverlapping(p, b.as_mut_ptr(), size) };
    u64::from_le_bytes(b)
}

/// Write the low `size` (<= 8) bytes of `value` little-endian at `p`.
///
/// # Safety
/// As [`read_at`], for a page handed out writable.
#[inline(always)]
unsafe fn write_at(p: *mut u8, size: usize, value: u64) {
    let b = value.to_le_bytes();
    // SAFETY: the caller's contract.
    unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), p, size) };
}

/// Read `size` (<= 8) bytes little-endian at `host + off`.
///
/// # Safety
/// `host` is a RAM page of PAGE_SIZE bytes (Bus contract) and `off + size <= PAGE_SIZE`.
#[inline(always)]
unsafe fn host_read(host: *const u8, off: usize, size: usize) -> u64 {
    debug_assert!(size <= 8 && off + size <= PAGE_SIZE as usize);
    // SAFETY: the caller's contract.
    unsafe { read_at(host.add(off), size) }
}

/// Write the low `size` (<= 8) bytes of `value` little-endian at `host + off`.
///
/// # Safety
/// As [`host_read`], for a page handed out writable.
#[inline(always)]
unsafe fn host_write(host: *mut u8, off: usize, size: usize, value: u64) {
    debug_assert!(size <= 8 && off + size <= PAGE_SIZE as usize);
    // SAFETY: the caller's contract.
    unsafe { write_at(host.add(off), size, value) }
}

/// The low `size` bytes of a value.
fn size_mask(size: usize) -> u64 {
    if size >= 8 {
        u64::MAX
    } else {
        (1 << (8 * size)) - 1
    }
}

impl Cpu {
    /// Load `N` bytes (1, 2, 4, 8) little-endian from `va`, zero-extended.
    ///
    /// Any other `N` is refused when the load is instantiated:
    ///
    /// ```compile_fail,E0080
    /// use bootemu_cpu::aarch64::{Cpu, Env};
    /// let load: fn(&mut Cpu, &mut Env, u64) -> _ = Cpu::load::<16>;
    /// ```
    ///
    /// (The same with `load::<8>` compiles.)
    ///
    /// ```
    /// use bootemu_cpu::aarch64::{Cpu, Env};
    /// let load: fn(&mut Cpu, &mut Env, u64) -> _ = Cpu::load::<8>;
    /// ```
    #[inline(always)]
    pub fn load<const N: usize>(&mut self, env: &mut Env, va: u64) -> Result<u64, Trap> {
        const { assert!(N == 1 || N == 2 || N == 4 || N == 8, "access size") };
        if let Some(e) = find(&self.tlb.live.read[set(va)], key(va, N)) {
            // SAFETY: the entry came from `Bus::ram_page`, valid for PAGE_SIZE bytes, and an
            // aligned N-byte access lies within its page.
            Ok(unsafe { read_at(e.at(va), N) })
        } else {
            self.load_slow(env, va, N)
        }
    }

    /// [`Cpu::load`] when the data TLB holds `va`'s page for an aligned `N`-byte access, `None`
    /// otherwise (then [`Cpu::load`] decides: walk, device, fault). For handlers whose hot path
    /// must not carry the slow path's frame.
    #[inline(always)]
    pub(crate) fn load_hit<const N: usize>(&self, va: u64) -> Option<u64> {
        const { assert!(N == 1 || N == 2 || N == 4 || N == 8, "access size") };
        let e = find(&self.tlb.live.read[set(va)], key(va, N))?;
        // SAFETY: as in `load`.
        Some(unsafe { read_at(e.at(va), N) })
    }

    /// Two consecutive `N`-byte elements at `va` (LDP) when the data TLB holds their pages for
    /// aligned accesses, `None` otherwise. When the second element lies in the first one's page
    /// (it cannot straddle: `va + N` is aligned too), the first one's entry serves both.
    #[inline(always)]
    pub(crate) fn load_pair_hit<const N: usize>(&self, va: u64) -> Option<(u64, u64)> {
        const { assert!(N == 1 || N == 2 || N == 4 || N == 8, "access size") };
        let e = find(&self.tlb.live.read[set(va)], key(va, N))?;
        let second = va.wrapping_add(N as u64);
        // SAFETY: as in `load`.
        let lo = unsafe { read_at(e.at(va), N) };
        if second & PAGE_MASK != 0 {
            // SAFETY: as in `load`, `second` being an aligned address in the same page.
            Some((lo, unsafe { read_at(e.at(second), N) }))
        } else {
            Some((lo, self.load_hit::<N>(second)?))
        }
    }

    /// Two consecutive `N`-byte elements stored at `va` (STP), as [`Cpu::load_pair_hit`]:
    /// `true` when both were stored; when only the first was (the second page missed), the
    /// caller's slow path stores both again.
    #[inline(always)]
    pub(crate) fn store_pair_hit<const N: usize>(&mut self, va: u64, lo: u64, hi: u64) -> bool {
        const { assert!(N == 1 || N == 2 || N == 4 || N == 8, "access size") };
        let Some(e) = find(&self.tlb.live.write[set(va)], key(va, N)) else {
            return false;
        };
        let second = va.wrapping_add(N as u64);
        // SAFETY: as in `store`.
        unsafe { write_at(e.at(va), N, lo) };
        if second & PAGE_MASK != 0 {
            // SAFETY: as in `store`, `second` being an aligned address in the same page.
            unsafe { write_at(e.at(second), N, hi) };
            true
        } else {
            self.store_hit::<N>(second, hi)
        }
    }

    /// [`Cpu::store`] when the write TLB holds `va`'s page for an aligned `N`-byte access
    /// (`true`: stored), nothing otherwise.
    #[inline(always)]
    pub(crate) fn store_hit<const N: usize>(&mut self, va: u64, value: u64) -> bool {
        const { assert!(N == 1 || N == 2 || N == 4 || N == 8, "access size") };
        match find(&self.tlb.live.write[set(va)], key(va, N)) {
            Some(e) => {
                // SAFETY: as in `store`.
                unsafe { write_at(e.at(va), N, value) };
                true
            }
            None => false,
        }
    }

    /// Store the low `N` bytes (1, 2, 4, 8) of `value` little-endian at `va`.
    ///
    /// Any other `N` is refused when the store is instantiated:
    ///
    /// ```compile_fail,E0080
    /// use bootemu_cpu::aarch64::{Cpu, Env};
    /// let store: fn(&mut Cpu, &mut Env, u64, u64) -> _ = Cpu::store::<16>;
    /// ```
    ///
    /// ```
    /// use bootemu_cpu::aarch64::{Cpu, Env};
    /// let store: fn(&mut Cpu, &mut Env, u64, u64) -> _ = Cpu::store::<8>;
    /// ```
    #[inline(always)]
    pub fn store<const N: usize>(
        &mut self,
        env: &mut Env,
        va: u64,
        value: u64,
    ) -> Result<(), Trap> {
        const { assert!(N == 1 || N == 2 || N == 4 || N == 8, "access size") };
        if let Some(e) = find(&self.tlb.live.write[set(va)], key(va, N)) {
            // SAFETY: as in `load`; write entries come from `ram_page(_, true)`.
            unsafe { write_at(e.at(va), N, value) };
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
            Err(Trap::abort(access, va, fsc::ALIGNMENT))
        } else {
            Ok(())
        }
    }

    /// The checks of an unaligned access of `size` bytes at `va` that come before using the
    /// TLB: SCTLR.A (highest priority), and for an access crossing a page both translations
    /// (faults, Device memory). Returns whether the access crosses a page.
    fn unaligned_checks(
        &mut self,
        env: &mut Env,
        va: u64,
        size: usize,
        access: Access,
    ) -> Result<bool, Trap> {
        let idx = self.tlb.idx;
        if self.strict_alignment(idx) {
            return Err(Trap::abort(access, va, fsc::ALIGNMENT));
        }
        if (va & PAGE_MASK) as usize + size <= PAGE_SIZE as usize {
            return Ok(false);
        }
        self.translate(env.bus, va, access, idx, true)?;
        let next = (va | PAGE_MASK).wrapping_add(1);
        self.translate(env.bus, next, access, idx, true)?;
        Ok(true)
    }

    /// The trace kinds recorded by this vCPU (0 when it is not traced).
    #[inline]
    fn traced(&self) -> u32 {
        self.trace.as_ref().map_or(0, |t| t.kinds)
    }

    /// Set the trace kinds recorded (when traced).
    fn set_traced(&mut self, kinds: u32) {
        if let Some(t) = self.trace.as_mut() {
            t.kinds = kinds;
        }
    }

    /// While the bytes of a page-crossing access run: memory accesses still bypass the TLB but
    /// are not recorded (the whole access is, once).
    fn quiet_mem(&mut self, kinds: u32) {
        if kinds & kind::MEM != 0 {
            self.set_traced(kinds & !kind::MEM | kind::MEM_QUIET);
        }
    }

    /// Record a data access to memory (`pa` when translated as one piece).
    #[cold]
    fn trace_mem(&mut self, va: u64, pa: Option<u64>, size: usize, value: u64, write: bool) {
        if let Some(t) = self.trace.as_mut() {
            t.event(Event::Mem {
                va,
                pa,
                size: size as u8,
                value,
                write,
            });
        }
    }

    /// Record a device access.
    #[cold]
    fn trace_mmio(&mut self, bus: &dyn Bus, pa: u64, size: usize, value: u64, write: bool) {
        if let Some(t) = self.trace.as_mut() {
            t.event(Event::Mmio {
                pa,
                size: size as u8,
                value,
                write,
                dev: bus.describe(pa),
            });
        }
    }

    #[cold]
    fn load_slow(&mut self, env: &mut Env, va: u64, size: usize) -> Result<u64, Trap> {
        let off = (va & PAGE_MASK) as usize;
        let unaligned = va & (size as u64 - 1) != 0;
        let traced = self.traced();
        if unaligned {
            if self.unaligned_checks(env, va, size, Access::Read)? {
                // Traced as one access: the byte loads are not recorded.
                self.quiet_mem(traced);
                let mut v = Ok(0u64);
                for i in 0..size {
                    match self.load::<1>(env, va.wrapping_add(i as u64)) {
                        Ok(b) => v = v.map(|v| v | b << (8 * i)),
                        Err(t) => {
                            v = Err(t);
                            break;
                        }
                    }
                }
                self.set_traced(traced);
                if let Ok(v) = v {
                    if traced & kind::MEM != 0 {
                        self.trace_mem(va, None, size, v, false);
                    }
                }
                return v;
            }
            let (ways, bits) = (
                &self.tlb.live.read[set(va)],
                self.tlb.live.read_strict[set(va)],
            );
            if let Some(w) = find_way(ways, va & !PAGE_MASK) {
                if bits & (1 << w) == 0 {
                    // SAFETY: a RAM page entry and off + size <= PAGE_SIZE (no page crossing).
                    return Ok(unsafe { read_at(ways[w].at(va), size) });
                }
            }
        }
        let idx = self.tlb.idx;
        let w = self.translate(env.bus, va, Access::Read, idx, unaligned)?;
        let page = w.pa & !PAGE_MASK;
        let watched = self.debug_access(va, size, false)?;
        if let Some(host) = env.bus.ram_page(page, false) {
            let host = host.as_ptr();
            // SAFETY: `host` is a RAM page and off + size <= PAGE_SIZE.
            let v = unsafe { host_read(host, off, size) };
            if traced & (kind::MEM | kind::MEM_QUIET) != 0 {
                // Not cached: every traced access comes back here.
                self.trace_mem(va, Some(w.pa), size, v, false);
                return Ok(v);
            }
            let e = DataEntry::new(va & !PAGE_MASK, host);
            if !watched {
                let live = &mut self.tlb.live;
                fill(
                    &mut live.read[set(va)],
                    &mut live.read_strict[set(va)],
                    e,
                    w.device(),
                );
            }
            self.tlb.live.note_span(w.span, va);
            return Ok(v);
        }
        let v = env
            .bus
            .mmio_read(w.pa, size as u8)
            .inspect(|_| self.stats.activity.device_accesses += 1)
            .map_err(|_| Trap::abort(Access::Read, va, fsc::EXTERNAL))?;
        if traced & kind::MMIO != 0 {
            self.trace_mmio(env.bus, w.pa, size, v, false);
        }
        Ok(v)
    }

    #[cold]
    fn store_slow(&mut self, env: &mut Env, va: u64, size: usize, value: u64) -> Result<(), Trap> {
        let off = (va & PAGE_MASK) as usize;
        let unaligned = va & (size as u64 - 1) != 0;
        let traced = self.traced();
        if unaligned {
            if self.unaligned_checks(env, va, size, Access::Write)? {
                // Both pages are writable: the bytes cannot fault halfway. Traced as one
                // access: the byte stores are not recorded.
                self.quiet_mem(traced);
                let mut r = Ok(());
                for i in 0..size {
                    r = self.store::<1>(env, va.wrapping_add(i as u64), value >> (8 * i));
                    if r.is_err() {
                        break;
                    }
                }
                self.set_traced(traced);
                if r.is_ok() && traced & kind::MEM != 0 {
                    self.trace_mem(va, None, size, value & size_mask(size), true);
                }
                return r;
            }
            let (ways, bits) = (
                &self.tlb.live.write[set(va)],
                self.tlb.live.write_strict[set(va)],
            );
            if let Some(w) = find_way(ways, va & !PAGE_MASK) {
                if bits & (1 << w) == 0 {
                    // SAFETY: a writable RAM page entry, off + size <= PAGE_SIZE.
                    unsafe { write_at(ways[w].at(va), size, value) };
                    return Ok(());
                }
            }
        }
        let idx = self.tlb.idx;
        let w = self.translate(env.bus, va, Access::Write, idx, unaligned)?;
        let page = w.pa & !PAGE_MASK;
        let watched = self.debug_access(va, size, true)?;
        if env.code.contains(page) {
            env.code.invalidate(page);
            self.code_written = true;
        }
        if let Some(host) = env.bus.ram_page(page, true) {
            let host = host.as_ptr();
            // SAFETY: a page handed out writable, off + size <= PAGE_SIZE.
            unsafe { host_write(host, off, size, value) };
            if traced & (kind::MEM | kind::MEM_QUIET) != 0 {
                // Not cached: every traced access comes back here.
                self.trace_mem(va, Some(w.pa), size, value & size_mask(size), true);
                return Ok(());
            }
            let e = DataEntry::new(va & !PAGE_MASK, host);
            if !watched {
                let live = &mut self.tlb.live;
                fill(
                    &mut live.write[set(va)],
                    &mut live.write_strict[set(va)],
                    e,
                    w.device(),
                );
            }
            self.tlb.live.note_span(w.span, va);
            return Ok(());
        }
        env.bus
            .mmio_write(w.pa, size as u8, value)
            .inspect(|_| self.stats.activity.device_accesses += 1)
            .map_err(|_| Trap::abort(Access::Write, va, fsc::EXTERNAL))?;
        if traced & kind::MMIO != 0 {
            self.trace_mmio(env.bus, w.pa, size, value & size_mask(size), true);
        }
        if env.bus.take_remapped() {
            self.tlb.flush();
        }
        for (start, end) in env.bus.take_dma_written() {
            let mut page = start & !PAGE_MASK;
            while page < end {
                if env.code.contains(page) {
                    env.code.invalidate(page);
                    self.code_written = true;
                }
                page += PAGE_SIZE;
            }
        }
        Ok(())
    }

    /// A debugger's data watchpoints see a slow-path access before it is made
    /// ([`Trap::Watch`] on a hit); whether its page must stay out of the TLB (it holds a
    /// watched byte). Nothing without a debugger.
    #[inline]
    fn debug_access(&mut self, va: u64, size: usize, write: bool) -> Result<bool, Trap> {
        if self.debug.as_ref().is_none_or(|d| d.watchpoints.is_empty()) {
            return Ok(false);
        }
        self.watched_access(va, size, write)
    }

    #[cold]
    fn watched_access(&mut self, va: u64, size: usize, write: bool) -> Result<bool, Trap> {
        match self.debug.as_mut() {
            Some(d) => {
                d.check_access(va, size as u64, write)?;
                Ok(d.watches_page(va))
            }
            None => Ok(false),
        }
    }

    /// Physical address of the instruction at `va` and a host pointer to its RAM page. The
    /// TLB must be bound to `bus` ([`Tlb::bind`]).
    #[inline]
    pub(crate) fn fetch_page(
        &mut self,
        bus: &mut dyn Bus,
        va: u64,
    ) -> Result<(u64, NonNull<u8>), Trap> {
        let e = self.tlb.live.exec[slot(va)];
        if e.page == va & !PAGE_MASK {
            if let Some(host) = NonNull::new(e.host) {
                return Ok((e.pa | (va & PAGE_MASK), host));
            }
        }
        self.fetch_page_slow(bus, va)
    }

    #[cold]
    fn fetch_page_slow(&mut self, bus: &mut dyn Bus, va: u64) -> Result<(u64, NonNull<u8>), Trap> {
        let idx = self.tlb.idx;
        let w = self.translate(bus, va, Access::Exec, idx, false)?;
        let page = w.pa & !PAGE_MASK;
        match bus.ram_page(page, false) {
            Some(host) => {
                self.tlb.live.exec[slot(va)] = TlbEntry {
                    page: va & !PAGE_MASK,
                    host: host.as_ptr(),
                    pa: page,
                };
                self.tlb.live.note_span(w.span, va);
                Ok((w.pa, host))
            }
            None => Err(Trap::abort(Access::Exec, va, fsc::EXTERNAL)),
        }
    }
}

#[cfg(test)]
mod tests {
    //! One vCPU run against several buses: every access must reach the bus of the run, never a
    //! host pointer cached from another (DDI 0487 has nothing to say here: this is the host's
    //! memory safety).
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::mmu::tests::{identity_map, AF};
    use crate::aarch64::{BlockCache, Exit};

    const BASE: u64 = 0x4000_0000;
    const DATA: u64 = BASE + 0x1000;
    const LDR_X0_X1: u32 = 0xf940_0020; // ldr x0, [x1]
    const STR_X2_X1_8: u32 = 0xf900_0422; // str x2, [x1, #8]
    const ADD_X0_1: u32 = 0x9100_0400; // add x0, x0, #1
    const HVC_0: u32 = 0xd400_0002; // hvc #0

    /// A bus whose code loads the doubleword at DATA (`value`), stores X2 after it, and exits;
    /// with `add`, one more instruction adds 1 to what was loaded.
    fn bus(value: u64, add: bool) -> FlatBus {
        let mut bus = FlatBus::new(BASE, 0x4000);
        let code: &[u32] = if add {
            &[LDR_X0_X1, ADD_X0_1, STR_X2_X1_8, HVC_0]
        } else {
            &[LDR_X0_X1, STR_X2_X1_8, HVC_0]
        };
        bus.load_words(BASE, code);
        bus.load(DATA, &value.to_le_bytes());
        bus
    }

    /// Run `cpu` from BASE with X1 = DATA, X2 = `store` until the HVC.
    fn run(cpu: &mut Cpu, cache: &mut BlockCache, bus: &mut FlatBus, store: u64) {
        cpu.pc = BASE;
        cpu.x[1] = DATA;
        cpu.x[2] = store;
        assert_eq!(cpu.run(cache, bus, 100), Exit::Hvc(0));
    }

    fn stored(bus: &FlatBus) -> u64 {
        let off = (DATA + 8 - BASE) as usize;
        u64::from_le_bytes(bus.ram()[off..off + 8].try_into().unwrap())
    }

    /// The second run reads, writes and executes the second bus's memory, with the block cache
    /// of the first run or a new one.
    #[test]
    fn one_cpu_two_buses() {
        for same_cache in [true, false] {
            let (mut a, mut b) = (bus(0x1111, false), bus(0x2222, true));
            let mut cpu = Cpu::new(1);
            let mut cache = BlockCache::new();
            run(&mut cpu, &mut cache, &mut a, 0xa);
            assert_eq!((cpu.x[0], stored(&a)), (0x1111, 0xa));
            if !same_cache {
                cache = BlockCache::new();
            }
            run(&mut cpu, &mut cache, &mut b, 0xb);
            assert_eq!(cpu.x[0], 0x2223, "B's data and B's code");
            assert_eq!((stored(&a), stored(&b)), (0xa, 0xb), "the store went to B");
            // And back: A's memory again, B's blocks and pointers forgotten.
            run(&mut cpu, &mut cache, &mut a, 0xc);
            assert_eq!((cpu.x[0], stored(&a), stored(&b)), (0x1111, 0xc, 0xb));
        }
    }

    /// The first bus is dropped (its RAM freed) before the vCPU runs against the second: no
    /// access may reach the freed memory (run under Miri to see it checked).
    #[test]
    fn dropped_bus_is_forgotten() {
        let mut cpu = Cpu::new(1);
        let mut cache = BlockCache::new();
        {
            let mut a = bus(0x1111, false);
            run(&mut cpu, &mut cache, &mut a, 0xa);
            assert_eq!(cpu.x[0], 0x1111);
        }
        let mut b = bus(0x2222, false);
        run(&mut cpu, &mut cache, &mut b, 0xb);
        assert_eq!((cpu.x[0], stored(&b)), (0x2222, 0xb));
    }

    /// A TLB moved to another vCPU keeps the identity of its bus: the vCPU that receives it
    /// forgets its entries when run against its own bus.
    #[test]
    fn swapped_tlbs_follow_their_bus() {
        let (mut a, mut b) = (bus(0x1111, false), bus(0x2222, false));
        let (mut cpu_a, mut cpu_b) = (Cpu::new(1), Cpu::new(1));
        let (mut cache_a, mut cache_b) = (BlockCache::new(), BlockCache::new());
        run(&mut cpu_a, &mut cache_a, &mut a, 0xa);
        run(&mut cpu_b, &mut cache_b, &mut b, 0xb);
        std::mem::swap(&mut cpu_a.tlb, &mut cpu_b.tlb);
        drop(a);
        run(&mut cpu_b, &mut cache_b, &mut b, 0xc);
        assert_eq!((cpu_b.x[0], stored(&b)), (0x2222, 0xc));
    }

    /// Every access size the core uses reaches RAM whole, aligned or not, within a page or
    /// across two.
    #[test]
    fn access_sizes() {
        let mut bus = FlatBus::new(BASE, 0x8000);
        let mut cpu = Cpu::new(1);
        // Normal memory: unaligned accesses allowed.
        identity_map(&mut cpu, &mut bus, BASE + 0x4000, BASE, |_| AF);
        let mut code = super::super::block::CodePages::default();
        let mut env = Env::bound(&mut cpu, &mut bus, &mut code);
        for va in [DATA, DATA + 1, DATA + 0xffc, DATA + 0xfff] {
            for (i, &size) in [1u8, 2, 4, 8].iter().enumerate() {
                let v = 0x0102_0304_0506_0708u64.rotate_left(i as u32 * 8);
                let mask = u64::MAX >> (64 - 8 * size as u32);
                cpu.store_sized(&mut env, va, size, v).unwrap();
                assert_eq!(
                    cpu.load_sized(&mut env, va, size),
                    Ok(v & mask),
                    "{va:#x} {size}"
                );
                assert_eq!(cpu.load::<1>(&mut env, va), Ok(v & 0xff));
            }
        }
        let off = (DATA + 0xfff - BASE) as usize;
        assert_eq!(
            bus.ram()[off..off + 8],
            0x0102_0304_0506_0708u64.rotate_left(24).to_le_bytes()
        );
    }

    /// A TLBI by address outside every region with block mappings drops only its own page;
    /// inside one it drops the block's entries from every set; regions are 2 MiB for 2 MiB
    /// blocks, 1 GiB for larger ones, coarsened to 1 GiB when too many, then everything.
    #[test]
    fn tlbi_by_va_and_block_regions() {
        const GIB: u64 = 1 << 30;
        const MIB2: u64 = 1 << 21;
        let entry = |va: u64| DataEntry::new(va & !PAGE_MASK, std::ptr::null_mut());
        let has = |t: &TlbSet, va: u64| find(&t.read[set(va)], va).is_some();
        let mut t = TlbSet::new();
        // Two pages of a 2 MiB block at 3 GiB, and a page mapping 4 MiB further in the second's
        // set (as Linux's fixmap pages beside the device tree's block).
        let (a, b) = (3 * GIB, 3 * GIB + 0x1000);
        let c = 3 * GIB + 2 * MIB2 + 0x1000;
        for (va, span) in [(a, 21), (b, 21), (c, 12)] {
            fill(
                &mut t.read[set(va)],
                &mut t.read_strict[set(va)],
                entry(va),
                false,
            );
            t.note_span(span, va);
        }
        // Another page of c's 2 MiB, same set as `b`: only its own page would go (none).
        t.flush_va(c + 0x10_0000);
        assert!(has(&t, a) && has(&t, b) && has(&t, c));
        t.flush_va(c);
        assert!(has(&t, a) && has(&t, b) && !has(&t, c));
        // Anywhere in the block: both of its pages.
        t.flush_va(a + 0x1f_f000);
        assert!(!has(&t, a) && !has(&t, b));
        // A 1 GiB block covers its whole region.
        t.note_span(30, 7 * GIB);
        assert!(t.block_regions.covers(7 * GIB + 0x3000_0000));
        assert!(!t.block_regions.covers(6 * GIB));
        // More 2 MiB blocks than fit, all in one GiB: coarsened to that GiB.
        for i in 0..=BLOCK_REGIONS as u64 {
            t.note_span(21, 9 * GIB + i * MIB2);
        }
        assert!(!t.block_regions.all && t.block_regions.len == 3);
        assert!(t.block_regions.covers(9 * GIB + 0x3000_0000) && !t.block_regions.covers(8 * GIB));
        // More GiB regions than fit: everything is covered; a TLBI then drops every entry in
        // the block-sized region around it, here the 2 MiB around `c`.
        for i in 0..BLOCK_REGIONS as u64 {
            t.note_span(21, (10 + i) * GIB);
        }
        assert!(t.block_regions.all);
        fill(
            &mut t.read[set(c)],
            &mut t.read_strict[set(c)],
            entry(c),
            false,
        );
        t.flush_va(c + 0x1000);
        assert!(!has(&t, c));
        t.flush();
        assert_eq!(t.block_regions, BlockRegions::EMPTY);
    }

    /// With memory accesses traced, every access is recorded (none is served from the data
    /// TLB, which stays empty), a page-crossing one once with no PA; without, the TLB fills.
    #[test]
    fn traced_memory_accesses_bypass_the_tlb() {
        use crate::aarch64::trace::{kind, Event, TraceBuf};
        let mut bus = FlatBus::new(BASE, 0x8000);
        let mut cpu = Cpu::new(1);
        identity_map(&mut cpu, &mut bus, BASE + 0x4000, BASE, |_| AF);
        cpu.trace = Some(TraceBuf::new(16, kind::MEM));
        let mut code = super::super::block::CodePages::default();
        let mut env = Env::bound(&mut cpu, &mut bus, &mut code);
        let hit = |cpu: &Cpu, va: u64| find(&cpu.tlb.live.read[set(va)], va).is_some();
        for _ in 0..3 {
            cpu.store::<4>(&mut env, DATA, 0x1234_5678).unwrap();
            assert_eq!(cpu.load::<2>(&mut env, DATA), Ok(0x5678));
        }
        let cross = DATA + 0xffe;
        cpu.store::<4>(&mut env, cross, 0xaabb_ccdd).unwrap();
        assert!(!hit(&cpu, DATA) && !hit(&cpu, cross));
        let events: Vec<Event> = cpu
            .trace
            .as_mut()
            .unwrap()
            .drain()
            .map(|i| i.event)
            .collect();
        let store = Event::Mem {
            va: DATA,
            pa: Some(DATA),
            size: 4,
            value: 0x1234_5678,
            write: true,
        };
        let load = Event::Mem {
            va: DATA,
            pa: Some(DATA),
            size: 2,
            value: 0x5678,
            write: false,
        };
        let crossing = Event::Mem {
            va: cross,
            pa: None,
            size: 4,
            value: 0xaabb_ccdd,
            write: true,
        };
        assert_eq!(
            events,
            [store, load, store, load, store, load, crossing].to_vec()
        );
        assert_eq!(cpu.trace.as_ref().unwrap().kinds, kind::MEM);
        cpu.trace = None;
        cpu.load::<2>(&mut env, DATA).unwrap();
        assert!(hit(&cpu, DATA));
    }

    /// Pages 1 MiB apart share a set of the data tables: both stay mapped, a third evicts the
    /// older, and a TLBI by address drops only its own page.
    #[test]
    fn data_tables_are_two_way() {
        const FAR: u64 = 1 << 20;
        let mut bus = FlatBus::new(BASE, 0x20_0000 + 0x4000);
        let mut cpu = Cpu::new(1);
        let mut code = super::super::block::CodePages::default();
        let mut env = Env::bound(&mut cpu, &mut bus, &mut code);
        let hit = |cpu: &Cpu, va: u64| find(&cpu.tlb.live.read[set(va)], va).is_some();
        let (a, b, c) = (DATA, DATA + FAR, DATA + 2 * FAR);
        for va in [a, b] {
            cpu.load::<8>(&mut env, va).unwrap();
        }
        assert!(hit(&cpu, a) && hit(&cpu, b));
        cpu.load::<8>(&mut env, a).unwrap(); // a hit: the order stays
        cpu.load::<8>(&mut env, c).unwrap();
        assert_eq!(
            (hit(&cpu, a), hit(&cpu, b), hit(&cpu, c)),
            (false, true, true)
        );
        cpu.tlb.flush_va(REGIME_EL10, c);
        assert_eq!((hit(&cpu, b), hit(&cpu, c)), (true, false));
        // Stores: the write table likewise.
        for va in [a, b] {
            cpu.store::<8>(&mut env, va, va).unwrap();
        }
        let whit = |cpu: &Cpu, va: u64| find(&cpu.tlb.live.write[set(va)], va).is_some();
        assert!(whit(&cpu, a) && whit(&cpu, b));
        assert_eq!(cpu.load::<8>(&mut env, b), Ok(b));
    }
}
