//! The page-table walk (Intel SDM vol. 3 chapter 4 "Paging"): linear → physical translation as
//! a function of CR0, CR3, CR4, EFER, the linear address and the access (read, write or
//! instruction fetch; user or supervisor), over guest physical memory ([`TableMem`]).
//!
//! Modes (SDM §4.1.1, table 4-1): none (CR0.PG = 0: linear = physical), 32-bit paging (CR4.PAE =
//! 0: 4 KiB pages and, with CR4.PSE, 4 MiB pages with the PSE-36 high address bits), PAE paging
//! (CR4.PAE = 1, EFER.LMA = 0: four PDPTEs, 4 KiB and 2 MiB pages) and 4-level paging (EFER.LMA
//! = 1: 4 KiB, 2 MiB and, with [`GIGABYTE_PAGES`], 1 GiB pages; without, PS in a PDPTE is
//! reserved). 5-level paging (CR4.LA57), PCIDs, protection keys, SMEP
//! and SMAP are not modelled (and not advertised).
//!
//! Rules implemented (§4.6 "Access rights", §4.7 "Page-fault exceptions", §4.8 "Accessed and
//! dirty flags"):
//! - R/W and U/S of every level are ANDed, XD (EFER.NXE = 1) ORed. A user access needs U/S = 1
//!   everywhere; a user write needs R/W = 1; a supervisor write to a read-only page faults
//!   when CR0.WP = 1; a fetch from an XD page faults.
//! - Reserved bits: physical-address bits at or above [`PHYS_ADDR_BITS`] (up to bit 51; the
//!   PSE-36 bits of a 4 MiB PDE too), bit 63
//!   when EFER.NXE = 0, PS in a PML4E, the bits between the page-attribute bit and the frame
//!   of 2 MiB/1 GiB/4 MiB pages, bits 62:52 in PAE paging, and XD in a PAE PDPTE. A reserved
//!   bit in a present entry is a #PF with P and RSVD set.
//! - Error code: P (protection, not absence), W/R (the access was a write), U/S (user access),
//!   RSVD, I/D (an instruction fetch, reported when EFER.NXE = 1); CR2 = the linear address.
//! - Accessed flags are set in each present, well-formed entry the walk goes through (as QEMU
//!   does, before the lower levels are known to be valid); the leaf's accessed flag, and its
//!   dirty flag on a write, only once the access is permitted.
//!
//! The PAE PDPTEs are read from memory at each walk rather than loaded at MOV CR3 (QEMU does the
//! same), so a guest editing its PDPTEs without reloading CR3 sees the edit at once.

/// Physical-address width (CPUID 0x80000008 EAX[7:0], [`MAXPHYADDR`]).
pub const PHYS_ADDR_BITS: u32 = MAXPHYADDR;

/// Page-table entry bits (SDM tables 4-14 to 4-20).
pub mod pte {
    /// Present.
    pub const P: u64 = 1 << 0;
    /// Read/write.
    pub const RW: u64 = 1 << 1;
    /// User/supervisor.
    pub const US: u64 = 1 << 2;
    /// Accessed.
    pub const A: u64 = 1 << 5;
    /// Dirty (leaf entries).
    pub const D: u64 = 1 << 6;
    /// Page size (PDPTE, PDE).
    pub const PS: u64 = 1 << 7;
    /// Global (leaf entries, with CR4.PGE).
    pub const G: u64 = 1 << 8;
    /// Execute-disable (with EFER.NXE).
    pub const XD: u64 = 1 << 63;
    /// The frame field of PAE and 4-level entries (bits 51:12).
    pub const ADDR: u64 = 0x000f_ffff_ffff_f000;
}

/// Page-fault error code bits (SDM §4.7, figure 4-12).
pub mod pf {
    /// The fault was a protection violation (0: a non-present entry).
    pub const P: u32 = 1 << 0;
    /// The access was a write.
    pub const W: u32 = 1 << 1;
    /// The access was a user-mode access.
    pub const U: u32 = 1 << 2;
    /// A reserved bit was set in a paging-structure entry.
    pub const RSVD: u32 = 1 << 3;
    /// The access was an instruction fetch.
    pub const ID: u32 = 1 << 4;
}

use super::system::{cr0, cr4, efer, GIGABYTE_PAGES, MAXPHYADDR};

/// The registers that decide translation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Control {
    /// CR0 (PG, WP).
    pub cr0: u64,
    /// CR3 (the root table).
    pub cr3: u64,
    /// CR4 (PSE, PAE, PGE).
    pub cr4: u64,
    /// IA32_EFER (LMA, NXE).
    pub efer: u64,
}

impl Control {
    /// Whether paging is enabled (CR0.PG).
    #[inline(always)]
    pub fn paging(&self) -> bool {
        self.cr0 & cr0::PG != 0
    }
}

/// The kind of access being translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A data read.
    Read,
    /// A data write.
    Write,
    /// An instruction fetch.
    Fetch,
}

/// A page fault: the linear address (CR2) and the error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageFault {
    /// The faulting linear address.
    pub addr: u64,
    /// The error code ([`pf`] bits).
    pub error: u32,
}

/// A successful translation, with what the same privilege may do with the page (for the TLB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation {
    /// Physical address of the linear address.
    pub pa: u64,
    /// Reads are permitted.
    pub read: bool,
    /// Writes are permitted and the page is already dirty (a write needs no walk).
    pub write: bool,
    /// Fetches are permitted.
    pub exec: bool,
    /// The leaf is global (G with CR4.PGE): kept across CR3 writes.
    pub global: bool,
    /// The leaf maps more than 4 KiB.
    pub large: bool,
}

/// Guest physical memory as the walk sees it.
pub trait TableMem {
    /// Read the `size`-byte (4 or 8) little-endian value at physical `pa`.
    fn load(&mut self, pa: u64, size: u8) -> u64;
    /// Write the 4-byte value `v` at physical `pa` (accessed/dirty updates).
    fn store32(&mut self, pa: u64, v: u32);
}

/// Bits 51:[`PHYS_ADDR_BITS`] of an entry: reserved.
const PHYS_RSVD: u64 = pte::ADDR & !((1u64 << PHYS_ADDR_BITS) - 1);

/// The leaf entry a walk ended on.
struct Leaf {
    /// Its physical address.
    at: u64,
    /// Its value.
    e: u64,
    /// The physical address of the page (PSE-36 bits placed).
    frame: u64,
    /// The page size's log2.
    shift: u32,
    /// R/W and U/S of every level ANDed.
    rights: u64,
    /// XD of any level (with EFER.NXE).
    xd: bool,
}

/// Translate `la` for `access` at user (`user`: CPL 3) or supervisor privilege under `c`.
pub fn walk(
    mem: &mut impl TableMem,
    c: &Control,
    la: u64,
    access: Access,
    user: bool,
) -> Result<Translation, PageFault> {
    if !c.paging() {
        return Ok(Translation {
            pa: la,
            read: true,
            write: true,
            exec: true,
            global: true,
            large: false,
        });
    }
    let nxe = c.efer & efer::NXE != 0;
    let mut err = 0u32;
    if access == Access::Write {
        err |= pf::W;
    }
    if user {
        err |= pf::U;
    }
    if access == Access::Fetch && nxe {
        err |= pf::ID;
    }
    let fault = |e: u32| PageFault {
        addr: la,
        error: err | e,
    };
    let leaf = if c.efer & efer::LMA != 0 || c.cr4 & cr4::PAE != 0 {
        walk_64(mem, c, la, nxe)
    } else {
        walk_32(mem, c, la)
    }
    .map_err(fault)?;
    // Access rights (SDM §4.6.1).
    let rw = leaf.rights & pte::RW != 0;
    let us = leaf.rights & pte::US != 0;
    let wp = c.cr0 & cr0::WP != 0;
    let read = us || !user;
    let writable = read && (rw || (!user && !wp));
    let exec = read && !leaf.xd;
    let ok = match access {
        Access::Read => read,
        Access::Write => writable,
        Access::Fetch => exec,
    };
    if !ok {
        return Err(fault(pf::P));
    }
    // Accessed and dirty flags (SDM §4.8).
    let mut set = pte::A;
    if access == Access::Write {
        set |= pte::D;
    }
    if leaf.e & set != set {
        mem.store32(leaf.at, (leaf.e | set) as u32);
    }
    let dirty = leaf.e & pte::D != 0 || access == Access::Write;
    let page_mask = (1u64 << leaf.shift) - 1;
    Ok(Translation {
        pa: (leaf.frame & !page_mask) | (la & page_mask),
        read,
        write: writable && dirty,
        exec,
        global: leaf.e & pte::G != 0 && c.cr4 & cr4::PGE != 0,
        large: leaf.shift > 12,
    })
}

/// PAE and 4-level paging (SDM §4.4, §4.5): the leaf, or the error code bits of the fault.
fn walk_64(mem: &mut impl TableMem, c: &Control, la: u64, nxe: bool) -> Result<Leaf, u32> {
    let mut rsvd = PHYS_RSVD | if nxe { 0 } else { pte::XD };
    let mut table;
    let mut level;
    if c.efer & efer::LMA != 0 {
        table = c.cr3 & pte::ADDR;
        level = 4;
    } else {
        // PAE: the PDPTE of bits 31:30, from the 32-byte-aligned table at CR3. PDPTEs carry
        // no rights and no accessed flag.
        let pa = (c.cr3 & 0xffff_ffe0) + ((la >> 30) & 3) * 8;
        let e = mem.load(pa, 8);
        if e & pte::P == 0 {
            return Err(0);
        }
        rsvd |= 0x7ff0_0000_0000_0000;
        if e & (rsvd | pte::XD) != 0 {
            return Err(pf::P | pf::RSVD);
        }
        table = e & pte::ADDR;
        level = 2;
    }
    let mut rights = pte::RW | pte::US;
    let mut xd = false;
    loop {
        let shift = 12 + 9 * (level - 1);
        let at = table + ((la >> shift) & 511) * 8;
        let e = mem.load(at, 8);
        if e & pte::P == 0 {
            return Err(0);
        }
        let leaf = level == 1 || (level <= 3 && e & pte::PS != 0 && (level < 3 || GIGABYTE_PAGES));
        let mut bad = rsvd;
        if level == 4 || (level == 3 && !GIGABYTE_PAGES) {
            bad |= pte::PS;
        } else if leaf && level > 1 {
            // Between the PAT bit (12) and the frame of a large page.
            bad |= ((1u64 << shift) - 1) & !0x1fff;
        }
        if e & bad != 0 {
            return Err(pf::P | pf::RSVD);
        }
        rights &= e;
        xd |= nxe && e & pte::XD != 0;
        if leaf {
            return Ok(Leaf {
                at,
                e,
                frame: e & pte::ADDR,
                shift,
                rights,
                xd,
            });
        }
        if e & pte::A == 0 {
            mem.store32(at, (e | pte::A) as u32);
        }
        table = e & pte::ADDR;
        level -= 1;
    }
}

/// 32-bit paging (SDM §4.3): 4-byte entries; only 4 MiB PDEs have reserved bits (21, and
/// 20:13 from MAXPHYADDR − 19 up).
fn walk_32(mem: &mut impl TableMem, c: &Control, la: u64) -> Result<Leaf, u32> {
    let la = la & 0xffff_ffff;
    let at = (c.cr3 & 0xffff_f000) + (la >> 22) * 4;
    let pde = mem.load(at, 4);
    if pde & pte::P == 0 {
        return Err(0);
    }
    if pde & pte::PS != 0 && c.cr4 & cr4::PSE != 0 {
        // Bit 21, and the PSE-36 bits for physical-address bits at or above MAXPHYADDR.
        let high = (0xff << 13) & !(((1u64 << (PHYS_ADDR_BITS.min(40) - 32)) - 1) << 13);
        if pde & ((1 << 21) | high) != 0 {
            return Err(pf::P | pf::RSVD);
        }
        // PSE-36: PDE bits 20:13 are physical-address bits 39:32.
        return Ok(Leaf {
            at,
            e: pde,
            frame: (pde & 0xffc0_0000) | ((pde >> 13) & 0xff) << 32,
            shift: 22,
            rights: pde,
            xd: false,
        });
    }
    if pde & pte::A == 0 {
        mem.store32(at, (pde | pte::A) as u32);
    }
    let pt = (pde & 0xffff_f000) + ((la >> 12) & 0x3ff) * 4;
    let e = mem.load(pt, 4);
    if e & pte::P == 0 {
        return Err(0);
    }
    Ok(Leaf {
        at: pt,
        e,
        frame: e & 0xffff_f000,
        shift: 12,
        rights: pde & e,
        xd: false,
    })
}

#[cfg(test)]
mod tests {
    //! Expected values follow the SDM's rules as stated in chapter 4 (tables 4-14 to 4-20 for
    //! the entry formats, §4.6 for rights, §4.7 for error codes, §4.8 for A/D).
    use super::*;

    /// 64 KiB of physical memory at 0 holding the tables.
    struct Mem(Vec<u8>);

    impl TableMem for Mem {
        fn load(&mut self, pa: u64, size: u8) -> u64 {
            let mut b = [0u8; 8];
            b[..size as usize].copy_from_slice(&self.0[pa as usize..pa as usize + size as usize]);
            u64::from_le_bytes(b)
        }
        fn store32(&mut self, pa: u64, v: u32) {
            self.0[pa as usize..pa as usize + 4].copy_from_slice(&v.to_le_bytes());
        }
    }

    impl Mem {
        fn set(&mut self, pa: u64, v: u64) {
            self.0[pa as usize..pa as usize + 8].copy_from_slice(&v.to_le_bytes());
        }
        fn get(&mut self, pa: u64) -> u64 {
            self.load(pa, 8)
        }
    }

    const PML4: u64 = 0x1000;
    const PDPT: u64 = 0x2000;
    const PD: u64 = 0x3000;
    const PT: u64 = 0x4000;
    /// PML4 index 1, PDPT index 2, PD index 3, PT index 4, offset 0x567.
    const LA: u64 = (1 << 39) | (2 << 30) | (3 << 21) | (4 << 12) | 0x567;
    const RWU: u64 = pte::P | pte::RW | pte::US;
    const CR0: u64 = cr0::PG | cr0::WP | cr0::PE;
    const LONG: Control = Control {
        cr0: CR0,
        cr3: PML4,
        cr4: cr4::PAE | cr4::PGE,
        efer: efer::LMA | efer::NXE | efer::LME,
    };

    /// 4-level tables mapping [`LA`] through a 4 KiB page at `frame` with leaf `flags`.
    fn four_level(flags: u64, frame: u64) -> Mem {
        let mut m = Mem(vec![0; 0x10000]);
        m.set(PML4 + 8, PDPT | RWU);
        m.set(PDPT + 2 * 8, PD | RWU);
        m.set(PD + 3 * 8, PT | RWU);
        m.set(PT + 4 * 8, frame | flags);
        m
    }

    fn err(m: &mut Mem, c: &Control, la: u64, a: Access, user: bool) -> u32 {
        let f = walk(m, c, la, a, user).unwrap_err();
        assert_eq!(f.addr, la);
        f.error
    }

    #[test]
    fn paging_off_is_identity() {
        let mut m = Mem(vec![0; 0x10000]);
        let t = walk(
            &mut m,
            &Control::default(),
            0x1234_5678,
            Access::Write,
            true,
        )
        .unwrap();
        assert_eq!(
            (t.pa, t.read, t.write, t.exec),
            (0x1234_5678, true, true, true)
        );
    }

    #[test]
    fn four_kib_page_in_four_level_paging() {
        let mut m = four_level(RWU, 0x12_3456_7000);
        let t = walk(&mut m, &LONG, LA, Access::Read, false).unwrap();
        assert_eq!(t.pa, 0x12_3456_7567);
        assert!(t.read && t.exec && !t.large && !t.global);
        // Not dirty yet: no write permission cached from a read.
        assert!(!t.write);
        // Accessed set at every level, dirty not.
        for at in [PML4 + 8, PDPT + 16, PD + 24, PT + 32] {
            assert_eq!(m.get(at) & (pte::A | pte::D), pte::A, "entry at {at:#x}");
        }
        let t = walk(&mut m, &LONG, LA, Access::Write, true).unwrap();
        assert!(t.write);
        assert_eq!(m.get(PT + 32) & (pte::A | pte::D), pte::A | pte::D);
        // Dirty is only for the leaf.
        assert_eq!(m.get(PD + 24) & pte::D, 0);
    }

    #[test]
    fn two_mib_page_and_its_reserved_bits() {
        let mut m = four_level(RWU, 0);
        m.set(PD + 3 * 8, 0x4060_0000 | RWU | pte::PS | pte::G);
        let t = walk(&mut m, &LONG, LA, Access::Read, false).unwrap();
        assert_eq!(t.pa, 0x4060_0000 | (LA & 0x1f_ffff));
        assert!(t.large && t.global);
        assert_eq!(m.get(PD + 24) & pte::A, pte::A);
        // Bit 12 is the PAT bit, not an address bit and not reserved.
        m.set(PD + 3 * 8, 0x4060_0000 | RWU | pte::PS | 1 << 12);
        let t = walk(&mut m, &LONG, LA, Access::Read, false).unwrap();
        assert_eq!(t.pa, 0x4060_0000 | (LA & 0x1f_ffff));
        // Bits 20:13 are reserved.
        m.set(PD + 3 * 8, 0x4060_0000 | RWU | pte::PS | 1 << 13);
        assert_eq!(
            err(&mut m, &LONG, LA, Access::Read, false),
            pf::P | pf::RSVD
        );
    }

    #[test]
    fn one_gib_page_and_its_reserved_bits() {
        let mut m = four_level(RWU, 0);
        m.set(PDPT + 2 * 8, 0x40_4000_0000 | RWU | pte::PS);
        let t = walk(&mut m, &LONG, LA, Access::Write, false).unwrap();
        assert_eq!(t.pa, 0x40_4000_0000 | (LA & 0x3fff_ffff));
        assert!(t.large && t.write);
        assert_eq!(m.get(PDPT + 16) & (pte::A | pte::D), pte::A | pte::D);
        m.set(PDPT + 2 * 8, 0x40_4000_0000 | RWU | pte::PS | 1 << 29);
        assert_eq!(
            err(&mut m, &LONG, LA, Access::Write, false),
            pf::P | pf::RSVD | pf::W
        );
    }

    #[test]
    fn reserved_bits_of_every_level() {
        // PS in a PML4E.
        let mut m = four_level(RWU, 0x5000);
        m.set(PML4 + 8, PDPT | RWU | pte::PS);
        assert_eq!(
            err(&mut m, &LONG, LA, Access::Read, false),
            pf::P | pf::RSVD
        );
        // A physical-address bit at PHYS_ADDR_BITS.
        let mut m = four_level(RWU | 1 << PHYS_ADDR_BITS, 0x5000);
        assert_eq!(
            err(&mut m, &LONG, LA, Access::Read, true),
            pf::P | pf::RSVD | pf::U
        );
        // XD with EFER.NXE = 0.
        let mut m = four_level(RWU | pte::XD, 0x5000);
        let no_nx = Control {
            efer: efer::LMA,
            ..LONG
        };
        assert_eq!(
            err(&mut m, &no_nx, LA, Access::Read, false),
            pf::P | pf::RSVD
        );
        // Bits 62:52 are ignored in 4-level paging.
        let mut m = four_level(RWU | 0x7ff0_0000_0000_0000, 0x5000);
        assert_eq!(
            walk(&mut m, &LONG, LA, Access::Read, false).unwrap().pa,
            0x5567
        );
        // A reserved bit on a non-present entry is not looked at.
        let mut m = four_level(pte::RW | 1 << PHYS_ADDR_BITS, 0x5000);
        assert_eq!(err(&mut m, &LONG, LA, Access::Read, false), 0);
    }

    #[test]
    fn not_present_at_each_level_with_the_access_bits() {
        for at in [PML4 + 8, PDPT + 16, PD + 24, PT + 32] {
            let mut m = four_level(RWU, 0x5000);
            m.set(at, 0);
            assert_eq!(err(&mut m, &LONG, LA, Access::Read, false), 0);
            assert_eq!(err(&mut m, &LONG, LA, Access::Write, false), pf::W);
            assert_eq!(err(&mut m, &LONG, LA, Access::Read, true), pf::U);
            assert_eq!(err(&mut m, &LONG, LA, Access::Fetch, true), pf::U | pf::ID);
        }
        // I/D is reported only with EFER.NXE = 1.
        let mut m = four_level(0, 0x5000);
        let no_nx = Control {
            efer: efer::LMA,
            ..LONG
        };
        assert_eq!(err(&mut m, &no_nx, LA, Access::Fetch, false), 0);
    }

    #[test]
    fn user_supervisor_and_read_write_rights() {
        // A supervisor page at the PDE level: user accesses fault, supervisor ones do not.
        let mut m = four_level(RWU, 0x5000);
        m.set(PD + 3 * 8, PT | pte::P | pte::RW);
        assert_eq!(err(&mut m, &LONG, LA, Access::Read, true), pf::P | pf::U);
        assert_eq!(
            err(&mut m, &LONG, LA, Access::Write, true),
            pf::P | pf::W | pf::U
        );
        assert!(walk(&mut m, &LONG, LA, Access::Write, false).is_ok());
        // Read-only at the PML4E: user writes fault; supervisor writes only with CR0.WP.
        let mut m = four_level(RWU, 0x5000);
        m.set(PML4 + 8, PDPT | pte::P | pte::US);
        assert_eq!(
            err(&mut m, &LONG, LA, Access::Write, true),
            pf::P | pf::W | pf::U
        );
        assert_eq!(err(&mut m, &LONG, LA, Access::Write, false), pf::P | pf::W);
        let t = walk(&mut m, &LONG, LA, Access::Read, true).unwrap();
        assert!(t.read && !t.write);
        let no_wp = Control {
            cr0: CR0 & !cr0::WP,
            ..LONG
        };
        let t = walk(&mut m, &no_wp, LA, Access::Write, false).unwrap();
        assert!(t.write);
        // A refused write leaves the leaf clean: dirty only on a permitted write.
        let mut m = four_level(pte::P | pte::US, 0x5000);
        assert!(walk(&mut m, &LONG, LA, Access::Write, true).is_err());
        assert_eq!(m.get(PT + 32) & pte::D, 0);
    }

    #[test]
    fn execute_disable() {
        let mut m = four_level(RWU, 0x5000);
        m.set(PDPT + 2 * 8, PD | RWU | pte::XD);
        assert_eq!(err(&mut m, &LONG, LA, Access::Fetch, false), pf::P | pf::ID);
        let t = walk(&mut m, &LONG, LA, Access::Read, false).unwrap();
        assert!(t.read && !t.exec);
    }

    #[test]
    fn global_pages_need_cr4_pge() {
        let mut m = four_level(RWU | pte::G, 0x5000);
        assert!(walk(&mut m, &LONG, LA, Access::Read, false).unwrap().global);
        let no_pge = Control {
            cr4: cr4::PAE,
            ..LONG
        };
        assert!(
            !walk(&mut m, &no_pge, LA, Access::Read, false)
                .unwrap()
                .global
        );
    }

    #[test]
    fn pae_paging() {
        // PDPTE 2 at CR3 = 0x1020 (32-byte aligned), PD, PT; la 0x8060_4567 has PDPTE index
        // 2, PD index 3, PT index 4.
        let la = (2 << 30) | (3 << 21) | (4 << 12) | 0x567;
        let c = Control {
            cr0: CR0,
            cr3: 0x1020,
            cr4: cr4::PAE,
            efer: 0,
        };
        let mut m = Mem(vec![0; 0x10000]);
        m.set(0x1020 + 16, PD | pte::P);
        m.set(PD + 24, PT | RWU);
        m.set(PT + 32, 0xf_0000_1000 | RWU);
        let t = walk(&mut m, &c, la, Access::Read, false).unwrap();
        assert_eq!(t.pa, 0xf_0000_1567);
        // PDPTEs have no accessed flag.
        assert_eq!(m.get(0x1020 + 16), PD | pte::P);
        // A 2 MiB page.
        m.set(PD + 24, 0x60_0000 | RWU | pte::PS);
        assert_eq!(
            walk(&mut m, &c, la, Access::Read, false).unwrap().pa,
            0x60_4567
        );
        // Bits 62:52 are reserved in PAE paging, and XD without NXE.
        m.set(PD + 24, 0x60_0000 | RWU | pte::PS | 1 << 52);
        assert_eq!(err(&mut m, &c, la, Access::Read, false), pf::P | pf::RSVD);
        m.set(PD + 24, 0x60_0000 | RWU | pte::PS | pte::XD);
        assert_eq!(err(&mut m, &c, la, Access::Read, false), pf::P | pf::RSVD);
        // XD is reserved in a PDPTE even with NXE.
        m.set(PD + 24, 0x60_0000 | RWU | pte::PS);
        m.set(0x1020 + 16, PD | pte::P | pte::XD);
        let nx = Control {
            efer: efer::NXE,
            ..c
        };
        assert_eq!(err(&mut m, &nx, la, Access::Read, false), pf::P | pf::RSVD);
        // Not present.
        m.set(0x1020 + 16, 0);
        assert_eq!(err(&mut m, &c, la, Access::Write, true), pf::W | pf::U);
    }

    #[test]
    fn thirty_two_bit_paging() {
        let c = Control {
            cr0: CR0,
            cr3: 0x1000,
            cr4: cr4::PSE,
            efer: 0,
        };
        // PDE index 0x201, PTE index 4.
        let la = (0x201 << 22) | (4 << 12) | 0x567;
        let mut m = Mem(vec![0; 0x10000]);
        m.set(0x1000 + 0x201 * 4, PT | RWU);
        m.set(PT + 16, 0x8765_4000 | RWU);
        let t = walk(&mut m, &c, la, Access::Write, false).unwrap();
        assert_eq!(t.pa, 0x8765_4567);
        assert_eq!(m.load(PT + 16, 4), 0x8765_4000 | RWU | pte::A | pte::D);
        assert_eq!(m.load(0x1000 + 0x201 * 4, 4), PT | RWU | pte::A);
        // A 4 MiB page with PSE-36 bits 20:13 = 0x12 → physical bits 39:32.
        let pde = 0x0840_0000 | 0x12 << 13 | RWU | pte::PS;
        m.set(0x1000 + 0x201 * 4, pde);
        let t = walk(&mut m, &c, la, Access::Write, false).unwrap();
        assert_eq!(t.pa, 0x12_0840_0000 | (la & 0x3f_ffff));
        // The A/D update keeps the PSE-36 bits.
        assert_eq!(m.load(0x1000 + 0x201 * 4, 4), pde | pte::A | pte::D);
        // Bit 21 is reserved, and the PSE-36 bit of physical-address bit MAXPHYADDR.
        m.set(0x1000 + 0x201 * 4, pde | 1 << 21);
        assert_eq!(err(&mut m, &c, la, Access::Read, false), pf::P | pf::RSVD);
        if PHYS_ADDR_BITS < 40 {
            m.set(0x1000 + 0x201 * 4, pde | 1 << (13 + PHYS_ADDR_BITS - 32));
            assert_eq!(err(&mut m, &c, la, Access::Read, false), pf::P | pf::RSVD);
        }
        // Without CR4.PSE, PS is ignored: the PDE points to a page table.
        m.set(0x1000 + 0x201 * 4, PT | RWU | pte::PS);
        let no_pse = Control { cr4: 0, ..c };
        assert_eq!(
            walk(&mut m, &no_pse, la, Access::Read, false).unwrap().pa,
            0x8765_4567
        );
    }

    #[test]
    fn random_tables_never_panic_and_keep_the_page_offset() {
        // Tables of random bytes (entries pointing anywhere: reads beyond the 64 KiB read as
        // all ones, as a bus with nothing there), random control registers and addresses.
        struct Wild(Mem);
        impl TableMem for Wild {
            fn load(&mut self, pa: u64, size: u8) -> u64 {
                if pa < 0x10000 - 8 {
                    self.0.load(pa, size)
                } else {
                    u64::MAX >> (64 - 8 * size as u32)
                }
            }
            fn store32(&mut self, pa: u64, v: u32) {
                if pa < 0x10000 - 4 {
                    self.0.store32(pa, v)
                }
            }
        }
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut m = Wild(Mem((0..0x10000).map(|_| next() as u8).collect()));
        for _ in 0..100_000 {
            let r = next();
            let c = Control {
                cr0: cr0::PG | if r & 1 != 0 { cr0::WP } else { 0 },
                cr3: next() & 0xf000,
                cr4: r & (cr4::PAE | cr4::PSE | cr4::PGE),
                efer: r & (efer::LMA | efer::NXE),
            };
            let la = next();
            let access = [Access::Read, Access::Write, Access::Fetch][(r >> 20) as usize % 3];
            match walk(&mut m, &c, la, access, r & (1 << 30) != 0) {
                Ok(t) => assert_eq!(t.pa & 0xfff, la & 0xfff),
                Err(f) => assert_eq!(f.addr, la),
            }
            // Keep the tables random: undo the walk's accessed/dirty updates now and then.
            if r & 0xff == 0 {
                let at = (next() & 0xfff8) as usize;
                m.0 .0[at] = next() as u8;
            }
        }
    }
}
