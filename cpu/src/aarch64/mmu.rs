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
//! ASIDs: TLB entries are not tagged; a write that changes a TTBR (and so the ASID) flushes the
//! regime's TLB sets, so TCR.A1/AS need no decoding and global entries are simply re-walked.
//! With stage 1 off, data accesses are Device-nGnRnE and instruction fetches Normal
//! (AArch64.S1DisabledOutput), unless HCR_EL2.DC makes them Normal write-back.
//!
//! Fault priorities (R_XCHFJ): SCTLR.A alignment (checked by the caller), then the walk's
//! translation / address size / access flag faults, then an unaligned access to Device memory,
//! then permission. Not modelled: stage 2 (HCR_EL2.VM), the contiguous hint (a TLB hint only),
//! PAN, DC ZVA's alignment fault on Device memory, `TODO(FEAT_S2)`.

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
    if !(exec_never || (wxn && write)) {
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

    // ## Stage 1 at work: page tables built in guest RAM, code run by the interpreter.
    //
    // Instruction words from `aarch64-linux-gnu-as`.
    const LDR_X0_X1: u32 = 0xf940_0020; // ldr x0, [x1]
    const LDR_W0_X1: u32 = 0xb940_0020; // ldr w0, [x1]
    const STR_X0_X1_8: u32 = 0xf900_0420; // str x0, [x1, #8]
    const STR_X2_X1: u32 = 0xf900_0022; // str x2, [x1]
    const LDR_X2_X3: u32 = 0xf940_0062; // ldr x2, [x3]
    const STR_X3_X4: u32 = 0xf900_0083; // str x3, [x4]
    const LDR_X5_X1: u32 = 0xf940_0025; // ldr x5, [x1]
    const LDR_X7_X1: u32 = 0xf940_0027; // ldr x7, [x1]
    const TLBI_VAE1_X6: u32 = 0xd508_8726; // tlbi vae1, x6
    const TLBI_VMALLE1: u32 = 0xd508_871f; // tlbi vmalle1
    const DSB_SY: u32 = 0xd503_3f9f; // dsb sy
    const AT_S1E1R_X1: u32 = 0xd508_7801; // at s1e1r, x1
    const AT_S1E1W_X1: u32 = 0xd508_7821; // at s1e1w, x1
    const AT_S1E0R_X1: u32 = 0xd508_7841; // at s1e0r, x1
    const AT_S1E2R_X1: u32 = 0xd50c_7801; // at s1e2r, x1
    const MRS_X0_PAR: u32 = 0xd538_7400; // mrs x0, par_el1
    const LDTR_X0_X1: u32 = 0xf840_0820; // ldtr x0, [x1]
    const BR_X1: u32 = 0xd61f_0020; // br x1
    const HVC0: u32 = 0xd400_0002; // hvc #0

    const RAM: u64 = 0x4000_0000;
    const RAM_SIZE: usize = 0x80_0000;
    /// Physical pages: code, vectors, data; tables are allocated from TABLES on.
    const CODE: u64 = RAM + 0x10_0000;
    const VECS: u64 = RAM + 0x12_0000;
    const DATA: u64 = RAM + 0x20_0000;
    const DATA2: u64 = RAM + 0x40_0000;
    const TABLES: u64 = RAM + 0x60_0000;
    /// VA of the data page (TTBR0 range) and offset of code/vectors in the TTBR1 range.
    const DATA_VA: u64 = 0x3_0000;
    const CODE_OFF: u64 = 0x10_0000;
    const VECS_OFF: u64 = 0x12_0000;

    /// Leaf attributes: Normal (AttrIndx 0) with AF; AP = 00 (EL1 read-write, EL0 none).
    const NORMAL: u64 = AF;
    /// Device-nGnRnE (AttrIndx 1) with AF.
    const DEVICE: u64 = AF | 1 << 2;
    /// AP = 01: EL1 and EL0 read-write.
    const AP_EL0_RW: u64 = 1 << 6;
    /// AP = 10: EL1 read-only, EL0 none.
    const AP_RO: u64 = 2 << 6;
    /// AP = 11: EL1 and EL0 read-only.
    const AP_RO_ALL: u64 = 3 << 6;
    const PXN: u64 = 1 << 53;
    const UXN: u64 = 1 << 54;

    /// One translation table tree: granule bits `g`, VA size, root table.
    #[derive(Clone, Copy)]
    struct Pt {
        g: u32,
        inputsize: u32,
        root: u64,
    }

    impl Pt {
        fn start(&self) -> u32 {
            4 - (self.inputsize - 4) / (self.g - 3)
        }

        fn shift(&self, level: u32) -> u32 {
            self.g + (self.g - 3) * (3 - level)
        }

        /// Address of the descriptor for `va` at `level`, creating the tables above it.
        fn slot(&self, m: &mut M, va: u64, level: u32) -> u64 {
            let mut table = self.root;
            for lvl in self.start()..=level {
                let sh = self.shift(lvl);
                let bits = if lvl == self.start() {
                    self.inputsize - sh
                } else {
                    self.g - 3
                };
                let at = table + 8 * ((va >> sh) & ((1 << bits) - 1));
                if lvl == level {
                    return at;
                }
                let d = m.q(at);
                table = if d & 1 == 0 {
                    let t = m.alloc(self.g);
                    m.put(at, t | 0b11);
                    t
                } else {
                    d & OA_MASK & !((1 << self.g) - 1)
                };
            }
            unreachable!("level below the start level")
        }

        /// Map `va` to `pa` with a leaf at `level` (a page at 3, a block above).
        fn map(&self, m: &mut M, va: u64, pa: u64, level: u32, attrs: u64) {
            let at = self.slot(m, va, level);
            m.put(at, pa | attrs | if level == 3 { 0b11 } else { 0b01 });
        }
    }

    struct M {
        cpu: Cpu,
        bus: FlatBus,
        cache: BlockCache,
        next: u64,
        t0: Pt,
        t1: Pt,
        code_va: u64,
        vec_va: u64,
    }

    impl M {
        fn q(&self, pa: u64) -> u64 {
            let o = (pa - RAM) as usize;
            u64::from_le_bytes(self.bus.ram()[o..o + 8].try_into().unwrap())
        }

        fn put(&mut self, pa: u64, v: u64) {
            self.bus.load(pa, &v.to_le_bytes());
        }

        fn alloc(&mut self, g: u32) -> u64 {
            let size = 1u64 << g;
            let t = (self.next + size - 1) & !(size - 1);
            self.next = t + size;
            t
        }

        fn slot0(&mut self, va: u64, level: u32) -> u64 {
            let t = self.t0;
            t.slot(self, va, level)
        }

        fn map0(&mut self, va: u64, pa: u64, level: u32, attrs: u64) {
            let t = self.t0;
            t.map(self, va, pa, level, attrs);
        }

        /// Run `words` from the code VA at the current EL until HVC #0 exits.
        fn run(&mut self, words: &[u32]) {
            self.bus.load_words(CODE, words);
            self.cache = BlockCache::new();
            self.cpu.pc = self.code_va;
            assert_eq!(
                self.cpu.run(&mut self.cache, &mut self.bus, 1000),
                Exit::Hvc(0)
            );
        }

        fn esr(&self) -> u64 {
            self.cpu.sys.get(Reg::EsrEl1)
        }

        fn far(&self) -> u64 {
            self.cpu.sys.get(Reg::FarEl1)
        }

        /// The last run ended in the vector for an exception from `lower` or the same EL.
        fn took(&self, lower: bool) -> bool {
            self.cpu.pc == self.vec_va + if lower { 0x404 } else { 0x204 }
        }
    }

    fn tcr(g: u32, t0sz: u32, t1sz: u32) -> u64 {
        let tg0 = match g {
            12 => 0,
            16 => 1,
            _ => 2,
        };
        let tg1 = match g {
            12 => 2,
            14 => 1,
            _ => 3,
        };
        t0sz as u64 | tg0 << 14 | (t1sz as u64) << 16 | tg1 << 30 | 4 << 32
    }

    /// EL1 with stage 1 on: granule `g`, T0SZ/T1SZ; code (read-only, executable at EL0 and
    /// EL1) and vectors (EL1 only, an HVC #0 at the current-EL and lower-EL synchronous
    /// entries; read-only, so that SCTLR.WXN leaves them executable) in the TTBR1 range;
    /// nothing in the TTBR0 range yet.
    fn machine(g: u32, t0sz: u32, t1sz: u32) -> M {
        let mut bus = FlatBus::new(RAM, RAM_SIZE);
        bus.load_words(VECS + 0x200, &[HVC0]);
        bus.load_words(VECS + 0x400, &[HVC0]);
        let mut m = M {
            cpu: Cpu::new(1),
            bus,
            cache: BlockCache::new(),
            next: TABLES,
            t0: Pt {
                g,
                inputsize: 64 - t0sz,
                root: 0,
            },
            t1: Pt {
                g,
                inputsize: 64 - t1sz,
                root: 0,
            },
            code_va: (u64::MAX << (64 - t1sz)) | CODE_OFF,
            vec_va: (u64::MAX << (64 - t1sz)) | VECS_OFF,
        };
        m.t0.root = m.alloc(g);
        m.t1.root = m.alloc(g);
        let t1 = m.t1;
        let (code_va, vec_va) = (m.code_va, m.vec_va);
        t1.map(&mut m, code_va, CODE, 3, NORMAL | AP_RO_ALL);
        t1.map(&mut m, vec_va, VECS, 3, NORMAL | AP_RO);
        let c = &mut m.cpu;
        c.sys.set(Reg::MairEl1, MAIR);
        c.sys.set(Reg::TcrEl1, tcr(g, t0sz, t1sz));
        c.sys.set(Reg::Ttbr0El1, m.t0.root);
        c.sys.set(Reg::Ttbr1El1, m.t1.root | 0x1234 << 48);
        c.sys.set(Reg::VbarEl1, m.vec_va);
        let s = c.sys.get(Reg::SctlrEl1);
        c.sys.set(Reg::SctlrEl1, s | SCTLR_M);
        c.tlb.flush();
        m
    }

    /// ESR of a data abort (EC 0x24 lower / 0x25 same EL, IL) with WnR and DFSC.
    fn dabt(same_el: bool, write: bool, dfsc: u64) -> u64 {
        (0x24 + same_el as u64) << 26 | 1 << 25 | (write as u64) << 6 | dfsc
    }

    /// ESR of an instruction abort (EC 0x20 lower / 0x21 same EL, IL) with IFSC.
    fn iabt(same_el: bool, ifsc: u64) -> u64 {
        (0x20 + same_el as u64) << 26 | 1 << 25 | ifsc
    }

    #[test]
    fn loads_stores_and_fetches_in_each_granule() {
        // (granule bits, T0SZ, T1SZ): start levels 0..3 between them.
        for (g, t0sz, t1sz) in [
            (12, 16, 16),
            (12, 25, 30),
            (12, 34, 39),
            (14, 16, 17),
            (14, 28, 33),
            (16, 16, 16),
            (16, 22, 34),
            (16, 34, 39),
        ] {
            let mut m = machine(g, t0sz, t1sz);
            m.put(DATA, 0x1122_3344_5566_7788);
            m.put(DATA2, 0xabcd);
            m.map0(DATA_VA, DATA, 3, NORMAL);
            // A level-2 block of the granule's size (2 MB, 32 MB, 512 MB) holding DATA2, where
            // the VA range has room for it.
            let block = 1u64 << (g + (g - 3));
            let inputsize = 64 - t0sz;
            let block_va = if (block << 1) <= 1 << inputsize {
                m.map0(block, DATA2 & !(block - 1), 2, NORMAL);
                block + (DATA2 & (block - 1))
            } else {
                m.map0(DATA_VA + 0x10000, DATA2, 3, NORMAL);
                DATA_VA + 0x10000
            };
            m.cpu.x[1] = DATA_VA;
            m.cpu.x[3] = block_va;
            m.run(&[LDR_X0_X1, STR_X0_X1_8, LDR_X2_X3, HVC0]);
            let what = format!(
                "granule {g}, T0SZ {t0sz}, T1SZ {t1sz}: ESR {:#x} FAR {:#x}",
                m.esr(),
                m.far()
            );
            assert_eq!(m.cpu.pc, m.code_va + 16, "{what}: ran at the TTBR1 VA");
            assert_eq!(m.cpu.x[0], 0x1122_3344_5566_7788, "{what}");
            assert_eq!(m.q(DATA + 8), 0x1122_3344_5566_7788, "{what}");
            assert_eq!(m.cpu.x[2], 0xabcd, "{what}");
        }
    }

    #[test]
    fn level_1_block_with_4k_granule() {
        let mut m = machine(12, 25, 25);
        m.map0(1 << 30, RAM, 1, NORMAL);
        m.put(DATA + 0x18, 77);
        m.cpu.x[1] = (1 << 30) + (DATA - RAM) + 0x10;
        m.run(&[0xf940_0420, HVC0]); // ldr x0, [x1, #8]
        assert_eq!(m.cpu.x[0], 77);
    }

    /// `ldr x0, [x1]` (or `str x2, [x1]`) at EL1 faults at `va`: ESR and FAR.
    fn data_fault(m: &mut M, va: u64, write: bool) -> (u64, u64) {
        m.cpu.x[1] = va;
        m.run(&[if write { STR_X2_X1 } else { LDR_X0_X1 }, HVC0]);
        assert!(m.took(false), "took a data abort at {va:#x}");
        (m.esr(), m.far())
    }

    #[test]
    fn translation_faults_report_the_level() {
        // 4K granule, 48-bit VAs: levels 0..3.
        let mut m = machine(12, 16, 16);
        let va = 0x0000_1234_5660_0000u64;
        m.map0(va, DATA, 3, NORMAL);
        let cases = [
            (va ^ 1 << 40, 0x04), // another level-0 entry
            (va ^ 1 << 32, 0x05), // same level-0 entry, another level-1 entry
            (va ^ 1 << 24, 0x06), // same level-1 entry, another level-2 entry
            (va + 0x1000, 0x07),  // same level-2 table, another page
        ];
        for (a, dfsc) in cases {
            for write in [false, true] {
                assert_eq!(data_fault(&mut m, a, write), (dabt(true, write, dfsc), a));
            }
        }
        m.cpu.x[1] = va;
        m.run(&[LDR_X0_X1, HVC0]);
        assert!(!m.took(false));

        // Outside both ranges (T0SZ = T1SZ = 25), and a range disabled by EPD0: level 0.
        let mut m = machine(12, 25, 25);
        m.map0(DATA_VA, DATA, 3, NORMAL);
        let gap = 1u64 << 40;
        assert_eq!(
            data_fault(&mut m, gap, false),
            (dabt(true, false, 0x04), gap)
        );
        let tcr = m.cpu.sys.get(Reg::TcrEl1);
        m.cpu.sys.set(Reg::TcrEl1, tcr | 1 << 7);
        m.cpu.tlb.flush();
        let (esr, far) = data_fault(&mut m, DATA_VA, false);
        assert_eq!((esr, far), (dabt(true, false, 0x04), DATA_VA));
        // TBI0 ignores the top byte of data addresses; without it the tag is out of range.
        m.cpu.sys.set(Reg::TcrEl1, tcr);
        m.put(DATA, 5);
        let tagged = DATA_VA | 0x5a << 56;
        assert_eq!(
            data_fault(&mut m, tagged, false),
            (dabt(true, false, 0x04), tagged)
        );
        m.cpu.sys.set(Reg::TcrEl1, tcr | 1 << 37);
        m.cpu.tlb.flush();
        m.cpu.x[1] = tagged;
        m.run(&[LDR_X0_X1, HVC0]);
        assert_eq!(m.cpu.x[0], 5);
    }

    #[test]
    fn access_flag_and_output_size_faults() {
        let mut m = machine(12, 25, 25);
        m.map0(DATA_VA, DATA, 3, NORMAL & !(1 << 10));
        assert_eq!(
            data_fault(&mut m, DATA_VA, false).0,
            dabt(true, false, 0x0b)
        );
        m.map0(0x40_0000, DATA2, 2, NORMAL & !(1 << 10));
        assert_eq!(
            data_fault(&mut m, 0x40_0008, true).0,
            dabt(true, true, 0x0a)
        );
        // An output address above IPS (44 bits): address size fault at the leaf's level.
        m.map0(0x60_0000, 1 << 45, 3, NORMAL);
        assert_eq!(
            data_fault(&mut m, 0x60_0000, false).0,
            dabt(true, false, 0x03)
        );
        // A block at level 3's encoding (0b01) is reserved: translation fault.
        let at = m.slot0(0x61_0000, 3);
        m.put(at, DATA | NORMAL | 0b01);
        assert_eq!(
            data_fault(&mut m, 0x61_0000, false).0,
            dabt(true, false, 0x07)
        );
    }

    #[test]
    fn data_permissions_at_el1_and_el0() {
        let mut m = machine(12, 25, 25);
        m.map0(DATA_VA, DATA, 3, NORMAL | AP_RO);
        m.map0(DATA_VA + 0x1000, DATA, 3, NORMAL);
        m.map0(DATA_VA + 0x2000, DATA, 3, NORMAL | AP_EL0_RW);
        // EL1: read-only page, store faults at level 3.
        assert_eq!(data_fault(&mut m, DATA_VA, true).0, dabt(true, true, 0x0f));
        m.cpu.x[1] = DATA_VA;
        m.run(&[LDR_X0_X1, HVC0]);
        assert!(!m.took(false));
        // APTable[1] (no writes below) on the level-2 table descriptor.
        let at = m.slot0(DATA_VA, 2);
        let d = m.q(at);
        m.put(at, d | 1 << 62);
        m.cpu.tlb.flush();
        assert_eq!(
            data_fault(&mut m, DATA_VA + 0x2000, true).0,
            dabt(true, true, 0x0f)
        );
        m.put(at, d);
        m.cpu.tlb.flush();
        // EL0: AP = 00 is no access; AP = 01 read-write.
        for (va, ok) in [(DATA_VA + 0x1000, false), (DATA_VA + 0x2000, true)] {
            m.cpu.set_el_sp(0, false);
            m.cpu.x[1] = va;
            m.run(&[LDR_X0_X1, HVC0]);
            assert_eq!(m.cpu.el, 1);
            if ok {
                // HVC at EL0 is UNDEFINED: the load went through.
                assert_eq!(m.esr() >> 26, 0);
            } else {
                assert!(m.took(true));
                assert_eq!((m.esr(), m.far()), (dabt(false, false, 0x0f), va));
            }
        }
        // LDTR at EL1 checks EL0 permissions; LDR does not.
        m.cpu.x[1] = DATA_VA + 0x1000;
        m.run(&[LDTR_X0_X1, HVC0]);
        assert!(m.took(false));
        assert_eq!(
            (m.esr(), m.far()),
            (dabt(true, false, 0x0f), DATA_VA + 0x1000)
        );
        m.put(DATA, 9);
        m.cpu.x[1] = DATA_VA + 0x2000;
        m.run(&[LDTR_X0_X1, HVC0]);
        assert!(!m.took(false));
        assert_eq!(m.cpu.x[0], 9);
    }

    #[test]
    fn execute_permissions() {
        let mut m = machine(12, 25, 25);
        m.bus.load_words(DATA, &[HVC0]);
        let targets = [
            (0x40_0000, NORMAL | PXN),             // EL1: PXN
            (0x40_1000, NORMAL | AP_EL0_RW),       // EL1: EL0-writable implies PXN
            (0x40_2000, NORMAL | AP_RO_ALL | UXN), // EL0: UXN
            (0x40_3000, NORMAL | AP_RO_ALL),       // both may execute
            (0x40_4000, NORMAL | AP_RO_ALL | PXN), // EL0 may execute
        ];
        for (va, attrs) in targets {
            m.map0(va, DATA, 3, attrs);
        }
        let fetch = |m: &mut M, el: u8, va: u64| {
            m.cpu.set_el_sp(el, el > 0);
            m.cpu.x[1] = va;
            m.run(&[BR_X1]);
            (m.cpu.el, m.esr(), m.far(), m.cpu.sys.get(Reg::ElrEl1))
        };
        for va in [0x40_0000, 0x40_1000] {
            assert_eq!(fetch(&mut m, 1, va), (1, iabt(true, 0x0f), va, va));
        }
        assert_eq!(
            fetch(&mut m, 0, 0x40_2000),
            (1, iabt(false, 0x0f), 0x40_2000, 0x40_2000)
        );
        // Executable: the HVC there runs (at EL0 it is UNDEFINED, taken to EL1).
        let (el, esr, ..) = fetch(&mut m, 1, 0x40_3000);
        assert_eq!((el, m.cpu.pc), (1, 0x40_3004));
        let _ = esr;
        let (_, esr, ..) = fetch(&mut m, 0, 0x40_4000);
        assert_eq!(esr >> 26, 0);
        assert_eq!(m.cpu.sys.get(Reg::ElrEl1), 0x40_4000);
        // SCTLR.WXN: a writable region is execute-never.
        m.map0(0x40_5000, DATA, 3, NORMAL);
        let s = m.cpu.sys.get(Reg::SctlrEl1);
        m.cpu.sys.set(Reg::SctlrEl1, s | SCTLR_WXN);
        m.cpu.tlb.flush();
        assert_eq!(
            fetch(&mut m, 1, 0x40_5000),
            (1, iabt(true, 0x0f), 0x40_5000, 0x40_5000)
        );
    }

    #[test]
    fn tlbi_by_va_makes_a_new_mapping_visible() {
        for level in [3, 2] {
            let mut m = machine(12, 25, 25);
            let (va, old, new) = if level == 3 {
                (DATA_VA, DATA, DATA + 0x1000)
            } else {
                (0x40_0000, DATA, DATA2)
            };
            m.put(old + 0x80, 1);
            m.put(new + 0x80, 2);
            m.map0(va, old, level, NORMAL);
            let pte = m.slot0(va, level);
            m.cpu.x[1] = va + 0x80;
            m.cpu.x[3] = new | NORMAL | if level == 3 { 0b11 } else { 0b01 };
            m.cpu.x[4] = pte;
            // TLBI names any address within the block or page: another page of the block.
            let within = if level == 3 { 0 } else { 0x1_0000 };
            m.cpu.x[6] = (va + within) >> 12;
            // The tables are read through an identity map of themselves at their PA.
            m.map0(TABLES, TABLES, 2, NORMAL);
            m.run(&[
                LDR_X0_X1,
                STR_X3_X4,
                DSB_SY,
                LDR_X5_X1,
                TLBI_VAE1_X6,
                DSB_SY,
                LDR_X7_X1,
                HVC0,
            ]);
            assert!(!m.took(false));
            assert_eq!(m.cpu.x[0], 1, "level {level}");
            // Without TLBI the old translation may still be used (or the new one).
            assert!(m.cpu.x[5] == 1 || m.cpu.x[5] == 2);
            assert_eq!(
                m.cpu.x[7], 2,
                "level {level}: TLBI VAE1 dropped the old entry"
            );
        }
    }

    /// Code behind a changed mapping: after TLBI VAE1 (and ISB) a branch to the same VA runs
    /// the new page's instructions, whatever the executor cached by virtual PC.
    #[test]
    fn tlbi_by_va_makes_new_code_visible() {
        const FN_VA: u64 = 0x5_0000;
        const MOV_X0_1: u32 = 0xd280_0020;
        const MOV_X0_2: u32 = 0xd280_0040;
        const RET: u32 = 0xd65f_03c0;
        const BLR_X1: u32 = 0xd63f_0020;
        const MOV_X9_X0: u32 = 0xaa00_03e9;
        const ISB: u32 = 0xd503_3fdf;
        let mut m = machine(12, 25, 25);
        m.bus.load_words(DATA, &[MOV_X0_1, RET]);
        m.bus.load_words(DATA2, &[MOV_X0_2, RET]);
        m.map0(FN_VA, DATA, 3, NORMAL);
        m.map0(TABLES, TABLES, 2, NORMAL);
        m.cpu.x[1] = FN_VA;
        m.cpu.x[3] = DATA2 | NORMAL | 0b11;
        m.cpu.x[4] = m.slot0(FN_VA, 3);
        m.cpu.x[6] = FN_VA >> 12;
        m.run(&[
            BLR_X1,
            MOV_X9_X0,
            STR_X3_X4,
            DSB_SY,
            TLBI_VAE1_X6,
            DSB_SY,
            ISB,
            BLR_X1,
            HVC0,
        ]);
        assert!(!m.took(false));
        assert_eq!((m.cpu.x[9], m.cpu.x[0]), (1, 2));
    }

    #[test]
    fn tlbi_vmalle1_and_ttbr_changes() {
        let mut m = machine(12, 25, 25);
        m.put(DATA, 1);
        m.put(DATA2, 2);
        m.map0(DATA_VA, DATA, 3, NORMAL);
        m.cpu.x[1] = DATA_VA;
        m.run(&[LDR_X0_X1, HVC0]);
        assert_eq!(m.cpu.x[0], 1);
        // Change the PTE behind the vCPU's back, then TLBI VMALLE1.
        m.map0(DATA_VA, DATA2, 3, NORMAL);
        m.run(&[TLBI_VMALLE1, DSB_SY, LDR_X0_X1, HVC0]);
        assert_eq!(m.cpu.x[0], 2);
    }

    #[test]
    fn at_writes_par_el1() {
        let mut m = machine(12, 25, 25);
        m.map0(DATA_VA, DATA, 3, NORMAL | AP_RO);
        m.map0(DATA_VA + 0x1000, DATA2, 3, DEVICE | AP_EL0_RW);
        let at = |m: &mut M, op: u32, va: u64| {
            m.cpu.x[1] = va;
            m.run(&[op, MRS_X0_PAR, HVC0]);
            assert!(!m.took(false));
            m.cpu.x[0]
        };
        // Success: PA, ATTR = MAIR byte, SH (inner = 0b11 for Normal, 0b10 for Device), NS,
        // bit 11 RES1.
        let ok = |pa: u64, attr: u64, sh: u64| pa | attr << 56 | sh << 7 | 1 << 9 | 1 << 11;
        assert_eq!(at(&mut m, AT_S1E1R_X1, DATA_VA + 0x123), ok(DATA, 0xff, 3));
        assert_eq!(
            at(&mut m, AT_S1E1R_X1, DATA_VA + 0x1008),
            ok(DATA2, 0x00, 2)
        );
        assert_eq!(
            at(&mut m, AT_S1E0R_X1, DATA_VA + 0x1008),
            ok(DATA2, 0x00, 2)
        );
        // Faults: F = 1, FST; PTW = S = 0.
        let fault = |fst: u64| 1 | fst << 1 | 1 << 11;
        assert_eq!(at(&mut m, AT_S1E1W_X1, DATA_VA), fault(0x0f));
        assert_eq!(at(&mut m, AT_S1E0R_X1, DATA_VA), fault(0x0f));
        assert_eq!(at(&mut m, AT_S1E1R_X1, DATA_VA + 0x2000), fault(0x07));
        assert_eq!(at(&mut m, AT_S1E1R_X1, 1 << 40), fault(0x04));
        // With stage 1 off: VA = PA, Device-nGnRnE, Outer Shareable.
        let s = m.cpu.sys.get(Reg::SctlrEl1);
        m.cpu.sys.set(Reg::SctlrEl1, s & !SCTLR_M);
        m.cpu.tlb.flush();
        m.cpu.x[1] = DATA + 0x10;
        let code = CODE; // stage 1 off: run from the code's PA
        m.bus.load_words(code, &[AT_S1E1R_X1, MRS_X0_PAR, HVC0]);
        m.cache = BlockCache::new();
        m.cpu.pc = code;
        assert_eq!(m.cpu.run(&mut m.cache, &mut m.bus, 100), Exit::Hvc(0));
        assert_eq!(m.cpu.x[0], ok(DATA, 0x00, 2));
    }

    #[test]
    fn unaligned_accesses_to_device_memory_fault() {
        let mut m = machine(12, 25, 25);
        m.map0(DATA_VA, DATA, 3, DEVICE);
        m.map0(DATA_VA + 0x1000, DATA, 3, NORMAL);
        m.put(DATA, 0x8877_6655_4433_2211);
        // Aligned: fine, through the TLB too.
        m.cpu.x[1] = DATA_VA + 4;
        m.run(&[LDR_W0_X1, LDR_W0_X1, HVC0]);
        assert_eq!(m.cpu.x[0], 0x8877_6655);
        assert_eq!(
            data_fault(&mut m, DATA_VA + 4, false),
            (dabt(true, false, 0x21), DATA_VA + 4)
        );
        assert_eq!(
            data_fault(&mut m, DATA_VA + 2, true),
            (dabt(true, true, 0x21), DATA_VA + 2)
        );
        // Normal memory: unaligned is fine, unless SCTLR.A.
        m.cpu.x[1] = DATA_VA + 0x1001;
        m.run(&[LDR_X0_X1, LDR_X0_X1, HVC0]);
        assert_eq!(m.cpu.x[0], 0x0088_7766_5544_3322);
        let s = m.cpu.sys.get(Reg::SctlrEl1);
        m.cpu.sys.set(Reg::SctlrEl1, s | SCTLR_A);
        m.cpu.tlb.flush();
        let va = DATA_VA + 0x1001;
        assert_eq!(data_fault(&mut m, va, false), (dabt(true, false, 0x21), va));
        // Stage 1 off: data accesses are Device-nGnRnE.
        let mut cpu = Cpu::new(1);
        let mut bus = FlatBus::new(RAM, 0x10000);
        bus.load_words(RAM, &[LDR_X0_X1]);
        bus.load_words(RAM + 0x200, &[HVC0]);
        cpu.sys.set(Reg::VbarEl1, RAM);
        cpu.pc = RAM;
        cpu.x[1] = RAM + 0x804;
        assert_eq!(cpu.run(&mut BlockCache::new(), &mut bus, 10), Exit::Hvc(0));
        assert_eq!(cpu.sys.get(Reg::EsrEl1), dabt(true, false, 0x21));
        assert_eq!(cpu.sys.get(Reg::FarEl1), RAM + 0x804);
    }

    #[test]
    fn el2_regime() {
        const B_SELF: u32 = 0x1400_0000; // b .
        let mut m = machine(16, 24, 24);
        m.cpu = Cpu::new(2);
        m.map0(0x10_0000, CODE, 3, NORMAL | AP_RO);
        m.map0(0x12_0000, VECS, 3, NORMAL | AP_RO);
        m.map0(0x20_0000, DATA, 3, NORMAL | AP_RO);
        m.map0(0x30_0000, DATA, 3, NORMAL | UXN);
        m.bus.load_words(VECS + 0x200, &[B_SELF]);
        m.bus.load_words(DATA, &[B_SELF]);
        let c = &mut m.cpu;
        c.sys.set(Reg::MairEl2, MAIR);
        c.sys.set(Reg::TcrEl2, 24 | 1 << 14 | 4 << 16); // 64K granule, 40-bit VAs
        c.sys.set(Reg::Ttbr0El2, m.t0.root);
        c.sys.set(Reg::VbarEl2, 0x12_0000);
        let s = c.sys.get(Reg::SctlrEl2);
        c.sys.set(Reg::SctlrEl2, s | SCTLR_M);
        c.tlb.flush();
        // Runs `words` at EL2 until it spins on a `b .` (at the end, or in the vector).
        let run = |m: &mut M, words: &[u32]| {
            m.bus.load_words(CODE, words);
            m.cpu.pc = 0x10_0000;
            let mut cache = BlockCache::new();
            assert_eq!(m.cpu.run(&mut cache, &mut m.bus, 50), Exit::Budget);
            (
                m.cpu.pc,
                m.cpu.sys.get(Reg::EsrEl2),
                m.cpu.sys.get(Reg::FarEl2),
            )
        };
        // A store to a read-only page (AP[2] = 1; AP[1] is ignored at EL2).
        m.cpu.x[1] = 0x20_0000;
        let r = run(&mut m, &[STR_X2_X1, B_SELF]);
        assert_eq!(r, (0x12_0200, dabt(true, true, 0x0f), 0x20_0000));
        // XN (bit 54) forbids execution at EL2.
        m.cpu.x[1] = 0x30_0000;
        let r = run(&mut m, &[BR_X1]);
        assert_eq!(r, (0x12_0200, iabt(true, 0x0f), 0x30_0000));
        // AT S1E2R: the EL2 regime's translation.
        m.cpu.x[1] = 0x20_0010;
        let r = run(&mut m, &[AT_S1E2R_X1, MRS_X0_PAR, B_SELF]);
        assert_eq!(r.0, 0x10_0008);
        assert_eq!(m.cpu.x[0], DATA | 0xff << 56 | 3 << 7 | 1 << 9 | 1 << 11);
    }
}
