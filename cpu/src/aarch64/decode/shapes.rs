//! Field extraction shared by the encoding table: bit slicing, register-slot resolution and the
//! operand shapes (argument sets) that many encodings share. Shapes used by a single class live
//! in this file too, grouped under the class heading, so the table reads as one list.

use crate::aarch64::state::{Ops, REG_ZR_READ, REG_ZR_WRITE};

/// `n` bits of `w` starting at bit `lo`.
#[inline]
pub const fn bits(w: u32, lo: u32, n: u32) -> u32 {
    (w >> lo) & ((1u32 << n) - 1)
}

/// Bit `i` of `w`.
#[inline]
pub const fn bit(w: u32, i: u32) -> bool {
    (w >> i) & 1 == 1
}

/// Sign-extend the low `n` bits of `v`.
#[inline]
pub const fn sext(v: u64, n: u32) -> u64 {
    (((v << (64 - n)) as i64) >> (64 - n)) as u64
}

/// Register field at `lo` read as Xn/XZR (31 → the zero slot).
#[inline]
pub const fn rz(w: u32, lo: u32) -> u8 {
    let r = bits(w, lo, 5) as u8;
    if r == 31 {
        REG_ZR_READ
    } else {
        r
    }
}

/// Register field at `lo` written as Xd/XZR (31 → the sink slot).
#[inline]
pub const fn wz(w: u32, lo: u32) -> u8 {
    let r = bits(w, lo, 5) as u8;
    if r == 31 {
        REG_ZR_WRITE
    } else {
        r
    }
}

/// Register field at `lo` as Xn/SP (31 → the current stack pointer slot), read or written.
#[inline]
pub const fn rsp(w: u32, lo: u32) -> u8 {
    bits(w, lo, 5) as u8
}

/// Whether bit 31 (sf) selects a 64-bit operation.
#[inline]
pub const fn sf(w: u32) -> bool {
    bit(w, 31)
}

// ## Branches, exception generation and system

/// Unconditional branch immediate: `imm` = sign-extended byte offset (imm26 × 4).
pub fn branch26(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: sext((bits(w, 0, 26) as u64) << 2, 28),
        ..Ops::default()
    })
}

/// Exception generation: `imm` = imm16.
pub fn imm16(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: bits(w, 5, 16) as u64,
        ..Ops::default()
    })
}

/// No operands.
pub fn none(_: u32) -> Option<Ops> {
    Some(Ops::default())
}

// ## Data processing – immediate

/// ADD/SUB (immediate): `rd` SP-form (or ZR-form for the flag-setting forms, see
/// [`addsub_imm_s`]), `rn` SP-form, `imm` = imm12 << (12 × sh).
pub fn addsub_imm(w: u32) -> Option<Ops> {
    let sh = if bit(w, 22) { 12 } else { 0 };
    Some(Ops {
        rd: rsp(w, 0),
        rn: rsp(w, 5),
        sf: sf(w),
        imm: (bits(w, 10, 12) as u64) << sh,
        ..Ops::default()
    })
}

/// ADDS/SUBS (immediate): as [`addsub_imm`] with Rd written as XZR.
pub fn addsub_imm_s(w: u32) -> Option<Ops> {
    addsub_imm(w).map(|o| Ops { rd: wz(w, 0), ..o })
}

/// PC-relative addressing: `rd` ZR-form, `imm` = the sign-extended offset, already scaled by
/// 4096 for ADRP (bit 31).
pub fn pcrel(w: u32) -> Option<Ops> {
    let off = sext(((bits(w, 5, 19) << 2) | bits(w, 29, 2)) as u64, 21);
    Some(Ops {
        rd: wz(w, 0),
        imm: if bit(w, 31) { off << 12 } else { off },
        ..Ops::default()
    })
}

/// `n` low bits set (`n` ≤ 64).
const fn ones(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// DecodeBitMasks (DDI 0487 J1.1.3 `aarch64/instrs/integer/bitmasks`): the `(wmask, tmask)` of
/// a logical immediate (`immediate`) or bitfield move, for a `m`-bit operation; `None` where the
/// pseudocode is UNDEFINED (no element size, all-ones S for immediates, element wider than `m`).
pub const fn decode_bit_masks(
    n: bool,
    imms: u32,
    immr: u32,
    immediate: bool,
    m: u32,
) -> Option<(u64, u64)> {
    // len = HighestSetBit(immN:NOT(imms))
    let v = ((n as u32) << 6) | (!imms & 0x3f);
    if v == 0 {
        return None;
    }
    let len = 31 - v.leading_zeros();
    if len < 1 || (1u32 << len) > m {
        return None;
    }
    let levels = (1u32 << len) - 1;
    if immediate && imms & levels == levels {
        return None;
    }
    let s = imms & levels;
    let r = immr & levels;
    let d = s.wrapping_sub(r) & levels;
    let esize = 1u32 << len;
    let emask = ones(esize);
    let welem = ones(s + 1);
    let telem = ones(d + 1);
    let wrot = if r == 0 {
        welem
    } else {
        ((welem >> r) | (welem << (esize - r))) & emask
    };
    // Replicate(·) to m bits.
    let (mut wmask, mut tmask, mut i) = (0u64, 0u64, 0u32);
    while i < m {
        wmask |= wrot << i;
        tmask |= telem << i;
        i += esize;
    }
    Some((wmask, tmask))
}

/// Logical (immediate) AND/ORR/EOR: `rd` SP-form, `rn` ZR-form, `imm` = the bitmask
/// immediate of DecodeBitMasks at the operation size (reserved combinations and N = 1 for 32-bit
/// are UNDEFINED).
pub fn logic_imm(w: u32) -> Option<Ops> {
    let n = bit(w, 22);
    if !sf(w) && n {
        return None;
    }
    let m = if sf(w) { 64 } else { 32 };
    let (wmask, _) = decode_bit_masks(n, bits(w, 10, 6), bits(w, 16, 6), true, m)?;
    Some(Ops {
        rd: rsp(w, 0),
        rn: rz(w, 5),
        sf: sf(w),
        imm: wmask,
        ..Ops::default()
    })
}

/// ANDS (immediate): as [`logic_imm`] with Rd written as XZR.
pub fn logic_imm_s(w: u32) -> Option<Ops> {
    logic_imm(w).map(|o| Ops { rd: wz(w, 0), ..o })
}

/// Move wide (MOVN/MOVZ/MOVK by opc, bits 30:29): `rd` ZR-form, `ra` = Rd read view (MOVK),
/// `shift` = hw × 16; `imm` = the final value for MOVN/MOVZ (inverted and sized for MOVN), the
/// positioned imm16 for MOVK. hw ≥ 2 for 32-bit is UNDEFINED.
pub fn move_wide(w: u32) -> Option<Ops> {
    let hw = bits(w, 21, 2);
    if !sf(w) && hw >= 2 {
        return None;
    }
    let pos = hw * 16;
    let v = (bits(w, 5, 16) as u64) << pos;
    let imm = match bits(w, 29, 2) {
        0 if sf(w) => !v,
        0 => !v & 0xffff_ffff,
        _ => v,
    };
    Some(Ops {
        rd: wz(w, 0),
        ra: rz(w, 0),
        sf: sf(w),
        shift: pos as u8,
        imm,
        ..Ops::default()
    })
}

/// Bitfield move (SBFM/BFM/UBFM): `rd` ZR-form, `ra` = Rd read view (BFM), `rn` ZR-form,
/// `op2` = the kind ([`dp_imm::bf`](crate::aarch64::exec::dp_imm::bf) and
/// [`dp_imm::sbf`](crate::aarch64::exec::dp_imm::sbf)), which picks the handler's variant.
/// With R = immr, S = imms, datasize M:
/// - BFM and UBFM: `imm` = wmask AND tmask of DecodeBitMasks (the bits BFM replaces); S ≥ R
///   moves bits S:R to the bottom (`op` = R, a right shift), S < R moves bits S:0 up to M−R
///   (`shift` = M−R, a left shift): the field is `(Rn >> op << shift) AND imm`, whose bits all
///   lie below M.
/// - SBFM: `imm` = ones(M); bit S goes to the top (`shift` = 63−S), then an arithmetic right
///   shift puts bit R (S ≥ R, `op` = 63−S+R) or bit 0 (S < R, `op` = 63−S−(M−R)) where it
///   belongs and fills the rest with bit S; the result is that AND `imm`.
///
/// sf != N and, for 32-bit, immr/imms ≥ 32 are UNDEFINED.
pub fn bitfield(w: u32) -> Option<Ops> {
    use crate::aarch64::exec::dp_imm::{bf, sbf};
    let (immr, imms, n) = (bits(w, 16, 6), bits(w, 10, 6), bit(w, 22));
    if sf(w) != n || (!sf(w) && (immr >= 32 || imms >= 32)) {
        return None;
    }
    let m = if sf(w) { 64 } else { 32 };
    let (wmask, tmask) = decode_bit_masks(n, imms, immr, false, m)?;
    let (r, s) = (immr, imms);
    let (shift, op, imm, kind) = if bits(w, 29, 2) == 0 {
        let down = if s >= r { 63 - s + r } else { 63 - s - (m - r) };
        let kind = match (sf(w), r, s) {
            (true, _, 63) => sbf::ASR_X,
            (_, 0, 7) => sbf::SXTB,
            (_, 0, 15) => sbf::SXTH,
            (_, 0, 31) => sbf::SXTW,
            _ => sbf::FIELD,
        };
        (63 - s, down, ones(m), kind)
    } else {
        let ubfm = bits(w, 29, 2) == 2;
        let (shift, op, kind) = if s >= r {
            let kind = match (sf(w), r, s) {
                (_, 0, _) if ubfm => bf::LOW,
                (true, _, 63) if ubfm => bf::LSR_X,
                _ => bf::EXTRACT,
            };
            (0, r, kind)
        } else {
            let kind = if ubfm && sf(w) && s + 1 == r {
                bf::LSL_X
            } else {
                bf::INSERT
            };
            (m - r, 0, kind)
        };
        (shift, op, wmask & tmask, kind)
    };
    Some(Ops {
        rd: wz(w, 0),
        ra: rz(w, 0),
        rn: rz(w, 5),
        sf: sf(w),
        shift: shift as u8,
        op: op as u8,
        op2: kind,
        imm,
        ..Ops::default()
    })
}

/// EXTR: `rd` ZR-form, `rn`, `rm` ZR-form, `shift` = lsb. N != sf and 32-bit lsb ≥ 32 are
/// UNDEFINED.
pub fn extract(w: u32) -> Option<Ops> {
    let lsb = bits(w, 10, 6);
    if sf(w) != bit(w, 22) || (!sf(w) && lsb >= 32) {
        return None;
    }
    Some(Ops {
        rd: wz(w, 0),
        rn: rz(w, 5),
        rm: rz(w, 16),
        sf: sf(w),
        shift: lsb as u8,
        ..Ops::default()
    })
}
// ## end of data processing – immediate

// ## Loads and stores

// (loads and stores shapes)

// Operand layout of every load/store shape (see exec/ldst.rs): `rd` = Rt (XZR-form: written by
// loads, read by stores), `ra` = Rt2 of pairs, `rn` = base (SP-form), `rm` = writeback slot of
// immediate forms (Rn, or the XZR sink when there is no writeback), Rm of register offsets, or
// Rs of store-exclusives; `op` = 1 when the immediate applies to the address (0 = post-index),
// the extend option of register offsets, or the size in bytes of exclusives/ordered;
// `op2` = SP alignment mask of the base; `shift` = register-offset shift; `imm` = byte offset.

/// SP alignment mask of the base register field (bits 9:5): 15 for SP, 0 otherwise.
#[inline]
const fn sp_mask(w: u32) -> u8 {
    if bits(w, 5, 5) == 31 {
        15
    } else {
        0
    }
}

/// Transfer register field at `lo`: written as Xt/XZR for loads, read as Xt/XZR for stores.
#[inline]
const fn rt(w: u32, lo: u32, load: bool) -> u8 {
    if load {
        wz(w, lo)
    } else {
        rz(w, lo)
    }
}

/// Base, writeback and offset fields of an immediate form: `pre` says whether `imm` applies to
/// the address, `wback` whether Rn is written back.
const fn ldst_base(w: u32, imm: u64, pre: bool, wback: bool) -> Ops {
    let rn = rsp(w, 5);
    Ops {
        rd: rt(w, 0, bits(w, 22, 2) != 0),
        ra: 0,
        rn,
        rm: if wback { rn } else { REG_ZR_WRITE },
        sf: false,
        op: pre as u8,
        op2: sp_mask(w),
        shift: 0,
        imm,
    }
}

/// Load/store register with imm9 (bits 11:10: unscaled, post-index, unprivileged, pre-index).
pub fn ldst_i9(w: u32) -> Option<Ops> {
    let imm = sext(bits(w, 12, 9) as u64, 9);
    let (pre, wback) = match bits(w, 10, 2) {
        0b01 => (false, true),
        0b11 => (true, true),
        _ => (true, false),
    };
    Some(ldst_base(w, imm, pre, wback))
}

/// PRFUM: the unscaled form only; post/pre-index and unprivileged prefetches are unallocated.
pub fn prfm_i9(w: u32) -> Option<Ops> {
    if bits(w, 10, 2) == 0 {
        Some(Ops::default())
    } else {
        None
    }
}

/// Load/store register (unsigned offset): `imm` = imm12 << size.
pub fn ldst_ui(w: u32) -> Option<Ops> {
    let imm = (bits(w, 10, 12) as u64) << bits(w, 30, 2);
    Some(ldst_base(w, imm, true, false))
}

/// Load/store register (register offset): `rm` = Rm (XZR-form), `op` = option (UXTW, LSL,
/// SXTW, SXTX; option<1> == 0 is unallocated), `shift` = S ? size : 0.
pub fn ldst_r(w: u32) -> Option<Ops> {
    let option = bits(w, 13, 3);
    if option & 0b010 == 0 {
        return None;
    }
    Some(Ops {
        rm: rz(w, 16),
        op: option as u8,
        shift: if bit(w, 12) { bits(w, 30, 2) as u8 } else { 0 },
        ..ldst_base(w, 0, true, false)
    })
}

/// PRFM (register): option<1> == 0 is unallocated.
pub fn prfm_r(w: u32) -> Option<Ops> {
    ldst_r(w).map(|_| Ops::default())
}

/// Load register (literal): `imm` = imm19 × 4, sign-extended, relative to the PC.
pub fn ld_lit(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: wz(w, 0),
        imm: sext((bits(w, 5, 19) as u64) << 2, 21),
        ..Ops::default()
    })
}

/// Load/store pair (bits 24:23: non-temporal offset, post-index, offset, pre-index): `rd` = Rt,
/// `ra` = Rt2, `imm` = imm7 scaled by the element size (4 << opc<1>).
pub fn ldst_pair(w: u32) -> Option<Ops> {
    let load = bit(w, 22);
    let imm = sext(bits(w, 15, 7) as u64, 7) << (2 + bits(w, 31, 1));
    let (pre, wback) = match bits(w, 23, 2) {
        0b01 => (false, true),
        0b11 => (true, true),
        _ => (true, false),
    };
    Some(Ops {
        rd: rt(w, 0, load),
        ra: rt(w, 10, load),
        ..ldst_base(w, imm, pre, wback)
    })
}

/// LDPSW: no non-temporal form.
pub fn ldpsw(w: u32) -> Option<Ops> {
    if bits(w, 23, 2) == 0 {
        None
    } else {
        ldst_pair(w)
    }
}

/// Exclusives and ordered accesses: `rd` = Rt, `ra` = Rt2, `rm` = Rs (status, XZR-form),
/// `op` = 1 << size (the access size, or the element size of pairs).
pub fn ldst_excl(w: u32) -> Option<Ops> {
    let load = bit(w, 22);
    Some(Ops {
        rd: rt(w, 0, load),
        ra: rt(w, 10, load),
        rn: rsp(w, 5),
        rm: wz(w, 16),
        op: 1 << bits(w, 30, 2),
        op2: sp_mask(w),
        ..Ops::default()
    })
}
// ## end of loads and stores
//
//
// ## Data processing – register

/// Three ZR-form registers (`rd`, `rn`, `rm` at bits 16) and sf: add/sub with carry,
/// conditional select (`op` = cond, bits 15:12), two-source operations.
pub fn rrr(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: wz(w, 0),
        rn: rz(w, 5),
        rm: rz(w, 16),
        sf: sf(w),
        op: bits(w, 12, 4) as u8,
        ..Ops::default()
    })
}

/// One-source operations: `rd`, `rn` ZR-form and sf.
pub fn rr(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: wz(w, 0),
        rn: rz(w, 5),
        sf: sf(w),
        ..Ops::default()
    })
}

/// Logical (shifted register): as [`rrr`] with `op` = shift type, `shift` = imm6 (≥ 32 for
/// 32-bit is UNDEFINED).
pub fn logic_sr(w: u32) -> Option<Ops> {
    let amount = bits(w, 10, 6);
    if !sf(w) && amount >= 32 {
        return None;
    }
    rrr(w).map(|o| Ops {
        op: bits(w, 22, 2) as u8,
        shift: amount as u8,
        ..o
    })
}

/// ADD/SUB (shifted register): as [`logic_sr`]; shift type ROR is UNDEFINED.
pub fn addsub_sr(w: u32) -> Option<Ops> {
    if bits(w, 22, 2) == 3 {
        return None;
    }
    logic_sr(w)
}

/// ADD/SUB (extended register): `rd` SP-form (ZR-form for the flag-setting forms, see
/// [`addsub_ext_s`]), `rn` SP-form, `rm` ZR-form, `op` = option (extend type), `shift` = imm3
/// (> 4 is UNDEFINED).
pub fn addsub_ext(w: u32) -> Option<Ops> {
    let amount = bits(w, 10, 3);
    if amount > 4 {
        return None;
    }
    Some(Ops {
        rd: rsp(w, 0),
        rn: rsp(w, 5),
        rm: rz(w, 16),
        sf: sf(w),
        op: bits(w, 13, 3) as u8,
        shift: amount as u8,
        ..Ops::default()
    })
}

/// ADDS/SUBS (extended register): as [`addsub_ext`] with Rd written as XZR.
pub fn addsub_ext_s(w: u32) -> Option<Ops> {
    addsub_ext(w).map(|o| Ops { rd: wz(w, 0), ..o })
}

/// Conditional compare (register or immediate by bit 11): `rn` ZR-form, `op` = cond, `op2` =
/// nzcv, and the second operand as `rm | imm`: the register with `imm` = 0, or the zero slot with
/// `imm` = imm5.
pub fn cond_cmp(w: u32) -> Option<Ops> {
    let is_imm = bit(w, 11);
    Some(Ops {
        rn: rz(w, 5),
        rm: if is_imm { REG_ZR_READ } else { rz(w, 16) },
        imm: if is_imm { bits(w, 16, 5) as u64 } else { 0 },
        sf: sf(w),
        op: bits(w, 12, 4) as u8,
        op2: bits(w, 0, 4) as u8,
        ..Ops::default()
    })
}

/// CRC32{B,H,W,X} and CRC32C{…}: as [`rrr`] with `op` = bytes of Rm consumed (1 << sz); the
/// X forms need sf = 1 and the others sf = 0.
pub fn crc(w: u32) -> Option<Ops> {
    let sz = bits(w, 10, 2);
    if sf(w) != (sz == 3) {
        return None;
    }
    rrr(w).map(|o| Ops { op: 1 << sz, ..o })
}

/// Three-source operations: as [`rrr`] with `ra` = Ra (ZR-form, bits 14:10).
pub fn rrrr(w: u32) -> Option<Ops> {
    rrr(w).map(|o| Ops { ra: rz(w, 10), ..o })
}
// ## end of data processing – register
//
//
// ## Branches (more)

/// B.cond: `op` = cond, `imm` = sign-extended byte offset (imm19 × 4).
pub fn cond_branch(w: u32) -> Option<Ops> {
    Some(Ops {
        op: bits(w, 0, 4) as u8,
        imm: sext((bits(w, 5, 19) as u64) << 2, 21),
        ..Ops::default()
    })
}

/// CBZ/CBNZ: `rn` = Rt (ZR-form), `sf`, `op` = 1 for CBNZ, `imm` = byte offset (imm19 × 4).
pub fn cmp_branch(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 0),
        sf: sf(w),
        op: bit(w, 24) as u8,
        imm: sext((bits(w, 5, 19) as u64) << 2, 21),
        ..Ops::default()
    })
}

/// TBZ/TBNZ: `rn` = Rt (ZR-form), `shift` = bit number b5:b40, `op` = 1 for TBNZ, `imm` = byte
/// offset (imm14 × 4).
pub fn test_branch(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 0),
        shift: ((bits(w, 31, 1) << 5) | bits(w, 19, 5)) as u8,
        op: bit(w, 24) as u8,
        imm: sext((bits(w, 5, 14) as u64) << 2, 16),
        ..Ops::default()
    })
}

/// BR/BLR/RET: `rn` = the target register (31 reads XZR).
pub fn branch_reg(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 5),
        ..Ops::default()
    })
}
// ## end of branches (more)
//
//
// ## System (more)

/// The word itself in `imm` (hints and PSTATE writes that may be UNDEFINED or trapped at run
/// time need it for the report and the syndrome), `op` = CRm, `op2` = op2.
pub fn sys_word(w: u32) -> Option<Ops> {
    Some(Ops {
        op: bits(w, 8, 4) as u8,
        op2: bits(w, 5, 3) as u8,
        imm: w as u64,
        ..Ops::default()
    })
}

/// MRS/MSR/SYS: the system register table index of op0:op1:CRn:CRm:op2 in `imm` bits 31:0 and
/// the word in bits 63:32. Encodings the table does not know, and accesses the register does not
/// allow in that direction (MSR to a read-only register, MRS of a write-only one), are
/// UNDEFINED at decode time; SYS must name a SYS operation.
fn sysreg_index(w: u32, read: bool) -> Option<u64> {
    use crate::aarch64::sysreg::{desc, find, Storage};
    let i = find(bits(w, 5, 16))?;
    let d = desc(i);
    let sys_op = matches!(d.storage, Storage::Op(_));
    let ok = if read {
        !d.write_only
    } else {
        !d.read_only && (sys_op == (bits(w, 19, 2) == 1))
    };
    ok.then_some(i as u64 | (w as u64) << 32)
}

/// MRS: `rd` = Rt (ZR-form), `imm` as [`sysreg_index`].
pub fn sysreg_read(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: wz(w, 0),
        imm: sysreg_index(w, true)?,
        ..Ops::default()
    })
}

/// MSR (register) and SYS: `rn` = Rt (ZR-form), `imm` as [`sysreg_index`].
pub fn sysreg_write(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 0),
        imm: sysreg_index(w, false)?,
        ..Ops::default()
    })
}
// ## end of system (more)
//
//
// ## SIMD&FP loads and stores, AdvSIMD integer (exec/simd)
//
// Layouts: see `exec/simd/mod.rs` (data processing) and `exec/simd/ldst.rs` (loads/stores).
// V register fields are plain register numbers (31 is V31); general register fields use the
// slot helpers above.

/// V register field at `lo`.
#[inline]
const fn vr(w: u32, lo: u32) -> u8 {
    bits(w, lo, 5) as u8
}

/// SIMD&FP load/store register access size in bytes: size (bits 31:30), or 16 for the Q form
/// (size = 00, opc<1> = 1); `None` for size != 00 with opc<1> = 1.
const fn vsize(w: u32) -> Option<u32> {
    match (bits(w, 30, 2), bit(w, 23)) {
        (s, false) => Some(1 << s),
        (0, true) => Some(16),
        _ => None,
    }
}

/// LDR/STR (SIMD&FP) with imm9: unscaled, post-index, pre-index (unprivileged forms are
/// unallocated); `rd` = Vt.
pub fn vldst_i9(w: u32) -> Option<Ops> {
    vsize(w)?;
    if bits(w, 10, 2) == 0b10 {
        return None;
    }
    ldst_i9(w).map(|o| Ops { rd: vr(w, 0), ..o })
}

/// LDR/STR (SIMD&FP, unsigned offset): `imm` = imm12 × access size.
pub fn vldst_ui(w: u32) -> Option<Ops> {
    let n = vsize(w)?;
    ldst_ui(w).map(|o| Ops {
        rd: vr(w, 0),
        imm: bits(w, 10, 12) as u64 * n as u64,
        ..o
    })
}

/// LDR/STR (SIMD&FP, register offset): `shift` = S ? log2(access size) : 0.
pub fn vldst_r(w: u32) -> Option<Ops> {
    let n = vsize(w)?;
    ldst_r(w).map(|o| Ops {
        rd: vr(w, 0),
        shift: if bit(w, 12) {
            n.trailing_zeros() as u8
        } else {
            0
        },
        ..o
    })
}

/// LDR (literal, SIMD&FP): `rd` = Vt, `imm` = the byte offset.
pub fn vld_lit(w: u32) -> Option<Ops> {
    ld_lit(w).map(|o| Ops { rd: vr(w, 0), ..o })
}

/// LDP/STP/LDNP/STNP (SIMD&FP): `rd` = Vt, `ra` = Vt2, `imm` = imm7 × (4 << opc).
pub fn vldst_pair(w: u32) -> Option<Ops> {
    let imm = sext(bits(w, 15, 7) as u64, 7) << (2 + bits(w, 30, 2));
    ldst_pair(w).map(|o| Ops {
        rd: vr(w, 0),
        ra: vr(w, 10),
        imm,
        ..o
    })
}

/// Base, post-index offset and write-back of the structure loads/stores (bit 23 = post-index):
/// `transfer` is the immediate post-index amount (Rm = 31).
fn vstruct(w: u32, transfer: u32) -> Ops {
    let rn = rsp(w, 5);
    let (rm, imm, ra) = match (bit(w, 23), bits(w, 16, 5)) {
        (false, _) => (REG_ZR_READ, 0, REG_ZR_WRITE),
        (true, 31) => (REG_ZR_READ, transfer as u64, rn),
        (true, m) => (m as u8, 0, rn),
    };
    Ops {
        rd: vr(w, 0),
        rn,
        rm,
        ra,
        op2: sp_mask(w),
        imm,
        ..Ops::default()
    }
}

/// LD1–LD4/ST1–ST4 (multiple structures): opcode (bits 15:12) gives rpt and selem; `.1D` with
/// more than one element per structure is reserved. Without post-index, bits 20:16 must be 0.
pub fn vstruct_mult(w: u32) -> Option<Ops> {
    if !bit(w, 23) && bits(w, 16, 5) != 0 {
        return None;
    }
    let (rpt, selem) = match bits(w, 12, 4) {
        0b0000 => (1, 4),
        0b0010 => (4, 1),
        0b0100 => (1, 3),
        0b0110 => (3, 1),
        0b0111 => (1, 1),
        0b1000 => (1, 2),
        0b1010 => (2, 1),
        _ => return None,
    };
    let (size, q) = (bits(w, 10, 2), bit(w, 30));
    if size == 3 && !q && selem > 1 {
        return None;
    }
    let transfer = rpt * selem * if q { 16 } else { 8 };
    Some(Ops {
        op: size as u8,
        sf: q,
        shift: (selem | rpt << 4) as u8,
        ..vstruct(w, transfer)
    })
}

/// LD1–LD4/ST1–ST4 (single structure): opcode<2:1> (bits 15:14) selects B/H/S-or-D, the index
/// is Q:S:size bits as far as the element size leaves them; reserved size/S combinations are
/// UNDEFINED. Without post-index, bits 20:16 must be 0.
pub fn vstruct_single(w: u32) -> Option<Ops> {
    if !bit(w, 23) && bits(w, 16, 5) != 0 {
        return None;
    }
    let selem = ((bits(w, 13, 1) << 1) | bits(w, 21, 1)) + 1;
    let (q, s, size) = (bits(w, 30, 1), bits(w, 12, 1), bits(w, 10, 2));
    let (scale, index) = match bits(w, 14, 2) {
        0 => (0, q << 3 | s << 2 | size),
        1 if size & 1 == 0 => (1, q << 2 | s << 1 | size >> 1),
        2 if size == 0 => (2, q << 1 | s),
        2 if size == 1 && s == 0 => (3, q),
        _ => return None,
    };
    Some(Ops {
        op: (scale | index << 2) as u8,
        shift: selem as u8,
        ..vstruct(w, selem << scale)
    })
}

/// LD1R–LD4R: S must be 0; the element size is size (bits 11:10).
pub fn vstruct_repl(w: u32) -> Option<Ops> {
    if bit(w, 12) || (!bit(w, 23) && bits(w, 16, 5) != 0) {
        return None;
    }
    let selem = ((bits(w, 13, 1) << 1) | bits(w, 21, 1)) + 1;
    let size = bits(w, 10, 2);
    Some(Ops {
        op: size as u8,
        sf: bit(w, 30),
        shift: selem as u8,
        ..vstruct(w, selem << size)
    })
}

/// Element-size rules of the AdvSIMD data-processing shapes.
mod rule {
    /// Any size; 64-bit elements need Q = 1 (no 1D arrangement).
    pub const ANY: u8 = 0;
    /// 8, 16 or 32-bit elements.
    pub const NO64: u8 = 1;
    /// 16 or 32-bit elements.
    pub const HS: u8 = 2;
    /// 8 or 16-bit elements.
    pub const BH: u8 = 3;
    /// 8-bit elements only.
    pub const B: u8 = 4;
    /// 64-bit elements only.
    pub const D: u8 = 5;
    /// The size field is an opcode (logical operations): always allowed.
    pub const ALL: u8 = 6;
}

/// Whether element size `size` is allowed by `r` (with Q for the vector forms, true for scalar).
const fn size_ok(size: u32, q: bool, r: u8) -> bool {
    match r {
        rule::ANY => size != 3 || q,
        rule::NO64 => size != 3,
        rule::HS => size == 1 || size == 2,
        rule::BH => size <= 1,
        rule::B => size == 0,
        rule::D => size == 3,
        _ => true,
    }
}

/// Vector three-register operation: `rd`, `rn`, `rm`, `op` = size (bits 23:22), `op2` = 8 or 16
/// by Q, `sf` = Q.
const fn vec3(w: u32, r: u8) -> Option<Ops> {
    let (size, q) = (bits(w, 22, 2), bit(w, 30));
    if !size_ok(size, q, r) {
        return None;
    }
    Some(Ops {
        rd: vr(w, 0),
        rn: vr(w, 5),
        rm: vr(w, 16),
        ra: 0,
        sf: q,
        op: size as u8,
        op2: if q { 16 } else { 8 },
        shift: 0,
        imm: 0,
    })
}

/// Scalar three-register operation: as [`vec3`] with `op2` = the element size in bytes.
const fn sca3(w: u32, r: u8) -> Option<Ops> {
    let size = bits(w, 22, 2);
    if !size_ok(size, true, r) {
        return None;
    }
    Some(Ops {
        rd: vr(w, 0),
        rn: vr(w, 5),
        rm: vr(w, 16),
        ra: 0,
        sf: false,
        op: size as u8,
        op2: 1 << size,
        shift: 0,
        imm: 0,
    })
}

/// Vector, any element size (no 1D).
pub fn v_any(w: u32) -> Option<Ops> {
    vec3(w, rule::ANY)
}

/// Vector, 8/16/32-bit elements.
pub fn v_no64(w: u32) -> Option<Ops> {
    vec3(w, rule::NO64)
}

/// Vector, 16/32-bit elements.
pub fn v_hs(w: u32) -> Option<Ops> {
    vec3(w, rule::HS)
}

/// Vector, 8/16-bit elements.
pub fn v_bh(w: u32) -> Option<Ops> {
    vec3(w, rule::BH)
}

/// Vector, 8-bit elements.
pub fn v_b(w: u32) -> Option<Ops> {
    vec3(w, rule::B)
}

/// Vector byte-wise operations whose bits 23:22 are part of the opcode (logical operations,
/// RBIT): `op` = 0 (8-bit lanes).
pub fn v_bytes(w: u32) -> Option<Ops> {
    vec3(w, rule::ALL).map(|o| Ops { op: 0, ..o })
}

/// Scalar, any element size.
pub fn s_any(w: u32) -> Option<Ops> {
    sca3(w, rule::ANY)
}

/// Scalar, 64-bit element.
pub fn s_d(w: u32) -> Option<Ops> {
    sca3(w, rule::D)
}

/// Scalar, 16/32-bit element.
pub fn s_hs(w: u32) -> Option<Ops> {
    sca3(w, rule::HS)
}

/// Vector long/narrowing forms (three different, XTN, SADDLP…): `op2` = 8 (the narrow side of
/// XTN/three-different) — see [`v_addlp`] for the pairwise long forms.
pub fn v_long(w: u32) -> Option<Ops> {
    vec3(w, rule::NO64).map(|o| Ops { op2: 8, ..o })
}

/// Vector long forms with 16/32-bit narrow elements (SQDMULL, SQDMLAL, SQDMLSL).
pub fn v_long_hs(w: u32) -> Option<Ops> {
    vec3(w, rule::HS).map(|o| Ops { op2: 8, ..o })
}

/// PMULL: 8-bit elements only (the 64-bit form is FEAT_PMULL, not implemented).
pub fn v_long_b(w: u32) -> Option<Ops> {
    vec3(w, rule::B).map(|o| Ops { op2: 8, ..o })
}

/// Scalar narrowing (SQXTN, UQXTN, SQXTUN): 8/16/32-bit result.
pub fn s_narrow(w: u32) -> Option<Ops> {
    sca3(w, rule::NO64)
}

/// Vector pairwise long (SADDLP…): 8/16/32-bit source elements over 8 or 16 bytes.
pub fn v_addlp(w: u32) -> Option<Ops> {
    vec3(w, rule::NO64)
}

/// SHLL/SHLL2: USHLL with the shift amount = element size.
pub fn v_shll(w: u32) -> Option<Ops> {
    vec3(w, rule::NO64).map(|o| Ops {
        ra: crate::aarch64::exec::simd::shift::kind::USHLL,
        shift: 8 << o.op,
        ..o
    })
}

/// Across lanes: 8/16-bit elements, or 32-bit with Q = 1 (4S).
pub fn v_across(w: u32) -> Option<Ops> {
    vec3(w, rule::NO64).filter(|o| o.op != 2 || o.sf)
}

/// Scalar ADDP: the two 64-bit elements of Vn (size must be 11).
pub fn s_addp(w: u32) -> Option<Ops> {
    sca3(w, rule::D).map(|o| Ops { op2: 16, ..o })
}

/// By-element index and Vm: size 01 → index H:L:M and Vm in V0–V15, size 10 → index H:L and
/// Vm in V0–V31; other sizes are reserved for the integer forms.
const fn elem_idx(w: u32) -> Option<(u32, u8)> {
    let (h, l, m) = (bits(w, 11, 1), bits(w, 21, 1), bits(w, 20, 1));
    match bits(w, 22, 2) {
        1 => Some((h << 2 | l << 1 | m, bits(w, 16, 4) as u8)),
        2 => Some((h << 1 | l, bits(w, 16, 5) as u8)),
        _ => None,
    }
}

/// Vector by element, same width (MUL, MLA, MLS, SQDMULH, SQRDMULH): `shift` = index.
pub fn v_elem(w: u32) -> Option<Ops> {
    let (idx, rm) = elem_idx(w)?;
    vec3(w, rule::HS).map(|o| Ops {
        rm,
        shift: idx as u8,
        ..o
    })
}

/// Vector by element, long (SMULL…SQDMLSL and the "2" forms).
pub fn v_elem_long(w: u32) -> Option<Ops> {
    v_elem(w).map(|o| Ops { op2: 8, ..o })
}

/// Scalar by element (SQDMULH, SQRDMULH, SQDMULL, SQDMLAL, SQDMLSL).
pub fn s_elem(w: u32) -> Option<Ops> {
    let (idx, rm) = elem_idx(w)?;
    sca3(w, rule::HS).map(|o| Ops {
        rm,
        shift: idx as u8,
        ..o
    })
}

/// Shift by immediate (vector when bit 28 = 0, scalar when 1): the operation from U:opcode
/// into `ra`, the element size from immh into `op`, the amount into `shift`. immh = 0 is the
/// modified-immediate class, the fixed-point conversions (opcodes 11100, 11111) are not here,
/// and unallocated or reserved combinations are UNDEFINED.
pub fn shift_imm(w: u32) -> Option<Ops> {
    use crate::aarch64::exec::simd::shift::{is_long, is_narrow, is_right, kind::*};
    let immh = bits(w, 19, 4);
    if immh == 0 {
        return None;
    }
    let scalar = bit(w, 28);
    let q = bit(w, 30);
    let size = 31 - immh.leading_zeros();
    let e = 8 << size;
    let immhb = bits(w, 16, 7);
    let k = match (bit(w, 29), bits(w, 11, 5)) {
        (false, 0b00000) => SSHR,
        (true, 0b00000) => USHR,
        (false, 0b00010) => SSRA,
        (true, 0b00010) => USRA,
        (false, 0b00100) => SRSHR,
        (true, 0b00100) => URSHR,
        (false, 0b00110) => SRSRA,
        (true, 0b00110) => URSRA,
        (true, 0b01000) => SRI,
        (false, 0b01010) => SHL,
        (true, 0b01010) => SLI,
        (true, 0b01100) => SQSHLU,
        (false, 0b01110) => SQSHL,
        (true, 0b01110) => UQSHL,
        (false, 0b10000) if !scalar => SHRN,
        (true, 0b10000) => SQSHRUN,
        (false, 0b10001) if !scalar => RSHRN,
        (true, 0b10001) => SQRSHRUN,
        (false, 0b10010) => SQSHRN,
        (true, 0b10010) => UQSHRN,
        (false, 0b10011) => SQRSHRN,
        (true, 0b10011) => UQRSHRN,
        (false, 0b10100) if !scalar => SSHLL,
        (true, 0b10100) if !scalar => USHLL,
        _ => return None,
    };
    let (narrow, long) = (is_narrow(k), is_long(k));
    let ok = if narrow || long {
        size != 3
    } else if scalar {
        // The plain shifts and inserts are D only; the saturating left shifts take any size.
        size == 3 || matches!(k, SQSHL | UQSHL | SQSHLU)
    } else {
        size != 3 || q
    };
    if !ok {
        return None;
    }
    let amount = if is_right(k) {
        2 * e - immhb
    } else {
        immhb - e
    };
    let op2 = if scalar {
        (e / 8) as u8
    } else if narrow || long {
        8
    } else if q {
        16
    } else {
        8
    };
    Some(Ops {
        rd: vr(w, 0),
        rn: vr(w, 5),
        ra: k,
        sf: q && !scalar,
        op: size as u8,
        op2,
        shift: amount as u8,
        ..Ops::default()
    })
}

/// Modified immediate (MOVI/MVNI/ORR/BIC): `imm` = AdvSIMDExpandImm (inverted for MVNI, as
/// the table line's op bit asks), `op2` = 8 or 16 by Q; the 64-bit MOVI form needs no Q check.
pub fn modimm(w: u32) -> Option<Ops> {
    use crate::aarch64::exec::simd::modimm::expand_imm;
    let (op, cmode) = (bit(w, 29), bits(w, 12, 4));
    let imm8 = (bits(w, 16, 3) << 5 | bits(w, 5, 5)) as u64;
    let v = expand_imm(op, cmode, imm8);
    // MVNI (op = 1, cmode 0xx0, 10x0, 110x) writes the inverse; BIC keeps the pattern and the
    // handler inverts it.
    let mvn = op && cmode != 0b1110 && (cmode & 1 == 0 || cmode >> 1 == 6);
    Some(Ops {
        rd: vr(w, 0),
        op2: if bit(w, 30) { 16 } else { 8 },
        imm: if mvn { !v } else { v },
        ..Ops::default()
    })
}

/// AdvSIMD copy: the element size (`op`) and index (`shift`) from imm5; `None` for imm5 = x0000.
const fn copy_elem(w: u32) -> Option<(u8, u8)> {
    let imm5 = bits(w, 16, 5);
    if imm5 & 0xf == 0 {
        return None;
    }
    let size = imm5.trailing_zeros();
    Some((size as u8, (imm5 >> (size + 1)) as u8))
}

/// DUP (element), vector: 64-bit elements need Q = 1.
pub fn dup_elem(w: u32) -> Option<Ops> {
    let (size, idx) = copy_elem(w)?;
    let q = bit(w, 30);
    if size == 3 && !q {
        return None;
    }
    Some(Ops {
        rd: vr(w, 0),
        rn: vr(w, 5),
        op: size,
        op2: if q { 16 } else { 8 },
        shift: idx,
        ..Ops::default()
    })
}

/// DUP (element), scalar: `op2` = the element size.
pub fn dup_elem_s(w: u32) -> Option<Ops> {
    let (size, idx) = copy_elem(w)?;
    Some(Ops {
        rd: vr(w, 0),
        rn: vr(w, 5),
        op: size,
        op2: 1 << size,
        shift: idx,
        ..Ops::default()
    })
}

/// DUP (general): `rn` = Wn/Xn (ZR-form); 64-bit elements need Q = 1.
pub fn dup_gen(w: u32) -> Option<Ops> {
    dup_elem(w).map(|o| Ops { rn: rz(w, 5), ..o })
}

/// INS (general): `rn` = Wn/Xn (ZR-form), `shift` = the destination index.
pub fn ins_gen(w: u32) -> Option<Ops> {
    let (size, idx) = copy_elem(w)?;
    Some(Ops {
        rd: vr(w, 0),
        rn: rz(w, 5),
        op: size,
        shift: idx,
        ..Ops::default()
    })
}

/// INS (element): `shift` = destination index (imm5), `imm` = source index (imm4 scaled by the
/// element size).
pub fn ins_elem(w: u32) -> Option<Ops> {
    let (size, idx) = copy_elem(w)?;
    Some(Ops {
        rd: vr(w, 0),
        rn: vr(w, 5),
        op: size,
        shift: idx,
        imm: (bits(w, 11, 4) >> size) as u64,
        ..Ops::default()
    })
}

/// UMOV: `rd` = Wd/Xd (ZR-form), `sf` = Q; 32-bit for B/H/S (Q = 0), 64-bit for D (Q = 1).
pub fn umov(w: u32) -> Option<Ops> {
    let (size, idx) = copy_elem(w)?;
    let q = bit(w, 30);
    if q != (size == 3) {
        return None;
    }
    Some(Ops {
        rd: wz(w, 0),
        rn: vr(w, 5),
        op: size,
        sf: q,
        shift: idx,
        ..Ops::default()
    })
}

/// SMOV: B/H to Wd (Q = 0), B/H/S to Xd (Q = 1).
pub fn smov(w: u32) -> Option<Ops> {
    let (size, idx) = copy_elem(w)?;
    let q = bit(w, 30);
    if size == 3 || (size == 2 && !q) {
        return None;
    }
    Some(Ops {
        rd: wz(w, 0),
        rn: vr(w, 5),
        op: size,
        sf: q,
        shift: idx,
        ..Ops::default()
    })
}

/// EXT: `shift` = the byte position imm4 (< 8 when Q = 0).
pub fn v_ext(w: u32) -> Option<Ops> {
    let (q, imm4) = (bit(w, 30), bits(w, 11, 4));
    if !q && imm4 >= 8 {
        return None;
    }
    vec3(w, rule::B).map(|o| Ops {
        shift: imm4 as u8,
        ..o
    })
}

/// TBL/TBX: `shift` = the number of table registers (len + 1).
pub fn v_tbl(w: u32) -> Option<Ops> {
    vec3(w, rule::B).map(|o| Ops {
        shift: bits(w, 13, 2) as u8 + 1,
        ..o
    })
}
// ## end of SIMD&FP loads and stores, AdvSIMD integer
//
//
// ## Floating point, scalar and AdvSIMD (exec/fp)

/// Scalar FP `ftype` (bits 23:22) as an element size code: single (2) and double (3); half
/// (ftype = 11) needs FEAT_FP16 and 10 is unallocated.
fn ftype_sd(w: u32) -> Option<u8> {
    match bits(w, 22, 2) {
        0 => Some(2),
        1 => Some(3),
        _ => None,
    }
}

/// FP operands with `n` lanes of format `code`: `rd`, `rn`, `rm` are V registers.
fn fp_ops(w: u32, code: u8, lanes: u32, q: bool) -> Ops {
    Ops {
        rd: bits(w, 0, 5) as u8,
        rn: bits(w, 5, 5) as u8,
        rm: bits(w, 16, 5) as u8,
        op: code,
        shift: lanes as u8,
        sf: q,
        ..Ops::default()
    }
}

/// Scalar FP data-processing (1 and 2 source): one lane of `ftype`.
pub fn fp_scalar(w: u32) -> Option<Ops> {
    Some(fp_ops(w, ftype_sd(w)?, 1, false))
}

/// FRINT* (scalar): `op2` = the rounding of opcode<2:0> (bits 17:15: N, P, M, Z, A, -, X, I),
/// `imm` = 1 for FRINTX (exact).
pub fn fp_rint(w: u32) -> Option<Ops> {
    let (op2, exact) = match bits(w, 15, 3) {
        6 => (6, 1),
        7 => (6, 0),
        r => (r as u8, 0),
    };
    Some(Ops {
        op2,
        imm: exact,
        ..fp_scalar(w)?
    })
}

/// FMADD family: `ra` = Va (bits 14:10); `op2` bit 0 = negate Va (o1), bit 1 = negate Vn
/// (o1 EOR o0).
pub fn fp_3src(w: u32) -> Option<Ops> {
    let (o1, o0) = (bit(w, 21) as u8, bit(w, 15) as u8);
    Some(Ops {
        ra: bits(w, 10, 5) as u8,
        op2: o1 | (o1 ^ o0) << 1,
        ..fp_ops(w, ftype_sd(w)?, 1, false)
    })
}

/// FCVT (between precisions): `op` = source (ftype), `op2` = destination (opc, bits 16:15);
/// half (11) is allowed here; equal formats and 10 are unallocated.
pub fn fp_fcvt(w: u32) -> Option<Ops> {
    let code = |t: u32| match t {
        0 => Some(2u8),
        1 => Some(3),
        3 => Some(1),
        _ => None,
    };
    let (from, to) = (code(bits(w, 22, 2))?, code(bits(w, 15, 2))?);
    (from != to).then(|| Ops {
        op2: to,
        ..fp_ops(w, from, 1, false)
    })
}

/// FCMP/FCMPE: `op2` = signalling (bit 4), `imm` = 1 compares with zero (bit 3; Rm ignored).
pub fn fp_cmp(w: u32) -> Option<Ops> {
    Some(Ops {
        op2: bit(w, 4) as u8,
        imm: bit(w, 3) as u64,
        ..fp_ops(w, ftype_sd(w)?, 1, false)
    })
}

/// FCCMP/FCCMPE: `imm` = cond | nzcv << 4, `op2` = signalling (bit 4).
pub fn fp_ccmp(w: u32) -> Option<Ops> {
    Some(Ops {
        op2: bit(w, 4) as u8,
        imm: (bits(w, 12, 4) | bits(w, 0, 4) << 4) as u64,
        ..fp_ops(w, ftype_sd(w)?, 1, false)
    })
}

/// FCSEL: `imm` = cond.
pub fn fp_csel(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: bits(w, 12, 4) as u64,
        ..fp_ops(w, ftype_sd(w)?, 1, false)
    })
}

/// FMOV (scalar, immediate): `imm` = VFPExpandImm(imm8).
pub fn fp_imm(w: u32) -> Option<Ops> {
    let code = ftype_sd(w)?;
    Some(Ops {
        imm: crate::aarch64::exec::fp::core::Fmt::from_code(code).expand_imm(bits(w, 13, 8) as u8),
        ..fp_ops(w, code, 1, false)
    })
}

/// FP to integer (FCVT*S/U general): `rd` = Wd/Xd (ZR-form), `op2` = rounding (rmode, or
/// ties-away for FCVTA*: opcode<2> = bit 18), `imm` = unsigned (opcode<0>), `shift` = 0.
pub fn fp_to_int(w: u32) -> Option<Ops> {
    let rm = if bit(w, 18) { 4 } else { bits(w, 19, 2) as u8 };
    Some(Ops {
        rd: wz(w, 0),
        sf: sf(w),
        op2: rm,
        imm: bit(w, 16) as u64,
        shift: 0,
        ..fp_ops(w, ftype_sd(w)?, 1, false)
    })
}

/// Fraction bits of the fixed-point conversions with general registers: 64 - scale;
/// 32-bit forms need scale ≥ 32.
fn fixed_fbits(w: u32) -> Option<u8> {
    let scale = bits(w, 10, 6);
    (sf(w) || scale >= 32).then_some((64 - scale) as u8)
}

/// FCVTZS/FCVTZU (scalar, fixed-point): as [`fp_to_int`] with `shift` = fbits.
pub fn fp_to_fixed(w: u32) -> Option<Ops> {
    Some(Ops {
        shift: fixed_fbits(w)?,
        op2: 3,
        ..fp_to_int(w)?
    })
}

/// SCVTF/UCVTF (scalar, integer): `rn` = Wn/Xn (ZR-form), `imm` = unsigned (opcode<0>).
pub fn int_to_fp(w: u32) -> Option<Ops> {
    Some(Ops {
        rn: rz(w, 5),
        sf: sf(w),
        imm: bit(w, 16) as u64,
        shift: 0,
        ..fp_ops(w, ftype_sd(w)?, 1, false)
    })
}

/// SCVTF/UCVTF (scalar, fixed-point): as [`int_to_fp`] with `shift` = fbits.
pub fn fixed_to_fp(w: u32) -> Option<Ops> {
    Some(Ops {
        shift: fixed_fbits(w)?,
        ..int_to_fp(w)?
    })
}

/// FMOV (general), FP to general: `rd` = Wd/Xd (ZR-form), `rn` = Vn, `sf`, `imm` = bit offset
/// (64 for Vn.D[1], opcode rmode = 01).
pub fn fmov_to_gpr(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: wz(w, 0),
        rn: bits(w, 5, 5) as u8,
        sf: sf(w),
        imm: if bit(w, 19) { 64 } else { 0 },
        ..Ops::default()
    })
}

/// FMOV (general), general to FP: `rd` = Vd, `rn` = Wn/Xn (ZR-form), `sf`, `imm` = 64 for
/// Vd.D[1].
pub fn fmov_from_gpr(w: u32) -> Option<Ops> {
    Some(Ops {
        rd: bits(w, 0, 5) as u8,
        rn: rz(w, 5),
        sf: sf(w),
        imm: if bit(w, 19) { 64 } else { 0 },
        ..Ops::default()
    })
}

/// AdvSIMD FP size bit sz (bit 22): single (2) or double (3).
fn sz_code(w: u32) -> u8 {
    2 + bit(w, 22) as u8
}

/// AdvSIMD vector FP, one lane per element of Q:sz; the 64-bit double arrangement (.1D) is
/// reserved.
fn vec_fp(w: u32) -> Option<Ops> {
    let (q, code) = (bit(w, 30), sz_code(w));
    if code == 3 && !q {
        return None;
    }
    let lanes = (64 << q as u32) >> (code + 3);
    Some(fp_ops(w, code, lanes, q))
}

/// The rounding of an AdvSIMD FRINT* / FCVT*S/U "two-register miscellaneous" encoding, from
/// U (bit 29), o1 (bit 23) and opcode (bits 16:12): FCVTN/M/P/Z and FRINTN/M/P/Z by o1:opcode<0>,
/// FCVTA* and FRINTA ties away, FRINTX (exact) and FRINTI the FPCR mode.
fn misc_rounding(w: u32) -> (u8, u64) {
    let opc = bits(w, 12, 5);
    let o1_o0 = (bit(w, 23) as u32) << 1 | (opc & 1);
    let directed = [0u8, 2, 1, 3][o1_o0 as usize];
    match (opc, bit(w, 29)) {
        (0b11100, _) => (4, 0),
        (0b11000 | 0b11001, true) => match o1_o0 {
            0 => (4, 0),
            1 => (6, 1),
            _ => (6, 0),
        },
        _ => (directed, 0),
    }
}

/// The extra operands of a "two-register miscellaneous" FP encoding: rounding in `op2`, FRINTX
/// exactness in `imm` bit 0, unsigned (U) in `imm` bit 8.
fn misc_extra(w: u32, o: Ops) -> Ops {
    let (op2, exact) = misc_rounding(w);
    Ops {
        op2,
        imm: exact | (bit(w, 29) as u64) << 8,
        ..o
    }
}

/// AdvSIMD vector FP "three same" and "two-register miscellaneous" (`op2`/`imm` as
/// [`misc_extra`]).
pub fn simd_fp(w: u32) -> Option<Ops> {
    Some(misc_extra(w, vec_fp(w)?))
}

/// AdvSIMD scalar FP "three same" and "two-register miscellaneous": one lane of sz.
pub fn simd_fp_scalar(w: u32) -> Option<Ops> {
    Some(misc_extra(w, fp_ops(w, sz_code(w), 1, false)))
}

/// URECPE/URSQRTE: 32-bit lanes (sz = 0 is fixed by the pattern).
pub fn simd_u32_est(w: u32) -> Option<Ops> {
    vec_fp(w)
}

/// AdvSIMD vector pairwise FP: `imm` = lanes per source register.
pub fn simd_fp_pairwise(w: u32) -> Option<Ops> {
    let o = vec_fp(w)?;
    Some(Ops {
        imm: o.shift as u64,
        ..o
    })
}

/// AdvSIMD scalar pairwise FP: one result lane from lanes 0 and 1 of Vn.
pub fn simd_fp_pairwise_scalar(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: 2,
        ..fp_ops(w, sz_code(w), 1, false)
    })
}

/// AdvSIMD across lanes FP (FMAXV…): 4S only (Q = 1, sz = 0 are fixed by the pattern).
pub fn simd_fp_across(w: u32) -> Option<Ops> {
    Some(fp_ops(w, 2, 4, false))
}

/// FCVTN/FCVTXN (vector): `op` = source format (sz: single, double), lanes = 128 / source
/// size, `sf` = Q (the "2" form writes the upper half); `op2` = FPCR rounding, or round to odd
/// for FCVTXN (U = 1).
pub fn simd_fcvtn(w: u32) -> Option<Ops> {
    let code = sz_code(w);
    Some(Ops {
        op2: if bit(w, 29) { 5 } else { 6 },
        ..fp_ops(w, code, 128 >> (code + 3), bit(w, 30))
    })
}

/// FCVTXN (scalar): Sd from Dn, round to odd.
pub fn simd_fcvtxn_scalar(w: u32) -> Option<Ops> {
    Some(Ops {
        op2: 5,
        ..fp_ops(w, 3, 1, false)
    })
}

/// FCVTL (vector): `op` = destination format (sz: single, double), `sf` = Q (source is the
/// upper half of Vn).
pub fn simd_fcvtl(w: u32) -> Option<Ops> {
    Some(fp_ops(w, sz_code(w), 0, bit(w, 30)))
}

/// Lane index and Vm of the FP "by element" encodings: single H:L with Vm = M:Rm, double H
/// (L = 1 reserved).
fn elem_index(w: u32) -> Option<u64> {
    let (h, l) = (bit(w, 11) as u64, bit(w, 21) as u64);
    if bit(w, 22) {
        (l == 0).then_some(h)
    } else {
        Some(h << 1 | l)
    }
}

/// AdvSIMD vector FP by element: `imm` = index.
pub fn simd_fp_elem(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: elem_index(w)?,
        ..vec_fp(w)?
    })
}

/// AdvSIMD scalar FP by element.
pub fn simd_fp_elem_scalar(w: u32) -> Option<Ops> {
    Some(Ops {
        imm: elem_index(w)?,
        ..fp_ops(w, sz_code(w), 1, false)
    })
}

/// Format and fraction bits of the fixed-point shifts by immediate: immh 01xx single,
/// 1xxx double (001x half needs FEAT_FP16, 0001 is reserved); fbits = 2 × esize − immh:immb.
fn shift_fixed(w: u32) -> Option<(u8, u64)> {
    let immh = bits(w, 19, 4);
    let code = if immh >= 8 {
        3
    } else if immh >= 4 {
        2
    } else {
        return None;
    };
    let esize = 8u32 << code;
    Some((code, (2 * esize - bits(w, 16, 7)) as u64))
}

/// SCVTF/UCVTF/FCVTZS/FCVTZU (vector, fixed-point): `imm` = fbits | U << 8, `op2` = round
/// towards zero (for FCVTZ*).
pub fn simd_fp_fixed(w: u32) -> Option<Ops> {
    let (code, fbits) = shift_fixed(w)?;
    let q = bit(w, 30);
    if code == 3 && !q {
        return None;
    }
    Some(Ops {
        op2: 3,
        imm: fbits | (bit(w, 29) as u64) << 8,
        ..fp_ops(w, code, (64 << q as u32) >> (code + 3), q)
    })
}

/// SCVTF/UCVTF/FCVTZS/FCVTZU (scalar, fixed-point).
pub fn simd_fp_fixed_scalar(w: u32) -> Option<Ops> {
    let (code, fbits) = shift_fixed(w)?;
    Some(Ops {
        op2: 3,
        imm: fbits | (bit(w, 29) as u64) << 8,
        ..fp_ops(w, code, 1, false)
    })
}

/// FMOV (vector, immediate): `imm` = the 64-bit replicated constant (op = 0: two singles;
/// op = 1: one double, Q = 1 only), `sf` = Q.
pub fn simd_fmov_imm(w: u32) -> Option<Ops> {
    use crate::aarch64::exec::fp::core::{D, S};
    let imm8 = (bits(w, 16, 3) << 5 | bits(w, 5, 5)) as u8;
    let q = bit(w, 30);
    let imm = if bit(w, 29) {
        if !q {
            return None;
        }
        D.expand_imm(imm8)
    } else {
        let s = S.expand_imm(imm8);
        s | s << 32
    };
    Some(Ops {
        rd: bits(w, 0, 5) as u8,
        sf: q,
        imm,
        ..Ops::default()
    })
}
// ## end of floating point
