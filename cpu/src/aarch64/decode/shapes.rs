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
// ## end of data processing – register
//
//
// ## Branches (more)
// ## end of branches (more)
//
//
// ## System (more)
// ## end of system (more)
