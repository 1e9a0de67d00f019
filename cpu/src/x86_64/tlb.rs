//! The software TLB: linear page → host pointer of the RAM behind it, one direct-mapped table
//! for reads and one for writes, so that a memory operand that hits costs a compare and a host
//! access instead of a bus call.
//!
//! No paging yet, so linear = physical and the tables only change when the memory behind the
//! physical addresses does: another bus ([`Tlb::bind`]), a bus that remapped pages (flash
//! banks: [`Bus::take_remapped`]), or a page that became code, which must lose its write entry
//! so that every store to it reaches the block cache (followed through [`CodeCache::epoch`](crate::codecache::CodeCache::epoch)). With paging,
//! the miss path walks the page tables and CR3 writes, INVLPG and the PCID rules flush.

use std::ptr::NonNull;

use crate::aarch64::{Bus, BusId};
use crate::codecache::PAGE_SIZE;

const ENTRIES: usize = 256;
/// Tag of an empty entry: never a page address (bits 11:0 set).
const INVALID: u64 = u64::MAX;

#[derive(Clone, Copy)]
struct Entry {
    /// Linear page, or [`INVALID`].
    page: u64,
    /// Host address of the page.
    host: *mut u8,
}

const EMPTY: Entry = Entry {
    page: INVALID,
    host: std::ptr::null_mut(),
};

/// One vCPU's TLB.
#[derive(Clone)]
pub struct Tlb {
    read: Box<[Entry; ENTRIES]>,
    write: Box<[Entry; ENTRIES]>,
    /// The bus the pointers come from.
    bus: Option<BusId>,
    /// The code cache epoch the write table reflects.
    code_epoch: u64,
}

impl std::fmt::Debug for Tlb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tlb").field("bus", &self.bus).finish()
    }
}

impl Default for Tlb {
    fn default() -> Self {
        Tlb {
            read: Box::new([EMPTY; ENTRIES]),
            write: Box::new([EMPTY; ENTRIES]),
            bus: None,
            code_epoch: u64::MAX,
        }
    }
}

#[inline(always)]
fn slot(page: u64) -> usize {
    (page / PAGE_SIZE) as usize & (ENTRIES - 1)
}

impl Tlb {
    /// Forget everything.
    pub fn flush(&mut self) {
        self.read.fill(EMPTY);
        self.write.fill(EMPTY);
    }

    /// Use the pointers of `bus` only: another bus's are forgotten.
    #[inline]
    pub fn bind(&mut self, bus: BusId) {
        if self.bus != Some(bus) {
            self.flush();
            self.bus = Some(bus);
        }
    }

    /// Follow the code cache's `epoch`: when pages became code or blocks were dropped, forget
    /// the write entries.
    #[inline]
    pub fn follow_code(&mut self, epoch: u64) {
        if self.code_epoch != epoch {
            self.write.fill(EMPTY);
            self.code_epoch = epoch;
        }
    }

    /// Host pointer to the byte at `la` for reading, if its page is mapped.
    #[inline(always)]
    pub fn read_ptr(&self, la: u64) -> Option<*mut u8> {
        let page = la & !(PAGE_SIZE - 1);
        let e = &self.read[slot(page)];
        (e.page == page).then(|| e.host.wrapping_add((la - page) as usize))
    }

    /// Host pointer to the byte at `la` for writing, if its page is mapped for writes.
    #[inline(always)]
    pub fn write_ptr(&self, la: u64) -> Option<*mut u8> {
        let page = la & !(PAGE_SIZE - 1);
        let e = &self.write[slot(page)];
        (e.page == page).then(|| e.host.wrapping_add((la - page) as usize))
    }

    /// Map the page of `la` for reading from `bus`; the host page, or `None` if it is not RAM.
    pub fn fill_read(&mut self, bus: &mut dyn Bus, la: u64) -> Option<NonNull<u8>> {
        let page = la & !(PAGE_SIZE - 1);
        let host = bus.ram_page(page, false)?;
        self.read[slot(page)] = Entry {
            page,
            host: host.as_ptr(),
        };
        Some(host)
    }

    /// Map the page of `la` for writing from `bus` (the caller has checked it is not code).
    pub fn fill_write(&mut self, bus: &mut dyn Bus, la: u64) -> Option<NonNull<u8>> {
        let page = la & !(PAGE_SIZE - 1);
        let host = bus.ram_page(page, true)?;
        self.write[slot(page)] = Entry {
            page,
            host: host.as_ptr(),
        };
        Some(host)
    }
}
