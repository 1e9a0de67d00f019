//! Stage-1 address translation (DDI 0487 D8, "The AArch64 Virtual Memory System Architecture":
//! D8.1 translation regimes, D8.2 VA ranges and TTBR selection, D8.3 descriptors, D8.4 memory
//! access control, D8.5 memory attributes; the pseudocode of AArch64.S1Translate /
//! AArch64.S1DisabledOutput / AArch64.S1ComputePermissions).
//!
//! Regimes: EL1&0 (SCTLR_EL1, TCR_EL1, TTBR0/1_EL1, MAIR_EL1) seen from EL0 or EL1, and the
//! non-VHE EL2 regime (SCTLR_EL2, TCR_EL2, TTBR0_EL2, MAIR_EL2, one VA range). Each has an index
//! ([`IDX_EL0`], [`IDX_EL1`], [`IDX_EL2`]) that also names its software TLB set.
//!
//! Modelled: 4K/16K/64K granules, T0SZ/T1SZ 16..=39 (out of range: translation fault level 0,
//! as QEMU chooses), TTBR0/TTBR1 split by VA bit 55, EPD0/EPD1, TBI0/TBI1 (TBI for EL2; with no
//! pointer authentication TBI covers instruction addresses too), IPS/PS bounded by PARange
//! (44 bits), table/block/page descriptors with blocks where ARMv8.0 has them (4K: levels 1-2,
//! 16K and 64K: level 2), APTable/UXNTable/PXNTable, AP[2:1], UXN/PXN (XN at EL2), EL0-writable
//! implies PXN, SCTLR.WXN, the access flag (no hardware update: FEAT_HAFDBS is not advertised),
//! MAIR attributes (Device when Attr<7:4> = 0), HCR_EL2.TGE/DC for the EL1&0 regime.
//! With stage 1 off, data accesses are Device-nGnRnE and instruction fetches Normal
//! (AArch64.S1DisabledOutput), unless HCR_EL2.DC makes them Normal write-back.
//!
//! Fault priorities (R_XCHFJ): SCTLR.A alignment (checked by the caller), then the walk's
//! translation / address size / access flag faults, then an unaligned access to Device memory,
//! then permission. Not modelled: stage 2 (HCR_EL2.VM), the contiguous hint (a TLB hint only),
//! PAN, `TODO(FEAT_S2)`.

use super::exception::Trap;
use super::mem::{Access, Bus, PAGE_MASK, PAGE_SIZE, PA_BITS};
use super::state::Cpu;
use super::sysreg::Reg;

/// Translation for EL0 in the EL1&0 regime.
pub const IDX_EL0: usize = 0;
/// Translation for EL1 in the EL1&0 regime.
pub const IDX_EL1: usize = 1;
/// Translation for EL2 in the EL2 regime.
pub const IDX_EL2: usize = 2;

/// Permission bits of a [`Walk`].
pub const PERM_R: u8 = 1;
/// Write permission.
pub const PERM_W: u8 = 2;
/// Execute permission.
pub const PERM_X: u8 = 4;

/// Fault status codes (DFSC/IFSC, DDI 0487 D17 ESR_ELx ISS encodings; add the level).
pub mod fsc {
    /// Address size fault, level 0..3.
    pub const ADDR_SIZE: u8 = 0x00;
    /// Translation fault, level 0..3.
    pub const TRANSLATION: u8 = 0x04;
    /// Access flag fault, level 1..3 (0 is not reachable: no level-0 blocks).
    pub const ACCESS_FLAG: u8 = 0x08;
    /// Permission fault, level 1..3.
    pub const PERMISSION: u8 = 0x0c;
    /// Synchronous external abort, not on a walk.
    pub const EXTERNAL: u8 = 0x10;
    /// Synchronous external abort on a translation table walk, level 0..3.
    pub const EXTERNAL_WALK: u8 = 0x14;
    /// Alignment fault.
    pub const ALIGNMENT: u8 = 0x21;
}

/// SCTLR_ELx.M: stage 1 enabled.
const SCTLR_M: u64 = 1 << 0;
/// SCTLR_ELx.A: alignment checking of data accesses.
pub const SCTLR_A: u64 = 1 << 1;
/// SCTLR_ELx.WXN: writable implies execute-never.
const SCTLR_WXN: u64 = 1 << 19;
/// HCR_EL2.DC: stage 1 of EL1&0 behaves as disabled, memory Normal write-back.
const HCR_DC: u64 = 1 << 12;
/// HCR_EL2.TGE: EL1&0 stage 1 disabled for accesses from EL0/EL1.
const HCR_TGE: u64 = 1 << 27;
/// Descriptor bits 47:12: output address field (the granule clears the bits below it).
const OA_MASK: u64 = 0x0000_ffff_ffff_f000;
/// TCR.{I}PS / PARange encodings to bits.
const PA_SIZES: [u32; 8] = [32, 36, 40, 42, 44, 48, 52, 52];

/// The result of a successful stage-1 translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walk {
    /// Physical address of the byte translated.
    pub pa: u64,
    /// Memory attributes in MAIR format (0x00 = Device-nGnRnE, 0xff = Normal write-back).
    pub attr: u8,
    /// Shareability, descriptor SH[1:0] (0b10 outer for stage 1 disabled).
    pub sh: u8,
    /// Level of the leaf descriptor (0 with stage 1 disabled), for permission fault codes.
    pub level: u8,
    /// log2 of the size of the mapping (12 for a 4K page, 21 for a 2M block, …).
    pub span: u8,
    /// What the regime allows: [`PERM_R`] | [`PERM_W`] | [`PERM_X`].
    pub perms: u8,
}

impl Walk {
    /// Whether the memory is Device memory (MAIR Attr<7:4> == 0).
    #[inline]
    pub fn device(&self) -> bool {
        self.attr & 0xf0 == 0
    }
}

/// The system registers of one regime.
struct Regime {
    sctlr: u64,
    tcr: u64,
    ttbr: [u64; 2],
    mair: u64,
    /// EL1&0: two VA ranges, EL0/EL1 permissions; EL2: one range.
    two_ranges: bool,
    /// Unprivileged (EL0) permissions.
    user: bool,
}

impl Cpu {
    fn regime(&self, idx: usize) -> Regime {
        let s = &self.sys;
        if idx == IDX_EL2 {
            Regime {
                sctlr: s.get(Reg::SctlrEl2),
                tcr: s.get(Reg::TcrEl2),
                ttbr: [s.get(Reg::Ttbr0El2), 0],
                mair: s.get(Reg::MairEl2),
                two_ranges: false,
                user: false,
            }
        } else {
            Regime {
                sctlr: s.get(Reg::SctlrEl1),
                tcr: s.get(Reg::TcrEl1),
                ttbr: [s.get(Reg::Ttbr0El1), s.get(Reg::Ttbr1El1)],
                mair: s.get(Reg::MairEl1),
                two_ranges: true,
                user: idx == IDX_EL0,
            }
        }
    }

    /// HCR_EL2 as it affects the EL1&0 regime (zero without EL2).
    #[inline]
    fn hcr(&self) -> u64 {
        if self.max_el >= 2 {
            self.sys.get(Reg::HcrEl2)
        } else {
            0
        }
    }

    /// SCTLR_ELx.A of the regime `idx`: every unaligned data access faults.
    #[inline]
    pub fn strict_alignment(&self, idx: usize) -> bool {
        let sctlr = if idx == IDX_EL2 {
            self.sys.get(Reg::SctlrEl2)
        } else {
            self.sys.get(Reg::SctlrEl1)
        };
        sctlr & SCTLR_A != 0
    }

    /// Stage-1 translation of `va` in the regime `idx` (no permission check; `exec` selects the
    /// stage-1-disabled attributes of instruction fetches). `at` is set for AT instructions,
    /// which HCR_EL2.TGE does not affect. Faults are returned as a fault status code.
    pub fn walk(
        &self,
        bus: &mut dyn Bus,
        va: u64,
        idx: usize,
        exec: bool,
        at: bool,
    ) -> Result<Walk, u8> {
        let r = self.regime(idx);
        let hcr = if idx == IDX_EL2 { 0 } else { self.hcr() };
        let disabled = r.sctlr & SCTLR_M == 0 || hcr & HCR_DC != 0 || (!at && hcr & HCR_TGE != 0);
        // TBI: TBI0/TBI1 by VA bit 55 for EL1&0, TCR_EL2.TBI for EL2.
        let tbi = if r.two_ranges {
            r.tcr >> (37 + ((va >> 55) & 1)) & 1 != 0
        } else {
            r.tcr >> 20 & 1 != 0
        };
        if disabled {
            return self.disabled(va, tbi, exec, hcr);
        }
        let select = if r.two_ranges { (va >> 55) & 1 } else { 0 };
        let (tsz, epd, tg) = if select == 0 {
            let g = match (r.tcr >> 14) & 3 {
                1 => 16,
                2 => 14,
                _ => 12, // 0: 4K; 3 is reserved: the smallest granule, as QEMU chooses
            };
            let epd = r.two_ranges && r.tcr >> 7 & 1 != 0;
            (r.tcr & 0x3f, epd, g)
        } else {
            let g = match (r.tcr >> 30) & 3 {
                1 => 14,
                3 => 16,
                _ => 12,
            };
            ((r.tcr >> 16) & 0x3f, r.tcr >> 23 & 1 != 0, g)
        };
        let fault0 = fsc::TRANSLATION;
        if !(16..=39).contains(&tsz) || epd {
            return Err(fault0);
        }
        let inputsize = 64 - tsz as u32;
        // Bits [addrtop:inputsize] must all equal the range selector.
        let addrtop = if tbi { 55 } else { 63 };
        let top = (va << (63 - addrtop)) as i64 >> (63 - addrtop + inputsize);
        if top != -(select as i64) {
            return Err(fault0);
        }
        let ips = if r.two_ranges {
            (r.tcr >> 32) & 7
        } else {
            (r.tcr >> 16) & 7
        };
        let outputsize = PA_SIZES[ips as usize].min(PA_BITS);
        let stride = tg - 3;
        let mut level = 4 - (inputsize - 4) / stride;
        let ttbr = r.ttbr[select as usize];
        let mut base = ttbr & 0x0000_ffff_ffff_ffff;
        if base >> outputsize != 0 {
            return Err(fsc::ADDR_SIZE);
        }
        // The start-level table holds 2^(inputsize - shift) descriptors and is aligned to its
        // size; the bits below (RES0, CnP) are ignored.
        let shift0 = tg + stride * (3 - level);
        let mut index_bits = inputsize - shift0;
        base &= !((1u64 << (index_bits + 3)) - 1);
        // NSTable, APTable[1:0], UXNTable/XNTable, PXNTable gathered from descriptors 63:59.
        let mut table = 0u64;
        loop {
            let shift = tg + stride * (3 - level);
            let index = (va >> shift) & ((1u64 << index_bits) - 1);
            let addr = base + index * 8;
            let desc = read_desc(bus, addr).ok_or(fsc::EXTERNAL_WALK + level as u8)?;
            let lvl = level as u8;
            if desc & 1 == 0 {
                return Err(fsc::TRANSLATION + lvl);
            }
            let is_table = desc & 2 != 0 && level < 3;
            if desc & 2 == 0 {
                // Block: 4K at levels 1 and 2, 16K and 64K at level 2 only (ARMv8.0).
                let ok = match tg {
                    12 => level == 1 || level == 2,
                    _ => level == 2,
                };
                if !ok {
                    return Err(fsc::TRANSLATION + lvl);
                }
            }
            let oa = desc & OA_MASK & !((1u64 << tg) - 1);
            if oa >> outputsize != 0 {
                return Err(fsc::ADDR_SIZE + lvl);
            }
            if is_table {
                table |= desc >> 59;
                base = oa;
                level += 1;
                index_bits = stride;
                continue;
            }
            if desc & (1 << 10) == 0 {
                return Err(fsc::ACCESS_FLAG + lvl);
            }
            let pa = (oa & !((1u64 << shift) - 1)) | (va & ((1u64 << shift) - 1));
            let attr = (r.mair >> (8 * ((desc >> 2) & 7))) as u8;
            return Ok(Walk {
                pa,
                attr,
                sh: ((desc >> 8) & 3) as u8,
                level: lvl,
                span: shift as u8,
                perms: permissions(&r, desc, table),
            });
        }
    }

    /// AArch64.S1DisabledOutput: VA = PA below PAMax (the top byte ignored under TBI), data
    /// Device-nGnRnE and instructions Normal, both Outer Shareable; Normal write-back when
    /// HCR_EL2.DC applies.
    fn disabled(&self, va: u64, tbi: bool, exec: bool, hcr: u64) -> Result<Walk, u8> {
        let addrtop = if tbi { 55 } else { 63 };
        if (va << (63 - addrtop)) >> (63 - addrtop + PA_BITS) != 0 {
            return Err(fsc::ADDR_SIZE);
        }
        let (attr, sh) = if hcr & HCR_DC != 0 {
            (0xff, 0)
        } else if exec {
            (0x44, 2)
        } else {
            (0x00, 2)
        };
        Ok(Walk {
            pa: va & ((1 << PA_BITS) - 1),
            attr,
            sh,
            level: 0,
            span: 12,
            perms: PERM_R | PERM_W | PERM_X,
        })
    }

    /// Translate `va` for `access` in the regime `idx` with the checks that follow the walk:
    /// an unaligned (`unaligned`) data access to Device memory takes an alignment fault, then
    /// the permission check. Faults become aborts reporting `va`.
    pub fn translate(
        &self,
        bus: &mut dyn Bus,
        va: u64,
        access: Access,
        idx: usize,
        unaligned: bool,
    ) -> Result<Walk, Trap> {
        let exec = access == Access::Exec;
        let w = self
            .walk(bus, va, idx, exec, false)
            .map_err(|f| Trap::abort(access, va, f))?;
        if unaligned && !exec && w.device() {
            return Err(Trap::abort(access, va, fsc::ALIGNMENT));
        }
        let need = match access {
            Access::Read => PERM_R,
            Access::Write => PERM_W,
            Access::Exec => PERM_X,
        };
        if w.perms & need == 0 {
            return Err(Trap::abort(access, va, fsc::PERMISSION + w.level));
        }
        Ok(w)
    }
}

/// Read a descriptor at physical `pa` (8-aligned): RAM, or a device that answers.
fn read_desc(bus: &mut dyn Bus, pa: u64) -> Option<u64> {
    if let Some(host) = bus.ram_page(pa & !PAGE_MASK, false) {
        let off = (pa & PAGE_MASK) as usize;
        debug_assert!(off + 8 <= PAGE_SIZE as usize);
        let mut b = [0u8; 8];
        // SAFETY: `host` is a RAM page of PAGE_SIZE bytes (Bus contract); off + 8 <= PAGE_SIZE
        // since `pa` is 8-aligned.
        unsafe { std::ptr::copy_nonoverlapping(host.as_ptr().add(off), b.as_mut_ptr(), 8) };
        return Some(u64::from_le_bytes(b));
    }
    bus.mmio_read(pa, 8).ok()
}

/// AArch64.S1ComputePermissions for a leaf descriptor and the gathered table bits (63:59 of
/// each table descriptor, ORed: bit 0 PXNTable, 1 UXN/XNTable, 2 APTable[0], 3 APTable[1]).
fn permissions(r: &Regime, desc: u64, table: u64) -> u8 {
    // AP[2:1] as a 2-bit value: bit 1 = AP[2] (read-only), bit 0 = AP[1] (EL0 access).
    let mut ap = (desc >> 6) & 3;
    if table & 4 != 0 && r.two_ranges {
        ap &= !1; // APTable[0]: no EL0 access below
    }
    if table & 8 != 0 {
        ap |= 2; // APTable[1]: no write access below
    }
    let xn = desc >> 54 & 1 != 0 || table & 2 != 0;
    let pxn = desc >> 53 & 1 != 0 || table & 1 != 0;
    let wxn = r.sctlr & SCTLR_WXN != 0;
    let (read, write, exec_never) = if !r.two_ranges {
        // EL2: AP[1] is RES1 (ignored); XN only.
        let w = ap & 2 == 0;
        (true, w, xn)
    } else if r.user {
        let w = ap == 0b01;
        (ap & 1 != 0, w, xn)
    } else {
        // Privileged: a region writable at EL0 is PXN.
        let user_w = ap == 0b01;
        (true, ap & 2 == 0, pxn || user_w)
    };
    let mut p = 0;
    if read {
        p |= PERM_R;
    }
    if write {
        p |= PERM_W;
    }
    if !exec_never && !(wxn && write) {
        p |= PERM_X;
    }
    p
}

#[cfg(test)]
pub(crate) mod tests {
    //! Page tables are built in guest RAM by the helpers below; expected PAs, fault status codes
    //! and PAR_EL1 values follow DDI 0487 D8 and the PAR_EL1 / ESR_ELx descriptions in D19.
    use super::*;
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::{BlockCache, Exit};

    /// MAIR attribute index 0 = Normal write-back (0xff), 1 = Device-nGnRnE (0x00).
    pub(crate) const MAIR: u64 = 0x00ff;
    /// Leaf descriptor bits: AF, SH inner shareable.
    pub(crate) const AF: u64 = 1 << 10 | 3 << 8;

    /// Level-1 descriptor for the identity block of GB `i`.
    const fn gb_block(i: u64) -> u64 {
        (i << 30) | AF | 0b01
    }

    /// Turn on stage 1 for EL1&0 and EL2 with an identity map of the first 512 GB as Normal
    /// memory (4K granule, T0SZ = 25, AP = 00: EL1/EL2 read-write, EL0 no access), using three
    /// table pages at `tables`: level-1 1 GB blocks, except that the 2 MB around `page` is
    /// mapped by 4K pages whose attribute bits (AF, AP, XN, AttrIndx…) `leaf(pa)` gives. What
    /// ordinary tests need to run on Normal memory.
    pub(crate) fn identity_map(
        cpu: &mut Cpu,
        bus: &mut FlatBus,
        tables: u64,
        page: u64,
        leaf: impl Fn(u64) -> u64,
    ) {
        let (l1, l2, l3) = (tables, tables + 0x1000, tables + 0x2000);
        for i in 0..512u64 {
            bus.load(l1 + 8 * i, &gb_block(i).to_le_bytes());
        }
        let gb = page >> 30;
        bus.load(l1 + 8 * gb, &(l2 | 0b11).to_le_bytes());
        for i in 0..512u64 {
            let pa = (gb << 30) | (i << 21);
            bus.load(l2 + 8 * i, &(pa | AF | 0b01).to_le_bytes());
        }
        let mb2 = (page >> 21) & 511;
        bus.load(l2 + 8 * mb2, &(l3 | 0b11).to_le_bytes());
        for i in 0..512u64 {
            let pa = (page & !0x1f_ffff) | (i << 12);
            bus.load(l3 + 8 * i, &(pa | leaf(pa) | 0b11).to_le_bytes());
        }
        cpu.sys.set(Reg::MairEl1, MAIR);
        cpu.sys.set(Reg::MairEl2, MAIR);
        cpu.sys.set(Reg::TcrEl1, 25 | 1 << 23 | 4 << 32);
        cpu.sys.set(Reg::TcrEl2, 25 | 4 << 16);
        cpu.sys.set(Reg::Ttbr0El1, l1);
        cpu.sys.set(Reg::Ttbr0El2, l1);
        let s1 = cpu.sys.get(Reg::SctlrEl1);
        cpu.sys.set(Reg::SctlrEl1, s1 | SCTLR_M);
        let s2 = cpu.sys.get(Reg::SctlrEl2);
        cpu.sys.set(Reg::SctlrEl2, s2 | SCTLR_M);
        cpu.tlb.flush();
    }
}
