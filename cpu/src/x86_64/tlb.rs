//! The software TLB: linear page → host pointer of the RAM page its translation reaches, in
//! direct-mapped tables per access kind — reads, writes, and instruction fetches (linear →
//! physical page, as blocks are keyed by physical address) — so that an access that hits
//! costs a compare and a host access instead of a page walk and a bus call.
//!
//! An entry is only filled with what the walk ([`super::paging`]) permitted: a read entry
//! for a readable page, a write entry for a writable page whose dirty flag is already set (the
//! first write to a clean page walks, and the walk sets D), a fetch entry for an executable
//! page. Rights differ between user and supervisor accesses, so there are two sets of tables:
//! the live one of the current privilege and a parked one ([`Tlb::select`], at block starts;
//! entries filled at the other privilege go to the parked set). Every user right is also a
//! supervisor right here (no SMEP/SMAP), so supervisor code that hits user entries — after an
//! exception entry, before the next block start — is still right.
//!
//! Flushes: another bus ([`Tlb::bind`]), a bus that remapped pages (flash banks:
//! [`Bus::take_remapped`]), a page that became code (its write entry goes, so that every store
//! to it reaches the block cache; followed through
//! [`CodeCache::epoch`](crate::codecache::CodeCache::epoch)); and the architectural ones (SDM
//! vol. 3 §4.10.4): a CR3 write drops all but global entries ([`Tlb::flush_nonglobal`]),
//! changes of CR0.PG/WP, CR4.PGE/PAE/PSE or EFER.NXE everything ([`Tlb::flush`]), INVLPG one
//! page ([`Tlb::flush_page`]; everything when a large page was ever cached, since its 4 KiB
//! pieces can sit in any slot).

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
    /// Host address of the page (data tables) or the physical page (fetch table).
    host: *mut u8,
}

const EMPTY: Entry = Entry {
    page: INVALID,
    host: std::ptr::null_mut(),
};

/// Which slots hold global translations, one bit per slot.
type Globals = [u64; ENTRIES / 64];

/// One privilege's tables.
#[derive(Clone)]
struct Set {
    read: [Entry; ENTRIES],
    write: [Entry; ENTRIES],
    fetch: [Entry; ENTRIES],
    /// Global bits of `read`, `write`, `fetch`.
    global: [Globals; 3],
}

impl Set {
    fn new() -> Box<Self> {
        Box::new(Set {
            read: [EMPTY; ENTRIES],
            write: [EMPTY; ENTRIES],
            fetch: [EMPTY; ENTRIES],
            global: [[0; ENTRIES / 64]; 3],
        })
    }

    fn flush(&mut self) {
        self.read.fill(EMPTY);
        self.write.fill(EMPTY);
        self.fetch.fill(EMPTY);
        self.global = [[0; ENTRIES / 64]; 3];
    }

    fn flush_nonglobal(&mut self) {
        for (t, g) in [&mut self.read, &mut self.write, &mut self.fetch]
            .into_iter()
            .zip(&self.global)
        {
            for (i, e) in t.iter_mut().enumerate() {
                if g[i / 64] & (1 << (i % 64)) == 0 {
                    *e = EMPTY;
                }
            }
        }
    }

    fn flush_page(&mut self, page: u64) {
        let i = slot(page);
        for t in [&mut self.read, &mut self.write, &mut self.fetch] {
            if t[i].page == page {
                t[i] = EMPTY;
            }
        }
    }
}

/// The kind of table an entry goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Read = 0,
    Write = 1,
    Fetch = 2,
}

/// One vCPU's TLB.
#[derive(Clone)]
pub struct Tlb {
    /// The tables of the current privilege.
    live: Box<Set>,
    /// The tables of the other privilege.
    parked: Box<Set>,
    /// Whether `live` is the user set.
    user: bool,
    /// A translation of a page larger than 4 KiB was cached since the last full flush.
    large: bool,
    /// The bus the pointers come from.
    bus: Option<BusId>,
    /// The code cache epoch the write tables reflect.
    code_epoch: u64,
}

impl std::fmt::Debug for Tlb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tlb")
            .field("bus", &self.bus)
            .field("user", &self.user)
            .finish()
    }
}

impl Default for Tlb {
    fn default() -> Self {
        Tlb {
            live: Set::new(),
            parked: Set::new(),
            user: false,
            large: false,
            bus: None,
            code_epoch: u64::MAX,
        }
    }
}

#[inline(always)]
fn slot(page: u64) -> usize {
    (page / PAGE_SIZE) as usize & (ENTRIES - 1)
}

/// What a fill records besides the page: whether it survives CR3 writes, and whether it comes
/// from a page larger than 4 KiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    /// Global (CR4.PGE and the leaf's G).
    pub global: bool,
    /// From a 2 MiB, 4 MiB or 1 GiB page.
    pub large: bool,
    /// Filled for a user (CPL 3) access.
    pub user: bool,
}

impl Tlb {
    /// Forget everything.
    pub fn flush(&mut self) {
        self.live.flush();
        self.parked.flush();
        self.large = false;
    }

    /// Forget every translation that is not global (a CR3 write).
    pub fn flush_nonglobal(&mut self) {
        self.live.flush_nonglobal();
        self.parked.flush_nonglobal();
    }

    /// Forget the translations of the page of `la`, global or not (INVLPG).
    pub fn flush_page(&mut self, la: u64) {
        if self.large {
            self.flush();
            return;
        }
        let page = la & !(PAGE_SIZE - 1);
        self.live.flush_page(page);
        self.parked.flush_page(page);
    }

    /// Make the tables of user (`true`) or supervisor privilege the live ones.
    #[inline(always)]
    pub fn select(&mut self, user: bool) {
        if self.user != user {
            std::mem::swap(&mut self.live, &mut self.parked);
            self.user = user;
        }
    }

    /// Whether the live tables are the user ones.
    #[inline]
    pub fn user(&self) -> bool {
        self.user
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
            self.live.write.fill(EMPTY);
            self.parked.write.fill(EMPTY);
            self.live.global[Kind::Write as usize] = [0; ENTRIES / 64];
            self.parked.global[Kind::Write as usize] = [0; ENTRIES / 64];
            self.code_epoch = epoch;
        }
    }

    /// Host pointer to the byte at `la` for reading, if its page is mapped.
    #[inline(always)]
    pub fn read_ptr(&self, la: u64) -> Option<*mut u8> {
        let page = la & !(PAGE_SIZE - 1);
        let e = &self.live.read[slot(page)];
        (e.page == page).then(|| e.host.wrapping_add((la - page) as usize))
    }

    /// Host pointer to the byte at `la` for writing, if its page is mapped for writes.
    #[inline(always)]
    pub fn write_ptr(&self, la: u64) -> Option<*mut u8> {
        let page = la & !(PAGE_SIZE - 1);
        let e = &self.live.write[slot(page)];
        (e.page == page).then(|| e.host.wrapping_add((la - page) as usize))
    }

    /// The physical address of the instruction byte at `la`, if its page is mapped for fetches.
    #[inline(always)]
    pub fn fetch_pa(&self, la: u64) -> Option<u64> {
        let page = la & !(PAGE_SIZE - 1);
        let e = &self.live.fetch[slot(page)];
        (e.page == page).then(|| e.host as u64 + (la - page))
    }

    fn fill(&mut self, kind: Kind, la: u64, host: *mut u8, a: Attrs) {
        let set = if a.user == self.user {
            &mut self.live
        } else {
            &mut self.parked
        };
        let page = la & !(PAGE_SIZE - 1);
        let i = slot(page);
        let t = match kind {
            Kind::Read => &mut set.read,
            Kind::Write => &mut set.write,
            Kind::Fetch => &mut set.fetch,
        };
        t[i] = Entry { page, host };
        let g = &mut set.global[kind as usize][i / 64];
        if a.global {
            *g |= 1 << (i % 64);
        } else {
            *g &= !(1 << (i % 64));
        }
        self.large |= a.large;
    }

    /// Map the page of `la` for reading to the RAM page of physical `pa` on `bus`; the host
    /// page, or `None` if it is not RAM.
    pub fn fill_read(
        &mut self,
        bus: &mut dyn Bus,
        la: u64,
        pa: u64,
        a: Attrs,
    ) -> Option<NonNull<u8>> {
        let host = bus.ram_page(pa & !(PAGE_SIZE - 1), false)?;
        self.fill(Kind::Read, la, host.as_ptr(), a);
        Some(host)
    }

    /// Map the page of `la` for writing to the RAM page of physical `pa` on `bus` (the caller
    /// has checked it is not code and the translation permits writes to a dirty page).
    pub fn fill_write(
        &mut self,
        bus: &mut dyn Bus,
        la: u64,
        pa: u64,
        a: Attrs,
    ) -> Option<NonNull<u8>> {
        let host = bus.ram_page(pa & !(PAGE_SIZE - 1), true)?;
        self.fill(Kind::Write, la, host.as_ptr(), a);
        Some(host)
    }

    /// Map the page of `la` for fetching to physical `pa`'s page.
    pub fn fill_fetch(&mut self, la: u64, pa: u64, a: Attrs) {
        self.fill(
            Kind::Fetch,
            la,
            (pa & !(PAGE_SIZE - 1)) as usize as *mut u8,
            a,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUP: Attrs = Attrs {
        global: false,
        large: false,
        user: false,
    };

    #[test]
    fn cr3_flush_keeps_global_entries_and_invlpg_drops_one_page() {
        let mut t = Tlb::default();
        t.fill_fetch(0x1000, 0x5000, SUP);
        t.fill_fetch(
            0x2000,
            0x6000,
            Attrs {
                global: true,
                ..SUP
            },
        );
        t.fill_fetch(0x3000, 0x7000, SUP);
        assert_eq!(t.fetch_pa(0x1234), Some(0x5234));
        t.flush_page(0x3fff);
        assert_eq!(t.fetch_pa(0x3000), None);
        assert_eq!(t.fetch_pa(0x1000), Some(0x5000));
        t.flush_nonglobal();
        assert_eq!(
            (t.fetch_pa(0x1000), t.fetch_pa(0x2000)),
            (None, Some(0x6000))
        );
        t.flush();
        assert_eq!(t.fetch_pa(0x2000), None);
    }

    #[test]
    fn user_and_supervisor_entries_live_apart() {
        let mut t = Tlb::default();
        t.fill_fetch(0x1000, 0x5000, SUP);
        t.fill_fetch(0x2000, 0x6000, Attrs { user: true, ..SUP });
        assert_eq!(
            (t.fetch_pa(0x1000), t.fetch_pa(0x2000)),
            (Some(0x5000), None)
        );
        t.select(true);
        assert_eq!(
            (t.fetch_pa(0x1000), t.fetch_pa(0x2000)),
            (None, Some(0x6000))
        );
    }

    #[test]
    fn invlpg_after_a_large_page_flushes_everything() {
        let mut t = Tlb::default();
        t.fill_fetch(0x20_1000, 0x40_1000, Attrs { large: true, ..SUP });
        t.fill_fetch(0x1000, 0x5000, SUP);
        t.flush_page(0x20_0000);
        assert_eq!((t.fetch_pa(0x20_1000), t.fetch_pa(0x1000)), (None, None));
    }
}
