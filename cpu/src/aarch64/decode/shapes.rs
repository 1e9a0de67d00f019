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
/// `imm` = wmask AND tmask of DecodeBitMasks (the bits BFM replaces), and the three shifts that
/// produce the extracted field in one go: `(Rn << shift) >> op` (arithmetic for SBFM) `<< op2`.
/// With R = immr, S = imms, datasize M: S ≥ R moves bits S:R to the bottom (shift 63−S, then
/// 63−S+R); S < R moves bits S:0 up to M−R (shift 63−S, then 63−S, then M−R). sf != N and, for
/// 32-bit, immr/imms ≥ 32 are UNDEFINED.
pub fn bitfield(w: u32) -> Option<Ops> {
    let (immr, imms, n) = (bits(w, 16, 6), bits(w, 10, 6), bit(w, 22));
    if sf(w) != n || (!sf(w) && (immr >= 32 || imms >= 32)) {
        return None;
    }
    let m = if sf(w) { 64 } else { 32 };
    let (wmask, tmask) = decode_bit_masks(n, imms, immr, false, m)?;
    let (r, s) = (immr, imms);
    let (down, up) = if s >= r {
        (63 - s + r, 0)
    } else {
        (63 - s, m - r)
    };
    Some(Ops {
        rd: wz(w, 0),
        ra: rz(w, 0),
        rn: rz(w, 5),
        sf: sf(w),
        shift: (63 - s) as u8,
        op: down as u8,
        op2: up as u8,
        imm: wmask & tmask,
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
